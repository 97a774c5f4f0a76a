"""A report as format-neutral blocks, built once and written as HTML, Word or Markdown.

``minutes.build`` and ``ta_summary.build`` turn a session into a ``Document``; ``markdown.py``,
``html.py`` and ``word.py`` write a ``Document``. The blocks hold plain text only:
every string, whoever typed it, is data, and each writer escapes all of it the same way. Nothing
here knows a file format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .text import balance_bidi, clean

# --- text -------------------------------------------------------------------------------------

#: Styles a run may carry. "status-*" carries an issue status (the value of ``IssueStatus``),
#: "blank" is an empty line to be filled in by hand (initials, a signature).
STYLES = ("", "strong", "em", "label", "tag", "blank")


@dataclass(frozen=True)
class Run:
    """A piece of text in one style. ``text`` is shown exactly: writers escape it."""

    text: str
    style: str = ""

    def __post_init__(self) -> None:
        if self.style not in STYLES and not self.style.startswith("status-"):
            raise ValueError(f"unknown run style {self.style!r}")


Inline = tuple[Run, ...]


def line(*parts: str | Run | tuple | None) -> Inline:
    """An inline from strings (plain runs), runs and tuples of those (inlines, or optional
    groups such as ``(", ", title)``); ``None`` and "" are dropped."""
    out: list[Run] = []
    for part in parts:
        if part is None or part == "":
            continue
        if isinstance(part, str):
            out.append(Run(part))
        elif isinstance(part, Run):
            out.append(part)
        else:
            out.extend(line(*part))
    return tuple(out)


def strong(text: str) -> Run:
    return Run(text, "strong")


def em(text: str) -> Run:
    return Run(text, "em")


def blank() -> Run:
    return Run("", "blank")


def joined(items: Iterable[str | Run | Inline], sep: str = ", ") -> Inline:
    """Items separated by ``sep`` (a plain run)."""
    out: list[str | Run | Inline] = []
    for n, item in enumerate(items):
        if n:
            out.append(sep)
        out.append(item)
    return line(*out)


def plain_text(content: Inline) -> str:
    return "".join(run.text for run in content)


_NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")


def shown(text: str) -> str:
    """User text as every writer shows it: line ends unified, control characters as visible
    symbols (the Markdown minutes' rule), noncharacters (which XML refuses) as U+FFFD."""
    return _NONCHARACTER.sub("\ufffd", clean(text))


def shown_inline(text: str) -> str:
    """``shown``, with bidirectional controls the text leaves open closed at its end, so
    right-to-left text cannot reorder what follows it on the same line."""
    return balance_bidi(shown(text))


# --- blocks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int  # 2: a section of the document, 3: an item in it, 4: a part of an item
    content: Inline


@dataclass(frozen=True)
class Paragraph:
    content: Inline
    kind: str = ""  # "" | "note" (a remark of the exporter's) | "group" (titles a list) | "running"


@dataclass(frozen=True)
class Facts:
    """Label: value rows (labels are the exporter's own words)."""

    rows: tuple[tuple[str, Inline], ...]


@dataclass(frozen=True)
class Item:
    content: Inline
    sub: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class Items:
    items: tuple[Item, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]
    #: per column: "left", "right" (numbers) or "center" (scores)
    align: tuple[str, ...] = ()
    kind: str = ""  # "" | "compact" (as wide as its content) | "initials"

    def alignment(self, column: int) -> str:
        return self.align[column] if column < len(self.align) else "left"


@dataclass(frozen=True)
class Verbatim:
    """Text reproduced exactly, line breaks and spaces included (tentative-agreement language)."""

    text: str


@dataclass(frozen=True)
class SignatureGroup:
    title: Inline
    fields: tuple[str, ...] = ("Name (print)", "Signature", "Date")


@dataclass(frozen=True)
class Signatures:
    """Blank lines to sign by hand, one group per vote."""

    groups: tuple[SignatureGroup, ...]


@dataclass(frozen=True)
class Section:
    """Blocks that belong together. ``page``: starts on a new printed page."""

    kind: str
    blocks: tuple[Block, ...]
    page: bool = False


Block = Heading | Paragraph | Facts | Items | Table | Verbatim | Signatures | Section


@dataclass(frozen=True)
class Letterhead:
    """The top of the first page: the district, the unit, the title, what and when."""

    organization: str
    unit: str
    title: str
    doc_type: str  # "Minutes of the joint bargaining session"
    dates: str  # the meeting days, already written out


@dataclass(frozen=True)
class Document:
    kind: str  # "minutes" | "ta"
    letterhead: Letterhead
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return self.letterhead.title


def walk(blocks: Iterable[Block]) -> Iterable[Block]:
    """Every block, sections opened, in document order."""
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from walk(block.blocks)
