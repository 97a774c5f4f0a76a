"""The event log, replayed: what a session held at any moment ("what did we have at the end of day 2?").

A session file keeps an append-only log (``Session.events``): one event per change, written by
``editing``, with the new values in ``data``. Replaying it rebuilds the session step by step:

- start from the session's fixed frame (title, people, ground rules, decision rule, stage order:
  what no event changes) with no issues, items, agreements, parking lot, caucuses or actions;
- apply each event in log order (adds, edits, removals, moves, statuses, stages, brainstorms,
  combine, set aside, serves, ratings, draft revisions, checks, straw polls and their
  keep-the-top-K, TAs, initials, parking, caucuses, actions);
- ``undo``: the app's undo puts back the whole session as it was before the last change and logs
  an ``undo`` event that carries only the label of that change. Replay does the same with its own
  state: it knows which events made up each change (one ``editing`` call; events after the first
  carry ``with_previous``), keeps a stack of changes as the app does (50 deep), and an ``undo``
  restores the replayed state from before the change on top of that stack. The one change that
  logs no event today ("note on check", written straight into the check by the app) is
  recognised by its label and pops nothing. Exact for logs written by this version. (Should the
  app log that note as a ``check.note`` event with ``issue`` and ``note``, replay applies it, and
  an undo of it pops it like any other change.)

Where the log cannot say, replay borrows from the session as it is now (the file):

- items no event created (issues an agenda put in a new session, hand-written files) are there
  from the start, as they are now, except that an issue starts open, at the first stage and not
  brainstorming when the log later changes those;
- scores that no ``rating.set`` event gave (hand-written or converted files) are on their option
  from the moment the option exists, as they are now (before schema 2 kept them on the option,
  they showed only for options of issues no event created);
- logs written before the replay keys existed (check responses, TA check and date, caucus
  times...) take the missing values from the same item in the file; a consensus check's note is
  always the file's (the app writes it after the check, without an event of its own).

"Now" is the file itself: the review shows the real session for the latest moment and a replay
for every earlier one. Events that cannot be applied (a hand-edited log naming an item that does
not exist) are skipped and counted, never fatal.

``state_at`` takes the events in log order up to the first one later than the moment asked for,
so a clock that jumped backwards never mixes a later change into an earlier state.

Over 500 lines on purpose: one function per kind of event ``editing`` logs (``_APPLY``), beside each
other so a new verb there has its replay found (and written) in one place.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from . import drafting
from .model import (
    JOINT,
    ActionItem,
    ActionKind,
    Caucus,
    ConsensusCheck,
    Costing,
    CostLine,
    Criterion,
    Cursor,
    Event,
    Initial,
    Interest,
    InterestKind,
    Issue,
    IssueStatus,
    Method,
    MinutesVerdict,
    Option,
    OptionState,
    Outcome,
    ParkingItem,
    PlanDay,
    Poll,
    PollKind,
    PollResponse,
    Response,
    Session,
    Stage,
    TentativeAgreement,
)

#: How many changes the app's undo remembers (``History(limit=50)``).
UNDO_DEPTH = 50
#: Undo labels of app changes that log no event: undoing one takes back no logged change.
NO_EVENT_LABELS = frozenset({"note on check"})
#: Actions that create the item named by the event's target.
CREATES = frozenset({
    "issue.add", "interest.add", "option.add", "option.combine", "criterion.add", "check.record", "poll.record",
    "ta.add", "parking.add", "caucus.start", "action.add",
})  # fmt: skip


class _Skip(Exception):
    """An event that cannot be applied to the replayed state."""


# --- days -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayMark:
    """A meeting day in the log: its date, its last change, and how many changes were made by then."""

    day: date
    end: datetime  # the time of the day's last event
    changes: int  # events up to and including that day's last one


def day_marks(session: Session) -> list[DayMark]:
    """One mark per day on which the log has changes, in log order (each event on its own clock)."""
    marks: list[DayMark] = []
    for n, event in enumerate(session.events, start=1):
        day = event.at.date()
        if marks and marks[-1].day == day:
            marks[-1] = DayMark(day, event.at, n)
        elif marks and day < marks[-1].day:
            continue  # a clock that went back a day: stays in the later day
        else:
            marks.append(DayMark(day, event.at, n))
    return marks


def days(session: Session) -> list[date]:
    """The meeting days present in the log, in order."""
    return [mark.day for mark in day_marks(session)]


def count_at(session: Session, when: datetime) -> int:
    """How many events (from the start of the log) had happened at ``when``."""
    for n, event in enumerate(session.events):
        if event.at > when:
            return n
    return len(session.events)


_DAY_WORD = re.compile(r"^\s*(?:day\s*)?(\d{1,3})\s*$", re.IGNORECASE)


def resolve_when(session: Session, text: str) -> int:
    """A moment as a person types it, as a number of changes from the start of the log.

    Accepts ``now`` / ``end`` / ``latest``, ``start``, ``day 2`` (or ``2``: the end of the second
    day in the log), a date ``2027-03-09`` (the end of that day) and a date and time
    ``2027-03-09 17:00`` or ``2027-03-09T17:00-05:00`` (without an offset: the offset the log uses).
    Raises ``ValueError`` with a sentence saying what it accepts.
    """
    value = text.strip()
    lowered = value.casefold()
    total = len(session.events)
    if lowered in ("now", "end", "latest", "last"):
        return total
    if lowered in ("start", "begin", "beginning"):
        return 0
    marks = day_marks(session)
    numbered = _DAY_WORD.match(value)
    if numbered:
        n = int(numbered.group(1))
        if not 1 <= n <= len(marks):
            raise ValueError(f"--at {value!r}: the log has {len(marks)} meeting day{'s' if len(marks) != 1 else ''}")
        return marks[n - 1].changes
    try:
        if len(value) == 10:
            chosen_day = date.fromisoformat(value)
            moment = datetime.combine(chosen_day, time(23, 59, 59))
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"--at {value!r}: expected now, start, day N, a date (2027-03-09) or a date and time (2027-03-09 17:00)"
        ) from None
    if moment.tzinfo is None:
        zone = session.events[0].at.tzinfo if session.events else session.created.tzinfo
        moment = moment.replace(tzinfo=zone)
    return count_at(session, moment)


# --- replay -----------------------------------------------------------------------------------


def _joins_previous(events: list[Event], i: int) -> bool:
    """Is event ``i`` part of the same change (one ``editing`` call) as event ``i - 1``?"""
    if i == 0:
        return False
    event, before = events[i], events[i - 1]
    if before.action == "undo" or event.action == "undo":
        return False
    if event.data.get("with_previous") is True:
        return True
    # Logs written before ``with_previous``: initialing (or rewording) a TA sets the issue's status
    # in the same call, at the same second.
    legacy = (before.action == "ta.initial" and "name" not in before.data) or (
        before.action == "ta.edit" and "issue" not in before.data
    )
    return legacy and event.action == "issue.status" and event.at == before.at


def _plan(events: list[Event]) -> tuple[list[bool], dict[int, int]]:
    """Which events start a change, and for each ``undo`` event the index of the change's first event."""
    starts = [not _joins_previous(events, i) for i in range(len(events))]
    stack: deque[int] = deque(maxlen=UNDO_DEPTH)
    undone: dict[int, int] = {}
    for i, event in enumerate(events):
        if event.action == "undo":
            if event.data.get("undone") in NO_EVENT_LABELS and not (stack and events[stack[-1]].action == "check.note"):
                continue  # the app took back a change that logged nothing
            if stack:
                undone[i] = stack.pop()
        elif starts[i]:
            stack.append(i)
    return starts, undone


class Timeline:
    """Replays one session's log; steps forward cheaply, starts again to go back."""

    def __init__(self, session: Session):
        self.session = session
        self.events = session.events
        self._starts, self._undone = _plan(self.events)
        self._needed = set(self._undone.values())
        self._final = _Index(session)
        self._reset()

    def __len__(self) -> int:
        return len(self.events)

    def _reset(self) -> None:
        self._state = _frame(self.session, self._final)
        self._pos = 0
        self._saved: dict[int, Session] = {}
        self.skipped: list[int] = []  # indices of events that could not be applied

    def state_after(self, n: int) -> Session:
        """The session after its first ``n`` events, replayed.

        The returned session is the timeline's own working state: read it, do not change it, and
        do not keep it across another call (the next call moves it on).
        """
        n = max(0, min(n, len(self.events)))
        if n < self._pos:
            self._reset()
        while self._pos < n:
            i = self._pos
            event = self.events[i]
            if i in self._needed:
                self._saved[i] = self._state.model_copy(deep=True)
            if event.action == "undo":
                first = self._undone.get(i)
                if first is not None and first in self._saved:
                    self._state = self._saved.pop(first)
            else:
                try:
                    _apply(self._state, event, self._final)
                except (_Skip, KeyError, ValueError, TypeError, IndexError, AttributeError):
                    self.skipped.append(i)
            self._pos += 1
        self._state.events = self.events[:n]
        return self._state

    def state_at(self, when: datetime) -> Session:
        return self.state_after(count_at(self.session, when))

    def view(self, n: int) -> Session:
        """What a reader sees after ``n`` changes: the file itself for the latest moment."""
        return self.session if n >= len(self.events) else self.state_after(n)


def state_after(session: Session, n: int) -> Session:
    """``session`` after its first ``n`` events, replayed (a new, independent session)."""
    return Timeline(session).state_after(n)


def state_at(session: Session, when: datetime) -> Session:
    """What ``session`` held at ``when``, replayed from its log (a new, independent session)."""
    return Timeline(session).state_at(when)


# --- the frame and what the log never created -------------------------------------------------


class _Index:
    """The session as it is now, by id: where replay borrows what a log does not say."""

    def __init__(self, session: Session):
        self.session = session
        self.issues = {i.id: i for i in session.issues}
        self.interests: dict[str, Interest] = {}
        self.options: dict[str, Option] = {}
        self.criteria: dict[str, Criterion] = {c.id: c for c in session.shared_criteria}
        self.checks: dict[str, ConsensusCheck] = {}
        self.polls: dict[str, Poll] = {}
        for issue in session.issues:
            self.interests.update((x.id, x) for x in issue.interests)
            self.options.update((x.id, x) for x in issue.options)
            self.criteria.update((x.id, x) for x in issue.criteria)
            self.checks.update((x.id, x) for x in issue.checks)
            self.polls.update((x.id, x) for x in issue.polls)
        self.agreements = {x.id: x for x in session.agreements}
        self.parking = {x.id: x for x in session.parking_lot}
        self.caucuses = {x.id: x for x in session.caucuses}
        self.actions = {x.id: x for x in session.actions}
        self.created = {e.target for e in session.events if e.action in CREATES}
        self.rated = {
            (e.data.get("issue"), e.target, e.data.get("criterion")) for e in session.events if e.action == "rating.set"
        }
        # The file's scores that no rating.set event gave: they are there from the start (an
        # option a replayed event creates gets its own, as the item it is in the file).
        self.unlogged: dict[tuple[str, str], dict[str, int]] = {}
        for issue in session.issues:
            for option in issue.options:
                kept = {c: v for c, v in option.scores.items() if (issue.id, option.id, c) not in self.rated}
                if kept:
                    self.unlogged[(issue.id, option.id)] = kept
        self.initialed = {(e.target, e.data.get("party")) for e in session.events if e.action == "ta.initial"}
        self.noted = {e.target for e in session.events if e.action == "check.note"}
        first: dict[tuple[str, str], Event] = {}
        for event in session.events:  # the first status, stage and brainstorm change of each issue
            if event.action in ("issue.status", "issue.stage", "issue.proposal", "issue.ta_draft", "draft.save"):
                first.setdefault((event.action, event.target), event)
            elif event.action in ("brainstorm.start", "brainstorm.end"):
                first.setdefault(("brainstorm", event.target), event)
        self.first = first


def _copy(item: Any) -> Any:
    return item.model_copy(deep=True)


def _frame(session: Session, final: _Index) -> Session:
    """The fixed frame of ``session``, plus the items no event created (as they are now)."""
    created = final.created
    costed = {e.target for e in session.events if e.action in _COST_ACTIONS}
    issues = []
    for issue in session.issues:
        if issue.id in created:
            continue
        base = issue.model_copy(
            update={
                "interests": [_copy(x) for x in issue.interests if x.id not in created],
                "options": [
                    x.model_copy(
                        update={
                            "scores": dict(final.unlogged.get((issue.id, x.id), {})),
                            **({"costs": []} if x.id in costed else {}),  # the log says when
                        },
                        deep=True,
                    )
                    for x in issue.options
                    if x.id not in created
                ],
                "criteria": [_copy(x) for x in issue.criteria if x.id not in created],
                "checks": [_copy(x) for x in issue.checks if x.id not in created],
                "polls": [_copy(x) for x in issue.polls if x.id not in created],
                "revisions": [_copy(x) for x in issue.revisions],  # replay extends its own copies
            }
        )
        status = final.first.get(("issue.status", issue.id))
        if status is not None:
            base.status = IssueStatus(_data(status).get("previous", IssueStatus.OPEN.value))
        if ("issue.stage", issue.id) in final.first:
            base.stage = session.stage_order[0]
        if ("issue.proposal", issue.id) in final.first:
            base.proposal = ""  # the log says what it was when
        if ("issue.ta_draft", issue.id) in final.first:
            base.ta_draft = ""
        first_save = final.first.get(("draft.save", issue.id))
        if first_save is not None:  # the log says what each revision from then on was
            base.draft, base.revisions = _draft_before(issue, _data(first_save).get("n"))
        brainstorm = final.first.get(("brainstorm", issue.id))
        if brainstorm is not None:
            base.brainstorming = brainstorm.action == "brainstorm.end"
        issues.append(base)
    agreements = []
    amended = {e.target for e in session.events if e.action == "ta.amends"}  # the log says when
    for ta in session.agreements:
        if ta.id not in created:
            later: dict[str, Any] = (
                {"superseded_by": None, "superseded_at": None} if ta.superseded_by in created else {}
            )  # the log supersedes it
            if ta.id in amended:
                later["amends_ratified"] = ""
            if ta.id in costed:
                later["costs"] = []
            agreements.append(
                ta.model_copy(
                    update={
                        "initials": [_copy(i) for i in ta.initials if (ta.id, i.party) not in final.initialed],
                        **later,
                    }
                )
            )
    frame = session.model_copy(
        update={
            "issues": issues,
            "shared_criteria": [_copy(c) for c in session.shared_criteria if c.id not in created],
            "agreements": agreements,
            "parking_lot": [_copy(x) for x in session.parking_lot if x.id not in created],
            "caucuses": [_copy(x) for x in session.caucuses if x.id not in created],
            "actions": [_copy(x) for x in session.actions if x.id not in created],
            "events": [],
            "cursor": Cursor(issue=issues[0].id if issues else None),
        }
    )
    if session.costing is not None and any(e.action == "costing.set" for e in session.events):
        frame.costing = None  # the log says when the years and the budget were set
    if session.plan and any(e.action.startswith("plan.") for e in session.events):
        frame.plan = _plan_frame(session)
    if frame.previous is not None and any(e.action == "minutes.record" for e in session.events):
        # the log says when the minutes were recorded
        frame.previous = frame.previous.model_copy(update={"minutes": None, "correction": "", "minutes_at": None})
    return frame


def _plan_frame(session: Session) -> list[PlanDay]:
    """The plan as it was before the log's first change to it: the days the log started or
    finished a block on without their marks (and undated, if a start dated them), the times of
    the days it shifted as before the first shift."""
    plan = [day.model_copy(deep=True) for day in session.plan]
    shifted: set[int] = set()
    for e in session.events:
        day = _data(e).get("day")
        if not e.action.startswith("plan.") or not isinstance(day, int) or not 0 <= day < len(plan):
            continue
        if e.action in ("plan.start", "plan.finish"):
            plan[day].finished = None
            for block in plan[day].blocks:
                block.started = None
            if _data(e).get("date"):
                plan[day].date = None
        elif e.action == "plan.shift" and day not in shifted:
            shifted.add(day)
            before = _data(e).get("before")
            if isinstance(before, list) and len(before) == len(plan[day].blocks):
                for block, time_ in zip(plan[day].blocks, before):
                    block.time = time_
    return plan


# --- applying one event -----------------------------------------------------------------------


def _data(e: Event) -> dict[str, Any]:
    """An event's data as replay reads it: each action wrote its own keys with their own types
    (the model only bounds the values to text, numbers, booleans and lists of text)."""
    return e.data


def _find(items: list, item_id: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise _Skip(item_id)


def _issue(state: Session, data: dict[str, Any]) -> Issue:
    return _find(state.issues, str(data["issue"]))


def _when(value: Any, fallback: datetime) -> datetime:
    if not isinstance(value, str):
        return fallback
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else fallback


def _move(items: list, item_id: str, position: Any) -> None:
    item, target = _find(items, item_id), int(position)
    items.remove(item)
    items.insert(max(0, min(len(items), target)), item)


def _set(item: Any, data: dict[str, Any], *names: str, **extra: Any) -> None:
    """Set the fields ``names`` found in ``data`` (and ``extra``): all validated before any is set."""
    changes = {name: data[name] for name in names if name in data} | extra
    trial = item.model_copy()
    for name, value in changes.items():
        setattr(trial, name, value)  # validates; raises before ``item`` is touched
    for name in changes:
        setattr(item, name, getattr(trial, name))


def _issue_add(state: Session, e: Event, final: _Index) -> None:
    d, known = _data(e), final.issues.get(e.target)
    issue = Issue(
        id=e.target,
        statement=d["statement"],
        raised_by=d.get("raised_by", JOINT),
        article=d.get("article", ""),
        data_needed=d.get("data_needed", known.data_needed if known else ""),
        stage=state.stage_order[0],
    )
    state.issues.append(issue)
    if state.cursor.issue is None:
        state.cursor.issue = issue.id


def _issue_edit(state: Session, e: Event, final: _Index) -> None:
    _set(_find(state.issues, e.target), _data(e), "statement", "raised_by", "article", "data_needed", "notes")


def _issue_proposal(state: Session, e: Event, final: _Index) -> None:
    _find(state.issues, e.target).proposal = _data(e)["text"]


def _issue_ta_draft(state: Session, e: Event, final: _Index) -> None:
    _find(state.issues, e.target).ta_draft = _data(e)["text"]


def _draft_before(issue: Issue, n: Any) -> tuple[str, list[Any]]:
    """The draft of ``issue`` and its revisions before revision ``n`` was saved: revisions the log
    does not hold (an issue carried over from an earlier session file) are the file's."""
    kept = [_copy(r) for r in issue.revisions if isinstance(n, int) and r.n < n]
    if not kept:
        return "", []
    try:
        text = drafting.text_of(issue, kept[-1].n)
    except (KeyError, ValueError):
        return "", []
    kept[-1].back = []
    return text, kept


def _draft_save(state: Session, e: Event, final: _Index) -> None:
    """A saved revision of the draft: the event holds the lines that changed (``drafting.forward``)."""
    issue = _find(state.issues, e.target)
    d = _data(e)
    try:
        text = drafting.apply_forward(issue.draft, list(d.get("lines", [])))
    except ValueError:
        raise _Skip(e.target) from None
    drafting.append_revision(issue, text, _when(d.get("at"), e.at), d.get("note", ""))


def _issue_move(state: Session, e: Event, final: _Index) -> None:
    _move(state.issues, e.target, _data(e)["position"])


def _issue_status(state: Session, e: Event, final: _Index) -> None:
    _find(state.issues, e.target).status = IssueStatus(_data(e)["status"])


def _issue_stage(state: Session, e: Event, final: _Index) -> None:
    issue = _find(state.issues, e.target)
    issue.stage = Stage(_data(e)["stage"])
    state.cursor = Cursor(issue=issue.id, stage=issue.stage)


def _brainstorm(on: bool) -> Callable[[Session, Event, _Index], None]:
    def apply(state: Session, e: Event, final: _Index) -> None:
        _find(state.issues, e.target).brainstorming = on

    return apply


def _interest_add(state: Session, e: Event, final: _Index) -> None:
    d = _data(e)
    kind = InterestKind(d["kind"]) if d.get("kind") else None
    _issue(state, d).interests.append(Interest(id=e.target, text=d["text"], holder=d["holder"], kind=kind))


def _interest_edit(state: Session, e: Event, final: _Index) -> None:
    d = _data(e)
    interest = _find(_issue(state, d).interests, e.target)
    kind: dict[str, Any] = {}
    if d.get("kind"):
        kind["kind"] = InterestKind(d["kind"])
    elif d.get("clear_kind") is True:
        kind["kind"] = None
    _set(interest, d, "text", "holder", **kind)


def _interest_remove(state: Session, e: Event, final: _Index) -> None:
    issue = _issue(state, _data(e))
    issue.interests.remove(_find(issue.interests, e.target))
    for option in issue.options:
        if e.target in option.serves:
            option.serves = [s for s in option.serves if s != e.target]


def _item_move(kind: str) -> Callable[[Session, Event, _Index], None]:
    def apply(state: Session, e: Event, final: _Index) -> None:
        issue = _issue(state, _data(e))
        groups: dict[str, list[Any]] = {
            "interest": issue.interests,
            "option": issue.options,
            "criterion": issue.criteria,
        }
        items = groups[kind]
        _move(items, e.target, _data(e)["position"])

    return apply


def _option_add(state: Session, e: Event, final: _Index) -> None:
    issue = _issue(state, _data(e))
    issue.options.append(
        Option(id=e.target, text=_data(e)["text"], scores=final.unlogged.get((issue.id, e.target), {}))
    )


def _option_edit(state: Session, e: Event, final: _Index) -> None:
    _find(_issue(state, _data(e)).options, e.target).text = _data(e)["text"]


def _option_state(state_value: OptionState) -> Callable[[Session, Event, _Index], None]:
    def apply(state: Session, e: Event, final: _Index) -> None:
        _find(_issue(state, _data(e)).options, e.target).state = state_value

    return apply


def _option_combine(state: Session, e: Event, final: _Index) -> None:
    issue = _issue(state, _data(e))
    sources = [_find(issue.options, str(oid)) for oid in _data(e)["sources"]]
    combined = Option(
        id=e.target,
        text=_data(e)["text"],
        serves=list(dict.fromkeys(s for o in sources for s in o.serves)),
        scores=final.unlogged.get((issue.id, e.target), {}),
    )
    issue.options.append(combined)
    for source in sources:
        source.state, source.combined_into = OptionState.COMBINED, combined.id


def _option_serves(state: Session, e: Event, final: _Index) -> None:
    option = _find(_issue(state, _data(e)).options, e.target)
    interest = str(_data(e)["interest"])
    linked = _data(e).get("linked", interest not in option.serves)
    option.serves = [*(s for s in option.serves if s != interest), *([interest] if linked else [])]


def _criteria_pool(state: Session, data: dict[str, Any]) -> list[Criterion]:
    return state.shared_criteria if data.get("issue") is None else _issue(state, data).criteria


def _criterion_add(state: Session, e: Event, final: _Index) -> None:
    _criteria_pool(state, _data(e)).append(Criterion(id=e.target, text=_data(e)["text"]))


def _criterion_edit(state: Session, e: Event, final: _Index) -> None:
    _find(_criteria_pool(state, _data(e)), e.target).text = _data(e)["text"]


def _criterion_weight(state: Session, e: Event, final: _Index) -> None:
    weight = _data(e)["weight"]
    _find(_criteria_pool(state, _data(e)), e.target).weight = None if weight == 1 else weight


def _criterion_must_pass(state: Session, e: Event, final: _Index) -> None:
    _find(_criteria_pool(state, _data(e)), e.target).must_pass = _data(e).get("line")  # none: not must-pass


def _criterion_remove(state: Session, e: Event, final: _Index) -> None:
    issue = _issue(state, _data(e))
    issue.criteria.remove(_find(issue.criteria, e.target))
    for option in issue.options:
        if e.target in option.scores:
            option.scores = {c: v for c, v in option.scores.items() if c != e.target}


def _rating_set(state: Session, e: Event, final: _Index) -> None:
    option = _find(_issue(state, _data(e)).options, e.target)
    criterion = str(_data(e)["criterion"])
    score = _data(e).get("score")
    scores = (
        {c: v for c, v in option.scores.items() if c != criterion}
        if score is None
        else {**option.scores, criterion: score}
    )
    option.scores = scores  # validated: a score outside 0 to 5 is skipped


def _response_value(method: Method, value: str) -> int | str:
    return int(value) if method in (Method.FIST_TO_FIVE, Method.GRADIENTS) else value


def _check_record(state: Session, e: Event, final: _Index) -> None:
    d, known = _data(e), final.checks.get(e.target)
    issue = _issue(state, d)
    if "at" in d:
        method = Method(d["method"])
        who, parties, values = d.get("who", []), d.get("parties", []), d.get("values", [])
        check = ConsensusCheck(
            id=e.target,
            method=method,
            at=_when(d["at"], e.at),
            proposal=d.get("proposal", ""),
            options=list(d.get("options", [])),
            responses=[
                Response(who=w, party=p or None, value=_response_value(method, v))
                for w, p, v in zip(who, parties, values, strict=True)
            ],
            absent=list(d.get("absent", [])),
            outcome=Outcome(d["outcome"]),
            note=known.note if known is not None and e.target not in final.noted else d.get("note", ""),
            revision=d.get("revision"),
        )
    elif known is not None:
        check = _copy(known)
    else:
        check = ConsensusCheck(id=e.target, method=Method(d["method"]), at=e.at, outcome=Outcome(d["outcome"]))
    issue.checks.append(check)


def _check_note(state: Session, e: Event, final: _Index) -> None:
    """A note written on a check after it was recorded (if the app logs it: see the module notes)."""
    _find(_issue(state, _data(e)).checks, e.target).note = _data(e).get("note", "")


def _votes(text: str) -> dict[str, int]:
    """``"option-1=2,option-4=1"`` (``editing.votes_text``) back into marks."""
    pairs = (part.rpartition("=") for part in text.split(",") if part)
    return {oid: int(n) for oid, _, n in pairs}


def _poll_record(state: Session, e: Event, final: _Index) -> None:
    d, known = _data(e), final.polls.get(e.target)
    issue = _issue(state, d)
    if "who" in d:
        who, parties, votes = d.get("who", []), d.get("parties", []), d.get("votes", [])
        devices = d.get("devices") or [""] * len(who)
        poll = Poll(
            id=e.target,
            kind=PollKind(d["kind"]),
            at=_when(d.get("at"), e.at),
            dots=d.get("dots", 0),
            question=d.get("question", ""),
            options=list(d.get("options", [])),
            responses=[
                PollResponse(who=w, party=p or None, votes=_votes(v), device=dev)
                for w, p, v, dev in zip(who, parties, votes, devices, strict=True)
            ],
            anonymous=bool(d.get("anonymous", False)),
        )
    elif known is not None:
        poll = _copy(known)
    else:
        raise _Skip(e.action)
    issue.polls.append(poll)


def _poll_keep_top(state: Session, e: Event, final: _Index) -> None:
    issue = _issue(state, _data(e))
    aside = set(_data(e).get("set_aside", []))
    for option in issue.options:
        if option.id in aside:
            option.state = OptionState.SET_ASIDE


def _ta_add(state: Session, e: Event, final: _Index) -> None:
    d, known = _data(e), final.agreements.get(e.target)
    issue = _issue(state, d)
    if "date" in d:
        ta = TentativeAgreement(
            id=e.target,
            issue=issue.id,
            check=d["check"],
            text=d["text"],
            article=d.get("article", ""),
            title=d.get("title", ""),
            date=date.fromisoformat(d["date"]),
            options=list(d.get("options", [])),
        )
    elif known is not None:
        ta = known.model_copy(update={"initials": [], "superseded_by": None, "superseded_at": None}, deep=True)
        ta.text = d.get("text", ta.text)
    else:
        agreed = [c for c in issue.checks if c.outcome is Outcome.CONSENSUS]
        if not agreed:
            raise _Skip(e.target)
        ta = TentativeAgreement(
            id=e.target,
            issue=issue.id,
            check=agreed[-1].id,
            text=d["text"],
            article=d.get("article", ""),
            date=e.at.date(),
        )
    if "supersedes" in d:
        stamp = _when(d.get("superseded_at"), e.at)
        for old_id in d["supersedes"]:
            old = _find(state.agreements, str(old_id))
            old.superseded_by, old.superseded_at = ta.id, stamp
    state.agreements.append(ta)
    issue.ta_draft = ""  # recorded: the draft became the TA


def _ta_edit(state: Session, e: Event, final: _Index) -> None:
    ta = _find(state.agreements, e.target)
    _set(ta, _data(e), "title", "article")
    if "text" in _data(e):  # new words withdraw the initials; a new title or article keeps them
        ta.text = _data(e)["text"]
        ta.initials = []


def _ta_initial(state: Session, e: Event, final: _Index) -> None:
    ta = _find(state.agreements, e.target)
    party = str(_data(e)["party"])
    if "name" in _data(e):
        name = _data(e)["name"]
    else:
        known = final.agreements.get(e.target)
        mark = next((i for i in known.initials if i.party == party), None) if known else None
        name = mark.name if mark else ""
    ta.initials = [i for i in ta.initials if i.party != party] + [
        Initial(party=party, initials=_data(e)["initials"], name=name)
    ]


def _parking_add(state: Session, e: Event, final: _Index) -> None:
    d, known = _data(e), final.parking.get(e.target)
    created = _when(d.get("created"), known.created if known else e.at)
    state.parking_lot.append(
        ParkingItem(id=e.target, text=d["text"], owner=d.get("owner", ""), issue=d.get("issue"), created=created)
    )


def _parking_edit(state: Session, e: Event, final: _Index) -> None:
    _set(_find(state.parking_lot, e.target), _data(e), "text", "owner", "resolved")


def _caucus_start(state: Session, e: Event, final: _Index) -> None:
    d, known = _data(e), final.caucuses.get(e.target)
    start = _when(d.get("start"), known.start if known else e.at)
    minutes = d.get("minutes", known.minutes if known else None)  # (logs before caucus limits: the file's)
    state.caucuses.append(
        Caucus(
            id=e.target,
            party=d["party"],
            called_by=d.get("called_by", ""),
            reason=d.get("reason", ""),
            start=start,
            minutes=minutes,
        )
    )


def _caucus_end(state: Session, e: Event, final: _Index) -> None:
    caucus = _find(state.caucuses, e.target)
    known = final.caucuses.get(e.target)
    fallback = known.end if known is not None and known.end is not None else max(e.at, caucus.start)
    caucus.end = _when(_data(e).get("end"), fallback)


def _action_add(state: Session, e: Event, final: _Index) -> None:
    d, known = _data(e), final.actions.get(e.target)
    legacy = "requested_of" not in d
    item = ActionItem(
        id=e.target,
        kind=ActionKind(d.get("kind", ActionKind.ACTION.value)),
        text=d["text"],
        owner=d.get("owner", ""),
        requested_of=(known.requested_of if known else "") if legacy else d["requested_of"],
        due=date.fromisoformat(d["due"]) if d.get("due") else None,
        issue=(known.issue if known else None) if legacy else d.get("issue"),
    )
    state.actions.append(item)


def _action_edit(state: Session, e: Event, final: _Index) -> None:
    due = {"due": date.fromisoformat(_data(e)["due"])} if _data(e).get("due") else {}
    _set(_find(state.actions, e.target), _data(e), "text", "owner", "done", **due)


def _minutes_record(state: Session, e: Event, final: _Index) -> None:
    if state.previous is None:
        raise _Skip(e.action)
    verdict = _data(e).get("minutes") or None
    state.previous = state.previous.model_copy(update={
        "minutes": MinutesVerdict(verdict) if verdict else None,
        "correction": _data(e).get("correction", "") if verdict == MinutesVerdict.CORRECTED.value else "",
        "minutes_at": _when(_data(e).get("at"), e.at) if verdict else None,
    })  # fmt: skip


def _plan_start(state: Session, e: Event, final: _Index) -> None:
    day = state.plan[_data(e)["day"]]
    if _data(e).get("date"):
        day.date = date.fromisoformat(_data(e)["date"])
    day.blocks[_data(e)["block"]].started = _when(_data(e).get("at"), e.at)
    day.finished = None


def _plan_finish(state: Session, e: Event, final: _Index) -> None:
    state.plan[_data(e)["day"]].finished = _when(_data(e).get("at"), e.at)


def _plan_shift(state: Session, e: Event, final: _Index) -> None:
    day = state.plan[_data(e)["day"]]
    times = _data(e)["times"]
    if len(times) != len(day.blocks):
        raise _Skip(e.action)
    for block, time_ in zip(day.blocks, times):
        block.time = time_


def _ta_amends(state: Session, e: Event, final: _Index) -> None:
    _find(state.agreements, e.target).amends_ratified = str(_data(e).get("note", ""))


_COST_ACTIONS = frozenset({"cost.add", "cost.edit", "cost.remove", "ta.costs"})


def _cost_list(state: Session, e: Event) -> list[CostLine]:
    d = _data(e)
    if d.get("on") == "ta":
        return list(_find(state.agreements, e.target).costs)
    return list(_find(_issue(state, d).options, e.target).costs)


def _put_costs(state: Session, e: Event, lines: list[CostLine]) -> None:
    d = _data(e)
    owner = _find(state.agreements, e.target) if d.get("on") == "ta" else _find(_issue(state, d).options, e.target)
    owner.costs = lines


def _cost_from(e: Event) -> CostLine:
    d = _data(e)
    return CostLine(
        label=d["label"],
        amounts=list(d.get("amounts", [])),
        basis=d.get("basis", ""),
        costed_by=d.get("costed_by", ""),
        at=_when(d.get("at"), e.at),
    )


def _cost_add(state: Session, e: Event, final: _Index) -> None:
    _put_costs(state, e, [*_cost_list(state, e), _cost_from(e)])


def _cost_edit(state: Session, e: Event, final: _Index) -> None:
    lines, index = _cost_list(state, e), int(_data(e)["index"])
    if not 0 <= index < len(lines):
        raise _Skip(e.target)
    lines[index] = _cost_from(e)
    _put_costs(state, e, lines)


def _cost_remove(state: Session, e: Event, final: _Index) -> None:
    lines, index = _cost_list(state, e), int(_data(e)["index"])
    if not 0 <= index < len(lines):
        raise _Skip(e.target)
    del lines[index]
    _put_costs(state, e, lines)


def _ta_costs(state: Session, e: Event, final: _Index) -> None:
    ta = _find(state.agreements, e.target)
    issue = _issue(state, _data(e))
    ta.costs = [line.model_copy(deep=True) for o in issue.options if o.id in ta.options for line in o.costs]


def _costing_set(state: Session, e: Event, final: _Index) -> None:
    d = _data(e)
    years, budget = list(d.get("years", [])), list(d.get("budget", []))
    state.costing = Costing(years=years, budget=budget, note=d.get("note", "")) if years or budget else None


_APPLY: dict[str, Callable[[Session, Event, _Index], None]] = {
    "issue.add": _issue_add,
    "issue.edit": _issue_edit,
    "issue.move": _issue_move,
    "issue.proposal": _issue_proposal,
    "issue.ta_draft": _issue_ta_draft,
    "draft.save": _draft_save,
    "issue.status": _issue_status,
    "issue.stage": _issue_stage,
    "brainstorm.start": _brainstorm(True),
    "brainstorm.end": _brainstorm(False),
    "interest.add": _interest_add,
    "interest.edit": _interest_edit,
    "interest.remove": _interest_remove,
    "interest.move": _item_move("interest"),
    "option.move": _item_move("option"),
    "criterion.move": _item_move("criterion"),
    "option.add": _option_add,
    "option.edit": _option_edit,
    "option.set_aside": _option_state(OptionState.SET_ASIDE),
    "option.restore": _option_state(OptionState.ACTIVE),
    "option.combine": _option_combine,
    "option.serves": _option_serves,
    "criterion.add": _criterion_add,
    "criterion.edit": _criterion_edit,
    "criterion.weight": _criterion_weight,
    "criterion.must_pass": _criterion_must_pass,
    "criterion.remove": _criterion_remove,
    "rating.set": _rating_set,
    "check.record": _check_record,
    "check.note": _check_note,
    "poll.record": _poll_record,
    "poll.keep_top": _poll_keep_top,
    "ta.add": _ta_add,
    "ta.edit": _ta_edit,
    "ta.initial": _ta_initial,
    "parking.add": _parking_add,
    "parking.edit": _parking_edit,
    "caucus.start": _caucus_start,
    "caucus.end": _caucus_end,
    "action.add": _action_add,
    "action.edit": _action_edit,
    "minutes.record": _minutes_record,
    "ta.amends": _ta_amends,
    "plan.start": _plan_start,
    "plan.finish": _plan_finish,
    "plan.shift": _plan_shift,
    "cost.add": _cost_add,
    "cost.edit": _cost_edit,
    "cost.remove": _cost_remove,
    "ta.costs": _ta_costs,
    "costing.set": _costing_set,
}


#: Changes to what replay takes as the frame, from the file as it is now: the people at the
#: table (a member added, renamed, removed) and a training table's rounds, briefs opened and
#: results (``training``). Replayed as nothing: known, never counted as "could not be replayed".
FRAME_ACTIONS = frozenset({
    "member.add", "member.rename", "member.remove",
    "training.round.start", "training.round.end", "training.finish", "training.reveal", "training.results",
})  # fmt: skip


def _apply(state: Session, event: Event, final: _Index) -> None:
    if event.action in FRAME_ACTIONS:
        return
    apply = _APPLY.get(event.action)
    if apply is None:
        raise _Skip(event.action)  # an action this version does not know: nothing to replay
    apply(state, event, final)


__all__ = ["DayMark", "Timeline", "count_at", "day_marks", "days", "resolve_when", "state_after", "state_at"]
