"""Exporters: turn a session into a document (minutes, TA summaries) as text.

``render(session, fmt)`` is the one entry point; each format lives in its own module. Exporters
read a session and never change it, and never import textual or rich (the CLI uses them without
the TUI, and an import-hygiene test keeps it so).
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Session
from . import markdown

#: Format name -> renderer. New formats register here.
FORMATS: dict[str, Callable[[Session], str]] = {
    "md": markdown.render,
}


def render(session: Session, fmt: str) -> str:
    """The session as a document in format ``fmt`` ("md": Markdown minutes)."""
    renderer = FORMATS.get(fmt)
    if renderer is None:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"unknown export format {fmt!r}; expected one of: {known}")
    return renderer(session)


__all__ = ["FORMATS", "render"]
