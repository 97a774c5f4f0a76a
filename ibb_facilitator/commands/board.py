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
from ..negotiation.board import (
    HEADINGS,
    SORTS,
    BoardRow,
    article_label,
    column_widths,
    filter_rows,
    has_costs,
    rows,
    sort_rows,
    summary,
    ta_label,
)
from ..termtext import fit, fit_middle, printable


def table(board: list[BoardRow], width: int, *, costs: bool = False) -> list[str]:
    """The rows as a plain table that fits ``width`` columns (narrow: fewer, narrower columns);
    ``costs``: with the TA cost column."""
    widths = column_widths(width, margin=-2, costs=costs)
    right = {"sup", "req", "days", "cost"}

    def line(cells: dict[str, str]) -> str:
        return "  ".join(
            f"{cells[k]:>{widths[k]}}"
            if k in right
            else (fit_middle if k == "session" else fit)(printable(cells[k]), widths[k])
            for k in widths
        ).rstrip()

    head = line(HEADINGS)
    lines = [head, "-" * len(head)]
    for row in board:
        lines.append(line({
            "article": article_label(row.article, widths["article"]), "issue": row.statement,
            "status": row.status_label, "stage": row.stage, "session": row.session,
            "ta": ta_label(row, widths.get("ta", 0)), "cost": row.ta_cost, "sup": str(row.superseded or ""),
            "ratified": row.ratified_by, "req": str(row.requests or ""),
            "days": "" if row.days_open is None else str(row.days_open),
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
        out += (
            table(shown, width, costs=has_costs(neg))
            if shown
            else ["No issue matches." if neg.issues else "No issues yet."]
        )
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
