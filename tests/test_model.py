"""The session model: field rules, look-ups, stable ids and the integrity of references."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from ibb_facilitator import editing
from ibb_facilitator.model import (
    JOINT,
    MUTUAL,
    Caucus,
    ConsensusCheck,
    Criterion,
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
    Response,
    Reveal,
    Role,
    Session,
    TentativeAgreement,
    TrainingRound,
    TrainingState,
    integrity_problems,
    now,
)

UTC = UTC


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


@pytest.mark.parametrize("score", [6, -1, True, False, "3", 2.0, None])
def test_scores_are_whole_numbers_from_0_to_5(score: object) -> None:
    with pytest.raises(ValidationError):
        Option(id="option-1", text="x", scores={"criterion-1": score})
    option = Option(id="option-1", text="x", scores={"criterion-1": 0, "criterion-2": 5})
    with pytest.raises(ValidationError):
        option.scores = {"criterion-1": score}  # validate_assignment
    assert option.scores == {"criterion-1": 0, "criterion-2": 5}


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


def test_interest_groups_are_parties_then_mutual_then_strays(populated: Session) -> None:
    pay, time = populated.issues[0], populated.issues[1]
    groups = populated.interest_groups(pay)
    assert [(h, [i.text for i in mine]) for h, mine in groups] == [
        ("labor", ["Keep pay competitive with neighboring districts"]),
        ("management", ["A budget the town meeting will pass"]),
        ("mutual", ["Students keep experienced teachers"]),
    ]
    assert [h for h, _ in populated.interest_groups(time)] == ["labor"]
    assert [(h, len(m)) for h, m in populated.interest_groups(time, keep_empty=True)] == [
        ("labor", 1),
        ("management", 0),
        ("mutual", 0),
    ]
    # an interest whose holder no party has (a hand-edited file) is shown last, never dropped
    time.interests[0].holder = "ghost"
    assert [(h, len(m)) for h, m in populated.interest_groups(time, keep_empty=True)] == [
        ("labor", 0),
        ("management", 0),
        ("mutual", 0),
        ("ghost", 1),
    ]


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
    for expected in (
        "issue-3",
        "interest-4",
        "option-5",
        "criterion-1",
        "criterion-2",
        "check-2",
        "ta-1",
        "park-1",
        "caucus-1",
        "action-2",
    ):
        assert expected in ids


# --- integrity --------------------------------------------------------------------------------


def test_a_populated_session_has_no_integrity_problem(populated: Session) -> None:
    assert integrity_problems(populated) == []


def _paths(session: Session) -> list[str]:
    return [path for path, _ in integrity_problems(session)]


def test_duplicate_ids_are_reported_with_the_first_use(populated: Session) -> None:
    populated.issues[1].interests[0].id = "interest-1"
    problems = integrity_problems(populated)
    assert (
        "issues[1].interests[0].id",
        "duplicate id 'interest-1' (first used at issues[0].interests[0].id)",
    ) in problems


def test_duplicate_party_ids(session: Session) -> None:
    session.parties.append(Party(id="labor", name="Again", short="A"))
    assert "parties[2].id" in _paths(session)


def test_dangling_references_are_reported(populated: Session) -> None:
    issue = populated.issues[0]
    issue.interests[0].holder = "ghost"
    issue.raised_by = "ghosts"
    issue.options[3].serves = ["interest-404"]
    issue.options[0].scores = {**issue.options[0].scores, "criterion-404": 1}
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
        "issues[0].options[0].scores.criterion-404",
        "parking_lot[0].issue",
        "actions[0].issue",
        "caucuses[0].party",
        "agreements[0].initials[0].party",
        "cursor.issue",
    ):
        assert expected in paths, expected


def test_a_score_for_a_criterion_of_another_issue(populated: Session) -> None:
    own = populated.issues[0].criteria[0].id  # issue 1's own criterion: not one of issue 2's
    option = editing.add_option(populated, "issue-2", "Late start")
    editing.rate(populated, "issue-2", option.id, "criterion-1", 2)  # a shared one: fine
    assert integrity_problems(populated) == []
    option.scores = {**option.scores, own: 3}
    assert integrity_problems(populated) == [
        ("issues[1].options[0].scores." + own, f"no criterion {own!r} for this issue")
    ]


def test_combined_option_must_name_another_option(populated: Session) -> None:
    issue = populated.issues[0]
    issue.options[0].combined_into = "option-404"
    issue.options[1].combined_into = issue.options[1].id
    issue.options[3].combined_into = "option-5"  # an active option names nothing
    paths = _paths(populated)
    assert {
        "issues[0].options[0].combined_into",
        "issues[0].options[1].combined_into",
        "issues[0].options[3].combined_into",
    } <= set(paths)


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


# --- tightened: bounded time boxes, whole numbers that are numbers ------------------------------


@pytest.mark.parametrize("minutes", [0, -5, 1441, 10**9, True, "30", 30.0])
def test_time_boxes_are_whole_minutes_from_1_to_1440(minutes: object) -> None:
    from ibb_facilitator.model import Stage

    with pytest.raises(ValidationError) as caught:
        Session(title="T", time_boxes={Stage.INTERESTS: minutes})
    if type(minutes) is int:
        assert "minutes must be between 1 and 1440" in str(caught.value)
    session = Session(title="T", time_boxes={Stage.INTERESTS: 1, Stage.OPTIONS: 1440})
    with pytest.raises(ValidationError):
        session.time_boxes = {Stage.INTERESTS: minutes}  # type: ignore[dict-item]
    assert session.time_boxes == {Stage.INTERESTS: 1, Stage.OPTIONS: 1440}


def test_an_unbounded_time_box_in_a_file_names_its_line(populated: Session) -> None:
    from ibb_facilitator import store

    text = store.dumps_session(populated).replace(
        "\n[[issues]]\n", "\n[time_boxes]\ninterests = 100000\n\n[[issues]]\n", 1
    )
    with pytest.raises(store.StoreError) as caught:
        store.loads_session(text, "s.toml")
    line = text.split("\n").index("interests = 100000") + 1
    assert caught.value.lines == [
        f"s.toml:{line}: time_boxes.interests: minutes must be between 1 and 1440 (a time box is a whole number of "
        "minutes)"
    ]


@pytest.mark.parametrize(
    "build",
    [
        lambda v: Session(title="T", decision_rule={"fist_minimum": v}),
        lambda v: Session(title="T", decision_rule={"gradient_threshold": v}),
        lambda v: Response(who="A", value=v),  # a bool is not a fist-to-five answer (1)
        lambda v: Session(title="T", schema_version=v),
        lambda v: TrainingRound(number=v, start=now()),
        lambda v: Reveal(party="labor", round=v, at=now()),
        lambda v: TrainingState(scenario_name="s", table=v, scenario={}),
        lambda v: TrainingState(scenario_name="s", tables=v, scenario={}),
    ],
    ids=["fist_minimum", "gradient_threshold", "response", "schema_version", "round", "reveal", "table", "tables"],
)
@pytest.mark.parametrize("value", [True, False, 3.0, "3"], ids=["true", "false", "float", "text"])
def test_whole_numbers_refuse_booleans_floats_and_text(build, value: object) -> None:  # type: ignore[no-untyped-def]
    if isinstance(value, str) and "Response" in build.__code__.co_names:
        return  # a text answer is a text answer (thumbs, per party): the rules judge it
    with pytest.raises(ValidationError):
        build(value)
    assert build(3) is not None


def test_a_boolean_fist_to_five_answer_in_a_file_is_refused(populated: Session) -> None:
    from ibb_facilitator import store

    text = store.dumps_session(populated).replace(
        '{ who = "Ana Ruiz", value = 4 }', '{ who = "Ana Ruiz", value = true }', 1
    )
    assert "value = true" in text
    with pytest.raises(store.StoreError) as caught:
        store.loads_session(text, "s.toml")
    assert len(caught.value.lines) == 1 and ".responses[0].value: " in caught.value.lines[0]


# --- new_id: a counter per prefix, kept current --------------------------------------------------


def test_new_id_is_right_after_a_load(populated: Session) -> None:
    from ibb_facilitator import store

    loaded = store.loads_session(store.dumps_session(populated))
    assert loaded.new_id("option") == populated.new_id("option") == "option-6"
    assert (
        loaded.new_id("interest") == "interest-5"
        and loaded.new_id("ta") == "ta-2"
        and loaded.new_id("nothing") == "nothing-1"
    )


def test_new_id_sees_items_appended_removed_and_renamed(populated: Session) -> None:
    issue = populated.issues[1]
    assert populated.new_id("option") == "option-6"
    issue.options.append(Option(id="option-12", text="merged in from another file"))  # no event
    assert populated.new_id("option") == "option-13"
    issue.options.pop()
    assert populated.new_id("option") == "option-6"  # nothing left of it: not in the log either
    issue.options.append(Option(id="option-7", text="x"))
    issue.options[-1].id = "option-30"  # renamed in place
    assert populated.new_id("option") == "option-31"
    populated.issues.append(Issue(id="issue-9", statement="s", criteria=[Criterion(id="criterion-40", text="c")]))
    assert populated.new_id("criterion") == "criterion-41" and populated.new_id("issue") == "issue-10"
    populated.shared_criteria = []  # a list replaced
    assert populated.new_id("criterion") == "criterion-41"


def test_new_id_counts_the_log_and_a_replaced_log(populated: Session) -> None:
    n = populated.new_id("park")
    populated.events.append(Event(at=now(), action="parking.add", target="park-77"))
    assert populated.new_id("park") == "park-78" != n
    populated.events = populated.events[:-1]  # (a log is append-only; a replaced one is read again)
    assert populated.new_id("park") == n


def test_new_id_after_undo_never_gives_an_undone_items_id(populated: Session) -> None:
    from ibb_facilitator.history import History

    history = History()
    history.checkpoint(populated, "add option")
    added = editing.add_option(populated, "issue-2", "Late start")
    assert added.id == "option-6" and populated.new_id("option") == "option-7"
    history.undo(populated)  # puts back a snapshot: every list is new
    assert all(o.id != added.id for i in populated.issues for o in i.options)
    assert populated.new_id("option") == "option-7"  # its id stays used: the log names it
    assert editing.add_option(populated, "issue-2", "Early start").id == "option-7"


def test_new_id_after_combining_and_in_copies(populated: Session) -> None:
    copy = populated.model_copy(deep=True)
    combined = editing.combine_options(populated, "issue-1", ["option-4", "option-5"], "Both")
    assert combined.id == "option-6" and populated.new_id("option") == "option-7"
    assert copy.new_id("option") == "option-6"  # a copy has a counter of its own
    editing.add_option(copy, "issue-2", "Only in the copy")
    assert copy.new_id("option") == "option-7"
    assert copy == copy.model_copy(deep=True)  # the counter is no part of the session's data


def test_new_id_parses_only_the_lists_that_changed(populated: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from ibb_facilitator import model

    populated.new_id("option")
    parsed: list[int] = []
    original = model._numbered
    monkeypatch.setattr(model, "_numbered", lambda ids, into: (parsed.append(len(ids)), original(ids, into))[1])
    populated.new_id("option")
    assert parsed == []
    editing.add_option(populated, "issue-2", "Late start")
    populated.new_id("option")
    assert parsed[:1] == [1]  # issue 2's options (one) and the new event's target, nothing else
    assert sum(parsed) <= 2


@pytest.mark.parametrize("odd", ["issue-²", "issue-٣", "issue-" + "9" * 5000, "issue-", "-5", "issue--3", "issue-1-2"])
def test_new_id_skips_odd_ids(session: Session, odd: str) -> None:
    session.issues.append(Issue(id=odd, statement="s"))
    assert session.new_id("issue") == "issue-1"
