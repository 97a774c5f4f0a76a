"""The dialogs over the session, at 80×24 and 160×45 in both themes: a confirmation, the pointed
item's menu (Ctrl+O), the keys (F1) and the offer of a newer version an interrupted save left.
Each is opened the way a person opens it. Update with ``--snapshot-update`` and look at the
pictures before committing; the clock stands still (``frozen_clock``).
"""

from __future__ import annotations

import os
import time

import pytest
from helpers import FROZEN_NOW, each_size_and_theme, example, new_session_app, picture, until

from ibb_facilitator import editing, store
from ibb_facilitator.tui.app import IbbApp

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _shows(pilot, kind: str) -> bool:
    return type(pilot.app.screen).__name__ == kind and pilot.app.screen.is_mounted


@each_size_and_theme
def test_confirm_discarding_a_new_session(snap_compare, size, theme):
    """``ibb new``, a letter typed into the title, Esc: discard what was typed? (Cancel has the focus)."""

    async def asked(pilot):
        await until(pilot, lambda: _shows(pilot, "AskDiscard"), "the confirmation")

    assert picture(snap_compare, new_session_app(theme), size, "x", "escape", then=asked)


@each_size_and_theme
def test_item_menu(snap_compare, tmp_path, size, theme):
    """Ctrl+O on the pointed option (#1 of Compensation): every command on it."""

    async def menu(pilot):
        await until(pilot, lambda: _shows(pilot, "Choose"), "the item menu")

    app = IbbApp(path=example(tmp_path, "demo.toml"), theme=theme)
    assert picture(snap_compare, app, size, "ctrl+o", then=menu)


@each_size_and_theme
def test_help_keys(snap_compare, fixed_dirs, size, theme):
    """F1 at the options stage: the keys, anywhere and at this stage, and how to show the room
    view of this file (its path: the file is in the fixed folder)."""

    async def keys(pilot):
        await until(pilot, lambda: _shows(pilot, "Panel"), "the keys")

    app = IbbApp(path=example(fixed_dirs.sessions, "demo.toml"), theme=theme)
    assert picture(snap_compare, app, size, "f1", then=keys)


@each_size_and_theme
def test_unsaved_version_offer(snap_compare, tmp_path, size, theme):
    """A save cut off before its rename left a newer version beside the file (``.NAME.…tmp``):
    opening the file offers it (use it, keep both, discard)."""
    path = example(tmp_path, "demo.toml")
    newer = store.load_session(path)
    editing.add_parking(newer, "Bus schedule for the later start")
    tmp = path.with_name(f".{path.name}.k3j4h5.tmp")  # what a save killed before its rename leaves
    tmp.write_text(store.dumps_session(newer), encoding="utf-8")
    stamp = time.mktime(FROZEN_NOW.replace(hour=11, minute=5).timetuple())  # local time, as shown
    os.utime(tmp, (stamp, stamp))

    async def offered(pilot):
        await until(pilot, lambda: _shows(pilot, "Choose"), "the offer")

    assert picture(snap_compare, IbbApp(path=path, theme=theme), size, then=offered)
