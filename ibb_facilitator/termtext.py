"""Plain text for a terminal: what a file holds, printed as one safe line, cut to a column.

Used by ``ibb library`` and ``ibb board``; imports nothing of ours (the board of an unchanged
negotiation prints without loading the models).
"""

from __future__ import annotations

import functools
import re
import unicodedata

_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"), "\ufffd")


# (a pattern, compiled by ``re`` when first used: most text printed has no control character,
# and compiling it was most of the import of this module)
_CONTROL = "[\x00-\x1f\x7f-\x9f\u2028\u2029]"
_NOT_ASCII = re.compile("[^\x00-\x7f]")


def _symbol(found: re.Match[str]) -> str:
    code = ord(found.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␀ for NUL...
    return "␡" if code == 0x7F else "\ufffd"


def printable(text: str) -> str:
    """``text`` on one line, safe to print to a terminal: newlines as ⏎, tabs as spaces, and
    control characters (an escape sequence in a hostile file) as visible symbols, never sent."""
    if text.isprintable():  # no control, line-break, bidi (format) or other unprintable character:
        return text  # nothing below would change it (most of what a table prints)
    text = text.replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " ")
    return re.sub(_CONTROL, _symbol, text).translate(_BIDI)


@functools.cache  # a table prints the same few hundred characters thousands of times
def _char_width(c: str) -> int:
    return 0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1


def cell_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide East Asian characters take two)."""
    if text.isascii():  # most of what a table prints: one column a character
        return len(text)
    others = _NOT_ASCII.findall(text)  # ("2027-03-09 – 03-10": one dash to look up, not 18 characters)
    return len(text) - len(others) + sum(map(_char_width, others))


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns: as it is when it fits, else cut with "…"."""
    if text.isascii():
        return text if len(text) <= width else text[: max(0, width - 1)] + "…"
    if cell_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = _char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def quote(text: str, width: int) -> str:
    """``text`` in quotes on one line (its spaces and line breaks as single spaces), cut to
    ``width`` columns with "…": an item's words inside a sentence ("‘Within budget’")."""
    return f"‘{cut(' '.join(text.split()), width)}’"


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns (with "…") and padded to exactly that width."""
    if text.isascii():
        return text + " " * (width - len(text)) if len(text) <= width else text[: max(0, width - 1)] + "…"
    used = cell_width(text)  # (once: ``cut`` then ``cell_width`` measured a text that fits twice)
    if used <= width:
        return text + " " * (width - used)
    text = cut(text, width)
    return text + " " * (width - cell_width(text))


def fit_middle(text: str, width: int) -> str:
    """``text`` in ``width`` columns, cut in the middle ("spring-c…-next.toml") and padded: for
    file names, which often differ only at the end."""
    if cell_width(text) <= width:
        return fit(text, width)
    keep = width - 1
    head: list[str] = []
    tail: list[str] = []
    used = 0
    for i in range(len(text)):  # alternate: one from the end, one from the start (end first)
        ch = text[len(text) - 1 - i // 2] if i % 2 == 0 else text[i // 2]
        w = cell_width(ch)
        if used + w > keep:
            break
        used += w
        (tail if i % 2 == 0 else head).append(ch)
    return fit("".join(head) + "…" + "".join(reversed(tail)), width)
