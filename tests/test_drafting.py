"""Single-text drafting: revisions saved, kept, compared, undone, replayed, written small, and
the TA word for word the revision a consensus check tested."""

from __future__ import annotations

import difflib
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibb_facilitator import drafting, editing, store, timeline
from ibb_facilitator.editing import RuleError
from ibb_facilitator.history import History
from ibb_facilitator.model import Method, Session
from ibb_facilitator.samples.team import VOTERS, fist, populated_session
from ibb_facilitator.store import StoreError

ONE = "Article 9. Start times.\n\nBuses start at 8:10 on Wednesdays.\nNo change to routes."
TWO = "Article 9. Start times.\n\nBuses start at 8:40 on Wednesdays.\nNo change to routes."
THREE = TWO + "\nThe team reviews this after a year."


@pytest.fixture
def s() -> Session:
    return populated_session()


def issue_id(s: Session) -> str:
    return s.issues[1].id


def three_revisions(s: Session) -> None:
    for text in (ONE, TWO, THREE):
        editing.save_revision(s, issue_id(s), text)


def test_each_save_is_a_numbered_revision_of_the_room_and_logged(s: Session) -> None:
    n = len(s.events)
    first = editing.save_revision(s, issue_id(s), ONE, note="first words")
    second = editing.save_revision(s, issue_id(s), TWO)
    issue = s.issues[1]
    assert (first.n, first.note, second.n) == (1, "first words", 2)
    assert issue.draft == TWO and [r.n for r in issue.revisions] == [1, 2]
    assert not hasattr(first, "who") and "who" not in first.model_dump()  # the author is the room
    assert [e.action for e in s.events[n:]] == ["draft.save", "draft.save"]
    assert s.events[-1].data["n"] == 2 and s.events[-1].target == issue.id
    assert drafting.text_of(issue, 1) == ONE and drafting.text_of(issue, 2) == TWO


def test_an_unchanged_or_empty_text_is_refused_and_changes_nothing(s: Session) -> None:
    editing.save_revision(s, issue_id(s), ONE)
    before, n = s.model_dump(), len(s.events)
    with pytest.raises(RuleError, match="Nothing changed since revision 1"):
        editing.save_revision(s, issue_id(s), ONE)
    with pytest.raises(RuleError, match="cannot be empty"):
        editing.save_revision(s, issue_id(s), "  \n ")
    with pytest.raises(RuleError):
        editing.save_revision(s, issue_id(s), "lone \ud800 surrogate")
    assert s.model_dump() == before and len(s.events) == n


def test_undo_takes_back_the_last_revision(s: Session) -> None:
    history = History()
    for text in (ONE, TWO):
        history.checkpoint(s, "save draft")
        editing.save_revision(s, issue_id(s), text)
    history.undo(s)
    issue = s.issues[1]
    assert issue.draft == ONE and [r.n for r in issue.revisions] == [1] and issue.revisions[0].back == []
    again = editing.save_revision(s, issue_id(s), THREE)
    assert again.n == 2 and drafting.text_of(issue, 1) == ONE


def test_word_diff_marks_insertions_and_deletions_without_colour() -> None:
    pieces = drafting.word_diff(ONE, THREE)
    assert "".join(t for k, t in pieces if k != "-") == THREE
    assert "".join(t for k, t in pieces if k != "+") == ONE
    shown = drafting.marked(pieces)
    assert "at [-8:10-]{+8:40+} on Wednesdays" in shown
    assert shown.endswith("{+\nThe team reviews this after a year.+}")
    assert drafting.changed_words(pieces) == (8, 1)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8"), min_size=1), min_size=1, max_size=6))
def test_any_revisions_come_back_word_for_word(texts: list[str]) -> None:
    s = populated_session()
    kept: list[str] = []
    for text in texts:
        if text.strip() and (not kept or text != kept[-1]):
            editing.save_revision(s, issue_id(s), text)
            kept.append(text)
    issue = store.loads_session(store.dumps_session(s)).issues[1]
    assert [drafting.text_of(issue, n + 1) for n in range(len(kept))] == kept
    for old, new in itertools.pairwise(kept):
        pieces = drafting.word_diff(old, new)
        assert "".join(t for k, t in pieces if k != "-") == new
        assert "".join(t for k, t in pieces if k != "+") == old
    replayed = timeline.state_at(s, s.events[-1].at).issues[1]
    assert replayed.draft == issue.draft and replayed.revisions == issue.revisions


def test_the_ta_is_the_tested_revision_word_for_word(s: Session) -> None:
    three_revisions(s)
    check, tally = editing.record_check(s, issue_id(s), Method.FIST_TO_FIVE, fist(5), revision=2)
    assert tally.consensus and check.revision == 2 and s.events[-1].data["revision"] == 2
    with pytest.raises(RuleError, match="revision 2, word for word"):
        editing.record_agreement(s, issue_id(s), check.id, THREE)
    ta = editing.record_agreement(s, issue_id(s), check.id, "")
    assert ta.text == TWO  # revision 2, not the latest draft
    with pytest.raises(RuleError, match="save a new revision of the draft and test it"):
        editing.edit_agreement(s, ta.id, THREE)
    assert editing.edit_agreement(s, ta.id, title="Start times").title == "Start times" and ta.text == TWO
    with pytest.raises(RuleError, match="no revision 7"):
        editing.record_check(s, issue_id(s), Method.FIST_TO_FIVE, fist(5), revision=7)


def test_changed_since_the_last_check(s: Session) -> None:
    issue = s.issues[1]
    assert drafting.since_last_check(issue) == (None, None, [])
    editing.save_revision(s, issue.id, ONE)
    assert drafting.since_last_check(issue) == (None, 1, [("+", ONE)])
    editing.record_check(s, issue.id, Method.FIST_TO_FIVE, fist(2, VOTERS[:1]) + fist(5, VOTERS[1:]), revision=1)
    editing.save_revision(s, issue.id, TWO)
    editing.save_revision(s, issue.id, THREE)
    checked, latest, pieces = drafting.since_last_check(issue)
    assert (checked, latest) == (1, 3)
    assert pieces == drafting.word_diff(ONE, THREE)


def test_a_one_word_change_is_a_small_diff_of_the_file(s: Session) -> None:
    paragraph = " ".join(f"word{k}" for k in range(100))
    text = "\n\n".join(f"{k}. {paragraph}" for k in range(50))  # 5,000 words
    editing.save_revision(s, issue_id(s), text)
    before = store.dumps_session(s)
    editing.save_revision(s, issue_id(s), text.replace("\n7. word0 ", "\n7. term0 "))
    after = store.dumps_session(s)
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    # the changed paragraph (out and in), its back delta, the new revision and the event
    assert len(changed) < 30, "\n".join(changed)
    assert sum(len(line) for line in changed) < 3 * len(paragraph) + 1500


def test_old_files_save_byte_for_byte_and_new_keys_round_trip(s: Session) -> None:
    old = store.dumps_session(s)
    assert "draft" not in old and "revisions" not in old
    assert store.dumps_session(store.loads_session(old)) == old
    three_revisions(s)
    editing.record_check(s, issue_id(s), Method.FIST_TO_FIVE, fist(5), revision=3)
    text = store.dumps_session(s)
    assert 'draft = """\nArticle 9. Start times.\n\nBuses start at 8:40' in text  # readable, as typed
    again = store.loads_session(text)
    assert store.dumps_session(again) == text
    assert again.issues[1].checks[-1].revision == 3 and drafting.text_of(again.issues[1], 1) == ONE


def test_a_damaged_draft_is_refused_with_its_place(s: Session) -> None:
    three_revisions(s)
    text = store.dumps_session(s)
    with pytest.raises(StoreError, match=r"issues\[1\]\.revisions\[\d\]\.back"):
        store.loads_session(text.replace("at = 4\ncut = 1", "at = 40\ncut = 1"))
    three = "\n[[issues.revisions]]\nn = 3\n"
    with pytest.raises(StoreError, match="revision numbers must go up"):
        store.loads_session(text.replace(three, "\n[[issues.revisions]]\nn = 1\n"))
    bare = populated_session()
    bare.issues[1].draft = "words nobody saved"
    with pytest.raises(StoreError, match=r"issues\[1\]\.draft: a draft needs its revisions"):
        store.loads_session(store.dumps_session(bare))


def test_replay_shows_each_revision_when_it_was_saved(s: Session) -> None:
    three_revisions(s)
    real = store.loads_session(store.dumps_session(s))
    line = timeline.Timeline(real)
    saves = [k for k, e in enumerate(real.events) if e.action == "draft.save"]
    assert line.state_after(saves[0]).issues[1].draft == ""
    assert line.state_after(saves[0] + 1).issues[1].draft == ONE
    middle = line.state_after(saves[1] + 1).issues[1]
    assert middle.draft == TWO and drafting.text_of(middle, 1) == ONE
    assert line.state_after(len(real.events)).issues[1].revisions == real.issues[1].revisions


def test_ibb_diff_and_the_minutes_show_the_revisions(s: Session) -> None:
    from ibb_facilitator import diff, export

    editing.save_revision(s, issue_id(s), ONE)
    old = store.loads_session(store.dumps_session(s))
    editing.save_revision(s, issue_id(s), TWO + " [/b]", note="after the caucus")
    check, _ = editing.record_check(s, issue_id(s), Method.FIST_TO_FIVE, fist(5), revision=2)
    editing.record_agreement(s, issue_id(s), check.id, "")
    shown = diff.render(diff.compare(old, s))
    assert "+ Draft revision 2 saved" in shown and "after the caucus" in shown
    assert "~ Draft revision 1 → 2" in shown and "at [-8:10-]{+8:40+} on Wednesdays" in shown
    assert "tested draft revision 2" in shown and "\n      …\n" in shown  # the changed lines, and one around
    md = export.render(s, "md")
    assert "#### Draft of the language" in md and "| 2 | " in md and "after the caucus | check " in md
    assert "- **Tested:** draft revision 2" in md and "draft revision 2, word for word" in md
    assert "No change to routes. [/b]" in md
    html = export.render(s, "html")
    assert "Draft of the language" in html and "No change to routes. [/b]" in html
    docx = export.render(s, "docx")
    assert isinstance(docx, bytes) and len(docx) > 1000


def test_an_open_issue_carries_its_draft_and_revisions_to_the_next_session(s: Session) -> None:
    from ibb_facilitator.negotiation.carryover import carry

    three_revisions(s)
    editing.record_check(s, issue_id(s), Method.FIST_TO_FIVE, fist(2, VOTERS[:1]) + fist(5, VOTERS[1:]), revision=3)
    after = carry(store.loads_session(store.dumps_session(s)), "session-1.toml")
    issue = after.issue(issue_id(s))
    assert issue is not None and issue.draft == THREE and [r.n for r in issue.revisions] == [1, 2, 3]
    assert drafting.text_of(issue, 1) == ONE and issue.checks[-1].revision == 3
    assert editing.save_revision(after, issue.id, THREE + "\nSigned.").n == 4
    assert store.loads_session(store.dumps_session(after)).issues[1].draft.endswith("Signed.")


def test_replay_of_a_carried_draft_starts_from_the_revisions_it_came_with(s: Session) -> None:
    from ibb_facilitator.negotiation.carryover import carry

    three_revisions(s)
    after = carry(store.loads_session(store.dumps_session(s)), "session-1.toml")
    iid = issue_id(s)
    editing.save_revision(after, iid, THREE + "\nSigned.")
    editing.save_revision(after, iid, THREE + "\nSigned by both.")
    real = store.loads_session(store.dumps_session(after))
    before = real.model_dump()
    line = timeline.Timeline(real)
    start = line.state_after(0).issue(iid)
    assert start is not None and start.draft == THREE and [r.n for r in start.revisions] == [1, 2, 3]
    end = line.state_after(len(real.events)).issue(iid)
    assert end is not None and end.draft == real.issues[1].draft and end.revisions == real.issue(iid).revisions  # type: ignore[union-attr]
    assert line.skipped == [] and real.model_dump() == before  # the file's session is untouched


def test_ibb_diff_draft_compares_two_revisions_of_one_file(s: Session, tmp_path, capsys) -> None:
    from ibb_facilitator import cli

    three_revisions(s)
    editing.record_check(s, issue_id(s), Method.FIST_TO_FIVE, fist(2, VOTERS[:1]) + fist(5, VOTERS[1:]), revision=1)
    path = tmp_path / "s.toml"
    store.save_session(s, path)
    assert cli.main(["diff", str(path), "--draft", "2"]) == 0  # since the last check: 1 -> 3
    out = capsys.readouterr().out
    assert out.startswith("Draft of issue-2: revision 1 → revision 3 (8 words in, 1 out;")
    assert "at [-8:10-]{+8:40+} on Wednesdays" in out and "{+\nThe team reviews this after a year.+}" in out
    assert cli.main(["diff", str(path), "--draft", issue_id(s), "--from", "2", "--to", "3", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "revision 2 → revision 3" in out and "```text\n" in out and "8:10" not in out
    assert cli.main(["diff", str(path), "--draft", "2", "--to", "9"]) == 1
    assert "has no revision 9 (it has 1, 2, 3)" in capsys.readouterr().err
    assert cli.main(["diff", str(path), "--draft", "7"]) == 1
    assert "no issue '7'" in capsys.readouterr().err
