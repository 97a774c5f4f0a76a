"""``ibb library [DIR] [--search QUERY] [--sort KEY] [--filter TEXT]``: the sessions in a folder.

Lists every session under DIR (default: the sessions folder) as a table: title, district, dates,
issues open / agreed, last change, file. Broken files are listed as BROKEN with their first
error line. ``--search`` prints ranked full-text hits instead: snippet, then where (file,
issue, kind, item id). The search index lives in the user cache folder and is brought up to
date (changed files only) before each listing or search; a listing with no option is kept
beside it and printed again while no file changed (``listing_snapshot``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .. import listing_snapshot, paths

# The library (sqlite3 and the rest) and termtext are imported where they are used: a warm
# listing printed from its snapshot (``listing_snapshot``) needs neither. Type checkers take any
# ``TYPE_CHECKING`` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from ..library import Entry, Hit

_BOLD, _PLAIN = "\x1b[1m", "\x1b[0m"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _where(path: Path | str, root: Path) -> str:
    """``path`` relative to ``root`` when it is under it (by its text: a thousand rows of
    ``Path.relative_to`` were a tenth of a warm listing)."""
    text, prefix = str(path), os.path.join(str(root), "")
    return text[len(prefix) :] if text.startswith(prefix) else text


def _columns(fallback: int) -> int:
    """``shutil.get_terminal_size().columns`` (``COLUMNS``, else the terminal's, else
    ``fallback``), without importing ``shutil`` (and the archive modules it imports)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or fallback  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return fallback


def table(entries: list[Entry], root: Path, width: int) -> list[str]:
    """The listing as lines of a plain table that fits ``width`` columns where it can."""
    from ..termtext import fit, printable

    compact = width < 150
    fixed = {"dates": 26 if compact else 34, "open": 4, "agreed": 6, "changed": 16}
    prefix = os.path.join(str(root), "")  # (``_where``, its prefix made once)
    files = [printable(t[len(prefix) :] if (t := e.path_text).startswith(prefix) else t) for e in entries]
    room = width - sum(fixed.values()) - 2 * 6 - min(30, max((len(f) for f in files), default=4))
    title_w = max(16, min(48, room * 3 // 5))
    org_w = max(12, min(32, room - title_w))
    head = (
        f"{fit('Title', title_w)}  {fit('District', org_w)}  {fit('Dates', fixed['dates'])}  "
        f"{'Open':>4}  {'Agreed':>6}  {fit('Last change', fixed['changed'])}  File"
    )
    lines = [head, "-" * min(width, len(head) + 24)]
    add, dates_w, changed_w = lines.append, fixed["dates"], fixed["changed"]  # (a thousand rows)
    for entry, file in zip(entries, files):
        if entry.error:
            error = printable(entry.error_line)
            where = printable(str(entry.path))  # the store names the file: name it as listed
            shown = file + error[len(where) :] if error.startswith(where) else f"{file}: {error}"
            add(f"{fit('BROKEN', title_w)}  {shown}")
            continue
        add(
            f"{fit(printable(entry.title), title_w)}  {fit(printable(entry.organization), org_w)}  "
            f"{fit(entry.compact_dates if compact else entry.dates, dates_w)}  {entry.open:>4}  "
            f"{entry.agreed:>6}  {fit(entry.when, changed_w)}  {file}"
        )
    return lines


def _highlight(hit: Hit, bold: bool) -> str:
    from ..termtext import printable

    if not bold or not hit.marks:
        return printable(hit.snippet)
    out, pos = [], 0
    for start, end in hit.marks:
        out += [printable(hit.snippet[pos:start]), _BOLD, printable(hit.snippet[start:end]), _PLAIN]
        pos = end
    out.append(printable(hit.snippet[pos:]))
    return "".join(out)


def hit_lines(hits: list[Hit], root: Path, bold: bool) -> list[str]:
    from ..termtext import printable

    lines = []
    for n, hit in enumerate(hits, start=1):
        where = [_where(hit.path, root)]
        if hit.issue_id:
            where.append(hit.issue_id)
        kind = hit.kind_label + (f" {hit.item_id}" if hit.item_id and hit.item_id != hit.issue_id else "")
        where.append(kind + (f" ({hit.who})" if hit.who else ""))
        lines.append(f"{n:>3}. {_highlight(hit, bold)}")
        lines.append(f"     {printable(' · '.join(where))}  —  {printable(hit.title)}")
        if hit.issue_statement and hit.kind != "issue":
            lines.append(f"     issue: {printable(hit.issue_statement)}")
    return lines


def _progress_line() -> Callable[[int, int], None]:
    """On a terminal, while many files are read (a first run on an archive): "Indexing 340 of
    1,000 files…" on one line of stderr, rewritten at most ten times a second, cleared at the end."""
    shown = [0.0]

    def progress(done: int, total: int) -> None:
        if total < 50:
            return
        now = time.monotonic()
        if done < total and now - shown[0] < 0.1:
            return
        shown[0] = now
        end = "\r\x1b[K" if done == total else ""
        print(f"\rIndexing {done:,} of {total:,} files…{end}", end="", file=sys.stderr, flush=True)

    return progress


def cmd_library(args: argparse.Namespace) -> int:
    if hasattr(sys.stdout, "reconfigure"):  # an ASCII-only terminal gets "?" for "–", never a crash
        sys.stdout.reconfigure(errors="replace")
    given = args.dir is not None
    folder = Path(args.dir) if given else paths.sessions_dir()
    width = _columns(160)
    # the listing with no option is kept (``listing_snapshot``): printed again while nothing changed
    plain = args.search is None and not args.filter and args.sort == "changed" and not args.reverse
    db_path = str(paths.cache_dir() / paths.LIBRARY_INDEX)
    if plain and (path := folder.expanduser()).is_dir():
        kept = listing_snapshot.printed(str(path.resolve()), width, db_path)
        if kept is not None:
            print(kept, end="")
            return 0

    from ..library import Library, LibraryError, filter_entries, resolve_root, sort_entries
    from ..termtext import printable

    try:
        root = resolve_root(folder)
    except LibraryError:
        if not given:
            print(f"ibb library: no sessions folder yet ({folder}); give a folder: ibb library DIR", file=sys.stderr)
            return 1
        raise
    with Library() as lib:
        listing = lib.scan(root, progress=_progress_line() if sys.stderr.isatty() else None)
        if args.search is not None:
            hits = lib.search(root, args.search, limit=args.limit)
        for notice in lib.notices:  # a damaged index was rebuilt: one line, beside the output
            print(f"ibb library: {printable(notice)}", file=sys.stderr, flush=True)
        if args.search is not None:
            where = f"in {_count(sum(not e.broken for e in listing.entries), 'session')} under {printable(str(root))}"
            if not hits:
                print(f"No hits for {printable(args.search)!s} {where}.")
                return 0
            some = "" if hits[0].every_word else " (no item holds every word: these hold some of them)"
            print(f"{_count(len(hits), 'hit')} for {printable(args.search)} {where}{some}, best first:\n")
            bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            print("\n".join(hit_lines(hits, root, bold)))
            return 0
    entries = sort_entries(filter_entries(listing.entries, args.filter or ""), args.sort, reverse=args.reverse)
    sessions = sum(not e.broken for e in listing.entries)
    broken = len(listing.entries) - sessions
    summary = (
        f"{_count(sessions, 'session')}" + (f", {broken} broken" if broken else "") + f" under {printable(str(root))}"
    )
    if args.filter:
        summary += f"; {len(entries)} match {printable(args.filter)}"
    if not entries:
        text = summary + ("." if listing.entries else ": no session files found.") + "\n"
    else:
        text = "\n".join(table(entries, root, width)) + f"\n\n{summary}.\n"
    print(text, end="")
    if plain and not lib.in_memory and lib.db_path == db_path:
        listing_snapshot.keep(str(root), width, db_path, listing.files, text)  # (the index closed: as it stays)
    return 0


def plain_args(argv: list[str]) -> argparse.Namespace | None:
    """``ibb library [DIR]`` with no option (``argv`` after the command's name) parsed as the
    parser below would, without building it (argparse, with the shutil, locale and gettext
    look-ups it makes, is ~5 ms of a fresh `ibb library`); None for anything else, which the
    parser reads (a test holds the two equal)."""
    if len(argv) > 1 or any(not arg or arg.startswith("-") for arg in argv):
        return None
    return argparse.Namespace(
        command="library",
        dir=argv[0] if argv else None,
        search=None,
        sort="changed",
        reverse=False,
        filter=None,
        limit=50,
        func=cmd_library,
    )


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from ..library import SORTS

    p = sub.add_parser("library", help="list and search the sessions in a folder")
    p.add_argument("dir", nargs="?", metavar="DIR", help="the folder to list (default: the sessions folder)")
    p.add_argument("--search", metavar="QUERY", help='full-text search: every word must appear; "quotes" for a phrase')
    p.add_argument(
        "--sort", choices=SORTS, default="changed", help="order of the listing (default: changed, newest first)"
    )
    p.add_argument("--reverse", action="store_true", help="reverse the order")
    p.add_argument("--filter", metavar="TEXT", help="only sessions whose title or district holds TEXT")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N search hits (default 50)")
    p.set_defaults(func=cmd_library)
