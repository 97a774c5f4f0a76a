"""Issue 15, phase 2: the negotiation through the real app, with the recorder's keys.

Session 1 is set up, its issues typed, one agreed with a TA (checked, written, initialed), and
the app quit. "Next session of <negotiation>" on the home screen carries it into the set-up form
(which says what came over) and makes session 2 with the open issues under the same ids; the
issue header says where each came from; Ctrl+N shows the board with every issue and its status,
and Enter on a row lands on that issue. Session 3 is made the same way from session 2 and
records that session 2's minutes were accepted. No earlier file is ever rewritten.
"""

from __future__ import annotations

from pathlib import Path

from helpers import until, walk_to
from negotiation_world import agree, export_texts, new_session
from recorder import enter, type_line
from textual.widgets import DataTable, Input, OptionList, Static

from ibb_facilitator import process, store
from ibb_facilitator.cli import main
from ibb_facilitator.model import IssueStatus, MinutesVerdict, Stage
from ibb_facilitator.negotiation import facts, load
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.board import BoardScreen
from ibb_facilitator.tui.home import HomeScreen
from ibb_facilitator.tui.modals import Choose, LongText, Prompt
from ibb_facilitator.tui.review import ReviewScreen
from ibb_facilitator.tui.session import SessionScreen
from ibb_facilitator.tui.setup import SetupScreen

SIZE = (120, 40)


def run_ibb(*argv: str) -> tuple[int, str, str]:
    """``ibb`` as a fresh process would run it (no facts cached), in this one."""
    facts.forget()
    return main(list(argv)), "", ""


ISSUES = ("How can teachers plan together?", "How should salaries keep pace?", "How large may classes be?")


def statuses(path: Path) -> dict[str, IssueStatus]:
    return {issue.id: issue.status for issue in store.load_session(path).issues}


async def first_session(folder: Path) -> dict[str, str]:
    """Set up, three issues typed, the first agreed with an initialed TA; the app quit."""
    app = IbbApp(new_session=new_session(), new_path=folder / "session-1.toml")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SetupScreen), "the set-up form")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the session")
        for text in ISSUES:
            await enter(pilot, text)
        ids = {text: issue.id for text, issue in zip(ISSUES, app.session.issues, strict=True)}
        screen = app.screen
        screen.open_issue(ids[ISSUES[0]])
        await pilot.pause()
        await walk_to(pilot, Stage.CONSENSUS)
        await enter(pilot, "Two common planning periods a week")
        await pilot.press("ctrl+r", *["5"] * len(process.voters(app.session)), "ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, LongText), "the TA editor")
        await pilot.press("ctrl+s")
        for initials in ("AR", "BH"):
            await until(pilot, lambda: not isinstance(app.screen, LongText | SessionScreen), "the initials")
            await type_line(pilot, initials)
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "back in the session")
        assert app.session.issue(ids[ISSUES[0]]).status is IssueStatus.AGREED
        await pilot.press("ctrl+q")
    return ids


async def next_from_home(pilot, app: IbbApp, after: str) -> SetupScreen:
    """Home: wait for "Next session of …" (read in a worker), Home, Enter: the set-up form."""
    await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.nexts, "the negotiation on home")
    options = app.screen.query_one(OptionList)
    label = str(options.get_option("next:0").prompt)
    assert "Next session of Lakeview 2027 successor contract" in label and f"after {after}" in label
    await pilot.press("home", "enter")
    await until(pilot, lambda: isinstance(app.screen, SetupScreen), "the set-up form")
    return app.screen


async def test_three_sessions_through_the_app(tmp_path: Path) -> None:
    facts.forget()
    folder = tmp_path / "lakeview"
    folder.mkdir()
    one = folder / "session-1.toml"
    ids = await first_session(folder)
    planning, salary, size = (ids[text] for text in ISSUES)
    session_1 = one.read_bytes()

    # --- session 2: from the home screen --------------------------------------------------------
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        setup = await next_from_home(pilot, app, "session-1.toml")
        carried = setup.query_one("#setup-carried", Static).content.plain
        assert "carried over from session-1.toml" in carried
        assert "2 open issues" in carried and "1 agreed" in carried
        assert setup.query_one("#f-title", Input).value == "Lakeview 2027 successor contract, session 2"
        assert setup.query_one("#f-path", Input).value == str(folder / "session-2.toml")
        setup.query_one("#f-path", Input).value = str(tmp_path / "elsewhere.toml")
        await pilot.press("ctrl+s")  # refused: its links name files of session 1's folder
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen) and not (tmp_path / "elsewhere.toml").exists()
        setup.query_one("#f-path", Input).value = str(folder / "session-2.toml")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "session 2")
        session = app.session
        assert [i.id for i in session.issues] == [planning, salary, size]  # the same ids
        assert session.issue(planning).agreed_in is not None and session.issue(salary).carried_from == "session-1.toml"

        screen = app.screen
        screen.open_issue(salary)
        await pilot.pause()
        meta = screen.query_one("#issue-meta").text
        assert "carried from session-1.toml" in meta

        # the board: every issue, with its status; Enter on a row lands on that issue
        await pilot.press("ctrl+n")
        await until(
            pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.negotiation is not None, "the board"
        )
        board = app.screen
        by_issue = {row.issue: row for row in board.all_rows}
        assert set(by_issue) == {planning, salary, size}
        assert by_issue[planning].status == "agreed" and by_issue[salary].status == "open"
        assert by_issue[planning].ta_date is not None
        table = board.query_one(DataTable)
        table.focus()
        row = next(n for n, r in enumerate(board.shown) if r.issue == size)
        table.move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "back in session 2")
        assert app.session.cursor.issue == size and app.screen.issue.id == size
        await pilot.press("ctrl+q")
    two = folder / "session-2.toml"
    assert one.read_bytes() == session_1  # carrying and the board only read session 1
    assert statuses(two)[planning] is IssueStatus.AGREED
    session_2 = two.read_bytes()

    # --- the board from home: a row of another file opens it read-only, at the issue ---------------
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.nexts, "home")
        await pilot.press("b")
        await until(
            pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.negotiation is not None, "the board"
        )
        board = app.screen
        table = board.query_one(DataTable)
        table.focus()
        table.move_cursor(row=next(n for n, r in enumerate(board.shown) if r.issue == salary))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        assert app.screen.focus_id == salary
        await pilot.press("escape")  # back to the board, as the notice says
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "the board again")
        await pilot.press("ctrl+q")

    # --- session 3: carried from session 2, the minutes of session 2 accepted, the rest agreed,
    # and both parties ratify the package from the palette ----------------------------------------
    app = IbbApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await next_from_home(pilot, app, "session-2.toml")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "session 3")
        assert app.session.previous.file == "session-2.toml"
        assert [i.id for i in app.session.issues] == [planning, salary, size]
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Negotiation board" in titles  # the palette's entry for Ctrl+N
        minutes = next(c for c in app.get_system_commands(app.screen) if c.title == "Minutes of the previous session")
        minutes.callback()
        await until(pilot, lambda: isinstance(app.screen, Choose), "the minutes form")
        await pilot.press("enter")  # "Accepted as they are"
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "back in session 3")
        assert app.session.previous.minutes is MinutesVerdict.ACCEPTED
        minutes.callback()  # corrected after all: the correction typed in the short form
        await until(pilot, lambda: isinstance(app.screen, Choose), "the minutes form")
        await pilot.press("down", "enter")
        await type_line(pilot, "Ana Ruiz was present")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "back in session 3")
        assert app.session.previous.minutes is MinutesVerdict.CORRECTED
        assert app.session.previous.correction == "Ana Ruiz was present"
        await pilot.press("ctrl+z")  # undoable, as every change
        await pilot.pause()
        assert app.session.previous.minutes is MinutesVerdict.ACCEPTED

        app.change("agree", agree, salary, "9.1 Salaries rise three percent a year.")
        app.change("agree", agree, size, "12.2 At most 24 pupils a class.")
        for down, body, counts in ((0, "LEA membership", "212 31 4"), (1, "School committee", "5 0")):
            next(c for c in app.get_system_commands(app.screen) if c.title == "Ratification vote").callback()
            await until(pilot, lambda: isinstance(app.screen, Choose), "which party voted")
            await pilot.press(*["down"] * down, "enter")
            await until(pilot, lambda: isinstance(app.screen, Choose) and "result" in app.screen.title_text, "result")
            await pilot.press("enter")  # Ratified
            for answer in ("", body, counts):  # the day (today, as offered), who voted, the counts
                await until(pilot, lambda: isinstance(app.screen, Prompt), "the next question")
                await type_line(pilot, answer)
            await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the vote recorded")
        said = "\n".join(n.message for n in app._notifications)
        assert "Ratified by every party" in said
        await pilot.press("ctrl+q")
    neg = load(folder, cache=False)
    assert neg.package.complete and not neg.ratification.problems
    assert neg.ratification.state().startswith("Ratified by every party")
    facts.forget()
    exported = export_texts(folder / "session-3.toml", "export", str(folder), "--report", "package", run=run_ibb)
    for fmt, text in exported.items():  # the package says it is ratified, in every format
        assert "12.2 At most 24 pupils a class." in text and "ratified" in text.casefold(), fmt
        assert "212" in text and "School committee" in text, fmt
    three = store.load_session(folder / "session-3.toml")
    assert three.previous is not None and three.previous.minutes is MinutesVerdict.ACCEPTED
    assert one.read_bytes() == session_1 and two.read_bytes() == session_2  # never rewritten

    # --- review: each session says where it stands in the negotiation ------------------------------
    for name, where in (("session-2.toml", "Session 2 of 3"), ("session-3.toml", "Session 3 of 3")):
        page = await negotiation_in_review(folder / name)
        assert where in page[0] and "Before it: session-" in page[0], page[0]
        assert any(line.startswith("Complete: all 3 issues are agreed") for line in page)
        assert sum("reached in this session" in line for line in page) == (0 if name == "session-2.toml" else 2)
        assert any(line.startswith("1. How can teachers plan together?") for line in page), page
        labor = next(line for line in page if line.startswith("Lakeview Education Association: ratified on"))
        assert "212 yes" in labor
        assert any("School committee" in line for line in page)
        assert "A draft until every party's spokesperson approves it" in page[-1]
    assert one.read_bytes() == session_1 and two.read_bytes() == session_2  # review changes nothing


async def negotiation_in_review(path: Path) -> list[str]:
    """``ibb review PATH``'s "The negotiation" place, as plain lines (one per row)."""
    app = IbbApp(review_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.negotiation, "the negotiation")
        places = app.screen.query_one("#review-places", OptionList)
        places.highlighted = places.get_option_index("view:negotiation")
        await pilot.pause()
        page = app.screen.query_one("#review-detail", OptionList)
        lines = [str(page.get_option_at_index(n).prompt) for n in range(page.option_count)]
        await pilot.press("escape")
    return lines


async def test_a_ratified_ta_is_not_edited_in_place_and_its_replacement_says_what_it_amends(tmp_path: Path) -> None:
    """Both parties ratify the package (TA of session 2); in session 2 "Edit the TA text" is
    refused in one line; in session 3 the issue is reopened and agreed again: the new TA asks
    what it changes in the ratified package and records it (``set_amends_ratified``)."""
    from datetime import date

    from negotiation_world import write_first
    from recorder import command

    from ibb_facilitator import editing
    from ibb_facilitator.negotiation import load
    from ibb_facilitator.negotiation.carryover import carry
    from ibb_facilitator.negotiation.manifest import PackageTA, open_manifest, record_vote, save
    from ibb_facilitator.tui.modals import Prompt

    facts.forget()
    one, ids = write_first(tmp_path)
    two = carry(store.load_session(one), one.name)
    editing.set_status(two, ids["planning"], IssueStatus.OPEN)
    from negotiation_world import agree

    agree(two, ids["planning"], "16.4 Two common planning periods a week.")
    store.save_session(two, tmp_path / "session-2.toml")
    neg = load(tmp_path)
    opened = open_manifest(tmp_path, default_name=neg.name)
    package = [PackageTA(**row) for row in neg.package_rows()]
    for party in ("labor", "management"):
        record_vote(opened.manifest, party=party, on=date.today(), result="ratified", package=package)
    save(opened)
    facts.forget()
    before = store.load_session(tmp_path / "session-2.toml").agreements

    app = IbbApp(path=tmp_path / "session-2.toml")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "session 2")
        app.screen.open_issue(ids["planning"])
        await pilot.pause()
        await walk_to(pilot, Stage.CONSENSUS)
        await command(pilot, "Edit the TA text")
        assert isinstance(app.screen, SessionScreen)  # no editor
        said = "\n".join(n.message for n in app._notifications)
        assert "ratified this TA as it reads" in said
        await pilot.press("ctrl+q")
    assert store.load_session(tmp_path / "session-2.toml").agreements == before  # the TA as ratified

    three = carry(store.load_session(tmp_path / "session-2.toml"), "session-2.toml")
    store.save_session(three, tmp_path / "session-3.toml")
    app = IbbApp(path=tmp_path / "session-3.toml")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "session 3")
        app.change("reopen", editing.set_status, ids["planning"], IssueStatus.OPEN)
        app.screen.open_issue(ids["planning"])
        await pilot.pause()
        await walk_to(pilot, Stage.CONSENSUS)
        await enter(pilot, "Three common planning periods a week")
        await pilot.press("ctrl+r", *["5"] * len(process.voters(app.session)), "ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, LongText), "the TA editor")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, Prompt) and "ratified" in app.screen.title_text, "the ask")
        await type_line(pilot, "three periods, not two")
        ta = app.session.agreements_for(ids["planning"])[-1]
        assert ta.amends_ratified == "three periods, not two"
        await until(
            pilot, lambda: isinstance(app.screen, Prompt) and "ratified" not in app.screen.title_text, "initials"
        )
        await pilot.press("escape", "escape")
        await pilot.press("ctrl+q")
    assert store.load_session(tmp_path / "session-3.toml").agreements[-1].amends_ratified == "three periods, not two"


def test_provenance_says_where_an_issue_came_from(tmp_path: Path) -> None:
    """The issue header's words: an agreed issue names its TA (once, not also "carried from"),
    an open one the file it came from, one raised here nothing; user text shown literally."""
    from negotiation_world import write_first

    from ibb_facilitator import editing
    from ibb_facilitator.negotiation.carryover import carry
    from ibb_facilitator.tui.negotiating import provenance

    one, ids = write_first(tmp_path)
    two = carry(store.load_session(one), one.name)
    planning, salary = two.issue(ids["planning"]), two.issue(ids["salary"])
    said = provenance(two, planning)
    assert said.startswith("agreed in session-1.toml — TA of ") and "carried from" not in said
    assert provenance(two, salary) == "carried from session-1.toml"
    fresh = editing.add_issue(two, "[/foo] new here")
    assert provenance(two, fresh) == ""


async def test_votes_and_approvals_from_the_command_palette(tmp_path: Path) -> None:
    """What ``ibb negotiation ratify|approve|undo`` do, from the app: refused in one line while
    issues remain; once every issue is agreed, a party's vote (party, result, day, who voted,
    counts) and a spokesperson's approval of the joint update land in negotiation.toml, and the
    last of them can be taken back."""
    from datetime import date

    from negotiation_world import agree, write_first

    from ibb_facilitator import editing
    from ibb_facilitator.negotiation.carryover import carry
    from ibb_facilitator.negotiation.manifest import open_manifest
    from ibb_facilitator.tui.modals import Confirm, Prompt

    facts.forget()
    one, ids = write_first(tmp_path)

    def run(app: IbbApp, title: str) -> None:
        next(c for c in app.get_system_commands(app.screen) if c.title == title).callback()

    def said(app: IbbApp) -> str:
        return "\n".join(n.message for n in app._notifications)

    app = IbbApp(path=one)  # salaries and class size are still open: nothing to ratify
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "session 1")
        run(app, "Ratification vote")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "Nothing is agreed until everything is agreed: 2 issue(s) remain" in said(app)
        await pilot.press("ctrl+q")
    assert not (tmp_path / "negotiation.toml").exists()

    two = carry(store.load_session(one), one.name)
    agree(two, ids["salary"], "9.1 Three percent a year.")
    agree(two, ids["class"], "12.2 At most 24 pupils.")
    editing.add_parking(two, "something to keep the file changed")
    store.save_session(two, tmp_path / "session-2.toml")
    facts.forget()
    app = IbbApp(path=tmp_path / "session-2.toml")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "session 2")
        run(app, "Ratification vote")
        await until(pilot, lambda: isinstance(app.screen, Choose), "which party")
        assert "package of 3 TAs" in app.screen.title_text
        await pilot.press("enter")  # the first party: labor
        await until(pilot, lambda: isinstance(app.screen, Choose) and "result" in app.screen.title_text, "result")
        await pilot.press("enter")  # Ratified
        await until(pilot, lambda: isinstance(app.screen, Prompt), "the day")
        await pilot.press("enter")  # today, as offered
        await until(pilot, lambda: isinstance(app.screen, Prompt) and "Who voted" in app.screen.title_text, "who")
        await type_line(pilot, "LEA membership [all]")
        await until(pilot, lambda: isinstance(app.screen, Prompt) and "counts" in app.screen.title_text, "counts")
        await type_line(pilot, "212 31 4")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen) and "Recorded" in said(app), "recorded")
        assert "Lakeview Education Association ratified the package on" in said(app)

        run(app, "Approve the joint update")
        await until(pilot, lambda: isinstance(app.screen, Choose), "which spokesperson")
        await pilot.press("down", "enter")  # management
        await until(pilot, lambda: isinstance(app.screen, Prompt), "initials")
        assert app.screen.query_one(Input).value == "BH"  # Ben Hale, the spokesperson
        await pilot.press("enter")
        await until(pilot, lambda: "approved the joint update" in said(app), "approved")
        assert "Waiting for: U." in said(app)
        await pilot.press("ctrl+q")

    record = open_manifest(tmp_path).manifest
    (vote,) = record.ratifications
    assert (vote.party, vote.result.value, vote.date) == ("labor", "ratified", date.today())
    assert (vote.body, vote.yes, vote.no, vote.abstain, len(vote.package)) == ("LEA membership [all]", 212, 31, 4, 3)
    (approval,) = record.approvals
    assert (approval.party, approval.initials, approval.file) == ("management", "BH", "session-2.toml")
    facts.forget()
    page = await negotiation_in_review(tmp_path / "session-2.toml")  # review shows the record as it is
    assert any(line.startswith("Lakeview School Committee: approved · BH · ") for line in page), page
    assert "Lakeview Education Association: not yet approved" in page
    assert any(line.startswith("Lakeview Education Association: ratified on") for line in page)
    assert "Lakeview School Committee: no vote recorded yet" in page

    app = IbbApp(path=tmp_path / "session-2.toml")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "session 2 again")
        run(app, "Undo the last vote or approval")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirm")
        await pilot.press("left", "enter")  # the safe answer has the focus: move to "Take it back"
        await until(pilot, lambda: "Undone" in said(app), "undone")
        await pilot.press("ctrl+q")
    record = open_manifest(tmp_path).manifest
    assert len(record.ratifications) == 1 and record.approvals == []
