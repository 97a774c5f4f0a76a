"""Headless Debian chromium driven over its DevTools protocol: one copy for the browser tests
(``test_serve``, ``test_room_big_type``, ``test_devices_browser``) and ``bench/devices_bench.py``.

- ``start_chromium(profile, size)`` starts it with its DevTools port written into ``profile``;
  ``devtools_port`` reads that port, ``chromium_page`` describes its first page,
  ``stop_chromium`` ends it (its whole process group).
- ``DevTools``: the smallest client: send a command, wait for its answer, keep the events;
  ``evaluate`` runs JavaScript in the page and ``until_js`` waits for an expression to hold.
- ``new_tab``: a page in a fresh browser context (its own cookies and cache, as a second phone
  would have), over the browser's own connection.

No pytest here: the bench imports it too.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "chromium is not installed (`make browser` installs Debian's chromium)"


class DevTools:
    """The smallest DevTools-protocol client: send a command, wait for its answer, keep events."""

    def __init__(self, ws: Any) -> None:
        self.ws, self.next_id, self.events = ws, 0, []

    async def call(self, method: str, **params: Any) -> dict:
        self.next_id += 1
        await self.ws.send_str(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads((await self.ws.receive(timeout=30)).data)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    async def until(self, found: Callable[[dict], object], timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if found(event):
                return event
        while time.monotonic() < deadline:
            try:
                message = json.loads((await self.ws.receive(timeout=max(0.1, deadline - time.monotonic()))).data)
            except TimeoutError:
                break
            self.events.append(message)
            if found(message):
                return message
        return None

    async def evaluate(self, expression: str) -> Any:
        """The value of ``expression`` in the page (a promise is awaited); a thrown error raises."""
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails'].get('exception', result)}")
        return result["result"].get("value")

    async def until_js(self, expression: str, what: str, timeout: float = 30.0) -> Any:
        """Wait until ``expression`` is truthy in the page and return its value. A page between
        two documents (its context gone while it navigates) counts as "not yet"."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = await self.evaluate(expression)
            except AssertionError:
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                try:
                    shown = await self.evaluate("document.body ? document.body.innerText : ''")
                except AssertionError:
                    shown = "(no page)"
                raise AssertionError(f"{what}: not within {timeout:.0f} s; the page shows:\n{shown}")
            await asyncio.sleep(0.05)


def received_text(event: dict) -> str:
    """What a WebSocket frame the page received carries, as text ("" for any other event)."""
    if event.get("method") != "Network.webSocketFrameReceived":
        return ""
    response = event["params"]["response"]
    payload = response["payloadData"]
    return base64.b64decode(payload).decode("utf-8", "replace") if response["opcode"] == 2 else payload


def start_chromium(profile: Path, size: str) -> subprocess.Popen:
    """Headless Debian chromium with its DevTools port written into ``profile``; quiet on a
    closed network (no background, sync or component traffic)."""
    assert CHROMIUM is not None, NO_CHROMIUM
    return subprocess.Popen(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--mute-audio",
            f"--user-data-dir={profile}", "--remote-debugging-port=0", "--remote-allow-origins=*",
            f"--window-size={size}", "about:blank",
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def devtools_port(profile: Path, browser: subprocess.Popen) -> int:
    """The DevTools port the started browser wrote into its profile (waits for it)."""
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not (port_file.exists() and port_file.read_text().strip()):
        assert browser.poll() is None, "chromium exited at start"
        assert time.monotonic() < deadline, "chromium did not open its DevTools port"
        time.sleep(0.1)
    return int(port_file.read_text().split()[0])


def chromium_page(profile: Path, browser: subprocess.Popen) -> dict:
    """The DevTools description of the started browser's page (its ``webSocketDebuggerUrl``)."""
    port = devtools_port(profile, browser)
    pages = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
    return next(p for p in pages if p["type"] == "page")


def browser_socket(port: int) -> str:
    """The browser's own DevTools address (contexts and targets are made there)."""
    version = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=10).read())
    return str(version["webSocketDebuggerUrl"])


async def new_tab(browser: DevTools, port: int, url: str = "about:blank") -> tuple[str, str]:
    """A page in a fresh browser context (cookies and cache of its own): (context id, the page's
    DevTools address). ``Target.disposeBrowserContext`` with the id closes both."""
    context = (await browser.call("Target.createBrowserContext"))["browserContextId"]
    target = (await browser.call("Target.createTarget", url=url, browserContextId=context))["targetId"]
    return context, f"ws://127.0.0.1:{port}/devtools/page/{target}"


def stop_chromium(browser: subprocess.Popen) -> None:
    """End the browser and every process it started."""
    if browser.poll() is not None:
        return
    try:
        os.killpg(browser.pid, signal.SIGTERM)
        browser.wait(10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        try:
            os.killpg(browser.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        browser.wait(5)
