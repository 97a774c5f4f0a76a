"""The app's side of issue 12: a symlinked session says where its edits go; a served copy's
Save As writes only beside its session."""

from __future__ import annotations

import shutil

from helpers import EXAMPLE
from recorder import wait_for
from textual.widgets import Input

from ibb_facilitator.tui.app import IbbApp


async def test_a_symlinked_session_names_its_target_in_the_header(tmp_path):
    real = tmp_path / "shared" / "session.toml"
    real.parent.mkdir()
    shutil.copyfile(EXAMPLE, real)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    app = IbbApp(path=link)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert "link.toml → " in app.sub_title and str(real) in app.sub_title
        await pilot.press("ctrl+q")
    assert link.is_symlink()


async def test_a_served_copy_saves_as_only_beside_its_session(tmp_path, monkeypatch):
    from ibb_facilitator import served

    path = tmp_path / "session.toml"
    shutil.copyfile(EXAMPLE, path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv(served.SERVED_FOLDER_ENV, str(tmp_path))
    app = IbbApp(path=path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = str(elsewhere / "copy.toml")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: any("Save as failed" in (n.title or "") for n in app._notifications), "the refusal"
        )
        assert not (elsewhere / "copy.toml").exists() and app.file.path == path
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "copy.toml")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.file.path == tmp_path / "copy.toml", "the save beside it")
        await pilot.press("ctrl+q")


async def test_a_served_copy_opens_only_files_beside_its_session(tmp_path, monkeypatch):
    from ibb_facilitator import served
    from ibb_facilitator.tui.home import HomeScreen

    secret = tmp_path / "elsewhere" / "private.toml"
    secret.parent.mkdir()
    shutil.copyfile(EXAMPLE, secret)
    monkeypatch.setenv(served.SERVED_FOLDER_ENV, str(tmp_path / "served"))
    (tmp_path / "served").mkdir()
    app = IbbApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
        app.screen.action_open_file()
        await pilot.pause()
        app.screen.query_one(Input).value = str(secret)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: any("Open works only beside the session" in n.message for n in app._notifications),
            "the refusal",
        )
        assert app.file is None
        await pilot.press("ctrl+q")
    assert served.open_target(secret, {}) == secret  # a local app opens anything
