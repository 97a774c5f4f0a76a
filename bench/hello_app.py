"""The floor for start-up: a hello-world Textual app that exits right after its first frame.

``bench/tui_bench.py`` times this whole process (interpreter start, ``import textual``, first
refresh) and reports ibb's start-up as a ratio to it, measured in the same run on the same machine.
With ``--report`` it prints, after exiting, the wall-clock time of its first frame as
``FIRST-FRAME <time.time()> <screen class>``, taken by ``on_frames``: the same hook the bench
puts in ``ibb open``, so both first frames are measured alike.

    python bench/hello_app.py [--headless] [--size 160x45] [--report]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static

FRAME_MARK = "FIRST-FRAME"


def on_frames(callback: Callable[[Any, Any], None]) -> None:
    """Call ``callback(app, screen)`` right after every frame any app displays.

    Patches ``App._display``, which takes each frame once the compositor has composed and
    rendered it (headless, the frame is then not written to a terminal)."""
    original = App._display

    def display(self: App, screen: Any, renderable: Any) -> None:
        original(self, screen, renderable)
        if renderable is not None and not self._batch_count:
            callback(self, screen)

    App._display = display  # type: ignore[method-assign]


class HelloApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello")

    def on_mount(self) -> None:
        # Runs once the first frame has been painted (same hook the ibb driver uses).
        self.call_after_refresh(self.exit)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    size = None
    if "--size" in argv:
        width, height = argv[argv.index("--size") + 1].split("x")
        size = (int(width), int(height))
    first: list[tuple[float, str]] = []
    if "--report" in argv:
        on_frames(lambda app, screen: first or first.append((time.time(), type(screen).__name__)))
    HelloApp().run(headless="--headless" in argv, size=size)
    if first:
        print(f"{FRAME_MARK} {first[0][0]:.6f} {first[0][1]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
