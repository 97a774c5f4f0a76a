"""Shared fixtures. The sessions themselves are built in ``ibb_facilitator.samples`` (one builder
for tests, bench and ``examples/``); the helpers pilot tests share are in ``helpers.py`` and the
recorder's keys in ``recorder.py``.

- ``user_dirs`` (autouse): every test has its own data, sessions and cache folders
  (``IBB_DATA_DIR``, ``IBB_SESSIONS_DIR``, ``IBB_CACHE_DIR``), never the real user's;
- ``session``: ``samples.team_session()``, labor and management, each with a spokesperson and
  other members, plus a facilitator, a recorder, a timekeeper and an observer;
- ``populated``: ``samples.populated_session()``, that session with every part of the model;
- ``reagreed``: ``populated`` with its salary issue reopened and agreed again;
- ``session_file``: ``populated`` saved to a file in ``tmp_path``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import helpers
import pytest
from hypothesis import settings as _hypothesis_settings

from ibb_facilitator import editing, store
from ibb_facilitator.model import IssueStatus, Method, Response, Session, TentativeAgreement
from ibb_facilitator.samples.team import (  # noqa: F401 - the team's names, for tests that import them from here
    FACILITATOR,
    LABOR_VOTERS,
    MANAGEMENT_VOTERS,
    NON_VOTERS,
    OBSERVER,
    RECORDER,
    TIMEKEEPER,
    VOTERS,
    fist,
)
from ibb_facilitator.samples.team import populated_session as make_populated
from ibb_facilitator.samples.team import team_session as make_session


@dataclass(frozen=True)
class UserDirs:
    """The user's folders as this test's app sees them (none exists until something makes it)."""

    data: Path
    sessions: Path
    cache: Path

    @classmethod
    def under(cls, base: Path, monkeypatch: pytest.MonkeyPatch) -> UserDirs:
        """``base/data``, ``base/sessions`` and ``base/cache``, made the app's for this test."""
        dirs = cls(data=base / "data", sessions=base / "sessions", cache=base / "cache")
        monkeypatch.setenv("IBB_DATA_DIR", str(dirs.data))
        monkeypatch.setenv("IBB_SESSIONS_DIR", str(dirs.sessions))
        monkeypatch.setenv("IBB_CACHE_DIR", str(dirs.cache))
        return dirs


@pytest.fixture(autouse=True)
def user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> UserDirs:
    """No test reads or writes the real user folders: each has its own, outside ``tmp_path``."""
    return UserDirs.under(tmp_path_factory.mktemp("ibb-home"), monkeypatch)


@pytest.fixture
def session() -> Session:
    return make_session()


NEW_SALARY_TEXT = "Article 12.3 Salary.\nSteps 1-5 rise by 4%.\nNo retention bonus."


def reagree(s: Session) -> tuple[TentativeAgreement, TentativeAgreement]:
    """The salary issue of ``make_populated`` reopened and agreed again (new language, initialed
    by both): returns the old TA (now superseded) and the new one."""
    pay = s.issues[0]
    old = s.standing_agreements(pay.id)[-1]
    editing.set_status(s, pay.id, IssueStatus.OPEN)
    check, _ = editing.record_check(
        s, pay.id, Method.THUMBS, [Response(who=name, value="up") for name in VOTERS], proposal="Steps at 4%, no bonus"
    )
    new = editing.record_agreement(s, pay.id, check.id, NEW_SALARY_TEXT, title="Salary steps", on=date(2026, 11, 25))
    editing.initial(s, new.id, "labor", "AR")
    editing.initial(s, new.id, "management", "BH")
    return old, new


@pytest.fixture
def populated() -> Session:
    return make_populated()


@pytest.fixture
def reagreed() -> Session:
    """``populated`` with its salary issue reopened and agreed again (TA 1 superseded by TA 2)."""
    s = make_populated()
    reagree(s)
    return s


@pytest.fixture
def session_file(tmp_path: Path, populated: Session) -> Path:
    path = tmp_path / "spring-contract.toml"
    store.save_session(populated, path)
    return path


# --- for pictures (snapshot tests) -----------------------------------------------------------


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The app's clock stands still at ``helpers.FROZEN_NOW`` (the example's second day, 11:30):
    "saved 11:30:00" in the header, the room view's "updated", today's date in a new file's name.

    Every module of ``ibb_facilitator`` is imported, then each one that reads the clock
    (``datetime.now(`` or ``date.today(`` in its source) gets clock-less stand-ins for its
    ``datetime`` and ``date``: whatever they make is a real ``datetime``/``date``, and
    ``isinstance`` answers as before. A module split off later is covered as it stands."""
    for module in helpers.clock_readers():
        for name, frozen in (("datetime", helpers.FrozenDatetime), ("date", helpers.FrozenDate)):
            if getattr(module, name, None) is frozen.real:
                monkeypatch.setattr(module, name, frozen)
    return helpers.FROZEN_NOW


@pytest.fixture
def fixed_dirs(monkeypatch: pytest.MonkeyPatch) -> Iterator[UserDirs]:
    """The user's folders at one fixed place (``helpers.FIXED_HOME``), for pictures that show a
    path (the library, the opening screen, a new session's file name). One test at a time has
    it, across processes (an exclusive lock: xdist workers, other checkouts' runs); it is
    emptied before and after."""
    with helpers.fixed_home() as root:
        yield UserDirs.under(root, monkeypatch)


@pytest.fixture
def gated_open(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """``ibb open``'s loading thread waits until ``gate.set()`` (keys typed "during" the opening,
    the opening screen's picture), or until the app has gone (its worker is cancelled: a quit
    need not wait for the gate); the gate opens by itself after 20 s so a failing test cannot
    hang the run, and at the end of the test."""
    from textual.worker import get_current_worker

    from ibb_facilitator.tui import app as app_module

    gate = threading.Event()
    real = app_module.open_file

    def held(path, readonly):
        worker = get_current_worker()
        deadline = time.monotonic() + 20
        while not gate.wait(0.05) and not worker.is_cancelled and time.monotonic() < deadline:
            pass
        return real(path, readonly)

    monkeypatch.setattr(app_module, "open_file", held)
    yield gate
    gate.set()


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# Property tests explore the same examples on every run: the suite must never be flaky.
_hypothesis_settings.register_profile("ibb", derandomize=True, database=None, deadline=None)
_hypothesis_settings.load_profile("ibb")
