"""Straw polls driven with the recorder's keys: Ctrl+R at Options opens the poll form, digits key
each member's dots, a person cannot place more than N, Ctrl+R records; the options stage shows the
bars; "keep the top 3" sets the others aside in one undoable change; the file keeps it all."""

from __future__ import annotations

from helpers import example
from recorder import command, enter, type_line, wait_for
from textual.widgets import Static

from ibb_facilitator import polls, process, store
from ibb_facilitator.model import OptionState, PollKind, Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.modals import Choose, Prompt
from ibb_facilitator.tui.session import SessionScreen
from ibb_facilitator.tui.session.polls import PollScreen

SIZE = (120, 40)


def notices(app) -> str:
    return "\n".join(n.message for n in app._notifications)


async def _at_options(pilot) -> SessionScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    screen._go(pilot.app.session.issues[1].id, Stage.OPTIONS)  # issue 2: at Options, 7 active options
    await pilot.pause()
    return screen


async def test_a_dot_vote_keyed_for_each_member_then_keep_the_top_3(tmp_path):
    path = example(tmp_path, "session.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await _at_options(pilot)
        issue = screen.issue
        await enter(pilot, "Housing stipend for new hires [first year]")  # the eighth option
        options = [o.id for o in issue.options if o.state is OptionState.ACTIVE]
        assert len(options) == 8
        voters = process.voters(app.session)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, PollScreen), "the poll form")
        form = app.screen
        assert form.draft.dots == 3 and form.draft.options == options
        # a fourth dot for the first person is refused, with one line saying why
        await pilot.press("3")  # 3 dots on O1: all placed, the pointer goes to the next person
        assert form.grid.row == 1 and form.grid.column == 0
        await pilot.press("up", "right", "1")
        await pilot.pause()
        assert "4 dots placed; each person has 3" in form.query_one("#poll-message", Static).content.plain
        assert form.draft.votes(0) == {options[0]: 3}
        await pilot.press("home", "down")
        # Each of the others: 2 dots on O2 (the right arrow), 1 on O3, or 1 on O1 and 2 on O3 ...
        pattern = [("right", "2", "1"), ("1", "right", "2"), ("right", "right", "1", "2")]
        for n in range(1, len(voters)):
            keys = pattern[n % len(pattern)]
            await pilot.press(*keys)
            if form.grid.row == n:  # not all dots placed: on to the next person
                await pilot.press("enter")
        await pilot.pause()
        assert all(form.draft.placed(row) <= 3 for row in range(len(voters)))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: not isinstance(app.screen, PollScreen), "the poll recorded")
        poll = issue.polls[-1]
        assert poll.kind is PollKind.DOTS and poll.dots == 3 and len(poll.responses) == len(voters)
        counted = polls.tally(issue, poll)
        chart = screen.query_one("#poll-chart", Static)
        assert chart.display and "Dot vote, 3 dots each" in chart.content.plain
        assert f"#{[o.id for o in issue.options].index(counted.bars[0].option) + 1}" in chart.content.plain
        top = polls.top_k(issue, poll, 3, ties="include")
        events = len(app.session.events)
        # keep the top 3, from the item menu
        await command(pilot, "Keep the top K")
        await wait_for(pilot, lambda: isinstance(app.screen, Prompt), "the question")
        await type_line(pilot, "3")
        if isinstance(app.screen, Choose):  # a tie at the cut: keep it whole
            await pilot.press("enter")
            await pilot.pause()
        await wait_for(pilot, lambda: len(app.session.events) == events + 1, "keep the top 3")
        assert app.session.events[-1].action == "poll.keep_top"
        kept = {o.id for o in issue.options if o.state is OptionState.ACTIVE}
        assert kept == set(top.keep) and len(kept) >= 3
        aside = {o.id for o in issue.options if o.state is OptionState.SET_ASIDE} & set(options)
        assert aside == set(top.set_aside)
        # one undo brings them all back
        await pilot.press("ctrl+z")
        await pilot.pause()
        issue = app.session.issues[1]  # undo puts back the issue as it was (a new object)
        assert all(o.state is OptionState.ACTIVE for o in issue.options if o.id in options)
        assert app.session.events[-1].action == "undo"
        await command(pilot, "Keep the top K")
        await type_line(pilot, "3")
        if isinstance(app.screen, Choose):
            await pilot.press("enter")
            await pilot.pause()
        await wait_for(pilot, lambda: app.session.events[-1].action == "poll.keep_top", "keep the top 3 again")
        issue = app.session.issues[1]
        await pilot.press("ctrl+q")
    reopened = store.load_session(path)
    again = reopened.issues[1]
    assert again.polls == issue.polls
    assert {o.id for o in again.options if o.state is OptionState.SET_ASIDE} & set(options) == set(top.set_aside)
    assert {o.id for o in again.options if o.state is OptionState.ACTIVE} == set(top.keep)


async def test_a_sentence_typed_into_the_poll_form_changes_nothing(tmp_path):
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await _at_options(pilot)
        issue = screen.issue
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, PollScreen), "the poll form")
        form = app.screen
        await type_line(pilot, "we said [b]no[/b]", enter=False)
        assert form.draft.marks == {}
        assert "Letters are not marks" in form.query_one("#poll-message", Static).content.plain
        await pilot.press("escape")  # closed: the draft stays, nothing recorded
        await pilot.pause()
        assert issue.polls == [] and not isinstance(app.screen, PollScreen)
        await pilot.press("ctrl+r", "2")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.screen.draft.placed(0) == 2  # the draft came back


async def test_no_poll_during_a_brainstorm(tmp_path):
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await _at_options(pilot)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.issue.brainstorming
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not isinstance(app.screen, PollScreen)
        assert "not during the brainstorm" in notices(app)


def _polled(tmp_path):
    from ibb_facilitator import editing
    from ibb_facilitator.model import PollResponse

    session = store.load_session(example(tmp_path, "room.toml"))
    issue = session.issues[1]
    session.cursor.issue, session.cursor.stage = issue.id, Stage.OPTIONS
    options = [o.id for o in polls.pollable(issue)]
    responses = [
        PollResponse(who=name, party=party, votes={options[n % 3]: 2, options[3 + n % 4]: 1})
        for n, (name, party) in enumerate(process.voters(session))
    ]
    editing.record_poll(session, issue.id, PollKind.DOTS, responses, dots=3)
    return session


def test_the_wall_shows_the_latest_poll_as_bars_and_never_who_marked_what(tmp_path):
    from ibb_facilitator.tui.room import build_view, project
    from ibb_facilitator.tui.wall import body_layout

    session = _polled(tmp_path)
    view = build_view(session)
    assert view.poll is not None and view.poll.title == "Dot vote, 3 dots each" and view.poll.people == 10
    assert [b.tag for b in view.poll.bars][:3] == ["#1", "#2", "#3"]
    assert view.poll.bars[0].fraction == 1.0
    assert "responses" not in project(session)["issues"][1]["polls"][0]  # names stay off the wall
    for width, height in ((60, 18), (80, 24), (160, 45)):
        layout = body_layout(view, width, height)
        lines = layout.lines
        assert all(line.cell_length <= width for line in lines)
        text = layout.reading_text
        assert "Dot vote, 3 dots each" in text and "█" in text and "dots" in text
        names = [name for name, _ in process.voters(session)]
        assert not any(name in text for name in names)


def test_the_wall_shows_no_poll_during_a_brainstorm(tmp_path):
    from ibb_facilitator import editing
    from ibb_facilitator.tui.room import build_view

    session = _polled(tmp_path)
    editing.set_brainstorm(session, session.issues[1].id, True)
    assert build_view(session).poll is None


async def test_review_shows_the_poll_and_a_moment_before_it_does_not(tmp_path):
    from ibb_facilitator.tui.review import ReviewScreen

    session = _polled(tmp_path)
    path = tmp_path / "polled.toml"
    store.save_session(session, path)
    before = len(session.events) - 1  # the moment before the poll
    for at, shown in ((None, True), (before, False)):
        app = IbbApp(review_path=path, review_at=at)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.is_mounted, "review")
            screen = app.screen
            places = screen.query_one("#review-places")
            places.highlighted = places.get_option_index(f"issue:{session.issues[1].id}")
            await pilot.pause()
            detail = screen.query_one("#review-detail")
            text = "\n".join(detail.get_option_at_index(i).prompt.plain for i in range(detail.option_count))
            assert ("Straw polls (1)" in text) is shown
            assert ("Poll 1: Dot vote, 3 dots each · 10 people" in text) is shown
            await pilot.press("ctrl+q")


async def test_a_1_to_5_score_with_ctrl_t_and_more_dots_with_plus(tmp_path):
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await _at_options(pilot)
        names = [command.title for command in app.get_system_commands(app.screen)]
        assert "Straw poll: dot vote or 1–5 score…" in names  # the palette lists it too
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, PollScreen), "the poll form")
        form = app.screen
        await pilot.press("plus", "plus")
        assert form.draft.dots == 5
        await pilot.press("5")  # 5 dots on O1: all placed
        await pilot.press("minus")  # fewer dots than someone placed: refused, said in one line
        assert form.draft.dots == 5 and "already placed more than 4" in form.query_one("#poll-message").content.plain
        await pilot.press("ctrl+t")  # a 1–5 score: the dots keyed so far go
        assert form.draft.kind is PollKind.SCORE and form.draft.marks == {}
        await pilot.press("5", "4", "9")  # 9 is no score: refused
        assert form.draft.votes(0) == {form.draft.options[0]: 5, form.draft.options[1]: 4}
        assert "A score is 1 to 5" in form.query_one("#poll-message").content.plain
        await pilot.press("enter", "3", "3")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: not isinstance(app.screen, PollScreen), "the poll recorded")
        poll = screen.issue.polls[-1]
        assert poll.kind is PollKind.SCORE and poll.dots == 0 and len(poll.responses) == 2
        counted = polls.tally(screen.issue, poll)
        assert counted.bars[0].mean == 4.0 and counted.bars[0].option == form.draft.options[0]
        assert "1–5 score" in screen.query_one("#poll-chart", Static).content.plain
