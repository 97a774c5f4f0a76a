"""Where a reviewed session stands in its negotiation: review's "The negotiation" place.

The session's number among the folder's sessions, the one before and after it, the TA package
in force (article order, the TAs this session reached marked), each party's ratification vote,
and the spokespersons' approvals of this session's joint update. Read from the folder as it is
now (``negotiation.load``), not as of the moment the review shows; the rules are the board's and
the exports' (``negotiation.core``, ``export.update.approval_state``): this only paints them.
"""

from __future__ import annotations

from datetime import datetime

from textual.content import Content

from ..model import Session
from ..negotiation.core import TA, Negotiation
from .text import join, literal

#: a row of the place: a Content, or a str for a section's heading
Line = Content | str


def qualifies(neg: Negotiation) -> bool:
    """A folder is worth the place when it holds more than this one session, or a manifest."""
    return len(neg.sessions) > 1 or neg.manifest is not None


def _initials(neg: Negotiation, ta: TA) -> str:
    return " · ".join(f"{neg.party_short(party)} {initials}" for party, initials, _ in ta.initials) or "no initials"


def _ta_line(neg: Negotiation, number: str, ta: TA, file: str, style: str) -> Content:
    here = ta.file == file
    issue = neg.issue(ta.issue)
    title = ta.title.strip() or (issue.statement.strip() if issue else "") or ta.id
    facts = [x for x in (ta.article.strip(), f"{ta.date:%Y-%m-%d}", _initials(neg, ta)) if x]
    return join(
        (f"{number} ", f"bold {style}"),
        literal(title, "bold"),
        "\n    ",
        literal(" · ".join(facts), "dim"),
        (" · reached in this session" if here else f" · {ta.file}", "bold $accent" if here else "dim"),
    )


def rows(neg: Negotiation, session: Session, file: str) -> list[Line]:
    """The place's rows for ``session``, saved as ``file`` in ``neg``'s folder."""
    from ..export.update import approval_state  # the exporters only once the place is shown

    out: list[Line] = []
    me = neg.session(file)
    where = f"Session {me.number} of {len(neg.sessions)}" if me else f"Not among its {len(neg.sessions)} sessions"
    head = [literal(neg.name, "bold"), literal(where + " · as the folder stands now", "dim")]
    before = neg.sessions[me.number - 2] if me and me.number > 1 else None
    after = neg.next_session(file) if me else None
    for label, other in (("Before it", before), ("After it", after)):
        if other is not None:
            title = f" ({other.title})" if other.title.strip() else ""
            head.append(join((f"{label}: ", "bold"), literal(other.file + title)))
    out.append(Content("\n").join(head))

    package = neg.package
    out.append("The TA package")
    out.append(literal(package.state(), "bold $success" if package.complete else ""))
    for ta in package.current:
        out.append(_ta_line(neg, f"{package.number(ta)}.", ta, file, "$success"))
    if package.appendix:
        out.append(literal(f"Appendix: {len(package.appendix)} superseded or withdrawn", "dim"))
        for ta in package.appendix:
            out.append(_ta_line(neg, "–", ta, file, "$warning"))

    ratification = neg.ratification
    out.append("Ratification")
    style = "bold $success" if ratification.complete else ""
    out += [literal(vote.line(), style) for vote in ratification.parties] or [literal(ratification.state(), "dim")]
    for ta in ratification.amendments:
        out.append(literal(f"Amends the ratified package, to be ratified: {ta.title} ({ta.file})", "$warning"))
    out += [literal(f"Problem: {problem}", "bold $error") for problem in ratification.problems]

    out.append("This session's joint update")
    states, approved = approval_state(session, file, neg.approvals(file))
    for party_id, row, fresh in states:
        party = session.party(party_id)
        name = party.name if party else party_id
        if row is None:
            out.append(join(literal(f"{name}: ", "bold"), ("not yet approved", "$warning")))
            continue
        when = f"{datetime.fromisoformat(row['at']):%Y-%m-%d %H:%M}"
        status = ("approved", "$success") if fresh else ("approved an earlier draft: to approve again", "$warning")
        out.append(join(literal(f"{name}: ", "bold"), status, literal(f" · {row['initials']} · {when}")))
    out.append(
        literal(
            "Approved by every party's spokesperson: it may go out."
            if approved
            else "A draft until every party's spokesperson approves it (ibb export --report update).",
            "bold $success" if approved else "dim",
        )
    )
    for name, error in neg.broken:
        out.append(literal(f"Not read: {error[0] if error else name}", "$error"))
    return out


__all__ = ["Line", "qualifies", "rows"]
