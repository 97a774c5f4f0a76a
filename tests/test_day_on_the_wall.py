"""The day on the wall in the app (issue 15, item 6), as a facilitator uses it: a session made
from an agenda with day blocks shows what is on now, what is next and how late under its title;
Ctrl+L moves to the next block and the file keeps it; the day's plan (palette) lists every block
and sets the one the team is on or moves the rest of the day; the room view and presentation mode
show the same line, fitted to a zoomed wall. The clock stands still (``frozen_clock``: the
agenda's second day, 11:30). The rules themselves are tested in ``test_schedule.py``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import FROZEN_NOW, each_size_and_theme, picture, screen_text, until
from recorder import type_line

from ibb_facilitator import agenda, schedule, store
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.room import RoomApp
from ibb_facilitator.tui.wall import WallLine

pytestmark = pytest.mark.usefixtures("frozen_clock")

HEALTH = "Health insurance: interests and data (claims history, renewal estimate)"


def planned_file(folder: Path, name: str = "s.toml") -> Path:
    """A new session from the five-day contract agenda, its first day the day before FROZEN_NOW."""
    agenda_name, chosen = agenda.find("contract-negotiation")
    session = agenda.new_session(chosen, agenda_name, start=date(2027, 3, 9))
    path = folder / name
    store.save_session(session, path, backup=False)
    return path


def day_line(app) -> str:
    line = app.screen.query_one("#day-line", WallLine)
    return line.text if line.display else ""


async def test_the_line_says_now_next_and_how_late_and_ctrl_l_moves_on(tmp_path: Path) -> None:
    path = planned_file(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: day_line(app), "the day line")
        # 11:30 on day 2, nobody has started a block: the clock's answer, no lateness
        assert day_line(app) == "Now 10:45–12:00 Health insurance: interests… · next 12:00 Lunch · by the clock"
        assert len(day_line(app)) <= 78
        await pilot.press("ctrl+l")  # the day begins (three hours after its first block was due)
        await until(pilot, lambda: "180 min late" in day_line(app), "the lateness", detail=day_line)
        assert day_line(app).startswith("Now 08:30–08:50 Review and accept")
        assert "· next 08:50 Salary sche" in day_line(app)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: day_line(app).startswith("Now 08:50–10:30 Salary"), "the next block")
        await pilot.press("ctrl+z")  # undone like any change
        await until(pilot, lambda: day_line(app).startswith("Now 08:30–08:50"), "the undo")
        app.flush()
        await pilot.press("ctrl+q")
    reopened = store.load_session(path)
    day = reopened.plan[1]
    assert day.blocks[0].started is not None and day.blocks[0].started.replace(tzinfo=None) == FROZEN_NOW
    assert day.blocks[1].started is None  # the second press was undone
    assert [e.action for e in reopened.events] == ["plan.start", "plan.start", "undo"]


async def test_typed_words_never_move_the_plan(tmp_path: Path) -> None:
    path = planned_file(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: day_line(app), "the day line")
        before = app.session.plan[1].model_copy(deep=True)
        await type_line(pilot, "Let lunch slip: caucus, then the next block")
        await until(pilot, lambda: len(app.session.issues) == 14, "the typed issue")
        assert app.session.plan[1] == before
        await pilot.press("ctrl+q")


async def test_a_day_without_a_plan_shows_no_line_and_ctrl_l_says_why(tmp_path: Path) -> None:
    from helpers import example

    app = IbbApp(path=example(tmp_path))  # the example has no day plan
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#day-line").display
        await pilot.press("ctrl+l")
        await until(pilot, lambda: any("no day plan" in n.message for n in app._notifications), "the refusal")
        (notice,) = [n.message for n in app._notifications if "no day plan" in n.message]
        assert notice == "this session has no day plan (its agenda had no day blocks)"
        await pilot.press("ctrl+q")


async def open_plan(pilot) -> None:
    await pilot.press("ctrl+p")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "CommandPalette", "the palette")
    for key in "day's plan":
        await pilot.press(key if key != " " else "space")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "DayPlanScreen", "the day's plan")


async def test_the_days_plan_lists_every_block_and_sets_where_the_team_is(tmp_path: Path) -> None:
    path = planned_file(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: day_line(app), "the day line")
        await open_plan(pilot)
        screen = app.screen
        plan = screen.query_one("#plan-list")
        assert plan.highlighted_option.id == "1.3"  # the block on now (by the clock)
        for key in "hello":  # letters do nothing here
            await pilot.press(key)
        assert all(b.started is None for d in app.session.plan for b in d.blocks)
        await pilot.press("ctrl+g")  # we are on this block
        await until(pilot, lambda: app.session.plan[1].blocks[3].started is not None, "the block started")
        assert "▶ now" in str(plan.get_option_at_index(plan.highlighted).prompt)
        await pilot.press("ctrl+down")  # this block and the rest of the day 5 min later
        await until(pilot, lambda: app.session.plan[1].blocks[3].time == "10:50", "the shift")
        assert app.session.plan[1].blocks[-1].time == "15:20" and app.session.plan[1].blocks[2].time == "10:30"
        seen = schedule.today(app.session, FROZEN_NOW.astimezone())
        assert seen.late == 40  # started 11:30 a block now planned for 10:50
        await pilot.press("escape")
        await until(pilot, lambda: "40 min late" in day_line(app), "the line after the shift", detail=day_line)
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("size", [(60, 18), (80, 24), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_room_view_shows_now_and_next_and_fits_a_zoomed_wall(tmp_path: Path, size) -> None:
    path = planned_file(tmp_path)
    app = RoomApp(path, watch=False, zoom_hint=False)
    async with app.run_test(size=size) as pilot:
        line = app.query_one("#room-day", WallLine)
        await until(pilot, lambda: app.view is not None and line.display and line.text, "the day on the wall")
        text = line.text
        assert text.startswith("Now 10:45") and "Health insura" in text
        assert len(text) <= size[0] - 2  # within the wall's padding: shortened, not cut off
        if size[0] >= 80:
            assert "next 12:00 Lunch" in text
        main = app.query_one("#room-main").scrollable_content_region
        assert main.height >= size[1] // 2  # the items keep half the wall
        assert "How can we attract and keep qualified teachers" in " ".join(screen_text(app).split())


async def test_presentation_mode_shows_the_day_too(tmp_path: Path) -> None:
    path = planned_file(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=(60, 18)) as pilot:
        await until(pilot, lambda: day_line(app), "the day line")
        await pilot.press("ctrl+l")
        await pilot.press("f8")
        wall = app.screen.query_one("#wall-day", WallLine)
        await until(
            pilot, lambda: wall.display and "late" in wall.text, "the day on the wall", detail=lambda a: wall.text
        )
        assert wall.text.startswith("Now 08:30–08:50 Review and accept") and wall.text.endswith("· 180 min late")
        assert not app.screen.query_one("#day-line").display  # the frame's line hides while presenting
        await pilot.press("f8")
        await until(pilot, lambda: day_line(app), "the line back")
        await pilot.press("ctrl+q")


# --- pictures ----------------------------------------------------------------------------------


@each_size_and_theme
def test_the_day_line_and_the_days_plan(snap_compare, tmp_path, size, theme):
    """The session screen with today's line after Ctrl+L, then the day's plan over it."""
    app = IbbApp(path=planned_file(tmp_path), theme=theme)

    async def plan(pilot):
        await until(pilot, lambda: "180 min late" in day_line(app), "the lateness")
        app.clear_notifications()  # ("Now on: …" for a few seconds: not in the picture)
        await open_plan(pilot)

    assert picture(snap_compare, app, size, "ctrl+l", then=plan)


@pytest.mark.parametrize("theme", ["projector", "room-dark"])
def test_the_room_view_at_60x18_with_the_day(snap_compare, tmp_path, theme):
    app = RoomApp(planned_file(tmp_path), theme=theme, watch=False, zoom_hint=False)

    async def settle(pilot):
        await until(pilot, lambda: app.view is not None, "the view")
        app.last_good = FROZEN_NOW
        app._paint_foot()
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(60, 18), run_before=settle)


async def test_the_next_sessions_agenda_is_shown_from_what_is_open(tmp_path: Path) -> None:
    from helpers import example

    path = example(tmp_path, "spring-contract.toml")
    before = path.read_bytes()
    app = IbbApp(path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await until(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "the palette")
        for key in "next session's agenda":
            await pilot.press(key if key != " " else "space")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "Panel", "the agenda")
        text = " ".join(screen_text(app).split())
        assert "09:00 Opening: welcome and the day's agenda (15 min)" in text
        assert "Build the next session's agenda (10 min)" in text and "Joint statement to members" in text
        assert "ibb new --after spring-contract.toml" in text
        await pilot.press("escape")
        await pilot.press("ctrl+q")
    assert path.read_bytes() == before  # shown, never written
