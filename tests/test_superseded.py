"""A reopened issue agreed again: its new TA supersedes the old one on every surface (issue 11,
point 6). Each test builds the same session: the salary issue of ``make_populated`` agreed (TA 1),
reopened and agreed again with new language (TA 2). Only TA 2 stands: exports, the TA summary,
review, diff, the debrief and the room count it alone, and show TA 1 (where at all) as superseded.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import NEW_SALARY_TEXT, make_populated, reagree

from ibb_facilitator import diff, store
from ibb_facilitator.export import render
from ibb_facilitator.model import Session, Stage

OLD_LINE = "Steps 1-5 rise by 3%."
NEW_LINE = "Steps 1-5 rise by 4%."


@pytest.fixture
def both() -> tuple[Session, Session]:
    """The session before the issue was reopened, and after it was agreed again."""
    before = make_populated()
    after = before.model_copy(deep=True)
    reagree(after)
    return before, after


def test_the_file_keeps_the_old_ta_marked_superseded(both, tmp_path: Path) -> None:
    _, after = both
    path = tmp_path / "s.toml"
    store.save_session(after, path)
    text = path.read_text()
    assert 'superseded_by = "ta-2"' in text and "superseded_at = " in text
    back = store.load_session(path)
    assert back == after and [ta.id for ta in back.standing_agreements()] == ["ta-2"]


def test_minutes_mark_the_old_ta_and_point_the_issue_at_the_new_one(both) -> None:
    _, after = both
    md = render(after, "md")
    assert "Agreed (TA): see TA 2" in md and "see TA 1" not in md
    old = md[md.index("### TA 1") : md.index("### TA 2")]
    assert old.startswith("### TA 1: Salary steps (superseded)")
    assert "Superseded by TA 2 on " in old and "not counted as agreed" in old
    assert "### TA 2: Salary steps\n" in md and "(superseded)" not in md[md.index("### TA 2") :]
    html = render(after, "html")
    assert "Superseded by TA 2 on " in html and "(superseded)" in html


def test_the_ta_summary_for_ratification_holds_only_the_standing_ta(both) -> None:
    _, after = both
    md = render(after, "md", "ta")
    assert "**Tentative agreements:** 1" in md
    assert NEW_LINE in md and OLD_LINE not in md  # the old language is not sent for ratification
    assert "## Tentative agreement 1 of 1 (TA 2): Salary steps" in md
    assert "## Superseded, not in this summary\n\n- TA 1: Salary steps, superseded by TA 2 on " in md
    html = render(after, "html", "ta")
    assert NEW_LINE in html and OLD_LINE not in html
    docx = render(after, "docx", "ta")
    body = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert NEW_LINE in body and OLD_LINE not in body and "superseded by TA 2" in body


def test_diff_says_the_old_ta_was_superseded(both) -> None:
    before, after = both
    d = diff.compare(before, after)
    found = [(c.sign, c.what, c.how) for section in d.sections for c in section.changes]
    assert ("+", "Tentative agreement", "TA 2 written") in found
    superseded = [
        c
        for section in d.sections
        for c in section.changes
        if c.what == "TA 1" and c.how.startswith("superseded by TA 2 on ")
    ]
    assert len(superseded) == 1 and superseded[0].context == "no longer in force"
    assert "TA 1 superseded by TA 2 on " in diff.render_text(d).replace(":", "")


def test_the_room_shows_the_standing_ta(both) -> None:
    from ibb_facilitator.tui.room import build_view

    _, after = both
    after.cursor.issue, after.cursor.stage = after.issues[0].id, Stage.CONSENSUS
    view = build_view(after)
    assert view.agreement is not None and view.agreement[0] == NEW_SALARY_TEXT


async def test_review_lists_the_old_ta_as_superseded_and_counts_one(both, tmp_path: Path) -> None:
    from test_review import SIZE, detail, places, review

    from ibb_facilitator.tui.app import IbbApp

    _, after = both
    path = tmp_path / "s.toml"
    store.save_session(after, path)
    app = IbbApp(review_path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await review(pilot)
        left = places(screen)
        assert any(line.startswith("Tentative agreements (1)") for line in left)
        assert left[1].endswith("TA: yes, initialed")
        await pilot.press("down")
        await pilot.pause()
        right = detail(screen)
        old = next(line for line in right if line.startswith("TA 1 "))
        assert old.startswith("TA 1 · superseded by TA 2 on ") and ": not in force" in old.split("\n")[0]
        new = next(line for line in right if line.startswith("TA 2 "))
        assert "superseded" not in new and NEW_LINE in new
        await pilot.press("ctrl+q")
