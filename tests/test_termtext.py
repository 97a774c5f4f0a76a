"""termtext's fast paths give what the character-by-character way gives, for any text."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from ibb_facilitator import termtext
from ibb_facilitator.termtext import cell_width, cut, fit, printable

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable_slowly(text: str) -> str:
    """``printable`` without its shortcut: every character looked at."""
    text = text.replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " ")
    return _CONTROL.sub(termtext._symbol, text).translate(termtext._BIDI)


def width_slowly(text: str) -> int:
    return sum(map(termtext._char_width, text))


def test_every_printable_character_is_printed_as_itself() -> None:
    """The shortcut (``str.isprintable``: nothing to replace) holds for every code point."""
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if ch.isprintable():
            assert printable_slowly(ch) == ch, hex(code)


TEXTS = [
    "",
    "plain ASCII title",
    "[bold]not markup[/bold] <b>",
    "2027-03-09 – 2027-03-10 (2 days)",
    "会議の記録 第四回",
    "Ｆｕｌｌｗｉｄｔｈ",
    "e\u0301cole",  # a combining accent takes no column
    "Budget 🙂 👍🏽",
    "Evil \x1b[2J\x1b]0;pwned\x07 title\r\nnext\tline",
    "Org \u202e reversed \u2028 sep \u200e",
    "no\u00a0break soft\u00adhyphen zero\u200bwidth",
    "x\x00y\x7f\x9bz",
]


def _same(text: str) -> None:
    assert printable(text) == printable_slowly(text)
    shown = printable(text)
    assert cell_width(shown) == width_slowly(shown)
    assert cell_width(text) == width_slowly(text)
    for width in (0, 1, 2, 5, 12, 40):
        assert fit(shown, width) == fit_slowly(shown, width)


def fit_slowly(text: str, width: int) -> str:
    if width_slowly(text) > width:
        out, used = [], 0
        for ch in text:
            w = termtext._char_width(ch)
            if used + w > width - 1:
                break
            out.append(ch)
            used += w
        text = "".join(out) + "…"
    return text + " " * (width - width_slowly(text))


def test_fast_paths_match_the_slow_way_on_known_texts() -> None:
    for text in TEXTS:
        _same(text)
    assert cut("abcdef", 4) == "abc…"
    assert printable("[/foo] <b>") == "[/foo] <b>"  # brackets shown literally


@given(st.text())
def test_fast_paths_match_the_slow_way_on_any_text(text: str) -> None:
    _same(text)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_fast_paths_match_the_slow_way_on_ascii(text: str) -> None:
    _same(text)
