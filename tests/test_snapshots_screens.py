"""What a person sees around the sessions, at 80×24 and 160×45 in both themes: the home screen,
setting up a new session, opening one, the library, reviewing a past session, the room view for
the wall, and a training table with its brief and its menu. Each screen is reached the way a person
reaches it: the command's own constructor (``ibb``, ``ibb new``, ``ibb open``, ``ibb review``,
``ibb room``, ``ibb train``) and then keys.

The clock stands still (``frozen_clock``); screens that show a folder use the fixed one
(``fixed_dirs``). Update with ``--snapshot-update`` and look at the pictures before committing.
"""

from __future__ import annotations

import pytest
from helpers import each_size_and_theme, example, new_session_app, picture, until

from ibb_facilitator import agenda, paths, store, training
from ibb_facilitator.samples import generated_session
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.opening import OpeningScreen
from ibb_facilitator.tui.room import RoomApp

pytestmark = pytest.mark.usefixtures("frozen_clock")


@each_size_and_theme
def test_home(snap_compare, size, theme):
    """``ibb``: new session from an agenda (the bundled ones), recent sessions (none yet), the library."""
    assert picture(snap_compare, IbbApp(theme=theme), size)


@each_size_and_theme
def test_setup_new_session(snap_compare, fixed_dirs, size, theme):
    """``ibb new``: the set-up form filled from the agenda, the title field ready for typing."""
    assert picture(snap_compare, new_session_app(theme), size)


@each_size_and_theme
def test_opening(snap_compare, fixed_dirs, gated_open, size, theme):
    """``ibb open FILE``: the first frame, while the file loads behind it (held at a gate here)."""
    path = example(fixed_dirs.sessions, "spring-contract.toml")

    async def opening(pilot):
        def reading() -> bool:
            screen = pilot.app.screen
            return isinstance(screen, OpeningScreen) and "Reading and checking the file" in screen.shown

        await until(pilot, reading, "the opening screen, the load under way")

    app = IbbApp(path=path, open_in_background=True, theme=theme)
    assert picture(snap_compare, app, size, then=opening, workers=False)


@each_size_and_theme
def test_library(snap_compare, fixed_dirs, size, theme):
    """The session library (L on the home screen) over three sessions, sorted by last change.
    F5 rescans once the first index is built: the status line then has no reading time in it."""
    example(fixed_dirs.sessions / "2027", "spring-contract.toml")
    for items, seed in ((60, 1), (120, 2)):
        store.save_session(generated_session(items, seed), fixed_dirs.sessions / f"lakeview-{seed}.toml", backup=False)

    async def indexed(pilot):
        await until(pilot, lambda: pilot.app.screen.scanning is False, "the first index")
        await pilot.press("f5")
        await until(pilot, lambda: pilot.app.screen.scanning is False, "the rescan")

    assert picture(snap_compare, IbbApp(theme=theme), size, "l", then=indexed)


@each_size_and_theme
def test_review(snap_compare, tmp_path, size, theme):
    """``ibb review FILE``: the session read-only, as saved, with its overview."""
    app = IbbApp(review_path=example(tmp_path, "demo.toml"), theme=theme)

    async def shown(pilot):
        await until(pilot, lambda: _on(pilot, "ReviewScreen"), "the review")

    assert picture(snap_compare, app, size, then=shown)


@each_size_and_theme
def test_room_view(snap_compare, tmp_path, size, theme):
    """``ibb room FILE``: the wall's big-type, read-only view of where the session is (Compensation's options)."""
    app = RoomApp(example(tmp_path, "demo.toml"), theme=theme)

    async def loaded(pilot):
        await until(pilot, lambda: pilot.app.view is not None, "the room view")

    assert picture(snap_compare, app, size, then=loaded)


def training_table_app(theme: str) -> IbbApp:
    """``ibb train scenario-maple-valley``: one table's file in the sessions folder, opened."""
    name, chosen = agenda.find("scenario-maple-valley")
    out = paths.new_in_sessions(chosen.title)
    out.parent.mkdir(parents=True, exist_ok=True)
    store.save_session(training.new_table(chosen, name), out, backup=False)
    return IbbApp(path=out, open_in_background=True, theme=theme)


def _on(pilot, kind: str) -> bool:
    return type(pilot.app.screen).__name__ == kind


async def _general_brief(pilot) -> None:
    await until(pilot, lambda: _on(pilot, "GeneralBriefScreen"), "the general brief")


async def _table(pilot) -> None:
    """The brief read and closed (Esc): the table itself."""
    await _general_brief(pilot)
    await pilot.press("escape")
    await until(pilot, lambda: _on(pilot, "SessionScreen"), "the table")


@each_size_and_theme
def test_training_general_brief(snap_compare, size, theme):
    """A new training table opens on the general brief, the one text every player may read."""
    assert picture(snap_compare, training_table_app(theme), size, then=_general_brief)


@each_size_and_theme
def test_training_table(snap_compare, size, theme):
    """The table behind the brief (Esc): the round bar above the session's issues."""
    assert picture(snap_compare, training_table_app(theme), size, then=_table)


@each_size_and_theme
def test_training_menu(snap_compare, size, theme):
    """The trainer's menu (F10): rounds, confidential briefs, results, debrief."""

    async def menu(pilot):
        await _table(pilot)
        await pilot.press("f10")
        await until(pilot, lambda: _on(pilot, "Choose"), "the training menu")

    assert picture(snap_compare, training_table_app(theme), size, then=menu)
