"""The session model: everything a joint IBB team records, as pydantic v2 models.

This module holds data shapes and the invariants of a single file (ids are unique, references
point at things that exist). The rules of the process (stage order, what counts as consensus,
which status changes are allowed) live in ``process.py``; loading and saving in ``store/``.

This module is the ground of the import graph: it imports none of ours (``pyproject.toml``'s
import contracts hold that). Checks that need a shape defined above it (a training table's copy
of its scenario: ``scenario.py``) are run beside ``integrity_problems`` by whoever loads a file
(``store.session_problems``).

Never import textual or rich here: the model is shared by the CLI, the exporters and the TUI.

Over 500 lines on purpose: it is the whole file format in one place (every shape a session file
holds, and ``integrity_problems``, the cross-references between them), the page a reader of
docs/session-format.md keeps open; split, each part would import the others.
"""

from __future__ import annotations

import re
import uuid
import weakref
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import chain
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    model_validator,
)

SCHEMA_VERSION = 2

MUTUAL = "mutual"  # interest holder shared by every party
JOINT = "joint"  # an issue raised by the joint team rather than one party


def now() -> datetime:
    """The current local time with its UTC offset, to the second (what the files store)."""
    return datetime.now().astimezone().replace(microsecond=0)


SURROGATES_MESSAGE = "text contains characters that cannot be stored (lone surrogates)"

MAX_TEXT = 50 * 2**20  # characters in one string: no file holds more (store.MAX_BYTES)

Text = str
"""Free text a person typed. Stored and shown exactly as typed.

Lone surrogates cannot be written as UTF-8, so every string of every model (free text, ids, log
keys) refuses them rather than fail on save: ``Model``'s ``str_max_length`` makes pydantic-core
read each string as UTF-8, which refuses them (error type ``string_unicode``; ``store`` words it
as ``SURROGATES_MESSAGE``). The same check as a Python validator on each string, without 100,000
Python calls for a big file; and a field's own ``min_length``/``max_length`` still apply (a
constraint in an ``Annotated`` alias would override them).
"""


def _require_offset(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp needs a UTC offset, e.g. 2026-11-23T09:30:00-05:00")
    return value


Stamp = Annotated[datetime, AfterValidator(_require_offset)]
"""A moment, always with its UTC offset (files are read in other time zones)."""

WholeNumber = Annotated[int, Field(strict=True)]
"""An integer that must be one in the file: ``true`` or ``"3"`` is not a 1 or a 3."""

Score = Annotated[int, Field(strict=True, ge=0, le=5)]
"""How well an option meets a criterion: 0 (not at all) to 5 (fully)."""

MAX_TIME_BOX = 24 * 60


def _minutes(value: int) -> int:
    if not 1 <= value <= MAX_TIME_BOX:
        raise ValueError(f"minutes must be between 1 and {MAX_TIME_BOX} (a time box is a whole number of minutes)")
    return value


Minutes = Annotated[int, Field(strict=True), AfterValidator(_minutes)]
"""A stage's time box, in minutes: 1 to 1440."""

_SLUG = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError("must be a short lowercase name: a letter, then letters, digits, '-' or '_'")
    if value in (MUTUAL, JOINT):
        raise ValueError(f"{value!r} is reserved")
    return value


Slug = Annotated[str, AfterValidator(_slug)]

# A plain decimal number as the file stores it: an optional minus, digits without leading zeros,
# an optional fraction. Exactly what ``format(amount, "f")`` writes back, so it round-trips.
_PLAIN_AMOUNT = re.compile(r"^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?$")
AMOUNT_MESSAGE = (
    'an amount is a plain number in quotes, e.g. "474000" or "-1250.50": no commas, no currency sign, '
    "at most 15 digits before the point and 6 after"
)


def _amount(value: object) -> Decimal:
    """A stored amount: a ``Decimal`` (from code) or its plain string (from a file or the undo
    history). A TOML number is refused: a float would already have rounded ("0.1")."""
    if type(value) is str and _PLAIN_AMOUNT.match(value):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        if value.as_tuple().exponent > 0:  # type: ignore[operator]  # 1E+6: written as 1000000
            value = value.quantize(Decimal(1))
        if _PLAIN_AMOUNT.match(format(value, "f")):
            return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f'write the amount as a string: "{value}" (a TOML number would round; {AMOUNT_MESSAGE})')
    raise ValueError(AMOUNT_MESSAGE)


Amount = Annotated[Decimal, PlainValidator(_amount), PlainSerializer(lambda d: format(d, "f"), return_type=str)]
"""An amount of money, exact: a ``Decimal`` in the model, a string of a plain number in the file
(``"474000"``, ``"-1250.50"``); ``costing.py`` adds them up and reads what a recorder types."""


class Stage(StrEnum):
    ISSUES = "issues"
    INTERESTS = "interests"
    OPTIONS = "options"
    CRITERIA = "criteria"
    CONSENSUS = "consensus"


class IssueStatus(StrEnum):
    OPEN = "open"
    PARKED = "parked"
    AGREED = "agreed"
    NO_CONSENSUS = "no_consensus"
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    SPOKESPERSON = "spokesperson"
    NOTE_TAKER = "note_taker"
    DECISION_MAKER = "decision_maker"
    MEMBER = "member"


class Side(StrEnum):
    LABOR = "labor"
    MANAGEMENT = "management"
    OTHER = "other"


class InterestKind(StrEnum):
    SUBSTANTIVE = "substantive"
    PROCEDURAL = "procedural"
    RELATIONSHIP = "relationship"


class OptionState(StrEnum):
    ACTIVE = "active"
    COMBINED = "combined"
    SET_ASIDE = "set_aside"


class Method(StrEnum):
    FIST_TO_FIVE = "fist_to_five"
    THUMBS = "thumbs"
    GRADIENTS = "gradients"
    PER_PARTY = "per_party"


class Outcome(StrEnum):
    CONSENSUS = "consensus"
    NO_CONSENSUS = "no_consensus"


class PollKind(StrEnum):
    DOTS = "dots"  # each person spreads N dots over the options (several on one if they like)
    SCORE = "score"  # each person scores each option 1 (weak) to 5 (strong)


class ActionKind(StrEnum):
    ACTION = "action"
    INFO_REQUEST = "info_request"


class Model(BaseModel):
    """Base for every stored shape: unknown keys are an error (a typo must not vanish silently)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False, str_max_length=MAX_TEXT)


# --- people -----------------------------------------------------------------------------------


class Member(Model):
    name: Text = Field(min_length=1)
    role: Role = Role.MEMBER
    title: Text = ""  # "Union president", "Director of Finance"


class Party(Model):
    id: Slug  # stable key used in references: "labor", "management"
    name: Text = Field(min_length=1)  # "Lakeview Education Association"
    short: Text = Field(min_length=1, max_length=12)  # tag and initials: "U", "M", "LEA"
    side: Side = Side.OTHER
    members: list[Member] = []

    def spokesperson(self) -> Member | None:
        return next((m for m in self.members if m.role is Role.SPOKESPERSON), None)


class DecisionRule(Model):
    """How the team decides, and what happens when it cannot."""

    description: Text = "Consensus: every member can live with and support the decision."
    method: Method = Method.FIST_TO_FIVE  # default check for a new consensus round
    fallback: Text = ""  # e.g. "Return to traditional bargaining on that issue"
    fist_minimum: WholeNumber = Field(default=3, ge=0, le=5)  # fist-to-five: everyone at or above
    gradient_threshold: WholeNumber = Field(default=6, ge=1, le=7)  # gradients: worst acceptable point


# --- per-issue artifacts ----------------------------------------------------------------------


class CostLine(Model):
    """One line of what an option or a TA costs: "Salary step", an amount for each contract year
    (in the order of ``Costing.years``), the basis ("one step = $474,000"), who costed it, when."""

    label: Text = Field(min_length=1)
    amounts: list[Amount] = []  # per contract year, first year first; a missing year costs nothing
    basis: Text = ""
    costed_by: Text = ""  # a person ("Dana, business manager") or a party id
    at: Stamp | None = None  # when it was costed


class Costing(Model):
    """The contract's years and the budget the team recorded for them: what every cost line's
    amounts are counted in, and what the TA package's total is held against (``costing.py``).
    Kept in the session (and carried to the next one, ``negotiation/carryover.py``) because the
    team records it at the table, like its ground rules: it is part of the room's record."""

    years: list[Text] = []  # "2027–28", "2028–29", "2029–30"
    budget: list[Amount] = []  # per year, in the order of ``years``; empty: no budget recorded
    note: Text = ""  # where the budget comes from: "Board settlement authority, Nov 12"


class Interest(Model):
    id: str
    text: Text = Field(min_length=1)
    holder: str  # a party id, or "mutual"
    kind: InterestKind | None = None


class Option(Model):
    id: str
    text: Text = Field(min_length=1)  # options carry no author, by design
    state: OptionState = OptionState.ACTIVE
    combined_into: str | None = None  # the option this one was merged into
    serves: list[str] = []  # ids of the interests this option meets
    scores: dict[str, Score] = {}  # criterion id -> how well this option meets it, 0 to 5
    costs: list[CostLine] = []  # what it would cost, line by line (costing.py adds them up)


MAX_WEIGHT = 9  # a criterion's weight: a small whole number, 1 (the default) to 9
DEFAULT_PASS_LINE = 3  # the must-pass line a criterion gets when the room makes it must-pass


class Criterion(Model):
    """A standard the options are rated against (0–5). ``weight`` multiplies its scores in the
    weighted total, and ``must_pass`` (when set) is the lowest score that passes: an option rated
    below it is screened out (``screening.py``). Both are left out of the file at their defaults
    (weight 1, not must-pass), so a file from before them saves byte for byte."""

    id: str
    text: Text = Field(min_length=1)
    weight: WholeNumber | None = Field(default=None, ge=1, le=MAX_WEIGHT)  # None: 1
    must_pass: Score | None = None  # None: not must-pass; else the lowest score that passes

    @property
    def weighs(self) -> int:
        """The weight in effect: 1 unless set."""
        return self.weight or 1


class Response(Model):
    """One answer in a consensus check: a participant's (by name) or, for per-party, a party's."""

    who: Text = Field(min_length=1)  # a member's name, or a party id for per-party concurrence
    party: str | None = None  # the member's party id (left out for per-party responses)
    value: WholeNumber | str


class ConsensusCheck(Model):
    id: str
    method: Method
    at: Stamp
    proposal: Text = ""  # what was tested, in the room's words
    options: list[str] = []  # the option ids the proposal draws on
    responses: list[Response] = []
    absent: list[Text] = []  # voters (party ids for per-party) marked "absent / not voting"
    outcome: Outcome
    note: Text = ""  # what would bring people up, next step
    revision: Annotated[int, Field(strict=True, ge=1)] | None = None  # the draft revision tested (drafting.py)


class DraftChange(Model):
    """One change of a revision's ``back``: at line ``at`` of the next revision's text, take out
    ``cut`` lines and put ``put`` there (a line is a paragraph as typed)."""

    at: Annotated[int, Field(strict=True, ge=0)]
    cut: Annotated[int, Field(strict=True, ge=0)] = 0
    put: list[Text] = []


class Revision(Model):
    """A saved revision of an issue's draft (the author is the room, never a person). Its text is
    the issue's ``draft`` with the ``back`` changes of every later revision applied, newest first
    (``drafting.text_of``): the latest revision's text is the draft itself."""

    n: Annotated[int, Field(strict=True, ge=1)]  # 1, 2, 3...: what the room and a check call it
    at: Stamp
    note: Text = ""  # why, in the room's words ("after the caucus")
    back: list[DraftChange] = []  # the next revision's text -> this one's (empty for the latest)


MAX_DOTS = 99  # dots per person in a dot vote
POLL_SCORES = (1, 2, 3, 4, 5)  # the quick 1–5 score


class PollResponse(Model):
    """One person's marks in a straw poll: dots (or a 1–5 score) per option.

    Keyed by the recorder for each person (``device`` empty), or later sent from a person's own
    device (``device`` names it; ``who`` may then be a label, e.g. on an anonymous poll).
    """

    who: Text = Field(min_length=1)  # a member's name (or, from a device, its label)
    party: str | None = None  # the member's party id
    votes: dict[str, Annotated[int, Field(strict=True, ge=0, le=MAX_DOTS)]] = {}  # option id -> dots or score
    device: Text = ""  # "" keyed by the recorder; otherwise the device it came from


class Poll(Model):
    """A straw poll over an issue's active options: a dot vote or a quick 1–5 score. It decides
    nothing (a consensus check does); it shows where the room leans, e.g. to keep the top few."""

    id: str
    kind: PollKind
    at: Stamp
    dots: WholeNumber = Field(default=0, ge=0, le=MAX_DOTS)  # dots per person (kind = "dots")
    question: Text = ""  # what was asked, in the room's words
    options: list[str] = []  # the option ids it covered (the active ones when taken)
    responses: list[PollResponse] = []
    anonymous: bool = False  # show totals only, never who marked what (for device voting)

    @model_validator(mode="after")
    def _marks_fit_the_kind(self) -> Poll:
        if self.kind is PollKind.DOTS and self.dots < 1:
            raise ValueError("a dot vote gives each person at least 1 dot (dots = N)")
        for response in self.responses:
            if self.kind is PollKind.DOTS and sum(response.votes.values()) > self.dots:
                raise ValueError(
                    f"{response.who} placed {sum(response.votes.values())} dots; each person has {self.dots}"
                )
            if self.kind is PollKind.SCORE and any(v not in POLL_SCORES for v in response.votes.values()):
                raise ValueError(f"{response.who}: a score is a whole number from 1 to 5")
        return self


# --- a negotiation: links between the session files of one folder (negotiation/) ---------------


class MinutesVerdict(StrEnum):
    ACCEPTED = "accepted"
    CORRECTED = "corrected"


class EarlierTA(Model):
    """A tentative agreement recorded in another session file of the same negotiation (a folder):
    the one an issue carried over as agreed stands on. Kept as a link, never copied."""

    file: Text = Field(min_length=1)  # that session file, in this file's folder: "session-1.toml"
    session: str = ""  # its session id (found again if the file was renamed)
    ta: str = Field(min_length=1)  # the TA's id in that file
    date: date  # the day it was reached
    title: Text = ""


class PreviousSession(Model):
    """The session this one was carried over from (``ibb new --after``), and what the room
    recorded about that session's minutes (accepted, or corrected with the correction)."""

    file: Text = Field(min_length=1)  # in this file's folder
    session: str = ""  # its session id
    title: Text = ""
    carried: Stamp | None = None  # when this file was made from it
    # The highest number of each id prefix used by the negotiation up to that session: new ids
    # here start above them, so an id names one thing across the whole negotiation.
    ids: dict[str, Annotated[int, Field(strict=True, ge=0)]] = {}
    minutes: MinutesVerdict | None = None  # the previous minutes, as this session recorded them
    correction: Text = ""  # with minutes = "corrected": what was corrected
    minutes_at: Stamp | None = None

    @model_validator(mode="after")
    def _correction_goes_with_corrected(self) -> PreviousSession:
        # (the app also requires the correction's text: editing.record_minutes)
        if self.minutes is not MinutesVerdict.CORRECTED and self.correction:
            raise ValueError('a correction goes only with minutes = "corrected"')
        return self


class EditCount:
    """How often ``editing`` took an issue up to change it: with the issue object, the key under
    which the autosave cache (``savecache``) and the undo history (``history``) keep its bytes.

    Any two compare equal: pydantic compares private attributes too, and two issues with the
    same content are equal whatever their edit history.
    """

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EditCount)

    __hash__ = None  # type: ignore[assignment]


class Issue(Model):
    _edits: EditCount = PrivateAttr(default_factory=EditCount)  # bumped by editing._find
    id: str
    statement: Text = Field(min_length=1)  # neutral: "How can we ...?"
    raised_by: str = JOINT  # a party id, or "joint"
    article: Text = ""  # contract article it touches
    data_needed: Text = ""
    status: IssueStatus = IssueStatus.OPEN
    stage: Stage = Stage.ISSUES
    brainstorming: bool = False  # while true, options may not be set aside or combined
    notes: Text = ""
    proposal: Text = ""  # the draft proposal being tested at Consensus (one per issue)
    ta_draft: Text = ""  # TA language typed but not yet recorded (kept if the app quits mid-way)
    draft: Text = ""  # the working draft of the language: its latest revision's text (drafting.py)
    interests: list[Interest] = []
    options: list[Option] = []
    criteria: list[Criterion] = []
    checks: list[ConsensusCheck] = []
    polls: list[Poll] = []  # straw polls (dot votes, 1–5 scores) over its options
    revisions: list[Revision] = []  # every saved revision of ``draft``, oldest first
    carried_from: Text = ""  # the session file it was carried over from ("": raised here)
    agreed_in: EarlierTA | None = None  # the TA in force from an earlier session of the negotiation

    def score_map(self) -> dict[tuple[str, str], int]:
        """Every score of this issue's options: ``(option id, criterion id) -> score``."""
        return {(option.id, criterion): score for option in self.options for criterion, score in option.scores.items()}

    def has_scores(self) -> bool:
        return any(option.scores for option in self.options)


# --- session-wide artifacts -------------------------------------------------------------------


class Initial(Model):
    party: str
    initials: Text = Field(min_length=1, max_length=12)
    name: Text = ""  # who initialed (usually the spokesperson)


class TentativeAgreement(Model):
    id: str
    issue: str
    check: str  # the consensus check that reached it
    text: Text = Field(min_length=1)  # the exact agreed language
    article: Text = ""
    title: Text = ""
    date: date
    options: list[str] = []
    superseded_by: str | None = None  # the later TA of the same issue that replaced this one
    superseded_at: Stamp | None = None  # when (the issue was reopened and agreed again)
    initials: list[Initial] = []
    # Set on a TA that changes a package the parties already ratified: what it changes, in the
    # room's words ("" for every other TA). A ratified package changes only by such a TA
    # (negotiation/core.py checks it).
    amends_ratified: Text = ""
    costs: list[CostLine] = []  # what it costs (copied from its options when recorded, or its own)

    @property
    def standing(self) -> bool:
        """In force: no later TA of its issue replaced it."""
        return self.superseded_by is None


class ParkingItem(Model):
    id: str
    text: Text = Field(min_length=1)
    owner: Text = ""
    issue: str | None = None  # where it came up
    resolved: bool = False
    created: Stamp
    carried_from: Text = ""  # the session file it was carried over from


class Caucus(Model):
    id: str
    party: str
    called_by: Text = ""
    reason: Text = ""
    start: Stamp
    end: Stamp | None = None
    minutes: Minutes | None = None  # how long the team said it would be out (the ground rule's limit)


class ActionItem(Model):
    id: str
    kind: ActionKind = ActionKind.ACTION
    text: Text = Field(min_length=1)
    owner: Text = ""  # a person, or a party id
    requested_of: Text = ""  # information requests: who must provide it
    due: date | None = None
    done: bool = False
    issue: str | None = None
    carried_from: Text = ""  # the session file it was carried over from


class Event(Model):
    """One line of the append-only log: what changed, when, on what."""

    at: Stamp
    action: str  # "issue.add", "interest.edit", "check.record", ...
    target: str = ""  # the id the change touched
    summary: Text = ""  # human-readable: 'Added interest "..." (labor)'
    data: dict[Text, Text | int | bool | list[Text]] = {}  # the new values, for replay


CLOCK_FRESH_SECONDS = 4 * 3600  # a stage timer set longer ago than this is not resumed
CLOCK_LIMIT_SECONDS = 86_400  # a stage timer holds at most a day, left or over


class StageClock(Model):
    """The facilitator's stage timer as last set (F2 start/pause, F3 +1 min, a new stage), so
    the room view shows the same countdown and a reopened file resumes it. Not an event: it
    decides nothing."""

    issue: str | None = None
    stage: Stage
    remaining: int = Field(
        strict=True, ge=-CLOCK_LIMIT_SECONDS, le=CLOCK_LIMIT_SECONDS
    )  # seconds left when set; below 0: over
    running: bool = False
    at: Stamp  # when it was set

    def fresh(self, now: datetime) -> bool:
        """Set within the last few hours (not another day's timer, nor another machine's clock)."""
        return -60 <= (now - self.at).total_seconds() <= CLOCK_FRESH_SECONDS

    def left(self, now: datetime) -> int:
        """Seconds left at ``now`` (below 0: over the box)."""
        if not self.running:
            return self.remaining
        return self.remaining - max(0, int((now - self.at).total_seconds()))


# --- the day's plan: meeting days and their blocks (``schedule.py`` reads it) -----------------

_CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _clock_time(value: str) -> str:
    if value and not _CLOCK_TIME.match(value):
        raise ValueError('a time of day is HH:MM, from "00:00" to "23:59" (e.g. "09:30")')
    return value


ClockTime = Annotated[str, AfterValidator(_clock_time)]
"""A time of day as the agenda writes it: ``"09:30"`` (24-hour, two digits each); ``""``: none."""

Day = date  # (``PlanDay.date`` is a field named like the type)


class PlanBlock(Model):
    """One block of a meeting day: "10:30, 45 min, Article 12: interests" (from the agenda's day
    blocks), and when the team began it."""

    time: ClockTime = ""  # "": it starts when the block before it ends
    minutes: WholeNumber = Field(default=0, ge=0, le=MAX_TIME_BOX)
    title: Text = Field(min_length=1)
    started: Stamp | None = None  # when the team began it (Ctrl+L, "we are on this block")


class PlanDay(Model):
    """One meeting day of the session's plan: its blocks in order, and how far the team got."""

    date: Day | None = None  # None: the next meeting, its date not set yet (a carried session's plan)
    title: Text = ""
    finished: Stamp | None = None  # the team went past its last block
    blocks: list[PlanBlock] = []


def minute_of_day(hhmm: str) -> int:
    """A plan block's "HH:MM" (checked by ``PlanBlock``) as minutes since midnight."""
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def hhmm(minute: int) -> str:
    """Minutes since midnight as "HH:MM" (the way back from ``minute_of_day``)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def plan_problems(plan: list[PlanDay]) -> list[tuple[str, str]]:
    """A plan's blocks run in order through the day, and no date is planned twice."""
    problems: list[tuple[str, str]] = []
    dates: dict[date, int] = {}
    for d, day in enumerate(plan):
        if day.date is not None:
            if day.date in dates:
                problems.append((f"plan[{d}].date", f"{day.date} is planned twice (also plan[{dates[day.date]}])"))
            dates.setdefault(day.date, d)
        before: tuple[int, str] | None = None
        for b, block in enumerate(day.blocks):
            if not block.time:
                continue
            if before is not None and minute_of_day(block.time) < before[0]:
                why = f"{block.time} is before the block before it ({before[1]}): a day's blocks run in order"
                problems.append((f"plan[{d}].blocks[{b}].time", why))
            before = (minute_of_day(block.time), block.time)
    return problems


class Cursor(Model):
    """Where the team is, so reopening a file lands on the same issue and stage."""

    issue: str | None = None
    stage: Stage = Stage.ISSUES
    clock: StageClock | None = None  # the stage timer as last set (F2, F3, a stage with a time box)
    # The capture line's text, typed but not entered, when the app last closed (quit, SIGTERM,
    # SIGHUP): put back in the capture line on reopen. Where the room was, not a record: no event.
    capture_draft: Text = ""


# --- training: one table of a simulation -------------------------------------------------------


class TrainingRound(Model):
    """One round as this table ran it; ``number`` counts the scenario's rounds from 1."""

    number: WholeNumber = Field(ge=1, le=99)
    start: Stamp
    end: Stamp | None = None


class Reveal(Model):
    """A confidential brief was opened on this table's screen: whose and when, never what it says."""

    party: str
    role: Text = ""  # empty: the side's brief
    round: WholeNumber = Field(default=0, ge=0, le=99)  # 0: before the first round
    at: Stamp


class TrainingResult(Model):
    """One line of the results sheet, as the table filled it in."""

    field: str = Field(min_length=1)  # the scenario's results-field id
    label: Text = Field(min_length=1)  # kept with the value: the sheet reads without the scenario
    value: Text = ""


class TrainingState(Model):
    """A training simulation at one table: the scenario it plays and how the table ran it.

    ``scenario`` is a copy of the scenario pack's ``[scenario]`` table (briefs, roles, rounds,
    results sheet, debrief), so a table's file runs on any machine; ``training.py`` checks it.
    """

    scenario_name: Text = Field(min_length=1)  # the pack it came from: "scenario-maple-valley"
    table: WholeNumber = Field(default=1, ge=1, le=999)
    tables: WholeNumber = Field(default=1, ge=1, le=999)  # how many tables the class runs
    finished: Stamp | None = None
    rounds: list[TrainingRound] = []
    reveals: list[Reveal] = []
    results: list[TrainingResult] = []
    # the trainer's passphrase, salted and hashed (``training.hash_passphrase``): the facilitator
    # notes show only to whoever types it; "" for a table made without one (no notes in the file)
    trainer_key: str = Field(default="", max_length=200)
    scenario: dict[str, Any]  # last: the long copy follows what the table did


class Session(Model):
    schema_version: WholeNumber = SCHEMA_VERSION
    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    title: Text = Field(min_length=1)
    organization: Text = ""  # the district
    bargaining_unit: Text = ""
    location: Text = ""
    agenda: Text = ""  # name of the agenda it came from
    created: Stamp = Field(default_factory=now)
    meeting_days: list[date] = []
    facilitators: list[Text] = []
    recorder: Text = ""
    timekeeper: Text = ""
    observers: list[Text] = []  # watch; never counted in consensus
    parties: list[Party] = []
    ground_rules: list[Text] = []
    decision_rule: DecisionRule = DecisionRule()
    stage_order: list[Stage] = list(Stage)
    time_boxes: dict[Stage, Minutes] = {}  # minutes per stage, 1 to 1440
    caucus_minutes: Minutes | None = None  # the ground rules' limit on a caucus (a caucus may say its own)
    criteria_starters: list[Text] = []  # offered when the team sets criteria
    shared_criteria: list[Criterion] = []  # criteria that apply to every issue
    plan: list[PlanDay] = []  # the meeting days' blocks (times, titles) and how far the team got
    costing: Costing | None = None  # the contract's years and the team's budget (costing.py)
    cursor: Cursor = Cursor()
    issues: list[Issue] = []
    agreements: list[TentativeAgreement] = []
    parking_lot: list[ParkingItem] = []
    caucuses: list[Caucus] = []
    actions: list[ActionItem] = []
    events: list[Event] = []
    training: TrainingState | None = None  # set when the session is a table of a simulation
    previous: PreviousSession | None = None  # the session this one was carried over from

    # -- look-ups ------------------------------------------------------------------------------

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.id == party_id), None)

    def issue(self, issue_id: str) -> Issue | None:
        return next((i for i in self.issues if i.id == issue_id), None)

    def criteria_for(self, issue: Issue) -> list[Criterion]:
        """Criteria that apply to ``issue``: the shared ones, then its own."""
        return [*self.shared_criteria, *issue.criteria]

    def agreements_for(self, issue_id: str) -> list[TentativeAgreement]:
        """Every TA of the issue, superseded ones included (see ``standing_agreements``)."""
        return [ta for ta in self.agreements if ta.issue == issue_id]

    def standing_agreements(self, issue_id: str | None = None) -> list[TentativeAgreement]:
        """The TAs in force (of one issue, or all): a TA replaced by a later one of its issue
        (reopened and agreed again) is kept in the record but is not counted as agreed."""
        return [ta for ta in self.agreements if ta.superseded_by is None and (issue_id is None or ta.issue == issue_id)]

    def agreement_number(self, ta_id: str) -> int:
        """The TA's number as the record shows it: its place among all TAs, from 1 (0: none)."""
        return next((n for n, ta in enumerate(self.agreements, start=1) if ta.id == ta_id), 0)

    def holders(self) -> list[str]:
        """Who may hold an interest, in the order the room shows and cycles them: each party,
        then mutual."""
        return [p.id for p in self.parties] + [MUTUAL]

    def interest_groups(self, issue: Issue, *, keep_empty: bool = False) -> list[tuple[str, list[Interest]]]:
        """The interests of ``issue`` by holder, in the one order every view and export uses: each
        party, then mutual, then any other holder (an id no party has: shown, never dropped).
        ``keep_empty`` keeps a party's or mutual's group when it has no interest yet (the columns
        of the room and the session screen); an unknown holder only ever appears with interests."""
        groups: dict[str, list[Interest]] = {holder: [] for holder in self.holders()}
        for interest in issue.interests:
            groups.setdefault(interest.holder, []).append(interest)
        return [(holder, mine) for holder, mine in groups.items() if mine or keep_empty]

    def holder_label(self, holder: str) -> str:
        if holder == MUTUAL:
            return "Mutual"
        party = self.party(holder)
        return party.name if party else holder

    def holder_tag(self, holder: str) -> str:
        """The short tag real minutes use: (U), (M), (B) for both."""
        if holder == MUTUAL:
            return "B"
        party = self.party(holder)
        return party.short if party else holder

    def item_count(self) -> int:
        """Everything a person entered: issues and their items, TAs, parking lot, actions."""
        n = len(self.issues) + len(self.agreements) + len(self.parking_lot) + len(self.actions)
        for issue in self.issues:
            n += len(issue.interests) + len(issue.options) + len(issue.criteria) + len(issue.checks)
        return n

    def id_lists(self) -> list[list[Any]]:
        """Every list of items with an id, ids unique across all of them: the one place that
        says which kinds have ids (``new_id``, ``all_ids`` and the integrity check use it)."""
        lists: list[list[Any]] = [
            self.issues,
            self.shared_criteria,
            self.agreements,
            self.parking_lot,
            self.caucuses,
            self.actions,
        ]
        for issue in self.issues:
            lists += (issue.interests, issue.options, issue.criteria, issue.checks, issue.polls)
        return lists

    def all_ids(self) -> Iterator[str]:
        for group in self.id_lists():
            yield from (item.id for item in group)

    def new_id(self, prefix: str) -> str:
        """A stable id never used before in this session: ``prefix-N``.

        Ids of items that were struck since (an interest, a criterion) stay in the event log as
        targets: they count too, so a struck item's id is never given to a new one.
        """
        highest = _id_counter(self).highest(self, prefix)
        if self.previous is not None:  # the numbers the negotiation's earlier sessions used
            highest = max(highest, self.previous.ids.get(prefix, 0))
        return f"{prefix}-{highest + 1}"


# --- ids: the highest number of each prefix -----------------------------------------------------


def _numbered(ids: Iterable[str], into: dict[str, int]) -> dict[str, int]:
    """Add the ``prefix-N`` ids among ``ids`` to ``into`` (prefix -> highest N); others are skipped."""
    for item_id in ids:
        head, dash, tail = item_id.rpartition("-")
        # ASCII digits only: "issue-²" is no number (and int() would refuse it); an absurdly long
        # number cannot collide with one this counter hands out, and int() refuses it too.
        if dash and tail.isdecimal() and tail.isascii() and len(tail) < 4000:
            n = int(tail)
            if n > into.get(head, 0):
                into[head] = n
    return into


class _IdCounter:
    """The highest ``N`` of each ``prefix-N`` id of one session, kept current without a full scan.

    ``Session.new_id`` used to read every id and every event on each call (7.5 ms at 10,000
    items). This keeps, for each list of items, its ids and their highest numbers, and for the
    log, how far it was read. A call reads the ids of each list again (cheap: no parsing) and
    parses only a list whose ids changed, so anything that changes a list (an add, a remove, an
    undo that puts back a snapshot, items appended straight into a list, an id reassigned) is seen.
    The log is append-only: only its new events are read (a log that was replaced or shortened
    is read again from the start).
    """

    __slots__ = ("events", "events_read", "from_events", "last_target", "lists")

    def __init__(self) -> None:
        self.lists: dict[int, tuple[list[str], dict[str, int]]] = {}
        self.events: list[Event] | None = None
        self.events_read = 0
        self.last_target: str | None = None
        self.from_events: dict[str, int] = {}

    def highest(self, session: Session, prefix: str) -> int:
        best = self._from_events(session.events).get(prefix, 0)
        known = self.lists
        current: dict[int, tuple[list[str], dict[str, int]]] = {}
        for group in session.id_lists():
            ids = [item.id for item in group]
            entry = known.get(id(group))
            if entry is None or entry[0] != ids:
                entry = (ids, _numbered(ids, {}))
            current[id(group)] = entry
            found = entry[1].get(prefix, 0)
            if found > best:
                best = found
        self.lists = current  # lists that are gone are forgotten
        return best

    def _from_events(self, events: list[Event]) -> dict[str, int]:
        read = self.events_read
        if events is not self.events or len(events) < read or (read and events[read - 1].target != self.last_target):
            self.events, read, self.from_events = events, 0, {}
        if len(events) > read:
            _numbered([event.target for event in events[read:]], self.from_events)
            self.events_read = len(events)
            self.last_target = events[-1].target
        return self.from_events


_COUNTERS: dict[int, tuple[weakref.ref, _IdCounter]] = {}


def _id_counter(session: Session) -> _IdCounter:
    """The counter of ``session``, kept beside it (not in it: a model compares its private
    attributes, and a copy would share it) for as long as the session lives."""
    key = id(session)
    entry = _COUNTERS.get(key)
    if entry is None or entry[0]() is not session:

        def forget(ref: weakref.ref, key: int = key) -> None:
            if _COUNTERS.get(key, (None,))[0] is ref:
                del _COUNTERS[key]

        entry = _COUNTERS[key] = (weakref.ref(session, forget), _IdCounter())
    return entry[1]


# --- integrity: references between items ------------------------------------------------------


def integrity_problems(session: Session) -> list[tuple[str, str]]:
    """Problems that a single field cannot see: duplicate ids and dangling references.

    Returns ``(path, message)`` pairs with paths like ``issues[2].interests[0].holder``.

    Run on every load: the common case (no problem) tests each id and reference with set
    operations and builds no path; a path is only made for a problem found. A training table's
    scenario copy is not checked here but by ``scenario.scenario_copy_problems`` (a load runs
    both: ``store.session_problems``).
    """
    problems: list[tuple[str, str]] = []
    party_ids = [p.id for p in session.parties]
    party_set = set(party_ids)
    seen_parties: set[str] = set()
    for i, party in enumerate(session.parties):
        if party.id in seen_parties:
            problems.append((f"parties[{i}].id", f"duplicate party id {party.id!r}"))
        seen_parties.add(party.id)

    def party_ref(path: str, value: str, extra: str | None = None) -> None:
        allowed = [*party_ids, *([extra] if extra else [])]
        if value not in allowed:
            problems.append(
                (
                    path,
                    f"unknown party {value!r}; expected one of {', '.join(map(repr, allowed)) or 'no parties defined'}",
                )
            )

    seen: dict[str, str] = {}
    # Ids are checked one by one (with paths, for the messages) only when some id is empty or
    # used twice: with none, ``unique`` would report nothing.
    check_ids = _id_problem_somewhere(session)

    def unique(path: str, item_id: str) -> None:
        if not item_id:
            problems.append((path, "id must not be empty"))
        elif item_id in seen:
            problems.append((path, f"duplicate id {item_id!r} (first used at {seen[item_id]})"))
        else:
            seen[item_id] = path

    shared_ids = {crit.id for crit in session.shared_criteria}
    if check_ids:
        for c, crit in enumerate(session.shared_criteria):
            unique(f"shared_criteria[{c}].id", crit.id)

    stages = set(session.stage_order)
    holders = party_set | {MUTUAL}
    for n, issue in enumerate(session.issues):
        base = f"issues[{n}]"
        if check_ids:
            unique(f"{base}.id", issue.id)
        if issue.raised_by not in party_set and issue.raised_by != JOINT:
            party_ref(f"{base}.raised_by", issue.raised_by, JOINT)
        if issue.stage not in stages:
            problems.append((f"{base}.stage", f"stage {issue.stage.value!r} is not in stage_order"))
        interest_ids = {interest.id for interest in issue.interests}
        for k, interest in enumerate(issue.interests):
            if check_ids:
                unique(f"{base}.interests[{k}].id", interest.id)
            if interest.holder not in holders:
                party_ref(f"{base}.interests[{k}].holder", interest.holder, MUTUAL)
        options = issue.options
        option_ids = {o.id for o in options}
        # Each kind of reference is first tested for the whole issue at once; the options are
        # walked one by one (for the paths, in order) only when that finds something.
        odd = [o for o in options if o.state is OptionState.COMBINED or o.combined_into is not None]
        if (
            check_ids
            or not interest_ids.issuperset(chain.from_iterable([o.serves for o in options]))
            or not all(
                o.state is OptionState.COMBINED and o.combined_into in option_ids and o.combined_into != o.id
                for o in odd
            )
        ):
            for k, option in enumerate(options):
                if check_ids:
                    unique(f"{base}.options[{k}].id", option.id)
                for s, ref in enumerate(option.serves):
                    if ref not in interest_ids:
                        problems.append((f"{base}.options[{k}].serves[{s}]", f"no interest {ref!r} in this issue"))
                if option.state is OptionState.COMBINED:
                    if option.combined_into not in option_ids or option.combined_into == option.id:
                        problems.append(
                            (
                                f"{base}.options[{k}].combined_into",
                                "a combined option must name another option of this issue",
                            )
                        )
                elif option.combined_into is not None:
                    problems.append(
                        (f"{base}.options[{k}].combined_into", "only a combined option names the option it went into")
                    )
        criterion_ids = set(shared_ids)
        for k, crit in enumerate(issue.criteria):
            if check_ids:
                unique(f"{base}.criteria[{k}].id", crit.id)
            criterion_ids.add(crit.id)
        if not criterion_ids.issuperset(chain.from_iterable([o.scores for o in options])):
            for k, option in enumerate(options):
                for key in option.scores:
                    if key not in criterion_ids:
                        problems.append((f"{base}.options[{k}].scores.{key}", f"no criterion {key!r} for this issue"))
        checks = issue.checks
        if (
            check_ids
            or not option_ids.issuperset(chain.from_iterable([c.options for c in checks]))
            or not party_set.issuperset([r.party for c in checks for r in c.responses if r.party is not None])
        ):
            for k, check in enumerate(checks):
                if check_ids:
                    unique(f"{base}.checks[{k}].id", check.id)
                for s, ref in enumerate(check.options):
                    if ref not in option_ids:
                        problems.append((f"{base}.checks[{k}].options[{s}]", f"no option {ref!r} in this issue"))
                for r, response in enumerate(check.responses):
                    if response.party is not None:
                        party_ref(f"{base}.checks[{k}].responses[{r}].party", response.party)

        for k, poll in enumerate(issue.polls):
            if check_ids:
                unique(f"{base}.polls[{k}].id", poll.id)
            covered: set[str] = set()
            for s, ref in enumerate(poll.options):
                if ref not in option_ids:
                    problems.append((f"{base}.polls[{k}].options[{s}]", f"no option {ref!r} in this issue"))
                elif ref in covered:
                    problems.append((f"{base}.polls[{k}].options[{s}]", f"option {ref!r} is in this poll twice"))
                covered.add(ref)
            for r, mark in enumerate(poll.responses):
                if mark.party is not None:
                    party_ref(f"{base}.polls[{k}].responses[{r}].party", mark.party)
                for ref in mark.votes:
                    if ref not in covered:
                        problems.append(
                            (f"{base}.polls[{k}].responses[{r}].votes.{ref}", f"option {ref!r} is not in this poll")
                        )

    all_checks = {check.id: (issue, check) for issue in session.issues for check in issue.checks}
    issues_by_id: dict[str, Issue] = {}
    for issue in session.issues:
        issues_by_id.setdefault(issue.id, issue)  # the first of a duplicated id, as session.issue()
    for k, ta in enumerate(session.agreements):
        path = f"agreements[{k}]"
        if check_ids:
            unique(f"{path}.id", ta.id)
        ta_issue = issues_by_id.get(ta.issue)
        if ta_issue is None:
            problems.append((f"{path}.issue", f"no issue {ta.issue!r}"))
        if ta.check not in all_checks:
            problems.append((f"{path}.check", f"no consensus check {ta.check!r}"))
        elif ta_issue is not None and all_checks[ta.check][0] is not ta_issue:
            problems.append((f"{path}.check", f"check {ta.check!r} belongs to another issue"))
        elif all_checks[ta.check][1].outcome is not Outcome.CONSENSUS:
            problems.append((f"{path}.check", f"check {ta.check!r} did not reach consensus: a TA needs one"))
        if ta_issue is not None:
            opts = {o.id for o in ta_issue.options}
            for s, ref in enumerate(ta.options):
                if ref not in opts:
                    problems.append((f"{path}.options[{s}]", f"no option {ref!r} in issue {ta.issue!r}"))
        for s, initial in enumerate(ta.initials):
            party_ref(f"{path}.initials[{s}].party", initial.party)
        if ta.superseded_by is not None:
            later = next((other for other in session.agreements if other.id == ta.superseded_by), None)
            if later is None or later is ta:
                problems.append((f"{path}.superseded_by", f"no other TA {ta.superseded_by!r}"))
            elif later.issue != ta.issue:
                problems.append((f"{path}.superseded_by", f"TA {ta.superseded_by!r} is about another issue"))

    issue_ids = set(issues_by_id)
    for k, item in enumerate(session.parking_lot):
        if check_ids:
            unique(f"parking_lot[{k}].id", item.id)
        if item.issue is not None and item.issue not in issue_ids:
            problems.append((f"parking_lot[{k}].issue", f"no issue {item.issue!r}"))
    for k, caucus in enumerate(session.caucuses):
        if check_ids:
            unique(f"caucuses[{k}].id", caucus.id)
        party_ref(f"caucuses[{k}].party", caucus.party)
        if caucus.end is not None and caucus.end < caucus.start:
            problems.append((f"caucuses[{k}].end", "a caucus cannot end before it starts"))
    for k, action in enumerate(session.actions):
        if check_ids:
            unique(f"actions[{k}].id", action.id)
        if action.issue is not None and action.issue not in issue_ids:
            problems.append((f"actions[{k}].issue", f"no issue {action.issue!r}"))

    if session.cursor.issue is not None and session.cursor.issue not in issue_ids:
        problems.append(("cursor.issue", f"no issue {session.cursor.issue!r}"))
    if session.plan:
        problems.extend(plan_problems(session.plan))
    if session.costing is not None and session.costing.years:
        problems.extend(_costing_problems(session, len(session.costing.years)))
    if session.training is not None:
        problems.extend(_training_problems(session, session.training, party_ref))
    return problems


def _costing_problems(session: Session, years: int) -> list[tuple[str, str]]:
    """No budget and no cost line counts more years than the contract has."""
    problems: list[tuple[str, str]] = []
    assert session.costing is not None

    def over(path: str, n: int) -> None:
        problems.append((path, f"{n} amounts, but the contract has {years} years (costing.years)"))

    if len(session.costing.budget) > years:
        over("costing.budget", len(session.costing.budget))
    for n, issue in enumerate(session.issues):
        for k, option in enumerate(issue.options):
            for c, line in enumerate(option.costs):
                if len(line.amounts) > years:
                    over(f"issues[{n}].options[{k}].costs[{c}].amounts", len(line.amounts))
    for k, ta in enumerate(session.agreements):
        for c, line in enumerate(ta.costs):
            if len(line.amounts) > years:
                over(f"agreements[{k}].costs[{c}].amounts", len(line.amounts))
    return problems


def _id_problem_somewhere(session: Session) -> bool:
    """Whether any id of ``session`` (in the lists whose ids must be unique) is empty or repeated."""
    ids = list(session.all_ids())
    distinct = set(ids)
    return len(distinct) != len(ids) or "" in distinct


def _training_problems(session: Session, training: TrainingState, party_ref: Any) -> list[tuple[str, str]]:
    """A table's rounds run in order and do not overlap; reveals name parties.

    The scenario the table copied (``training.scenario``: plain data here) is checked where the
    scenario's shape lives, by ``scenario.scenario_copy_problems``, which a load runs right after
    these (``store.session_problems``): this module stays at the bottom and imports none of ours.
    """
    problems: list[tuple[str, str]] = []
    previous_end: datetime | None = None
    for k, rnd in enumerate(training.rounds):
        path = f"training.rounds[{k}]"
        if rnd.number != k + 1:
            problems.append(
                (f"{path}.number", f"round {rnd.number} is in place {k + 1}: rounds run 1, 2, 3 … in order")
            )
        if rnd.end is not None and rnd.end < rnd.start:
            problems.append((f"{path}.end", "a round cannot end before it starts"))
        if k < len(training.rounds) - 1 and rnd.end is None:
            problems.append((f"{path}.end", "only the last round may still be running"))
        if previous_end is not None and rnd.start < previous_end:
            problems.append((f"{path}.start", "a round cannot start before the one before it ended"))
        previous_end = rnd.end
    if training.finished is not None and training.rounds and training.rounds[-1].end is None:
        problems.append(("training.finished", "the simulation is finished but its last round is still running"))
    if training.table > training.tables:
        problems.append(("training.table", f"table {training.table} of {training.tables}: the class has fewer tables"))
    for k, reveal in enumerate(training.reveals):
        party_ref(f"training.reveals[{k}].party", reveal.party)
    seen: set[str] = set()
    for k, result in enumerate(training.results):
        if result.field in seen:
            problems.append((f"training.results[{k}].field", f"results field {result.field!r} is filled in twice"))
        seen.add(result.field)
    return problems
