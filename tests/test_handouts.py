"""A training class's handouts: the general brief, a page per side and per role, marked and numbered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from negotiation_world import docx_text, html_text
from test_export_html import CHROMIUM, chromium

from ibb_facilitator import cli, store, training
from ibb_facilitator.agenda import BUNDLED_DIR, load_agenda
from ibb_facilitator.export import write_document
from ibb_facilitator.export.handouts import build
from ibb_facilitator.scenario import role_briefs

NAME = "scenario-maple-valley"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("class") / "maple"
    assert cli.main(["train", NAME, "--tables", "3", "-o", str(folder), "--handouts"]) == 0
    return folder / "handouts"


def test_every_table_gets_its_handouts_in_html_and_docx(handouts: Path) -> None:
    assert sorted(p.name for p in handouts.iterdir()) == [
        f"table-{n}.{fmt}" for n in (1, 2, 3) for fmt in ("docx", "html")
    ]


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_the_handouts_hold_every_brief_each_marked_with_its_side_and_table(handouts: Path, fmt: str) -> None:
    data = (handouts / f"table-2.{fmt}").read_bytes()
    text = html_text(data) if fmt == "html" else docx_text(data)
    scenario = load_agenda(BUNDLED_DIR / f"{NAME}.toml").scenario
    assert scenario is not None
    assert words(scenario.general_brief)[:300] in text and "Table 2 of 3 · for everyone" in text
    for party in ("labor", "management"):
        side = party.upper()
        for brief in scenario.briefs:
            if brief.party == party and not brief.role:
                assert words(brief.text)[:200] in text
        for label, brief_text in role_briefs(scenario, party):
            assert words(brief_text)[:200] in text, label
            assert f"CONFIDENTIAL · {side} · {label} only · Table 2 of 3" in text
        assert f"CONFIDENTIAL · {side} only · Table 2 of 3" in text
    assert "hand out when round 2 starts" in text  # round 2's new instructions, on pages of their own
    assert words(scenario.facilitator_notes)[:120] not in text  # the trainer's notes are not a handout


def test_a_single_table_exports_its_handouts_and_a_plain_session_is_refused(tmp_path: Path, capsys) -> None:
    table = training.new_table(load_agenda(BUNDLED_DIR / f"{NAME}.toml"), NAME)
    path = tmp_path / "table.toml"
    store.save_session(table, path)
    out = tmp_path / "h.html"
    assert cli.main(["export", str(path), "--report", "handouts", "--format", "html", "-o", str(out)]) == 0
    assert "CONFIDENTIAL · LABOR only · Table 1" in html_text(out.read_bytes())
    plain = tmp_path / "plain.toml"
    store.save_session(store.loads_session('schema_version = 2\ntitle = "Not a table"\n', "p.toml"), plain)
    assert cli.main(["export", str(plain), "--report", "handouts", "--format", "html", "-o", str(out)]) == 1
    assert "not a training table" in capsys.readouterr().err
    assert cli.main(["train", NAME, "--handouts", "-o", str(tmp_path / "one.toml")]) == 1  # goes with --tables


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (`make browser` installs Debian's chromium)")
def test_headless_chromium_prints_a_page_per_brief(tmp_path: Path) -> None:
    table = training.new_table(load_agenda(BUNDLED_DIR / f"{NAME}.toml"), NAME, table=1, tables=2)
    document = build(table)
    page = tmp_path / "handouts.html"
    page.write_bytes(write_document(document, "html"))
    pdf = tmp_path / "handouts.pdf"
    chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf.exists(), "chromium printed no PDF"
    counts = re.findall(rb"/Type\s*/Pages\b.*?/Count (\d+)|/Count (\d+)", pdf.read_bytes(), re.S)
    pages = max(int(a or b) for a, b in counts)
    briefs = len(document.blocks)  # the general brief (under the letterhead), then a page a brief
    assert page.read_text(encoding="utf-8").count('<div class="sheet page ') == briefs - 1
    assert pages >= briefs  # a long brief may run over a page; never two briefs on one
