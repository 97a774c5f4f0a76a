"""Agendas and training scenarios: TOML templates a session starts from.

Bundled agendas ship in ``agendas/``; a user's own go in ``<user data dir>/agendas`` (see
``paths.user_agenda_dir``) and are listed beside them. An agenda prefills a new session: parties,
ground rules, decision rule, stage order and time boxes, meeting days, issues, criteria starters;
a training scenario (``kind = "scenario"``, a ``[scenario]`` table) adds the general brief, a
confidential brief per side, players' roles with their own briefs, timed rounds with new facts
and confidential updates, a results sheet, debrief questions and facilitator notes
(``training.py`` runs it; ``docs/trainers-guide.md`` shows a whole pack).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from typing import Any

from pydantic import Field, field_validator

from . import paths
from .model import (
    JOINT,
    DecisionRule,
    Issue,
    Member,
    Minutes,
    Model,
    Party,
    Role,
    Session,
    Side,
    Slug,
    Stage,
    Text,
    WholeNumber,
)
from .process import stage_order_problem

BUNDLED_DIR = Path(__file__).resolve().parent / "agendas"


class AgendaMember(Model):
    name: Text = Field(min_length=1)
    role: Role = Role.MEMBER
    title: Text = ""


class AgendaParty(Model):
    id: Slug
    name: Text = Field(min_length=1)
    short: Text = Field(min_length=1, max_length=12)
    side: Side = Side.OTHER
    members: list[AgendaMember] = []


class AgendaIssue(Model):
    id: Slug | None = None  # a name scenarios refer to (rounds, briefs)
    statement: Text = Field(min_length=1)
    article: Text = ""
    raised_by: str = JOINT
    data_needed: Text = ""


class Block(Model):
    """One block of a meeting day: "09:00 Opening and ground rules"."""

    time: Text = Field(default="", pattern=r"^$|^([01]\d|2[0-3]):[0-5]\d$")  # "09:30"
    minutes: WholeNumber = Field(default=0, ge=0, le=24 * 60)
    title: Text = Field(min_length=1)


class MeetingDay(Model):
    title: Text = Field(min_length=1)
    blocks: list[Block] = []


class Brief(Model):
    """A confidential brief for one party's side (and, with ``role``, for one player on it)."""

    party: Slug
    role: Text = ""  # empty: the whole side; else a role's id or title on that side
    title: Text = ""
    text: Text = Field(min_length=1)


class ScenarioRole(Model):
    """A player's part in a simulation: which side they play for, and their own brief.

    ``side`` names a party id (``labor``, ``management``): a role with no side is refused.
    """

    id: Slug | None = None  # optional short name a brief's ``role`` may use
    side: Slug
    title: Text = Field(min_length=1)  # "Association president"
    name: Text = ""  # the character: "Joe Castillo"
    brief: Text = ""  # the role's own confidential instructions (optional)


class Round(Model):
    title: Text = Field(min_length=1)
    minutes: WholeNumber = Field(ge=1, le=24 * 60)  # the round's time box: required
    issues: list[Slug] = []  # issue ids in play this round (empty: all)
    facts: Text = ""  # new facts announced to every table at the start of the round
    briefs: list[Brief] = []  # confidential updates for one side, from this round on


class ResultField(Model):
    """One line of the results sheet a table fills in at the end."""

    id: Slug
    label: Text = Field(min_length=1)
    issue: Slug | None = None  # the issue it records, when it records one
    hint: Text = ""  # what to write: "% in each year", "yes or no"


class Scenario(Model):
    """A simulation: what everyone reads, what each side (and player) alone reads, the rounds,
    the results sheet and the debrief. ``scenario_problems`` checks its references."""

    general_brief: Text = Field(min_length=1)
    briefs: list[Brief] = Field(min_length=1)
    roles: list[ScenarioRole] = []
    preparation_minutes: WholeNumber = Field(default=0, ge=0, le=24 * 60)  # the preparation caucus
    rounds: list[Round] = Field(min_length=1)
    results_fields: list[ResultField] = []  # a plain line of text, or a table with an id
    debrief_questions: list[Text] = []
    facilitator_notes: Text = ""

    @field_validator("results_fields", mode="before")
    @classmethod
    def _plain_lines(cls, value: Any) -> Any:
        """A plain line of text is a field with the id ``result-N`` (N: its place on the sheet)."""
        if isinstance(value, list):
            return [{"id": f"result-{n}", "label": item} if isinstance(item, str) else item for n, item in enumerate(value, start=1)]
        return value


class Agenda(Model):
    title: Text = Field(min_length=1)
    description: Text = Field(min_length=1, max_length=200, pattern=r"^[^\n]*$")  # one line, for `ibb agendas`
    kind: str = Field(default="negotiation", pattern="^(negotiation|problem_solving|training|scenario)$")
    organization: Text = ""
    bargaining_unit: Text = ""
    stage_order: list[Stage] = list(Stage)
    time_boxes: dict[Stage, Minutes] = {}  # 1 to 1440, whole numbers (as a session's)
    decision_rule: DecisionRule = DecisionRule()
    ground_rules: list[Text] = []
    parties: list[AgendaParty] = Field(default_factory=list)
    meeting_days: list[MeetingDay] = []
    issues: list[AgendaIssue] = []
    criteria_starters: list[Text] = []
    scenario: Scenario | None = None


def agenda_problems(agenda: Agenda) -> list[tuple[str, str]]:
    """Cross-references a single field cannot check, as ``(path, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    reason = stage_order_problem(agenda.stage_order)
    if reason:
        problems.append(("stage_order", reason))
    party_ids: list[str] = []
    for n, party in enumerate(agenda.parties):
        if party.id in party_ids:
            problems.append((f"parties[{n}].id", f"duplicate party id {party.id!r}"))
        party_ids.append(party.id)
    issue_ids: list[str] = []
    for n, issue in enumerate(agenda.issues):
        if issue.raised_by not in (JOINT, *party_ids):
            problems.append((f"issues[{n}].raised_by", f"{issue.raised_by!r} is not a party id or 'joint'"))
        if issue.id:
            if issue.id in issue_ids:
                problems.append((f"issues[{n}].id", f"duplicate issue id {issue.id!r}"))
            issue_ids.append(issue.id)
    if agenda.scenario:
        problems.extend(scenario_problems(agenda.scenario, party_ids, issue_ids, "scenario"))
    return problems


def scenario_problems(scenario: Scenario, party_ids: list[str], issue_ids: list[str], base: str = "scenario") -> list[tuple[str, str]]:
    """A scenario's references to parties, roles and issues, as ``(path, message)`` pairs.

    Every party gets a confidential brief of its own; a role plays for a party; a brief's role is
    a role of that party (when the scenario lists roles); a round or a results line names issues
    that exist. ``base`` is where the scenario sits in its file (``scenario`` in an agenda).
    """
    problems: list[tuple[str, str]] = []
    parties = ", ".join(party_ids) or "none defined"

    def party_ref(path: str, value: str) -> bool:
        if value not in party_ids:
            problems.append((path, f"{value!r} is not one of the parties ({parties})"))
            return False
        return True

    role_names: dict[str, set[str]] = {}
    role_ids: list[str] = []
    for n, role in enumerate(scenario.roles):
        path = f"{base}.roles[{n}]"
        party_ref(f"{path}.side", role.side)
        if role.id:
            if role.id in role_ids:
                problems.append((f"{path}.id", f"duplicate role id {role.id!r}"))
            role_ids.append(role.id)
        role_names.setdefault(role.side, set()).update({role.title.casefold(), *([role.id] if role.id else [])})

    def briefs(path: str, items: list[Brief], need_every_side: bool) -> None:
        sides: set[str] = set()
        for n, brief in enumerate(items):
            if not party_ref(f"{path}[{n}].party", brief.party):
                need_every_side = False  # most likely the missing side, misspelt: one error, here
                continue
            if brief.role:
                known = role_names.get(brief.party, set())
                if scenario.roles and brief.role.casefold() not in known and brief.role not in known:
                    problems.append((f"{path}[{n}].role", f"{brief.role!r} is not a role of {brief.party!r} in scenario.roles"))
            else:
                sides.add(brief.party)
        if need_every_side:
            for party in party_ids:
                if party not in sides:
                    problems.append((path, f"no confidential brief for {party!r}: every side needs one (a brief with party = {party!r} and no role)"))

    briefs(f"{base}.briefs", scenario.briefs, need_every_side=True)
    for n, rnd in enumerate(scenario.rounds):
        path = f"{base}.rounds[{n}]"
        for k, ref in enumerate(rnd.issues):
            if ref not in issue_ids:
                problems.append((f"{path}.issues[{k}]", f"{ref!r} is not an issue id of this scenario"))
        briefs(f"{path}.briefs", rnd.briefs, need_every_side=False)
    field_ids: list[str] = []
    for n, item in enumerate(scenario.results_fields):
        if item.id in field_ids:
            problems.append((f"{base}.results_fields[{n}].id", f"duplicate results field id {item.id!r}"))
        field_ids.append(item.id)
        if item.issue is not None and item.issue not in issue_ids:
            problems.append((f"{base}.results_fields[{n}].issue", f"{item.issue!r} is not an issue id of this scenario"))
    return problems


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda file found on disk: its name (the file stem), where it is, and whether it loaded."""

    name: str
    path: Path
    source: str  # "bundled" or "user"
    agenda: Agenda | None
    error: str | None = None


def discover(user_dir: Path | None = None) -> list[AgendaEntry]:
    """Every bundled agenda, then the user's own; a user agenda with a bundled name shadows it."""
    from .store import StoreError, load_agenda  # store imports model only; no cycle at import time

    user_dir = paths.user_agenda_dir() if user_dir is None else user_dir
    found: dict[str, AgendaEntry] = {}
    for source, folder in (("bundled", BUNDLED_DIR), ("user", user_dir)):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                entry = AgendaEntry(path.stem, path, source, load_agenda(path))
            except StoreError as exc:
                entry = AgendaEntry(path.stem, path, source, None, str(exc))
            found[path.stem] = entry
    return sorted(found.values(), key=lambda e: (e.source != "bundled", e.name))


def find(name_or_path: str, user_dir: Path | None = None) -> tuple[str, Agenda]:
    """An agenda by name (bundled or user) or by file path. Raises StoreError or LookupError."""
    from .store import load_agenda

    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or "/" in name_or_path or "\\" in name_or_path:
        return candidate.stem, load_agenda(candidate)
    for entry in discover(user_dir):
        if entry.name == name_or_path:
            if entry.agenda is None:
                raise LookupError(entry.error or f"agenda {name_or_path!r} did not load")
            return entry.name, entry.agenda
    names = ", ".join(e.name for e in discover(user_dir)) or "none"
    raise LookupError(f"no agenda named {name_or_path!r}; available: {names}")


def _weekdays(start: date, count: int) -> list[date]:
    """``count`` meeting days from ``start``, skipping weekends."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5 or (not days and day == start):
            days.append(day)
        day += timedelta(days=1)
    return days


def new_session(agenda: Agenda, name: str = "", *, title: str = "", start: date | None = None) -> Session:
    """A fresh session prefilled from ``agenda``: everything in it stays editable."""
    start = start or date.today()
    session = Session(
        title=title or agenda.title,
        organization=agenda.organization,
        bargaining_unit=agenda.bargaining_unit,
        agenda=name,
        meeting_days=_weekdays(start, len(agenda.meeting_days) or 1),
        parties=[
            Party(
                id=p.id,
                name=p.name,
                short=p.short,
                side=p.side,
                members=[Member(name=m.name, role=m.role, title=m.title) for m in p.members],
            )
            for p in agenda.parties
        ],
        ground_rules=list(agenda.ground_rules),
        decision_rule=agenda.decision_rule.model_copy(),
        stage_order=list(agenda.stage_order),
        time_boxes=dict(agenda.time_boxes),
        criteria_starters=list(agenda.criteria_starters),
    )
    for n, item in enumerate(agenda.issues, start=1):
        session.issues.append(
            Issue(
                id=item.id or f"issue-{n}",  # scenario rounds and briefs refer to their issue ids
                statement=item.statement,
                article=item.article,
                raised_by=item.raised_by,
                data_needed=item.data_needed,
            )
        )
    if session.issues:
        session.cursor.issue = session.issues[0].id
    return session


__all__ = ["Agenda", "AgendaEntry", "Brief", "ResultField", "Round", "Scenario", "ScenarioRole", "discover", "find", "new_session", "scenario_problems"]
