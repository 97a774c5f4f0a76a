"""The private parts of Textual this app leans on, named in one place.

A few widgets reach into Textual for speed or timing (tui/widgets.py ``RowList`` and
tui/scoretable.py ``ScoreTable``: repaint one row or cell; ``SteadyScrollBars``: repaint a
scroll bar when it changes; tui/session/screen.py: draw a key's frame at once; tui/app.py:
start loading after the opening screen's first frame, hold keys while a file opens, pick the
theme before the first stylesheet). Each has a fallback or a test of its outcome, but a Textual upgrade that renames
one should fail here, loudly and by name, not show up as a slower app or a stale cell. When this
fails: read the new Textual's code for the name, fix the use, then this list.
"""

from __future__ import annotations

import inspect

import pytest
from textual.app import App
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import DataTable, OptionList
from textual.widgets.option_list import Option

USED = [
    (OptionList, ["_options", "_heights", "_index_to_line", "_line_cache", "_update_lines", "_option_to_index",
                  "_id_to_option", "_get_visual", "_get_left_gutter_width", "_on_resize"]),
    (DataTable, ["_data", "_row_locations", "_cell_render_cache", "_row_render_cache", "_row_renderable_cache",
                 "_line_cache", "_render_line_in_row", "_styles_cache", "_get_styles_to_render_cell",
                 "_clear_caches", "_update_count", "_pseudo_class_state", "_show_hover_cursor", "_component_styles",
                 "_labelled_row_exists", "_row_label_column_width", "_new_rows", "_updated_cells",
                 "_require_update_dimensions"]),
    (App, ["_check_bindings", "_message_queue", "_display", "_batch_count", "_refresh_truecolor_filter"]),
    (Widget, ["_check_refresh"]),  # tui/messages.py post_refreshes: a change's repaints reach the screen together
    (ScrollView, ["_size_updated", "_container_size"]),  # tui/widgets.py SteadyScrollBars
    # tui/session/screen.py SessionScreen._on_idle: a key's frame drawn at once, not on the next beat
    (Screen, ["_on_idle", "_on_timer_update", "_layout_required", "_scroll_required", "_repaint_required",
              "_dirty_widgets"]),
]  # fmt: skip


def test_scroll_views_are_sized_as_steady_scroll_bars_expects():
    """``SteadyScrollBars`` stands in front of ``ScrollView._size_updated`` with its arguments."""
    assert list(inspect.signature(ScrollView._size_updated).parameters) == [
        "self", "size", "virtual_size", "container_size", "layout"
    ]  # fmt: skip


@pytest.mark.parametrize("widget, names", USED, ids=[cls.__name__ for cls, _ in USED])
def test_the_private_names_we_use_are_there(widget, names):
    instance = widget()
    assert [name for name in names if not hasattr(instance, name)] == []


def test_an_option_still_has_its_divider_flag():
    assert hasattr(Option("x"), "_divider")


def test_datatable_still_formats_a_cell_as_scoretable_does():
    """``ScoreTable._draw_cell`` turns a cell into text with DataTable's own formatter."""
    from textual.widgets._data_table import default_cell_formatter

    assert list(inspect.signature(default_cell_formatter).parameters) == ["obj", "wrap", "height"]


def test_datatable_renders_a_row_line_with_the_arguments_we_pass():
    parameters = list(inspect.signature(DataTable._render_line_in_row).parameters)
    assert parameters == ["self", "row_key", "line_no", "base_style", "cursor_location", "hover_location"]


def test_the_header_is_still_made_of_the_parts_titlebar_composes():
    """``TitleBar`` (tui/widgets.py) composes Textual's header from its own parts, with the
    title that repaints without a layout: the parts, the flag and the title's way in are there."""
    from textual.widgets import Header
    from textual.widgets._header import HeaderClock, HeaderClockSpace, HeaderIcon, HeaderTitle

    assert hasattr(Header(), "_show_clock")
    assert "layout" in inspect.signature(HeaderTitle.update).parameters
    assert [HeaderIcon, HeaderTitle, HeaderClockSpace] and HeaderClock  # importable
    source = inspect.getsource(Header._on_mount)
    assert "query_one(HeaderTitle).update(" in source
