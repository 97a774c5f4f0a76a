"""What pilot tests share: the bundled example, waiting for the app, walking the stages.

The recorder's keys (typing, pointing, the item menu) are in ``recorder.py``; the sessions are
built in ``ibb_facilitator.samples``; the fixtures (the hermetic user folders among them) are in
``conftest.py``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.css.query import NoMatches

from ibb_facilitator.model import Stage

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "spring-contract.toml"  # session 3 of the Maple Valley negotiation


def example(folder: Path, name: str = "s.toml") -> Path:
    """A working copy of the bundled example, ``folder/name`` (the folder made if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    shutil.copyfile(EXAMPLE, path)
    return path


async def until(
    pilot: Any,
    condition: Callable[[], object],
    what: str = "the condition",
    timeout: float = 30.0,
    detail: Callable[[Any], str] | None = None,
) -> None:
    """Let the app work until ``condition()`` holds; generous, for a busy machine.

    A query that finds nothing counts as "not yet": a screen is on the stack before its widgets
    are mounted, and under load that gap is long. Fails at once if the app stops first, and on
    timeout names the screen shown (and ``detail(app)``, where given)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except NoMatches:
            pass
        app = pilot.app
        if not app.is_running:
            raise AssertionError(f"the app stopped while waiting for {what}")
        if time.monotonic() > deadline:
            shown = f"; the screen is {type(app.screen).__name__}"
            extra = f"; it shows:\n{detail(app)}" if detail is not None else ""
            raise AssertionError(f"timed out waiting for {what}{shown}{extra}")
        await pilot.pause(0.02)


async def walk_to(pilot: Any, stage: Stage) -> None:
    """Alt+→ / Alt+← to ``stage`` of the current issue, as the recorder does."""
    from ibb_facilitator.tui.session_screen import SessionScreen

    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    order = list(Stage)
    for _ in range(len(order) + 1):
        if screen.stage is stage:
            return
        await pilot.press("alt+right" if order.index(stage) > order.index(screen.stage) else "alt+left")
        await pilot.pause()
    assert screen.stage is stage, f"walked to {screen.stage}, not {stage}"
