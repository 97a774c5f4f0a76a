"""Costing in the app, by the recorder's keys: Ctrl+K on an option, a cost line typed into the
form (amounts as people type them), the total on the option's row, a TA recorded from it carries
it, the palette's years and budget, and all of it there again when the file is reopened."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from helpers import walk_to
from recorder import command, point, type_line
from textual.widgets import Input, Static

from ibb_facilitator import agenda, editing, store
from ibb_facilitator.model import Method, Response, Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.costs import CostLineForm, CostsScreen
from ibb_facilitator.tui.session import SessionScreen

SIZE = (120, 40)
D = Decimal


def costable(path: Path) -> tuple[str, str]:
    name, chosen = agenda.find("contract-negotiation")
    session = agenda.new_session(chosen, name)
    issue = editing.add_issue(session, "How can salaries keep up with the cost of living?")
    option = editing.add_option(session, issue.id, "One step on the salary schedule each year")
    editing.add_option(session, issue.id, "A 2 % raise")
    editing.set_costing(session, ["2027–28", "2028–29", "2029–30"], [D("1500000")] * 3)
    editing.set_stage(session, issue.id, Stage.OPTIONS)
    editing.set_cursor(session, issue.id, Stage.OPTIONS)
    store.save_session(session, path, backup=False)
    return issue.id, option.id


async def test_cost_an_option_by_keys_record_the_ta_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    issue_id, option_id = costable(path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        await walk_to(pilot, Stage.OPTIONS)
        await point(pilot, option_id)
        await pilot.press("ctrl+k")
        await pilot.pause()
        costs = app.screen
        assert isinstance(costs, CostsScreen)
        await pilot.press("enter")  # "+ Add a cost line"
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CostLineForm)
        await type_line(pilot, "Salary step")
        await type_line(pilot, "1,2")  # ambiguous: refused in one line when saved, nothing saved
        await type_line(pilot, "474k")
        await type_line(pilot, "$474,000")
        await type_line(pilot, "one step = $474,000 [each year]")
        await type_line(pilot, "Dana Liu")  # the last field: Enter saves
        # the form stayed: it says why and points at the first year
        error = str(form.query_one("#cost-error", Static).render())
        assert "ambiguous" in error and app.screen is form
        first = form.query_one("#cost-year-0", Input)
        assert first.has_focus
        first.value = ""
        await type_line(pilot, "474,000", enter=False)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is costs
        option = next(o for o in app.session.issue(issue_id).options if o.id == option_id)
        assert [line.amounts for line in option.costs] == [[D("474000")] * 3]
        assert option.costs[0].basis == "one step = $474,000 [each year]"
        total = str(costs.query_one("#cost-total", Static).render())
        assert "$1,422,000" in total
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        row = screen.view.items.get_option(option_id).prompt
        assert "$1,422,000" in str(row)
        # typed words on the options list never cost anything
        await type_line(pilot, "a sentence with ctrl and y in it", enter=False)
        assert len(option.costs) == 1
        screen.query_one("#capture", Input).value = ""
        # the TA recorded from the option carries its costs
        voters = [m.name for p in app.session.parties for m in p.members]
        check, _ = app.change(
            "check", editing.record_check, issue_id, Method.THUMBS, [Response(who=v, value="up") for v in voters],
            options=[option_id],
        )  # fmt: skip
        ta = app.change("write TA", editing.record_agreement, issue_id, check.id, "Article 9: one step a year.")
        assert ta.costs == option.costs
        await walk_to(pilot, Stage.CONSENSUS)
        await command(pilot, "Cost lines of the TA")
        assert isinstance(app.screen, CostsScreen)
        shown = str(app.screen.query_one("#cost-total", Static).render())
        assert "Package 1,422,000 of 4,500,000 budget: 3,078,000 under budget" in shown
        await pilot.press("escape")
        await pilot.press("ctrl+q")
        await pilot.pause()

    reopened = store.load_session(path)
    option = next(o for o in reopened.issue(issue_id).options if o.id == option_id)
    assert option.costs[0].amounts == [D("474000")] * 3 and option.costs[0].costed_by == "Dana Liu"
    assert reopened.agreements[-1].costs == option.costs
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        await walk_to(pilot, Stage.CONSENSUS)
        history = " ".join(str(w.render()) for w in screen.query(Static))
        assert "$1,422,000" in history  # the TA shows its cost
        await pilot.press("ctrl+q")


async def test_the_years_and_budget_from_the_palette(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    costable(path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_line(pilot, "Contract years and budget", enter=False)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        years = app.screen.query_one("#budget-years", Input)
        assert years.has_focus and years.value == "2027–28; 2028–29; 2029–30"
        await pilot.press("enter")
        amounts = app.screen.query_one("#budget-amounts", Input)
        amounts.value = ""
        await type_line(pilot, "1.5m / 1,600,000 / 1.234")  # the last is ambiguous
        await type_line(pilot, "Board authority")
        assert "ambiguous" in str(app.screen.query_one("#cost-error", Static).render())
        amounts.value = ""
        await type_line(pilot, "1.5m / 1,600,000 / $1,700,000.50")
        await type_line(pilot, "")  # the note kept: Enter on the last field saves
        costing = app.session.costing
        assert costing is not None and costing.budget == [D("1500000"), D("1600000"), D("1700000.5")]
        assert costing.note == "Board authority"
        assert app.session.events[-1].action == "costing.set"
        await pilot.press("ctrl+q")


async def test_hostile_cost_text_is_shown_literally(tmp_path: Path) -> None:
    """A label or basis that looks like markup ("[/foo]", "[bold]") is text: shown as typed."""
    path = tmp_path / "s.toml"
    issue_id, option_id = costable(path)
    session = store.load_session(path)
    hostile = "[/foo] [bold]x[/bold] [/"
    editing.add_cost(session, option_id, hostile, [D("1")], issue_id=issue_id, basis=hostile, costed_by=hostile)
    store.save_session(session, path, backup=False)
    app = IbbApp(path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to(pilot, Stage.OPTIONS)
        await point(pilot, option_id)
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, CostsScreen)
        listing = app.screen.query_one("#cost-lines")
        assert hostile in str(listing.get_option_at_index(0).prompt)
        await pilot.press("enter")  # the form, with the hostile values in its fields
        await pilot.pause()
        assert isinstance(app.screen, CostLineForm)
        assert app.screen.query_one("#cost-basis", Input).value == hostile
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("ctrl+q")


async def test_a_line_reopened_in_the_form_reads_as_typed_and_saves_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    issue_id, option_id = costable(path)
    session = store.load_session(path)
    editing.add_cost(session, option_id, "Shares", [D("474000"), D("0.125")], issue_id=issue_id)
    store.save_session(session, path, backup=False)
    app = IbbApp(path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to(pilot, Stage.OPTIONS)
        await point(pilot, option_id)
        await pilot.press("ctrl+k")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CostLineForm)
        assert form.query_one("#cost-year-0", Input).value == "474,000"
        assert form.query_one("#cost-year-1", Input).value == "0.125"  # more than cents: as the file has it
        events = len(app.session.events)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CostsScreen)
        option = next(o for o in app.session.issue(issue_id).options if o.id == option_id)
        assert option.costs[0].amounts == [D("474000"), D("0.125")] and len(app.session.events) == events
        await pilot.press("escape")
        await pilot.press("ctrl+q")


async def test_the_business_managers_brief_screen_shows_the_cost_table(tmp_path: Path) -> None:
    from test_tui_training import choose, flat, screen_text, table_file

    path = table_file(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        await choose(pilot, "role:management:2")
        assert "Business manager (Rita Vance)" in flat(app)
        await pilot.press("left", "enter")  # past the confirm (the safe answer has the focus)
        await pilot.pause()
        shown = screen_text(app)
        assert "CONFIDENTIAL" in shown and "Cost table" in shown
        assert "Each 1 % general increase    $172,000  a year" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert "$172,000" not in screen_text(app)
        await pilot.press("ctrl+q")


async def test_ctrl_k_costs_only_at_options_and_stays_delete_to_end_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    costable(path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, Stage.INTERESTS)
        capture = app.screen.query_one("#capture", Input)
        capture.value = "keep this, not that"
        capture.cursor_position = len("keep this")
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert capture.value == "keep this" and not isinstance(app.screen, CostsScreen)
        capture.value = ""
        await pilot.press("ctrl+q")
