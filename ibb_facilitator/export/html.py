"""A report as one self-contained, printable HTML file.

One file, nothing else: the style sheet is inline in a ``<style>`` element, there is no script,
no image, no font or link to fetch, and a Content-Security-Policy that forbids them all the same.
It reads as a district document: a letterhead (district, bargaining unit, title, dates), a serif
body, bordered tables, and print rules (``@page`` margins and page numbers; each page of a TA
summary starts a new sheet of paper).

Every string in the document goes through ``_esc`` (``html.escape`` with ``quote=True``, after
``document.shown``): tags, attributes and entities only ever come from this module, never from a
session. Nothing from a session is placed in an attribute or in the style sheet at all.
"""

from __future__ import annotations

import re
from html import escape

from ..model import Session
from . import minutes, ta_summary
from .document import (
    Document,
    Facts,
    Heading,
    Inline,
    Items,
    Letterhead,
    Paragraph,
    Run,
    Section,
    Signatures,
    Table,
    Verbatim,
    shown,
    shown_inline,
)

CSS = """
@page {
  size: letter;
  margin: 0.8in 0.85in 0.9in;
  @bottom-center { content: "Page " counter(page) " of " counter(pages);
    font: 9pt Georgia, "Times New Roman", serif; color: #555; }
}
* { box-sizing: border-box; }
html { background: #e7e5df; }
body {
  margin: 0; color: #1b1b1b;
  font-family: Georgia, "Times New Roman", "Liberation Serif", "DejaVu Serif", serif;
  font-size: 11pt; line-height: 1.42;
  overflow-wrap: anywhere; word-break: normal;  /* no string, however long, widens the page */
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
.sheet {
  background: #fff; max-width: 8.5in; margin: 0.35in auto; padding: 0.7in 0.8in 0.8in;
  box-shadow: 0 1px 3px rgba(0, 0, 0, .25), 0 4px 14px rgba(0, 0, 0, .08);
}
.letterhead { text-align: center; border-bottom: 3px double #1d3557; padding-bottom: 10pt; margin-bottom: 14pt; }
.letterhead .org { font-size: 18pt; font-weight: bold; font-variant: small-caps; letter-spacing: .06em;
  color: #1d3557; }
.letterhead .unit { font-size: 10pt; color: #444; margin-top: 1pt; }
.letterhead .doctype { margin-top: 12pt; font-size: 9pt; letter-spacing: .16em; text-transform: uppercase;
  color: #1d3557; }
.letterhead h1 { font-size: 19pt; font-weight: normal; margin: 3pt 0 3pt; line-height: 1.2; }
.letterhead .dates { font-size: 10pt; font-style: italic; color: #333; }
h2 { font-size: 14pt; color: #1d3557; border-bottom: 1px solid #1d3557; padding-bottom: 2pt; margin: 20pt 0 8pt;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 12pt; margin: 15pt 0 5pt; break-after: avoid; page-break-after: avoid; }
h4 { font-size: 10.5pt; text-transform: uppercase; letter-spacing: .06em; color: #333; margin: 11pt 0 4pt;
  break-after: avoid; page-break-after: avoid; }
p { margin: 5pt 0; }
p.note { font-size: 9.5pt; font-style: italic; color: #444; }
p.group { margin: 7pt 0 2pt; break-after: avoid; page-break-after: avoid; }
p.running { font-size: 8.5pt; font-variant: small-caps; letter-spacing: .04em; color: #555;
  border-bottom: 1px solid #bbb; padding-bottom: 2pt; margin: 0 0 10pt; }
ul, ol { margin: 3pt 0 6pt; padding-left: 22pt; }
li { margin: 1.5pt 0; }
ul.sub { margin: 1pt 0 2pt; padding-left: 16pt; font-size: 9.5pt; color: #333; }
table { border-collapse: collapse; width: 100%; margin: 5pt 0 10pt; }
table.grid th, table.grid td { border: 1px solid #555; padding: 3pt 6pt; vertical-align: top; text-align: left; }
table.grid thead th { background: #e8edf4; font-size: 9.5pt; white-space: nowrap; }
/* In a table, words stay whole (a column is as wide as its longest word); a very long token
   is marked .long by the exporter and may break anywhere, so it cannot widen the table. */
table td { overflow-wrap: break-word; }
.long { overflow-wrap: anywhere; word-break: break-all; }
table.grid td { font-size: 10pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.grid .a-right { text-align: right; white-space: nowrap; }
table.grid .a-center { text-align: center; }
table.facts { margin: 4pt 0 8pt; }
table.facts th, table.facts td { padding: 1.5pt 10pt 1.5pt 0; vertical-align: top; text-align: left; border: 0; }
table.facts th { width: 1.75in; font-weight: normal; color: #444; font-size: 9.5pt; padding-top: 2.5pt; }
table.facts th::after { content: ":"; }
table.initials td { height: 24pt; vertical-align: middle; }
table.initials td:last-child { width: 22%; text-align: center; font-size: 12pt; letter-spacing: .08em; }
.label { font-weight: bold; }
.tag { color: #444; }
.status { display: inline-block; font-size: 8.5pt; line-height: 1.3; padding: 0 5pt; border: 1px solid currentColor;
  border-radius: 7pt; white-space: nowrap; }
.status-agreed { color: #17603a; background: #e8f4ec; }
.status-open { color: #1d3557; background: #eaf0f7; }
.status-parked { color: #7a5200; background: #fbf3e2; }
.status-no_consensus { color: #8b1e1e; background: #f8e9e9; }
.status-withdrawn { color: #555; background: #f0f0f0; }
.blank { display: inline-block; min-width: 5em; }
.agreed-text {
  white-space: pre-wrap; border: 1.5px solid #1d3557; border-left-width: 5px; background: #fbfaf6;
  padding: 9pt 12pt; margin: 5pt 0 10pt; font-size: 10.5pt; line-height: 1.5;
}
table.compact { width: auto; min-width: 55%; }
section.issue, section.agreement { border-top: 1px solid #c9ced6; margin-top: 16pt; padding-top: 2pt; }
section.issue > h3:first-child, section.agreement > h3:first-child { margin-top: 8pt; }
.signatures { margin-top: 6pt; }
.sig-group { break-inside: avoid; page-break-inside: avoid; margin: 10pt 0 4pt; }
.sig-group p { margin: 0 0 2pt; }
table.sig { border-collapse: separate; border-spacing: 14pt 0; margin: 0 -14pt; width: calc(100% + 28pt); }
table.sig td { padding: 0; border: 0; }
table.sig td.line { height: 30pt; border-bottom: 1px solid #000; }
table.sig td.caption { font-size: 8.5pt; color: #444; padding-top: 2pt; }
table.sig td:nth-child(1), table.sig td:nth-child(2) { width: 40%; }
@media print {
  html { background: none; }
  body { font-size: 10pt; line-height: 1.35; }
  .sheet { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  .sheet + .sheet { break-before: page; page-break-before: always; }
  .letterhead .org { font-size: 16pt; }
  .letterhead h1 { font-size: 17pt; }
  h2 { font-size: 13pt; margin-top: 14pt; }
  h3 { font-size: 11pt; margin-top: 11pt; }
  .agreed-text { font-size: 10pt; line-height: 1.4; padding: 7pt 10pt; }
  table.initials td { height: 20pt; }
  table.sig td.line { height: 26pt; }
  .sig-group { margin-top: 6pt; }
}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_STATUS = re.compile(r"status-[a-z_]{1,20}")


_LONG = re.compile(r"\S{30,}")


def _esc(text: str) -> str:
    """User text as HTML text: shown as typed, every special character an entity; a token of
    30 or more characters without a space in a ``.long`` span (it may break anywhere)."""
    text = shown_inline(text)
    if not _LONG.search(text):
        return escape(text, quote=True).replace("\n", "<br>")
    out, at = [], 0
    for found in _LONG.finditer(text):
        out.append(escape(text[at : found.start()], quote=True))
        out.append(f'<span class="long">{escape(found.group(), quote=True)}</span>')
        at = found.end()
    out.append(escape(text[at:], quote=True))
    return "".join(out).replace("\n", "<br>")


def _run(run: Run) -> str:
    text = _esc(run.text)
    style = run.style
    if style == "":
        return text
    if style == "strong":
        return f"<strong>{text}</strong>"
    if style == "em":
        return f"<em>{text}</em>"
    if style == "label":
        return f'<span class="label">{text}</span>'
    if style == "tag":
        return f'<span class="tag">{text}</span>'
    if style == "blank":
        return '<span class="blank"></span>'
    if _STATUS.fullmatch(style):
        return f'<span class="status {style}">{text}</span>'
    raise ValueError(f"no HTML for run style {style!r}")


def _inline(content: Inline) -> str:
    return "".join(_run(run) for run in content)


def _block(block, out: list[str]) -> None:
    if isinstance(block, Heading):
        level = min(max(block.level, 2), 6)
        out.append(f"<h{level}>{_inline(block.content)}</h{level}>")
    elif isinstance(block, Paragraph):
        kind = f' class="{block.kind}"' if block.kind else ""
        out.append(f"<p{kind}>{_inline(block.content)}</p>")
    elif isinstance(block, Facts):
        if block.rows:
            rows = "".join(
                f'<tr><th scope="row">{_esc(label)}</th><td>{_inline(value)}</td></tr>' for label, value in block.rows
            )
            out.append(f'<table class="facts"><tbody>{rows}</tbody></table>')
    elif isinstance(block, Items):
        tag = "ol" if block.ordered else "ul"
        items = []
        for item in block.items:
            sub = "".join(f"<li>{_inline(s)}</li>" for s in item.sub)
            items.append(f"<li>{_inline(item.content)}" + (f'<ul class="sub">{sub}</ul>' if sub else "") + "</li>")
        out.append(f"<{tag}>{''.join(items)}</{tag}>")
    elif isinstance(block, Table):

        def align(k: int) -> str:
            value = block.alignment(k)
            return f' class="a-{value}"' if value in ("right", "center") else ""

        head = "".join(f'<th scope="col"{align(k)}>{_esc(h)}</th>' for k, h in enumerate(block.header))
        rows = "".join(
            "<tr>" + "".join(f"<td{align(k)}>{_inline(c)}</td>" for k, c in enumerate(row)) + "</tr>"
            for row in block.rows
        )
        kind = f" {block.kind}" if block.kind else ""
        out.append(f'<table class="grid{kind}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    elif isinstance(block, Verbatim):
        # pre-wrap keeps every space and line break; no <br>: the text node is the text itself
        out.append(f'<div class="agreed-text">{escape(shown(block.text), quote=True)}</div>')
    elif isinstance(block, Signatures):
        out.append('<div class="signatures">')
        for group in block.groups:
            lines = '<td class="line"></td>' * len(group.fields)
            captions = "".join(f'<td class="caption">{_esc(f)}</td>' for f in group.fields)
            out.append(
                f'<div class="sig-group"><p>{_inline(group.title)}</p><table '
                f'class="sig"><tbody><tr>{lines}</tr><tr>{captions}</tr></tbody></table></div>'
            )
        out.append("</div>")
    elif isinstance(block, Section):
        out.append(f'<section class="{block.kind}">')
        for inner in block.blocks:
            _block(inner, out)
        out.append("</section>")
    else:  # pragma: no cover - a new block type must be written here too
        raise TypeError(f"no HTML for {type(block).__name__}")


def _letterhead(head: Letterhead) -> str:
    parts = ['<header class="letterhead">']
    if head.organization:
        parts.append(f'<div class="org">{_esc(head.organization)}</div>')
    if head.unit:
        parts.append(f'<div class="unit">{_esc(head.unit)}</div>')
    parts.append(f'<div class="doctype">{_esc(head.doc_type)}</div>')
    parts.append(f"<h1>{_esc(head.title)}</h1>")
    if head.dates:
        parts.append(f'<div class="dates">{_esc(head.dates)}</div>')
    parts.append("</header>")
    return "".join(parts)


def _title(head: Letterhead) -> str:
    """The window title: one line of plain text (``<title>`` holds no markup)."""
    words = " ".join(shown_inline(head.title).split())
    return escape(f"{words} · {head.doc_type}", quote=True)


def render_document(document: Document) -> str:
    head = document.letterhead
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="ibb_facilitator">',
        f"<title>{_title(head)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        f'<body class="doc-{document.kind}">',
        '<div class="sheet">',
        _letterhead(head),
    ]
    in_sheet = True
    for block in document.blocks:
        if isinstance(block, Section) and block.page:
            if in_sheet:
                out.append("</div>")
            out.append(f'<div class="sheet page {block.kind}">')
            _block(Section(block.kind, block.blocks), out)
            out.append("</div>")
            in_sheet = False
            continue
        if not in_sheet:
            out.append('<div class="sheet">')
            in_sheet = True
        _block(block, out)
    if in_sheet:
        out.append("</div>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def render(session: Session) -> str:
    """The full minutes of ``session`` as HTML."""
    return render_document(minutes.build(session))


def render_ta_summary(session: Session) -> str:
    """The TA summary of ``session`` as HTML, one printed page per tentative agreement."""
    return render_document(ta_summary.build(session))
