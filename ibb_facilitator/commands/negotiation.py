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
from pathlib import Path

from ..negotiation import MANIFEST_NAME, NegotiationError, folder_of, load


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def _opened(neg):
    from ..negotiation.manifest import open_manifest

    return open_manifest(neg.folder, default_name=neg.name)


def _save(opened, neg) -> None:
    from ..negotiation import facts
    from ..negotiation.manifest import save

    created = opened.raw is None
    save(opened)
    facts.forget(neg.folder)
    if created:
        _say(f"Wrote {opened.path} (the negotiation's record)")


def _party(neg, value: str):
    party = neg.party(value) or next((p for p in neg.parties if p.short.casefold() == value.casefold()), None)
    if party is None:
        known = ", ".join(f"{p.id} ({p.short})" for p in neg.parties) or "none"
        raise NegotiationError(f"{value!r} is not a party of this negotiation; parties: {known}")
    return party


def _usable(neg) -> None:
    """A change is made only when every file of the negotiation reads: a broken session could
    hide a TA, a broken manifest could lose its records if written over."""
    if neg.manifest_error:
        raise NegotiationError(f"{neg.manifest_error[0]} (the manifest is never written over while it cannot be read)")
    if neg.broken:
        name, lines = neg.broken[0]
        raise NegotiationError(
            f"{lines[0] if lines else name} (a session of the negotiation cannot be read: put it right first)"
        )


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
    from ..negotiation.manifest import Article

    neg = load(args.path)
    _usable(neg)
    opened = _opened(neg)
    if opened.raw is not None:
        raise NegotiationError(
            f'{opened.path}: already exists; edit it by hand (docs/session-format.md, "A negotiation")'
        )
    if args.name:
        opened.manifest.name = args.name.strip() or opened.manifest.name
    opened.manifest.organization, opened.manifest.bargaining_unit = neg.organization, neg.unit
    opened.manifest.articles = [Article(**_article(a)) for a in args.article or []]
    _save(opened, neg)
    return 0


def cmd_ratify(args: argparse.Namespace) -> int:
    from ..negotiation.manifest import PackageTA, record_vote

    neg = load(args.path)
    _usable(neg)
    party = _party(neg, args.party)
    if neg.ratification.problems:
        raise NegotiationError("the package changed since it was ratified: " + neg.ratification.problems[0])
    if args.result == "ratified" and neg.package.remaining:
        raise NegotiationError(
            f"nothing is agreed until everything is agreed: {len(neg.package.remaining)} issue(s) remain "
            f"({neg.package.remaining[0].statement.strip()[:60]}…): no ratification yet"
        )
    try:
        on = date.fromisoformat(args.date)
    except ValueError:
        raise NegotiationError(f"{args.date!r} is not a date (YYYY-MM-DD)") from None
    opened = _opened(neg)
    vote = record_vote(
        opened.manifest,
        party=party.id,
        on=on,
        result=args.result,
        body=args.body or "",
        yes=args.yes,
        no=args.no,
        abstain=args.abstain,
        note=args.note or "",
        package=[PackageTA(**row) for row in neg.package_rows()],
        party_label=party.name,
    )
    _save(opened, neg)
    print(f"Recorded: {party.name} {vote.result.value} the package on {on.isoformat()} ({len(vote.package)} TAs).")
    print(load(args.path).ratification.state())
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from ..export.update import approval_state, digest
    from ..negotiation.manifest import approve_update
    from ..store import load_session

    path = Path(args.session)
    if path.is_dir():
        raise NegotiationError(f"{path}: give the session file whose joint update is approved")
    session = load_session(path)
    neg = load(path)
    _usable(neg)
    party = session.party(args.party) or next(
        (p for p in session.parties if p.short.casefold() == args.party.casefold()), None
    )
    if party is None:
        raise NegotiationError(f"{args.party!r} is not a party of {path.name}")
    spokesperson = party.spokesperson()
    opened = _opened(neg)
    approve_update(
        opened.manifest,
        file=path.name,
        session=session.id,
        party=party.id,
        initials=args.initials,
        name=args.name or (spokesperson.name if spokesperson else ""),
        sha256=digest(session),
        party_label=party.short,
    )
    _save(opened, neg)
    rows, approved = approval_state(session, path.name, [a.model_dump(mode="json") for a in opened.manifest.approvals])
    waiting = [party.short if (party := session.party(p)) else p for p, _, fresh in rows if not fresh]
    print(
        f"Recorded: {party.short} approved the joint update of {path.name} ({args.initials.strip()}). "
        + ("Every party has approved it: it may go out." if approved else f"Waiting for: {', '.join(waiting)}.")
    )
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    from ..negotiation.manifest import open_manifest, undo

    folder = folder_of(args.path)
    opened = open_manifest(folder)
    if opened.raw is None:
        raise NegotiationError(f"{folder}: no {MANIFEST_NAME}: nothing to undo")
    label = undo(opened.manifest)
    if label is None:
        raise NegotiationError(f"{opened.path}: nothing to undo")
    from ..negotiation import facts
    from ..negotiation.manifest import save

    save(opened)
    facts.forget(folder)
    print(f"Undone: {label}")
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
    if not text.isdigit() or len(text) > 8:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of votes")
    return int(text)
