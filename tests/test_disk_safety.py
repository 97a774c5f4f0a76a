"""Nothing on disk is lost or clobbered (issue 12): the lock, interrupted saves, outside changes
found by content, symlinked sessions, files that are not files, and `ibb open`'s exit code.

Cases that could hang (a FIFO, a device) run the command in a subprocess with a timeout in
the test, never in the app."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ibb_facilitator import cli, editing, store
from ibb_facilitator.model import Session
from ibb_facilitator.store import LockedError, SaveError, SessionFile, StoreError

IBB = [sys.executable, "-m", "ibb_facilitator"]


def ibb(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*IBB, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def lock_path(session_file: Path) -> Path:
    return session_file.with_name(f".{session_file.name}.lock")


# --- 1. the lock -------------------------------------------------------------------------------


def test_a_symlink_at_the_lock_path_is_refused_and_its_target_untouched(session_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-record.toml"
    other.write_text("precious = true\n" * 50)
    before = other.read_bytes()
    lock_path(session_file).symlink_to(other)
    with pytest.raises(LockedError, match="symbolic link"):
        SessionFile.open(session_file)
    assert other.read_bytes() == before
    assert lock_path(session_file).is_symlink()  # left for the person to look at
    assert SessionFile.open(session_file, readonly=True).readonly  # reading still works


def test_a_dangling_symlink_at_the_lock_path_creates_nothing(session_file: Path, tmp_path: Path) -> None:
    lock_path(session_file).symlink_to(tmp_path / "not-there")
    with pytest.raises(LockedError, match="symbolic link"):
        SessionFile.open(session_file)
    assert not (tmp_path / "not-there").exists()


def test_a_hard_link_at_the_lock_path_never_truncates_its_other_name(session_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-record.toml"
    other.write_text("precious = true\n" * 50)
    before = other.read_bytes()
    os.link(other, lock_path(session_file))
    with SessionFile.open(session_file) as opened:  # a lock nobody holds: replaced, not written into
        editing.add_parking(opened.session, "Saved")
        opened.save()
    assert other.read_bytes() == before


def test_a_fifo_at_the_lock_path_is_refused_without_hanging(session_file: Path) -> None:
    os.mkfifo(lock_path(session_file))
    with pytest.raises(LockedError, match="not a regular file"):
        SessionFile.open(session_file)


def test_a_file_with_other_data_at_the_lock_path_is_not_deleted(session_file: Path) -> None:
    lock_path(session_file).write_text("my notes, not a lock\n" * 40)
    with pytest.raises(LockedError, match="not a lock file ibb made"):
        SessionFile.open(session_file)
    assert lock_path(session_file).read_text().startswith("my notes")


def test_a_stale_lock_is_recognised_whatever_it_says(session_file: Path) -> None:
    lock_path(session_file).write_text(f"pid {os.getpid()} on this-very-host since 2020-01-01 00:00")
    with SessionFile.open(session_file) as opened:  # its owner is gone: no flock on it
        assert f"pid {os.getpid()} on " in lock_path(session_file).read_text()
        opened.save()


HOLDER = textwrap.dedent(
    """
    import sys, time
    from ibb_facilitator.store import SessionFile
    opened = SessionFile.open(sys.argv[1])
    print("locked", flush=True)
    sys.stdin.readline()
    """
)


@pytest.mark.slow
def test_deleting_the_lock_file_does_not_let_a_second_writer_in(session_file: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(session_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        lock_path(session_file).unlink()  # "harmless", the old docs said
        with pytest.raises(LockedError, match="already open for writing"):
            SessionFile.open(session_file)
        assert not lock_path(session_file).exists()  # the refused opener left nothing behind
    finally:
        child.communicate("\n", timeout=10)
    SessionFile.open(session_file).close()


def test_the_lock_on_the_file_follows_each_save(session_file: Path) -> None:
    with SessionFile.open(session_file) as opened:
        for n in range(3):
            editing.add_parking(opened.session, f"Item {n}")
            opened.save()  # a new version (a new inode) each time: it must be the locked one
            lock_path(session_file).unlink(missing_ok=True)
            with pytest.raises(LockedError, match="already open for writing"):
                SessionFile.open(session_file)
            assert not lock_path(session_file).exists()  # the refused opener took its own away


# --- 2. interrupted saves ---------------------------------------------------------------------


def interrupted_save(session_file: Path, text: str) -> Path:
    """What a save killed before its replace leaves: the newer version in the temp file only."""
    with SessionFile.open(session_file) as opened:
        editing.add_parking(opened.session, text)
        newer = store.dumps_session(opened.session)
    tmp = session_file.with_name(f".{session_file.name}.k3j4h5.tmp")
    tmp.write_text(newer)
    return tmp


def test_an_interrupted_save_is_offered_not_deleted(session_file: Path) -> None:
    tmp = interrupted_save(session_file, "Only in the temp file")
    SessionFile.open(session_file, readonly=True).close()
    with SessionFile.open(session_file) as opened:
        assert tmp.exists()
        assert [u.path for u in opened.unsaved] == [tmp]
        assert opened.unsaved[0].session.parking_lot[-1].text == "Only in the temp file"
    with SessionFile.open(session_file) as again:  # not chosen: offered again
        assert [u.path for u in again.unsaved] == [tmp]


def test_use_the_unsaved_version(session_file: Path) -> None:
    old = session_file.read_bytes()
    tmp = interrupted_save(session_file, "Only in the temp file")
    with SessionFile.open(session_file) as opened:
        opened.use_unsaved(opened.unsaved[0])
        assert opened.unsaved == [] and not tmp.exists()
    assert store.load_session(session_file).parking_lot[-1].text == "Only in the temp file"
    assert session_file.with_name(session_file.name + ".bak").read_bytes() == old


def test_keep_both_and_discard(session_file: Path) -> None:
    old = session_file.read_bytes()
    tmp = interrupted_save(session_file, "Only in the temp file")
    newer = tmp.read_bytes()
    with SessionFile.open(session_file) as opened:
        out = opened.keep_both(opened.unsaved[0])
    assert (
        out.parent == session_file.parent
        and out.name.startswith(f"{session_file.stem}-recovered-")
        and out.suffix == ".toml"
    )
    assert out.read_bytes() == newer and session_file.read_bytes() == old and not tmp.exists()
    tmp2 = interrupted_save(session_file, "Another")
    with SessionFile.open(session_file) as opened:
        opened.discard(opened.unsaved[0])
    assert not tmp2.exists() and session_file.read_bytes() == old


def test_keep_both_without_hard_links_copies_and_never_overwrites(session_file: Path, monkeypatch) -> None:
    """A folder without hard links (FAT, some shares): the recovered version is an exclusive,
    synced copy; a name already taken is skipped, not written over."""
    import errno

    tmp = interrupted_save(session_file, "Only in the temp file")
    newer = tmp.read_bytes()

    def no_links(src, dst):
        raise OSError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr("os.link", no_links)
    with SessionFile.open(session_file) as opened:
        found = opened.unsaved[0]
        taken = session_file.with_name(f"{session_file.stem}-recovered-{found.when:%Y%m%d-%H%M}.toml")
        taken.write_bytes(b"someone else's file")
        out = opened.keep_both(found)
    assert out != taken and taken.read_bytes() == b"someone else's file"
    assert out.read_bytes() == newer and not tmp.exists()


def test_a_temp_file_identical_to_the_session_is_removed(session_file: Path) -> None:
    tmp = session_file.with_name(f".{session_file.name}.abc.tmp")
    tmp.write_bytes(session_file.read_bytes())
    with SessionFile.open(session_file) as opened:
        assert opened.unsaved == [] and not tmp.exists()  # nothing was in it that the file lacks


def test_validate_and_export_mention_an_unsaved_version_on_stderr(session_file: Path) -> None:
    tmp = interrupted_save(session_file, "Only in the temp file")
    for args in (["validate", str(session_file)], ["export", str(session_file), "--format", "md"]):
        done = ibb(*args)
        assert done.returncode == 0, done.stderr
        assert "newer unsaved version" in done.stderr and tmp.name in done.stderr
    assert tmp.exists()


async def test_the_app_offers_the_unsaved_version_and_keeps_both(session_file: Path) -> None:
    from textual.widgets import OptionList

    from ibb_facilitator.tui.app import IbbApp
    from ibb_facilitator.tui.modals import Choose

    old = session_file.read_bytes()
    tmp = interrupted_save(session_file, "Only in the temp file")
    app = IbbApp(path=session_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, Choose)
        assert tmp.exists()  # nothing deleted while the question is open
        app.screen.query_one(OptionList).highlighted = 1  # "Keep both"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, Choose)
    recovered = [p for p in session_file.parent.iterdir() if "-recovered-" in p.name]
    assert len(recovered) == 1 and not tmp.exists()
    assert store.load_session(recovered[0]).parking_lot[-1].text == "Only in the temp file"
    assert store.load_session(session_file).parking_lot == store.loads_session(old.decode()).parking_lot


# --- 3. outside changes found by content ------------------------------------------------------


def test_a_same_size_replacement_with_the_mtime_kept_is_not_overwritten(session_file: Path) -> None:
    opened = SessionFile.open(session_file)
    try:
        for _step in range(2):  # after the open (a hash of what was read), then after a save (the bytes)
            text = session_file.read_text()
            theirs = text.replace("Health", "Hxalth", 1)
            assert theirs != text and len(theirs) == len(text)
            info = session_file.stat()
            session_file.write_text(theirs)  # in place, same size (a sync client)...
            os.utime(session_file, ns=(info.st_atime_ns, info.st_mtime_ns))  # ...keeping the mtime
            editing.add_parking(opened.session, "Ours")
            with pytest.raises(SaveError, match="changed on disk"):
                opened.save()
            assert session_file.read_text() == theirs
            session_file.write_text(text)
            os.utime(session_file, ns=(info.st_atime_ns, info.st_mtime_ns))
            opened.save()  # its own version back: nothing of theirs to lose
    finally:
        opened.close()


def test_a_touch_alone_does_not_stop_saving(session_file: Path) -> None:
    with SessionFile.open(session_file) as opened:
        os.utime(session_file, (1, 1))
        editing.add_parking(opened.session, "Ours")
        opened.save()
        os.utime(session_file, (2, 2))
        opened.save()


# --- 4. symlinked sessions --------------------------------------------------------------------


def test_a_symlinked_session_is_saved_through_to_its_target(session_file: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "real"
    elsewhere.mkdir()
    target = elsewhere / "record.toml"
    session_file.rename(target)
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    before = target.read_bytes()
    with SessionFile.open(link) as opened:
        assert opened.symlink_target == target
        editing.add_parking(opened.session, "Through the link")
        opened.save()
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert store.load_session(target).parking_lot[-1].text == "Through the link"
    assert (elsewhere / "record.toml.bak").read_bytes() == before
    assert not (tmp_path / "link.toml.bak").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_dangling_symlink_is_refused_clearly(tmp_path: Path) -> None:
    link = tmp_path / "gone.toml"
    link.symlink_to(tmp_path / "nowhere.toml")
    for readonly in (False, True):
        with pytest.raises(StoreError, match=r"symbolic link to .*does not exist"):
            SessionFile.open(link, readonly=readonly)
    assert not (tmp_path / "nowhere.toml").exists()
    with pytest.raises(SaveError, match="already exists"):
        SessionFile.create(link, Session(title="x"))
    assert not (tmp_path / "nowhere.toml").exists()


# --- 5. files that are not files --------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{f}"],
        ["export", "{f}", "--format", "md"],
        ["diff", "{f}", "{f}"],
        ["open", "{f}"],
        ["review", "{f}"],
        ["room", "{f}"],
    ],
)
def test_a_fifo_is_refused_at_once(fifo: Path, args: list[str]) -> None:
    done = ibb(*(a.format(f=fifo) for a in args))
    assert done.returncode == 1
    assert f"{fifo}: not a regular file (a FIFO)" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_unread(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    done = ibb("validate", device)
    assert done.returncode == 1 and "not a regular file (a character device)" in done.stderr
    with pytest.raises(StoreError, match="not a regular file"):
        SessionFile.open(Path(device), readonly=True)


def test_reads_are_bounded_by_bytes_read_not_st_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that reports a small size but holds more (growing, or a file system that says 0)."""
    path = tmp_path / "grows.toml"
    path.write_bytes(b"# x\n" * 1000)
    monkeypatch.setattr(store.read, "MAX_BYTES", 100)
    real_fstat = os.fstat

    def small(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        return os.stat_result(
            (
                info.st_mode,
                info.st_ino,
                info.st_dev,
                info.st_nlink,
                info.st_uid,
                info.st_gid,
                0,
                info.st_atime,
                info.st_mtime,
                info.st_ctime,
            )
        )

    monkeypatch.setattr(os, "fstat", small)
    with pytest.raises(StoreError, match="too large"):
        store.read_bytes(path)


# --- 6. `ibb open` of a bad file fails -------------------------------------------------------


def test_ibb_open_of_a_bad_file_exits_non_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ibb_facilitator.tui import app as app_module

    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = [\n")
    monkeypatch.setattr(app_module.IbbApp, "run", lambda self, *a, **k: self.open_session(bad) and None)
    monkeypatch.setattr(app_module.IbbApp, "show_error", lambda self, *a, **k: None)
    assert cli.main(["open", str(bad)]) == 1


def test_ibb_open_of_a_good_file_exits_zero(session_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ibb_facilitator.tui import app as app_module

    def run(self, *a, **k):  # type: ignore[no-untyped-def]
        opened, _, _ = app_module.open_file(session_file, False)
        self.file = opened
        opened.close()

    monkeypatch.setattr(app_module.IbbApp, "run", run)
    assert cli.main(["open", str(session_file)]) == 0
