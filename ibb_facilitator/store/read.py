"""Reading a file: bounded bytes, UTF-8 text, and its TOML parsed fast, with clear errors.

Never trusts a file: only a regular file is read (a FIFO or a device is refused by its
``fstat``, before any read), bounded by the bytes actually read (``MAX_BYTES``); bytes must be
UTF-8 text (decoded a piece at a time, ``_decode``). ``parse_toml`` parses with rtoml, a piece
at a time for a big file (``_parse_in_pieces``), and whatever rtoml refuses again with tomli,
whose ``FILE:LINE:COL: message`` is what people see. ``no_cycle_collection`` keeps the cyclic
garbage collector out of a load or a dump (both make many objects and no cycles).
"""

from __future__ import annotations

import copyreg
import gc
import itertools
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

try:  # tomli's compiled wheel is the code tomllib vendors: same results and messages, ~3x faster
    import tomli as toml_reader
except ImportError:  # pragma: no cover - a platform without a compiled wheel
    import tomllib as toml_reader  # type: ignore[no-redef]  # the module tomli's wheel compiles: same API

try:  # rtoml (Rust) parses a big session twice as fast as compiled tomli; tomli words the errors
    import rtoml as fast_reader
except ImportError:  # pragma: no cover - a platform without a wheel: tomli does it all
    fast_reader = None  # type: ignore[assignment]  # every use checks for None first
else:
    # rtoml gives each timestamp a fixed-offset tzinfo of its own class, which cannot be copied
    # or pickled (timeline's deep copies need to). Copied, it becomes the standard library's
    # fixed offset. (Making each one a ``timezone`` while loading cost 11 ms at 10,000 events.)
    _ANY_MOMENT = datetime(2000, 1, 1)
    copyreg.pickle(
        type(fast_reader.loads("t = 2000-01-01T00:00:00Z")["t"].tzinfo),
        lambda zone: (timezone, (zone.utcoffset(_ANY_MOMENT),)),
    )

from .errors import StoreError

MAX_BYTES = 50 * 1024 * 1024

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


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
    begin = len(_BOM) if isinstance(source, bytes) and source.startswith(_BOM) else 0
    size = len(source)
    if size - begin < 2 * CHUNK:
        return _fast_loads(_decode(source, begin, size, name) if isinstance(source, bytes) else source)
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
    for start, end in itertools.pairwise(cuts):
        piece = _fast_loads(_decode(source, start, end, name) if isinstance(source, bytes) else source[start:end])
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


@contextmanager
def no_cycle_collection() -> Iterator[None]:
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
