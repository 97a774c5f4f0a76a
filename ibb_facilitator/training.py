"""Training mode: one table of a bargaining simulation, and the debrief across a class's tables.

A trainer runs a scenario pack (``agendas/scenario-*.toml``: general brief, confidential briefs
per side and per role, timed rounds whose facts change, a results sheet, debrief questions) at
several tables at once. Each table is an ordinary session file with a ``training`` table in it
(``model.TrainingState``) holding a copy of the scenario, the rounds as the table ran them, which
confidential briefs were opened (never their text) and the results sheet as the table filled it.

This module changes a session the way ``editing`` does (check first, then change, then log one
``Event``; a refused change raises ``RuleError`` and leaves the session untouched) and builds the
debrief: one ``TableSummary`` per table file, broken files kept with their error. The scenario's
shape, and the check of the copy a table keeps (which ``store`` runs when a file loads), are in
``scenario.py``.

Never import textual or rich here: ``ibb debrief`` and the exporters use it without the TUI.

Over 500 lines on purpose: every verb a table uses (rounds, briefs, results) and the debrief that
reads them are checked against the same few rules, kept beside each other like ``editing``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .agenda import Agenda, new_session
from .costing import format_amount
from .editing import RuleError
from .model import (
    MUTUAL,
    Event,
    Issue,
    IssueStatus,
    Outcome,
    Reveal,
    Session,
    Stage,
    TrainingResult,
    TrainingRound,
    TrainingState,
    now,
)
from .scenario import CostTableRow, ResultField, Round, Scenario, role_briefs, role_cost_table
from .store import StoreError, load_session

#: Table files in a class folder are named like this (``ibb train --tables N``).
TABLE_FILE = "table-{n}.toml"


# --- the scenario a table plays ---------------------------------------------------------------


def _clean(value: Any) -> Any:
    """Plain data without None, empty strings or empty lists (TOML has no null; defaults are empty)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = _clean(item)
            if item is None or item == "" or item == []:
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def embed(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the plain data a table's file keeps (``training.scenario``)."""
    return _clean(scenario.model_dump(mode="json"))


def scenario_of(session: Session) -> Scenario:
    """The scenario a table plays (its copy in the file). RuleError when it is not a table."""
    if session.training is None:
        raise RuleError("this session is not a training table (start one with `ibb train SCENARIO`)")
    try:
        return Scenario.model_validate(session.training.scenario)
    except ValidationError as exc:
        raise RuleError(f"the scenario in this file is not valid: {exc.errors(include_url=False)[0]['msg']}") from None


# --- the trainer's passphrase -------------------------------------------------------------------

#: scrypt's cost (2**14, 8, 1: ~30 ms a try, 16 MiB): a guess at a table takes as long
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
PASSPHRASE_MIN = 6


def passphrase_problem(text: str) -> str | None:
    """Why ``text`` cannot be the trainer's passphrase, or None."""
    if len(text.strip()) < PASSPHRASE_MIN:
        return f"a trainer's passphrase has at least {PASSPHRASE_MIN} characters"
    if len(text) > 200:
        return "a trainer's passphrase has at most 200 characters"
    return None


def hash_passphrase(text: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$SALT$HASH`` (base64): what a table's file keeps of the trainer's passphrase."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(text.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def passphrase_ok(session: Session, text: str) -> bool:
    """Whether ``text`` is the trainer's passphrase this table was made with (False without one)."""
    key = session.training.trainer_key if session.training else ""
    try:
        kind, n, r, p, salt, digest = key.split("$")
        if kind != "scrypt":
            return False
        found = hashlib.scrypt(
            text.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
        return hmac.compare_digest(found, base64.b64decode(digest))
    except (ValueError, TypeError, MemoryError):  # a damaged or hostile key: never a match
        return False


def new_table(
    agenda: Agenda,
    name: str,
    *,
    table: int = 1,
    tables: int = 1,
    start: date | None = None,
    round_minutes: list[int] | None = None,
    passphrase: str | None = None,
) -> Session:
    """A fresh table of the simulation ``agenda`` (a scenario pack): its issues, parties, rules.

    ``round_minutes`` shortens (or lengthens) the rounds for this class: one number for every
    round, or one a round (the training day's 75-minute slot fits two rounds of 35).
    ``passphrase``: the trainer's; the facilitator notes (every team's bottom line) stay in the
    table's file behind it. Without one they are left out of the file: players sit at these
    laptops, and the trainer has the pack (and its handouts).
    """
    if agenda.scenario is None:
        raise ValueError(f"{name!r} is not a training scenario (it has no [scenario] table); see `ibb agendas`")
    if not 1 <= table <= tables:
        raise ValueError(f"table {table} of {tables}: tables are numbered from 1")
    scenario = agenda.scenario
    if round_minutes:
        rounds = scenario.rounds
        if len(round_minutes) not in (1, len(rounds)):
            raise ValueError(f"give one number of minutes for every round, or one for each of the {len(rounds)} rounds")
        minutes = round_minutes * len(rounds) if len(round_minutes) == 1 else round_minutes
        if not all(1 <= m <= 24 * 60 for m in minutes):
            raise ValueError("a round lasts from 1 to 1440 minutes")
        scenario = scenario.model_copy(
            update={"rounds": [r.model_copy(update={"minutes": m}) for r, m in zip(rounds, minutes)]}
        )
    key = ""
    if passphrase is not None:
        problem = passphrase_problem(passphrase)
        if problem:
            raise ValueError(problem)
        key = hash_passphrase(passphrase)
    elif scenario.facilitator_notes:
        scenario = scenario.model_copy(update={"facilitator_notes": ""})
    title = agenda.title if tables == 1 else f"{agenda.title}: table {table}"
    session = new_session(agenda, name, title=title, start=start)
    session.plan = []  # a table keeps its time by its rounds (the trainer's menu), not by a day plan
    session.training = TrainingState(
        scenario_name=name, table=table, tables=tables, trainer_key=key, scenario=embed(scenario)
    )
    return session


# --- rounds -----------------------------------------------------------------------------------


def running_round(session: Session) -> TrainingRound | None:
    training = session.training
    if training is None or not training.rounds or training.rounds[-1].end is not None:
        return None
    return training.rounds[-1]


def round_spec(session: Session, number: int) -> Round:
    """The scenario's round ``number`` (from 1)."""
    return scenario_of(session).rounds[number - 1]


def phase(session: Session) -> str:
    """Where the table is: "preparation" (before round 1), "round", "between" rounds, "finished"."""
    training = session.training
    if training is None:
        return ""
    if training.finished is not None:
        return "finished"
    if not training.rounds:
        return "preparation"
    return "round" if training.rounds[-1].end is None else "between"


def next_round_number(session: Session) -> int | None:
    """The round that starts next, or None when the last one has started (or all is finished)."""
    training = session.training
    if training is None or training.finished is not None:
        return None
    number = len(training.rounds) + 1
    return number if number <= len(scenario_of(session).rounds) else None


def remaining_seconds(session: Session, at: datetime | None = None, scenario: Scenario | None = None) -> int | None:
    """Seconds left in the running round (negative once over time), or None when none runs (or
    the scenario has no such round). ``scenario``: the table's, when the caller has it checked
    already (``scenario_of`` validates the whole pack: the class view asks every second)."""
    running = running_round(session)
    if running is None:
        return None
    rounds = (scenario or scenario_of(session)).rounds
    if not 0 < running.number <= len(rounds):
        return None
    spec = rounds[running.number - 1]
    elapsed = ((at or now()) - running.start).total_seconds()
    return int(spec.minutes * 60 - elapsed)


def _log(session: Session, action: str, summary: str, target: str = "", **data: str | int | bool) -> None:
    session.events.append(Event(at=now(), action=action, target=target, summary=summary, data=dict(data)))


def start_next_round(session: Session, *, at: datetime | None = None) -> TrainingRound:
    """End the running round (if any) and start the next one now (or at ``at``: the moment the
    trainer started it for the whole class, ``classroom``)."""
    scenario = scenario_of(session)
    training = session.training
    assert training is not None
    if training.finished is not None:
        raise RuleError("the simulation is finished: no more rounds")
    number = len(training.rounds) + 1
    if number > len(scenario.rounds):
        raise RuleError(
            f"the scenario has {len(scenario.rounds)} round{'s' if len(scenario.rounds) != 1 else ''}: end the "
            "simulation instead"
        )
    stamp = at or now()
    running = running_round(session)
    if running is not None:
        running.end = max(stamp, running.start)
        _log(session, "training.round.end", f"Round {running.number} ended", str(running.number), round=running.number)
    started = TrainingRound(number=number, start=stamp if running is None else max(stamp, running.end))  # type: ignore[type-var]
    training.rounds.append(started)
    spec = scenario.rounds[number - 1]
    _log(
        session,
        "training.round.start",
        f"Round {number} started: {spec.title} ({spec.minutes} min)",
        str(number),
        round=number,
        minutes=spec.minutes,
    )
    return started


def finish(session: Session) -> None:
    """End the running round and the simulation: the table moves on to its results and debrief."""
    scenario_of(session)
    training = session.training
    assert training is not None
    if training.finished is not None:
        raise RuleError("the simulation is already finished")
    stamp = now()
    running = running_round(session)
    if running is not None:
        running.end = max(stamp, running.start)
        _log(session, "training.round.end", f"Round {running.number} ended", str(running.number), round=running.number)
    training.finished = max([stamp, *(r.end for r in training.rounds if r.end)])
    _log(session, "training.finish", "Simulation ended: results sheet and debrief")


# --- confidential briefs ----------------------------------------------------------------------


def side_label(session: Session, party_id: str) -> str:
    """The side as the confidential banner names it: "LABOR", "MANAGEMENT"."""
    party = session.party(party_id)
    if party is None:
        return party_id.upper()
    return party.side.value.upper() if party.side.value != "other" else party.name.upper()


def side_briefs(scenario: Scenario, party_id: str, rounds_started: int = 0) -> list[tuple[str, str]]:
    """``(title, text)`` of a side's confidential instructions: its brief, then the updates of
    every round that has started (a round's update is never shown before its round)."""
    found = [
        (b.title or "Confidential instructions", b.text) for b in scenario.briefs if b.party == party_id and not b.role
    ]
    for _number, rnd in enumerate(scenario.rounds[:rounds_started], start=1):
        for brief in rnd.briefs:
            if brief.party == party_id and not brief.role:
                found.append((brief.title or f"{rnd.title}: new confidential instructions", brief.text))
    return found


def brief_texts(session: Session, party_id: str, role: str = "") -> list[tuple[str, str]]:
    """What a reveal shows: a side's briefs (with the updates of rounds started) or one role's."""
    scenario = scenario_of(session)
    if session.party(party_id) is None:
        raise RuleError(f"{party_id!r} is not a party here")
    rounds_started = len(session.training.rounds) if session.training else 0
    if role:
        found = [(label, text) for label, text in role_briefs(scenario, party_id) if label == role]
        if not found:
            raise RuleError(f"no brief for {role!r} on {side_label(session, party_id)}'s side")
        table = cost_table_text(role_cost_table(scenario, party_id, role), rounds_started)
        return found + ([("Cost table", table)] if table else [])
    return side_briefs(scenario, party_id, rounds_started)


def cost_table_text(rows: list[CostTableRow], rounds_started: int) -> str:
    """A role's cost table as aligned lines (the rows of the rounds started so far; those of a
    later round say they come with it): item, amount with thousands separators, per, note."""
    shown = [row for row in rows if row.round <= max(rounds_started, 1)]
    if not shown:
        return ""
    width = max(len(row.item) for row in shown)
    money = max(len(format_amount(row.amount)) for row in shown) + 1
    lines = []
    current = -1
    for row in shown:
        if row.round != current and row.round > 1:
            lines.append(f"From round {row.round}:")
        current = row.round
        amount = f"${format_amount(row.amount)}"
        extra = " ".join(x for x in (row.per, f"({row.note})" if row.note else "") if x)
        lines.append(f"{row.item.ljust(width)}  {amount.rjust(money)}  {extra}".rstrip())
    later = sorted({row.round for row in rows if row.round > max(rounds_started, 1)})
    if later:
        lines.append(f"(More rows come with round {', '.join(map(str, later))}.)")
    return "\n".join(lines)


def record_reveal(session: Session, party_id: str, role: str = "") -> Reveal:
    """Log that a confidential brief was opened (whose and when; never its text)."""
    brief_texts(session, party_id, role)  # refuses an unknown party or role
    training = session.training
    assert training is not None
    reveal = Reveal(party=party_id, role=role, round=len(training.rounds), at=now())
    training.reveals.append(reveal)
    who = side_label(session, party_id) + (f" · {role}" if role else "")
    _log(session, "training.reveal", f"Confidential brief opened: {who}", party_id, party=party_id, role=role)
    return reveal


# --- results sheet ----------------------------------------------------------------------------


def result_fields(session: Session) -> list[ResultField]:
    return list(scenario_of(session).results_fields)


def result_value(session: Session, field_id: str) -> str:
    training = session.training
    if training is None:
        return ""
    return next((r.value for r in training.results if r.field == field_id), "")


def result_ta(session: Session, item: ResultField) -> str | None:
    """The language of the table's TA in force on the issue a results line records, if it
    reached one: what the sheet offers to copy instead of retyping it."""
    if item.issue is None:
        return None
    standing = session.standing_agreements(item.issue)
    return standing[-1].text if standing else None


def set_results(session: Session, values: dict[str, str]) -> list[TrainingResult]:
    """Fill in the results sheet: ``values`` maps field ids to what the table wrote."""
    fields = result_fields(session)
    known = {f.id for f in fields}
    unknown = [key for key in values if key not in known]
    if unknown:
        raise RuleError(f"not a field of the results sheet: {', '.join(map(repr, unknown))}")
    training = session.training
    assert training is not None
    merged = {r.field: r.value for r in training.results}
    merged.update(values)
    try:
        results = [TrainingResult(field=f.id, label=f.label, value=merged.get(f.id, "")) for f in fields]
    except ValidationError as exc:
        raise RuleError(exc.errors(include_url=False)[0]["msg"]) from None
    results = [r for r in results if r.value.strip()]
    changed = [f.id for f in fields if merged.get(f.id, "") != result_value(session, f.id)]
    training.results = results
    _log(
        session,
        "training.results",
        f"Results sheet: {len(results)} of {len(fields)} lines filled in",
        fields=len(results),
        changed=len(changed),
    )
    return results


# --- what a table did: the debrief ------------------------------------------------------------


@dataclass
class IssueOutcome:
    id: str
    statement: str
    status: IssueStatus
    interests: int
    mutual: int
    options: int
    checks: int
    checks_to_consensus: int | None  # checks up to the first consensus; None: none reached


@dataclass
class TableSummary:
    """What one table did, from its file: counts, times from the event log, its TAs and results."""

    path: Path
    label: str
    session: Session
    issues: list[IssueOutcome]
    stage_minutes: dict[Stage, float]
    round_minutes: list[tuple[int, str, float | None]]  # (number, title, minutes run; None: running)
    agreements: list[tuple[str, str]]  # (issue statement, TA text)
    results: list[TrainingResult]
    reveals: int

    @property
    def scenario_name(self) -> str:
        return self.session.training.scenario_name if self.session.training else ""

    @property
    def agreed(self) -> int:
        return sum(1 for i in self.issues if i.status is IssueStatus.AGREED)

    @property
    def interests(self) -> int:
        return sum(i.interests for i in self.issues)

    @property
    def mutual(self) -> int:
        return sum(i.mutual for i in self.issues)

    @property
    def options(self) -> int:
        return sum(i.options for i in self.issues)

    @property
    def checks(self) -> int:
        return sum(i.checks for i in self.issues)

    @property
    def checks_per_consensus(self) -> float | None:
        """Consensus checks a table needed per issue it reached consensus on (1.0: first time)."""
        needed = [i.checks_to_consensus for i in self.issues if i.checks_to_consensus is not None]
        return sum(needed) / len(needed) if needed else None

    @property
    def played(self) -> bool:
        """The table started: a round ran, or it recorded anything (an interest, an option, a check)."""
        return bool(self.round_minutes or self.interests or self.options or self.checks or self.agreements)


@dataclass
class BrokenTable:
    path: Path
    lines: list[str]


@dataclass
class ClassDebrief:
    folder: Path
    tables: list[TableSummary] = field(default_factory=list)
    broken: list[BrokenTable] = field(default_factory=list)

    @property
    def scenario_names(self) -> list[str]:
        return list(dict.fromkeys(t.scenario_name for t in self.tables))

    def scenario(self) -> Scenario | None:
        """The scenario most tables played (its copy in the first such table)."""
        if not self.tables:
            return None
        names = [t.scenario_name for t in self.tables]
        main = max(dict.fromkeys(names), key=names.count)
        first = next(t for t in self.tables if t.scenario_name == main)
        return scenario_of(first.session)

    def results_fields(self) -> list[tuple[str, str]]:
        """``(id, label)`` of every results line any table filled in, in the scenario's order."""
        fields: dict[str, str] = {}
        scenario = self.scenario()
        if scenario is not None:
            fields.update((f.id, f.label) for f in scenario.results_fields)
        for table in self.tables:
            for result in table.results:
                fields.setdefault(result.field, result.label)
        return list(fields.items())


def _stage_timeline(session: Session) -> dict[Stage, float]:
    """Minutes spent at each stage, from the event log.

    The table's clock starts with its first round (or its first logged change) at the issues
    stage; each "issue.stage" event moves it to that stage. It stops when the simulation ends (or
    at the last logged change). Moves that change nothing (looking back at an issue already at a
    stage) are not logged: the figures are the room's time as the log saw it, to the minute.
    """
    totals = {stage: 0.0 for stage in session.stage_order}
    events = session.events
    training = session.training
    starts = [r.start for r in training.rounds] if training else []
    start = starts[0] if starts else (events[0].at if events else None)
    if start is None:
        return totals
    ends = [training.finished] if training and training.finished else []
    if not ends and training and training.rounds and training.rounds[-1].end:
        ends = [training.rounds[-1].end]
    end = ends[0] if ends else max([start, *(e.at for e in events)])
    current, clock = Stage.ISSUES, start
    for event in events:
        if event.action != "issue.stage":
            continue
        try:
            stage = Stage(str(event.data.get("stage")))
        except ValueError:
            continue
        if event.at <= start:
            current = stage
            continue
        if event.at >= end:
            break
        totals[current] = totals.get(current, 0.0) + (event.at - clock).total_seconds() / 60
        current, clock = stage, event.at
    if end > clock:
        totals[current] = totals.get(current, 0.0) + (end - clock).total_seconds() / 60
    return totals


def _issue_outcome(issue: Issue) -> IssueOutcome:
    needed = None
    for n, check in enumerate(issue.checks, start=1):
        if check.outcome is Outcome.CONSENSUS:
            needed = n
            break
    return IssueOutcome(
        id=issue.id,
        statement=issue.statement,
        status=issue.status,
        interests=len(issue.interests),
        mutual=sum(1 for i in issue.interests if i.holder == MUTUAL),
        options=len(issue.options),
        checks=len(issue.checks),
        checks_to_consensus=needed,
    )


def summarize(session: Session, path: Path, label: str = "") -> TableSummary:
    """What the table in ``session`` (read from ``path``) did."""
    training = session.training
    scenario = scenario_of(session)
    rounds = []
    for rnd in training.rounds if training else []:
        title = scenario.rounds[rnd.number - 1].title if rnd.number <= len(scenario.rounds) else f"Round {rnd.number}"
        minutes = (rnd.end - rnd.start).total_seconds() / 60 if rnd.end else None
        rounds.append((rnd.number, title, minutes))
    statements = {i.id: i.statement for i in session.issues}
    return TableSummary(
        path=path,
        label=label or (f"Table {training.table}" if training else path.stem),
        session=session,
        issues=[_issue_outcome(i) for i in session.issues],
        stage_minutes=_stage_timeline(session),
        round_minutes=rounds,
        agreements=[
            (statements.get(ta.issue, ta.issue), ta.text) for ta in session.standing_agreements()
        ],  # a superseded TA is not an outcome
        results=list(training.results) if training else [],
        reveals=len(training.reveals) if training else 0,
    )


def _natural(path: Path) -> list[Any]:
    return [int(part) if part.isdecimal() else part for part in re.split(r"(\d+)", path.name)]


def table_files(folder: Path) -> list[Path]:
    """The session files of a class folder, in table order (table-2 before table-10)."""
    return sorted((p for p in folder.glob("*.toml") if not p.name.startswith(".")), key=_natural)


def load_class(folder: Path | str, files: Iterable[Path] | None = None) -> ClassDebrief:
    """Every table in ``folder``: a summary for each good one, the error of each broken one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder (give the folder `ibb train --tables N -o DIR` made)")
    debrief = ClassDebrief(folder)
    paths = list(files) if files is not None else table_files(folder)
    loaded: list[tuple[Path, Session]] = []
    for path in paths:
        try:
            session = load_session(path)
        except StoreError as exc:
            debrief.broken.append(BrokenTable(path, exc.lines))
            continue
        if session.training is None:
            debrief.broken.append(
                BrokenTable(path, [f"{path}: not a training table (a session without a [training] table)"])
            )
            continue
        loaded.append((path, session))
    numbers = [s.training.table for _, s in loaded if s.training]
    unique = len(set(numbers)) == len(numbers)
    for path, session in loaded:
        label = f"Table {session.training.table}" if unique and session.training else path.stem
        debrief.tables.append(summarize(session, path, label))
    return debrief


def minutes_label(value: float | None) -> str:
    if value is None:
        return "running"
    return f"{value:.0f}"


__all__ = [
    "BrokenTable",
    "ClassDebrief",
    "IssueOutcome",
    "TableSummary",
    "brief_texts",
    "embed",
    "finish",
    "load_class",
    "new_table",
    "phase",
    "record_reveal",
    "remaining_seconds",
    "role_briefs",
    "running_round",
    "scenario_of",
    "set_results",
    "side_briefs",
    "start_next_round",
    "summarize",
]
