"""Recording what a negotiation decides beyond its sessions: ratification votes, and the
spokespersons' approvals of a session's joint update. One path for ``ibb negotiation
ratify|approve|undo`` and the app's command palette.

Each function loads the negotiation afresh, refuses in one line (``NegotiationError``) what
``negotiation.core`` does not allow (a broken session or manifest, a package with issues left,
a package changed since it was ratified without a TA that says so, a party that is not one),
records the change in ``negotiation.toml`` (``negotiation.manifest``: logged, undoable) and saves
it atomically, never over a manifest that failed to load. What it returns is what to tell the
person: one line each.

Not in ``negotiation/`` because an approval approves the joint update's text as it reads now
(``export.update.digest``), and the core does not know the exporters.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .negotiation import NegotiationError, load
from .negotiation.manifest import Opened, open_manifest

if TYPE_CHECKING:
    from .negotiation.core import Negotiation, PartyInfo


class Said(NamedTuple):
    """What to tell the person: the manifest was made (a side note, or None), and what was recorded."""

    made: str | None
    lines: list[str]


def usable(neg: Negotiation) -> None:
    """A change is made only when every file of the negotiation reads: a broken session could
    hide a TA, a broken manifest could lose its records if written over."""
    if neg.manifest_error:
        raise NegotiationError(f"{neg.manifest_error[0]} (the manifest is never written over while it cannot be read)")
    if neg.broken:
        name, lines = neg.broken[0]
        raise NegotiationError(
            f"{lines[0] if lines else name} (a session of the negotiation cannot be read: put it right first)"
        )


def party_of(neg: Negotiation, value: str) -> PartyInfo:
    """The party named by its id or its short tag ("U"), or a one-line refusal listing them."""
    party = neg.party(value) or next((p for p in neg.parties if p.short.casefold() == value.casefold()), None)
    if party is None:
        known = ", ".join(f"{p.id} ({p.short})" for p in neg.parties) or "none"
        raise NegotiationError(f"{value!r} is not a party of this negotiation; parties: {known}")
    return party


def opened(neg: Negotiation) -> Opened:
    return open_manifest(neg.folder, default_name=neg.name)


def save(opened: Opened, neg: Negotiation) -> str | None:
    """Write the manifest; a line to say so when this made it."""
    from .negotiation import facts
    from .negotiation.manifest import save as write

    created = opened.raw is None
    write(opened)
    facts.forget(neg.folder)
    return f"Wrote {opened.path} (the negotiation's record)" if created else None


def ratification_problem(neg: Negotiation, result: str = "ratified") -> str | None:
    """Why a vote cannot be recorded on the package as it stands, or None."""
    if neg.ratification.problems:
        return "the package changed since it was ratified: " + neg.ratification.problems[0]
    if result == "ratified" and neg.package.remaining:
        first = neg.package.remaining[0].statement.strip()
        return (
            f"nothing is agreed until everything is agreed: {len(neg.package.remaining)} issue(s) remain "
            f"({first[:60]}{'…' if len(first) > 60 else ''}): no ratification yet"
        )
    return None


def ratify(
    path: Path | str,
    *,
    party: str,
    on: date,
    result: str,
    body: str = "",
    yes: int | None = None,
    no: int | None = None,
    abstain: int | None = None,
    note: str = "",
) -> Said:
    """Record ``party``'s vote on the package in force of the negotiation of ``path``."""
    from .negotiation.manifest import PackageTA, record_vote

    neg = load(path)
    usable(neg)
    who = party_of(neg, party)
    problem = ratification_problem(neg, result)
    if problem:
        raise NegotiationError(problem)
    record = opened(neg)
    vote = record_vote(
        record.manifest,
        party=who.id,
        on=on,
        result=result,
        body=body,
        yes=yes,
        no=no,
        abstain=abstain,
        note=note,
        package=[PackageTA(**row) for row in neg.package_rows()],
        party_label=who.name,
    )
    made = save(record, neg)
    recorded = f"Recorded: {who.name} {vote.result.value} the package on {on.isoformat()} ({len(vote.package)} TAs)."
    return Said(made, [recorded, load(path).ratification.state()])


def approve(session_path: Path | str, *, party: str, initials: str, name: str = "") -> Said:
    """Record that ``party``'s spokesperson approves the joint update of ``session_path`` as it reads now."""
    from .export.update import approval_state, digest
    from .negotiation.manifest import approve_update
    from .store import load_session

    path = Path(session_path)
    if path.is_dir():
        raise NegotiationError(f"{path}: give the session file whose joint update is approved")
    session = load_session(path)
    neg = load(path)
    usable(neg)
    who = session.party(party) or next((p for p in session.parties if p.short.casefold() == party.casefold()), None)
    if who is None:
        raise NegotiationError(f"{party!r} is not a party of {path.name}")
    spokesperson = who.spokesperson()
    record = opened(neg)
    approve_update(
        record.manifest,
        file=path.name,
        session=session.id,
        party=who.id,
        initials=initials,
        name=name or (spokesperson.name if spokesperson else ""),
        sha256=digest(session),
        party_label=who.short,
    )
    made = save(record, neg)
    rows, approved = approval_state(session, path.name, [a.model_dump(mode="json") for a in record.manifest.approvals])
    waiting = [p.short if (p := session.party(pid)) else pid for pid, _, fresh in rows if not fresh]
    recorded = f"Recorded: {who.short} approved the joint update of {path.name} ({initials.strip()}). " + (
        "Every party has approved it: it may go out." if approved else f"Waiting for: {', '.join(waiting)}."
    )
    return Said(made, [recorded])


def undo_last(path: Path | str) -> str:
    """Take back the last vote or approval of the negotiation of ``path`` (the undo is logged)."""
    from .negotiation import MANIFEST_NAME, facts, folder_of
    from .negotiation.manifest import save as write
    from .negotiation.manifest import undo

    folder = folder_of(path)
    record = open_manifest(folder)
    if record.raw is None:
        raise NegotiationError(f"{folder}: no {MANIFEST_NAME}: nothing to undo")
    label = undo(record.manifest)
    if label is None:
        raise NegotiationError(f"{record.path}: nothing to undo")
    write(record)
    facts.forget(folder)
    return f"Undone: {label}"


__all__ = ["Said", "approve", "party_of", "ratification_problem", "ratify", "undo_last", "usable"]
