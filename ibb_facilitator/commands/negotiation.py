"""``ibb negotiation show|init|ratify|approve|undo``: what a negotiation records beyond its sessions.

    ibb negotiation show DIR                    the sessions in order, the package's state, the record
    ibb negotiation init DIR [--name NAME] [--article "16: Professional time"]...
                                                write negotiation.toml (its name, the contract's articles)
    ibb negotiation ratify DIR --party P --date D --result ratified|rejected [--body B]
                              [--yes N] [--no N] [--abstain N] [--note T]
                                                record a party's ratification vote on the package in force
    ibb negotiation approve SESSION --party P --initials I [--name N]
                                                a spokesperson approves the joint update of SESSION
    ibb negotiation undo DIR                    take back the last vote or approval (logged)

DIR may also be any session file of the negotiation. Every change is checked (``negotiation.core``:
the package may not be ratified while issues remain or while it changed since an earlier
ratification without a TA that says so), logged in the manifest and undoable; the manifest is
written atomically, never over a file that failed to load or that changed since it was read.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from ..negotiation import MANIFEST_NAME, NegotiationError, load

if TYPE_CHECKING:
    from ..approvals import Said


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def cmd_show(args: argparse.Namespace) -> int:
    from ..negotiation.board import summary
    from ..termtext import printable

    neg = load(args.path)
    for line in summary(neg):
        print(printable(line))
    print()
    for s in neg.sessions:
        days = s.first_day.isoformat() if s.first_day else f"created {s.created.date().isoformat()}"
        if s.last_day and s.last_day != s.first_day:
            days += f" – {s.last_day.isoformat()}"
        after = f"  (after {s.previous})" if s.previous else ""
        print(
            printable(
                f"{s.number:>3}. {s.file}: {s.title}  [{days}{' planned' if s.planned and s.first_day else ''}]{after}"
            )
        )
    if neg.manifest is None:
        print(f"\nNo {MANIFEST_NAME} yet: `ibb negotiation init {neg.folder}` writes one (name, articles).")
    return 0


def _article(text: str) -> dict[str, str]:
    number, _, title = text.partition(":")
    if not number.strip():
        raise NegotiationError(f"{text!r}: an article is NUMBER or NUMBER: TITLE")
    return {"number": number.strip(), "title": title.strip()}


def cmd_init(args: argparse.Namespace) -> int:
    from ..approvals import opened, save, usable
    from ..negotiation.manifest import Article

    neg = load(args.path)
    usable(neg)
    record = opened(neg)
    if record.raw is not None:
        raise NegotiationError(
            f'{record.path}: already exists; edit it by hand (docs/session-format.md, "A negotiation")'
        )
    if args.name:
        record.manifest.name = args.name.strip() or record.manifest.name
    record.manifest.organization, record.manifest.bargaining_unit = neg.organization, neg.unit
    record.manifest.articles = [Article(**_article(a)) for a in args.article or []]
    made = save(record, neg)
    if made:
        _say(made)
    return 0


def _tell(said: Said) -> int:
    if said.made:
        _say(said.made)
    print("\n".join(said.lines))
    return 0


def cmd_ratify(args: argparse.Namespace) -> int:
    from ..approvals import ratify

    try:
        on = date.fromisoformat(args.date)
    except ValueError:
        raise NegotiationError(f"{args.date!r} is not a date (YYYY-MM-DD)") from None
    said = ratify(
        args.path,
        party=args.party,
        on=on,
        result=args.result,
        body=args.body or "",
        yes=args.yes,
        no=args.no,
        abstain=args.abstain,
        note=args.note or "",
    )
    return _tell(said)


def cmd_approve(args: argparse.Namespace) -> int:
    from ..approvals import approve

    return _tell(approve(args.session, party=args.party, initials=args.initials, name=args.name or ""))


def cmd_undo(args: argparse.Namespace) -> int:
    from ..approvals import undo_last

    print(undo_last(args.path))
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "negotiation", help="a negotiation's record: ratification votes, joint-update approvals, its name and articles"
    )
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    v = verbs.add_parser("show", help="the sessions in order, the package's state and the ratification record")
    v.add_argument("path", metavar="DIR|FILE")
    v.set_defaults(func=cmd_show)
    v = verbs.add_parser("init", help=f"write {MANIFEST_NAME}: the negotiation's name and the contract's articles")
    v.add_argument("path", metavar="DIR|FILE")
    v.add_argument("--name", help="the negotiation's name (default: the first session's title)")
    v.add_argument(
        "--article", action="append", metavar="NUMBER[: TITLE]", help="an article of the contract, in order (repeat)"
    )
    v.set_defaults(func=cmd_init)
    v = verbs.add_parser("ratify", help="record a party's ratification vote on the package in force")
    v.add_argument("path", metavar="DIR|FILE")
    v.add_argument("--party", required=True, help="the party's id or short tag")
    v.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the day of the vote")
    v.add_argument("--result", required=True, choices=["ratified", "rejected"])
    v.add_argument("--body", help='who voted: "LEA membership", "School committee"')
    for name in ("yes", "no", "abstain"):
        v.add_argument(f"--{name}", type=_count, metavar="N", help=f"votes {name} (optional)")
    v.add_argument("--note")
    v.set_defaults(func=cmd_ratify)
    v = verbs.add_parser("approve", help="a spokesperson approves a session's joint update (initials)")
    v.add_argument("session", metavar="SESSION")
    v.add_argument("--party", required=True, help="the party's id or short tag")
    v.add_argument("--initials", required=True)
    v.add_argument("--name", help="who approved (default: the party's spokesperson)")
    v.set_defaults(func=cmd_approve)
    v = verbs.add_parser("undo", help="take back the last vote or approval")
    v.add_argument("path", metavar="DIR|FILE")
    v.set_defaults(func=cmd_undo)


def _count(text: str) -> int:
    if not text.isdecimal() or len(text) > 8:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of votes")
    return int(text)
