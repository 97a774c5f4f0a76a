"""Widgets the room sees: the stage stepper, the stage timer, the caucus clock."""

from __future__ import annotations

from datetime import datetime

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Digits, Input, Label, Static

from ..model import Stage
from .text import literal

STAGE_NAMES = {
    Stage.ISSUES: "Issues",
    Stage.INTERESTS: "Interests",
    Stage.OPTIONS: "Options",
    Stage.CRITERIA: "Criteria",
    Stage.CONSENSUS: "Consensus",
}


class Stepper(Static):
    """issues ▸ interests ▸ options ▸ criteria ▸ consensus, with the current stage lit."""

    def show(self, order: list[Stage], current: Stage) -> None:
        parts: list[Content | tuple[str, str]] = []
        reached = True
        compact = self.app.size.width < 110  # 80 columns: drop the numbers, keep every stage
        for n, stage in enumerate(order):
            if n:
                parts.append(("›" if compact else " ▸ ", "dim"))
            label = f"{STAGE_NAMES[stage]}" if compact else f" {n + 1} {STAGE_NAMES[stage]} "
            if stage is current:
                parts.append((label, "bold reverse"))
                reached = False
            else:
                parts.append((label, "bold" if reached else ""))
        self.update(Content.assemble(*parts))


def mmss(seconds: int) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60:02d}:{seconds % 60:02d}"


class StageTimer(Vertical):
    """The stage's time box, counting down in big numerals; warns in the last minute."""

    remaining: reactive[int] = reactive(0)
    running: reactive[bool] = reactive(False)

    def __init__(self, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.box_minutes = 0
        self._warned = False

    def compose(self) -> ComposeResult:
        yield Digits("00:00", id="timer-digits")
        yield Label("", id="timer-label")

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    def reset(self, minutes: int) -> None:
        self.box_minutes = minutes
        self.running = False
        self._warned = False
        self.remaining = minutes * 60
        self._paint()

    def toggle(self) -> None:
        self.running = not self.running
        self._paint()

    def add_minute(self) -> None:
        self.remaining += 60
        if self.remaining > 60:
            self._warned = False
        self._paint()

    def _tick(self) -> None:
        if self.running:
            self.remaining -= 1
            if self.remaining == 0 and not self._warned:
                self._warned = True
                self.app.bell()
                self.app.notify("Time box is up for this stage: +1 min (F3) or move on.", title="Time", severity="warning")

    def watch_remaining(self) -> None:
        self._paint()

    def _paint(self) -> None:
        if not self.is_mounted:
            return
        self.query_one(Digits).update(mmss(self.remaining))
        state = "running" if self.running else "paused"
        box = f"{self.box_minutes} min box" if self.box_minutes else "no time box"
        self.query_one("#timer-label", Label).update(f"{box} · {state}")
        self.set_class(self.remaining <= 60 and self.remaining > 0, "-warning")
        self.set_class(self.remaining <= 0 and bool(self.box_minutes or self.running), "-over")


class CaucusClock(Static):
    """A clear banner with the running caucus and its clock."""

    def __init__(self, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.label = ""
        self.start: datetime | None = None

    def on_mount(self) -> None:
        self.set_interval(1, self._paint)

    def show(self, label: str, start: datetime | None) -> None:
        self.label, self.start = label, start
        self.display = start is not None
        self._paint()

    def _paint(self) -> None:
        if self.start is None:
            return
        elapsed = int((datetime.now().astimezone() - self.start).total_seconds())
        self.update(Content.assemble(("CAUCUS ", "bold"), literal(self.label), (f"  {mmss(elapsed)}  ", "bold"), ("F5 ends it", "")))


class LinesInput(Input):
    """An Input that never drops pasted lines (Textual's Input keeps only the first).

    With ``split=True`` a paste of several lines posts ``LinesInput.Lines`` so the screen can
    add one item a line; otherwise the lines are joined with spaces in place.
    """

    class Lines(Message):
        def __init__(self, input: "LinesInput", lines: list[str]) -> None:
            super().__init__()
            self.input = input
            self.lines = lines

        @property
        def control(self) -> "LinesInput":
            return self.input

    def __init__(self, *args: object, split: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.split = split

    def _on_paste(self, event: events.Paste) -> None:
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        lines = [line for line in text.split("\n") if line.strip()]
        if len(lines) <= 1:
            return  # Textual calls Input._on_paste next (handlers run down the class hierarchy)
        event.stop()
        event.prevent_default()
        if self.split:
            self.post_message(self.Lines(self, lines))
        else:
            self.insert_text_at_cursor(" ".join(line.strip() for line in lines))


class KeyBar(Static):
    """The keys of the moment in one line: a single widget repainted when the keys change.

    Textual's Footer rebuilds a widget per key on every change of focus or stage (about half the
    cost of a stage switch here, and its old widgets linger); the room needs only the words.
    """

    DEFAULT_CSS = """
    KeyBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._paint)
        self._paint()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _paint(self, *_: object) -> None:
        parts: list[Content | tuple[str, str]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or not binding.description or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            parts += [(self.app.get_key_display(binding), "bold $accent"), (f" {binding.description}  ", "")]
        parts.append(("^p", "bold $accent"))
        parts.append((" palette", ""))
        self.update(Content.assemble(*parts), layout=False)
