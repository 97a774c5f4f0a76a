"""The sample sessions (``ibb_facilitator.samples``) are valid and the same every time they are built."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ibb_facilitator import editing, process, store
from ibb_facilitator.model import integrity_problems
from ibb_facilitator.samples import (
    SimulatedClock,
    example_session,
    generated_session,
    populated_session,
    simulated,
)


def test_a_seed_gives_the_same_generated_session_and_about_the_items_asked_for() -> None:
    first, again, other = generated_session(300, 5), generated_session(300, 5), generated_session(300, 6)
    assert store.dumps_session(first) == store.dumps_session(again)
    assert store.dumps_session(first) != store.dumps_session(other)
    assert abs(first.item_count() - 300) <= 15  # within 5 %
    assert integrity_problems(first) == [] and process.rule_problems(first) == []


def test_the_example_is_built_on_its_own_clock_and_the_real_one_comes_back() -> None:
    real = editing.now
    built = example_session()
    assert editing.now is real
    assert store.dumps_session(built) == store.dumps_session(example_session())
    assert {e.at.date().isoformat() for e in built.events} == {"2027-03-09", "2027-03-10"}


def test_the_populated_session_follows_a_simulated_clock() -> None:
    start = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    with simulated(SimulatedClock(start)) as clock:
        session = populated_session()
        clock.at(start.date(), "10:30")
        assert clock() == start.replace(hour=10, minute=30, second=20)
    assert integrity_problems(session) == [] and process.rule_problems(session) == []
    assert session.events[0].at == start + timedelta(seconds=20)
