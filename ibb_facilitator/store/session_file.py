"""``SessionFile``: a session bound to its file, open for writing (locked) or read-only.

It refuses to save over a file whose content changed behind its back, saves a symlinked session
through to its target, and offers what an interrupted save left (``unsaved_versions``: use it,
keep both, or discard) instead of deleting it. Nothing is ever written over a file that failed
to load. (docs/session-format.md, "Saving, backup and locks")
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..model import Session
from .errors import SaveError, StoreError
from .load import _session_from
from .lock import FileLock
from .read import _checked, read_regular
from .write import _explain, dumps_session_bytes, stale_temp_files, write_atomic


class Unsaved:
    """A temp file an interrupted save left beside a session, holding a valid session that
    differs from the file: the newest version may be only here. It is offered, never deleted
    unless the person chooses to (``SessionFile.use_unsaved`` / ``keep_both`` / ``discard``)."""

    def __init__(self, path: Path, when: datetime, session: Session):
        self.path, self.when, self.session = path, when, session

    def describe(self, of: Path) -> str:
        return (
            f"{of}: a newer unsaved version from {self.when:%Y-%m-%d %H:%M} was found in {self.path.name}"
            " (an interrupted save)"
        )


def unsaved_versions(path: Path, *, tidy: bool = False) -> list[Unsaved]:
    """The temp files beside ``path`` that hold a valid session different from ``path``'s bytes.

    ``tidy`` (only with the session's lock held, so no save of ours is under way): a temp file
    that is empty or holds exactly the file's bytes is removed (nothing is lost), one that is not
    a valid session (a save cut off half-way) is moved aside to ``NAME.broken-tmp-YYYYMMDD-HHMMSS-XXXX``
    beside the file, not deleted; the valid, different ones are left where they are and returned.
    Without ``tidy`` nothing on disk changes. A temp file that is a symlink or not a regular file
    is left alone and not read (never followed)."""
    path = Path(path)
    try:
        current = read_regular(path)[0]
    except StoreError:
        current = None
    found = []
    for tmp in stale_temp_files(path):
        try:
            info = os.lstat(tmp)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        try:
            raw = read_regular(tmp)[0]
        except StoreError:
            continue
        if not raw or raw == current:
            if tidy:
                tmp.unlink(missing_ok=True)
            continue
        try:
            session = _session_from(_checked(raw, str(tmp)), tmp)
        except StoreError:
            if tidy:
                tag = tmp.name[len(path.name) + 2 : -len(".tmp")]
                aside = path.with_name(
                    f"{path.name}.broken-tmp-{datetime.fromtimestamp(info.st_mtime):%Y%m%d-%H%M%S}-{tag}"
                )
                if not os.path.lexists(aside):
                    try:
                        os.rename(tmp, aside)
                    except OSError:
                        pass
            continue
        found.append(Unsaved(tmp, datetime.fromtimestamp(info.st_mtime), session))
    return found


def mention_unsaved(path: Path, say: Callable[[str], object]) -> None:
    """For the command line (validate, export): say (on stderr) that an interrupted save left a
    newer version of ``path``, which ``ibb open`` offers; nothing on disk changes."""
    for found in unsaved_versions(Path(path)):
        say(
            f"{found.describe(Path(path))}; this command read the file itself. "
            f"`ibb open {path}` offers it: use it, keep both or discard"
        )


def _real(path: Path) -> Path:
    """Where ``path``'s bytes are: its target if it is a symbolic link (followed to the end)."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


class SessionFile:
    """A session bound to its file. Open it for writing (locked) or read-only.

    ``save()`` refuses when read-only, and refuses to overwrite a file that another program
    changed since this one last read or wrote it (save elsewhere with ``save_as``): its bytes are
    compared with what this one last read (a hash) or wrote (the bytes), not just its size and
    time, which sync clients preserve. A session file that is a symbolic link is saved through
    to its target (``symlink_target``), atomically, in the target's folder.
    """

    def __init__(self, path: Path, session: Session, *, readonly: bool, lock: FileLock | None):
        self.path = path
        self.session = session
        self.readonly = readonly
        self._lock = lock
        self._stamp: tuple[int, int] | None = None  # (mtime, size); None: no outside-change check
        self._known: bytes | None = None  # the bytes last written (kept: comparing is cheapest)
        self._digest: bytes | None = None  # or the SHA-256 of the bytes last read
        #: Valid versions an interrupted save left (see ``unsaved_versions``), to offer on open.
        self.unsaved: list[Unsaved] = []

    @property
    def symlink_target(self) -> Path | None:
        """The file the session's path links to, when it is a symbolic link (saves go there)."""
        return _real(self.path) if os.path.islink(self.path) else None

    @staticmethod
    def _stamp_of(stat: os.stat_result) -> tuple[int, int]:
        return (stat.st_mtime_ns, stat.st_size)

    def _remember(self, info: os.stat_result, *, written: bytes | None = None, read: bytes | None = None) -> None:
        self._stamp = self._stamp_of(info)
        self._known = written
        self._digest = hashlib.sha256(read).digest() if read is not None else None

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False) -> SessionFile:
        path = Path(path)
        lock = None
        if not readonly:
            real = _real(path)
            if os.path.islink(path) and not os.path.lexists(real):
                raise StoreError(f"{path}: a symbolic link to {os.readlink(path)}, which does not exist")
            lock = FileLock(real)
            lock.acquire()
        try:
            raw, info = read_regular(path)
            session = _session_from(_checked(raw, str(path)), path)
            opened = cls(path, session, readonly=readonly, lock=lock)
            opened._remember(info, read=raw)
            del raw
            if lock:
                opened.unsaved = unsaved_versions(lock.target, tidy=True)
        except BaseException:
            if lock:
                lock.release()
            raise
        return opened

    @classmethod
    def create(cls, path: Path | str, session: Session) -> SessionFile:
        """Write a new session file; refuses to replace an existing one."""
        path = Path(path)
        if os.path.lexists(path):
            raise SaveError(f"{path}: a file with that name already exists; choose another name")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SaveError(f"{path}: could not create the folder: {_explain(exc, path)}") from None
        lock = FileLock(path)
        lock.acquire()
        opened = cls(path, session, readonly=False, lock=lock)
        try:
            opened.save()
        except BaseException:
            lock.release()
            raise
        return opened

    def _changed_outside(self, target: Path) -> bool:
        """Whether ``target`` no longer holds what this one last read or wrote."""
        try:
            info = os.stat(target)
        except OSError:
            # removed behind our back (writing it again loses nothing), or its folder is
            # gone or unreadable: the write fails with a SaveError that says why
            return False
        if self._known is not None and info.st_size != len(self._known):
            return True
        try:
            now = read_regular(target)[0]
        except StoreError:
            return True  # it is there but cannot be read back: not ours to replace
        if self._known is not None:
            return now != self._known
        if self._digest is not None:
            return hashlib.sha256(now).digest() != self._digest
        return self._stamp_of(info) != self._stamp

    def save(self, data: bytes | None = None, *, backup: bool = True) -> None:
        """Write the session (or ``data``, its serialized bytes made earlier on another thread).

        ``backup=False``: keep ``NAME.bak`` as it is (the app saves a moved cursor that way, so
        that looking around never pushes the last real version out of the backup)."""
        if self.readonly:
            raise SaveError(f"{self.path}: opened read-only; nothing was written")
        target = _real(self.path)
        if os.path.islink(self.path) and not os.path.lexists(target):
            raise SaveError(
                f"{self.path}: a symbolic link to {os.readlink(self.path)}, which no longer exists; "
                "nothing was written. Save to a new file."
            )
        if self._stamp is not None and self._changed_outside(target):
            raise SaveError(
                f"{self.path}: changed on disk by another program since it was opened; "
                "save to a new file so neither version is lost"
            )
        if data is None:
            data = dumps_session_bytes(self.session)
        stat_ = write_atomic(target, data, backup=backup, hold=self._lock.hold if self._lock else None, known=True)
        self._remember(stat_, written=data)

    def save_as(self, path: Path | str, data: bytes | None = None) -> None:
        """Save to a new file and continue there (the way out when the first place fails);
        ``data``: the session's bytes when the caller has them (the app's piece cache).

        Refuses an existing file: "save as" must never replace another session silently.
        """
        path = Path(path)
        if os.path.lexists(path):  # (False, not an error, for a name the system refuses)
            raise SaveError(f"{path}: already exists; choose a new name")
        lock = FileLock(path)
        lock.acquire()
        if data is None:
            data = dumps_session_bytes(self.session)
        try:
            stat_ = write_atomic(path, data, hold=lock.hold)
        except BaseException:
            lock.release()
            raise
        if self._lock:
            self._lock.release()
        self.path, self._lock, self.readonly = path, lock, False
        self._remember(stat_, written=data)

    # --- what an interrupted save left: the person chooses ---------------------------------------

    def use_unsaved(self, found: Unsaved) -> None:
        """Make ``found`` the session and save it (the version it replaces becomes ``NAME.bak``);
        the temp file goes once its content is saved."""
        self.session = found.session
        self.save(found.path.read_bytes(), backup=True)
        self.discard(found)

    def keep_both(self, found: Unsaved) -> Path:
        """Move ``found`` beside the session as ``NAME-recovered-YYYYMMDD-HHMM.toml`` (a new name,
        never over a file); the session stays as it is. Returns the new path."""
        real = _real(self.path)
        base = f"{real.stem}-recovered-{found.when:%Y%m%d-%H%M}"
        for n in range(1, 100):
            out = real.with_name(f"{base}{'' if n == 1 else f'-{n}'}{real.suffix or '.toml'}")
            try:
                os.link(found.path, out)  # fails, rather than replaces, if the name is taken
            except FileExistsError:
                continue
            except OSError:  # no hard links here (FAT, some shares): an exclusive copy, synced
                try:
                    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
                except FileExistsError:
                    continue
                with os.fdopen(fd, "wb") as handle:
                    handle.write(found.path.read_bytes())
                    handle.flush()
                    os.fsync(handle.fileno())
            found.path.unlink(missing_ok=True)
            self.unsaved = [u for u in self.unsaved if u is not found]
            return out
        raise SaveError(f"{real}: no free name for the recovered version; it stays in {found.path.name}")

    def discard(self, found: Unsaved) -> None:
        found.path.unlink(missing_ok=True)
        self.unsaved = [u for u in self.unsaved if u is not found]

    def close(self) -> None:
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> SessionFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
