"""Presentation mode (F8 on the session screen): the wall, in the recorder's own window.

The session screen hides its frame (header, issue box, the stage's recording view, key bar) and
shows this instead: the current stage as the room view shows it (``room.build_view`` from the
session in memory, laid out by ``wall``: the same layout, not a second one), big at any zoom,
wrapped at word boundaries, titles cut before items, nothing cut off. The screen keeps its slim
capture line under it: keys still record, and the wall shows the result at once.

**The pointer.** The wall has no highlight bar of its own. When the facilitator moves the pointer
(↑/↓, PgUp/PgDn) the pointed item is lit on the wall for ``POINT_SECONDS`` after the last move,
then the wall goes back to none: a room reads a bar that stays on as "this one is chosen", and a
facilitator who points means "this one, now". (A bar that followed every added line would light
the recorder's last item all day.) The recorder's pointer itself stays where it was.

**The day**: on a day with a plan, the room view's line of what is on now, next and how late,
under the stage bar (the frame's own line hides while presenting).

**The foot** says, the first time on this machine (``first_time(PRESENT_HINT_MARK)``), how to
zoom with the size it gives ("80×24 · readable to about 12 m on a 2.5 m screen"); later starts and
every resize show the size note for a few seconds. Otherwise the foot is not there: the wall gets
the row.

Sizes as the room view: below 100×30 ``-compact`` (no frame, the clock as text in the stage bar),
below 14 rows ``-tiny`` (the stage and its items only).
"""

from __future__ import annotations

import dataclasses
import time

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.timer import Timer
from textual.widgets import Static

from ... import schedule
from ...model import Stage
from ..devices import host_of, spaced_code
from ..room import build_view, first_time
from ..text import join, literal
from ..wall import (
    POINTED,
    RoomView,
    WallBody,
    WallLine,
    WallStatement,
    first_fit,
    show_caucus,
    show_day,
    show_round,
    size_note,
    stage_bar,
    stage_tails,
    where_line,
)
from ..widgets import StageTimer, mmss

#: Marks (in the cache folder) that presentation mode has said how to zoom on this machine.
PRESENT_HINT_MARK = "present-zoom-hint-shown"

STATEMENT = "bold $primary"


def pointed_view(view: RoomView, key: str | None) -> RoomView:
    """``view`` with the item showing ``key`` (an interest's, an option's id) marked pointed."""
    if not key:
        return view
    groups = tuple(
        dataclasses.replace(g, items=tuple(dataclasses.replace(i, pointed=i.key == key) for i in g.items))
        for g in view.groups
    )
    return dataclasses.replace(view, groups=groups)


def pointed_rows(lines: list[Content]) -> tuple[int, int] | None:
    """The first line that shows the pointed item's bar and how many lines it takes, if any."""
    rows = [row for row, line in enumerate(lines) if any(str(span.style) == POINTED for span in line.spans)]
    return (rows[0], rows[-1] - rows[0] + 1) if rows else None


def timer_clock(timer: StageTimer) -> tuple[str, str, str] | None:
    """The session screen's stage timer as the wall's clock: (digits, what they mean, level)."""
    box, left = timer.box_minutes, timer.remaining
    if not box and not timer.running and not left:
        return None
    if box:
        text = f"left of {box} min" if left > 0 else f"over the {box} min box"
    else:
        text = "stage timer"
    text += "" if timer.running else " · paused"
    return mmss(left), text, "over" if left <= 0 else "warning" if left <= 60 else ""


class Presentation(Vertical):
    """The wall on the session screen (see the module docstring). Shown while presenting."""

    #: How long a pointed item stays lit after the facilitator's last move.
    POINT_SECONDS = 4.0
    #: How long the foot shows the size and reading distance, and the first time's zoom hint.
    SIZE_NOTE_SECONDS = 10.0
    HINT_SECONDS = 45.0

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: RoomView | None = None
        self.pointed: str | None = None  # the item lit on the wall (its id), for a few seconds
        self._point_timer: Timer | None = None
        self._wall_note: tuple[str, float] | None = None  # ("hint" | "size", until time.monotonic())
        self._note_timer: Timer | None = None
        self._wall_place: tuple[str, Stage] | None = None
        self._wall_count = 0
        self._wall_size_shown: tuple[int, int] | None = None
        self._day_shown: schedule.Today | None = None

    def compose(self) -> ComposeResult:
        yield WallLine(id="wall-where")
        yield WallStatement(id="wall-statement")
        yield WallLine(id="wall-stage")
        yield WallLine(id="wall-day")
        yield WallLine(id="wall-caucus")
        yield WallLine(id="wall-round")
        yield WallLine(id="wall-join")
        yield Static("", id="wall-banner")
        with Vertical(id="wall-body"), VerticalScroll(id="wall-main"):
            yield WallBody(id="wall-items")
        yield WallLine(id="wall-foot")

    def on_mount(self) -> None:
        self._wall_main = self.query_one("#wall-main", VerticalScroll)
        self._wall_main.can_focus = False
        self._wall_body = self.query_one("#wall-items", WallBody)
        self._wall_foot = self.query_one("#wall-foot", WallLine)
        self.set_interval(1, self._paint_stage)

    # --- on and off ------------------------------------------------------------------------------

    def start(self) -> None:
        """F8: the wall is shown; the foot says how to zoom (the first time) or what the size gives."""
        self.display = True
        self.pointed = None
        self._wall_place = None
        self._wall_size_shown = self.wall_size
        self._fit()
        if first_time(PRESENT_HINT_MARK):
            self.note("hint", self.HINT_SECONDS)
        else:
            self.note("size", self.SIZE_NOTE_SECONDS)
        self.paint()

    def stop(self) -> None:
        self.display = False
        self.pointed = None
        for timer in (self._point_timer, self._note_timer):
            if timer is not None:
                timer.stop()
        self._wall_note = None

    @property
    def wall_size(self) -> tuple[int, int]:
        size = self.app.size
        return size.width, size.height

    def _fit(self) -> None:
        width, height = self.wall_size
        self.set_class(width < 100 or height < 30, "-compact")
        self.set_class(height < 14, "-tiny")

    def on_resize(self) -> None:
        size = self.wall_size
        if not self.display:
            return
        self._fit()
        if self._wall_size_shown is not None and size != self._wall_size_shown:
            self.note("size", self.SIZE_NOTE_SECONDS)  # they zoomed: say what it gives
        self._wall_size_shown = size
        self.paint()

    # --- the pointer ---------------------------------------------------------------------------

    def point(self, item_id: str | None) -> None:
        """The facilitator moved the pointer to ``item_id``: lit for ``POINT_SECONDS``."""
        if self._point_timer is not None:
            self._point_timer.stop()
        self.pointed = item_id
        self._point_timer = self.set_timer(self.POINT_SECONDS, self.unpoint) if item_id else None
        self._paint_body(scroll_to_pointer=True)

    def unpoint(self) -> None:
        if self.pointed is not None:
            self.pointed = None
            self._paint_body()

    # --- painting ------------------------------------------------------------------------------

    def paint(self) -> None:
        """The session's current stage, from the session in memory."""
        if not self.display:
            return
        view = self.view = build_view(self.screen.session)  # type: ignore[attr-defined]
        self.query_one("#wall-where", WallLine).show(lambda width: where_line(view.title, view.where, width))
        height = self.wall_size[1]
        self.query_one("#wall-statement", WallStatement).show(
            literal(view.statement, STATEMENT), max(1, min(4, height // 7))
        )
        banner = self.query_one("#wall-banner", Static)
        banner.display = bool(view.banner)
        banner.update(literal(view.banner))
        self._paint_body()
        self._scroll(view)
        self._paint_stage()
        self.paint_foot()

    def _paint_body(self, scroll_to_pointer: bool = False) -> None:
        if self.view is None:
            return
        self._wall_body.show(pointed_view(self.view, self.pointed))
        if scroll_to_pointer and self.pointed:

            def show_pointer() -> None:
                width, height = self._wall_body.content_region.width, self._wall_body._height_hint
                rows = pointed_rows(self._wall_body.lines(width, height)) if width else None
                if rows is not None:  # the least scroll that shows the whole item
                    top = self._wall_body.virtual_region.y + rows[0]
                    self._wall_main.scroll_to_region(Region(0, top, 1, rows[1]), animate=False)

            self.call_after_refresh(show_pointer)

    def _scroll(self, view: RoomView) -> None:
        # as the room view: a new issue or stage starts at the top; a list that grew shows its end
        place = (view.statement, view.stage)
        if place != self._wall_place:
            self.call_after_refresh(lambda: self._wall_main.scroll_home(animate=False))
        elif view.count > self._wall_count and view.stage is not Stage.CONSENSUS:
            self.call_after_refresh(lambda: self._wall_main.scroll_end(animate=False))
        self._wall_place, self._wall_count = place, view.count

    def _paint_stage(self) -> None:
        view = self.view
        if view is None or not self.display:
            return
        timer = self.screen.query_one(StageTimer)
        clock = timer_clock(timer) if view.stage is not Stage.ISSUES else None
        tails = stage_tails(view, clock, inline_clock=True)
        order, stage = view.stage_order, view.stage
        self.query_one("#wall-stage", WallLine).show(lambda width: stage_bar(order, stage, width, tails))
        self._paint_day()

    def _paint_day(self) -> None:
        """Today's plan, as the room view shows it (hidden without one, and under 14 rows)."""
        line = self.query_one("#wall-day", WallLine)
        self._day_shown = show_day(line, self.view, self.wall_size[1], self._day_shown)
        show_caucus(self.query_one("#wall-caucus", WallLine), self.view)
        show_round(self.query_one("#wall-round", WallLine), self.view)
        self._paint_join()

    def _paint_join(self) -> None:
        """While the room is open to devices: how to join, under the stage (F11 shows the QR)."""
        line = self.query_one("#wall-join", WallLine)
        host = host_of(self.app)
        line.display = host is not None and host.server is not None
        if host is None or host.server is None:
            return
        code, base = spaced_code(host.room.code), host.server.base
        variants = [
            join(("Join on your phone: code ", "bold"), (code, "bold $accent"), " at ", literal(base)),
            join(("Join: ", "bold"), (code, "bold $accent"), " ", literal(base)),
            join(("Join: ", "bold"), (code, "bold $accent")),
        ]
        line.show(lambda width: first_fit(variants, width))

    def note(self, kind: str, seconds: float) -> None:
        self._wall_note = (kind, time.monotonic() + seconds)
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self.set_timer(seconds + 0.05, self.paint_foot)

    def end_note(self) -> None:
        """The foot's note goes now (as it does by itself after its seconds)."""
        self._wall_note = None
        self.paint_foot()

    def paint_foot(self) -> None:
        note = self._wall_note
        if note is not None and time.monotonic() >= note[1]:
            note = self._wall_note = None
        self._wall_foot.display = note is not None
        if note is not None:
            width, height = self.wall_size
            shown = size_note(width, height, note[0] == "hint")
            returns = literal(" · F8 returns", "bold")
            variants = [x for v in shown for x in (v + returns, v)]  # the size first, then "F8 returns"
            self._wall_foot.show(lambda width: first_fit(variants, width))
