"""The session model: field rules, look-ups, stable ids and the integrity of references."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from pydantic import ValidationError

from ibb_facilitator import editing
from ibb_facilitator.model import (
    JOINT,
    MUTUAL,
    Caucus,
    ConsensusCheck,
    Event,
    Interest,
    Issue,
    Member,
    Method,
    Option,
    OptionState,
    Outcome,
    ParkingItem,
    Party,
    Rating,
    Role,
    Session,
    TentativeAgreement,
    integrity_problems,
    now,
)

UTC = timezone.utc


def test_now_has_an_offset_and_whole_seconds() -> None:
    stamp = now()
    assert stamp.tzinfo is not None and stamp.utcoffset() is not None
    assert stamp.microsecond == 0


@pytest.mark.parametrize("good", ["labor", "management", "union-2", "c", "a_b"])
def test_party_ids_are_short_lowercase_names(good: str) -> None:
    assert Party(id=good, name="X", short="X").id == good


@pytest.mark.parametrize("bad", ["", "Labor", "2union", "a b", "x" * 33, MUTUAL, JOINT, "lábor"])
def test_bad_or_reserved_party_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        Party(id=bad, name="X", short="X")


def test_party_short_tag_is_bounded() -> None:
    with pytest.raises(ValidationError):
        Party(id="labor", name="X", short="")
    with pytest.raises(ValidationError):
        Party(id="labor", name="X", short="x" * 13)


def test_unknown_fields_are_an_error() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Session(title="T", titel="typo")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Interest(id="interest-1", text="x", holder="labor", colour="red")  # type: ignore[call-arg]


def test_lone_surrogates_are_refused_everywhere_text_goes() -> None:
    with pytest.raises(ValidationError):
        Session(title="bad \ud800 text")
    with pytest.raises(ValidationError):
        Session(title="T", ground_rules=["ok", "\udfff"])
    with pytest.raises(ValidationError):
        Event(at=now(), action="x", data={"k": "\ud800"})
    session = Session(title="T")
    with pytest.raises(ValidationError):
        session.location = "\ud83d"  # validate_assignment
    assert session.location == ""


def test_required_text_must_not_be_empty() -> None:
    with pytest.raises(ValidationError):
        Session(title="")
    with pytest.raises(ValidationError):
        Issue(id="issue-1", statement="")
    with pytest.raises(ValidationError):
        Member(name="")


@pytest.mark.parametrize(
    "build",
    [
        lambda at: Event(at=at, action="x"),
        lambda at: ParkingItem(id="park-1", text="x", created=at),
        lambda at: Caucus(id="caucus-1", party="labor", start=at),
        lambda at: Caucus(id="caucus-1", party="labor", start=datetime(2026, 1, 1, tzinfo=UTC), end=at),
        lambda at: ConsensusCheck(id="check-1", method=Method.THUMBS, at=at, outcome=Outcome.CONSENSUS),
        lambda at: Session(title="T", created=at),
    ],
    ids=["event", "parking", "caucus-start", "caucus-end", "check", "session"],
)
def test_timestamps_need_an_offset(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="UTC offset"):
        build(datetime(2026, 11, 23, 9, 30))
    assert build(datetime(2026, 11, 23, 9, 30, tzinfo=UTC)) is not None


def test_decision_rule_bounds() -> None:
    session = Session(title="T")
    with pytest.raises(ValidationError):
        session.decision_rule.fist_minimum = 6
    with pytest.raises(ValidationError):
        session.decision_rule.gradient_threshold = 8
    assert session.decision_rule.fist_minimum == 3
    assert session.decision_rule.gradient_threshold == 6


def test_rating_score_bounds() -> None:
    with pytest.raises(ValidationError):
        Rating(option="o", criterion="c", score=6)
    with pytest.raises(ValidationError):
        Rating(option="o", criterion="c", score=-1)


# --- look-ups ---------------------------------------------------------------------------------


def test_lookups(session: Session) -> None:
    assert session.party("labor").name == "Lakeview Education Association"  # type: ignore[union-attr]
    assert session.party("nobody") is None
    assert session.parties[0].spokesperson().name == "Ana Ruiz"  # type: ignore[union-attr]
    assert Party(id="x", name="X", short="X", members=[Member(name="A")]).spokesperson() is None
    assert session.holder_tag(MUTUAL) == "B" and session.holder_label(MUTUAL) == "Mutual"
    assert session.holder_tag("labor") == "U" and session.holder_tag("management") == "M"
    assert session.holder_label("management") == "Lakeview School Committee"
    assert session.holder_label("ghost") == "ghost"


def test_criteria_for_lists_shared_then_own(populated: Session) -> None:
    issue = populated.issues[0]
    assert [c.id for c in populated.criteria_for(issue)] == ["criterion-1", "criterion-2"]
    assert [c.id for c in populated.criteria_for(populated.issues[1])] == ["criterion-1"]


def test_item_count_and_agreements_for(populated: Session) -> None:
    # 3 issues, 4 interests, 5 options, 1 own criterion, 2 checks, 1 TA, 1 parking item, 2 actions
    assert populated.item_count() == 3 + 4 + 5 + 1 + 2 + 1 + 1 + 2
    assert [ta.id for ta in populated.agreements_for("issue-1")] == ["ta-1"]
    assert populated.agreements_for("issue-2") == []


# --- ids --------------------------------------------------------------------------------------


def test_new_id_counts_up_per_prefix(session: Session) -> None:
    assert session.new_id("issue") == "issue-1"
    editing.add_issue(session, "How can we A?")
    editing.add_issue(session, "How can we B?")
    assert session.new_id("issue") == "issue-3"
    assert session.new_id("option") == "option-1"


def test_new_id_ignores_other_prefixes_and_odd_ids(session: Session) -> None:
    session.issues.append(Issue(id="issue-x", statement="s"))
    session.issues.append(Issue(id="issue-10", statement="s"))
    session.issues.append(Issue(id="issues-99", statement="s"))
    assert session.new_id("issue") == "issue-11"


def test_new_id_never_reuses_the_id_of_a_struck_item(session: Session) -> None:
    issue = editing.add_issue(session, "How can we A?")
    editing.add_interest(session, issue.id, "first", "labor")
    last = editing.add_interest(session, issue.id, "second", "labor")
    editing.remove_interest(session, issue.id, last.id)
    assert session.new_id("interest") != last.id
    again = editing.add_interest(session, issue.id, "third", "labor")
    assert again.id == "interest-3"


def test_all_ids_cover_every_kind(populated: Session) -> None:
    ids = set(populated.all_ids())
    for expected in ("issue-3", "interest-4", "option-5", "criterion-1", "criterion-2", "check-2", "ta-1", "park-1", "caucus-1", "action-2"):
        assert expected in ids


# --- integrity --------------------------------------------------------------------------------


def test_a_populated_session_has_no_integrity_problem(populated: Session) -> None:
    assert integrity_problems(populated) == []


def _paths(session: Session) -> list[str]:
    return [path for path, _ in integrity_problems(session)]


def test_duplicate_ids_are_reported_with_the_first_use(populated: Session) -> None:
    populated.issues[1].interests[0].id = "interest-1"
    problems = integrity_problems(populated)
    assert ("issues[1].interests[0].id", "duplicate id 'interest-1' (first used at issues[0].interests[0].id)") in problems


def test_duplicate_party_ids(session: Session) -> None:
    session.parties.append(Party(id="labor", name="Again", short="A"))
    assert "parties[2].id" in _paths(session)


def test_dangling_references_are_reported(populated: Session) -> None:
    issue = populated.issues[0]
    issue.interests[0].holder = "ghost"
    issue.raised_by = "ghosts"
    issue.options[3].serves = ["interest-404"]
    issue.ratings.append(Rating(option="option-404", criterion="criterion-404", score=1))
    populated.parking_lot[0].issue = "issue-404"
    populated.actions[0].issue = "issue-404"
    populated.caucuses[0].party = "ghost"
    populated.agreements[0].initials[0].party = "ghost"
    populated.cursor.issue = "issue-404"
    paths = _paths(populated)
    for expected in (
        "issues[0].interests[0].holder",
        "issues[0].raised_by",
        "issues[0].options[3].serves[0]",
        "issues[0].ratings[3].option",
        "issues[0].ratings[3].criterion",
        "parking_lot[0].issue",
        "actions[0].issue",
        "caucuses[0].party",
        "agreements[0].initials[0].party",
        "cursor.issue",
    ):
        assert expected in paths, expected


def test_rating_twice_for_the_same_pair(populated: Session) -> None:
    issue = populated.issues[0]
    issue.ratings.append(issue.ratings[0].model_copy())
    assert "issues[0].ratings[3]" in _paths(populated)


def test_combined_option_must_name_another_option(populated: Session) -> None:
    issue = populated.issues[0]
    issue.options[0].combined_into = "option-404"
    issue.options[1].combined_into = issue.options[1].id
    issue.options[3].combined_into = "option-5"  # an active option names nothing
    paths = _paths(populated)
    assert {"issues[0].options[0].combined_into", "issues[0].options[1].combined_into", "issues[0].options[3].combined_into"} <= set(paths)


def test_ta_must_rest_on_a_consensus_check_of_its_issue(populated: Session) -> None:
    ta = populated.agreements[0]
    ta.check = "check-1"  # the failed one
    assert any("did not reach consensus" in msg for _, msg in integrity_problems(populated))
    ta.check = "check-404"
    assert "agreements[0].check" in _paths(populated)
    ta.check = "check-2"
    ta.issue = "issue-2"
    problems = integrity_problems(populated)
    assert ("agreements[0].check", "check 'check-2' belongs to another issue") in problems
    ta.issue = "issue-404"
    assert "agreements[0].issue" in _paths(populated)


def test_caucus_cannot_end_before_it_starts(populated: Session) -> None:
    caucus = populated.caucuses[0]
    caucus.end = datetime(2000, 1, 1, tzinfo=UTC)
    assert "caucuses[0].end" in _paths(populated)


def test_issue_stage_must_be_in_the_order(populated: Session) -> None:
    # every valid order has all five stages, so only a broken order can miss one
    from ibb_facilitator.model import Stage

    populated.stage_order = [Stage.ISSUES, Stage.INTERESTS]
    populated.issues[1].stage = Stage.INTERESTS
    populated.issues[0].stage = Stage.CONSENSUS
    assert "issues[0].stage" in _paths(populated)
    assert "issues[1].stage" not in _paths(populated)


def test_empty_id_is_reported() -> None:
    session = Session(title="T", issues=[Issue(id="", statement="s")])
    assert integrity_problems(session) == [("issues[0].id", "id must not be empty")]


def test_ta_option_and_check_option_references(populated: Session) -> None:
    populated.agreements[0].options = ["option-404"]
    populated.issues[0].checks[1].options = ["option-405"]
    paths = _paths(populated)
    assert "agreements[0].options[0]" in paths
    assert "issues[0].checks[1].options[0]" in paths


def test_models_are_plain_data() -> None:
    ta = TentativeAgreement(id="ta-1", issue="issue-1", check="check-1", text="x", date=date(2026, 1, 2))
    assert ta.model_dump()["date"] == date(2026, 1, 2)
    assert Option(id="o", text="t").state is OptionState.ACTIVE
    assert Member(name="A").role is Role.MEMBER
