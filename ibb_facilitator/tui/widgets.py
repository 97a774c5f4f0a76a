"""Widgets the room sees: the stage stepper, the stage timer, the caucus clock, the item lists
(the rating grid's table is ``scoretable.py``).

Each repaints only what changed: a key press on a 2,000-item session must reach the screen within
a frame, and a Textual widget refreshed for nothing still costs a re-render (and often a layout).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Digits, Header, Input, Label, OptionList, Static
from textual.widgets._header import HeaderClock, HeaderClockSpace, HeaderIcon, HeaderTitle
from textual.widgets.option_list import Option

from .. import process
from ..model import Caucus, Stage
from .text import ControlSymbols, literal

STAGE_NAMES = {
    Stage.ISSUES: "Issues",
    Stage.INTERESTS: "Interests",
    Stage.OPTIONS: "Options",
    Stage.CRITERIA: "Criteria",
    Stage.CONSENSUS: "Consensus",
}


class SteadyTitle(HeaderTitle):
    """The header's title: one line as wide as the header whatever it says, so a new title
    repaints that line without laying the screen out again. (Textual's re-laid out the whole
    screen for every "saving…" and "saved 10:41:07" of every change: ~9 ms twice a change, the
    first on the key's own path; bench/terminal_bench.py saw a grid digit take 11 ms.)"""

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(content, layout=False)


class TitleBar(Header):
    """Textual's ``Header`` (the icon, the title, the clock space) with a ``SteadyTitle``."""

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield SteadyTitle()
        yield HeaderClock().data_bind(Header.time_format) if self._show_clock else HeaderClockSpace()


class Stepper(Static):
    """issues ▸ interests ▸ options ▸ criteria ▸ consensus, with the current stage lit."""

    _shown: tuple[object, ...] | None = None

    def show(self, order: list[Stage], current: Stage) -> None:
        compact = self.app.size.width < 110  # 80 columns: drop the numbers, keep every stage
        shown = (tuple(order), current, compact)
        if shown == self._shown:
            return  # unchanged: no re-render, no layout
        self._shown = shown
        parts: list[Content | tuple[str, str]] = []
        reached = True
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
        self._painted: tuple[str, str, bool, bool] | None = None

    def compose(self) -> ComposeResult:
        yield Digits("00:00", id="timer-digits")
        yield Label("", id="timer-label")

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    def reset(self, minutes: int) -> None:
        self.resume(minutes, minutes * 60, running=False)

    def resume(self, minutes: int, remaining: int, running: bool) -> None:
        """Show a timer as it was left (a reopened file, the room's own clock)."""
        self.box_minutes = minutes
        self.running = running
        self._warned = remaining <= 0
        self.remaining = remaining
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
                self.app.notify(
                    "Time box is up for this stage: +1 min (F3) or move on.", title="Time", severity="warning"
                )

    def watch_remaining(self) -> None:
        self._paint()

    def _paint(self) -> None:
        if not self.is_mounted:
            return
        state = "running" if self.running else "paused"
        box = f"{self.box_minutes} min box" if self.box_minutes else "no time box"
        painted = (
            mmss(self.remaining),
            f"{box} · {state}",
            self.remaining <= 60 and self.remaining > 0,
            self.remaining <= 0 and bool(self.box_minutes or self.running),
        )
        before = self._painted or ("", "", None, None)
        if painted == before:
            return  # a stage switch resets the timer: most often to what it already shows
        self._painted = painted
        digits, label, warning, over = painted
        if digits != before[0]:
            self.query_one(Digits).update(digits)
        if label != before[1]:
            self.query_one("#timer-label", Label).update(label)
        self.set_class(warning, "-warning")
        self.set_class(over, "-over")


def caucus_time(caucus: Caucus, at: datetime) -> tuple[str, bool]:
    """A caucus's clock as the screens show it, and whether it runs over: counting down the
    minutes the team took ("03:12 left of 5 min", "+01:05 over its 5 min"), else up."""
    left = process.caucus_left(caucus, at)
    if left is None:
        return mmss(int(((caucus.end or at) - caucus.start).total_seconds())), False
    if left >= 0:
        return f"{mmss(left)} left of {caucus.minutes} min", False
    return f"+{mmss(-left)} over its {caucus.minutes} min", True


class CaucusClock(Static):
    """A clear banner with the running caucus and its clock: counting down the minutes the
    team took (the ground rules' limit), then how far over, as the stage timer does."""

    def __init__(self, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.label = ""
        self.caucus: Caucus | None = None
        self._rang = False

    def on_mount(self) -> None:
        self.set_interval(1, self._paint)

    def show(self, label: str, caucus: Caucus | None) -> None:
        if (label, caucus) == (self.label, self.caucus) and self.display == (caucus is not None):
            return  # the same caucus: the one-second tick repaints the clock
        if caucus is None or self.caucus is None or caucus.id != self.caucus.id:
            self._rang = False
        self.label, self.caucus = label, caucus
        self.display = caucus is not None
        self._paint()

    def _paint(self) -> None:
        caucus = self.caucus
        if caucus is None:
            return
        shown, over = caucus_time(caucus, datetime.now().astimezone())
        if over and not self._rang:  # once, as the stage's time box does
            self._rang = True
            self.app.bell()
            self.app.notify(f"The caucus is over its {caucus.minutes} minutes.", title="Caucus", severity="warning")
        self.set_class(over, "-over")
        # One line high (app.tcss) and as wide as the screen: the text never changes its size.
        self.update(
            Content.assemble(("CAUCUS ", "bold"), literal(self.label), (f"  {shown}  ", "bold"), ("F5 ends it", "")),
            layout=False,
        )


class LinesInput(ControlSymbols, Input):
    """The capture line: Enter hands the item over at once, and no pasted word is dropped.

    - Enter is handled here, in the input's own turn, not as a binding: Textual runs bindings
      only after the key has bubbled up to the app, so while the app is busy the keys typed
      behind Enter reached the input first and joined the item ("ab⏎fix" became "abfix").
      Here the line is emptied as Enter is read and ``Submitted`` carries what was typed; a
      handler that refuses the item puts it back with :meth:`give_back`.
    - Textual's Input keeps only the first line of a paste (and a paste starting with a line
      break, or holding U+2028 or a form feed, kept nothing after it). Here blank lines are
      dropped and, with ``split=True``, a paste of several lines posts ``LinesInput.Lines`` so
      the screen can add one item a line; otherwise the lines are joined with spaces.
    - Control characters in the value show as symbols (``ControlSymbols``), as ``literal``
      shows them elsewhere; the value itself is kept as typed.
    - A key typed repaints the line only: Input sets its virtual size (a layout reactive) on
      every change, which laid the whole screen out again per key. The line's size is fixed
      (CSS) and it has no scrollbar, so its virtual size, which its sideways scroll reads, is
      set without a layout.
    """

    class Lines(Message):
        def __init__(self, input: LinesInput, lines: list[str]) -> None:
            super().__init__()
            self.input = input
            self.lines = lines

        @property
        def control(self) -> LinesInput:
            return self.input

    def __init__(self, *args: object, split: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.split = split

    def _watch_value(self, value: str) -> None:
        if not self.styles.auto_dimensions:  # Input's own watcher then finds the size unchanged
            self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)

    async def _on_key(self, event: events.Key) -> None:
        if event.key != "enter":
            return  # Input._on_key runs next (handlers run down the class hierarchy)
        event.stop()
        event.prevent_default()
        await self.action_submit()

    on_submit: Callable[[str], object] | None = None
    """Called with the line at Enter, in the same turn (one frame for the emptied line and what
    the item changed); without it, ``Submitted`` is posted."""

    async def action_submit(self) -> None:
        text, self.value = self.value, ""
        if self.on_submit is not None:
            with self.app.batch_update():
                self.on_submit(text)
            return
        self.post_message(self.Submitted(self, text))

    def give_back(self, text: str) -> None:
        """Put a refused item back in the line to be fixed, ahead of anything typed since."""
        self.value = text + self.value
        self.cursor_position = len(text)

    def add_lines(self, lines: list[str], submit: Callable[[str], bool]) -> None:
        """A pasted list: one item a line, in order, each as if typed and entered (``submit``
        says whether it was added; a refused one is given back). At the first refused line the
        rest wait: that line is in the input to be fixed, and the notice says what was not added
        (the words are still on the clipboard), so refused lines never pile up in one input."""
        self.value = ""
        added = 0
        for line in lines:
            if not submit(line):
                break
            added += 1
        if added == len(lines):
            self.app.notify(f"{len(lines)} pasted lines added, one item each.", timeout=3)
            return
        rest = len(lines) - added - 1
        message = f"{added} of {len(lines)} pasted lines added. Line {added + 1} was not: it is in the input to fix."
        if rest:
            message += (
                f" The {rest} after it {'was' if rest == 1 else 'were'} not added: "
                f"paste {'it' if rest == 1 else 'them'} again."
            )
        self.app.notify(message, title="Paste", severity="warning", timeout=8)

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # Input._on_paste would keep the first line only
        lines = [line for line in event.text.splitlines() if line.strip()]
        if len(lines) > 1 and self.split:
            self.post_message(self.Lines(self, lines))
            return
        text = lines[0] if len(lines) == 1 else " ".join(line.strip() for line in lines)
        if not text:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)


class KeyBar(Static):
    """The keys of the moment in one line: a single widget repainted when the keys change.

    Textual's Footer rebuilds a widget per key on every change of focus or stage (about half the
    cost of a stage switch here, and its old widgets linger); the room needs only the words.
    """

    DEFAULT_CSS = """
    KeyBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    _shown: Content | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._paint)
        self._paint()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self._paint()

    def _paint(self, *_: object) -> None:
        """As many keys as fit, in the screen's order, always ending with F1 (every key) and the
        palette: at 80 columns the bar is cut at a whole key, never in the middle of one."""
        tail: list[tuple[str, str]] = [
            ("F1", "bold $accent"),
            (" keys  ", ""),
            ("^p", "bold $accent"),
            (" palette", ""),
        ]
        room = (self.size.width or self.app.size.width) - 2 - sum(len(text) for text, _ in tail)
        label = getattr(self.screen, "key_label", None)
        parts: list[tuple[str, str]] = []
        seen: set[str] = {"help"}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or not binding.description or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            description = label(binding) if callable(label) else binding.description
            if len(key) + len(description) + 3 > room:
                continue
            room -= len(key) + len(description) + 3
            parts += [(key, "bold $accent"), (f" {description}  ", "")]
        content = Content.assemble(*parts, *tail)
        if self._shown is not None and self._shown.is_same(content):
            return  # bindings are refreshed on every focus change; the keys shown rarely change
        self._shown = content
        self.update(content, layout=False)


if TYPE_CHECKING:  # a mixin of ScrollView's kind (at run time a plain one: Textual gathers CSS along the bases)
    _ScrollView = ScrollView
else:
    _ScrollView = object


class SteadyScrollBars(_ScrollView):
    """A scrolling widget whose scroll bars repaint when what they show changes, not at every
    layout of the screen.

    Textual's ``ScrollView`` compares the virtual size the layout hands it (its visible size)
    with the one it keeps itself (all its lines): they never agree, so every layout (a stage
    switch, Ctrl+R, a list growing) set every list's and the grid's scroll bars again and
    repainted them, ~0.2 ms a bar shown, on the key's frame. Here that happens when the size,
    the container's size or the widget's own virtual size differs from the last time."""

    _bars_for: tuple[Size, Size, Size] | None = None

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        if (size, container_size, self.virtual_size) == self._bars_for:
            return self._container_size != container_size  # what Textual's says when nothing changed
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        self._bars_for = (size, container_size, self.virtual_size)
        return changed


class RowList(SteadyScrollBars, OptionList):
    """An OptionList shown from ``(id, prompt)`` rows that repaints only what changed.

    ``show_rows`` compares the rows with what the list holds: equal rows cost nothing, rows added
    at the end are appended, a changed row (new prompt, or another item moved into its place)
    repaints only its lines; fewer rows than before rebuild the list. A highlight move repaints
    the two options' lines, not the whole list. (Textual's ``replace_option_prompt`` and
    ``highlighted`` repaint every option.)
    """

    highlighted: reactive[int | None] = reactive(None, repaint=False)
    _cache_width: int | None = None

    # Textual passes the event to a handler that takes one; OptionList's own takes none
    def _on_resize(self, event: events.Resize) -> None:  # type: ignore[override]
        # OptionList drops every rendered option on any resize, and a list shown again (a stage
        # switch) gets one: keep them while the width they were rendered at is the same.
        width = self.scrollable_content_region.width
        if width == self._cache_width:
            event.prevent_default()
        self._cache_width = width

    def show_rows(self, rows: list[tuple[str, Content]]) -> None:
        """Show ``rows``, keeping the highlighted item (by id) highlighted."""
        options = self._options
        keep = self.highlighted_option.id if self.highlighted_option else None
        changed = (
            []
            if len(rows) < len(options)
            else [
                n
                for n, (option, (item_id, prompt)) in enumerate(zip(options, rows))
                if option.id != item_id or not _same_prompt(option.prompt, prompt)
            ]
        )
        if (
            len(rows) < len(options)
            or len(changed) > max(8, len(options) // 2)
            or not self._replace_options([(n, *rows[n]) for n in changed])
        ):
            self.clear_options()  # a removal, or a new list: build it afresh
            self.add_options([Option(prompt, id=item_id) for item_id, prompt in rows])
        else:
            if len(rows) > len(options):
                self.add_options([Option(prompt, id=item_id) for item_id, prompt in rows[len(options) :]])
        if rows:
            index = (
                next((n for n, (item_id, _) in enumerate(rows) if item_id == keep), None) if keep is not None else None
            )
            self.highlighted = index if index is not None else (self.highlighted or 0)

    def _replace_options(self, rows: list[tuple[int, str, Content]]) -> bool:
        """New options in place (index, id, prompt): repaint their lines, or all lines when a
        height changed (the lines below move). False: not done (rebuild the list)."""
        if not rows:
            return True
        try:
            width = self.scrollable_content_region.width - self._get_left_gutter_width()
            padding = self.get_component_styles("option-list--option").padding
            heights = self._heights
            # Not laid out yet (a view just shown, a list never shown): no width to measure at;
            # the lines are counted when it is (Textual's OptionList waits the same way).
            moved = width - padding.width <= 0
            for index, _, _ in rows:
                old = self._options[index]
                del self._option_to_index[old]
                if self._id_to_option.get(old.id) is old:  # type: ignore[arg-type]
                    del self._id_to_option[old.id]  # type: ignore[arg-type]
            for index, item_id, prompt in rows:
                old = self._options[index]
                # A new Option object: the render cache (keyed by the option) holds nothing stale for it.
                new = Option(prompt, id=item_id, disabled=old.disabled)
                new._divider = old._divider
                self._options[index] = new
                self._option_to_index[new] = index
                self._id_to_option[item_id] = new
                moved = moved or self._get_visual(new).get_height(
                    self.styles,  # type: ignore[arg-type]  # as OptionList itself passes them
                    width - padding.width,
                ) + new._divider != heights.get(index)
        except (AttributeError, KeyError, IndexError, TypeError, ValueError):  # Textual's internals moved
            return False
        if moved:
            self._line_cache.clear()
            self.refresh()
            self._update_lines()
        else:
            for index, _, _ in rows:
                self._refresh_option(index)
        return True

    def _refresh_option(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self._options):
            return
        try:
            line, height = self._index_to_line[index], self._heights[index]
        except KeyError:
            self.refresh()
            return
        self.refresh_lines(line, height)

    # Textual calls a watcher that takes two arguments with the old and the new value
    def watch_highlighted(self, old: int | None, new: int | None) -> None:  # type: ignore[override]
        self._refresh_option(old)
        self._refresh_option(new)
        super().watch_highlighted(new)


def _same_prompt(a: object, b: Content) -> bool:
    return isinstance(a, Content) and a.is_same(b)
