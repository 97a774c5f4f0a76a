"""The app and its files: new from an agenda, bad files, locked files, failed saves, undo, home."""

from __future__ import annotations

import shutil

from helpers import example
from textual.widgets import Input, OptionList

from ibb_facilitator import agenda, store
from ibb_facilitator.model import Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.home import HomeScreen
from ibb_facilitator.tui.modals import Panel
from ibb_facilitator.tui.session import SessionScreen
from ibb_facilitator.tui.setup import SetupScreen

SIZE = (120, 40)


async def capture(pilot, text: str) -> None:
    box = pilot.app.screen.query_one("#capture", Input)
    box.focus()
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_new_session_from_agenda_setup_then_first_issue(user_dirs):
    name, chosen = agenda.find("contract-negotiation")
    out = user_dirs.sessions / "new.toml"
    app = IbbApp(new_session=agenda.new_session(chosen, name), new_path=out)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SetupScreen)
        app.screen.query_one("#f-title", Input).value = "Session 1 [draft]"
        app.screen.query_one("#f-observers", Input).value = "Pat Observer, Sam Reporter"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert out.exists()
        await capture(pilot, "How can we schedule parent conferences fairly?")
        await pilot.press("ctrl+q")
    saved = store.load_session(out)
    assert saved.title == "Session 1 [draft]"
    assert saved.observers == ["Pat Observer", "Sam Reporter"]
    assert saved.agenda == "contract-negotiation"
    assert saved.issues[-1].statement == "How can we schedule parent conferences fairly?"
    assert len(saved.issues) == len(chosen.issues) + 1


async def test_bad_file_is_shown_and_never_touched(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('schema_version = 1\ntitle = "x"\n[[issues]]\nid = "issue-1"\nstatement = 5\n', encoding="utf-8")
    before = path.read_bytes()
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, Panel)
        shown = " ".join(text for text, _ in app.screen.lines)
        assert "bad.toml:5: issues[0].statement" in shown
        await pilot.press("ctrl+q")
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak"))


async def test_file_locked_by_another_instance_opens_read_only(tmp_path):
    path = example(tmp_path)
    holder = store.SessionFile.open(path)
    try:
        before = path.read_bytes()
        app = IbbApp(path=path)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, SessionScreen)
            assert app.readonly
            banner = screen.query_one("#banner")
            assert banner.display and "already open for writing" in str(banner.render())
            count = len(app.session.issues[1].options)
            await capture(pilot, "an idea that must not be written")
            assert len(app.session.issues[1].options) == count
            await pilot.press("ctrl+q")
        assert path.read_bytes() == before
    finally:
        holder.close()


async def test_save_failure_is_shown_and_work_can_be_saved_elsewhere(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    path = example(folder)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        shutil.rmtree(folder)  # the stick is pulled out
        await capture(pilot, "Option typed after the folder vanished")
        await pilot.pause(0.6)
        assert app.save_error and "no longer exists" in app.save_error
        assert "NOT SAVED" in app.sub_title
        rescue = tmp_path / "rescue.toml"
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(rescue)
        await pilot.press("enter")
        await pilot.pause()
        assert app.save_error is None
        await pilot.press("ctrl+q")
    saved = store.load_session(rescue)
    assert any(o.text == "Option typed after the folder vanished" for i in saved.issues for o in i.options)


async def test_quit_and_save_as_write_the_whole_session_from_the_autosaves_pieces(tmp_path):
    """Quit and Save as write through the autosave's piece cache (only what changed since the
    last autosave is turned into text again): the file is the whole session all the same."""
    path = example(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await capture(pilot, "Autosaved first")
        await pilot.pause(0.6)  # the autosave lands: its pieces are cached
        assert not app.dirty
        await capture(pilot, "Typed just before Save as")
        copy = tmp_path / "copy.toml"
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(copy)
        await pilot.press("enter")
        await pilot.pause()
        assert copy.read_bytes() == store.dumps_session(app.session).encode("utf-8")
        await capture(pilot, "Typed just before quitting")
        await pilot.press("ctrl+q")  # no time for an autosave: the quit writes it
    saved = store.load_session(copy)
    texts = [o.text for i in saved.issues for o in i.options]
    assert "Autosaved first" in texts and "Typed just before Save as" in texts
    assert "Typed just before quitting" in texts
    assert copy.read_bytes() == store.dumps_session(saved).encode("utf-8")
    assert store.load_session(path).model_dump(exclude={"events"}) != saved.model_dump(exclude={"events"})


async def test_undo_restores_and_logs(tmp_path):
    path = example(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        issue_id = app.session.cursor.issue
        count = len(app.session.issue(issue_id).options)
        await capture(pilot, "A mistake")
        assert len(app.session.issue(issue_id).options) == count + 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(app.session.issue(issue_id).options) == count
        assert app.session.events[-1].action == "undo"
        await pilot.press("ctrl+q")
    saved = store.load_session(path)
    assert len(saved.issue(issue_id).options) == count
    assert [e.action for e in saved.events[-2:]] == ["option.add", "undo"]


async def test_home_lists_agendas_and_recent_sessions_and_opens_one(tmp_path):
    path = example(tmp_path)
    from ibb_facilitator import recent

    recent.remember(path)
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        widget = app.screen.query_one(OptionList)
        ids = [widget.get_option_at_index(n).id for n in range(widget.option_count)]
        assert "agenda:contract-negotiation" in ids and "recent:0" in ids and "open" in ids
        widget.highlighted = ids.index("recent:0")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.file.path == path
        await pilot.press("ctrl+q")


async def test_reopening_restores_issue_and_stage(tmp_path):
    path = example(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+down", "alt+right")
        await pilot.pause()
        place = (app.session.cursor.issue, app.session.cursor.stage)
        await pilot.press("ctrl+q")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert (screen.issue.id, screen.stage) == place
        assert place[1] is not Stage.ISSUES
        await pilot.press("ctrl+q")


async def test_help_and_palette_list_the_keys(tmp_path):
    app = IbbApp(path=example(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, Panel)
        text = "\n".join(t for t, _ in app.screen.lines)
        for key in ("Ctrl+Z", "F4", "Ctrl+R", "Ctrl+B"):
            assert key in text
        assert "ibb room" in text and "ibb serve" in text and "http://127.0.0.1" in text
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Next stage", "Parking lot", "Caucus", "Undo", "Present", "Room view"):
            assert title in titles
        await pilot.press("ctrl+q")


async def test_a_one_line_paste_goes_into_the_capture_line_as_typed(tmp_path):
    from textual import events

    app = IbbApp(path=example(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        box = app.screen.query_one("#capture", Input)
        box.focus()
        box.value = "Pay "
        box.cursor_position = len(box.value)
        box.post_message(events.Paste("[b]steps[/b] at year 15\n"))
        await pilot.pause()
        assert box.value == "Pay [b]steps[/b] at year 15"
        await pilot.press("ctrl+q")


async def test_a_scenario_from_the_home_screen_starts_a_training_table(tmp_path):
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        widget = app.screen.query_one(OptionList)
        ids = [widget.get_option_at_index(n).id for n in range(widget.option_count)]
        widget.highlighted = ids.index("agenda:scenario-early-buses")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        out = tmp_path / "table.toml"
        app.screen.query_one("#f-path", Input).value = str(out)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.session.training is not None and app.session.training.scenario_name == "scenario-early-buses"
        await pilot.press("ctrl+q")
    assert store.load_session(out).training is not None
