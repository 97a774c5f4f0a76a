"""Session and agenda files: read, validate, migrate, save atomically, lock.

Reading never trusts a file: its size is bounded, bytes must be UTF-8 text, TOML syntax errors
are reported as ``FILE:LINE:COL: message`` and schema errors as ``FILE:LINE: path: message``,
one line per problem. Saving writes a temp file in the same folder, fsyncs it, keeps the previous
version as ``NAME.bak`` (a hard link, so it costs nothing), ``os.replace``s it into place and
fsyncs the folder: a crash leaves either the old file or the new one, never half of one.

A ``SessionFile`` is a session open for writing: it holds a lock so a second process is refused
(it may still open the file read-only), and it refuses to save over a file that changed on disk
behind its back. Nothing is ever written over a file that failed to load.
"""

from __future__ import annotations

import errno
import gc
import os
import re
import socket
import tempfile
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

try:  # tomli's compiled wheel is the code tomllib vendors: same results and messages, ~3x faster
    import tomli as toml_reader
except ImportError:  # pragma: no cover - a platform without a compiled wheel
    import tomllib as toml_reader

from . import tomlwrite
from .model import SCHEMA_VERSION, Session, integrity_problems

MAX_BYTES = 50 * 1024 * 1024
BACKUP_SUFFIX = ".bak"

M = TypeVar("M", bound=BaseModel)


# --- errors -----------------------------------------------------------------------------------


class StoreError(Exception):
    """A file could not be read or written. ``lines`` are ready to print, one problem each."""

    def __init__(self, lines: list[str] | str):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))


class LockedError(StoreError):
    """Another process has the file open for writing, or its folder cannot be written."""


class SaveError(StoreError):
    """A save failed; the previous file on disk is intact."""


# --- migrations -------------------------------------------------------------------------------

#: ``MIGRATIONS[n]`` turns a raw version-``n`` document into a version-``n + 1`` one.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate(data: dict[str, Any], source: str) -> dict[str, Any]:
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise StoreError(f"{source}: schema_version: missing or not a whole number (this version writes {SCHEMA_VERSION})")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{source}: written by a newer ibb_facilitator (schema_version {version}; this one reads up to "
            f"{SCHEMA_VERSION}). Upgrade ibb_facilitator to open it; the file was not changed."
        )
    if version < 1:
        raise StoreError(f"{source}: schema_version: {version} is not a valid version")
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise StoreError(f"{source}: no migration from schema_version {version}")
        data = step(data)
        version += 1
        data["schema_version"] = version
    return data


# --- reading ----------------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def read_text(path: Path) -> str:
    """The file's text, or a one-line StoreError saying plainly why not."""
    name = str(path)
    try:
        if path.is_dir():
            raise StoreError(f"{name}: is a folder, not a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise StoreError(f"{name}: too large ({size / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{name}: no such file") from None
    except PermissionError:
        raise StoreError(f"{name}: cannot read it (permission denied)") from None
    except OSError as exc:
        raise StoreError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise StoreError(f"{name}: too large (the limit is {MAX_BYTES // 2**20} MB)")
    if not raw.strip():
        raise StoreError(f"{name}: the file is empty")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise StoreError(f"{name}: not a text file (binary data at byte {nul})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreError(f"{name}: not a UTF-8 text file (invalid byte at position {exc.start})") from None
    return text.removeprefix("\ufeff")


def parse_toml(text: str, name: str) -> dict[str, Any]:
    try:
        return toml_reader.loads(text)
    except toml_reader.TOMLDecodeError as exc:
        message = str(exc.args[0] if exc.args else exc)
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        found = _TOML_POSITION.search(message)
        if found:
            line, col = int(found.group(1)), int(found.group(2))
            message = message[: found.start()]
        elif _TOML_END.search(message):
            message = _TOML_END.sub("", message) + " at end of file"
            line = text.count("\n") + 1
            col = len(text) - text.rfind("\n")
        message = getattr(exc, "msg", None) or message
        raise StoreError(f"{name}:{line or 1}:{col or 1}: {message}") from None
    except RecursionError:
        raise StoreError(f"{name}: nested too deeply to be a session or agenda file") from None


def _path_str(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _trim_loc(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Keep the part of a pydantic error location that exists in the document (plus a missing key).

    Unions add member names ('int', 'str') to locations; they mean nothing to a person.
    """
    kept: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not kept[-1:] == ["[key]"] and part != "[key]":
            kept.append(part)  # a missing field
            break
        else:
            break
        kept.append(part)
    return tuple(kept)


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")


def _line_index(text: str) -> dict[tuple[Any, ...], int]:
    """Map table and key paths (with array indices) to the line where they appear."""
    lines: dict[tuple[Any, ...], int] = {}
    arrays: dict[tuple[Any, ...], int] = {}
    table: tuple[Any, ...] = ()
    in_multiline: str | None = None
    # split on "\n" only: TOML lines end there, and str.splitlines() would also split inside
    # strings holding U+2028, U+0085, form feeds... and shift every line number after them.
    for number, line in enumerate(text.split("\n"), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header:
            is_array = header.group(1) == "[["
            parts = [p.strip().strip('"') for p in header.group(2).split(".")]
            resolved: list[Any] = []
            for i, part in enumerate(parts):
                resolved.append(part)
                key = tuple(resolved)
                last = i == len(parts) - 1
                if is_array and last:
                    arrays[key] = arrays.get(key, 0) + 1
                    resolved.append(arrays[key] - 1)
                elif key in arrays:
                    resolved.append(arrays[key] - 1)
            table = tuple(resolved)
            lines.setdefault(table, number)
            continue
        key_match = _KEY.match(line)
        if key_match:
            lines.setdefault((*table, key_match.group(1).strip('"')), number)
            rest = line[key_match.end() :].lstrip()
            for quote in ('"""', "'''"):
                # only a value that opens with the quotes is a multi-line string: a one-line
                # "it'''s" is not, and must not hide the lines that follow
                if rest.startswith(quote) and rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return lines


def _line_of(index: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int:
    for n in range(len(loc), 0, -1):
        if loc[:n] in index:
            return index[loc[:n]]
    return 1


def _path_to_loc(path: str) -> tuple[Any, ...]:
    loc: list[Any] = []
    for name, index in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", path):
        loc.append(name if name else int(index))
    return tuple(loc)


def validate(model: type[M], data: dict[str, Any], text: str, name: str, extra: Callable[[M], list[tuple[str, str]]] | None = None) -> M:
    """Validate ``data`` as ``model``; on failure, one ``FILE:LINE: path: message`` line per problem."""
    index: dict[tuple[Any, ...], int] | None = None
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        index = _line_index(text() if callable(text) else text)
        merged: dict[tuple[Any, ...], list[str]] = {}
        for error in exc.errors(include_url=False):
            loc = _trim_loc(data, tuple(error["loc"]))
            message = error["msg"]
            if error["type"] == "extra_forbidden":
                message = "unknown field (a typo?)"
            elif error["type"] == "missing":
                message = "required field is missing"
            if message not in merged.setdefault(loc, []):
                merged[loc].append(message)
        lines = [f"{name}:{_line_of(index, loc)}: {_path_str(loc)}: {' or '.join(msgs)}" for loc, msgs in merged.items()]
        raise StoreError(lines) from None
    problems = extra(obj) if extra else []
    if problems:
        index = index or _line_index(text() if callable(text) else text)
        raise StoreError([f"{name}:{_line_of(index, _path_to_loc(path))}: {path}: {msg}" for path, msg in problems])
    return obj


def _session_problems(session: Session) -> list[tuple[str, str]]:
    from .process import rule_problems

    return integrity_problems(session) + rule_problems(session)


def loads_session(text: str, name: str = "<session>") -> Session:
    data = parse_toml(text, name)
    data = migrate(data, name)
    return validate(Session, data, text, name, _session_problems)


def load_session(path: Path | str) -> Session:
    path = Path(path)
    name = str(path)
    # Parsing and validating make hundreds of thousands of objects and no cycles: the cyclic
    # garbage collector would only walk them again and again (60 % of validation at 10,000 items).
    collecting = gc.isenabled()
    gc.disable()
    try:
        text = read_text(path)
        data = migrate(parse_toml(text, name), name)
        del text  # 1 to 4 bytes a character: not kept while the models are built; re-read on error
        return validate(Session, data, lambda: read_text(path), name, _session_problems)
    finally:
        if collecting:
            gc.enable()


def load_agenda(path: Path | str):  # -> Agenda (imported lazily: agenda imports store)
    from .agenda import Agenda, agenda_problems

    path = Path(path)
    text = read_text(path)
    return validate(Agenda, parse_toml(text, str(path)), text, str(path), agenda_problems)


# --- writing ----------------------------------------------------------------------------------


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


def session_data(session: Session) -> dict[str, Any]:
    """A snapshot of ``session`` as plain data, detached from the live models.

    Cheap (pydantic's compiled ``model_dump``): the app takes it on the UI thread and makes the
    TOML text from it on a worker thread, so a big session never stalls typing.
    """
    return session.model_dump()


def dumps_data(data: dict[str, Any]) -> str:
    """TOML text for a ``session_data`` snapshot (safe on any thread)."""
    pruned = _prune(data, Session)
    return tomlwrite.dumps({"schema_version": pruned.pop("schema_version", data["schema_version"]), **pruned})


def dumps_session(session: Session) -> str:
    return dumps_data(session_data(session))


def _explain(exc: OSError, path: Path) -> str:
    folder = path.parent
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"no permission to write in {folder}"
    if exc.errno == errno.ENOENT:
        return f"the folder {folder} no longer exists"
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
    """Keep the current file as NAME.bak: a hard link (free), or a copy where links are refused."""
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.bak.tmp")
    try:
        try:
            os.link(path, tmp)
        except OSError:
            tmp.write_bytes(path.read_bytes())
        os.replace(tmp, backup)
    except OSError:
        tmp.unlink(missing_ok=True)  # a missing backup must not stop the save itself


def write_atomic(path: Path, data: bytes, *, backup: bool = True) -> os.stat_result:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one whole."""
    path = Path(path)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o777)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
        if backup and path.exists():
            _backup(path)
        os.replace(tmp, path)
        tmp = None
        _fsync_dir(path.parent)
        return path.stat()
    except OSError as exc:
        raise SaveError(
            f"{path}: could not save: {_explain(exc, path)}. The previous version on disk is intact."
        ) from exc
    finally:
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
    return write_atomic(Path(path), dumps_session(session).encode("utf-8"), backup=backup)


def stale_temp_files(path: Path) -> list[Path]:
    """Temp files a killed save left beside ``path``."""
    return sorted(path.parent.glob(f".{glob_escape(path.name)}.*.tmp"))


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


# --- locking ----------------------------------------------------------------------------------


class FileLock:
    """An exclusive, non-blocking lock on ``.NAME.lock`` beside a session file.

    The OS drops it when the process dies (even on SIGKILL), so a crash never leaves the file
    locked. The lock file records who holds it, for the message the next opener sees.
    """

    def __init__(self, path: Path):
        self.path = path.with_name(f".{path.name}.lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise LockedError(
                    f"{self.path.parent}: cannot write in this folder ({exc.strerror}); open the session read-only"
                ) from None
            if not _try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise LockedError(
                    f"{self.path.with_name(self.path.name[1:-5])}: already open for writing in another ibb"
                    f"{' (' + holder + ')' if holder else ''}. Open it read-only, or close the other one first."
                )
            try:  # the previous holder may have removed the file between our open and our lock
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now():%Y-%m-%d %H:%M}".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass
        os.close(self._fd)  # closing drops the lock
        self._fd = None


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except (OSError, AttributeError):
        return ""


# --- an open session --------------------------------------------------------------------------


class SessionFile:
    """A session bound to its file. Open it for writing (locked) or read-only.

    ``save()`` refuses when read-only, and refuses to overwrite a file that another program
    changed since this one last read or wrote it (save elsewhere with ``save_as``).
    """

    def __init__(self, path: Path, session: Session, *, readonly: bool, lock: FileLock | None):
        self.path = path
        self.session = session
        self.readonly = readonly
        self._lock = lock
        self._stamp: tuple[int, int] | None = None

    @staticmethod
    def _stamp_of(stat: os.stat_result) -> tuple[int, int]:
        return (stat.st_mtime_ns, stat.st_size)

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False) -> "SessionFile":
        path = Path(path)
        lock = None
        if not readonly:
            lock = FileLock(path)
            lock.acquire()
        try:
            session = load_session(path)
            stamp = cls._stamp_of(path.stat())
        except BaseException:
            if lock:
                lock.release()
            raise
        opened = cls(path, session, readonly=readonly, lock=lock)
        opened._stamp = stamp
        if lock:
            for leftover in stale_temp_files(path):
                leftover.unlink(missing_ok=True)
        return opened

    @classmethod
    def create(cls, path: Path | str, session: Session) -> "SessionFile":
        """Write a new session file; refuses to replace an existing one."""
        path = Path(path)
        if path.exists():
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

    def save(self, data: bytes | None = None) -> None:
        """Write the session (or ``data``, its serialized bytes made earlier on another thread)."""
        if self.readonly:
            raise SaveError(f"{self.path}: opened read-only; nothing was written")
        if self._stamp is not None:
            try:
                current = self._stamp_of(self.path.stat())
            except OSError:
                # removed behind our back (writing it again loses nothing), or its folder is
                # gone or unreadable: the write below fails with a SaveError that says why
                current = None
            if current is not None and current != self._stamp:
                raise SaveError(
                    f"{self.path}: changed on disk by another program since it was opened; "
                    "save to a new file so neither version is lost"
                )
        if data is None:
            data = dumps_session(self.session).encode("utf-8")
        stat = write_atomic(self.path, data)
        self._stamp = self._stamp_of(stat)

    def save_as(self, path: Path | str) -> None:
        """Save to a new file and continue there (the way out when the first place fails).

        Refuses an existing file: "save as" must never replace another session silently.
        """
        path = Path(path)
        if os.path.lexists(path):  # (False, not an error, for a name the system refuses)
            raise SaveError(f"{path}: already exists; choose a new name")
        lock = FileLock(path)
        lock.acquire()
        try:
            stat = save_session(self.session, path)
        except BaseException:
            lock.release()
            raise
        if self._lock:
            self._lock.release()
        self.path, self._lock, self.readonly = path, lock, False
        self._stamp = self._stamp_of(stat)

    def close(self) -> None:
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "SessionFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
