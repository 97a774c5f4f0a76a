"""Smaller defects of issue 11 (point 7), each pinned by a test that failed before its fix.

- a file that is not a session (``ibb open notes.txt``): the error panel, then Esc leads to the
  home screen, never to a blank screen;
- screenshots: saved where the user can find them, the full path said in a toast without markup,
  and a failure says why;
- a new session's file name follows the title as edited in the set-up form;
- the set-up form: its first field is focused, and Esc asks before discarding what was typed;
- moving between stages (the cursor only) never replaces the ``.bak``: the last real backup stays;
- a read-only second copy follows the writer's saves.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.home import HomeScreen
from ibb_facilitator.tui.modals import Panel

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "spring-contract.toml"
SIZE = (120, 40)


def example(tmp_path: Path, name: str = "s.toml") -> Path:
    path = tmp_path / name
    shutil.copy(EXAMPLE, path)
    return path


async def wait_for(pilot, condition, what: str = "the condition", timeout: float = 20.0) -> None:
    """Poll ``condition`` (a query that finds nothing yet counts as "not yet")."""
    from textual.css.query import NoMatches

    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                break
        except NoMatches:
            pass
        assert time.monotonic() < deadline, f"timed out waiting for {what}; screen is {type(pilot.app.screen).__name__}"
        await pilot.pause(0.02)
    await pilot.pause()


def panel_text(app) -> str:
    return " ".join(text for text, _ in app.screen.lines)


# --- 1. a failed open leads back to the home screen ---------------------------------------------


@pytest.mark.parametrize("background", [True, False], ids=["ibb-open", "open-before-first-frame"])
async def test_esc_after_a_failed_open_shows_the_home_screen(tmp_path: Path, background: bool) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Shopping: milk, [bread], eggs\n", encoding="utf-8")
    before = notes.read_bytes()
    app = IbbApp(path=notes, open_in_background=background)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, Panel), "the error panel")
        assert "notes.txt" in panel_text(app) and "The file was not changed." in panel_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
        assert app.screen.query_one("#home-list").has_focus
        await pilot.press("ctrl+q")
    assert notes.read_bytes() == before


# --- 2. screenshots: where the user finds them, said plainly ------------------------------------


def toasts(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def test_a_screenshot_is_saved_beside_the_session_and_the_toast_says_where(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/Downloads (Textual's default)
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    path = example(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.action_screenshot()
        await wait_for(pilot, lambda: toasts(app), "the toast")
        shots = sorted(tmp_path.glob("*.svg"))
        assert len(shots) == 1 and shots[0].name.startswith("s-screenshot-")
        assert "<svg" in shots[0].read_text(encoding="utf-8")
        assert toasts(app) == [f"Screenshot: Saved to {shots[0]}"]  # the full path; no markup
        assert all(not n.markup for n in app._notifications)
        await pilot.press("ctrl+q")


async def test_a_screenshot_from_the_home_screen_goes_to_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    app = IbbApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.action_screenshot()
        await wait_for(pilot, lambda: toasts(app), "the toast")
        shots = sorted(tmp_path.glob("*.svg"))
        assert len(shots) == 1 and toasts(app) == [f"Screenshot: Saved to {shots[0]}"]
        await pilot.press("ctrl+q")


async def test_a_screenshot_that_cannot_be_saved_says_why(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = IbbApp(path=example(tmp_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        missing = tmp_path / "gone"
        app.action_screenshot("shot.svg", str(missing))
        await wait_for(pilot, lambda: toasts(app), "the toast")
        assert toasts(app) == [f"Screenshot: Not saved: {missing / 'shot.svg'}: No such file or directory"]
        assert not missing.exists()  # nothing surprising made for it
        await pilot.press("ctrl+q")
