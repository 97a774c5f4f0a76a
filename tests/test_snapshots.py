"""What the wall shows, at 80×24 and 160×45, in the projector and the dark theme.

Update the pictures after a deliberate change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at them (``snapshot_report.html``) before committing.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from ibb_facilitator.tui.app import IbbApp

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "spring-contract.toml"
SIZES = {"80x24": (80, 24), "160x45": (160, 45)}


@pytest.fixture(autouse=True)
def _hermetic(tmp_path, monkeypatch):
    monkeypatch.setenv("IBB_CACHE_DIR", str(tmp_path / "cache"))


def _app(tmp_path: Path, theme: str) -> IbbApp:
    path = tmp_path / "demo.toml"
    shutil.copy(EXAMPLE, path)
    return IbbApp(path=path, theme=theme)


async def _steady(pilot) -> None:
    """Let the autosave land, then pin the 'saved' time so the picture does not change."""
    await pilot.pause()
    pilot.app.flush()
    await pilot.app.workers.wait_for_complete()
    pilot.app.last_saved = datetime(2027, 3, 10, 11, 30)
    pilot.app._paint_title()
    for box in pilot.app.screen.query("Input"):
        box.cursor_blink = False  # a blinking cursor makes two pictures of one screen
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.3)  # every widget has painted (the Digits and the grouped columns too)


@pytest.mark.parametrize("theme", ["projector", "room-dark"])
@pytest.mark.parametrize("size", SIZES)
def test_options_stage(snap_compare, tmp_path, size, theme):
    async def settle(pilot):
        await _steady(pilot)

    assert snap_compare(_app(tmp_path, theme), terminal_size=SIZES[size], run_before=settle)


@pytest.mark.parametrize("theme", ["projector", "room-dark"])
@pytest.mark.parametrize("size", SIZES)
def test_consensus_with_responses(snap_compare, tmp_path, size, theme):
    async def respond(pilot):
        await pilot.press("alt+right", "alt+right", "ctrl+r", "4", "5", "1", "3")  # voting: the frame says so
        await _steady(pilot)

    assert snap_compare(_app(tmp_path, theme), terminal_size=SIZES[size], run_before=respond)


@pytest.mark.parametrize("size", SIZES)
def test_interests_side_by_side(snap_compare, tmp_path, size):
    async def grouped(pilot):
        await pilot.press("alt+left", "ctrl+g")
        await _steady(pilot)

    assert snap_compare(_app(tmp_path, "projector"), terminal_size=SIZES[size], run_before=grouped)
