"""Shared fixtures: a small two-party session, and one filled in through ``editing``.

- ``session``: labor and management, each with a spokesperson and other members, plus a
  facilitator, a recorder, a timekeeper and an observer (who never count in consensus);
- ``populated``: that session with issues, interests (incl. mutual), options (one combined, one
  set aside), criteria (shared and per issue), ratings, consensus checks, an initialed TA, a
  parking-lot item, a caucus, actions and information requests: every part of the model;
- ``session_file``: ``populated`` saved to a file in ``tmp_path``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from ibb_facilitator import editing, store
from ibb_facilitator.model import (
    ActionKind,
    InterestKind,
    IssueStatus,
    Member,
    Method,
    Party,
    Response,
    Role,
    Session,
    Side,
    TentativeAgreement,
)

FACILITATOR = "Frances Neutral"
RECORDER = "Rita Scribe"
TIMEKEEPER = "Tom Clock"
OBSERVER = "Olive Watcher"

LABOR_VOTERS = ["Ana Ruiz", "Carl Jensen", "Nora Okafor"]
MANAGEMENT_VOTERS = ["Ben Hale", "Dana Liu"]
VOTERS = LABOR_VOTERS + MANAGEMENT_VOTERS
NON_VOTERS = [FACILITATOR, RECORDER, TIMEKEEPER, OBSERVER]


@pytest.fixture(autouse=True)
def _hermetic_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user folders."""
    base = tmp_path_factory.mktemp("ibb-home")
    for name in ("IBB_DATA_DIR", "IBB_SESSIONS_DIR", "IBB_CACHE_DIR"):
        monkeypatch.setenv(name, str(base / name.lower()))


def make_session() -> Session:
    return Session(
        title="Lakeview 2026 successor contract",
        organization="Lakeview Public Schools",
        bargaining_unit="Teachers",
        location="Library, Lakeview High",
        facilitators=[FACILITATOR],
        recorder=RECORDER,
        timekeeper=TIMEKEEPER,
        observers=[OBSERVER],
        meeting_days=[date(2026, 11, 23), date(2026, 11, 24)],
        ground_rules=["Caucus on request, 15 minutes at most", "Nothing is agreed until everything is agreed"],
        parties=[
            Party(
                id="labor",
                name="Lakeview Education Association",
                short="U",
                side=Side.LABOR,
                members=[
                    Member(name="Ana Ruiz", role=Role.SPOKESPERSON, title="Union president"),
                    Member(name="Carl Jensen", role=Role.MEMBER),
                    Member(name="Nora Okafor", role=Role.NOTE_TAKER),
                ],
            ),
            Party(
                id="management",
                name="Lakeview School Committee",
                short="M",
                side=Side.MANAGEMENT,
                members=[
                    Member(name="Ben Hale", role=Role.SPOKESPERSON, title="Superintendent"),
                    Member(name="Dana Liu", role=Role.DECISION_MAKER, title="Committee chair"),
                ],
            ),
        ],
    )


@pytest.fixture
def session() -> Session:
    return make_session()


def fist(value: int, names: list[str] | None = None) -> list[Response]:
    """Everybody (or ``names``) shows ``value`` fingers."""
    return [Response(who=name, value=value) for name in (names if names is not None else VOTERS)]


def make_populated() -> Session:
    s = make_session()
    pay = editing.add_issue(s, "How can we attract and keep qualified teachers within the budget?", raised_by="labor", article="Article 12")
    time = editing.add_issue(s, "How can we give teachers time to collaborate?", raised_by="management")
    editing.add_issue(s, "How can we make evaluations fair and useful?", article="Article 7", data_needed="Evaluation survey")

    i1 = editing.add_interest(s, pay.id, "Keep pay competitive with neighboring districts", "labor", InterestKind.SUBSTANTIVE)
    i2 = editing.add_interest(s, pay.id, "A budget the town meeting will pass", "management")
    i3 = editing.add_interest(s, pay.id, "Students keep experienced teachers", "mutual", InterestKind.RELATIONSHIP)
    editing.add_interest(s, time.id, "Common planning time\nacross grades", "labor")

    editing.set_brainstorm(s, pay.id, True)
    o1 = editing.add_option(s, pay.id, "Step increases front-loaded for years 1-5")
    o2 = editing.add_option(s, pay.id, "Retention bonus after year 3")
    o3 = editing.add_option(s, pay.id, "Four-day week")
    o4 = editing.add_option(s, pay.id, "Housing stipend")
    editing.set_brainstorm(s, pay.id, False)
    editing.toggle_serves(s, pay.id, o1.id, i1.id)
    editing.toggle_serves(s, pay.id, o2.id, i3.id)
    combined = editing.combine_options(s, pay.id, [o1.id, o2.id], "Front-loaded steps plus a year-3 retention bonus")
    editing.set_aside_option(s, pay.id, o3.id)
    editing.toggle_serves(s, pay.id, o4.id, i2.id)

    shared = editing.add_criterion(s, None, "Affordable within the three-year budget")
    own = editing.add_criterion(s, pay.id, "Competitive with the five neighboring districts")
    editing.rate(s, pay.id, combined.id, shared.id, 4)
    editing.rate(s, pay.id, combined.id, own.id, 5)
    editing.rate(s, pay.id, o4.id, shared.id, 1)

    editing.record_check(s, pay.id, Method.FIST_TO_FIVE, fist(4)[:-1] + [Response(who="Dana Liu", value=2)], proposal="Combined option", note="Dana: cost of year 3")
    check, _ = editing.record_check(s, pay.id, Method.FIST_TO_FIVE, fist(4), proposal="Combined option, bonus capped", options=[combined.id])
    ta = editing.record_agreement(s, pay.id, check.id, "Article 12.3 Salary.\nSteps 1-5 rise by 3%.\nA retention bonus of $1,500 is paid after year 3.", title="Salary steps", on=date(2026, 11, 24))
    editing.initial(s, ta.id, "labor", "AR")
    editing.initial(s, ta.id, "management", "BH")

    editing.add_parking(s, "Health insurance carrier", owner="Ben Hale", issue_id=time.id)
    editing.start_caucus(s, "labor", called_by="Ana Ruiz", reason="Review the cost sheet")
    editing.end_caucus(s)
    editing.add_action(s, "Cost out the retention bonus", owner="management", due=date(2026, 12, 1), issue_id=pay.id)
    editing.add_action(s, "Salary schedules of the five neighboring districts", kind=ActionKind.INFO_REQUEST, owner="labor", requested_of="management", due=date(2026, 12, 3))
    editing.set_stage(s, time.id, s.stage_order[1])
    return s


NEW_SALARY_TEXT = "Article 12.3 Salary.\nSteps 1-5 rise by 4%.\nNo retention bonus."


def reagree(s: Session) -> tuple[TentativeAgreement, TentativeAgreement]:
    """The salary issue of ``make_populated`` reopened and agreed again (new language, initialed
    by both): returns the old TA (now superseded) and the new one."""
    pay = s.issues[0]
    old = s.standing_agreements(pay.id)[-1]
    editing.set_status(s, pay.id, IssueStatus.OPEN)
    check, _ = editing.record_check(s, pay.id, Method.THUMBS, [Response(who=name, value="up") for name in VOTERS], proposal="Steps at 4%, no bonus")
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


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# Property tests explore the same examples on every run: the suite must never be flaky.
from hypothesis import settings as _hypothesis_settings

_hypothesis_settings.register_profile("ibb", derandomize=True, database=None, deadline=None)
_hypothesis_settings.load_profile("ibb")
