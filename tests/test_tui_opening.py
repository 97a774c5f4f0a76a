"""Opening a session behind a first frame: what ``ibb open FILE`` shows and does while it loads.

``ibb open`` (``IbbApp(open_in_background=True)``) paints ``OpeningScreen`` at once, loads the
file on a thread worker and then shows the session. These tests drive that flow as a person
would: a 10,000-item file opens and shows its session; a malformed one is refused with its
``FILE:LINE: field`` message and stays byte for byte as it was; keys typed while it opens are
neither lost nor applied anywhere but the session; Ctrl+Q quits at once and leaves no lock.

To type "during" the opening on purpose, some tests hold the loading thread at a gate
(``gated_open``) until the keys are in; the big-file test runs the real thing ungated.

The last tests guard the start-up work itself: what ``ibb open`` imports before its first frame
(nothing of the session core, exporters, library or server), and that ``ibb`` registers only
the command it runs while ``ibb --help`` still lists them all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import ROOT, example
from recorder import wait_for
from textual import events
from textual.widgets import Input

from ibb_facilitator import cli, commands, store
from ibb_facilitator.samples import generated_session
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.modals import Panel
from ibb_facilitator.tui.opening import OpeningScreen
from ibb_facilitator.tui.session import SessionScreen

SIZE = (120, 40)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    """A 10,000-item session (``samples.generated_session``, seed 0), made once for this module."""
    path = tmp_path_factory.mktemp("big") / "big.toml"
    store.save_session(generated_session(10_000, 0), path, backup=False)
    return path


def session_shown(app) -> bool:
    """The session screen is current and its widgets are mounted (not merely on the stack)."""
    return isinstance(app.screen, SessionScreen) and app.screen.is_mounted


async def test_a_big_file_opens_behind_the_opening_screen_and_shows_its_session(big_file):
    before = big_file.read_bytes()
    app = IbbApp(path=big_file, open_in_background=True)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, OpeningScreen)  # the first screen, before the file is read
        shown = app.screen.shown
        assert "Opening big.toml" in shown and "MB" in shown and "Ctrl+Q quits" in shown
        await wait_for(pilot, lambda: session_shown(app))
        assert app.session.item_count() >= 10_000
        assert app.file is not None and app.file.path == big_file and not app.readonly
        assert len(app.screen_stack) == 2  # the opening screen was replaced, not left below
        assert "saved" in app.sub_title and "big.toml" in app.sub_title
        await pilot.press("ctrl+q")
    assert big_file.read_bytes() == before  # opened and closed without a change: not rewritten


async def test_a_malformed_big_file_is_refused_with_file_and_line_and_left_untouched(big_file, tmp_path):
    path = tmp_path / "broken.toml"
    lines = big_file.read_text(encoding="utf-8").splitlines(keepends=True)
    # break the last interest's text: a number where words belong
    n = max(
        i
        for i, line in enumerate(lines)
        if line.startswith("text = ") and "[[issues.interests]]" in "".join(lines[max(0, i - 4) : i])
    )
    lines[n] = "text = 5\n"
    path.write_text("".join(lines), encoding="utf-8")
    before = path.read_bytes()
    app = IbbApp(path=path, open_in_background=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, Panel))
        shown = " ".join(text for text, _ in app.screen.lines)
        assert f"broken.toml:{n + 1}: issues[" in shown and "].text" in shown
        assert "The file was not changed." in shown
        assert app.file is None
        await pilot.press("escape")  # the panel closes as before; nothing else happens
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak")) and not list(tmp_path.glob("*.lock"))


async def test_keys_typed_while_opening_go_to_the_session_in_order(tmp_path, gated_open):
    path = example(tmp_path)
    app = IbbApp(path=path, open_in_background=True)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, OpeningScreen)
        typed = "Staff want [notice] early"
        await pilot.press(*[("space" if ch == " " else ch) for ch in typed], "enter", "f", "i", "x")
        app.post_message(events.Paste(" the rota"))  # a paste, as the terminal sends it
        await pilot.pause()
        assert isinstance(app.screen, OpeningScreen)  # still opening: nothing applied yet
        assert f"{len(typed) + 5} keys typed" in app.screen.shown
        gated_open.set()
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, SessionScreen)
                and app.screen.query_one("#capture", Input).value == "fix the rota"
            ),
        )
        options = [o.text for o in app.session.issue("issue-2").options]  # the file opens on issue 2's options
        assert options[-1] == typed and options.count(typed) == 1  # applied once, whole, in order
        await pilot.press("ctrl+q")
    saved = store.load_session(path)
    assert [o.text for o in saved.issue("issue-2").options].count("Staff want [notice] early") == 1


async def test_keys_typed_while_a_bad_file_opens_are_dropped_not_applied_to_the_error(tmp_path, gated_open):
    path = tmp_path / "bad.toml"
    path.write_text('schema_version = 1\ntitle = "x"\n[[issues]]\nid = "issue-1"\nstatement = 5\n', encoding="utf-8")
    before = path.read_bytes()
    app = IbbApp(path=path, open_in_background=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "q", "enter")  # would close the error panel if applied to it
        gated_open.set()
        await wait_for(pilot, lambda: isinstance(app.screen, Panel))
        await pilot.pause(0.2)
        assert isinstance(app.screen, Panel)  # still shown: the held keys did not close it
        shown = " ".join(text for text, _ in app.screen.lines)
        assert "bad.toml:5: issues[0].statement" in shown
        assert "3 keys typed while it was opening were not applied." in shown
        await pilot.press("ctrl+q")
    assert path.read_bytes() == before


async def test_ctrl_q_while_opening_quits_at_once_and_leaves_the_file_unlocked(tmp_path, gated_open):
    path = example(tmp_path)
    before = path.read_bytes()
    app = IbbApp(path=path, open_in_background=True)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, OpeningScreen)
        await pilot.press("ctrl+q")
        # the load finishes after the app has gone (started before the app, under load the
        # timer let the load finish before Ctrl+Q was read, and the test failed)
        threading.Timer(0.5, gated_open.set).start()
        await pilot.pause()
    assert app.return_code == 0 and app.file is None
    gated_open.set()
    deadline = time.monotonic() + 10
    while True:  # the loading thread closes what it opened once it sees the app gone
        try:
            again = store.SessionFile.open(path)
            break
        except store.LockedError:
            assert time.monotonic() < deadline, "the file stayed locked after quitting"
            time.sleep(0.05)
    again.close()
    assert path.read_bytes() == before


async def test_a_locked_file_opens_read_only_behind_the_opening_screen(tmp_path):
    path = example(tmp_path)
    holder = store.SessionFile.open(path)
    try:
        before = path.read_bytes()
        app = IbbApp(path=path, open_in_background=True)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: session_shown(app))
            assert app.readonly and "already open for writing" in app.readonly_reason
            banner = app.screen.query_one("#banner")
            assert banner.display and "already open for writing" in str(banner.render())
            await pilot.press("ctrl+q")
        assert path.read_bytes() == before
    finally:
        holder.close()


async def test_the_command_palette_waits_for_the_session_too(tmp_path, gated_open):
    app = IbbApp(path=example(tmp_path), open_in_background=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, OpeningScreen)
        assert "1 key typed" in app.screen.shown
        gated_open.set()
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        assert isinstance(app.screen_stack[-2], SessionScreen)
        await pilot.press("escape", "ctrl+q")


@pytest.mark.parametrize("theme, light", [("projector", True), ("room-dark", False)])
async def test_the_theme_is_there_from_the_first_frame_and_f9_still_switches_it(tmp_path, gated_open, theme, light):
    app = IbbApp(path=example(tmp_path), open_in_background=True, theme=theme)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, OpeningScreen)
        assert app.theme == theme and f"-theme-{theme}" in app.classes and ("-light-mode" in app.classes) == light
        assert (app.screen.styles.background.brightness > 0.5) == light
        gated_open.set()
        await wait_for(pilot, lambda: session_shown(app))
        assert (app.screen.styles.background.brightness > 0.5) == light
        await pilot.press("f9")
        await pilot.pause()
        other = "room-dark" if light else "projector"
        assert app.theme == other and f"-theme-{other}" in app.classes and f"-theme-{theme}" not in app.classes
        assert (app.screen.styles.background.brightness > 0.5) != light
        await pilot.press("ctrl+q")


# --- what start-up costs: imports and command registration ------------------------------------

PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
from hello_app import on_frames
seen = {}
def frame(app, screen):
    name = type(screen).__name__
    if name not in seen:
        seen[name] = sorted(sys.modules)
    if name == "SessionScreen":
        app.exit()
on_frames(frame)
from ibb_facilitator import cli
from ibb_facilitator.tui import app as app_module
run = app_module.IbbApp.run
app_module.IbbApp.run = lambda self, **kw: run(self, headless=True, size=(100, 30), **kw)
code = cli.main(["open", sys.argv[1]])
print(json.dumps({"code": code, "seen": seen}))
"""

NEVER_FOR_OPEN = (
    "docx",
    "lxml",
    "watchfiles",
    "sqlite3",
    "textual_serve",
    "aiohttp",
    "jinja2",
    "multiprocessing",
    "ibb_facilitator.training",
    "ibb_facilitator.tui.review",
    "ibb_facilitator.diff",
    "ibb_facilitator.timeline",
    "ibb_facilitator.export",
    "ibb_facilitator.library",
    "ibb_facilitator.agenda",
    "ibb_facilitator.tui.library",
    "ibb_facilitator.tui.training",
    "ibb_facilitator.tui.home",
    "ibb_facilitator.tui.setup",
)
NOT_BEFORE_FIRST_FRAME = (
    "pydantic",
    "ibb_facilitator.model",
    "ibb_facilitator.store",
    "ibb_facilitator.editing",
    "ibb_facilitator.tui.session",
    "ibb_facilitator.tui.modals",
    "importlib.metadata",
)


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in modules)]


def test_ibb_open_imports_only_what_its_first_frame_and_session_need(tmp_path):
    env = {
        **os.environ,
        "IBB_DATA_DIR": str(tmp_path / "d"),
        "IBB_CACHE_DIR": str(tmp_path / "c"),
        "IBB_SESSIONS_DIR": str(tmp_path / "s"),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(example(tmp_path)), str(ROOT / "bench")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    seen = report["seen"]
    assert list(seen) == ["OpeningScreen", "SessionScreen"]  # the opening screen is the first frame
    assert _loaded(seen["OpeningScreen"], NOT_BEFORE_FIRST_FRAME + NEVER_FOR_OPEN) == []
    assert _loaded(seen["SessionScreen"], NEVER_FOR_OPEN) == []


def test_ibb_registers_only_the_command_it_runs_and_help_lists_them_all():
    everything = cli.build_parser(None)
    sub = next(a for a in everything._actions if a.dest == "command")
    names = set(sub.choices)
    assert names == set(cli.CORE_COMMANDS) | set(commands.COMMANDS)  # the table is complete
    for name, module in commands.COMMANDS.items():  # each name's module registers it
        only = cli.build_parser(name)
        assert name in next(a for a in only._actions if a.dest == "command").choices
        assert commands.modules_for(name) == [module]
    for name in (*cli.CORE_COMMANDS, ""):
        assert set(next(a for a in cli.build_parser(name)._actions if a.dest == "command").choices) == set(
            cli.CORE_COMMANDS
        )
    result = subprocess.run(
        [sys.executable, "-m", "ibb_facilitator", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and all(name in result.stdout for name in names)
    result = subprocess.run(
        [sys.executable, "-m", "ibb_facilitator", "nosuchcommand"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "diff" in result.stderr and "open" in result.stderr
