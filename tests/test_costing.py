"""Costing: amounts read exactly, added up exactly, stored as strings, logged and undoable.

The rules live in ``costing.py`` (reading what a recorder types, totals, the budget) and
``editing.py`` (cost lines on options and TAs, the contract's years and budget).
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ibb_facilitator import costing, editing, store, timeline
from ibb_facilitator.costing import AmountError, format_amount, parse_amount
from ibb_facilitator.history import History
from ibb_facilitator.model import Costing, CostLine, Session
from ibb_facilitator.negotiation.carryover import carry
from ibb_facilitator.store import StoreError

D = Decimal


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("474000", "474000"),
        ("474,000", "474000"),
        ("$474,000", "474000"),
        (" 1 250 000 ", "1250000"),
        ("$1.2m", "1200000"),
        ("1.25M", "1250000"),
        ("279k", "279000"),
        ("-1,250.50", "-1250.5"),
        ("$-1,000", "-1000"),
        ("\u22125", "-5"),
        ("0.1", "0.1"),
        (".5", "0.5"),
    ],
)
def test_what_a_recorder_types_is_read_exactly(typed: str, value: str) -> None:
    assert parse_amount(typed) == D(value)
    assert format(parse_amount(typed), "f") == value  # the canonical form the file stores


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("1,2", "ambiguous"),
        ("474,00", "ambiguous"),
        ("1.234", "ambiguous"),
        ("1.2.3", "not an amount"),
        ("five", "not an amount"),
        ("1e6", "not an amount"),
        ("12,34,567", "not an amount"),
        ("3%", "percentage"),
        ("", "type an amount"),
        ("1.001", "ambiguous"),
        ("1.2345", "more than cents"),
        ("9999999999999999", "too large"),
    ],
)
def test_ambiguous_or_wrong_input_is_refused_in_one_line(typed: str, why: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(typed)
    assert why in str(caught.value) and "\n" not in str(caught.value)


def test_tenths_add_up_exactly() -> None:
    lines = [CostLine(label="a", amounts=[D("0.1")]), CostLine(label="b", amounts=[D("0.2")])]
    totals = costing.add_up(lines)
    assert totals.total == D("0.3") and format_amount(totals.total) == "0.30"
    assert 0.1 + 0.2 != 0.3  # (what a float would have said)


@given(st.lists(st.decimals(min_value=-(10**12), max_value=10**12, places=2), max_size=30))
def test_totals_are_exact_sums(amounts: list[Decimal]) -> None:
    lines = [CostLine(label="x", amounts=[a, a]) for a in amounts]
    totals = costing.add_up(lines)
    assert totals.per_year == ((sum(amounts, D(0)),) * 2 if amounts else ())
    assert totals.total == 2 * sum(amounts, D(0))


def test_formatting_has_thousands_separators_and_cents_only_when_there_are_some() -> None:
    assert format_amount(D("1422000")) == "1,422,000"
    assert format_amount(D("-12500.5")) == "-12,500.50"
    assert format_amount(D("12000"), signed=True) == "+12,000"
    assert format_amount(D("0.125")) == "0.125"


def test_the_package_against_the_budget() -> None:
    budget = Costing(years=["2027–28", "2028–29"], budget=[D("500000"), D("1000000")])
    totals = costing.Totals((D("474000"), D("1100000")), D("1574000"), 2)
    rows = costing.against_budget(totals, budget)
    assert [(r.year, r.over) for r in rows] == [
        ("2027–28", D("-26000")),
        ("2028–29", D("100000")),
        ("Total", D("74000")),
    ]
    assert costing.budget_line(totals, budget) == "Package 1,574,000 of 1,500,000 budget: 74,000 over budget"
    assert costing.verdict_words(rows[0]) == "26,000 under budget"
    assert costing.budget_line(totals, None) == "Package 1,574,000 (no budget recorded)"


def _costed(s: Session) -> tuple[str, str]:
    issue = s.issues[0]
    option = next(o for o in issue.options if o.state.value == "active")
    editing.set_costing(s, ["2027–28", "2028–29", "2029–30"], [D("1000000"), D("1000000")], "Board authority")
    editing.add_cost(
        s, option.id, "Salary step", [D("474000"), D("474000"), D("0.1")], issue_id=issue.id,
        basis="one step = $474,000", costed_by="Dana",
    )  # fmt: skip
    return issue.id, option.id


def test_cost_lines_and_the_budget_round_trip_as_strings(populated: Session) -> None:
    _costed(populated)
    text = store.dumps_session(populated)
    assert 'amounts = ["474000", "474000", "0.1"]' in text
    assert 'budget = ["1000000", "1000000"]' in text
    raw = tomllib.loads(text)
    assert raw["costing"]["years"] == ["2027–28", "2028–29", "2029–30"]
    again = store.loads_session(text, "s.toml")
    assert again == populated and store.dumps_session(again) == text
    option = next(o for o in again.issues[0].options if o.costs)
    assert option.costs[0].amounts[2] == D("0.1") and type(option.costs[0].amounts[2]) is Decimal


def test_a_file_without_costs_is_written_as_before(populated: Session) -> None:
    text = store.dumps_session(populated)
    assert "costs" not in text and "[costing]" not in text
    assert store.dumps_session(store.loads_session(text, "s.toml")) == text


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('amounts = ["474000", "474000", "0.1"]', "amounts = [474000]"),
        ('amounts = ["474000", "474000", "0.1"]', 'amounts = ["474,000"]'),
        ('amounts = ["474000", "474000", "0.1"]', 'amounts = ["0474000"]'),
        ('amounts = ["474000", "474000", "0.1"]', "amounts = [0.1]"),
    ],
)
def test_a_malformed_amount_is_refused_with_file_line_and_field(populated: Session, bad: str, message: str) -> None:
    _costed(populated)
    text = store.dumps_session(populated).replace(bad, message)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if message in row)
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "s.toml")
    said = str(caught.value)
    assert said.startswith(f"s.toml:{line}:") and "costs[0].amounts" in said and "plain number" in said


def test_more_amounts_than_the_contract_has_years_is_refused(populated: Session) -> None:
    _costed(populated)
    text = store.dumps_session(populated).replace('years = ["2027–28", "2028–29", "2029–30"]', 'years = ["2027–28"]')
    with pytest.raises(StoreError, match=r"3 amounts, but the contract has 1 years"):
        store.loads_session(text, "s.toml")


def test_editing_costs_is_logged_and_undone(populated: Session) -> None:
    history = History()
    issue_id, option_id = _costed(populated)
    option = next(o for o in populated.issues[0].options if o.id == option_id)
    before = store.dumps_session(populated)
    history.checkpoint(populated, "edit cost")
    editing.edit_cost(populated, option_id, 0, "Salary step", [D("500000")], issue_id=issue_id, basis="new")
    assert option.costs[0].amounts == [D("500000")] and populated.events[-1].action == "cost.edit"
    assert populated.events[-1].data["amounts"] == ["500000"]
    history.undo(populated)
    option = next(o for o in populated.issues[0].options if o.id == option_id)
    assert option.costs[0].amounts == [D("474000"), D("474000"), D("0.1")]
    after = store.dumps_session(populated)
    assert after.split("[[events]]")[0] == before.split("[[events]]")[0]
    history.checkpoint(populated, "remove cost")
    editing.remove_cost(populated, option_id, 0, issue_id=issue_id)
    assert not next(o for o in populated.issues[0].options if o.id == option_id).costs
    with pytest.raises(editing.RuleError, match="no cost line 1"):
        editing.remove_cost(populated, option_id, 0, issue_id=issue_id)
    with pytest.raises(editing.RuleError, match="4 amounts, but the contract has 3 years"):
        editing.add_cost(populated, option_id, "x", [D(1)] * 4, issue_id=issue_id)
    with pytest.raises(editing.RuleError, match="label"):
        editing.add_cost(populated, option_id, "  ", [D(1)], issue_id=issue_id)


def test_the_years_cannot_shrink_under_a_costed_line(populated: Session) -> None:
    _costed(populated)
    with pytest.raises(editing.RuleError, match="counts 3 years"):
        editing.set_costing(populated, ["2027–28"], [])
    editing.set_costing(populated, ["2027–28", "2028–29", "2029–30", "2030–31"], [D(5)])
    assert populated.costing is not None and populated.costing.budget == [D(5)]


def test_a_ta_recorded_from_a_costed_option_carries_its_costs(session: Session) -> None:
    from ibb_facilitator.model import Method, Response

    issue = editing.add_issue(session, "How do we keep teachers?")
    option = editing.add_option(session, issue.id, "One step")
    editing.add_cost(session, option.id, "Step", [D("474000")], issue_id=issue.id, basis="one step = $474,000")
    voters = [m.name for p in session.parties for m in p.members]
    check, _ = editing.record_check(
        session, issue.id, Method.THUMBS, [Response(who=v, value="up") for v in voters],
        proposal="One step", options=[option.id],
    )  # fmt: skip
    ta = editing.record_agreement(session, issue.id, check.id, "Article 12: one step.")
    assert [line.label for line in ta.costs] == ["Step"] and ta.costs[0].basis == "one step = $474,000"
    assert session.events[-1].action == "ta.costs" and session.events[-1].data["with_previous"] is True
    assert costing.session_package(session).total == D("474000")
    editing.add_cost(session, ta.id, "Retro pay", [D("1000.5")])
    assert costing.ta_totals(ta).total == D("475000.5")
    # the review's replay rebuilds it from the log
    replayed = timeline.state_after(session, len(session.events))
    assert replayed.agreements[0].costs == ta.costs
    assert replayed.issues[0].options[0].costs == option.costs


def test_the_budget_and_open_options_costs_carry_to_the_next_session(populated: Session) -> None:
    _issue_id, option_id = _costed(populated)
    populated.issues[0].status = populated.issues[0].status.OPEN
    nxt = carry(populated, "s.toml")
    assert nxt.costing == populated.costing
    carried = [o for i in nxt.issues for o in i.options if o.id == option_id]
    assert carried and carried[0].costs[0].amounts[0] == D("474000")


def test_replay_before_any_cost_shows_none(populated: Session, tmp_path: Path) -> None:
    first = len(populated.events)
    _costed(populated)
    earlier = timeline.state_after(populated, first)
    assert earlier.costing is None and not any(o.costs for i in earlier.issues for o in i.options)
    later = timeline.state_after(populated, len(populated.events))
    assert later.costing == populated.costing


def test_diff_shows_costs_and_the_budget(populated: Session) -> None:
    from ibb_facilitator import diff

    old = populated.model_copy(deep=True)
    _costed(populated)
    said = diff.render(diff.compare(old, populated), "text")
    assert "cost changed" in said and "Salary step 948,000.10" in said
    assert "Contract years and budget" in said and "2027–28 1,000,000" in said


def test_the_maple_valley_business_manager_sees_the_cost_table() -> None:
    from ibb_facilitator import agenda, training

    name, pack = agenda.find("scenario-maple-valley")
    table = training.new_table(pack, name)
    sections = training.brief_texts(table, "management", "Business manager (Rita Vance)")
    heading, text = sections[-1]
    assert heading == "Cost table"
    assert "Each 1 % general increase    $172,000  a year" in text
    assert "+11.2" not in text and "(More rows come with round 2.)" in text
    # no other player gets it
    superintendent = training.brief_texts(table, "management", "Superintendent (Dr. Ellen Sato)")
    assert all(heading != "Cost table" for heading, _ in superintendent)
    training.start_next_round(table)
    training.start_next_round(table)
    later = training.brief_texts(table, "management", "Business manager (Rita Vance)")[-1][1]
    assert "From round 2:" in later and "Health +11.2 %, split 75/25  $436,800  year 1" in later
    # the table's copy of the scenario keeps the amounts exact, and round-trips
    again = store.loads_session(store.dumps_session(table), "table.toml")
    assert training.scenario_of(again).roles[-1].cost_table[0].amount == D("275000")


def test_replay_follows_cost_edits_and_their_undo(populated: Session) -> None:
    history = History()
    issue_id, option_id = _costed(populated)
    ta = populated.agreements[0]
    for label, change in [
        ("edit", lambda: editing.edit_cost(populated, option_id, 0, "Step", [D("1")], issue_id=issue_id)),
        ("add to TA", lambda: editing.add_cost(populated, ta.id, "Retro", [D("0.5")])),
        ("remove", lambda: editing.remove_cost(populated, option_id, 0, issue_id=issue_id)),
        ("budget", lambda: editing.set_costing(populated, ["2027–28", "2028–29", "2029–30"], [D(7)])),
    ]:
        history.checkpoint(populated, label)
        change()
    history.undo(populated)  # the budget
    history.undo(populated)  # the removal
    replayed = timeline.state_after(populated, len(populated.events))
    option = next(o for o in replayed.issues[0].options if o.id == option_id)
    assert option.costs == next(o for o in populated.issues[0].options if o.id == option_id).costs
    assert option.costs[0].amounts == [D("1")]
    assert replayed.agreements[0].costs == populated.agreements[0].costs and replayed.costing == populated.costing
