"""Training mode without the app: scenario packs, a table's rounds, reveals and results, bad
files refused with their line, the debrief across tables, and the `ibb train` / `ibb debrief`
commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ibb_facilitator import cli, editing, store, training
from ibb_facilitator.agenda import BUNDLED_DIR, load_agenda
from ibb_facilitator.editing import RuleError
from ibb_facilitator.export import debrief as debrief_export
from ibb_facilitator.model import MUTUAL, Method, Response, Session, Stage
from ibb_facilitator.store import StoreError

SCENARIOS = ["scenario-early-buses", "scenario-alder-springs", "scenario-maple-valley"]
EST = timezone(timedelta(hours=-5))


class Clock:
    """A clock the tests move by hand: every timestamp in a table is known."""

    def __init__(self) -> None:
        self.now = datetime(2027, 3, 10, 13, 0, tzinfo=EST)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(editing, "now", fake)
    monkeypatch.setattr(training, "now", fake)
    return fake


def scenario(name: str):
    return load_agenda(BUNDLED_DIR / f"{name}.toml")


def new_table(name: str = "scenario-maple-valley", table: int = 1, tables: int = 1) -> Session:
    return training.new_table(scenario(name), name, table=table, tables=tables)


def reload(session: Session) -> Session:
    text = store.dumps_session(session)
    again = store.loads_session(text, "table.toml")
    assert again == session and store.dumps_session(again) == text
    return again


# --- the scenario packs -----------------------------------------------------------------------


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_pack_is_complete(name):
    item = scenario(name)
    s = item.scenario
    assert item.kind == "scenario" and s is not None
    assert len(s.general_brief.split()) > 150, "a general brief a player can work from"
    party_ids = {p.id for p in item.parties}
    assert {b.party for b in s.briefs if not b.role} == party_ids  # a confidential brief per side
    assert all(len(b.text.split()) > 80 for b in s.briefs if not b.role)
    assert s.rounds and all(r.minutes > 0 for r in s.rounds)
    assert s.results_fields and len({f.id for f in s.results_fields}) == len(s.results_fields)
    assert len(s.debrief_questions) >= 4 and len(s.facilitator_notes.split()) > 150
    assert "bottom line" in " ".join(b.text for b in s.briefs).lower()  # positions hide interests
    for issue in item.issues:
        assert issue.statement.startswith("How can we ") and issue.statement.endswith("?")


def _day_minutes(name: str) -> int:
    (day,) = scenario(name).meeting_days
    return sum(b.minutes for b in day.blocks)


def test_three_shapes_a_warm_up_a_half_day_case_and_a_two_round_case():
    warm = scenario("scenario-early-buses")
    assert len(warm.issues) == 1 and len(warm.scenario.rounds) == 1 and _day_minutes("scenario-early-buses") == 30
    half = scenario("scenario-alder-springs")
    assert len(half.issues) == 3 and 3.5 * 60 <= _day_minutes("scenario-alder-springs") <= 4.5 * 60
    assert {r.side for r in half.scenario.roles} == {"labor", "management"} and all(
        r.brief for r in half.scenario.roles
    )
    maple = scenario("scenario-maple-valley")
    first, second = maple.scenario.rounds
    assert not first.facts and "state foundation aid" in second.facts and "Kindergarten" in second.facts
    assert {b.party for b in second.briefs} == {"labor", "management"}  # confidential round-2 updates
    assert len(maple.scenario.roles) == 6 and {r.side for r in maple.scenario.roles} == {"labor", "management"}


def test_the_warm_up_numbers_agree():
    notes = scenario("scenario-early-buses").scenario.facilitator_notes
    general = scenario("scenario-early-buses").scenario.general_brief
    assert "118 children" in general and "$42.50" in general and "85 school days" in general
    adults = -(-118 // 25)
    assert adults == 5 and "5 adults for 118 children" in general
    for teachers, cost in ((4, 7225), (3, 5419), (5, 9031)):
        assert f"${round(teachers * 0.5 * 85 * 42.50):,}" == f"${cost:,}" and f"${cost:,}" in notes
    assert 4 * 0.5 * 85 * 42.50 <= 8000 and "$8,000" in notes


def test_the_alder_springs_numbers_agree():
    s = scenario("scenario-alder-springs").scenario
    general, notes = s.general_brief, s.facilitator_notes
    days, rate = 2860, 115
    line = days * rate
    filled = int(days * 0.71)
    assert (filled, days - filled) == (2030, 830)
    assert f"${line:,}" in general and f"${line - filled * rate:,}" in general
    assert 480 * 5 == 2400 and "2,400 periods" in general
    per_diem = 396
    assert f"${round(214 * per_diem, -2):,.0f}" in general
    new_filled = int(days * 0.85)
    over = new_filled * 140 - line
    assert f"${new_filled * 140:,}" in notes and f"${over:,}" in notes
    secondary = round((days - new_filled) * 480 / 830)
    assert secondary == 248 and secondary * 5 == 1240
    package_a = over + 1240 * 40
    package_b = over + 42_000 + (248 - 175) * 5 * 40
    assert package_a <= 70_000 and package_b <= 70_000
    assert f"${package_a:,}" in notes and f"${package_b:,}" in notes and "$70,000" in notes
    literacy = round(214 * per_diem, -2) + 12 * 2500
    assert literacy <= 84_000 + 40_000 and f"${literacy:,}" in notes
    assert 4 * 31_500 <= 160_000 and "$126,000" in notes


# --- bad scenario files: refused with field and line ------------------------------------------

PACK = """\
title = "Practice"
description = "A small scenario"
kind = "scenario"

[[parties]]
id = "labor"
name = "Union"
short = "U"
side = "labor"

[[parties]]
id = "management"
name = "District"
short = "M"
side = "management"

[[issues]]
id = "pay"
statement = "How can we pay fairly?"

[scenario]  # SCENARIO
general_brief = "A district of 1,200 students."
results_fields = [  # RESULTS
    { id = "raise", label = "Raise agreed", issue = "pay" },
]

[[scenario.briefs]]
party = "labor"
text = "Your interests."

[[scenario.briefs]]  # BRIEF
party = "management"  # BRIEF-PARTY
role = ""  # BRIEF-ROLE
text = "Theirs."  # BRIEF-TEXT

[[scenario.roles]]  # ROLE
id = "president"
side = "labor"  # SIDE
title = "President"
brief = "Re-election in April."

[[scenario.rounds]]
title = "Round 1"
minutes = 30

[[scenario.rounds]]  # ROUND
title = "Round 2"
minutes = 20  # MINUTES
issues = ["pay"]  # ISSUES
facts = "The state cut aid."

[[scenario.rounds.briefs]]  # ROUND-BRIEF
party = "management"  # ROUND-PARTY
text = "Your limit drops."
"""


def _line(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.endswith(f"# {marker}"))


def _refused(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "practice.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        load_agenda(path)
    assert all(line.startswith(f"{path}:") for line in caught.value.lines), caught.value.lines
    return [line.removeprefix(f"{tmp_path}/") for line in caught.value.lines]


def test_the_practice_pack_loads(tmp_path):
    path = tmp_path / "practice.toml"
    path.write_text(PACK, encoding="utf-8")
    item = load_agenda(path)
    assert item.scenario.rounds[1].briefs[0].party == "management"
    assert item.scenario.roles[0].side == "labor"


@pytest.mark.parametrize(
    ("change", "marker", "expected"),
    [
        # a missing brief: the general one, or one side's
        (
            lambda t: t.replace('general_brief = "A district of 1,200 students."\n', ""),
            "SCENARIO",
            "scenario.general_brief: required field is missing",
        ),
        (
            lambda t: re.sub(r"\[\[scenario\.briefs\]\]  # BRIEF\n.*?\n\n", "", t, flags=re.S),
            "SCENARIO",
            "scenario.briefs: no confidential brief for 'management'",
        ),
        (lambda t: t.replace('text = "Theirs."', 'text = ""'), "BRIEF-TEXT", "scenario.briefs[1].text:"),
        # a role with no side, or a side that is not a party
        (
            lambda t: t.replace('side = "labor"  # SIDE\n', ""),
            "ROLE",
            "scenario.roles[0].side: required field is missing",
        ),
        (
            lambda t: t.replace('side = "labor"  # SIDE', 'side = "parents"  # SIDE'),
            "SIDE",
            "scenario.roles[0].side: 'parents' is not one of the parties",
        ),
        # a round with no time box
        (
            lambda t: t.replace("minutes = 20  # MINUTES\n", ""),
            "ROUND",
            "scenario.rounds[1].minutes: required field is missing",
        ),
        (
            lambda t: t.replace("minutes = 20  # MINUTES", "minutes = 0  # MINUTES"),
            "MINUTES",
            "scenario.rounds[1].minutes:",
        ),
        # an unknown issue reference
        (
            lambda t: t.replace('issues = ["pay"]  # ISSUES', 'issues = ["pay", "pension"]  # ISSUES'),
            "ISSUES",
            "scenario.rounds[1].issues[1]: 'pension' is not an issue id",
        ),
        (
            lambda t: t.replace('issue = "pay" }', 'issue = "pension" }'),
            "RESULTS",
            "scenario.results_fields[0].issue: 'pension' is not an issue id",
        ),
        # other references: a brief's party or role, a round's confidential update
        (
            lambda t: t.replace('party = "management"  # BRIEF-PARTY', 'party = "parents"  # BRIEF-PARTY'),
            "BRIEF-PARTY",
            "scenario.briefs[1].party: 'parents' is not one of the parties",
        ),
        (
            lambda t: t.replace('role = ""  # BRIEF-ROLE', 'role = "Treasurer"  # BRIEF-ROLE'),
            "BRIEF-ROLE",
            "scenario.briefs[1].role: 'Treasurer' is not a role of 'management'",
        ),
        (
            lambda t: t.replace('party = "management"  # ROUND-PARTY', 'party = "board"  # ROUND-PARTY'),
            "ROUND-PARTY",
            "scenario.rounds[1].briefs[0].party: 'board' is not one of the parties",
        ),
        (
            lambda t: t.replace("minutes = 20  # MINUTES", 'minutes = 20  # MINUTES\ncolour = "red"'),
            "MINUTES",
            "scenario.rounds[1].colour: unknown field",
        ),
    ],
    ids=[
        "no-general-brief",
        "no-side-brief",
        "empty-brief",
        "role-without-side",
        "role-unknown-side",
        "round-without-minutes",
        "round-of-zero-minutes",
        "round-unknown-issue",
        "results-unknown-issue",
        "brief-unknown-party",
        "brief-unknown-role",
        "round-brief-unknown-party",
        "typo",
    ],
)
def test_bad_scenarios_are_refused_with_field_and_line(tmp_path, change, marker, expected):
    text = change(PACK)
    assert text != PACK
    lines = _refused(tmp_path, text)
    line = _line(text, marker) + (1 if marker == "MINUTES" and "colour" in text else 0)
    line += marker == "RESULTS"  # the bad row's own line, one below the array that holds it
    assert any(found.startswith(f"practice.toml:{line}: {expected}") for found in lines), (lines, line)


def test_ibb_validate_names_the_bad_scenario_line(tmp_path, capsys):
    path = tmp_path / "practice.toml"
    text = PACK.replace('side = "labor"  # SIDE\n', "")
    path.write_text(text, encoding="utf-8")
    assert cli.main(["validate", str(BUNDLED_DIR / "scenario-early-buses.toml"), str(path)]) == 1
    out, err = capsys.readouterr()
    assert "scenario-early-buses.toml: ok (agenda, 1 issue, training scenario)" in out
    assert f"{path}:{_line(text, 'ROLE')}: scenario.roles[0].side: required field is missing" in err


# --- a table: rounds, reveals, results ----------------------------------------------------------


def test_a_new_table_carries_its_scenario_and_round_trips():
    session = new_table("scenario-maple-valley", table=2, tables=3)
    assert session.title.endswith(": table 2") and session.agenda == "scenario-maple-valley"
    assert session.training.table == 2 and session.training.tables == 3
    assert [i.id for i in session.issues] == ["salary", "health-insurance", "advisory", "staffing"]
    pack = scenario("scenario-maple-valley").scenario
    assert training.scenario_of(session) == pack.model_copy(update={"facilitator_notes": ""})  # no passphrase
    text = store.dumps_session(session)
    assert "\n[training]\n" in text and "\n[[training.scenario.roles]]\n" in text
    assert text.index("[training]") < text.index("[training.scenario]")  # the table's state first
    reload(session)
    assert training.phase(session) == "preparation"


def test_rounds_run_in_order_with_their_clock(clock):
    session = new_table()
    assert training.remaining_seconds(session) is None
    first = training.start_next_round(session)
    assert (first.number, first.start) == (1, clock.now) and training.phase(session) == "round"
    clock.advance(70)
    assert training.remaining_seconds(session) == 5 * 60
    clock.advance(7)
    assert training.remaining_seconds(session) == -2 * 60  # over time: the bar says so
    second = training.start_next_round(session)
    assert session.training.rounds[0].end == clock.now == second.start
    assert training.round_spec(session, 2).minutes == 60 and training.remaining_seconds(session) == 3600
    with pytest.raises(RuleError, match="has 2 rounds"):
        training.start_next_round(session)
    clock.advance(45)
    training.finish(session)
    assert training.phase(session) == "finished" and session.training.rounds[1].end == clock.now
    assert session.training.finished == clock.now
    with pytest.raises(RuleError, match="finished"):
        training.start_next_round(session)
    actions = [e.action for e in session.events]
    assert actions == [
        "training.round.start",
        "training.round.end",
        "training.round.start",
        "training.round.end",
        "training.finish",
    ]
    reload(session)


def test_a_side_sees_its_round_update_only_once_its_round_has_started():
    session = new_table()
    titles = [title for title, _ in training.brief_texts(session, "labor")]
    assert titles == ["Confidential instructions: Maple Valley Teachers Association"]
    training.start_next_round(session)
    assert len(training.brief_texts(session, "labor")) == 1
    training.start_next_round(session)
    texts = training.brief_texts(session, "labor")
    assert len(texts) == 2 and "26%" in texts[1][1]
    assert not any("$640,000" in text for _, text in texts)  # never the other side's update


def test_a_reveal_is_logged_without_its_text():
    session = new_table()
    brief = next(b.text for b in training.scenario_of(session).briefs if b.party == "labor" and not b.role)
    roles = training.role_briefs(training.scenario_of(session), "labor")
    assert next(label for label, _ in roles) == "Association president (Joe Castillo)"
    training.record_reveal(session, "labor")
    training.record_reveal(session, "labor", roles[0][0])
    assert [(r.party, r.role, r.round) for r in session.training.reveals] == [
        ("labor", "", 0),
        ("labor", roles[0][0], 0),
    ]
    text = store.dumps_session(session)
    log = "\n".join(e.summary for e in session.events)
    assert "Confidential brief opened: LABOR" in log
    assert brief[:60] not in log and roles[0][1][:60] not in log
    assert text.count(brief.strip()[:60]) == 1  # in the scenario copy only
    with pytest.raises(RuleError, match="not a party"):
        training.record_reveal(session, "parents")
    with pytest.raises(RuleError, match="no brief for"):
        training.record_reveal(session, "labor", "Treasurer")
    reload(session)


def test_the_results_sheet_keeps_labels_and_refuses_unknown_lines():
    session = new_table()
    training.set_results(session, {"salary-increase": "1.0 / 2.25 / 2.5", "steps": "yes", "one-time": "  "})
    assert [(r.field, r.value) for r in session.training.results] == [
        ("salary-increase", "1.0 / 2.25 / 2.5"),
        ("steps", "yes"),
    ]
    assert session.training.results[0].label == "General increase in year 1, year 2 and year 3 (%)"
    training.set_results(session, {"steps": "yes, every year"})
    assert training.result_value(session, "salary-increase") == "1.0 / 2.25 / 2.5"
    assert training.result_value(session, "steps") == "yes, every year"
    before = session.model_copy(deep=True)
    with pytest.raises(RuleError, match="not a field"):
        training.set_results(session, {"pension": "x"})
    assert session == before
    reload(session)


def test_a_session_that_is_not_a_table_says_so():
    with pytest.raises(RuleError, match="not a training table"):
        training.scenario_of(Session(title="Plain"))
    with pytest.raises(ValueError, match="not a training scenario"):
        training.new_table(load_agenda(BUNDLED_DIR / "contract-negotiation.toml"), "contract-negotiation")


# --- broken table files: refused with field and line --------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '[[training.reveals]]\nparty = "labor"',
            '[[training.reveals]]\nparty = "parents"',
            "training.reveals[0].party: unknown party 'parents'",
        ),
        ('field = "steps"', 'field = "pension"', "training.results[0].field: 'pension' is not a field"),
        ("number = 1", "number = 2", "training.rounds[0].number: round 2 is in place 1"),
        (
            '[[training.scenario.briefs]]\nparty = "labor"',
            '[[training.scenario.briefs]]\nparty = "parents"',
            "training.scenario.briefs[0].party: 'parents' is not one of the parties",
        ),
        ("\nminutes = 75\n", "\nminutes = 0\n", "training.scenario.rounds[0].minutes:"),
    ],
    ids=["reveal-party", "result-field", "round-order", "scenario-party", "scenario-minutes"],
)
def test_a_broken_table_file_is_refused_with_its_line(tmp_path, old, new, expected):
    session = new_table()
    training.start_next_round(session)
    training.record_reveal(session, "labor")
    training.set_results(session, {"steps": "yes"})
    text = store.dumps_session(session)
    assert text.count(old) == 1, old
    broken = text.replace(old, new)
    path = tmp_path / "table-1.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        store.load_session(path)
    changed = new.strip("\n").split("\n")[-1]
    line = next(n for n, row in enumerate(broken.split("\n"), start=1) if row == changed)
    assert any(found.startswith(f"{path}:{line}: {expected}") for found in caught.value.lines), (
        caught.value.lines,
        line,
    )


# --- what a table did -----------------------------------------------------------------------


def play(session: Session, clock: Clock, plan: dict[str, dict]) -> Session:
    """Run a table's round: for each issue, interests, options, failed checks, then maybe a TA."""
    training.start_next_round(session)
    for issue_id, steps in plan.items():
        clock.advance(steps.get("issues", 2))
        editing.set_stage(session, issue_id, Stage.INTERESTS)
        for holder, text in steps.get("interests", []):
            editing.add_interest(session, issue_id, text, holder)
        clock.advance(steps.get("interests_minutes", 10))
        editing.set_stage(session, issue_id, Stage.OPTIONS)
        for text in steps.get("options", []):
            editing.add_option(session, issue_id, text)
        clock.advance(steps.get("options_minutes", 8))
        editing.set_stage(session, issue_id, Stage.CRITERIA)
        clock.advance(steps.get("criteria_minutes", 4))
        editing.set_stage(session, issue_id, Stage.CONSENSUS)
        for _ in range(steps.get("failed", 0)):
            clock.advance(2)
            editing.record_check(
                session, issue_id, Method.FIST_TO_FIVE, [Response(who=name, value=2) for name, _ in _voters(session)]
            )
        clock.advance(3)
        if "ta" in steps:
            check, tally = editing.record_check(
                session, issue_id, Method.FIST_TO_FIVE, [Response(who=name, value=4) for name, _ in _voters(session)]
            )
            assert tally.consensus
            ta = editing.record_agreement(session, issue_id, check.id, steps["ta"])
            editing.initial(session, ta.id, "labor", "HQ")
            editing.initial(session, ta.id, "management", "PB")
    clock.advance(1)
    training.finish(session)
    training.set_results(session, steps_results(plan))
    return session


def test_the_debrief_shows_only_the_standing_ta_of_a_reopened_issue(clock):
    """Agreed, reopened, agreed again: the table's outcome is the new TA, not both (issue 11)."""
    from ibb_facilitator.model import IssueStatus

    session = new_table("scenario-early-buses")
    play(session, clock, {"early-buses": {"issues": 1, "ta": "Paid early duty."}})
    issue_id = session.standing_agreements()[0].issue
    editing.set_status(session, issue_id, IssueStatus.OPEN)
    check, _ = editing.record_check(
        session, issue_id, Method.FIST_TO_FIVE, [Response(who=name, value=5) for name, _ in _voters(session)]
    )
    editing.record_agreement(session, issue_id, check.id, "Paid early duty, rotated monthly.")
    summary = training.summarize(session, Path("table-1.toml"))
    assert [text for _, text in summary.agreements] == ["Paid early duty, rotated monthly."]
    text = debrief_export.render_text(training.ClassDebrief(folder=Path("."), tables=[summary]))
    assert "Paid early duty, rotated monthly." in text and "Paid early duty.\n" not in text


def steps_results(plan: dict[str, dict]) -> dict[str, str]:
    return {key: value for steps in plan.values() for key, value in steps.get("results", {}).items()}


def _voters(session: Session) -> list[tuple[str, str]]:
    from ibb_facilitator import process

    return process.voters(session)


def test_time_per_stage_comes_from_the_event_log(clock):
    session = new_table("scenario-early-buses")
    play(
        session,
        clock,
        {
            "early-buses": {
                "issues": 1,
                "interests_minutes": 4,
                "options_minutes": 5,
                "criteria_minutes": 2,
                "failed": 1,
                "ta": "Paid early duty.",
            }
        },
    )
    summary = training.summarize(session, Path("table-1.toml"))
    assert summary.stage_minutes == {
        Stage.ISSUES: 1,
        Stage.INTERESTS: 4,
        Stage.OPTIONS: 5,
        Stage.CRITERIA: 2,
        Stage.CONSENSUS: 2 + 3 + 1,
    }
    assert summary.round_minutes == [(1, "The round", 18.0)]
    assert summary.agreed == 1 and summary.checks == 2 and summary.checks_per_consensus == 2.0


HOSTILE = "<script>alert(1)</script> [/bold] **x** | `y`"

PLANS = {
    1: {
        "coverage": {
            "interests": [
                ("labor", "Planning time kept"),
                ("management", "Every class taught"),
                (MUTUAL, "Fewer unfilled days"),
            ],
            "options": ["Sub rate $140", "$40 a period, cap of 3"],
            "ta": "Substitute rate $140; coverage paid $40 a period; no more than three a month except in an "
            "emergency.",
            "results": {"coverage": "$40 a period, cap 3", "substitute-rate": "$140", "cost": "$61,040"},
        },
        "literacy-training": {
            "interests": [(MUTUAL, "Training teachers find useful"), ("management", "18 hours by October")],
            "options": ["June day", "Teacher-leaders"],
            "failed": 1,
            "ta": "A paid day in late June; twelve teacher-leaders.",
            "results": {"literacy": "June day + teacher-leaders"},
        },
    },
    2: {
        "coverage": {
            "interests": [("labor", "Fair rotation"), (MUTUAL, "Every class taught")],
            "options": ["Rotation", "Building substitute"],
            "failed": 2,
            "ta": HOSTILE,
            "results": {"coverage": "rotation + building sub", "no-consensus": "literacy: August days"},
        },
    },
    3: {
        "class-size": {
            "interests": [("labor", "Help in heavy classrooms"), ("management", "No hard caps")],
            "options": ["Caps", "Aides"],
            "failed": 3,
            "results": {"no-consensus": "all three"},
        },
    },
}


@pytest.fixture
def class_dir(tmp_path: Path, clock: Clock) -> Path:
    """A class of three tables of the half-day case, one broken file, one plain session."""
    folder = tmp_path / "class"
    folder.mkdir()
    for n, plan in PLANS.items():
        session = new_table("scenario-alder-springs", table=n, tables=3)
        clock.now = datetime(2027, 3, 10, 9, 10, tzinfo=EST)
        play(session, clock, plan)
        store.save_session(session, folder / f"table-{n}.toml", backup=False)
    (folder / "table-4.toml").write_text('schema_version = 1\ntitle = "no closing quote\n', encoding="utf-8")
    store.save_session(Session(title="Not a table"), folder / "notes.toml", backup=False)
    return folder


def test_load_class_summarizes_tables_and_names_broken_files(class_dir):
    result = training.load_class(class_dir)
    assert [t.label for t in result.tables] == ["Table 1", "Table 2", "Table 3"]
    assert [t.agreed for t in result.tables] == [2, 1, 0]
    assert [t.mutual for t in result.tables] == [2, 1, 0]
    assert [t.interests for t in result.tables] == [5, 2, 2]
    assert [t.options for t in result.tables] == [4, 2, 2]
    assert [t.checks for t in result.tables] == [3, 3, 3]
    assert [t.checks_per_consensus for t in result.tables] == [1.5, 3.0, None]
    assert [t.stage_minutes[Stage.INTERESTS] for t in result.tables] == [20, 10, 10]
    assert [b.path.name for b in result.broken] == ["notes.toml", "table-4.toml"]
    assert result.broken[1].lines[0].startswith(f"{class_dir / 'table-4.toml'}:2:")  # FILE:LINE:COL: what
    assert "not a training table" in result.broken[0].lines[0]
    assert result.scenario_names == ["scenario-alder-springs"]


def test_the_text_debrief_compares_the_tables_with_a_bar_chart(class_dir):
    text = debrief_export.render(training.load_class(class_dir), "text")
    assert text.startswith("DEBRIEF: Alder Springs: a three-issue reopener (simulation)\n")
    assert re.search(r"^Issues agreed \(TA\)\s+2 of 3\s+1 of 3\s+0 of 3$", text, re.M)
    assert re.search(r"^Mutual interests\s+2\s+1\s+0$", text, re.M)
    assert re.search(r"^Checks per consensus\s+1\.5\s+3\.0\s+–$", text, re.M)
    assert re.search(r"^Minutes in interests\s+20\s+10\s+10$", text, re.M)
    chart = text[text.index("CHART") : text.index("ISSUES, TABLE BY TABLE")]
    agreed = chart[chart.index("Issues agreed") : chart.index("Mutual interests found")]
    assert (
        "Table 1  " + "█" * 30 + " 2" in agreed
        and "Table 2  " + "█" * 15 + " 1" in agreed
        and re.search(r"Table 3  0$", agreed, re.M)
    )
    assert "Substitute rate $140; coverage paid $40 a period" in text and HOSTILE in text
    assert (
        "consensus on check 3" in text
        and "no consensus"
        not in text.split("RESULTS SHEETS")[0].split("ISSUES, TABLE BY TABLE")[1].split("class-size")[0]
    )
    assert re.search(r"^    Table 1\s+\$40 a period, cap 3$", text, re.M)
    broken = text[text.index("TABLES THAT COULD NOT BE READ") :]
    assert "table-4.toml" in broken and f"{class_dir / 'table-4.toml'}:2:" in broken and "notes.toml" in broken
    assert "DEBRIEF QUESTIONS" in text and "Which issue did your table take first" in text


def test_a_table_that_never_started_and_the_unreadable_ones_are_named_at_the_top(class_dir):
    """A table that did nothing shows "not started" (no zeros that read as a poor table, no bars),
    and the files that could not be read are named in the first lines, not only at the end."""
    store.save_session(new_table("scenario-alder-springs", table=5, tables=5), class_dir / "table-5.toml", backup=False)
    debrief = training.load_class(class_dir)
    assert [t.played for t in debrief.tables] == [True, True, True, False]
    for fmt in ("text", "md", "html"):
        page = debrief_export.render(debrief, fmt)
        head = page[: page.index("Table 1")]
        assert "4 tables compared" in head and "1 not started: Table 5" in head, fmt
        assert "2 could not be read and are not compared: notes.toml, table-4.toml" in head, fmt
    text = debrief_export.render(debrief, "text")
    assert re.search(r"^Played\s+yes\s+yes\s+yes\s+not started$", text, re.M)
    assert re.search(r"^Issues agreed \(TA\)\s+2 of 3\s+1 of 3\s+0 of 3\s+–$", text, re.M)
    chart = text[text.index("CHART") : text.index("ISSUES, TABLE BY TABLE")]
    assert "Table 5" not in chart
    issues = text[text.index("ISSUES, TABLE BY TABLE") : text.index("TENTATIVE AGREEMENTS")]
    assert re.search(r"^    Table 5\s+not started$", issues, re.M)


def test_the_markdown_debrief_has_tables_a_chart_and_escaped_text(class_dir):
    md = debrief_export.render(training.load_class(class_dir), "md")
    assert "| Measure | Table 1 | Table 2 | Table 3 |" in md
    assert "| Issues agreed (TA) | 2 of 3 | 1 of 3 | 0 of 3 |" in md
    assert "## Chart\n\n```text\nIssues agreed (TA)\n  Table 1  " + "█" * 30 + " 2" in md
    assert "```text\n" + HOSTILE + "\n```" in md  # TA language byte for byte, fenced
    assert "## Tables that could not be read" in md and "**table-4.toml**" in md


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.rects: list[int] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "rect":
            self.rects.append(int(dict(attrs)["width"]))

    def handle_data(self, data):
        self.text.append(data)


def test_the_html_debrief_draws_svg_bars_and_escapes_everything(class_dir):
    page = debrief_export.render(training.load_class(class_dir), "html")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    parsed = _Collect()
    parsed.feed(page)
    assert parsed.tags.count("svg") == 6
    assert parsed.rects[:3] == [360, 180, 0]  # issues agreed: 2, 1, 0
    assert HOSTILE in "".join(parsed.text)
    assert "table-4.toml" in page and "could not be read" in page


def test_a_hostile_file_name_is_escaped_in_every_format(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    for name in ("<b>x<i> `y`.toml", "table-2.toml"):
        session = new_table("scenario-early-buses", table=1, tables=2)  # same number twice: labels are file names
        store.save_session(session, folder / name, backup=False)
    result = training.load_class(folder)
    assert [t.label for t in result.tables] == ["<b>x<i> `y`", "table-2"]
    page = debrief_export.render(result, "html")
    assert "<b>x<i>" not in page and "&lt;b&gt;x&lt;i&gt;" in page
    md = debrief_export.render(result, "md")
    outside_code = re.sub(r"```text\n.*?\n```", "", md, flags=re.S)  # in a code block it is shown as text
    assert "<b>" not in outside_code and "\\<b\\>x\\<i\\>" in outside_code
    assert "<b>x<i> `y`" in debrief_export.render(result, "text")


# --- the commands -----------------------------------------------------------------------------


def test_ibb_train_prepares_a_class_of_tables(tmp_path, capsys):
    folder = tmp_path / "monday"
    assert cli.main(["train", "scenario-alder-springs", "--tables", "3", "-o", str(folder)]) == 0
    out = capsys.readouterr().out
    files = [folder / f"table-{n}.toml" for n in (1, 2, 3)]
    assert all(str(p) in out for p in files) and f"ibb debrief {folder}" in out
    for n, path in enumerate(files, start=1):
        session = store.load_session(path)
        assert session.training.table == n and session.training.tables == 3
        assert session.title == f"Alder Springs: a three-issue reopener (simulation): table {n}"
    assert cli.main(["train", "scenario-alder-springs", "--tables", "2", "-o", str(folder)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in sorted(folder.iterdir())] == ["table-1.toml", "table-2.toml", "table-3.toml"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "contract-negotiation", "--tables", "2"], "not a training scenario"),
        (["train", "scenario-early-buses", "--tables", "0"], "from 1 to 60"),
        (["train", "no-such-scenario"], "no agenda named 'no-such-scenario'"),
    ],
)
def test_ibb_train_refuses_what_it_cannot_run(tmp_path, capsys, argv, message):
    assert cli.main([*argv, "-o", str(tmp_path / "out")]) == 1
    assert message in capsys.readouterr().err


def test_ibb_train_one_table_creates_the_file_and_opens_the_app(tmp_path, monkeypatch):
    from ibb_facilitator.tui import app as app_module

    opened: list[Path] = []
    monkeypatch.setattr(app_module.IbbApp, "run", lambda self: opened.append(self.start_path))
    out = tmp_path / "warm-up.toml"
    assert cli.main(["train", "scenario-early-buses", "-o", str(out)]) == 0
    assert opened == [out]
    session = store.load_session(out)
    assert session.training.scenario_name == "scenario-early-buses" and session.training.tables == 1
    assert cli.main(["train", "scenario-early-buses", "-o", str(out)]) == 1  # never over an existing file


def test_ibb_debrief_prints_and_writes_each_format(class_dir, tmp_path, capsys):
    assert cli.main(["debrief", str(class_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("DEBRIEF: ") and "table-4.toml" in out
    html_out = tmp_path / "debrief.html"
    assert cli.main(["debrief", str(class_dir), "-o", str(html_out)]) == 0
    assert html_out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    md_out = tmp_path / "debrief.txt"
    assert cli.main(["debrief", str(class_dir), "--format", "md", "-o", str(md_out)]) == 0
    assert md_out.read_text(encoding="utf-8").startswith("# Debrief: ")
    assert cli.main(["debrief", str(tmp_path / "nowhere")]) == 1
    assert "no such folder" in capsys.readouterr().err


def test_training_and_its_exporter_do_not_import_textual():
    probe = textwrap.dedent(
        """
        import json, sys
        import ibb_facilitator.training, ibb_facilitator.export.debrief, ibb_facilitator.commands.train
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))))
        """
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_round_minutes_fit_the_rounds_to_the_slot(tmp_path, capsys):
    folder = tmp_path / "afternoon"
    assert (
        cli.main(["train", "scenario-maple-valley", "--tables", "2", "--round-minutes", "35", "-o", str(folder)]) == 0
    )
    session = store.load_session(folder / "table-2.toml")
    assert [r.minutes for r in training.scenario_of(session).rounds] == [35, 35]
    assert [r.minutes for r in scenario("scenario-maple-valley").scenario.rounds] == [75, 60]  # the pack is unchanged
    item = scenario("scenario-maple-valley")
    assert [r.minutes for r in training.scenario_of(training.new_table(item, "m", round_minutes=[40, 30])).rounds] == [
        40,
        30,
    ]
    with pytest.raises(ValueError, match="one for each of the 2 rounds"):
        training.new_table(item, "m", round_minutes=[40, 30, 20])
    assert (
        cli.main(["train", "scenario-maple-valley", "--tables", "2", "--round-minutes", "0", "-o", str(tmp_path / "x")])
        == 1
    )
    assert "from 1 to 1440" in capsys.readouterr().err


def test_the_trainers_passphrase_keeps_the_notes_and_is_kept_only_as_a_salted_hash():
    agenda_ = load_agenda(BUNDLED_DIR / "scenario-maple-valley.toml")
    one = training.new_table(agenda_, "scenario-maple-valley", table=1, tables=2, passphrase="zq lake 7q")
    two = training.new_table(agenda_, "scenario-maple-valley", table=2, tables=2, passphrase="zq lake 7q")
    assert training.scenario_of(one).facilitator_notes == agenda_.scenario.facilitator_notes
    key = one.training.trainer_key
    assert key.startswith("scrypt$16384$8$1$") and "zq lake" not in store.dumps_session(one)
    assert key != two.training.trainer_key  # a salt of its own
    assert training.passphrase_ok(one, "zq lake 7q") and training.passphrase_ok(two, "zq lake 7q")
    for wrong in ("", "zq lake 7q ", "ZQ LAKE 7Q", "zq"):
        assert not training.passphrase_ok(one, wrong)
    reloaded = store.loads_session(store.dumps_session(one), "t.toml")
    assert training.passphrase_ok(reloaded, "zq lake 7q")
    for damaged in ("", "scrypt$1$2", "md5$x$y$z$a$b", "scrypt$16384$8$1$!!$!!", "scrypt$99999999999$8$1$AA==$AA=="):
        reloaded.training.trainer_key = damaged
        assert not training.passphrase_ok(reloaded, "zq lake 7q")
    with pytest.raises(ValueError, match="at least 6 characters"):
        training.new_table(agenda_, "scenario-maple-valley", passphrase="short")


def test_ibb_train_takes_the_passphrase_from_standard_input_and_refuses_a_short_one(tmp_path, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("zq lake 7q\n"))
    assert (
        cli.main(["train", "scenario-maple-valley", "--tables", "2", "-o", str(tmp_path / "class"), "--passphrase"])
        == 0
    )
    for n in (1, 2):
        table = store.load_session(tmp_path / "class" / f"table-{n}.toml")
        assert training.passphrase_ok(table, "zq lake 7q") and training.scenario_of(table).facilitator_notes
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["train", "scenario-maple-valley", "--tables", "2", "-o", str(tmp_path / "b"), "--passphrase"]) == 1
    assert "at least 6 characters: nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()
    assert cli.main(["train", "scenario-maple-valley", "--tables", "1", "-o", str(tmp_path / "c")]) == 0
    assert "not in the table files (--passphrase keeps them" in capsys.readouterr().out
