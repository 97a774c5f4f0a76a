"""A training class: its tables (one folder of ``table-N.toml``) and the trainer's control file.

``ibb class DIR`` (``tui/classview.py``) shows every table at a glance and starts the next round
for the whole class at one moment, as the scenario packs ask ("announce round 2 to everyone at
the same time"). It never writes a table's file: each table's app has its file open and saves it
itself. The trainer's decision goes into ``class.toml`` beside the tables instead, and every
table's app follows that file (``tui/training.follow_class``) and starts the round in its own
session, at the class's moment: logged and undoable there, as the table's own F10 would.

``class.toml`` (``docs/session-format.md``, "A training class"): ``class_version``, the
``scenario`` it runs, and ``[[rounds]]`` (``number``, ``start``). Read like any file of ours:
bounded, checked, a problem reported as ``FILE:LINE: field: message``; written atomically, only
over the bytes it was read from, never over a file that failed to load.

Pure core: no Textual.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import Field

from . import tomlwrite, training
from .model import Model, Session, Stage, Stamp, Text, WholeNumber, now
from .scenario import Scenario
from .store import SaveError, StoreError, decode_text, parse_toml, plan, read_bytes, validate, write_atomic

CLASS_FILE = "class.toml"
CLASS_VERSION = 1


class ClassRound(Model):
    number: WholeNumber = Field(ge=1, le=99)
    start: Stamp


class ClassControl(Model):
    class_version: WholeNumber = CLASS_VERSION
    scenario: Text = ""  # the pack the class plays ("scenario-maple-valley")
    rounds: list[ClassRound] = []


def _problems(control: ClassControl) -> list[tuple[str, str]]:
    out = []
    for n, item in enumerate(control.rounds):
        if item.number != n + 1:
            out.append((f"rounds[{n}].number", f"round {item.number} comes where round {n + 1} belongs"))
        elif n and item.start < control.rounds[n - 1].start:
            out.append((f"rounds[{n}].start", "a round cannot start before the round before it"))
    return out


def loads(raw: bytes | str, name: str) -> ClassControl:
    text = decode_text(raw, name) if isinstance(raw, bytes) else raw
    data = parse_toml(text, name)
    version = data.get("class_version", CLASS_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= CLASS_VERSION:
        raise StoreError(f"{name}: class_version: this version of ibb_facilitator reads {CLASS_VERSION}")
    return validate(ClassControl, data, text, name, _problems)


@functools.cache  # once: tomlwrite compiles a writer per plan object, and keeps it
def _plan() -> tomlwrite.Plan:
    return tuple(f._replace(skip_empty=False) if f.name == "class_version" else f for f in plan(ClassControl))


def dumps(control: ClassControl) -> str:
    head = "# The trainer's control file: `ibb class` writes it, every table's app follows it.\n"
    return head + tomlwrite.dumps_plan(control.model_dump(), _plan())


@dataclass
class Opened:
    path: Path
    control: ClassControl
    raw: bytes | None  # the bytes it was read from (None: no file yet)


def open_control(folder: Path) -> Opened:
    """The folder's control file, or a new empty one (not saved)."""
    path = Path(folder) / CLASS_FILE
    if path.exists() or path.is_symlink():
        raw = read_bytes(path)
        return Opened(path, loads(raw, str(path)), raw)
    return Opened(path, ClassControl(), None)


def read_control(folder: Path) -> ClassControl | None:
    """The class's decisions so far, or None when the trainer has made none (no file)."""
    opened = open_control(folder)
    return opened.control if opened.raw is not None else None


def _save(opened: Opened) -> None:
    path = opened.path
    current = read_bytes(path) if path.exists() or path.is_symlink() else None
    if current != opened.raw:
        raise SaveError(f"{path}: changed by another program since it was read; nothing was written: try again")
    data = dumps(opened.control).encode("utf-8")
    loads(data, str(path))  # what is written reads back
    write_atomic(path, data, backup=False)
    opened.raw = data


# --- the tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """One table as the class view shows it."""

    path: Path
    label: str  # "Table 3"
    number: int  # its table number (for the order)
    error: str = ""  # the file could not be read: its first error line
    issue: str = ""  # the issue on its screen
    stage: Stage | None = None
    phase: str = ""  # training.phase
    round: int = 0  # the round running, or the last one run
    left: int | None = None  # seconds left in the running round (negative: over)
    tas: int = 0  # tentative agreements in force
    issues: int = 0
    last: datetime | None = None  # its last recorded change


def table_row(
    path: Path,
    session: Session | None,
    error: str = "",
    at: datetime | None = None,
    scenario: Scenario | None = None,
) -> TableRow:
    """``scenario``: the table's, already checked (``training.scenario_of``), else checked here."""
    if session is None or session.training is None:
        return TableRow(path, path.stem, 10_000, error or "not a training table")
    state = session.training
    issue = session.issue(session.cursor.issue) if session.cursor.issue else None
    running = training.running_round(session)
    return TableRow(
        path=path,
        label=f"Table {state.table}",
        number=state.table,
        issue=issue.statement if issue else "",
        stage=session.cursor.stage if issue else None,
        phase=training.phase(session),
        round=running.number if running else len(state.rounds),
        left=training.remaining_seconds(session, at, scenario),
        tas=len(session.standing_agreements()),
        issues=len(session.issues),
        last=session.events[-1].at if session.events else None,
    )


def table_files(folder: Path) -> list[Path]:
    """The class's table files (``table-N.toml``), by table number."""
    found = [p for p in Path(folder).glob("table-*.toml") if p.stem[6:].isdecimal()]
    return sorted(found, key=lambda p: int(p.stem[6:]))


# --- starting a round for everyone ----------------------------------------------------------


def next_round(folder: Path, tables: list[Session], *, at: datetime | None = None) -> ClassRound:
    """Start the class's next round now: written to ``class.toml``, for every table to follow.
    ``tables``: the class's readable tables (their scenario says how many rounds there are)."""
    if not tables:
        raise training.RuleError("no table of this class could be read: nothing to start")
    scenario = training.scenario_of(tables[0])
    opened = open_control(folder)
    control = opened.control
    number = len(control.rounds) + 1
    if number > len(scenario.rounds):
        raise training.RuleError(f"the scenario has {len(scenario.rounds)} rounds: all of them have started")
    started = ClassRound(number=number, start=at or now())
    if control.rounds and started.start < control.rounds[-1].start:
        started = ClassRound(number=number, start=control.rounds[-1].start)
    control.scenario = control.scenario or (tables[0].training.scenario_name if tables[0].training else "")
    control.rounds.append(started)
    _save(opened)
    return started


def pending(session: Session, control: ClassControl | None) -> list[ClassRound]:
    """The rounds the class has started and this table has not (none once it has finished)."""
    state = session.training
    if control is None or state is None or state.finished is not None:
        return []
    return [r for r in control.rounds if r.number > len(state.rounds)]


__all__ = [
    "CLASS_FILE",
    "ClassControl",
    "ClassRound",
    "TableRow",
    "loads",
    "next_round",
    "open_control",
    "pending",
    "read_control",
    "table_files",
    "table_row",
]
