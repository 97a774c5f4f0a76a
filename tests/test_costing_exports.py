"""Costs in every export and on the board: the minutes (md, html, docx) show each option's and
each TA's cost and the TAs held against the budget; the TA package and ``ibb board`` show each TA's
cost and the package's total against the budget, from the negotiation's facts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from negotiation_world import LABOR_VOTERS, MANAGEMENT_VOTERS, export_texts, first_session

from ibb_facilitator import editing, store
from ibb_facilitator.cli import main
from ibb_facilitator.model import Method, Response
from ibb_facilitator.negotiation import facts

D = Decimal


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    facts.forget()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def costed_folder(tmp_path: Path) -> Path:
    """Session 1 of the Lakeview world with a budget, a costed salary option agreed as a TA."""
    folder = tmp_path / "lakeview"
    folder.mkdir()
    s, ids = first_session()
    editing.set_costing(s, ["2027–28", "2028–29"], [D("500000"), D("500000")], "Board authority, Nov 12")
    option = s.issues[1].options[0]
    editing.add_cost(
        s, option.id, "Salary step", [D("474000"), D("474000")], issue_id=ids["salary"],
        basis="one step = $474,000", costed_by="Dana Liu",
    )  # fmt: skip
    editing.add_cost(s, option.id, "Retro [pay]", [D("0.1"), D("0.2")], issue_id=ids["salary"])
    s.issues[1].options[0].text = "One step each year"
    responses = [Response(who=w, party="labor", value=4) for w in LABOR_VOTERS]
    responses += [Response(who=w, party="management", value=5) for w in MANAGEMENT_VOTERS]
    check, _ = editing.record_check(s, ids["salary"], Method.FIST_TO_FIVE, responses, options=[option.id])
    ta = editing.record_agreement(s, ids["salary"], check.id, "9.1 One step each year.", title="Salaries")
    assert ta.costs == option.costs  # the TA carries what its option was costed at
    editing.initial(s, ta.id, "labor", "AR")
    editing.initial(s, ta.id, "management", "BH")
    store.save_session(s, folder / "session-1.toml")
    return folder


def test_the_minutes_show_option_and_ta_costs_and_the_budget(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = costed_folder(tmp_path)
    texts = export_texts(folder, "export", str(folder / "session-1.toml"), run=lambda *a: run(capsys, *a))
    for fmt, text in texts.items():
        assert "$948,000.30 (2027–28 474,000.10 · 2028–29 474,000.20)" in text.replace("**", ""), fmt
        assert "Salary step 948,000, one step = $474,000 (Dana Liu)" in text, fmt
        assert "Retro [pay] 0.30" in text or "Retro \\[pay\\] 0.30" in text, fmt  # user text, literally
        assert "Cost of the TAs in force" in text, fmt
        assert "51,999.70 under budget" in text, fmt  # 1,000,000 - 948,000.30
    ta_pages = export_texts(
        folder, "export", str(folder / "session-1.toml"), "--report", "ta", run=lambda *a: run(capsys, *a)
    )
    for fmt, text in ta_pages.items():  # one page a TA: its cost among its facts
        assert "$948,000.30" in text.replace("**", "") and "Salary step 948,000" in text, fmt


def test_the_package_and_the_board_show_each_ta_cost_and_the_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = costed_folder(tmp_path)
    texts = export_texts(folder, "export", str(folder), "--report", "package", run=lambda *a: run(capsys, *a))
    for fmt, text in texts.items():
        assert "Cost of the package" in text, fmt
        assert "$948,000.30" in text, fmt
        assert "51,999.70 under budget" in text, fmt
        assert "Budget: Board authority, Nov 12" in text, fmt
    code, out, _ = run(capsys, "board", str(folder))
    assert code == 0
    assert "Package 948,000.30 of 1,000,000 budget: 51,999.70 under budget" in out
    assert "TA cost" in out and "$948,000.30" in out
    # over budget in one year: said which
    s = store.load_session(folder / "session-1.toml")
    editing.set_costing(s, ["2027–28", "2028–29"], [D("500000"), D("400000")])
    store.save_session(s, folder / "session-1.toml")
    code, out, _ = run(capsys, "board", str(folder))
    assert "over in 2028–29 by 74,000.20" in out


def test_a_negotiation_without_costs_shows_no_cost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    s, _ = first_session()
    store.save_session(s, folder / "session-1.toml")
    code, out, _ = run(capsys, "board", str(folder))
    assert code == 0 and "TA cost" not in out and "budget" not in out


async def test_the_app_board_shows_the_ta_cost_column_and_the_package_line(tmp_path: Path) -> None:
    from test_tui_board import BoardApp, _loaded
    from textual.widgets import DataTable, Static

    folder = costed_folder(tmp_path)
    for width in (160, 80):
        app = BoardApp(folder)
        async with app.run_test(size=(width, 40)) as pilot:
            screen = await _loaded(pilot, app)
            summary = str(screen.query_one("#board-summary", Static).render())
            assert "Package 948,000.30 of 1,000,000 budget: 51,999.70 under budget" in summary
            table = screen.query_one(DataTable)
            keys = [str(k.value) for k in table.columns]
            if width == 160:
                assert "cost" in keys
                salary = next(n for n, row in enumerate(screen.shown) if row.ta_cost)
                assert "$948,000.30" in str(table.get_row_at(salary)[keys.index("cost")])
            else:
                assert "cost" not in keys  # a narrow wall: the summary line still gives the package's cost
