"""The negotiation board screen (``tui/board.py``), pushed by a bare app: rows, filter, sort,
Enter opens the issue (a message the app handles), hostile text shown as typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from negotiation_world import agree, write_first
from textual.app import App
from textual.widgets import DataTable, Input, Static

from ibb_facilitator import editing, store
from ibb_facilitator.model import IssueStatus
from ibb_facilitator.negotiation import facts
from ibb_facilitator.negotiation.carryover import carry
from ibb_facilitator.tui.board import BoardScreen

HOSTILE = "[/foo] [bold]x[/bold] \x1b[31m red"


class BoardApp(App):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.opened: list[tuple[Path, str]] = []

    def on_mount(self) -> None:
        self.push_screen(BoardScreen(self.folder))

    def on_board_screen_open_issue(self, message: BoardScreen.OpenIssue) -> None:
        self.opened.append((message.path, message.issue))


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    facts.forget()
    path, ids = write_first(tmp_path)
    s2 = carry(store.load_session(path), path.name)
    editing.set_status(s2, ids["planning"], IssueStatus.OPEN)
    agree(s2, ids["planning"], "16.4 Two common planning periods a week.")
    ids["hostile"] = editing.add_issue(s2, HOSTILE, article="Article 30").id
    store.save_session(s2, tmp_path / "session-2.toml")
    return tmp_path, ids


async def _loaded(pilot, app: BoardApp) -> BoardScreen:
    for _ in range(100):
        await pilot.pause(0.02)
        screen = app.screen
        if isinstance(screen, BoardScreen) and screen.negotiation is not None:
            return screen
    raise AssertionError("the board did not load")


async def test_rows_filter_sort_and_open(folder) -> None:
    path, ids = folder
    app = BoardApp(path)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await _loaded(pilot, app)
        table = screen.query_one(DataTable)
        assert [r.issue for r in screen.shown] == [
            ids["salary"],
            ids["class"],
            ids["planning"],
            ids["hostile"],
            ids["buses"],
        ]
        assert table.row_count == 5
        summary = str(screen.query_one("#board-summary", Static).render())
        assert "Lakeview 2027 successor contract: 2 sessions, 5 issues, 1 TA in force" in summary
        assert "Not complete: nothing is agreed until everything is agreed" in summary

        # typed letters are the filter's text: they never sort
        await pilot.press(*"class")
        assert screen.query_one(Input).value == "class" and screen.sort_by == "article"
        assert [r.issue for r in screen.shown] == [ids["class"]]
        await pilot.press("escape")  # clears the filter first
        assert screen.query_one(Input).value == "" and len(screen.shown) == 5 and app.screen is screen

        await pilot.press("down")  # to the table: letters sort now
        assert table.has_focus
        await pilot.press("s")
        assert [r.status for r in screen.shown] == ["open", "open", "open", "agreed", "withdrawn"]
        await pilot.press("s")
        assert screen.reverse and screen.shown[0].status == "withdrawn"
        await pilot.press("a")
        assert screen.sort_by == "article" and not screen.reverse

        await pilot.press("down", "down", "enter")  # the third row: planning, last held by session 2
        await pilot.pause()
        assert app.opened == [(path / "session-2.toml", ids["planning"])]


async def test_hostile_text_is_shown_as_typed(folder) -> None:
    path, ids = folder
    app = BoardApp(path)
    async with app.run_test(size=(200, 40)) as pilot:
        screen = await _loaded(pilot, app)
        row = next(n for n, r in enumerate(screen.shown) if r.issue == ids["hostile"])
        cell = screen.query_one(DataTable).get_row_at(row)[1]
        assert str(cell) == "[/foo] [bold]x[/bold] ␛[31m red"


async def test_a_folder_that_cannot_be_read_is_said(tmp_path: Path) -> None:
    app = BoardApp(tmp_path / "missing")
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            text = str(app.screen.query_one("#board-summary", Static).render())
            if "no such folder" in text:
                break
        assert "no such folder or session file" in text
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, BoardScreen)
