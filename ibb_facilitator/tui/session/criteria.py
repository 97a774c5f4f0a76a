"""The criteria stage: the criteria (the issue's and those shared by every issue) and the grid
of active options × criteria, rated 0–5 in the rating mode Ctrl+R opens.

Each criterion carries a weight (×1 unless set) and may be must-pass at a line (``screening``):
the grid's header shows both ("C2×2≥3"), its last columns the weighted total and the rank, and an
option rated below a must-pass line is struck with the reason. In the rating mode, Shift+↑/↓ raise
and lower the weight of the criterion under the cursor and Shift+→/← its must-pass line (off, 1
to 5): keys no typed sentence holds, in a mode the recorder opens on purpose. The item menu
(Ctrl+O) sets both for the pointed criterion while typing."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.coordinate import Coordinate
from textual.events import Key
from textual.widget import Widget
from textual.widgets import DataTable

from ... import costing, editing, screening
from ...model import DEFAULT_PASS_LINE, MAX_WEIGHT, Criterion, Option, Stage
from ..modals import PickMany, Prompt
from ..scoretable import ScoreTable
from ..text import join, literal, one_line
from .view import RATING, TYPING, Command, ItemList, ListView

#: Rating-mode keys that tune the criterion under the cursor: (what, step).
TUNE_KEYS = {
    "shift+up": ("weight", 1),
    "shift+down": ("weight", -1),
    "shift+right": ("line", 1),
    "shift+left": ("line", -1),
}

#: The grid's columns that are not criteria.
OPTION, TOTAL, RANK = "option", "total", "rank"


class RatingGrid(ScoreTable):
    """Options × criteria. Focused only while rating: digits 0–5 rate the cell, Backspace clears
    it, Shift+arrows tune the weight (↑/↓) and must-pass line (→/←) of the cursor's criterion,
    any other character says so and changes nothing."""

    can_focus = False

    def __init__(
        self,
        rate: Callable[[int | None], None],
        wrong_key: Callable[[], None],
        tune: Callable[[str, int], None] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self._rate, self._wrong_key = rate, wrong_key
        self._tune = tune

    def on_key(self, event: Key) -> None:
        # Moves are handled in the key's turn too: a binding would run only once the key had
        # bubbled up to the app, so "↓ 4" typed fast rated the cell the cursor was leaving.
        moves = {
            "up": self.action_cursor_up,
            "down": self.action_cursor_down,
            "left": self.action_cursor_left,
            "right": self.action_cursor_right,
            "pageup": self.action_page_up,
            "pagedown": self.action_page_down,
        }
        if event.key in moves:
            moves[event.key]()
        elif event.key in TUNE_KEYS and self._tune is not None:
            self._tune(*TUNE_KEYS[event.key])
        elif event.key in ("backspace", "delete"):
            self._rate(None)
        elif event.character and event.character in "012345":
            self._rate(int(event.character))
        elif event.character and event.character.isprintable():
            self._wrong_key()
        else:
            return
        event.stop()
        event.prevent_default()


class CriteriaView(ListView):
    STAGE = Stage.CRITERIA
    PLACEHOLDER = "New criterion, then Enter (Ctrl+T picks from the agenda's starters)"
    CAPTURE_TITLE = "TYPING ▸ Enter adds a criterion · Ctrl+R rates the grid"
    EDIT = "Reword the criterion"
    KEY_NAME = "Starters"
    KIND = "criterion"
    SCORING = RATING

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._list = ItemList(id="criteria-list", classes="items")
        self._standings: list[screening.Standing] = []
        self._first_cells: dict[tuple[object, ...], Content] = {}  # as painted (``paint``)
        self.grid = RatingGrid(
            self.rate_cell,
            lambda: self.frame.wrong_mode_key(),
            self.tune_criterion,
            id="grid",
            cursor_type="cell",
            zebra_stripes=True,
        )

    def compose(self) -> ComposeResult:
        yield self._list
        yield self.grid

    @property
    def items(self) -> ItemList:
        return self._list

    @property
    def score_widget(self) -> Widget:
        return self.grid

    def paint(self) -> None:
        issue = self.issue
        assert issue is not None
        session = self.session
        criteria = session.criteria_for(issue)
        shared = {c.id for c in session.shared_criteria}
        rows = [
            (c.id, criterion_row(n, c.text, screening.describe(c), c.id in shared)) for n, c in enumerate(criteria, 1)
        ]
        self.fill(self._list, rows)
        heads = [header(n, c) for n, c in enumerate(criteria, 1)]
        used = sum(max(3, len(h)) + 2 for h in heads) + 6 + 6  # the criteria, the total and the rank
        width = max(10, min(48, self.screen.size.width - used - 10))
        columns: list[tuple[str, str, int | None]] = [(OPTION, "Option", width)]
        columns += [(c.id, head, None) for c, head in zip(criteria, heads)]
        columns += [(TOTAL, "  Σ", None), (RANK, "Rank", None)]  # over numbers aligned right
        grid_rows: list[tuple[str, tuple[object, ...]]] = []
        numbers = {o.id: n for n, o in enumerate(issue.options, 1)}
        labels = {c.id: f"C{n}" for n, c in enumerate(criteria, 1)}
        self._standings = screening.standings(session, issue)  # the banner reads them on each cursor move
        # An option's first cell, by what it shows: built again only when that changed (a weight
        # changes every total, not one option's words), and the same object the grid compares.
        kept, self._first_cells = self._first_cells, {}
        ids, lines = [c.id for c in criteria], tuple(c.must_pass for c in criteria)
        for standing in self._standings:
            option = standing.option
            cost = costing.short_total(costing.option_totals(option)) if option.costs else ""  # (a suffix)
            room = max(6, width - len(cost) - 2) if cost else width
            key = (numbers[option.id], option.text, shortfalls(option, criteria, labels), room, cost)
            first = kept.get(key)
            if first is None:
                first = option_cell(*key[:4])
                first = join(first, f"  {cost}") if cost else first
            self._first_cells[key] = first
            scores = option.scores
            marks = score_cells(tuple([scores.get(c) for c in ids]), lines)
            # Cells keep their width as they change (a cell of another width repaints the whole
            # table: ``ScoreTable``): a score and its mark in two, the total in three, the rank in four.
            rank = " out" if standing.rank is None else f"{standing.rank:>4}"
            grid_rows.append((option.id, (first, *marks, f"{standing.total:>3}", rank)))
        self.grid.show_table(columns, grid_rows)

    def banner(self) -> Content | None:
        issue = self.issue
        if issue is None:
            return None
        criteria = self.session.criteria_for(issue)
        if not screening.weighs_anything(criteria):
            return None
        standings = self._standings  # as painted (``paint`` runs first after every change)
        grid = self.grid
        if self.frame.mode == RATING and grid.row_count:
            # Rating: the reason of the option under the cursor, whole (its cell may be too narrow).
            row_key, _ = grid.coordinate_to_cell_key(grid.cursor_coordinate)
            pointed = next((s for s in standings if s.option.id == row_key.value), None)
            if pointed is not None and pointed.screened_out:
                number = next(n for n, o in enumerate(issue.options, 1) if o.id == pointed.option.id)
                return join((f"#{number} screened out: ", "bold"), literal(pointed.reason))
        out = sum(1 for s in standings if s.screened_out)
        return join(
            ("Σ", "bold"),
            " = score × weight, unrated (·) counts nothing",
            (f" · {out} screened out" if out else "", "bold"),
        )

    @on(DataTable.CellHighlighted, "#grid")
    def _cursor_moved(self, event: DataTable.CellHighlighted) -> None:
        """The banner says why the option under the cursor is screened out (rating mode)."""
        if self.frame.mode == RATING:
            self.frame.paint_banner()

    def mode_bar(self) -> Content:
        return join(
            ("RATING ", "bold"),
            "0–5 rate · Backspace clears · Shift+↑↓ weight · Shift+→← must-pass line · Esc back to typing",
        )

    def take_line(self, text: str) -> object | None:
        issue = self.issue
        return None if issue is None else self.app.change("add criterion", editing.add_criterion, issue.id, text)

    def item_commands(self) -> list[Command]:
        if self.selected() is None:
            return []
        return [
            (self.EDIT, "Ctrl+E", self.action_edit_item),
            ("Rate the grid", "Ctrl+R", self.action_rate),
            ("Weight…", "Shift+↑↓ rating", self.action_weight),
            ("Must-pass line…", "Shift+→← rating", self.action_must_pass),
            ("Strike the criterion", "", self.action_strike),
            *self.menu_moves(),
        ]

    def action_edit_item(self) -> None:
        item_id, issue = self.selected(), self.issue
        if item_id is None or issue is None:
            return
        session = self.session
        shared = any(c.id == item_id for c in session.shared_criteria)
        criterion = next(c for c in session.criteria_for(issue) if c.id == item_id)
        self.app.push_screen(
            Prompt("Reword the criterion", criterion.text),
            lambda v: (
                v
                and self.app.change(
                    "reword criterion", editing.edit_criterion, None if shared else issue.id, item_id, v
                )
            ),
        )

    def _pointed(self) -> tuple[str | None, Criterion] | None:
        """The pointed criterion and its issue id for ``editing`` (None: a shared one)."""
        item_id, issue = self.selected(), self.issue
        if item_id is None or issue is None:
            return None
        return self._owner(item_id)

    def _owner(self, criterion_id: str) -> tuple[str | None, Criterion] | None:
        issue = self.issue
        if issue is None:
            return None
        for c in self.session.shared_criteria:
            if c.id == criterion_id:
                return None, c
        found = next((c for c in issue.criteria if c.id == criterion_id), None)
        return None if found is None else (issue.id, found)

    def action_weight(self) -> None:
        """Item menu: type the pointed criterion's weight (1 to 9)."""
        pointed = self._pointed()
        if pointed is None:
            return
        owner, criterion = pointed

        def done(value: str | None) -> None:
            if value is None or not value.strip():
                return
            text = value.strip()
            if not text.isdecimal():
                self.app.notify(f"A weight is a whole number from 1 to {MAX_WEIGHT}.", severity="warning")
                return
            self.app.change("weight criterion", editing.set_weight, owner, criterion.id, int(text))

        hint = f"1 to {MAX_WEIGHT}: times its scores count in Σ (1: as rated)"  # fits a dialog at 80x24
        self.app.push_screen(Prompt("Weight of the criterion", str(criterion.weighs), hint=hint), done)

    def action_must_pass(self) -> None:
        """Item menu: type the pointed criterion's must-pass line (0 to 5; empty: not must-pass)."""
        pointed = self._pointed()
        if pointed is None:
            return
        owner, criterion = pointed
        line = criterion.must_pass

        def done(value: str | None) -> None:
            if value is None:
                return
            text = value.strip()
            if not text:
                self.app.change("must-pass criterion", editing.set_must_pass, owner, criterion.id, None)
            elif text.isdecimal():
                self.app.change("must-pass criterion", editing.set_must_pass, owner, criterion.id, int(text))
            else:
                self.app.notify("A must-pass line is a score from 0 to 5 (empty: not must-pass).", severity="warning")

        hint = "0 to 5, the lowest score that passes; empty: off"  # below it: screened out
        value = str(DEFAULT_PASS_LINE if line is None else line)
        self.app.push_screen(Prompt("Must-pass line: options below it are screened out", value, hint=hint), done)

    def tune_criterion(self, what: str, step: int) -> None:
        """Rating mode, Shift+arrows: the weight (``what="weight"``) or the must-pass line
        (``"line"``: off, then 1 to 5) of the criterion under the grid's cursor, one step."""
        grid = self.grid
        if not grid.row_count:
            return
        _, column_key = grid.coordinate_to_cell_key(grid.cursor_coordinate)
        found = None if column_key.value in (OPTION, TOTAL, RANK, None) else self._owner(str(column_key.value))
        if found is None:
            self.app.notify("Move the cursor to a criterion's column first.", severity="information")
            return
        owner, criterion = found
        if what == "weight":
            weight = criterion.weighs + step
            if self.app.change("weight criterion", editing.set_weight, owner, criterion.id, weight) is not None:
                self.done(f"C{self._number(criterion)} weighs ×{weight}")
            return
        line = criterion.must_pass
        if line is None:
            target = 1 if step > 0 else None
            if target is None:
                self.app.notify("Not must-pass already: Shift+→ makes it must-pass.", severity="information")
                return
        else:
            target = line + step if line + step >= 1 else None
        if self.app.change("must-pass criterion", editing.set_must_pass, owner, criterion.id, target) is not None:
            label = f"C{self._number(criterion)}"
            self.done(f"{label} must pass at {target}" if target is not None else f"{label} is no longer must-pass")

    def _number(self, criterion: Criterion) -> int:
        issue = self.issue
        criteria = self.session.criteria_for(issue) if issue is not None else []
        return next((n for n, c in enumerate(criteria, 1) if c.id == criterion.id), 0)

    def action_move_item(self, offset: int) -> None:
        item_id, issue = self.selected(), self.issue
        if item_id is None or issue is None or not any(c.id == item_id for c in issue.criteria):
            return  # a shared criterion keeps its place
        super().action_move_item(offset)

    def action_strike(self) -> None:
        issue, item_id = self.issue, self.selected()
        if not (issue and item_id):
            return
        criterion = next((c for c in issue.criteria if c.id == item_id), None)
        if criterion is None:
            self.app.notify("A shared criterion applies to every issue; reword it instead.", severity="warning")
        elif self.app.change("strike criterion", editing.remove_criterion, issue.id, item_id) is not None:
            self.done(f"Struck: {one_line(criterion.text, 40)}")

    def action_stage_key(self) -> None:
        """Ctrl+T: criteria from the agenda's starters."""
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
                self.app.change("add criterion", editing.add_criterion, issue.id, text)

        self.app.push_screen(PickMany("Criteria starters from the agenda", [(s, s, False) for s in starters]), done)

    def action_rate(self) -> None:
        """Ctrl+R: the rating mode (digits rate the grid), or back to typing."""
        frame = self.frame
        if frame.mode == RATING:
            frame.set_mode(TYPING)
        elif self.issue is not None and self.grid.row_count and len(self.grid.columns) > 2:
            frame.set_mode(RATING)
        else:
            self.app.notify("Nothing to rate yet: the grid needs active options and criteria.", severity="information")

    def scoring_changed(self, mode: str) -> None:
        grid = self.grid
        if mode == RATING and grid.row_count and grid.cursor_coordinate.column == 0:
            grid.cursor_coordinate = grid.validate_cursor_coordinate(grid.cursor_coordinate.right())
        self.frame.paint_banner()  # in the rating mode it speaks of the option under the cursor

    def rate_cell(self, score: int | None) -> None:
        """Rating: the cell under the cursor gets ``score`` (None clears it); the cursor moves on
        to the next criterion, past the last one to the next option's first."""
        issue, grid = self.issue, self.grid
        if issue is None or not grid.row_count:
            return
        coordinate = grid.cursor_coordinate
        row_key, column_key = grid.coordinate_to_cell_key(coordinate)
        if column_key.value in (OPTION, TOTAL, RANK) or row_key.value is None or column_key.value is None:
            return
        self.app.change("rate", editing.rate, issue.id, row_key.value, column_key.value, score)
        following = coordinate.right()
        if following.column >= len(grid.columns) - 2:  # past the last criterion: the total, the rank
            following = Coordinate(min(coordinate.row + 1, grid.row_count - 1), 1)
        grid.cursor_coordinate = grid.validate_cursor_coordinate(following)


def header(n: int, criterion: Criterion) -> str:
    """A criterion's column head: "C2", with its weight ("C2×3") and must-pass line ("C2≥3")."""
    return f"C{n}{screening.marks(criterion)}"


@lru_cache(maxsize=1024)
def criterion_row(n: int, text: str, described: str, shared: bool) -> Content:
    """A criterion in the list: "C2 its words  ×2, must pass 3  (all issues)" (kept: the same
    object for the same words, so an unchanged row is not compared or built again)."""
    return join(
        (f"C{n} ", "bold $primary"),
        literal(text),
        (f"  {described}" if described else "", "bold $accent"),
        ("  (all issues)" if shared else "", "dim"),
    )


@lru_cache(maxsize=4096)
def score_cells(scores: tuple[int | None, ...], lines: tuple[int | None, ...]) -> tuple[str, ...]:
    """An option's score cells: "3 ", "2✗" below a must-pass line, "· " unrated (each two
    wide). Kept by what they show: 60 options x 12 criteria were formatted again per key."""
    return tuple(
        "· " if score is None else f"{score}✗" if line is not None and score < line else f"{score} "
        for score, line in zip(scores, lines)
    )


def shortfalls(option: Option, criteria: list[Criterion], labels: dict[str, str]) -> tuple[str, ...]:
    """Why ``option`` is screened out, short ("below 3 on C2 (2)": the full reason names the
    criterion's words, shown elsewhere); () when it passes."""
    short = []
    for c in criteria:
        score = option.scores.get(c.id)
        if c.must_pass is not None and score is not None and score < c.must_pass:
            short.append(f"below {c.must_pass} on {labels[c.id]} ({score})")
    return tuple(short)


def option_cell(n: int, text: str, short: tuple[str, ...], width: int) -> Content:
    """An option's first cell: "#3 its words", struck when screened out (``short``: its
    ``shortfalls``), with the short reasons after it."""
    if not short:
        return literal(one_line(f"#{n} {text}", width))
    reason = "✗ " + "; ".join(short)
    room = max(4, width - len(f"#{n} ") - len(reason) - 1)
    return join(f"#{n} ", (one_line(text, room), "strike dim"), " ", (one_line(reason, width), "bold $error"))
