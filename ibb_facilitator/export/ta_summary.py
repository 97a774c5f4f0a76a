"""The TA summary: what each team takes back to its members, one printed page per agreement.

A cover page (the letterhead, what a TA is, an index of the agreements), then one page per
tentative agreement: the issue it settles, the contract article, the date, the exact agreed
language, each party's spokesperson and initials (a blank box where a party has not initialed),
and blank lines (name, signature, date) for each party's ratification vote: the union
membership's, the school committee's, and any other party's.

``build`` makes the format-neutral ``Document``, written by ``markdown.py`` (``render``),
``html.py`` and ``word.py``.
"""

from __future__ import annotations

from ..model import Party, Session, Side, TentativeAgreement
from . import markdown
from .document import (
    Document,
    Facts,
    Heading,
    Inline,
    Item,
    Items,
    Paragraph,
    Section,
    SignatureGroup,
    Signatures,
    Table,
    Verbatim,
    blank,
    joined,
    line,
    strong,
)
from .minutes import agreement_facts, letterhead
from .text import EMPTY_CELL, day, party_name, superseded_note

DOC_TYPE = "Summary of tentative agreements"
NOT_BINDING = (
    "A tentative agreement (TA) is not binding on its own. Together, the TAs form the tentative "
    "settlement, which each party ratifies as a whole: the union by a vote of its membership, the "
    "district by a vote of the school committee. The agreed language on each page is reproduced "
    "exactly as it was written at the table."
)
NO_AGREEMENTS = "No tentative agreements have been recorded in this session."

#: The vote that ratifies a settlement, by side of the table.
VOTES = {
    Side.LABOR: "Union membership ratification vote",
    Side.MANAGEMENT: "School committee ratification vote",
    Side.OTHER: "Ratification vote",
}


def build(session: Session) -> Document:
    head = letterhead(session, DOC_TYPE)
    standing = [(n, ta) for n, ta in enumerate(session.agreements, start=1) if ta.standing]  # the ones in force
    total = len(standing)
    cover: list = []
    facts = [
        (label, line(value))
        for label, value in (
            ("Location", session.location.strip()),
            ("Tentative agreements", str(total)),
        )
        if value
    ]
    cover.append(Facts(tuple(facts)))
    cover.append(Paragraph(line(NOT_BINDING), "note"))
    if standing:
        cover.append(Heading(2, line("Agreements in this summary")))
        cover.append(
            Table(
                ("TA", "Title", "Contract article", "Date", "Initialed by"),
                tuple(_index_row(session, n, ta) for n, ta in standing),
                ("right",),
            )
        )
    else:
        cover.append(Paragraph(line(NO_AGREEMENTS)))
    replaced = [(n, ta) for n, ta in enumerate(session.agreements, start=1) if not ta.standing]
    if replaced:
        cover.append(Heading(2, line("Superseded, not in this summary")))
        cover.append(
            Items(
                tuple(
                    Item(
                        line(
                            f"TA {n}",
                            (": ", ta.title) if ta.title.strip() else None,
                            f", {superseded_note(session, ta)}",
                        )
                    )
                    for n, ta in replaced
                )
            )
        )
    blocks: list = [Section("cover", tuple(cover))]
    for k, (n, ta) in enumerate(standing, start=1):
        blocks.append(Section("ta-page", tuple(_page(session, n, k, total, ta)), page=True))
    return Document("ta", head, tuple(blocks))


def _index_row(session: Session, number: int, ta: TentativeAgreement) -> tuple[Inline, ...]:
    initialed = [party_name(session, mark.party) for mark in ta.initials]
    return (
        line(str(number)),
        line(ta.title if ta.title.strip() else EMPTY_CELL),
        line(ta.article if ta.article.strip() else EMPTY_CELL),
        line(day(ta.date)),
        joined(initialed) if initialed else line("not yet initialed"),
    )


def _running(session: Session) -> Inline:
    parts = [p for p in (session.organization.strip(), session.bargaining_unit.strip(), session.title.strip()) if p]
    return joined(parts, " · ")


def _page(session: Session, number: int, place: int, total: int, ta: TentativeAgreement) -> list:
    """The page of TA ``number`` (its number in the record), the ``place``-th of ``total`` in force."""
    out: list = []
    running = _running(session)
    if running:
        out.append(Paragraph(running, "running"))
    out.append(
        Heading(
            2,
            line(
                f"Tentative agreement {place} of {total}",
                f" (TA {number})" if number != place else None,
                (": ", ta.title) if ta.title.strip() else None,
            ),
        )
    )
    out.append(Facts(tuple(agreement_facts(session, number, options=False))))
    out.append(Heading(3, line("Agreed language")))
    out.append(Verbatim(ta.text))
    out.append(Heading(3, line("Initialed at the table")))
    out.append(_initials(session, ta))
    out.append(Heading(3, line("Ratification")))
    out.append(
        Paragraph(
            line("This agreement becomes binding only as part of the ratified settlement. Record each vote below."),
            "note",
        )
    )
    out.append(
        Signatures(
            tuple(_vote(party) for party in session.parties)
            or (
                SignatureGroup(line(strong(VOTES[Side.LABOR]))),
                SignatureGroup(line(strong(VOTES[Side.MANAGEMENT]))),
            )
        )
    )
    return out


def _initials(session: Session, ta: TentativeAgreement) -> Table:
    """One row per party, then any initials from a party no longer listed: a blank box where
    a party has not initialed yet."""
    rows = []
    marks = {mark.party: mark for mark in ta.initials}
    for party in session.parties:
        mark = marks.pop(party.id, None)
        spokesperson = party.spokesperson()
        name = mark.name if mark and mark.name.strip() else (spokesperson.name if spokesperson else "")
        rows.append(
            (
                line(party.name),
                line(name) if name.strip() else line(blank()),
                line(strong(mark.initials)) if mark else line(blank()),
            )
        )
    for mark in marks.values():
        rows.append(
            (
                line(party_name(session, mark.party)),
                line(mark.name) if mark.name.strip() else line(blank()),
                line(strong(mark.initials)),
            )
        )
    return Table(("Party", "Spokesperson", "Initials"), tuple(rows), ("left", "left", "center"), kind="initials")


def _vote(party: Party) -> SignatureGroup:
    return SignatureGroup(line(strong(VOTES[party.side]), ": ", party.name))


def render(session: Session) -> str:
    """The TA summary of ``session`` as Markdown."""
    return markdown.write(build(session))
