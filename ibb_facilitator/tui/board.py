"""The negotiation's board: every issue across its sessions, filtered and sorted as the library is.

The box at the top filters as you type (every word, in the article, statement, status, stage or
session); ↓ or Enter goes to the table. In the table, A / I / S / G / W / D (or a click on a
column) sort by article, issue, status, stage, last worked in, days open; the same key again
reverses. Enter on a row posts ``BoardScreen.OpenIssue(path, issue)``: the app opens that
session at that issue. Above the table, the package's state, the ratification record and any
problem, one line each.

The negotiation is read in a thread worker (``negotiation.load``: the facts cache makes a warm
board a few milliseconds); F5 reads it again. Every string from a file reaches a widget
through ``literal``.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static
from textual.worker import get_current_worker

from ..negotiation import load
from ..negotiation.board import (
    HEADINGS,
    BoardRow,
    article_label,
    filter_rows,
    has_costs,
    rows,
    sort_rows,
    summary,
    ta_label,
)
from ..negotiation.board import column_widths as board_widths
from ..negotiation.core import Negotiation
from ..termtext import fit_middle
from .text import join, literal, one_line
from .widgets import TitleBar

#: column key -> (heading, key that sorts by it, sort name in ``negotiation.board.SORTS``)
_SORT_KEYS = {"article": "a", "issue": "i", "status": "s", "stage": "g", "session": "w", "days": "d"}
COLUMNS = {
    key: (heading, _SORT_KEYS.get(key, ""), key if key in _SORT_KEYS else "") for key, heading in HEADINGS.items()
}
STATUS_STYLE = {
    "open": "bold",
    "no_consensus": "bold $error",
    "parked": "$warning",
    "agreed": "$success",
    "withdrawn": "dim",
}


def column_widths(total: int, costs: bool = False) -> dict[str, int]:
    """The columns shown on a screen ``total`` wide (a scrollbar and the table's edges take 4)."""
    return board_widths(total, margin=4, costs=costs)


class BoardScreen(Screen):
    CSS_PATH = "board.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back", id="board.back"),
        Binding("ctrl+f", "focus_filter", "Filter", priority=True, id="board.filter"),
        Binding("down", "focus_table", "Table", show=False, id="board.table"),
        Binding("a", "sort('article')", "Article", id="board.sort.article"),
        Binding("i", "sort('issue')", "Issue", id="board.sort.issue"),
        Binding("s", "sort('status')", "Status", id="board.sort.status"),
        Binding("g", "sort('stage')", "Stage", id="board.sort.stage"),
        Binding("w", "sort('session')", "Worked in", id="board.sort.session"),
        Binding("d", "sort('days')", "Days", id="board.sort.days"),
        Binding("f5", "reload", "Reload", id="board.reload"),
    ]

    class OpenIssue(Message):
        """Open the session ``path`` at issue ``issue`` (the app decides how: phase 2 hooks it)."""

        def __init__(self, path: Path, issue: str) -> None:
            super().__init__()
            self.path, self.issue = path, issue

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.negotiation: Negotiation | None = None
        self.all_rows: list[BoardRow] = []
        self.shown: list[BoardRow] = []
        self.sort_by, self.reverse = "article", False
        self.widths = column_widths(120)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Input(placeholder="Filter: article, issue, status, stage or session", id="board-filter")
        yield Static(literal(f"Reading {self.folder}…"), id="board-summary")
        yield DataTable(id="board-table", cursor_type="row", zebra_stripes=True)
        yield Label("", id="board-count")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Negotiation board"
        self.widths = column_widths(self.app.size.width)
        self._add_columns()
        self.query_one(Input).focus()
        self.read()

    def _add_columns(self) -> None:
        table = self.query_one(DataTable)
        for key in self.widths:
            # DataTable draws any Rich renderable as a label (Content is one); its stub says str | Text
            table.add_column(self._heading(key), key=key, width=self.widths[key])  # type: ignore[arg-type]

    def on_resize(self) -> None:
        self._columns()

    def _columns(self) -> None:
        """The columns for the screen's width (and the TA cost column when some TA is costed)."""
        costs = self.negotiation is not None and has_costs(self.negotiation)
        widths = column_widths(self.app.size.width, costs)
        if widths != self.widths:
            self.widths = widths
            self.query_one(DataTable).clear(columns=True)
            self._add_columns()
            self._fill()

    # --- reading (thread worker) ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="board-read", exit_on_error=False)
    def read(self) -> None:
        worker = get_current_worker()
        try:
            neg = load(self.folder)
        except Exception as exc:  # a folder that cannot be read: say so, never crash the app
            lines = getattr(exc, "lines", None) or [f"{type(exc).__name__}: {exc}"]
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, list(lines))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, neg)

    def _failed(self, lines: list[str]) -> None:
        self.query_one("#board-summary", Static).update(
            literal(one_line(lines[0] if lines else "The negotiation could not be read."), "bold $error")
        )

    def _loaded(self, neg: Negotiation) -> None:
        self.negotiation = neg
        self.all_rows = rows(neg)
        self.sub_title = f"Board: {neg.name}"
        lines = summary(neg)
        shown = [literal(one_line(lines[0]), "bold")]
        for text in lines[1:]:
            problem = text.startswith(("PROBLEM", "BROKEN"))
            shown.append(literal(one_line(text), "bold $error" if problem else ""))
        self.query_one("#board-summary", Static).update(Content("\n").join(shown))
        self._columns()
        self._fill()

    # --- the table ------------------------------------------------------------------------------

    def _heading(self, key: str) -> Content:
        heading, letter, sort = COLUMNS[key]
        arrow = ""
        if sort and sort == self.sort_by:
            ascending = (sort in ("article", "issue", "status")) != self.reverse
            arrow = " ▲" if ascending else " ▼"
        hint = f" ({letter.upper()})" if letter else ""
        return join((heading, "bold"), (hint, "dim"), arrow)

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        query = self.query_one(Input).value
        self.shown = sort_rows(filter_rows(self.all_rows, query), self.sort_by, reverse=self.reverse)
        for key, column in table.columns.items():
            column.label = self._heading(str(key.value))  # type: ignore[assignment]  # as in _add_columns
        table.clear()
        for n, row in enumerate(self.shown):
            table.add_row(*self.cells(row), key=str(n))
        if self.negotiation is not None:
            total = len(self.all_rows)
            text = (
                f"{len(self.shown)} of {total} issues match the filter"
                if query.strip()
                else f"{total} issue{'s' if total != 1 else ''}"
            )
            self.query_one("#board-count", Label).update(
                literal(text + " · Enter opens the issue in its session", "dim")
            )
        table.refresh()

    def cells(self, row: BoardRow) -> list[Content]:
        """The row's cells for the columns shown (``self.widths``), each cut to its width."""
        w = dict.fromkeys(COLUMNS, 0) | self.widths
        cells = {
            "article": literal(one_line(article_label(row.article, w["article"]), w["article"])),
            "issue": literal(one_line(row.statement, w["issue"]), "bold" if row.status == "open" else ""),
            "status": literal(row.status_label, STATUS_STYLE.get(row.status, "")),
            "stage": literal(row.stage),
            "session": literal(fit_middle(one_line(row.session), w["session"]).rstrip(), "dim"),
            "ta": literal(one_line(ta_label(row, w["ta"]), w["ta"])),
            "cost": literal(f"{row.ta_cost:>{w['cost']}}"),
            "sup": literal(f"{row.superseded or '':>4}"),
            "ratified": literal(one_line(row.ratified_by, w["ratified"])),
            "req": literal(f"{row.requests or '':>4}"),
            "days": literal(f"{'' if row.days_open is None else row.days_open:>5}"),
        }
        return [cells[key] for key in self.widths]

    def action_sort(self, by: str) -> None:
        if by == self.sort_by:
            self.reverse = not self.reverse
        else:
            self.sort_by, self.reverse = by, False
        self._fill()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        sort = COLUMNS.get(str(event.column_key.value), ("", "", ""))[2]
        if sort:
            self.action_sort(sort)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        n = int(event.row_key.value or 0)
        if 0 <= n < len(self.shown):
            row = self.shown[n]
            self.post_message(self.OpenIssue(row.path, row.issue))

    # --- typing: the filter ---------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_focus_table()

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def action_reload(self) -> None:
        self.read()

    def action_back(self) -> None:
        box = self.query_one(Input)
        if box.has_focus and box.value:
            box.value = ""  # Esc clears the filter first
            return
        self.app.pop_screen()

    def on_unmount(self) -> None:
        self.workers.cancel_node(self)


__all__ = ["COLUMNS", "BoardScreen", "column_widths"]
