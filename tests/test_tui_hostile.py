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
stay open (the capture line at every stage, the parking lot, the action list) take every string,
one item each, in one go. A dialog takes one entry per opening, and each opening costs a second
or more here (every change repaints the session screen and recomposes its footer), so dialogs
take ``ENTRIES``: the twenty strings packed into three entries (markup; scripts, quotes and
formats; lines, tabs and the 5,000-character line), so every string still goes through every
dialog. ``IBB_HOSTILE_FULL=1`` gives every dialog every string on its own (slow, thorough).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers import screen_text, until, walk_to
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
from ibb_facilitator.tui.session import SessionScreen
from ibb_facilitator.tui.setup import SetupScreen
from ibb_facilitator.tui.text import join, literal

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


def shown(text: str) -> str:
    """What the screen should show for ``text``: the same characters (a CR LF is a line break)."""
    return text.replace("\r\n", "\n")


def markup_mangles(text: str) -> bool:
    """Would ``text`` crash or change if it were read as Textual markup?"""
    try:
        return Content.from_markup(f"before {text} after").plain != shown(f"before {text} after")
    except MarkupError:
        return True


MANGLED = [s for s in HOSTILE if markup_mangles(s)]
assert "[/]" in MANGLED and "[bold]x[/bold]" in MANGLED and "$accent" not in MANGLED

FULL = os.environ.get("IBB_HOSTILE_FULL", "") not in ("", "0")
PACKED = [
    " ".join(HOSTILE[:9]),  # markup: [/] [bold]x[/bold] [/ [ ] [red] [link=…] \\[escaped] $accent
    " ".join(HOSTILE[9:14] + HOSTILE[17:]),  # formats, emoji, CJK, RTL, HTML, TOML quotes
    "\n".join(HOSTILE[15:17] + HOSTILE[14:15]),  # several lines, tab + CR LF, then 5,000 x
]
assert all(any(h in entry for entry in PACKED) for h in HOSTILE)
ENTRIES = HOSTILE if FULL else PACKED
#: Initials (at most 12 characters): the entry itself when it fits; else these, in turn.
INITIALS = ["[/]", "[bold]x[/bold]", "😀🎉 emoji"]
#: A party's short tag (at most 12 characters), likewise.
SHORTS = ["[/]", "😀🎉 emoji", '"""']


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


async def submit(field: Input, text: str) -> None:
    """A paste of ``text`` into ``field``, then Enter."""
    field.value = text
    await field.action_submit()


async def all_saved(pilot) -> None:
    """Wait until the autosave has written the last change, so the file check after quitting
    tests this field, not the quit path (test_tui_crash.py covers quitting mid-autosave)."""
    app = pilot.app
    await until(pilot, lambda: not app.dirty and app._written_seq == app._seq, "the autosave")


async def dialog(pilot, kind: type):
    await until(
        pilot, lambda: isinstance(pilot.app.screen, kind) and pilot.app.screen.is_mounted, f"a {kind.__name__} dialog"
    )
    return pilot.app.screen


async def back_to(pilot, screen) -> None:
    await until(pilot, lambda: pilot.app.screen is screen, f"back on {type(screen).__name__}")


# --- what the person sees ---------------------------------------------------------------------


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
            assert span.start <= start and span.end >= end, (
                f"{where}: style {span.style!r} starts or ends inside the typed text {want[:80]!r}"
            )


def assert_option_literal(widget: OptionList, option_id: str, text: str) -> None:
    """The list row of ``option_id`` holds ``text`` literally, and renders it."""
    option = widget.get_option(option_id)
    assert_literal(option.prompt, text, f"#{widget.id} row {option_id}")
    # Render the row as the list draws it (wrapped to the list's width).
    strips = widget._get_option_render(option, widget.get_visual_style("option-list--option"))
    drawn = squash("".join(strip.text for strip in strips))
    assert squash(shown(text)) in drawn, f"#{widget.id} row {option_id}: {text[:60]!r} not drawn; drawn {drawn[:200]!r}"


def toasts(app) -> list[str]:
    """The text of the notifications on screen, as they are drawn."""
    return [toast.render().plain for toast in app.screen.query("Toast")]


def assert_toast_literal(app, text: str) -> None:
    """A notification on screen shows ``text`` as typed (no markup read into it)."""
    drawn = [toast.render() for toast in app.screen.query("Toast")]
    hits = [content for content in drawn if shown(text) in content.plain]
    assert hits, f"no notice shows {text[:80]!r}: {[c.plain for c in drawn]}"
    assert_literal(hits[0], text, "the notice")


def finished(app: IbbApp) -> None:
    """The app ran to the end: it was quit, not crashed."""
    assert app.return_code in (0, None), f"the app ended with code {app.return_code}"
    assert not app.is_running


# --- the one helper every user string goes through --------------------------------------------


@pytest.mark.parametrize("text", HOSTILE, ids=HOSTILE_IDS)
def test_literal_and_join_keep_the_text_as_typed(text):
    assert literal(text).plain == shown(text) and literal(text).spans == []
    assert_literal(literal(text, "bold"), text, "literal(text, style)")
    assert_literal(join(("#1 ", "dim"), literal(text), ("  serves 2", "dim")), text, "join(...)")
    assert_literal(join(text), text, "join(str)")


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
            await until(pilot, lambda: screen.issue.proposal == text, "the proposal")
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
        await all_saved(pilot)
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
    """A real paste (a Paste event, as bracketed paste delivers it): three lines of notes become
    three items, each as typed. Regression: Textual's Input kept only the first line."""
    path = save(small_session(), tmp_path / "paste.toml")
    pasted = "line one\nline two\n[b]three[/b]"
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = len(app.session.issues)
        capture = app.screen.query_one("#capture", Input)
        capture.focus()
        capture.post_message(events.Paste(pasted))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        added = app.session.issues[before:]
        lost = [line for line in pasted.splitlines() if not any(line in i.statement for i in added)]
        assert not lost, f"pasted lines lost: {lost}; stored {[i.statement for i in added]}"
        assert [i.statement for i in added] == pasted.splitlines()
        widget = app.screen.query_one("#view-issues", OptionList)
        for issue in added:
            assert_option_literal(widget, issue.id, issue.statement)
        assert capture.value == ""
        stored = [(i.id, i.statement) for i in added]
        await all_saved(pilot)
        await pilot.press("ctrl+q")
    finished(app)
    assert [(i.id, i.statement) for i in store.load_session(path).issues[before:]] == stored


@pytest.mark.parametrize("field", ["parking lot", "edit prompt"])
async def test_pasting_several_lines_elsewhere_keeps_every_line(tmp_path, field):
    """The same paste into the parking lot's line, and into the prompt that rewords an issue."""
    pasted = "line one\nline two\n[b]three[/b]"
    path = save(small_session(), tmp_path / "paste-elsewhere.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        if field == "parking lot":
            await pilot.press("f4")
            target = (await dialog(pilot, ParkingLotScreen)).query_one("#aid-capture", Input)
        else:
            issues = screen.query_one("#view-issues", OptionList)
            issues.highlighted = 0
            await pilot.press("ctrl+e")
            target = (await dialog(pilot, Prompt)).query_one("#prompt-input", Input)
        target.focus()
        target.post_message(events.Paste(pasted))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        texts = (
            [p.text for p in app.session.parking_lot] if field == "parking lot" else [app.session.issues[0].statement]
        )
        await pilot.press("ctrl+q")
    finished(app)
    lost = [line for line in pasted.splitlines() if not any(line in text for text in texts)]
    assert not lost, f"{field}: pasted lines lost: {lost}; stored {texts}"


# --- the edit prompts (E on a list item) ------------------------------------------------------


def edit_session() -> tuple[Session, list[str]]:
    """One issue per entry, and as many interests, options and criteria on the first."""
    session = small_session(issues=0)
    issues = [editing.add_issue(session, f"Issue {n}") for n in range(len(ENTRIES))]
    first = issues[0].id
    for n in range(len(ENTRIES)):
        editing.add_interest(session, first, f"interest {n}", session.parties[0].id)
        editing.add_option(session, first, f"option {n}")
        editing.add_criterion(session, first, f"criterion {n}")
    editing.set_cursor(session, first, Stage.ISSUES)
    return session, [i.id for i in issues]


async def edit_each(pilot, list_id: str, ids: list[str], texts: list[str]) -> None:
    """Point at each item, press Ctrl+E, paste the text into the prompt, Enter."""
    screen = pilot.app.screen
    widget = screen.query_one(list_id, OptionList)
    for item_id, text in zip(ids, texts):
        widget.highlighted = widget.get_option_index(item_id)
        await pilot.press("ctrl+e")
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
        assert isinstance(screen, SessionScreen) and screen.stage is Stage.ISSUES
        await edit_each(pilot, "#view-issues", issue_ids, ENTRIES)
        assert [app.session.issue(i).statement for i in issue_ids] == ENTRIES

        first = app.session.issue(issue_ids[0])
        screen.query_one("#view-issues", OptionList).highlighted = 0
        await pilot.press("alt+right")  # open the first issue
        await until(pilot, lambda: screen.stage is Stage.INTERESTS, "the interests")
        assert_literal(screen.query_one("#issue-statement", Static).content, ENTRIES[0], "#issue-statement")

        await edit_each(pilot, "#interests-list", [i.id for i in first.interests], ENTRIES)
        await walk_to(pilot, Stage.OPTIONS)
        await edit_each(pilot, "#view-options", [o.id for o in first.options], ENTRIES)
        await walk_to(pilot, Stage.CRITERIA)
        await edit_each(pilot, "#criteria-list", [c.id for c in first.criteria], ENTRIES)
        for items in (first.interests, first.options, first.criteria):
            assert [item.text for item in items] == ENTRIES
        assert toasts(app) == []
        await all_saved(pilot)
        await pilot.press("ctrl+q")
    finished(app)

    reopened = store.load_session(path)
    assert [reopened.issue(i).statement for i in issue_ids] == ENTRIES
    kept = reopened.issue(issue_ids[0])
    for items in (kept.interests, kept.options, kept.criteria):
        assert [item.text for item in items] == ENTRIES


# --- the parking lot (F4) and the actions (F7) ------------------------------------------------


async def test_parking_lot_and_actions(tmp_path):
    path = save(small_session(), tmp_path / "aids.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        session, screen = app.session, app.screen
        for key, kind, items in [
            ("f4", ParkingLotScreen, lambda: session.parking_lot),
            ("f7", ActionsScreen, lambda: session.actions),
        ]:
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
            assert squash(shown(HOSTILE[-1])) in squash(screen_text(app))  # the list shows the newest row, pointed at
            await pilot.press("escape")
            await back_to(pilot, screen)
        parked = [(p.id, p.text) for p in session.parking_lot]
        actions = [(a.id, a.text) for a in session.actions]
        assert toasts(app) == []
        await all_saved(pilot)
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
        for n, text in enumerate(ENTRIES, start=1):
            await pilot.press("f5")
            await dialog(pilot, Choose)
            await pilot.press("enter")  # the first team
            prompt = await dialog(pilot, Prompt)
            await submit(prompt.query_one("#prompt-input", Input), text)
            await until(pilot, lambda: isinstance(app.screen, Prompt) and app.screen is not prompt, "how long")
            await submit(app.screen.query_one("#prompt-input", Input), str(n % 3 * 5))  # 5, 10, or 0: no limit
            await back_to(pilot, screen)
            await until(pilot, lambda: len(caucuses) == n, "the caucus to start")
            assert caucuses[-1].reason == text and caucuses[-1].end is None
            assert caucuses[-1].minutes == ((n % 3 * 5) or None)
            assert screen.query_one("#caucus-clock").display  # the clock runs (it shows the team)
            await pilot.press("f5")  # the team is back
            await until(pilot, lambda: caucuses[-1].end is not None, "the caucus to end")
        assert toasts(app) == []
        await all_saved(pilot)
        await pilot.press("ctrl+q")
    finished(app)
    assert [c.reason for c in store.load_session(path).caucuses] == ENTRIES


# --- consensus: proposal, TA language (LongText) and initials ---------------------------------


def initials_for(n: int, text: str) -> str:
    return text if FULL else INITIALS[n % len(INITIALS)]


def initials_accepted(text: str) -> str | None:
    """What the initials prompt keeps of ``text`` (None: refused by the 12-character limit)."""
    kept = text.strip()
    return kept if 1 <= len(kept) <= 12 else None


def newlines(text: str) -> str:
    return text.replace("\r\n", "\n")


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
        for n, text in enumerate(ENTRIES):
            capture.focus()
            await submit(capture, text)  # the proposal being tested
            await until(pilot, lambda: screen.issue.proposal == text, "the proposal")
            assert_literal(screen.query_one("#verdict", Static).content, text, "#verdict")
            await pilot.press("ctrl+r", *["5"] * voters.option_count, "ctrl+r")  # vote, everyone 5, record
            long_text = await dialog(pilot, LongText)
            area = long_text.query_one(TextArea)
            assert newlines(area.text) == newlines(text)  # the TA starts from the proposal, as typed
            area.text = text  # the TA language, pasted
            language = area.text
            await pilot.press("ctrl+s")
            prompt = await dialog(pilot, Prompt)
            await until(pilot, lambda: len(session.agreements) == n + 1, "the TA")
            initials = initials_for(n, text)
            await submit(prompt.query_one("#prompt-input", Input), initials)  # labor's spokesperson
            await until(
                pilot,
                lambda: isinstance(app.screen, Prompt) and app.screen is not prompt,
                "the second party's initials",
            )
            await pilot.press("escape")  # management initials later
            await back_to(pilot, screen)
            await pilot.pause()

            check, ta = issue.checks[-1], session.agreements[-1]
            assert check.proposal == text and ta.check == check.id
            assert ta.text == language and newlines(ta.text) == newlines(text)
            want = initials_accepted(initials)
            if want is None:
                refused += 1
                assert ta.initials == []
                assert any("at most 12" in t for t in toasts(app)), (
                    f"no notice for refused initials {initials[:40]!r}: {toasts(app)}"
                )
            else:
                assert [(i.party, i.initials) for i in ta.initials] == [(labor.id, want)]
            history = screen.query_one("#check-history", Static).content
            assert_literal(history, newlines(text).replace("\n", " ⏎ ")[:59], "#check-history TA")
            if want is not None:
                assert_literal(history, f"[{session.holder_tag(labor.id)} {want}]", "#check-history initials")
            app.clear_notifications()
        agreements = [(ta.id, ta.text, [i.initials for i in ta.initials]) for ta in session.agreements]
        proposals = [c.proposal for c in issue.checks]
        await all_saved(pilot)
        await pilot.press("ctrl+q")
    finished(app)
    assert refused == sum(initials_accepted(initials_for(n, t)) is None for n, t in enumerate(ENTRIES)) > 0
    reopened = store.load_session(path)
    assert [(ta.id, ta.text, [i.initials for i in ta.initials]) for ta in reopened.agreements] == agreements
    assert [c.proposal for c in reopened.issue(issue.id).checks] == proposals == ENTRIES


async def test_no_consensus_notice_shows_voter_names_literally(tmp_path):
    """Voters named with brackets are below the line: the notice names them as typed.

    Regression: the notice once read the names as markup ('[/]' in a name crashed the app)."""
    session = small_session()
    names = ["Ana [/] Ruiz", "Ben [bold]x[/bold] Hale"]
    for party, name in zip(session.parties, names):
        party.members[0].name = name
    editing.set_stage(session, session.issues[0].id, Stage.CONSENSUS)
    path = save(session, tmp_path / "names.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        voters = screen.query_one("#voters", OptionList)
        for n, name in enumerate(names):
            assert_literal(voters.get_option_at_index(n).prompt, name, "#voters")
        await pilot.press("ctrl+r", *["1"] * len(names), "ctrl+r")  # vote: everybody below the line; record
        await pilot.pause()
        for name in names:
            assert_toast_literal(app, name)
        notices = "\n".join(toasts(app))
        await pilot.press("escape")  # no note
        await pilot.pause()
        await pilot.press("ctrl+q")
    finished(app)
    assert all(name in notices for name in names), notices


# --- the save-as prompt (Ctrl+S) --------------------------------------------------------------


def save_as_target(base: Path, n: int, text: str) -> Path:
    """The file a person names by typing ``text`` (a "/" in it makes folders: create them)."""
    target = base / f"{n:02d} {text}.toml"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # a name longer than the file system allows: the app must say so, not crash
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
            await until(pilot, lambda: app.file.path == target or bool(toasts(app)), "the save or a notice")
            await pilot.pause()
            notices = "\n".join(toasts(app))
            if app.file.path == target:
                saved.append(target)
                assert_toast_literal(app, str(target))
            else:  # refused (a name longer than the file system allows): said so, nothing changed
                assert app.file.path == before
                assert "Save as failed" in notices and any(len(part) > 255 for part in target.parts), notices
            app.clear_notifications()
        await pilot.press("ctrl+q")
    finished(app)
    for target in saved:
        assert store.load_session(target).title == small_session().title


async def test_save_as_prompt(tmp_path):
    """File names made of hostile text (each one a file, or a notice when it cannot be)."""
    plain = [s for s in HOSTILE if s not in MANGLED]
    long = [s for s in plain if len(s) > 255]
    short = [s for s in plain if len(s) <= 255]
    await save_as_each(tmp_path, plain if FULL else [" ".join(short[:-4]), "\n".join(short[-4:]), *long])


async def test_save_as_prompt_with_markup_in_the_path(tmp_path):
    """Regression: the "Saved to PATH" notice once read the path as markup ('[/]' crashed)."""
    await save_as_each(tmp_path, MANGLED if FULL else [" ".join(MANGLED)])


async def test_not_saved_notice_shows_the_folder_literally(tmp_path):
    """The file sits in "Bargaining [draft]": when a save fails, the notice names that folder.

    Regression: the NOT SAVED notice once read the path as markup and showed "Bargaining /s.toml"."""
    folder = tmp_path / "Bargaining [draft]"
    folder.mkdir()
    path = save(small_session(), folder / "s.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        other = store.load_session(path)
        other.title += " (edited elsewhere)"
        store.save_session(other, path, backup=False)  # another program changes the file
        await submit(screen.query_one("#capture", Input), "How can we keep the record safe?")
        await until(pilot, lambda: app.save_error is not None, "the failed save")
        await pilot.pause()
        assert_toast_literal(app, str(path))
        notices = "\n".join(toasts(app))
    assert str(path) in notices, notices


# --- the set-up screen ------------------------------------------------------------------------

SETUP_INPUTS = [
    "title",
    "organization",
    "bargaining_unit",
    "location",
    "facilitators",
    "recorder",
    "timekeeper",
    "observers",
    "rule",
    "fallback",
]


async def test_setup_screen_fields(tmp_path):
    """Every set-up field takes every entry; the session starts and shows them as typed."""
    app = IbbApp(new_session=small_session(), new_path=tmp_path / "setup-00.toml")
    results: list[tuple[Path, str, str]] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for n, text in enumerate(ENTRIES):
            path = tmp_path / f"setup-{n:02d}.toml"
            if n:  # the next new session, the way the home screen starts one
                app.push_screen(SetupScreen(small_session(), path))
            setup = await dialog(pilot, SetupScreen)
            assert setup.path == path
            for field in SETUP_INPUTS:
                setup.query_one(f"#f-{field}", Input).value = text
            setup.query_one("#p0-name", Input).value = text
            setup.query_one("#p0-short", Input).value = text
            setup.query_one("#p0-members", TextArea).text = text
            setup.query_one("#f-ground_rules", TextArea).text = text
            members, rules = (
                setup.query_one("#p0-members", TextArea).text,
                setup.query_one("#f-ground_rules", TextArea).text,
            )
            short = text.strip()
            if len(short) > 12:  # a party's short tag is at most 12 characters: a notice, then fix it
                await pilot.press("ctrl+s")
                await until(
                    pilot, lambda: any("at most 12" in t for t in toasts(app)), "the notice about the short tag"
                )
                assert app.screen is setup and not path.exists()
                short = "U" if FULL else SHORTS[n % len(SHORTS)]
                setup.query_one("#p0-short", Input).value = short
            await pilot.press("ctrl+s")
            await until(
                pilot,
                lambda: isinstance(app.screen, SessionScreen) and app.file is not None and app.file.path == path,
                "the new session",
            )
            await pilot.pause()
            check_setup(app.session, text, short, members, rules)
            # shown as typed: the header title; the ground rules, decision rule and fallback (F6)
            assert_literal(app.format_title(app.title, app.sub_title), text.strip(), "the header title")
            await pilot.press("f6")
            panel = await dialog(pilot, Panel)
            lines = [line.content for line in panel.query(".panel-line")]
            for rule in app.session.ground_rules:
                assert any(rule in line.plain for line in lines), f"ground rule {rule[:40]!r} not shown"
            described = [line for line in lines if shown(text) in line.plain]
            assert len(described) >= 2  # the decision rule and the fallback
            for line in described:
                assert_literal(line, text, "the F6 panel")
            await pilot.press("escape")
            app.clear_notifications()
            await all_saved(pilot)
            results.append((path, short, members, rules))
        await pilot.press("ctrl+q")
    finished(app)
    for (path, short, members, rules), text in zip(results, ENTRIES):
        check_setup(store.load_session(path), text, short, members, rules)


def check_setup(session: Session, text: str, short: str, members: str, rules: str) -> None:
    assert session.title == text.strip()
    for field in ("organization", "bargaining_unit", "location", "recorder", "timekeeper"):
        assert getattr(session, field) == text, field
    assert session.facilitators == split_list(text) and session.observers == split_list(text)
    assert session.decision_rule.description == text and session.decision_rule.fallback == text
    party = session.parties[0]
    assert party.name == text.strip() and party.short == short.strip()
    assert [(m.name, m.role, m.title) for m in party.members] == [
        (m.name, m.role, m.title) for m in members_from_text(members)
    ]
    assert newlines(members) == newlines(text) and newlines(rules) == newlines(text)
    assert session.ground_rules == [line.strip() for line in rules.splitlines() if line.strip()]
