"""A trainer's class: four tables run through round 1 and round 2, each started from the class
view for every table at once; the tables' apps follow it, live or when they open."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import screen_text, until
from textual.widgets import DataTable

from ibb_facilitator import classroom, cli, store, training
from ibb_facilitator.store import StoreError
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.classview import ClassApp, DebriefText
from ibb_facilitator.tui.modals import Confirm
from ibb_facilitator.tui.session import SessionScreen
from ibb_facilitator.tui.training import GeneralBriefScreen, RoundFactsScreen

SIZE = (140, 40)


def cells(app: ClassApp) -> list[list[str]]:
    table = app.query_one(DataTable)
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def start_from_the_class_view(folder: Path, number: int) -> classroom.ClassRound:
    app = ClassApp(folder)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: app.reads > 0 and app.query_one(DataTable).row_count == 4, "the four tables")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirm")
        assert f"Start round {number} of 2" in app.screen.question and "every table" in app.screen.question
        await pilot.press("enter")  # the safe answer first: not yet
        await pilot.pause()
        assert classroom.read_control(folder) is None or len(classroom.read_control(folder).rounds) == number - 1
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirm again")
        await pilot.press("left", "enter")
        await until(pilot, lambda: app.control is not None and len(app.control.rounds) == number, "the round started")
        assert f"Round {number} of 2 started for every table" in screen_text(app)
        await pilot.press("q")
    control = classroom.read_control(folder)
    assert control is not None and [r.number for r in control.rounds] == list(range(1, number + 1))
    return control.rounds[-1]


async def open_table(path: Path, number: int) -> None:
    """A table's laptop opens its file: the rounds the class started start here, at the class's moment."""
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot,
            lambda: app.session is not None and app.session.training and len(app.session.training.rounds) == number,
            f"round {number} at the table",
        )
        await until(pilot, lambda: isinstance(app.screen, RoundFactsScreen), "the round's facts on its screen")
        assert f"round {number} of 2" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("ctrl+q")


async def test_a_class_of_four_tables_runs_two_rounds_from_the_class_view(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    assert cli.main(["train", "scenario-maple-valley", "--tables", "4", "-o", str(folder)]) == 0
    tables = classroom.table_files(folder)
    assert [p.name for p in tables] == ["table-1.toml", "table-2.toml", "table-3.toml", "table-4.toml"]

    first = await start_from_the_class_view(folder, 1)
    for path in tables[:3]:  # table 4's laptop is late: it has not opened its file yet
        await open_table(path, 1)
    for path in tables[:3]:
        rounds = store.load_session(path).training.rounds
        assert [(r.number, r.start) for r in rounds] == [(1, first.start)]  # the class's moment, not the open's
    assert store.load_session(tables[3]).training.rounds == []

    # the class view shows where each table is; round 2 for everyone
    app = ClassApp(folder)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.reads > 0 and app.query_one(DataTable).row_count == 4, "the four tables")
        shown = cells(app)
        assert [row[0] for row in shown] == ["Table 1", "Table 2", "Table 3", "Table 4"]
        assert [row[1] for row in shown] == ["1", "1", "1", "preparing"]
        assert all("left" in row[2] for row in shown[:3]) and shown[3][2] == ""
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DebriefText), "the debrief")
        assert "4 tables compared" in app.screen.text and "1 not started: Table 4" in app.screen.text
        await pilot.press("escape", "q")

    # a table open while the trainer starts round 2 follows it at once, with the round's facts
    table_1 = IbbApp(path=tables[0])
    async with table_1.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(table_1.screen, (SessionScreen, GeneralBriefScreen)), "table 1")
        if isinstance(table_1.screen, GeneralBriefScreen):
            await pilot.press("escape")
        second = classroom.next_round(folder, [store.load_session(p) for p in tables])  # what the view's N does
        await until(pilot, lambda: isinstance(table_1.screen, RoundFactsScreen), "round 2's facts at table 1")
        await pilot.pause()
        assert "round 2 of 2" in screen_text(table_1) and "$410,000" in screen_text(table_1)
        assert any("started round 2 for every table" in n.message for n in table_1._notifications)
        rounds = table_1.session.training.rounds
        assert [(r.number, r.start) for r in rounds] == [(1, first.start), (2, second.start)]
        assert rounds[0].end == second.start
        await pilot.press("escape", "ctrl+q")
    for path in tables[1:]:  # the others catch up when they open: table 4 runs both rounds' starts
        app = IbbApp(path=path)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: len(app.session.training.rounds) == 2, f"{path.name} in round 2")
            await pilot.press("escape", "ctrl+q")
    for path in tables:
        assert [r.number for r in store.load_session(path).training.rounds] == [1, 2]
    with pytest.raises(training.RuleError, match="all of them have started"):
        classroom.next_round(folder, [store.load_session(tables[0])])


async def test_round_two_started_from_the_class_view(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    assert cli.main(["train", "scenario-maple-valley", "--tables", "4", "-o", str(folder)]) == 0
    await start_from_the_class_view(folder, 1)
    await start_from_the_class_view(folder, 2)
    await open_table(classroom.table_files(folder)[2], 2)


def test_a_damaged_class_file_is_refused_with_its_line_and_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    assert cli.main(["train", "scenario-maple-valley", "--tables", "2", "-o", str(folder)]) == 0
    bad = "# hand-edited\nclass_version = 1\n\n[[rounds]]\nnumber = 2\nstart = 2027-03-10T09:00:00-05:00\n"
    (folder / "class.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(StoreError) as refused:
        classroom.read_control(folder)
    assert f"{folder / 'class.toml'}:5: rounds[0].number: round 2 comes where round 1 belongs" in str(refused.value)
    with pytest.raises(StoreError):
        classroom.next_round(folder, [store.load_session(p) for p in classroom.table_files(folder)])
    assert (folder / "class.toml").read_text(encoding="utf-8") == bad
    assert cli.main(["class", str(folder)]) == 1


def test_the_class_file_example_in_the_format_doc_reads_and_is_what_ibb_class_writes() -> None:
    import re

    from helpers import ROOT

    doc = (ROOT / "docs" / "session-format.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```\n(.*?)```", doc, flags=re.S) if "class_version" in b]
    control = classroom.loads(block, "session-format.md")
    assert [r.number for r in control.rounds] == [1] and control.scenario == "scenario-maple-valley"
    assert classroom.dumps(control) == block


async def test_n_on_a_damaged_class_file_says_so_and_the_view_stays(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    assert cli.main(["train", "scenario-maple-valley", "--tables", "2", "-o", str(folder)]) == 0
    bad = "class_version = 1\n[[rounds]]\nnumber = 2\nstart = 2027-03-10T09:00:00-05:00\n"
    app = ClassApp(folder)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: app.reads > 0 and app.query_one(DataTable).row_count == 2, "the tables")
        (folder / "class.toml").write_text(bad, encoding="utf-8")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirm")
        await pilot.press("left", "enter")
        await until(pilot, lambda: any(n.title == "Not started" for n in app._notifications), "the refusal")
        assert app.is_running and "rounds[0].number" in "".join(n.message for n in app._notifications)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DebriefText), "the debrief, read beside the screen")
        await pilot.press("escape", "q")
    assert (folder / "class.toml").read_text(encoding="utf-8") == bad
