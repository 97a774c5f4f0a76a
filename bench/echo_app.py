"""The floor for key latency: a tiny Textual app that shows the last key it was sent.

``bench/terminal_bench.py`` runs it in a pseudo-terminal beside ``ibb open`` and sends it the
same key bytes, interleaved: the time from the bytes written to the screen showing
``#N key`` is what any Textual app costs for a key on this machine, at this moment (terminal
driver, key parser, message pump, one compositor frame, the pty and the emulator), so the
real app's figures are reported as ratios to it.

    python bench/echo_app.py
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.events import Key
from textual.widgets import Static


class EchoApp(App[None]):
    CSS = "#echo { padding: 1 2; }"

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static(Content("ready"), id="echo")

    def on_key(self, event: Key) -> None:
        if event.key == "ctrl+q":
            self.exit()
            return
        self.count += 1
        self.query_one("#echo", Static).update(Content(f"#{self.count} {event.key}"))


if __name__ == "__main__":
    EchoApp().run()
