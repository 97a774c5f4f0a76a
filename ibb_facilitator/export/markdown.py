"""Markdown: the escaping helpers, and the writer of a ``document.Document`` as Markdown.

``render(session)`` is the minutes (``minutes.build``) written by ``write``; the TA summary uses
the same writer. GitHub-flavored Markdown: tables, fenced blocks. The letterhead becomes the
``#`` title and the first facts; a section that starts a new printed page starts after a rule.

Everything a person typed is data, never markup. ``inline`` turns it into Markdown that renders
as the same characters: Markdown punctuation is backslash-escaped, newlines become spaces in
headings and table cells (a table row must stay one line), control characters are shown as
visible symbols, and unbalanced bidirectional controls are closed so that right-to-left text
cannot visually reorder the rest of a table row. In lists, facts and paragraphs (``prose``) the
text keeps its line breaks. Tentative-agreement language is written in a fenced block, byte for
byte, so the agreed wording and its layout survive exactly.
"""

from __future__ import annotations

import re

from ..model import Session
from . import minutes
from .document import (
    Document,
    Facts,
    Heading,
    Inline,
    Items,
    Paragraph,
    Section,
    Signatures,
    Table,
    Verbatim,
)
from .text import EMPTY_CELL, balance_bidi, clean

_clean = clean  # the name tests and older callers import

# --- escaping user text -----------------------------------------------------------------------

# Characters with inline meaning in CommonMark/GFM: code, emphasis, links, HTML, headings, tables,
# strikethrough. Escaping them all is harmless where they would have meant nothing.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
# An entity or numeric character reference (&amp; &#42;) would render as another character.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# At the start of a line: list markers, setext underlines, ordered-list numbers.
_LIST_START = re.compile(r"^([-+=])")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])")


def _escape_chars(line: str) -> str:
    """Escapes wherever the line stands (it is stripped)."""
    return _ENTITY.sub("\\&", _INLINE_SPECIAL.sub(r"\\\1", line.strip()))


def _escape_start(line: str) -> str:
    """Escapes a line needs where it starts a Markdown line (a list marker, a setext underline)."""
    return _LIST_START.sub(r"\\\1", _ORDERED_START.sub(r"\1\\\2", line))


def _escape_line(line: str) -> str:
    return _escape_start(_escape_chars(line))


def _one_line(text: str) -> str:
    lines = [line.strip().replace("\t", " ") for line in clean(text).split("\n")]
    return " ".join(line for line in lines if line)


def inline(text: str) -> str:
    """User text as one line of Markdown (headings, list items, table cells)."""
    return balance_bidi(_escape_line(_one_line(text)))


def cell(text: str) -> str:
    """User text as a table cell: one line, pipes escaped, never empty."""
    return inline(text) or EMPTY_CELL


def _paragraphs(text: str) -> list[list[str]]:
    """The text's non-blank lines (tabs as spaces, stripped), in paragraphs."""
    paragraphs: list[list[str]] = [[]]
    for line in clean(text).split("\n"):
        line = line.replace("\t", " ").strip()
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [lines for lines in paragraphs if lines]


def _join_prose(paragraphs: list[list[str]], indent: str) -> str:
    blocks = ["\\\n".join(indent + line for line in lines) for lines in paragraphs]
    return f"\n{indent}\n".join(blocks)[len(indent) :] if blocks else ""


def prose(text: str, indent: str = "") -> str:
    """User text that may span lines, keeping its line breaks (inside a list item at ``indent``)."""
    return _join_prose([[balance_bidi(_escape_line(line)) for line in lines] for lines in _paragraphs(text)], indent)


def fenced(text: str, info: str = "text") -> str:
    """Text in a fenced code block, exactly as typed (the fence outgrows any backtick run inside)."""
    body = clean(text).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body}\n{fence}"


def table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    """A GFM table; ``header`` and ``rows`` hold cells that are already Markdown."""
    align = align or ["---"] * len(header)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


# --- runs -------------------------------------------------------------------------------------

_MARKERS = {"strong": "**", "label": "**", "em": "*"}


def _run_text(text: str, indent: str | None) -> str:
    """One run's text, escaped: on one line (``indent`` None) or keeping its line breaks, with
    the escapes of a line start on every line but the first (where the run may be mid-line)."""
    if indent is None:
        return balance_bidi(_escape_chars(_one_line(text)))
    paragraphs = _paragraphs(text)
    escaped = [
        [balance_bidi(_escape_chars(line) if (p, n) == (0, 0) else _escape_line(line)) for n, line in enumerate(lines)]
        for p, lines in enumerate(paragraphs)
    ]
    return _join_prose(escaped, indent)


def _md_inline(content: Inline, indent: str | None = None, *, line_start: bool = False) -> str:
    """Runs as Markdown. Plain text keeps its line breaks when ``indent`` is given (a list item,
    a fact, a paragraph); strong text and labels stay on one line. Neighbouring runs of one
    style share a pair of emphasis markers; spaces stay outside them. ``line_start``: the text
    begins a Markdown line, so a leading list marker or number is escaped too."""
    groups: list[tuple[str, str]] = []  # (marker, text)
    for run in content:
        if run.style == "blank":
            text, marker = " ", ""
        else:
            marker = _MARKERS.get(run.style, "")
            text = _run_text(run.text, None if marker else indent)
            if text:
                text = (" " if run.text[:1].isspace() else "") + text + (" " if run.text[-1:].isspace() else "")
            elif run.text[:1].isspace():
                text = " "
        if groups and groups[-1][0] == marker:
            groups[-1] = (marker, _concat(groups[-1][1], text))
        else:
            groups.append((marker, text))
    out = ""
    for marker, text in groups:
        core = text.strip()
        if marker and core:
            text = (" " if text[:1] == " " else "") + marker + core + marker + (" " if text[-1:] == " " else "")
        elif marker:
            text = " " if text else ""
        out = _concat(out, text)
    out = out.strip()
    return _escape_start(out) if line_start else out


def _concat(left: str, right: str) -> str:
    """Two pieces of a line, without a double space where they meet."""
    return left + (right[1:] if left.endswith(" ") and right.startswith(" ") else right)


def _md_cell(content: Inline) -> str:
    """A table cell: one line, never empty ("–", or a space where a blank is to be filled in)."""
    text = _md_inline(content)
    if text:
        return text
    return " " if any(run.style == "blank" for run in content) else EMPTY_CELL


# --- the writer -------------------------------------------------------------------------------

_ALIGN = {"right": "--:", "center": ":-:"}


def _facts(rows: tuple[tuple[str, Inline], ...]) -> str:
    return "\n".join(f"- **{label}:** {_md_inline(value, '  ')}" for label, value in rows)


def _items(block: Items) -> str:
    lines = []
    for n, item in enumerate(block.items, start=1):
        marker = f"{n}. " if block.ordered else "- "
        indent = " " * len(marker)
        lines.append(marker + _md_inline(item.content, indent, line_start=True))
        lines += [f"{indent}- {_md_inline(sub, indent + '  ', line_start=True)}" for sub in item.sub]
    return "\n".join(lines)


def _blocks(blocks: tuple, out: list[str], facts_open: bool = False) -> bool:
    """Append each block's Markdown to ``out``. Facts that follow facts (the letterhead's, then
    the document's first) continue the same list. Returns whether the last block was facts."""
    for block in blocks:
        if isinstance(block, Section):
            if block.page:
                out.append("---")
                facts_open = False
            facts_open = _blocks(block.blocks, out, facts_open)
            continue
        if isinstance(block, Facts):
            if block.rows:
                if facts_open:
                    out[-1] += "\n" + _facts(block.rows)
                else:
                    out.append(_facts(block.rows))
                facts_open = True
            continue
        facts_open = False
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + _md_inline(block.content))
        elif isinstance(block, Paragraph):
            if block.kind != "running":  # the page's running head: the Markdown has no pages
                out.append(_md_inline(block.content, "", line_start=True))
        elif isinstance(block, Items):
            out.append(_items(block))
        elif isinstance(block, Table):
            out.append(
                table(
                    list(block.header),
                    [[_md_cell(c) for c in row] for row in block.rows],
                    [_ALIGN.get(block.alignment(k), "---") for k in range(len(block.header))],
                )
            )
        elif isinstance(block, Verbatim):
            out.append(fenced(block.text))
        elif isinstance(block, Signatures):
            for group in block.groups:
                out.append(_md_inline(group.title, line_start=True))
                out.append(table(list(group.fields), [[" "] * len(group.fields)]))
        else:  # pragma: no cover - a new block type must be written here too
            raise TypeError(f"no Markdown for {type(block).__name__}")
    return facts_open


def write(document: Document) -> str:
    """``document`` as Markdown: the title (with the kind of document, but for the minutes), the
    letterhead's facts, then every block."""
    head = document.letterhead
    title = inline(head.title) or "Untitled session"
    if document.kind != "minutes":
        title += f": {head.doc_type.lower()}"
    out = [f"# {title}"]
    facts = [
        (label, value)
        for label, value in (
            ("District / organization", inline(head.organization)),
            ("Bargaining unit", inline(head.unit)),
            ("Meeting days", head.dates),  # the exporter's own words
        )
        if value
    ]
    if facts:
        out.append("\n".join(f"- **{label}:** {value}" for label, value in facts))
    _blocks(document.blocks, out, bool(facts))
    return "\n\n".join(part for part in out if part) + "\n"


def render(session: Session) -> str:
    """The minutes of ``session`` as Markdown."""
    return write(minutes.build(session))
