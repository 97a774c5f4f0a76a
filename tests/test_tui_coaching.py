"""The coaching panel (issue 16): Ctrl+Y shows the facilitator's notes on the issue in hand under
the stage; they follow the session as it changes; the wall of presentation mode (F8) and the
room view never show them unless the facilitator chooses it; the toggle is this computer's
preference, never part of the session file."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import EXAMPLE, screen_text, until, walk_to
from recorder import enter, type_line

from ibb_facilitator import preferences
from ibb_facilitator.model import Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.coaching import CoachingPanel
from ibb_facilitator.tui.room import RoomApp

POSITION = "We want a 4% raise [/b] now"  # markup-like text is shown as typed
REASON = f"‘{POSITION}’ reads as a position"


def words(text: str) -> str:
    return " ".join(text.split())


def example(tmp_path: Path) -> Path:
    path = tmp_path / "s.toml"
    shutil.copyfile(EXAMPLE, path)
    return path


def panel(app: IbbApp) -> CoachingPanel:
    return app.screen.query_one(CoachingPanel)


def panel_text(app: IbbApp) -> str:
    return words(str(panel(app).query_one("#coaching-notes").render()))


async def test_ctrl_y_shows_the_notes_they_follow_the_session_and_never_reach_the_wall(tmp_path: Path) -> None:
    path = example(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await walk_to(pilot, Stage.INTERESTS)
        await enter(pilot, POSITION)
        assert not panel(app).display  # off until the facilitator asks
        assert REASON not in words(screen_text(app))

        await pilot.press("ctrl+y")
        await until(pilot, lambda: panel(app).display and REASON in panel_text(app), "the coaching notes")
        assert REASON in words(screen_text(app))
        assert preferences.load().coaching  # kept for next time, on this computer
        assert app.screen.query_one("#capture").has_focus  # the capture line keeps the keyboard

        # typed keys, Ctrl+Y's letter included, are text: a sentence does not hide the panel
        await type_line(pilot, "We need y two more planning periods")
        await until(pilot, lambda: "‘We need y two more planning periods’" in panel_text(app), "the new note")
        assert panel(app).display
        await pilot.press("ctrl+z")  # an undo takes its note away
        await until(pilot, lambda: "We need y two" not in panel_text(app), "the note gone with the undo")

        await pilot.press("f8")  # the wall: no coaching
        await until(pilot, lambda: not panel(app).display, "the panel hidden on the wall")
        assert REASON not in words(screen_text(app))
        await pilot.press("f8")
        await until(pilot, lambda: panel(app).display, "the panel back with the frame")

        await pilot.press("ctrl+y")
        await until(pilot, lambda: not panel(app).display, "the panel hidden")
        assert not preferences.load().coaching
        await pilot.press("ctrl+q")
    saved = path.read_text(encoding="utf-8")
    assert POSITION in saved and "coaching" not in saved and "reads as a position" not in saved


async def test_the_room_view_never_shows_coaching(tmp_path: Path) -> None:
    path = example(tmp_path)
    preferences.save(preferences.Preferences(coaching=True, coaching_on_wall=True))
    app = IbbApp(path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await walk_to(pilot, Stage.INTERESTS)
        await enter(pilot, POSITION)
        await until(pilot, lambda: REASON in panel_text(app), "the coaching notes")
        await pilot.press("ctrl+q")
    room = RoomApp(path, watch=False, zoom_hint=False)
    async with room.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: POSITION in words(screen_text(room)), "the room view")
        shown = words(screen_text(room))
        assert "reads as a position" not in shown and "Coaching" not in shown


async def test_the_palette_puts_the_notes_on_the_wall_when_the_facilitator_chooses(tmp_path: Path) -> None:
    app = IbbApp(path=example(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await walk_to(pilot, Stage.INTERESTS)
        await enter(pilot, POSITION)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Coaching notes" in commands  # Ctrl+Y, by name
        commands["Coaching notes on the wall"].callback()
        await pilot.press("f8")
        await until(pilot, lambda: panel(app).display and REASON in words(screen_text(app)), "the notes on the wall")
        assert preferences.load().coaching_on_wall
        assert "the facilitator chose it" in str(panel(app).border_title)
        await pilot.press("ctrl+q")


async def test_a_copy_served_to_browsers_starts_without_coaching_and_keeps_no_preference(
    tmp_path: Path, monkeypatch
) -> None:
    from ibb_facilitator.served import SERVED_FOLDER_ENV

    preferences.save(preferences.Preferences(coaching=True))  # the facilitator's, on this computer
    path = example(tmp_path)
    monkeypatch.setenv(SERVED_FOLDER_ENV, str(tmp_path))  # ibb serve --full: anyone's who reaches it
    app = IbbApp(path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await walk_to(pilot, Stage.INTERESTS)
        assert not panel(app).display
        await pilot.press("ctrl+y")  # a viewer may look, for this tab only
        await until(pilot, lambda: panel(app).display, "the panel in this tab")
        await pilot.press("ctrl+y")
        await until(pilot, lambda: not panel(app).display, "the panel hidden")
        await pilot.press("ctrl+q")
    assert preferences.load() == preferences.Preferences(coaching=True)  # untouched
