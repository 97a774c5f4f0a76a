"""The wall's layout (``tui/wall.py``) at any size: nothing cut but titles, sides by letter.

Pure tests of the layout functions over the example session's stages (and a session with long,
hostile text), at sizes from a phone-sized 20×6 to 200×60: every line fits its width, every
item's text is on the wall whole (only titles and the session line are shortened, with "…"),
each interest carries its side's letter, and the space between items grows with the room.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.content import Content

from ibb_facilitator import editing, store
from ibb_facilitator.model import Session, Stage
from ibb_facilitator.tui.room import build_view
from ibb_facilitator.tui.wall import (
    MAX_GAP,
    body_layout,
    clipped,
    columns_fit,
    fit,
    stage_bar,
    where_line,
)
from ibb_facilitator.tui.widgets import STAGE_NAMES

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "spring-contract.toml"
PLACES = {
    Stage.ISSUES: "issue-2",
    Stage.INTERESTS: "issue-2",
    Stage.OPTIONS: "issue-2",
    Stage.CRITERIA: "issue-1",
    Stage.CONSENSUS: "issue-1",
}
HOSTILE = ["[/]", "[bold]x[/bold]", "$accent", "😀🎉 emoji", "中文 日本語 " + "中文日本語" * 3, "a" * 90]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def example_at(stage: Stage) -> Session:
    session = store.load_session(EXAMPLE)
    session.cursor.issue, session.cursor.stage = PLACES[stage], stage
    return session


def hostile_at(stage: Stage) -> Session:
    session = example_at(stage)
    issue = session.issue(PLACES[stage])
    assert issue is not None
    for text in HOSTILE:
        editing.add_interest(session, issue.id, text, "mutual")
        editing.add_option(session, issue.id, text)
        editing.add_criterion(session, issue.id, text)
    return session


VIEWS = {("example", stage): example_at(stage) for stage in PLACES}
VIEWS |= {("hostile", stage): hostile_at(stage) for stage in PLACES}


def texts_of(view) -> list[str]:
    """Every item's text (and note) the stage shows."""
    shown = [item.text for group in view.groups for item in group.items]
    shown += [item.note for group in view.groups for item in group.items if item.note]
    return shown


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.integers(20, 200),
    height=st.integers(6, 60),
    which=st.sampled_from(sorted(VIEWS, key=lambda k: (k[0], k[1].value))),
)
def test_every_line_fits_and_every_item_is_whole(width: int, height: int, which) -> None:
    view = build_view(VIEWS[which])
    layout = body_layout(view, width, height)
    for line in layout.lines:
        assert line.cell_length <= width, f"{which} at {width}×{height}: {line.plain!r} is {line.cell_length} cells"
    reading = squash(layout.reading_text)
    for text in texts_of(view):
        assert squash(text) in reading, f"{which} at {width}×{height}: {text!r} is not whole on the wall"
    assert stage_bar(view.stage_order, view.stage, width).cell_length <= width
    assert where_line(view.title, view.where, width).cell_length <= width


@pytest.mark.parametrize("width", [20, 40, 60, 80, 100, 160])
def test_the_stage_bar_always_names_the_current_stage(width: int) -> None:
    order = list(PLACES)
    clock = Content("25:13 left of 30 min")
    for stage in order:
        bar = stage_bar(order, stage, width, [clock])
        assert STAGE_NAMES[stage] in bar.plain and bar.cell_length <= width


def test_the_stage_bar_gives_up_numbers_then_spaces_then_the_longer_clock() -> None:
    order = list(PLACES)
    tails = [Content("25:13 left of 30 min"), Content("25:13")]
    assert stage_bar(order, Stage.OPTIONS, 160, tails).plain.startswith("1 Issues  ▸  2 Interests")
    at_80 = stage_bar(order, Stage.OPTIONS, 80, tails).plain
    assert at_80.startswith("Issues › Interests ›  Options  ›")
    assert at_80.endswith("Consensus       25:13 left of 30 min")
    at_60 = stage_bar(order, Stage.OPTIONS, 60, tails).plain
    assert at_60 == "Issues›Interests›Options›Criteria›Consensus" + " " * 12 + "25:13"
    assert stage_bar(order, Stage.OPTIONS, 30, tails).plain.startswith("Stage 3 of 5  Options")
    assert stage_bar(order, Stage.OPTIONS, 12, tails).plain == " Options "


def test_titles_are_shortened_before_items() -> None:
    view = build_view(example_at(Stage.INTERESTS))
    assert columns_fit(view.groups, 66)
    titles = body_layout(view, 158, 20).lines[0].plain
    assert "Maple Valley Education Association" in titles and "Maple Valley Public Schools" in titles
    titles = body_layout(view, 78, 20).lines[0].plain  # the parties' common first words go first ...
    assert "U Education Association" in titles and "M Public Schools" in titles and "Maple" not in titles
    titles = body_layout(view, 66, 20).lines[0].plain  # ... then the end of a title, with "…"
    assert "U Education Assoc" in titles and "…" in titles and "B Mutual" in titles
    reading = squash(body_layout(view, 66, 20).reading_text)
    assert all(squash(t) in reading for t in texts_of(view))  # ... and every item stays whole
    place = "Issue 2 of 4 · Article 22, Compensation · Open"
    line = where_line("Spring 2027 successor contract, session 3", place, 78)
    assert line.plain.endswith(place) and "…" in line.plain
    assert [c.plain for c in clipped(Content("one two three four five six"), 9, 2)] == ["one two", "three…"]
    assert fit(Content("a\nb"), 5).plain == "ab"


def test_every_interest_carries_its_sides_letter() -> None:
    view = build_view(example_at(Stage.INTERESTS))
    tags = {"Maple Valley Education Association": "U", "Maple Valley Public Schools": "M", "Mutual": "B"}
    assert {g.title: g.tag for g in view.groups} == tags
    for width in (58, 78, 98, 158):  # in one list (58) and side by side
        reading = body_layout(view, width, 30).reading_text
        for group in view.groups:
            for item in group.items:
                first = item.text.split()[0]
                assert re.search(rf"(^|\s){group.tag}\s+{re.escape(first)}", reading, re.M), (width, item.text)
    stacked = body_layout(view, 58, 30)
    assert len(stacked.columns) == 1 and all(tag in stacked.lines[0].plain for tag in tags.values())  # the legend


def test_the_space_between_items_grows_with_the_room() -> None:
    view = build_view(example_at(Stage.OPTIONS))
    blank_runs = []
    for height in (10, 20, 30):
        lines = [line.plain for line in body_layout(view, 120, height).lines]
        runs = re.findall(r"\n(\n*)#", "\n".join(lines))
        blank_runs.append(max(len(r) for r in runs))
    assert blank_runs == [1, 2, MAX_GAP]


def test_a_short_stage_on_a_tall_wall_sits_lower_rather_than_leave_half_of_it_empty() -> None:
    view = build_view(example_at(Stage.ISSUES))
    lines = [line.plain for line in body_layout(view, 150, 35).lines]
    first = next(n for n, line in enumerate(lines) if line.strip())
    assert 3 <= first <= 35 // 3 and len(lines) > 35 // 2
    lines = [line.plain for line in body_layout(view, 60, 16).lines]  # a zoomed wall: from the top
    assert lines[0].startswith("1.")


def test_the_tally_sits_beside_the_proposal_when_there_is_room_and_above_it_when_not() -> None:
    view = build_view(example_at(Stage.CONSENSUS))
    wide = body_layout(view, 100, 30)
    assert len(wide.columns) == 2 and "CONSENSUS" in wide.columns[1][0].plain and "Proposal" in wide.columns[0][0].plain
    narrow = body_layout(view, 58, 12)
    assert len(narrow.columns) == 1 and "CONSENSUS" in narrow.lines[0].plain
    assert any("4:\u00a07" in line.plain for line in narrow.lines[:4])  # the answers on one line
    assert any("Proposal" in line.plain for line in narrow.lines[:8])  # the proposal still in view
