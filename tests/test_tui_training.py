"""Training mode in the app, driven like a trainer would: a whole simulation table, and proof
from the rendered screen that a confidential brief shows only when asked for, on its own screen."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from helpers import screen_text
from textual.widgets import Input, OptionList, Static, TextArea

from ibb_facilitator import store, training
from ibb_facilitator.agenda import BUNDLED_DIR, load_agenda
from ibb_facilitator.model import MUTUAL, Session, Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.modals import Choose, Confirm, Prompt
from ibb_facilitator.tui.session import SessionScreen
from ibb_facilitator.tui.training import (
    ConfidentialScreen,
    DebriefScreen,
    GeneralBriefScreen,
    ResultsScreen,
    RevealConfirm,
    RoundBar,
    RoundFactsScreen,
)

SIZE = (120, 40)

# Words that appear in one confidential text and in nothing a whole table may see (checked below).
LABOR_ONLY = ["$1,320", "negotiable"]  # the Association's brief
MANAGEMENT_ONLY = ["$12,000", "rehired"]  # the Committee's brief
ROLES_ONLY = ["re-election", "recession", "$55,900", "$1.73"]  # the six players' own briefs
LABOR_ROUND_2 = ["$294", "Duarte"]  # the Association's round-2 update
MANAGEMENT_ROUND_2 = ["newspaper"]  # the Committee's round-2 update
CONFIDENTIAL = LABOR_ONLY + MANAGEMENT_ONLY + ROLES_ONLY + LABOR_ROUND_2 + MANAGEMENT_ROUND_2


def flat(app) -> str:
    """The screen's words in one line: borders dropped and lines joined, so a wrapped sentence
    reads whole."""
    text = screen_text(app).translate({ord(c): " " for c in "█▀▄▊▎▔▁│┃╭╮╰╯─━"})
    return " ".join(text.split())


def assert_nothing_confidential(app) -> None:
    shown = screen_text(app)
    leaked = [word for word in CONFIDENTIAL if word in shown]
    assert not leaked, f"confidential text on {type(app.screen).__name__}: {leaked}"


PASSPHRASE = "rain on the [b]lake[/b]"


def table_file(tmp_path: Path, name: str = "scenario-maple-valley", passphrase: str | None = PASSPHRASE) -> Path:
    path = tmp_path / "table-1.toml"
    table = training.new_table(load_agenda(BUNDLED_DIR / f"{name}.toml"), name, passphrase=passphrase)
    store.save_session(table, path, backup=False)
    return path


def test_the_marker_words_are_really_confidential():
    """The words above are in their confidential text and in no text the whole table sees."""
    item = load_agenda(BUNDLED_DIR / "scenario-maple-valley.toml")
    s = item.scenario
    public = "\n".join(
        [
            s.general_brief,
            *(r.facts for r in s.rounds),
            *(r.title for r in s.rounds),
            item.title,
            *(i.statement for i in item.issues),
            *(i.article for i in item.issues),
            *item.ground_rules,
            *(f.label for f in s.results_fields),
            *s.debrief_questions,
            *item.criteria_starters,
            *(m.title for p in item.parties for m in p.members),
        ]
    )
    side = {b.party: b.text for b in s.briefs if not b.role}
    updates = {b.party: b.text for b in s.rounds[1].briefs}
    roles = "\n".join(r.brief for r in s.roles)
    for words, text in (
        (LABOR_ONLY, side["labor"]),
        (MANAGEMENT_ONLY, side["management"]),
        (ROLES_ONLY, roles),
        (LABOR_ROUND_2, updates["labor"]),
        (MANAGEMENT_ROUND_2, updates["management"]),
    ):
        for word in words:
            assert word in text and word not in public, word
    assert not any(word in side["management"] for word in LABOR_ONLY)
    assert not any(word in side["labor"] for word in MANAGEMENT_ONLY)


async def choose(pilot, value: str) -> None:
    """Pick the menu entry whose value is ``value`` (the training menu is a ``Choose``)."""
    screen = pilot.app.screen
    assert isinstance(screen, Choose), type(screen)
    index = [v for _, v in screen.choices].index(value)
    options = screen.query_one(OptionList)
    options.highlighted = index
    await pilot.press("enter")
    await pilot.pause()


async def menu(pilot, value: str) -> None:
    await pilot.press("f10")
    await pilot.pause()
    await choose(pilot, value)


async def enter(pilot, text: str) -> None:
    capture = pilot.app.screen.query_one("#capture", Input)
    capture.focus()
    capture.value = text
    await pilot.press("enter")
    await pilot.pause()


def round_bar(app) -> RoundBar:
    return next(s for s in app.screen_stack if isinstance(s, SessionScreen)).query_one(RoundBar)


def bar_text(app) -> str:
    return str(round_bar(app).render())


async def test_a_whole_simulation_table(tmp_path):
    path = table_file(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # the general brief opens by itself: everyone reads it
        assert isinstance(app.screen, GeneralBriefScreen)
        shown = screen_text(app)
        assert "General brief" in shown and "$52.4" in shown and "Pine Hollow" in shown
        assert_nothing_confidential(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "Preparation (20 min)" in bar_text(app)
        assert_nothing_confidential(app)
        # F12 shows the general brief again
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, GeneralBriefScreen)
        await pilot.press("escape")
        await pilot.pause()

        # LABOR's brief: the confirm first, and Enter (the default) cancels
        await menu(pilot, "side:labor")
        assert isinstance(app.screen, RevealConfirm)
        shown = screen_text(app)
        assert "Show LABOR's confidential brief?" in shown
        assert "Make sure the projector is off, or that only LABOR is looking at this screen." in flat(app)
        assert_nothing_confidential(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and app.session.training.reveals == []
        assert_nothing_confidential(app)

        # asked for, and confirmed: a screen of its own, with the banner, LABOR's words only
        await menu(pilot, "side:labor")
        await pilot.press("left", "enter")  # the safe answer has the focus: ← to the other, Enter
        await pilot.pause()
        assert isinstance(app.screen, ConfidentialScreen)
        shown = screen_text(app)
        assert shown.count("CONFIDENTIAL: LABOR only") == 2  # top and bottom
        assert all(word in shown for word in LABOR_ONLY)
        assert not any(word in shown for word in MANAGEMENT_ONLY + ROLES_ONLY + LABOR_ROUND_2)  # no round-2 update yet
        assert "Session" not in type(app.screen).__name__ and len(app.screen_stack) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert_nothing_confidential(app)  # closing it leaves nothing behind
        assert [(r.party, r.round) for r in app.session.training.reveals] == [("labor", 0)]

        # round 1: the clock starts with the round's 75 minutes
        await menu(pilot, "round")
        assert isinstance(app.screen, Confirm)
        await pilot.press("left", "enter")  # the safe answer has the focus: ← to the other, Enter
        await pilot.pause()
        assert isinstance(app.screen, RoundFactsScreen)
        assert "round 1 of 2" in screen_text(app) and "75 minutes" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        text = bar_text(app)
        assert "Round 1: salary, health insurance, advisory (round 1 of 2)" in text
        assert re.search(r" · 7[45]:\d\d left · F10 next round$", text), text
        assert_nothing_confidential(app)

        # some bargaining at the table
        screen = app.screen
        await pilot.press("alt+right")
        await pilot.pause()
        assert screen.stage is Stage.INTERESTS and screen.issue.id == "salary"
        await enter(pilot, "B: keep early-career teachers in Maple Valley")
        await enter(pilot, "U: steps every year")
        await enter(pilot, "M: stay within what the towns can raise")
        await pilot.press("alt+right")
        await pilot.pause()
        await enter(pilot, "Raise steps 1 to 6 by $1,500")
        assert [i.holder for i in app.session.issue("salary").interests] == [MUTUAL, "labor", "management"]
        assert_nothing_confidential(app)

        # round 2: the new facts, for everyone
        await menu(pilot, "round")
        await pilot.press("left", "enter")  # the safe answer has the focus: ← to the other, Enter
        await pilot.pause()
        assert isinstance(app.screen, RoundFactsScreen)
        shown = screen_text(app)
        assert "round 2 of 2" in shown and "$410,000" in shown and "foundation" in shown
        panel = " ".join(str(w.render()) for w in app.screen.query(Static))  # the panel scrolls
        assert "This round has new confidential instructions for LABOR, MANAGEMENT" in panel
        assert_nothing_confidential(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "(round 2 of 2)" in bar_text(app) and app.session.training.rounds[0].end is not None

        # MANAGEMENT's brief now carries its round-2 update; LABOR's words are not there
        await menu(pilot, "side:management")
        await pilot.press("left", "enter")  # the safe answer has the focus: ← to the other, Enter
        await pilot.pause()
        shown = screen_text(app)
        assert "CONFIDENTIAL: MANAGEMENT only" in shown
        assert all(word in shown for word in MANAGEMENT_ONLY + MANAGEMENT_ROUND_2)
        assert not any(word in shown for word in LABOR_ONLY + LABOR_ROUND_2)
        await pilot.press("escape")
        await pilot.pause()
        assert_nothing_confidential(app)

        # the end: results sheet, then the debrief
        await menu(pilot, "end")
        await pilot.press("left", "enter")  # the safe answer has the focus: ← to the other, Enter
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        app.screen.query_one("#result-0", TextArea).text = "1.0 / 2.25 / 2.5"
        app.screen.query_one("#result-1", TextArea).text = "yes"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        shown = screen_text(app)
        assert "Debrief questions" in shown and "1.0 / 2.25 / 2.5" in shown
        assert "Interests: 3 (1 mutual)" in shown and "Options: 1" in shown
        assert "What positions did each team open with" in shown
        assert_nothing_confidential(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "Simulation ended" in bar_text(app)
        await pilot.press("ctrl+q")

    saved = store.load_session(path)
    state = saved.training
    assert [r.number for r in state.rounds] == [1, 2] and all(r.end for r in state.rounds)
    assert state.finished is not None
    assert [(r.party, r.round) for r in state.reveals] == [("labor", 0), ("management", 2)]
    assert [(r.field, r.value) for r in state.results] == [("salary-increase", "1.0 / 2.25 / 2.5"), ("steps", "yes")]
    assert len(saved.issue("salary").interests) == 3 and len(saved.issue("salary").options) == 1
    actions = [e.action for e in saved.events]
    for action in (
        "training.reveal",
        "training.round.start",
        "training.round.end",
        "training.finish",
        "training.results",
    ):
        assert action in actions
    assert not any(word in e.summary for e in saved.events for word in CONFIDENTIAL)


async def test_a_players_own_brief_opens_behind_the_confirm_and_the_trainer_notes_behind_the_passphrase(tmp_path):
    path = table_file(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        values = [v for _, v in app.screen.choices]
        assert values[0] == "round"  # the trainer's most frequent action comes first
        await choose(pilot, "role:labor:2")
        assert "Show the confidential brief of LABOR's Early-career teacher (Jasmine Cole)?" in flat(app)
        await pilot.press("left", "enter")  # the safe answer has the focus: ← to the other, Enter
        await pilot.pause()
        shown = screen_text(app)
        assert "CONFIDENTIAL: LABOR only · Early-career teacher (Jasmine Cole)" in shown and "$55,900" in shown
        assert not any(word in shown for word in LABOR_ONLY + MANAGEMENT_ONLY + ["re-election", "$1.73"])
        await pilot.press("escape")
        await pilot.pause()
        assert_nothing_confidential(app)
        # the notes: a player's keys (Enter, a guess, a sentence) never show them; the passphrase does
        for guess in ("", "y", "yes", "Show the notes please", PASSPHRASE.upper()):
            await menu(pilot, "notes")
            prompt = app.screen
            assert isinstance(prompt, Prompt) and prompt.query_one(Input).password  # typed unseen
            prompt.query_one(Input).value = guess
            await pilot.press("enter")
            await pilot.pause()
            assert "$767,500" not in screen_text(app) and "TRAINER ONLY" not in screen_text(app)
            assert_nothing_confidential(app)
        await menu(pilot, "notes")
        app.screen.query_one(Input).value = PASSPHRASE
        await pilot.press("enter")
        await pilot.pause()
        assert "TRAINER ONLY: facilitator notes" in screen_text(app) and "$767,500" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "$767,500" not in screen_text(app)
        assert_nothing_confidential(app)
        assert [(r.party, r.role) for r in app.session.training.reveals] == [
            ("labor", "Early-career teacher (Jasmine Cole)")
        ]
        # the results sheet: Escape keeps what was typed (never lose a word)
        await menu(pilot, "results")
        app.screen.query_one("#result-3", TextArea).text = "$650 once, from the reserve"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert training.result_value(app.session, "one-time") == "$650 once, from the reserve"


async def test_the_round_bar_says_when_time_is_up(tmp_path):
    path = tmp_path / "table-1.toml"
    session = training.new_table(load_agenda(BUNDLED_DIR / "scenario-early-buses.toml"), "scenario-early-buses")
    training.start_next_round(session)
    session.training.rounds[0].start -= timedelta(minutes=17)  # a 15-minute round, two minutes over
    store.save_session(session, path, backup=False)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)  # mid-round: no brief panel on the way in
        bar = round_bar(app)
        assert re.search(r"TIME IS UP \(02:\d\d over\)", bar_text(app)) and bar.has_class("-over")
        assert "The round (round 1 of 1)" in bar_text(app) and "F10 end" in bar_text(app)
        assert any("time is up" in str(n.message) for n in app._notifications)
        await pilot.press("f10")
        await pilot.pause()
        assert next(v for _, v in app.screen.choices) == "end"


async def test_a_plain_session_has_no_training_keys(tmp_path):
    path = tmp_path / "plain.toml"
    store.save_session(Session(title="Plain session"), path, backup=False)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and not app.screen.query(RoundBar)
        await pilot.press("f10")
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.check_action("training", ()) is False


HOSTILE_PACK = """\
title = "[/bold] Practice [b]x[/b]"
description = "Hostile text"
kind = "scenario"

[[parties]]
id = "labor"
name = "Union [/"
short = "U"
side = "labor"

[[parties]]
id = "management"
name = "District [red]"
short = "M"
side = "management"

[[issues]]
id = "pay"
statement = "How can we pay [/] fairly?"

[scenario]
general_brief = "Public [/bold] brief [link=x]y[/link]"

[[scenario.briefs]]
party = "labor"
text = "SECRET-U [/] [bold]"

[[scenario.briefs]]
party = "management"
text = "SECRET-M"

[[scenario.roles]]
side = "labor"
title = "Chair [/"
brief = "SECRET-ROLE [/i]"

[[scenario.rounds]]
title = "Round [/] one"
minutes = 10
facts = "Facts [/b]"

[[scenario.rounds]]
title = "Two"
minutes = 10
"""


async def test_hostile_text_shows_literally_and_read_only_tables_log_nothing(tmp_path):
    pack = tmp_path / "hostile.toml"
    pack.write_text(HOSTILE_PACK, encoding="utf-8")
    item = load_agenda(pack)
    path = tmp_path / "table.toml"
    session = training.new_table(item, "hostile")
    store.save_session(session, path, backup=False)
    app = IbbApp(path=path, readonly=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Public [/bold] brief [link=x]y[/link]" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await menu(pilot, "role:labor:0")
        await pilot.press("left", "enter")  # the safe answer has the focus: ← to the other, Enter
        await pilot.pause()
        shown = screen_text(app)
        assert (
            "CONFIDENTIAL: LABOR only · Chair [/" in shown and "SECRET-ROLE [/i]" in shown and "SECRET-U" not in shown
        )
        await pilot.press("escape")
        await pilot.pause()
        assert "SECRET" not in screen_text(app)
        assert app.session.training.reveals == []  # read-only: shown, not logged
        await menu(pilot, "results")
        assert "This scenario has no results sheet." in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await menu(pilot, "debrief")
        assert "(The scenario lists none.)" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)


async def test_the_results_sheet_offers_the_tables_ta_language(tmp_path):
    """A line of the sheet that records an issue the table reached a TA on shows that TA and
    copies its language with Ctrl+T, word for word, instead of the table retyping it."""
    from ibb_facilitator import editing
    from ibb_facilitator.model import Method, Response

    path = table_file(tmp_path)
    session = store.load_session(path)
    language = "Premiums split 85/15 for the HMO [all years] and 80/20 for the PPO."
    responses = [Response(who=p.id, value="concur") for p in session.parties]
    check, _ = editing.record_check(session, "health-insurance", Method.PER_PARTY, responses, proposal=language)
    editing.record_agreement(session, "health-insurance", check.id, language)
    store.save_session(session, path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GeneralBriefScreen)  # shown first, as at every table
        await pilot.press("escape")
        await pilot.pause()
        await menu(pilot, "results")
        sheet = app.screen
        assert isinstance(sheet, ResultsScreen)
        n = next(i for i, f in enumerate(sheet.fields) if f.id == "premium-split")
        assert "Your TA on it: Premiums split 85/15 for the HMO [all years]" in flat(app)
        area = sheet.query_one(f"#result-{n}", TextArea)
        area.focus()
        await pilot.press("ctrl+t")
        assert area.text == language
        other = sheet.query_one("#result-0", TextArea)  # salary: no TA there
        other.focus()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert other.text == "" and any("no issue your table reached a TA on" in m.message for m in app._notifications)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert training.result_value(store.load_session(path), "premium-split") == language


async def test_a_table_made_without_a_passphrase_holds_no_facilitator_notes(tmp_path):
    """Without a trainer's passphrase the notes are left out of the table's file; the menu says
    where they are instead."""
    path = table_file(tmp_path, passphrase=None)
    assert "$767,500" not in path.read_text(encoding="utf-8")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await menu(pilot, "notes")
        assert "does not hold the facilitator notes" in flat(app) and "--passphrase" in flat(app)
        assert "$767,500" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")


async def test_players_join_a_table_in_a_packs_role_change_their_name_and_leave(tmp_path):
    """Tables are bigger than a pack's cast: a second player takes a role, a player's name is put
    right, one leaves; each one change, logged, undoable; the file keeps them."""
    path = table_file(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        labor = app.session.party("labor")
        cast = [m.name for m in labor.members]
        await menu(pilot, "players")
        await choose(pilot, "labor")
        await choose(pilot, "+")
        app.screen.query_one(Input).value = "Priya [b]Shah[/b]"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Choose) and "Which part does Priya [b]Shah[/b] play?" in flat(app)
        roles = [v for _, v in app.screen.choices]
        assert "Early-career teacher" in roles and roles[-1] == ""
        await choose(pilot, "Early-career teacher")
        assert (labor.members[-1].name, labor.members[-1].title) == ("Priya [b]Shah[/b]", "Early-career teacher")
        await menu(pilot, "players")
        await choose(pilot, "labor")
        await choose(pilot, cast[0])
        await choose(pilot, "rename")
        app.screen.query_one(Input).value = "Ana Ruiz"
        await pilot.press("enter")
        await pilot.pause()
        assert labor.members[0].name == "Ana Ruiz"
        await menu(pilot, "players")
        await choose(pilot, "labor")
        await choose(pilot, "Ana Ruiz")
        await choose(pilot, "remove")
        await pilot.press("left", "enter")  # the safe answer has the focus
        await pilot.pause()
        assert "Ana Ruiz" not in [m.name for m in labor.members]
        await pilot.press("ctrl+z")  # undone: Ana Ruiz is back
        await pilot.pause()
        assert app.session.party("labor").members[0].name == "Ana Ruiz"
        await pilot.press("ctrl+q")
    saved = store.load_session(path).party("labor")
    assert [m.name for m in saved.members] == ["Ana Ruiz", *cast[1:], "Priya [b]Shah[/b]"]
    actions = [e.action for e in store.load_session(path).events]
    assert actions[-4:] == ["member.add", "member.rename", "member.remove", "undo"]
