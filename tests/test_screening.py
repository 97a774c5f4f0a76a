"""Criteria that screen and weigh (issue 16 item 2): the rules in ``screening``, the changes in
``editing`` (logged, undoable, refused with a sentence), the file (old files unchanged, new keys
written and read back, bad values refused with where) and the replay of the log."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EXAMPLE

from ibb_facilitator import editing, screening, store, timeline
from ibb_facilitator.history import History
from ibb_facilitator.model import Criterion, Option, OptionState
from ibb_facilitator.store import StoreError


def crit(cid: str, text: str = "", weight: int | None = None, must_pass: int | None = None) -> Criterion:
    return Criterion(id=cid, text=text or cid, weight=weight, must_pass=must_pass)


def opt(oid: str, **scores: int) -> Option:
    return Option(id=oid, text=oid, scores=scores)


# --- the rules ------------------------------------------------------------------------------------


def test_weighted_total_multiplies_and_unrated_cells_count_nothing() -> None:
    criteria = [crit("a", weight=3), crit("b"), crit("c", weight=2)]
    assert screening.weighted_total(opt("o", a=4, b=5, c=1), criteria) == (4 * 3 + 5 + 1 * 2, 0)
    assert screening.weighted_total(opt("o", a=4), criteria) == (12, 2)  # b and c unrated: 0 each
    assert screening.weighted_total(opt("o"), criteria) == (0, 3)


def test_must_pass_screens_out_below_the_line_only_and_says_why() -> None:
    budget = crit("budget", "Within budget", must_pass=3)
    criteria = [budget, crit("legal", "Legal", must_pass=4)]
    assert screening.failures(opt("o", budget=3, legal=4), criteria) == ()  # at the line passes
    assert screening.failures(opt("o", budget=2, legal=5), criteria) == ("below 3 on ‘Within budget’ (2)",)
    assert screening.failures(opt("o", budget=0, legal=1), criteria) == (
        "below 3 on ‘Within budget’ (0)",
        "below 4 on ‘Legal’ (1)",
    )
    assert screening.failures(opt("o"), criteria) == ()  # not rated yet: nothing known against it


def test_rank_among_the_options_not_screened_out_ties_share_a_rank() -> None:
    criteria = [crit("a", must_pass=2), crit("b", weight=2)]
    options = [opt("w", a=5, b=1), opt("x", a=1, b=5), opt("y", a=3, b=2), opt("z", a=2, b=5)]
    rows = screening.rank(options, criteria)
    assert [(s.option.id, s.total, s.rank) for s in rows] == [
        ("w", 7, 2),
        ("x", 11, None),  # the highest total, but below 2 on a: screened out, no rank
        ("y", 7, 2),  # ties with w
        ("z", 12, 1),
    ]
    assert rows[1].screened_out and rows[1].reason == "below 2 on ‘a’ (1)"
    assert [s.option.id for s in screening.by_rank(rows)] == ["z", "w", "y", "x"]


def test_standings_take_the_active_options_and_shared_criteria(populated_session) -> None:
    session = populated_session
    issue = session.issues[0]
    rows = screening.standings(session, issue)
    assert [s.option.id for s in rows] == [o.id for o in issue.options if o.state is OptionState.ACTIVE]


def test_describe_and_defaults() -> None:
    assert screening.describe(crit("a")) == ""
    assert screening.describe(crit("a", weight=2, must_pass=3)) == "×2, must pass 3"
    assert crit("a").weighs == 1 and not screening.weighs_anything([crit("a")])


# --- editing: logged, undoable, refused with a sentence -------------------------------------------


@pytest.fixture
def populated_session():
    return store.load_session(EXAMPLE)


def test_set_weight_and_must_pass_are_logged_and_undone(populated_session) -> None:
    session = populated_session
    history = History()
    issue = session.issues[0]
    own = issue.criteria[0]
    history.checkpoint(session, "weight criterion")
    editing.set_weight(session, issue.id, own.id, 3)
    assert own.weight == 3 and session.events[-1].action == "criterion.weight"
    assert session.events[-1].data == {"issue": issue.id, "weight": 3}
    history.checkpoint(session, "must-pass criterion")
    editing.set_must_pass(session, None, "criterion-1")  # a shared one, at the default line 3
    assert session.shared_criteria[0].must_pass == 3
    assert session.events[-1].action == "criterion.must_pass" and session.events[-1].data == {"line": 3}
    assert history.undo(session) == "must-pass criterion"
    assert session.shared_criteria[0].must_pass is None
    assert history.undo(session) == "weight criterion"
    assert session.issues[0].criteria[0].weight is None
    editing.set_weight(session, issue.id, session.issues[0].criteria[0].id, 1)  # the default: no change
    assert session.events[-1].action == "undo"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: editing.set_weight(s, None, "criterion-1", 0), "a weight is a whole number from 1 to 9"),
        (lambda s: editing.set_weight(s, None, "criterion-1", 10), "a weight is a whole number from 1 to 9"),
        (lambda s: editing.set_weight(s, None, "criterion-1", True), "a weight is a whole number from 1 to 9"),
        (lambda s: editing.set_must_pass(s, None, "criterion-1", 6), "a must-pass line is a score from 0 to 5"),
        (lambda s: editing.set_must_pass(s, None, "criterion-1", -1), "a must-pass line is a score from 0 to 5"),
        (lambda s: editing.set_weight(s, None, "criterion-99", 2), "no criterion 'criterion-99'"),
        (lambda s: editing.set_weight(s, "issue-1", "criterion-1", 2), "no criterion 'criterion-1'"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(populated_session, call, message) -> None:
    session = populated_session
    before = store.dumps_session(session)
    with pytest.raises(editing.RuleError) as caught:
        call(session)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
    assert store.dumps_session(session) == before


# --- the file ---------------------------------------------------------------------------------------


def test_an_old_file_opens_at_weight_1_not_must_pass_and_saves_byte_for_byte(tmp_path: Path) -> None:
    old = EXAMPLE.read_bytes()
    assert b"weight" not in old and b"must_pass" not in old
    session = store.loads_session(old.decode("utf-8"), "old.toml")
    every = [*session.shared_criteria, *(c for i in session.issues for c in i.criteria)]
    assert every and all(c.weighs == 1 and c.must_pass is None for c in every)
    assert store.dumps_session(session).encode("utf-8") == old
    path = tmp_path / "s.toml"
    store.save_session(session, path, backup=False)
    assert path.read_bytes() == old


def test_weights_and_lines_are_written_and_read_back(populated_session) -> None:
    session = populated_session
    issue = session.issues[0]
    editing.set_weight(session, None, "criterion-2", 2)
    editing.set_must_pass(session, issue.id, issue.criteria[0].id, 0)
    text = store.dumps_session(session)
    assert (
        'id = "criterion-2"\ntext = "Legal under state law and consistent with the rest of the contract"\nweight = 2\n'
        in (text)
    )
    assert "must_pass = 0\n" in text
    again = store.loads_session(text, "s.toml")
    assert again == session
    assert store.dumps_session(again) == text
    editing.set_weight(session, None, "criterion-2", 1)  # back to the default: the key goes
    editing.set_must_pass(session, issue.id, issue.criteria[0].id, None)
    head = store.dumps_session(session).split("[[events]]")[0]
    assert head == EXAMPLE.read_text(encoding="utf-8").split("[[events]]")[0]


@pytest.mark.parametrize(
    ("line", "field"),
    [("weight = 0", "weight"), ("weight = 10", "weight"), ('weight = "2"', "weight"), ("must_pass = 6", "must_pass")],
)
def test_a_bad_weight_or_line_is_refused_with_where(line: str, field: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'text = "Affordable within the FY2028 budget projection"\n',
        f'text = "Affordable within the FY2028 budget projection"\n{line}\n',
        1,
    )
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "bad.toml")
    assert f"shared_criteria[0].{field}" in str(caught.value)


# --- replay -----------------------------------------------------------------------------------------


def test_review_replays_weights_and_lines(populated_session) -> None:
    session = populated_session
    start = len(session.events)
    editing.set_weight(session, None, "criterion-2", 2)
    editing.set_must_pass(session, None, "criterion-1", 3)
    editing.set_must_pass(session, "issue-1", "criterion-4", 4)
    editing.set_must_pass(session, None, "criterion-1", None)
    during = timeline.state_after(session, start + 2)
    assert during.shared_criteria[1].weight == 2 and during.shared_criteria[0].must_pass == 3
    assert during.issues[0].criteria[0].must_pass is None
    end = timeline.state_after(session, len(session.events))
    assert end.shared_criteria[0].must_pass is None and end.issues[0].criteria[0].must_pass == 4
    before = timeline.state_after(session, start)
    assert before.shared_criteria[1].weight is None


# --- the room view ----------------------------------------------------------------------------------


def test_the_room_view_ranks_big_and_strikes_the_screened(populated_session) -> None:
    from ibb_facilitator.model import Stage
    from ibb_facilitator.tui.room import build_view

    session = populated_session
    session.cursor.issue, session.cursor.stage = "issue-1", Stage.CRITERIA
    editing.set_weight(session, None, "criterion-2", 2)
    editing.set_must_pass(session, None, "criterion-1", 3)
    view = build_view(session)
    assert view.groups[0].items[0].note == "all issues · must pass 3"
    assert view.groups[0].items[1].note == "all issues · ×2"
    ranked = view.groups[1]
    assert ranked.title == "Options by rank (Σ = score × weight)"
    first, out = ranked.items
    assert (first.tag, first.kind, first.note) == ("1.", "", "Σ 26 (5 of 5 rated) · option #7")
    assert out.tag == "✗" and out.kind == "screened"
    assert out.note == "#1 out: below 3 on ‘Affordable within the FY2028 budget pro…’ (1)"  # cut at 40


# --- exports ----------------------------------------------------------------------------------------


def test_minutes_show_weights_must_pass_and_the_ranking(populated_session) -> None:
    import io

    from ibb_facilitator import export

    session = populated_session
    editing.set_weight(session, None, "criterion-2", 2)
    editing.set_must_pass(session, None, "criterion-1", 3)
    md = str(export.render(session, "md"))
    part = md.split("### Issue 1:")[1].split("### Issue 2:")[0]
    assert "(weight ×2)" in part and "must pass: 3 or more" in part
    assert "| Option | C1 | C2 | C3 | C4 | C5 | Σ | Rank |" in part
    assert "| 4 | 5 | 4 | 5 | 3 | 26 | 1 |" in part  # O7: 4 + 5×2 + 4 + 5 + 3
    assert "| 1 | 5 | 2 | 4 | 4 | 21 | out |" in part  # O1: screened out, no rank
    assert "**O1** screened out: below 3 on ‘Affordable within the FY2028 budget pro…’ (1)" in part
    html = str(export.render(session, "html"))
    assert "must pass: 3 or more" in html and "screened out: below 3 on" in html
    docx = export.render_bytes(session, "docx")
    import docx as python_docx

    document = python_docx.Document(io.BytesIO(docx))
    paragraphs = [p.text for p in document.paragraphs]
    assert any("must pass: 3 or more" in p for p in paragraphs)
    assert any(p.startswith("O1 screened out: below 3 on") for p in paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Rank" in cells and "out" in cells


# --- ibb diff ---------------------------------------------------------------------------------------


def test_diff_shows_weights_must_pass_and_the_ranking(populated_session) -> None:
    from ibb_facilitator import diff

    old = populated_session
    new = old.model_copy(deep=True)
    editing.set_weight(new, None, "criterion-2", 2)
    editing.set_must_pass(new, "issue-1", "criterion-4", 5)
    text = diff.render_text(diff.compare(old, new))
    assert "×1 → ×2" in text
    assert "not must-pass → 5 or more" in text
    assert "Ranking of the options" in text
    assert "1 O7 (Σ 21); 2 O1 (Σ 16)" in text  # was
    assert "out O1 (below 5 on ‘Can take effect in September 2027’ (4))" in text  # now


# --- review and replay (``ibb review --at``) --------------------------------------------------------


async def test_review_at_a_moment_shows_that_moments_weights_and_ranking(tmp_path: Path) -> None:
    from helpers import until
    from textual.widgets import OptionList

    from ibb_facilitator.tui.app import IbbApp
    from ibb_facilitator.tui.review import ReviewScreen

    session = store.load_session(EXAMPLE)
    editing.set_weight(session, None, "criterion-2", 2)
    editing.set_must_pass(session, "issue-1", "criterion-4", 5)
    at = len(session.events) - 1  # after the weight, before the must-pass line
    path = tmp_path / "s.toml"
    store.save_session(session, path, backup=False)

    def page(screen: ReviewScreen) -> str:
        detail = screen.query_one("#review-detail", OptionList)
        return "\n".join(detail.get_option_at_index(i).prompt.plain for i in range(detail.option_count))

    for moment, screened in ((at, False), (None, True)):
        app = IbbApp(review_path=path, review_at=moment, review_focus="issue:issue-1")
        async with app.run_test(size=(130, 42)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.is_mounted, "the review")
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            places = screen.query_one("#review-places", OptionList)
            places.highlighted = places.get_option_index("issue:issue-1")
            await pilot.pause()
            text = page(screen)
            assert "C2×2" in text and "×2" in text
            assert ("must pass 5" in text) is screened
            assert ("O1 screened out: below 5 on ‘Can take effect in September 2027’ (4)" in text) is screened
            await pilot.press("ctrl+q")
