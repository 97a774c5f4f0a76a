"""``ibb board DIR|FILE [--format text|md|html] [--filter TEXT] [--sort KEY] [--reverse] [-o OUT]``.

Every issue of a negotiation (the folder, or the folder of a session file) across all its
sessions, one row each: article, issue, status, stage reached, the session it was last worked
in, its TA in force (date, initials), the earlier TAs it superseded, who ratified it, open
information requests, days open. Above the table: the package's state (nothing is agreed until
everything is agreed), the ratification record, and any problem. ``text`` (the default) is a
table for the terminal; ``md`` and ``html`` are documents (the export package's writers).

The text table of an unchanged folder is printed from the facts cache (``negotiation.facts``)
without importing the models: ``ibb board`` starts about as fast as ``ibb --version``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..negotiation import load
from ..negotiation.board import SORTS, BoardRow, filter_rows, rows, sort_rows, summary
from ..termtext import fit, fit_middle, printable


def _ta(row: BoardRow) -> str:
    if not row.ta_date:
        return ""
    return f"{row.ta_date.isoformat()} {row.ta_initials}".strip()


HEADINGS = {
    "article": "Article", "issue": "Issue", "status": "Status", "stage": "Stage", "session": "Last worked in",
    "ta": "TA in force", "sup": "Sup.", "rat": "Ratified", "req": "Req.", "days": "Days",
}  # fmt: skip


def table(board: list[BoardRow], width: int) -> list[str]:
    """The rows as a plain table that fits ``width`` columns where it can."""
    fixed = {"article": 11, "status": 12, "stage": 9, "session": 18, "ta": 24, "sup": 4, "rat": 8, "req": 4, "days": 5}
    widths = {"issue": max(20, width - sum(fixed.values()) - 2 * len(fixed) - 2), **fixed}
    order = ("article", "issue", "status", "stage", "session", "ta", "sup", "rat", "req", "days")
    right = {"sup", "req", "days"}

    def line(cells: dict[str, str]) -> str:
        return "  ".join(
            f"{cells[k]:>{widths[k]}}"
            if k in right
            else (fit_middle if k == "session" else fit)(printable(cells[k]), widths[k])
            for k in order
        ).rstrip()

    head = line(HEADINGS)
    lines = [head, "-" * len(head)]
    for row in board:
        lines.append(line({
            "article": row.article, "issue": row.statement, "status": row.status_label, "stage": row.stage,
            "session": row.session, "ta": _ta(row), "sup": str(row.superseded or ""), "rat": row.ratified_by,
            "req": str(row.requests or ""), "days": "" if row.days_open is None else str(row.days_open),
        }))  # fmt: skip
    return lines


def cmd_board(args: argparse.Namespace) -> int:
    if hasattr(sys.stdout, "reconfigure"):  # an ASCII-only terminal gets "?" for "–", never a crash
        sys.stdout.reconfigure(errors="replace")
    neg = load(args.path)
    if not neg.sessions and not neg.broken:
        raise ValueError(f"{neg.folder}: no session files here")
    shown = sort_rows(filter_rows(rows(neg), args.filter or ""), args.sort, reverse=args.reverse)
    if args.format == "text":
        if args.output not in (None, "-"):
            raise ValueError("the text board is for the terminal: use --format md or html to write a file")
        try:  # (shutil.get_terminal_size, without importing shutil)
            width = int(os.environ.get("COLUMNS") or os.get_terminal_size(sys.stdout.fileno()).columns)
        except (OSError, ValueError):
            width = 160
        out = [printable(line) for line in summary(neg)]
        out.append("")
        out += table(shown, width) if shown else ["No issue matches." if neg.issues else "No issues yet."]
        if args.filter:
            out.append(f"\n{len(shown)} of {len(neg.issues)} issues match {printable(args.filter)}.")
        print("\n".join(out))
        return 0
    from ..export import write_document
    from ..export.board import build
    from ..store import refuse_overwriting_records, write_atomic

    data = write_document(build(neg, shown, filtered=args.filter or ""), args.format)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out_path = Path(args.output)
        refuse_overwriting_records(out_path)
        write_atomic(out_path, data, backup=False)
        print(f"Wrote {args.output}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("board", help="every issue of a negotiation across its sessions: status, TAs, ratification")
    p.add_argument("path", metavar="DIR|FILE", help="the negotiation's folder, or one of its session files")
    p.add_argument(
        "--format",
        choices=["text", "md", "html"],
        default="text",
        help="text: a table for the terminal (default); md, html: a document",
    )
    p.add_argument(
        "--filter",
        metavar="TEXT",
        help="only issues whose article, statement, status, stage or session holds every word",
    )
    p.add_argument(
        "--sort",
        choices=list(SORTS),
        default="article",
        help="order of the rows (default: the contract's article order)",
    )
    p.add_argument("--reverse", action="store_true", help="reverse the order")
    p.add_argument("-o", "--output", metavar="OUT", help="md, html: where to write ('-' or nothing: standard output)")
    p.set_defaults(func=cmd_board)
