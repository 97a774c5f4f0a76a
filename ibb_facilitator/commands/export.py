"""``ibb export FILE [--format md|html|docx] [--report minutes|ta] [-o OUT]``.

The minutes or the TA summary of a session, to a file or (text formats) standard output. A Word
file is binary: it goes to a file named with ``-o`` only. The output never replaces the session
file itself.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..export import FORMATS, REPORTS, TooBig, render_bytes
from ..store import StoreError, load_session, mention_unsaved, write_atomic, refuse_overwriting_records


def _same_file(out: Path, source: Path) -> bool:
    if out.resolve() == source.resolve():
        return True
    try:
        return out.exists() and os.path.samefile(out, source)  # a hard link to the session
    except OSError:
        return False


def cmd_export(args: argparse.Namespace) -> int:
    fmt = FORMATS[args.format]
    to_stdout = args.output in (None, "-")
    if to_stdout and fmt.binary:
        raise StoreError(f"ibb: --format {fmt.name} writes a binary file, not text for the terminal: name it with -o OUT{fmt.suffix}")
    session = load_session(args.file)
    mention_unsaved(Path(args.file), lambda line: print(line, file=sys.stderr))
    try:
        data = render_bytes(session, fmt.name, args.report)
    except TooBig as exc:
        print(f"ibb: {args.file}: {exc}", file=sys.stderr)
        return 2
    if to_stdout:
        sys.stdout.buffer.write(data)  # text reports are UTF-8 whatever the terminal says
        sys.stdout.flush()
    else:
        out = Path(args.output)
        if _same_file(out, Path(args.file)):
            raise StoreError(f"{out}: is the session itself; choose another output file")
        refuse_overwriting_records(out)
        write_atomic(out, data, backup=False)
        print(f"Wrote {args.output}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", help="write the minutes or the TA summary of a session")
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--format", choices=list(FORMATS), default="md",
        help="md: Markdown (default); html: one printable HTML file; docx: Word (needs -o)",
    )
    p.add_argument(
        "--report", choices=list(REPORTS), default="minutes",
        help="minutes: the full record (default); ta: one page per tentative agreement, with ratification lines",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="where to write; '-' or nothing for standard output (not for docx)")
    p.set_defaults(func=cmd_export)
