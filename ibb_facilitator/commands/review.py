"""``ibb review FILE [--at WHEN] [--focus ID]``: read a session, read-only, at any moment of its log."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..timeline import resolve_when
from .diff import load_one_line


def cmd_review(args: argparse.Namespace) -> int:
    path = Path(args.file)
    session = load_one_line(args.file)  # a bad file is refused here, in one line, before any screen
    at = resolve_when(session, args.at) if args.at is not None else None  # ValueError: one line
    from ..tui.app import IbbApp

    IbbApp(review_path=path, review_at=at, review_focus=args.focus, theme=args.theme).run()
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("review", parents=[common], help="read a session (read-only), with a timeline of its changes")
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--at",
        metavar="WHEN",
        help=(
            "show the session as it was then: 'day 1', a date (2027-03-09: end of that day), "
            "'2027-03-09 17:00', 'start' or 'now'"
        ),
    )
    p.add_argument(
        "--focus", metavar="ID", help="open at the issue holding this item (an id such as interest-7) and highlight it"
    )
    p.set_defaults(func=cmd_review)
