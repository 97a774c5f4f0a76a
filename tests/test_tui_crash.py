"""Never lose a word: a killed app, and quitting, keep what was entered.

"A test kills the app process mid-session (a subprocess under a real pseudo-terminal, SIGKILL)
and finds every item entered before the last second in the file."

The kill test runs ``python -m ibb_facilitator open FILE`` under pexpect with a 120x40 terminal,
types interests on the capture line at human-but-brisk intervals, and SIGKILLs the process at a
seeded random moment, twenty times over the same file. After each kill the file must load and
validate, hold every item whose Enter was sent at least one second before the kill (exactly as
typed, in order), and still hold every item an earlier round found. A killed save may leave a
temp file ``.NAME.*.tmp`` beside the session: the next open offers a valid newer one ("a newer
unsaved version … was found": the test answers Use it, as the recorder would) and moves a broken
one aside, never deleting either (two rounds also plant a broken one, so that path is exercised).

The other tests are in-process (``run_test``) regressions: quitting right after an autosave
snapshot (the change was lost), and quitting after a failed save (the second Ctrl+Q never quit).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from textual.widgets import Input

from ibb_facilitator import agenda, editing, store
from ibb_facilitator.model import Session, Stage
from ibb_facilitator.tui.app import IbbApp

pexpect = pytest.importorskip("pexpect")

SIZE = (120, 40)
KILLS = 20
SEED = 1234
GRACE = 1.0  # "every item entered before the last second"
# Seconds each save's fsync takes in the slowed cases (IBB_TEST_SLOW_FSYNC): a slow USB stick. An
# item then reaches a temp file within 0.2 s (autosave) + one save in flight + the write.
SLOW_FSYNC = 0.5


def interests_session() -> Session:
    """A session whose cursor is on the first issue's interests: typed lines become interests."""
    _, chosen = agenda.find("contract-negotiation")
    session = agenda.new_session(chosen, "contract-negotiation")
    editing.set_stage(session, session.issues[0].id, Stage.INTERESTS)
    return session


def interests_in(path: Path) -> list[str]:
    session = store.load_session(path)  # parses and validates, or raises with FILE:LINE: what
    return [i.text for i in session.issues[0].interests]


# --- the real process under a pseudo-terminal -------------------------------------------------


class Room:
    """One run of the app in a pty: start it, type into it, end it (a signal, or the pty closed)."""

    def __init__(self, path: Path, env: dict[str, str]):
        self.path = path
        self.offered = 0  # unsaved versions the app offered on opening (answered: Use it)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "ibb_facilitator", "open", str(path)],
            env=env,
            cwd=str(path.parent),
            dimensions=(SIZE[1], SIZE[0]),
        )

    def pump(self, seconds: float) -> None:
        """Read what the app draws for ``seconds`` (an unread pty fills up and stalls the app)."""
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            try:
                self.child.read_nonblocking(65536, timeout=min(left, 0.05))
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                raise AssertionError(f"the app ended by itself: {self.child.before[-2000:]!r}") from None

    def wait_until_up(self, draft: bool = False) -> None:
        """The stage walk is drawn (the interests placeholder; with a ``draft`` kept last time,
        the notice that it is back in the capture line) and the file is locked for writing."""
        want = b"unfinished line" if draft else b"New interest"
        try:
            # a kill mid-save left a newer version: it is offered; Enter takes the first answer, Use it
            while self.child.expect([b"unsaved version", want], timeout=60) == 0:
                self.use_it()
        except (pexpect.TIMEOUT, pexpect.EOF):
            raise AssertionError(f"the app did not come up: {self.child.before[-2000:]!r}") from None
        lock = store.FileLock(self.path).path
        deadline = time.monotonic() + 30
        while not lock.exists() or (self.offered and store.unsaved_versions(self.path)):
            assert time.monotonic() < deadline, "the session was not opened for writing, or Use it not done"
            # Versions are offered one at a time: a second one left beside the file is offered
            # after the first is used, when the stage walk (what the loop above waits for) may
            # already be drawn. Seen on a loaded machine; answered here as the first was.
            try:
                if self.child.expect([b"unsaved version", pexpect.TIMEOUT], timeout=0.05) == 0:
                    self.use_it()
            except pexpect.EOF:
                raise AssertionError(f"the app ended by itself: {self.child.before[-2000:]!r}") from None
        self.pump(0.2)  # let the first frame settle before typing

    def use_it(self) -> None:
        """Answer the unsaved-version offer on the screen: Enter, the first answer, Use it."""
        self.pump(0.3)
        self.child.send(b"\r")
        self.offered += 1
        # the stage walk may be drawn already: wait for the answer to be carried out
        self.child.expect(b"Using the version", timeout=60)

    def type_line(self, text: str, enter: bool = True) -> float:
        self.child.send(text.encode("utf-8") + (b"\r" if enter else b""))
        return time.monotonic()

    def end(self, how: str) -> float:
        """SIGKILL or SIGTERM the app, or close the pty's master side (SIGHUP, as a closed
        terminal window or a dropped SSH connection does); wait for it to end; check how."""
        moment = time.monotonic()
        if how == "SIGHUP":
            self.child.ptyproc.fileobj.close()  # the kernel hangs up the terminal: SIGHUP
        else:
            os.kill(self.child.pid, getattr(signal, how))
        # A process in the middle of an fsync dies only when the disk lets it; closing at once
        # made pexpect give up ("Could not terminate the child") on a busy machine.
        deadline = time.monotonic() + 30
        while self.child.isalive():
            assert time.monotonic() < deadline, f"the app was still alive 30 s after {how}"
            time.sleep(0.01)
        if how != "SIGHUP":
            self.child.close(force=True)
        if how == "SIGKILL":
            assert self.child.signalstatus == signal.SIGKILL, (self.child.exitstatus, self.child.signalstatus)
        else:  # handled: it saved, released the lock and exited as a shell reports the signal
            code = 128 + getattr(signal, how)
            assert (self.child.exitstatus, self.child.signalstatus) == (code, None), (
                f"{how}: {self.child.exitstatus, self.child.signalstatus}, expected exit {code}"
            )
        return moment


WORDS = ["budget", "planning time", "café", "中文", "[/] brackets", "coverage", "🙂", "staffing"]

#: (how the app ends, rounds, seconds each save's fsync takes): SIGKILL loses only the last second;
#: SIGTERM and SIGHUP (handled) lose nothing typed a second before, keep the capture line's draft
#: and release the lock. With a slowed fsync (a slow USB stick) the kill lands mid-save: SIGKILL
#: leaves the newest version in a temp file beside the session, SIGTERM and SIGHUP finish it.
CASES = [
    ("SIGKILL", KILLS, 0.0),
    ("SIGTERM", 6, 0.0),
    ("SIGHUP", 6, 0.0),
    ("SIGKILL", 4, SLOW_FSYNC),
    ("SIGTERM", 3, SLOW_FSYNC),
    ("SIGHUP", 3, SLOW_FSYNC),
]


def newest_versions(path: Path) -> list[list[str]]:
    """The interests of the session file and of every whole temp file a killed save left."""
    versions = [interests_in(path)]
    for temp in store.stale_temp_files(path):
        try:
            versions.append(
                [i.text for i in store.loads_session(temp.read_text("utf-8"), temp.name).issues[0].interests]
            )
        except (store.StoreError, UnicodeDecodeError):
            pass  # cut off while being written: it never held anything the file did not
    return versions


@pytest.mark.slow
@pytest.mark.parametrize(
    ("how", "rounds", "slow_fsync"), CASES, ids=[f"{h}{'-slow-fsync' if s else ''}" for h, _, s in CASES]
)
def test_an_ended_app_keeps_every_item_entered_a_second_before(tmp_path, how, rounds, slow_fsync):
    rng = random.Random(f"{SEED} {how} {slow_fsync}")
    handled = how != "SIGKILL"
    fresh = bool(slow_fsync)  # a kill mid-save leaves a temp file: each round on a file of its own
    path = tmp_path / "kill.toml"
    store.save_session(interests_session(), path, backup=False)
    env = dict(
        os.environ,
        TERM="xterm-256color",
        COLUMNS=str(SIZE[0]),
        LINES=str(SIZE[1]),
        IBB_CACHE_DIR=str(tmp_path / "cache"),
        IBB_DATA_DIR=str(tmp_path / "data"),
        IBB_SESSIONS_DIR=str(tmp_path / "sessions"),
    )
    env.pop("TEXTUAL", None)  # no devtools
    if slow_fsync:
        env["IBB_TEST_SLOW_FSYNC"] = str(slow_fsync)
    found: list[str] = []  # every item a round has found in the file: it must stay there
    typed_ever: list[str] = []
    killed_mid_save = checked = drafts_kept = 0
    started = time.monotonic()

    for round_no in range(rounds):
        if fresh:
            path = tmp_path / f"kill-{round_no:02d}.toml"
            store.save_session(interests_session(), path, backup=False)
            found = []
        draft = store.load_session(path).cursor.capture_draft
        planted = None
        offered_before = len(store.unsaved_versions(path))
        if how == "SIGKILL" and not fresh and round_no in (0, rounds // 2):  # what a save killed mid-write leaves
            planted = path.with_name(f".{path.name}.planted{round_no}.tmp")
            planted.write_bytes(b"half a sess")
        room = Room(path, env)
        try:
            room.wait_until_up(draft=bool(draft))
            assert room.offered == offered_before, (
                f"round {round_no}: {offered_before} unsaved versions beside the file, {room.offered} offered"
            )
            leftovers = store.stale_temp_files(path)
            assert leftovers == [], f"round {round_no}: the open for writing left {leftovers}"
            sent: list[tuple[str, float]] = []
            if draft:  # the last round's unfinished line is back on the capture line: enter it
                sent.append((draft, room.type_line("")))

            items = rng.randint(1, 5)
            gaps = [rng.uniform(0.35, 0.8) for _ in range(items)]  # a brisk recorder, or a paste
            kill_at = time.monotonic() + rng.uniform(0.4, 2.5) + (slow_fsync and rng.uniform(0.5, 1.5))
            # SIGTERM, SIGHUP: most rounds leave a line typed but not entered, a second before
            draft_at = None
            if handled and (round_no == 0 or rng.random() < 0.7):
                kill_at += GRACE + 0.3
                draft_at = kill_at - GRACE - 0.2
            for n, gap in enumerate(gaps):
                text = f"round {round_no:02d} item {n} {rng.choice(WORDS)}"
                if time.monotonic() >= (draft_at or kill_at):
                    break
                sent.append((text, room.type_line(text)))
                typed_ever.append(text)
                room.pump(max(0.0, min(gap, (draft_at or kill_at) - time.monotonic())))
            unfinished = None
            if draft_at is not None:
                room.pump(max(0.0, draft_at - time.monotonic()))
                unfinished = f"round {round_no:02d} unfinished {rng.choice(WORDS)}"  # typed, no Enter
                unfinished_at = room.type_line(unfinished, enter=False)
                typed_ever.append(unfinished)
            room.pump(max(0.0, kill_at - time.monotonic()))
            moment = room.end(how)
        finally:
            if room.child.isalive():
                room.child.close(force=True)

        temps = store.stale_temp_files(path)
        killed_mid_save += bool(temps)
        if handled:
            assert temps == [], f"round {round_no}: {how} left a temp file: the save was not finished: {temps}"
            assert not store.FileLock(path).path.exists(), f"round {round_no}: {how} left the lock"
        texts = interests_in(path)
        versions = newest_versions(path)  # with SIGKILL mid-save, the newest may be in a temp file
        due = [text for text, at in sent if moment - at >= GRACE]
        missing = [
            text for text in due if not any(text in version for version in (versions if not handled else [texts]))
        ]
        assert not missing, (
            f"round {round_no}: items entered at least {GRACE}s before {how} are not in the file"
            f"{'' if handled else ' nor in a temp file beside it'}: {missing}; "
            f"sent {[(t, round(moment - at, 2)) for t, at in sent]}; file has {texts[-8:]}"
        )
        lost = [text for text in found if text not in texts]
        assert not lost, f"round {round_no}: items found after an earlier kill are gone: {lost}"
        assert all(text in typed_ever for text in texts), (
            f"round {round_no}: text nobody typed: {set(texts) - set(typed_ever)}"
        )
        assert texts == [t for t in typed_ever if t in texts], f"round {round_no}: items out of order: {texts}"
        kept = store.load_session(path).cursor.capture_draft
        if unfinished is not None and moment - unfinished_at >= GRACE:
            assert kept == unfinished, (
                f"round {round_no}: {how}: the capture line's {unfinished!r} was not kept as a draft: {kept!r}"
            )
            drafts_kept += 1
        assert kept in ("", unfinished), f"round {round_no}: a draft nobody left: {kept!r}"
        backup = path.with_name(path.name + store.BACKUP_SUFFIX)
        if backup.exists():
            store.load_session(backup)  # the previous good version is whole too
        found = texts
        checked += len(due)
        if planted is not None:  # a broken temp file is moved aside, never deleted
            assert not planted.exists() and list(path.parent.glob(f"{path.name}.broken-tmp-*planted{round_no}"))

    if not fresh:
        with store.SessionFile.open(path) as reopened:  # the next open offers what a kill left
            assert {u.path for u in reopened.unsaved} == set(store.stale_temp_files(path))
            assert [i.text for i in reopened.session.issues[0].interests] == found
    elapsed = time.monotonic() - started
    print(
        f"\n{how}{' (slow fsync)' if slow_fsync else ''}: {rounds} rounds in {elapsed:.1f}s: {len(typed_ever)} lines "
        "typed, "
        f"{checked} due by the 1 s rule, {killed_mid_save} ends left a temp file, {drafts_kept} drafts kept"
    )
    assert checked > 0
    if how == "SIGKILL" and slow_fsync:
        assert killed_mid_save > 0, "no kill landed during a save's fsync: the slow-fsync case tested nothing"
    if handled:
        assert drafts_kept > 0, "no round checked the capture line's draft"


# --- quitting ---------------------------------------------------------------------------------


async def test_quit_right_after_autosave_keeps_the_change(tmp_path):
    """Ctrl+Q just after the autosave took its snapshot, before the worker thread wrote it.

    In a real run this is a race (before the fix, about 1 quit in 5 landing 0.15-0.2 s after the
    last change lost it); holding the thread pool busy makes the worker wait, so the test is
    deterministic.
    """
    path = tmp_path / "quit.toml"
    store.save_session(interests_session(), path, backup=False)
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(max_workers=1)
    loop.set_default_executor(pool)
    gate = threading.Event()
    loop.call_later(30, gate.set)  # never hang
    busy = loop.run_in_executor(None, gate.wait)  # the one thread is busy for now
    app = IbbApp(path=path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            capture = app.screen.query_one("#capture", Input)
            capture.value = "the last thing said before closing"
            await capture.action_submit()
            deadline = time.monotonic() + 30
            while app.dirty or app._seq == 0:  # the autosave took its snapshot; its worker waits
                assert time.monotonic() < deadline
                await pilot.pause(0.01)
            assert "saving" in app.sub_title  # honest: the snapshot has not been written yet
            await pilot.press("ctrl+q")
    finally:
        gate.set()
        await busy
        pool.shutdown(wait=True)
    assert "the last thing said before closing" in interests_in(path)


async def test_second_ctrl_q_quits_after_a_failed_save(tmp_path):
    """The notice says "Ctrl+Q again to quit anyway": the second Ctrl+Q must quit.

    Regression: flush() failed again on the second Ctrl+Q and re-armed the warning, for ever."""
    path = tmp_path / "stuck.toml"
    store.save_session(interests_session(), path, backup=False)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        other = store.load_session(path)
        other.title += " (edited elsewhere)"
        store.save_session(other, path, backup=False)  # another program changes the file: saves now fail
        capture = app.screen.query_one("#capture", Input)
        capture.value = "kept in memory"
        await capture.action_submit()
        deadline = time.monotonic() + 30
        while app.save_error is None:
            assert time.monotonic() < deadline
            await pilot.pause(0.02)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running  # the first Ctrl+Q warns
        await pilot.press("ctrl+q")
        await pilot.pause()
        still_running = app.is_running
    assert not still_running, "the second Ctrl+Q did not quit"


# --- the capture line's draft, and the signal handler in process ---------------------------------

HOSTILE = ["half a thought", "[/foo] not markup", "[/", "café 中文 🙂", '"quoted" \\ back\tslash']


@pytest.mark.parametrize("text", HOSTILE)
def test_capture_draft_round_trips(text, tmp_path):
    session = interests_session()
    session.cursor.capture_draft = text
    path = tmp_path / "draft.toml"
    store.save_session(session, path, backup=False)
    assert store.load_session(path).cursor.capture_draft == text
    session.cursor.capture_draft = ""
    assert "capture_draft" not in store.dumps_session(session)  # the default is not written


@pytest.mark.parametrize("text", HOSTILE[:3])
async def test_ctrl_q_keeps_the_capture_line_and_reopen_puts_it_back(text, tmp_path):
    path = tmp_path / "draft.toml"
    store.save_session(interests_session(), path, backup=False)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#capture", Input).value = text
        await pilot.press("ctrl+q")
    assert store.load_session(path).cursor.capture_draft == text
    assert not store.FileLock(path).path.exists()

    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        deadline = time.monotonic() + 30
        while app.screen.query_one("#capture", Input).value != text:
            assert time.monotonic() < deadline, "the draft was not put back"
            await pilot.pause(0.02)
        assert any(str(n.message) == f"Your unfinished line was kept: {text}" for n in app._notifications)
        await pilot.press("enter")  # entered now: an item, and no longer a draft
        await pilot.press("ctrl+q")
    session = store.load_session(path)
    assert session.cursor.capture_draft == ""
    assert text in [i.text for i in session.issues[0].interests]


async def test_a_signal_waits_for_the_save_in_flight_then_saves_the_rest(tmp_path):
    """SIGTERM while an autosave's worker is still writing (held here): the handler's flush waits
    for it, saves what came after and the capture line's draft, releases the lock, and asks
    for exit code 143; a second signal meanwhile changes nothing."""
    path = tmp_path / "sig.toml"
    store.save_session(interests_session(), path, backup=False)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        capture = app.screen.query_one("#capture", Input)
        capture.value = "saved by the worker"
        await capture.action_submit()
        deadline = time.monotonic() + 30
        while app.dirty or app._seq == 0:
            assert time.monotonic() < deadline
            await pilot.pause(0.01)
        app._write_lock.acquire()  # the worker's save is "in its fsync"
        released = threading.Timer(0.5, app._write_lock.release)
        released.start()
        capture.value = "entered after it"
        await capture.action_submit()
        await pilot.pause()  # the item is taken (the signal comes between messages)
        capture.value = "typed, not entered"
        app.on_exit_signal(signal.SIGTERM)  # waits for the lock, then writes everything
        app.on_exit_signal(signal.SIGTERM)  # the second one is ignored
        assert not store.FileLock(path).path.exists(), "the lock is released before the teardown"
        saved = store.load_session(path)
        app.mark_dirty(content=True)  # nothing is saved once the lock is gone
        assert app._save_timer is None
        await pilot.pause()
    released.join()
    assert app.return_code == 128 + signal.SIGTERM
    assert [i.text for i in saved.issues[0].interests][-2:] == ["saved by the worker", "entered after it"]
    assert saved.cursor.capture_draft == "typed, not entered"
    assert store.stale_temp_files(path) == []
    assert not [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()], (
        "a watchdog would end the test process"
    )
