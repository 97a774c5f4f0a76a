"""The IBB rules in ``process``: stage order, consensus methods, who counts, status changes, TAs."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from conftest import (
    FACILITATOR,
    LABOR_VOTERS,
    MANAGEMENT_VOTERS,
    NON_VOTERS,
    OBSERVER,
    RECORDER,
    TIMEKEEPER,
    VOTERS,
    fist,
)

from ibb_facilitator import editing, process
from ibb_facilitator.model import (
    ConsensusCheck,
    IssueStatus,
    Method,
    Outcome,
    Response,
    Session,
    Stage,
)

FMCS = [Stage.ISSUES, Stage.INTERESTS, Stage.OPTIONS, Stage.CRITERIA, Stage.CONSENSUS]
CRITERIA_FIRST = [Stage.ISSUES, Stage.INTERESTS, Stage.CRITERIA, Stage.OPTIONS, Stage.CONSENSUS]


def answers(method: Method, pairs: list[tuple[str, int | str]]) -> list[Response]:
    return [Response(who=who, value=value) for who, value in pairs]


# --- stages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [FMCS, CRITERIA_FIRST], ids=["options-first", "criteria-first"])
def test_both_practitioner_stage_orders_are_valid(order: list[Stage]) -> None:
    assert process.stage_order_problem(order) is None
    assert process.stage_order_problem(tuple(order)) is None


@pytest.mark.parametrize(
    "order",
    [
        [],
        [Stage.ISSUES],
        FMCS[:-1],  # no consensus
        list(reversed(FMCS)),
        [Stage.INTERESTS, Stage.ISSUES, Stage.OPTIONS, Stage.CRITERIA, Stage.CONSENSUS],
        [Stage.ISSUES, Stage.INTERESTS, Stage.OPTIONS, Stage.CONSENSUS, Stage.CRITERIA],
        [Stage.ISSUES, Stage.OPTIONS, Stage.INTERESTS, Stage.CRITERIA, Stage.CONSENSUS],
        [*FMCS, Stage.CONSENSUS],
        [Stage.ISSUES, Stage.INTERESTS, Stage.OPTIONS, Stage.OPTIONS, Stage.CONSENSUS],
    ],
)
def test_any_other_stage_order_is_refused(order: list[Stage], session: Session) -> None:
    reason = process.stage_order_problem(order)
    assert reason and "stage order" in reason
    session.stage_order = order
    assert ("stage_order", reason) in process.rule_problems(session)


@pytest.mark.parametrize("order", [FMCS, CRITERIA_FIRST], ids=["options-first", "criteria-first"])
def test_next_and_previous_stage_walk_the_order(order: list[Stage], session: Session) -> None:
    session.stage_order = order
    walked = [order[0]]
    while (following := process.next_stage(session, walked[-1])) is not None:
        walked.append(following)
    assert walked == order
    back = [order[-1]]
    while (before := process.previous_stage(session, back[-1])) is not None:
        back.append(before)
    assert back == list(reversed(order))
    assert process.previous_stage(session, Stage.ISSUES) is None
    assert process.next_stage(session, Stage.CONSENSUS) is None


def test_criteria_first_order_puts_options_after_criteria(session: Session) -> None:
    session.stage_order = CRITERIA_FIRST
    assert process.next_stage(session, Stage.INTERESTS) is Stage.CRITERIA
    assert process.next_stage(session, Stage.CRITERIA) is Stage.OPTIONS
    assert process.next_stage(session, Stage.OPTIONS) is Stage.CONSENSUS
    assert process.previous_stage(session, Stage.OPTIONS) is Stage.CRITERIA


# --- fist-to-five -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [3, 4, 5])
def test_fist_to_five_consensus_when_everyone_at_or_above_three(session: Session, value: int) -> None:
    result = process.tally(session, Method.FIST_TO_FIVE, fist(value))
    assert result.consensus and result.outcome is Outcome.CONSENSUS
    assert result.counted == len(VOTERS)
    assert result.below == [] and result.missing == []
    assert result.counts[value] == len(VOTERS)


@pytest.mark.parametrize("low", [0, 1, 2])
def test_fist_to_five_one_person_below_three_blocks(session: Session, low: int) -> None:
    responses = fist(5)
    responses[3] = Response(who=responses[3].who, value=low)
    result = process.tally(session, Method.FIST_TO_FIVE, responses)
    assert not result.consensus and result.outcome is Outcome.NO_CONSENSUS
    assert result.below == [VOTERS[3]]


def test_fist_minimum_comes_from_the_decision_rule(session: Session) -> None:
    assert session.decision_rule.fist_minimum == 3
    assert process.tally(session, Method.FIST_TO_FIVE, fist(3)).consensus
    session.decision_rule.fist_minimum = 4
    assert not process.tally(session, Method.FIST_TO_FIVE, fist(3)).consensus
    assert process.tally(session, Method.FIST_TO_FIVE, fist(4)).consensus


def test_no_counted_response_is_no_consensus(session: Session) -> None:
    for method in Method:
        result = process.tally(session, method, [])
        assert not result.consensus and result.counted == 0


def test_only_voters_who_answered_count_and_the_rest_are_missing(session: Session) -> None:
    result = process.tally(session, Method.FIST_TO_FIVE, fist(4, LABOR_VOTERS))
    assert result.counted == len(LABOR_VOTERS)
    assert result.missing == MANAGEMENT_VOTERS
    assert not result.complete and not result.consensus  # partial answers are never consensus
    assert result.answered == f"{len(LABOR_VOTERS)}/{len(VOTERS)} answered"


def test_one_answer_out_of_five_is_not_complete_and_not_consensus(session: Session) -> None:
    result = process.tally(session, Method.FIST_TO_FIVE, fist(5, VOTERS[:1]))
    assert not result.complete and not result.consensus and result.outcome is Outcome.NO_CONSENSUS
    assert result.missing == VOTERS[1:]


def test_voters_marked_absent_are_not_waited_for(session: Session) -> None:
    result = process.tally(session, Method.FIST_TO_FIVE, fist(4, LABOR_VOTERS), absent=MANAGEMENT_VOTERS)
    assert result.complete and result.consensus and result.missing == []
    assert result.absent == MANAGEMENT_VOTERS
    assert result.answered == f"{len(LABOR_VOTERS)}/{len(LABOR_VOTERS)} answered"
    # names match as the room types them (case and spaces), and an absent voter who answered counts
    result = process.tally(
        session, Method.FIST_TO_FIVE, fist(1, VOTERS[-1:]) + fist(4, VOTERS[:-1]), absent=[f" {VOTERS[-1].upper()} "]
    )
    assert result.complete and not result.consensus and result.below == [VOTERS[-1]] and result.absent == []


def test_everyone_absent_is_complete_but_no_consensus(session: Session) -> None:
    result = process.tally(session, Method.THUMBS, [], absent=VOTERS)
    assert result.complete and not result.consensus and result.counted == 0


def test_per_party_absent_party_is_named_by_id(session: Session) -> None:
    result = process.tally(
        session, Method.PER_PARTY, answers(Method.PER_PARTY, [("labor", "concur")]), absent=["management"]
    )
    assert result.complete and result.consensus and result.missing == [] and result.absent == ["management"]
    # a member's name is no party: it excuses nobody
    result = process.tally(
        session, Method.PER_PARTY, answers(Method.PER_PARTY, [("labor", "concur")]), absent=MANAGEMENT_VOTERS
    )
    assert not result.complete and result.missing == ["management"]


def test_non_voters_marked_absent_change_nothing(session: Session) -> None:
    result = process.tally(
        session, Method.THUMBS, answers(Method.THUMBS, [(n, "up") for n in VOTERS]), absent=[OBSERVER]
    )
    assert result.complete and result.consensus and result.absent == []


# --- thumbs -----------------------------------------------------------------------------------


def test_thumbs_up_and_sideways_are_consensus(session: Session) -> None:
    values = ["up", "sideways", "up", "sideways", "up"]
    result = process.tally(session, Method.THUMBS, answers(Method.THUMBS, list(zip(VOTERS, values))))
    assert result.consensus
    assert result.counts == {"up": 3, "sideways": 2, "down": 0}


def test_one_thumb_down_blocks(session: Session) -> None:
    values = ["up", "up", "down", "up", "up"]
    result = process.tally(session, Method.THUMBS, answers(Method.THUMBS, list(zip(VOTERS, values))))
    assert not result.consensus
    assert result.below == [VOTERS[2]]


# --- gradients --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 2, 3, 4, 6])
def test_gradients_acceptable_points(session: Session, value: int) -> None:
    responses = [Response(who=name, value=1) for name in VOTERS[1:]] + [Response(who=VOTERS[0], value=value)]
    assert process.tally(session, Method.GRADIENTS, responses).consensus


@pytest.mark.parametrize("value", [5, 7, 8], ids=["more-discussion", "past-threshold", "block"])
def test_gradients_blocking_points(session: Session, value: int) -> None:
    responses = [Response(who=name, value=2) for name in VOTERS[1:]] + [Response(who=VOTERS[0], value=value)]
    result = process.tally(session, Method.GRADIENTS, responses)
    assert not result.consensus
    assert result.below == [VOTERS[0]]


def test_gradient_threshold_moves_the_line_but_never_past_block_or_more_discussion(session: Session) -> None:
    def one(value: int) -> bool:
        return process.tally(
            session, Method.GRADIENTS, [Response(who=VOTERS[0], value=value)], absent=VOTERS[1:]
        ).consensus

    session.decision_rule.gradient_threshold = 7
    assert one(7) and one(6)
    assert not one(8) and not one(5)
    session.decision_rule.gradient_threshold = 3
    assert one(3) and one(1)
    assert not one(4) and not one(6)


# --- per-party concurrence --------------------------------------------------------------------


def test_per_party_consensus_when_every_party_concurs(session: Session) -> None:
    result = process.tally(
        session, Method.PER_PARTY, answers(Method.PER_PARTY, [("labor", "concur"), ("management", "concur")])
    )
    assert result.consensus and result.counted == 2 and result.missing == []


def test_per_party_one_party_not_concurring_blocks(session: Session) -> None:
    result = process.tally(
        session, Method.PER_PARTY, answers(Method.PER_PARTY, [("labor", "concur"), ("management", "do_not_concur")])
    )
    assert not result.consensus
    assert result.below == ["management"]


def test_per_party_missing_party_is_no_consensus(session: Session) -> None:
    result = process.tally(session, Method.PER_PARTY, answers(Method.PER_PARTY, [("labor", "concur")]))
    assert not result.consensus
    assert result.missing == ["management"]


def test_per_party_three_parties_all_must_concur(session: Session) -> None:
    from ibb_facilitator.model import Party

    session.parties.append(Party(id="community", name="Parents' council", short="C"))
    two = answers(Method.PER_PARTY, [("labor", "concur"), ("management", "concur")])
    assert not process.tally(session, Method.PER_PARTY, two).consensus
    assert process.tally(session, Method.PER_PARTY, [*two, Response(who="community", value="concur")]).consensus


def test_per_party_answers_from_non_parties_never_count(session: Session) -> None:
    """A person's name or an unknown id is not a party: it neither makes nor blocks a concurrence."""
    both = answers(Method.PER_PARTY, [("labor", "concur"), ("management", "concur")])
    outsider = [Response(who=OBSERVER, value="do_not_concur"), Response(who="nobody", value="do_not_concur")]
    result = process.tally(session, Method.PER_PARTY, both + outsider)
    assert result.consensus and result.counted == 2
    assert set(result.ignored) == {OBSERVER, "nobody"}
    alone = process.tally(session, Method.PER_PARTY, [Response(who="nobody", value="concur")])
    assert not alone.consensus and alone.counted == 0


# --- who counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", NON_VOTERS, ids=["facilitator", "recorder", "timekeeper", "observer"])
@pytest.mark.parametrize(
    "method, good, bad",
    [(Method.FIST_TO_FIVE, 5, 0), (Method.THUMBS, "up", "down"), (Method.GRADIENTS, 1, 8)],
)
def test_non_voters_never_count_even_when_they_block(
    session: Session, who: str, method: Method, good: int | str, bad: int | str
) -> None:
    responses = [Response(who=name, value=good) for name in VOTERS] + [Response(who=who, value=bad)]
    result = process.tally(session, method, responses)
    assert result.consensus
    assert result.counted == len(VOTERS)
    assert result.ignored == [who]
    assert who not in result.below


def test_non_voters_alone_make_no_consensus(session: Session) -> None:
    result = process.tally(session, Method.FIST_TO_FIVE, fist(5, NON_VOTERS))
    assert not result.consensus and result.counted == 0
    assert sorted(result.ignored) == sorted(NON_VOTERS)


def test_non_voters_are_matched_regardless_of_case_and_spaces(session: Session) -> None:
    result = process.tally(session, Method.FIST_TO_FIVE, [*fist(5), Response(who=f"  {OBSERVER.upper()} ", value=0)])
    assert result.consensus and result.counted == len(VOTERS)


def test_voters_excludes_non_voters_listed_as_members(session: Session) -> None:
    from ibb_facilitator.model import Member

    session.parties[0].members.append(Member(name=FACILITATOR))
    names = [name for name, _ in process.voters(session)]
    assert names == VOTERS
    assert process.non_voters(session) == {n.casefold() for n in (FACILITATOR, RECORDER, TIMEKEEPER, OBSERVER)}


# --- responses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, value",
    [
        *((Method.FIST_TO_FIVE, v) for v in range(6)),
        *((Method.THUMBS, v) for v in ("up", "sideways", "down")),
        *((Method.GRADIENTS, v) for v in range(1, 9)),
        (Method.PER_PARTY, "concur"),
        (Method.PER_PARTY, "do_not_concur"),
    ],
)
def test_valid_answers_are_accepted(method: Method, value: int | str) -> None:
    assert process.response_problem(method, value) is None


@pytest.mark.parametrize(
    "method, value",
    [
        (Method.FIST_TO_FIVE, 6),
        (Method.FIST_TO_FIVE, -1),
        (Method.FIST_TO_FIVE, "3"),
        (Method.FIST_TO_FIVE, True),
        (Method.FIST_TO_FIVE, False),
        (Method.FIST_TO_FIVE, 2.5),
        (Method.THUMBS, "UP"),
        (Method.THUMBS, "left"),
        (Method.THUMBS, 1),
        (Method.GRADIENTS, 0),
        (Method.GRADIENTS, 9),
        (Method.GRADIENTS, "1"),
        (Method.GRADIENTS, True),
        (Method.PER_PARTY, "yes"),
        (Method.PER_PARTY, True),
        (Method.PER_PARTY, ""),
    ],
)
def test_invalid_answers_are_refused(method: Method, value: object) -> None:
    reason = process.response_problem(method, value)  # type: ignore[arg-type]
    assert reason is not None and "expected one of" in reason


def test_invalid_answer_neither_makes_nor_blocks_consensus(session: Session) -> None:
    assert not process.tally(session, Method.FIST_TO_FIVE, [Response(who=VOTERS[0], value="banana")]).consensus
    result = process.tally(session, Method.FIST_TO_FIVE, [*fist(4), Response(who="Someone", value=9)])
    assert result.consensus and result.counted == len(VOTERS)


def test_later_response_by_the_same_person_replaces_the_earlier(session: Session) -> None:
    ana = VOTERS[0]
    came_up = [*fist(4)[1:], Response(who=ana, value=1), Response(who=ana, value=4)]
    result = process.tally(session, Method.FIST_TO_FIVE, came_up)
    assert result.consensus and result.counted == len(VOTERS)
    went_down = [*fist(4), Response(who=ana, value=1)]
    result = process.tally(session, Method.FIST_TO_FIVE, went_down)
    assert not result.consensus and result.below == [ana] and result.counted == len(VOTERS)
    again = process.tally(
        session,
        Method.PER_PARTY,
        answers(Method.PER_PARTY, [("labor", "do_not_concur"), ("management", "concur"), ("labor", "concur")]),
    )
    assert again.consensus and again.counted == 2


def test_value_labels(session: Session) -> None:
    assert process.value_label(Method.GRADIENTS, 8) == "8 Veto / block"
    assert process.value_label(Method.PER_PARTY, "concur") == "concurs"
    assert process.value_label(Method.PER_PARTY, "do_not_concur") == "does not concur"
    assert process.value_label(Method.FIST_TO_FIVE, 3) == "3"


# --- issue status -----------------------------------------------------------------------------


def _with_ta(session: Session) -> str:
    issue = editing.add_issue(session, "How can we schedule planning time?")
    check, _ = editing.record_check(session, issue.id, Method.FIST_TO_FIVE, fist(4))
    editing.record_agreement(session, issue.id, check.id, "Thirty minutes of common planning time daily.")
    return issue.id


ALL_PAIRS = list(itertools.product(IssueStatus, IssueStatus))


@pytest.mark.parametrize("old, new", [p for p in ALL_PAIRS if p[1] in process.TRANSITIONS[p[0]]], ids=lambda s: s.value)
def test_every_listed_transition_is_allowed(session: Session, old: IssueStatus, new: IssueStatus) -> None:
    issue = session.issue(_with_ta(session))
    issue.status = old
    assert process.status_change_problem(session, issue, new) is None
    editing.set_status(session, issue.id, new)
    assert issue.status is new


@pytest.mark.parametrize(
    "old, new", [p for p in ALL_PAIRS if p[1] not in process.TRANSITIONS[p[0]]], ids=lambda s: s.value
)
def test_every_other_transition_is_refused(session: Session, old: IssueStatus, new: IssueStatus) -> None:
    issue = session.issue(_with_ta(session))
    issue.status = old
    assert process.status_change_problem(session, issue, new)
    with pytest.raises(editing.RuleError):
        editing.set_status(session, issue.id, new)
    assert issue.status is old


def test_the_transition_table_is_as_documented() -> None:
    assert set(process.TRANSITIONS) == set(IssueStatus)
    assert process.TRANSITIONS[IssueStatus.AGREED] == {IssueStatus.OPEN}
    assert process.TRANSITIONS[IssueStatus.WITHDRAWN] == {IssueStatus.OPEN}
    assert IssueStatus.AGREED in process.TRANSITIONS[IssueStatus.OPEN]
    assert IssueStatus.AGREED not in process.TRANSITIONS[IssueStatus.PARKED]
    for old, targets in process.TRANSITIONS.items():
        assert old not in targets


def test_agreed_needs_a_tentative_agreement(session: Session) -> None:
    issue = editing.add_issue(session, "How can we fund field trips?")
    reason = process.status_change_problem(session, issue, IssueStatus.AGREED)
    assert reason and "tentative agreement" in reason
    issue.status = IssueStatus.AGREED
    problems = process.rule_problems(session)
    assert ("issues[0].status", "an agreed issue needs a tentative agreement") in problems


def test_ta_needs_a_consensus_check_of_that_issue(session: Session) -> None:
    first = editing.add_issue(session, "How can we fund field trips?")
    other = editing.add_issue(session, "How can we staff recess?")
    assert "record a consensus check" in process.ta_problem(session, first, None)
    failed, _ = editing.record_check(
        session, first.id, Method.THUMBS, [Response(who=VOTERS[0], value="down")], absent=VOTERS[1:]
    )
    assert "did not reach consensus" in process.ta_problem(session, first, failed)
    elsewhere, _ = editing.record_check(
        session, other.id, Method.THUMBS, [Response(who=VOTERS[0], value="up")], absent=VOTERS[1:]
    )
    assert "another issue" in process.ta_problem(session, first, elsewhere)
    good, _ = editing.record_check(
        session, first.id, Method.THUMBS, [Response(who=VOTERS[0], value="up")], absent=VOTERS[1:]
    )
    assert process.ta_problem(session, first, good) is None
    assert process.consensus_checks(first) == [good]


@pytest.mark.parametrize("status", [IssueStatus.PARKED, IssueStatus.WITHDRAWN])
def test_no_ta_for_a_parked_or_withdrawn_issue(session: Session, status: IssueStatus) -> None:
    issue = editing.add_issue(session, "How can we fund field trips?")
    good, _ = editing.record_check(
        session, issue.id, Method.THUMBS, [Response(who=VOTERS[0], value="up")], absent=VOTERS[1:]
    )
    issue.status = status
    assert process.ta_problem(session, issue, good)


def test_initials_missing_lists_parties_in_order(session: Session) -> None:
    assert process.initials_missing(session, []) == ["labor", "management"]
    assert process.initials_missing(session, ["management"]) == ["labor"]
    assert process.initials_missing(session, ["labor", "management"]) == []


# --- options ----------------------------------------------------------------------------------


def test_brainstorm_blocks_set_aside_and_combine(session: Session) -> None:
    issue = editing.add_issue(session, "How can we fund field trips?")
    editing.set_brainstorm(session, issue.id, True)
    a = editing.add_option(session, issue.id, "Bake sale")
    b = editing.add_option(session, issue.id, "Grant from the town")
    assert process.option_change_problem(issue)
    with pytest.raises(editing.RuleError, match="brainstorm"):
        editing.set_aside_option(session, issue.id, a.id)
    with pytest.raises(editing.RuleError, match="brainstorm"):
        editing.combine_options(session, issue.id, [a.id, b.id], "Both")
    editing.edit_option(session, issue.id, a.id, "Bake sale every term")  # clarifying is allowed
    editing.set_brainstorm(session, issue.id, False)
    assert process.option_change_problem(issue) is None
    editing.set_aside_option(session, issue.id, a.id)


# --- whole-file checks ------------------------------------------------------------------------


def test_rule_problems_report_bad_answers_and_per_party_names(session: Session) -> None:
    issue = editing.add_issue(session, "How can we fund field trips?")
    issue.checks.append(
        ConsensusCheck(
            id="check-9",
            method=Method.PER_PARTY,
            at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
            responses=[Response(who="labor", value="maybe"), Response(who="Ana Ruiz", value="concur")],
            outcome=Outcome.CONSENSUS,
        )
    )
    paths = [path for path, _ in process.rule_problems(session)]
    assert paths == ["issues[0].checks[0].responses[0].value", "issues[0].checks[0].responses[1].who"]


def test_a_populated_session_breaks_no_rule(populated: Session) -> None:
    assert process.rule_problems(populated) == []
