"""Agendas and training scenarios: TOML templates a session starts from.

Bundled agendas ship in ``agendas/``; a user's own go in ``<user data dir>/agendas`` (see
``paths.user_agenda_dir``) and are listed beside them. An agenda prefills a new session: parties,
ground rules, decision rule, stage order and time boxes, meeting days, issues, criteria starters;
a training scenario (``kind = "scenario"``, a ``[scenario]`` table) adds the general brief, a
confidential brief per side, players' roles with their own briefs, timed rounds with new facts
and confidential updates, a results sheet, debrief questions and facilitator notes
(its shape and checks are in ``scenario.py``, re-exported here; ``training.py`` runs it;
``docs/trainers-guide.md`` shows a whole pack).

Loading an agenda file is here (``load_agenda``, ``discover``, ``find``): this module reads files
through ``store`` (which knows sessions, not agendas), so ``store`` never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pydantic import Field

from . import paths
from .model import (
    JOINT,
    DecisionRule,
    Issue,
    Member,
    Minutes,
    Model,
    Party,
    PlanBlock,
    PlanDay,
    Role,
    Session,
    Side,
    Slug,
    Stage,
    Text,
    WholeNumber,
    plan_problems,
)
from .process import stage_order_problem
from .scenario import Brief, ResultField, Round, Scenario, ScenarioRole, scenario_problems
from .store import StoreError, parse_toml, read_text, validate

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


class Agenda(Model):
    title: Text = Field(min_length=1)
    description: Text = Field(min_length=1, max_length=200, pattern=r"^[^\n]*$")  # one line, for `ibb agendas`
    kind: str = Field(default="negotiation", pattern="^(negotiation|problem_solving|training|scenario)$")
    organization: Text = ""
    bargaining_unit: Text = ""
    stage_order: list[Stage] = list(Stage)
    time_boxes: dict[Stage, Minutes] = {}  # 1 to 1440, whole numbers (as a session's)
    caucus_minutes: Minutes | None = None  # the ground rules' limit on a caucus, as the session's
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
    days = [
        PlanDay(blocks=[PlanBlock(time=b.time, minutes=b.minutes, title=b.title) for b in d.blocks])
        for d in agenda.meeting_days
    ]
    problems.extend((path.replace("plan[", "meeting_days[", 1), message) for path, message in plan_problems(days))
    if agenda.scenario:
        problems.extend(scenario_problems(agenda.scenario, party_ids, issue_ids, "scenario"))
    return problems


def load_agenda(path: Path | str) -> Agenda:
    """The agenda in ``path``, checked (``agenda_problems``), or a StoreError naming file and line."""
    path = Path(path)
    text = read_text(path)
    return validate(Agenda, parse_toml(text, str(path)), text, str(path), agenda_problems)


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
    """A fresh session prefilled from ``agenda``: everything in it stays editable. Its meeting
    days are weekdays from ``start``, one per agenda day, and its plan keeps each day's blocks."""
    start = start or date.today()
    days = _weekdays(start, len(agenda.meeting_days) or 1)
    session = Session(
        title=title or agenda.title,
        organization=agenda.organization,
        bargaining_unit=agenda.bargaining_unit,
        agenda=name,
        meeting_days=days,
        # the day blocks (times, titles), each day on its planned date: the day on the wall
        plan=[
            PlanDay(
                date=on,
                title=day.title,
                blocks=[PlanBlock(time=b.time, minutes=b.minutes, title=b.title) for b in day.blocks],
            )
            for on, day in zip(days, agenda.meeting_days)
            if day.blocks
        ],
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
        caucus_minutes=agenda.caucus_minutes,
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


__all__ = [
    "Agenda",
    "AgendaEntry",
    "Brief",
    "ResultField",
    "Round",
    "Scenario",
    "ScenarioRole",
    "agenda_problems",
    "discover",
    "find",
    "load_agenda",
    "new_session",
    "scenario_problems",
]
