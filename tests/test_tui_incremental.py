"""The session screen repaints only what a change touched: and what it shows is still the truth.

After each key the screen must look exactly as if every list and the grid had been built afresh
from the session; a stale line (an option's old prompt, a grid cell's old score, an old
highlight) is the failure these tests look for. They compare the rendered screen, not only the
widgets' data, because the savings live in Textual's render caches.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import example, until
from recorder import command
from textual.coordinate import Coordinate
from textual.widgets import Input

from ibb_facilitator import editing
from ibb_facilitator.model import OptionState, Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.session import ItemList, RatingGrid, SessionScreen
from ibb_facilitator.tui.widgets import RowList

SIZE = (160, 45)  # a big wall: every item has a blank line under it


def _app(tmp_path: Path) -> IbbApp:
    return IbbApp(path=example(tmp_path, "demo.toml"))


def _cells(app: IbbApp, widget) -> list[list[tuple[str, object]]]:
    """The rendered screen inside ``widget``'s region, one (character, style) pair a cell."""
    region = widget.region
    rows = []
    for strip in app.screen._compositor.render_strips()[region.y : region.bottom]:
        cells: list[tuple[str, object]] = []
        for segment in strip.crop(region.x, region.right):
            cells += [(char, segment.style) for char in segment.text]
        rows.append(cells)
    return rows


def _text(app: IbbApp, widget) -> list[str]:
    return ["".join(char for char, _ in row).rstrip() for row in _cells(app, widget)]


async def _rebuilt(pilot, screen: SessionScreen, widget) -> list[list[tuple[str, object]]]:
    """What ``widget``'s region shows once every list and the grid are built from scratch."""
    highlights = {lst: lst.highlighted for lst in screen.query(RowList)}
    for lst in highlights:
        lst.clear_options()
    grid = screen.views[Stage.CRITERIA].grid
    scrolled = grid.scroll_offset
    grid._shown_columns = None  # the next paint rebuilds the grid
    screen.refresh_all()
    grid.scroll_to(scrolled.x, scrolled.y, animate=False, immediate=True)  # a new table starts at the top
    for lst, index in highlights.items():
        if index is not None and lst.option_count:
            lst.highlighted = index
    for node in screen.walk_children(with_self=True):
        node.refresh()
    await pilot.pause()
    return _cells(pilot.app, widget)


async def _assert_fresh(pilot, screen: SessionScreen) -> None:
    views = screen.query_one("#views")
    incremental = _cells(pilot.app, views)
    assert incremental == await _rebuilt(pilot, screen, views)


async def _start(pilot, stage: Stage) -> SessionScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    await pilot.pause()
    screen._go(screen.issue.id, stage)
    await pilot.pause()
    return screen


async def test_capture_appends_one_item_highlighted_and_literal(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        items = screen.query_one("#interests-list", ItemList)
        before = [(o.id, o.prompt) for o in items.options]
        capture = screen.query_one("#capture", Input)
        capture.focus()
        capture.value = "M: a [/foo] [b]not bold[/b] interest"
        await pilot.press("enter")
        await pilot.pause()
        issue = screen.issue
        new = issue.interests[-1]
        assert new.holder == "management" and new.text == "a [/foo] [b]not bold[/b] interest"
        assert [o.id for o in items.options] == [i for i, _ in before] + [new.id]
        assert all(o.prompt.is_same(p) for o, (_, p) in zip(items.options, before))  # the others untouched
        assert items.highlighted_option.id == new.id
        assert any("a [/foo] [b]not bold[/b] interest" in line for line in _text(app, items))
        assert capture.value == ""
        await _assert_fresh(pilot, screen)


async def test_a_capture_lays_nothing_out_unless_the_list_is_sized_by_its_lines(tmp_path, monkeypatch):
    """One more item is one more line of the list's virtual size: its scroll range and bar
    change, not the screen's layout (``ItemList``), and the screen is as built afresh with the
    new item in view; a list whose height follows its lines (``auto``) is laid out as before."""
    from textual._compositor import Compositor

    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        items = screen.query_one("#interests-list", ItemList)
        capture = screen.query_one("#capture", Input)
        for n in range(40):  # past the list's height: its scroll bar shows (a layout: the text is narrower)
            app.change("add interest", editing.add_interest, screen.issue.id, f"interest {n}", "mutual")
        await pilot.pause()
        layouts: list[object] = []
        reflow = Compositor.reflow
        monkeypatch.setattr(Compositor, "reflow", lambda c, *a, **k: layouts.append(a) or reflow(c, *a, **k))
        for n in range(5):
            capture.value = f"captured {n}"
            await pilot.press("enter")
            await pilot.pause()
        assert layouts == []
        assert items.virtual_size.height > items.size.height and items.max_scroll_y > 0
        assert items.scroll_offset.y == items.max_scroll_y  # the newest, highlighted, in view
        assert items.vertical_scrollbar.window_virtual_size == items.virtual_size.height
        await _assert_fresh(pilot, screen)
        items.styles.height = "auto"
        await pilot.pause()
        layouts.clear()
        capture.value = "one more"
        await pilot.press("enter")
        await pilot.pause()
        assert layouts  # its height may follow its lines: laid out


async def test_typing_repaints_the_capture_line_only_and_a_long_line_keeps_its_cursor_in_view(tmp_path, monkeypatch):
    """A key typed asks for no layout (the capture line asked for one per key: the whole screen
    was laid out again), and a line longer than the box still scrolls sideways so the last
    words typed are seen."""
    from ibb_facilitator.tui.widgets import LinesInput

    app = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        capture = screen.query_one("#capture", Input)
        await pilot.pause()
        layouts = []
        real = LinesInput.refresh

        def refresh(self, *regions, layout=False, **kwargs):
            if layout:
                layouts.append(self.id)
            return real(self, *regions, layout=layout, **kwargs)

        monkeypatch.setattr(LinesInput, "refresh", refresh)
        await pilot.press(*"short words")
        await pilot.pause()
        assert capture.value == "short words" and layouts == []
        words = " and".join(f" item{n}" for n in range(20)) + " LASTWORD"
        capture.insert_text_at_cursor(words)  # as a fast typist would, in one go
        await pilot.pause()
        assert capture.value == "short words" + words
        assert capture.scroll_x > 0 and capture.virtual_size.width > capture.content_region.width
        assert "LASTWORD" in "".join(_text(app, capture))
        assert layouts == []


async def test_cycle_holder_changes_that_row_only(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        items = screen.query_one("#interests-list", ItemList)
        await pilot.press("down", "down")  # the pointer, from the capture line
        await pilot.pause()
        target = items.highlighted_option.id
        others = {o.id: o.prompt for o in items.options if o.id != target}
        holder = next(i for i in screen.issue.interests if i.id == target).holder
        await command(pilot, "Change the holder")
        await pilot.press("enter")  # the first other holder
        await pilot.pause()
        interest = next(i for i in screen.issue.interests if i.id == target)
        assert interest.holder != holder
        tag = app.session.holder_tag(interest.holder)
        prompt = items.get_option(target).prompt.plain
        assert f" {tag} " in prompt  # every holder a badge, as on the wall
        assert all(items.get_option(i).prompt.is_same(p) for i, p in others.items())
        assert items.highlighted_option.id == target
        await _assert_fresh(pilot, screen)
        await command(pilot, "Change the kind")  # a kind, then a reorder
        await pilot.press("enter", "up", "shift+down")
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        await command(pilot, "Strike")  # one row fewer
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(items.options) == len(screen.issue.interests)
        await _assert_fresh(pilot, screen)


async def test_highlight_move_repaints_both_rows(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.OPTIONS)
        items = screen.query_one("#view-options", ItemList)
        await pilot.pause()
        for key in ("down", "down", "up", "pagedown", "pageup", "down"):
            await pilot.press(key)
            await pilot.pause()
            await _assert_fresh(pilot, screen)
        assert items.highlighted == 1


async def test_rating_a_cell_updates_that_cell_and_total_only(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.CRITERIA)
        issue = screen.issue
        grid = screen.query_one(RatingGrid)
        grid.cursor_coordinate = Coordinate(0, 0)
        await pilot.press("ctrl+r")  # rating: the cursor starts on the first criterion, not the option names
        await pilot.pause()
        assert grid.has_focus and grid.cursor_coordinate == Coordinate(0, 1)
        before = [grid.get_row_at(r) for r in range(grid.row_count)]
        criteria = app.session.criteria_for(issue)
        active = [o for o in issue.options if o.state is OptionState.ACTIVE]
        await pilot.press("4")
        await pilot.pause()
        assert editing.rating_of(issue, active[0].id, criteria[0].id) == 4
        after = [grid.get_row_at(r) for r in range(grid.row_count)]
        assert after[0][1].strip() == "4"  # cells are padded to keep their width (ScoreTable's quick path)
        total = sum(editing.rating_of(issue, active[0].id, c.id) or 0 for c in criteria)
        assert after[0][-2].strip() == str(total)  # the weighted total (every weight 1 here), then the rank
        assert after[0][2:-2] == before[0][2:-2]  # the other cells unchanged, but the ranks
        assert [row[:-1] for row in after[1:]] == [row[:-1] for row in before[1:]]
        assert grid.cursor_coordinate == Coordinate(0, 2)  # moved on to the next criterion
        assert "4" in _text(app, grid)[1 + 0]  # the header line, then the first option: repainted
        await _assert_fresh(pilot, screen)
        await pilot.press("ctrl+z")  # undo: the cell changes back while the cursor stays put
        await pilot.pause()
        issue = screen.issue  # undo puts back a copy of the session's issues
        assert editing.rating_of(issue, active[0].id, criteria[0].id) is None
        assert grid.get_row_at(0) == before[0]
        await _assert_fresh(pilot, screen)
        # Totals that change width (9 -> 10 -> 5): padded, they keep the column's width.
        grid.cursor_coordinate = Coordinate(1, 1)
        await pilot.press(*"55")
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        grid.cursor_coordinate = Coordinate(1, 1)
        await pilot.press("backspace")
        await pilot.pause()
        assert editing.rating_of(issue, active[1].id, criteria[0].id) is None
        await _assert_fresh(pilot, screen)


async def test_a_rating_repaints_only_what_is_on_the_screen(tmp_path, monkeypatch):
    """A repaint asked of a widget not on the screen (the capture box, hidden while rating: its
    frame title was set again on every change) made Textual lay the whole screen out again to
    find it, on every key. The capture box still says what Enter does at each stage."""
    from textual._compositor import Compositor

    from ibb_facilitator.tui.session.criteria import CriteriaView
    from ibb_facilitator.tui.session.options import OptionsView

    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.CRITERIA)
        await pilot.press("ctrl+r")
        await pilot.pause()
        offscreen: list[str] = []
        update_widgets = Compositor.update_widgets

        def spy(compositor, widgets):
            shown = compositor.visible_widgets
            offscreen.extend(f"{type(w).__name__}#{w.id}" for w in widgets if w not in shown)
            return update_widgets(compositor, widgets)

        monkeypatch.setattr(Compositor, "update_widgets", spy)
        for digit in "3514":
            await pilot.press(digit)
            await pilot.pause()
        assert offscreen == []
        capture = screen.query_one("#capture")
        assert capture.border_title == CriteriaView.CAPTURE_TITLE
        await pilot.press("escape", "alt+left")
        await pilot.pause()
        assert capture.border_title == OptionsView.CAPTURE_TITLE
        assert capture.placeholder == OptionsView.PLACEHOLDER


async def test_a_stage_switch_draws_neither_the_views_nor_the_scroll_bars_again(tmp_path, monkeypatch):
    """A switch moves the views (``StageViews``) without repainting them (Textual's offset style
    repaints the widget too), and Textual set every list's scroll bar again at every layout
    (``SteadyScrollBars``): a switch there and back draws no line of a view and repaints no
    bar, and the screen is as built afresh; a list that grows moves its bar."""
    from textual.scrollbar import ScrollBar

    from ibb_facilitator.tui.session.view import StageView

    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        for n in range(40):
            app.change("add interest", editing.add_interest, screen.issue.id, f"interest {n} to scroll", "mutual")
        await pilot.pause()
        items = screen.query_one("#interests-list", ItemList)
        bar = items.vertical_scrollbar
        assert items.show_vertical_scrollbar and bar.window_virtual_size == items.virtual_size.height
        repaints: list[ScrollBar] = []
        refresh = ScrollBar.refresh

        def counted(self, *args, **kwargs):
            repaints.append(self)
            return refresh(self, *args, **kwargs)

        monkeypatch.setattr(ScrollBar, "refresh", counted)
        drawn: list[int] = []
        render_line = StageView.render_line
        monkeypatch.setattr(StageView, "render_line", lambda view, y: drawn.append(y) or render_line(view, y))
        await pilot.press("alt+right")
        await pilot.pause()
        await pilot.press("alt+left")
        await pilot.pause()
        assert repaints == [] and drawn == []
        await _assert_fresh(pilot, screen)
        height = items.virtual_size.height
        capture = screen.query_one("#capture", Input)
        capture.value = "one more interest"
        await pilot.press("enter")
        await pilot.pause()
        assert items.virtual_size.height > height and bar.window_virtual_size == items.virtual_size.height
        assert bar in repaints
        await _assert_fresh(pilot, screen)


async def test_a_stage_switch_keeps_the_keyboard_on_the_capture_line(tmp_path):
    """Nothing but the capture line takes the keyboard: no stage switch, no Tab, no Esc moves it
    into a list, where letters used to act as commands."""
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        capture = screen.query_one("#capture", Input)
        for keys, stage in (
            (("alt+right",), Stage.OPTIONS),
            (("tab", "alt+right"), Stage.CRITERIA),
            (("escape", "alt+left", "alt+left"), Stage.INTERESTS),
        ):
            await pilot.press(*keys)
            await pilot.pause()
            assert screen.stage is stage and screen.focused is capture
            await _assert_fresh(pilot, screen)
        # Rating holds the keyboard until a move: the grid gives it back to the capture line.
        await pilot.press("alt+right", "alt+right", "ctrl+r")
        await pilot.pause()
        assert screen.stage is Stage.CRITERIA and screen.focused is screen.query_one(RatingGrid)
        await pilot.press("alt+right")
        await pilot.pause()
        assert screen.stage is Stage.CONSENSUS and screen.focused is capture and screen.mode == "typing"


async def test_consensus_responses_repaint_the_voter_rows(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.CONSENSUS)
        voters = screen.query_one("#voters", RowList)
        await pilot.press("ctrl+r")  # voting
        await pilot.pause()
        assert voters.has_focus
        await pilot.press("4", "5", "1")
        await pilot.pause()
        assert len(screen.views[Stage.CONSENSUS].responses) == 3
        assert voters.highlighted == 3
        await _assert_fresh(pilot, screen)
        await pilot.press("up", "backspace")
        await pilot.pause()
        assert len(screen.views[Stage.CONSENSUS].responses) == 2
        await _assert_fresh(pilot, screen)


async def test_switching_issue_rebuilds_the_lists(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        items = screen.query_one("#interests-list", ItemList)
        first = [o.id for o in items.options]
        await pilot.press("alt+down")
        await pilot.pause()
        assert [o.id for o in items.options] == [i.id for i in screen.issue.interests] != first
        await _assert_fresh(pilot, screen)


async def test_a_resize_renders_the_kept_lists_again(tmp_path):
    """Lists and the grid keep their rendering while hidden: a new width must still redo it."""
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.CRITERIA)
        await pilot.press("alt+left")  # the grid is hidden
        await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.press("alt+right")  # shown again, at the new size
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        await pilot.press("alt+left")
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        await pilot.resize_terminal(120, 37)  # the height alone (still a big wall): rows kept
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        await pilot.press("alt+right")
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        await pilot.resize_terminal(100, 30)  # a small screen: no air between items, a narrower grid
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        assert not str(screen.query_one("#criteria-list", ItemList).options[0].prompt).endswith("\n")


async def test_grid_focus_and_theme_changes_repaint_it_right(tmp_path):
    """The grid keeps its renderings over a focus change (they are keyed by it) and its size
    over the mode bar that replaces the capture row (Ctrl+R), not over a theme change. The
    frame's scoring colour is restyled on the frame alone: it looks as a full restyle of the
    frame and everything in it would."""
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.CRITERIA)
        grid = screen.query_one(RatingGrid)
        views = screen.query_one("#views")
        typing = _cells(app, views)
        height, renderings = grid.size.height, grid._update_count  # DataTable's render caches' key
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert grid.size.height == height, "the mode bar is not as tall as the capture row it replaces"
        assert grid._update_count == renderings, "Ctrl+R made the grid render every cell again"
        rating = _cells(app, views)
        assert rating != typing  # the frame took the scoring colour
        app.stylesheet.update(views)  # the frame and all below it restyled from scratch
        for node in views.walk_children(with_self=True):
            node.refresh()
        await pilot.pause()
        assert _cells(app, views) == rating
        grid.cursor_coordinate = Coordinate(1, 1)
        await pilot.press("3")
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        await pilot.press("escape")  # the grid blurred: back to typing
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        shown = _cells(app, views)
        app.stylesheet.update(views)
        for node in views.walk_children(with_self=True):
            node.refresh()
        await pilot.pause()
        assert _cells(app, views) == shown
        await pilot.press("alt+left", "alt+right")  # hidden and shown again
        await pilot.pause()
        await _assert_fresh(pilot, screen)
        await pilot.press("ctrl+r")
        app.action_toggle_theme()
        await pilot.pause()
        await _assert_fresh(pilot, screen)


async def test_opening_another_issue_refills_a_list_not_laid_out_yet(tmp_path):
    """A hidden list has no width yet when its rows are replaced (the view is shown, the layout
    comes after): it must not measure the new rows at zero columns (that raised in rich)."""
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)  # issue 2's interests in the list
        await pilot.press("alt+left")
        await pilot.pause()
        assert screen.stage is Stage.ISSUES
        issues = screen.query_one("#view-issues", ItemList)
        issues.highlighted = 0
        first = app.session.issues[0]
        editing.set_cursor(app.session, first.id, Stage.INTERESTS)  # open issue 1 at its interests
        screen._go(first.id, Stage.INTERESTS)
        await pilot.pause()
        items = screen.query_one("#interests-list", ItemList)
        assert screen.issue is first and [o.id for o in items.options] == [i.id for i in first.interests]
        await _assert_fresh(pilot, screen)


async def test_parking_lot_adds_and_toggles_rows_in_place(tmp_path):
    from ibb_facilitator.tui.aids import ParkingLotScreen

    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        aid = app.screen
        assert isinstance(aid, ParkingLotScreen)
        items = aid.query_one("#aid-list", RowList)
        count = items.option_count
        capture = aid.query_one("#aid-capture", Input)
        capture.value = "Bus [/routes] @ Transportation"
        await pilot.press("enter")
        await pilot.pause()
        assert items.option_count == count + 1
        new = app.session.parking_lot[-1]
        assert items.options[-1].id == new.id and "Bus [/routes]" in items.options[-1].prompt.plain
        assert items.highlighted == items.option_count - 1  # the pointer is on the new item
        before = [o.prompt for o in items.options[:-1]]
        await pilot.press("ctrl+d")  # resolved: that row shows the ticked box
        await pilot.pause()
        assert app.session.parking_lot[-1].resolved
        assert items.options[-1].prompt.plain.startswith("☑")
        assert all(o.prompt.is_same(p) for o, p in zip(items.options, before))
        assert items.highlighted == items.option_count - 1
        region_text = _text(app, items)
        assert any("☑ Bus [/routes]" in line for line in region_text), region_text


def _big_grid(tmp_path: Path) -> Path:
    """The example with issue 1 grown to 60 active options x 12 criteria, every cell rated
    (seeded), two criteria weighted and two must-pass: the shape of issue 16's figure, at the
    criteria stage."""
    import random

    from ibb_facilitator import store
    from ibb_facilitator.model import Criterion, Option

    rng = random.Random(16)
    session = store.load_session(example(tmp_path))
    issue = session.issues[0]
    issue.options = [o for o in issue.options if o.state is OptionState.ACTIVE]
    while len(session.criteria_for(issue)) < 12:
        n = len(session.criteria_for(issue)) + 1
        issue.criteria.append(Criterion(id=f"criterion-g{n}", text=f"Grid criterion {n} [/b] workable"))
    every = session.criteria_for(issue)
    every[1].weight, every[4].weight = 2, 3
    every[0].must_pass, every[3].must_pass = 2, 3
    while len(issue.options) < 60:
        n = len(issue.options) + 1
        issue.options.append(Option(id=f"option-g{n}", text=f"Grid option {n}: a [b]guideline[/b] with a review"))
    for option in issue.options:
        option.scores = {c.id: rng.randint(0, 5) for c in every}
    session.cursor.issue, session.cursor.stage = issue.id, Stage.CRITERIA
    issue.stage = Stage.CRITERIA
    path = tmp_path / "grid.toml"
    store.save_session(session, path, backup=False)
    return path


def _as_datatable_draws(grid: RatingGrid) -> None:
    """Each shown row's line from ScoreTable's own row renderer must be what DataTable's would
    draw, character by character and style by style (``ScoreTable._row_line``)."""
    from textual.widgets import DataTable

    def flat(segments_per_cell) -> list[tuple[str, object]]:
        return [(char, segment.style) for cell in segments_per_cell for segment in cell for char in segment.text]

    style, top = grid.rich_style, grid.scroll_offset.y
    for row in range(top, min(grid.row_count, top + grid.size.height)):
        row_key = grid._row_locations.get_key(row)
        cursor, hover = grid.cursor_coordinate, grid.hover_coordinate
        theirs = DataTable._render_line_in_row(grid, row_key, 0, style, cursor, hover)
        ours = grid._render_line_in_row(row_key, 0, style, cursor, hover)
        assert flat(ours[1]) == flat(theirs[1]), f"row {row} is not drawn as DataTable draws it"


async def test_a_plain_cell_is_drawn_as_rich_draws_it(tmp_path, monkeypatch):
    """``ScoreTable._draw_cell`` draws a cell of plain text without rich: the same characters in
    the same styles as rich's way, for every cursor, hover, row stripe and width; text rich reads
    as more than text (markup, emoji codes, tabs) or that does not fit goes rich's way."""
    from itertools import product

    from ibb_facilitator.tui import scoretable

    app = IbbApp(path=_big_grid(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.screen.query_one(RatingGrid)
        await pilot.press("ctrl+r")
        await pilot.pause()
        meta = next(iter(grid.rows.values()))
        texts = ["3", " 5✓", "  ·", " out", "  12", "漢字", "a b", "", "[b]x[/b]", ":smile:", "a\tb", "x" * 30]
        for text, width, cursor, hover, row in product(texts, (4, 8, 30), (False, True), (False, True), (0, 1)):
            stripe = grid._component_style("datatable--odd-row" if row % 2 else "datatable--even-row", grid.rich_style)
            fast = grid._draw_cell(text, meta, row, 1, stripe, width, cursor, hover)
            with monkeypatch.context() as rich_way:
                rich_way.setattr(scoretable, "_plain", lambda text, room: False)
                slow = grid._draw_cell(text, meta, row, 1, stripe, width, cursor, hover)
            drawn = [[(char, segment.style) for segment in line for char in segment.text] for line in fast]
            assert drawn == [[(char, segment.style) for segment in line for char in segment.text] for line in slow], (
                text,
                width,
            )
        assert scoretable._plain(" 5✓", 3) and not scoretable._plain("[b]x[/b]", 30)


@pytest.mark.parametrize("size", [SIZE, (100, 30)])  # at 100 columns the option column follows the heads
async def test_weights_and_must_pass_lines_on_a_big_grid_repaint_as_built_afresh(tmp_path, size):
    """Issue 16's grid (60 options x 12 criteria): a weight or a must-pass key repaints only the
    heads, totals, ranks and struck options it changed, and the screen is what a grid built from
    scratch shows, cell by cell; each row as DataTable itself would draw it."""
    from ibb_facilitator import screening

    app = IbbApp(path=_big_grid(tmp_path))
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        await pilot.pause()
        grid = screen.query_one(RatingGrid)
        assert grid.row_count == 60 and len(grid.columns) == 15
        await pilot.press("ctrl+r")
        await pilot.pause()
        _as_datatable_draws(grid)
        steps = [
            ("shift+up",),  # C1 weighs x2: every total moves
            ("shift+up", "shift+down"),  # and back: the renderings of before
            ("right", "shift+right"),  # C2 must pass at 1
            ("shift+right", "shift+right", "shift+right"),  # at 4: options struck, ranks move
            ("shift+left",),  # at 3: some come back
            ("5", "0"),  # ratings under the lines: struck or back
            ("pagedown", "pagedown", "shift+up"),  # scrolled: the rows in view
            ("backspace",),  # a cell cleared
            ("ctrl+z", "ctrl+z"),  # undone
        ]
        for keys in steps:
            await pilot.press(*keys)
            await pilot.pause()
            issue = screen.issue
            criteria = app.session.criteria_for(issue)
            for standing in screening.standings(app.session, issue):  # the grid says what the rules say
                rank = str(grid.get_cell(standing.option.id, "rank")).strip()
                assert rank == ("out" if standing.rank is None else str(standing.rank)), keys
                assert str(grid.get_cell(standing.option.id, "total")).strip() == str(standing.total), keys
            heads = [str(c.label) for c in grid.columns.values()][1:-2]
            assert heads == [f"C{n}{screening.marks(c)}" for n, c in enumerate(criteria, 1)], keys
            _as_datatable_draws(grid)
            await _assert_fresh(pilot, screen)


def test_the_app_hands_the_gil_to_its_output_thread_and_holds_full_collections_while_it_runs(tmp_path, monkeypatch):
    """Textual writes frames from a thread: while the app runs the switch interval is short (a
    frame is not held back by the event loop), and full collections wait for quiet moments
    (``collect_garbage``); the process's own settings are back afterwards."""
    import gc

    from textual.app import App

    from ibb_facilitator.tui import app as app_module

    seen: list[tuple[float, int]] = []
    monkeypatch.setattr(
        App, "run", lambda self, *args, **kwargs: seen.append((sys.getswitchinterval(), gc.get_threshold()[2]))
    )
    before = sys.getswitchinterval(), gc.get_threshold()
    app_module.IbbApp(path=example(tmp_path, "demo.toml")).run()
    assert seen == [(app_module.SWITCH_INTERVAL, app_module.GC_OLDEST_THRESHOLD)]
    assert before[0] > app_module.SWITCH_INTERVAL and before[1][2] < app_module.GC_OLDEST_THRESHOLD
    assert (sys.getswitchinterval(), gc.get_threshold()) == before


async def test_a_quiet_moment_collects_the_garbage_the_keys_left_and_freezes_nothing(tmp_path):
    """Full collections wait for a pause (``IbbApp.run``), and the pause collects: cyclic garbage
    left by the keys is gone once the views are prepared. Nothing is frozen then (a redrawn line
    is cyclic garbage: frozen, it would stay until the session closes)."""
    import gc
    import weakref

    from ibb_facilitator.tui import app as app_module

    class Cycle:  # garbage only a full collection finds, once it is old
        def __init__(self) -> None:
            self.me = self

    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], app_module.GC_OLDEST_THRESHOLD)  # as IbbApp.run
    try:
        app = _app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await _start(pilot, Stage.CRITERIA)
            await _prepared(pilot)
            old = Cycle()
            gc.collect()  # now in the oldest generation
            gone = weakref.ref(old)
            del old
            frozen = gc.get_freeze_count()
            app.change("add criterion", editing.add_criterion, screen.issue.id, "a criterion")
            await _prepared(pilot)
            assert gone() is None and gc.get_freeze_count() <= frozen  # (frozen objects may still be freed)
    finally:
        gc.set_threshold(*thresholds)


async def test_a_preparation_stopped_by_a_panel_or_the_wall_starts_again(tmp_path):
    """A preparation runs in steps; one cut short by a panel on top (F1) or by presenting (F8)
    starts again once the session screen is back, in a pause."""
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        await _prepared(pilot)
        for there, back in (("f1", "escape"), ("f8", "f8")):
            app.change("add interest", editing.add_interest, screen.issue.id, f"before {there}", "mutual")
            await pilot.press(there)
            await pilot.pause(0.5)
            assert not screen.views_ready()
            await pilot.press(back)
            await _prepared(pilot)
            assert app.screen is screen and screen.views_ready()


async def test_the_views_are_prepared_in_a_pause_not_while_typing(tmp_path):
    """Typing repaints only the capture line, but the preparation of the views not shown waits
    for the keys to pause (each of its steps would hold a key up), and then runs."""
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        await _prepared(pilot)
        app.change("add interest", editing.add_interest, screen.issue.id, "one more", "mutual")
        for char in "a sentence typed on":
            await pilot.press(char)
            await pilot.pause(0.05)
        assert not screen.views_ready()
        await _prepared(pilot)
        assert screen.views_ready()


async def test_a_frame_that_answers_a_key_does_not_wait_for_textual_s_beat(tmp_path, monkeypatch):
    """Textual draws a screen on a 60-a-second beat; a key's frame is drawn as soon as the key's
    work is done (``SessionScreen._on_idle``), so here, with the beat stopped, the pointer still
    moves on the screen; the beat still draws frames no key asked for (the cursor's blink)."""
    import asyncio

    from textual import events

    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        items = screen.query_one("#interests-list", ItemList)
        await _prepared(pilot)
        beats: list[bool] = []
        monkeypatch.setattr(screen._update_timer, "resume", lambda: beats.append(True))  # the beat never comes
        frames: list[bool] = []
        compositor_refresh = screen._compositor_refresh
        monkeypatch.setattr(screen, "_compositor_refresh", lambda: frames.append(True) or compositor_refresh())
        before = items.highlighted
        app.post_message(events.Key("down", None))  # (Pilot.press would draw the frame itself)
        await asyncio.sleep(0.2)
        assert items.highlighted == before + 1 and frames  # drawn without the beat
        frames.clear()
        app.last_key = 0.0  # long after any key: what changes waits for the beat
        items.refresh()
        await asyncio.sleep(0.2)
        assert beats and not frames


async def _prepared(pilot) -> None:
    """Wait until the views not shown have been brought up to date (``_prepare_views``)."""
    await until(pilot, lambda: pilot.app.screen.views_ready(), "the views' preparation")
    await pilot.pause()


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_a_first_visit_shows_the_stage_made_ready_while_the_keys_were_quiet(tmp_path, monkeypatch, size):
    """The stages not shown are painted, laid out and drawn while nothing is typed: the first
    visit to Criteria draws no grid cell afresh, and every stage shows what a view built from
    scratch shows, also when the move comes before the views were brought up to date."""
    drawn: list[object] = []
    draw_cell = RatingGrid._draw_cell
    monkeypatch.setattr(RatingGrid, "_draw_cell", lambda grid, *args: drawn.append(args) or draw_cell(grid, *args))
    app = _app(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await _start(pilot, Stage.INTERESTS)
        await _prepared(pilot)
        drawn.clear()
        await pilot.press("alt+right", "alt+right")
        await pilot.pause()
        assert screen.stage is Stage.CRITERIA and screen.query_one(RatingGrid).row_count
        assert drawn == [], "the first visit drew grid cells on the key"
        await _assert_fresh(pilot, screen)
        # a change, then a move before the views not shown were brought up to date
        await pilot.press("alt+left")
        await pilot.pause()
        screen.query_one("#capture", Input).value = "A brand [b]new[/b] option"
        await pilot.press("enter", "alt+right")
        await pilot.pause()
        grid = screen.query_one(RatingGrid)
        assert any("A brand [b]new[/b] option" in str(grid.get_row_at(n)[0]) for n in range(grid.row_count))
        await _assert_fresh(pilot, screen)
        for key in ("alt+right", "alt+left", "alt+left", "alt+left"):
            await pilot.press(key)
            await _prepared(pilot)
            await _assert_fresh(pilot, screen)


async def test_only_the_shown_stage_is_on_screen_takes_focus_or_clicks_after_a_resize(tmp_path, monkeypatch):
    """The views not shown are laid out beside the shown one, outside the frame: after a resize
    the frame still shows the current stage (in every frame written, not only once settled),
    and nothing of another stage can take the focus."""
    from textual.app import App

    wrong: list[str] = []
    display = App._display

    def checked(app, screen, update):  # each frame as it is written
        if isinstance(screen, SessionScreen) and update is not None and not screen.presenting:
            inside, shown = screen.query_one("#views").content_region, screen.views[screen._shown_stage()]
            wrong.extend(v.id for v in screen.views.values() if v is not shown and inside.overlaps(v.region))
        return display(app, screen, update)

    monkeypatch.setattr(App, "_display", checked)
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.OPTIONS)
        views = screen.query_one("#views")
        for size in ((100, 30), (80, 24), SIZE):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await _prepared(pilot)
            shown, inside = screen.view, views.content_region  # (inside the frame's border)
            assert inside.contains_region(shown.region)
            for view in screen.views.values():
                if view is not shown:
                    assert not inside.overlaps(view.region), f"{view.id} shows at {size}"
            assert all(shown in w.ancestors_with_self or views not in w.ancestors for w in screen.focus_chain)
            await _assert_fresh(pilot, screen)
        assert wrong == []
        await pilot.press("alt+right", "ctrl+r")
        await pilot.pause()
        assert screen.focused is screen.query_one(RatingGrid)
        assert screen.view.region.contains_region(screen.focused.region)


async def test_a_click_reaches_the_shown_stage_s_item(tmp_path):
    """The views side by side in the frame's strip: a click on a row of the shown stage opens
    that item (Options: "Clarify the option" with its text), as it did with one view laid out."""
    from ibb_facilitator.tui.modals import Prompt

    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.CRITERIA)
        await pilot.press("alt+left")  # Options, after another stage was shown
        await _prepared(pilot)
        items = screen.view.items
        assert screen.stage is Stage.OPTIONS and items.scroll_offset.y == 0
        first = screen.issue.options[0]
        assert items.get_option_at_index(0).id == first.id
        await pilot.click(items, offset=(4, 0))
        await pilot.pause()
        assert isinstance(app.screen, Prompt)
        assert app.screen.query_one(Input).value == first.text


async def test_a_new_title_repaints_the_title_line_without_a_layout(tmp_path, monkeypatch):
    """Every change says "saving…" then "saved 10:41:07" in the title line: a repaint of that
    line, not a layout or a frame of the whole screen (it was two a change, one on the key's
    own path)."""
    from textual._compositor import Compositor
    from textual.screen import Screen

    from ibb_facilitator.tui import app as app_module
    from ibb_facilitator.tui.widgets import SteadyTitle

    monkeypatch.setattr(app_module, "AUTOSAVE_DELAY", 3600.0)  # its "saved …" would replace the test's title

    layouts: list[object] = []  # a layout, or a frame of the whole screen
    refresh_layout = Screen._refresh_layout
    monkeypatch.setattr(Screen, "_refresh_layout", lambda s, *a, **k: layouts.append(a) or refresh_layout(s, *a, **k))
    full = Compositor.render_full_update
    monkeypatch.setattr(Compositor, "render_full_update", lambda c, *a, **k: layouts.append(a) or full(c, *a, **k))
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot, Stage.CRITERIA)
        await pilot.press("ctrl+r")
        await pilot.pause()
        layouts.clear()
        app.sub_title = "demo.toml · saved 23:59:59, a much longer title than before [b]x[/b]"
        await pilot.pause()
        assert layouts == []
        title = screen.query_one(SteadyTitle)
        assert "saved 23:59:59, a much longer title than before [b]x[/b]" in "".join(_text(app, title))
        await pilot.press("3")  # a rating: its "saving…", its repaint, no layout
        await pilot.pause()
        assert layouts == []
        await _assert_fresh(pilot, screen)
