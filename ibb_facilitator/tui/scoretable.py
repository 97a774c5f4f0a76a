"""The rating grid's table: a ``DataTable`` shown from a plain description, which rewrites and
repaints only the cells that changed (``show_table``).

It reaches into Textual's DataTable for speed (its render caches, its row renderer); the private
names it uses are listed in tests/test_textual_internals.py, and each use has a fallback to the
public way.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.color import Color
from textual.content import Content
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.render import measure
from textual.renderables.styled import Styled
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable
from textual.widgets._data_table import default_cell_formatter  # how DataTable turns a cell into text
from textual.widgets.data_table import ColumnKey, Row, RowKey

from .widgets import SteadyScrollBars


class ScoreTable(SteadyScrollBars, DataTable):
    """A DataTable shown from a plain description that rewrites only the cells that changed.

    ``show_table(columns, rows)``: columns are ``(key, label, width or None)``, rows are
    ``(key, cells)`` with cells as strings (the first may be ``Content``). The same columns and
    row keys as shown: changed cells are rewritten and only their rows repainted; otherwise the
    table is rebuilt. (``DataTable.update_cell`` repaints the whole table.)
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Set before DataTable's own set-up, which clears its caches (``_clear_caches``):
        # styles DataTable computes for every line it renders (``_row_line``), by what they depend on
        self._styles_seen: dict[tuple[object, ...], tuple[object, Style]] = {}
        # the body's renderings (``_row_line``): by row, and by cell, each by what it depends on
        self._drawn_rows: dict[RowKey, dict[tuple[object, ...], tuple[list[Any], list[Any]]]] = {}
        self._drawn_cells: dict[tuple[RowKey, ColumnKey], dict[tuple[object, ...], tuple[object, list[Any]]]] = {}
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown_columns: list[tuple[str, str, int | None]] | None = None
        self._shown_rows: list[tuple[str, tuple[object, ...]]] = []
        self._rendered_width: int | None = None

    def _on_resize(self, event: events.Resize) -> None:
        # DataTable renders every cell again on any resize (it bumps the counter its render
        # caches are keyed by). A cell's rendering depends on the columns' widths, not on the
        # table's height, which changes whenever the mode bar takes the capture line's place
        # (Ctrl+R) or a table is shown again (a stage switch): keep the renderings while the
        # width is the same.
        if event.size.width == self._rendered_width:
            event.prevent_default()
        self._rendered_width = event.size.width

    def show_table(
        self, columns: list[tuple[str, str, int | None]], rows: list[tuple[str, tuple[object, ...]]]
    ) -> None:
        shown = self._shown_columns
        if (
            shown is None
            or [(key, width is None) for key, _, width in columns] != [(key, width is None) for key, _, width in shown]
            or [key for key, _ in rows] != [key for key, _ in self._shown_rows]
        ):
            self._rebuild(columns, rows)
            return
        if [width for _, _, width in columns] != [width for _, _, width in shown] and not self._rewidth(columns):
            return  # rebuilt
        if columns != self._shown_columns:  # the same columns, a head reworded (a criterion's weight): no rebuild
            self._relabel(columns)
        keys = [key for key, _, _ in columns]
        quick: list[tuple[str, str, object]] = []  # cells of the same width: set in one pass below
        for (row_key, cells), (_, before) in zip(rows, self._shown_rows):
            if cells and before and cells[0] is before[0] and cells[1:] == before[1:]:
                continue  # the row as shown (its first cell the same object: ``_same_cell``)
            for column_key, cell, old in zip(keys, cells, before):
                if not _same_cell(cell, old):
                    if self._quick(column_key, cell, old):
                        quick.append((row_key, column_key, cell))
                    else:
                        self.update_cell(row_key, column_key, cell, update_width=True)
        if quick:
            self._set_cells(quick)
        self._shown_rows = list(rows)

    def _relabel(self, columns: list[tuple[str, str, int | None]]) -> None:
        """New column heads in place: rebuilding the table for a head measured every cell again
        (over 100 ms for 60 rows x 15 columns)."""
        resized = False
        relabelled: set[ColumnKey] = set()
        try:
            for (key, label, _), (_, before, _) in zip(columns, self._shown_columns or []):
                if label == before:
                    continue
                column = self.columns[ColumnKey(key)]
                narrower_or_wider = Text(label).cell_len != column.label.cell_len
                column.label = Text(label)
                relabelled.add(column.key)
                if column.auto_width and narrower_or_wider:  # as wide as a table built afresh makes it
                    fits = self._content_width(column.key)
                    if fits != column.content_width:
                        column.content_width, resized = fits, True
        except (AttributeError, KeyError, LookupError, TypeError):  # Textual's internals moved: rebuild
            self._rebuild(columns, self._shown_rows)
            return
        self._shown_columns = list(columns)
        header = self._header_row_key  # the heads that changed only: the cells keep their renderings
        cell_cache: LRUCache[Any, Any] = self._cell_render_cache
        for stale in [k for k in cell_cache.keys() if k[0] == header and k[1] in relabelled]:  # noqa: SIM118
            cell_cache.discard(stale)
        for stale_row in [k for k in self._row_renderable_cache.keys() if k[1] == -1]:  # noqa: SIM118
            self._row_renderable_cache.discard(stale_row)  # the heads' renderables (row -1)
        self._line_cache.clear()
        if resized:
            self._columns_resized()
            return
        row_cache: LRUCache[Any, Any] = self._row_render_cache
        for stale in [k for k in row_cache.keys() if k[0] == header]:  # noqa: SIM118
            row_cache.discard(stale)
        if self.show_header:  # the head's line, which does not scroll: the rows keep theirs
            self.refresh(Region(0, 0, self.size.width, self.header_height))

    def _rewidth(self, columns: list[tuple[str, str, int | None]]) -> bool:
        """New widths for columns of a fixed width, in place (the grid's option column follows
        its heads' widths): a rebuild measured every cell again, 55 ms for the 60x12 grid on a
        100x30 screen at each weight that widened a head. False: rebuilt instead."""
        try:
            for (key, _, width), (_, _, before) in zip(columns, self._shown_columns or []):
                if width != before:
                    self.columns[ColumnKey(key)].width = width or 0
        except (AttributeError, KeyError, LookupError, TypeError):  # Textual's internals moved: rebuild
            self._rebuild(columns, self._shown_rows)
            return False
        shown = self._shown_columns or []
        self._shown_columns = [(key, label, width) for (key, _, width), (_, label, _) in zip(columns, shown)]
        self._columns_resized()
        return True

    def _columns_resized(self) -> None:
        """Every line moves: each row is put together again (all of DataTable's were: every
        cell rendered again), from the cells kept by width (``_row_line``): only the resized
        columns' are drawn again."""
        self._resize_quietly()
        self._cell_render_cache.clear()  # DataTable's (the heads): not kept by width
        self._row_render_cache.clear()
        self._line_cache.clear()
        self._drawn_rows.clear()
        self.refresh()

    def _resize_quietly(self) -> None:
        """The table's new width after a column's: DataTable sets it on idle (``_update_dimensions``)
        as the virtual size, a layout reactive, so the whole screen was laid out and painted
        again, a frame after the change (10 ms for the 60x12 grid). While the table fits its
        width before and after, no scroll bar comes or goes: set quietly, the rows repaint."""
        before = self.virtual_size
        width = sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width
        room = self.scrollable_content_region.width
        if self._new_rows or self._updated_cells or not (before.width <= room and width <= room):
            self._require_update_dimensions = True
            return
        self.set_reactive(Widget.virtual_size, Size(width, before.height))

    def _content_width(self, column_key: ColumnKey) -> int:
        """The width DataTable gives a column of these cells under this head (``add_column``,
        ``add_row``: the widest of them, measured its way)."""
        console = self.app.console
        widest = measure(console, self.columns[column_key].label, 1)
        for row_key, row in self.rows.items():
            value = self._data[row_key].get(column_key, "")
            if type(value) is str and row.height == 1 and not _MARKS.intersection(value):
                widest = max(widest, cell_len(value))  # what DataTable's measure comes to, for less
                continue
            cell = default_cell_formatter(value, row.height != 1, row.height)
            widest = max(widest, measure(console, cell, 1))
        return widest

    def _rebuild(self, columns: list[tuple[str, str, int | None]], rows: list[tuple[str, tuple[object, ...]]]) -> None:
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        for key, label, width in columns:
            self.add_column(label, key=key, width=width)
        for key, cells in rows:
            self.add_row(*cells, key=key)
        self._shown_columns, self._shown_rows = list(columns), list(rows)
        if self.row_count:
            self.cursor_coordinate = self.validate_cursor_coordinate(cursor)

    def _quick(self, column_key: str, cell: object, old: object) -> bool:
        """Whether a changed cell can be set in place: its column has a fixed width, or the cell
        is a string as wide as before. Otherwise the public way, which measures the column again
        (a wider total, a narrower one)."""
        fixed = next(width for key, _, width in self._shown_columns or [] if key == column_key)
        return fixed is not None or (isinstance(cell, str) and isinstance(old, str) and len(cell) == len(old))

    def _set_cells(self, cells: list[tuple[str, str, object]]) -> None:
        """Set ``(row, column, cell)`` in place and repaint their rows only, forgetting just their
        renderings (``DataTable.update_cell`` bumps a counter that every render cache is keyed
        by, so the next show of the table rendered every cell)."""
        try:
            changed: set[tuple[RowKey, ColumnKey]] = set()
            rows: dict[RowKey, int] = {}
            for row_key, column_key, cell in cells:
                key, column = RowKey(row_key), ColumnKey(column_key)
                row = self._row_locations.get(key)
                if row is None:  # not a row of the table: the public way says so
                    raise KeyError(row_key)
                self._data[key][column] = cell
                changed.add((key, column))
                rows[key] = row
            for key in rows:  # our renderings of those rows (``_row_line``): by key, no walk
                self._drawn_rows.pop(key, None)
            # DataTable's own, for the lines it renders itself (the heads; another table shape):
            # .keys(): Textual's LRUCache is not a dict and cannot be iterated itself
            cell_cache: LRUCache[Any, Any] = self._cell_render_cache
            for stale in [k for k in cell_cache.keys() if (k[0], k[1]) in changed]:  # noqa: SIM118
                cell_cache.discard(stale)
            row_cache: LRUCache[Any, Any] = self._row_render_cache
            for stale in [k for k in row_cache.keys() if k[0] in rows]:  # noqa: SIM118
                row_cache.discard(stale)
            indexes = set(rows.values())
            for stale_row in [k for k in self._row_renderable_cache.keys() if k[1] in indexes]:  # noqa: SIM118
                self._row_renderable_cache.discard(stale_row)
            self._line_cache.clear()
        except (AttributeError, KeyError, LookupError, TypeError):  # Textual's internals moved: the public way
            for row_key, column_key, cell in cells:
                self.update_cell(row_key, column_key, cell)
            return
        self._refresh_rows(sorted(set(rows.values())))

    def _refresh_rows(self, indexes: list[int]) -> None:
        """Repaint the rows at ``indexes`` (sorted) that are in view, a run of neighbours as one
        region: ``refresh_row`` adds up the heights of every row above each one, and asks for a
        repaint per row (a weight changes the total of every row)."""
        if not indexes:
            return
        if any(row.height != 1 for row in self.rows.values()):
            for index in indexes:
                self.refresh_row(index)
            return
        top = self.header_height if self.show_header else 0
        width = max(
            self.size.width,
            sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width,
        )
        window, offset = self.window_region, self.scroll_offset
        runs: list[list[int]] = []  # [first, last] of each run of neighbours
        for index in indexes:
            if runs and index == runs[-1][1] + 1:
                runs[-1][1] = index
            else:
                runs.append([index, index])
        regions = []
        for first, last in runs:
            band = Region(0, top + first, width, last - first + 1)
            if window.overlaps(band):
                regions.append(band.translate(-offset))
        if regions:
            self.refresh(*regions)

    _styled_for: object = None
    _line_style: Style | None = None  # the table's style while it renders lines (``render_lines``)
    _line_layout: tuple[list[tuple[ColumnKey, int]], int, int] | None = None  # and its ``_layout``

    def render_lines(self, crop: Region) -> list[Strip]:
        # DataTable works out the table's own style (a walk up the DOM), its size and each
        # column's width once per line it renders: once per render here.
        self._line_style, self._line_layout = self.rich_style, self._layout()
        try:
            return super().render_lines(crop)
        finally:
            self._line_style = self._line_layout = None

    def _layout(self) -> tuple[list[tuple[ColumnKey, int]], int, int]:
        """``([(column key, width)], the blank after the last column, the table's width)``."""
        columns = [(column.key, column.get_render_width(self)) for column in self.ordered_columns]
        width = self.size.width
        return columns, max(0, width - sum(w for _, w in columns) - self._row_label_column_width), width

    def render_line(self, y: int) -> Strip:
        style, layout = self._line_style, self._line_layout
        if style is None or layout is None or self.fixed_rows:
            return super().render_line(y)
        scroll_x, scroll_y = self.scroll_offset
        if y >= (self.get_row_height(self._header_row_key) if self.show_header else 0):
            y += scroll_y
        return self._render_line(y, scroll_x, scroll_x + layout[2], style)

    def _render_line_in_row(self, row_key, line_no, base_style, cursor_location, hover_location):
        # DataTable caches each row's rendering keyed by where the cursor is, so any cursor move
        # makes every row render again the next time the table is shown. With a cell cursor a
        # row's look depends on the cursor only when the cursor is in that row.
        if self.cursor_type == "cell":
            found = self._row_locations.get(row_key) if row_key in self._row_locations else None
            row = -1 if found is None else found  # the header's row is -1
            if cursor_location.row != row:
                cursor_location = NOWHERE
            if hover_location.row != row:
                hover_location = NOWHERE
            if row >= 0 and not (
                self.fixed_rows or self.fixed_columns or (self._labelled_row_exists and self.show_row_labels)
            ):
                try:
                    return self._row_line(row_key, row, line_no, base_style, cursor_location, hover_location)
                except (AttributeError, TypeError, KeyError):  # Textual's internals moved: its own way below
                    pass
        return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)

    def _row_line(
        self,
        row_key: RowKey,
        row: int,
        line_no: int,
        base_style: Style,
        cursor: Coordinate,
        hover: Coordinate,
    ) -> tuple[list[Any], list[Any]]:
        """``DataTable._render_line_in_row`` for a row of this table's shape (a cell cursor; no
        fixed rows or columns, no row labels): the same segments, from renderings kept by row
        (a changed row forgets its own, ``_set_cells``, without a walk of every cached
        rendering) and by cell and what it shows. A change of weight renders every shown row again (its total
        and rank): DataTable worked out the row's style (an ancestor walk), each column's width
        twice and the renderables of all of the row's cells again, for each of them."""
        if self.zebra_stripes:
            row_style = self._component_style("datatable--odd-row" if row % 2 else "datatable--even-row", base_style)
        else:
            row_style = base_style
        updates, pseudo = self._update_count, self._pseudo_class_state
        show_cursor, show_hover = self.show_cursor, self._show_hover_cursor
        # Focus and hover (the pseudo classes) change a row's look through its style, the table's
        # and the cursor's or hover's cell: a row with neither is drawn alike in both states.
        pointed = cursor is not NOWHERE or hover is not NOWHERE
        focus = pseudo if pointed else None
        stamp = (line_no, row, row_style, base_style, cursor, hover, show_cursor, show_hover, updates, focus)
        kept = self._drawn_rows.get(row_key)
        if kept is None:
            kept = self._drawn_rows[row_key] = {}
        elif (pair := kept.get(stamp)) is not None:
            return pair
        data, meta = self._data[row_key], self.rows[row_key]
        drawn_cells = self._drawn_cells
        shared = (row, row_style, show_cursor, show_hover, updates)
        at, over = cursor.column, hover.column  # NOWHERE (-2) when not in this row
        layout = self._line_layout or self._layout()
        cells = []
        for index, (column_key, width) in enumerate(layout[0]):
            drawn = drawn_cells.get((row_key, column_key))
            if drawn is None:
                drawn = drawn_cells[(row_key, column_key)] = {}
            datum = data.get(column_key)
            # by what the cell shows too: a weight nudged up and back shows the totals of before
            shows = datum if type(datum) is str else id(datum)  # (the object itself is kept, below)
            key = (index == at, index == over, width, shows, shared, pseudo if index in (at, over) else None)
            found = drawn.get(key)
            if found is not None and (type(datum) is str or found[0] is datum):
                lines = found[1]
            else:
                if len(drawn) > 16:  # old values, cursors and styles
                    drawn.clear()
                lines = self._draw_cell(datum, meta, row, index, row_style, width, index == at, index == over)
                drawn[key] = (datum, lines)
            cells.append(lines[line_no])
        extend = self._extend_style(row, row_style, base_style)
        cells.append([Segment(" " * layout[1], extend)])
        pair = ([], cells)
        if len(kept) > 8:
            kept.clear()
        kept[stamp] = pair
        return pair

    def _draw_cell(
        self, datum: object, meta: Row, row: int, index: int, row_style: Style, width: int, cursor: bool, hover: bool
    ) -> list[list[Segment]]:
        """One cell's lines, as ``DataTable._render_cell`` draws a body cell."""
        if type(datum) is str and meta.height == 1 and _plain(datum, width - 2 * self.cell_padding):
            # What rich makes of it, without rich (a tenth of the time): the text and the blank
            # around it, all in the cell's style. A test holds it to rich's way.
            component_style, post_style = self._cell_styles(cursor, hover)
            style = row_style + Style.from_meta({"row": row, "column": index}) + component_style + post_style
            pad, blank = " " * self.cell_padding, " " * (width - 2 * self.cell_padding - cell_len(datum))
            return [[Segment(f"{pad}{datum}{blank}{pad}", style)]]
        renderable = (
            _EMPTY if datum is None else (default_cell_formatter(datum, meta.height != 1, meta.height) or _EMPTY)
        )
        component_style, post_style = self._cell_styles(cursor, hover)
        app = self.app
        if meta.auto_height and meta.height == 0:
            options = app.console_options.update_width(width)
        else:
            options = app.console_options.update_dimensions(width, meta.height)
            if meta.height == 1:
                options = options.update(no_wrap=True)
        style = row_style + Style.from_meta({"row": row, "column": index})
        padded = Padding(renderable, (0, self.cell_padding))
        cell = Styled(padded, pre_style=style + component_style, post_style=post_style)
        # Its runs of one style joined now, once (the row's line joins them again on each render:
        # the same line, from fewer segments).
        return [list(Segment.simplify(line)) for line in app.console.render_lines(cell, options)]

    def _cell_styles(self, cursor: bool, hover: bool) -> tuple[Style, Style]:
        return self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )

    def _component_style(self, name: str, base_style: Style) -> Style:
        """``get_component_styles(name).rich_style`` (a walk up the DOM), kept while the component's
        styles (a new object each time the stylesheet applies them), the table's own style and its
        pseudo classes are the same."""
        source = self._component_styles.get(name)
        key = (name, base_style, self._pseudo_class_state)
        found = self._styles_seen.get(key)
        if found is not None and found[0] is source:
            return found[1]
        style = self.get_component_styles(name).rich_style
        self._remember(key, (source, style))
        return style

    def _extend_style(self, row: int, row_style: Style, base_style: Style) -> Style:
        """The style of the blank after the last column (DataTable's, for a cell cursor): the
        row's colours faded into the table's background."""
        key = ("extend", row, row_style, base_style, self._pseudo_class_state)
        found = self._styles_seen.get(key)
        if found is not None:
            return found[1]
        if row_style.bgcolor is not None:
            faded = Color.from_rich_color(row_style.bgcolor).blend(self.background_colors[1], factor=0.25)
            style = Style.from_color(color=row_style.color, bgcolor=faded.rich_color)
        else:
            style = Style.from_color(row_style.color, row_style.bgcolor)
        style += Style.from_meta({"row": row, "column": 0, "out_of_bounds": True})
        self._remember(key, (None, style))
        return style

    def _remember(self, key: tuple[object, ...], value: tuple[object, Style]) -> None:
        if len(self._styles_seen) > 4096:  # old themes and sizes: start again
            self._styles_seen.clear()
        self._styles_seen[key] = value

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._forget_drawn()

    def _forget_drawn(self) -> None:
        self._styles_seen.clear()
        self._drawn_rows.clear()
        self._drawn_cells.clear()

    def notify_style_update(self) -> None:
        """DataTable drops all its renderings on any style update, focus and blur included. Its
        render caches are keyed by the focus state, so a focus change keeps them (only the cell
        styles, which are not keyed by it, go); a new theme drops everything."""
        theme = (self.app.theme, self.app.current_theme)
        if theme != self._styled_for:
            self._styled_for = theme
            self._forget_drawn()
            super().notify_style_update()
            return
        Widget.notify_style_update(self)
        self._styles_seen.clear()
        self._styles_cache.clear()
        self._get_styles_to_render_cell.cache_clear()
        self.refresh()


_EMPTY = Text(no_wrap=True, end="")  # DataTable's empty cell
_MARKS = frozenset("[:\t\n\r")  # what DataTable's formatter reads as more than text (markup, emoji codes)
NOWHERE = Coordinate(-2, -2)  # matches no cell, header or label (those are at -1)


def _plain(text: str, room: int) -> bool:
    """Whether DataTable shows ``text`` as it is, on one line of ``room`` cells: no markup, emoji
    code or control character, and it fits."""
    return text.isprintable() and not _MARKS.intersection(text) and cell_len(text) <= room


def _same_cell(a: object, b: object) -> bool:
    if a is b:  # a cell kept by its painter (the grid's option cells)
        return True
    if isinstance(a, Content) and isinstance(b, Content):
        return a.is_same(b)
    return type(a) is type(b) and a == b
