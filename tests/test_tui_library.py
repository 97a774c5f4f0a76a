"""The session library screen, piloted: from the home screen, filter, sort, search, open."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import make_populated
from helpers import EXAMPLE
from rich.text import Text
from textual.widgets import DataTable, Input, OptionList
from textual.widgets.data_table import ColumnKey

from ibb_facilitator import store
from ibb_facilitator.tui import app as app_module
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.home import HomeScreen
from ibb_facilitator.tui.library import SEARCH_DELAY, LibraryScreen
from ibb_facilitator.tui.modals import Panel
from ibb_facilitator.tui.session import SessionScreen

SIZE = (160, 40)


@pytest.fixture
def sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "sessions"
    (folder / "2027").mkdir(parents=True)
    monkeypatch.setenv("IBB_SESSIONS_DIR", str(folder))
    monkeypatch.setenv("IBB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("IBB_DATA_DIR", str(tmp_path / "data"))
    shutil.copy(EXAMPLE, folder / "2027" / "spring.toml")
    hostile = make_populated()
    hostile.title = "Lakeview [/foo] [b]not bold[/b] contract"
    hostile.organization = "Lakeview [/] Schools"
    store.save_session(hostile, folder / "lakeview.toml")
    (folder / "bad.toml").write_text(
        'schema_version = 1\ntitle = "x"\n[[issues]]\nid = "issue-1"\nstatement = 5\n', encoding="utf-8"
    )
    return folder


async def settle(pilot) -> None:
    """Let the search delay pass, the thread workers finish and their results reach the screen."""
    await pilot.pause(SEARCH_DELAY + 0.05)
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_library(pilot) -> LibraryScreen:
    assert isinstance(pilot.app.screen, HomeScreen)
    home_list = pilot.app.screen.query_one(OptionList)
    ids = [home_list.get_option_at_index(n).id for n in range(home_list.option_count)]
    assert "library" in ids
    home_list.highlighted = ids.index("library")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, LibraryScreen)
    return pilot.app.screen


def row_titles(screen: LibraryScreen) -> list[str]:
    return [entry.title or "BROKEN" for entry in screen.shown]


def cell_text(table: DataTable, row: int, column: int) -> str:
    return str(table.get_cell_at((row, column)))


async def test_home_opens_the_library_which_lists_every_session(sessions: Path) -> None:
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        assert sorted(row_titles(screen)) == [
            "BROKEN",
            "Lakeview [/foo] [b]not bold[/b] contract",
            "Spring 2027 successor contract, session 3",
        ]
        row = row_titles(screen).index("Lakeview [/foo] [b]not bold[/b] contract")
        assert cell_text(table, row, 0) == "Lakeview [/foo] [b]not bold[/b] contract"  # literally, not markup
        assert cell_text(table, row, 1) == "Lakeview [/] Schools"
        status = str(screen.query_one("#library-status").render())
        assert "2 sessions, 1 broken" in status
        broken = row_titles(screen).index("BROKEN")
        assert cell_text(table, broken, 1).startswith("bad.toml:5: issues[0]")
        table.focus()
        table.move_cursor(row=broken)  # the whole first line of the error shows above the table
        await pilot.pause()
        status = str(screen.query_one("#library-status").render())
        assert status.startswith("bad.toml:5: issues[0].statement: Input should be a valid string")
        await pilot.press("escape")  # back to the home screen
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_filter_then_enter_opens_the_session(sessions: Path) -> None:
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(pilot)
        box = screen.query_one(Input)
        assert box.has_focus
        await pilot.press(*"maple")
        await settle(pilot)
        assert row_titles(screen) == ["Spring 2027 successor contract, session 3"]
        assert screen.query_one(DataTable).row_count == 1
        screen.query_one(DataTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.file is not None and app.file.path == sessions / "2027" / "spring.toml"
        assert not app.readonly
        await pilot.press("ctrl+q")


async def test_sort_keys_and_header_clicks(sessions: Path) -> None:
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(pilot)
        screen.query_one(DataTable).focus()
        await pilot.press("t")
        assert row_titles(screen) == [
            "Lakeview [/foo] [b]not bold[/b] contract",
            "Spring 2027 successor contract, session 3",
            "BROKEN",
        ]
        await pilot.press("t")  # again: reversed (broken files stay last)
        assert row_titles(screen) == [
            "Spring 2027 successor contract, session 3",
            "Lakeview [/foo] [b]not bold[/b] contract",
            "BROKEN",
        ]
        await pilot.press("m")  # meeting days, newest first
        assert row_titles(screen)[0] == "Spring 2027 successor contract, session 3"
        assert "▼" in str(screen.query_one(DataTable).columns[screen.query_one(DataTable).ordered_columns[2].key].label)
        await pilot.press("d")
        assert row_titles(screen)[0] == "Lakeview [/foo] [b]not bold[/b] contract"
        table = screen.query_one(DataTable)
        table.post_message(
            DataTable.HeaderSelected(table, ColumnKey("title"), 0, Text("Title"))
        )  # a click on the heading
        await pilot.pause()
        assert screen.sort_by == "title"


async def test_search_lists_hits_and_enter_opens_review_at_the_item(sessions: Path) -> None:
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(pilot)
        calls = []
        app.open_review = lambda path, focus=None: calls.append((path, focus)) or True  # type: ignore[method-assign]
        await pilot.press(*"retention bonus")
        await settle(pilot)
        hits = screen.query_one(OptionList)
        assert hits.display and hits.option_count == len(screen.hits) > 0
        assert screen.hits[0].item_id == "option-2" and screen.hits[0].path.name == "lakeview.toml"
        await pilot.press("enter")  # from the box: to the hits
        await pilot.pause()
        assert hits.has_focus
        await pilot.press("enter")
        await pilot.pause()
        assert calls == [((sessions / "lakeview.toml").resolve(), "option-2")]


async def test_a_search_hit_opens_in_review_for_real(sessions: Path) -> None:
    before = (sessions / "2027" / "spring.toml").read_bytes()
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(pilot)
        screen.query_one(Input).value = '"class size"'
        await settle(pilot)
        assert screen.hits
        screen.open_hit(screen.hits[0])
        await pilot.pause()
        assert app.screen is not screen and not isinstance(app.screen, Panel)
        await pilot.press("ctrl+q")
    assert (sessions / "2027" / "spring.toml").read_bytes() == before


async def test_without_open_review_a_hit_opens_read_only(sessions: Path) -> None:
    class OlderApp(IbbApp):
        CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")  # relative paths follow the subclass

        @property
        def open_review(self):  # type: ignore[override]
            raise AttributeError("open_review")

    app = OlderApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(pilot)
        screen.query_one(Input).value = "retention"
        await settle(pilot)
        screen.open_hit(screen.hits[0])
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and app.readonly
        await pilot.press("ctrl+q")


async def test_enter_on_a_broken_file_shows_its_error(sessions: Path) -> None:
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(pilot)
        table = screen.query_one(DataTable)
        table.focus()
        table.move_cursor(row=row_titles(screen).index("BROKEN"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Panel)
        assert any("bad.toml:5: issues[0].statement" in text for text, _ in app.screen.lines)


async def test_hostile_queries_in_the_box(sessions: Path) -> None:
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(pilot)
        box = screen.query_one(Input)
        for query in ["[/foo]", "[/", "NEAR (", '"', "*", "[b]x[/b]", "AND OR", "\\", "x" * 500]:
            box.focus()
            box.value = query
            await settle(pilot)
            await pilot.press("enter")  # to the hits, or the table when there are none
            await settle(pilot)
            assert app.screen is screen, query
            if query == "[/foo]":
                assert screen.hits and "[/foo]" in screen.hits[0].snippet
                hit_text = str(screen.query_one(OptionList).get_option_at_index(0).prompt)
                assert "[/foo]" in hit_text  # shown literally


async def test_missing_sessions_folder_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IBB_SESSIONS_DIR", str(tmp_path / "not-there"))
    monkeypatch.setenv("IBB_CACHE_DIR", str(tmp_path / "cache"))
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert "no such folder" in str(screen.query_one("#library-status").render())
        assert screen.query_one(DataTable).row_count == 0
