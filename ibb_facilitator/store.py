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

import copyreg
import errno
import gc
import os
import re
import socket
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


def read_bytes(path: Path) -> bytes:
    """The file's bytes (at most ``MAX_BYTES``, not empty, no NUL), or a one-line StoreError."""
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
    name = str(path)
    with _no_cycle_collection():
        raw = read_bytes(path)
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


def session_data(session: Session) -> dict[str, Any]:
    """A snapshot of ``session`` as plain data, detached from the live models.

    (pydantic's compiled ``model_dump``: about 30 ms at 10,000 items.) The app's autosave takes
    a smaller one, of what changed only: ``savecache.SaveCache.snapshot``.
    """
    return session.model_dump()


def dumps_session(session: Session) -> str:
    """The whole session as TOML text (quit, Save as, tools). Autosave: ``savecache``."""
    with _no_cycle_collection():
        data = session_data(session)
        pruned = _prune(data, Session)
        return tomlwrite.dumps({"schema_version": pruned.pop("schema_version", data["schema_version"]), **pruned})


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


def write_atomic(path: Path, data: bytes, *, backup: bool = True) -> os.stat_result:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one whole."""
    path = Path(path)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if _TEST_SLOW_FSYNC:
                time.sleep(_TEST_SLOW_FSYNC)
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

    def save(self, data: bytes | None = None, *, backup: bool = True) -> None:
        """Write the session (or ``data``, its serialized bytes made earlier on another thread).

        ``backup=False``: keep ``NAME.bak`` as it is (the app saves a moved cursor that way, so
        that looking around never pushes the last real version out of the backup)."""
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
        stat = write_atomic(self.path, data, backup=backup)
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
