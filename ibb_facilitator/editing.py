"""Every change a team makes to a session, each one checked against ``process`` and logged.

Each function changes the session in place, appends one ``Event`` to ``session.events`` (the
append-only log a review replays) and returns what it created or changed. A change the rules
forbid raises ``RuleError`` with a sentence to show the room; the session is then untouched.
The TUI calls these and nothing else to change a session.

Over 500 lines on purpose: one flat list of verbs, one per change the room makes, each short;
a reader looks one up by name, and split by stage they would share the same few helpers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from . import costing as cost
from . import drafting, polls, process, schedule
from .model import (
    CLOCK_LIMIT_SECONDS,
    DEFAULT_PASS_LINE,
    JOINT,
    MAX_WEIGHT,
    MUTUAL,
    SURROGATES_MESSAGE,
    ActionItem,
    ActionKind,
    Caucus,
    ConsensusCheck,
    Costing,
    CostLine,
    Criterion,
    Event,
    Initial,
    Interest,
    InterestKind,
    Issue,
    IssueStatus,
    Member,
    Method,
    MinutesVerdict,
    Option,
    OptionState,
    ParkingItem,
    Party,
    PlanBlock,
    PlanDay,
    Poll,
    PollKind,
    PollResponse,
    PreviousSession,
    Response,
    Revision,
    Role,
    Session,
    Stage,
    StageClock,
    TentativeAgreement,
    hhmm,
    minute_of_day,
    now,
    plan_problems,
)


class RuleError(ValueError):
    """A change the IBB rules (or the data) do not allow; the message is for the room."""


class _HasId(Protocol):
    id: str


T = TypeVar("T", bound=_HasId)  # the session's items: found by id
F = TypeVar("F", bound=Callable[..., Any])


def _rules(func: F) -> F:
    """Data the model refuses (initials too long, unstorable text) is a RuleError too.

    Every change builds and checks its new values before it touches the session, so the
    session is unchanged when this is raised.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in error["loc"])
            message = SURROGATES_MESSAGE if error["type"] == "string_unicode" else error["msg"]
            raise RuleError(f"{where}: {message}" if where else message) from None

    return wrapper  # type: ignore[return-value]


def _apply(item: BaseModel, changes: dict[str, Any]) -> bool:
    """Set several fields at once: all are validated (on a copy) before any is set.

    Returns whether anything changed: a reword to the same words is no change, and logs nothing.
    """
    changes = {name: value for name, value in changes.items() if getattr(item, name) != value}
    if not changes:
        return False
    trial = item.model_copy()
    for name, value in changes.items():
        setattr(trial, name, value)  # validates; raises before ``item`` is touched
    for name in changes:
        setattr(item, name, getattr(trial, name))
    return True


def _log(
    session: Session, action: str, target: str = "", summary: str = "", **data: str | int | bool | list[str] | None
) -> None:
    clean = {k: v for k, v in data.items() if v is not None}
    session.events.append(Event(at=now(), action=action, target=target, summary=summary, data=clean))


def _with_previous(session: Session, first: int) -> None:
    """Mark the events from index ``first`` on as part of the change logged just before them.

    One call to this module is one change (and one undo step in the app); when it logs more than
    one event, the later ones say so, so a replay of the log knows what an ``undo`` took back.
    """
    for event in session.events[first:]:
        event.data["with_previous"] = True


def _text(value: str, what: str) -> str:
    if not value or not value.strip():
        raise RuleError(f"{what} cannot be empty")
    return value


def _find(items: list[T], item_id: str, what: str) -> T:
    for item in items:
        if item.id == item_id:
            if isinstance(item, Issue):
                item._edits.n += 1  # about to change (or be read): autosave and undo serialize it again
            return item
    raise RuleError(f"no {what} {item_id!r}")


def _issue(session: Session, issue_id: str) -> Issue:
    """The issue ``issue_id``, marked as changed for the autosave cache (``savecache``) and the
    undo history (``history``), which serialize only the issues that changed.

    Every change to an issue (or to anything inside it) looks the issue up here first, which is
    what keeps both exact: a change made to an issue found another way would not reach the file
    until the next full save, nor be undone. Marking a lookup that changes nothing only costs
    one re-render. ``tests/test_fuzz.py`` and ``tests/test_savecache.py`` check both.
    """
    return _find(session.issues, issue_id, "issue")


def _party_or(session: Session, value: str, extra: str) -> str:
    if value != extra and session.party(value) is None:
        raise RuleError(f"{value!r} is not a party here")
    return value


def _move(items: list[T], item_id: str, offset: int) -> int:
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise RuleError(f"no item {item_id!r}")
    target = max(0, min(len(items) - 1, index + offset))
    items.insert(target, items.pop(index))
    return target


# --- issues -----------------------------------------------------------------------------------


@_rules
def add_issue(
    session: Session, statement: str, *, raised_by: str = JOINT, article: str = "", data_needed: str = ""
) -> Issue:
    issue = Issue(
        id=session.new_id("issue"),
        statement=_text(statement, "an issue statement"),
        raised_by=_party_or(session, raised_by, JOINT),
        article=article,
        data_needed=data_needed,
        stage=session.stage_order[0],
    )
    session.issues.append(issue)
    if session.cursor.issue is None:
        session.cursor.issue = issue.id
    _log(
        session,
        "issue.add",
        issue.id,
        f"Issue added: {statement}",
        statement=statement,
        raised_by=raised_by,
        article=article or None,
        data_needed=data_needed,
    )
    return issue


@_rules
def edit_issue(
    session: Session,
    issue_id: str,
    *,
    statement: str | None = None,
    raised_by: str | None = None,
    article: str | None = None,
    data_needed: str | None = None,
    notes: str | None = None,
) -> Issue:
    issue = _issue(session, issue_id)
    changes: dict[str, Any] = {}
    if statement is not None:
        changes["statement"] = _text(statement, "an issue statement")
    if raised_by is not None:
        changes["raised_by"] = _party_or(session, raised_by, JOINT)
    if article is not None:
        changes["article"] = article
    if data_needed is not None:
        changes["data_needed"] = data_needed
    if notes is not None:
        changes["notes"] = notes
    if not _apply(issue, changes):
        return issue
    _log(
        session,
        "issue.edit",
        issue.id,
        f"Issue reworded: {issue.statement}",
        statement=statement,
        raised_by=raised_by,
        article=article,
        data_needed=data_needed,
        notes=notes,
    )
    return issue


@_rules
def set_proposal(session: Session, issue_id: str, text: str) -> Issue:
    """The draft proposal the room is testing at this issue's Consensus stage (one per issue)."""
    issue = _issue(session, issue_id)
    if text != issue.proposal:
        issue.proposal = text
        _log(
            session,
            "issue.proposal",
            issue.id,
            f"Proposal on the table: {text}" if text else "Proposal cleared",
            text=text,
        )
    return issue


@_rules
def set_ta_draft(session: Session, issue_id: str, text: str) -> Issue:
    """TA language typed for this issue but not yet recorded: kept, so nothing typed is lost."""
    issue = _issue(session, issue_id)
    if text != issue.ta_draft:
        issue.ta_draft = text
        _log(session, "issue.ta_draft", issue.id, "TA draft saved" if text else "TA draft cleared", text=text)
    return issue


@_rules
def save_revision(session: Session, issue_id: str, text: str, note: str = "") -> Revision:
    """Save ``text`` as the next revision of the issue's draft (the room's, not a person's).

    A text the same as the latest revision is refused: every revision is a change the room made.
    The event carries the lines that changed (``drafting.forward``), not the whole text again.
    """
    issue = _issue(session, issue_id)
    _text(text, "The draft")
    previous = drafting.latest(issue)
    if previous is not None and text == issue.draft:
        raise RuleError(f"Nothing changed since revision {previous.n}: there is no new revision to save.")
    Revision(n=1, at=now(), note=note)  # the note is checked before the issue is touched
    delta = drafting.forward(issue.draft, text)
    revision = drafting.append_revision(issue, text, now(), note)
    words = len(text.split())
    _log(
        session,
        "draft.save",
        issue.id,
        f"Draft revision {revision.n} saved ({words} words)" + (f": {note}" if note else ""),
        n=revision.n,
        at=revision.at.isoformat(),
        note=note or None,
        lines=delta,
    )
    return revision


@_rules
def move_issue(session: Session, issue_id: str, offset: int) -> int:
    _issue(session, issue_id)
    position = _move(session.issues, issue_id, offset)
    _log(session, "issue.move", issue_id, f"Issue moved to position {position + 1}", position=position)
    return position


@_rules
def set_status(session: Session, issue_id: str, status: IssueStatus) -> Issue:
    issue = _issue(session, issue_id)
    try:
        status = IssueStatus(status)
    except ValueError:
        raise RuleError(f"{status!r} is not a status") from None
    reason = process.status_change_problem(session, issue, status)
    if reason:
        raise RuleError(reason)
    old = issue.status
    issue.status = status
    _log(
        session,
        "issue.status",
        issue.id,
        f"{process.STATUS_LABELS[old]} → {process.STATUS_LABELS[status]}: {issue.statement}",
        status=status.value,
        previous=old.value,
    )
    return issue


@_rules
def set_stage(session: Session, issue_id: str, stage: Stage) -> Issue:
    """Move an issue (and the room's cursor) to ``stage``."""
    issue = _issue(session, issue_id)
    try:
        stage = Stage(stage)
    except ValueError:
        raise RuleError(f"{stage!r} is not a stage") from None
    if stage not in session.stage_order:
        raise RuleError(f"{stage.value} is not a stage of this session")
    ended = issue.brainstorming and stage is not Stage.OPTIONS
    if ended:
        issue.brainstorming = False
        _log(session, "brainstorm.end", issue.id, "Brainstorm ended")
    issue.stage = stage
    session.cursor.issue, session.cursor.stage = issue.id, stage
    _log(
        session,
        "issue.stage",
        issue.id,
        f"Stage: {stage.value}",
        stage=stage.value,
        with_previous=True if ended else None,
    )
    return issue


@_rules
def set_cursor(session: Session, issue_id: str | None, stage: Stage | None = None) -> None:
    """Where the room is looking; not an event (it changes nothing the team decided)."""
    if issue_id is not None:
        _issue(session, issue_id)
    session.cursor.issue = issue_id
    if stage is not None:
        session.cursor.stage = stage


def set_clock(session: Session, remaining: int, running: bool, at: datetime | None = None) -> StageClock:
    """The stage timer as the facilitator has just set it, for the issue and stage the room is on.
    Not an event, and not undone (``History.undo`` keeps it): it decides nothing. A timer left
    running for days is kept at the model's bound (a day over) rather than refused."""
    remaining = max(-CLOCK_LIMIT_SECONDS, min(CLOCK_LIMIT_SECONDS, remaining))
    clock = StageClock(
        issue=session.cursor.issue, stage=session.cursor.stage, remaining=remaining, running=running, at=at or now()
    )
    session.cursor.clock = clock
    return clock


# --- interests --------------------------------------------------------------------------------


@_rules
def add_interest(session: Session, issue_id: str, text: str, holder: str, kind: InterestKind | None = None) -> Interest:
    issue = _issue(session, issue_id)
    interest = Interest(
        id=session.new_id("interest"),
        text=_text(text, "an interest"),
        holder=_party_or(session, holder, MUTUAL),
        kind=kind,
    )
    issue.interests.append(interest)
    _log(
        session,
        "interest.add",
        interest.id,
        f"Interest ({session.holder_tag(holder)}): {text}",
        issue=issue.id,
        text=text,
        holder=holder,
        kind=kind.value if kind else None,
    )
    return interest


@_rules
def edit_interest(
    session: Session,
    issue_id: str,
    interest_id: str,
    *,
    text: str | None = None,
    holder: str | None = None,
    kind: InterestKind | str | None = "",
) -> Interest:
    """Change an interest. ``kind=None`` clears the kind; leave it out to keep it."""
    interest = _find(_issue(session, issue_id).interests, interest_id, "interest")
    changes: dict[str, Any] = {}
    if text is not None:
        changes["text"] = _text(text, "an interest")
    if holder is not None:
        changes["holder"] = _party_or(session, holder, MUTUAL)
    if kind != "":
        changes["kind"] = kind
    if not _apply(interest, changes):
        return interest
    _log(
        session,
        "interest.edit",
        interest.id,
        f"Interest ({session.holder_tag(interest.holder)}): {interest.text}",
        issue=issue_id,
        text=text,
        holder=holder,
        kind=(kind.value if isinstance(kind, InterestKind) else None),
        clear_kind=True if kind is None else None,
    )
    return interest


@_rules
def cycle_holder(session: Session, issue_id: str, interest_id: str) -> Interest:
    """The one-key tag: each party in turn, then mutual, then the first party again."""
    interest = _find(_issue(session, issue_id).interests, interest_id, "interest")
    holders = session.holders()
    following = (
        holders[(holders.index(interest.holder) + 1) % len(holders)] if interest.holder in holders else holders[0]
    )
    return edit_interest(session, issue_id, interest_id, holder=following)


@_rules
def remove_interest(session: Session, issue_id: str, interest_id: str) -> None:
    """Interests may be struck (a duplicate, a typo); options that served it forget it."""
    issue = _issue(session, issue_id)
    interest = _find(issue.interests, interest_id, "interest")
    issue.interests.remove(interest)
    for option in issue.options:
        if interest_id in option.serves:
            option.serves = [s for s in option.serves if s != interest_id]
    _log(session, "interest.remove", interest_id, f"Interest struck: {interest.text}", issue=issue_id)


@_rules
def move_item(session: Session, issue_id: str, kind: str, item_id: str, offset: int) -> int:
    """Reorder an interest, option or criterion within its issue."""
    issue = _issue(session, issue_id)
    groups: dict[str, list[Any]] = {"interest": issue.interests, "option": issue.options, "criterion": issue.criteria}
    if kind not in groups:
        raise RuleError(f"only interests, options and criteria can be moved, not {kind!r}")
    items = groups[kind]
    _find(items, item_id, kind)
    position = _move(items, item_id, offset)
    _log(session, f"{kind}.move", item_id, f"Moved to position {position + 1}", issue=issue_id, position=position)
    return position


# --- options ----------------------------------------------------------------------------------


@_rules
def set_brainstorm(session: Session, issue_id: str, on: bool) -> Issue:
    issue = _issue(session, issue_id)
    if issue.brainstorming != on:
        issue.brainstorming = on
        _log(
            session,
            "brainstorm.start" if on else "brainstorm.end",
            issue.id,
            "Brainstorm started" if on else "Brainstorm ended",
        )
    return issue


@_rules
def add_option(session: Session, issue_id: str, text: str) -> Option:
    """Record an idea: no author, no judgment."""
    issue = _issue(session, issue_id)
    option = Option(id=session.new_id("option"), text=_text(text, "an option"))
    issue.options.append(option)
    _log(session, "option.add", option.id, f"Option: {text}", issue=issue.id, text=text)
    return option


@_rules
def edit_option(session: Session, issue_id: str, option_id: str, text: str) -> Option:
    """Clarify an option's wording (allowed during a brainstorm: it judges nothing)."""
    option = _find(_issue(session, issue_id).options, option_id, "option")
    if not _apply(option, {"text": _text(text, "an option")}):
        return option
    _log(session, "option.edit", option.id, f"Option clarified: {text}", issue=issue_id, text=text)
    return option


@_rules
def set_aside_option(session: Session, issue_id: str, option_id: str, aside: bool = True) -> Option:
    issue = _issue(session, issue_id)
    reason = process.option_change_problem(issue)
    if reason:
        raise RuleError(reason)
    option = _find(issue.options, option_id, "option")
    if option.state is OptionState.COMBINED:
        raise RuleError("that option was combined into another; change the combined one instead")
    option.state = OptionState.SET_ASIDE if aside else OptionState.ACTIVE
    _log(
        session,
        "option.set_aside" if aside else "option.restore",
        option.id,
        f"{'Set aside' if aside else 'Brought back'}: {option.text}",
        issue=issue_id,
    )
    return option


@_rules
def combine_options(session: Session, issue_id: str, option_ids: list[str], text: str) -> Option:
    """Combine two or more active options into a new one; the originals stay, marked combined."""
    issue = _issue(session, issue_id)
    reason = process.option_change_problem(issue)
    if reason:
        raise RuleError(reason)
    if len(set(option_ids)) < 2:
        raise RuleError("combine needs two different options")
    sources = [_find(issue.options, oid, "option") for oid in option_ids]
    if any(o.state is not OptionState.ACTIVE for o in sources):
        raise RuleError("only active options can be combined")
    combined = Option(id=session.new_id("option"), text=_text(text, "the combined option"))
    combined.serves = list(dict.fromkeys(s for o in sources for s in o.serves))
    issue.options.append(combined)
    for source in sources:
        source.state, source.combined_into = OptionState.COMBINED, combined.id
    _log(
        session,
        "option.combine",
        combined.id,
        f"Combined into: {text}",
        issue=issue_id,
        text=text,
        sources=list(option_ids),
    )
    return combined


@_rules
def toggle_serves(session: Session, issue_id: str, option_id: str, interest_id: str) -> bool:
    """Link (or unlink) an option to an interest it serves. Returns whether it is now linked."""
    issue = _issue(session, issue_id)
    option = _find(issue.options, option_id, "option")
    _find(issue.interests, interest_id, "interest")
    linked = interest_id not in option.serves
    option.serves = [*option.serves, interest_id] if linked else [s for s in option.serves if s != interest_id]
    _log(
        session,
        "option.serves",
        option_id,
        f"{'Serves' if linked else 'No longer serves'} {interest_id}",
        issue=issue_id,
        interest=interest_id,
        linked=linked,
    )
    return linked


# --- criteria and ratings ---------------------------------------------------------------------


@_rules
def add_criterion(session: Session, issue_id: str | None, text: str) -> Criterion:
    """A criterion for one issue, or (``issue_id=None``) shared by every issue."""
    criterion = Criterion(id=session.new_id("criterion"), text=_text(text, "a criterion"))
    if issue_id is None:
        session.shared_criteria.append(criterion)
    else:
        _issue(session, issue_id).criteria.append(criterion)
    _log(session, "criterion.add", criterion.id, f"Criterion: {text}", issue=issue_id, text=text)
    return criterion


@_rules
def edit_criterion(session: Session, issue_id: str | None, criterion_id: str, text: str) -> Criterion:
    pool = session.shared_criteria if issue_id is None else _issue(session, issue_id).criteria
    criterion = _find(pool, criterion_id, "criterion")
    if not _apply(criterion, {"text": _text(text, "a criterion")}):
        return criterion
    _log(session, "criterion.edit", criterion_id, f"Criterion reworded: {text}", issue=issue_id, text=text)
    return criterion


def _criterion(session: Session, issue_id: str | None, criterion_id: str) -> Criterion:
    """A criterion of the issue's own (or with ``issue_id=None`` a shared one)."""
    pool = session.shared_criteria if issue_id is None else _issue(session, issue_id).criteria
    return _find(pool, criterion_id, "criterion")


@_rules
def set_weight(session: Session, issue_id: str | None, criterion_id: str, weight: int) -> Criterion:
    """How much a criterion counts in the weighted total: a whole number from 1 to ``MAX_WEIGHT``.
    Weight 1 is the default, and is left out of the file."""
    if type(weight) is not int or not 1 <= weight <= MAX_WEIGHT:
        raise RuleError(f"a weight is a whole number from 1 to {MAX_WEIGHT}")
    criterion = _criterion(session, issue_id, criterion_id)
    if not _apply(criterion, {"weight": None if weight == 1 else weight}):
        return criterion
    _log(
        session,
        "criterion.weight",
        criterion_id,
        f"Criterion weighted ×{weight}: {criterion.text}",
        issue=issue_id,
        weight=weight,
    )
    return criterion


@_rules
def set_must_pass(
    session: Session, issue_id: str | None, criterion_id: str, line: int | None = DEFAULT_PASS_LINE
) -> Criterion:
    """Make a criterion must-pass with ``line`` the lowest score that passes (0–5): an option
    rated below it is screened out (``screening``). ``None``: no longer must-pass."""
    if line is not None and (type(line) is not int or not 0 <= line <= 5):
        raise RuleError("a must-pass line is a score from 0 to 5 (the lowest score that passes)")
    criterion = _criterion(session, issue_id, criterion_id)
    if not _apply(criterion, {"must_pass": line}):
        return criterion
    summary = (
        f"Criterion no longer must-pass: {criterion.text}"
        if line is None
        else f"Criterion must pass at {line}: {criterion.text}"
    )
    _log(session, "criterion.must_pass", criterion_id, summary, issue=issue_id, line=line)
    return criterion


@_rules
def remove_criterion(session: Session, issue_id: str, criterion_id: str) -> None:
    issue = _issue(session, issue_id)
    criterion = _find(issue.criteria, criterion_id, "criterion")
    issue.criteria.remove(criterion)
    for option in issue.options:  # its scores go with it
        if criterion_id in option.scores:
            option.scores = {c: v for c, v in option.scores.items() if c != criterion_id}
    _log(session, "criterion.remove", criterion_id, f"Criterion struck: {criterion.text}", issue=issue_id)


@_rules
def rate(session: Session, issue_id: str, option_id: str, criterion_id: str, score: int | None) -> None:
    """Set (or with ``None`` clear) how well an option meets a criterion, 0 to 5."""
    issue = _issue(session, issue_id)
    option = _find(issue.options, option_id, "option")
    _find(session.criteria_for(issue), criterion_id, "criterion")
    if score is not None and (type(score) is not int or not 0 <= score <= 5):
        raise RuleError("a rating is a whole number from 0 (does not meet) to 5 (fully meets)")
    scores = dict(option.scores)  # a re-rated pair keeps its place: the file's diff shows one change
    if score is None:
        scores.pop(criterion_id, None)
    else:
        scores[criterion_id] = score
    option.scores = scores
    _log(
        session,
        "rating.set",
        option_id,
        f"Rated {option_id} on {criterion_id}: {score if score is not None else 'cleared'}",
        issue=issue_id,
        criterion=criterion_id,
        score=score,
    )


def rating_of(issue: Issue, option_id: str, criterion_id: str) -> int | None:
    option = next((o for o in issue.options if o.id == option_id), None)
    return None if option is None else option.scores.get(criterion_id)


# --- straw polls (dot votes, 1–5 scores): counted in ``polls`` -------------------------------


def votes_text(votes: dict[str, int]) -> str:
    """One person's marks as the log keeps them: ``"option-1=2,option-4=1"``."""
    return ",".join(f"{oid}={n}" for oid, n in votes.items())


@_rules
def record_poll(
    session: Session,
    issue_id: str,
    kind: PollKind,
    responses: list[PollResponse],
    *,
    dots: int = 0,
    options: list[str] | None = None,
    question: str = "",
    anonymous: bool = False,
) -> Poll:
    """Record a straw poll over the issue's active options (or ``options``, all active).

    Each response is one person's marks (keyed by the recorder, or later from a device); a
    person with no marks at all is left out. Refused during a brainstorm.
    """
    issue = _issue(session, issue_id)
    reason = polls.poll_problem(issue)
    if reason:
        raise RuleError(reason)
    kind = PollKind(kind)
    if kind is PollKind.DOTS:
        reason = polls.dots_problem(dots)
        if reason:
            raise RuleError(reason)
    else:
        dots = 0
    covered = list(dict.fromkeys(options if options is not None else [o.id for o in polls.pollable(issue)]))
    for oid in covered:
        if _find(issue.options, oid, "option").state is not OptionState.ACTIVE:
            raise RuleError(f"{oid} is not an active option: a poll covers the active ones")
    if len(covered) < 2:
        raise RuleError("a poll needs at least two active options")
    kept: list[PollResponse] = []
    for response in responses:
        stray = [oid for oid, n in response.votes.items() if n and oid not in covered]
        if stray:
            raise RuleError(f"{response.who}: {', '.join(stray)} is not in this poll")
        votes = {oid: response.votes[oid] for oid in covered if response.votes.get(oid)}  # in the poll's order
        reason = polls.response_problem(kind, dots, votes)
        if reason:
            raise RuleError(f"{response.who}: {reason}")
        if votes:
            kept.append(response.model_copy(update={"votes": votes}))
    if not kept:
        raise RuleError("no one has marked anything yet: key at least one person's marks")
    poll = Poll(
        id=session.new_id("poll"),
        kind=kind,
        at=now(),
        dots=dots,
        question=question,
        options=covered,
        responses=kept,
        anonymous=anonymous,
    )
    issue.polls.append(poll)
    counted = polls.tally(issue, poll)
    top = counted.bars[0]
    _log(
        session,
        "poll.record",
        poll.id,
        f"{polls.poll_title(poll)}: {len(kept)} people; first {top.option} ({counted.label(top)})",
        issue=issue_id,
        kind=kind.value,
        dots=dots or None,
        at=poll.at.isoformat(),
        question=question or None,
        options=covered,
        who=[r.who for r in kept],
        parties=[r.party or "" for r in kept],
        devices=[r.device for r in kept] if any(r.device for r in kept) else None,
        votes=[votes_text(r.votes) for r in kept],
        anonymous=anonymous or None,
    )
    return poll


@_rules
def keep_top(session: Session, issue_id: str, poll_id: str, k: int, *, ties: polls.Ties = "refuse") -> polls.TopK:
    """Keep a poll's top ``k`` options and set the others (still active) aside: one change, one
    undo. A tie at the cut is refused, or with ``ties="include"`` kept whole (``polls.top_k``).
    Refused during a brainstorm, as any setting aside is."""
    issue = _issue(session, issue_id)
    reason = process.option_change_problem(issue)
    if reason:
        raise RuleError(reason)
    poll = _find(issue.polls, poll_id, "poll")
    result = polls.top_k(issue, poll, k, ties)
    if result.problem:
        raise RuleError(result.problem)
    aside = set(result.set_aside)
    for option in issue.options:
        if option.id in aside:
            option.state = OptionState.SET_ASIDE
    _log(
        session,
        "poll.keep_top",
        poll.id,
        f"Kept the top {k} of {poll.id} ({len(result.keep)} kept, {len(result.set_aside)} set aside)"
        + (f"; {result.note}" if result.note else ""),
        issue=issue_id,
        k=k,
        ties=ties,
        kept=list(result.keep),
        set_aside=list(result.set_aside),
    )
    return result


# --- consensus and tentative agreements -------------------------------------------------------


@_rules
def record_check(
    session: Session,
    issue_id: str,
    method: Method,
    responses: list[Response],
    *,
    proposal: str = "",
    options: list[str] | None = None,
    note: str = "",
    absent: list[str] | None = None,
    revision: int | None = None,
) -> tuple[ConsensusCheck, process.Tally]:
    """Record a consensus check; the outcome is what the rules make of the responses.

    ``revision``: the number of the draft revision the room tested (``save_revision``); a TA
    recorded from this check is that revision's text, word for word.

    Only a complete check is recorded: every voter who counts (every party, for per-party) has
    answered or is named in ``absent`` ("absent / not voting", logged with the check).
    """
    issue = _issue(session, issue_id)
    for response in responses:
        reason = process.response_problem(method, response.value)
        if reason:
            raise RuleError(f"{response.who}: {reason}")
        if method is Method.PER_PARTY and session.party(response.who) is None:
            raise RuleError(f"per-party answers name a party; {response.who!r} is not one")
    for oid in options or []:
        _find(issue.options, oid, "option")
    if revision is not None and drafting.revision(issue, revision) is None:
        raise RuleError(f"The draft of this issue has no revision {revision}.")
    away = list(dict.fromkeys(absent or []))
    if method is Method.PER_PARTY:
        can_be_absent = {p.id.casefold(): p.id for p in session.parties}
    else:
        can_be_absent = {name.strip().casefold(): name for name, _ in process.voters(session)}
    for who in away:
        if who.strip().casefold() not in can_be_absent:
            what = "a party here" if method is Method.PER_PARTY else "a member who counts in consensus"
            raise RuleError(f"{who!r} cannot be marked absent: not {what}")
    result = process.tally(session, method, responses, away)
    if not result.complete:
        waiting = ", ".join(session.holder_label(k) if method is Method.PER_PARTY else k for k in result.missing)
        raise RuleError(
            f"The check is not complete ({result.answered}): no answer yet from {waiting}. Record their answers or "
            "mark them absent / not voting."
        )
    check = ConsensusCheck(
        id=session.new_id("check"),
        method=method,
        at=now(),
        proposal=proposal,
        options=list(options or []),
        responses=list(responses),
        absent=away,
        outcome=result.outcome,
        note=note,
        revision=revision,
    )
    issue.checks.append(check)
    verdict = "consensus" if result.consensus else f"no consensus ({', '.join(result.below) or 'no counted responses'})"
    _log(
        session,
        "check.record",
        check.id,
        f"{process.METHOD_LABELS[method]}: {verdict}" + (f" (absent: {', '.join(away)})" if away else ""),
        issue=issue_id,
        method=method.value,
        outcome=result.outcome.value,
        at=check.at.isoformat(),
        proposal=proposal or None,
        options=list(check.options) or None,
        note=note or None,
        who=[r.who for r in check.responses],
        parties=[r.party or "" for r in check.responses],
        values=[str(r.value) for r in check.responses],
        absent=away or None,
        revision=revision,
    )
    return check, result


@_rules
def record_agreement(
    session: Session,
    issue_id: str,
    check_id: str | None,
    text: str,
    *,
    article: str = "",
    title: str = "",
    on: date | None = None,
    options: list[str] | None = None,
) -> TentativeAgreement:
    """Write TA language for an issue that reached consensus. Initials come with ``initial``.

    When the check tested a draft revision, the TA is that revision's text, word for word:
    ``text`` may be left empty (the revision's text is used) and any other words are refused
    (to change them, the room saves a new revision and tests it).
    """
    issue = _issue(session, issue_id)
    check = next((c for c in issue.checks if c.id == check_id), None) if check_id else None
    if check is None and check_id is None:
        agreed = process.consensus_checks(issue)
        check = agreed[-1] if agreed else None
    reason = process.ta_problem(session, issue, check)
    if reason:
        raise RuleError(reason)
    assert check is not None
    if check.revision is not None:
        tested = drafting.text_of(issue, check.revision)
        if text and text != tested:
            raise RuleError(
                f"The TA is the language the room tested, revision {check.revision}, word for word. To change "
                "the words, save a new revision of the draft and test it."
            )
        text = tested
    for oid in options if options is not None else check.options:
        _find(issue.options, oid, "option")
    ta = TentativeAgreement(
        id=session.new_id("ta"),
        issue=issue.id,
        check=check.id,
        text=_text(text, "TA language"),
        article=article or issue.article,
        title=title,
        date=on or date.today(),
        options=list(options if options is not None else check.options),
    )
    # A reopened issue agreed again: its earlier TAs in force are replaced by this one (kept, marked).
    earlier = session.standing_agreements(issue.id)
    stamp = now()
    session.agreements.append(ta)
    for old in earlier:
        old.superseded_by, old.superseded_at = ta.id, stamp
    issue.ta_draft = ""  # the draft is recorded now
    replaced = f" (supersedes {', '.join(old.id for old in earlier)})" if earlier else ""
    _log(
        session, "ta.add", ta.id, f"Tentative agreement on {issue.statement}{replaced}",
        issue=issue_id, text=text, article=ta.article or None, check=check.id, title=title or None,
        date=ta.date.isoformat(), options=list(ta.options) or None,
        supersedes=[old.id for old in earlier] or None, superseded_at=stamp.isoformat() if earlier else None,
    )  # fmt: skip
    if any(o.costs for o in issue.options if o.id in ta.options):  # the TA carries what it was costed at
        first = len(session.events)
        copy_costs_to_ta(session, ta.id)
        _with_previous(session, first)
    return ta


@_rules
def note_check(session: Session, issue_id: str, check_id: str, note: str) -> ConsensusCheck:
    """What would bring people up, recorded on a check after it was taken."""
    check = _find(_issue(session, issue_id).checks, check_id, "consensus check")
    check.note = note
    _log(session, "check.note", check_id, f"Note on the check: {note}", issue=issue_id, note=note)
    return check


@_rules
def edit_agreement(
    session: Session, ta_id: str, text: str | None = None, *, title: str | None = None, article: str | None = None
) -> TentativeAgreement:
    """Change a TA's language, title or article.

    New language withdraws the initials already given (they were for other words) and reopens an
    agreed issue until every party initials again; a new title or article keeps them. A change
    to the same words changes nothing and logs nothing. The words of a TA reached by a check of a
    draft revision are that revision's and are not edited here (a new revision is tested instead).
    """
    ta = _find(session.agreements, ta_id, "tentative agreement")
    changes: dict[str, Any] = {}
    if text is not None:
        changes["text"] = _text(text, "TA language")
    if title is not None:
        changes["title"] = title
    if article is not None:
        changes["article"] = article
    changed = [name for name, value in changes.items() if getattr(ta, name) != value]
    new_words = "text" in changed
    if new_words:
        owner = session.issue(ta.issue)
        check = next((c for c in owner.checks if c.id == ta.check), None) if owner else None
        if check is not None and check.revision is not None:
            raise RuleError(
                f"This TA is revision {check.revision} of the draft, word for word, as the room tested it. To change "
                "its words, save a new revision of the draft and test it."
            )
    if not _apply(ta, changes):
        return ta
    dropped = [i.party for i in ta.initials] if new_words else []
    if new_words:
        ta.initials = []
    what = "TA language changed" if new_words else f"TA {' and '.join(changed)} changed"
    _log(
        session, "ta.edit", ta_id, what + (" (initials withdrawn)" if dropped else ""),
        text=ta.text if new_words else None, title=ta.title if "title" in changed else None,
        article=ta.article if "article" in changed else None,
        withdrawn=dropped or None, issue=ta.issue,
    )  # fmt: skip
    issue = _issue(session, ta.issue)
    if new_words and issue.status is IssueStatus.AGREED:  # agreed again once every party initials the new words
        first = len(session.events)
        set_status(session, issue.id, IssueStatus.OPEN)
        _with_previous(session, first)
    return ta


@_rules
def initial(session: Session, ta_id: str, party_id: str, initials: str, name: str = "") -> TentativeAgreement:
    ta = _find(session.agreements, ta_id, "tentative agreement")
    party = session.party(party_id)
    if party is None:
        raise RuleError(f"{party_id!r} is not a party here")
    spokesperson = party.spokesperson()
    mark = Initial(
        party=party_id,
        initials=_text(initials.strip(), "initials"),
        name=name or (spokesperson.name if spokesperson else ""),
    )
    ta.initials = [i for i in ta.initials if i.party != party_id] + [mark]
    _log(
        session,
        "ta.initial",
        ta_id,
        f"{party.short} initialed: {mark.initials}",
        party=party_id,
        initials=mark.initials,
        name=mark.name,
    )
    if not process.initials_missing(session, [i.party for i in ta.initials]):
        issue = _issue(session, ta.issue)
        if issue.status in (IssueStatus.OPEN, IssueStatus.NO_CONSENSUS):
            first = len(session.events)
            set_status(session, issue.id, IssueStatus.AGREED)
            _with_previous(session, first)
    return ta


# --- around the cycle -------------------------------------------------------------------------


# --- the people at the table ----------------------------------------------------------------


def _member(session: Session, party_id: str, name: str) -> tuple[Party, Member]:
    party = session.party(party_id)
    if party is None:
        raise RuleError(f"{party_id!r} is not a party here")
    found = next((m for m in party.members if m.name == name), None)
    if found is None:
        raise RuleError(f"{name!r} is not a member of {party.name}")
    return party, found


def _new_name(session: Session, name: str, keep: Member | None = None) -> str:
    name = _text(name, "a member's name").strip()
    for party in session.parties:
        for member in party.members:
            if member is not keep and member.name.casefold() == name.casefold():
                raise RuleError(f"{name!r} is already a member of {party.name}: each person once")
    return name


@_rules
def add_member(session: Session, party_id: str, name: str, *, title: str = "", role: Role = Role.MEMBER) -> Member:
    """A person joins a team at the table (``title``: the part they play, such as a scenario's
    role; several players may share one)."""
    party = session.party(party_id)
    if party is None:
        raise RuleError(f"{party_id!r} is not a party here")
    member = Member(name=_new_name(session, name), role=role, title=title.strip())
    party.members.append(member)
    _log(session, "member.add", party_id, f"{member.name} joins {party.name}", name=member.name, title=member.title)
    return member


@_rules
def rename_member(session: Session, party_id: str, name: str, new_name: str) -> Member:
    """A member's name as the team wants it (the player who takes a role, a typo); the answers
    they already gave keep the name they were given under: the record does not change."""
    _, member = _member(session, party_id, name)
    member.name = _new_name(session, new_name, keep=member)
    _log(session, "member.rename", party_id, f"{name} is now {member.name}", name=name, new_name=member.name)
    return member


@_rules
def remove_member(session: Session, party_id: str, name: str) -> None:
    """A member leaves the team (a player who left the table); their answers stay in the record."""
    party, member = _member(session, party_id, name)
    party.members.remove(member)
    _log(session, "member.remove", party_id, f"{name} leaves {party.name}", name=name)


@_rules
def add_parking(session: Session, text: str, *, owner: str = "", issue_id: str | None = None) -> ParkingItem:
    if issue_id is not None:
        _issue(session, issue_id)
    item = ParkingItem(
        id=session.new_id("park"), text=_text(text, "a parking-lot item"), owner=owner, issue=issue_id, created=now()
    )
    session.parking_lot.append(item)
    _log(
        session,
        "parking.add",
        item.id,
        f"Parking lot: {text}",
        text=text,
        owner=owner or None,
        issue=issue_id,
        created=item.created.isoformat(),
    )
    return item


@_rules
def edit_parking(
    session: Session, item_id: str, *, text: str | None = None, owner: str | None = None, resolved: bool | None = None
) -> ParkingItem:
    item = _find(session.parking_lot, item_id, "parking-lot item")
    changes: dict[str, Any] = {}
    if text is not None:
        changes["text"] = _text(text, "a parking-lot item")
    if owner is not None:
        changes["owner"] = owner
    if resolved is not None:
        changes["resolved"] = resolved
    if not _apply(item, changes):
        return item
    _log(
        session,
        "parking.edit",
        item_id,
        f"Parking lot{' (resolved)' if item.resolved else ''}: {item.text}",
        text=text,
        owner=owner,
        resolved=resolved,
    )
    return item


def open_caucus(session: Session) -> Caucus | None:
    return next((c for c in session.caucuses if c.end is None), None)


@_rules
def start_caucus(
    session: Session, party_id: str, *, called_by: str = "", reason: str = "", minutes: int | None = None
) -> Caucus:
    """``minutes``: how long the team says it will be out; None for the ground rules' limit
    (``session.caucus_minutes``, if any), 0 for no limit."""
    if session.party(party_id) is None:
        raise RuleError(f"{party_id!r} is not a party here")
    running = open_caucus(session)
    if running is not None:
        raise RuleError(f"a caucus is already running ({session.holder_label(running.party)}); end it first")
    if minutes is None:
        minutes = session.caucus_minutes
    elif not 0 <= minutes <= CLOCK_LIMIT_SECONDS // 60:
        raise RuleError(f"a caucus is from 1 to {CLOCK_LIMIT_SECONDS // 60} minutes long (0: no limit)")
    caucus = Caucus(
        id=session.new_id("caucus"),
        party=party_id,
        called_by=called_by,
        reason=reason,
        start=now(),
        minutes=minutes or None,
    )
    session.caucuses.append(caucus)
    _log(
        session,
        "caucus.start",
        caucus.id,
        f"Caucus called by {session.holder_label(party_id)}",
        party=party_id,
        called_by=called_by or None,
        reason=reason or None,
        start=caucus.start.isoformat(),
        minutes=caucus.minutes,
    )
    return caucus


@_rules
def end_caucus(session: Session) -> Caucus:
    caucus = open_caucus(session)
    if caucus is None:
        raise RuleError("no caucus is running")
    caucus.end = max(now(), caucus.start)
    minutes = round((caucus.end - caucus.start).total_seconds() / 60)
    _log(
        session,
        "caucus.end",
        caucus.id,
        f"Caucus ended after {minutes} min",
        minutes=minutes,
        end=caucus.end.isoformat(),
    )
    return caucus


@_rules
def add_action(
    session: Session,
    text: str,
    *,
    kind: ActionKind = ActionKind.ACTION,
    owner: str = "",
    requested_of: str = "",
    due: date | None = None,
    issue_id: str | None = None,
) -> ActionItem:
    if issue_id is not None:
        _issue(session, issue_id)
    item = ActionItem(
        id=session.new_id("action"),
        kind=kind,
        text=_text(text, "an action item"),
        owner=owner,
        requested_of=requested_of,
        due=due,
        issue=issue_id,
    )
    session.actions.append(item)
    label = "Information request" if kind is ActionKind.INFO_REQUEST else "Action"
    _log(
        session,
        "action.add",
        item.id,
        f"{label}: {text}",
        text=text,
        kind=kind.value,
        owner=owner or None,
        due=due.isoformat() if due else None,
        requested_of=requested_of,
        issue=issue_id,
    )
    return item


@_rules
def edit_action(
    session: Session,
    item_id: str,
    *,
    text: str | None = None,
    owner: str | None = None,
    due: date | None = None,
    done: bool | None = None,
) -> ActionItem:
    item = _find(session.actions, item_id, "action item")
    changes: dict[str, Any] = {}
    if text is not None:
        changes["text"] = _text(text, "an action item")
    if owner is not None:
        changes["owner"] = owner
    if due is not None:
        changes["due"] = due
    if done is not None:
        changes["done"] = done
    if not _apply(item, changes):
        return item
    _log(
        session,
        "action.edit",
        item_id,
        f"Action{' (done)' if item.done else ''}: {item.text}",
        text=text,
        owner=owner,
        done=done,
        due=due.isoformat() if due else None,
    )
    return item


# --- a negotiation: the session before this one -----------------------------------------------


@_rules
def record_minutes(session: Session, verdict: MinutesVerdict | str | None, correction: str = "") -> PreviousSession:
    """The room's word on the previous session's minutes: accepted as they are, or corrected
    (``correction`` says how); ``None`` takes the record back to "not yet recorded"."""
    previous = session.previous
    if previous is None:
        raise RuleError(
            "this session was not carried over from an earlier one: there are no previous minutes to accept here"
        )
    if verdict is not None:
        try:
            verdict = MinutesVerdict(verdict)
        except ValueError:
            raise RuleError(f"{verdict!r} is not accepted or corrected") from None
    if verdict is MinutesVerdict.CORRECTED:
        correction = _text(correction, "the correction")
    elif correction.strip():
        raise RuleError("minutes accepted as they are carry no correction: record them as corrected")
    else:
        correction = ""
    if (previous.minutes, previous.correction) == (verdict, correction):
        return previous
    # One new value (the validator sees the verdict and the correction together, never half of it).
    stamp = now() if verdict is not None else None
    values = {"minutes": verdict, "correction": correction, "minutes_at": stamp}
    updated = PreviousSession.model_validate({**dict(previous), **values})
    session.previous = updated
    if verdict is None:
        summary = f"Minutes of {previous.file}: no longer recorded"
    elif verdict is MinutesVerdict.ACCEPTED:
        summary = f"Minutes of {previous.file} accepted"
    else:
        summary = f"Minutes of {previous.file} corrected: {correction}"
    _log(
        session, "minutes.record", "", summary,
        minutes=verdict.value if verdict else "", correction=correction or None,
        at=stamp.isoformat() if stamp else None,
    )  # fmt: skip
    return updated


@_rules
def set_amends_ratified(session: Session, ta_id: str, note: str) -> TentativeAgreement:
    """Say that a TA changes a package the parties already ratified, and what it changes (the
    one way a ratified package may change: ``negotiation.core`` refuses any other); an empty
    ``note`` takes that back."""
    ta = _find(session.agreements, ta_id, "tentative agreement")
    note = note.strip()
    if ta.amends_ratified != note:
        ta.amends_ratified = note
        number = session.agreement_number(ta_id)
        if note:
            summary = f"TA {number} amends the ratified package: {note}"
        else:
            summary = f"TA {number} no longer marked as amending the ratified package"
        _log(session, "ta.amends", ta_id, summary, note=note, issue=ta.issue)
    return ta


# --- the day's plan: where the team is, and shifting the blocks (``schedule`` reads it) ------


def _plan_day(session: Session, day: int) -> PlanDay:
    if not session.plan:
        raise RuleError("this session has no day plan (its agenda had no day blocks)")
    if not 0 <= day < len(session.plan):
        raise RuleError(f"the plan has no day {day + 1}")
    return session.plan[day]


def _block_name(block: PlanBlock) -> str:
    return f"{block.time} {block.title}" if block.time else block.title


def _start(session: Session, day: int, block: int, stamp: datetime) -> PlanBlock:
    plan_day = _plan_day(session, day)
    if not 0 <= block < len(plan_day.blocks):
        raise RuleError(f"day {day + 1} of the plan has no block {block + 1}")
    target = plan_day.blocks[block]
    if schedule.current_index(plan_day) == block:
        raise RuleError(f"the team is already on {_block_name(target)}")
    dated = plan_day.date is None
    if dated:  # the next meeting, undated until the team starts a block on it: today
        other = next((n for n, d in enumerate(session.plan) if d.date == stamp.date()), None)
        if other is not None:
            raise RuleError(f"day {other + 1} of the plan is already dated {stamp.date()}: start a block there")
        plan_day.date = stamp.date()
    target.started = stamp
    plan_day.finished = None
    _log(
        session, "plan.start", "", f"Now on: {_block_name(target)}",
        day=day, block=block, at=stamp.isoformat(), date=stamp.date().isoformat() if dated else None,
    )  # fmt: skip
    return target


@_rules
def start_block(session: Session, day: int, block: int) -> PlanBlock:
    """ "We are on this block": the team begins block ``block`` of plan day ``day`` now (the
    blocks before it are done; a block started again is the current one again). An undated day
    (the next meeting's plan) takes today's date."""
    return _start(session, day, block, now())


@_rules
def advance_block(session: Session) -> PlanBlock | None:
    """Next block (Ctrl+L): the team moves on to the block after the one it is on; from the last,
    the day is finished (None). The day's first press starts its first block: the day begins.
    (A team that is elsewhere says so with ``start_block``: "we are on this block".)"""
    stamp = now()
    n = schedule.day_for(session.plan, stamp.date())
    if n is None:
        if not session.plan:
            raise RuleError("this session has no day plan (its agenda had no day blocks)")
        days = ", ".join(f"{d.date:%a %d %b}" for d in session.plan if d.date is not None)
        raise RuleError(f"no plan for today ({stamp:%a %d %b}); the plan has {days}")
    day = session.plan[n]
    if not day.blocks:
        raise RuleError("today's plan has no blocks")
    if day.finished is not None:
        raise RuleError(
            f"today's plan is done (since {day.finished:%H:%M}): the day's plan (Ctrl+P) goes back to a block"
        )
    current = schedule.current_index(day)
    if current is None:  # the day begins (a team on another block says so in the day's plan)
        return _start(session, n, 0, stamp)
    if current + 1 < len(day.blocks):
        return _start(session, n, current + 1, stamp)
    day.finished = stamp
    _log(session, "plan.finish", "", f"Day's plan done: {day.title or day.date}", day=n, at=stamp.isoformat())
    return None


@_rules
def shift_blocks(session: Session, day: int, block: int, minutes: int) -> PlanDay:
    """Move block ``block`` of plan day ``day`` and every block after it that day by ``minutes``
    (later; below 0, earlier): "push the rest of the day by 15 minutes". A block without a time
    follows the one before it; the block shifted gets one (its planned start, moved)."""
    plan_day = _plan_day(session, day)
    if not 0 <= block < len(plan_day.blocks):
        raise RuleError(f"day {day + 1} of the plan has no block {block + 1}")
    if minutes == 0:
        return plan_day
    before = [b.time for b in plan_day.blocks]
    after = list(before)
    if not after[block]:
        starts = schedule.planned_times(plan_day.blocks, date(2000, 1, 3), None)
        start = starts[block][0]
        if start is None:
            raise RuleError("this block has no time to move (nor does any block before it)")
        after[block] = f"{start:%H:%M}"
    for k in range(block, len(after)):
        if after[k]:
            minute = minute_of_day(after[k]) + minutes
            if not 0 <= minute < 24 * 60:
                raise RuleError(f"{after[k]} moved by {minutes:+d} min is not a time of the same day")
            after[k] = hhmm(minute)
    trial = PlanDay(blocks=[b.model_copy(update={"time": t}) for b, t in zip(plan_day.blocks, after)])
    problems = plan_problems([trial])
    if problems:
        raise RuleError(problems[0][1])
    for b, t in zip(plan_day.blocks, after):
        b.time = t
    moved = plan_day.blocks[block]
    later = "later" if minutes > 0 else "earlier"
    _log(
        session, "plan.shift", "", f"Plan moved {abs(minutes)} min {later} from {_block_name(moved)}",
        day=day, block=block, minutes=minutes, times=after, before=before,
    )  # fmt: skip
    return plan_day


# --- costing: cost lines on an option or a TA, the contract's years and the budget -------------
# (``costing.py`` adds them up; amounts are ``Decimal`` here, strings of plain numbers in the log)


def _cost_lines(session: Session, item_id: str, issue_id: str | None) -> tuple[list[CostLine], str, str]:
    """The cost lines of option ``item_id`` of issue ``issue_id``, or (no issue) of TA ``item_id``:
    the list, what it is ("option", "ta") and the issue it belongs to."""
    if issue_id is not None:
        return _find(_issue(session, issue_id).options, item_id, "option").costs, "option", issue_id
    ta = _find(session.agreements, item_id, "tentative agreement")
    return ta.costs, "ta", ta.issue


def _cost_line(
    session: Session, label: str, amounts: list[Decimal], basis: str, costed_by: str, at: datetime | None
) -> CostLine:
    years = len(session.costing.years) if session.costing is not None else 0
    if years and len(amounts) > years:
        raise RuleError(f"{len(amounts)} amounts, but the contract has {years} years: set the years first")
    return CostLine(
        label=_text(label.strip(), "a cost line's label"),
        amounts=list(amounts),
        basis=basis.strip(),
        costed_by=costed_by.strip(),
        at=at or now(),
    )


def _cost_data(line: CostLine) -> dict[str, Any]:
    return {
        "label": line.label,
        "amounts": [format(a, "f") for a in line.amounts],
        "basis": line.basis or None,
        "costed_by": line.costed_by or None,
        "at": line.at.isoformat() if line.at else None,
    }


def _cost_owner_name(session: Session, kind: str, item_id: str) -> str:
    return f"TA {session.agreement_number(item_id)}" if kind == "ta" else item_id


@_rules
def add_cost(
    session: Session,
    item_id: str,
    label: str,
    amounts: list[Decimal],
    *,
    issue_id: str | None = None,
    basis: str = "",
    costed_by: str = "",
    at: datetime | None = None,
) -> CostLine:
    """Add a cost line to option ``item_id`` of issue ``issue_id`` or (no issue) to TA ``item_id``:
    an amount per contract year (first year first), its basis, who costed it."""
    line = _cost_line(session, label, amounts, basis, costed_by, at)
    lines, kind, issue = _cost_lines(session, item_id, issue_id)
    lines.append(line)
    total = cost.format_amount(cost.line_total(line))
    owner = _cost_owner_name(session, kind, item_id)
    _log(
        session, "cost.add", item_id, f"Costed {owner}: {line.label} ({total})",
        issue=issue, on=kind, **_cost_data(line),
    )  # fmt: skip
    return line


@_rules
def edit_cost(
    session: Session,
    item_id: str,
    index: int,
    label: str,
    amounts: list[Decimal],
    *,
    issue_id: str | None = None,
    basis: str = "",
    costed_by: str = "",
    at: datetime | None = None,
) -> CostLine:
    """Replace cost line ``index`` (from 0) of an option or a TA (as ``add_cost``); the same line
    again changes nothing and logs nothing."""
    lines, kind, issue = _cost_lines(session, item_id, issue_id)
    if not 0 <= index < len(lines):
        raise RuleError(f"{_cost_owner_name(session, kind, item_id)} has no cost line {index + 1}")
    old = lines[index]
    line = _cost_line(session, label, amounts, basis, costed_by, at or old.at)
    if line == old:
        return old
    lines[index] = line
    _log(
        session, "cost.edit", item_id, f"Cost changed on {_cost_owner_name(session, kind, item_id)}: {line.label}",
        issue=issue, on=kind, index=index, **_cost_data(line),
    )  # fmt: skip
    return line


@_rules
def remove_cost(session: Session, item_id: str, index: int, *, issue_id: str | None = None) -> CostLine:
    """Take cost line ``index`` (from 0) off an option or a TA."""
    lines, kind, issue = _cost_lines(session, item_id, issue_id)
    if not 0 <= index < len(lines):
        raise RuleError(f"{_cost_owner_name(session, kind, item_id)} has no cost line {index + 1}")
    line = lines.pop(index)
    _log(
        session, "cost.remove", item_id, f"Cost removed from {_cost_owner_name(session, kind, item_id)}: {line.label}",
        issue=issue, on=kind, index=index, label=line.label,
    )  # fmt: skip
    return line


@_rules
def copy_costs_to_ta(session: Session, ta_id: str) -> list[CostLine]:
    """Give TA ``ta_id`` the cost lines of the options it was recorded from (in place of its own):
    what was agreed is costed as the options were when it was agreed. Nothing to copy: no change."""
    ta = _find(session.agreements, ta_id, "tentative agreement")
    issue = _issue(session, ta.issue)
    lines = [line.model_copy(deep=True) for o in issue.options if o.id in ta.options for line in o.costs]
    if not lines or lines == ta.costs:
        return ta.costs
    ta.costs = lines
    _log(
        session, "ta.costs", ta_id, f"TA {session.agreement_number(ta_id)} costed from its options ({len(lines)})",
        issue=ta.issue, options=list(ta.options),
    )  # fmt: skip
    return ta.costs


@_rules
def set_costing(session: Session, years: list[str], budget: list[Decimal], note: str = "") -> Costing:
    """Record the contract's years ("2027–28", ...) and the team's budget for each (fewer amounts
    than years: the later years have no budget). Years no cost line still counts are refused."""
    years = [y.strip() for y in years]
    while years and not years[-1]:
        years.pop()
    if any(not y for y in years):
        raise RuleError("a contract year needs a name, e.g. 2027–28")
    if len(set(years)) != len(years):
        raise RuleError("two contract years have the same name")
    if len(budget) > len(years):
        raise RuleError(f"{len(budget)} budget amounts, but the contract has {len(years)} years")
    counted = [
        len(line.amounts)
        for lines in (
            *(o.costs for i in session.issues for o in i.options),
            *(ta.costs for ta in session.agreements),
        )
        for line in lines
    ]
    if years and counted and max(counted) > len(years):
        raise RuleError(f"a cost line counts {max(counted)} years: the contract cannot have fewer")
    costing = Costing(years=years, budget=list(budget), note=note.strip())
    if costing == (session.costing or Costing()):
        return costing
    session.costing = costing if (years or budget or costing.note) else None
    words = ", ".join(years) or "none"
    money = cost.format_amount(sum(budget, Decimal(0))) if budget else "none"
    _log(
        session, "costing.set", "", f"Contract years {words}; budget {money}",
        years=years, budget=[format(b, "f") for b in budget], note=costing.note or None,
    )  # fmt: skip
    return costing
