"""The session library screen: every session in the sessions folder, sortable, filterable, searchable.

The box at the top does two things as you type: it filters the table to the sessions whose
title or district holds every word, and it searches the full text of every session, hits listed
below the table, best first. Enter on a session opens it; Enter on a hit opens that session in
review at the item. T / D / M / C (or a click on a column) sort by title, district, meeting
days, last change; the same key again reverses.

Index work (walking the folder, reading changed files, searching) runs in thread workers: the
screen never waits on the disk. Every string from a file reaches a widget through ``literal``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from .. import paths
from ..library import Entry, Hit, Library, LibraryError, Listing, filter_entries, sort_entries
from .text import join, literal, one_line
from .widgets import TitleBar

if TYPE_CHECKING:
    from textual import getters

    from .app import IbbApp

SEARCH_DELAY = 0.15  # seconds of quiet typing before a search runs
HIT_LIMIT = 100

#: column key -> (heading, key that sorts by it, sort name in ``library.sort_entries``)
COLUMNS = {
    "title": ("Title", "t", "title"),
    "district": ("District", "d", "district"),
    "dates": ("Meeting days", "m", "date"),
    "open": ("Open", "", ""),
    "agreed": ("Agreed", "", ""),
    "changed": ("Last change", "c", "changed"),
    "file": ("File", "", ""),
}
FIXED = {"dates": 24, "open": 4, "agreed": 6, "changed": 16}  # the rest share what is left


def column_widths(total: int) -> dict[str, int]:
    """Column widths for a table ``total`` cells wide: dates and counts fixed, text columns share."""
    room = max(36, total - sum(FIXED.values()) - 2 * len(COLUMNS) - 4)
    title = max(16, room * 45 // 100)
    district = max(10, room * 28 // 100)
    return {"title": title, "district": district, **FIXED, "file": max(10, room - title - district)}


class _Cancelled(Exception):
    pass


_processes_ready = False


def prepare_processes() -> None:
    """Let the index use worker processes from inside the app.

    multiprocessing starts a helper (its resource tracker) that inherits ``sys.stderr``'s file
    descriptor, and the running app's stderr is Textual's capture, which has none: starting
    worker processes then fails (the library falls back to reading in one process). Starting
    the helper once here, on the UI thread, with stderr briefly pointed at the null device,
    avoids that; the helper writes nothing the screen would show.
    """
    global _processes_ready
    if _processes_ready:
        return
    _processes_ready = True
    try:
        from multiprocessing import resource_tracker

        saved = sys.stderr
        with open(os.devnull, "w") as null:
            sys.stderr = null
            try:
                resource_tracker.ensure_running()
            finally:
                sys.stderr = saved
    except Exception:
        pass  # the library reads in one process instead


class LibraryScreen(Screen):
    CSS_PATH = "library.tcss"

    if TYPE_CHECKING:  # the app's own methods type-check; at run time this is Textual's property
        app = getters.app(IbbApp)

    BINDINGS = [
        Binding("escape", "back", "Back", id="library.back"),
        Binding("ctrl+f", "focus_query", "Find", priority=True, id="library.find"),
        Binding("t", "sort('title')", "Title", id="library.sort.title"),
        Binding("d", "sort('district')", "District", id="library.sort.district"),
        Binding("m", "sort('date')", "Days", id="library.sort.date"),
        Binding("c", "sort('changed')", "Changed", id="library.sort.changed"),
        Binding("f5", "rescan", "Rescan", id="library.rescan"),
    ]

    def __init__(self, root: Path | None = None) -> None:
        super().__init__()
        self.root = Path(root) if root is not None else paths.sessions_dir()
        self.entries: list[Entry] = []  # everything listed
        self.shown: list[Entry] = []  # the table's rows, in order
        self.hits: list[Hit] = []
        self.sort_by, self.reverse = "changed", False
        self.scanning = True
        self.listing: Listing | None = None
        self._search_timer: Timer | None = None
        self._search_seq = 0
        self.widths = column_widths(120)

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Input(
            placeholder="Filter by title or district, and search every word of every session", id="library-query"
        )
        yield Label(literal(f"Looking in {self.root}…"), id="library-status")
        yield Label("Sessions", classes="library-heading", id="library-table-heading")
        yield DataTable(id="library-table", cursor_type="row", zebra_stripes=True)
        yield Label("Found in the text", classes="library-heading", id="library-hits-heading")
        yield OptionList(id="library-hits")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Session library"
        self.widths = column_widths(self.app.size.width)
        self._add_columns()
        self.query_one(Input).focus()
        prepare_processes()
        self.scan()

    def _add_columns(self) -> None:
        table = self.query_one(DataTable)
        for key in COLUMNS:
            # DataTable draws any Rich renderable as a label (Content is one); its stub says str | Text
            table.add_column(self._heading(key), key=key, width=self.widths[key])  # type: ignore[arg-type]

    def on_resize(self) -> None:
        widths = column_widths(self.app.size.width)
        if widths != self.widths:
            self.widths = widths
            self.query_one(DataTable).clear(columns=True)
            self._add_columns()
            self._fill_table()

    # --- scanning (thread worker) ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library-scan", exit_on_error=False)
    def scan(self) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            self.app.call_from_thread(self._progress, done, total)

        try:
            with Library() as lib:
                try:
                    listing = lib.scan(self.root, progress=progress)
                finally:
                    if lib.notices:  # a damaged index was moved aside and rebuilt: say so once
                        self.app.call_from_thread(self._notify_rebuilt, list(lib.notices))
        except _Cancelled:
            return
        except LibraryError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._scan_failed, exc.lines)
            return
        except Exception as exc:  # the index is a cache: say what went wrong, never crash the app
            if not worker.is_cancelled:
                self.app.call_from_thread(
                    self._scan_failed, [f"The library could not be indexed: {type(exc).__name__}: {exc}"]
                )
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._scanned, listing)

    def _notify_rebuilt(self, notices: list[str]) -> None:
        for notice in notices:  # it names a path: plain text, never markup
            self.app.notify(notice, title="Library", severity="warning", timeout=10, markup=False)

    def _progress(self, done: int, total: int) -> None:
        self._status(f"Indexing {self.root}: {done:,} of {total:,} changed files read…")

    def _scan_failed(self, lines: list[str]) -> None:
        self.scanning = False
        self._status(lines[0] if lines else "The library could not be read.", "bold $error")

    def _scanned(self, listing: Listing) -> None:
        self.scanning = False
        self.listing = listing
        self.entries = listing.entries
        self._fill_table()
        self._status(self._summary())
        if self.query_one(Input).value.strip():
            self._run_search()  # what was typed while indexing, against the whole index now

    def _summary(self) -> str:
        if self.listing is None:
            return ""
        sessions = sum(not e.broken for e in self.entries)
        broken = len(self.entries) - sessions
        stats = self.listing.stats
        text = f"{sessions:,} session{'s' if sessions != 1 else ''}"
        if broken:
            text += f", {broken} broken"
        text += f" in {self.root}"
        if stats.read:
            text += (
                f" · {stats.read:,} new or changed file{'s' if stats.read != 1 else ''} read in {stats.seconds:.1f} s"
            )
        if not self.entries:
            text += " · no session files here yet"
        return text

    def _status(self, text: str, style: str = "") -> None:
        self.query_one("#library-status", Label).update(literal(one_line(text), style))

    # --- the table ------------------------------------------------------------------------------

    def _heading(self, key: str) -> Content:
        heading, letter, sort = COLUMNS[key]
        arrow = ""
        if sort and sort == self.sort_by:
            # names go A→Z (▲) and dates newest first (▼) unless reversed
            ascending = (sort in ("title", "district")) != self.reverse
            arrow = " ▲" if ascending else " ▼"
        hint = f" ({letter.upper()})" if letter else ""
        return join((heading, "bold"), (hint, "dim"), arrow)

    def _fill_table(self) -> None:
        table = self.query_one(DataTable)
        query = self.query_one(Input).value
        self.shown = sort_entries(filter_entries(self.entries, query), self.sort_by, reverse=self.reverse)
        for key, column in table.columns.items():
            column.label = self._heading(str(key.value))  # type: ignore[assignment]  # as in _add_columns
        table.clear()
        for n, entry in enumerate(self.shown):
            table.add_row(*self._cells(entry), key=str(n))
        heading = (
            "Sessions"
            if not query.strip() or not self.entries
            else f"Sessions: {len(self.shown):,} of {len(self.entries):,} match the filter"
        )
        self.query_one("#library-table-heading", Label).update(literal(heading))
        self.set_class(not self.shown, "-no-rows")
        if self.listing is not None and not self.shown:
            self._status(self._summary())
        table.refresh()

    def _cells(self, entry: Entry) -> list[Content]:
        w = self.widths
        file = literal(one_line(self._relative(entry.path), w["file"]), "dim")
        if entry.broken:
            return [
                literal("BROKEN", "bold $error"),
                literal(one_line(self._error(entry), w["district"]), "$error"),
                literal(""),
                literal(""),
                literal(""),
                literal(_when(entry)),
                file,
            ]
        return [
            literal(one_line(entry.title, w["title"]), "bold"),
            literal(one_line(entry.organization, w["district"])),
            literal(one_line(entry.compact_dates, w["dates"])),
            literal(f"{entry.open:>4}"),
            literal(f"{entry.agreed:>6}"),
            literal(_when(entry)),
            file,
        ]

    def _error(self, entry: Entry) -> str:
        """The first error line, naming the file as the table does (the store gives its full path)."""
        line, where = entry.error_line, str(entry.path)
        return self._relative(entry.path) + line[len(where) :] if line.startswith(where) else line

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        n = int(event.row_key.value or 0)
        if 0 <= n < len(self.shown) and self.shown[n].broken:
            self._status(self._error(self.shown[n]) + "  (Enter: the whole error)", "$error")
        elif self.listing is not None:
            self._status(self._summary())

    def _relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.resolve()))
        except (ValueError, OSError):
            return str(path)

    def action_sort(self, by: str) -> None:
        if by == self.sort_by:
            self.reverse = not self.reverse
        else:
            self.sort_by, self.reverse = by, False
        self._fill_table()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        sort = COLUMNS.get(str(event.column_key.value), ("", "", ""))[2]
        if sort:
            self.action_sort(sort)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        entry = self.shown[int(event.row_key.value or 0)]
        if entry.broken:
            self.app.show_error(f"Cannot open {entry.path}", entry.error.splitlines())
            return
        self.app.open_session(entry.path)

    # --- typing: filter now, search after a pause ---------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.entries:
            self._fill_table()
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._run_search)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._run_search()
        if self.hits:
            self.query_one(OptionList).focus()
        else:
            self.query_one(DataTable).focus()

    def _run_search(self) -> None:
        self._search_timer = None
        query = self.query_one(Input).value
        self._search_seq += 1
        if not query.strip():
            self._show_hits(self._search_seq, query, [])
            return
        self.search(self._search_seq, query)

    @work(thread=True, exclusive=True, group="library-search", exit_on_error=False)
    def search(self, seq: int, query: str) -> None:
        worker = get_current_worker()
        try:
            with Library() as lib:
                try:
                    hits = lib.search(self.root, query, limit=HIT_LIMIT)
                finally:
                    if lib.notices:
                        self.app.call_from_thread(self._notify_rebuilt, list(lib.notices))
        except LibraryError:
            hits = []
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_hits, seq, query, hits)

    def _show_hits(self, seq: int, query: str, hits: list[Hit]) -> None:
        if seq != self._search_seq:
            return  # an older search, finished after a newer one started
        self.hits = hits
        self.set_class(bool(query.strip()), "-searching")
        widget = self.query_one(OptionList)
        widget.clear_options()
        widget.add_options([Option(self._hit_content(hit), id=str(n)) for n, hit in enumerate(hits)])
        if hits:
            widget.highlighted = 0
        if query.strip():
            if hits:
                more = f" (the best {len(hits)})" if len(hits) >= HIT_LIMIT else ""
                some = "" if hits[0].every_word else " (no item holds every word: these hold some of them)"
                heading = join(
                    ("Found in the text", "bold"),
                    f": {len(hits)} hit{'s' if len(hits) != 1 else ''}{more}{some}, best first · Enter opens it in "
                    "review",
                )
            elif self.scanning:
                heading = join(("Found in the text", "bold"), ": nothing yet (still indexing)")
            else:
                heading = join(("Found in the text", "bold"), ": nothing matches")
            self.query_one("#library-hits-heading", Label).update(heading)

    def _hit_content(self, hit: Hit) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        pos = 0
        for start, end in hit.marks:
            parts.append(one_line(hit.snippet[pos:start]))
            parts.append(literal(one_line(hit.snippet[start:end]), "bold reverse"))
            pos = end
        parts.append(one_line(hit.snippet[pos:]))
        where = [self._relative(hit.path)]
        if hit.issue_id:
            where.append(hit.issue_id)
        where.append(hit.kind_label + (f" {hit.item_id}" if hit.item_id and hit.item_id != hit.issue_id else ""))
        if hit.who:
            where.append(hit.who)
        return join(*parts, "\n  ", literal(one_line(f"{hit.title} · {' · '.join(where)}", 160), "dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(event.option.id or 0)]
        self.open_hit(hit)

    def open_hit(self, hit: Hit) -> None:
        app = self.app
        if hasattr(app, "open_review"):
            app.open_review(hit.path, focus=hit.focus)
        else:  # before the review screen exists: the session read-only
            app.open_session(hit.path, readonly=True)

    # --- keys -------------------------------------------------------------------------------------

    def action_focus_query(self) -> None:
        self.query_one(Input).focus()

    def action_rescan(self) -> None:
        self.scanning = True
        self._status(f"Looking in {self.root}…")
        self.scan()

    def action_back(self) -> None:
        if self.query_one(Input).has_focus and self.query_one(Input).value:
            self.query_one(Input).value = ""  # Esc clears the box first
            return
        self.app.pop_screen()

    def on_unmount(self) -> None:
        self.workers.cancel_node(self)


def _when(entry: Entry) -> str:
    return f"{entry.changed:%Y-%m-%d %H:%M}" if entry.changed else ""
