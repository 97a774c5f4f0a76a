"""The first screen of ``ibb open FILE``: which file is opening, while it loads behind.

Reading and checking a big session takes a while (up to a second for 10,000 items here), and
importing the session core (pydantic and the models) another tenth: the app paints this screen
first, then does both on a thread worker (``IbbApp.open_behind_screen``) and switches to the
session. The worker posts what it is doing (``Progress``); the screen shows it as text.

Keys typed meanwhile are held by the app (``IbbApp.on_event``), in order, and handed to the
session screen once it is shown, one by one as if typed then: what became of them when the app
opened the file before its first frame (the terminal kept them until the session was there),
minus the burst. Ctrl+Q quits at once. If the file cannot be opened, the held keys are dropped,
never applied to the error panel, and the panel says so.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from .text import join, literal


def file_size(path: Path) -> str:
    """The file's size for people ("48 KB", "9.6 MB"), or "" if it cannot be read."""
    try:
        size = path.stat().st_size
    except OSError:
        return ""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


class OpeningScreen(Screen[None]):
    """One framed block of text, centred: the file, where it is and its size, what is being done,
    and what happens to keys. Lean on purpose (one widget, no header: ~10 ms less to the first
    frame than five labels under a header). Progress is text, one line per step (``Progress``),
    not an animation: a spinner's frames would compete with the loading thread for the
    interpreter (about 25 ms of CPU on a typical start-up here), and the wait is a second at most.
    Two steps are shown: loading the program, then reading and checking the file (the long one
    for a big file); every repaint here is time taken from the loading thread."""

    class Progress(Message):
        """What the loading thread is doing now (posted from that thread)."""

        def __init__(self, text: str):
            super().__init__()
            self.text = text

    CSS_PATH = "opening.tcss"

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        where = str(path.resolve().parent)
        size = file_size(path)
        self.where = f"{where}  ·  {size}" if size else where
        self.status = "Loading the program…"
        self.keys = "Keys you type now go to the session once it is open."

    def compose(self) -> ComposeResult:
        yield Static(self.content(), id="opening")

    def content(self) -> Content:
        return join(
            ("Opening ", "bold"),
            literal(self.path.name, "bold"),
            "\n",
            literal(self.where),
            "\n\n",
            (self.status, "bold underline"),
            "\n\n",
            self.keys,
            "\nCtrl+Q quits",
        )

    @property
    def shown(self) -> str:
        """The screen's text, plain."""
        return self.content().plain

    def on_mount(self) -> None:
        self.app.sub_title = f"{self.path.name} · opening…"

    def on_opening_screen_progress(self, message: Progress) -> None:
        self.status = message.text
        self.query_one("#opening", Static).update(self.content())

    def show_held(self, n: int) -> None:
        """Say how many keys are held for the session (``IbbApp`` holds them)."""
        self.keys = (
            f"{n:,} key{'' if n == 1 else 's'} typed: {'it goes' if n == 1 else 'they go'} "
            "to the session once it is open."
        )
        self.query_one("#opening", Static).update(self.content())
