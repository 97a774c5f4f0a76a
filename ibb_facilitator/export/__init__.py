"""Exporters: turn a session into a document (minutes, TA summaries).

``render(session, fmt, report)`` is the one entry point: ``fmt`` is a key of ``FORMATS`` ("md",
"html", "docx"), ``report`` one of ``REPORTS`` ("minutes": the full record; "ta": the TA summary,
one page per tentative agreement with blank ratification lines). Text formats give ``str``,
binary ones (docx) ``bytes``; ``render_bytes`` always gives the bytes to write to a file.

A negotiation (a folder of sessions, ``negotiation/``) has reports of its own
(``NEGOTIATION_REPORTS``): ``update.py`` (the joint update after a session, with the approvals)
and ``package.py`` (the TA package), and ``board.py`` the board as a document; each builds a
``Document`` that ``write_document(document, fmt)`` writes in any format.

Layout: ``minutes.py`` and ``ta_summary.py`` build a format-neutral ``document.Document``, the
one source of each report's structure; ``markdown.py``, ``html.py`` and ``word.py`` write it.
``text.py`` holds what every format shares: cleaning typed text, dates, names and labels.
Exporters read a session and never change it, and never import textual or rich.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Session
from . import html, markdown, ta_summary
from .document import Document

REPORTS: dict[str, str] = {
    "minutes": "the full minutes of the session",
    "ta": "the TA summary: one page per tentative agreement, with ratification lines",
}

#: Reports of a session within its negotiation (its folder and ``negotiation.toml``): built by
#: ``update.build`` and ``package.build`` and written by ``write_document``.
NEGOTIATION_REPORTS: dict[str, str] = {
    "update": "the joint update after the session, with each spokesperson's approval",
    "package": "the TA package of the whole negotiation: every TA in force, its state, ratification",
}

#: Reports of a training table (``ibb train``): ``handouts.build``, written by ``write_document``.
TRAINING_REPORTS: dict[str, str] = {
    "handouts": "a training table's handouts: the general brief, a page per side and per role",
}


def _docx(report: str) -> Callable[[Session], bytes]:
    def render(session: Session) -> bytes:
        from . import word  # python-docx loads only when a Word file is asked for

        return word.render(session) if report == "minutes" else word.render_ta_summary(session)

    return render


class TooBig(ValueError):
    """The session is past what a format can write in reasonable time: said before any work."""


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str  # file name extension, with the dot
    binary: bool
    description: str
    renderers: dict[str, Callable[[Session], str | bytes]]
    max_items: int | None = None  # refused above this many items (Session.item_count), up front


FORMATS: dict[str, Format] = {
    "md": Format("md", ".md", False, "Markdown", {"minutes": markdown.render, "ta": ta_summary.render}),
    "html": Format(
        "html", ".html", False, "a single printable HTML file", {"minutes": html.render, "ta": html.render_ta_summary}
    ),
    # Word: about 1 ms an item, and python-docx's packaging grows faster than the items past
    # ~20,000 (50,000 took 105 s): refused up front beyond that, with the way out.
    "docx": Format(
        "docx", ".docx", True, "a Word document", {"minutes": _docx("minutes"), "ta": _docx("ta")}, max_items=20_000
    ),
}


def _format(fmt: str) -> Format:
    found = FORMATS.get(fmt)
    if found is None:
        raise ValueError(f"unknown export format {fmt!r}; expected one of: {', '.join(sorted(FORMATS))}")
    return found


def render(session: Session, fmt: str, report: str = "minutes") -> str | bytes:
    """``session`` as report ``report`` in format ``fmt``: ``str`` for text formats, ``bytes`` for docx."""
    chosen = _format(fmt)
    renderer = chosen.renderers.get(report)
    if renderer is None:
        raise ValueError(f"unknown report {report!r}; expected one of: {', '.join(REPORTS)}")
    items = session.item_count()
    if chosen.max_items is not None and items > chosen.max_items:
        raise TooBig(
            f"{chosen.description} is limited to {chosen.max_items:,} items and this session has {items:,}: export "
            "HTML (--format html) and open that in Word instead"
        )
    return renderer(session)


def render_bytes(session: Session, fmt: str, report: str = "minutes") -> bytes:
    """What to write to a file: text formats encoded as UTF-8."""
    out = render(session, fmt, report)
    return out.encode("utf-8") if isinstance(out, str) else out


def write_document(document: Document, fmt: str) -> bytes:
    """Any ``document.Document`` in format ``fmt``, as the bytes of a file."""
    chosen = _format(fmt)
    if chosen.name == "docx":
        from . import word

        return word.render_document(document)
    text = markdown.write(document) if chosen.name == "md" else html.render_document(document)
    return text.encode("utf-8")


def suggested_name(stem: str, fmt: str, report: str = "minutes") -> str:
    """A file name for an export of the session file named ``stem``: 'spring-minutes.html'."""
    return f"{stem}-{'minutes' if report == 'minutes' else 'ta-summary'}{_format(fmt).suffix}"


__all__ = [
    "FORMATS", "NEGOTIATION_REPORTS", "REPORTS", "TRAINING_REPORTS", "Format", "TooBig", "render", "render_bytes",
    "suggested_name", "write_document",
]  # fmt: skip
