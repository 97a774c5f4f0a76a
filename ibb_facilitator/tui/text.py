"""User text on screen: always literal, never markup.

Every string a person typed (or a file contained) reaches a widget through ``literal``: ``[/]``,
``[bold]x[/bold]`` or ``[/`` show exactly as typed and can neither crash nor restyle the app.
"""

from __future__ import annotations

from textual.content import Content


def literal(text: str, style: str = "") -> Content:
    """Plain ``Content`` for user text, optionally in one style (a style, not markup)."""
    content = Content(text)
    return content.stylize(style) if style else content


def join(*parts: Content | str | tuple[str, str]) -> Content:
    """Assemble content: ``str`` parts are literal text, ``(text, style)`` pairs are styled."""
    return Content.assemble(*(literal(p) if isinstance(p, str) else p for p in parts))


def one_line(text: str, width: int = 0) -> str:
    """Newlines shown as ⏎ in one-line places (tables, headers); optionally cut to ``width``."""
    flat = text.replace("\r\n", "\n").replace("\n", " ⏎ ")
    if width and len(flat) > width:
        return flat[: max(1, width - 1)] + "…"
    return flat
