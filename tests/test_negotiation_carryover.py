"""The next session of a negotiation (``negotiation.carryover``), and the session-level records
that go with it: the previous minutes accepted or corrected, a TA that amends a ratified package."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from negotiation_world import agree, first_session, new_session, write_first

from ibb_facilitator import editing, store, timeline
from ibb_facilitator.editing import RuleError
from ibb_facilitator.history import History
from ibb_facilitator.model import ActionKind, IssueStatus, MinutesVerdict, Session, Stage
from ibb_facilitator.negotiation.carryover import CarryError, carry, id_floor, next_path, next_title
from ibb_facilitator.process import rule_problems, status_change_problem


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def carried(tmp_path: Path) -> tuple[Session, Session, dict[str, str], Path]:
    path, ids = write_first(tmp_path)
    before = _digest(path)
    previous = store.load_session(path)
    nxt = carry(previous, path.name)
    assert _digest(path) == before  # carrying only reads the earlier file
    return previous, nxt, ids, path


def test_the_frame_carries(carried) -> None:
    previous, nxt, _, _ = carried
    assert nxt.title == "Lakeview 2027 successor contract, session 2"
    assert nxt.parties == previous.parties and nxt.ground_rules == previous.ground_rules
    assert nxt.decision_rule == previous.decision_rule and nxt.facilitators == previous.facilitators
    assert nxt.id != previous.id and nxt.events == [] and nxt.agreements == [] and nxt.caucuses == []
    assert nxt.previous is not None
    assert (nxt.previous.file, nxt.previous.session, nxt.previous.title) == (
        "session-1.toml",
        previous.id,
        previous.title,
    )
    assert nxt.previous.minutes is None


def test_open_issues_carry_whole_with_their_ids(carried) -> None:
    previous, nxt, ids, _ = carried
    for key in ("salary", "class"):
        old, new = previous.issue(ids[key]), nxt.issue(ids[key])
        assert new is not None and new.carried_from == "session-1.toml"
        assert new.interests == old.interests and new.options == old.options and new.criteria == old.criteria
        assert new.checks == old.checks and new.proposal == old.proposal and new.status is old.status
    assert nxt.issue(ids["salary"]).options[0].scores  # the scores come with their criteria
    assert nxt.cursor.issue == ids["salary"]


def test_an_agreed_issue_is_listed_with_a_link_to_its_ta(carried) -> None:
    previous, nxt, ids, _ = carried
    issue = nxt.issue(ids["planning"])
    assert issue is not None and issue.status is IssueStatus.AGREED
    assert issue.interests == [] and issue.checks == [] and issue.carried_from == "session-1.toml"
    link = issue.agreed_in
    ta = previous.agreements[0]
    assert (link.file, link.session, link.ta, link.date, link.title) == (
        "session-1.toml",
        previous.id,
        ta.id,
        ta.date,
        "Common planning",
    )
    assert rule_problems(nxt) == []  # agreed, its TA in another file: valid


def test_withdrawn_issues_and_closed_items_stay_behind(carried) -> None:
    _, nxt, ids, _ = carried
    assert nxt.issue(ids["buses"]) is None
    assert {a.id for a in nxt.actions} == {ids["request"], ids["bus_request"], ids["action"]}
    bus = next(a for a in nxt.actions if a.id == ids["bus_request"])
    assert bus.issue is None and bus.carried_from == "session-1.toml"  # its issue stayed behind
    request = next(a for a in nxt.actions if a.id == ids["request"])
    assert request.kind is ActionKind.INFO_REQUEST and request.issue == ids["salary"]
    assert [p.id for p in nxt.parking_lot] == [ids["park"]] and nxt.parking_lot[0].carried_from == "session-1.toml"


def test_new_ids_never_reuse_the_negotiations(carried) -> None:
    previous, nxt, ids, _ = carried
    floor = id_floor(previous)
    assert floor["issue"] == 4 and floor["ta"] == 1
    assert nxt.previous.ids == floor
    new = editing.add_issue(nxt, "A new issue")
    assert new.id == "issue-5"  # issue-4 (withdrawn, not carried) is not handed out again
    ta = agree(nxt, ids["salary"], "9.1 Salaries rise 3 % a year.")
    assert ta.id == "ta-2"
    third = carry(nxt, "session-2.toml")
    assert third.previous.ids["issue"] == 5 and third.previous.ids["ta"] == 2


def test_the_carried_file_round_trips_and_validates(carried, tmp_path: Path) -> None:
    _, nxt, _, _ = carried
    out = tmp_path / "session-2.toml"
    store.save_session(nxt, out)
    text = out.read_text()
    assert "[previous]" in text and 'carried_from = "session-1.toml"' in text and "[issues.agreed_in]" in text
    again = store.load_session(out)
    assert again == nxt
    assert store.dumps_session(again) == text


def test_an_old_file_opens_and_keeps_its_layout() -> None:
    s, _ = first_session()
    text = store.dumps_session(s)
    for key in ("[previous]", "carried_from =", "agreed_in", "amends_ratified ="):
        assert key not in text  # the new keys are left out when unused: old files keep their layout


def test_titles_and_paths(tmp_path: Path) -> None:
    assert next_title("Spring 2027, session 3") == "Spring 2027, session 4"
    assert next_title("Lakeview bargaining day 9") == "Lakeview bargaining day 10"
    assert next_title("Lakeview") == "Lakeview (next session)"
    assert next_title("Lakeview (next session)") == "Lakeview (next session)"
    (tmp_path / "session-2.toml").write_text("")
    assert next_path(tmp_path / "session-1.toml") == tmp_path / "session-3.toml"
    assert next_path(tmp_path / "day09.toml") == tmp_path / "day10.toml"
    assert next_path(tmp_path / "spring.toml") == tmp_path / "spring-next.toml"


def test_a_training_table_is_not_carried(tmp_path: Path) -> None:
    from ibb_facilitator.model import TrainingState

    s = new_session()
    s.training = TrainingState(scenario_name="x", scenario={})
    with pytest.raises(CarryError, match="training table"):
        carry(s, "t.toml")


# --- an issue agreed in an earlier session ----------------------------------------------------


def test_a_linked_agreed_issue_reopens_and_is_agreed_again(carried) -> None:
    _, nxt, ids, _ = carried
    issue = nxt.issue(ids["planning"])
    editing.set_status(nxt, issue.id, IssueStatus.OPEN)  # reopened: the earlier TA stands until replaced
    assert status_change_problem(nxt, issue, IssueStatus.AGREED) is None  # its earlier TA still stands
    editing.set_status(nxt, issue.id, IssueStatus.AGREED)
    editing.set_status(nxt, issue.id, IssueStatus.OPEN)
    editing.set_stage(nxt, issue.id, Stage.CONSENSUS)
    ta = agree(nxt, issue.id, "16.4 Two common planning periods a week.")
    assert issue.status is IssueStatus.AGREED and ta.standing and issue.agreed_in is not None


def test_an_agreed_issue_without_any_ta_is_still_refused() -> None:
    s = new_session()
    issue = editing.add_issue(s, "x")
    issue.status = IssueStatus.AGREED
    assert rule_problems(s) == [("issues[0].status", "an agreed issue needs a tentative agreement")]


# --- the previous minutes --------------------------------------------------------------------


def test_minutes_accepted_or_corrected(carried) -> None:
    _, nxt, _, _ = carried
    history = History()
    history.checkpoint(nxt, "minutes")
    editing.record_minutes(nxt, MinutesVerdict.ACCEPTED)
    assert nxt.previous.minutes is MinutesVerdict.ACCEPTED and nxt.previous.minutes_at is not None
    assert nxt.events[-1].action == "minutes.record" and nxt.events[-1].summary == "Minutes of session-1.toml accepted"
    history.checkpoint(nxt, "minutes corrected")
    editing.record_minutes(nxt, "corrected", "Ben Hale was present all day.")
    assert (nxt.previous.minutes, nxt.previous.correction) == (
        MinutesVerdict.CORRECTED,
        "Ben Hale was present all day.",
    )
    assert history.undo(nxt) == "minutes corrected"
    assert nxt.previous.minutes is MinutesVerdict.ACCEPTED and nxt.previous.correction == ""
    assert history.undo(nxt) == "minutes"
    assert nxt.previous.minutes is None


def test_minutes_refusals(carried) -> None:
    _, nxt, _, _ = carried
    with pytest.raises(RuleError, match="the correction cannot be empty"):
        editing.record_minutes(nxt, "corrected", "  ")
    with pytest.raises(RuleError, match="carry no correction"):
        editing.record_minutes(nxt, "accepted", "a fix")
    with pytest.raises(RuleError, match="not accepted or corrected"):
        editing.record_minutes(nxt, "approved")
    with pytest.raises(RuleError, match="not carried over"):
        editing.record_minutes(new_session(), "accepted")
    assert nxt.previous.minutes is None and nxt.events == []


def test_a_file_with_a_correction_of_accepted_minutes_is_refused(carried, tmp_path: Path) -> None:
    _, nxt, _, _ = carried
    path = tmp_path / "s2.toml"
    store.save_session(nxt, path)
    text = path.read_text().replace("[previous]\n", '[previous]\nminutes = "accepted"\ncorrection = "x"\n')
    path.write_text(text)
    with pytest.raises(store.StoreError, match=r"previous: a correction goes only with minutes = \"corrected\""):
        store.load_session(path)


def test_minutes_replay_in_review(carried) -> None:
    _, nxt, _, _ = carried
    editing.add_issue(nxt, "something first")
    editing.record_minutes(nxt, "corrected", "Dana Liu chaired.")
    assert timeline.state_after(nxt, 1).previous.minutes is None
    after = timeline.state_after(nxt, 2).previous
    assert (after.minutes, after.correction) == (MinutesVerdict.CORRECTED, "Dana Liu chaired.")


# --- a TA that amends a ratified package --------------------------------------------------------


def test_a_ta_says_it_amends_the_ratified_package() -> None:
    s = new_session()
    issue = editing.add_issue(s, "x")
    ta = agree(s, issue.id, "language", on=date(2027, 3, 1))
    history = History()
    history.checkpoint(s, "amends")
    editing.set_amends_ratified(s, ta.id, "  Replaces the salary schedule ratified on 20 March  ")
    assert ta.amends_ratified == "Replaces the salary schedule ratified on 20 March"
    assert s.events[-1].action == "ta.amends"
    n = len(s.events)
    assert timeline.state_after(s, n - 1).agreements[0].amends_ratified == ""
    assert timeline.state_after(s, n).agreements[0].amends_ratified == ta.amends_ratified
    history.undo(s)
    assert s.agreements[0].amends_ratified == ""
