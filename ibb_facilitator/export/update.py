"""The joint update after a session (``ibb export FILE --report update``): what both teams tell
their members, approved by both spokespersons before it goes out.

What the teams worked on (each issue the session's log touches: where it stands), the tentative
agreements reached (title, article, date, initials; the TA it replaced, where it replaced one),
what carries over to the next session (issues still open, parked or without consensus; open
information requests; open parking-lot items), where the whole stands (nothing is agreed until
everything is agreed) and the next meeting (a planned day after the last day met, else "to be
set"). Then the approvals: each party's spokesperson's initials and when, read from the
negotiation's manifest; until every party has approved this very text, the update says DRAFT.

The update reads this session only (``body``), so it does not change when later sessions are
made: ``digest`` is the SHA-256 of its Markdown text without the approvals, and an approval
holds the digest of what it approved (a changed session needs approving again).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from .. import process
from ..model import ActionKind, IssueStatus, Session
from ..session_days import session_days
from . import markdown
from .document import (
    Document,
    Heading,
    Inline,
    Item,
    Items,
    Letterhead,
    Paragraph,
    Run,
    Section,
    Table,
    joined,
    line,
    strong,
)
from .minutes import letterhead
from .text import EMPTY_CELL, NONE, day, moment, party_name

DOC_TYPE = "Joint bargaining update"
LIVE = (IssueStatus.OPEN, IssueStatus.PARKED, IssueStatus.NO_CONSENSUS)


def _touched(session: Session) -> list[str]:
    """Ids of the issues the session's log touches, in the session's issue order."""
    ids = {issue.id for issue in session.issues}
    owner = {ta.id: ta.issue for ta in session.agreements}
    hit: set[str] = set()
    for event in session.events:
        named = event.data.get("issue")
        if isinstance(named, str) and named in ids:
            hit.add(named)
        elif event.target in ids:
            hit.add(event.target)
        elif event.target in owner:
            hit.add(owner[event.target])
    return [issue.id for issue in session.issues if issue.id in hit]


def _status(issue: Any) -> Inline:
    return line(Run(process.STATUS_LABELS[issue.status], f"status-{issue.status.value}"))


def _article(text: str) -> tuple | None:
    return (" (", text, ")") if text.strip() else None


def body(session: Session) -> list:
    """Everything but the approvals."""
    days, planned = session_days(session)
    out: list = []
    when = "the session of " + "; ".join(day(d) for d in days) if days and not planned else "this session"
    out.append(
        Paragraph(
            line(
                f"A joint statement of both bargaining teams after {when}. "
                "It goes out once each team's spokesperson has approved it."
            )
        )
    )

    out.append(Heading(2, line("What we worked on")))
    worked = [session.issue(i) for i in _touched(session)]
    if worked:
        out.append(
            Items(
                tuple(
                    Item(
                        line(
                            strong(issue.statement),
                            _article(issue.article),
                            ": ",
                            _status(issue),
                            f", at {issue.stage.value}",
                        )
                    )
                    for issue in worked
                    if issue is not None
                )
            )
        )
    else:
        out.append(Paragraph(line(NONE)))

    out.append(Heading(2, line("Tentative agreements reached")))
    if session.agreements:
        rows = []
        for n, ta in enumerate(session.agreements, start=1):
            issue = session.issue(ta.issue)
            initials = joined(
                f"{party.short if (party := session.party(m.party)) else m.party}: {m.initials}" for m in ta.initials
            )
            note: list = []
            if not ta.standing:
                note.append(f"superseded in this session by TA {session.agreement_number(ta.superseded_by or '')}")
            elif (
                issue is not None
                and issue.agreed_in is not None
                and not any(t.superseded_by == ta.id for t in session.agreements)
            ):
                note.append(f"replaces {issue.agreed_in.ta} of {issue.agreed_in.file}")
            if ta.amends_ratified.strip():
                note.append(f"amends the ratified package: {ta.amends_ratified}")
            rows.append(
                (
                    line(str(n)),
                    line(ta.title or (issue.statement if issue else ta.issue)),
                    line(ta.article or EMPTY_CELL),
                    line(day(ta.date)),
                    initials if ta.initials else line("not yet initialed"),
                    line("; ".join(note) or EMPTY_CELL),
                )
            )
        out.append(Table(("TA", "Agreement", "Contract article", "Date", "Initialed", "Note"), tuple(rows), ("right",)))
        out.append(Paragraph(line("The agreed language is in the minutes and the TA package."), "note"))
    else:
        out.append(Paragraph(line("None in this session.")))

    out.append(Heading(2, line("Carried over to the next session")))
    live = [issue for issue in session.issues if issue.status in LIVE]
    requests = [a for a in session.actions if a.kind is ActionKind.INFO_REQUEST and not a.done]
    parked = [p for p in session.parking_lot if not p.resolved]
    if live:
        out.append(
            Items(tuple(Item(line(issue.statement, _article(issue.article), ": ", _status(issue))) for issue in live))
        )
    else:
        out.append(Paragraph(line("No issue remains open.")))
    if requests:
        out.append(Paragraph(line("Information requests still open:"), "group"))
        out.append(
            Items(
                tuple(
                    Item(
                        line(
                            r.text,
                            (" — from ", party_name(session, r.requested_of)) if r.requested_of.strip() else None,
                            f", due {day(r.due)}" if r.due else None,
                        )
                    )
                    for r in requests
                )
            )
        )
    if parked:
        out.append(
            Paragraph(line(f"Parking lot: {len(parked)} item{'s' if len(parked) != 1 else ''} still open."), "group")
        )

    agreed = sum(1 for issue in session.issues if issue.status is IssueStatus.AGREED)
    counted = sum(1 for issue in session.issues if issue.status is not IssueStatus.WITHDRAWN)
    out.append(Heading(2, line("Where things stand")))
    if live:
        out.append(
            Paragraph(
                line(
                    f"{agreed} of {counted} issues are agreed. Nothing is agreed until everything is agreed: "
                    "every tentative agreement stays tentative until the whole package is ratified."
                )
            )
        )
    else:
        out.append(
            Paragraph(line(f"All {counted} issues are agreed: the package goes to each party for ratification."))
        )

    out.append(Heading(2, line("Next meeting")))
    last_met = days[-1] if days and not planned else None
    upcoming = sorted(d for d in set(session.meeting_days) if last_met is None or d > last_met)
    out.append(Paragraph(line("; ".join(day(d) for d in upcoming) if upcoming else "To be set by the teams.")))
    return out


def digest(session: Session) -> str:
    """The SHA-256 of the update's text (without the approvals): what an approval approves."""
    document = Document("update", letterhead(session, DOC_TYPE), tuple(body(session)))
    return hashlib.sha256(markdown.write(document).encode("utf-8")).hexdigest()


def approval_state(
    session: Session, file: str, approvals: list[dict[str, Any]]
) -> tuple[list[tuple[str, dict[str, Any] | None, bool]], bool]:
    """``([(party id, its latest approval or None, approves this very text)], every party approved)``."""
    current = digest(session)
    latest = {
        row["party"]: row
        for row in approvals
        if row["file"] == file or (row.get("session") and row["session"] == session.id)
    }
    rows = [(p.id, latest.get(p.id), latest.get(p.id, {}).get("sha256") == current) for p in session.parties]
    return rows, bool(rows) and all(fresh for _, _, fresh in rows)


def build(session: Session, file: str, approvals: list[dict[str, Any]] | None = None) -> Document:
    """The update of ``session`` (saved as ``file``), with ``approvals`` (the manifest's rows)."""
    rows, approved = approval_state(session, file, approvals or [])
    head = letterhead(session, DOC_TYPE)
    if not approved:
        draft = f"{DOC_TYPE} — DRAFT, not yet approved"
        head = Letterhead(head.organization, head.unit, head.title, draft, head.dates)
    out = body(session)
    out.append(Heading(2, line("Approved for release")))
    table = []
    for party_id, row, fresh in rows:
        party = session.party(party_id)
        spokesperson = party.spokesperson() if party else None
        if row is None:
            table.append(
                (
                    line(party.name if party else party_id),
                    line(spokesperson.name if spokesperson else EMPTY_CELL),
                    line(EMPTY_CELL),
                    line("not yet approved"),
                )
            )
            continue
        when = moment(datetime.fromisoformat(row["at"]))
        status = "approved" if fresh else "approved an earlier draft: to approve again"
        table.append(
            (
                line(party.name if party else party_id),
                line(row.get("name") or (spokesperson.name if spokesperson else EMPTY_CELL)),
                line(strong(row["initials"])),
                line(f"{status}, {when}"),
            )
        )
    if table:
        out.append(Table(("Party", "Spokesperson", "Initials", "Approval"), tuple(table), kind="initials"))
    out.append(
        Paragraph(
            line(
                "Approved by every party's spokesperson: this update may go out."
                if approved
                else "DRAFT: not to be sent until every party's spokesperson has approved this text."
            ),
            "note",
        )
    )
    return Document("update", head, (Section("update", tuple(out)),))


__all__ = ["DOC_TYPE", "approval_state", "body", "build", "digest"]
