"""Session and agenda files: read, validate, migrate, save atomically, lock.

Reading never trusts a file: its size is bounded, bytes must be UTF-8 text, TOML syntax errors
are reported as ``FILE:LINE:COL: message`` and schema errors as ``FILE:LINE: path: message``,
one line per problem. Saving writes a temp file in the same folder, fsyncs it, keeps the previous
version as ``NAME.bak`` (a hard link, so it costs nothing), ``os.replace``s it into place and
fsyncs the folder: a crash leaves either the old file or the new one, never half of one.

Only regular files are read, bounded by the bytes actually read (a FIFO or a device is refused
by its ``fstat``, before any read). A ``SessionFile`` is a session open for writing: it holds a
lock (``FileLock``: never through a symlink, never into a file it did not create) so a second
process is refused (it may still open the file read-only), it refuses to save over a file whose
content changed behind its back, it saves a symlinked session through to its target, and it
offers what an interrupted save left (``unsaved_versions``) instead of deleting it. Nothing is
ever written over a file that failed to load. (docs/session-format.md, "Saving, backup and locks")
"""

from __future__ import annotations

import copyreg
import errno
import gc
import hashlib
import os
import re
import socket
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

try:  # tomli's compiled wheel is the code tomllib vendors: same results and messages, ~3x faster
    import tomli as toml_reader
except ImportError:  # pragma: no cover - a platform without a compiled wheel
    import tomllib as toml_reader

try:  # rtoml (Rust) parses a big session twice as fast as compiled tomli; tomli words the errors
    import rtoml as fast_reader
except ImportError:  # pragma: no cover - a platform without a wheel: tomli does it all
    fast_reader = None
else:
    # rtoml gives each timestamp a fixed-offset tzinfo of its own class, which cannot be copied
    # or pickled (timeline's deep copies need to). Copied, it becomes the standard library's
    # fixed offset. (Making each one a ``timezone`` while loading cost 11 ms at 10,000 events.)
    _ANY_MOMENT = datetime(2000, 1, 1)
    copyreg.pickle(
        type(fast_reader.loads("t = 2000-01-01T00:00:00Z")["t"].tzinfo),
        lambda zone: (timezone, (zone.utcoffset(_ANY_MOMENT),)),
    )

from . import tomlwrite
from .model import SCHEMA_VERSION, SURROGATES_MESSAGE, Score, Session, integrity_problems

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


class MigrationProblems(Exception):
    """A document a migration cannot carry forward: ``(path, message)`` pairs, paths as written
    in the old version (``migrate`` turns them into ``FILE:LINE: path: message`` lines)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


class _RatingV1(BaseModel):
    """One rating as schema 1 stored it, in ``issues[].ratings`` (checked only to move it)."""

    model_config = ConfigDict(extra="forbid")

    option: str
    criterion: str
    score: Score


_RATINGS_V1 = TypeAdapter(list[_RatingV1])


def _ratings_to_scores(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 -> 2: each issue's ``ratings = [{ option, criterion, score }, ...]`` become a
    ``scores = { criterion = score, ... }`` table on each option (in the order they were rated).

    A rating that cannot be moved is reported where it is in the old file, with the messages
    schema 1 gave: its shape, an option or a criterion that the issue does not have, a pair rated
    twice. Anything else that is wrong is left for validation to report as it always did.
    """
    problems: list[tuple[str, str]] = []
    issues = data.get("issues")
    if not isinstance(issues, list):
        return data
    shared = _ids_in(data.get("shared_criteria"))
    for n, issue in enumerate(issues):
        if not isinstance(issue, dict) or "ratings" not in issue:
            continue
        base = f"issues[{n}]"
        options = issue.get("options")
        options = [o for o in options if isinstance(o, dict)] if isinstance(options, list) else []
        for k, option in enumerate(issue.get("options") if isinstance(issue.get("options"), list) else []):
            if isinstance(option, dict) and "scores" in option:
                problems.append((f"{base}.options[{k}].scores", "unknown field (a typo?)"))
        by_id: dict[str, dict[str, Any]] = {}
        for option in options:
            if isinstance(option.get("id"), str):
                by_id.setdefault(option["id"], option)
        criteria = None if shared is None else _ids_in(issue.get("criteria"))
        criteria = None if criteria is None or shared is None else shared | criteria
        try:
            ratings = _RATINGS_V1.validate_python(issue["ratings"])
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                path = _path_str(("ratings", *error["loc"]))
                message = {"extra_forbidden": "unknown field (a typo?)", "missing": "required field is missing"}.get(error["type"], error["msg"])
                problems.append((f"{base}.{path}", message))
            continue
        placed: dict[str, dict[str, int]] = {}
        for k, rating in enumerate(ratings):
            path = f"{base}.ratings[{k}]"
            bad = False
            if rating.option not in by_id:
                problems.append((f"{path}.option", f"no option {rating.option!r} in this issue"))
                bad = True
            if criteria is not None and rating.criterion not in criteria:
                problems.append((f"{path}.criterion", f"no criterion {rating.criterion!r} for this issue"))
                bad = True
            scores = placed.setdefault(rating.option, {})
            if rating.criterion in scores:
                problems.append((path, f"option {rating.option!r} is rated twice against {rating.criterion!r}"))
            elif not bad:
                scores[rating.criterion] = rating.score
        if not problems:
            del issue["ratings"]
            for option_id, scores in placed.items():
                if scores:
                    by_id[option_id]["scores"] = scores
    if problems:
        raise MigrationProblems(problems)
    return data


def _ids_in(items: Any) -> set[str] | None:
    """The ids of a raw list of tables; None when it is not one (validation will say so)."""
    if items is None:
        return set()
    if not isinstance(items, list) or not all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in items):
        return None
    return {item["id"] for item in items}


#: ``MIGRATIONS[n]`` turns a raw version-``n`` document into a version-``n + 1`` one. It may
#: raise ``MigrationProblems`` for a document it cannot carry forward.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _ratings_to_scores}


def migrate(data: dict[str, Any], source: str, text: str | Callable[[], str] | None = None) -> dict[str, Any]:
    """``data`` brought up to ``SCHEMA_VERSION``, in memory (the file is rewritten only by a save).

    ``text`` (the file's text, or a function that reads it) places a migration's problems on
    their lines; without it they are reported as ``FILE: path: message``.
    """
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
        try:
            data = step(data)
        except MigrationProblems as exc:
            if text is None:
                raise StoreError([f"{source}: {path}: {message}" for path, message in exc.problems]) from None
            index = _line_index(text() if callable(text) else text)
            raise StoreError([f"{source}:{_line_of(index, _path_to_loc(path))}: {path}: {message}" for path, message in exc.problems]) from None
        version += 1
        data["schema_version"] = version
    return data


# --- reading ----------------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    for test, what in _KINDS:
        if test(mode):
            return what
    return "not a file"


def read_regular(path: Path, limit: int | None = None) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file ``path`` (symlinks followed) and its ``fstat``, or a one-line
    StoreError. Opened with ``O_NONBLOCK`` so a FIFO cannot hang the open, then refused by its
    ``fstat``; read until end of file but never more than ``limit + 1`` bytes, whatever
    ``st_size`` says (a file growing while read, or a file system that reports 0)."""
    name = str(path)
    limit = MAX_BYTES if limit is None else limit
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if os.path.islink(path):
            raise StoreError(f"{name}: a symbolic link to {os.readlink(path)}, which does not exist") from None
        raise StoreError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise StoreError(f"{name}: is a folder, not a file") from None
    except PermissionError:
        raise StoreError(f"{name}: cannot read it (permission denied)") from None
    except OSError as exc:
        raise StoreError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise StoreError(f"{name}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(f"{name}: not a regular file ({_kind(info.st_mode)}); nothing was read")
        if info.st_size > limit:
            raise StoreError(f"{name}: too large ({info.st_size / 1e6:.1f} MB; the limit is {limit // 2**20} MB)")
        pieces = []
        left = limit + 1
        while left > 0:
            piece = os.read(fd, min(left, max(info.st_size + 1, 1 << 16)))
            if not piece:
                break
            pieces.append(piece)
            left -= len(piece)
        raw = pieces[0] if len(pieces) == 1 else b"".join(pieces)
    except OSError as exc:
        raise StoreError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise StoreError(f"{name}: too large (the limit is {limit // 2**20} MB)")
    return raw, info


def read_bytes(path: Path) -> bytes:
    """The file's bytes (at most ``MAX_BYTES``, not empty, no NUL), or a one-line StoreError."""
    return _checked(read_regular(path)[0], str(path))


def _checked(raw: bytes, name: str) -> bytes:
    if not raw or raw.isspace():  # (what ``not raw.strip()`` says, without copying the file)
        raise StoreError(f"{name}: the file is empty")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise StoreError(f"{name}: not a text file (binary data at byte {nul})")
    return raw


def read_text(path: Path) -> str:
    """The file's text, or a one-line StoreError saying plainly why not."""
    return decode_text(read_bytes(path), str(path))


_BOM = b"\xef\xbb\xbf"
_PIECE = 1 << 16


def _decode(raw: bytes, start: int, end: int, name: str) -> str:
    """``raw[start:end]`` as UTF-8 text, decoded a piece at a time.

    CPython decodes optimistically: one character beyond Latin-1 deep in a 7 MB file makes it
    widen everything decoded so far, twice for an emoji. Pieces of 64 KiB, cut after a newline
    (never inside a character), are each as narrow as they can be, and joining them widens once:
    2 to 4 times faster. An invalid byte is reported at the same position as a whole decode.
    """
    pieces = []
    at = start
    while at < end:
        cut = raw.find(b"\n", min(at + _PIECE, end), end)
        cut = end if cut < 0 else cut + 1
        try:
            pieces.append(raw[at:cut].decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise StoreError(f"{name}: not a UTF-8 text file (invalid byte at position {at + exc.start})") from None
        at = cut
    return pieces[0] if len(pieces) == 1 else "".join(pieces)


def decode_text(raw: bytes, name: str) -> str:
    """``raw`` as text (a leading byte-order mark dropped), or a one-line StoreError."""
    return _decode(raw, len(_BOM) if raw.startswith(_BOM) else 0, len(raw), name)


def parse_toml(source: str | bytes, name: str) -> dict[str, Any]:
    """The TOML document in ``source`` (text, or a file's bytes from ``read_bytes``), or a
    StoreError: ``FILE: not a UTF-8 text file ...`` or ``FILE:LINE:COL: message``.

    rtoml parses (twice as fast as tomli on a big session, with the same results: a test checks
    it), a piece at a time (``_parse_in_pieces``). When it refuses a document, tomli parses it
    again: its message (and line and column) is the one people get, the same as ever; and where
    tomli accepts what rtoml refused (rtoml stops at a smaller depth of nesting, and at integers
    beyond 64 bits), tomli's result is used.
    """
    if fast_reader is not None:
        try:
            found = _parse_in_pieces(source, name)
            if found is not None:
                return found
        except (StoreError, fast_reader.TomlParsingError, RecursionError, OverflowError, ValueError):
            pass  # one piece failed: the whole text says why (or parses after all)
    text = source if isinstance(source, str) else decode_text(source, name)
    if fast_reader is not None:
        try:
            return _fast_loads(text)
        except (fast_reader.TomlParsingError, RecursionError, OverflowError, ValueError):
            pass  # tomli says what is wrong (or reads what rtoml could not)
    return _parse_with_tomli(text, name)


def _fast_loads(text: str) -> dict[str, Any]:
    if text.startswith("\ufeff"):  # rtoml skips a byte-order mark in the text; tomli refuses it
        raise ValueError("byte-order mark")
    return fast_reader.loads(text)


#: The smallest piece ``_parse_in_pieces`` parses on its own (the pieces of a big file).
CHUNK = 1 << 16
_TOP_ARRAY = re.compile(r"\[\[[A-Za-z0-9_-]+\]\][ \t]*\r?\n")
_TOP_ARRAY_BYTES = re.compile(_TOP_ARRAY.pattern.encode())
_MISSING = object()


def _parse_in_pieces(source: str | bytes, name: str) -> dict[str, Any] | None:
    """``source`` parsed by rtoml in pieces of at least ``CHUNK``, cut before top-level ``[[name]]``
    headers; None when the pieces do not simply add up (the caller then parses the whole).

    Why: rtoml builds the whole document in Rust before it makes the Python objects, which at
    10,000 items took 110 MiB more memory than the objects themselves; a piece at a time it is
    the objects alone, for the same time. Each piece is a document of its own, and they add up
    to the whole exactly when:

    - every piece parses. A cut that is not a real header (a line inside a multi-line string or
      array) leaves the piece before it unterminated, which fails, so no piece is misread;
    - the keys of a piece after the first are new, or arrays of tables continued from an earlier
      piece after the first (such a piece starts with a header, so its only top-level lists are
      arrays of tables; the first piece ends at the first header, so it has none to continue).
      Anything else (a table defined in two pieces, ``[x.y]`` after a piece's ``[[x]]``, an
      array of tables after a static array) returns None.
    """
    is_bytes = isinstance(source, bytes)
    begin = len(_BOM) if is_bytes and source.startswith(_BOM) else 0
    size = len(source)
    if size - begin < 2 * CHUNK:
        return _fast_loads(_decode(source, begin, size, name) if is_bytes else source)
    newline_header = b"\n[[" if is_bytes else "\n[["
    header = _TOP_ARRAY_BYTES if is_bytes else _TOP_ARRAY
    # The first cut is at the first header: the first piece then holds no array of tables
    # (none spelled as one, at least), so none of its lists is taken for one to continue.
    cuts = [begin]
    at = begin
    while True:
        found = source.find(newline_header, at)  # type: ignore[arg-type]
        if found < 0:
            break
        if header.match(source, found + 1):  # type: ignore[arg-type]
            cuts.append(found + 1)
            at = found + 1 + CHUNK
        else:
            at = found + 1
    cuts.append(size)
    result: dict[str, Any] | None = None
    continued: set[str] = set()
    for start, end in zip(cuts, cuts[1:]):
        piece = _fast_loads(_decode(source, start, end, name) if is_bytes else source[start:end])
        if result is None:
            result = piece
            continue
        for key, value in piece.items():
            earlier = result.get(key, _MISSING)
            if earlier is _MISSING:
                result[key] = value
                if type(value) is list:
                    continued.add(key)
            elif key in continued and type(value) is list:
                earlier.extend(value)
            else:
                return None
    return result


def _parse_with_tomli(text: str, name: str) -> dict[str, Any]:
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
    for name, index in re.findall(r"([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]", path):
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
            elif error["type"] == "string_unicode":
                message = SURROGATES_MESSAGE
            elif error["type"] == "value_error":
                message = message.removeprefix("Value error, ")  # our own words: no prefix
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
    data = migrate(data, name, text)
    return validate(Session, data, text, name, _session_problems)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Reading or writing a session makes hundreds of thousands of objects and no cycles: the
    cyclic garbage collector would only walk them again and again, more often the bigger the
    heap (60 % of validation at 10,000 items; a 100,000-item dump took 3x its linear share)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def load_session(path: Path | str) -> Session:
    path = Path(path)
    return _session_from(read_bytes(path), path)


def _session_from(raw: bytes, path: Path) -> Session:
    """The session in ``raw`` (the bytes of ``path``, already read and checked)."""
    name = str(path)
    with _no_cycle_collection():
        data = parse_toml(raw, name)  # decoded a piece at a time, as it is parsed
        del raw  # not kept while the models are built; the text is read again to place an error
        data = migrate(data, name, lambda: read_text(path))
        return validate(Session, data, lambda: read_text(path), name, _session_problems)


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


_PLANS: dict[type, tomlwrite.Plan] = {}


def plan(cls: type[BaseModel]) -> tomlwrite.Plan:
    """How ``tomlwrite.write_plan`` writes a ``cls.model_dump()``: ``_prune``'s rules, worked out once."""
    found = _PLANS.get(cls)
    if found is None:
        found = tuple(tomlwrite.field(name, skip, plan(nested) if nested else None) for name, skip, nested in _spec(cls))
        _PLANS[cls] = found
    return found


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
    """The whole session as TOML text (quit, Save as, tools). Autosave: ``savecache``."""
    with _no_cycle_collection():
        return tomlwrite.dumps_plan(session_data(session), session_plan())


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


# Tests only (tests/test_tui_crash.py): seconds every save's fsync takes, as on a slow USB stick.
_TEST_SLOW_FSYNC = float(os.environ.get("IBB_TEST_SLOW_FSYNC") or 0)


def write_atomic(path: Path, data: bytes, *, backup: bool = True, hold: Callable[[int], None] | None = None) -> os.stat_result:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one whole.

    ``hold``: given the new file's descriptor, locked (``flock``) before it takes ``path``'s
    place, so that the path never names an unlocked version while a writer has it open
    (``FileLock.hold``); it then owns the descriptor."""
    path = Path(path)
    tmp: str | None = None
    fd: int | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
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
            fd, given = None, fd
            hold(given)
        _fsync_dir(path.parent)
        return path.stat()
    except OSError as exc:
        raise SaveError(
            f"{path}: could not save: {_explain(exc, path)}. The previous version on disk is intact."
        ) from exc
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
    return write_atomic(Path(path), dumps_session(session).encode("utf-8"), backup=backup)


def stale_temp_files(path: Path) -> list[Path]:
    """Temp files a killed save left beside ``path``."""
    return sorted(path.parent.glob(f".{glob_escape(path.name)}.*.tmp"))


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


# --- what an interrupted save left ------------------------------------------------------------


class Unsaved:
    """A temp file an interrupted save left beside a session, holding a valid session that
    differs from the file: the newest version may be only here. It is offered, never deleted
    unless the person chooses to (``SessionFile.use_unsaved`` / ``keep_both`` / ``discard``)."""

    def __init__(self, path: Path, when: datetime, session: Session):
        self.path, self.when, self.session = path, when, session

    def describe(self, of: Path) -> str:
        return f"{of}: a newer unsaved version from {self.when:%Y-%m-%d %H:%M} was found in {self.path.name} (an interrupted save)"


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
                aside = path.with_name(f"{path.name}.broken-tmp-{datetime.fromtimestamp(info.st_mtime):%Y%m%d-%H%M%S}-{tag}")
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
        say(f"{found.describe(Path(path))}; this command read the file itself. `ibb open {path}` offers it: use it, keep both or discard")


# --- locking ----------------------------------------------------------------------------------

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
                "ibb never writes through it. Remove that link (it is not the session) and open again, or open read-only."
            )
        try:
            fd = os.open(self.path, os.O_RDONLY | nofollow | getattr(os, "O_NONBLOCK", 0) | cloexec)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LockedError(f"{self.path}: cannot use this lock file ({exc.strerror}); remove it, or open the session read-only") from None
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
                f"{self.path}: this is not a lock file ibb made (it holds other data); move it away and open again, or open read-only."
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


def _read_holder_bytes(fd: int) -> bytes:
    try:
        return os.pread(fd, 513, 0).strip()
    except (OSError, AttributeError):
        return b""


def _read_holder(fd: int) -> str:
    raw = _read_holder_bytes(fd)
    return raw.decode("utf-8", "replace") if _HOLDER.match(raw) else ""


# --- an open session --------------------------------------------------------------------------


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
    def open(cls, path: Path | str, *, readonly: bool = False) -> "SessionFile":
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
    def create(cls, path: Path | str, session: Session) -> "SessionFile":
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
            raise SaveError(f"{self.path}: a symbolic link to {os.readlink(self.path)}, which no longer exists; nothing was written. Save to a new file.")
        if self._stamp is not None and self._changed_outside(target):
            raise SaveError(
                f"{self.path}: changed on disk by another program since it was opened; "
                "save to a new file so neither version is lost"
            )
        if data is None:
            data = dumps_session(self.session).encode("utf-8")
        stat_ = write_atomic(target, data, backup=backup, hold=self._lock.hold if self._lock else None)
        self._remember(stat_, written=data)

    def save_as(self, path: Path | str) -> None:
        """Save to a new file and continue there (the way out when the first place fails).

        Refuses an existing file: "save as" must never replace another session silently.
        """
        path = Path(path)
        if os.path.lexists(path):  # (False, not an error, for a name the system refuses)
            raise SaveError(f"{path}: already exists; choose a new name")
        lock = FileLock(path)
        lock.acquire()
        data = dumps_session(self.session).encode("utf-8")
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

    def __enter__(self) -> "SessionFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
