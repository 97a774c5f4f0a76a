"""Issue 11, driven with the recorder's keys: a check is never consensus on partial answers, each
issue keeps its own proposal, every TA can be finished (written later, initialed later, viewed
and edited whole), typed TA language survives Esc and Ctrl+Q, and the small defects found with it."""

from __future__ import annotations

from datetime import date, timedelta

from helpers import example
from recorder import command, enter, type_line
from textual.widgets import Input, Static, TextArea

from ibb_facilitator import process, store
from ibb_facilitator.model import Outcome, Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.modals import Confirm, LongText, Panel, Prompt
from ibb_facilitator.tui.session import SessionScreen
from ibb_facilitator.tui.widgets import KeyBar, StageTimer

SIZE = (120, 40)


async def at(pilot, issue_index: int, stage: Stage) -> SessionScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    screen._go(pilot.app.session.issues[issue_index].id, stage)
    await pilot.pause()
    return screen


def notices(app) -> str:
    return "\n".join(n.message for n in app._notifications)


def verdict(screen) -> str:
    return screen.query_one("#verdict", Static).content.plain


async def test_one_answer_of_many_is_not_complete_and_cannot_be_recorded(tmp_path):
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await at(pilot, 3, Stage.CONSENSUS)  # an issue with no checks yet
        issue = screen.issue
        checks = len(issue.checks)
        voters = process.voters(app.session)
        await pilot.press("ctrl+r", "5")
        await pilot.pause()
        assert "NOT COMPLETE" in verdict(screen) and "CONSENSUS" not in verdict(screen).replace("NOT COMPLETE", "")
        assert str(screen.query_one("#tally-digits").value) == f"1/{len(voters)}"
        await pilot.press("ctrl+r")  # refused: the others have not answered
        await pilot.pause()
        assert len(issue.checks) == checks
        assert "Not complete" in notices(app) and voters[1][0] in notices(app)
        # everyone else is absent / not voting, said with A: now the check is complete
        await pilot.press(*["a"] * (len(voters) - 1))
        await pilot.pause()
        assert "CONSENSUS" in verdict(screen) and "NOT COMPLETE" not in verdict(screen)
        await pilot.press("ctrl+r")
        await pilot.pause()
        check = issue.checks[-1]
        assert check.outcome is Outcome.CONSENSUS and sorted(check.absent) == sorted(name for name, _ in voters[1:])
        assert isinstance(app.screen, LongText)  # straight on to the TA language
        await pilot.press("escape")
        await pilot.press("ctrl+q")
    reopened = store.load_session(app.file.path if app.file else tmp_path / "session.toml")
    assert reopened.issues[3].checks[-1].absent == check.absent


async def test_each_issue_keeps_its_own_proposal(tmp_path):
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await at(pilot, 2, Stage.CONSENSUS)
        first = screen.issue
        await enter(pilot, "Cap K-3 classes at 20 with a full-time aide")
        assert first.proposal == "Cap K-3 classes at 20 with a full-time aide"
        await pilot.press("alt+down")  # the next issue, at its own stage
        await pilot.pause()
        second = screen.issue
        assert second is not first
        screen._go(second.id, Stage.CONSENSUS)
        await pilot.pause()
        assert second.proposal == "" and "Cap K-3" not in verdict(screen)
        await pilot.press("ctrl+r", *["4"] * len(process.voters(app.session)), "ctrl+r")
        await pilot.pause()
        assert second.checks[-1].proposal == ""  # not the other issue's proposal
        await pilot.press("escape")
        await pilot.press("alt+up")
        await pilot.pause()
        screen._go(first.id, Stage.CONSENSUS)
        await pilot.pause()
        assert "Cap K-3 classes at 20" in verdict(screen)
        await pilot.press("ctrl+q")
    assert (
        store.load_session(tmp_path / "session.toml").issues[2].proposal
        == "Cap K-3 classes at 20 with a full-time aide"
    )


async def test_a_ta_is_finished_later_from_the_item_menu(tmp_path):
    """Esc at the TA editor keeps the typed language as a draft; "Write the TA" continues it (the
    cursor at its end, no blank first line); initials skipped are given later; the full text,
    title and article are viewed and edited from the menu (and the palette)."""
    app = IbbApp(path=example(tmp_path, "session.toml"))
    language = (
        "Article 14.3: The District will employ three building-based substitutes, one per building, "
        "paid from the coverage line."
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await at(pilot, 3, Stage.CONSENSUS)
        issue = screen.issue
        await enter(pilot, "Three building substitutes")
        await pilot.press("ctrl+r", *["5"] * len(process.voters(app.session)), "ctrl+r")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, LongText)
        area = editor.query_one(TextArea)
        assert area.text == "Three building substitutes" and area.cursor_location == area.document.end
        await type_line(pilot, " (draft)", enter=False)
        await pilot.press("escape")  # left without saving: kept as the issue's TA draft
        await pilot.pause()
        assert issue.ta_draft == "Three building substitutes (draft)" and not app.session.agreements_for(issue.id)
        assert "TA draft" in screen.query_one("#check-history", Static).content.plain

        await command(pilot, "Write the TA")
        area = app.screen.query_one(TextArea)
        assert area.text == "Three building substitutes (draft)" and area.cursor_location == area.document.end
        area.text = language
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape", "escape")  # both initials skipped: "later"
        await pilot.pause()
        ta = app.session.agreements_for(issue.id)[-1]
        assert ta.text == language and ta.initials == [] and issue.ta_draft == ""

        await command(pilot, "Initial the TA")
        for initials in ("JR", "EM"):
            assert isinstance(app.screen, Prompt)
            await type_line(pilot, initials)
        assert [i.initials for i in ta.initials] == ["JR", "EM"]

        await command(pilot, "Edit the TA title")
        await type_line(pilot, "Substitute coverage")
        assert ta.title == "Substitute coverage" and len(ta.initials) == 2  # a title keeps the initials

        await command(pilot, "View the TA")
        assert isinstance(app.screen, Panel)
        shown = "\n".join(str(s.content) for s in app.screen.query(".panel-line"))
        assert language in shown and "Substitute coverage" in shown  # whole, not cut at 60
        await pilot.press("escape")
        await pilot.pause()

        palette = [c.title for c in app.get_system_commands(screen)]
        assert {"Initial the TA", "Edit the TA text", "View the TA"} <= set(palette)
        await pilot.press("ctrl+q")
    saved = store.load_session(tmp_path / "session.toml")
    assert saved.agreements[-1].title == "Substitute coverage" and [
        i.initials for i in saved.agreements[-1].initials
    ] == ["JR", "EM"]


async def test_quitting_with_the_ta_editor_open_keeps_the_typed_language(tmp_path):
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=SIZE) as pilot:
        await at(pilot, 3, Stage.CONSENSUS)
        await pilot.press("ctrl+r", *["5"] * len(process.voters(app.session)), "ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, LongText)
        await type_line(pilot, "The District will post every vacancy", enter=False)
        await pilot.press("ctrl+q")
    saved = store.load_session(tmp_path / "session.toml").issues[3]
    assert saved.ta_draft == "The District will post every vacancy"
    assert saved.checks[-1].outcome is Outcome.CONSENSUS


async def test_a_sentence_typed_into_a_confirm_answers_nothing():
    from textual.app import App

    answers: list[bool] = []

    class One(App[None]):
        def on_mount(self) -> None:
            self.push_screen(Confirm("Start round 2 for everyone?", yes="Start it", no="Not yet"), answers.append)

    app = One()
    async with app.run_test() as pilot:
        await type_line(pilot, "yes y Y start it now n", enter=False)
        assert isinstance(app.screen, Confirm) and answers == []
        assert "Enter: Not yet" in " ".join(str(label.content) for label in app.screen.query(".dialog-hint"))
        await pilot.press("enter")  # the safe answer has the focus
        await pilot.pause()
    assert answers == [False]


async def test_the_stage_timer_keeps_its_time_when_the_room_moves_on_and_back(tmp_path):
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=SIZE) as pilot:
        await at(pilot, 1, Stage.INTERESTS)
        timer = app.screen.query_one(StageTimer)
        timer.resume(timer.box_minutes, 17 * 60 + 3, running=True)  # time has passed
        await pilot.press("alt+right")
        await pilot.pause()
        assert timer.remaining != 17 * 60 + 3
        await pilot.press("alt+left")
        await pilot.pause()
        assert abs(timer.remaining - (17 * 60 + 3)) <= 2 and not timer.running  # paused where it was
        await pilot.press("ctrl+q")


async def test_the_key_bar_always_shows_f1(tmp_path):
    for size in ((80, 24), (160, 45)):
        app = IbbApp(path=example(tmp_path, "session.toml"))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            bar = app.screen.query_one(KeyBar)
            text = bar.render().plain if hasattr(bar.render(), "plain") else str(bar.render())
            assert "F1 keys" in text and "palette" in text and len(text) <= size[0], (size, text)
            await pilot.press("ctrl+q")


async def test_strike_and_set_aside_say_how_to_undo(tmp_path):
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await at(pilot, 1, Stage.INTERESTS)
        count = len(screen.issue.interests)
        await command(pilot, "Strike")
        assert len(screen.issue.interests) == count - 1
        assert "Struck:" in notices(app) and "Ctrl+Z" in notices(app)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(screen.issue.interests) == count
        await pilot.press("ctrl+q")


async def test_an_action_due_phrase_is_read_or_refused_never_folded_into_the_owner(tmp_path):
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        capture = app.screen.query_one("#aid-capture", Input)
        before = len(app.session.actions)
        await type_line(pilot, "Enrollment by grade @ HR due tomorrow")
        added = app.session.actions[-1]
        assert (added.text, added.owner, added.due) == ("Enrollment by grade", "HR", date.today() + timedelta(days=1))
        await type_line(pilot, "Step costs @ Business office due someday soon")
        assert len(app.session.actions) == before + 1  # refused
        assert capture.value == "Step costs @ Business office due someday soon"
        assert "not understood" in notices(app)
        await pilot.press("escape")
        await pilot.press("ctrl+q")


async def test_votes_typed_in_a_burst_go_to_the_person_pointed_at_in_order(tmp_path):
    """Regression (a real terminal, typed fast): ↑ was a binding, run only once the key had bubbled
    up to the app, so in "5 4 ↑ ↑ 1" the 1 was recorded before the moves, for the wrong person;
    and a priority Ctrl+R ran before the digits ahead of it."""
    from textual import events

    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await at(pilot, 3, Stage.CONSENSUS)
        voters = [name for name, _ in process.voters(app.session)]
        await pilot.press("ctrl+r")
        for key in ["5", "4", "up", "up", "1", *["3"] * (len(voters) - 1), "ctrl+r"]:  # all queued at once
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            app._driver.send_message(event)
        for _ in range(4):
            await pilot.pause()
        check = screen.issue.checks[-1]
        assert [(r.who, r.value) for r in check.responses][:2] == [(voters[0], 1), (voters[1], 3)]
        assert len(check.responses) == len(voters)
        await pilot.press("escape")
        await pilot.press("ctrl+q")


async def test_an_undo_that_moves_the_stage_ends_voting(tmp_path):
    """Ctrl+Z while voting can take the issue back to an earlier stage: the scoring mode ends
    with it (the voters are hidden; the keyboard goes back to the capture line)."""
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await at(pilot, 0, Stage.OPTIONS)
        await at(pilot, 0, Stage.CONSENSUS)  # one logged stage move, from options (as opening the issue there does)
        assert screen.stage is Stage.CONSENSUS
        await pilot.press("ctrl+r")
        assert screen.mode == "voting"
        await pilot.press("ctrl+z")  # the last change was the move to consensus
        await pilot.pause()
        assert screen.stage is Stage.OPTIONS and screen.mode == "typing"
        assert app.focused is screen.query_one("#capture")
        await pilot.press("ctrl+q")
