"""What a person sees of a negotiation (issue 15), at 80×24 and 160×45 in both themes: the set-up
form of the next session (``ibb new --after session-1.toml``, or "Next session of …" on the home
screen), with what was carried over; and the board over two sessions, opened with Ctrl+N from the
session being recorded.

The clock stands still (``frozen_clock``); the folder is the fixed one (``fixed_dirs``), so the
paths shown are the same on every machine. Update with ``--snapshot-update`` and look at the
pictures before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import each_size_and_theme, picture, until
from negotiation_world import agree, write_first

from ibb_facilitator import editing, store
from ibb_facilitator.model import IssueStatus
from ibb_facilitator.negotiation import facts
from ibb_facilitator.negotiation.carryover import carry, next_path
from ibb_facilitator.tui.app import IbbApp

pytestmark = pytest.mark.usefixtures("frozen_clock")


def negotiation(sessions: Path) -> tuple[Path, Path]:
    """Session 1 (one TA, open issues, a withdrawn one) and session 2 carried from it, where
    the planning TA is reopened and superseded."""
    facts.forget()
    folder = sessions / "lakeview"
    folder.mkdir(parents=True)
    one, ids = write_first(folder)
    two = carry(store.load_session(one), one.name)
    editing.set_status(two, ids["planning"], IssueStatus.OPEN)
    agree(two, ids["planning"], "16.4 Two common planning periods a week.", title="Common planning")
    path = folder / "session-2.toml"
    store.save_session(two, path, backup=False)
    return one, path


@each_size_and_theme
def test_next_session_setup(snap_compare, fixed_dirs, size, theme):
    """``ibb new --after session-1.toml``: the set-up form of session 2, saying what came over."""
    one, _ = negotiation(fixed_dirs.sessions)
    (one.parent / "session-2.toml").unlink()
    app = IbbApp(new_session=carry(store.load_session(one), one.name), new_path=next_path(one), theme=theme)
    assert picture(snap_compare, app, size)


@each_size_and_theme
def test_board(snap_compare, fixed_dirs, size, theme):
    """Ctrl+N in session 2: every issue of the negotiation, its status, stage, TA in force."""
    _, two = negotiation(fixed_dirs.sessions)

    async def board(pilot):
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "SessionScreen", "the session")
        await pilot.press("ctrl+n")
        await until(pilot, lambda: getattr(pilot.app.screen, "negotiation", None) is not None, "the board")

    assert picture(snap_compare, IbbApp(path=two, theme=theme), size, then=board)


@each_size_and_theme
def test_home_offers_the_next_session(snap_compare, fixed_dirs, size, theme):
    """``ibb`` after session 2 was open: "Next session of <negotiation>" heads the home screen."""
    from ibb_facilitator import recent

    _, two = negotiation(fixed_dirs.sessions)
    recent.remember(two)

    async def offered(pilot):
        await until(pilot, lambda: getattr(pilot.app.screen, "nexts", None), "the negotiation on home")

    assert picture(snap_compare, IbbApp(theme=theme), size, then=offered)


@each_size_and_theme
def test_carried_issue_header(snap_compare, fixed_dirs, size, theme):
    """Session 2 opened at its first open issue: the header says it was carried from session 1."""
    _, two = negotiation(fixed_dirs.sessions)

    async def shown(pilot):
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "SessionScreen", "the session")

    assert picture(snap_compare, IbbApp(path=two, theme=theme), size, then=shown)
