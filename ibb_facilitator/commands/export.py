"""``ibb export FILE --format md [-o OUT]``: the minutes of a session, to a file or stdout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..export import FORMATS, render
from ..store import StoreError, load_session, write_atomic


def cmd_export(args: argparse.Namespace) -> int:
    session = load_session(args.file)
    text = render(session, args.format)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(text.encode("utf-8"))  # minutes are UTF-8 whatever the terminal says
        sys.stdout.flush()
    else:
        out = Path(args.output)
        if out.resolve() == Path(args.file).resolve():
            raise StoreError(f"{out}: is the session itself; choose another output file")
        write_atomic(out, text.encode("utf-8"), backup=False)
        print(f"Wrote {args.output}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", help="write the minutes of a session")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=sorted(FORMATS), default="md", help="md: Markdown minutes (default)")
    p.add_argument("-o", "--output", metavar="OUT", help="where to write; '-' or nothing for standard output")
    p.set_defaults(func=cmd_export)
