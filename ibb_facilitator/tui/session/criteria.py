"""The criteria stage: the criteria (the issue's and those shared by every issue) and the grid
of active options × criteria, rated 0–5 in the rating mode Ctrl+R opens."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.content import Content
from textual.coordinate import Coordinate
from textual.events import Key
from textual.widget import Widget

from ... import costing, editing
from ...model import OptionState, Stage
from ..modals import PickMany, Prompt
from ..text import join, literal, one_line
from ..widgets import ScoreTable
from .view import RATING, TYPING, Command, ItemList, ListView


class RatingGrid(ScoreTable):
    """Options × criteria. Focused only while rating: digits 0–5 rate the cell, Backspace clears
    it, any other character says so and changes nothing."""

    can_focus = False

    def __init__(self, rate: Callable[[int | None], None], wrong_key: Callable[[], None], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._rate, self._wrong_key = rate, wrong_key

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
        self.grid = RatingGrid(
            self.rate_cell, lambda: self.frame.wrong_mode_key(), id="grid", cursor_type="cell", zebra_stripes=True
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
            (
                c.id,
                join((f"C{n} ", "bold $primary"), literal(c.text), ("  (all issues)" if c.id in shared else "", "dim")),
            )
            for n, c in enumerate(criteria, 1)
        ]
        self.fill(self._list, rows)
        width = max(10, min(48, self.screen.size.width - 8 * (len(criteria) + 1) - 10))
        columns: list[tuple[str, str, int | None]] = [("option", "Option", width)]
        columns += [(c.id, f"C{n}", None) for n, c in enumerate(criteria, 1)]
        columns.append(("total", "Σ", None))
        grid_rows: list[tuple[str, tuple[object, ...]]] = []
        for n, option in enumerate(issue.options, 1):
            if option.state is not OptionState.ACTIVE:
                continue
            scores = [editing.rating_of(issue, option.id, c.id) for c in criteria]
            cost = costing.short_total(costing.option_totals(option)) if option.costs else ""  # (a suffix)
            name = one_line(f"#{n} {option.text}", max(6, width - len(cost) - 2) if cost else width)
            cells: list[object] = [literal(f"{name}  {cost}" if cost else name)]
            cells += ["·" if s is None else str(s) for s in scores]
            cells.append(str(sum(s for s in scores if s is not None)))
            grid_rows.append((option.id, tuple(cells)))
        self.grid.show_table(columns, grid_rows)

    def mode_bar(self) -> Content:
        return join(
            ("RATING ", "bold"),
            "keys 0–5 rate the cell · Backspace clears · arrows move · Ctrl+R or Esc back to typing",
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

    def rate_cell(self, score: int | None) -> None:
        """Rating: the cell under the cursor gets ``score`` (None clears it); the cursor moves on
        to the next criterion, past the last one to the next option's first."""
        issue, grid = self.issue, self.grid
        if issue is None or not grid.row_count:
            return
        coordinate = grid.cursor_coordinate
        row_key, column_key = grid.coordinate_to_cell_key(coordinate)
        if column_key.value in ("option", "total") or row_key.value is None or column_key.value is None:
            return
        self.app.change("rate", editing.rate, issue.id, row_key.value, column_key.value, score)
        following = coordinate.right()
        if following.column >= len(grid.columns) - 1:
            following = Coordinate(min(coordinate.row + 1, grid.row_count - 1), 1)
        grid.cursor_coordinate = grid.validate_cursor_coordinate(following)
