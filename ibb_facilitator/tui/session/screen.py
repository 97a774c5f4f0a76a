"""The session frame: one issue at a time through issues ▸ interests ▸ options ▸ criteria ▸ consensus.

Always visible: the issue statement, the stage bar, the timer, the current stage's view (one widget
per stage, ``issues.py`` ... ``consensus.py``) and the capture line (and, on a day with a plan, the
line of what is on now, next and how late: ``tui/day.py``, Ctrl+L the next block), which keeps the keyboard
(DESIGN.md, "the recorder's keyboard"): typed words are text, never commands. The views never take
focus; ↑/↓ move the pointer; every command on the pointed item has a modifier (Ctrl+E, Ctrl+O,
Shift+↑/↓) or is in the palette. Scores are keyed only in a mode Ctrl+R opens and every move ends:
*rating* (criteria) and *voting* (consensus); the whole frame changes colour and says so.

The frame holds the keys and hands a stage's to the view shown (``view.VIEW_KEYS``); a line entered
goes to that view's ``take_line``. Every change goes through ``IbbApp.change`` (rules, undo,
autosave), which hands a ``SessionChanged`` to this screen: the frame and the view shown repaint
what differs. This package holds no IBB rule.

A little over 500 lines: the frame is the one owner of the keys every stage shares (moves,
modes, the capture line, presentation, the day line); each stage's own keys live in its view.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.scalar import Scalar, ScalarOffset, Unit
from textual.geometry import Region
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from ... import editing, process, schedule
from ...model import Stage
from ..coaching import CoachingPanel
from ..messages import SessionChanged, post_refreshes
from ..modals import Choose
from ..negotiating import provenance
from ..text import join, literal
from ..wall import WallLine, first_fit
from ..widgets import STAGE_NAMES, CaucusClock, KeyBar, LinesInput, StageTimer, Stepper, TitleBar
from .aid_keys import AidKeys
from .consensus import ConsensusView
from .criteria import CriteriaView
from .interests import InterestsView
from .issues import IssuesView
from .options import OptionsView
from .presenting import Presentation
from .view import TYPING, VIEW_KEYS, Command, StageView, show_once

#: seconds of quiet after a repaint before the views not shown are brought up to date
PREPARE_DELAY = 0.3
PREPARE_LINES = 8  # lines of a widget drawn in one step of the preparation (~1-3 ms)
KEY_FRAME = 0.1  # seconds after a key in which a frame answers it (``_on_idle``)

VIEWS: tuple[type[StageView], ...] = (IssuesView, InterestsView, OptionsView, CriteriaView, ConsensusView)


class StageViews(Widget):
    """The stages' views, one shown. Every view is laid out all the time, side by side in a
    strip as wide as five frames, and every view is offset by as many frame widths as the
    current one's place, which puts the current one in the frame and the others outside it
    (not drawn, not focusable, not clickable). The offset is a percentage of the view's own
    width, so a resize places them in the same layout (scrolling the strip instead showed a
    neighbour for a frame after each resize). (Textual's ContentSwitcher hides the others from
    the layout instead: a view shown again was laid out afresh, its lists re-measured every row
    and the grid every column; a first visit to a stage took 3 layouts and ~90 ms in a real
    terminal.)"""

    DEFAULT_CSS = """
    StageViews { layout: horizontal; overflow: hidden hidden; }
    StageViews > * { width: 100%; height: 1fr; }
    """

    def __init__(self, *views: Widget, initial: str | None, id: str | None = None) -> None:
        super().__init__(*views, id=id)
        self._current: str | None = None
        self._views = views
        self.current = initial

    @property
    def current(self) -> str | None:
        """The id of the view shown."""
        return self._current

    @current.setter
    def current(self, view_id: str | None) -> None:
        if view_id == self._current:
            return
        self._current = view_id
        index = next((n for n, view in enumerate(self._views) if view.id == view_id), 0)
        offset = ScalarOffset(Scalar(-100.0 * index, Unit.PERCENT, Unit.WIDTH), Scalar(0, Unit.CELLS, Unit.HEIGHT))
        for view in self._views:
            # A new place, not a new look: a layout without a repaint, so each view keeps the
            # lines it has drawn (Textual's ``styles.offset`` repaints the view too, and the view
            # shown drew its 34 lines again at every switch).
            if view.styles.set_rule("offset", offset):
                view.refresh(layout=True, repaint=False)

    @property
    def visible_content(self) -> Widget | None:
        return next((view for view in self._views if view.id == self._current), None)


class SessionScreen(AidKeys):
    CSS_PATH = "session.tcss"

    # Textual repaints the whole screen on every focus change (Escape, Tab, a stage switch); the
    # widgets whose look depends on focus restyle and repaint themselves, which is all that changes.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS = [
        Binding("alt+right,ctrl+pagedown", "stage(1)", "Next stage", id="stage.next"),
        Binding("alt+left,ctrl+pageup", "stage(-1)", "Prev stage", id="stage.previous"),
        Binding("alt+down", "issue(1)", "Next issue", id="issue.next"),
        Binding("alt+up", "issue(-1)", "Prev issue", id="issue.previous"),
        Binding("up", "point(-1)", "Pointer up", show=False),
        Binding("down", "point(1)", "Pointer down", show=False),
        Binding("pageup", "point(-10)", "Pointer page up", show=False),
        Binding("pagedown", "point(10)", "Pointer page down", show=False),
        Binding("ctrl+o", "item_menu", "Item…", priority=True, id="item.menu"),
        Binding("ctrl+e", "edit_item", "Edit", priority=True, id="item.edit"),
        Binding("shift+up", "move_item(-1)", "Move up", show=False, id="item.up"),
        Binding("shift+down", "move_item(1)", "Move down", show=False, id="item.down"),
        # Not priority bindings: those run before the keys typed ahead of them reach the voters
        # or the grid, so a fast "5 ctrl+r" would record the check without the 5.
        Binding("ctrl+r", "vote", "Vote", id="check.vote"),
        Binding("ctrl+r", "rate", "Rate", id="grid.rate"),
        Binding("ctrl+t", "stage_key", "Holder", priority=True, id="stage.key"),
        Binding("ctrl+d", "draft", "Draft", show=False, priority=True, id="draft.edit"),
        Binding("ctrl+b", "brainstorm", "Brainstorm", priority=True, id="brainstorm"),
        Binding("ctrl+g", "group", "Side by side", priority=True, id="interests.group"),
        Binding("ctrl+z", "undo", "Undo", priority=True, id="undo"),
        # the pointed option's cost lines (Options only: elsewhere Ctrl+K stays the capture line's
        # "delete to the end"): not in the key bar; F1, the item menu and the palette name it
        # (tui/costs.py). (Ctrl+Y is the coaching notes.)
        Binding("ctrl+k", "costs", "Cost lines", show=False, priority=True, id="item.costs"),
        Binding("escape", "escape", "Back to typing", show=False, id="mode.end"),
        Binding("f2", "timer", "Timer", id="timer.toggle"),
        Binding("f3", "plus_minute", "+1 min", id="timer.plus"),
        Binding("f4", "parking", "Parking lot", id="parking"),
        Binding("f5", "caucus", "Caucus", id="caucus"),
        Binding("f6", "ground_rules", "Rules", id="rules"),
        Binding("f7", "actions", "Actions", id="actions"),
        Binding("f8", "present", "Present", id="present"),
        # the facilitator's coaching notes (tui/coaching.py): a preference, not the record
        Binding("ctrl+y", "coaching", "Coaching notes", show=False, priority=True, id="coaching"),
        # the day's plan (tui/day.py): not in the key bar; F1 and the palette name it
        Binding("ctrl+l", "next_block", "Next block", show=False, priority=True, id="plan.next"),
        # training tables only (tui/training.py): the training menu and the general brief
        Binding("f10", "training", "Training", id="training.menu"),
        Binding("f11", "devices", "Devices", show=False, id="devices"),
        Binding("f12", "general_brief", "General brief", show=False, id="training.brief"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.views: dict[Stage, StageView] = {view.STAGE: view(id=f"stage-{view.STAGE.value}") for view in VIEWS}
        self.mode = TYPING  # where printable keys go: the capture line, the voters or the grid
        self._warned_mode: str | None = None  # the mode whose wrong keys were already pointed out
        self._bindings_stage: Stage | None = None
        self._capture_title = ""  # the capture box's frame title, as last set
        self._shown: dict[Static, Content] = {}  # what each text widget shows (skip equal updates)
        self._stale = False  # changed while another screen was on top: repaint on the way back
        self._prepare_timer: Timer | None = None  # paints the views not shown (``_prepare_views``)
        self._prepared_for: object = None  # what they were last painted for
        self._preparation = 0  # counts the changes that start a preparation again (``_prepare_later``)

    # --- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="banner")
        yield CaucusClock(id="caucus-clock")
        yield WallLine(id="day-line")  # what is on now, next, how late: today's plan (tui/day.py)
        with Horizontal(id="top"):
            with Vertical(id="issue-box"):
                yield WallLine(id="issue-meta")
                yield Static("", id="issue-statement")
                yield Stepper(id="stepper")
            yield StageTimer(id="timer")
        yield StageViews(*self.views.values(), id="views", initial=self.views[Stage.ISSUES].id)
        yield Presentation(id="presentation")  # F8: the wall, instead of the frame above
        yield CoachingPanel(id="coaching")  # Ctrl+Y: for the facilitator, not the wall
        yield Static("", id="mode-bar")
        with Horizontal(id="capture-row"):
            yield Label("", id="capture-tag")
            yield LinesInput(id="capture", split=True)
        yield KeyBar()

    @property
    def stage(self) -> Stage:
        stage = self.session.cursor.stage
        return Stage.ISSUES if self.issue is None else stage

    @property
    def view(self) -> StageView:
        """The current stage's view."""
        return self.views[self.stage]

    def on_mount(self) -> None:
        # The widgets every repaint touches, found once (a query walks the DOM each time).
        self._issue_meta = self.query_one("#issue-meta", WallLine)
        self._meta_variants: list[str] = []
        self._issue_statement = self.query_one("#issue-statement", Static)
        self._stepper = self.query_one(Stepper)
        self._switcher = self.query_one("#views", StageViews)
        self._capture = self.query_one("#capture", LinesInput)
        self._capture_row = self.query_one("#capture-row", Horizontal)
        self._mode_bar = self.query_one("#mode-bar", Static)
        # Enter is handled in the same turn that empties the line: one frame, not two
        self._capture.on_submit = lambda text: self.capture(Input.Submitted(self._capture, text))
        self._timer = self.query_one(StageTimer)
        self._caucus_clock = self.query_one(CaucusClock)
        self._capture_tag = self.query_one("#capture-tag", Label)
        self._banner = self.query_one("#banner", Static)
        self._presentation = self.query_one(Presentation)
        self._coaching = self.query_one(CoachingPanel)
        self._day_line = self.query_one("#day-line", WallLine)
        self._day_shown: tuple[object, bool] | None = None
        self.set_interval(15, self.paint_day)  # lateness moves with the clock
        self.app.session_changes.subscribe(self, self.on_session_changed)
        self.refresh_all(reset_timer=True)
        self._capture.focus()
        if self.session.training is not None:  # a table of a simulation: round bar, brief
            from ..training import attach

            attach(self)
        if self.app.start_devices is not None:  # ibb open FILE --devices
            from ..devices import open_room

            host, port = self.app.start_devices
            self.app.start_devices = None
            open_room(self.app, host, port)

    def on_unmount(self) -> None:
        self.app.session_changes.unsubscribe(self)

    async def _on_idle(self, event: events.Idle) -> None:
        # Textual draws a screen at most 60 times a second, on a fixed beat: a key that came just
        # after another frame (the capture line's cursor blinking, the "saved" title of an
        # autosave) waited for the next beat, up to 16 ms. A frame that answers a key goes now.
        if (
            not self.app._batch_count
            and self.is_current
            and self.app.keys_quiet_for() < KEY_FRAME
            and (self._layout_required or self._scroll_required or self._repaint_required or self._dirty_widgets)
        ):
            self._on_timer_update()
        await super()._on_idle(event)

    def on_resize(self) -> None:
        # The stepper, the grid's option column and the air between items follow the size:
        # repaint (cheap when nothing else changed: the lists and the grid compare row by row).
        if hasattr(self, "_switcher"):
            self.refresh_all()

    # --- painting -------------------------------------------------------------------------------

    def on_session_changed(self, message: SessionChanged) -> None:
        """A change (an undo, a reload): repaint now, or once this screen is on top again."""
        if self.app.screen is self:
            self.refresh_all()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh_all()
        elif not self.views_ready():  # a preparation stopped by the screen on top: again, in a pause
            self._prepare_later()

    def refresh_all(self, reset_timer: bool = False) -> None:
        """Repaint the frame and the current stage's view from the session (after any change,
        undo, or a move).

        Cheap when little changed: every widget is told only what differs from what it shows
        (the lists and the grid compare row by row), so a change repaints its own lines only.
        """
        session, issue = self.session, self.issue
        if self.mode != TYPING and self.mode != self.view.SCORING:
            self.set_mode(TYPING)  # an undo or a reload moved the stage under a scoring mode
        stage = self._shown_stage()
        self._paint_meta()
        self._show(self._issue_statement, literal(issue.statement if issue else session.title))
        self._stepper.show(session.stage_order, stage)
        view = self.views[stage]
        if self._switcher.current != view.id:
            self._switch_view(view)
        if self._capture.placeholder != view.PLACEHOLDER:
            self._capture.placeholder = view.PLACEHOLDER
        if self._capture_title != view.CAPTURE_TITLE:  # Textual repaints the box on every set
            self._capture_title = self._capture.border_title = view.CAPTURE_TITLE
        if reset_timer:
            self._show_clock(stage)
        view.paint()
        self.paint_capture_tag()
        self.paint_banner()
        caucus = editing.open_caucus(session)
        called_by = f" (called by {caucus.called_by})" if caucus and caucus.called_by else ""
        self._caucus_clock.show(f"{session.holder_label(caucus.party)}{called_by}" if caucus else "", caucus)
        if stage is not self._bindings_stage:  # the key bar recomposes: only when keys change
            self._bindings_stage = stage
            self.refresh_bindings()
        self.paint_day()
        self.paint_coaching()
        if self.presenting:
            self._presentation.paint()
        self._prepare_later()

    # --- the stages not shown, made ready while the room talks ----------------------------------

    def _prepare_later(self) -> None:
        """Once the keys have been quiet for a moment, bring the views not shown up to date (a
        preparation under way stops at its next step, and starts again then)."""
        if self._prepare_timer is not None:
            self._prepare_timer.stop()
        self._preparation += 1
        self._prepare_timer = self.set_timer(PREPARE_DELAY, self._prepare_views)

    def _prepare_views(self) -> None:
        """Paint the current issue's other stages' views (laid out outside the frame: ``StageViews``)
        and, once laid out, draw the lines they would show into their widgets' caches. A stage's
        first visit then shows what is ready (one layout, lines already drawn) instead of filling
        its lists, measuring every row and drawing the grid's every cell on the key (~90 ms in
        a real terminal, bench/terminal_bench.py). Each paint compares with what the view
        holds, so a view that did not change costs next to nothing.

        In steps of a few ms (a view's paint, a few lines of a widget), each on a turn of its own:
        all at once it took up to 50 ms, and the first key after the pause waited for it."""
        self._prepare_timer = None
        if self.app.screen is not self or self.presenting:
            return
        if (quiet := self.app.keys_quiet_for()) < PREPARE_DELAY:  # typing: no repaint, still keys
            self._prepare_timer = self.set_timer(PREPARE_DELAY - quiet, self._prepare_views)
            return
        state = self._prepare_state()
        if state == self._prepared_for:
            return
        shown = self.views[self._shown_stage()]
        waiting = [view for stage, view in self.views.items() if view is not shown and stage in self._stages()]
        self._next_step(self._preparing(waiting, state), self._preparation)

    def _preparing(self, views: list[StageView], state: object) -> Iterator[bool]:
        """The preparation's steps; each yields whether the next waits for a layout (and its frame)."""
        for view in views:
            view.paint()
            yield False
        yield True  # laid out: the lines are drawn at the size they will be shown at
        for view in views:
            for widget in view.walk_children(Widget, with_self=False):
                width, height = widget.outer_size
                for top in range(0, height if width and widget.display else 0, PREPARE_LINES):
                    if view.id == self._switcher.current:
                        break  # shown meanwhile: the compositor draws it
                    widget.render_lines(Region(0, top, width, min(PREPARE_LINES, height - top)))
                    yield False
        self._prepared_for = state
        self.app.collect_garbage()  # a quiet moment

    def _next_step(self, steps: Iterator[bool], preparation: int) -> None:
        if preparation != self._preparation or self.app.screen is not self or self.presenting:
            return  # a change since: prepared again once the keys are quiet
        if self.app.keys_quiet_for() < PREPARE_DELAY:  # keys again: after them, from the start
            self._prepare_later()
            return
        try:
            after_layout = next(steps)
        except StopIteration:
            return
        if after_layout:
            self.call_after_refresh(self._next_step, steps, preparation)
        else:  # a turn of the event loop between steps: a key waits for one step at most
            self.set_timer(0.001, partial(self._next_step, steps, preparation))

    def _prepare_state(self) -> object:
        """What the views not shown depend on: a move to another stage changes none of them."""
        return (self.session.cursor.issue, len(self.session.events), self.size, self.app.theme)

    def views_ready(self) -> bool:
        """Whether the views not shown are up to date (``_prepare_views`` finished)."""
        return self._prepared_for == self._prepare_state()

    def _stages(self) -> tuple[Stage, ...]:
        return (Stage.ISSUES, *self.session.stage_order) if self.issue is not None else (Stage.ISSUES,)

    def paint_day(self) -> None:
        """The line under the header: today's plan at a glance (hidden on a day without one, and
        while presenting: the wall has its own)."""
        from ..day import day_content, moment

        seen = schedule.today(self.session.plan, moment()) if self.session.plan else None
        if (seen, self.presenting) == self._day_shown:
            return
        self._day_shown = (seen, self.presenting)
        self._day_line.display = seen is not None and not self.presenting
        if seen is not None:
            self._day_line.show(lambda width: day_content(seen, width, "$text-muted"))

    def action_present(self) -> None:
        super().action_present()
        self.paint_day()
        self.paint_coaching()
        if not self.presenting and not self.views_ready():  # stopped by the wall: again, in a pause
            self._prepare_later()

    def paint_coaching(self) -> None:
        """The coaching panel, if the facilitator keeps it shown (and, presenting, chose it for
        the wall too); hidden, nothing is computed."""
        prefs = self.app.preferences
        shown = prefs.coaching and (not self.presenting or prefs.coaching_on_wall)
        self._coaching.display = shown
        if shown:
            self._coaching.show(self.session, self.issue, self._shown_stage(), wall=self.presenting)
        else:
            self._coaching.forget()

    def action_coaching(self) -> None:
        """Ctrl+Y: show or hide the coaching notes (this computer's preference, not the record)."""
        shown = self.app.toggle_preference("coaching")
        self.paint_coaching()
        where = " (not on the wall: F8 hides them)" if shown and not self.app.preferences.coaching_on_wall else ""
        self.app.notify(f"Coaching notes {'shown' if shown else 'hidden'}{where} · Ctrl+Y", timeout=3)

    def action_next_block(self) -> None:
        """Ctrl+L: the next block of today's plan (the first press starts the day)."""
        from ..day import advance

        advance(self.app)

    def _paint_meta(self) -> None:
        """The line above the statement, as much of it as the width beside the clock takes:
        who raised it goes first, then the long form of where it came from ("carried from
        session-1.toml" / "agreed in … — TA of …" becomes "from session-1.toml")."""
        session, issue = self.session, self.issue
        if issue is None:
            variants = [f"{len(session.issues)} issues"]
        else:
            n = session.issues.index(issue) + 1
            base = " · ".join(
                x
                for x in (f"Issue {n} of {len(session.issues)}", issue.article, process.STATUS_LABELS[issue.status])
                if x
            )
            came, short = provenance(session, issue), provenance(session, issue, short=True)
            raised = f" · raised by {session.holder_label(issue.raised_by)}" if issue.raised_by != "joint" else ""
            variants = [f"{base} · {came}{raised}", f"{base} · {came}", f"{base} · {short}"] if came else []
            variants += [f"{base}{raised}", base]
        if variants != self._meta_variants:
            self._meta_variants = variants
            shown = [literal(v) for v in variants]
            self._issue_meta.show(lambda width: first_fit(shown, width))

    def _shown_stage(self) -> Stage:
        """The stage shown: the issue's, or the issues when the agenda's stages leave it out."""
        stage = self.stage
        return Stage.ISSUES if self.issue is not None and stage not in self.session.stage_order else stage

    def _switch_view(self, view: StageView) -> None:
        """Show ``view``. Focus in the view going away (its scoring widget) moves to the new
        view's list, now: left to Textual it is lost (the hidden widget's siblings are not
        focusable) a frame later, and single keys then do nothing until Escape."""
        old = self._switcher.visible_content
        focused = self.focused
        follow = old is not None and focused is not None and old in focused.ancestors_with_self
        self._switcher.current = view.id
        if follow:
            self.set_focus(view.items, scroll_visible=False)

    def _show(self, widget: Static, content: Content) -> None:
        show_once(self._shown, widget, content)

    def paint_capture_tag(self) -> None:
        """What the stage says on the capture line's tag (at Interests, the holder a line gets)."""
        tag = self._capture_tag
        content = self.view.capture_tag()
        if content is not None:
            self._show(tag, content)
            tag.display = True
        else:
            tag.display = False

    def paint_mode(self) -> None:
        """Where the next key goes, said by the whole frame: the capture line (typing), or a
        scoring mode with its own bar and colour."""
        mode = self.mode
        # The frame of the stage and the bar say it; not a class on the whole screen, which
        # restyled every widget (and dropped the grid's renderings): 150-200 ms a switch. Only
        # the frame itself is restyled: Textual restyles a node's every descendant when its
        # classes change (the stage views' lists and grid, ~10 ms), and no rule below the frame
        # depends on "-scoring" (tests/test_tui_incremental.py holds the frame to a full restyle).
        switcher = self._switcher
        if switcher.has_class("-scoring") != (mode != TYPING):
            switcher.set_class(mode != TYPING, "-scoring", update=False)
            self.app.stylesheet.apply(switcher)
        self._capture_row.display = mode == TYPING
        self._mode_bar.display = mode != TYPING
        scoring = next((view for view in self.views.values() if mode == view.SCORING), None)
        if scoring is not None:
            self._show(self._mode_bar, scoring.mode_bar())

    def paint_banner(self) -> None:
        banner, app = self._banner, self.app
        parts = []
        if app.readonly:
            parts.append(join(("READ-ONLY ", "bold"), literal(app.readonly_reason)))
        stage_part = self.view.banner()
        if stage_part is not None:
            parts.append(stage_part)
        banner.display = bool(parts)
        banner.set_class(bool(app.readonly), "-readonly")
        self._show(banner, Content("  |  ").join(parts) if parts else literal(""))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Asked for every binding each time the keys are refreshed (focus, stage): stay cheap.
        if action in VIEW_KEYS:
            return hasattr(self.view, f"action_{action}")
        if action == "issue":
            return bool(self.session.issues)
        if action in ("training", "general_brief"):
            return self.session.training is not None
        return True

    def key_label(self, binding: Binding) -> str:
        """The key bar's word for a key whose meaning follows the stage (Ctrl+T)."""
        if binding.action == "stage_key":
            return self.view.KEY_NAME or binding.description
        if binding.action == "vote":
            return getattr(self.view, "VOTE_NAME", binding.description)
        return binding.description

    # --- capture --------------------------------------------------------------------------------

    @on(Input.Submitted, "#capture")
    def capture(self, event: Input.Submitted) -> bool:
        """The line was emptied as Enter was read (``LinesInput``): the stage shown takes it; a
        refused item goes back. True when the item was taken."""
        text = event.value
        if not text.strip():  # a second Enter does nothing (it is a habit, not a request)
            return True
        view = self.view
        done = view.take_line(text)
        if done is None:
            self._capture.give_back(text)
            return False
        item_id = getattr(done, "id", None) if done is not True else None
        if isinstance(item_id, str):
            view.point_at(item_id)
        return True

    def capture_draft(self) -> str:
        """The capture line's text, typed but not entered ("" for the proposal Ctrl+E put there)."""
        capture, issue = getattr(self, "_capture", None), self.issue
        text = capture.value if capture is not None and capture.value.strip() else ""
        return "" if issue is not None and text == issue.proposal.replace("\n", " ") else text

    def put_back_draft(self, text: str) -> bool | None:
        """Put a kept draft in the capture line, at its end: False if the line is not empty,
        None if the screen is not mounted yet."""
        if getattr(self, "_capture", None) is None:
            return None
        if self._capture.value:
            return False
        self.edit_in_capture(text)
        return True

    def edit_in_capture(self, text: str) -> None:
        """``text`` in the capture line (on one line), to edit and enter again: only into an empty line."""
        if text and not self._capture.value.strip():
            self._capture.value = text.replace("\n", " ")
            self._capture.cursor_position = len(self._capture.value)

    @on(LinesInput.Lines, "#capture")
    def pasted_lines(self, event: LinesInput.Lines) -> None:
        self.capture_lines(event.lines)

    def capture_lines(self, lines: list[str]) -> None:
        """A multi-line paste: one item a line (unless the stage takes it whole: the proposal)."""
        capture = self._capture
        if self.view.take_lines(lines, capture):
            return
        if capture.value.strip():  # what was typed before the paste stays first
            lines = [capture.value, *lines]
        capture.add_lines(lines, lambda line: self.capture(Input.Submitted(capture, line)))

    # --- the pointer and the modes ----------------------------------------------------------------

    def action_point(self, step: int) -> None:
        """↑/↓ (PgUp/PgDn) on the capture line: move the pointer in the stage's list."""
        widget = self.view.items
        if not widget.option_count:
            return
        current = widget.highlighted if widget.highlighted is not None else (-1 if step > 0 else widget.option_count)
        widget.highlighted = max(0, min(widget.option_count - 1, current + step))
        widget.scroll_to_highlight()
        if self.presenting:  # the facilitator points: the wall lights the item for a moment
            self._presentation.point(self.view.selected())

    def set_mode(self, mode: str) -> None:
        """Typing, voting or rating: the widget that takes printable keys has the focus (the
        others cannot take it), and the frame says which."""
        if mode == self.mode:
            return
        if mode != TYPING and self.presenting:  # scores are keyed in the grid or the voters, which
            self.action_present()  # the wall hides: back to the frame, never keys into a hidden box
        self.mode = mode
        self._warned_mode = None
        self._mode_bar.remove_class("-nudged")
        target: Widget = self._capture
        for view in self.views.values():
            widget = view.score_widget
            if widget is not None:
                widget.can_focus = mode == view.SCORING
                if mode == view.SCORING:
                    target = widget
        target.focus()
        for view in self.views.values():
            view.scoring_changed(mode)
        self.paint_mode()
        self.refresh_bindings()

    def action_escape(self) -> None:
        """Esc ends a scoring mode. While typing it changes nothing (the typed line stays) but
        lets go of a selection (the options marked for combining)."""
        if self.mode != TYPING:
            self.set_mode(TYPING)
        else:
            for view in self.views.values():
                view.escape()

    def wrong_mode_key(self) -> None:
        """A printable key in a scoring mode that is not a score: say so once (a sentence must not
        bury the grid under notices; the mode bar keeps saying it), change nothing."""
        if self._warned_mode != self.mode:
            self._warned_mode = self.mode
            message = f"You are {self.mode}: letters are not text here. Esc goes back to typing."
            self.app.notify(message, title=self.mode.upper(), severity="warning", timeout=4)
        self._mode_bar.add_class("-nudged")

    # --- the stage's own keys: the view shown answers them ---------------------------------------

    def action_stage_key(self) -> None:
        self._view_key("stage_key")

    def action_group(self) -> None:
        self._view_key("group")

    def action_brainstorm(self) -> None:
        self._view_key("brainstorm")

    def action_rate(self) -> None:
        self._view_key("rate")

    def action_costs(self) -> None:
        self._view_key("costs")

    def action_vote(self) -> None:
        self._view_key("vote")

    def action_draft(self) -> None:
        self._view_key("draft")

    def action_move_item(self, offset: int) -> None:
        self._view_key("move_item", offset)

    def _view_key(self, name: str, *arguments: object) -> None:
        handler = getattr(self.view, f"action_{name}", None)
        if handler is not None:
            handler(*arguments)

    def action_edit_item(self) -> None:
        self.view.action_edit_item()

    def item_commands(self) -> list[Command]:
        """What can be done to the pointed item (or, at Consensus, the check and its TA) at this
        stage: ``(name, key, run)``. The item menu (Ctrl+O) and the palette show the same list."""
        return self.view.item_commands()

    def action_item_menu(self) -> None:
        """Ctrl+O: the pointed item's commands, picked with ↑/↓ and Enter (no letter keys: a
        sentence typed here does nothing)."""
        commands = self.item_commands()
        if not commands:
            self.app.notify("Nothing is pointed at: ↑/↓ point at an item first.", severity="information")
            return
        title = f"{STAGE_NAMES[self.stage]}: {self.view.menu_subject()}"
        choices = [(f"{name}   {key}" if key else name, run) for name, key, run in commands]
        self.app.push_screen(Choose(title, choices, hint="↑/↓ and Enter · Esc closes"), lambda run: run and run())

    # --- navigation -----------------------------------------------------------------------------

    def action_stage(self, step: int) -> None:
        issue = self.issue
        if self.stage is Stage.ISSUES:  # forward from the list of issues opens the pointed one
            if step > 0 and self.session.issues:
                self.open_issue(self.view.selected() or (issue.id if issue else self.session.issues[0].id))
            return
        assert issue is not None
        order = self.session.stage_order
        index = order.index(self.stage) + step
        if not 0 <= index < len(order):
            return
        self._go(issue.id, order[index])

    def _go(self, issue_id: str, stage: Stage) -> None:
        with self.app.batch_update():
            self._move(issue_id, stage)
            post_refreshes(self)

    def _move(self, issue_id: str, stage: Stage) -> None:
        self.set_mode(TYPING)  # any move ends voting or rating
        self._leave_clock(self.stage)
        for view in self.views.values():
            view.moving_to(stage)
        issue = self.session.issue(issue_id)
        repainted = False
        if stage is Stage.ISSUES or issue is None:
            editing.set_cursor(self.session, issue_id, Stage.ISSUES)
            self.app.mark_dirty()
        elif issue.stage is not stage and not self.app.readonly:
            # a change: the frame and the new stage's view repaint on its SessionChanged
            repainted = self.app.change(f"move to {stage.value}", editing.set_stage, issue_id, stage) is not None
        else:
            editing.set_cursor(self.session, issue_id, stage)
            self.app.mark_dirty()
        if repainted:
            self._show_clock(self._shown_stage())
        else:
            self.refresh_all(reset_timer=True)
        if self.session.time_boxes.get(stage):
            self._keep_clock()  # a new stage's full box, paused: the room view shows the same

    def open_issue(self, issue_id: str) -> None:
        """Open the issue at the stage it is at (a new one at the stage after the issues)."""
        issue = self.session.issue(issue_id)
        if issue is None:
            return
        stage = issue.stage if issue.stage is not Stage.ISSUES else self.session.stage_order[1]
        self._go(issue_id, stage)

    def action_issue(self, step: int) -> None:
        issues = self.session.issues
        if not issues:
            return
        current = self.issue
        index = (issues.index(current) + step) % len(issues) if current else 0
        if self.stage is Stage.ISSUES:
            self.action_point(index - (self.view.items.highlighted or 0))
        else:
            self.open_issue(issues[index].id)

    def action_undo(self) -> None:
        label = self.app.undo()  # the frame repaints on its SessionChanged
        self.app.notify(f"Undone: {label}" if label else "Nothing to undo.", timeout=2)
