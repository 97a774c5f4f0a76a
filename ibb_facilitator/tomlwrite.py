"""A small TOML writer with a fixed, diff-friendly layout.

Why not ``tomli_w``: it chooses between an inline array and ``[[array]]`` tables by line length,
so rewording one interest can re-lay out every interest of the issue in a diff. Session files are
read by people and compared with ``diff``; the layout must depend on the *kind* of data only:

- every list of tables is written as ``[[array]]`` tables, except the keys in ``INLINE_ROWS``
  (ratings, responses, initials), which are one inline table per line;
- a string with a newline is a multi-line string; every other string is a one-line basic string;
- a list of scalars is one line when short, one item per line otherwise.

``tomllib`` reads what this writes; the test suite checks the exact round-trip with hypothesis.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime

INLINE_ROWS = frozenset({"ratings", "responses", "initials"})
INLINE_TABLES = frozenset({"data"})
_SHORT = 72


def _escape_table(multiline: bool) -> dict[int, str]:
    table = {c: f"\\u{c:04x}" for c in (*range(0x20), 0x7F)}
    table.update({0x08: "\\b", 0x0C: "\\f", 0x0D: "\\r", 0x0A: "\\n", 0x22: '\\"', 0x5C: "\\\\"})
    del table[0x09]  # a tab is allowed as it is
    if multiline:
        del table[0x0A]
    return table


_ONE_LINE = _escape_table(False)
_MULTI_LINE = _escape_table(True)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


_PLAIN = re.compile(r'[\x00-\x1f\x7f"\\]')  # a string without these is written as it is
_KEYS: dict[str, str] = {}


def string(value: str, multiline: bool = True) -> str:
    if multiline and "\n" in value:
        # The newline right after the opening quotes is not part of the value.
        return '"""\n' + value.translate(_MULTI_LINE) + '"""'
    if _PLAIN.search(value) is None:
        return '"' + value + '"'
    return '"' + value.translate(_ONE_LINE) + '"'


def key(name: str) -> str:
    found = _KEYS.get(name)
    if found is None:
        found = name if _BARE_KEY.match(name) else string(name, multiline=False)
        if len(_KEYS) < 1024:  # field names repeat; free-form data keys must not grow it forever
            _KEYS[name] = found
    return found


def literal(value: object, *, inline: bool = False) -> str:
    kind = type(value)
    if kind is str:
        return string(value, multiline=not inline)  # type: ignore[arg-type]
    if kind is int:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return string(value, multiline=not inline)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return inline_table(value)
    if isinstance(value, (list, tuple)):
        items = [literal(v, inline=True) for v in value]
        one_line = "[" + ", ".join(items) + "]"
        if inline or len(one_line) <= _SHORT:
            return one_line
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def inline_table(value: Mapping[str, object]) -> str:
    if not value:
        return "{}"
    return "{ " + ", ".join([f"{key(k)} = {literal(v, inline=True)}" for k, v in value.items()]) + " }"


def _is_table_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _chunks(table: Mapping[str, object], name: str, header: str | None) -> Iterator[str]:
    if header is not None:
        yield header
    nested: list[tuple[str, object]] = []
    for k, v in table.items():
        if k in INLINE_ROWS and _is_table_list(v):
            rows = "".join(f"    {inline_table(row)},\n" for row in v)  # type: ignore[union-attr]
            yield f"{key(k)} = [\n{rows}]\n"
        elif k in INLINE_TABLES and isinstance(v, Mapping):
            yield f"{key(k)} = {inline_table(v)}\n"
        elif isinstance(v, Mapping) or _is_table_list(v):
            nested.append((k, v))
        else:
            yield f"{key(k)} = {literal(v)}\n"
    for k, v in nested:
        full = f"{name}.{key(k)}" if name else key(k)
        if isinstance(v, Mapping):
            yield f"\n[{full}]\n"
            yield from _chunks(v, full, None)
        else:
            for row in v:  # type: ignore[union-attr]
                yield f"\n[[{full}]]\n"
                yield from _chunks(row, full, None)


def dumps(document: Mapping[str, object]) -> str:
    """TOML text for ``document`` (plain dicts, lists, str, int, bool, date, datetime)."""
    return "".join(_chunks(document, "", None))
