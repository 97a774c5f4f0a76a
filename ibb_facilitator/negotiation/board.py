"""The board: every issue of the negotiation across its sessions, one row each, as plain data.

A row says the issue's contract article, statement, status, the stage it reached, the session
it was last worked in, its TA in force (date, initials, which file; how many earlier TAs it
superseded; which parties ratified it), the open information requests about it and how many
days it has been open. ``filter_rows`` and ``sort_rows`` work as the library's do (every word
of the filter, accents and case ignored; a sort name, ``reverse`` flips it). The terminal
table (``ibb board``), the Markdown / HTML export and the app's board screen all show these rows.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..costing import budget_line, format_amount, per_year_text, short_total
from .core import STAGES, STATUS_LABELS, TA, IssueState, Negotiation

#: sort name -> what a person calls it; "article" (the contract's order) is the default
SORTS: dict[str, str] = {
    "article": "contract article",
    "issue": "issue statement",
    "status": "status",
    "stage": "stage reached",
    "session": "last session worked in",
    "days": "days open",
}
_STATUS_ORDER = {"open": 0, "no_consensus": 1, "parked": 2, "agreed": 3, "withdrawn": 4}

#: The board's columns, in order, and their headings: the terminal table and the app's screen.
HEADINGS: dict[str, str] = {
    "article": "Article", "issue": "Issue", "status": "Status", "stage": "Stage", "session": "Last worked in",
    "ta": "TA in force", "cost": "TA cost", "sup": "Sup.", "ratified": "Ratified", "req": "Req.", "days": "Days",
}  # fmt: skip
#: Every column's width but the issue's, which takes what is left.
WIDTHS = {
    "article": 11,
    "status": 12,
    "stage": 9,
    "session": 18,
    "ta": 24,
    "cost": 12,  # shown only when some TA of the negotiation is costed (``column_widths``)
    "sup": 4,
    "ratified": 8,
    "req": 4,
    "days": 5,
}
#: On a narrow screen (a zoomed wall, 80 columns), these steps are taken in order until the
#: issue keeps ``ISSUE_MIN`` columns: a column goes (``width`` None) or narrows to ``width``.
#: The board never runs off the side of the screen: a column there is one nobody sees.
NARROWING: tuple[tuple[str, int | None], ...] = (
    ("sup", None),
    ("cost", None),  # the summary above the table still gives the package's cost
    ("req", None),
    ("ratified", None),  # the summary above the table still says where ratification stands
    ("article", 8),  # "Art. 14…": article_label keeps the number
    ("status", 11),
    ("ta", 11),  # the date alone (ta_label), under its heading
    ("session", 14),
    ("stage", None),
    ("session", None),
)
ISSUE_MIN = 24


def column_widths(total: int, margin: int = 0, *, costs: bool = False) -> dict[str, int]:
    """The columns shown in ``total`` terminal columns, in order, and each one's width.

    Each column costs its width and two more (the gap, or a cell's padding); ``margin`` is what
    else the screen takes (a scrollbar, a border; negative: the last column needs no gap).
    ``costs``: some TA is costed, so the TA cost column is wanted (``has_costs``)."""
    widths = dict(WIDTHS)
    if not costs:
        del widths["cost"]

    def room() -> int:  # what is left for the issue
        return total - sum(widths.values()) - 2 * (len(widths) + 1) - margin

    for key, width in NARROWING:
        if room() >= ISSUE_MIN:
            break
        if width is None:
            widths.pop(key, None)
        elif key in widths:
            widths[key] = max(width, widths[key] - (ISSUE_MIN - room()))
    widths["issue"] = max(12, room())  # below 70 columns the issue gives way too
    return {key: widths[key] for key in HEADINGS if key in widths}


def ta_label(row: BoardRow, width: int) -> str:
    """The TA in force: its date and initials ("2027-03-10 U: JR, M: KO"), the date alone when
    that does not fit ``width``; "" when none."""
    if row.ta_date is None:
        return ""
    full = f"{row.ta_date.isoformat()} {row.ta_initials}".strip()
    return full if len(full) <= width else row.ta_date.isoformat()


def article_label(article: str, width: int) -> str:
    """``article`` to show in ``width`` columns: "Article 14, Class Size" becomes "Art. 14, Class
    Size" when it does not fit, so that a cut keeps the number."""
    if len(article) > width and article[:8].casefold() == "article ":
        return "Art. " + article[8:].lstrip()
    return article


@dataclass(frozen=True)
class BoardRow:
    issue: str  # the issue's id, the same in every file
    article: str
    statement: str
    status: str  # an IssueStatus value
    stage: str
    session: str  # the file it was last worked in
    session_number: int
    worked_on: date | None
    ta: str  # "ta-3 of session-2.toml", "" when none is in force
    ta_date: date | None
    ta_initials: str  # "U: AR, M: BH"
    superseded: int  # earlier TAs of the issue this one replaced
    ratified_by: str  # parties' tags whose ratified package holds this TA unchanged
    requests: int  # open information requests about it
    days_open: int | None
    path: Path  # the session to open it in: the latest that holds it
    order: tuple
    ta_cost: str = ""  # what the TA in force costs, "$1,422,000" ("": not costed, or no TA)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def _initials(neg: Negotiation, ta: TA) -> str:
    return ", ".join(f"{neg.party_short(party)}: {mark}" for party, mark, _ in ta.initials)


def row_of(neg: Negotiation, issue: IssueState) -> BoardRow:
    ta = issue.ta
    holder = neg.session(issue.file)
    worked = neg.session(issue.worked_file)
    ratified = ""
    if ta is not None:
        parties = neg.ratification.ratified.get(ta.ref, set())
        ratified = ", ".join(p.short for p in neg.parties if p.id in parties)
    return BoardRow(
        issue=issue.id,
        article=issue.article or (ta.article if ta else ""),
        statement=issue.statement,
        status=issue.status,
        stage=issue.stage,
        session=issue.worked_file,
        session_number=worked.number if worked else 0,
        worked_on=issue.worked_on,
        ta=f"{ta.id} of {ta.file}" if ta else "",
        ta_date=ta.date if ta else None,
        ta_initials=_initials(neg, ta) if ta else "",
        superseded=len(issue.earlier),
        ratified_by=ratified,
        requests=len(issue.requests),
        days_open=issue.days_open(neg.today),
        path=holder.path if holder else neg.folder / issue.file,
        order=issue.order,
        ta_cost=short_total(ta.cost) if ta else "",
    )


def has_costs(neg: Negotiation) -> bool:
    """Whether the board shows costs: some TA in force is costed, or the team recorded a budget."""
    return neg.package.cost.costed or neg.budget is not None


def rows(neg: Negotiation) -> list[BoardRow]:
    """Every issue's row, in the contract's article order."""
    return [row_of(neg, issue) for issue in neg.issues]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold() or text.casefold()


def filter_rows(board: list[BoardRow], text: str) -> list[BoardRow]:
    """Rows whose article, statement, status, stage or session holds every word of ``text``."""
    words = _fold(text).split()
    if not words:
        return list(board)
    out = []
    for row in board:
        hay = _fold(f"{row.article} {row.statement} {row.status_label} {row.status} {row.stage} {row.session} {row.ta}")
        if all(w in hay for w in words):
            out.append(row)
    return out


def sort_rows(board: list[BoardRow], by: str = "article", *, reverse: bool = False) -> list[BoardRow]:
    """Rows sorted ``by`` a name of ``SORTS`` (the article order breaks ties; ``reverse`` flips).
    Days open and the last session sort the longest open and the latest first."""
    if by not in SORTS:
        raise ValueError(f"sort by one of {', '.join(SORTS)}, not {by!r}")
    out = sorted(board, key=lambda r: r.order)
    if by == "issue":
        out.sort(key=lambda r: _fold(r.statement), reverse=reverse)
    elif by == "status":
        out.sort(key=lambda r: _STATUS_ORDER.get(r.status, 9), reverse=reverse)
    elif by == "stage":
        out.sort(key=lambda r: STAGES.index(r.stage) if r.stage in STAGES else 9, reverse=not reverse)
    elif by == "session":
        out.sort(key=lambda r: r.session_number, reverse=not reverse)
    elif by == "days":
        out.sort(key=lambda r: -1 if r.days_open is None else r.days_open, reverse=not reverse)
    elif reverse:
        out.reverse()
    return out


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def cost_line(neg: Negotiation) -> str:
    """The package's cost against the budget, with each year's: "Package 1,422,000 of 1,500,000
    budget: 78,000 under budget (2027–28 474,000 · 2028–29 474,000 · 2029–30 474,000)"."""
    cost = neg.package.cost
    years = f" ({per_year_text(cost, neg.budget)})" if len(cost.per_year) > 1 else ""
    over = [(v.year, v.over) for v in neg.package_budget()[:-1] if v.over is not None and v.over > 0]
    late = "; over in " + ", ".join(f"{year} by {format_amount(by)}" for year, by in over) if over else ""
    return budget_line(cost, neg.budget) + years + late


def summary(neg: Negotiation) -> list[str]:
    """The lines above the table: the negotiation, the package's state, ratification, problems."""
    counts = [
        _count(len(neg.sessions), "session"),
        _count(len(neg.issues), "issue"),
        _count(len(neg.package.current), "TA"),
    ]
    lines = [f"{neg.name}: {', '.join(counts)} in force"]
    lines.append(neg.package.state())
    lines.append("Ratification: " + neg.ratification.state())
    if has_costs(neg):
        lines.append(cost_line(neg))
    for ta in neg.ratification.amendments:
        lines.append(f"Amends the ratified package, to be ratified: {ta.id} of {ta.file}: {ta.amends_ratified}")
    lines += [f"PROBLEM: {p}" for p in neg.ratification.problems]
    lines += [f"BROKEN: {err[0] if err else name}" for name, err in neg.broken]
    lines += [f"BROKEN: {line}" for line in neg.manifest_error[:1]]
    return lines


__all__ = ["SORTS", "BoardRow", "cost_line", "filter_rows", "has_costs", "row_of", "rows", "sort_rows", "summary"]
