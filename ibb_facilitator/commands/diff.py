"""``ibb diff OLD NEW [--format text|md]``: what changed between two versions of a session.
``ibb diff FILE --draft ISSUE [--from N] [--to M]``: two revisions of one issue's draft, word by word."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..diff import FORMATS, compare, draft_diff, render
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
    if args.draft is not None:
        if args.new is not None:
            raise ValueError("--draft compares revisions within one file: give one FILE")
        text = draft_diff(load_one_line(args.old), args.draft, args.old_revision, args.new_revision, args.format)
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return 0
    if args.new is None:
        raise ValueError("ibb diff needs two files (OLD NEW), or one FILE with --draft ISSUE")
    old = load_one_line(args.old)
    new = load_one_line(args.new)
    text = render(compare(old, new, args.old, args.new), args.format)
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("diff", help="what changed between two versions of a session")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW", nargs="?")
    p.add_argument(
        "--draft",
        metavar="ISSUE",
        help="two revisions of this issue's draft (its id, or its number) within one FILE, word by word",
    )
    p.add_argument(
        "--from",
        dest="old_revision",
        type=int,
        metavar="N",
        help="with --draft: the older revision (default: the one the last check tested, else the one before)",
    )
    p.add_argument(
        "--to",
        dest="new_revision",
        type=int,
        metavar="M",
        help="with --draft: the newer revision (default: the latest)",
    )
    p.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="text: for the terminal (default); md: Markdown"
    )
    p.set_defaults(func=cmd_diff)
