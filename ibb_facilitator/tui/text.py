"""User text on screen: always literal, never markup.

Every string a person typed (or a file contained) reaches a widget through ``literal``: ``[/]``,
``[bold]x[/bold]`` or ``[/`` show exactly as typed and can neither crash nor restyle the app.
Control characters cannot be shown as they are: written to a terminal, an ESC, NUL or CSI from a
name or from someone else's file would drive the terminal on the wall (clear it, retitle it,
recolour it). They show as visible symbols instead (ESC as ␛, NUL as ␀, a C1 code as �), one
per character, so nothing typed vanishes from the screen either. Line breaks and tabs stay.
"""

from __future__ import annotations

import re

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip

#: C0 controls but tab and line feed, DEL, and C1 controls: what must never reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROL_LF = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: Unicode's pictures of the C0 controls
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls have no pictures


def on_screen(text: str) -> str:
    """``text`` as the screen shows it: a CR LF is a line break, other controls are symbols."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return _CONTROL_LF.sub(_visible, text)


def literal(text: str, style: str = "") -> Content:
    """Plain ``Content`` for user text, optionally in one style (a style, not markup)."""
    content = Content(on_screen(text), strip_control_codes=False)
    return content.stylize(style) if style else content


def join(*parts: Content | str | tuple[str, str]) -> Content:
    """Assemble content: ``str`` parts are literal text, ``(text, style)`` pairs literal text in a
    style (they often carry user text too: a party's tag, an article number, an owner)."""
    return Content.assemble(
        *(literal(p) if isinstance(p, str) else literal(*p) if isinstance(p, tuple) else p for p in parts)
    )


def one_line(text: str, width: int = 0) -> str:
    """Newlines shown as ⏎ in one-line places (tables, headers); optionally cut to ``width``."""
    flat = text.replace("\r\n", "\n").replace("\n", " ⏎ ")
    if width and len(flat) > width:
        return flat[: max(1, width - 1)] + "…"
    return flat


def visible_strip(strip: Strip) -> Strip:
    """``strip`` (a line a widget drew itself) with its control characters drawn as symbols.

    A control character takes no cell and its symbol takes one: the line is cut back to its
    width (at most one cell per control character is lost at its right end).
    """
    if not any(_CONTROL.search(segment.text) for segment in strip if not segment.control):
        return strip
    width = strip.cell_length
    shown = [
        segment if segment.control else Segment(_CONTROL.sub(_visible, segment.text), segment.style)
        for segment in strip
    ]
    return Strip(shown).crop(0, width)


class ControlSymbols:
    """For widgets that draw their own text (``Input``, ``TextArea``): control characters in the
    value show as symbols, as ``literal`` shows them; the value itself is left as it is."""

    def render_line(self, y: int) -> Strip:
        return visible_strip(super().render_line(y))  # type: ignore[misc]
