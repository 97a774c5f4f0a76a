"""The faster save writes the same bytes.

- ``store.dumps_session`` (pruning and writing in one walk, ``tomlwrite.write_plan``) equals the
  two-step way it replaced (``store._prune`` then ``tomlwrite.dumps``) on generated sessions of
  a few sizes, on the example file and on sessions full of hostile text.
- The autosave cache reuses the rows of an issue's long lists by content (``savecache.ROWS_FROM``):
  its bytes still equal a full dump after every random change and undo (the rules fuzzer, with
  every list kept row by row), and one change to an issue of many interests writes that row only.
"""

from __future__ import annotations

import pytest
from conftest import make_populated
from helpers import EXAMPLE
from hypothesis import HealthCheck, given, settings
from test_roundtrip import sessions as roundtrip_sessions
from test_savecache import CacheMachine, full

from ibb_facilitator import editing, savecache, store, tomlwrite
from ibb_facilitator.model import Interest, Session, Stage
from ibb_facilitator.samples import generated_session as generated
from ibb_facilitator.savecache import SaveCache


def two_step(session: Session) -> str:
    """The way ``dumps_session`` wrote a session before ``write_plan``."""
    data = session.model_dump()
    pruned = store._prune(data, Session)
    return tomlwrite.dumps({"schema_version": pruned.pop("schema_version", data["schema_version"]), **pruned})


@pytest.mark.parametrize("items", [30, 300, 2000])
@pytest.mark.parametrize("seed", [0, 7])
def test_dumps_session_equals_the_two_step_writer_on_generated_sessions(items: int, seed: int) -> None:
    session = generated(items, seed)
    assert store.dumps_session(session) == two_step(session)


def test_dumps_session_equals_the_two_step_writer_on_the_example_and_hostile_text() -> None:
    for session in (store.load_session(EXAMPLE), make_populated()):
        assert store.dumps_session(session) == two_step(session)
    session = make_populated()
    hostile = [
        "[/foo]",
        'a "quoted" \\ back',
        "tab\there",
        "new\nline",
        "\u00a0nbsp",
        "\u2028sep",
        "del\x7f",
        "é 中 🙂",
        "",
    ]
    issue = session.issues[0]
    for text in hostile:
        if text:
            editing.add_interest(session, issue.id, text, "mutual")
    editing.edit_issue(session, issue.id, notes="\n".join(hostile), article="\u00a0\x7f")
    assert store.dumps_session(session) == two_step(session)
    assert store.loads_session(store.dumps_session(session)) == session


def big_issue_session(interests: int) -> Session:
    session = make_populated()
    issue = session.issues[0]
    issue.interests.extend(
        Interest(id=f"many-{i}", text=f'Interest {i}: "planning" time', holder="mutual") for i in range(interests)
    )
    issue._edits.n += 1
    return session


def test_one_change_to_a_long_list_writes_only_what_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    session, cache = big_issue_session(300), SaveCache()
    assert cache.dumps(session) == full(session)
    issue = session.issues[0]
    written: list[str] = []
    real = tomlwrite.write_plan

    def counting(data, plan, name, out):  # type: ignore[no-untyped-def]
        if name == "issues.interests":
            written.append(data["id"])
        return real(data, plan, name, out)

    def saved() -> list[str]:
        """The interests the cache wrote again for this save; its bytes checked."""
        written.clear()
        with monkeypatch.context() as patch:
            patch.setattr(tomlwrite, "write_plan", counting)
            data = cache.dumps(session)
        assert data == full(session)
        return list(written)

    editing.set_stage(session, issue.id, Stage.INTERESTS)
    assert saved() == []  # the issue's own keys changed: its 300+ interests are reused
    added = editing.add_interest(session, issue.id, "one more", "mutual")
    assert saved() == [added.id]
    middle = issue.interests[150]
    editing.edit_interest(session, issue.id, middle.id, text='reworded "in the middle"')
    assert saved() == [middle.id]
    editing.remove_interest(session, issue.id, issue.interests[3].id)
    assert saved() == []


class RowCacheMachine(CacheMachine):
    """``CacheMachine`` with every list of an issue kept row by row (``ROWS_FROM = 1``)."""

    def __init__(self) -> None:
        self._rows_from = savecache.ROWS_FROM
        savecache.ROWS_FROM = 1
        super().__init__()

    def teardown(self) -> None:
        try:
            super().teardown()
        finally:
            savecache.ROWS_FROM = self._rows_from


RowCacheMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_row_cache_state_machine = RowCacheMachine.TestCase


# --- the full save writes the live models (no model_dump copy), by compiled plans -------------


def by_dump(session: Session) -> str:
    """``dumps_session`` as it was before it read the live models: from a ``model_dump()``."""
    return tomlwrite.dumps_plan(session.model_dump(), store.session_plan())


@pytest.mark.parametrize("items", [30, 300, 2000])
@pytest.mark.parametrize("seed", [0, 3])
def test_the_live_walk_equals_the_walk_of_a_model_dump(items: int, seed: int) -> None:
    session = generated(items, seed)
    assert store.dumps_session(session) == by_dump(session) == two_step(session)


def test_the_live_walk_equals_the_dump_on_examples_trainings_and_carried_sessions() -> None:
    from pathlib import Path

    from ibb_facilitator import agenda, training
    from ibb_facilitator.negotiation.carryover import carry

    examples = sorted(Path(EXAMPLE).parent.glob("*.toml"))
    sessions = [store.load_session(path) for path in examples]
    sessions.append(carry(generated(300, 5), "previous.toml"))
    name, pack = agenda.find("scenario-maple-valley")
    sessions.append(training.new_table(pack, name))
    assert len(sessions) >= 4
    for session in sessions:
        assert store.dumps_session(session) == by_dump(session) == two_step(session)
    for path in examples:  # and the examples are still written byte for byte as they are
        assert store.dumps_session(store.load_session(path)).encode("utf-8") == path.read_bytes()


@pytest.mark.parametrize(
    "table",
    [
        {"criterion-1": 3, "criterion-2": 0, "c_3": 12345678901234567890, "neg": -2},
        {"a": True, "b": 1},
        {"": 1},
        {"a b": 1, "c": 2},
        {"tail\n": 1},
        {"quote'": 1, "x": 2},
        {"é": 1},
        {"a": 1, "b": "two"},
        {"a": 1, "b": None},
        {"k": 1.5},
    ],
)
def test_an_inline_table_of_ints_reads_as_the_general_way_writes_it(table: dict) -> None:
    """``inline_ints``'s shortcut (Python's repr of a dict of bare keys and ints) is taken only
    where it writes what the general way (``inline_table``) does."""
    from enum import IntEnum

    class Level(IntEnum):
        ONE = 1

    if None in table.values() or any(type(v) is float for v in table.values()):
        with pytest.raises(TypeError):  # not TOML-writable: refused both ways (the writers prune None first)
            tomlwrite.inline_ints(table)
        return
    expected = (
        "{ " + ", ".join(f"{tomlwrite.key(k)} = {tomlwrite.literal(v, inline=True)}" for k, v in table.items()) + " }"
    )
    assert tomlwrite.inline_ints(table) == tomlwrite.inline_table(table) == expected
    assert tomlwrite.inline_ints({**table, "level": Level.ONE}).startswith(expected[:-2])


def test_an_event_row_is_written_whole_only_when_every_value_is_plain() -> None:
    """The compiled writer's whole-row path for the log equals the field-by-field way on events
    with every kind of value: empty target, hostile text, non-string data, no data."""
    from datetime import datetime, timedelta, timezone

    from ibb_facilitator.model import Event

    at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    texts = ["plain", "", 'q"uote', "back\\slash", "tab\tin", "new\nline", "\u00a0nbsp", "del\x7f", "é 中 🙂", "[/foo]"]
    events = [
        Event(at=at, action=a, target=t, summary=s, data=d)
        for a in ("issue.add", texts[2])
        for t in texts
        for s in texts[:4]
        for d in ({}, {"text": t}, {"n": 3, "ok": True, "ids": ["a", "b"]}, {"x": s, "y": t})
    ]
    plan = store.plan(Event)
    for event in events:
        live: list[str] = []
        tomlwrite.write_plan(event, plan, "events", live)
        assert "".join(live) == tomlwrite.dumps(tomlwrite.prune(event.model_dump(), plan))


@settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(roundtrip_sessions())
def test_any_session_is_written_as_the_two_step_writer_and_the_dump_walk_write_it(session: Session) -> None:
    """The compiled writers' fast paths (plain strings, enums, id lists, timestamps, tables of
    ints, a whole log row) on hypothesis's sessions: hostile text everywhere, None, empty values."""
    assert store.dumps_session(session) == by_dump(session) == two_step(session)


@pytest.mark.parametrize("step", [1, 3, 512, 10**6])
def test_the_bytes_encoded_in_steps_are_the_text_encoded_whole(step: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """``save_session`` and ``SessionFile`` write ``dumps_session_bytes``: the text encoded a few
    hundred pieces at a time, byte for byte the whole text encoded (emoji, CJK, accents among it)."""
    monkeypatch.setattr(tomlwrite, "ENCODE_STEP", step)
    for session in (generated(300, 1), make_populated(), store.load_session(EXAMPLE)):
        text = store.dumps_session(session)
        assert store.dumps_session_bytes(session) == text.encode("utf-8")
    assert any(ord(c) > 0xFFFF for c in store.dumps_session(generated(2000, 0)))  # (the case it is for)


def test_save_session_and_the_session_file_write_those_bytes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    session = generated(300, 2)
    path = tmp_path / "s.toml"
    store.save_session(session, path, backup=False)
    assert path.read_bytes() == store.dumps_session(session).encode("utf-8")
    with store.SessionFile.open(path) as opened:
        editing.add_interest(opened.session, opened.session.issues[0].id, "one more 🙂", "mutual")
        opened.save()
        assert path.read_bytes() == store.dumps_session(opened.session).encode("utf-8")
        copy = tmp_path / "copy.toml"
        opened.save_as(copy)
        assert copy.read_bytes() == store.dumps_session(opened.session).encode("utf-8")
