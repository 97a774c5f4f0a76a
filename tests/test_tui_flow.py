"""A whole session driven like a facilitator would: from an agenda to a signed TA, then reopened."""

from __future__ import annotations

from pathlib import Path

from helpers import walk_to
from recorder import command, enter, point
from textual import events
from textual.widgets import Input, OptionList

from ibb_facilitator import agenda, editing, store
from ibb_facilitator.model import MUTUAL, IssueStatus, OptionState, Outcome, Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.session import SessionScreen

SIZE = (120, 40)


def fresh_session(path: Path, name: str = "joint-problem-solving") -> Path:
    _, chosen = agenda.find(name)
    session = agenda.new_session(chosen, name)
    store.save_session(session, path, backup=False)
    return path


async def test_complete_session_then_reopen(tmp_path):
    path = fresh_session(tmp_path / "s.toml", "contract-negotiation")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        session = app.session
        labor, management = session.parties[0].id, session.parties[1].id
        await walk_to(pilot, Stage.ISSUES)
        await enter(pilot, "How can we make substitute coverage fair across buildings?")
        new_issue = session.issues[-1]
        # open the new issue: point at it (↑/↓ on the capture line), Alt+→
        await point(pilot, new_issue.id)
        await pilot.press("alt+right")
        await pilot.pause()
        assert screen.issue is new_issue and screen.stage is Stage.INTERESTS

        await enter(pilot, "U: teachers lose planning time covering classes")
        await enter(pilot, "M: keep substitute costs inside the budget line")
        await enter(pilot, "B: students keep learning when a teacher is out")
        await enter(pilot, "a fourth, tagged with the last holder used")
        holders = [i.holder for i in new_issue.interests]
        assert holders == [labor, management, MUTUAL, MUTUAL]
        assert new_issue.interests[0].text == "teachers lose planning time covering classes"
        assert "B · Mutual ▸" in str(screen.query_one("#capture-tag").render())  # the holder new lines get, on the line

        await walk_to(pilot, Stage.OPTIONS)
        await pilot.press("ctrl+b")
        assert new_issue.brainstorming
        for idea in [
            "Hire three building-based substitutes",
            "Pay coverage at the per-diem rate",
            "Shared coverage rota by department",
        ]:
            await enter(pilot, idea)
        # no setting aside during the brainstorm
        await command(pilot, "Set aside")
        assert all(o.state is OptionState.ACTIVE for o in new_issue.options)
        await pilot.press("ctrl+b")
        assert not new_issue.brainstorming
        await point(pilot, new_issue.options[2].id)
        await command(pilot, "Set aside")
        assert new_issue.options[2].state is OptionState.SET_ASIDE

        await walk_to(pilot, Stage.CRITERIA)
        await enter(pilot, "Affordable within the FY28 budget")
        await enter(pilot, "Keeps planning time whole")
        await pilot.press("ctrl+r")  # rating: the grid has the keys, starting on the first criterion
        await pilot.press("4")
        await pilot.pause()
        criteria = session.criteria_for(new_issue)
        active = [o for o in new_issue.options if o.state is OptionState.ACTIVE]
        assert active[0].scores.get(criteria[0].id) == 4
        await pilot.press("escape")  # back to typing

        await walk_to(pilot, Stage.CONSENSUS)
        await enter(pilot, "Hire three building-based substitutes, paid from the coverage line")
        assert new_issue.proposal == "Hire three building-based substitutes, paid from the coverage line"
        voters = screen.query_one("#voters", OptionList)
        count = voters.option_count
        await pilot.press("ctrl+r")  # voting
        await pilot.press(*(["1"] + ["4"] * (count - 1)))  # one person is below the line
        await pilot.pause()
        await pilot.press("ctrl+r")  # records the check
        await pilot.pause()
        assert new_issue.checks[-1].outcome is Outcome.NO_CONSENSUS
        assert new_issue.checks[-1].proposal == new_issue.proposal
        await pilot.press("escape")  # skip the note
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.press(*(["3"] + ["5"] * (count - 1)))
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert new_issue.checks[-1].outcome is Outcome.CONSENSUS
        # TA language (the editor starts from the proposal), then initials from each spokesperson
        area = app.screen.query_one("TextArea")
        assert area.text == new_issue.proposal and area.cursor_location == area.document.end
        area.text = "Article 14.3: The District will employ three building-based substitutes."
        await pilot.press("ctrl+s")
        await pilot.pause()
        for initials in ("JM", "RK"):
            app.screen.query_one(Input).value = initials
            await pilot.press("enter")
            await pilot.pause()
        ta = session.agreements_for(new_issue.id)[-1]
        assert [i.initials for i in ta.initials] == ["JM", "RK"]
        assert new_issue.status is IssueStatus.AGREED

        # parking lot and caucus from anywhere
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#aid-capture", Input).value = "Bus schedule for early release @ Transportation director"
        await pilot.press("enter", "escape")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("enter")  # first party
        await pilot.pause()
        app.screen.query_one(Input).value = "cost the substitute plan"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "20"  # the ground rules' limit, offered
        await pilot.press("enter")
        await pilot.pause()
        assert session.caucuses and session.caucuses[-1].end is None
        assert session.caucuses[-1].minutes == 20
        await pilot.press("f5")
        await pilot.pause()
        assert session.caucuses[-1].end is not None
        await pilot.press("ctrl+q")

    reopened = store.load_session(path)
    issue = reopened.issue(new_issue.id)
    assert issue is not None and issue.status is IssueStatus.AGREED
    assert [i.text for i in issue.interests][:3] == [
        "teachers lose planning time covering classes",
        "keep substitute costs inside the budget line",
        "students keep learning when a teacher is out",
    ]
    assert [c.outcome for c in issue.checks] == [Outcome.NO_CONSENSUS, Outcome.CONSENSUS]
    assert reopened.agreements[-1].text.startswith("Article 14.3")
    assert reopened.parking_lot[-1].owner == "Transportation director"
    assert reopened.caucuses[-1].reason == "cost the substitute plan"
    assert reopened.cursor.issue == new_issue.id and reopened.cursor.stage is Stage.CONSENSUS

    # reopen in the app: the same place, and the items on screen
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert screen.issue.id == new_issue.id and screen.stage is Stage.CONSENSUS
        await walk_to(pilot, Stage.INTERESTS)
        shown = screen.query_one("#interests-list", OptionList)
        texts = [str(shown.get_option_at_index(n).prompt) for n in range(shown.option_count)]
        assert any("students keep learning" in t for t in texts)


async def test_keys_typed_behind_enter_while_the_app_is_busy_start_the_next_item(tmp_path):
    """Regression: Enter ran as a binding once the key had bubbled up to the app, so keys queued
    behind it (a busy moment: autosave, a big repaint) reached the line first and joined the
    item: "Class size⏎Bus" was stored as "Class sizeBus" or lost "Bus"."""
    path = fresh_session(tmp_path / "burst.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        before = [i.statement for i in app.session.issues]
        app.screen.query_one("#capture", Input).focus()
        await pilot.pause()
        for char in "Class size\rBus routes\rLate":  # all queued before the app reads any
            key = events.Key("enter" if char == "\r" else "space" if char == " " else char, char)
            key.set_sender(app)
            app._driver.send_message(key)
        await pilot.pause()
        await pilot.pause()
        added = [i.statement for i in app.session.issues][len(before) :]
        line = app.screen.query_one("#capture", Input).value
        await pilot.press("ctrl+q")
    assert added == ["Class size", "Bus routes"]
    assert line == "Late"


async def test_a_refused_item_goes_back_into_the_capture_line(tmp_path, monkeypatch):
    from ibb_facilitator import editing

    def refuse(*args, **kwargs):
        raise editing.RuleError("not now")

    path = fresh_session(tmp_path / "refused.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        count = len(app.session.issues)
        monkeypatch.setattr(editing, "add_issue", refuse)
        await enter(pilot, "Class size [caps]")
        capture = app.screen.query_one("#capture", Input)
        assert capture.value == "Class size [caps]"
        assert len(app.session.issues) == count
        monkeypatch.undo()
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.issues[-1].statement == "Class size [caps]"
        assert capture.value == ""
        await pilot.press("ctrl+q")


async def test_the_stage_timer_is_kept_in_the_file_and_resumed_on_reopening(tmp_path):
    """F2 and F3 put the timer in the file (the room view shows it); a reopened file resumes it."""
    from ibb_facilitator.tui.widgets import StageTimer

    path = fresh_session(tmp_path / "timer.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await enter(pilot, "Class size")
        screen = app.screen
        await pilot.press("alt+right")  # opens the pointed issue (the new one): interests
        await pilot.pause()
        assert screen.stage is Stage.INTERESTS
        box = app.session.time_boxes.get(Stage.INTERESTS, 0)
        timer = screen.query_one(StageTimer)
        assert (timer.remaining, timer.running) == (box * 60, False)
        assert (
            app.session.cursor.clock.remaining == box * 60 and not app.session.cursor.clock.running
        )  # a new stage's box
        await pilot.press("f3")  # +1 min, still paused
        await pilot.press("f2")  # start
        await pilot.pause()
        clock = app.session.cursor.clock
        assert (clock.stage, clock.issue, clock.running) == (Stage.INTERESTS, app.session.issues[-1].id, True)
        assert clock.remaining == box * 60 + 60
        await pilot.press("ctrl+q")
    saved = store.load_session(path).cursor.clock
    assert saved is not None and saved.running and saved.remaining == box * 60 + 60

    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        timer = app.screen.query_one(StageTimer)
        assert app.screen.stage is Stage.INTERESTS
        assert timer.running and box * 60 + 60 - 5 <= timer.remaining <= box * 60 + 60
        await pilot.press("ctrl+q")
    assert store.load_session(path).cursor.clock == saved  # opening changed nothing


async def test_a_paste_stops_at_the_first_refused_line_and_gives_only_that_one_back(tmp_path, monkeypatch):
    """Regression: each refused line was given back in front of the last, so a paste of three
    refused lines left 'gammabetaalpha' in the input (one Enter from one garbled item), and the
    notice said all three were added."""
    from ibb_facilitator import editing

    real = editing.add_issue

    def refuse_beta(session, statement, **kwargs):
        if statement == "beta":
            raise editing.RuleError("not beta")
        return real(session, statement, **kwargs)

    path = fresh_session(tmp_path / "paste-refused.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        count = len(app.session.issues)
        monkeypatch.setattr(editing, "add_issue", refuse_beta)
        capture = app.screen.query_one("#capture", Input)
        capture.focus()
        capture.post_message(events.Paste("alpha\nbeta\ngamma\ndelta"))
        await pilot.pause()
        await pilot.pause()
        assert [i.statement for i in app.session.issues[count:]] == ["alpha"]
        assert capture.value == "beta"
        notices = [n.message for n in app._notifications]
        assert any("1 of 4 pasted lines added" in m and "The 2 after it were not added" in m for m in notices), notices
        await pilot.press("ctrl+q")


def test_undo_keeps_the_stage_timer_running(tmp_path):
    """The timer is not part of a change: undoing the last item must not put back an old clock
    (the room view would count down while the facilitator's timer is paused)."""
    from ibb_facilitator.history import History

    session = store.load_session(fresh_session(tmp_path / "undo-clock.toml"))
    history = History()
    editing.set_clock(session, 600, running=True)
    history.checkpoint(session, "add issue")
    editing.add_issue(session, "Class size")
    paused = editing.set_clock(session, 500, running=False)
    assert history.undo(session) == "add issue"
    assert session.cursor.clock == paused and session.issues[-1].statement != "Class size"


def test_a_timer_left_running_for_days_is_kept_at_its_bound_not_refused(tmp_path):
    session = store.load_session(fresh_session(tmp_path / "days.toml"))
    assert editing.set_clock(session, -3 * 86_400, running=True).remaining == -86_400
    assert editing.set_clock(session, 10**9, running=False).remaining == 86_400


async def test_the_caucus_clock_counts_down_the_ground_rules_limit_then_shows_the_overrun(tmp_path):
    from datetime import timedelta

    from textual.widgets import Static

    path = fresh_session(tmp_path / "s.toml")  # joint problem solving: a caucus of up to 15 minutes
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        session = app.session
        await pilot.press("f5", "enter")  # the first team
        await pilot.pause()
        await pilot.press("enter")  # no reason given
        await pilot.pause()
        assert app.screen.query_one(Input).value == "15"
        app.screen.query_one(Input).value = "10"  # the team says ten
        await pilot.press("enter")
        await pilot.pause()
        clock = app.screen.query_one("#caucus-clock", Static)
        assert session.caucuses[-1].minutes == 10 and clock.display
        assert "left of 10 min" in clock.content.plain and not clock.has_class("-over")
        session.caucuses[-1].start -= timedelta(minutes=11)
        clock._paint()  # (the one-second tick)
        assert "over its 10 min" in clock.content.plain and clock.has_class("-over")
        await pilot.pause()
        assert any("over its 10 minutes" in n.message for n in app._notifications)
        await pilot.press("f5")  # the team is back
        await pilot.pause()
        assert session.caucuses[-1].end is not None and not clock.display
        await pilot.press("ctrl+q")
    assert store.load_session(path).caucuses[-1].minutes == 10


async def test_a_caucus_length_typed_as_a_superscript_digit_is_refused_in_one_line(tmp_path):
    """ "²" is a digit to str.isdigit, not a number to int(): the prompt says so, nothing breaks."""
    path = fresh_session(tmp_path / "s.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f5", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one(Input).value = "²"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.caucuses == [] and app.is_running
        assert any("is not a number of minutes" in n.message for n in app._notifications)
        await pilot.press("ctrl+q")
