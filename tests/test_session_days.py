"""The days a session met, not every planned day of its agenda (issue 11, point 7).

A session made from the five-day ``contract-negotiation`` agenda gets five planned meeting days.
Held on one day, its minutes, its TA summary and the library listed all five as if it had met on
each. They show the days the log has events on; the planned days only while nothing has been
recorded, and then labelled as planned.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ibb_facilitator import agenda, editing, library, store
from ibb_facilitator.export import render
from ibb_facilitator.export.text import day
from ibb_facilitator.library import Library
from ibb_facilitator.model import Session
from ibb_facilitator.session_days import met_days, session_days

START = date(2027, 3, 8)  # a Monday: the plan is Monday 8 to Friday 12 March 2027
MET = date(2027, 3, 9)  # the one day the team actually met: Tuesday 9 March 2027


def planned_session() -> Session:
    name, plan = agenda.find("contract-negotiation")
    session = agenda.new_session(plan, name, title="Pine Ridge one-day session", start=START)
    assert len(session.meeting_days) == 5 and session.meeting_days[0] == START
    return session


def held_on(session: Session, when: date) -> Session:
    """Record some work, then date every logged event on ``when`` (09:00 onwards, EST)."""
    issue = editing.add_issue(session, "How can we schedule planning time?")
    editing.add_interest(session, issue.id, "Predictable planning blocks", session.parties[0].id)
    start = datetime(when.year, when.month, when.day, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    for n, event in enumerate(session.events):
        event.at = start + timedelta(minutes=n)
    return session


@pytest.fixture
def one_day() -> Session:
    return held_on(planned_session(), MET)


def other_planned_days() -> list[str]:
    return [day(START + timedelta(days=n)) for n in (0, 2, 3, 4)]


def test_the_days_met_come_from_the_log(one_day: Session) -> None:
    assert met_days(one_day) == [MET]
    assert session_days(one_day) == ([MET], False)
    assert session_days(planned_session()) == (planned_session().meeting_days, True)


@pytest.mark.parametrize("report", ["minutes", "ta"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_exports_show_the_day_met_not_every_planned_day(one_day: Session, report: str, fmt: str) -> None:
    text = render(one_day, fmt, report)
    assert isinstance(text, str)
    assert day(MET) in text
    for other in other_planned_days():
        assert other not in text, f"{report} ({fmt}) lists the planned day {other} the session never met on"
    assert "Planned" not in text


@pytest.mark.parametrize("report", ["minutes", "ta"])
def test_before_anything_is_recorded_the_planned_days_are_labelled_planned(report: str) -> None:
    text = render(planned_session(), "md", report)
    assert isinstance(text, str)
    assert f"Planned: {day(START)}" in text


def test_the_library_lists_the_day_met(one_day: Session, tmp_path: Path) -> None:
    store.save_session(one_day, tmp_path / "held.toml")
    store.save_session(planned_session(), tmp_path / "planned.toml")
    with Library() as lib:
        entries = {e.path.name: e for e in lib.scan(tmp_path).entries}
    held, planned = entries["held.toml"], entries["planned.toml"]
    assert (held.first_day, held.last_day, held.n_days, held.planned) == (MET, MET, 1, False)
    assert held.dates == held.compact_dates == MET.isoformat()
    assert planned.planned and planned.n_days == 5
    assert planned.dates == f"planned: 5 days from {START.isoformat()}"
    assert planned.compact_dates == f"{START.isoformat()} (5 planned)"


def test_an_index_made_before_this_is_rebuilt() -> None:
    assert library.INDEX_VERSION >= 2  # version 1 stored the planned days as if met
