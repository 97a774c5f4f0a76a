"""The next session's agenda, built from what is still open ("build the agenda for next session").

Practitioners' agendas open with the minutes of the last session and the outstanding issues and
close with the parking lot, the agenda for next time and the joint statement to members. When
``ibb new --after`` carries a session over (``carryover.carry``), its plan is written here from
what the new session holds, one day, in this order:

1. Opening: welcome and the day's agenda (15 min);
2. Minutes of the previous session: accepted or corrected (10 min);
3. one block per carried issue still being worked (open, or without consensus), in the session's
   order, titled with its article, its statement and the stage it has reached; as long as the
   previous session's time box for that stage (45 min without one);
4. Parked issues, parking lot and actions: review (15 min; the counts in the title);
5. Build the next session's agenda (10 min);
6. Joint statement to members (15 min).

Times run on from the previous plan's first day's start (its first block with a time), or 09:00.
The day has no date (the next meeting's date is not set yet): ``schedule`` shows an undated day
as today's until a block is started on it, which dates it. Pure: no I/O, nothing is written.
"""

from __future__ import annotations

from ..model import IssueStatus, PlanBlock, PlanDay, Session, Stage, hhmm, minute_of_day

DEFAULT_START = "09:00"
ISSUE_MINUTES = 45  # a carried issue's block when its stage has no time box

_STAGE_WORDS = {
    Stage.ISSUES: "framing the issue",
    Stage.INTERESTS: "at interests",
    Stage.OPTIONS: "at options",
    Stage.CRITERIA: "at criteria",
    Stage.CONSENSUS: "at consensus",
}


def start_time(previous: Session) -> str:
    """The previous plan's first day's start (its first block with a time), else ``DEFAULT_START``."""
    for day in previous.plan[:1]:
        for block in day.blocks:
            if block.time:
                return block.time
    return DEFAULT_START


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def next_plan(previous: Session, session: Session) -> list[PlanDay]:
    """The plan of ``session`` (carried over from ``previous``): one undated day, see the module."""
    worked = [i for i in session.issues if i.status in (IssueStatus.OPEN, IssueStatus.NO_CONSENSUS)]
    blocks: list[tuple[int, str]] = [
        (15, "Opening: welcome and the day's agenda"),
        (10, f"Minutes of {previous.title}: accepted or corrected"),
    ]
    for issue in worked:
        article = f"{issue.article}: " if issue.article else ""
        minutes = session.time_boxes.get(issue.stage, ISSUE_MINUTES)
        blocks.append((minutes, f"{article}{' '.join(issue.statement.split())} ({_STAGE_WORDS[issue.stage]})"))
    parked = sum(1 for i in session.issues if i.status is IssueStatus.PARKED)
    counts = [
        _plural(parked, "parked issue") if parked else "",
        _plural(len(session.parking_lot), "parking-lot item") if session.parking_lot else "",
        _plural(len(session.actions), "action") if session.actions else "",
    ]
    said = ", ".join(c for c in counts if c)
    blocks += [
        (15, "Parked issues, parking lot and actions: review" + (f" ({said})" if said else "")),
        (10, "Build the next session's agenda"),
        (15, "Joint statement to members"),
    ]
    start = start_time(previous)
    minute = minute_of_day(start)
    planned = []
    for minutes, title in blocks:
        time = hhmm(minute) if minute < 24 * 60 else ""
        planned.append(PlanBlock(time=time, minutes=minutes, title=title))
        minute += minutes
    open_issues = _plural(len(worked), "open issue")
    return [PlanDay(title=f"{session.title}: {open_issues}", blocks=planned)]


__all__ = ["DEFAULT_START", "next_plan", "start_time"]
