"""The day on the wall, in the app: the line that says what is on now, and the day's plan.

The rules (today's plan, where the team is, how late it runs) are ``schedule``'s; changes to the
plan are ``editing``'s (``advance_block``, ``start_block``, ``shift_blocks``) through
``IbbApp.change``: logged, undoable, a refused one explained in one line. This module only shows:

- the line (``wall.day_content``: ``schedule.day_line`` in the wall's styles) under the session
  screen's title, in the room view and in presentation mode;
- ``show_next_agenda``: the palette's "Next session's agenda", the plan ``ibb new --after``
  would write from what is open now (``negotiation.next_agenda``), shown, not written;
- ``DayPlanScreen``: every day of the plan and its blocks, each marked done, skipped, now or
  next; from the palette ("The day's plan"). ↑/↓ point at a block; Ctrl+G "we are on this
  block", Ctrl+L next block, Ctrl+↓ / Ctrl+↑ move the pointed block and the rest of its day 5
  minutes later / earlier; Esc closes. No letter does anything here (a sentence typed by
  mistake changes nothing), and Enter does nothing either.
"""

from __future__ import annotations

from datetime import datetime

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label

from .. import editing, schedule
from ..model import PlanDay
from ..model import now as model_now
from .app import IbbApp
from .messages import SessionChanged
from .text import join, literal
from .wall import WallLine, day_content, fit
from .widgets import RowList

#: Minutes Ctrl+↓ / Ctrl+↑ move a block (and the rest of its day).
SHIFT_MINUTES = 5


def moment() -> datetime:
    """Now, with its offset (``model.now``: the tests' frozen clock stops it)."""
    return model_now()


MARKS = {
    "done": ("✓ done ", "$text-muted"),
    "skipped": ("· skip ", "$text-muted"),
    "now": ("▶ now  ", "bold $accent"),
    "next": ("› next ", "bold"),
    "": ("       ", ""),
}


def _span(slot: schedule.Slot) -> str:
    if slot.start is None:
        return "     " + " " * 6
    end = f"–{slot.end:%H:%M}" if slot.end is not None and slot.minutes else "      "
    return f"{slot.start:%H:%M}{end}"


def _slots(day: PlanDay, at: datetime) -> list[schedule.Slot]:
    """The blocks of a day that is not today: started ones done, the last one started "now"."""
    on = day.date or at.date()
    times = schedule.planned_times(day.blocks, on, at.tzinfo)
    current = schedule.current_index(day)
    slots = []
    for k, (block, (start, end)) in enumerate(zip(day.blocks, times)):
        mark = "now" if k == current else "done" if block.started is not None else ""
        slots.append(schedule.Slot(k, block.title, block.minutes, start, end, block.started, mark))
    return slots


def plan_rows(plan: list[PlanDay], at: datetime) -> list[tuple[str, Content]]:
    """The day's plan as rows: a heading per day (``day-N``), then its blocks (``N.K``)."""
    seen = schedule.today(plan, at)
    rows: list[tuple[str, Content]] = []
    for n, day in enumerate(plan):
        is_today = seen is not None and seen.day == n
        when = f"{day.date:%a %d %b %Y}" if day.date else "next meeting (date not set)"
        state = ""
        if is_today and seen is not None:
            state = " · today"
            if seen.late is not None:
                state += f" · {schedule.late_words(seen.late)}"
            elif seen.by_clock:
                state += " · by the clock (Ctrl+L starts the day)"
        if day.finished is not None:
            state += f" · done at {day.finished:%H:%M}"
        heading = join((when, "bold underline"), (f"  {' '.join(day.title.split())}", "bold"), (state, "italic"))
        rows.append((f"day-{n}", heading))
        slots = list(seen.slots) if is_today and seen is not None else _slots(day, at)
        for slot in slots:
            mark, style = MARKS.get(slot.mark, MARKS[""])
            started = f"   started {slot.started:%H:%M}" if slot.started is not None else ""
            minutes = f" ({slot.minutes} min)" if slot.minutes else ""
            row = join(
                (f"  {mark}", style),
                (f"{_span(slot)}  ", "bold" if slot.mark == "now" else ""),
                literal(" ".join(slot.title.split()), "bold" if slot.mark in ("now", "next") else ""),
                (minutes + started, "$text-muted"),
            )
            rows.append((f"{n}.{slot.index}", row))
    return rows


class PlanList(RowList):
    """Never focused: the screen's keys move its pointer."""

    can_focus = False


class DayPlanScreen(ModalScreen[None]):
    """Every day of the plan and its blocks: done, skipped, now, next."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("up", "point(-1)", show=False),
        Binding("down", "point(1)", show=False),
        Binding("pageup", "point(-10)", show=False),
        Binding("pagedown", "point(10)", show=False),
        Binding("ctrl+g", "start", "We are on this block", priority=True),
        Binding("ctrl+l", "advance", "Next block", priority=True),
        Binding("ctrl+down", f"shift({SHIFT_MINUTES})", f"{SHIFT_MINUTES} min later", priority=True),
        Binding("ctrl+up", f"shift({-SHIFT_MINUTES})", f"{SHIFT_MINUTES} min earlier", priority=True),
    ]
    HINT = (
        f"↑↓ point · Ctrl+G on this block · Ctrl+L next block · Ctrl+↓ / Ctrl+↑ {SHIFT_MINUTES} min later / "
        "earlier, with the rest of the day · Esc closes"
    )

    app = getters.app(IbbApp)

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            yield Label("The day's plan", classes="dialog-title")
            yield WallLine(id="plan-now")
            yield PlanList(id="plan-list")
            yield Label(self.HINT, classes="dialog-hint")

    def on_mount(self) -> None:
        self.paint()
        self.app.session_changes.subscribe(self, self.on_session_changed)
        self.call_after_refresh(self._point_at_today)

    def _point_at_today(self) -> None:
        """The pointer on the block on now (else the next one), today's heading above it."""
        seen = schedule.today(self.app.session.plan, moment())
        widget = self.query_one(PlanList)
        if not widget.option_count:
            return
        target = (seen.now or seen.next) if seen is not None else None
        key = f"{seen.day}.{target.index}" if seen is not None and target is not None else None
        heading = f"day-{seen.day}" if seen is not None else None
        if heading is not None:
            widget.highlighted = widget.get_option_index(heading)
            widget.scroll_to_highlight(top=True)
        widget.highlighted = widget.get_option_index(key) if key in widget._id_to_option else (widget.highlighted or 0)

    def on_unmount(self) -> None:
        self.app.session_changes.unsubscribe(self)

    def on_session_changed(self, message: SessionChanged) -> None:
        self.paint()

    def paint(self) -> None:
        at = moment()
        plan = self.app.session.plan
        seen = schedule.today(plan, at)
        line = self.query_one("#plan-now", WallLine)
        if not plan:
            said = literal("This session has no day plan: its agenda had no day blocks.")
            line.show(lambda width: fit(said, width))
        elif seen is None:
            said = literal(f"No plan for today ({at:%a %d %b}): the days planned are below.")
            line.show(lambda width: fit(said, width))
        else:
            line.show(lambda width: day_content(seen, width, "$text-muted"))
        self.query_one(PlanList).show_rows(plan_rows(plan, at))

    def action_point(self, step: int) -> None:
        widget = self.query_one(PlanList)
        if widget.option_count:
            current = widget.highlighted if widget.highlighted is not None else -1
            widget.highlighted = max(0, min(widget.option_count - 1, current + step))
            widget.scroll_to_highlight()

    def _pointed(self) -> tuple[int, int] | None:
        """(day, block) of the pointed row; a day's heading points at its first block."""
        widget = self.query_one(PlanList)
        option = widget.highlighted_option
        if option is None or option.id is None:
            return None
        if option.id.startswith("day-"):
            day = int(option.id[4:])
            return (day, 0) if self.app.session.plan[day].blocks else None
        day_text, block_text = option.id.split(".")
        return int(day_text), int(block_text)

    def action_start(self) -> None:
        pointed = self._pointed()
        if pointed is None:
            self.app.notify("Point at a block first (↑/↓).", severity="information")
            return
        started = self.app.change("we are on this block", editing.start_block, *pointed)
        if started:
            self.app.notify(f"Now on: {' '.join(started.title.split())}", timeout=3)

    def action_advance(self) -> None:
        advance(self.app)

    def action_shift(self, minutes: int) -> None:
        pointed = self._pointed()
        if pointed is None:
            self.app.notify("Point at a block first (↑/↓).", severity="information")
            return
        self.app.change("move the plan", editing.shift_blocks, *pointed, minutes)

    def action_close(self) -> None:
        self.dismiss(None)


def advance(app: IbbApp) -> None:
    """Ctrl+L: the next block of today's plan (the first press starts the day); says where the
    team is now, or why not (one line)."""
    result = app.change("next block", editing.advance_block)
    if result is None:  # refused (the notice says why) or read-only
        return
    seen = schedule.today(app.session.plan, moment())
    if result is True:  # the day is finished
        late = f" ({schedule.late_words(seen.late)})" if seen is not None and seen.late is not None else ""
        app.notify(f"Today's plan is done{late}.", timeout=4)
        return
    late = f" · {schedule.late_words(seen.late)}" if seen is not None and seen.late is not None else ""
    app.notify(f"Now on: {' '.join(result.title.split())}{late}", timeout=4)


def show_next_agenda(app: IbbApp) -> None:
    """The palette's "Next session's agenda": the plan ``ibb new --after`` would write now, from
    what is open in this session (nothing is written; the home screen's "Next session of …" or
    ``ibb new --after FILE`` makes the session)."""
    from ..negotiation.carryover import CarryError, carry
    from .modals import Panel

    name = app.file.path.name if app.file is not None else "this session"
    try:
        carried = carry(app.session, name)
    except CarryError as exc:
        app.notify(str(exc), title="No next session", severity="warning")
        return
    lines: list[tuple[str, str]] = []
    for day in carried.plan:
        lines.append((day.title, "bold"))
        for block in day.blocks:
            lines.append((f"  {block.time:5}  {' '.join(block.title.split())} ({block.minutes} min)", ""))
    lines += [
        ("", ""),
        ("Made from what is open now; nothing is written. To start that session:", "italic"),
        (f"  ibb new --after {name}   (or, on the home screen, Next session of …)", ""),
    ]
    app.push_screen(Panel("Next session's agenda", lines))


__all__ = ["DayPlanScreen", "advance", "day_content", "moment", "plan_rows", "show_next_agenda"]
