"""Where a problem is in a file: from a pydantic error location or a ``(path, message)`` pair
to ``FILE:LINE: path`` (``validation`` and ``migration`` report through it).

``_line_index`` maps each table and key path of a TOML text (with array indices, and the items
of an array of inline tables written one a line) to its line, without parsing it again;
``_trim_loc`` keeps the part of a location that exists in the document.
"""

from __future__ import annotations

import re
from typing import Any


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
    node: Any = data  # walked down through dicts and lists by the location's parts
    for part in loc:
        present = (isinstance(node, dict) and isinstance(part, str) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if present:
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and kept[-1:] != ["[key]"] and part != "[key]":
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
    array: tuple[Any, ...] | None = None  # the key of an array of inline tables spread over lines
    item = 0  # that array's next item
    # split on "\n" only: TOML lines end there, and str.splitlines() would also split inside
    # strings holding U+2028, U+0085, form feeds... and shift every line number after them.
    for number, line in enumerate(text.split("\n"), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if array is not None:
            stripped = line.lstrip()
            if stripped.startswith("{"):  # one inline table a line, as tomlwrite writes them
                lines.setdefault((*array, item), number)
                item += 1
                continue
            if stripped.startswith("]"):
                array = None
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
            if rest.split("#", 1)[0].rstrip() == "[":
                array, item = (*table, key_match.group(1).strip('"')), 0
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
