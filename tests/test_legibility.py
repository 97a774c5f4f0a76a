"""Readable from the back row (issue 19): contrast, colour vision and letter size, as tests.

- The arithmetic (``ibb_facilitator.legibility``) against published figures: WCAG's ratio,
  Sharma et al.'s CIEDE2000 test data, the Machado 2009 simulation, issue 19's letter sizes.
- Every pair of colours the themes use for text on the wall (``theme.WALL_TEXT``) reaches 7:1,
  and the sides' colours stay apart in normal vision and under protanopia and deuteranopia.
- The room view as rendered: every character on the screen, at four sizes, at every stage, in
  both themes, is drawn at 7:1 or more against its own background (so a style that bypasses
  ``WALL_TEXT`` is caught too).
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from textual.app import App

from ibb_facilitator import store
from ibb_facilitator.legibility import (
    CHECKED_DEFICIENCIES,
    SIDE_DISTANCE,
    WALL_CONTRAST,
    color_distance,
    columns_for,
    contrast_ratio,
    delta_e_2000,
    letter_height_mm,
    parse_hex,
    readability_note,
    readable_distance_m,
    side_distances,
    simulate,
    to_hex,
    to_lab,
    weak_pairs,
)
from ibb_facilitator.model import Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.room import RoomApp
from ibb_facilitator.tui.session.presenting import Presentation
from ibb_facilitator.tui.theme import DARK, PROJECTOR, THEMES, WALL_TEXT, side_colors, wall_pairs

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "spring-contract.toml"

# --- the arithmetic -------------------------------------------------------------------------------


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)  # order does not matter
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # WCAG's AA grey
    assert contrast_ratio("#595959", "#FFFFFF") == pytest.approx(7.0, abs=0.01)  # about AAA's limit


@pytest.mark.parametrize(
    "lab1, lab2, expected",
    [  # Sharma, Wu & Dalal 2005, table 1: pairs 1, 2, 7, 17, 25, 34
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected) -> None:
    assert delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_colour_conversions() -> None:
    assert to_lab("#FFFFFF") == pytest.approx((100.0, 0.0, 0.0), abs=1e-3)
    assert to_lab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=1e-3)
    assert to_hex(parse_hex("#0033aa")) == "#0033AA" and parse_hex("#fff") == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError):
        parse_hex("blue")


def test_the_simulation_keeps_greys_and_confuses_red_with_green() -> None:
    for deficiency in CHECKED_DEFICIENCIES:
        for grey in ("#000000", "#FFFFFF", "#808080"):
            assert color_distance(grey, to_hex(simulate(grey, deficiency))) < 1.0
    # A red and a green anyone with normal vision tells apart at a glance (matplotlib's
    # tab:red and tab:green) come out nearly the same for a deuteranope, as is well known.
    assert color_distance("#D62728", "#2CA02C") > 70
    assert color_distance("#D62728", "#2CA02C", "deuteranopia") < 6
    assert color_distance("#D62728", "#2CA02C", "protanopia") < color_distance("#D62728", "#2CA02C") / 2


def test_letter_size_and_reading_distance_follow_issue_19() -> None:
    assert letter_height_mm(160) == pytest.approx(19.0)
    assert readable_distance_m(160) == pytest.approx(6.0)
    assert readable_distance_m(80) == pytest.approx(12.0)  # half the columns: twice the distance
    assert readable_distance_m(160, screen_width_m=5.0) == pytest.approx(12.0)  # twice the image
    assert letter_height_mm(100) == pytest.approx(30.4)  # the back of a 10 m room needs ~30 mm ...
    assert 90 <= columns_for(10.0) <= 100  # ... which is 90-100 columns
    assert readability_note(80, 24) == "80×24 · readable to about 12 m on a 2.5 m screen"
    assert readability_note(160, 45) == "160×45 · readable to about 6 m on a 2.5 m screen"
    with pytest.raises(ValueError):
        letter_height_mm(0)


# --- the themes ---------------------------------------------------------------------------------


def contrast_table(theme) -> list[tuple[str, str, str, float]]:
    return [(what, fg, bg, contrast_ratio(fg, bg)) for what, fg, bg in wall_pairs(theme)]


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_every_text_colour_on_the_wall_reaches_7_to_1(theme) -> None:
    table = contrast_table(theme)
    assert len(table) == len(WALL_TEXT)
    weak = [f"{what}: {fg} on {bg} is {ratio:.2f}:1" for what, fg, bg, ratio in table if ratio < WALL_CONTRAST]
    assert not weak, f"{theme.name}: under {WALL_CONTRAST}:1:\n" + "\n".join(weak)


def test_a_pair_that_drops_under_7_to_1_fails() -> None:
    washed = dataclasses.replace(PROJECTOR, variables={**PROJECTOR.variables, "wall-muted": "#777777"})
    weak = weak_pairs(wall_pairs(washed))
    assert weak and all("notes" in what for what, _ in weak) and all(ratio < 7 for _, ratio in weak)
    grey_foot = dataclasses.replace(DARK, panel="#777777")
    assert [what for what, _ in weak_pairs(wall_pairs(grey_foot))] == ["foot"]


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_the_sides_colours_differ_for_common_colour_vision_deficiencies(theme) -> None:
    rows = side_distances(side_colors(theme))
    assert {vision for vision, *_ in rows} == {"normal", *CHECKED_DEFICIENCIES}
    assert len(rows) == 3 * (1 + len(CHECKED_DEFICIENCIES))  # three pairs, in each vision
    close = [f"{vision}: {a} vs {b}: ΔE00 {d:.1f}" for vision, a, b, d in rows if d < SIDE_DISTANCE]
    assert not close, f"{theme.name}: sides too alike:\n" + "\n".join(close)


def test_sides_sharing_a_colour_fail_the_check() -> None:
    """The themes before issue 19: union and management both in the primary blue."""
    rows = side_distances({"side-1": "#0033AA", "side-2": "#0033AA", "side-mutual": "#006B1F"})
    assert any(d < SIDE_DISTANCE for *_, d in rows)
    # a red/green pair passes in normal vision and fails under deuteranopia
    rows = side_distances({"side-1": "#D62728", "side-2": "#2CA02C", "side-mutual": "#000000"})
    assert all(d >= SIDE_DISTANCE for vision, *_, d in rows if vision == "normal")
    assert any(d < SIDE_DISTANCE for vision, *_, d in rows if vision == "deuteranopia")


# --- the room view as rendered --------------------------------------------------------------------

GRAPHICS = range(0x2580, 0x25A0)  # block elements: bars and the scrollbar, not text
SIZES = [(60, 18), (80, 24), (100, 30), (160, 45)]
PLACES = {
    Stage.ISSUES: "issue-2",
    Stage.INTERESTS: "issue-2",
    Stage.OPTIONS: "issue-2",
    Stage.CRITERIA: "issue-1",
    Stage.CONSENSUS: "issue-1",
}


def low_contrast_cells(app: App, rows: int | None = None) -> list[str]:
    """Every run of text on the screen (its first ``rows`` rows) whose colour is under 7:1
    against its background."""
    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()[:rows]):
        for segment in strip:
            text, style = segment.text, segment.style
            if style is None or not any(not c.isspace() and ord(c) not in GRAPHICS for c in text):
                continue
            fg, bg = style.color, style.bgcolor
            if style.reverse:
                fg, bg = bg, fg
            if fg is None or bg is None:
                found.append(f"row {y}: {text!r} has no colour of its own ({style})")
                continue
            fg_hex, bg_hex = fg.get_truecolor().hex, bg.get_truecolor().hex
            ratio = contrast_ratio(fg_hex, bg_hex)
            if ratio < WALL_CONTRAST:
                found.append(f"row {y}: {text.strip()!r} {fg_hex} on {bg_hex}: {ratio:.2f}")
    return found


@pytest.mark.parametrize("theme", ["projector", "room-dark"])
@pytest.mark.parametrize("stage", list(PLACES), ids=lambda s: s.value)
async def test_every_character_on_the_wall_is_drawn_at_7_to_1(tmp_path: Path, theme: str, stage: Stage) -> None:
    session = store.load_session(EXAMPLE)
    session.cursor.issue, session.cursor.stage = PLACES[stage], stage
    path = tmp_path / "wall.toml"
    store.save_session(session, path)
    app = RoomApp(path, theme=theme, watch=False, zoom_hint=True)  # the foot's note is shown too
    async with app.run_test(size=SIZES[0]) as pilot:
        deadline = time.monotonic() + 15
        while app.view is None:
            assert time.monotonic() < deadline, "the room view never loaded"
            await pilot.pause(0.05)
        for size in SIZES:
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
            weak = low_contrast_cells(app)
            assert not weak, f"{theme} {size[0]}×{size[1]} {stage.value}:\n" + "\n".join(weak[:20])


@pytest.mark.parametrize("theme", ["projector", "room-dark"])
@pytest.mark.parametrize("stage", list(PLACES), ids=lambda s: s.value)
async def test_presentation_mode_is_drawn_at_7_to_1_too(tmp_path: Path, theme: str, stage: Stage) -> None:
    """F8's wall (the capture line under it is the recorder's, not the room's), with the foot's
    zoom hint and an item pointed at."""
    session = store.load_session(EXAMPLE)
    session.cursor.issue, session.cursor.stage = PLACES[stage], stage
    path = tmp_path / "wall.toml"
    store.save_session(session, path)
    app = IbbApp(path=path, theme=theme)
    async with app.run_test(size=SIZES[0]) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        if stage is not Stage.CONSENSUS:
            await pilot.press("down")
        wall = app.screen.query_one(Presentation)
        assert wall.display and (wall.pointed is not None or stage is Stage.CONSENSUS)
        for size in (SIZES[0], SIZES[2]):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
            weak = low_contrast_cells(app, rows=wall.region.bottom)
            assert not weak, f"{theme} {size[0]}×{size[1]} {stage.value}:\n" + "\n".join(weak[:20])
