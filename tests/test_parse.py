"""Reading TOML: rtoml parses (fast), tomli is the reference and words every error.

- On valid documents (any session the model allows, any document tomlwrite writes, the files
  the fuzzer mutates) ``store.parse_toml`` gives exactly what tomli gives, whole or in pieces.
- On documents rtoml refuses, the StoreError is tomli's ``FILE:LINE:COL: message``, the same as
  before rtoml; where tomli accepts what rtoml refuses (deep nesting, 1e400), tomli's result.
- The pieces of a big file (``store._parse_in_pieces``) add up to the whole, or the whole is
  parsed: headers inside multi-line strings, tables split over pieces, static arrays.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import make_populated
from hypothesis import HealthCheck, given, settings
from test_fuzz import mutated_files
from test_roundtrip import _documents, sessions

from ibb_facilitator import store, tomlwrite

SETTINGS = settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
NAME = "f.toml"

pytestmark = pytest.mark.skipif(store.fast_reader is None, reason="rtoml is not installed")


def plain(value: Any) -> Any:
    """``value`` with what ``==`` would blur made exact: a timestamp's offset, NaN."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return ("datetime", value.isoformat(), value.utcoffset())
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


def reference(text: str) -> tuple[str, Any]:
    """What reading ``text`` gave before rtoml: tomli's document, or its error lines."""
    try:
        return "ok", plain(store._parse_with_tomli(text, NAME))
    except store.StoreError as exc:
        return "error", exc.lines


def ours(source: str | bytes) -> tuple[str, Any]:
    try:
        return "ok", plain(store.parse_toml(source, NAME))
    except store.StoreError as exc:
        return "error", exc.lines


@contextmanager
def small_pieces(size: int = 0) -> Iterator[None]:
    """Cut at every top-level ``[[name]]`` header (hypothesis cannot use monkeypatch)."""
    chunk = store.read.CHUNK
    store.read.CHUNK = size
    try:
        yield
    finally:
        store.read.CHUNK = chunk


def same_as_tomli(text: str) -> None:
    """Text as ``loads_session`` gets it, and bytes as ``load_session`` reads them (decoded by
    ``read_text`` before rtoml, which dropped a leading byte-order mark), whole and in pieces."""
    raw = text.encode("utf-8")
    expected, from_file = reference(text), reference(store.decode_text(raw, NAME))
    assert ours(text) == expected
    assert ours(raw) == from_file
    with small_pieces():
        assert ours(text) == expected
        assert ours(raw) == from_file


# --- valid documents ---------------------------------------------------------------------------


@SETTINGS
@given(sessions())
def test_rtoml_and_tomli_agree_on_any_session(session: Any) -> None:
    text = store.dumps_session(session)
    assert reference(text)[0] == "ok"
    same_as_tomli(text)


@SETTINGS
@given(_documents())
def test_rtoml_and_tomli_agree_on_any_document_tomlwrite_writes(document: dict[str, Any]) -> None:
    same_as_tomli(tomlwrite.dumps(document))


@settings(max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(mutated_files())
def test_mutated_files_read_as_tomli_reads_them(text: str) -> None:
    """Valid or not: tomli's document, or tomli's message (line, column and words)."""
    same_as_tomli(text)


# --- what rtoml refuses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a = 1\na = 2\n",  # duplicate key
        "title = oops\n",
        'a = "unterminated\n',
        'a = """\nnever closed\n',
        "a = [1, 2\n",
        "[a]\n[a]\n",
        "a = 1\n[[a]]\n",
        'a = "\\ud800"\n',  # a surrogate escape
        "a = 1979-02-30\n",
        "a = 0x\n",
        "\ufeffa = 1\n",  # a byte-order mark in the text (read_text drops one from a file)
        "a = 1\rb = 2\n",
        "x = " + "[" * 5000,
    ],
    ids=lambda t: repr(t[:24]),
)
def test_rtoml_refused_input_gets_tomlis_message(text: str) -> None:
    # what store.read catches from rtoml before tomli reads the text again
    with pytest.raises((ValueError, RecursionError, OverflowError)):
        store._fast_loads(text)
    kind, lines = reference(text)
    assert kind == "error" and re.match(rf"{re.escape(NAME)}(:\d+:\d+)?: \S", lines[0]), lines
    same_as_tomli(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a = " + "[" * 300 + "]" * 300 + "\n", None),  # deeper than rtoml goes; tomli reads it
        ("a = 1e400\n", {"a": math.inf}),  # rtoml refuses the overflow; tomli reads infinity
    ],
    ids=["deep", "1e400"],
)
def test_what_tomli_reads_and_rtoml_refuses_is_read(text: str, expected: Any) -> None:
    # what store.read catches from rtoml before tomli reads the text again
    with pytest.raises((ValueError, RecursionError, OverflowError)):
        store._fast_loads(text)
    assert reference(text)[0] == "ok"
    same_as_tomli(text)
    if expected is not None:
        assert store.parse_toml(text, NAME) == expected


# --- in pieces ---------------------------------------------------------------------------------


def events(n: int, extra: str = "") -> str:
    return "".join(
        f'\n[[events]]\nat = 2027-01-12T09:{n % 60:02}:00-05:00\naction = "x.{n}"\n{extra}' for n in range(n)
    )


@pytest.mark.parametrize(
    "text",
    [
        'title = "T"\n' + events(5),
        'title = "T"\nnote = """\n[[events]]\nnot a header\n"""\n' + events(3),  # a header inside a string
        'note = """\n' + events(3) + '"""\n',  # every "header" inside one string
        "note = '''\n" + events(3) + "'''\n" + events(2),
        "x = [\n[[events]]\n]\n" + events(2),  # inside an array: invalid, as tomli says
        "events = [1, 2]\n" + events(2),  # an array of tables over a static array: invalid
        events(2) + "\n[events.sub]\nx = 1\n" + events(2),  # [events.sub] names the last event
        events(2) + "\n[[events.more]]\nx = 1\n" + events(1),
        "[cursor]\nx = 1\n" + events(2) + "\n[cursor]\ny = 2\n",  # a table defined twice: invalid
        "[t.a]\nx = 1\n" + events(2) + "\n[t]\ny = 2\n",  # a super-table defined later: valid
        events(2) + "\n[[issues]]\nid = 1\n" + events(2) + "\n[[issues]]\nid = 2\n",  # arrays resumed
        events(3).replace("\n", "\r\n"),
        events(2) + "\n[[events]] # a comment\n" + events(1),
        events(2) + '\n[["events"]]\nx = 1\n' + events(1),
        'title = "T"\n' + events(3) + "\n[[events]]\n",  # an empty last table
        events(2)
        + "\n[[events]]\nat = 2027-01-12T09:00:00-05:00\nat = 2027-01-12T09:00:00-05:00\n"
        + events(2),  # duplicate key
    ],
    ids=lambda t: repr(t[:30]),
)
def test_pieces_add_up_to_the_whole_or_the_whole_is_read(text: str) -> None:
    same_as_tomli(text)


def test_a_big_file_is_read_in_pieces() -> None:
    text = store.dumps_session(make_populated()) + events(3000, 'summary = "Café 👩‍🏫 crème"\n')
    assert len(text.encode("utf-8")) > 2 * store.CHUNK
    for source in (text, text.encode("utf-8")):
        pieces = store._parse_in_pieces(source, NAME)
        assert pieces is not None and plain(pieces) == reference(text)[1]
    same_as_tomli(text)


def test_a_bad_byte_in_a_later_piece_is_reported_where_it_is(tmp_path: Path) -> None:
    raw = bytearray(events(4000, 'summary = "Café"\n').encode("utf-8"))
    raw[len(raw) - 100] = 0xFF
    with pytest.raises(UnicodeDecodeError) as whole:
        bytes(raw).decode("utf-8")
    path = tmp_path / NAME
    path.write_bytes(bytes(raw))
    expected = [f"{path}: not a UTF-8 text file (invalid byte at position {whole.value.start})"]
    for read in (store.load_session, store.read_text):
        with pytest.raises(store.StoreError) as caught:
            read(path)
        assert caught.value.lines == expected


def test_decoding_in_pieces_gives_the_same_text() -> None:
    text = "a = 1\n" + "é" * 70_000 + "\n" + "x" * 70_000 + "\n👩‍🏫\n" + "\r\n" * 10
    raw = ("\ufeff" + text).encode("utf-8")
    assert store.decode_text(raw, NAME) == text
    assert store.decode_text(text.encode("utf-8"), NAME) == text
