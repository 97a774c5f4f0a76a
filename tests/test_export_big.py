"""Exports of big sessions stay linear (issue 12, item 8).

The Word minutes of 50,000 interests did not finish in 600 s: python-docx's ``add_run`` and
``run.text`` (a schema-order search and an XPath per run) cost about 1 ms a run. The writer now
appends the same elements itself; what is guarded here is that python-docx's per-run calls no
longer grow with the items, and that the runs still carry their formatting.
"""

from __future__ import annotations

import dataclasses
import io

import pytest
from helpers import EXAMPLE

from ibb_facilitator import export, store
from ibb_facilitator.samples import generated_session as make_session

docx = pytest.importorskip("docx")


def test_word_export_makes_no_python_docx_call_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.text.paragraph import Paragraph

    calls = {"add_run": 0, "xpath": 0}
    add_run, xpath = Paragraph.add_run, BaseOxmlElement.xpath

    def counted_add_run(self, *args, **kwargs):
        calls["add_run"] += 1
        return add_run(self, *args, **kwargs)

    def counted_xpath(self, *args, **kwargs):
        calls["xpath"] += 1
        return xpath(self, *args, **kwargs)

    monkeypatch.setattr(Paragraph, "add_run", counted_add_run)
    monkeypatch.setattr(BaseOxmlElement, "xpath", counted_xpath)
    seen = {}
    for items in (500, 2000):
        calls.update(add_run=0, xpath=0)
        data = export.render_bytes(make_session(items), "docx", "minutes")
        assert data[:2] == b"PK"
        seen[items] = dict(calls)
    # before: about five runs per item went through add_run and an XPath each (10,000+ at 2,000 items)
    for what in ("add_run", "xpath"):
        per_item = (seen[2000][what] - seen[500][what]) / 1500
        assert per_item < 0.5, (what, seen)


def test_word_runs_keep_their_formatting() -> None:
    data = export.render_bytes(store.load_session(EXAMPLE), "docx", "minutes")
    document = docx.Document(io.BytesIO(data))
    runs = [run for p in document.paragraphs for run in p.runs]
    labels = [r for r in runs if r.text in ("I1", "O1", "C1")]  # item labels in lists (table headers bold by style)
    assert labels and all(r.bold for r in labels)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                runs += [run for p in cell.paragraphs for run in p.runs]
    tags = [
        r for r in runs if r.text.startswith("(") and r.font.color.rgb is not None and str(r.font.color.rgb) == "444444"
    ]
    assert tags
    statuses = [r for r in runs if r.bold and r.font.color.rgb is not None and str(r.font.color.rgb) == "1D3557"]
    assert statuses
    assert any(r.italic for r in runs)
    # a cell's paragraph has its style and alignment
    table = document.tables[0]
    assert table.rows[1].cells[0].paragraphs[0].style.name == "IBB Cell"
    assert table.rows[1].cells[0].paragraphs[0].alignment is not None  # the "#" column, right-aligned


def test_word_text_with_tabs_line_ends_and_edge_spaces() -> None:
    session = make_session(60)
    session.issues[0].interests[0].text = "  two\tcolumns\nand a line  "
    data = export.render_bytes(session, "docx", "minutes")
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert any("  two\tcolumns\nand a line  " in t for t in texts), [t for t in texts if "columns" in t]


def test_a_word_export_past_its_limit_is_refused_up_front_with_the_way_out(tmp_path, monkeypatch, capsys):
    """Issue 12.8: 50,000 items took minutes in Word; past the limit it is refused before any work."""
    from ibb_facilitator import cli, export, store
    from ibb_facilitator.export import FORMATS

    session = make_session(300)
    path = tmp_path / "big.toml"
    store.save_session(session, path, backup=False)
    monkeypatch.setitem(FORMATS, "docx", dataclasses.replace(FORMATS["docx"], max_items=100))
    with pytest.raises(export.TooBig, match="limited to 100 items and this session has"):
        export.render_bytes(session, "docx", "minutes")
    out = tmp_path / "big.docx"
    assert cli.main(["export", str(path), "--format", "docx", "-o", str(out)]) == 2
    assert "export HTML" in capsys.readouterr().err and not out.exists()
    assert export.render_bytes(session, "html", "minutes")  # HTML has no such limit
