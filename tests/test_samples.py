"""The sample sessions (``ibb_facilitator.samples``) are valid and the same every time they are built."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ibb_facilitator import editing, process, store
from ibb_facilitator.model import integrity_problems
from ibb_facilitator.samples import (
    SimulatedClock,
    example_session,
    generated_session,
    next_session,
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


def test_the_bundled_negotiation_is_what_its_builder_makes(tmp_path) -> None:
    """examples/ holds session 3 and session 4 carried from it; rebuilding gives the same bytes,
    and the board reads them as one negotiation (what `make run` shows with Ctrl+N)."""
    from pathlib import Path

    from ibb_facilitator import negotiation

    examples = Path(__file__).resolve().parent.parent / "examples"
    third = example_session()
    fourth = next_session(third)
    assert (examples / "spring-contract.toml").read_text(encoding="utf-8") == store.dumps_session(third)
    assert (examples / "spring-contract-next.toml").read_text(encoding="utf-8") == store.dumps_session(fourth)
    assert fourth.previous is not None and fourth.previous.file == "spring-contract.toml"
    assert [i.id for i in fourth.issues] == [i.id for i in third.issues]  # followed across files by id
    for name in ("spring-contract.toml", "spring-contract-next.toml"):
        (tmp_path / name).write_bytes((examples / name).read_bytes())
    neg = negotiation.load(tmp_path / "spring-contract-next.toml", cache=False)
    states = {issue.id: issue.status for issue in neg.issues}
    assert sorted(states.values()) == ["agreed", "open", "open", "parked"]


def test_the_populated_session_follows_a_simulated_clock() -> None:
    start = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    with simulated(SimulatedClock(start)) as clock:
        session = populated_session()
        clock.at(start.date(), "10:30")
        assert clock() == start.replace(hour=10, minute=30, second=20)
    assert integrity_problems(session) == [] and process.rule_problems(session) == []
    assert session.events[0].at == start + timedelta(seconds=20)
