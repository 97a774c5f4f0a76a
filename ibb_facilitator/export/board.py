"""The negotiation's board as a document (``ibb board DIR --format md|html``): its state, then one
table row per issue, as ``negotiation.board`` makes them."""

from __future__ import annotations

from datetime import date

from ..negotiation.board import BoardRow, summary
from ..negotiation.core import Negotiation
from .document import Document, Facts, Heading, Item, Items, Letterhead, Paragraph, Run, Table, line
from .text import EMPTY_CELL, day

DOC_TYPE = "Bargaining status board"


def span(neg: Negotiation) -> str:
    """'4 sessions, Tuesday 12 January 2027 – Friday 5 March 2027'."""
    days = [d for s in neg.sessions for d in (s.first_day, s.last_day) if d is not None]
    count = f"{len(neg.sessions)} session{'s' if len(neg.sessions) != 1 else ''}"
    if not days:
        return count
    first, last = min(days), max(days)
    return f"{count}, {day(first)}" + (f" – {day(last)}" if last != first else "")


def letterhead(neg: Negotiation, doc_type: str) -> Letterhead:
    return Letterhead(
        neg.organization.strip(), neg.unit.strip(), neg.name.strip() or "Negotiation", doc_type, span(neg)
    )


def _when(value: date | None) -> str:
    return value.isoformat() if value else EMPTY_CELL


def _row(row: BoardRow) -> tuple:
    ta = EMPTY_CELL
    if row.ta_date is not None:
        ta = f"{row.ta_date.isoformat()}" + (f" ({row.ta_initials})" if row.ta_initials else "")
        ta += f", cost {row.ta_cost}" if row.ta_cost else ""
    return (
        line(row.article or EMPTY_CELL),
        line(row.statement),
        line(Run(row.status_label, f"status-{row.status}")),
        line(row.stage.capitalize()),
        line(row.session, f" ({_when(row.worked_on)})" if row.worked_on else None),
        line(ta),
        line(str(row.superseded) if row.superseded else EMPTY_CELL),
        line(row.ratified_by or EMPTY_CELL),
        line(str(row.requests) if row.requests else EMPTY_CELL),
        line(EMPTY_CELL if row.days_open is None else str(row.days_open)),
    )


def build(neg: Negotiation, shown: list[BoardRow], *, filtered: str = "") -> Document:
    lines = summary(neg)
    blocks: list = [
        Facts(
            (
                ("As of", line(day(neg.today))),
                ("Issues", line(str(len(neg.issues)))),
                ("TAs in force", line(str(len(neg.package.current)))),
            )
        )
    ]
    blocks.append(Paragraph(line(lines[1])))
    blocks.append(Paragraph(line(lines[2])))
    extra = lines[3:]
    if extra:
        blocks.append(Items(tuple(Item(line(text)) for text in extra)))
    blocks.append(Heading(2, line("Issues")))
    if filtered:
        blocks.append(Paragraph(line(f"{len(shown)} of {len(neg.issues)} issues match the filter: ", filtered), "note"))
    header = (
        "Article",
        "Issue",
        "Status",
        "Stage",
        "Last worked in",
        "TA in force",
        "Superseded",
        "Ratified by",
        "Open requests",
        "Days open",
    )
    blocks.append(Table(header, tuple(_row(r) for r in shown), ("left",) * 6 + ("right", "left", "right", "right")))
    return Document("board", letterhead(neg, DOC_TYPE), tuple(blocks))


__all__ = ["DOC_TYPE", "build", "letterhead", "span"]
