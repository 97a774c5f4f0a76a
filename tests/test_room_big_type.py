"""The room view at big type keeps the current items on screen (issue 11, point 7).

A browser at ``?fontsize=40`` in a 1400×1000 window gives the served room view a terminal of
58×18 cells (measured below in headless Chromium). There, the heading (session line, the issue's
statement, the stage stepper, the clock) took 10 rows and the box round the items 5 more: two
rows of one item were left on the wall. The chrome must shrink first: the items get at least half
of the screen, and the first items of the current stage show whole.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from cdp import CHROMIUM, NO_CHROMIUM, DevTools, chromium_page, received_text, start_chromium, stop_chromium
from helpers import EXAMPLE

from ibb_facilitator import store
from ibb_facilitator.tui.room import RoomApp

FIRST_ITEMS = [
    "#1 Across-the-board raise each year, tied to the regional cost-of-living index",
    "#2 Add a step at the top of the schedule after year 15",
]
LONG_STATEMENT = (
    "How can we attract and keep qualified teachers, nurses, counselors and librarians in every "
    "building, including the hard-to-staff ones, within a budget that the board can sustain for "
    "the three years of the agreement without cutting programs or raising class sizes?"
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    path = tmp_path / "spring.toml"
    shutil.copy(EXAMPLE, path)
    return path


@pytest.fixture
def long_statement(tmp_path: Path) -> Path:
    session = store.load_session(EXAMPLE)
    session.issue(session.cursor.issue).statement = LONG_STATEMENT
    path = tmp_path / "long.toml"
    store.save_session(session, path)
    return path


async def items_area(path: Path, size: tuple[int, int]) -> tuple[str, int]:
    """The text shown inside the items' area, and how many rows of the screen that area has."""
    app = RoomApp(path, watch=False, zoom_hint=False)
    async with app.run_test(size=size) as pilot:
        deadline = time.monotonic() + 15
        while app.view is None:
            assert time.monotonic() < deadline, "the room view never loaded"
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        main = app.query_one("#room-main").content_region
        rows = [strip.text for strip in app.screen._compositor.render_strips()]
        shown = "\n".join(row[main.x : main.right] for row in rows[main.y : main.bottom])
        return shown, main.height


@pytest.mark.parametrize("size", [(58, 18), (58, 25)])
@pytest.mark.parametrize("which", ["example", "long_statement"])
async def test_big_type_keeps_the_current_items_on_screen(which: str, size: tuple[int, int], request) -> None:
    path = request.getfixturevalue(which)
    shown, rows = await items_area(path, size)
    assert rows >= size[1] // 2, f"the items get {rows} of {size[1]} rows:\n{shown}"
    for item in FIRST_ITEMS:
        assert squash(item) in squash(shown), f"{item!r} is not whole on the screen:\n{shown}"


GRID = [(w, h) for w in (24, 40, 58, 80, 100, 130, 160, 200) for h in (8, 10, 12, 14, 18, 25, 30, 45, 60)]


@pytest.mark.parametrize("which", ["example", "long_statement"])
async def test_at_every_size_the_items_get_half_the_screen_and_the_first_item_shows(which: str, request) -> None:
    """Big type cannot push the items off the wall, by design: whatever the size (a browser at
    any ``?fontsize=``, a terminal at any zoom), the heading shrinks first (a statement of at
    most a seventh of the rows, then no session line and no foot under 14 rows), so the items'
    area keeps half the rows, and the current stage's first item starts on screen (whole from
    12 rows up)."""
    path = request.getfixturevalue(which)
    app = RoomApp(path, watch=False, zoom_hint=False)
    async with app.run_test(size=GRID[0]) as pilot:
        deadline = time.monotonic() + 15
        while app.view is None:
            assert time.monotonic() < deadline, "the room view never loaded"
            await pilot.pause(0.05)
        for width, height in GRID:
            await pilot.resize_terminal(width, height)
            await pilot.pause(0.05)
            main = app.query_one("#room-main").scrollable_content_region  # its scrollbar left out
            rows = [strip.text for strip in app.screen._compositor.render_strips()]
            shown = "\n".join(row[main.x : main.right] for row in rows[main.y : main.bottom])
            assert main.height >= height // 2, f"{width}×{height}: the items get {main.height} rows:\n{shown}"
            assert squash("#1 Across-the-board") in squash(shown), f"{width}×{height}: no first item:\n{shown}"
            if height >= 12:
                assert squash(FIRST_ITEMS[0]) in squash(shown), f"{width}×{height}: the first item is cut:\n{shown}"


async def test_a_roomy_terminal_keeps_its_air(example: Path) -> None:
    shown, rows = await items_area(example, (120, 40))
    assert all(squash(item) in squash(shown) for item in FIRST_ITEMS)
    assert rows < 40 - 8  # the big-type rules apply to small windows only: here the box and margins stay


# --- the real page ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
@pytest.mark.parametrize("fontsize", [40, 96])  # 96: the largest the page takes
def test_big_fontsize_in_a_1400x1000_browser_shows_the_items(example: Path, tmp_path: Path, fontsize: int) -> None:
    import aiohttp
    from test_serve import Served

    served = Served(example)
    profile = tmp_path / "chromium-profile"
    browser = start_chromium(profile, "1400,1000")
    try:
        target = chromium_page(profile, browser)

        async def drive() -> tuple[tuple[int, int], str, bytes]:
            async with (
                aiohttp.ClientSession() as http,
                http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws,
            ):
                tools = DevTools(ws)
                await tools.call("Network.enable")
                await tools.call("Page.enable")
                await tools.call(
                    "Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1, mobile=False
                )
                await tools.call("Page.navigate", url=served.base + f"/?fontsize={fontsize}")
                arrived = await tools.until(lambda e: "Across-the-board" in received_text(e), timeout=40)
                assert arrived is not None, "the items never reached the page"
                await asyncio.sleep(1.5)
                sent = [
                    e["params"]["response"]["payloadData"]
                    for e in tools.events
                    if e.get("method") == "Network.webSocketFrameSent"
                ]
                sizes = [json.loads(s)[1] for s in sent if s.startswith('["resize"')]
                stream = "".join(received_text(e) for e in tools.events)
                png = base64.b64decode((await tools.call("Page.captureScreenshot", format="png"))["data"])
                return (sizes[-1]["width"], sizes[-1]["height"]), stream, png

        size, stream, png = asyncio.run(asyncio.wait_for(drive(), 90))
    finally:
        stop_chromium(browser)
        served.stop()
    picture = f"serve-fontsize-{fontsize}.png"
    (tmp_path / picture).write_bytes(png)
    keep = os.environ.get("IBB_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / picture, Path(keep) / picture)
    # big type: a small terminal (58×18 at 40 px, 24×8 at 96 px here)
    cells = {40: ((40, 80), (12, 30)), 96: ((16, 40), (5, 14))}[fontsize]
    assert cells[0][0] <= size[0] <= cells[0][1] and cells[1][0] <= size[1] <= cells[1][1], size
    # the page received the first item (xterm.js draws what it is sent) ...
    assert "Across-the-board" in stream
    if fontsize == 40:
        assert "index" in stream and "schedule after year 15" in stream
    # ... and at exactly the terminal size this browser gave, the items keep half the rows and the
    # first item starts there (both first items whole at 40 px)
    shown, rows = asyncio.run(items_area(example, size))
    assert rows >= size[1] // 2, f"the items get {rows} of {size[1]} rows:\n{shown}"
    assert squash("#1 Across-the-board") in squash(shown), shown
    for item in FIRST_ITEMS if fontsize == 40 else []:
        assert squash(item) in squash(shown), f"{item!r} is not whole on the screen:\n{shown}"
