"""The TA summary: what each team takes back to its members, one printed page per agreement.

A cover page (the letterhead, what a TA is, an index of the agreements), then one page per
tentative agreement: the issue it settles, the contract article, the date, the exact agreed
language, each party's spokesperson and initials (a blank box where a party has not initialed),
and blank lines (name, signature, date) for each party's ratification vote: the union
membership's, the school committee's, and any other party's.

``build`` makes the format-neutral ``Document`` (written by ``html.py`` and ``word.py``);
``render_markdown`` writes it as Markdown with the minutes' escaping helpers.
"""

from __future__ import annotations

from ..model import Party, Session, Side, TentativeAgreement
from .document import (
    Document,
    Facts,
    Heading,
    Inline,
    Items,
    Paragraph,
    Run,
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
from .markdown import _party_name, day, fenced, inline, table
from .minutes import agreement_facts, letterhead

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
    total = len(session.agreements)
    cover: list = []
    facts = [(label, line(value)) for label, value in (
        ("Location", session.location.strip()),
        ("Tentative agreements", str(total)),
    ) if value]
    cover.append(Facts(tuple(facts)))
    cover.append(Paragraph(line(NOT_BINDING), "note"))
    if session.agreements:
        cover.append(Heading(2, line("Agreements in this summary")))
        cover.append(Table(
            ("TA", "Title", "Contract article", "Date", "Initialed by"),
            tuple(_index_row(session, n, ta) for n, ta in enumerate(session.agreements, start=1)),
            ("right",),
        ))
    else:
        cover.append(Paragraph(line(NO_AGREEMENTS)))
    blocks: list = [Section("cover", tuple(cover))]
    for n, ta in enumerate(session.agreements, start=1):
        blocks.append(Section("ta-page", tuple(_page(session, n, total, ta)), page=True))
    return Document("ta", head, tuple(blocks))


def _index_row(session: Session, number: int, ta: TentativeAgreement) -> tuple[Inline, ...]:
    initialed = [_party_name(session, mark.party) for mark in ta.initials]
    return (
        line(str(number)),
        line(ta.title if ta.title.strip() else "–"),
        line(ta.article if ta.article.strip() else "–"),
        line(day(ta.date)),
        joined(initialed) if initialed else line("not yet initialed"),
    )


def _running(session: Session) -> Inline:
    parts = [p for p in (session.organization.strip(), session.bargaining_unit.strip(), session.title.strip()) if p]
    return joined(parts, " · ")


def _page(session: Session, number: int, total: int, ta: TentativeAgreement) -> list:
    out: list = []
    running = _running(session)
    if running:
        out.append(Paragraph(running, "running"))
    out.append(Heading(2, line(f"Tentative agreement {number} of {total}", (": ", ta.title) if ta.title.strip() else None)))
    out.append(Facts(tuple(agreement_facts(session, number, options=False))))
    out.append(Heading(3, line("Agreed language")))
    out.append(Verbatim(ta.text))
    out.append(Heading(3, line("Initialed at the table")))
    out.append(_initials(session, ta))
    out.append(Heading(3, line("Ratification")))
    out.append(Paragraph(line("This agreement becomes binding only as part of the ratified settlement. Record each vote below."), "note"))
    out.append(Signatures(tuple(_vote(party) for party in session.parties) or (
        SignatureGroup(line(strong(VOTES[Side.LABOR]))),
        SignatureGroup(line(strong(VOTES[Side.MANAGEMENT]))),
    )))
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
        rows.append((line(party.name), line(name) if name.strip() else line(blank()), line(strong(mark.initials)) if mark else line(blank())))
    for mark in marks.values():
        rows.append((line(_party_name(session, mark.party)), line(mark.name) if mark.name.strip() else line(blank()), line(strong(mark.initials))))
    return Table(("Party", "Spokesperson", "Initials"), tuple(rows), ("left", "left", "center"), kind="initials")


def _vote(party: Party) -> SignatureGroup:
    return SignatureGroup(line(strong(VOTES[party.side]), ": ", party.name))


# --- Markdown ---------------------------------------------------------------------------------


def _md_run(run: Run) -> str:
    if run.style == "blank":
        return " "
    text = inline(run.text)
    if not text:
        return ""
    # keep the spaces around the run (``inline`` trims them) outside any emphasis markers
    lead = " " if run.text[:1].isspace() else ""
    trail = " " if run.text[-1:].isspace() else ""
    if run.style in ("strong", "label"):
        text = f"**{text}**"
    elif run.style == "em":
        text = f"*{text}*"
    return lead + text + trail


def _md_inline(content: Inline) -> str:
    return "".join(_md_run(run) for run in content).strip()


def _md_cell(content: Inline) -> str:
    return _md_inline(content) or " "


def _md_blocks(blocks: tuple, out: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Section):
            if block.page:
                out.append("---")
            _md_blocks(block.blocks, out)
        elif isinstance(block, Heading):
            out.append("#" * block.level + " " + _md_inline(block.content))
        elif isinstance(block, Paragraph):
            if block.kind != "running":  # the page's running head: the Markdown has no pages
                out.append(_md_inline(block.content))
        elif isinstance(block, Facts):
            if block.rows:
                out.append("\n".join(f"- **{label}:** {_md_inline(value)}" for label, value in block.rows))
        elif isinstance(block, Items):
            out.append("\n".join(
                (f"{n}. " if block.ordered else "- ") + _md_inline(item.content)
                for n, item in enumerate(block.items, start=1)
            ))
        elif isinstance(block, Table):
            align = {"right": "--:", "center": ":-:"}
            out.append(table(
                list(block.header),
                [[_md_cell(c) for c in row] for row in block.rows],
                [align.get(block.alignment(k), "---") for k in range(len(block.header))],
            ))
        elif isinstance(block, Verbatim):
            out.append(fenced(block.text))
        elif isinstance(block, Signatures):
            for group in block.groups:
                out.append(_md_inline(group.title))
                out.append(table(list(group.fields), [[" "] * len(group.fields)]))
        else:  # pragma: no cover - a new block type must be written here too
            raise TypeError(f"no Markdown for {type(block).__name__}")


def render_markdown(document: Document) -> str:
    head = document.letterhead
    facts = [
        ("District / organization", head.organization),
        ("Bargaining unit", head.unit),
        ("Meeting days", head.dates),
    ]
    out = [f"# {inline(head.title) or 'Untitled session'}: {head.doc_type.lower()}"]
    lines = [f"- **{label}:** {inline(value) if label != 'Meeting days' else value}" for label, value in facts if value]
    if lines:
        out.append("\n".join(lines))
    _md_blocks(document.blocks, out)
    return "\n\n".join(part for part in out if part) + "\n"


def render(session: Session) -> str:
    """The TA summary of ``session`` as Markdown."""
    return render_markdown(build(session))


