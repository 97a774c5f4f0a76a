"""Smaller defects of issue 11 (point 7), each pinned by a test that failed before its fix.

- a file that is not a session (``ibb open notes.txt``): the error panel, then Esc leads to the
  home screen, never to a blank screen;
- screenshots: saved where the user can find them, the full path said in a toast without markup,
  and a failure says why;
- a new session's file name follows the title as edited in the set-up form;
- the set-up form: its first field is focused, and Esc asks before discarding what was typed;
- moving between stages (the cursor only) never replaces the ``.bak``: the last real backup stays;
- a read-only second copy follows the writer's saves.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import example, screen_text
from recorder import wait_for

from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.home import HomeScreen
from ibb_facilitator.tui.modals import Panel

SIZE = (120, 40)


def panel_text(app) -> str:
    return " ".join(text for text, _ in app.screen.lines)


# --- 1. a failed open leads back to the home screen ---------------------------------------------


@pytest.mark.parametrize("background", [True, False], ids=["ibb-open", "open-before-first-frame"])
async def test_esc_after_a_failed_open_shows_the_home_screen(tmp_path: Path, background: bool) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Shopping: milk, [bread], eggs\n", encoding="utf-8")
    before = notes.read_bytes()
    app = IbbApp(path=notes, open_in_background=background)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, Panel), "the error panel")
        assert "notes.txt" in panel_text(app) and "The file was not changed." in panel_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
        assert app.screen.query_one("#home-list").has_focus
        await pilot.press("ctrl+q")
    assert notes.read_bytes() == before


# --- 2. screenshots: where the user finds them, said plainly ------------------------------------


def toasts(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def test_a_screenshot_is_saved_beside_the_session_and_the_toast_says_where(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/Downloads (Textual's default)
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    path = example(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.action_screenshot()
        await wait_for(pilot, lambda: toasts(app), "the toast")
        shots = sorted(tmp_path.glob("*.svg"))
        assert len(shots) == 1 and shots[0].name.startswith("s-screenshot-")
        assert "<svg" in shots[0].read_text(encoding="utf-8")
        assert toasts(app) == [f"Screenshot: Saved to {shots[0]}"]  # the full path; no markup
        assert all(not n.markup for n in app._notifications)
        await pilot.press("ctrl+q")


async def test_a_screenshot_from_the_home_screen_goes_to_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    app = IbbApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.action_screenshot()
        await wait_for(pilot, lambda: toasts(app), "the toast")
        shots = sorted(tmp_path.glob("*.svg"))
        assert len(shots) == 1 and toasts(app) == [f"Screenshot: Saved to {shots[0]}"]
        await pilot.press("ctrl+q")


async def test_a_screenshot_that_cannot_be_saved_says_why(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = IbbApp(path=example(tmp_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        missing = tmp_path / "gone"
        app.action_screenshot("shot.svg", str(missing))
        await wait_for(pilot, lambda: toasts(app), "the toast")
        assert toasts(app) == [f"Screenshot: Not saved: {missing / 'shot.svg'}: No such file or directory"]
        assert not missing.exists()  # nothing surprising made for it
        await pilot.press("ctrl+q")


# --- 3 and 4. the set-up form -------------------------------------------------------------------


def new_app(out: Path | None = None):
    from ibb_facilitator import agenda, paths

    name, chosen = agenda.find("contract-negotiation")
    session = agenda.new_session(chosen, name)
    return IbbApp(new_session=session, new_path=out or paths.new_in_sessions(session.title))


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", ",": "comma", ".": "full_stop"}.get(ch, ch) for ch in text])


async def test_the_file_name_follows_the_title_as_edited(tmp_path: Path) -> None:
    from textual.widgets import Input

    from ibb_facilitator import paths, store
    from ibb_facilitator.tui.setup import SetupScreen

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        title = app.screen.query_one("#f-title", Input)
        title.value = "Spring 2027 reopener"
        await pilot.pause()
        expected = paths.new_in_sessions("Spring 2027 reopener")
        assert app.screen.query_one("#f-path", Input).value == str(expected)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.file is not None, "the new session")
        await pilot.press("ctrl+q")
    assert expected.name.endswith("-spring-2027-reopener.toml")
    assert store.load_session(expected).title == "Spring 2027 reopener"


async def test_a_file_name_the_user_typed_or_gave_stays(tmp_path: Path) -> None:
    from textual.widgets import Input

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        path_field = app.screen.query_one("#f-path", Input)
        path_field.value = str(tmp_path / "mine.toml")
        await pilot.pause()
        app.screen.query_one("#f-title", Input).value = "Another title"
        await pilot.pause()
        assert path_field.value == str(tmp_path / "mine.toml")
        await pilot.press("ctrl+q")
    given = new_app(tmp_path / "given.toml")  # ``ibb new -o given.toml``
    async with given.run_test(size=SIZE) as pilot:
        await pilot.pause()
        given.screen.query_one("#f-title", Input).value = "Yet another"
        await pilot.pause()
        assert given.screen.query_one("#f-path", Input).value == str(tmp_path / "given.toml")
        await pilot.press("ctrl+q")


async def test_the_set_up_form_starts_in_the_title_field(tmp_path: Path) -> None:
    from textual.widgets import Input

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        title = app.screen.query_one("#f-title", Input)
        assert title.has_focus
        before = title.value
        await type_text(pilot, " 2")
        assert title.value == before + " 2"
        await pilot.press("ctrl+q")


async def test_esc_in_the_set_up_form_asks_before_discarding_what_was_typed(tmp_path: Path) -> None:
    from textual.widgets import Input

    from ibb_facilitator.tui.setup import AskDiscard, SetupScreen

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, " draft")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, AskDiscard), "the question")
        await type_text(pilot, "yes discard it now, no, y n")  # a sentence answers nothing
        assert isinstance(app.screen, AskDiscard)
        await pilot.press("enter")  # Enter on the focused, safe answer: keep editing
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen), "the form again")
        assert app.screen.query_one("#f-title", Input).value.endswith(" draft")
        assert app.is_running
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, AskDiscard), "the question again")
        await pilot.press("escape")  # Esc keeps editing too
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen), "the form again")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, AskDiscard), "the question a third time")
        await pilot.press("tab", "enter")  # Discard, chosen deliberately
        await wait_for(pilot, lambda: not app.is_running, "the app to close (nothing under the form)")


async def test_esc_leaves_an_untouched_set_up_form_without_asking(tmp_path: Path) -> None:
    from ibb_facilitator.tui.setup import SetupScreen

    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")  # the first agenda
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen), "the form")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")
        await pilot.press("ctrl+q")


# --- 5. moving around keeps the last real backup ------------------------------------------------


async def wait_saved(pilot, app) -> None:
    await wait_for(
        pilot, lambda: not app.dirty and app._written_seq >= app._seq and app._save_timer is None, "the save"
    )


@pytest.mark.parametrize("had_backup", [True, False], ids=["with-bak", "without-bak"])
async def test_moving_between_issues_and_stages_keeps_the_backup(tmp_path: Path, had_backup: bool) -> None:
    from ibb_facilitator import editing, store

    path = example(tmp_path)
    backup = path.with_name(path.name + ".bak")
    if had_backup:
        backup.write_bytes(b"the last real backup\n")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        start = app.session.cursor.issue
        await pilot.press("alt+down")  # the next issue, at its own stage: the cursor only
        await pilot.pause()
        moved = app.session.cursor.issue
        assert moved != start
        await wait_saved(pilot, app)
        assert store.load_session(path).cursor.issue == moved  # saved: it reopens where the user was
        await pilot.press("alt+up", "alt+down", "alt+right", "alt+right", "alt+left")  # issues, then stages
        await pilot.pause()
        await wait_saved(pilot, app)
        assert (backup.read_bytes() == b"the last real backup\n") if had_backup else not backup.exists()
        previous = path.read_bytes()
        app.change("add interest", editing.add_interest, moved, "A real change", "labor")
        await pilot.pause()
        await wait_saved(pilot, app)
        assert backup.read_bytes() == previous  # a real change: the backup is the version before it
        after = path.read_bytes()
        await pilot.press("alt+up")
        await pilot.pause()
        await wait_saved(pilot, app)
        assert backup.read_bytes() == previous and path.read_bytes() != after
        await pilot.press("ctrl+q")
    assert backup.read_bytes() == previous  # quitting saved the cursor, and kept the backup
    assert store.load_session(path).cursor.issue == start


# --- 6. a read-only copy follows the writer -----------------------------------------------------


async def test_a_read_only_copy_shows_the_writers_saves(tmp_path: Path) -> None:
    from ibb_facilitator import editing, store

    path = example(tmp_path)
    writer = store.SessionFile.open(path)  # another ibb holds it for writing
    try:
        app = IbbApp(path=path, open_in_background=True)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(
                pilot,
                lambda: app.file is not None and app.screen.is_mounted and hasattr(app.screen, "refresh_all"),
                "the session",
            )
            assert app.readonly
            issue = writer.session.cursor.issue
            assert issue is not None
            before = path.read_bytes()
            editing.add_option(writer.session, issue, "Written by the other copy [really]")
            writer.save()
            await wait_for(
                pilot, lambda: "Written by the other copy [really]" in screen_text(app), "the writer's save on screen"
            )
            assert "READ-ONLY · following, updated" in app.sub_title
            # a save that cannot be read keeps the last good version up
            path.write_text('schema_version = 1\ntitle = "half a save\n', encoding="utf-8")
            await wait_for(
                pilot, lambda: any("could not be read" in n.title for n in app._notifications), "the warning"
            )
            assert "Written by the other copy [really]" in screen_text(app)
            editing.add_option(writer.session, issue, "And a second one")
            writer._stamp = None  # the test broke the file behind the writer's back
            writer.save()
            await wait_for(pilot, lambda: "And a second one" in screen_text(app), "the next save")
            await pilot.press("ctrl+q")
        assert (
            before != path.read_bytes() and store.load_session(path).issue(issue).options[-1].text == "And a second one"
        )
    finally:
        writer.close()
