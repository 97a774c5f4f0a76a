"""Straw polls, counted: tallies, bars, a ranking with its ties, and "keep the top K".

A straw poll (``model.Poll``) is a dot vote (N dots per person, spread as each likes) or a quick
1–5 score of each option. It decides nothing: it shows where the room leans, so the team can
keep the few options worth working on and set the others aside (``editing.keep_top``).

Pure: no Textual, no Rich. The app, the room view, the exports, review and diff all draw from
here, so a poll reads the same everywhere.

- A dot vote ranks by total dots. A score poll ranks by the mean score of those who scored the
  option (an option nobody scored has no mean and ranks last); its total is shown too.
- Ties are stated, never broken silently: options with the same figure share a rank ("=2").
- "Keep the top K" when the K-th and the (K+1)-th tie: ``ties="refuse"`` says so and keeps
  nothing (the room decides: vote again, or keep more); ``ties="include"`` keeps every option
  tied at the cut, so more than K are kept, and says how many.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from . import process
from .model import MAX_DOTS, Issue, Option, OptionState, Poll, PollKind, Session

Ties = Literal["refuse", "include"]

KIND_LABELS = {PollKind.DOTS: "Dot vote", PollKind.SCORE: "1–5 score"}


@dataclass(frozen=True)
class Bar:
    """One option's line in a poll's chart."""

    option: str  # option id
    text: str  # the option's words (or its id if it no longer exists)
    total: int  # dots, or the sum of scores
    count: int  # how many people marked it (placed a dot on it, or scored it)
    mean: float | None  # score polls: the mean of the scores given (None: nobody scored it)
    rank: int  # 1 = first; tied options share a rank
    tied: bool  # shares its rank with another option
    active: bool  # still an active option of the issue

    @property
    def rank_label(self) -> str:
        return f"={self.rank}" if self.tied else str(self.rank)


@dataclass(frozen=True)
class Tally:
    poll: Poll
    bars: list[Bar]  # in ranking order (the poll's option order within a tie)
    people: int  # responses counted

    @property
    def scale(self) -> float:
        """The figure a full-length bar stands for."""
        if self.poll.kind is PollKind.SCORE:
            return 5.0
        return float(max((b.total for b in self.bars), default=0)) or 1.0

    def figure(self, bar: Bar) -> float:
        return (bar.mean or 0.0) if self.poll.kind is PollKind.SCORE else float(bar.total)

    def label(self, bar: Bar) -> str:
        """The bar's number as shown: "7 dots", "4.2 (6)"."""
        if self.poll.kind is PollKind.DOTS:
            return f"{bar.total} dot{'s' if bar.total != 1 else ''}"
        if bar.mean is None:
            return "not scored"
        return f"{bar.mean:.1f} ({bar.count})"

    def ties(self) -> list[list[Bar]]:
        """Groups of options that share a rank (each of two or more)."""
        groups: dict[int, list[Bar]] = {}
        for bar in self.bars:
            if bar.tied:
                groups.setdefault(bar.rank, []).append(bar)
        return list(groups.values())

    def ties_sentence(self, names: Mapping[str, str] | None = None) -> str:
        """'Tied: option-2 = option-5 (4 dots)' or "" (options named by ``names`` when given)."""
        names = names or {}
        parts = [
            f"{' = '.join(names.get(b.option, b.option) for b in group)} ({self.label(group[0])})"
            for group in self.ties()
        ]
        return ("Tied: " + "; ".join(parts)) if parts else ""


def poll_title(poll: Poll) -> str:
    """ "Dot vote, 3 dots each" / "1–5 score"."""
    if poll.kind is PollKind.DOTS:
        return f"Dot vote, {poll.dots} dot{'s' if poll.dots != 1 else ''} each"
    return KIND_LABELS[poll.kind]


def tally(issue: Issue, poll: Poll) -> Tally:
    """The poll counted, option by option, ranked (ties share a rank)."""
    options = {o.id: o for o in issue.options}
    totals = {oid: 0 for oid in poll.options}
    counts = {oid: 0 for oid in poll.options}
    for response in poll.responses:
        for oid, value in response.votes.items():
            if oid in totals and value > 0:
                totals[oid] += value
                counts[oid] += 1
    score = poll.kind is PollKind.SCORE

    def figure(oid: str) -> float:
        if score:
            return totals[oid] / counts[oid] if counts[oid] else -1.0
        return float(totals[oid])

    figures = {oid: figure(oid) for oid in poll.options}
    order = sorted(poll.options, key=lambda oid: -figures[oid])  # stable: the poll's order within a tie
    seen: dict[float, int] = {}
    for oid in order:
        seen[figures[oid]] = seen.get(figures[oid], 0) + 1
    first_place: dict[float, int] = {}
    for place, oid in enumerate(order, start=1):
        first_place.setdefault(figures[oid], place)
    bars: list[Bar] = []
    for oid in order:
        option: Option | None = options.get(oid)
        bars.append(
            Bar(
                option=oid,
                text=option.text if option is not None else oid,
                total=totals[oid],
                count=counts[oid],
                mean=(totals[oid] / counts[oid] if counts[oid] else None) if score else None,
                rank=first_place[figures[oid]],
                tied=seen[figures[oid]] > 1,
                active=option is not None and option.state is OptionState.ACTIVE,
            )
        )
    return Tally(poll=poll, bars=bars, people=len(poll.responses))


def latest(issue: Issue) -> Poll | None:
    return issue.polls[-1] if issue.polls else None


def bar_cells(tally_: Tally, bar: Bar, width: int) -> int:
    """How many of ``width`` cells the bar fills (at least 1 for any mark at all)."""
    figure = tally_.figure(bar)
    if figure <= 0 or width <= 0:
        return 0
    return max(1, round(width * figure / tally_.scale))


def chart_lines(tally_: Tally, width: int, *, text_width: int = 24, bar_char: str = "█") -> list[str]:
    """The poll as plain text bars, one line per option (exports, ``ibb`` text output)."""
    lines = []
    for bar in tally_.bars:
        name = bar.text if len(bar.text) <= text_width else bar.text[: text_width - 1] + "…"
        cells = bar_cells(tally_, bar, width)
        aside = "" if bar.active else "  (set aside)"
        drawn = (bar_char * cells).ljust(width)
        lines.append(f"{bar.rank_label:>3} {name:<{text_width}} {drawn} {tally_.label(bar)}{aside}")
    return lines


# --- keep the top K ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TopK:
    keep: list[str]  # option ids kept (still active)
    set_aside: list[str]  # the poll's other options that are active now: to set aside
    problem: str  # why it cannot be done as asked ("" when it can)
    note: str  # what the room should hear: a tie included, options already gone...


def top_k(issue: Issue, poll: Poll, k: int, ties: Ties = "refuse") -> TopK:
    """Which options to keep and which to set aside to keep the poll's top ``k``.

    Only the poll's options that are active now take part (one set aside or combined since the
    poll is neither kept nor set aside again). A tie across the cut is refused or, with
    ``ties="include"``, every option tied at the cut is kept (more than ``k``).
    """
    counted = tally(issue, poll)
    bars = [b for b in counted.bars if b.active]
    if k < 1:
        return TopK([], [], "keep at least 1 option", "")
    if not bars:
        return TopK([], [], "none of this poll's options is still active", "")
    if k >= len(bars):
        return TopK([], [], f"the poll has only {len(bars)} active options: nothing to set aside", "")
    figure = counted.figure
    cut = figure(bars[k - 1])
    keep = bars[:k]
    note = ""
    if figure(bars[k]) == cut:
        tied = [b for b in bars if figure(b) == cut]
        names = ", ".join(b.option for b in tied)
        if ties == "refuse":
            whole = len([b for b in bars if figure(b) >= cut])
            label = counted.label(bars[k - 1])
            problem = f"a tie at place {k}: {names} ({label}). Keep {whole} to include the tie, or poll again"
            return TopK([], [], problem, "")
        keep = [b for b in bars if figure(b) >= cut]
        if len(keep) == len(bars):
            return TopK([], [], f"every active option ties at place {k}: nothing to set aside", "")
        note = f"tie at place {k} included: keeping {len(keep)} ({names})"
    kept = {b.option for b in keep}
    return TopK([b.option for b in keep], [b.option for b in bars if b.option not in kept], "", note)


# --- entry: what the recorder keys, checked per person ------------------------------------------


def response_problem(poll_kind: PollKind, dots: int, votes: dict[str, int]) -> str | None:
    """Why one person's marks do not fit the poll (a one-line message), or None."""
    if poll_kind is PollKind.DOTS:
        placed = sum(votes.values())
        if any(v < 0 for v in votes.values()):
            return "dots are 0 or more"
        if placed > dots:
            return f"{placed} dots placed; each person has {dots}"
        return None
    bad = [v for v in votes.values() if v not in (1, 2, 3, 4, 5)]
    if bad:
        return "a score is 1 to 5 (leave it blank for no score)"
    return None


def dots_problem(dots: int) -> str | None:
    if not 1 <= dots <= MAX_DOTS:
        return f"dots per person is a whole number from 1 to {MAX_DOTS}"
    return None


def pollable(issue: Issue) -> list[Option]:
    """The options a new poll covers: the active ones, in order."""
    return [o for o in issue.options if o.state is OptionState.ACTIVE]


def voters(session: Session) -> list[tuple[str, str]]:
    """``(name, party id)`` of every member who takes part (as in consensus), in party order:
    the rows of the recorder's form."""
    return process.voters(session)


def poll_problem(issue: Issue) -> str | None:
    """Why a poll cannot be taken on ``issue`` now, or None. Polling judges options, which a
    brainstorm never does (``process.option_change_problem``)."""
    reason = process.option_change_problem(issue)
    if reason:
        return reason
    if len(pollable(issue)) < 2:
        return "a poll needs at least two active options"
    return None


__all__ = [
    "KIND_LABELS",
    "Bar",
    "Tally",
    "TopK",
    "bar_cells",
    "chart_lines",
    "dots_problem",
    "latest",
    "poll_problem",
    "poll_title",
    "pollable",
    "response_problem",
    "tally",
    "top_k",
    "voters",
]
