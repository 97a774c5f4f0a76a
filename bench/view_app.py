"""What Textual itself costs to change a stage-sized part of the screen: a reference for the
stage switch (``bench/terminal_bench.py``), not a floor the targets are judged against.

A tiny Textual app with the session screen's shape: a title line, a framed body 36 lines high
and the full width, a key bar. Alt+Right / Alt+Left put the next / previous of three views in the
body (each 34 lines of text across the width, a few styled runs a line, like a stage's list and
grid: made once, before any key), in one ``Static.update``; every key is echoed on the first line
(``#N key view V``) as ``bench/echo_app.py`` does. The least any Textual app can do to replace
a stage's view is about this: the time from the key's bytes to the new view on the screen,
over the echo app's, says how much of ibb's stage switch is Textual drawing that many lines.

    python bench/view_app.py
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.events import Key
from textual.widgets import Static

VIEWS = 3
LINES = 34


def view(n: int, width: int = 150) -> Content:
    lines = []
    for row in range(1, LINES + 1):
        words = f"view {n} row {row}: how can we schedule common planning time for every team " * 3
        lines.append(
            Content.assemble(
                (f"#{row:<3}", "bold"),
                (" B ", "reverse"),
                " ",
                words[: width - 14],
                (f" {row % 6}", "italic"),
            )
        )
    return Content("\n").join(lines)


class ViewApp(App[None]):
    CSS = """
    #echo { height: 1; }
    #body { height: 36; border: round $accent; padding: 0 1; }
    #keys { dock: bottom; height: 1; background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.shown = 0
        self.views = [view(n) for n in range(VIEWS)]

    def compose(self) -> ComposeResult:
        yield Static(Content("ready"), id="echo")
        yield Static(self.views[0], id="body")
        yield Static(Content("Alt+→ next view · Alt+← previous · Ctrl+Q quit"), id="keys")

    def on_key(self, event: Key) -> None:
        if event.key == "ctrl+q":
            self.exit()
            return
        self.count += 1
        step = {"alt+right": 1, "alt+left": -1}.get(event.key, 0)
        if step:
            self.shown = (self.shown + step) % VIEWS
            self.query_one("#body", Static).update(self.views[self.shown])
        self.query_one("#echo", Static).update(Content(f"#{self.count} {event.key} view {self.shown}"))


if __name__ == "__main__":
    ViewApp().run()
