"""Screening and weighing the options of an issue against its criteria: pure rules, no I/O.

- A **must-pass** criterion (``Criterion.must_pass``, the lowest score that passes) screens out
  every option rated below its line: the option stays in the record, struck, with the reason
  ("below 3 on ‘Within budget’ (2)"). An option not yet rated on a must-pass criterion is not
  screened out by it: nothing is known against it yet (the grid shows the cell unrated).
- The **weighted total** of an option is the sum over the criteria of score × weight; an unrated
  cell counts as nothing (it adds 0, and ``unrated`` says how many there were).
- The **rank** orders the options that are not screened out by weighted total, highest first;
  options with equal totals share a rank (1, 2, 2, 4). Screened-out options have no rank.

Only active options take part (set-aside and combined ones are out of the grid already).
The TUI (the grid, the room view), the exports, review and ``ibb diff`` all read this module, so
the room sees one ranking everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import termtext
from .model import Criterion, Issue, Option, OptionState, Session


@dataclass(frozen=True)
class Standing:
    """Where one option stands on its issue's criteria."""

    option: Option
    total: int  # weighted total: sum of score × weight, unrated cells counting nothing
    unrated: int  # how many criteria have no score for it yet
    screened: tuple[str, ...]  # why it is screened out, one reason per failed must-pass; () if it passes
    rank: int | None  # 1 is best, among the options not screened out; None when screened out

    @property
    def screened_out(self) -> bool:
        return bool(self.screened)

    @property
    def reason(self) -> str:
        """The reasons it is screened out, in one line ("" when it is not)."""
        return "; ".join(self.screened)


def failures(option: Option, criteria: list[Criterion]) -> tuple[str, ...]:
    """Why ``option`` is screened out: one reason per must-pass criterion it is rated below."""
    reasons = []
    for criterion in criteria:
        line = criterion.must_pass
        if line is None:
            continue
        score = option.scores.get(criterion.id)
        if score is not None and score < line:
            reasons.append(f"below {line} on {termtext.quote(criterion.text, 40)} ({score})")
    return tuple(reasons)


def weighted_total(option: Option, criteria: list[Criterion]) -> tuple[int, int]:
    """``(total, unrated)``: the sum of score × weight over ``criteria``, and how many of them
    have no score for ``option`` (each counts as nothing in the total)."""
    total = unrated = 0
    scores = option.scores
    for criterion in criteria:
        score = scores.get(criterion.id)
        if score is None:
            unrated += 1
        else:
            total += score * (criterion.weight or 1)
    return total, unrated


def rank(options: list[Option], criteria: list[Criterion]) -> list[Standing]:
    """The standing of each of ``options`` (in their order), ranked against ``criteria``."""
    rows = []
    for option in options:
        total, unrated = weighted_total(option, criteria)
        rows.append((option, total, unrated, failures(option, criteria)))
    totals = sorted((total for _, total, _, screened in rows if not screened), reverse=True)
    first_at: dict[int, int] = {}
    for place, total in enumerate(totals, 1):
        first_at.setdefault(total, place)
    return [
        Standing(option, total, unrated, screened, None if screened else first_at[total])
        for option, total, unrated, screened in rows
    ]


def standings(session: Session, issue: Issue) -> list[Standing]:
    """The standing of each active option of ``issue``, in the issue's order."""
    active = [o for o in issue.options if o.state is OptionState.ACTIVE]
    return rank(active, session.criteria_for(issue))


def by_rank(rows: list[Standing]) -> list[Standing]:
    """``rows`` best first: ranked ones by rank, then the screened-out ones (each in its order)."""
    return sorted(rows, key=lambda s: (s.rank is None, s.rank or 0))


def weighs_anything(criteria: list[Criterion]) -> bool:
    """Whether any criterion carries a weight or a must-pass line (else a plain sum is the same
    as the weighted total, and nothing is screened)."""
    return any(c.weight is not None or c.must_pass is not None for c in criteria)


def describe(criterion: Criterion) -> str:
    """What a criterion's weight and must-pass say, in words ("" at the defaults): "×2, must
    pass 3"."""
    parts = []
    if criterion.weight is not None and criterion.weight != 1:
        parts.append(f"×{criterion.weight}")
    if criterion.must_pass is not None:
        parts.append(f"must pass {criterion.must_pass}")
    return ", ".join(parts)


def marks(criterion: Criterion) -> str:
    """A criterion's weight and must-pass line in a grid's column head, after its "C2": "×3",
    "≥3", "×3≥3" ("" at the defaults)."""
    head = f"×{criterion.weight}" if criterion.weight is not None and criterion.weight != 1 else ""
    return head + (f"≥{criterion.must_pass}" if criterion.must_pass is not None else "")
