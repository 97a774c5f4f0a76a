"""Straw polls: tallies, ranking with ties, keep the top K, recording and undo, the file, replay,
diff and the minutes (``polls.py``, ``editing.record_poll`` / ``keep_top``)."""

from __future__ import annotations

import pytest

from ibb_facilitator import diff, editing, export, polls, store, timeline
from ibb_facilitator.history import History
from ibb_facilitator.model import (
    Issue,
    Member,
    Option,
    OptionState,
    Party,
    Poll,
    PollKind,
    PollResponse,
    Session,
    Stage,
    integrity_problems,
    now,
)


def _session(n_options: int = 5) -> tuple[Session, Issue]:
    session = Session(
        title="Polls",
        parties=[
            Party(id="labor", name="Union", short="U", members=[Member(name="Ann"), Member(name="Bo")]),
            Party(id="management", name="District", short="M", members=[Member(name="Cy"), Member(name="Di")]),
        ],
    )
    issue = editing.add_issue(session, "How can we staff the buses?")
    editing.set_stage(session, issue.id, Stage.INTERESTS)
    editing.set_stage(session, issue.id, Stage.OPTIONS)
    for n in range(1, n_options + 1):
        editing.add_option(session, issue.id, f"Idea {n}")
    return session, issue


def _ids(issue: Issue) -> list[str]:
    return [o.id for o in issue.options]


def _dots(session: Session, issue: Issue, marks: dict[str, dict[int, int]], dots: int = 3) -> Poll:
    ids = _ids(issue)
    party = {name: pid for name, pid in polls.voters(session)}
    responses = [
        PollResponse(who=who, party=party[who], votes={ids[i]: n for i, n in votes.items()})
        for who, votes in marks.items()
    ]
    return editing.record_poll(session, issue.id, PollKind.DOTS, responses, dots=dots)


# --- tallies and ranking ---------------------------------------------------------------------


def test_dot_tally_ranks_by_total_and_states_ties() -> None:
    session, issue = _session(5)
    poll = _dots(session, issue, {"Ann": {0: 2, 1: 1}, "Bo": {1: 3}, "Cy": {0: 1, 2: 2}, "Di": {3: 3}})
    counted = polls.tally(issue, poll)
    ids = _ids(issue)
    assert [(b.option, b.total, b.rank_label) for b in counted.bars] == [
        (ids[1], 4, "1"),
        (ids[0], 3, "=2"),
        (ids[3], 3, "=2"),
        (ids[2], 2, "4"),
        (ids[4], 0, "5"),
    ]
    assert counted.people == 4
    assert counted.ties_sentence() == f"Tied: {ids[0]} = {ids[3]} (3 dots)"
    assert counted.bars[1].count == 2  # Ann and Cy put dots on it
    lines = polls.chart_lines(counted, 8, text_width=8)
    assert lines[0] == "  1 Idea 2   ████████ 4 dots"
    assert lines[-1] == "  5 Idea 5            0 dots"


def test_score_tally_ranks_by_mean_and_unscored_last() -> None:
    session, issue = _session(3)
    ids = _ids(issue)
    responses = [
        PollResponse(who="Ann", party="labor", votes={ids[0]: 5, ids[1]: 3}),
        PollResponse(who="Cy", party="management", votes={ids[0]: 3, ids[1]: 3}),
    ]
    poll = editing.record_poll(session, issue.id, PollKind.SCORE, responses)
    counted = polls.tally(issue, poll)
    assert [(b.option, b.mean, b.rank) for b in counted.bars] == [(ids[0], 4.0, 1), (ids[1], 3.0, 2), (ids[2], None, 3)]
    assert counted.label(counted.bars[0]) == "4.0 (2)"
    assert counted.label(counted.bars[2]) == "not scored"
    assert poll.dots == 0


# --- keep the top K --------------------------------------------------------------------------


def test_top_k_without_a_tie() -> None:
    session, issue = _session(5)
    poll = _dots(session, issue, {"Ann": {0: 3}, "Bo": {1: 2}, "Cy": {2: 1}})
    result = polls.top_k(issue, poll, 2)
    ids = _ids(issue)
    assert (result.keep, result.set_aside, result.problem) == ([ids[0], ids[1]], [ids[2], ids[3], ids[4]], "")


def test_top_k_tie_at_the_cut_is_refused_or_included() -> None:
    session, issue = _session(5)
    ids = _ids(issue)
    poll = _dots(session, issue, {"Ann": {0: 3}, "Bo": {1: 2}, "Cy": {2: 2}})
    refused = polls.top_k(issue, poll, 2)
    assert refused.keep == [] and refused.set_aside == []
    assert refused.problem.startswith(f"a tie at place 2: {ids[1]}, {ids[2]}")
    assert "Keep 3 to include the tie" in refused.problem
    included = polls.top_k(issue, poll, 2, ties="include")
    assert included.keep == ids[:3] and included.set_aside == ids[3:]
    assert "tie at place 2 included: keeping 3" in included.note


def test_top_k_limits() -> None:
    session, issue = _session(3)
    poll = _dots(session, issue, {"Ann": {0: 1}})
    assert polls.top_k(issue, poll, 0).problem == "keep at least 1 option"
    assert "nothing to set aside" in polls.top_k(issue, poll, 3).problem
    # options 2 and 3 tie at zero: keeping 2 of them includes both or is refused
    assert "every active option ties" in polls.top_k(issue, poll, 2, ties="include").problem


def test_top_k_counts_only_options_still_active() -> None:
    session, issue = _session(4)
    ids = _ids(issue)
    poll = _dots(session, issue, {"Ann": {0: 3}, "Bo": {1: 2}, "Cy": {2: 1}})
    editing.set_aside_option(session, issue.id, ids[0])
    result = polls.top_k(issue, poll, 1)
    assert result.keep == [ids[1]] and result.set_aside == [ids[2], ids[3]]


# --- recording: the rules ----------------------------------------------------------------------


def test_each_person_has_at_most_n_dots() -> None:
    session, issue = _session(3)
    with pytest.raises(editing.RuleError, match="Ann: 4 dots placed; each person has 3"):
        _dots(session, issue, {"Ann": {0: 2, 1: 2}})
    assert issue.polls == []
    assert session.events[-1].action == "option.add"


def test_scores_are_one_to_five() -> None:
    session, issue = _session(3)
    ids = _ids(issue)
    with pytest.raises(editing.RuleError, match="Ann: a score is 1 to 5"):
        editing.record_poll(session, issue.id, PollKind.SCORE, [PollResponse(who="Ann", votes={ids[0]: 6})])


def test_no_poll_during_a_brainstorm_and_no_keep_top() -> None:
    session, issue = _session(3)
    poll = _dots(session, issue, {"Ann": {0: 3}})
    editing.set_brainstorm(session, issue.id, True)
    with pytest.raises(editing.RuleError, match="not during the brainstorm"):
        _dots(session, issue, {"Ann": {0: 3}})
    with pytest.raises(editing.RuleError, match="not during the brainstorm"):
        editing.keep_top(session, issue.id, poll.id, 1)
    assert all(o.state is OptionState.ACTIVE for o in issue.options)


def test_a_poll_needs_marks_dots_and_active_options() -> None:
    session, issue = _session(3)
    with pytest.raises(editing.RuleError, match="no one has marked anything"):
        _dots(session, issue, {"Ann": {}})
    with pytest.raises(editing.RuleError, match="dots per person"):
        _dots(session, issue, {"Ann": {0: 1}}, dots=0)
    editing.set_aside_option(session, issue.id, issue.options[0].id)
    editing.set_aside_option(session, issue.id, issue.options[1].id)
    with pytest.raises(editing.RuleError, match="at least two active options"):
        _dots(session, issue, {"Ann": {2: 1}})


def test_people_with_no_marks_are_left_out_and_votes_keep_the_poll_order() -> None:
    session, issue = _session(3)
    ids = _ids(issue)
    responses = [
        PollResponse(who="Ann", party="labor", votes={ids[2]: 1, ids[0]: 2, ids[1]: 0}),
        PollResponse(who="Bo", party="labor", votes={}),
    ]
    poll = editing.record_poll(session, issue.id, PollKind.DOTS, responses, dots=3)
    assert [r.who for r in poll.responses] == ["Ann"]
    assert list(poll.responses[0].votes.items()) == [(ids[0], 2), (ids[2], 1)]
    event = session.events[-1]
    assert (event.action, event.target) == ("poll.record", poll.id)
    assert event.data["votes"] == [f"{ids[0]}=2,{ids[2]}=1"]


def test_keep_top_is_one_event_and_one_undo() -> None:
    session, issue = _session(6)
    ids = _ids(issue)
    poll = _dots(session, issue, {"Ann": {0: 3}, "Bo": {1: 2}, "Cy": {2: 1}})
    history = History()
    history.checkpoint(session, "keep the top 3")
    before = len(session.events)
    result = editing.keep_top(session, issue.id, poll.id, 3)
    assert len(session.events) == before + 1
    event = session.events[-1]
    assert (event.action, event.data["kept"], event.data["set_aside"]) == ("poll.keep_top", ids[:3], ids[3:])
    assert [o.state for o in issue.options] == [OptionState.ACTIVE] * 3 + [OptionState.SET_ASIDE] * 3
    assert result.set_aside == ids[3:]
    history.undo(session)
    assert all(o.state is OptionState.ACTIVE for o in session.issues[0].options)
    assert session.issues[0].polls[0].id == poll.id


# --- the file ----------------------------------------------------------------------------------


def test_a_poll_round_trips_through_the_file() -> None:
    session, issue = _session(4)
    ids = _ids(issue)
    _dots(session, issue, {"Ann": {0: 2, 1: 1}, "Cy": {3: 3}})
    editing.record_poll(
        session,
        issue.id,
        PollKind.SCORE,
        [PollResponse(who="[/b] Bo", party="labor", votes={ids[0]: 4}, device="tablet-3")],
        question='Which "first"?\nreally',
        anonymous=True,
    )
    text = store.dumps_session(session)
    assert "[[issues.polls]]" in text
    assert f'{{ who = "Ann", party = "labor", votes = {{ {ids[0]} = 2, {ids[1]} = 1 }} }}' in text
    again = store.loads_session(text)
    assert again.issues[0].polls == session.issues[0].polls
    assert store.dumps_session(again) == text


def test_a_session_without_polls_writes_no_poll_key() -> None:
    session, _ = _session(2)
    assert "polls" not in store.dumps_session(session)


def test_a_bad_poll_in_a_file_is_named() -> None:
    session, issue = _session(2)
    ids = _ids(issue)
    issue.polls.append(
        Poll(
            id="poll-9",
            kind=PollKind.DOTS,
            at=now(),
            dots=2,
            options=[ids[0], "option-99", ids[0]],
            responses=[PollResponse(who="Ann", party="nobody", votes={ids[1]: 1})],
        )
    )
    paths = [path for path, _ in integrity_problems(session)]
    assert "issues[0].polls[0].options[1]" in paths
    assert "issues[0].polls[0].options[2]" in paths  # twice
    assert "issues[0].polls[0].responses[0].party" in paths
    assert f"issues[0].polls[0].responses[0].votes.{ids[1]}" in paths
    with pytest.raises(ValueError, match="Ann placed 3 dots; each person has 2"):
        Poll(id="p", kind=PollKind.DOTS, at=now(), dots=2, responses=[PollResponse(who="Ann", votes={"o": 3})])


# --- replay, diff, minutes ----------------------------------------------------------------------


def test_replay_shows_the_poll_and_the_options_set_aside() -> None:
    session, issue = _session(5)
    poll = _dots(session, issue, {"Ann": {0: 3}, "Bo": {1: 2}, "Cy": {2: 1}})
    after_poll = len(session.events)
    editing.keep_top(session, issue.id, poll.id, 2)
    at_poll = timeline.state_after(session, after_poll)
    assert at_poll.issues[0].polls == [poll]
    assert all(o.state is OptionState.ACTIVE for o in at_poll.issues[0].options)
    end = timeline.state_after(session, len(session.events))
    assert [o.state for o in end.issues[0].options] == [o.state for o in issue.options]
    before = timeline.state_after(session, after_poll - 1)
    assert before.issues[0].polls == []


def test_diff_names_a_new_poll_and_its_result() -> None:
    session, issue = _session(3)
    old = session.model_copy(deep=True)
    _dots(session, issue, {"Ann": {0: 3}, "Bo": {1: 2}})
    changes = diff.compare(old, session)
    text = diff.render_text(changes)
    assert "Straw poll 1" in text
    assert "1. O1 3 dots; 2. O2 2 dots; 3. O3 0 dots" in text


def test_minutes_show_the_poll_as_bars() -> None:
    session, issue = _session(3)
    _dots(session, issue, {"Ann": {0: 3}, "Bo": {1: 2}, "Cy": {2: 2}})
    md = export.render(session, "md", "minutes")
    assert "#### Straw polls" in md
    assert "**Poll 1** (Dot vote, 3 dots each" in md
    assert "| 1 | O1. Idea 1 | ████████████████████ | 3 dots |" in md
    assert "**Tied:** O2 = O3 (2 dots)" in md
    html = export.render(session, "html", "minutes")
    assert "Straw polls" in html and "████" in html
    import io
    import zipfile

    docx = export.render(session, "docx", "minutes")
    assert isinstance(docx, bytes)
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "Straw polls" in xml and "3 dots" in xml and "████" in xml


def test_an_option_made_by_the_model_only_is_still_counted() -> None:
    """A poll naming an option since removed from the issue still tallies (as its id)."""
    session, issue = _session(2)
    poll = _dots(session, issue, {"Ann": {0: 1, 1: 1}})
    issue.options.append(Option(id="option-x", text="late"))
    assert [b.text for b in polls.tally(issue, poll).bars] == ["Idea 1", "Idea 2"]


def test_a_malformed_poll_in_a_file_is_refused_with_line_and_field() -> None:
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "session-format.md").read_text(encoding="utf-8")
    block = re.findall(r"```toml\n(.*?)```", doc, flags=re.S)[0]
    assert store.loads_session(block, "x.toml").issues[0].polls[0].dots == 2
    too_many = block.replace("votes = { option-3 = 2 }", "votes = { option-3 = 3 }")
    with pytest.raises(store.StoreError, match=r"x\.toml:\d+: issues\[0\]\.polls\[0\]: Carl Jensen placed 3 dots"):
        store.loads_session(too_many, "x.toml")
    stray = block.replace('options = ["option-1", "option-2", "option-3"]', 'options = ["option-1", "option-2"]')
    with pytest.raises(store.StoreError, match=r"polls\[0\]\.responses\[0\]\.votes\.option-3: option 'option-3'"):
        store.loads_session(stray, "x.toml")


def test_replay_follows_an_undone_keep_top() -> None:
    session, issue = _session(5)
    poll = _dots(session, issue, {"Ann": {0: 3}, "Bo": {1: 2}, "Cy": {2: 1}})
    history = History()
    history.checkpoint(session, "keep the top 2")
    editing.keep_top(session, issue.id, poll.id, 2)
    history.undo(session)
    assert session.events[-1].action == "undo"
    line = timeline.Timeline(session)
    replayed = line.state_after(len(session.events))
    assert all(o.state is OptionState.ACTIVE for o in replayed.issues[0].options)
    assert replayed.issues[0].polls == session.issues[0].polls
    assert line.skipped == []


def test_the_next_session_carries_an_open_issue_with_its_polls() -> None:
    from ibb_facilitator.negotiation import carryover

    session, issue = _session(3)
    poll = _dots(session, issue, {"Ann": {0: 3}, "Bo": {1: 2}})
    after = carryover.carry(session, "session-1.toml")
    assert after.issues[0].polls == [poll]
    assert after.previous is not None and after.previous.ids.get("poll") == 1
    assert after.new_id("poll") == "poll-2"
