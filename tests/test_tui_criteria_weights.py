"""Weights and must-pass lines set by keys in the criteria stage: the grid and the saved file."""

from __future__ import annotations

import pytest
from helpers import example, screen_text, walk_to
from recorder import command, point, type_line

from ibb_facilitator import store
from ibb_facilitator.model import Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.session import RatingGrid, SessionScreen


async def _to_criteria(pilot) -> None:
    await pilot.press("alt+up")  # issue 1: class size, two active options rated on five criteria
    await pilot.pause()
    await walk_to(pilot, Stage.CRITERIA)


def _cell(grid: RatingGrid, row: str, column: str) -> object:
    """A cell as it reads (the grid pads its cells to keep their widths)."""
    cell = grid.get_cell(row, column)
    return cell.strip() if isinstance(cell, str) else cell


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_weight_and_must_pass_by_keys(tmp_path, size):
    path = example(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        await _to_criteria(pilot)
        issue = app.session.issues[0]
        assert screen.issue is issue
        grid = screen.query_one(RatingGrid)
        # before: plain sums, both options ranked
        assert _cell(grid, "option-1", "total") == "16" and _cell(grid, "option-7", "total") == "21"
        assert _cell(grid, "option-7", "rank") == "1" and _cell(grid, "option-1", "rank") == "2"

        await pilot.press("ctrl+r")  # rating: the cursor starts on C1 (the budget criterion)
        await pilot.pause()
        await pilot.press("right", "shift+up")  # C2 (legal) weighs ×2
        await pilot.press("left", "shift+right", "shift+right", "shift+right")  # C1 must pass at 3
        await pilot.pause()
        shared = app.session.shared_criteria
        assert shared[1].weight == 2 and shared[0].must_pass == 3
        # option-1 is rated 1 on C1: screened out, struck with the reason; option-7 counts C2 twice
        assert _cell(grid, "option-1", "rank") == "out"
        assert "below 3 on C1 (1)" in str(_cell(grid, "option-1", "option"))
        assert _cell(grid, "option-1", "criterion-1") == "1✗"
        assert _cell(grid, "option-7", "total") == "26" and _cell(grid, "option-7", "rank") == "1"
        assert [str(c.label) for c in grid.columns.values()][1:3] == ["C1≥3", "C2×2"]
        # the banner says why the option under the cursor is out, whole (its cell may be narrow)
        assert "#1 screened out: below 3 on ‘Affordable within the FY2028" in screen_text(app)
        await pilot.press("down")  # option 7 passes: the banner says how Σ counts
        await pilot.pause()
        text = screen_text(app)
        assert "Σ = score × weight" in text and "1 screened out" in text

        # letters typed while rating change nothing (the recorder's keyboard)
        await type_line(pilot, "weigh it", enter=False)
        assert shared[1].weight == 2 and shared[0].must_pass == 3

        await pilot.press("escape")
        await pilot.pause()
        app.flush()  # what quitting does: the autosave written now

    saved = store.load_session(path)
    assert saved.shared_criteria[0].must_pass == 3 and saved.shared_criteria[0].weight is None
    assert saved.shared_criteria[1].weight == 2 and saved.shared_criteria[1].must_pass is None
    text = path.read_text(encoding="utf-8")
    assert 'text = "Affordable within the FY2028 budget projection"\nmust_pass = 3\n' in text
    assert "weight = 2\n" in text


async def test_item_menu_sets_weight_and_undo_takes_it_back(tmp_path):
    path = example(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await _to_criteria(pilot)
        issue = app.session.issues[0]
        own = issue.criteria[0]  # criterion-4, the issue's own
        await point(pilot, own.id)
        await command(pilot, "Weight")
        prompt = app.screen.query_one("#prompt-input")
        prompt.value = "4"
        await pilot.press("enter")
        await pilot.pause()
        assert own.weight == 4
        await command(pilot, "Must-pass")
        app.screen.query_one("#prompt-input").value = "12"
        await pilot.press("enter")
        await pilot.pause()
        assert own.must_pass is None  # refused, with a sentence
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.session.issues[0].criteria[0].weight is None
        assert isinstance(screen, SessionScreen)


async def test_a_head_reworded_in_place_shows_the_new_words(tmp_path):
    """A weight or a line changes a column's head without a rebuild (``ScoreTable._relabel``):
    the painted head must be the new one, step after step."""
    from helpers import screen_text

    path = example(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _to_criteria(pilot)
        await pilot.press("ctrl+r")
        for n in (1, 2, 3):
            await pilot.press("shift+right")
            await pilot.pause()
            assert f"C1≥{n}" in screen_text(app)
        for n in (2, 3):
            await pilot.press("right", "shift+up") if n == 2 else await pilot.press("shift+up")
            await pilot.pause()
            assert f"C2×{n}" in screen_text(app)


@pytest.mark.parametrize("hostile", ["[/foo] within budget", "[bold]x[/bold] [/", "$accent [red]"])
async def test_hostile_criterion_text_is_shown_literally_when_it_screens(tmp_path, hostile):
    from ibb_facilitator import editing
    from ibb_facilitator.tui.room import build_view

    session = store.load_session(example(tmp_path))
    criterion = editing.add_criterion(session, "issue-1", hostile)
    editing.set_must_pass(session, "issue-1", criterion.id, 3)
    editing.rate(session, "issue-1", "option-1", criterion.id, 1)
    session.cursor.issue, session.cursor.stage = "issue-1", Stage.CRITERIA
    view = build_view(session)
    out = next(item for item in view.groups[1].items if item.kind == "screened")
    assert out.note == f"#1 out: below 3 on ‘{hostile}’ (1)"
    path = tmp_path / "hostile.toml"
    store.save_session(session, path, backup=False)
    app = IbbApp(path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to(pilot, Stage.CRITERIA)
        await pilot.pause()
        assert "below 3 on C6 (1)" in screen_text(app)
        await point(pilot, criterion.id)
        assert hostile in screen_text(app)  # the list shows it as typed, no markup
        await pilot.press("ctrl+o")  # its menu offers the weight and the line
        await pilot.pause()
        assert "Weight…" in screen_text(app) and "Must-pass line…" in screen_text(app)
