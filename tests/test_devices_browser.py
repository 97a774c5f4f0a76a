"""The room open to devices, in a real browser (issue 17): headless Debian chromium, driven over
its DevTools protocol (``cdp.py``), against a ``DeviceServer`` running in the test's own event
loop on 127.0.0.1 (any free port).

The phone's side is what a person does on the page, done by JavaScript in it (a click, a typed
value, a form submitted); the facilitator's side is the test calling the ``DeviceRoom`` as the
app does. What a phone sees arrives by the page's own long poll, never by a reload:

- join by the code on the wall, pick a name, send an idea, vote, see the reveal;
- a second phone (a browser context of its own: its own cookies) cannot take that name;
- without its script the page still works: each form posts and the page comes again;
- a request without the room's token is a 404 page;
- at 360 px wide (a small phone) nothing scrolls sideways, whatever the page shows.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import aiohttp
import pytest
from cdp import CHROMIUM, NO_CHROMIUM, DevTools, browser_socket, devtools_port, new_tab, start_chromium, stop_chromium

from ibb_facilitator.devices import server as device_server
from ibb_facilitator.devices.room import Choice, DeviceRoom, IdeaTarget, Member
from ibb_facilitator.devices.server import DeviceServer
from ibb_facilitator.model import Method, PollKind

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

MEMBERS = [
    Member("Dana Ruiz", "union", True),
    Member("Lee Park", "union", True),
    Member("Sam Ortiz", "district", True),
    Member("Obi Observer", "district", False),
]
TITLE = "Spring contract"


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """One headless chromium for the module: its DevTools port. Each test opens its own tabs in
    fresh browser contexts, so no cookie passes from one test to the next."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    browser: subprocess.Popen = start_chromium(profile, "360,740")
    try:
        yield devtools_port(profile, browser)
    finally:
        stop_chromium(browser)


@pytest.fixture(autouse=True)
def polls_wait_long(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long poll is answered on a change only (not after 20 s): a page that shows something
    stale stays stale, and the test sees it, instead of the page healing itself in time."""
    monkeypatch.setattr(device_server, "WAIT_SECONDS", 3600.0)


@pytest.fixture
async def server() -> AsyncIterator[DeviceServer]:
    room = DeviceRoom(MEMBERS, token="TOKEN123", code="ABC234")
    room.follow = {"where": "Issue 1 of 2", "statement": "Class size", "groups": []}
    served = DeviceServer(room, lambda: TITLE, host="127.0.0.1", port=0)
    await served.start()
    yield served
    await served.stop()


@dataclass
class Phone:
    """One browser tab in a context of its own, as one person's phone."""

    tools: DevTools
    context: str

    async def go(self, url: str) -> None:
        await self.tools.call("Page.navigate", url=url)
        await self.until(f"location.href === {json.dumps(url)} && document.readyState === 'complete'", f"load {url}")

    async def js(self, expression: str) -> object:
        return await self.tools.evaluate(expression)

    async def until(self, expression: str, what: str) -> object:
        return await self.tools.until_js(expression, what)

    async def text(self, selector: str) -> str:
        return str(await self.js(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''"))


class Browser:
    """The browser's own connection, and the phones opened through it."""

    def __init__(self, port: int, http: aiohttp.ClientSession, tools: DevTools) -> None:
        self.port, self.http, self.tools = port, http, tools
        self.sockets: list[aiohttp.ClientWebSocketResponse] = []

    async def phone(self, width: int = 360, height: int = 740) -> Phone:
        context, address = await new_tab(self.tools, self.port)
        ws = await self.http.ws_connect(address, max_msg_size=0)
        self.sockets.append(ws)
        tools = DevTools(ws)
        await tools.call("Page.enable")
        await tools.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=2, mobile=True
        )
        return Phone(tools, context)


@pytest.fixture
async def browser(chromium: int) -> AsyncIterator[Browser]:
    address = await asyncio.to_thread(browser_socket, chromium)
    async with aiohttp.ClientSession() as http, http.ws_connect(address, max_msg_size=0) as ws:
        opened = Browser(chromium, http, DevTools(ws))
        try:
            yield opened
        finally:
            for socket in opened.sockets:
                await socket.close()
            for context in (await opened.tools.call("Target.getBrowserContexts"))["browserContextIds"]:
                await opened.tools.call("Target.disposeBrowserContext", browserContextId=context)


def click(selector: str) -> str:
    """JavaScript: click the element ``selector`` names (it must be there)."""
    return f"document.querySelector({json.dumps(selector)}).click()"


async def test_a_phone_joins_by_the_code_sends_an_idea_votes_and_sees_the_reveal(
    server: DeviceServer, browser: Browser
) -> None:
    room = server.room
    phone = await browser.phone()

    # the address on the wall, then the code typed into the form
    await phone.go(server.base + "/")
    assert TITLE in await phone.text("h1")
    await phone.js("document.querySelector('input[name=code]').value = 'abc 234'")
    await phone.js("document.querySelector('form').requestSubmit()")
    await phone.until("location.pathname === '/j/TOKEN123/' && document.readyState === 'complete'", "the room page")
    assert "Pick your name" in await phone.text("#me")
    assert "Class size" in await phone.text("#part-follow")

    # a name: the page says who this phone is now
    await phone.js(click('#part-names button[value="Dana Ruiz"]'))
    await phone.until("document.querySelector('#me').innerText === 'You are Dana Ruiz'", "the name taken")
    assert room.claimed() == [("Dana Ruiz", "device 1")]
    assert await phone.text("#part-names") == ""  # the list of names is gone

    # the facilitator takes ideas: the box appears by itself (the long poll)
    room.open_ideas(IdeaTarget("issue-1", "How big should K-3 classes be?", "option"))
    await phone.until("!!document.querySelector('#part-ideas textarea')", "the idea box")
    assert "How big should K-3 classes be?" in await phone.text("#part-ideas")
    await phone.js("document.querySelector('#part-ideas textarea').value = 'Aides in <b>K-1</b> & 2'")
    await phone.js("document.querySelector('#part-ideas form').requestSubmit()")
    await phone.until("document.querySelector('#say').innerText.startsWith('Sent.')", "the idea sent")
    assert [(i.text, i.kind, i.issue, i.holder) for i in room.ideas] == [
        ("Aides in <b>K-1</b> & 2", "option", "issue-1", "")
    ]
    assert "Dana" not in repr(room.ideas[0])  # no author travels with it
    assert await phone.js("document.querySelector('#part-ideas textarea').value") == ""  # the box is empty again

    # the facilitator opens a check: the vote buttons appear by themselves
    room.open_check("issue-1", Method.FIST_TO_FIVE, "Cap K-3 at 22")
    await phone.until("!!document.querySelector('#part-ballot button[value=\"3\"]')", "the vote buttons")
    assert "Cap K-3 at 22" in await phone.text("#part-ballot")
    await phone.js(click('#part-ballot button[value="3"]'))
    await phone.until("document.querySelector('#part-ballot').innerText.includes('Your answer: 3')", "the vote in")
    assert room.ballot is not None and room.ballot.answers == {"Dana Ruiz": 3}
    assert "1 of 3 have answered" in await phone.text("#part-ballot")

    # the reveal reaches the phone by itself, with the names (IBB's check is open)
    room.reveal()
    await phone.until("document.querySelector('#part-ballot').innerText.includes('Revealed')", "the reveal")
    shown = await phone.text("#part-ballot")
    assert "Dana Ruiz: 3" in shown and "No answer from: Lee Park, Sam Ortiz" in shown

    # a second phone (its own cookies) sees the name taken, and the server refuses it anyway
    other = await browser.phone()
    await other.go(server.url)
    assert "Pick your name" in await other.text("#me")
    taken = '#part-names button[value="Dana Ruiz"]'
    assert await other.js(f"document.querySelector({json.dumps(taken)}).disabled") is True
    assert "(taken)" in await other.text(taken)
    await other.js(f"document.querySelector({json.dumps(taken)}).disabled = false")  # as if it were stale
    await other.js(click(taken))
    await other.until("document.querySelector('#say').innerText.includes('taken on another device')", "the refusal")
    assert "Pick your name" in await other.text("#me")
    assert room.claimed() == [("Dana Ruiz", "device 1")] and len(room.devices) == 1
    # ... while another name is free for it
    await other.js(click('#part-names button[value="Lee Park"]'))
    await other.until("document.querySelector('#me').innerText === 'You are Lee Park'", "the second name taken")
    assert room.claimed() == [("Dana Ruiz", "device 1"), ("Lee Park", "device 2")]
    assert await phone.text("#me") == "You are Dana Ruiz"  # the first phone is still Dana


async def test_the_page_works_without_its_script(server: DeviceServer, browser: Browser) -> None:
    """The forms post and the server sends the page again (no live following, but nothing lost)."""
    room = server.room
    phone = await browser.phone()
    await phone.tools.call("Emulation.setScriptExecutionDisabled", value=True)
    room.open_ideas(IdeaTarget("issue-1", "Class size", "option"))
    room.open_check("issue-1", Method.THUMBS, "Cap K-3 at 22")
    await phone.go(server.url)
    await phone.js(click('#part-names button[value="Sam Ortiz"]'))
    await phone.until("document.querySelector('#me').innerText === 'You are Sam Ortiz'", "the page sent again")
    assert room.claimed() == [("Sam Ortiz", "device 1")]
    await phone.js("document.querySelector('#part-ideas textarea').value = 'Co-teaching in K-1'")
    await phone.js("document.querySelector('#part-ideas form').submit()")
    await phone.until("document.querySelector('#part-ideas textarea').value === ''", "the page after the idea")
    assert [i.text for i in room.ideas] == ["Co-teaching in K-1"]
    await phone.js(click("#part-ballot button[value=up]"))
    await phone.until("document.querySelector('#part-ballot').innerText.includes('Your answer')", "the vote in")
    assert room.ballot is not None and room.ballot.answers == {"Sam Ortiz": "up"}


async def test_a_request_without_the_token_is_a_404_page(server: DeviceServer, browser: Browser) -> None:
    phone = await browser.phone()
    for path in ("/j/WRONG/", "/j/TOKEN12/", "/j/", "/j/WRONG/state"):
        url = server.base + path
        await phone.go(url)
        status = await phone.js("performance.getEntriesByType('navigation')[0].responseStatus")
        assert status == 404, path
        assert "not found" in (await phone.text("body")).lower(), path
        assert await phone.js("document.querySelector('form, button, textarea')") is None, path
    assert server.room.devices == {}


WIDER_THAN_360 = """[...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > 360)
  .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)
  .join(', ')"""
LONG = "Bartholomew Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff"
UNBROKEN = "https://example.org/a-very-long-address-nobody-would-break-by-hand/" + "x" * 60


async def test_the_page_fits_a_360_px_phone_whatever_it_shows(browser: Browser) -> None:
    members = [*MEMBERS, Member(LONG, "district", True)]
    room = DeviceRoom(members, token="TOKEN123", code="ABC234")
    room.follow = {
        "where": "Issue 1 of 2 · Options",
        "stages": ["Issue", "Interests", "Options", "Criteria", "Evaluation", "Consensus"],
        "stage": "Options",
        "statement": "How can we keep K-3 classes small within the budget the board can sustain? " + UNBROKEN,
        "lines": ["Ground rule: " + UNBROKEN],
        "groups": [{"title": "Options", "items": [{"tag": "#1", "text": UNBROKEN, "note": UNBROKEN}]}],
    }
    server = DeviceServer(room, lambda: TITLE + " " + UNBROKEN, host="127.0.0.1", port=0)
    await server.start()
    try:
        phone = await browser.phone(360, 740)
        await phone.go(server.url)

        async def fits(what: str) -> None:
            width = await phone.js("document.documentElement.scrollWidth")
            wide = await phone.js(WIDER_THAN_360)
            assert isinstance(width, int) and width <= 360, f"{what}: the page is {width} px wide: {wide}"

        await fits("the names to pick from")
        await phone.js(click(f'#part-names button[value="{LONG}"]'))
        await phone.until(f"document.querySelector('#me').innerText === 'You are {LONG}'", "the long name taken")
        room.open_ideas(IdeaTarget("issue-1", UNBROKEN, "interest"))
        await phone.until("!!document.querySelector('#part-ideas textarea')", "the idea box")
        await fits("the idea box")
        for method in (Method.FIST_TO_FIVE, Method.THUMBS, Method.GRADIENTS):
            room.open_check("issue-1", method, UNBROKEN)
            await phone.until(f"!!document.querySelector('#part-ballot .choices.{method.value}')", f"the {method} vote")
            await fits(f"a {method.value} vote")
            room.close_ballot()
        choices = [Choice(f"option-{n}", f"#{n}", UNBROKEN if n == 1 else f"Option {n}") for n in range(1, 5)]
        for kind in (PollKind.DOTS, PollKind.SCORE):
            room.open_poll("issue-1", kind, 3, choices, title="Straw poll " + UNBROKEN, anonymous=False)
            await phone.until("!!document.querySelector('#part-ballot .poll-row')", f"the {kind} poll")
            await fits(f"a {kind.value} poll")
            device = room.device(room.holders[LONG])
            assert device is not None
            room.vote(device, "+1" if kind is PollKind.DOTS else "5", "option-1")
            room.reveal()
            await phone.until("!!document.querySelector('#part-ballot .bars')", f"the {kind} poll revealed")
            await fits(f"a {kind.value} poll revealed")
            room.close_ballot()
        room.open_check("issue-1", Method.GRADIENTS, "")
        device = room.device(room.holders[LONG])
        assert device is not None
        room.vote(device, "1")
        room.reveal()
        await phone.until("!!document.querySelector('#part-ballot .answers')", "the check revealed")
        await fits("a check revealed")
    finally:
        await server.stop()
