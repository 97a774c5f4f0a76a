"""The day on the wall: what is on now, what is next, and how late the team is running.

A session's plan (``Session.plan``) is its meeting days, each a list of blocks from the agenda
("10:30, 45 min, Article 12: interests"). This module answers, for a session and a moment, with
no clock of its own (the caller passes the moment) and no Textual:

- **Today's plan**: the plan day dated the moment's date; when none is, the first day without a
  date (the next meeting, its date not set yet: the plan ``ibb new --after`` writes). Starting a
  block on such a day dates it (``editing.start_block``).
- **When a block is planned**: its ``time``; a block without one starts when the block before it
  ends (that block's start plus its minutes); the first block without one has no time.
- **Where the team is**: the block the facilitator last started (Ctrl+L "Next block", or "We are
  on this block" in the day's plan), until the day is finished (Ctrl+L on the last block).
  The blocks before it are done (skipped, if never started), the one after it is next.
- **How late** (minutes behind the plan; below 0, ahead): on a block started at S, planned from
  P to E, ``max(S − P, now − E)``: late by as much as the block started late, and, once it runs
  past its planned end, by as much as it overran; a finished day, by how late its last block
  ended. The team's own record only: before anyone starts a block today, the answer is the
  clock's (the block planned for now, the one after it) and lateness is not known (None).

The one-line summary for the header, the wall and presentation mode (``day_line``) is here too,
as plain text parts, fitted to a width: the wall shortens it before it cuts anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import floor

from .model import PlanBlock, PlanDay, Session, minute_of_day
from .termtext import cell_width
from .termtext import cut as cut_to


@dataclass(frozen=True)
class Slot:
    """A block of today's plan, placed on the clock."""

    index: int  # its place in the day's blocks
    title: str
    minutes: int
    start: datetime | None  # planned start (None: the plan gives no time)
    end: datetime | None
    started: datetime | None  # when the team began it
    mark: str  # "done", "skipped", "now", "next" or ""


@dataclass(frozen=True)
class Today:
    """Today's plan as it stands at a moment."""

    day: int  # its index in ``Session.plan``
    date: date
    title: str
    slots: tuple[Slot, ...]
    now: Slot | None  # the block on now (the team's, else the clock's)
    next: Slot | None
    late: int | None  # minutes behind the plan (below 0: ahead); None: not known (clock only)
    by_clock: bool  # nobody started a block today: now and next are the clock's answer
    finished: datetime | None  # the team went past the day's last block


def day_for(plan: list[PlanDay], on: date) -> int | None:
    """The index of the plan day for ``on``: dated so, else the first undated day, else None."""
    undated = None
    for n, day in enumerate(plan):
        if day.date == on:
            return n
        if day.date is None and undated is None:
            undated = n
    return undated


def planned_times(blocks: list[PlanBlock], on: date, tz: object) -> list[tuple[datetime | None, datetime | None]]:
    """Each block's planned start and end on ``on`` (in ``tz``): its time, else the end of the one before."""
    out: list[tuple[datetime | None, datetime | None]] = []
    previous_end: datetime | None = None
    for block in blocks:
        if block.time:
            hours, minutes = divmod(minute_of_day(block.time), 60)
            start: datetime | None = datetime(on.year, on.month, on.day, hours, minutes, tzinfo=tz)  # type: ignore[arg-type]
        else:
            start = previous_end
        end = start + timedelta(minutes=block.minutes) if start is not None else None
        out.append((start, end))
        previous_end = end
    return out


def current_index(day: PlanDay) -> int | None:
    """The block the team is on: the one it started last, unless the day is finished."""
    if day.finished is not None:
        return None
    best: tuple[datetime, int] | None = None
    for n, block in enumerate(day.blocks):
        if block.started is not None and (best is None or block.started >= best[0]):
            best = (block.started, n)
    return best[1] if best is not None else None


def _minutes(delta: timedelta) -> int:
    """Whole minutes of ``delta``, toward zero (59 s late is on time)."""
    seconds = delta.total_seconds()
    return floor(seconds / 60) if seconds >= 0 else -floor(-seconds / 60)


def today(plan: list[PlanDay] | Session, at: datetime) -> Today | None:
    """Today's plan (of a session, or its ``plan``) at the moment ``at`` (with its UTC offset), or
    None: no plan for that day."""
    if isinstance(plan, Session):
        plan = plan.plan
    n = day_for(plan, at.date())
    if n is None:
        return None
    day = plan[n]
    on = day.date or at.date()
    times = planned_times(day.blocks, on, at.tzinfo)
    current = current_index(day)
    started_any = day.finished is not None or any(b.started is not None for b in day.blocks)
    by_clock = not started_any
    if by_clock:  # the clock's answer: the last block planned to have begun by now and not ended
        now_index = None
        for k, (start, end) in enumerate(times):
            if start is not None and end is not None and start <= at < end:
                now_index = k
        if now_index is not None:
            next_index = now_index + 1 if now_index + 1 < len(day.blocks) else None
        else:
            next_index = next((k for k, (start, _) in enumerate(times) if start is not None and start > at), None)
    else:
        now_index = current
        if current is not None:
            next_index = current + 1 if current + 1 < len(day.blocks) else None
        else:
            next_index = None  # finished
    late: int | None = None
    if not by_clock:
        if now_index is not None:
            start, end = times[now_index]
            began = day.blocks[now_index].started
            if start is not None and end is not None and began is not None:
                late = _minutes(max(began - start, at - end))
        elif day.finished is not None and day.blocks:
            end = times[-1][1]
            late = _minutes(day.finished - end) if end is not None else None
    slots = []
    for k, (block, (start, end)) in enumerate(zip(day.blocks, times)):
        if k == now_index:
            mark = "now"
        elif k == next_index:
            mark = "next"
        elif not by_clock and (current is None or k < current):
            mark = "done" if block.started is not None else "skipped"
        elif by_clock and end is not None and end <= at:
            mark = "done"
        else:
            mark = ""
        slots.append(Slot(k, block.title, block.minutes, start, end, block.started, mark))
    return Today(
        day=n,
        date=on,
        title=day.title,
        slots=tuple(slots),
        now=slots[now_index] if now_index is not None else None,
        next=slots[next_index] if next_index is not None else None,
        late=late,
        by_clock=by_clock,
        finished=day.finished,
    )


# --- the one-line summary -----------------------------------------------------------------------


def late_words(late: int | None, short: bool = False) -> str:
    """``12 min late``, ``5 min ahead``, ``on time`` (``short``: ``+12 min``, ``−5 min``)."""
    if late is None:
        return ""
    if late == 0:
        return "on time"
    if short:
        return f"+{late} min" if late > 0 else f"−{-late} min"
    return f"{late} min late" if late > 0 else f"{-late} min ahead"


def _hm(moment: datetime | None) -> str:
    return f"{moment:%H:%M}" if moment is not None else ""


def _flat(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str, width: int) -> str:
    """As ``termtext.cut``, without a space before the "…"."""
    shown = cut_to(text, width)
    return shown if shown == text else shown[:-1].rstrip() + "…"


Part = tuple[str, str]  # (text, kind): kind "" | "label" | "title" | "late" | "ahead" | "muted"


def _late_part(t: Today, short: bool) -> list[Part]:
    if t.late is None:
        return []
    kind = "late" if t.late > 0 else "ahead" if t.late < 0 else ""
    return [(" · ", "muted"), (late_words(t.late, short), kind)]


def day_line(t: Today, width: int) -> list[Part]:
    """Today at a glance, in at most ``width`` cells: "Now 10:30–11:15 Article 12 interests · next
    11:15 Caucus · 12 min late". The titles are kept whole if dropping "by the clock", the
    block's end time (the next block's start says it) and the lateness's words (``+12 min``)
    makes room; else they are cut with "…" (the next block's first) down to a dozen cells; only
    then does the next block go. Lateness itself is the last thing kept."""
    width = max(1, width)
    if t.now is None:  # between blocks, before the day, after it, or finished
        if t.finished is not None:
            parts = [("Today's plan done", "label"), (f" at {_hm(t.finished)}", "")]
            return _fit_simple(parts + _late_part(t, False), parts + _late_part(t, True), width)
        if t.next is not None:
            first = all(s.mark != "done" for s in t.slots)
            label = "Starts" if first else "Next"
            return _fit_titles([(f"{label} ", "label"), (f"{_hm(t.next.start)} ", "")], _flat(t.next.title), [], width)
        end = next((s.end for s in reversed(t.slots) if s.end is not None), None)
        parts = [("Today's plan ended", "label"), (f" at {_hm(end)}", "")] if end else [("Today's plan ended", "label")]
        return _fit_simple(parts, parts, width)
    now, nxt = t.now, t.next
    span = f"{_hm(now.start)}–{_hm(now.end)} " if now.start and now.end else f"{_hm(now.start)} " if now.start else ""
    heads = [[("Now ", "label"), (span, "")], [("Now ", "label"), (f"{_hm(now.start)} " if now.start else "", "")]]
    clock: list[Part] = [(" · by the clock", "muted")] if t.by_clock else []
    # (extra, head, short lateness), richest first: "by the clock" goes, then the end time, then the words
    shapes = [(clock, heads[0], False), ([], heads[0], False), ([], heads[1], False), ([], heads[1], True)]
    nexts: list[list[Part]] = []
    if nxt is not None:
        nexts.append([(" · next ", "muted"), (f"{_hm(nxt.start)} " if nxt.start else "", "")])
    nexts.append([])
    for next_head in nexts:
        next_title = _flat(nxt.title) if next_head and nxt is not None else ""
        for cut in (False, True):  # whole titles first; then cut (the next one first)
            for extra, head, tail_short in shapes:
                late = _late_part(t, tail_short)
                line = _fit_two(head, _flat(now.title), next_head, next_title, late + extra, width, cut)
                if line is not None:
                    return line
    return _fit_titles(heads[1], _flat(now.title), _late_part(t, True), width)


def _length(parts: list[Part]) -> int:
    return sum(cell_width(text) for text, _ in parts)


def _fit_simple(long: list[Part], short: list[Part], width: int) -> list[Part]:
    for parts in (long, short):
        if _length(parts) <= width:
            return parts
    text = _cut("".join(p for p, _ in short), width)
    return [(text, "label")]


def _fit_titles(head: list[Part], title: str, tail: list[Part], width: int) -> list[Part]:
    """``head`` + ``title`` + ``tail``, the title cut to fit (the tail kept whole while it can be)."""
    room = width - _length(head) - _length(tail)
    if room >= 4 or (room >= 1 and cell_width(title) <= room):
        return [*head, (_cut(title, room), "title"), *tail]
    room = width - _length(tail)
    if room >= 4:
        return [(_cut(title, room), "title"), *tail]
    return [(_cut("".join(p for p, _ in [*head, (title, ""), *tail]), width), "title")]


#: A title is not cut shorter than this many cells while something else can still give way.
MIN_TITLE = 12


def _fit_two(
    head: list[Part], title: str, next_head: list[Part], next_title: str, tail: list[Part], width: int, cut: bool
) -> list[Part] | None:
    """The line with both titles (the second one only with ``next_head``), whole, or with
    ``cut`` cut (the next one first) down to ``MIN_TITLE`` cells; None if it does not fit so."""
    fixed = _length(head) + _length(next_head) + _length(tail)
    room = width - fixed
    a, b = cell_width(title), cell_width(next_title)
    if a + b <= room:
        cut_a, cut_b = a, b
    elif not cut:
        return None
    else:
        floor_a, floor_b = min(a, MIN_TITLE), min(b, MIN_TITLE) if next_head else 0
        if floor_a + floor_b > room:
            return None
        cut_b = max(floor_b, min(b, room // 3)) if next_head else 0
        cut_a = room - cut_b
        if cut_a > a:
            cut_b += cut_a - a
            cut_a = a
    parts = [*head, (_cut(title, cut_a), "title")]
    if next_head:
        parts += [*next_head, (_cut(next_title, cut_b), "title")]
    return parts + tail


def day_text(t: Today, width: int = 10_000) -> str:
    """``day_line`` as plain text."""
    return "".join(text for text, _ in day_line(t, width))


__all__ = ["Slot", "Today", "current_index", "day_for", "day_line", "day_text", "late_words", "planned_times", "today"]
