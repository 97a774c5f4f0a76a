"""Every change through ``editing``: it changes the session, logs one event, and a refused change
(RuleError) leaves the session exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from conftest import LABOR_VOTERS, MANAGEMENT_VOTERS, VOTERS, fist

from ibb_facilitator import editing, process
from ibb_facilitator.editing import RuleError
from ibb_facilitator.model import (
    MUTUAL,
    ActionKind,
    InterestKind,
    IssueStatus,
    Method,
    OptionState,
    Outcome,
    Response,
    Session,
    Stage,
    integrity_problems,
    now,
)


def snapshot(session: Session) -> dict[str, Any]:
    return session.model_dump()


def assert_one_event(session: Session, before: int, action: str, target: str | None = None) -> None:
    new = session.events[before:]
    assert [e.action for e in new] == [action]
    event = new[0]
    assert event.at.tzinfo is not None and event.at.utcoffset() is not None
    if target is not None:
        assert event.target == target


# --- each operation: its change and its one event ---------------------------------------------


def test_add_issue(session: Session) -> None:
    issue = editing.add_issue(
        session, "How can we keep class sizes small?", raised_by="labor", article="Art. 9", data_needed="Enrollment"
    )
    assert session.issues == [issue]
    assert (issue.id, issue.raised_by, issue.article, issue.data_needed) == ("issue-1", "labor", "Art. 9", "Enrollment")
    assert issue.stage is session.stage_order[0] and issue.status is IssueStatus.OPEN
    assert session.cursor.issue == issue.id  # the first issue is where the room is
    assert_one_event(session, 0, "issue.add", issue.id)
    assert session.events[0].data == {
        "statement": "How can we keep class sizes small?",
        "raised_by": "labor",
        "article": "Art. 9",
        "data_needed": "Enrollment",
    }
    second = editing.add_issue(session, "How can we B?")
    assert second.raised_by == "joint" and session.cursor.issue == issue.id


def test_edit_issue(populated: Session) -> None:
    n = len(populated.events)
    issue = editing.edit_issue(
        populated,
        "issue-2",
        statement="How can we protect planning time?",
        raised_by="labor",
        article="Art. 4",
        data_needed="Schedules",
        notes="Check the bell times",
    )
    assert (issue.statement, issue.raised_by, issue.article, issue.data_needed, issue.notes) == (
        "How can we protect planning time?",
        "labor",
        "Art. 4",
        "Schedules",
        "Check the bell times",
    )
    assert_one_event(populated, n, "issue.edit", "issue-2")
    editing.edit_issue(populated, "issue-2", notes="")
    assert issue.notes == "" and issue.statement == "How can we protect planning time?"


def test_move_issue(populated: Session) -> None:
    n = len(populated.events)
    assert editing.move_issue(populated, "issue-3", -5) == 0
    assert [i.id for i in populated.issues] == ["issue-3", "issue-1", "issue-2"]
    assert_one_event(populated, n, "issue.move", "issue-3")
    assert editing.move_issue(populated, "issue-3", 99) == 2
    assert [i.id for i in populated.issues] == ["issue-1", "issue-2", "issue-3"]


def test_set_status_logs_old_and_new(populated: Session) -> None:
    n = len(populated.events)
    editing.set_status(populated, "issue-3", IssueStatus.PARKED)
    assert populated.issue("issue-3").status is IssueStatus.PARKED  # type: ignore[union-attr]
    assert_one_event(populated, n, "issue.status", "issue-3")
    assert populated.events[-1].data == {"status": "parked", "previous": "open"}


def test_set_stage_moves_issue_and_cursor(populated: Session) -> None:
    n = len(populated.events)
    editing.set_stage(populated, "issue-3", Stage.CRITERIA)
    assert populated.issue("issue-3").stage is Stage.CRITERIA  # type: ignore[union-attr]
    assert (populated.cursor.issue, populated.cursor.stage) == ("issue-3", Stage.CRITERIA)
    assert_one_event(populated, n, "issue.stage", "issue-3")


def test_leaving_options_ends_the_brainstorm_with_its_own_event(populated: Session) -> None:
    editing.set_stage(populated, "issue-3", Stage.OPTIONS)
    editing.set_brainstorm(populated, "issue-3", True)
    n = len(populated.events)
    editing.set_stage(populated, "issue-3", Stage.CRITERIA)
    assert not populated.issue("issue-3").brainstorming  # type: ignore[union-attr]
    assert [e.action for e in populated.events[n:]] == ["brainstorm.end", "issue.stage"]


def test_set_cursor_logs_nothing(populated: Session) -> None:
    n = len(populated.events)
    editing.set_cursor(populated, "issue-3", Stage.OPTIONS)
    assert (populated.cursor.issue, populated.cursor.stage) == ("issue-3", Stage.OPTIONS)
    editing.set_cursor(populated, None)
    assert populated.cursor.issue is None and populated.cursor.stage is Stage.OPTIONS
    assert len(populated.events) == n


def test_add_and_edit_interest(populated: Session) -> None:
    n = len(populated.events)
    interest = editing.add_interest(
        populated, "issue-3", "Feedback that helps teachers grow", MUTUAL, InterestKind.PROCEDURAL
    )
    assert populated.issue("issue-3").interests == [interest]  # type: ignore[union-attr]
    assert (interest.holder, interest.kind) == (MUTUAL, InterestKind.PROCEDURAL)
    assert_one_event(populated, n, "interest.add", interest.id)
    assert populated.events[-1].summary == "Interest (B): Feedback that helps teachers grow"

    editing.edit_interest(populated, "issue-3", interest.id, text="Useful feedback", holder="management")
    assert (interest.text, interest.holder, interest.kind) == ("Useful feedback", "management", InterestKind.PROCEDURAL)
    assert_one_event(populated, n + 1, "interest.edit", interest.id)
    editing.edit_interest(populated, "issue-3", interest.id, kind=None)
    assert interest.kind is None and interest.text == "Useful feedback"


def test_cycle_holder_goes_round_the_parties_then_mutual(populated: Session) -> None:
    interest = editing.add_interest(populated, "issue-3", "x", "labor")
    seen = []
    for _ in range(4):
        n = len(populated.events)
        seen.append(editing.cycle_holder(populated, "issue-3", interest.id).holder)
        assert_one_event(populated, n, "interest.edit", interest.id)
    assert seen == ["management", MUTUAL, "labor", "management"]


def test_remove_interest_unlinks_options(populated: Session) -> None:
    issue = populated.issue("issue-1")
    n = len(populated.events)
    editing.remove_interest(populated, "issue-1", "interest-1")
    assert [i.id for i in issue.interests] == ["interest-2", "interest-3"]  # type: ignore[union-attr]
    assert all("interest-1" not in o.serves for o in issue.options)  # type: ignore[union-attr]
    assert_one_event(populated, n, "interest.remove", "interest-1")
    assert integrity_problems(populated) == []


@pytest.mark.parametrize(
    "kind, item_id", [("interest", "interest-3"), ("option", "option-5"), ("criterion", "criterion-2")]
)
def test_move_item(populated: Session, kind: str, item_id: str) -> None:
    issue = populated.issue("issue-1")
    group = {"interest": issue.interests, "option": issue.options, "criterion": issue.criteria}[kind]  # type: ignore[union-attr]
    n = len(populated.events)
    assert editing.move_item(populated, "issue-1", kind, item_id, -10) == 0
    assert group[0].id == item_id
    assert_one_event(populated, n, f"{kind}.move", item_id)


def test_brainstorm_toggle_logs_only_real_changes(populated: Session) -> None:
    n = len(populated.events)
    editing.set_brainstorm(populated, "issue-2", True)
    editing.set_brainstorm(populated, "issue-2", True)
    assert [e.action for e in populated.events[n:]] == ["brainstorm.start"]
    editing.set_brainstorm(populated, "issue-2", False)
    assert populated.events[-1].action == "brainstorm.end"


def test_options_carry_no_author(populated: Session) -> None:
    n = len(populated.events)
    option = editing.add_option(populated, "issue-2", "Late start on Wednesdays")
    assert set(option.model_dump()) == {"id", "text", "state", "combined_into", "serves", "scores"}
    assert_one_event(populated, n, "option.add", option.id)
    assert set(populated.events[-1].data) == {"issue", "text"}
    editing.edit_option(populated, "issue-2", option.id, "Late start on Wednesdays, 90 minutes")
    assert option.text == "Late start on Wednesdays, 90 minutes"
    assert_one_event(populated, n + 1, "option.edit", option.id)


def test_set_aside_and_restore(populated: Session) -> None:
    n = len(populated.events)
    option = editing.set_aside_option(populated, "issue-1", "option-4")
    assert option.state is OptionState.SET_ASIDE
    assert_one_event(populated, n, "option.set_aside", "option-4")
    editing.set_aside_option(populated, "issue-1", "option-4", aside=False)
    assert option.state is OptionState.ACTIVE
    assert_one_event(populated, n + 1, "option.restore", "option-4")


def test_combine_keeps_the_originals_marked(session: Session) -> None:
    issue = editing.add_issue(session, "How can we fund trips?")
    i1 = editing.add_interest(session, issue.id, "Every child goes", "labor")
    i2 = editing.add_interest(session, issue.id, "No new cost", "management")
    a = editing.add_option(session, issue.id, "Grant")
    b = editing.add_option(session, issue.id, "Bake sale")
    editing.toggle_serves(session, issue.id, a.id, i1.id)
    editing.toggle_serves(session, issue.id, b.id, i2.id)
    editing.toggle_serves(session, issue.id, b.id, i1.id)
    n = len(session.events)
    combined = editing.combine_options(session, issue.id, [a.id, b.id], "Grant plus bake sale")
    assert [o.id for o in issue.options] == [a.id, b.id, combined.id]
    assert a.state is OptionState.COMBINED and a.combined_into == combined.id and a.text == "Grant"
    assert b.state is OptionState.COMBINED and b.combined_into == combined.id and b.text == "Bake sale"
    assert combined.state is OptionState.ACTIVE and combined.serves == [i1.id, i2.id]
    assert_one_event(session, n, "option.combine", combined.id)
    assert session.events[-1].data["sources"] == [a.id, b.id]
    assert integrity_problems(session) == []


def test_toggle_serves(populated: Session) -> None:
    n = len(populated.events)
    assert editing.toggle_serves(populated, "issue-1", "option-4", "interest-3") is True
    assert populated.issue("issue-1").options[3].serves == ["interest-2", "interest-3"]  # type: ignore[union-attr]
    assert editing.toggle_serves(populated, "issue-1", "option-4", "interest-2") is False
    assert populated.issue("issue-1").options[3].serves == ["interest-3"]  # type: ignore[union-attr]
    assert [e.action for e in populated.events[n:]] == ["option.serves", "option.serves"]


def test_criteria_shared_and_per_issue(populated: Session) -> None:
    n = len(populated.events)
    shared = editing.add_criterion(populated, None, "Legal under state law")
    own = editing.add_criterion(populated, "issue-2", "Fits the bell schedule")
    assert populated.shared_criteria[-1] is shared
    assert populated.issue("issue-2").criteria == [own]  # type: ignore[union-attr]
    assert [e.action for e in populated.events[n:]] == ["criterion.add", "criterion.add"]
    editing.edit_criterion(populated, None, shared.id, "Legal")
    editing.edit_criterion(populated, "issue-2", own.id, "Fits the schedule")
    assert (shared.text, own.text) == ("Legal", "Fits the schedule")
    assert [e.action for e in populated.events[n + 2 :]] == ["criterion.edit", "criterion.edit"]


def test_remove_criterion_drops_its_ratings(populated: Session) -> None:
    issue = populated.issue("issue-1")
    n = len(populated.events)
    editing.remove_criterion(populated, "issue-1", "criterion-2")
    assert issue.criteria == []  # type: ignore[union-attr]
    assert all("criterion-2" not in o.scores for o in issue.options)  # type: ignore[union-attr]
    assert issue.score_map() == {("option-5", "criterion-1"): 4, ("option-4", "criterion-1"): 1}  # type: ignore[union-attr]
    assert_one_event(populated, n, "criterion.remove", "criterion-2")


def test_rate_sets_replaces_and_clears(populated: Session) -> None:
    issue = populated.issue("issue-1")
    n = len(populated.events)
    editing.rate(populated, "issue-1", "option-5", "criterion-1", 2)
    assert editing.rating_of(issue, "option-5", "criterion-1") == 2  # type: ignore[arg-type]
    option = issue.options[4]  # type: ignore[union-attr]
    assert option.id == "option-5" and option.scores == {"criterion-1": 2, "criterion-2": 5}  # re-rated in place
    editing.rate(populated, "issue-1", "option-5", "criterion-1", None)
    assert editing.rating_of(issue, "option-5", "criterion-1") is None  # type: ignore[arg-type]
    assert option.scores == {"criterion-2": 5}
    assert editing.rating_of(issue, "option-404", "criterion-1") is None  # type: ignore[arg-type]
    assert [e.action for e in populated.events[n:]] == ["rating.set", "rating.set"]
    assert "score" not in populated.events[-1].data


def test_record_check_uses_the_rules(populated: Session) -> None:
    n = len(populated.events)
    check, tally = editing.record_check(
        populated,
        "issue-2",
        Method.THUMBS,
        [Response(who=VOTERS[0], value="down")],
        proposal="Late start",
        absent=VOTERS[1:],
    )
    assert check.outcome is Outcome.NO_CONSENSUS and not tally.consensus
    assert populated.issue("issue-2").checks == [check]  # type: ignore[union-attr]
    assert check.at.utcoffset() is not None and check.absent == VOTERS[1:]
    assert_one_event(populated, n, "check.record", check.id)
    assert populated.events[-1].data == {
        "issue": "issue-2",
        "method": "thumbs",
        "outcome": "no_consensus",
        "at": check.at.isoformat(),
        "proposal": "Late start",
        "who": [VOTERS[0]],
        "parties": [""],
        "values": ["down"],
        "absent": VOTERS[1:],
    }
    check, tally = editing.record_check(
        populated,
        "issue-2",
        Method.PER_PARTY,
        [Response(who="labor", value="concur"), Response(who="management", value="concur")],
    )
    assert check.outcome is Outcome.CONSENSUS and tally.consensus


def test_record_check_refuses_a_check_that_is_not_complete(populated: Session) -> None:
    before = populated.model_copy(deep=True)
    with pytest.raises(editing.RuleError, match=r"not complete \(1/5 answered\).*" + ", ".join(VOTERS[1:])):
        editing.record_check(populated, "issue-2", Method.FIST_TO_FIVE, fist(5, VOTERS[:1]))
    with pytest.raises(editing.RuleError, match=r"not complete \(1/2 answered\).*Lakeview School Committee"):
        editing.record_check(populated, "issue-2", Method.PER_PARTY, [Response(who="labor", value="concur")])
    with pytest.raises(editing.RuleError, match="cannot be marked absent"):
        editing.record_check(
            populated, "issue-2", Method.FIST_TO_FIVE, fist(5, VOTERS[:1]), absent=[*VOTERS[1:], "Somebody Else"]
        )
    assert populated == before  # nothing recorded, nothing logged


def test_record_check_with_the_missing_marked_absent_reaches_consensus(populated: Session) -> None:
    check, tally = editing.record_check(
        populated, "issue-2", Method.FIST_TO_FIVE, fist(4, LABOR_VOTERS), absent=MANAGEMENT_VOTERS
    )
    assert tally.complete and check.outcome is Outcome.CONSENSUS and check.absent == MANAGEMENT_VOTERS
    assert populated.events[-1].data["absent"] == MANAGEMENT_VOTERS
    check, _ = editing.record_check(
        populated, "issue-2", Method.PER_PARTY, [Response(who="labor", value="concur")], absent=["management"]
    )
    assert check.outcome is Outcome.CONSENSUS and check.absent == ["management"]


def test_record_agreement_defaults_to_the_latest_consensus(populated: Session) -> None:
    issue = populated.issue("issue-2")
    first, _ = editing.record_check(populated, "issue-2", Method.FIST_TO_FIVE, fist(5))
    second, _ = editing.record_check(populated, "issue-2", Method.FIST_TO_FIVE, fist(4))
    editing.record_check(populated, "issue-2", Method.FIST_TO_FIVE, fist(1))
    n = len(populated.events)
    ta = editing.record_agreement(
        populated, "issue-2", None, "Wednesday late start.", article="Art. 4", on=date(2026, 11, 24)
    )
    assert ta.check == second.id and ta.issue == "issue-2" and ta.date == date(2026, 11, 24)
    assert ta.initials == [] and issue.status is IssueStatus.OPEN  # type: ignore[union-attr]
    assert populated.agreements[-1] is ta
    assert_one_event(populated, n, "ta.add", ta.id)
    older = editing.record_agreement(populated, "issue-2", first.id, "Other words.")
    assert older.check == first.id and older.date == date.today()


def test_initial_by_every_party_sets_the_issue_agreed(populated: Session) -> None:
    issue = populated.issue("issue-2")
    check, _ = editing.record_check(populated, "issue-2", Method.FIST_TO_FIVE, fist(4))
    ta = editing.record_agreement(populated, "issue-2", check.id, "Wednesday late start.")
    n = len(populated.events)
    editing.initial(populated, ta.id, "labor", " AR ")
    assert [(i.party, i.initials, i.name) for i in ta.initials] == [("labor", "AR", "Ana Ruiz")]
    assert issue.status is IssueStatus.OPEN  # type: ignore[union-attr]
    assert_one_event(populated, n, "ta.initial", ta.id)
    editing.initial(populated, ta.id, "labor", "CJ", name="Carl Jensen")  # replaces labor's mark
    assert [(i.party, i.initials) for i in ta.initials] == [("labor", "CJ")]
    n = len(populated.events)
    editing.initial(populated, ta.id, "management", "BH")
    assert issue.status is IssueStatus.AGREED  # type: ignore[union-attr]
    assert [e.action for e in populated.events[n:]] == ["ta.initial", "issue.status"]
    assert process.rule_problems(populated) == [] and integrity_problems(populated) == []


def test_edit_agreement_withdraws_initials(populated: Session) -> None:
    ta = populated.agreements[0]
    n = len(populated.events)
    issue = populated.issue(ta.issue)
    assert issue is not None and issue.status is IssueStatus.AGREED
    editing.edit_agreement(populated, ta.id, "New words.")
    assert ta.text == "New words." and ta.initials == []
    assert [e.action for e in populated.events[n:]] == ["ta.edit", "issue.status"]
    assert populated.events[n].data["withdrawn"] == ["labor", "management"]
    assert issue.status is IssueStatus.OPEN  # agreed again only when all initial the new words
    for party, initials in (("labor", "AK"), ("management", "EM")):
        editing.initial(populated, ta.id, party, initials)
    assert issue.status is IssueStatus.AGREED


def test_initials_agree_an_issue_that_once_had_no_consensus(populated: Session) -> None:
    issue = editing.add_issue(populated, "How can we fix the bell schedule?")
    editing.set_status(populated, issue.id, IssueStatus.NO_CONSENSUS)
    voters = process.voters(populated)
    responses = [Response(who=name, party=party, value=4) for name, party in voters]
    check, _ = editing.record_check(populated, issue.id, Method.FIST_TO_FIVE, responses)
    ta = editing.record_agreement(populated, issue.id, check.id, "Bell schedule TA.")
    for party in populated.parties:
        editing.initial(populated, ta.id, party.id, party.short)
    assert issue.status is IssueStatus.AGREED


def test_withdrawn_issue_keeps_everything(populated: Session) -> None:
    issue = populated.issue("issue-1")
    editing.set_status(populated, "issue-1", IssueStatus.OPEN)  # reopened
    before = issue.model_dump(exclude={"status"})  # type: ignore[union-attr]
    editing.set_status(populated, "issue-1", IssueStatus.WITHDRAWN)
    assert issue.status is IssueStatus.WITHDRAWN  # type: ignore[union-attr]
    assert issue.model_dump(exclude={"status"}) == before  # type: ignore[union-attr]
    assert len(issue.interests) == 3 and len(issue.options) == 5 and len(issue.checks) == 2  # type: ignore[union-attr]
    assert populated.agreements_for("issue-1")
    editing.set_status(populated, "issue-1", IssueStatus.OPEN)  # reinstated, nothing lost
    assert issue.model_dump(exclude={"status"}) == before  # type: ignore[union-attr]


def test_parking_lot(populated: Session) -> None:
    n = len(populated.events)
    item = editing.add_parking(populated, "Dress code", owner="Dana Liu")
    assert populated.parking_lot[-1] is item and item.created.utcoffset() is not None and not item.resolved
    assert_one_event(populated, n, "parking.add", item.id)
    editing.edit_parking(populated, item.id, text="Dress code for staff", resolved=True)
    assert (item.text, item.owner, item.resolved) == ("Dress code for staff", "Dana Liu", True)
    assert_one_event(populated, n + 1, "parking.edit", item.id)


def test_caucus_start_and_end(session: Session) -> None:
    caucus = editing.start_caucus(session, "management", called_by="Ben Hale", reason="Costing")
    assert editing.open_caucus(session) is caucus and caucus.end is None
    assert_one_event(session, 0, "caucus.start", caucus.id)
    caucus.start -= timedelta(minutes=14, seconds=40)
    ended = editing.end_caucus(session)
    assert ended is caucus and caucus.end is not None and caucus.end >= caucus.start
    assert editing.open_caucus(session) is None
    assert_one_event(session, 1, "caucus.end", caucus.id)
    assert session.events[-1].data == {"minutes": 15, "end": caucus.end.isoformat()}


def test_actions_and_information_requests(populated: Session) -> None:
    n = len(populated.events)
    item = editing.add_action(
        populated,
        "Enrollment projections",
        kind=ActionKind.INFO_REQUEST,
        owner="labor",
        requested_of="management",
        due=date(2026, 12, 9),
        issue_id="issue-3",
    )
    assert populated.actions[-1] is item and item.kind is ActionKind.INFO_REQUEST
    assert_one_event(populated, n, "action.add", item.id)
    editing.edit_action(populated, item.id, done=True, due=date(2026, 12, 10))
    assert item.done and item.due == date(2026, 12, 10) and item.text == "Enrollment projections"
    assert_one_event(populated, n + 1, "action.edit", item.id)


def test_a_session_built_by_editing_is_whole(populated: Session) -> None:
    assert integrity_problems(populated) == []
    assert process.rule_problems(populated) == []
    assert all(e.at.utcoffset() is not None for e in populated.events)
    ids = list(populated.all_ids())
    assert len(ids) == len(set(ids))


# --- refused changes leave the session untouched ----------------------------------------------


def _brainstorming(s: Session) -> None:
    s.issue("issue-1").brainstorming = True  # type: ignore[union-attr]


REFUSED: list[tuple[str, Callable[[Session], object], Callable[[Session], None] | None]] = [
    ("add_issue empty", lambda s: editing.add_issue(s, "   "), None),
    ("add_issue bad party", lambda s: editing.add_issue(s, "How?", raised_by="ghost"), None),
    ("edit_issue unknown", lambda s: editing.edit_issue(s, "issue-404", statement="x"), None),
    ("edit_issue empty", lambda s: editing.edit_issue(s, "issue-1", statement=""), None),
    (
        "edit_issue half bad",
        lambda s: editing.edit_issue(s, "issue-1", statement="New words", article="Art. 1", raised_by="ghost"),
        None,
    ),
    ("edit_issue bad text", lambda s: editing.edit_issue(s, "issue-1", statement="New words", notes="\ud800"), None),
    ("move_issue unknown", lambda s: editing.move_issue(s, "issue-404", 1), None),
    ("set_status same", lambda s: editing.set_status(s, "issue-2", IssueStatus.OPEN), None),
    ("set_status agreed without TA", lambda s: editing.set_status(s, "issue-2", IssueStatus.AGREED), None),
    ("set_status agreed->parked", lambda s: editing.set_status(s, "issue-1", IssueStatus.PARKED), None),
    ("set_stage unknown issue", lambda s: editing.set_stage(s, "issue-404", Stage.OPTIONS), None),
    ("set_cursor unknown", lambda s: editing.set_cursor(s, "issue-404", Stage.OPTIONS), None),
    ("add_interest empty", lambda s: editing.add_interest(s, "issue-1", "", "labor"), None),
    ("add_interest bad holder", lambda s: editing.add_interest(s, "issue-1", "x", "joint"), None),
    ("add_interest unknown issue", lambda s: editing.add_interest(s, "issue-404", "x", "labor"), None),
    (
        "edit_interest half bad",
        lambda s: editing.edit_interest(s, "issue-1", "interest-1", text="changed", holder="ghost"),
        None,
    ),
    (
        "edit_interest bad kind",
        lambda s: editing.edit_interest(s, "issue-1", "interest-1", text="changed", kind="feelings"),
        None,
    ),
    ("edit_interest unknown", lambda s: editing.edit_interest(s, "issue-1", "interest-404", text="x"), None),
    ("remove_interest unknown", lambda s: editing.remove_interest(s, "issue-1", "interest-4"), None),
    ("move_item unknown kind", lambda s: editing.move_item(s, "issue-1", "check", "check-1", 1), None),
    ("move_item unknown item", lambda s: editing.move_item(s, "issue-1", "option", "option-404", 1), None),
    ("add_option empty", lambda s: editing.add_option(s, "issue-1", "\n\t "), None),
    ("edit_option empty", lambda s: editing.edit_option(s, "issue-1", "option-4", ""), None),
    ("set aside in brainstorm", lambda s: editing.set_aside_option(s, "issue-1", "option-4"), _brainstorming),
    (
        "combine in brainstorm",
        lambda s: editing.combine_options(s, "issue-1", ["option-4", "option-5"], "x"),
        _brainstorming,
    ),
    ("set aside combined", lambda s: editing.set_aside_option(s, "issue-1", "option-1"), None),
    ("combine one", lambda s: editing.combine_options(s, "issue-1", ["option-4", "option-4"], "x"), None),
    ("combine inactive", lambda s: editing.combine_options(s, "issue-1", ["option-4", "option-3"], "x"), None),
    ("combine unknown", lambda s: editing.combine_options(s, "issue-1", ["option-4", "option-404"], "x"), None),
    ("combine empty text", lambda s: editing.combine_options(s, "issue-1", ["option-4", "option-5"], " "), None),
    ("toggle_serves unknown interest", lambda s: editing.toggle_serves(s, "issue-1", "option-4", "interest-4"), None),
    ("add_criterion empty", lambda s: editing.add_criterion(s, "issue-1", ""), None),
    ("add_criterion unknown issue", lambda s: editing.add_criterion(s, "issue-404", "x"), None),
    ("edit_criterion not shared", lambda s: editing.edit_criterion(s, None, "criterion-2", "x"), None),
    ("remove shared criterion", lambda s: editing.remove_criterion(s, "issue-1", "criterion-1"), None),
    ("rate too high", lambda s: editing.rate(s, "issue-1", "option-4", "criterion-2", 6), None),
    ("rate negative", lambda s: editing.rate(s, "issue-1", "option-4", "criterion-2", -1), None),
    ("rate unknown criterion", lambda s: editing.rate(s, "issue-2", "option-4", "criterion-2", 3), None),
    (
        "check bad value",
        lambda s: editing.record_check(
            s, "issue-2", Method.FIST_TO_FIVE, [Response(who="Ana Ruiz", value=4), Response(who="Ben Hale", value=7)]
        ),
        None,
    ),
    (
        "check per-party person",
        lambda s: editing.record_check(s, "issue-2", Method.PER_PARTY, [Response(who="Ana Ruiz", value="concur")]),
        None,
    ),
    (
        "check unknown option",
        lambda s: editing.record_check(
            s, "issue-1", Method.THUMBS, [Response(who="Ana Ruiz", value="up")], options=["option-404"]
        ),
        None,
    ),
    ("TA without consensus", lambda s: editing.record_agreement(s, "issue-2", None, "Words"), None),
    ("TA on failed check", lambda s: editing.record_agreement(s, "issue-1", "check-1", "Words"), None),
    ("TA on unknown check", lambda s: editing.record_agreement(s, "issue-1", "check-404", "Words"), None),
    ("TA empty text", lambda s: editing.record_agreement(s, "issue-1", "check-2", "  "), None),
    (
        "TA unknown option",
        lambda s: editing.record_agreement(s, "issue-1", "check-2", "Words", options=["option-404"]),
        None,
    ),
    ("edit TA empty", lambda s: editing.edit_agreement(s, "ta-1", ""), None),
    ("initial unknown party", lambda s: editing.initial(s, "ta-1", "ghost", "GG"), None),
    ("initial empty", lambda s: editing.initial(s, "ta-1", "labor", "   "), None),
    ("initial too long", lambda s: editing.initial(s, "ta-1", "labor", "ABCDEFGHIJKLMNOP"), None),
    ("initial unknown TA", lambda s: editing.initial(s, "ta-404", "labor", "AR"), None),
    ("parking unknown issue", lambda s: editing.add_parking(s, "x", issue_id="issue-404"), None),
    ("parking empty", lambda s: editing.add_parking(s, ""), None),
    ("edit parking half bad", lambda s: editing.edit_parking(s, "park-1", owner="Someone", text=""), None),
    ("edit parking bad owner", lambda s: editing.edit_parking(s, "park-1", text="Fine", owner="\udc00"), None),
    ("caucus unknown party", lambda s: editing.start_caucus(s, "ghost"), None),
    (
        "caucus twice",
        lambda s: editing.start_caucus(s, "management"),
        lambda s: editing.start_caucus(s, "labor") and None,
    ),
    ("end caucus none", lambda s: editing.end_caucus(s), None),
    ("action empty", lambda s: editing.add_action(s, ""), None),
    ("action unknown issue", lambda s: editing.add_action(s, "x", issue_id="issue-404"), None),
    ("edit action half bad", lambda s: editing.edit_action(s, "action-1", owner="x", done=True, text=" "), None),
    ("edit action unknown", lambda s: editing.edit_action(s, "action-404", done=True), None),
]


@pytest.mark.parametrize("name, change, prepare", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_change_leaves_the_session_unchanged(
    populated: Session, name: str, change: Callable[[Session], object], prepare: Callable[[Session], None] | None
) -> None:
    if prepare is not None:
        prepare(populated)
    before = snapshot(populated)
    with pytest.raises(RuleError) as caught:
        change(populated)
    assert str(caught.value).strip()
    assert "\n" not in str(caught.value)
    assert snapshot(populated) == before


def test_rule_error_is_a_value_error() -> None:
    assert issubclass(RuleError, ValueError)


# --- ids --------------------------------------------------------------------------------------


def test_ids_are_stable_and_never_reused(populated: Session) -> None:
    before = {i.id: i.statement for i in populated.issues}
    editing.move_issue(populated, "issue-1", 2)
    assert {i.id: i.statement for i in populated.issues} == before
    editing.remove_criterion(populated, "issue-1", "criterion-2")
    assert editing.add_criterion(populated, "issue-1", "again").id == "criterion-3"
    editing.remove_interest(populated, "issue-2", "interest-4")
    assert editing.add_interest(populated, "issue-2", "again", "labor").id == "interest-5"
    ids = list(populated.all_ids())
    assert len(ids) == len(set(ids))


def test_unstorable_text_is_refused_in_words_the_room_understands(populated: Session) -> None:
    # Regression: once pydantic checked strings in Rust, the refusal read "unable to parse raw data".
    before = populated.model_dump()
    with pytest.raises(
        RuleError, match=r"^statement: text contains characters that cannot be stored \(lone surrogates\)$"
    ):
        editing.add_issue(populated, "Class size \ud800")
    assert populated.model_dump() == before


# --- the proposal and the TA draft belong to their issue ----------------------------------------


def test_each_issue_keeps_its_own_proposal_and_ta_draft(populated: Session) -> None:
    pay, time_issue = populated.issues[0], populated.issues[1]
    n = len(populated.events)
    assert editing.set_proposal(populated, pay.id, "Steps at 4%") is pay
    assert_one_event(populated, n, "issue.proposal", pay.id)
    assert populated.events[-1].data == {"text": "Steps at 4%"}
    assert (pay.proposal, time_issue.proposal) == ("Steps at 4%", "")
    n = len(populated.events)
    editing.set_proposal(populated, pay.id, "Steps at 4%")  # no change: nothing logged
    editing.set_ta_draft(populated, time_issue.id, "")
    assert len(populated.events) == n
    editing.set_ta_draft(populated, time_issue.id, "Article 16. Wednesdays\nstart late.")
    assert_one_event(populated, n, "issue.ta_draft", time_issue.id)
    assert (pay.ta_draft, time_issue.ta_draft) == ("", "Article 16. Wednesdays\nstart late.")
    with pytest.raises(RuleError, match="no issue"):
        editing.set_proposal(populated, "issue-404", "x")


def test_recording_the_ta_clears_its_issues_draft(populated: Session) -> None:
    time_issue = populated.issues[1]
    editing.set_ta_draft(populated, time_issue.id, "Article 16. Wednesdays start late.")
    editing.set_ta_draft(populated, populated.issues[0].id, "Other draft")
    check, _ = editing.record_check(
        populated, time_issue.id, Method.THUMBS, [Response(who=v, value="up") for v in VOTERS]
    )
    editing.record_agreement(populated, time_issue.id, check.id, "Article 16. Wednesdays start late.")
    assert time_issue.ta_draft == "" and populated.issues[0].ta_draft == "Other draft"


# --- a reopened issue supersedes its old TA -----------------------------------------------------


def test_agreeing_a_reopened_issue_again_supersedes_its_old_ta(populated: Session) -> None:
    from conftest import reagree

    old, new = reagree(populated)
    assert old.superseded_by == new.id and old.superseded_at is not None and old.superseded_at.utcoffset() is not None
    assert not old.standing and new.standing and new.superseded_by is None
    assert populated.standing_agreements() == [new] and populated.standing_agreements(old.issue) == [new]
    assert populated.agreements_for(old.issue) == [old, new]  # the old one stays in the record
    added = next(e for e in populated.events if e.action == "ta.add" and e.target == new.id)
    assert added.data["supersedes"] == [old.id] and added.data["superseded_at"] == old.superseded_at.isoformat()
    assert "supersedes ta-1" in added.summary
    assert model_integrity(populated) == []


def model_integrity(session: Session) -> list:
    from ibb_facilitator.model import integrity_problems

    return integrity_problems(session) + process.rule_problems(session)


def test_a_superseded_by_that_names_no_other_ta_is_a_problem(populated: Session) -> None:
    from ibb_facilitator.model import integrity_problems

    populated.agreements[0].superseded_by = "ta-404"
    assert ("agreements[0].superseded_by", "no other TA 'ta-404'") in integrity_problems(populated)


# --- a reword that changes nothing is no change -------------------------------------------------


def test_a_reword_that_changes_nothing_logs_nothing(populated: Session) -> None:
    pay = populated.issues[0]
    interest, option = pay.interests[0], pay.options[0]
    criterion = pay.criteria[0]
    ta = populated.agreements[0]
    populated.actions[0].due = date(2026, 12, 1)
    before = populated.model_copy(deep=True)
    n = len(populated.events)
    editing.edit_issue(populated, pay.id, statement=pay.statement, article=pay.article, notes=pay.notes)
    editing.edit_interest(
        populated, pay.id, interest.id, text=interest.text, holder=interest.holder, kind=interest.kind
    )
    editing.edit_option(populated, pay.id, option.id, option.text)
    editing.edit_criterion(populated, pay.id, criterion.id, criterion.text)
    editing.edit_criterion(populated, None, populated.shared_criteria[0].id, populated.shared_criteria[0].text)
    item = populated.parking_lot[0]
    editing.edit_parking(populated, item.id, text=item.text, owner=item.owner, resolved=item.resolved)
    action = populated.actions[0]
    editing.edit_action(populated, action.id, text=action.text, owner=action.owner, due=action.due, done=action.done)
    editing.edit_agreement(populated, ta.id, ta.text, title=ta.title, article=ta.article)
    assert len(populated.events) == n
    assert populated == before and len(ta.initials) == 2 and pay.status is IssueStatus.AGREED  # initials kept
    editing.edit_option(populated, pay.id, option.id, option.text + "!")  # a real change still logs
    assert_one_event(populated, n, "option.edit", option.id)


def test_edit_agreement_title_and_article_keep_the_initials(populated: Session) -> None:
    ta = populated.agreements[0]
    issue = populated.issue(ta.issue)
    n = len(populated.events)
    editing.edit_agreement(populated, ta.id, title="Salary schedule, steps 1-5", article="Article 12.3")
    assert (ta.title, ta.article) == ("Salary schedule, steps 1-5", "Article 12.3")
    assert len(ta.initials) == 2 and issue.status is IssueStatus.AGREED  # type: ignore[union-attr]
    assert_one_event(populated, n, "ta.edit", ta.id)
    assert populated.events[-1].data == {
        "title": "Salary schedule, steps 1-5",
        "article": "Article 12.3",
        "issue": ta.issue,
    }
    assert populated.events[-1].summary == "TA title and article changed"
    n = len(populated.events)
    editing.edit_agreement(populated, ta.id, "New words.", title="Salary steps")  # new words: initials withdrawn
    assert ta.initials == [] and ta.text == "New words." and issue.status is IssueStatus.OPEN  # type: ignore[union-attr]
    assert [e.action for e in populated.events[n:]] == ["ta.edit", "issue.status"]
    assert populated.events[n].data["withdrawn"] == ["labor", "management"]


def test_a_caucus_takes_the_ground_rules_limit_or_its_own(session: Session) -> None:
    """The team says how long it will be out: by default the ground rules' limit, 0 for none;
    the clock counts down from it and then says how far over (``process.caucus_left``)."""
    session.caucus_minutes = 5
    caucus = editing.start_caucus(session, "management")
    assert caucus.minutes == 5 and session.events[-1].data["minutes"] == 5
    assert process.caucus_left(caucus, caucus.start + timedelta(minutes=3, seconds=12)) == 108
    assert process.caucus_left(caucus, caucus.start + timedelta(minutes=6, seconds=5)) == -65
    caucus.start -= timedelta(minutes=7)
    editing.end_caucus(session)
    assert process.caucus_left(caucus, caucus.end + timedelta(hours=1)) == process.caucus_left(caucus, caucus.end)
    assert editing.start_caucus(session, "labor", minutes=20).minutes == 20
    editing.end_caucus(session)
    assert editing.start_caucus(session, "labor", minutes=0).minutes is None  # no limit
    assert process.caucus_left(session.caucuses[-1], now()) is None
    editing.end_caucus(session)
    with pytest.raises(editing.RuleError, match="0: no limit"):
        editing.start_caucus(session, "labor", minutes=1441)
    assert editing.open_caucus(session) is None


def test_a_caucus_limit_replays_and_the_clock_reads_as_the_wall_shows_it(session: Session) -> None:
    from ibb_facilitator.timeline import Timeline
    from ibb_facilitator.tui.widgets import caucus_time

    caucus = editing.start_caucus(session, "management", minutes=5)
    assert Timeline(session).view(len(session.events)).caucuses[-1].minutes == 5
    assert caucus_time(caucus, caucus.start + timedelta(seconds=108)) == ("03:12 left of 5 min", False)
    assert caucus_time(caucus, caucus.start + timedelta(seconds=365)) == ("+01:05 over its 5 min", True)
    caucus.minutes = None
    assert caucus_time(caucus, caucus.start + timedelta(seconds=365)) == ("06:05", False)


def test_members_join_change_their_name_and_leave_each_logged(session: Session) -> None:
    from ibb_facilitator.timeline import Timeline

    labor = session.party("labor")
    before = [m.name for m in labor.members]
    member = editing.add_member(session, "labor", "  Priya Shah ", title="Early-career teacher")
    assert (member.name, member.title) == ("Priya Shah", "Early-career teacher") and labor.members[-1] is member
    editing.add_member(session, "labor", "Sam Ortiz", title="Early-career teacher")  # one role, two players
    with pytest.raises(RuleError, match="already a member"):
        editing.add_member(session, "management", "priya shah")  # each person once, on one team
    with pytest.raises(RuleError, match="not a party"):
        editing.add_member(session, "parents", "Kim")
    editing.rename_member(session, "labor", "Priya Shah", "Priya S. Shah")
    assert labor.members[-2].name == "Priya S. Shah"
    with pytest.raises(RuleError, match="not a member"):
        editing.remove_member(session, "labor", "Priya Shah")
    editing.remove_member(session, "labor", "Sam Ortiz")
    assert [m.name for m in labor.members] == [*before, "Priya S. Shah"]
    assert [e.action for e in session.events[-3:]] == ["member.add", "member.rename", "member.remove"]
    assert Timeline(session).skipped == []  # known to replay: the people are the frame, as they are now
