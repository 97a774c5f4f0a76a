"""``ibb diff OLD NEW [--format text|md]``: what changed between two versions of a session."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..diff import FORMATS, compare, render
from ..store import StoreError, load_session


def load_one_line(name: str):
    """The session in ``name``, or a StoreError of one line (the first problem, and how many more)."""
    try:
        return load_session(Path(name))
    except StoreError as exc:
        first, more = exc.lines[0], len(exc.lines) - 1
        if more:
            first += f" (and {more} more problem{'s' if more != 1 else ''}: `ibb validate {name}` lists them)"
        raise StoreError(first) from None


def cmd_diff(args: argparse.Namespace) -> int:
    old = load_one_line(args.old)
    new = load_one_line(args.new)
    text = render(compare(old, new, args.old, args.new), args.format)
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("diff", help="what changed between two versions of a session")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="text: for the terminal (default); md: Markdown"
    )
    p.set_defaults(func=cmd_diff)
