"""Presentation mode (F8 on the session screen) is the wall: the current stage laid out as the room
view lays it out, big at a zoomed size, nothing cut, no highlight until the facilitator points; keys
still record; F8 again gives the recorder back their place and their typed text (issue 19)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import EXAMPLE, screen_text, walk_to
from recorder import type_line

from ibb_facilitator.model import Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.session.presenting import Presentation, pointed_rows
from ibb_facilitator.tui.wall import POINTED, Item, WallBody, item_block

SIZES = [(60, 18), (100, 30)]


def test_a_pointed_item_is_a_bar_as_wide_as_its_text_and_still_wraps_whole():
    item = Item("Joint health-insurance committee to find plan savings and share them", "#7", pointed=True)
    lines = item_block(item, 30, 3)
    assert " ".join(line.plain[4:].strip() for line in lines) == item.text  # wrapped at words, whole
    assert all(line.cell_length == 30 for line in lines)  # the bar runs to the text's edge
    assert pointed_rows(lines) == (0, len(lines))
    assert pointed_rows(item_block(Item(item.text, "#7"), 30, 3)) is None
    assert all(any(str(span.style) == POINTED for span in line.spans) for line in lines)


def words(text: str) -> str:
    return " ".join(text.split())


def example_app(tmp_path: Path) -> IbbApp:
    path = tmp_path / "s.toml"
    shutil.copyfile(EXAMPLE, path)
    return IbbApp(path=path)


def wall(app: IbbApp) -> tuple[Presentation, WallBody]:
    presentation = app.screen.query_one(Presentation)
    return presentation, presentation.query_one("#wall-items", WallBody)


def shown_lines(body: WallBody) -> list:
    return body.lines(body.content_region.width, body._height_hint)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("stage", [Stage.INTERESTS, Stage.OPTIONS], ids=lambda s: s.value)
async def test_f8_fills_the_screen_with_the_stage_and_cuts_nothing(tmp_path, size, stage):
    app = example_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await walk_to(pilot, stage)
        await pilot.press("f8")
        await pilot.pause(0.3)
        screen = app.screen
        presentation, body = wall(app)
        assert presentation.display and not screen.query_one("#views").display
        assert not screen.query_one("#top").display
        # the wall takes the screen but for the slim capture line
        assert presentation.region.width == size[0] and presentation.region.height == size[1] - 1
        assert body.region.width >= size[0] - 8
        issue = screen.issue
        items = issue.interests if stage is Stage.INTERESTS else issue.options
        reading = words(body.text)
        for item in items:  # every item whole, wrapped at word boundaries (nothing cut with "…")
            assert words(item.text) in reading, item.text
        width = body.content_region.width
        assert all(line.cell_length <= width for line in shown_lines(body))
        # (a title, a party's name over its column or in the legend, may be cut with "…": items never)
        text = screen_text(app)
        assert words(issue.statement)[:20] in words(text)  # the statement is on the wall
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_highlight_until_the_facilitator_points_then_it_fades(tmp_path, monkeypatch, size):
    monkeypatch.setattr(Presentation, "POINT_SECONDS", 0.5)
    app = example_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause(0.2)
        presentation, body = wall(app)
        assert presentation.pointed is None and pointed_rows(shown_lines(body)) is None
        await pilot.press("down", "down")
        await pilot.pause(0.1)
        screen = app.screen
        assert presentation.pointed == screen.view.selected() is not None
        rows = pointed_rows(shown_lines(body))
        assert rows is not None
        pointed = next(o for o in screen.issue.options if o.id == presentation.pointed)
        assert pointed.text.split()[0] in shown_lines(body)[rows[0]].plain  # the bar is on that item
        await pilot.pause(0.8)
        assert presentation.pointed is None and pointed_rows(shown_lines(body)) is None
        assert screen.view.selected() == pointed.id  # the recorder's pointer stays
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_f8_back_gives_the_recorder_their_place_and_typed_text(tmp_path, size):
    app = example_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        await walk_to(pilot, Stage.INTERESTS)
        await pilot.press("down", "down")
        await type_line(pilot, "Teachers want half a", enter=False)
        place = (screen.issue.id, screen.stage, screen.view.selected())
        await pilot.press("f8")
        await pilot.pause(0.2)
        await pilot.press("f8")
        await pilot.pause(0.2)
        capture = screen.query_one("#capture")
        assert not screen.query_one(Presentation).display and screen.query_one("#views").display
        assert (screen.issue.id, screen.stage, screen.view.selected()) == place
        assert capture.value == "Teachers want half a" and capture.has_focus
        await type_line(pilot, " sentence")
        assert any(i.text == "Teachers want half a sentence" for i in screen.issue.interests)
        await pilot.press("ctrl+q")


async def test_keys_record_while_presenting_and_the_wall_shows_the_line(tmp_path):
    app = example_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause(0.2)
        screen = app.screen
        before = len(screen.issue.options)
        await type_line(pilot, "Housing stipend for new hires")
        await pilot.pause(0.2)
        assert len(screen.issue.options) == before + 1
        assert screen.issue.options[-1].text == "Housing stipend for new hires"
        _, body = wall(app)
        assert "Housing stipend for new hires" in words(body.text)
        assert "Housing stipend for new hires" in screen_text(app)  # scrolled to the end, seen
        await pilot.press("ctrl+q")


async def test_the_first_f8_says_how_to_zoom_and_later_ones_the_size(tmp_path):
    app = example_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause(0.2)
        foot = app.screen.query_one("#wall-foot")
        assert foot.display and "Zoom" in foot.text and "80×24 · readable to about 12 m" in foot.text
        await pilot.press("f8", "f8")
        await pilot.pause(0.2)
        assert foot.display and "Zoom" not in foot.text and "80×24 · readable to about 12 m" in foot.text
        await pilot.resize_terminal(60, 18)
        await pilot.pause(0.3)
        assert "60×18 · readable" in foot.text
        await pilot.press("ctrl+q")


async def test_a_scoring_mode_brings_the_frame_back(tmp_path):
    """Voting keys go to the voters, which the wall hides: Ctrl+R ends presentation mode, so no key
    lands in a box nobody sees."""
    app = example_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await walk_to(pilot, Stage.CONSENSUS)
        await type_line(pilot, "Raise 3% a year with a step after year 15")
        await pilot.press("f8")
        await pilot.pause(0.2)
        assert screen.presenting
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        assert screen.mode == "voting" and not screen.presenting
        assert screen.query_one("#views").display and app.focused is not None and app.focused.region.height > 0
        await pilot.press("ctrl+q")


async def test_a_zoom_while_presenting_says_what_it_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(Presentation, "SIZE_NOTE_SECONDS", 0.3)
    monkeypatch.setattr(Presentation, "HINT_SECONDS", 0.3)
    app = example_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause(0.6)
        foot = app.screen.query_one("#wall-foot")
        assert not foot.display  # the note went: the wall has the row
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.1)
        assert foot.display and "80×24 · readable to about 12 m" in foot.text
        await pilot.press("ctrl+q")
