"""Hostile text, typed or pasted by a person: shown literally, stored exactly, never a crash.

"Any text a person types shows literally: ``[/]``, ``[bold]x[/bold]``, ``[/``, emoji, CJK, very
long lines, pasted multi-line text. Nothing the user types can crash or restyle the app."

Each test drives the real app (``IbbApp`` under ``run_test``, with notifications on, so a toast
that parses user text as markup crashes here as it would in the room) through one kind of text
field, enters every hostile string in it, and checks three things:

- the app is still running (no exception when the pilot context exits);
- the text is stored exactly: in the session model at once, and in the file after quitting;
- where it is shown, it shows literally: the widget's ``Content`` holds the characters as typed,
  no style starts or ends inside them (markup would), and the rendered lines hold them too.

Entering a line is "set ``Input.value``, then submit" (a paste followed by Enter). Fields that
stay open (the capture line, the parking lot, the action list) take all strings in one go; a
field that is a dialog takes one string per opening.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.content import Content
from textual.markup import MarkupError
from textual.widgets import Input, OptionList, Static, TextArea

from ibb_facilitator import agenda, editing, store
from ibb_facilitator.capture import members_from_text, split_list
from ibb_facilitator.model import Role, Session, Stage
from ibb_facilitator.tui.aids import ActionsScreen, ParkingLotScreen
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.modals import Choose, LongText, Panel, Prompt
from ibb_facilitator.tui.session_screen import SessionScreen
from ibb_facilitator.tui.setup import SetupScreen

SIZE = (120, 40)

HOSTILE = [
    "[/]",
    "[bold]x[/bold]",
    "[/",
    "[",
    "]",
    "[red]",
    "[link=http://x]y[/link]",
    "\\[escaped]",
    "$accent",
    "{}",
    "%s",
    "😀🎉 emoji",
    "中文 日本語 한국어",
    "שלום עולם (RTL)",
    "x" * 5000,
    "line one\nline two\n[b]three[/b]",
    "tab\tand\r\ncrlf",
    "<script>alert(1)</script>",
    '"""',
    "'''",
]
HOSTILE_IDS = [
    "close-all", "bold-markup", "open-close", "lone-open", "lone-close", "red-tag", "link", "escaped",
    "css-variable", "braces", "percent-s", "emoji", "cjk", "rtl", "long-5000", "multi-line", "tab-crlf",
    "html", "triple-double", "triple-single",
]  # fmt: skip
assert len(HOSTILE) == len(HOSTILE_IDS)


def markup_mangles(text: str) -> bool:
    """Would ``text`` crash or change if it were read as Textual markup?"""
    try:
        return Content.from_markup(f"before {text} after").plain != f"before {text} after"
    except MarkupError:
        return True


MANGLED = [s for s in HOSTILE if markup_mangles(s)]
assert "[/]" in MANGLED and "[bold]x[/bold]" in MANGLED and "$accent" not in MANGLED


# --- sessions on disk -------------------------------------------------------------------------


def small_session(issues: int = 1) -> Session:
    """The contract-negotiation agenda cut down: two parties, one voter each, a few issues."""
    _, chosen = agenda.find("contract-negotiation")
    session = agenda.new_session(chosen, "contract-negotiation")
    session.issues = session.issues[:issues]
    session.cursor.issue = None
    for party in session.parties:
        party.members = [m for m in party.members if m.role is Role.SPOKESPERSON][:1]
    return session


def save(session: Session, path: Path) -> Path:
    store.save_session(session, path, backup=False)
    store.load_session(path)  # what the app opens is a valid file
    return path


# --- driving the app --------------------------------------------------------------------------


async def until(pilot, condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Let the app work until ``condition`` holds (generous: this box may be busy)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if not pilot.app.is_running:
            raise AssertionError(f"the app stopped while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def submit(field: Input, text: str) -> None:
    """A paste of ``text`` into ``field``, then Enter."""
    field.value = text
    await field.action_submit()


async def walk_to(pilot, stage: Stage) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    for _ in range(6):
        if screen.stage is stage:
            return
        await pilot.press("alt+right" if list(Stage).index(stage) > list(Stage).index(screen.stage) else "alt+left")
        await pilot.pause()
    assert screen.stage is stage


async def dialog(pilot, kind: type):
    await until(pilot, lambda: isinstance(pilot.app.screen, kind) and pilot.app.screen.is_mounted, f"a {kind.__name__} dialog")
    return pilot.app.screen


async def back_to(pilot, screen) -> None:
    await until(pilot, lambda: pilot.app.screen is screen, f"back on {type(screen).__name__}")


# --- what the person sees ---------------------------------------------------------------------


def shown(text: str) -> str:
    """What the screen should show for ``text``: the same characters (a CR LF is a line break)."""
    return text.replace("\r\n", "\n")


def squash(text: str) -> str:
    """Rendered text without its white space (wrapping and tab stops move it around)."""
    return re.sub(r"\s+", "", text)


def assert_literal(content: object, text: str, where: str) -> None:
    """``content`` holds ``text`` as typed, and no style begins or ends inside it."""
    assert isinstance(content, Content), f"{where}: shown as {type(content).__name__}, not as literal Content"
    want = shown(text)
    start = content.plain.find(want)
    assert start >= 0, f"{where}: {want[:80]!r} is not shown literally; the screen has {content.plain[:200]!r}"
    end = start + len(want)
    for span in content.spans:
        if span.start < end and span.end > start:
            assert span.start <= start and span.end >= end, f"{where}: style {span.style!r} starts or ends inside the typed text {want[:80]!r}"


def assert_option_literal(widget: OptionList, option_id: str, text: str) -> None:
    """The list row of ``option_id`` holds ``text`` literally, and renders it."""
    option = widget.get_option(option_id)
    assert_literal(option.prompt, text, f"#{widget.id} row {option_id}")
    # Render the row as the list draws it (wrapped to the list's width).
    strips = widget._get_option_render(option, widget.get_visual_style("option-list--option"))
    drawn = squash("".join(strip.text for strip in strips))
    assert squash(shown(text)) in drawn, f"#{widget.id} row {option_id}: {text[:60]!r} not drawn; drawn {drawn[:200]!r}"


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def toasts(app) -> list[str]:
    """The text of the notifications on screen, as they are drawn."""
    return [toast.render().plain for toast in app.screen.query("Toast")]


def finished(app: IbbApp) -> None:
    """The app ran to the end: it was quit, not crashed."""
    assert app.return_code in (0, None), f"the app ended with code {app.return_code}"
    assert not app.is_running


# --- the capture line, at every stage ---------------------------------------------------------


async def test_capture_line_at_every_stage(tmp_path):
    path = save(small_session(), tmp_path / "capture.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        session = app.session
        issue = session.issues[0]
        capture = screen.query_one("#capture", Input)
        stored: dict[str, list[tuple[str, str]]] = {}

        for stage, list_id, items in [
            (Stage.INTERESTS, "#interests-list", lambda: issue.interests),
            (Stage.OPTIONS, "#view-options", lambda: issue.options),
            (Stage.CRITERIA, "#criteria-list", lambda: issue.criteria),
        ]:
            if stage is Stage.INTERESTS:
                screen.query_one("#view-issues", OptionList).highlighted = 0
                await pilot.press("alt+right")  # open the first issue: its interests
                await pilot.pause()
            await walk_to(pilot, stage)
            capture.focus()
            for text in HOSTILE:
                await submit(capture, text)
            await until(pilot, lambda: len(items()) == len(HOSTILE), f"{len(HOSTILE)} {stage.value}")
            await pilot.pause()
            assert [item.text for item in items()] == HOSTILE
            assert capture.value == ""
            widget = screen.query_one(list_id, OptionList)
            for item, text in zip(items(), HOSTILE):
                assert_option_literal(widget, item.id, text)
            assert squash(shown(HOSTILE[-1])) in squash(screen_text(app))
            stored[stage.value] = [(item.id, item.text) for item in items()]
        assert {i.holder for i in issue.interests} == {session.parties[0].id}  # no text was read as a tag

        # consensus: the proposal being tested is shown under the tally
        await walk_to(pilot, Stage.CONSENSUS)
        capture.focus()
        for text in HOSTILE:
            await submit(capture, text)
            await until(pilot, lambda: screen.proposal == text, "the proposal")
            assert_literal(screen.query_one("#verdict", Static).content, text, "#verdict")
        await pilot.pause()

        # issues: the list of issues
        await walk_to(pilot, Stage.ISSUES)
        before = len(session.issues)
        capture.focus()
        for text in HOSTILE:
            await submit(capture, text)
        await until(pilot, lambda: len(session.issues) == before + len(HOSTILE), "the new issues")
        await pilot.pause()
        added = session.issues[before:]
        assert [i.statement for i in added] == HOSTILE
        widget = screen.query_one("#view-issues", OptionList)
        for new, text in zip(added, HOSTILE):
            assert_option_literal(widget, new.id, text)
        stored["issues"] = [(i.id, i.statement) for i in added]
        assert toasts(app) == []  # nothing was refused
        await pilot.press("ctrl+q")
    finished(app)

    reopened = store.load_session(path)
    first = reopened.issue(issue.id)
    assert first is not None
    assert [(i.id, i.text) for i in first.interests] == stored["interests"]
    assert [(o.id, o.text) for o in first.options] == stored["options"]
    assert [(c.id, c.text) for c in first.criteria] == stored["criteria"]
    assert [(i.id, i.statement) for i in reopened.issues[before:]] == stored["issues"]


async def test_pasting_several_lines_into_the_capture_line_keeps_every_line(tmp_path):
    """A real paste (not a value set in code): a recorder pastes three lines of notes."""
    path = save(small_session(), tmp_path / "paste.toml")
    pasted = "line one\nline two\n[b]three[/b]"
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        issues_before = len(app.session.issues)
        capture = screen.query_one("#capture", Input)
        capture.focus()
        capture.post_message(events.Paste(pasted))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        added = app.session.issues[issues_before:]
        await pilot.press("ctrl+q")
    finished(app)
    typed = "\n".join(i.statement for i in added)
    lost = [line for line in pasted.splitlines() if line not in typed]
    # xfail until fixed: Textual's Input keeps only the first line of a paste (see the report)
    assert not lost, f"pasted lines lost: {lost}; stored {[i.statement for i in added]}"


test_pasting_several_lines_into_the_capture_line_keeps_every_line = pytest.mark.xfail(
    strict=True,
    reason="the capture Input keeps only the first line of a multi-line paste (Textual Input._on_paste); lines 2+ are lost silently",
)(test_pasting_several_lines_into_the_capture_line_keeps_every_line)


# --- the edit prompts (E on a list item) ------------------------------------------------------


def edit_session() -> tuple[Session, list[str]]:
    """One issue per hostile string, and as many interests, options and criteria on the first."""
    session = small_session(issues=0)
    issues = [editing.add_issue(session, f"Issue {n}") for n in range(len(HOSTILE))]
    first = issues[0].id
    for n in range(len(HOSTILE)):
        editing.add_interest(session, first, f"interest {n}", session.parties[0].id)
        editing.add_option(session, first, f"option {n}")
        editing.add_criterion(session, first, f"criterion {n}")
    editing.set_cursor(session, first, Stage.ISSUES)
    return session, [i.id for i in issues]


async def edit_each(pilot, list_id: str, ids: list[str], texts: list[str]) -> None:
    """Highlight each item, press E, paste the text into the prompt, Enter."""
    screen = pilot.app.screen
    widget = screen.query_one(list_id, OptionList)
    widget.focus()
    for item_id, text in zip(ids, texts):
        widget.highlighted = widget.get_option_index(item_id)
        await pilot.press("e")
        prompt = await dialog(pilot, Prompt)
        await submit(prompt.query_one("#prompt-input", Input), text)
        await back_to(pilot, screen)
        await until(pilot, lambda: shown(text) in widget.get_option(item_id).prompt.plain, f"the edited {list_id} row")
        assert_option_literal(widget, item_id, text)


async def test_edit_prompts(tmp_path):
    session, issue_ids = edit_session()
    path = save(session, tmp_path / "edit.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert screen.stage is Stage.ISSUES
        await edit_each(pilot, "#view-issues", issue_ids, HOSTILE)
        assert [app.session.issue(i).statement for i in issue_ids] == HOSTILE

        first = app.session.issue(issue_ids[0])
        screen.query_one("#view-issues", OptionList).highlighted = 0
        await pilot.press("alt+right")
        await pilot.pause()
        assert screen.issue is first and screen.stage is Stage.INTERESTS
        assert_literal(screen.query_one("#issue-statement", Static).content, HOSTILE[0], "#issue-statement")

        await edit_each(pilot, "#interests-list", [i.id for i in first.interests], HOSTILE)
        assert [i.text for i in first.interests] == HOSTILE
        await walk_to(pilot, Stage.OPTIONS)
        await edit_each(pilot, "#view-options", [o.id for o in first.options], HOSTILE)
        assert [o.text for o in first.options] == HOSTILE
        await walk_to(pilot, Stage.CRITERIA)
        await edit_each(pilot, "#criteria-list", [c.id for c in first.criteria], HOSTILE)
        assert [c.text for c in first.criteria] == HOSTILE
        assert toasts(app) == []
        await pilot.press("ctrl+q")
    finished(app)

    reopened = store.load_session(path)
    assert [reopened.issue(i).statement for i in issue_ids] == HOSTILE
    kept = reopened.issue(issue_ids[0])
    assert [i.text for i in kept.interests] == HOSTILE
    assert [o.text for o in kept.options] == HOSTILE
    assert [c.text for c in kept.criteria] == HOSTILE


# --- the parking lot (F4) and the actions (F7) ------------------------------------------------


async def test_parking_lot_and_actions(tmp_path):
    path = save(small_session(), tmp_path / "aids.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        session = app.session
        for key, kind, items in [("f4", ParkingLotScreen, lambda: session.parking_lot), ("f7", ActionsScreen, lambda: session.actions)]:
            await pilot.press(key)
            aid = await dialog(pilot, kind)
            capture = aid.query_one("#aid-capture", Input)
            for text in HOSTILE:
                await submit(capture, text)
            await until(pilot, lambda: len(items()) == len(HOSTILE), f"the {kind.TITLE} items")
            await pilot.pause()
            assert [item.text for item in items()] == HOSTILE
            assert all(not item.owner for item in items())  # nothing was read as "@ owner"
            widget = aid.query_one("#aid-list", OptionList)
            for item, text in zip(items(), HOSTILE):
                assert_option_literal(widget, item.id, text)
            assert squash(shown(HOSTILE[-1])) in squash(screen_text(app))
            await pilot.press("escape")
            await pilot.pause()
        parked = [(p.id, p.text) for p in session.parking_lot]
        actions = [(a.id, a.text) for a in session.actions]
        assert toasts(app) == []
        await pilot.press("ctrl+q")
    finished(app)
    reopened = store.load_session(path)
    assert [(p.id, p.text) for p in reopened.parking_lot] == parked
    assert [(a.id, a.text) for a in reopened.actions] == actions


# --- the caucus reason (F5) -------------------------------------------------------------------


async def test_caucus_reason(tmp_path):
    path = save(small_session(), tmp_path / "caucus.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        caucuses = app.session.caucuses
        for n, text in enumerate(HOSTILE, start=1):
            await pilot.press("f5")
            await dialog(pilot, Choose)
            await pilot.press("enter")  # the first team
            prompt = await dialog(pilot, Prompt)
            await submit(prompt.query_one("#prompt-input", Input), text)
            await back_to(pilot, screen)
            await until(pilot, lambda: len(caucuses) == n, "the caucus to start")
            assert caucuses[-1].reason == text and caucuses[-1].end is None
            await pilot.press("f5")  # the team is back
            await until(pilot, lambda: caucuses[-1].end is not None, "the caucus to end")
        await pilot.press("ctrl+q")
    finished(app)
    assert [c.reason for c in store.load_session(path).caucuses] == HOSTILE


# --- consensus: proposal, TA language (LongText) and initials ---------------------------------


def initials_accepted(text: str) -> str | None:
    """What the initials prompt keeps of ``text`` (None: refused by the 12-character limit)."""
    kept = text.strip()
    return kept if 1 <= len(kept) <= 12 else None


async def test_proposal_ta_language_and_initials(tmp_path):
    session = small_session()
    editing.set_stage(session, session.issues[0].id, Stage.CONSENSUS)
    path = save(session, tmp_path / "ta.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.stage is Stage.CONSENSUS
        session = app.session
        issue = screen.issue
        labor = session.parties[0]
        capture = screen.query_one("#capture", Input)
        voters = screen.query_one("#voters", OptionList)
        refused = 0
        for n, text in enumerate(HOSTILE, start=1):
            capture.focus()
            await submit(capture, text)  # the proposal being tested
            await until(pilot, lambda: screen.proposal == text, "the proposal")
            voters.highlighted = 0
            for _ in range(voters.option_count):
                assert screen.response_key("5")  # what the 5 key does on the voter list
            await pilot.press("ctrl+r")
            long_text = await dialog(pilot, LongText)
            area = long_text.query_one(TextArea)
            assert area.text == text  # the TA starts from the proposal, as typed
            area.text = text
            await pilot.press("ctrl+s")
            prompt = await dialog(pilot, Prompt)
            await until(pilot, lambda: len(session.agreements) == n, "the TA")
            await submit(prompt.query_one("#prompt-input", Input), text)  # labor's initials
            await until(pilot, lambda: isinstance(app.screen, Prompt) and app.screen is not prompt, "the second party's initials")
            await pilot.press("escape")  # management initials later
            await back_to(pilot, screen)
            await pilot.pause()

            check, ta = issue.checks[-1], session.agreements[-1]
            assert check.proposal == text and ta.text == text and ta.check == check.id
            want = initials_accepted(text)
            if want is None:
                refused += 1
                assert ta.initials == []
                assert any("at most 12" in t for t in toasts(app)), f"no notice for refused initials {text[:40]!r}: {toasts(app)}"
            else:
                assert [(i.party, i.initials) for i in ta.initials] == [(labor.id, want)]
            history = screen.query_one("#check-history", Static).content
            assert_literal(history, text.replace("\r\n", "\n").replace("\n", " ⏎ ")[:59], "#check-history TA")
            if want is not None:
                assert_literal(history, f"[{session.holder_tag(labor.id)} {want}]", "#check-history initials")
        agreements = [(ta.id, ta.text, [i.initials for i in ta.initials]) for ta in session.agreements]
        proposals = [c.proposal for c in issue.checks]
        await pilot.press("ctrl+q")
    finished(app)
    assert refused == sum(initials_accepted(t) is None for t in HOSTILE) > 0
    reopened = store.load_session(path)
    assert [(ta.id, ta.text, [i.initials for i in ta.initials]) for ta in reopened.agreements] == agreements
    assert [c.proposal for c in reopened.issue(issue.id).checks] == proposals == HOSTILE


async def test_no_consensus_notice_shows_voter_names_literally(tmp_path):
    """A voter named with brackets is below the line: the notice names them as typed."""
    session = small_session()
    session.parties[0].members[0].name = "Ana [/] Ruiz"
    session.parties[1].members[0].name = "Ben [bold]x[/bold] Hale"
    editing.set_stage(session, session.issues[0].id, Stage.CONSENSUS)
    path = save(session, tmp_path / "names.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        voters = screen.query_one("#voters", OptionList)
        for n in range(voters.option_count):
            assert_literal(voters.get_option_at_index(n).prompt, [p.members[0].name for p in app.session.parties][n], "#voters")
        voters.highlighted = 0
        for _ in range(voters.option_count):
            screen.response_key("1")  # everybody below the line
        await pilot.press("ctrl+r")
        await pilot.pause()
        shown_now = "\n".join(toasts(app))
        await pilot.press("escape")  # no note
        await pilot.pause()
        await pilot.press("ctrl+q")
    finished(app)
    assert "Ana [/] Ruiz" in shown_now and "Ben [bold]x[/bold] Hale" in shown_now


test_no_consensus_notice_shows_voter_names_literally = pytest.mark.xfail(
    strict=True,
    reason="session_screen.action_record_check notifies voter names with markup on: '[/]' in a name crashes the app",
)(test_no_consensus_notice_shows_voter_names_literally)


# --- the save-as prompt (Ctrl+S) --------------------------------------------------------------


def save_as_target(base: Path, n: int, text: str) -> Path:
    """The file a person names by typing ``text`` (a "/" in it makes folders: create them)."""
    target = base / f"{n:02d} {text}.toml"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # a name too long for the file system: the app must say so, not crash
    return target


async def save_as_each(tmp_path: Path, texts: list[str]) -> None:
    path = save(small_session(), tmp_path / "original.toml")
    base = tmp_path / "copies"
    app = IbbApp(path=path)
    saved: list[Path] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        for n, text in enumerate(texts):
            await pilot.press("ctrl+s")
            prompt = await dialog(pilot, Prompt)
            target = save_as_target(base, n, text)
            before = app.file.path
            await submit(prompt.query_one("#prompt-input", Input), str(target))
            await back_to(pilot, screen)
            await until(pilot, lambda: app.file.path == target or toasts(app), "the save or a notice")
            await pilot.pause()
            notices = "\n".join(toasts(app))
            if app.file.path == target:
                saved.append(target)
                assert store.load_session(target).title == app.session.title
                assert str(target) in notices, f"the notice does not show the path as typed: {notices!r}"
            else:  # refused (a name longer than the file system allows): said, and nothing changed
                assert app.file.path == before
                assert "Save as failed" in notices and len(text) > 255, notices
            app.clear_notifications()
            await pilot.pause()
        await pilot.press("ctrl+q")
    finished(app)
    for target in saved:
        store.load_session(target)


async def test_save_as_prompt(tmp_path):
    await save_as_each(tmp_path, [s for s in HOSTILE if s not in MANGLED])


async def test_save_as_prompt_with_markup_in_the_path(tmp_path):
    await save_as_each(tmp_path, MANGLED)


test_save_as_prompt_with_markup_in_the_path = pytest.mark.xfail(
    strict=True,
    reason="app.action_save_as notifies the typed path with markup on: '[/]' crashes, '[bold]' restyles",
)(test_save_as_prompt_with_markup_in_the_path)


async def test_not_saved_notice_shows_the_folder_literally(tmp_path):
    """The file sits in "Bargaining [draft]": when a save fails, the notice names that folder."""
    folder = tmp_path / "Bargaining [draft]"
    folder.mkdir()
    path = save(small_session(), folder / "s.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        other = store.load_session(path)
        other.title += " (edited elsewhere)"
        store.save_session(other, path, backup=False)  # another program changes the file
        capture = screen.query_one("#capture", Input)
        await submit(capture, "How can we keep the record safe?")
        await until(pilot, lambda: app.save_error is not None, "the failed save")
        await pilot.pause()
        notices = "\n".join(toasts(app))
        await pilot.press("ctrl+q", "ctrl+q")
    assert str(path) in notices, notices


test_not_saved_notice_shows_the_folder_literally = pytest.mark.xfail(
    strict=True,
    reason="app._save_failed notifies the file path with markup on: a folder named 'Bargaining [draft]' shows as 'Bargaining /'",
)(test_not_saved_notice_shows_the_folder_literally)


# --- the set-up screen ------------------------------------------------------------------------

SETUP_INPUTS = ["title", "organization", "bargaining_unit", "location", "facilitators", "recorder", "timekeeper", "observers", "rule", "fallback"]


async def test_setup_screen_fields(tmp_path):
    """Every set-up field takes every string; the session starts, and shows them as typed."""
    first = small_session()
    app = IbbApp(new_session=first, new_path=tmp_path / "setup-00.toml")
    results: list[tuple[Path, str]] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for n, text in enumerate(HOSTILE):
            path = tmp_path / f"setup-{n:02d}.toml"
            if n:  # the next new session, the way the home screen starts one
                app.push_screen(SetupScreen(small_session(), path))
            setup = await dialog(pilot, SetupScreen)
            for field in SETUP_INPUTS:
                setup.query_one(f"#f-{field}", Input).value = text
            setup.query_one("#p0-name", Input).value = text
            setup.query_one("#p0-short", Input).value = text
            setup.query_one("#p0-members", TextArea).text = text
            setup.query_one("#f-ground_rules", TextArea).text = text
            setup.query_one("#f-path", Input).value = str(path)
            await pilot.press("ctrl+s")
            await pilot.pause()
            if len(text.strip()) > 12:  # the party's short tag is at most 12 characters: a notice
                await until(pilot, lambda: any("at most 12" in t for t in toasts(app)), "the notice about the short tag")
                assert app.screen is setup and not path.exists()
                setup.query_one("#p0-short", Input).value = "U"
                await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, SessionScreen) and app.file is not None and app.file.path == path, "the new session")
            await pilot.pause()
            session = app.session
            short = text.strip() if len(text.strip()) <= 12 else "U"
            check_setup(session, text, short)
            # shown as typed: the header title; the ground rules and decision rule (F6)
            assert_literal(app.format_title(app.title, app.sub_title), text.strip(), "the header title")
            await pilot.press("f6")
            panel = await dialog(pilot, Panel)
            lines = [line.content for line in panel.query(".panel-line")]
            for rule in session.ground_rules:
                assert any(rule in line.plain for line in lines), f"ground rule {rule[:40]!r} not shown"
            for line in lines:
                if shown(text) in line.plain:
                    assert_literal(line, text, "the F6 panel")
            assert sum(shown(text) in line.plain for line in lines) >= 2  # the decision rule and the fallback
            await pilot.press("escape")
            app.clear_notifications()
            results.append((path, short))
        await pilot.press("ctrl+q")
    finished(app)
    for (path, short), text in zip(results, HOSTILE):
        check_setup(store.load_session(path), text, short)


def check_setup(session: Session, text: str, short: str) -> None:
    assert session.title == text.strip()
    for field in ("organization", "bargaining_unit", "location", "recorder", "timekeeper"):
        assert getattr(session, field) == text, field
    assert session.facilitators == split_list(text) and session.observers == split_list(text)
    assert session.decision_rule.description == text and session.decision_rule.fallback == text
    party = session.parties[0]
    assert party.name == text.strip() and party.short == short
    assert [(m.name, m.role, m.title) for m in party.members] == [(m.name, m.role, m.title) for m in members_from_text(text)]
    assert session.ground_rules == [line.strip() for line in text.splitlines() if line.strip()]
