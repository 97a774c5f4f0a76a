"""Writing a session: its TOML text, and an atomic save with the previous version kept.

``dumps_session`` writes the whole session in one walk (``tomlwrite.dumps_plan``) by a plan worked
out once per model (``plan``: ``_prune``'s rules, no None and no needless empty values).
``write_atomic`` writes a temp file in the same folder, fsyncs it, keeps the previous version as
``NAME.bak`` (a hard link, so it costs nothing), ``os.replace``s it into place and fsyncs the
folder: a crash leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .. import tomlwrite
from ..model import Session
from .errors import SaveError, StoreError
from .lock import _try_lock
from .read import no_cycle_collection

BACKUP_SUFFIX = ".bak"


def _empty(value: Any) -> bool:
    return isinstance(value, (str, list, tuple, dict)) and len(value) == 0


_Spec = list[tuple[str, bool, "type[BaseModel] | None"]]
_SPECS: dict[type, _Spec] = {}


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model class inside ``Model``, ``list[Model]`` or ``Model | None``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _spec(cls: type[BaseModel]) -> _Spec:
    """``(field, left out when empty, nested model)`` for each field of ``cls``, worked out once."""
    spec = _SPECS.get(cls)
    if spec is None:
        spec = [
            (name, _empty(info.get_default(call_default_factory=True)), _nested_model(info.annotation))
            for name, info in cls.model_fields.items()
        ]
        _SPECS[cls] = spec
    return spec


def _prune(data: dict[str, Any], cls: type[BaseModel]) -> dict[str, Any]:
    """TOML-ready data from ``cls``'s ``model_dump()``: no None, and no needless empty values.

    A field is left out when it is None (TOML has no null) or when it is empty and its default
    is empty too, so loading it back gives the same value. An empty value whose default is not
    empty (a decision rule whose description was cleared) is written, and free-form data
    (``Event.data``) is written as it is: dropping either would change the session on reload.
    Enums stay ``StrEnum`` members, which are strings to the TOML writer.
    """
    out = {}
    for name, skip_empty, nested in _spec(cls):
        item = data[name]
        if item is None or (skip_empty and _empty(item)):
            continue
        if nested is not None:
            item = [_prune(row, nested) for row in item] if type(item) is list else _prune(item, nested)
        elif type(item) is dict:
            item = {k: v for k, v in item.items() if v is not None}
        out[name] = item
    return out


_PLANS: dict[type, tomlwrite.Plan] = {}


def plan(cls: type[BaseModel]) -> tomlwrite.Plan:
    """How ``tomlwrite.write_plan`` writes a ``cls.model_dump()``: ``_prune``'s rules, worked out once."""
    found = _PLANS.get(cls)
    if found is None:
        found = tuple(
            tomlwrite.field(name, skip, plan(nested) if nested else None, _hint(cls.model_fields[name].annotation))
            for name, skip, nested in _spec(cls)
        )
        _PLANS[cls] = found
    return found


def _hint(annotation: Any) -> str:
    """``tomlwrite.Field.hint`` for a field's type: "str" (or None), "stamp", "ints" (a dict of
    ints), "table" (another dict), "enum" (a ``StrEnum``, or None), "strs" (a list of str) or ""."""
    if annotation is str or annotation == str | None:
        return "str"
    if annotation == list[str]:
        return "strs"
    for arg in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(arg, type) and issubclass(arg, StrEnum):
            return "enum" if annotation is arg or annotation == arg | None else ""
    if annotation is datetime:
        return "stamp"
    if getattr(annotation, "__origin__", None) is not dict:
        return ""
    value = getattr(annotation, "__args__", (None, None))[1]
    return "ints" if value is int or getattr(value, "__origin__", None) is int else "table"


def session_plan() -> tomlwrite.Plan:
    """``plan(Session)`` with ``schema_version`` first (and always written): the file's first line."""
    found = _PLANS.get(_SESSION_FIRST)
    if found is None:
        fields = plan(Session)
        first = [f._replace(skip_empty=False) for f in fields if f.name == "schema_version"]
        found = (*first, *(f for f in fields if f.name != "schema_version"))
        _PLANS[_SESSION_FIRST] = found
    return found


class _SESSION_FIRST:  # the key of ``session_plan`` in ``_PLANS``
    pass


def session_data(session: Session) -> dict[str, Any]:
    """A snapshot of ``session`` as plain data, detached from the live models.

    (pydantic's compiled ``model_dump``: about 30 ms at 10,000 items.) The app's autosave takes
    a smaller one, of what changed only: ``savecache.SaveCache.snapshot``.
    """
    return session.model_dump()


def dumps_session(session: Session) -> str:
    """The whole session as TOML text (quit, Save as, tools). Autosave: ``savecache``.

    Written from the live models (``tomlwrite.fields``), not from a ``model_dump()`` copy: the
    copy was a fifth of a full save. So, like any change to the session, it runs on the thread
    that changes the session (the app's UI thread); a worker takes a ``session_data`` snapshot."""
    with no_cycle_collection():
        return tomlwrite.dumps_plan(session, session_plan())


def dumps_session_bytes(session: Session) -> bytes:
    """``dumps_session(session).encode("utf-8")``, the file's bytes, made faster (``save_session``,
    ``SessionFile``: ``tomlwrite.dumps_plan_bytes``)."""
    with no_cycle_collection():
        return tomlwrite.dumps_plan_bytes(session, session_plan())


def _explain(exc: OSError, path: Path, existed: bool = True) -> str:
    """Why a save failed, in words; ``existed``: the file was there before (else it was new)."""
    folder = path.parent
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"no permission to write in {folder}"
    if exc.errno == errno.ENOENT:
        return f"the folder {folder} no longer exists" if existed else f"there is no folder {folder}"
    return exc.strerror or str(exc)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform (Windows)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _backup(path: Path) -> None:
    """Keep the current file as NAME.bak: a hard link (free), or a copy where links are refused.

    A save killed between the link and the rename leaves the temp name as a second link to the
    live file; it is removed first, and the copy is written only into a file this call creates
    (``O_EXCL``), so the live file is never written through another name."""
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.bak.tmp")
    try:
        tmp.unlink(missing_ok=True)
        try:
            os.link(path, tmp)
        except OSError:
            _copy_new(path, tmp)
        os.replace(tmp, backup)
    except OSError:
        tmp.unlink(missing_ok=True)  # a missing backup must not stop the save itself


def _copy_new(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target``, which must not exist yet (never follows or reuses a name)."""
    data = source.read_bytes()
    mode = source.stat().st_mode & 0o777
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


# Tests only (tests/test_tui_crash.py): seconds every save's fsync takes, as on a slow USB stick.
_TEST_SLOW_FSYNC = float(os.environ.get("IBB_TEST_SLOW_FSYNC") or 0)


def write_atomic(
    path: Path,
    data: bytes,
    *,
    backup: bool = True,
    hold: Callable[[int], None] | None = None,
    known: bool = False,
) -> os.stat_result:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one whole.

    ``hold``: given the new file's descriptor, locked (``flock``) before it takes ``path``'s
    place, so that the path never names an unlocked version while a writer has it open
    (``FileLock.hold``); it then owns the descriptor. ``known``: the caller has had the file
    (an open session): a missing folder "no longer exists" even when the file went with it;
    for a new file (an export) it is a folder that is not there."""
    path = Path(path)
    tmp: str | None = None
    fd: int | None = None
    existed = known or os.path.lexists(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if _TEST_SLOW_FSYNC:
            time.sleep(_TEST_SLOW_FSYNC)
        os.fsync(fd)
        try:
            os.chmod(tmp, path.stat().st_mode & 0o777)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
        if hold is not None and not _try_lock(fd):
            raise OSError(errno.EAGAIN, "could not lock the new version")
        if backup and path.exists():
            _backup(path)
        os.replace(tmp, path)
        tmp = None
        if hold is not None:
            given, fd = fd, None
            hold(given)
        _fsync_dir(path.parent)
        return path.stat()
    except OSError as exc:
        intact = " The previous version on disk is intact." if existed else ""
        raise SaveError(f"{path}: could not save: {_explain(exc, path, existed)}.{intact}") from exc
    finally:
        if fd is not None:
            os.close(fd)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def refuse_overwriting_records(out: Path) -> None:
    """Reports go anywhere but over a session, agenda or backup: those are records, not output."""
    if os.path.lexists(out) and (out.is_dir() or out.suffix in (".toml", BACKUP_SUFFIX)):
        what = "a folder" if out.is_dir() else "a session, agenda or backup file"
        raise StoreError(f"{out}: is {what}; a report never replaces it, choose another output file")


def save_session(session: Session, path: Path | str, *, backup: bool = True) -> os.stat_result:
    return write_atomic(Path(path), dumps_session_bytes(session), backup=backup)


def stale_temp_files(path: Path) -> list[Path]:
    """Temp files a killed save left beside ``path``."""
    return sorted(path.parent.glob(f".{glob_escape(path.name)}.*.tmp"))


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)
