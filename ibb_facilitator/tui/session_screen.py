"""The stage walk: one issue at a time through issues ▸ interests ▸ options ▸ criteria ▸ consensus.

Always visible: the issue statement, the stage stepper, the timer and the current stage's items.

The recorder's keyboard (DESIGN.md): the capture line keeps the keyboard. Typed words are text,
never commands: the lists and the grid never take focus, ↑/↓ move the pointer in the list, and
every command on the pointed item has a modifier (Ctrl+E edit, Ctrl+O the item's menu,
Shift+↑/↓ reorder) or is in the palette. Scores are keyed only in an explicit mode that Ctrl+R
opens and that every move ends: *rating* (criteria: digits rate the grid) and *voting*
(consensus: one key per person); the whole frame changes colour and says so. Every change goes
through ``IbbApp.change`` (rules, undo, autosave); this module holds no IBB rule.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.content import Content
from textual.events import Key
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Digits, Header, Input, Label, OptionList, Static

from .. import editing, process
from ..model import MUTUAL, Issue, IssueStatus, Method, OptionState, Response, Stage
from ..model import now as model_now
from ..capture import parse_holder_prefix
from .modals import Choose, LongText, Panel, PickMany, Prompt
from .text import join, literal, one_line
from .widgets import STAGE_NAMES, CaucusClock, KeyBar, LinesInput, RowList, ScoreTable, StageTimer, Stepper

PLACEHOLDERS = {
    Stage.ISSUES: "New issue: “How can we …?” then Enter",
    Stage.INTERESTS: "New interest, then Enter (start with U: M: B: to tag the holder; Ctrl+T changes it)",
    Stage.OPTIONS: "New option, then Enter (no author, no judging)",
    Stage.CRITERIA: "New criterion, then Enter (Ctrl+T picks from the agenda's starters)",
    Stage.CONSENSUS: "The proposal being tested, then Enter",
}


CAPTURE_TITLES = {
    Stage.ISSUES: "TYPING ▸ Enter adds an issue · ↑↓ point · Alt+→ opens the pointed one",
    Stage.INTERESTS: "TYPING ▸ Enter adds an interest · ↑↓ point · Ctrl+O the pointed one",
    Stage.OPTIONS: "TYPING ▸ Enter adds an option · ↑↓ point · Ctrl+O the pointed one",
    Stage.CRITERIA: "TYPING ▸ Enter adds a criterion · Ctrl+R rates the grid",
    Stage.CONSENSUS: "TYPING ▸ Enter sets the proposal · Ctrl+R takes the vote",
}

VIEWS = {
    Stage.ISSUES: "view-issues",
    Stage.INTERESTS: "view-interests",
    Stage.OPTIONS: "view-options",
    Stage.CRITERIA: "view-criteria",
    Stage.CONSENSUS: "view-consensus",
}


# Actions that only make sense at some stages (``SessionScreen.check_action``).
STAGE_ACTIONS: dict[str, frozenset[Stage]] = {
    "brainstorm": frozenset({Stage.OPTIONS}),
    "vote": frozenset({Stage.CONSENSUS}),
    "rate": frozenset({Stage.CRITERIA}),
    "group": frozenset({Stage.INTERESTS}),
    "stage_key": frozenset({Stage.INTERESTS, Stage.CRITERIA, Stage.CONSENSUS}),
    "move_item": frozenset({Stage.ISSUES, Stage.INTERESTS, Stage.OPTIONS, Stage.CRITERIA}),
}

STAGE_KEY_NAMES = {Stage.INTERESTS: "Holder", Stage.CRITERIA: "Starters", Stage.CONSENSUS: "Method"}

# The keys of the scoring modes (``SessionScreen.mode``), by method for voting.
VOTE_KEYS: dict[Method, dict[str, int | str]] = {
    Method.FIST_TO_FIVE: {str(v): v for v in process.FIST_VALUES},
    Method.GRADIENTS: {str(v): v for v in process.GRADIENTS},
    Method.THUMBS: {"u": "up", "s": "sideways", "d": "down"},
    Method.PER_PARTY: {"y": "concur", "n": "do_not_concur"},
}
VOTE_HINTS = {Method.FIST_TO_FIVE: "0–5", Method.GRADIENTS: "1–8", Method.THUMBS: "u / s / d", Method.PER_PARTY: "y / n"}
ABSENT_KEY = "a"  # voting: "absent / not voting" for the pointed person (logged with the check)
TYPING, VOTING, RATING = "typing", "voting", "rating"


class StageViews(ContentSwitcher):
    """The stages' views, one shown. Switching shows and hides children (which lays out and
    paints them); the switcher's own border and background stay as they are."""

    current: Reactive[str | None] = Reactive(None, init=False, repaint=False)


class ItemList(RowList):
    """The items of a stage. Never focused: ↑/↓ on the capture line move its pointer."""

    can_focus = False


class VoterList(RowList):
    """One row per voter (or party). Focused only while voting: one key records the pointed
    person's response and moves on; any key that is not a vote says so and changes nothing."""

    can_focus = False

    def on_key(self, event: Key) -> None:
        # Every key is handled here, in its turn: a binding would run only once the key had
        # bubbled up to the app, so in a burst ("↑ ↑ 1", typed fast in a real terminal) the
        # digit was recorded before the moves, for the wrong person.
        moves = {"up": self.action_cursor_up, "down": self.action_cursor_down, "pageup": self.action_page_up, "pagedown": self.action_page_down, "home": self.action_first, "end": self.action_last}
        if event.key in moves:
            moves[event.key]()
        elif event.key in ("backspace", "delete"):
            self.screen.action_clear_response()  # type: ignore[attr-defined]
        elif event.character and event.character.isprintable():
            self.screen.response_key(event.character)  # type: ignore[attr-defined]
        else:
            return
        event.stop()
        event.prevent_default()


class RatingGrid(ScoreTable):
    """Options × criteria. Focused only while rating: digits 0–5 rate the cell, Backspace clears
    it, any other character says so and changes nothing."""

    can_focus = False

    def on_key(self, event: Key) -> None:
        # Moves too are handled in the key's turn (see VoterList): "↓ 4" typed fast rates the
        # cell below, not the one the cursor was leaving.
        moves = {"up": self.action_cursor_up, "down": self.action_cursor_down, "left": self.action_cursor_left, "right": self.action_cursor_right, "pageup": self.action_page_up, "pagedown": self.action_page_down}
        if event.key in moves:
            moves[event.key]()
        elif event.key in ("backspace", "delete"):
            self.screen.rate_cell(None)  # type: ignore[attr-defined]
        elif event.character and event.character in "012345":
            self.screen.rate_cell(int(event.character))  # type: ignore[attr-defined]
        elif event.character and event.character.isprintable():
            self.screen.wrong_mode_key()  # type: ignore[attr-defined]
        else:
            return
        event.stop()
        event.prevent_default()


class SessionScreen(Screen):
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
        Binding("ctrl+b", "brainstorm", "Brainstorm", priority=True, id="brainstorm"),
        Binding("ctrl+g", "group", "Side by side", priority=True, id="interests.group"),
        Binding("ctrl+z", "undo", "Undo", priority=True, id="undo"),
        Binding("escape", "escape", "Back to typing", show=False, id="mode.end"),
        Binding("f2", "timer", "Timer", id="timer.toggle"),
        Binding("f3", "plus_minute", "+1 min", id="timer.plus"),
        Binding("f4", "parking", "Parking lot", id="parking"),
        Binding("f5", "caucus", "Caucus", id="caucus"),
        Binding("f6", "ground_rules", "Rules", id="rules"),
        Binding("f7", "actions", "Actions", id="actions"),
        Binding("f8", "present", "Present", id="present"),
        # training tables only (tui/training.py): the training menu and the general brief
        Binding("f10", "training", "Training", id="training.menu"),
        Binding("f12", "general_brief", "General brief", show=False, id="training.brief"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.capture_holder: str | None = None
        self.marked: set[str] = set()
        self.method: Method = Method.FIST_TO_FIVE
        self.responses: dict[str, Response] = {}
        self.absent: list[str] = []  # voters marked "absent / not voting" for the check being taken
        self.mode = TYPING  # where printable keys go: the capture line, the voters or the grid
        self._warned_mode: str | None = None  # the mode whose wrong keys were already pointed out
        self.grouped = False
        self._clocks: dict[tuple[str | None, Stage], tuple[int, bool]] = {}  # each stage's timer as left
        self.presenting = False
        self._bindings_stage: Stage | None = None
        self._shown: dict[Static, Content] = {}  # what each text widget shows (skip equal updates)
        self._grouped_shown: object = None

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="banner")
        yield CaucusClock(id="caucus-clock")
        with Horizontal(id="top"):
            with Vertical(id="issue-box"):
                yield Label("", id="issue-meta")
                yield Static("", id="issue-statement")
                yield Stepper(id="stepper")
            yield StageTimer(id="timer")
        with StageViews(id="views", initial="view-issues"):
            yield ItemList(id="view-issues", classes="items")
            with Vertical(id="view-interests"):
                yield ItemList(id="interests-list", classes="items")
                yield Horizontal(id="interests-grouped")
            yield ItemList(id="view-options", classes="items")
            with Vertical(id="view-criteria"):
                yield ItemList(id="criteria-list", classes="items")
                yield RatingGrid(id="grid", cursor_type="cell", zebra_stripes=True)
            with Horizontal(id="view-consensus"):
                with Vertical(id="voters-box"):
                    yield Label("", id="method-label")
                    yield VoterList(id="voters")
                with Vertical(id="tally-box"):
                    yield Digits("0/0", id="tally-digits")
                    yield Static("", id="verdict")
                    yield Static("", id="check-history")
        yield Static("", id="mode-bar")
        with Horizontal(id="capture-row"):
            yield Label("", id="capture-tag")
            yield LinesInput(id="capture", split=True)
        yield KeyBar()

    @property
    def session(self):
        return self.app.session  # type: ignore[attr-defined]

    @property
    def issue(self) -> Issue | None:
        cursor = self.session.cursor
        return self.session.issue(cursor.issue) if cursor.issue else None

    @property
    def stage(self) -> Stage:
        stage = self.session.cursor.stage
        return Stage.ISSUES if self.issue is None else stage

    def on_mount(self) -> None:
        # The widgets every repaint touches, found once (a query walks the DOM each time).
        self._issue_meta = self.query_one("#issue-meta", Label)
        self._issue_statement = self.query_one("#issue-statement", Static)
        self._stepper = self.query_one(Stepper)
        self._views = self.query_one("#views", ContentSwitcher)
        self._capture = self.query_one("#capture", LinesInput)
        self._capture_row = self.query_one("#capture-row", Horizontal)
        # Enter is handled in the same turn that empties the line: one frame, not two
        self._capture.on_submit = lambda text: self.capture(Input.Submitted(self._capture, text))
        self._timer = self.query_one(StageTimer)
        self._caucus_clock = self.query_one(CaucusClock)
        self._capture_tag = self.query_one("#capture-tag", Label)
        self._banner = self.query_one("#banner", Static)
        self._grouped = self.query_one("#interests-grouped", Horizontal)
        self._grid = self.query_one(RatingGrid)
        self._lists: dict[Stage, RowList] = {
            Stage.ISSUES: self.query_one("#view-issues", ItemList),
            Stage.INTERESTS: self.query_one("#interests-list", ItemList),
            Stage.OPTIONS: self.query_one("#view-options", ItemList),
            Stage.CRITERIA: self.query_one("#criteria-list", ItemList),
            Stage.CONSENSUS: self.query_one(VoterList),
        }
        self.method = self.session.decision_rule.method
        if self.session.parties:
            self.capture_holder = self.session.parties[0].id
        self.refresh_all(reset_timer=True)
        self.query_one("#capture", Input).focus()
        if self.session.training is not None:  # a table of a simulation: round bar, brief
            from .training import attach

            attach(self)

    def on_resize(self) -> None:
        # The stepper, the grid's option column and the air between items follow the size:
        # repaint (cheap when nothing else changed: the lists and the grid compare row by row).
        if hasattr(self, "_lists"):
            self.refresh_all()

    # --- painting -----------------------------------------------------------------------------

    def refresh_all(self, reset_timer: bool = False) -> None:
        """Repaint everything from the session (after any change, undo, or a move).

        Cheap when little changed: every widget is told only what differs from what it shows
        (the lists and the grid compare row by row), so a change repaints its own lines only.
        """
        session, issue, stage = self.session, self.issue, self.stage
        if self.mode != TYPING and self.mode != {Stage.CONSENSUS: VOTING, Stage.CRITERIA: RATING}.get(stage):
            self._set_mode(TYPING)  # an undo or a reload moved the stage under a scoring mode
        if issue is not None and stage not in session.stage_order:
            stage = Stage.ISSUES
        n = session.issues.index(issue) + 1 if issue else 0
        meta = f"Issue {n} of {len(session.issues)}" if issue else f"{len(session.issues)} issues"
        if issue is not None:
            if issue.article:
                meta += f" · {issue.article}"
            meta += f" · {process.STATUS_LABELS[issue.status]}"
            if issue.raised_by != "joint":
                meta += f" · raised by {session.holder_label(issue.raised_by)}"
        self._show(self._issue_meta, literal(meta))
        statement = issue.statement if issue else session.title
        self._show(self._issue_statement, literal(statement))
        self._stepper.show(session.stage_order, stage)
        if self._views.current != VIEWS[stage]:
            self._switch_view(VIEWS[stage], stage)
        self._capture.placeholder = PLACEHOLDERS[stage]
        self._capture.border_title = CAPTURE_TITLES[stage]
        if reset_timer:
            self._show_clock(stage)
        {
            Stage.ISSUES: self._paint_issues,
            Stage.INTERESTS: self._paint_interests,
            Stage.OPTIONS: self._paint_options,
            Stage.CRITERIA: self._paint_criteria,
            Stage.CONSENSUS: self._paint_consensus,
        }[stage]()
        self._paint_capture_tag()
        self._paint_banner()
        caucus = editing.open_caucus(session)
        self._caucus_clock.show(
            f"{session.holder_label(caucus.party)}" + (f" (called by {caucus.called_by})" if caucus and caucus.called_by else "") if caucus else "",
            caucus.start if caucus else None,
        )
        if stage is not self._bindings_stage:  # the footer recomposes: only when keys change
            self._bindings_stage = stage
            self.refresh_bindings()

    def _switch_view(self, view: str, stage: Stage) -> None:
        """Show the stage's view. Focus in the list (or grid) of the view going away moves to the
        new stage's list, now: left to Textual it is lost (the hidden widget's siblings are not
        focusable) a frame later, and single keys then do nothing until Escape."""
        old = self._views.visible_content
        focused = self.focused
        follow = old is not None and focused is not None and old in focused.ancestors_with_self
        self._views.current = view
        if follow:
            self.set_focus(self._lists[stage], scroll_visible=False)

    def _show(self, widget: Static, content: Content) -> None:
        """``widget.update(content)`` unless it shows that already (an update re-renders and lays out)."""
        shown = self._shown.get(widget)
        if shown is not None and shown.is_same(content):
            return
        self._shown[widget] = content
        widget.update(content)

    def _fill(self, widget: RowList, rows: list[tuple[str, Content]]) -> None:
        if self.app.size.height >= 36 and widget.id != "voters":  # a big wall: air between items
            rows = [(item_id, prompt + "\n") for item_id, prompt in rows]
        widget.show_rows(rows)

    def _paint_issues(self) -> None:
        session = self.session
        rows = []
        for n, issue in enumerate(session.issues, start=1):
            status = process.STATUS_LABELS[issue.status]
            style = {"agreed": "bold $success", "parked": "$warning", "withdrawn": "dim strike", "no_consensus": "$error"}.get(issue.status.value, "")
            extra = f"  [{issue.article}]" if issue.article else ""
            rows.append((issue.id, join((f"{n:>2}. ", "bold"), literal(issue.statement, "strike" if issue.status is IssueStatus.WITHDRAWN else ""), (extra, "dim"), (f"  {status}", style))))
        self._fill(self._lists[Stage.ISSUES], rows)

    def _interest_row(self, interest) -> Content:
        tag = self.session.holder_tag(interest.holder)
        kind = f"  ({interest.kind.value})" if interest.kind else ""
        if interest.holder == MUTUAL:
            return join((f" {tag} ", "bold reverse $success"), " ", literal(interest.text, "bold"), (kind, "dim"))
        return join((f"({tag})", "bold"), " ", literal(interest.text), (kind, "dim"))

    def _paint_interests(self) -> None:
        issue = self.issue
        assert issue is not None
        rows = [(i.id, self._interest_row(i)) for i in issue.interests]
        items = self._lists[Stage.INTERESTS]
        self._fill(items, rows)
        grouped = self._grouped
        grouped.display = self.grouped
        items.display = not self.grouped
        groups = self.session.interest_groups(issue, keep_empty=True) if self.grouped else []
        shown = [(self.session.holder_label(h), [i.text for i in mine]) for h, mine in groups] if self.grouped else None
        if self.grouped and shown != self._grouped_shown:
            grouped.remove_children()
            for holder, mine in groups:
                column = Vertical(classes="holder-column" + (" mutual" if holder == MUTUAL else ""))
                grouped.mount(column)
                column.mount(Label(literal(self.session.holder_label(holder)), classes="holder-title"))
                column.mount(Static(literal("\n".join(f"• {i.text}" for i in mine) or "—"), classes="holder-items"))
        self._grouped_shown = shown

    def _option_row(self, option, issue: Issue) -> Content:
        mark = "● " if option.id in self.marked else ""
        serves = f"  serves {len(option.serves)}" if option.serves else ""
        if option.state is OptionState.SET_ASIDE:
            return join((mark, "bold"), literal(option.text, "dim strike"), ("  set aside", "dim"))
        if option.state is OptionState.COMBINED:
            target = next((n for n, o in enumerate(issue.options, 1) if o.id == option.combined_into), "?")
            return join((mark, "bold"), literal(option.text, "dim"), (f"  → combined into #{target}", "dim"))
        return join((mark, "bold $accent"), literal(option.text), (serves, "dim"))

    def _paint_options(self) -> None:
        issue = self.issue
        assert issue is not None
        rows = []
        for n, option in enumerate(issue.options, start=1):
            rows.append((option.id, join((f"#{n} ", "dim"), self._option_row(option, issue))))
        self._fill(self._lists[Stage.OPTIONS], rows)

    def _paint_criteria(self) -> None:
        issue = self.issue
        assert issue is not None
        criteria = self.session.criteria_for(issue)
        shared = {c.id for c in self.session.shared_criteria}
        rows = [(c.id, join((f"C{n} ", "bold $primary"), literal(c.text), ("  (all issues)" if c.id in shared else "", "dim"))) for n, c in enumerate(criteria, 1)]
        self._fill(self._lists[Stage.CRITERIA], rows)
        width = max(10, min(48, self.size.width - 8 * (len(criteria) + 1) - 10))
        columns: list[tuple[str, str, int | None]] = [("option", "Option", width)]
        columns += [(c.id, f"C{n}", None) for n, c in enumerate(criteria, 1)]
        columns.append(("total", "Σ", None))
        grid_rows: list[tuple[str, tuple[object, ...]]] = []
        for n, option in enumerate(issue.options, 1):
            if option.state is not OptionState.ACTIVE:
                continue
            scores = [editing.rating_of(issue, option.id, c.id) for c in criteria]
            cells = [literal(one_line(f"#{n} {option.text}", width))] + ["·" if s is None else str(s) for s in scores] + [str(sum(s for s in scores if s is not None))]
            grid_rows.append((option.id, tuple(cells)))
        self._grid.show_table(columns, grid_rows)

    def _voter_rows(self) -> list[tuple[str, str, str | None]]:
        """(key, label, party) for each voter of the current method."""
        session = self.session
        if self.method is Method.PER_PARTY:
            return [(p.id, p.name, None) for p in session.parties]
        return [(name, f"{name} ({session.holder_tag(party)})", party) for name, party in process.voters(session)]

    def _paint_consensus(self) -> None:
        session, issue = self.session, self.issue
        rule = session.decision_rule
        line = {
            Method.FIST_TO_FIVE: f"consensus: everyone ≥ {rule.fist_minimum}",
            Method.THUMBS: "consensus: no thumb down",
            Method.GRADIENTS: f"consensus: no 8 (block), no 5, nobody past {rule.gradient_threshold}",
            Method.PER_PARTY: "consensus: every party concurs",
        }[self.method]
        how = f"keys {VOTE_HINTS[self.method]} · A absent" if self.mode == VOTING else "Ctrl+R to vote · Ctrl+T method"
        self._show(self.query_one("#method-label", Label), join((process.METHOD_LABELS[self.method], "bold"), f"  {line}  ({how})"))
        rows = []
        tally = self._tally()
        voters = self._voter_rows()
        for key, label, _ in voters:
            response = self.responses.get(key)
            if key in self.absent:
                value, style = "absent", "italic"
            else:
                value = "—" if response is None else process.value_label(self.method, response.value)
                style = "bold $error" if response is not None and key in tally.below else "bold"
            rows.append((key, join(literal(label), "  ", (value, style))))
        self._fill(self._lists[Stage.CONSENSUS], rows)
        total = len(voters)
        answered = f"{total - len(tally.missing)}/{total}"
        digits = self.query_one("#tally-digits", Digits)
        if digits.value != answered:
            digits.update(answered)
        if not self.responses and not self.absent:
            verdict = join(("Waiting for responses", "dim"), ("  Ctrl+R starts the vote" if self.mode == TYPING else "", ""))
        elif not tally.complete:
            waiting = ", ".join(tally.missing)
            verdict = join(("NOT COMPLETE", "bold reverse $warning"), f"  {len(tally.missing)} to answer: ", literal(waiting), ("  (A: absent / not voting)", "dim"))
        elif tally.consensus:
            verdict = join(("CONSENSUS", "bold reverse $success"), ("  Ctrl+R records it", ""))
        else:
            verdict = join(("NO CONSENSUS", "bold reverse $error"), "  below the line: ", literal(", ".join(tally.below)), ("  Ctrl+R records it", ""))
        if issue is not None and issue.proposal:
            verdict = join(verdict, "\nProposal: ", literal(issue.proposal, "italic"))
        self._show(self.query_one("#verdict", Static), verdict)
        history: list[Content] = []
        if issue is not None:
            for check in issue.checks[-4:]:
                outcome = "consensus" if check.outcome.value == "consensus" else "no consensus"
                history.append(join((f"{check.at:%H:%M} ", "dim"), process.METHOD_LABELS[check.method], ": ", (outcome, "bold")))
            for ta in session.agreements_for(issue.id):
                if ta.superseded_by:
                    history.append(join(("TA ", "dim strike"), literal(one_line(ta.text, 50), "dim strike"), ("  superseded", "dim")))
                    continue
                initials = ", ".join(f"{session.holder_tag(i.party)} {i.initials}" for i in ta.initials) or "not initialed yet"
                history.append(join(("TA ", "bold $success"), literal(one_line(ta.text, 60)), (f"  [{initials}]  Ctrl+O: the TA", "dim")))
            if issue.ta_draft:
                history.append(join(("TA draft ", "bold $warning"), literal(one_line(issue.ta_draft, 50)), ("  Ctrl+O: write the TA", "dim")))
        self._show(self.query_one("#check-history", Static), Content("\n").join(history) if history else literal(""))

    def _paint_capture_tag(self) -> None:
        """At Interests, the holder the next typed line gets, on the capture line itself."""
        tag = self._capture_tag
        if self.stage is Stage.INTERESTS and self.capture_holder:
            holder = self.capture_holder
            label = self.session.holder_tag(holder)
            if self.app.size.width >= 120:  # room for the name too
                label += f" · {one_line(self.session.holder_label(holder), 28)}"
            self._show(tag, join((f" {label} ▸ ", "bold reverse")))
            tag.display = True
        else:
            tag.display = False

    def _paint_mode(self) -> None:
        """Where the next key goes, said by the whole frame: the capture line (typing), or a
        scoring mode with its own bar and colour."""
        mode = self.mode
        # The frame of the stage and the bar say it; not a class on the whole screen, which
        # restyled every widget (and dropped the grid's renderings): 150-200 ms a switch.
        self._views.set_class(mode != TYPING, "-scoring")
        self._capture_row.display = mode == TYPING
        bar = self.query_one("#mode-bar", Static)
        bar.display = mode != TYPING
        if mode == VOTING:
            who = self._voter_rows()
            pointed = self._lists[Stage.CONSENSUS].highlighted
            name = who[pointed][0] if who and pointed is not None and pointed < len(who) else ""
            self._show(bar, join(("VOTING ", "bold"), f"keys {VOTE_HINTS[self.method]} record ", literal(name, "bold"), "'s answer · A absent · ↑↓ another person · Ctrl+R records the check · Esc back to typing"))
        elif mode == RATING:
            self._show(bar, join(("RATING ", "bold"), "keys 0–5 rate the cell · Backspace clears · arrows move · Ctrl+R or Esc back to typing"))

    def _paint_banner(self) -> None:
        banner = self._banner
        app = self.app
        parts = []
        if app.readonly:  # type: ignore[attr-defined]
            parts.append(join(("READ-ONLY ", "bold"), literal(app.readonly_reason)))  # type: ignore[attr-defined]
        issue = self.issue
        if issue is not None and issue.brainstorming and self.stage is Stage.OPTIONS:
            parts.append(join(("BRAINSTORM", "bold"), ": every idea goes up · no author · no judging · Ctrl+B ends it"))
        banner.display = bool(parts)
        banner.set_class(bool(app.readonly), "-readonly")  # type: ignore[attr-defined]
        self._show(banner, Content("  |  ").join(parts) if parts else literal(""))

    # --- helpers ------------------------------------------------------------------------------

    def change(self, label: str, fn, *args, **kwargs):
        with self.app.batch_update():  # the change and its repaint: one frame
            result = self.app.change(label, fn, *args, **kwargs)  # type: ignore[attr-defined]
            self.refresh_all()
            self._post_refreshes()
        return result

    def _list(self) -> OptionList | None:
        return self._lists[self.stage]

    def _selected(self) -> str | None:
        widget = self._list()
        if widget is None or widget.highlighted_option is None:
            return None
        return widget.highlighted_option.id

    def _tally(self) -> process.Tally:
        return process.tally(self.session, self.method, list(self.responses.values()), absent=self.absent)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Asked for every binding each time the keys are refreshed (focus, stage): stay cheap.
        stages = STAGE_ACTIONS.get(action)
        if stages is not None:
            return self.stage in stages
        if action == "issue":
            return bool(self.session.issues)
        if action == "edit_item":
            return self.stage is not Stage.CONSENSUS or self.issue is not None
        if action in ("training", "general_brief"):
            return self.session.training is not None
        return True

    # --- capture ------------------------------------------------------------------------------

    @on(Input.Submitted, "#capture")
    def capture(self, event: Input.Submitted) -> bool:
        """The line was emptied as Enter was read (``LinesInput``): a refused item goes back.
        True when the item was taken."""
        text = event.value
        stage, issue = self.stage, self.issue
        if not text.strip():  # a second Enter does nothing (it is a habit, not a request)
            return True
        done = None
        if stage is Stage.ISSUES:
            done = self.change("add issue", editing.add_issue, text)
        elif issue is None:
            pass
        elif stage is Stage.INTERESTS:
            holder, rest = parse_holder_prefix(self.session, text)
            if holder is not None:
                self.capture_holder = holder
            holder = self.capture_holder or MUTUAL
            done = self.change("add interest", editing.add_interest, issue.id, rest, holder)
        elif stage is Stage.OPTIONS:
            done = self.change("add option", editing.add_option, issue.id, text)
        elif stage is Stage.CRITERIA:
            done = self.change("add criterion", editing.add_criterion, issue.id, text)
        elif stage is Stage.CONSENSUS:
            done = self.change("proposal", editing.set_proposal, issue.id, text)
        if done is None:
            event.input.give_back(text)  # type: ignore[attr-defined]
            return False
        if done is not True and hasattr(done, "id"):
            self._highlight(done.id)
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
        self._capture.value = text.replace("\n", " ")
        self._capture.cursor_position = len(self._capture.value)
        return True

    @on(LinesInput.Lines, "#capture")
    def pasted_lines(self, event: LinesInput.Lines) -> None:
        self.capture_lines(event.lines)

    def capture_lines(self, lines: list[str]) -> None:
        """A multi-line paste: one item a line (the proposal, at consensus, keeps its lines)."""
        capture = self.query_one("#capture", LinesInput)
        issue = self.issue
        if self.stage is Stage.CONSENSUS and issue is not None:
            text = "\n".join([capture.value, *lines] if capture.value.strip() else lines)
            if self.change("proposal", editing.set_proposal, issue.id, text) is not None:
                capture.value = ""
            return
        if capture.value.strip():  # what was typed before the paste stays first
            lines = [capture.value, *lines]
        capture.add_lines(lines, lambda line: self.capture(Input.Submitted(capture, line)))

    def _highlight(self, item_id: str) -> None:
        widget = self._list()
        if widget is None:
            return
        try:
            widget.highlighted = widget.get_option_index(item_id)
        except Exception:  # noqa: BLE001 - an id not shown (e.g. grouped view)
            pass

    def key_label(self, binding: Binding) -> str:
        """The key bar's word for a key whose meaning follows the stage (Ctrl+T)."""
        if binding.action == "stage_key":
            return STAGE_KEY_NAMES.get(self.stage, binding.description)
        return binding.description

    # --- the pointer and the modes ---------------------------------------------------------------

    def action_point(self, step: int) -> None:
        """↑/↓ (PgUp/PgDn) on the capture line: move the pointer in the stage's list."""
        widget = self._list()
        if widget is None or not widget.option_count:
            return
        current = widget.highlighted if widget.highlighted is not None else (-1 if step > 0 else widget.option_count)
        widget.highlighted = max(0, min(widget.option_count - 1, current + step))
        widget.scroll_to_highlight()

    def _set_mode(self, mode: str) -> None:
        """Typing, voting or rating: the widget that takes printable keys has the focus (the
        others cannot take it), and the frame says which."""
        if mode == self.mode:
            return
        self.mode = mode
        self._warned_mode = None
        self.query_one("#mode-bar", Static).remove_class("-nudged")
        voters, grid = self._lists[Stage.CONSENSUS], self._grid
        voters.can_focus, grid.can_focus = mode == VOTING, mode == RATING
        target = {VOTING: voters, RATING: grid}.get(mode, self._capture)
        target.focus()
        if mode == RATING and grid.row_count and grid.cursor_coordinate.column == 0:
            grid.cursor_coordinate = grid.validate_cursor_coordinate(grid.cursor_coordinate.right())
        self._paint_mode()
        if self.stage is Stage.CONSENSUS:
            self._paint_consensus()
        self.refresh_bindings()

    def action_escape(self) -> None:
        """Esc ends a scoring mode. While typing it changes nothing (the typed line stays)."""
        if self.mode != TYPING:
            self._set_mode(TYPING)
        elif self.marked:
            self.marked.clear()
            self.refresh_all()

    def wrong_mode_key(self) -> None:
        """A printable key in a scoring mode that is not a score: say so once (a sentence must not
        bury the grid under notices; the mode bar keeps saying it), change nothing."""
        if self._warned_mode != self.mode:
            self._warned_mode = self.mode
            self.app.notify(f"You are {self.mode}: letters are not text here. Esc goes back to typing.", title=self.mode.upper(), severity="warning", timeout=4)
        self.query_one("#mode-bar", Static).add_class("-nudged")

    @on(OptionList.OptionHighlighted, "#voters")
    def voter_pointed(self) -> None:
        if self.mode == VOTING:  # the bar names the person the next key answers for
            self._paint_mode()

    def action_rate(self) -> None:
        if self.mode == RATING:
            self._set_mode(TYPING)
        elif self.issue is not None and self._grid.row_count and len(self._grid.columns) > 2:
            self._set_mode(RATING)
        else:
            self.app.notify("Nothing to rate yet: the grid needs active options and criteria.", severity="information")

    def action_vote(self) -> None:
        if self.mode == VOTING:
            self.record_check()
        elif self.issue is not None and self._voter_rows():
            rows, missing = self._voter_rows(), set(self._tally().missing)
            # the first person still to answer (everyone, for a new check)
            self._lists[Stage.CONSENSUS].highlighted = next((n for n, (key, _, _) in enumerate(rows) if key in missing), 0)
            self._set_mode(VOTING)
        else:
            self.app.notify("No one to vote: the session has no voting members.", severity="warning")

    # --- navigation ---------------------------------------------------------------------------

    def action_stage(self, step: int) -> None:
        issue = self.issue
        if self.stage is Stage.ISSUES:  # forward from the list of issues opens the pointed one
            if step > 0 and self.session.issues:
                self._open_issue(self._selected() or (issue.id if issue else self.session.issues[0].id))
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
            self._post_refreshes()

    def _post_refreshes(self) -> None:
        """Hand every widget's pending repaint and layout to the screen now, together. Left to
        each widget's own idle, the stage bar's repaint reached the screen a frame before the new
        view's layout, and that frame was torn (the new stage bar over the old stage's view)."""
        for widget in self.walk_children(with_self=False):
            widget._check_refresh()

    def _move(self, issue_id: str, stage: Stage) -> None:
        self._set_mode(TYPING)  # any move ends voting or rating
        self._clocks[(self.session.cursor.issue, self.stage)] = (self._timer.remaining, False)
        issue = self.session.issue(issue_id)
        if stage is Stage.ISSUES or issue is None:
            editing.set_cursor(self.session, issue_id, Stage.ISSUES)
            self.app.mark_dirty()  # type: ignore[attr-defined]
        elif issue.stage is not stage and not self.app.readonly:  # type: ignore[attr-defined]
            self.app.change(f"move to {stage.value}", editing.set_stage, issue_id, stage)  # type: ignore[attr-defined]
        else:
            editing.set_cursor(self.session, issue_id, stage)
            self.app.mark_dirty()  # type: ignore[attr-defined]
        self.marked.clear()
        if stage is Stage.CONSENSUS:
            self.responses.clear()
            self.absent = []
        self.refresh_all(reset_timer=True)
        if self.session.time_boxes.get(stage):
            self._keep_clock()  # a new stage's full box, paused: the room view shows the same

    def _open_issue(self, issue_id: str) -> None:
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
        target = issues[index]
        stage = self.stage if self.stage is not Stage.ISSUES else Stage.ISSUES
        if stage is Stage.ISSUES:
            self.action_point(index - (self._list().highlighted or 0) if self._list() else 0)
        else:
            self._open_issue(target.id)

    @on(OptionList.OptionSelected, "#view-issues")
    def issue_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._open_issue(event.option.id)

    @on(OptionList.OptionSelected, ".items")
    def item_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id != "view-issues":
            self.action_edit_item()

    # --- item actions -------------------------------------------------------------------------

    def item_commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        """What can be done to the pointed item (or, at Consensus, the check and its TA) at this
        stage: ``(name, key, run)``. The item menu (Ctrl+O) and the palette show the same list."""
        stage, issue, item = self.stage, self.issue, self._selected()
        commands: list[tuple[str, str, Callable[[], object]]] = []
        if stage is Stage.CONSENSUS and issue is not None:
            commands += [("Edit the proposal", "Ctrl+E", self.action_edit_item), ("Vote: take the consensus check", "Ctrl+R", self.action_vote), ("Method of the check", "Ctrl+T", self.action_stage_key)]
            if self._unwritten_check(issue) is not None:
                commands.append(("Write the TA for the last consensus check", "", self.write_ta))
            if self._ta_of(issue) is not None:
                commands += [("View the TA", "", self.view_ta), ("Initial the TA", "", self.initial_ta), ("Edit the TA text", "", lambda: self.edit_ta("text")), ("Edit the TA title", "", lambda: self.edit_ta("title")), ("Edit the TA article", "", lambda: self.edit_ta("article"))]
            return commands
        if item is None:
            return commands
        edit = {Stage.ISSUES: "Reword the issue", Stage.INTERESTS: "Edit the interest", Stage.OPTIONS: "Clarify the option", Stage.CRITERIA: "Reword the criterion"}[stage]
        commands.append((edit, "Ctrl+E", self.action_edit_item))
        if stage is Stage.ISSUES:
            commands += [("Open the issue", "Alt+→", lambda: self._open_issue(item)), ("Status: withdraw, reinstate, reopen…", "", self.action_status), ("Park / unpark the issue", "", self.action_park_issue)]
        elif stage is Stage.INTERESTS:
            commands += [("Change the holder", "", self.action_cycle_holder), ("Change the kind", "", self.action_cycle_kind), ("Strike the interest", "", self.action_strike)]
        elif stage is Stage.OPTIONS:
            marked = "Unmark" if item in self.marked else "Mark for combining"
            commands += [(marked, "", self.action_mark), ("Combine the marked options", "", self.action_combine), ("Set aside / bring back", "", self.action_set_aside), ("Which interests it serves…", "", self.action_serves)]
        elif stage is Stage.CRITERIA:
            commands += [("Rate the grid", "Ctrl+R", self.action_rate), ("Strike the criterion", "", self.action_strike)]
        commands += [("Move up", "Shift+↑", lambda: self.action_move_item(-1)), ("Move down", "Shift+↓", lambda: self.action_move_item(1))]
        return commands

    def action_item_menu(self) -> None:
        """Ctrl+O: the pointed item's commands, picked with ↑/↓ and Enter (no letter keys: a
        sentence typed here does nothing)."""
        commands = self.item_commands()
        if not commands:
            self.app.notify("Nothing is pointed at: ↑/↓ point at an item first.", severity="information")
            return
        item = self._list().highlighted_option if self.stage is not Stage.CONSENSUS and self._list() else None
        title = f"{STAGE_NAMES[self.stage]}: " + (one_line(str(item.prompt), 60) if item is not None else one_line(self.issue.statement if self.issue else "", 60))
        choices = [(f"{name}   {key}" if key else name, run) for name, key, run in commands]
        self.app.push_screen(Choose(title, choices, hint="↑/↓ and Enter · Esc closes"), lambda run: run and run())

    def action_edit_item(self) -> None:
        item_id, issue, stage = self._selected(), self.issue, self.stage
        if stage is Stage.CONSENSUS and issue is not None:  # the proposal, back in the capture line
            if issue.proposal and not self._capture.value.strip():
                self._capture.value = issue.proposal.replace("\n", " ")
                self._capture.cursor_position = len(self._capture.value)
            return
        if item_id is None:
            return
        if stage is Stage.ISSUES:
            target = self.session.issue(item_id)
            if target:
                self.app.push_screen(Prompt("Reword the issue", target.statement), lambda v: v and self.change("reword issue", editing.edit_issue, item_id, statement=v))
        elif issue is None:
            return
        elif stage is Stage.INTERESTS:
            interest = next(i for i in issue.interests if i.id == item_id)
            self.app.push_screen(Prompt("Edit the interest", interest.text), lambda v: v and self.change("edit interest", editing.edit_interest, issue.id, item_id, text=v))
        elif stage is Stage.OPTIONS:
            option = next(o for o in issue.options if o.id == item_id)
            self.app.push_screen(Prompt("Clarify the option", option.text), lambda v: v and self.change("clarify option", editing.edit_option, issue.id, item_id, v))
        elif stage is Stage.CRITERIA:
            shared = any(c.id == item_id for c in self.session.shared_criteria)
            criterion = next(c for c in self.session.criteria_for(issue) if c.id == item_id)
            self.app.push_screen(Prompt("Reword the criterion", criterion.text), lambda v: v and self.change("reword criterion", editing.edit_criterion, None if shared else issue.id, item_id, v))

    def _done(self, what: str, undo: bool = True) -> None:
        """Say what a one-key change did, and how to take it back."""
        self.app.notify(f"{what}{' · Ctrl+Z undoes it' if undo else ''}", timeout=5)

    def action_move_item(self, offset: int) -> None:
        item_id, issue, stage = self._selected(), self.issue, self.stage
        if item_id is None:
            return
        if stage is Stage.ISSUES:
            self.change("move issue", editing.move_issue, item_id, offset)
        elif issue is not None and stage in (Stage.INTERESTS, Stage.OPTIONS, Stage.CRITERIA):
            kind = {Stage.INTERESTS: "interest", Stage.OPTIONS: "option", Stage.CRITERIA: "criterion"}[stage]
            if kind == "criterion" and not any(c.id == item_id for c in issue.criteria):
                return
            self.change(f"move {kind}", editing.move_item, issue.id, kind, item_id, offset)
        self._highlight(item_id)

    def action_cycle_holder(self) -> None:
        item_id, issue = self._selected(), self.issue
        if not (item_id and issue):
            return
        interest = next(i for i in issue.interests if i.id == item_id)
        choices = [(self.session.holder_label(h), h) for h in self.session.holders() if h != interest.holder]

        def chosen(holder: str | None) -> None:
            if holder and self.change("change holder", editing.edit_interest, issue.id, item_id, holder=holder) is not None:
                self._done(f"Now held by {self.session.holder_label(holder)}: {one_line(interest.text, 40)}")

        self.app.push_screen(Choose(f"Who holds: {one_line(interest.text, 60)}", choices), chosen)

    def action_cycle_kind(self) -> None:
        item_id, issue = self._selected(), self.issue
        if not (item_id and issue):
            return
        from ..model import InterestKind

        interest = next(i for i in issue.interests if i.id == item_id)
        choices = [(k.value, k.value) for k in InterestKind if k is not interest.kind]
        if interest.kind is not None:
            choices.append(("no kind", ""))

        def chosen(kind: str | None) -> None:
            if kind is not None:
                self.change("change kind", editing.edit_interest, issue.id, item_id, kind=InterestKind(kind) if kind else None)

        self.app.push_screen(Choose(f"Kind of: {one_line(interest.text, 60)}", choices), chosen)

    def action_mark(self) -> None:
        item_id = self._selected()
        if item_id:
            self.marked ^= {item_id}
            self.refresh_all()

    def action_combine(self) -> None:
        issue, item_id = self.issue, self._selected()
        if issue is None:
            return
        ids = list(dict.fromkeys([*sorted(self.marked, key=lambda i: [o.id for o in issue.options].index(i)), *([item_id] if item_id else [])]))
        if len(ids) < 2:
            self.app.notify("Mark options first (Ctrl+O ▸ Mark for combining), then Ctrl+O ▸ Combine on the last one.", severity="information")
            return
        texts = [o.text for o in issue.options if o.id in ids]

        def done(text: str | None) -> None:
            if text and self.change("combine options", editing.combine_options, issue.id, ids, text) is not None:
                self.marked.clear()
                self.refresh_all()
                self._done(f"{len(ids)} options combined into one")

        self.app.push_screen(Prompt(f"Combine {len(ids)} options into one: the wording", " + ".join(texts)), done)

    def action_set_aside(self) -> None:
        issue, item_id = self.issue, self._selected()
        if issue and item_id:
            option = next(o for o in issue.options if o.id == item_id)
            aside = option.state is OptionState.ACTIVE
            if self.change("set aside option" if aside else "bring back option", editing.set_aside_option, issue.id, item_id, aside) is not None:
                self._done(f"{'Set aside' if aside else 'Brought back'}: {one_line(option.text, 40)}")

    def action_serves(self) -> None:
        issue, item_id = self.issue, self._selected()
        if not (issue and item_id):
            return
        option = next(o for o in issue.options if o.id == item_id)
        if not issue.interests:
            self.app.notify("This issue has no interests yet.", severity="warning")
            return
        choices = [(f"({self.session.holder_tag(i.holder)}) {one_line(i.text)}", i.id, i.id in option.serves) for i in issue.interests]

        def done(picked: list[str] | None) -> None:
            if picked is None:
                return
            for interest_id in {*picked} ^ {*option.serves}:
                self.change("link interest", editing.toggle_serves, issue.id, item_id, interest_id)

        self.app.push_screen(PickMany(f"Which interests does this option serve? {one_line(option.text, 60)}", choices), done)

    def action_status(self) -> None:
        item_id = self._selected()
        target = self.session.issue(item_id) if item_id else None
        if target is None:
            return
        choices = [(process.STATUS_LABELS[s], s) for s in IssueStatus if s in process.TRANSITIONS[target.status]]

        def chosen(status: IssueStatus | None) -> None:
            if status and self.change("change status", editing.set_status, target.id, status) is not None:
                self._done(f"{process.STATUS_LABELS[status]}: {one_line(target.statement, 40)}")

        self.app.push_screen(Choose(f"Status of: {one_line(target.statement, 60)}", choices, "Agreed comes from initialing a TA"), chosen)

    def action_park_issue(self) -> None:
        item_id = self._selected()
        target = self.session.issue(item_id) if item_id else None
        if target is not None:
            new = IssueStatus.OPEN if target.status is IssueStatus.PARKED else IssueStatus.PARKED
            if self.change("park issue", editing.set_status, target.id, new) is not None:
                self._done(f"{'Parked' if new is IssueStatus.PARKED else 'Back in play'}: {one_line(target.statement, 40)}")

    def action_strike(self) -> None:
        issue, item_id = self.issue, self._selected()
        if not (issue and item_id):
            return
        if self.stage is Stage.INTERESTS:
            interest = next(i for i in issue.interests if i.id == item_id)
            if self.change("strike interest", editing.remove_interest, issue.id, item_id) is not None:
                self._done(f"Struck: {one_line(interest.text, 40)}")
        elif self.stage is Stage.CRITERIA:
            criterion = next((c for c in issue.criteria if c.id == item_id), None)
            if criterion is None:
                self.app.notify("A shared criterion applies to every issue; reword it instead.", severity="warning")
            elif self.change("strike criterion", editing.remove_criterion, issue.id, item_id) is not None:
                self._done(f"Struck: {one_line(criterion.text, 40)}")

    # --- stage keys ---------------------------------------------------------------------------

    def action_stage_key(self) -> None:
        stage = self.stage
        if stage is Stage.INTERESTS:
            holders = self.session.holders()
            current = self.capture_holder if self.capture_holder in holders else holders[-1]
            self.capture_holder = holders[(holders.index(current) + 1) % len(holders)]
            self._paint_capture_tag()
        elif stage is Stage.CRITERIA:
            issue = self.issue
            if issue is None:
                return
            have = {c.text.casefold() for c in self.session.criteria_for(issue)}
            starters = [s for s in self.session.criteria_starters if s.casefold() not in have]
            if not starters:
                self.app.notify("No more starters from the agenda: type your own.", severity="information")
                return

            def done(picked: list[str] | None) -> None:
                for text in picked or []:
                    self.change("add criterion", editing.add_criterion, issue.id, text)

            self.app.push_screen(PickMany("Criteria starters from the agenda", [(s, s, False) for s in starters]), done)
        elif stage is Stage.CONSENSUS:
            methods = list(Method)
            self.method = methods[(methods.index(self.method) + 1) % len(methods)]
            self.responses.clear()
            self._paint_consensus()

    def action_group(self) -> None:
        self.grouped = not self.grouped
        self.refresh_all()

    def action_brainstorm(self) -> None:
        issue = self.issue
        if issue is not None:
            self.change("brainstorm", editing.set_brainstorm, issue.id, not issue.brainstorming)

    # --- consensus ----------------------------------------------------------------------------

    def response_key(self, char: str) -> None:
        """Voting: the pointed person's response from one key (A: absent / not voting), then
        the next person. Any other key changes nothing and says so."""
        values = VOTE_KEYS[self.method]
        key_char = char.lower()
        if key_char not in values and key_char != ABSENT_KEY:
            self.wrong_mode_key()
            return
        voters = self._lists[Stage.CONSENSUS]
        rows = self._voter_rows()
        if not rows or voters.highlighted is None:
            return
        key, _, party = rows[voters.highlighted]
        if key_char == ABSENT_KEY:
            self.responses.pop(key, None)
            if key not in self.absent:
                self.absent.append(key)
        else:
            self.responses[key] = Response(who=key, party=party, value=values[key_char])
            self.absent = [k for k in self.absent if k != key]
        position = voters.highlighted
        self._paint_consensus()
        voters.highlighted = min(position + 1, len(rows) - 1)
        self._paint_mode()

    def action_clear_response(self) -> None:
        key = self._selected()
        if key:
            self.responses.pop(key, None)
            self.absent = [k for k in self.absent if k != key]
            self._paint_consensus()

    def record_check(self) -> None:
        """Ctrl+R while voting: record the check, once every counted person has answered or is
        marked absent (the rule is ``process.tally``'s; ``editing.record_check`` refuses too)."""
        issue = self.issue
        if issue is None:
            return
        tally = self._tally()
        if not tally.complete:
            self.app.notify(f"Not complete: {', '.join(tally.missing)} {'has' if len(tally.missing) == 1 else 'have'} not answered. Key their answer, or A for absent / not voting.", title="Not recorded", severity="warning", timeout=6)
            return
        result = self.change("record consensus check", editing.record_check, issue.id, self.method, list(self.responses.values()), proposal=issue.proposal, absent=list(self.absent))
        if result is None:
            return
        check, tally = result
        self.responses.clear()
        self.absent = []
        self._set_mode(TYPING)
        if tally.consensus:
            self.app.notify("Consensus reached. Write the TA language.", severity="information")
            self._write_ta(issue.id, check.id)
        else:
            self.app.notify(f"No consensus: {', '.join(tally.below)} below the line. What would bring them up?", severity="warning")
            self.app.push_screen(Prompt("What would bring people up? (note for the record, optional)"), lambda note: note and self._note_check(issue.id, check.id, note))
        self.refresh_all()

    def _note_check(self, issue_id: str, check_id: str, note: str) -> None:
        self.change("note on check", editing.note_check, issue_id, check_id, note)

    # --- tentative agreements: write, initial, view and edit, from the menu and the palette ------

    def _ta_of(self, issue: Issue):
        return next((ta for ta in reversed(self.session.agreements_for(issue.id)) if not ta.superseded_by), None)

    def _unwritten_check(self, issue: Issue):
        """The last consensus check of the issue that no TA was written for yet."""
        written = {ta.check for ta in self.session.agreements_for(issue.id)}
        return next((c for c in reversed(process.consensus_checks(issue)) if c.id not in written), None)

    def _write_ta(self, issue_id: str, check_id: str) -> None:
        """The TA editor for a consensus check: starts from the draft kept for the issue, else the
        proposal tested, else the options the check drew on. What is typed is kept as the
        issue's TA draft if the editor is left without saving (Esc, Ctrl+Q, a crash after it)."""
        issue = self.session.issue(issue_id)
        if issue is None:
            return
        check = next((c for c in issue.checks if c.id == check_id), None)
        start = issue.ta_draft or issue.proposal or (check.proposal if check else "")
        if not start and check is not None:
            start = "\n".join(o.text for o in issue.options if o.id in check.options)

        def got_text(text: str | None) -> None:
            if not text or not text.strip():
                return
            ta = self.change("write TA", editing.record_agreement, issue_id, check_id, text)
            if ta is not None:
                self._ask_initials(ta.id, list(self.session.parties))

        def keep(text: str) -> None:
            if text.strip() and text != start:
                self.change("keep TA draft", editing.set_ta_draft, issue_id, text)
                self.app.notify("TA draft kept with the issue: Ctrl+O ▸ Write the TA continues it.", timeout=5)

        self.app.push_screen(LongText("Tentative agreement language (exact text)", start, keep_draft=keep), got_text)

    def _ask_initials(self, ta_id: str, parties: list) -> None:
        if not parties:
            return
        party, rest = parties[0], parties[1:]
        spokesperson = party.spokesperson()
        who = f" ({spokesperson.name})" if spokesperson else ""

        def got(initials: str | None) -> None:
            if initials and initials.strip():
                self.change("initial TA", editing.initial, ta_id, party.id, initials)
            self._ask_initials(ta_id, rest)

        self.app.push_screen(Prompt(f"Initials of {party.name}'s spokesperson{who}", placeholder="e.g. JM", hint="Enter to record · Esc to skip (later: Ctrl+O ▸ Initial the TA)"), got)

    def initial_ta(self) -> None:
        issue = self.issue
        ta = self._ta_of(issue) if issue else None
        if ta is None:
            self.app.notify("No TA on this issue yet.", severity="information")
            return
        missing = [p for p in self.session.parties if p.id in process.initials_missing(self.session, [i.party for i in ta.initials])]
        self._ask_initials(ta.id, missing or list(self.session.parties))

    def write_ta(self) -> None:
        issue = self.issue
        check = self._unwritten_check(issue) if issue else None
        if issue is None or check is None:
            self.app.notify("No consensus check without a TA on this issue: take a check first (Ctrl+R).", severity="information")
            return
        self._write_ta(issue.id, check.id)

    def view_ta(self) -> None:
        issue = self.issue
        ta = self._ta_of(issue) if issue else None
        if issue is None or ta is None:
            self.app.notify("No TA on this issue yet.", severity="information")
            return
        session = self.session
        lines: list[tuple[str, str]] = [(ta.title or "(no title)", "bold"), (f"Article: {ta.article or '—'} · {ta.date:%d %B %Y}", ""), ("", "")]
        lines += [(line, "") for line in ta.text.splitlines()]
        lines += [("", ""), ("Initials", "bold")]
        lines += [(f"{p.name}: {next((i.initials for i in ta.initials if i.party == p.id), 'not yet')}", "") for p in session.parties]
        lines += [("", ""), ("Ctrl+O ▸ Edit the TA text / title / article, Initial the TA", "dim")]
        self.app.push_screen(Panel(f"TA: {one_line(issue.statement, 60)}", lines))

    def edit_ta(self, field: str) -> None:
        issue = self.issue
        ta = self._ta_of(issue) if issue else None
        if ta is None:
            self.app.notify("No TA on this issue yet.", severity="information")
            return
        if field == "text":
            self.app.push_screen(
                LongText("TA language (changing it withdraws the initials already given)", ta.text),
                lambda v: v and v.strip() and self.change("edit TA", editing.edit_agreement, ta.id, v),
            )
            return
        title = {"title": "The TA's title", "article": "The contract article"}[field]
        self.app.push_screen(Prompt(title, getattr(ta, field)), lambda v: v is not None and self.change(f"TA {field}", editing.edit_agreement, ta.id, **{field: v}))

    # --- grid ---------------------------------------------------------------------------------

    def rate_cell(self, score: int | None) -> None:
        issue = self.issue
        grid = self._grid
        if issue is None or not grid.row_count:
            return
        coordinate = grid.cursor_coordinate
        row_key, column_key = grid.coordinate_to_cell_key(coordinate)
        if column_key.value in ("option", "total") or row_key.value is None or column_key.value is None:
            return
        self.change("rate", editing.rate, issue.id, row_key.value, column_key.value, score)
        following = coordinate.right()
        if following.column >= len(grid.columns) - 1:  # past the last criterion: the next option's first
            following = Coordinate(min(coordinate.row + 1, grid.row_count - 1), 1)
        grid.cursor_coordinate = grid.validate_cursor_coordinate(following)

    # --- facilitator aids ---------------------------------------------------------------------

    def action_timer(self) -> None:
        self._timer.toggle()
        self._keep_clock()

    def action_plus_minute(self) -> None:
        self._timer.add_minute()
        self._keep_clock()

    def _show_clock(self, stage: Stage) -> None:
        """The stage timer as the file last had it here (resumed), else the stage's full box."""
        box = self.session.time_boxes.get(stage, 0)
        clock, at = self.session.cursor.clock, model_now()
        left = self._clocks.get((self.session.cursor.issue, stage))
        if clock is not None and clock.stage is stage and clock.issue == self.session.cursor.issue and clock.fresh(at):
            self._timer.resume(box, clock.left(at), clock.running)
        elif left is not None:  # this stage's timer as it was left (paused) when the room moved on
            self._timer.resume(box, left[0], left[1])
        else:
            self._timer.reset(box)

    def _keep_clock(self) -> None:
        """Put the timer in the file (not undoable, not an event) so the room view shows it too."""
        if self.app.readonly:  # type: ignore[attr-defined]
            return
        editing.set_clock(self.session, self._timer.remaining, self._timer.running)
        self.app.mark_dirty()  # type: ignore[attr-defined]

    def action_parking(self) -> None:
        from .aids import ParkingLotScreen

        self.app.push_screen(ParkingLotScreen(self.issue.id if self.issue else None), lambda _: self.refresh_all())

    def action_actions(self) -> None:
        from .aids import ActionsScreen

        self.app.push_screen(ActionsScreen(self.issue.id if self.issue else None), lambda _: self.refresh_all())

    def action_caucus(self) -> None:
        session = self.session
        if editing.open_caucus(session) is not None:
            self.change("end caucus", editing.end_caucus)
            return
        choices = [(p.name, p.id) for p in session.parties]

        def chosen(party_id: str | None) -> None:
            if party_id:
                self.app.push_screen(Prompt("Reason (optional) and who called it", placeholder="e.g. review the cost model (called by J. Ortiz)"), lambda reason: self.change("start caucus", editing.start_caucus, party_id, reason=reason or ""))

        self.app.push_screen(Choose("Which team caucuses?", choices), chosen)

    def action_ground_rules(self) -> None:
        session = self.session
        rule = session.decision_rule
        lines: list[tuple[str, str]] = [(f"{n}. {text}", "") for n, text in enumerate(session.ground_rules, 1)] or [("No ground rules recorded.", "dim")]
        lines += [("", ""), ("Decision rule", "bold"), (rule.description, ""), (f"Check: {process.METHOD_LABELS[rule.method]}", "")]
        if rule.fallback:
            lines += [("Fallback", "bold"), (rule.fallback, "")]
        self.app.push_screen(Panel("Ground rules", lines))

    def action_present(self) -> None:
        self.presenting = not self.presenting
        self.set_class(self.presenting, "-presenting")
        self.app.notify("Presentation mode: F8 returns." if self.presenting else "Presentation mode off.", timeout=2)

    def action_training(self) -> None:
        from .training import open_menu

        open_menu(self)

    def action_general_brief(self) -> None:
        from .training import show_general_brief

        show_general_brief(self)

    def action_undo(self) -> None:
        label = self.app.undo()  # type: ignore[attr-defined]
        self.app.notify(f"Undone: {label}" if label else "Nothing to undo.", timeout=2)
        self.refresh_all()

