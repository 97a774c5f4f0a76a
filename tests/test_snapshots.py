"""What the wall shows of a session, stage by stage, at 80×24 and 160×45, in the projector and the
dark theme: each screen reached with the recorder's keys from the bundled example (which opens on
issue 2, Compensation, at its options).

Update the pictures after a deliberate change with ``pytest tests/test_snapshots*.py --snapshot-update``
and look at them (``snapshot_report.html``) before committing. The clock stands still (``frozen_clock``).
"""

from __future__ import annotations

import pytest
from helpers import each_size_and_theme, example, picture

from ibb_facilitator.tui.app import IbbApp

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _app(tmp_path, theme: str) -> IbbApp:
    return IbbApp(path=example(tmp_path, "demo.toml"), theme=theme)


@each_size_and_theme
def test_issues_stage(snap_compare, tmp_path, size, theme):
    """Every issue of the session with its article and status (Alt+← twice from the options)."""
    assert picture(snap_compare, _app(tmp_path, theme), size, "alt+left", "alt+left")


@each_size_and_theme
def test_interests_stage(snap_compare, tmp_path, size, theme):
    """Compensation's interests, one a line, each with its holder's badge (U, M, B on the side's colour),
    with the holder at the capture line."""
    assert picture(snap_compare, _app(tmp_path, theme), size, "alt+left")


@each_size_and_theme
def test_interests_side_by_side(snap_compare, tmp_path, size, theme):
    """The same interests grouped by holder in columns (Ctrl+G)."""
    assert picture(snap_compare, _app(tmp_path, theme), size, "alt+left", "ctrl+g")


@each_size_and_theme
def test_options_stage(snap_compare, tmp_path, size, theme):
    """The session as it opens: Compensation's brainstormed options."""
    assert picture(snap_compare, _app(tmp_path, theme), size)


@each_size_and_theme
def test_criteria_grid(snap_compare, tmp_path, size, theme):
    """Class size's criteria and the rating grid (Alt+↑ to issue 1, Alt+← to its criteria)."""
    assert picture(snap_compare, _app(tmp_path, theme), size, "alt+up", "alt+left")


@each_size_and_theme
def test_criteria_rating_mode(snap_compare, tmp_path, size, theme):
    """The grid in rating mode (Ctrl+R): the frame says so, keys 0-5 rate the cell."""
    assert picture(snap_compare, _app(tmp_path, theme), size, "alt+up", "alt+left", "ctrl+r")


@each_size_and_theme
def test_criteria_weighted_and_screened(snap_compare, tmp_path, size, theme):
    """Rating mode, C2 weighed ×2 (Shift+↑) and C1 must-pass at 3 (Shift+→ three times): option #1,
    rated 1 on C1, is struck with its reason and has no rank; the banner (cursor on #1) says why, whole."""
    keys = ("alt+up", "alt+left", "ctrl+r", "right", "shift+up", "left", "shift+right", "shift+right", "shift+right")

    async def no_toasts(pilot) -> None:  # each step said what it did: the grid is the picture here
        pilot.app.clear_notifications()
        await pilot.pause()

    assert picture(snap_compare, _app(tmp_path, theme), size, *keys, then=no_toasts)


@each_size_and_theme
def test_consensus_stage(snap_compare, tmp_path, size, theme):
    """Class size at consensus: the people who count, the checks taken and the initialed TA."""
    assert picture(snap_compare, _app(tmp_path, theme), size, "alt+up")


@each_size_and_theme
def test_consensus_with_responses(snap_compare, tmp_path, size, theme):
    """Voting on Compensation (Ctrl+R): four people have answered, the frame says voting."""
    keys = ("alt+right", "alt+right", "ctrl+r", "4", "5", "1", "3")
    assert picture(snap_compare, _app(tmp_path, theme), size, *keys)
