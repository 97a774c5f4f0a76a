"""The floor for start-up: a hello-world Textual app that exits right after its first frame.

``bench/tui_bench.py`` times this whole process (interpreter start, ``import textual``, first
refresh) and reports ibb's start-up as a ratio to it, measured in the same run on the same machine.

    python bench/hello_app.py [--headless] [--size 160x45]
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Static


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
    HelloApp().run(headless="--headless" in argv, size=size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
