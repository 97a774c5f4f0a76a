"""The incremental autosave (``savecache``) never loses a word: its bytes are a full dump's.

- Each path of the cache: a first save (everything written), a new event (only it is written),
  one issue changed (only it), undo (the restored issues are new objects: written again; the
  log is kept), another or a reloaded session, a log replaced or cut short, snapshots rendered
  late, out of order or never.
- A hypothesis state machine (the rules fuzzer's operations and undo, from test_fuzz.py): after
  every step the cached bytes equal ``store.dumps_session``, and snapshots taken along the way
  and rendered later (some never, some out of order) equal the full dump of their moment.
- The app: edits, undo and autosaves in a pilot; the file always equals a full dump.
"""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import Any

from conftest import make_populated, make_session
from helpers import EXAMPLE, until
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule
from test_fuzz import SCALE, RulesMachine
from test_roundtrip import _documents

from ibb_facilitator import editing, store, tomlwrite
from ibb_facilitator.history import History
from ibb_facilitator.model import Event, Session, now
from ibb_facilitator.savecache import COPY_EVENTS_UP_TO, SaveCache, Snapshot, _Issue


def full(session: Session) -> bytes:
    return store.dumps_session(session).encode("utf-8")


def written(snap: Snapshot) -> int:
    """How many issues ``snap`` writes again (the others come from the cache)."""
    return sum(1 for item in snap.issues if isinstance(item, _Issue))


def saved(cache: SaveCache, session: Session) -> Snapshot:
    """Snapshot and render ``session``, check the bytes, return the snapshot to look into."""
    snap = cache.snapshot(session)
    assert cache.render(snap) == full(session)
    return snap


# --- each path ---------------------------------------------------------------------------------


def test_first_save_writes_everything_and_equals_a_full_dump() -> None:
    for session in (make_populated(), store.load_session(EXAMPLE), make_session()):
        cache = SaveCache()
        snap = saved(cache, session)
        assert written(snap) == len(session.issues)
        assert snap.kept == 0 and len(snap.new_events) == len(session.events)


def test_a_new_event_alone_is_written() -> None:
    session, cache = make_populated(), SaveCache()
    saved(cache, session)
    before = len(session.events)
    editing.add_parking(session, 'Bus schedule [/b] "quoted"\nsecond line', owner="Ana Ruiz")
    snap = saved(cache, session)
    assert written(snap) == 0
    assert snap.kept == before and len(snap.new_events) == 1
    snap = saved(cache, session)  # nothing changed: nothing written again
    assert written(snap) == 0 and snap.new_events == []


def test_one_changed_issue_alone_is_written() -> None:
    session, cache = make_populated(), SaveCache()
    saved(cache, session)
    second = session.issues[1]
    editing.add_interest(session, second.id, 'Planning time "protected"\n\tby contract', "mutual")
    snap = saved(cache, session)
    assert [item.issue for item in snap.issues if isinstance(item, _Issue)] == [second]
    editing.edit_issue(session, session.issues[0].id, notes="Budget vote in March")
    assert written(saved(cache, session)) == 1
    editing.move_issue(session, session.issues[2].id, -2)  # order alone: from the cache
    snap = saved(cache, session)
    assert written(snap) <= 1


def test_undo_writes_the_restored_issues_and_keeps_the_log() -> None:
    session, cache, history = make_populated(), SaveCache(), History()
    saved(cache, session)
    history.checkpoint(session, "add interest")
    editing.add_interest(session, session.issues[0].id, "Words that undo takes back", "labor")
    saved(cache, session)
    events = len(session.events)
    assert history.undo(session) == "add interest"
    snap = saved(cache, session)
    assert written(snap) == len(session.issues)  # new objects: written again, once
    assert snap.kept == events and len(snap.new_events) == 1  # only the "undo" event is new
    assert b"Words that undo takes back" not in cache.render(cache.snapshot(session)).split(b"[[events]]")[0]
    assert written(saved(cache, session)) == 0


def test_a_reloaded_or_another_session_is_written_in_full() -> None:
    session, cache = make_populated(), SaveCache()
    saved(cache, session)
    loaded = store.loads_session(full(session).decode("utf-8"))
    snap = saved(cache, loaded)
    assert written(snap) == len(loaded.issues) and snap.kept == 0
    other = store.load_session(EXAMPLE)
    assert written(saved(cache, other)) == len(other.issues)
    assert written(saved(cache, session)) == len(session.issues)  # the first one again: its pieces were dropped


def test_a_log_replaced_or_cut_short_is_written_again() -> None:
    session, cache = make_populated(), SaveCache()
    saved(cache, session)
    del session.events[-2:]  # cut short, in place
    assert saved(cache, session).kept == 0
    session.events[-1] = Event(at=now(), action="note", summary="a replaced last event")  # same length
    assert saved(cache, session).kept == 0
    session.events = list(session.events)  # another list, same events
    assert saved(cache, session).kept == 0
    editing.add_parking(session, "After all that")
    assert saved(cache, session).kept == len(session.events) - 1


def test_a_snapshot_is_detached_from_later_changes() -> None:
    session, cache = make_populated(), SaveCache()
    saved(cache, session)
    editing.edit_issue(session, session.issues[0].id, notes="first words")
    then = full(session)
    snap = cache.snapshot(session)
    editing.edit_issue(session, session.issues[0].id, notes="second words")
    editing.add_parking(session, "said after the snapshot")
    session.title = "Renamed after the snapshot"
    assert cache.render(snap) == then
    saved(cache, session)


def test_snapshots_rendered_late_out_of_order_or_never() -> None:
    session, cache = make_populated(), SaveCache()
    saved(cache, session)
    issue = session.issues[0].id
    editing.add_interest(session, issue, "one", "labor")
    first, first_bytes = cache.snapshot(session), full(session)
    editing.add_interest(session, issue, "two", "labor")
    second, second_bytes = cache.snapshot(session), full(session)
    editing.add_interest(session, issue, "three", "labor")
    never = cache.snapshot(session)  # a snapshot whose worker never ran (a newer one landed)
    editing.add_option(session, session.issues[1].id, "four")
    assert cache.render(second) == second_bytes
    assert cache.render(first) == first_bytes  # older, rendered after a newer one
    del never
    saved(cache, session)
    assert written(saved(cache, session)) == 0


def test_many_new_events_are_dumped_by_the_renderer() -> None:
    session, cache = make_populated(), SaveCache()
    saved(cache, session)
    for n in range(COPY_EVENTS_UP_TO + 1):
        editing.add_parking(session, f"item {n}")
    snap = cache.snapshot(session)
    assert all(isinstance(e, Event) for e in snap.new_events)
    assert cache.render(snap) == full(session)


def test_a_failed_render_can_start_again_from_nothing() -> None:
    session, cache = make_populated(), SaveCache()
    saved(cache, session)
    cache.clear()
    snap = saved(cache, session)
    assert written(snap) == len(session.issues) and snap.kept == 0


def test_the_edit_count_changes_no_equality_copy_or_pickle() -> None:
    one, two = make_populated(), make_populated()
    two.created, two.id = one.created, one.id
    for a, b in zip(one.events, two.events):
        b.at = a.at
    for _ in range(3):
        editing.set_cursor(two, two.issues[0].id)  # looks issue 0 up: its count moves
    one.cursor = two.cursor.model_copy()
    one.events, two.events = [], []
    assert two.issues[0]._edits.n != one.issues[0]._edits.n
    assert one == two
    assert copy.deepcopy(two) == two and pickle.loads(pickle.dumps(two)) == two
    copied = copy.deepcopy(two.issues[0])
    copied._edits.n += 1
    assert copied._edits.n == two.issues[0]._edits.n + 1  # a deep copy counts on its own


def test_every_issue_change_in_editing_moves_the_count() -> None:
    """The contract the cache rests on, spot-checked on a few changes of each kind."""
    session = make_populated()
    pay = session.issues[0]
    changes = [
        lambda: editing.edit_issue(session, pay.id, statement="How can we pay fairly?"),
        lambda: editing.add_option(session, pay.id, "A new option"),
        lambda: editing.edit_interest(session, pay.id, pay.interests[0].id, text="Reworded"),
        lambda: editing.set_status(session, pay.id, pay.status),
        lambda: editing.note_check(session, pay.id, pay.checks[0].id, "a note"),
        lambda: editing.edit_agreement(session, session.agreements[0].id, "New words"),
    ]
    for change in changes:
        before = pay._edits.n
        try:
            change()
        except editing.RuleError:
            pass
        assert pay._edits.n > before


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_documents())
def test_written_rows_splice_into_the_same_text(document: dict[str, Any]) -> None:
    """``tomlwrite.dumps_parts`` with top-level tables written ahead (``array_table``) = ``dumps``."""
    spliced = {
        k: tomlwrite.Written([tomlwrite.array_table(row, k).encode("utf-8") for row in v])
        if k not in tomlwrite.INLINE_ROWS and tomlwrite._is_table_list(v)
        else v
        for k, v in document.items()
    }
    assert b"".join(tomlwrite.dumps_parts(spliced)) == tomlwrite.dumps(document).encode("utf-8")


# --- the rules fuzzer, with the cache checked after every step -----------------------------------


class CacheMachine(RulesMachine):
    """The rules fuzzer's random changes and undo; two save caches follow them.

    ``synced`` is snapshotted and rendered after every step (a session where every change is
    autosaved at once). ``lagging`` is snapshotted after every step too, but its snapshots are
    rendered only when the ``render_snapshot`` rule says so, in any order, and most never (the
    oldest are dropped): autosave workers that run late, out of order, or are skipped because a
    newer snapshot landed. Every render must equal the full dump of its snapshot's moment.
    """

    def __init__(self) -> None:
        super().__init__()
        self.synced = SaveCache()
        self.lagging = SaveCache()
        self.pending: list[tuple[Snapshot, bytes]] = []
        self.renders = 0

    @precondition(lambda self: bool(self.pending))
    @rule(data=st.data())
    def render_snapshot(self, data: st.DataObject) -> None:
        snap, expected = self.pending.pop(data.draw(st.integers(0, len(self.pending) - 1), label="which snapshot"))
        assert self.lagging.render(snap) == expected, "a late snapshot did not render its moment"
        self.renders += 1

    @invariant()
    def incremental_equals_full(self) -> None:
        expected = full(self.session)
        assert self.synced.dumps(self.session) == expected, "the incremental save differs from a full dump"
        self.pending.append((self.lagging.snapshot(self.session), expected))
        del self.pending[:-4]

    # checked in test_fuzz.py already: not again here
    def round_trips(self) -> None:  # type: ignore[override]
        pass

    def rules_hold(self) -> None:  # type: ignore[override]
        pass

    def teardown(self) -> None:
        for snap, expected in reversed(self.pending):
            assert self.lagging.render(snap) == expected
        assert self.lagging.dumps(self.session) == full(self.session)


CacheMachine.TestCase.settings = settings(
    max_examples=60 * SCALE, stateful_step_count=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_cache_state_machine = CacheMachine.TestCase


# --- the app -----------------------------------------------------------------------------------


async def test_app_autosaves_equal_a_full_dump(tmp_path: Path) -> None:
    from ibb_facilitator.tui.app import IbbApp

    path = tmp_path / "s.toml"
    store.save_session(make_populated(), path, backup=False)
    app = IbbApp(path=path)
    snapshots: list[Snapshot] = []

    def spy(session: Session) -> Snapshot:
        snapshots.append(type(app._save_cache).snapshot(app._save_cache, session))
        return snapshots[-1]

    async def landed() -> None:
        await until(pilot, lambda: not app.dirty and app._written_seq == app._seq and app._seq > 0, "the autosave")
        await app.workers.wait_for_complete()
        assert path.read_bytes() == full(app.session)

    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.file is not None and app._save_cache is not None, "the session")
        app._save_cache.snapshot = spy  # type: ignore[method-assign]
        s = app.session
        first, second = s.issues[0].id, s.issues[1].id
        assert app.change(
            "add interest", editing.add_interest, first, "Words typed in the room\nover two lines", "labor"
        )
        await landed()
        assert app.change("add option", editing.add_option, second, "An option [b]not bold[/b]")
        await landed()
        assert written(snapshots[-1]) == 1  # the other issues came from the cache
        assert app.change("park", editing.add_parking, "Ask the board", owner="Ben Hale")
        await landed()
        assert written(snapshots[-1]) == 0
        assert app.undo() == "park"
        await landed()
        assert app.undo() == "add option"
        assert app.change("edit issue", editing.edit_issue, first, notes="After two undos")
        await landed()
        for n in range(5):  # quick changes: fewer autosaves than changes, each one complete
            app.change("add interest", editing.add_interest, second, f"quick {n}", "management")
            await pilot.pause(0.05)
        await landed()
        await pilot.press("ctrl+q")
    assert path.read_bytes() == full(store.load_session(path))
    assert "quick 4" in path.read_text(encoding="utf-8")


async def test_app_reports_a_failed_render_and_saves_in_full_next_time(tmp_path: Path) -> None:
    """A bug in the cache must not pass for a save: the app says NOT SAVED, and the next autosave
    starts from an empty cache (a full write)."""
    from ibb_facilitator.tui.app import IbbApp

    path = tmp_path / "s.toml"
    store.save_session(make_populated(), path, backup=False)
    app = IbbApp(path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.file is not None and app._save_cache is not None, "the session")
        cache = app._save_cache
        render = type(cache).render

        def broken(snap: Snapshot) -> bytes:
            raise RuntimeError("a bug in the cache")

        cache.render = broken  # type: ignore[method-assign]
        app.change("add interest", editing.add_interest, app.session.issues[0].id, "Kept in memory", "labor")
        await until(pilot, lambda: app.save_error is not None, "the failed save")
        assert "a bug in the cache" in app.save_error and "NOT SAVED" in app.sub_title
        assert b"Kept in memory" not in path.read_bytes()
        cache.render = lambda snap: render(cache, snap)  # type: ignore[method-assign]
        app.change("add interest", editing.add_interest, app.session.issues[0].id, "And this", "labor")
        await until(
            pilot, lambda: app.save_error is None and not app.dirty and app._written_seq == app._seq, "the save"
        )
        await app.workers.wait_for_complete()
        assert path.read_bytes() == full(app.session)
        await pilot.press("ctrl+q")
