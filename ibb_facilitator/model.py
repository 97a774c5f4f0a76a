"""The session model: everything a joint IBB team records, as pydantic v2 models.

This module holds data shapes and the invariants of a single file (ids are unique, references
point at things that exist). The rules of the process (stage order, what counts as consensus,
which status changes are allowed) live in ``process.py``; loading and saving in ``store.py``.

Never import textual or rich here: the model is shared by the CLI, the exporters and the TUI.
"""

from __future__ import annotations

import re
import uuid
from itertools import chain
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Iterator

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

MUTUAL = "mutual"  # interest holder shared by every party
JOINT = "joint"  # an issue raised by the joint team rather than one party


def now() -> datetime:
    """The current local time with its UTC offset, to the second (what the files store)."""
    return datetime.now().astimezone().replace(microsecond=0)


def _no_surrogates(value: str) -> str:
    # Lone surrogates cannot be written as UTF-8: refuse them here rather than fail on save.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text contains characters that cannot be stored (lone surrogates)") from exc
    return value


Text = Annotated[str, AfterValidator(_no_surrogates)]
"""Free text a person typed. Stored and shown exactly as typed."""


def _require_offset(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp needs a UTC offset, e.g. 2026-11-23T09:30:00-05:00")
    return value


Stamp = Annotated[datetime, AfterValidator(_require_offset)]
"""A moment, always with its UTC offset (files are read in other time zones)."""

_SLUG = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError("must be a short lowercase name: a letter, then letters, digits, '-' or '_'")
    if value in (MUTUAL, JOINT):
        raise ValueError(f"{value!r} is reserved")
    return value


Slug = Annotated[str, AfterValidator(_slug)]


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


class ActionKind(StrEnum):
    ACTION = "action"
    INFO_REQUEST = "info_request"


class Model(BaseModel):
    """Base for every stored shape: unknown keys are an error (a typo must not vanish silently)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)


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
    fist_minimum: int = Field(default=3, ge=0, le=5)  # fist-to-five: everyone at or above
    gradient_threshold: int = Field(default=6, ge=1, le=7)  # gradients: worst acceptable point


# --- per-issue artifacts ----------------------------------------------------------------------


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


class Criterion(Model):
    id: str
    text: Text = Field(min_length=1)


class Rating(Model):
    """How well one option meets one criterion: 0 (not at all) to 5 (fully)."""

    option: str
    criterion: str
    score: int = Field(ge=0, le=5)


class Response(Model):
    """One answer in a consensus check: a participant's (by name) or, for per-party, a party's."""

    who: Text = Field(min_length=1)  # a member's name, or a party id for per-party concurrence
    party: str | None = None  # the member's party id (left out for per-party responses)
    value: int | str


class ConsensusCheck(Model):
    id: str
    method: Method
    at: Stamp
    proposal: Text = ""  # what was tested, in the room's words
    options: list[str] = []  # the option ids the proposal draws on
    responses: list[Response] = []
    outcome: Outcome
    note: Text = ""  # what would bring people up, next step


class Issue(Model):
    id: str
    statement: Text = Field(min_length=1)  # neutral: "How can we ...?"
    raised_by: str = JOINT  # a party id, or "joint"
    article: Text = ""  # contract article it touches
    data_needed: Text = ""
    status: IssueStatus = IssueStatus.OPEN
    stage: Stage = Stage.ISSUES
    brainstorming: bool = False  # while true, options may not be set aside or combined
    notes: Text = ""
    interests: list[Interest] = []
    options: list[Option] = []
    criteria: list[Criterion] = []
    ratings: list[Rating] = []
    checks: list[ConsensusCheck] = []


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
    initials: list[Initial] = []


class ParkingItem(Model):
    id: str
    text: Text = Field(min_length=1)
    owner: Text = ""
    issue: str | None = None  # where it came up
    resolved: bool = False
    created: Stamp


class Caucus(Model):
    id: str
    party: str
    called_by: Text = ""
    reason: Text = ""
    start: Stamp
    end: Stamp | None = None


class ActionItem(Model):
    id: str
    kind: ActionKind = ActionKind.ACTION
    text: Text = Field(min_length=1)
    owner: Text = ""  # a person, or a party id
    requested_of: Text = ""  # information requests: who must provide it
    due: date | None = None
    done: bool = False
    issue: str | None = None


class Event(Model):
    """One line of the append-only log: what changed, when, on what."""

    at: Stamp
    action: str  # "issue.add", "interest.edit", "check.record", ...
    target: str = ""  # the id the change touched
    summary: Text = ""  # human-readable: 'Added interest "..." (labor)'
    data: dict[Text, Text | int | bool | list[Text]] = {}  # the new values, for replay


class Cursor(Model):
    """Where the team is, so reopening a file lands on the same issue and stage."""

    issue: str | None = None
    stage: Stage = Stage.ISSUES


# --- training: one table of a simulation -------------------------------------------------------


class TrainingRound(Model):
    """One round as this table ran it; ``number`` counts the scenario's rounds from 1."""

    number: int = Field(ge=1, le=99)
    start: Stamp
    end: Stamp | None = None


class Reveal(Model):
    """A confidential brief was opened on this table's screen: whose and when, never what it says."""

    party: str
    role: Text = ""  # empty: the side's brief
    round: int = Field(default=0, ge=0, le=99)  # 0: before the first round
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
    table: int = Field(default=1, ge=1, le=999)
    tables: int = Field(default=1, ge=1, le=999)  # how many tables the class runs
    finished: Stamp | None = None
    rounds: list[TrainingRound] = []
    reveals: list[Reveal] = []
    results: list[TrainingResult] = []
    scenario: dict[str, Any]  # last: the long copy follows what the table did


class Session(Model):
    schema_version: int = SCHEMA_VERSION
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
    time_boxes: dict[Stage, int] = {}  # minutes per stage
    criteria_starters: list[Text] = []  # offered when the team sets criteria
    shared_criteria: list[Criterion] = []  # criteria that apply to every issue
    cursor: Cursor = Cursor()
    issues: list[Issue] = []
    agreements: list[TentativeAgreement] = []
    parking_lot: list[ParkingItem] = []
    caucuses: list[Caucus] = []
    actions: list[ActionItem] = []
    events: list[Event] = []
    training: TrainingState | None = None  # set when the session is a table of a simulation


    # -- look-ups ------------------------------------------------------------------------------

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.id == party_id), None)

    def issue(self, issue_id: str) -> Issue | None:
        return next((i for i in self.issues if i.id == issue_id), None)

    def criteria_for(self, issue: Issue) -> list[Criterion]:
        """Criteria that apply to ``issue``: the shared ones, then its own."""
        return [*self.shared_criteria, *issue.criteria]

    def agreements_for(self, issue_id: str) -> list[TentativeAgreement]:
        return [ta for ta in self.agreements if ta.issue == issue_id]

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

    def all_ids(self) -> Iterator[str]:
        for issue in self.issues:
            yield issue.id
            for group in (issue.interests, issue.options, issue.criteria, issue.checks):
                yield from (item.id for item in group)
        for group in (self.shared_criteria, self.agreements, self.parking_lot, self.caucuses, self.actions):
            yield from (item.id for item in group)

    def new_id(self, prefix: str) -> str:
        """A stable id never used before in this session: ``prefix-N``.

        Ids of items that were struck since (an interest, a criterion) stay in the event log as
        targets: they count too, so a struck item's id is never given to a new one.
        """
        highest = 0
        dash = prefix + "-"
        for existing in chain(self.all_ids(), (event.target for event in self.events)):
            if existing.startswith(dash) and existing[len(dash) :].isdigit():
                highest = max(highest, int(existing[len(dash) :]))
        return f"{prefix}-{highest + 1}"


# --- integrity: references between items ------------------------------------------------------


def integrity_problems(session: Session) -> list[tuple[str, str]]:
    """Problems that a single field cannot see: duplicate ids and dangling references.

    Returns ``(path, message)`` pairs with paths like ``issues[2].interests[0].holder``.
    """
    problems: list[tuple[str, str]] = []
    party_ids = [p.id for p in session.parties]
    seen_parties: set[str] = set()
    for i, party in enumerate(session.parties):
        if party.id in seen_parties:
            problems.append((f"parties[{i}].id", f"duplicate party id {party.id!r}"))
        seen_parties.add(party.id)

    def party_ref(path: str, value: str, extra: str | None = None) -> None:
        allowed = [*party_ids, *([extra] if extra else [])]
        if value not in allowed:
            problems.append((path, f"unknown party {value!r}; expected one of {', '.join(map(repr, allowed)) or 'no parties defined'}"))

    seen: dict[str, str] = {}

    def unique(path: str, item_id: str) -> None:
        if not item_id:
            problems.append((path, "id must not be empty"))
        elif item_id in seen:
            problems.append((path, f"duplicate id {item_id!r} (first used at {seen[item_id]})"))
        else:
            seen[item_id] = path

    shared_ids = set()
    for c, crit in enumerate(session.shared_criteria):
        unique(f"shared_criteria[{c}].id", crit.id)
        shared_ids.add(crit.id)

    stages = set(session.stage_order)
    for n, issue in enumerate(session.issues):
        base = f"issues[{n}]"
        unique(f"{base}.id", issue.id)
        party_ref(f"{base}.raised_by", issue.raised_by, JOINT)
        if issue.stage not in stages:
            problems.append((f"{base}.stage", f"stage {issue.stage.value!r} is not in stage_order"))
        interest_ids = set()
        for k, interest in enumerate(issue.interests):
            unique(f"{base}.interests[{k}].id", interest.id)
            party_ref(f"{base}.interests[{k}].holder", interest.holder, MUTUAL)
            interest_ids.add(interest.id)
        option_ids = {o.id for o in issue.options}
        for k, option in enumerate(issue.options):
            path = f"{base}.options[{k}]"
            unique(f"{path}.id", option.id)
            for s, ref in enumerate(option.serves):
                if ref not in interest_ids:
                    problems.append((f"{path}.serves[{s}]", f"no interest {ref!r} in this issue"))
            if option.state is OptionState.COMBINED:
                if option.combined_into not in option_ids or option.combined_into == option.id:
                    problems.append((f"{path}.combined_into", "a combined option must name another option of this issue"))
            elif option.combined_into is not None:
                problems.append((f"{path}.combined_into", "only a combined option names the option it went into"))
        criterion_ids = set(shared_ids)
        for k, crit in enumerate(issue.criteria):
            unique(f"{base}.criteria[{k}].id", crit.id)
            criterion_ids.add(crit.id)
        pairs = set()
        for k, rating in enumerate(issue.ratings):
            pair = (rating.option, rating.criterion)
            if pair in pairs or rating.option not in option_ids or rating.criterion not in criterion_ids:
                path = f"{base}.ratings[{k}]"  # built only for a problem: most files have none
                if rating.option not in option_ids:
                    problems.append((f"{path}.option", f"no option {rating.option!r} in this issue"))
                if rating.criterion not in criterion_ids:
                    problems.append((f"{path}.criterion", f"no criterion {rating.criterion!r} for this issue"))
                if pair in pairs:
                    problems.append((path, f"option {rating.option!r} is rated twice against {rating.criterion!r}"))
            pairs.add(pair)
        for k, check in enumerate(issue.checks):
            path = f"{base}.checks[{k}]"
            unique(f"{path}.id", check.id)
            for s, ref in enumerate(check.options):
                if ref not in option_ids:
                    problems.append((f"{path}.options[{s}]", f"no option {ref!r} in this issue"))
            for r, response in enumerate(check.responses):
                if response.party is not None:
                    party_ref(f"{path}.responses[{r}].party", response.party)

    checks = {check.id: (issue, check) for issue in session.issues for check in issue.checks}
    for k, ta in enumerate(session.agreements):
        path = f"agreements[{k}]"
        unique(f"{path}.id", ta.id)
        issue = session.issue(ta.issue)
        if issue is None:
            problems.append((f"{path}.issue", f"no issue {ta.issue!r}"))
        if ta.check not in checks:
            problems.append((f"{path}.check", f"no consensus check {ta.check!r}"))
        elif issue is not None and checks[ta.check][0] is not issue:
            problems.append((f"{path}.check", f"check {ta.check!r} belongs to another issue"))
        elif checks[ta.check][1].outcome is not Outcome.CONSENSUS:
            problems.append((f"{path}.check", f"check {ta.check!r} did not reach consensus: a TA needs one"))
        if issue is not None:
            opts = {o.id for o in issue.options}
            for s, ref in enumerate(ta.options):
                if ref not in opts:
                    problems.append((f"{path}.options[{s}]", f"no option {ref!r} in issue {ta.issue!r}"))
        for s, initial in enumerate(ta.initials):
            party_ref(f"{path}.initials[{s}].party", initial.party)

    issue_ids = {i.id for i in session.issues}
    for k, item in enumerate(session.parking_lot):
        unique(f"parking_lot[{k}].id", item.id)
        if item.issue is not None and item.issue not in issue_ids:
            problems.append((f"parking_lot[{k}].issue", f"no issue {item.issue!r}"))
    for k, caucus in enumerate(session.caucuses):
        unique(f"caucuses[{k}].id", caucus.id)
        party_ref(f"caucuses[{k}].party", caucus.party)
        if caucus.end is not None and caucus.end < caucus.start:
            problems.append((f"caucuses[{k}].end", "a caucus cannot end before it starts"))
    for k, action in enumerate(session.actions):
        unique(f"actions[{k}].id", action.id)
        if action.issue is not None and action.issue not in issue_ids:
            problems.append((f"actions[{k}].issue", f"no issue {action.issue!r}"))

    if session.cursor.issue is not None and session.cursor.issue not in issue_ids:
        problems.append(("cursor.issue", f"no issue {session.cursor.issue!r}"))
    if session.training is not None:
        problems.extend(_training_problems(session, session.training, party_ref))
    return problems


def _training_problems(session: Session, training: TrainingState, party_ref: Any) -> list[tuple[str, str]]:
    """A table's rounds run in order and do not overlap; reveals name parties; the copied
    scenario is a valid one for this session's parties and issues (checked in ``training.py``,
    imported here at call time: it imports this module)."""
    from .training import scenario_copy_problems

    problems: list[tuple[str, str]] = []
    previous_end: datetime | None = None
    for k, rnd in enumerate(training.rounds):
        path = f"training.rounds[{k}]"
        if rnd.number != k + 1:
            problems.append((f"{path}.number", f"round {rnd.number} is in place {k + 1}: rounds run 1, 2, 3 … in order"))
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
    problems.extend(scenario_copy_problems(session, training))
    return problems
