"""The bundled agendas, finding agendas on disk, and how broken agenda files are refused."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from ibb_facilitator import agenda, cli, store
from ibb_facilitator.agenda import BUNDLED_DIR, Agenda, load_agenda
from ibb_facilitator.model import JOINT, Method, Role, Side, Stage
from ibb_facilitator.store import StoreError

EXPECTED = {
    "contract-negotiation": "negotiation",
    "joint-problem-solving": "problem_solving",
    "ibb-training-day": "training",
    "scenario-maple-valley": "scenario",
    "scenario-early-buses": "scenario",
    "scenario-alder-springs": "scenario",
}
BUNDLED_FILES = sorted(BUNDLED_DIR.glob("*.toml"))


@pytest.fixture
def user_data(user_dirs) -> Path:
    """The user's data folder (``IBB_DATA_DIR``, this test's own: conftest's ``user_dirs``)."""
    return user_dirs.data


@pytest.fixture
def user_agendas(user_data) -> Path:
    folder = user_data / "agendas"
    folder.mkdir(parents=True)
    return folder


def bundled(name: str) -> Agenda:
    return load_agenda(BUNDLED_DIR / f"{name}.toml")


SMALL_AGENDA = """\
title = "{title}"
description = "{description}"
kind = "problem_solving"

[[parties]]
id = "labor"
name = "Union"
short = "U"

[[issues]]
statement = "How can we start meetings on time?"
"""


def write_agenda(folder: Path, name: str, title: str = "Mine", description: str = "My own agenda") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(SMALL_AGENDA.format(title=title, description=description), encoding="utf-8")
    return path


# --- the bundled agendas ----------------------------------------------------------------------


def test_the_four_agendas_ship_and_nothing_else():
    assert {p.stem for p in BUNDLED_FILES} == set(EXPECTED)


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.stem)
def test_every_bundled_agenda_loads(path):
    item = load_agenda(path)
    assert isinstance(item, Agenda)
    assert item.kind == EXPECTED[path.stem]
    assert item.description and "\n" not in item.description
    assert {p.id for p in item.parties} >= {"labor", "management"}
    labor = next(p for p in item.parties if p.id == "labor")
    management = next(p for p in item.parties if p.id == "management")
    assert (labor.short, labor.side) == ("U", Side.LABOR)
    assert (management.short, management.side) == ("M", Side.MANAGEMENT)
    assert item.ground_rules and item.criteria_starters and item.meeting_days and item.issues
    for issue in item.issues:
        assert issue.statement.startswith("How can we ") and issue.statement.endswith("?"), issue.statement
        assert issue.id and issue.article and issue.data_needed
    assert set(item.time_boxes) == set(Stage)


def _minutes_of_day(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.stem)
def test_meeting_day_blocks_follow_one_another(path):
    """Each block starts when the one before it ends: the printed schedule adds up."""
    for day in load_agenda(path).meeting_days:
        assert day.blocks, day.title
        for block, following in zip(day.blocks, day.blocks[1:]):
            assert block.minutes > 0
            assert _minutes_of_day(block.time) + block.minutes == _minutes_of_day(following.time), (
                day.title,
                block.title,
            )


def test_contract_negotiation_is_a_full_successor_negotiation():
    item = bundled("contract-negotiation")
    assert 8 <= len(item.ground_rules) <= 10
    rules = " ".join(item.ground_rules).lower()
    for topic in (
        "caucus",
        "official record",
        "press",
        "observer",
        "session 2",
        "initial",
        "nothing is agreed until everything is agreed",
    ):
        assert topic in rules, topic
    assert len(item.meeting_days) == 5
    assert 10 <= len(item.issues) <= 14
    ids = [i.id for i in item.issues]
    assert len(set(ids)) == len(ids)
    assert {"salary", "health-insurance", "class-size", "evaluation", "reduction-in-force", "grievance"} <= set(ids)
    assert {i.raised_by for i in item.issues} == {JOINT, "labor", "management"}
    rule = item.decision_rule
    assert rule.method is Method.FIST_TO_FIVE and rule.fist_minimum == 3 and rule.fallback
    for party in item.parties:
        roles = {m.role for m in party.members}
        assert {Role.SPOKESPERSON, Role.NOTE_TAKER, Role.DECISION_MAKER} <= roles, party.id
    titles = " ".join(m.title.lower() for p in item.parties for m in p.members)
    for title in ("union president", "superintendent", "school committee chair", "human resources", "business manager"):
        assert title in titles, title


def test_joint_problem_solving_sets_criteria_before_options():
    item = bundled("joint-problem-solving")
    assert item.stage_order == [Stage.ISSUES, Stage.INTERESTS, Stage.CRITERIA, Stage.OPTIONS, Stage.CONSENSUS]
    assert item.decision_rule.method is Method.GRADIENTS
    assert len(item.issues) == 1 and len(item.meeting_days) == 1
    assert len(item.parties) == 3  # a third party at the table: nothing assumes two
    blocks = [b.title.lower() for b in item.meeting_days[0].blocks]
    criteria = next(n for n, t in enumerate(blocks) if t.startswith("criteria"))
    options = next(n for n, t in enumerate(blocks) if t.startswith("options"))
    assert criteria < options


def test_training_day_is_eight_hours_and_ends_with_the_go_no_go_caucus():
    item = bundled("ibb-training-day")
    (day,) = item.meeting_days
    first, last = day.blocks[0], day.blocks[-1]
    assert _minutes_of_day(last.time) + last.minutes - _minutes_of_day(first.time) == 8 * 60
    titles = " | ".join(b.title.lower() for b in day.blocks)
    for part in (
        "welcome",
        "concepts",
        "positions vs interests",
        "brainstorm",
        "consensus",
        "simulation",
        "debrief",
        "caucus",
    ):
        assert part in titles, part
    assert any("ibb" in b.title.lower() and "caucus" in b.title.lower() for b in day.blocks)
    assert 1 <= len(item.issues) <= 2


def test_maple_valley_scenario_has_briefs_rounds_and_a_debrief():
    item = bundled("scenario-maple-valley")
    scenario = item.scenario
    assert scenario is not None
    assert len(scenario.general_brief.split("\n\n")) >= 4
    assert "$52.4 million" in scenario.general_brief
    side_briefs = {b.party for b in scenario.briefs if not b.role}
    assert side_briefs == {"labor", "management"}
    assert all(b.text.strip() for b in scenario.briefs)
    assert len(scenario.rounds) == 2
    first, second = scenario.rounds
    assert not first.facts and "state foundation aid" in second.facts
    issue_ids = {i.id for i in item.issues}
    for rnd in scenario.rounds:
        assert rnd.issues and set(rnd.issues) <= issue_ids
    assert "staffing" in second.issues and "staffing" not in first.issues
    assert scenario.results_fields and len(scenario.debrief_questions) >= 5 and scenario.facilitator_notes


def test_maple_valley_numbers_agree_with_each_other():
    """The example packages in the facilitator notes fit the limits in the confidential briefs."""
    step, one_percent = 275_000, 172_000
    premium = 5_200_000
    design = 0.955

    def district_rise(renewal: float, share: float, plan_design: bool = False) -> float:
        total = premium * renewal * (design if plan_design else 1)
        return total * share - premium * 0.75

    notes = bundled("scenario-maple-valley").scenario.facilitator_notes
    round1 = step + district_rise(1.087, 0.75, True) + 2 * one_percent
    round2 = step + district_rise(1.112, 0.74, True) + 1 * one_percent
    assert round1 <= 780_000 and f"${round(round1, -2):,.0f}" in notes
    assert round2 <= 640_000 and f"${round(round2, -2):,.0f}" in notes
    assert f"${round(district_rise(1.112, 0.75), -2):,.0f}" in bundled("scenario-maple-valley").scenario.rounds[1].facts


# --- sessions from agendas --------------------------------------------------------------------


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.stem)
def test_a_new_session_survives_a_save_and_a_load(path):
    item = load_agenda(path)
    start = date(2027, 3, 1)
    session = agenda.new_session(item, path.stem, start=start)
    assert session.agenda == path.stem and session.title == item.title
    assert session.meeting_days == [start + timedelta(days=n) for n in range(len(item.meeting_days))]
    assert [i.statement for i in session.issues] == [i.statement for i in item.issues]
    assert [p.id for p in session.parties] == [p.id for p in item.parties]
    assert session.ground_rules == item.ground_rules and session.decision_rule == item.decision_rule
    assert session.stage_order == item.stage_order and session.time_boxes == item.time_boxes
    assert session.cursor.issue == session.issues[0].id
    text = store.dumps_session(session)
    again = store.loads_session(text, f"{path.stem}.toml")
    assert again == session
    assert store.dumps_session(again) == text


# --- finding agendas --------------------------------------------------------------------------


def test_discover_lists_bundled_then_user_agendas(user_agendas):
    write_agenda(user_agendas, "staff-meeting", title="Staff meeting norms")
    entries = agenda.discover(user_dir=user_agendas)
    names = [(e.name, e.source) for e in entries]
    assert names == [*((n, "bundled") for n in sorted(EXPECTED)), ("staff-meeting", "user")]
    mine = entries[-1]
    assert mine.agenda is not None and mine.agenda.title == "Staff meeting norms" and mine.error is None
    assert mine.path == user_agendas / "staff-meeting.toml"


def test_discover_reads_the_user_folder_from_ibb_data_dir(user_agendas):
    write_agenda(user_agendas, "staff-meeting")
    assert "staff-meeting" in [e.name for e in agenda.discover()]


def test_discover_without_a_user_folder_lists_the_bundled_ones(tmp_path):
    entries = agenda.discover(user_dir=tmp_path / "does-not-exist")
    assert [e.name for e in entries] == sorted(EXPECTED)
    assert all(e.source == "bundled" and e.agenda is not None for e in entries)


def test_a_user_agenda_with_a_bundled_name_shadows_it(user_agendas):
    write_agenda(user_agendas, "contract-negotiation", title="Our own contract agenda")
    entries = agenda.discover(user_dir=user_agendas)
    same = [e for e in entries if e.name == "contract-negotiation"]
    assert len(same) == 1
    assert same[0].source == "user" and same[0].agenda.title == "Our own contract agenda"
    name, found = agenda.find("contract-negotiation", user_dir=user_agendas)
    assert (name, found.title) == ("contract-negotiation", "Our own contract agenda")


def test_a_broken_user_agenda_is_listed_with_its_error(user_agendas):
    (user_agendas / "aaa-broken.toml").write_text('title = "no closing quote\n', encoding="utf-8")
    (user_agendas / "bad-field.toml").write_text('title = "T"\ndescription = "d"\nkind = "party"\n', encoding="utf-8")
    write_agenda(user_agendas, "zzz-fine")
    entries = {e.name: e for e in agenda.discover(user_dir=user_agendas)}
    assert set(EXPECTED) <= set(entries)
    broken = entries["aaa-broken"]
    assert broken.agenda is None and broken.source == "user"
    assert broken.error.startswith(f"{user_agendas / 'aaa-broken.toml'}:1:")
    bad = entries["bad-field"]
    assert bad.agenda is None and f"{user_agendas / 'bad-field.toml'}:3: kind:" in bad.error
    assert entries["zzz-fine"].agenda is not None  # listing went on after the broken ones
    with pytest.raises(LookupError, match=r"aaa-broken\.toml:1:"):
        agenda.find("aaa-broken", user_dir=user_agendas)


def test_find_by_name(user_agendas):
    name, item = agenda.find("scenario-maple-valley", user_dir=user_agendas)
    assert name == "scenario-maple-valley" and item.kind == "scenario"
    write_agenda(user_agendas, "staff-meeting", title="Staff meeting norms")
    assert agenda.find("staff-meeting", user_dir=user_agendas)[1].title == "Staff meeting norms"


def test_find_by_path(tmp_path):
    path = write_agenda(tmp_path, "elsewhere", title="Kept somewhere else")
    name, item = agenda.find(str(path))
    assert (name, item.title) == ("elsewhere", "Kept somewhere else")
    name, item = agenda.find(str(BUNDLED_DIR / "ibb-training-day.toml"))
    assert (name, item.kind) == ("ibb-training-day", "training")


def test_find_an_unknown_name_names_the_available_agendas(user_agendas):
    write_agenda(user_agendas, "staff-meeting")
    with pytest.raises(LookupError) as caught:
        agenda.find("contract-negotiations", user_dir=user_agendas)
    message = str(caught.value)
    assert "'contract-negotiations'" in message
    for name in (*EXPECTED, "staff-meeting"):
        assert name in message


def test_find_a_missing_path_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="no such file"):
        agenda.find(str(tmp_path / "nowhere.toml"))


# --- broken scenarios are refused with file, line and field -----------------------------------

SCENARIO = """\
title = "Practice"
description = "A small scenario"
kind = "scenario"

[[parties]]
id = "labor"
name = "Union"
short = "U"

[[parties]]
id = "management"
name = "District"
short = "M"

[[issues]]
id = "pay"
statement = "How can we pay fairly?"

[scenario]  # SCENARIO
general_brief = \"\"\"
A district of 1,200 students.
\"\"\"

[[scenario.briefs]]
party = "labor"
text = "Your interests."

[[scenario.briefs]]  # BRIEF
party = "management"
text = "Theirs."

[[scenario.rounds]]
title = "Round 1"
minutes = 30
issues = ["pay"]

[[scenario.rounds]]  # ROUND
title = "Round 2"
minutes = 20  # MINUTES
issues = ["pay"]  # ISSUES
"""


def _line(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.endswith(f"# {marker}"))


def _refused(tmp_path: Path, text: str) -> str:
    path = tmp_path / "practice.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        load_agenda(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:"), message
    return message


def test_the_well_formed_scenario_loads(tmp_path):
    path = tmp_path / "practice.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    assert len(load_agenda(path).scenario.rounds) == 2


def test_a_round_with_no_minutes_is_refused(tmp_path):
    text = SCENARIO.replace("minutes = 20  # MINUTES\n", "")
    message = _refused(tmp_path, text)
    assert f"practice.toml:{_line(text, 'ROUND')}: scenario.rounds[1].minutes: required field is missing" in message


def test_a_round_of_zero_minutes_is_refused(tmp_path):
    text = SCENARIO.replace("minutes = 20", "minutes = 0")
    message = _refused(tmp_path, text)
    assert f"practice.toml:{_line(text, 'MINUTES')}: scenario.rounds[1].minutes:" in message


def test_a_scenario_without_a_general_brief_is_refused(tmp_path):
    text = re.sub(r'general_brief = """.*?"""\n', "", SCENARIO, flags=re.S)
    message = _refused(tmp_path, text)
    assert f"practice.toml:{_line(text, 'SCENARIO')}: scenario.general_brief: required field is missing" in message


def test_an_empty_general_brief_is_refused(tmp_path):
    text = re.sub(r'general_brief = """.*?"""\n', 'general_brief = ""\n', SCENARIO, flags=re.S)
    message = _refused(tmp_path, text)
    assert f"practice.toml:{_line(text, 'SCENARIO') + 1}: scenario.general_brief:" in message


def _line_and_text(message: str) -> tuple[int, str]:
    found = re.match(r"^.+?practice\.toml:(\d+): (.+)$", message)
    assert found, message
    return int(found.group(1)), found.group(2)


def test_a_brief_for_an_unknown_party_is_refused(tmp_path):
    message = _refused(tmp_path, SCENARIO.replace('party = "management"', 'party = "parents"'))
    line, rest = _line_and_text(message)
    assert line >= 1
    assert "scenario.briefs" in rest and "'parents'" in rest


def test_a_round_naming_an_unknown_issue_is_refused(tmp_path):
    message = _refused(
        tmp_path, SCENARIO.replace('issues = ["pay"]  # ISSUES', 'issues = ["pay", "pension"]  # ISSUES')
    )
    line, rest = _line_and_text(message)
    assert line >= 1
    assert "scenario.rounds" in rest and "'pension'" in rest


@pytest.mark.parametrize(
    ("old", "new", "marker", "field"),
    [
        ('party = "management"', 'party = "parents"', "BRIEF", "scenario.briefs[1].party"),
        ('issues = ["pay"]  # ISSUES', 'issues = ["pension"]  # ISSUES', "ISSUES", "scenario.rounds[1].issues"),
    ],
    ids=["unknown-party", "unknown-issue"],
)
def test_cross_reference_errors_point_at_their_line(tmp_path, old, new, marker, field):
    text = SCENARIO.replace(old, new)
    message = _refused(tmp_path, text)
    expected_line = _line(text, marker) + (1 if marker == "BRIEF" else 0)
    assert f"practice.toml:{expected_line}: {field}" in message


# --- the command line -------------------------------------------------------------------------


def test_ibb_validate_accepts_every_bundled_agenda(capsys):
    assert cli.main(["validate", *map(str, BUNDLED_FILES)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    for path in BUNDLED_FILES:
        assert f"{path}: ok (agenda," in out
    assert "training scenario" in out


def test_ibb_validate_refuses_a_broken_scenario(tmp_path, capsys):
    path = tmp_path / "practice.toml"
    path.write_text(SCENARIO.replace("minutes = 20  # MINUTES\n", ""), encoding="utf-8")
    assert cli.main(["validate", str(BUNDLED_FILES[0]), str(path)]) == 1
    out, err = capsys.readouterr()
    assert f"{BUNDLED_FILES[0]}: ok" in out
    assert f"{path}:{_line(SCENARIO, 'ROUND')}: scenario.rounds[1].minutes" in err


def test_ibb_agendas_lists_names_and_descriptions(user_agendas, capsys):
    write_agenda(user_agendas, "staff-meeting", description="Norms for our staff meetings")
    (user_agendas / "broken.toml").write_text("title = 3\n", encoding="utf-8")
    assert cli.main(["agendas"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    for name in EXPECTED:
        description = bundled(name).description
        assert any(re.match(rf"^{re.escape(name)}\s+{re.escape(description)}$", line) for line in lines), name
    assert any(re.match(r"^staff-meeting\s+Norms for our staff meetings  \(yours\)$", line) for line in lines)
    assert any(line.startswith("broken") and "BROKEN:" in line for line in lines)
    assert str(user_agendas) in out
