"""A training table's handouts, to print: the general brief, then one page per side and per role.

``build(table)`` makes a ``Document`` (``write_document`` writes it as html or docx, the formats
a trainer prints from) for one table's session file (``ibb train``): every page names the table,
and every confidential page says whose it is, at its top and its foot, so a page left on the wall
or on the wrong chair says whose it was. The pages, in the order a trainer hands them out:

- the general brief (everyone);
- for each side: its confidential instructions, then each of its players' own briefs (a page a
  role, for the player who plays it);
- each later round's new confidential instructions for a side, on a page of their own marked
  "hand out when round N starts" (the pack says to give round-2 facts to all tables at once).

Never the facilitator notes: they are the trainer's and are not a handout.
"""

from __future__ import annotations

from .. import training
from ..model import Session
from ..scenario import role_briefs
from .document import Block, Document, Heading, Letterhead, Paragraph, Section, line, strong
from .text import clean

DOC_TYPE = "Training handouts"


def _paragraphs(text: str) -> list[Block]:
    """A brief's text as paragraphs (a blank line between them in the pack), lines kept."""
    out: list[Block] = []
    for chunk in clean(text).strip().split("\n\n"):
        if chunk.strip():
            out.append(Paragraph(line(chunk.strip())))
    return out


def _page(kind: str, mark: str, title: str, text: str, *, page: bool = True) -> Section:
    """A page: the mark as its running head and foot and, in bold, under its title."""
    banner = Paragraph(line(mark), "running")
    blocks = (banner, Heading(2, line(title)), Paragraph(line(strong(mark))), *_paragraphs(text), banner)
    return Section(kind, blocks, page=page)


def build(table: Session) -> Document:
    """The handouts of ``table`` (a training table's session); RuleError if it is not one."""
    scenario = training.scenario_of(table)
    state = table.training
    assert state is not None  # scenario_of refuses a session that is not a table
    where = f"Table {state.table} of {state.tables}" if state.tables > 1 else f"Table {state.table}"
    head = Letterhead(table.organization, table.bargaining_unit, table.title, DOC_TYPE, where)
    # the general brief on the first page, under the letterhead; every other brief on a page of its own
    pages: list[Block] = [
        _page("general", f"{where} · for everyone", "General brief", scenario.general_brief, page=False)
    ]
    later: list[Block] = []
    for party in table.parties:
        side = training.side_label(table, party.id)
        mark = f"CONFIDENTIAL · {side} only · {where}"
        for title, text in training.side_briefs(scenario, party.id):
            pages.append(_page("side", mark, f"{party.name}: {title}", text))
        for label, text in role_briefs(scenario, party.id):
            pages.append(_page("role", f"CONFIDENTIAL · {side} · {label} only · {where}", label, text))
        for number, rnd in enumerate(scenario.rounds[1:], start=2):
            for brief in rnd.briefs:
                if brief.party == party.id and not brief.role:
                    title = brief.title or f"{rnd.title}: new confidential instructions"
                    later.append(_page("round", f"{mark} · hand out when round {number} starts", title, brief.text))
    return Document("handouts", head, tuple(pages + later))


__all__ = ["DOC_TYPE", "build"]
