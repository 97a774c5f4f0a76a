"""``FileLock``: one process writes a session at a time, and a crash never leaves it locked."""

from __future__ import annotations

import os
import re
import socket
import stat
import sys
from datetime import datetime
from pathlib import Path

from .errors import LockedError
from .read import _kind

_HOLDER = re.compile(rb"\A(pid \d+ on [^\n]{0,200})?\Z")


class FileLock:
    """An exclusive, non-blocking lock on a session file, for the process that writes it.

    Two ``flock``s (the kernel drops both when the process dies, even on SIGKILL, so a crash
    never leaves the file locked and no note in a file is trusted to say whether its owner lives):

    - on ``.NAME.lock`` beside the file, a file this lock creates itself (``O_CREAT|O_EXCL|
      O_NOFOLLOW``) and writes its note into (``pid N on HOST since ...``, shown to a second
      writer). An existing lock file is only ever opened read-only and without following a
      symlink: a symlink or anything but a regular file there is refused; a regular one whose
      lock is free (its owner is gone) is unlinked (a name only: a hard link's other names keep
      their data) and a new one is created. After taking the lock it checks that the name still
      names the file it locked, so two openers racing over a stale one cannot both win;
    - on the session file itself, the version the path names (each save locks the new version
      before it replaces the old: ``hold``). So deleting ``.NAME.lock`` by hand does not let a
      second writer in: it is refused by the lock on the file.
    """

    def __init__(self, path: Path):
        self.target = path
        self.path = path.with_name(f".{path.name}.lock")
        self._fd: int | None = None
        self._file_fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def _busy(self, holder: str, *, note: str = "") -> LockedError:
        return LockedError(
            f"{self.target}: already open for writing in another ibb{' (' + holder + ')' if holder else ''}{note}. "
            "Open it read-only, or close the other one first."
        )

    def _open(self) -> tuple[int, bool] | None:
        """(descriptor, created by us) of the lock file; None to try again (it just vanished)."""
        cloexec = getattr(os, "O_CLOEXEC", 0)
        nofollow = getattr(os, "O_NOFOLLOW", 0)
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | nofollow | cloexec, 0o644), True
        except FileExistsError:
            pass
        except OSError as exc:
            raise LockedError(
                f"{self.path.parent}: cannot write in this folder ({exc.strerror}); open the session read-only"
            ) from None
        if os.path.islink(self.path):
            raise LockedError(
                f"{self.path}: the lock file is a symbolic link (to {os.readlink(self.path)}), not one ibb made; "
                "ibb never writes through it. Remove that link (it is not the session) and open again, "
                "or open read-only."
            )
        try:
            fd = os.open(self.path, os.O_RDONLY | nofollow | getattr(os, "O_NONBLOCK", 0) | cloexec)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LockedError(
                f"{self.path}: cannot use this lock file ({exc.strerror}); remove it, or open the session read-only"
            ) from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            raise LockedError(
                f"{self.path}: the lock file is not a regular file ({_kind(info.st_mode)}), not one ibb made; "
                "remove it and open again, or open read-only."
            )
        if info.st_nlink == 1 and not _HOLDER.match(_read_holder_bytes(fd)):
            os.close(fd)
            raise LockedError(
                f"{self.path}: this is not a lock file ibb made (it holds other data); "
                "move it away and open again, or open read-only."
            )
        return fd, False

    def _names(self, fd: int, path: Path) -> bool:
        """Whether ``path`` still names the file open as ``fd``."""
        try:
            here, there = os.fstat(fd), os.lstat(path)
        except FileNotFoundError:
            return False
        return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)

    def acquire(self) -> None:
        for _ in range(50):
            opened = self._open()
            if opened is None:
                continue
            fd, created = opened
            if not _try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise self._busy(holder)
            if not self._names(fd, self.path):  # replaced meanwhile by another opener: look again
                os.close(fd)
                continue
            if not created:  # its owner is gone (the kernel dropped its lock): a fresh one replaces it
                try:
                    os.unlink(self.path)
                finally:
                    os.close(fd)
                continue
            break
        else:
            raise LockedError(f"{self.path}: could not take the lock (other programs keep changing it); try again")
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now():%Y-%m-%d %H:%M}".encode())
        self._fd = fd
        if not self._lock_the_file():
            self.release()
            raise self._busy("", note=f"; its lock file {self.path.name} had been removed")

    def _lock_the_file(self) -> bool:
        """Lock the version of the session the path names now (none yet: the first save does)."""
        try:
            import fcntl  # noqa: F401 - POSIX only: msvcrt's lock would stop others reading it
        except ImportError:  # pragma: no cover
            return True
        try:
            fd = os.open(self.target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return True  # missing or unreadable: loading (or the first save) says so
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return True  # loading refuses it
        if not _try_lock(fd):
            os.close(fd)
            return False
        self.hold(fd)
        return True

    def hold(self, fd: int) -> None:
        """Keep ``fd`` (the session's new version, locked) open, and let the old one go."""
        old, self._file_fd = self._file_fd, fd
        if old is not None:
            os.close(old)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            if self._names(self._fd, self.path):  # never someone else's
                self.path.unlink()
        except OSError:
            pass
        os.close(self._fd)  # closing drops the lock
        self._fd = None
        if self._file_fd is not None:
            os.close(self._file_fd)
            self._file_fd = None


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # no fcntl (a platform check, which mypy follows, not an ImportError)
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _read_holder_bytes(fd: int) -> bytes:
    try:
        return os.pread(fd, 513, 0).strip()
    except (OSError, AttributeError):
        return b""


def _read_holder(fd: int) -> str:
    raw = _read_holder_bytes(fd)
    return raw.decode("utf-8", "replace") if _HOLDER.match(raw) else ""
