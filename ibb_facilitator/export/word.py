"""A report as a Word document (.docx), with python-docx: districts edit and file in Word.

Same ``Document`` as the HTML: a letterhead, Georgia body, bordered tables with a repeated
header row, the agreed language in a box exactly as written, "Page N of M" in the footer, and a
page break before each page of the TA summary. Text goes into Word runs as text (python-docx
escapes it for XML); ``document.shown`` first turns characters XML cannot hold into visible ones.

python-docx (and lxml) are imported on first use, so ``ibb`` starts as fast without them.

About 500 lines because Word needs its page furniture spelled out (styles, numbering, table
borders, footer fields) as raw XML that python-docx does not wrap; each piece is short.
"""

from __future__ import annotations

import io
import re
from typing import Any

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
    plain_text,
    shown,
    shown_inline,
)

FONT = "Georgia"
NAVY = "1D3557"
GREY = "444444"
HEADER_FILL = "E8EDF4"
BOX_FILL = "FBFAF6"

# our paragraph styles (see _Writer._styles)
CELL, CELL_HEAD, FACT = "IBB Cell", "IBB Cell Heading", "IBB Fact"
NOTE, GROUP, RUNNING, SUB_ITEM = "IBB Note", "IBB Group Title", "IBB Running Head", "IBB Sub Item"
AGREED, INITIALS, CAPTION, SPACER = "IBB Agreed Language", "IBB Initials", "IBB Caption", "IBB Spacer"
SIGNATURE_TITLE, SIGNATURE_LINE = "IBB Signature Title", "IBB Signature Line"


def render(session: Session) -> bytes:
    """The full minutes of ``session`` as a .docx file."""
    return render_document(minutes.build(session))


def render_ta_summary(session: Session) -> bytes:
    """The TA summary of ``session`` as a .docx file, each agreement on its own page."""
    return render_document(ta_summary.build(session))


def render_document(document: Document) -> bytes:
    return _Writer(document).save()


class _Writer:
    def __init__(self, document: Document) -> None:
        import docx
        from docx.document import _Body
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Inches, Pt, RGBColor
        from docx.table import _Cell
        from docx.text.paragraph import Paragraph as DocxParagraph
        from lxml import etree

        self.Pt, self.Inches, self.RGBColor = Pt, Inches, RGBColor
        # Paragraphs, runs and cells are written as plain lxml elements: python-docx's own calls
        # (add_run, run.text, paragraph.style, cell.width) look up each child's place in the
        # schema order and run an XPath per run, about 1 ms per item here: 50,000 interests
        # did not finish in 600 s. The XML is the same.
        self.SubElement, self.DocxParagraph = etree.SubElement, DocxParagraph
        self.W = {
            tag: qn(f"w:{tag}")
            for tag in (
                "p",
                "pPr",
                "pStyle",
                "pageBreakBefore",
                "jc",
                "r",
                "rPr",
                "b",
                "i",
                "color",
                "sz",
                "t",
                "tab",
                "br",
                "val",
                "tcPr",
                "tcW",
                "w",
                "type",
            )
        }
        self.XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
        self.OxmlElement, self.qn, self.Cell = OxmlElement, qn, _Cell
        self.CENTER, self.RIGHT, self.TABLE_CENTER = (
            WD_ALIGN_PARAGRAPH.CENTER,
            WD_ALIGN_PARAGRAPH.RIGHT,
            WD_TABLE_ALIGNMENT.CENTER,
        )
        self.source = document
        self.doc = docx.Document()
        self.break_next = False
        self._setup()
        # python-docx adds each paragraph or table before the body's final w:sectPr, found by a
        # scan of the whole body: quadratic, minutes with 10,000 issues would take many minutes.
        # Blocks are built in a small scratch body instead and moved to the end of the real one.
        self.body = self.doc.element.body
        self.section_properties = self.body.sectPr
        self.body.remove(self.section_properties)
        scratch = OxmlElement("w:body")
        self.doc.element.append(scratch)  # in the same tree: moving nodes out of it costs nothing
        self.scratch = _Body(scratch, self.doc)
        self._letterhead(document.letterhead)
        self._flush()
        for block in document.blocks:
            self._block(block)
            self._flush()
        self.body.append(self.section_properties)
        self.doc.element.remove(scratch)

    # -- page, styles, footer ------------------------------------------------------------------

    def _setup(self) -> None:
        Pt, Inches = self.Pt, self.Inches
        from docx.shared import Length

        section = self.doc.sections[0]
        page, margin = Inches(8.5), Inches(0.9)
        section.page_width, section.page_height = page, Inches(11)
        section.left_margin = section.right_margin = margin
        section.top_margin, section.bottom_margin = Inches(0.8), Inches(0.9)
        self.width = Length(page - margin - margin)
        self.style_ids: dict[str, str] = {}
        styles = self.doc.styles
        normal = styles["Normal"]
        self._font(normal.element.get_or_add_rPr(), FONT)
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(3)
        for name, size in (("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 10.5)):
            style = styles[name]
            self._font(style.element.get_or_add_rPr(), FONT)
            style.font.size = Pt(size)
            style.font.bold = True
            style.font.italic = False
            style.font.color.rgb = self.RGBColor.from_string(NAVY if name == "Heading 1" else "1B1B1B")
            style.paragraph_format.space_before = Pt(14 if name == "Heading 1" else 10)
            style.paragraph_format.space_after = Pt(4)
        for name in ("List Bullet", "List Bullet 2", "List Number"):
            styles[name].paragraph_format.space_after = Pt(1)
        self._styles()
        core = self.doc.core_properties
        core.title = " ".join(shown_inline(self.source.title).split())[:250]
        core.subject = self.source.letterhead.doc_type
        core.author = core.last_modified_by = ""
        core.comments = "Written by ibb_facilitator from the session file."
        styles["Footer"].font.size = Pt(8.5)
        styles["Footer"].font.color.rgb = self.RGBColor.from_string(GREY)
        footer = section.footer.paragraphs[0]
        footer.alignment = self.CENTER
        for text, field in (("Page ", "PAGE"), (" of ", "NUMPAGES")):
            footer.add_run(text)
            self._field(footer, field)

    def _styles(self) -> None:
        """Paragraph styles of our own: direct formatting on every run would be slow and would
        leave a district nothing to restyle."""
        from docx.enum.style import WD_STYLE_TYPE

        Pt = self.Pt
        table: tuple[tuple[str, float, dict[str, Any]], ...] = (
            (CELL, 9.5, {}),
            (CELL_HEAD, 9, {"bold": True}),
            (FACT, 10.5, {"after": 1.5, "hanging": 1.75}),
            (NOTE, 9, {"italic": True, "color": GREY}),
            (GROUP, 10.5, {"before": 5, "keep": True}),
            (RUNNING, 8, {"small_caps": True, "color": "555555", "border": "BBBBBB"}),
            (SUB_ITEM, 9.5, {"base": "List Bullet 2"}),
            (AGREED, 10, {"before": 3, "after": 3}),
            (INITIALS, 12, {"bold": True, "align": self.CENTER}),
            (SIGNATURE_TITLE, 10.5, {"before": 8, "keep": True}),
            (SIGNATURE_LINE, 10.5, {"before": 18, "keep": True, "border": "000000"}),
            (CAPTION, 8, {"color": GREY}),
            (SPACER, 4, {}),
        )
        for name, size, extra in table:
            style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self.doc.styles[extra.get("base", "Normal")]
            style.font.size = Pt(size)
            style.font.bold = extra.get("bold")
            style.font.italic = extra.get("italic")
            style.font.small_caps = extra.get("small_caps")
            if "color" in extra:
                style.font.color.rgb = self.RGBColor.from_string(extra["color"])
            fmt = style.paragraph_format
            fmt.space_before, fmt.space_after = Pt(extra.get("before", 0)), Pt(extra.get("after", 0))
            fmt.keep_with_next = extra.get("keep")
            if "hanging" in extra:  # the label, then a tab to the value's column
                fmt.left_indent, fmt.first_line_indent = self.Inches(extra["hanging"]), -self.Inches(extra["hanging"])
                fmt.tab_stops.add_tab_stop(self.Inches(extra["hanging"]))
            if "align" in extra:
                fmt.alignment = extra["align"]
            if "border" in extra:
                self._border(style, "bottom", size=4, color=extra["border"])

    def _font(self, rpr, name: str) -> None:
        """Set every script's font (and drop theme fonts, which would win over it)."""
        fonts = rpr.find(self.qn("w:rFonts"))
        if fonts is None:
            fonts = self.OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(self.qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(self.qn(attr), name)

    def _field(self, paragraph, instruction: str) -> None:
        field = self.OxmlElement("w:fldSimple")
        field.set(self.qn("w:instr"), instruction)
        run = self.OxmlElement("w:r")
        text = self.OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)

    def _small(self, run, size: float, color: str | None = None):
        run.font.size = self.Pt(size)
        if color:
            run.font.color.rgb = self.RGBColor.from_string(color)
        return run

    def _border(self, paragraph, side: str, val: str = "single", size: int = 6, color: str = NAVY) -> None:
        """A border on one side of a paragraph (or of a paragraph style)."""
        ppr = (paragraph._p if hasattr(paragraph, "_p") else paragraph.element).get_or_add_pPr()
        borders = ppr.find(self.qn("w:pBdr"))
        if borders is None:
            borders = self.OxmlElement("w:pBdr")
            ppr.append(borders)
        edge = self.OxmlElement(f"w:{side}")
        for key, value in (("w:val", val), ("w:sz", str(size)), ("w:space", "4"), ("w:color", color)):
            edge.set(self.qn(key), value)
        borders.append(edge)

    def _shade(self, cell, fill: str) -> None:
        shading = self.OxmlElement("w:shd")
        shading.set(self.qn("w:val"), "clear")
        shading.set(self.qn("w:color"), "auto")
        shading.set(self.qn("w:fill"), fill)
        cell._tc.get_or_add_tcPr().append(shading)

    # -- paragraphs and runs -------------------------------------------------------------------

    def _flush(self) -> None:
        for child in list(self.scratch._element):
            self.body.append(child)  # moves it

    def _style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles[name].style_id  # a scan of every style: once
        return self.style_ids[name]

    def _para(self, style: str | None = None):
        W, sub = self.W, self.SubElement
        p = sub(self.scratch._element, W["p"])
        if style or self.break_next:
            ppr = sub(p, W["pPr"])
            if style:
                sub(ppr, W["pStyle"], {W["val"]: self._style_id(style)})
            if self.break_next:
                sub(ppr, W["pageBreakBefore"])
                self.break_next = False
        return self.DocxParagraph(p, self.scratch)

    def _add_table(self, rows: int, cols: int, style: str | None = None):
        table = self.scratch.add_table(rows, cols, self.width)
        if style:
            table._tbl.tblStyle_val = self._style_id(style)
        return table

    def _runs(self, paragraph, content: Inline) -> None:
        W, sub = self.W, self.SubElement
        p = paragraph._p if hasattr(paragraph, "_p") else paragraph
        for run in content:
            style = run.style
            if style == "blank":
                continue  # an empty cell or line, to be filled in by hand
            r = sub(p, W["r"])
            if style:
                rpr = sub(r, W["rPr"])  # children in the schema's order: b, i, color
                if style in ("strong", "label") or style.startswith("status-"):
                    sub(rpr, W["b"])
                elif style == "em":
                    sub(rpr, W["i"])
                if style == "tag":
                    sub(rpr, W["color"], {W["val"]: GREY})
                elif style.startswith("status-"):
                    sub(rpr, W["color"], {W["val"]: NAVY})
                if not len(rpr):
                    r.remove(rpr)
            self._text(r, shown_inline(run.text))

    def _text(self, r, text: str) -> None:
        """``text`` into run ``r`` as python-docx's ``run.text`` does: a tab a ``w:tab``, a line
        end a ``w:br``, the rest in ``w:t`` (space-preserving where it starts or ends in space)."""
        W, sub = self.W, self.SubElement
        if "\t" not in text and "\n" not in text and "\r" not in text:
            pieces = [text]
        else:
            pieces = re.split(r"([\t\r\n])", text)
        for piece in pieces:
            if piece == "\t":
                sub(r, W["tab"])
            elif piece in ("\r", "\n"):
                sub(r, W["br"])
            elif piece:
                t = sub(r, W["t"])
                t.text = piece
                if piece[0].isspace() or piece[-1].isspace():
                    t.set(self.XML_SPACE, "preserve")

    def _cell_text(self, cell, content: Inline | str, style: str = CELL, align=None) -> None:
        W, sub = self.W, self.SubElement
        p = cell._tc.find(W["p"])  # a new cell holds one empty paragraph
        ppr = sub(p, W["pPr"])
        sub(ppr, W["pStyle"], {W["val"]: self._style_id(style)})
        if align is not None:
            sub(ppr, W["jc"], {W["val"]: {self.CENTER: "center", self.RIGHT: "right"}[align]})
        if isinstance(content, str):
            content = (Run(content),)
        self._runs(p, content)

    # -- blocks --------------------------------------------------------------------------------

    def _letterhead(self, head: Letterhead) -> None:
        Pt = self.Pt
        lines = []
        if head.organization:
            p = self._para()
            run = self._small(p.add_run(shown_inline(head.organization)), 16, NAVY)
            run.bold, run.font.small_caps = True, True
            lines.append(p)
        if head.unit:
            p = self._para()
            self._small(p.add_run(shown_inline(head.unit)), 9.5, GREY)
            lines.append(p)
        p = self._para()
        p.paragraph_format.space_before = Pt(10)
        run = self._small(p.add_run(head.doc_type.upper()), 8.5, NAVY)
        run.font.spacing = Pt(1.5)
        lines.append(p)
        p = self._para()
        self._small(p.add_run(shown_inline(head.title)), 18)
        lines.append(p)
        if head.dates:
            p = self._para()
            self._small(p.add_run(head.dates), 10).italic = True
            lines.append(p)
        for p in lines:
            p.alignment = self.CENTER
            p.paragraph_format.space_after = Pt(1)
        self._border(lines[-1], "bottom", "double", 6)
        lines[-1].paragraph_format.space_after = Pt(12)

    def _block(self, block) -> None:
        if isinstance(block, Heading):
            level = min(max(block.level - 1, 1), 3)
            self._runs(self._para(f"Heading {level}"), block.content)
        elif isinstance(block, Paragraph):
            p = self._para({"running": RUNNING, "note": NOTE, "group": GROUP}.get(block.kind))
            self._runs(p, block.content)
        elif isinstance(block, Facts):
            self._facts(block)
        elif isinstance(block, Items):
            for item in block.items:
                self._runs(self._para("List Number" if block.ordered else "List Bullet"), item.content)
                for sub in item.sub:
                    self._runs(self._para(SUB_ITEM), sub)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Verbatim):
            self._verbatim(block.text)
        elif isinstance(block, Signatures):
            self._signatures(block)
        elif isinstance(block, Section):
            if block.page:
                self.break_next = True
            for inner in block.blocks:
                self._block(inner)
        else:  # pragma: no cover - a new block type must be written here too
            raise TypeError(f"no Word for {type(block).__name__}")

    def _ensure_break(self) -> None:
        """A table cannot start a page by itself: a pending page break gets an empty paragraph."""
        if self.break_next:
            self._para(SPACER)

    def _cells(self, table):
        for tr in table._tbl.tr_lst:  # direct: python-docx's row.cells re-reads the whole grid
            yield [self.Cell(tc, table) for tc in tr.tc_lst]

    def _facts(self, block: Facts) -> None:
        """One paragraph per fact: the label, a tab, the value, wrapped under the value."""
        W, sub = self.W, self.SubElement
        for label, value in block.rows:
            p = self._para(FACT)
            # a label too long for its column goes on a line of its own, the value under it;
            # 9 pt, grey: the XML python-docx's font.size and font.color write, without its lookups
            head = sub(p._p, W["r"])
            rpr = sub(head, W["rPr"])
            sub(rpr, W["color"], {W["val"]: GREY})
            sub(rpr, W["sz"], {W["val"]: "18"})
            self._text(head, label + (":\n" if len(label) > 26 else ":\t"))
            self._runs(p, value)
        if block.rows:
            self._para(SPACER)

    def _table(self, block: Table) -> None:
        self._ensure_break()
        table = self._add_table(1 + len(block.rows), len(block.header), "Table Grid")
        widths = self._widths(block)
        for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths):
            col.w = width
        aligns = {"right": self.RIGHT, "center": self.CENTER}
        column = [aligns.get(block.alignment(k)) for k in range(len(block.header))]
        rows = self._cells(table)
        header = next(rows)
        repeat = self.OxmlElement("w:tblHeader")
        repeat.set(self.qn("w:val"), "true")
        table._tbl.tr_lst[0].get_or_add_trPr().append(repeat)
        for k, (cell, title) in enumerate(zip(header, block.header)):
            cell.width = widths[k]
            self._shade(cell, HEADER_FILL)
            self._cell_text(cell, title, CELL_HEAD, column[k])
        initials = block.kind == "initials"
        W = self.W
        twips = [cell._tc.tcPr.find(W["tcW"]).get(W["w"]) for cell in header]  # as python-docx wrote them
        for cells, row in zip(rows, block.rows):
            for k, (cell, content) in enumerate(zip(cells, row)):
                tcw = cell._tc.tcPr.find(W["tcW"])  # every new cell has one (python-docx's add_table)
                tcw.set(W["type"], "dxa")
                tcw.set(W["w"], twips[k])
                self._cell_text(cell, content, INITIALS if initials and k == 2 else CELL, column[k])
        self._para(SPACER)

    def _widths(self, block: Table) -> list[int]:
        """Column widths from what the columns hold (Word and LibreOffice do not fit a table to
        its content by themselves), judged on the header and the first 200 rows: each column
        gets room for its header and its longest word, then the rest of the page width goes
        to the columns with long text, in proportion to it."""
        char = self.Inches(0.08)  # about one character at 9.5 pt
        base, want = [], []
        for k, title in enumerate(block.header):
            texts = [plain_text(row[k]) for row in block.rows[:200] if k < len(row)]
            word = max((len(w) for t in texts for w in t.split()), default=0)
            longest = max((len(t) for t in texts), default=0)
            chars = min(max(len(title) + 1, word, 2), 22) + 2
            base.append(chars)
            want.append(max(0, min(longest, 90) + 2 - chars))
        width = self.width
        natural = (sum(base) + sum(want)) * char
        if block.kind == "compact" and natural < width:  # as wide as its content, no wider
            return [int((b + w) * char) for b, w in zip(base, want)]
        if sum(base) * char >= width or not sum(want):
            total = sum(base) + sum(want)
            return [int(width * (b + w) / total) for b, w in zip(base, want)]
        spare = width - sum(base) * char
        return [int(b * char + spare * w / sum(want)) for b, w in zip(base, want)]

    def _verbatim(self, text: str) -> None:
        self._ensure_break()
        table = self._add_table(1, 1, "Table Grid")
        cell = next(self._cells(table))[0]
        self._shade(cell, BOX_FILL)
        paragraph = cell.paragraphs[0]
        paragraph._p.style = self._style_id(AGREED)
        run = self.SubElement(paragraph._p, self.W["r"])
        self._text(run, shown(text).rstrip("\n"))  # "\n" a line break, "\t" a tab
        self._para(SPACER)

    def _signatures(self, block: Signatures) -> None:
        for group in block.groups:
            self._runs(self._para(SIGNATURE_TITLE), group.title)
            table = self._add_table(2, len(group.fields))
            lines, captions = self._cells(table)
            for cell, _field in zip(lines, group.fields):
                self._cell_text(cell, "", SIGNATURE_LINE)  # the style draws the line to sign on
            for cell, field in zip(captions, group.fields):
                self._cell_text(cell, field, CAPTION)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
