"""The draft at the consensus stage, driven as a recorder would: three revisions written in the
editor (Ctrl+D, Ctrl+S), revision 3 tested by a check, the TA recorded as revision 3 word for
word; the file reopened holds it all."""

from __future__ import annotations

from pathlib import Path

from helpers import walk_to
from recorder import command
from test_tui_flow import SIZE, fresh_session
from textual.widgets import Input, OptionList, Static, TextArea

from ibb_facilitator import drafting, store
from ibb_facilitator.model import IssueStatus, Outcome, Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.session import SessionScreen
from ibb_facilitator.tui.session.draft import DraftChanges, DraftEditor

REVISIONS = [
    "Article 14.3 Substitutes.\n\nThe District will employ two building-based substitutes.",
    "Article 14.3 Substitutes.\n\nThe District will employ three building-based substitutes [paid].",
    "Article 14.3 Substitutes.\n\nThe District will employ three building-based substitutes [paid].\n"
    "Coverage is paid at the per-diem rate [/b].",
]


async def save_in_editor(pilot, text: str, note: str = "") -> None:
    await pilot.press("ctrl+d")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DraftEditor)
    screen.query_one(TextArea).text = text
    screen.query_one("#draft-note", Input).value = note
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_draft_three_revisions_test_the_third_and_the_ta_is_it(tmp_path: Path) -> None:
    path = fresh_session(tmp_path / "s.toml", "contract-negotiation")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        session = app.session
        issue = session.issues[0]
        await walk_to(pilot, Stage.CONSENSUS)
        # Ctrl+D is not a character: typing on the capture line never opens the editor
        capture = screen.query_one("#capture", Input)
        for char in "draft d":
            await pilot.press("space" if char == " " else char)
        assert capture.value == "draft d" and not isinstance(app.screen, DraftEditor)
        capture.value = ""

        await save_in_editor(pilot, REVISIONS[0], note="first words")
        await save_in_editor(pilot, REVISIONS[1])
        # an unchanged text is refused: no revision 3 yet
        await save_in_editor(pilot, REVISIONS[1])
        assert [r.n for r in issue.revisions] == [1, 2]
        await save_in_editor(pilot, REVISIONS[2])
        assert [r.n for r in issue.revisions] == [1, 2, 3] and issue.revisions[0].note == "first words"
        assert issue.draft == REVISIONS[2]

        # the check form names the revision it tests (the text on screen, literal)
        verdict = str(screen.query_one("#verdict", Static).render())
        assert "draft revision 3" in verdict

        # what changed since the last check: no check yet, so all of it, marked
        await command(pilot, "Draft: what changed")
        assert isinstance(app.screen, DraftChanges)
        shown = str(app.screen.query_one("#draft-changes", Static).render())
        assert "{+" in shown and "[paid]" in shown and "[/b]" in shown
        await pilot.press("escape")
        await pilot.pause()

        count = screen.query_one("#voters", OptionList).option_count
        await pilot.press("ctrl+r")
        assert "VOTING on draft revision 3 ·" in screen.view.mode_bar().plain
        await pilot.press(*(["5"] * count))
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        check = issue.checks[-1]
        assert check.outcome is Outcome.CONSENSUS and check.revision == 3
        for initials in ("JM", "RK"):  # the TA is recorded at once; initials follow
            app.screen.query_one(Input).value = initials
            await pilot.press("enter")
            await pilot.pause()
        ta = session.agreements_for(issue.id)[-1]
        assert ta.text == REVISIONS[2] == drafting.text_of(issue, 3)
        assert issue.status is IssueStatus.AGREED

        # a fourth revision after the check: the changes view shows only what is new since
        await save_in_editor(pilot, REVISIONS[2].replace("per-diem", "daily"))
        await command(pilot, "Draft: what changed")
        shown = str(app.screen.query_one("#draft-changes", Static).render())
        assert "[-per-diem-]" in shown and "{+daily+}" in shown and "{+Article" not in shown
        await pilot.press("escape")
        await pilot.pause()
        # undo takes the fourth revision back
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [r.n for r in app.session.issues[0].revisions] == [1, 2, 3]
        app.flush()

    again = store.load_session(path)
    reopened = again.issues[0]
    assert [r.n for r in reopened.revisions] == [1, 2, 3]
    assert [drafting.text_of(reopened, n) for n in (1, 2, 3)] == REVISIONS
    assert reopened.checks[-1].revision == 3
    assert again.agreements_for(reopened.id)[-1].text == REVISIONS[2]


async def test_the_room_shows_the_current_draft_big_and_literal(tmp_path: Path) -> None:
    from test_room import shows

    from ibb_facilitator import editing
    from ibb_facilitator.samples.team import populated_session
    from ibb_facilitator.tui.room import RoomApp, build_view

    session = populated_session()
    issue = session.issues[1]
    session.cursor.issue, session.cursor.stage = issue.id, Stage.CONSENSUS
    long = "\n\n".join(f"Paragraph {k}: " + " ".join(["words"] * 60) for k in range(12))
    editing.save_revision(session, issue.id, long)
    editing.save_revision(session, issue.id, "Teachers meet [b]weekly[/b] on [/Wednesdays.\n\n" + long)
    view = build_view(session)
    draft = next(g for g in view.groups if g.title.startswith("Draft"))
    assert draft.title == "Draft · revision 2" and draft.items[0].text.startswith("Teachers meet [b]weekly[/b]")
    assert len(draft.items) == 13  # one row a paragraph, blank lines dropped
    path = tmp_path / "s.toml"
    store.save_session(session, path)
    for size in ((80, 24), (160, 45)):
        app = RoomApp(path)
        async with app.run_test(size=size) as pilot:
            from helpers import until

            await until(pilot, lambda app=app: app.view is not None, "the first view")
            await pilot.pause()
            assert shows(app, "Draft · revision 2") and shows(app, "Teachers meet [b]weekly[/b] on [/Wednesdays.")


async def test_review_shows_the_draft_as_it_stood(tmp_path: Path) -> None:
    from test_review import detail, review, show_place

    from ibb_facilitator import editing
    from ibb_facilitator.samples.team import populated_session

    session = populated_session()
    issue = session.issues[1]
    for text in REVISIONS:
        editing.save_revision(session, issue.id, text, note="the last" if text == REVISIONS[2] else "")
    path = tmp_path / "s.toml"
    store.save_session(session, path)
    app = IbbApp(review_path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await review(pilot)
        text = "\n".join(await show_place(pilot, screen, f"issue:{issue.id}"))
        assert "Draft of the language (revision 3 of 3)" in text and "the last" in text
        assert "Coverage is paid at the per-diem rate [/b]." in text
        await pilot.press("[")  # one change back: revision 3 not saved yet
        await pilot.pause()
        text = "\n".join(detail(screen))
        assert "Draft of the language (revision 2 of 2)" in text and "per-diem" not in text
        assert "three building-based substitutes [paid]." in text


async def test_no_typed_word_of_the_draft_is_lost(tmp_path: Path) -> None:
    from ibb_facilitator.tui.session.draft import QUIT_NOTE

    path = fresh_session(tmp_path / "s.toml", "contract-negotiation")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, Stage.CONSENSUS)
        await save_in_editor(pilot, REVISIONS[0])
        # Esc: not a revision, but the text is back when the editor opens again
        await pilot.press("ctrl+d")
        await pilot.pause()
        app.screen.query_one(TextArea).text = REVISIONS[1]
        await pilot.press("escape")
        await pilot.pause()
        assert [r.n for r in app.session.issues[0].revisions] == [1]
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert app.screen.query_one(TextArea).text == REVISIONS[1]
        app.screen.query_one(TextArea).text = REVISIONS[2]
        await pilot.press("ctrl+q")  # quitting with the editor open keeps the words as a revision
        await pilot.pause()
    issue = store.load_session(path).issues[0]
    assert [r.n for r in issue.revisions] == [1, 2] and issue.draft == REVISIONS[2]
    assert issue.revisions[1].note == QUIT_NOTE


async def test_a_first_draft_starts_under_the_proposal_on_a_line_of_its_own(tmp_path: Path) -> None:
    """With no draft yet the editor offers the proposal, and what the recorder types or pastes
    starts a new paragraph under it, never glued to its last word."""
    from ibb_facilitator import editing

    path = fresh_session(tmp_path / "s.toml", "contract-negotiation")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        issue = app.session.issues[0]
        await walk_to(pilot, Stage.CONSENSUS)
        app.change("proposal", editing.set_proposal, issue.id, "Raise 2.5% and add step 16")
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, DraftEditor)
        await pilot.press("A", "r", "t")
        assert app.screen.query_one(TextArea).text == "Raise 2.5% and add step 16\n\nArt"
        await pilot.press("escape")
        await pilot.press("ctrl+q")
