"""``ibb serve``: the room view in a web browser, through textual-serve.

- The real thing: ``ibb serve`` on loopback, on a free port, as its own process; headless
  Chromium opens the page, driven over the DevTools protocol. The terminal is drawn by xterm.js
  on a canvas, so the title is not in the page's DOM: the test reads the terminal stream the page
  received (``Network.webSocketFrameReceived``) until the session's title arrives, then checks the
  screenshot is the projector theme's white page with dark text on it (not a blank or the dark
  loading screen) and saves it as ``serve-room.png`` in the test's folder (``IBB_SCREENSHOT_DIR``
  keeps a copy where you can look at it).
- Bad input: a port that is not a number, out of range or in use, a non-loopback host without
  ``--allow-remote``: one clear line, exit 1, nothing served. With ``--allow-remote`` the warning
  is printed.
- Only the one session: odd paths and query strings get the same page or a 404; nothing from a
  URL reaches the file system (static files stay inside textual-serve's folder, no listings, no
  downloads); another site's page can neither open the terminal stream nor, through a rebound
  DNS name, read the page.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from cdp import CHROMIUM, NO_CHROMIUM, DevTools, chromium_page, received_text, start_chromium, stop_chromium
from helpers import png_rows

from ibb_facilitator import store
from ibb_facilitator.commands.room import page_fontsize, served_command
from ibb_facilitator.served import room_hint, serve_url

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.')")

TITLE = "Maplewood joint session 7"
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ibb(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "ibb_facilitator", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def session_path(tmp_path: Path, populated) -> Path:
    populated.title = TITLE
    path = tmp_path / "maplewood session.toml"  # a space: the served command must quote it
    store.save_session(populated, path)
    return path


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


class Served:
    """``ibb serve FILE`` in its own process group (it starts one app process per tab)."""

    def __init__(self, path: Path, *extra: str):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "ibb_facilitator", "serve", str(path), "--port", str(self.port), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"ibb serve exited: {self.proc.stdout.read().decode()}")  # type: ignore[union-attr]
            try:
                if get(self.base + "/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("ibb serve did not answer within 20 s")
            time.sleep(0.1)

    def stop(self) -> str:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the server and the app processes it started
                self.proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(5)
        return self.proc.stdout.read().decode("utf-8", "replace") if self.proc.stdout else ""


@pytest.fixture
def served(session_path: Path):
    server = Served(session_path)
    yield server
    server.stop()


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("port", "says"),
    [
        ("0", "out of range"),
        ("65536", "out of range"),
        ("-1", "out of range"),
        ("http", "not a port number"),
        ("80.5", "not a port number"),
    ],
)
def test_a_bad_port_is_one_clear_line(session_path: Path, port: str, says: str) -> None:
    result = ibb("serve", str(session_path), f"--port={port}")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in result.stderr, result.stderr


def test_a_port_in_use_is_one_clear_line(session_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = ibb("serve", str(session_path), "--port", str(port))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port}" in lines[0] and "in use" in lines[0], result.stderr


def test_a_bad_fontsize_is_one_clear_line(session_path: Path) -> None:
    result = ibb("serve", str(session_path), "--fontsize", "500", "--port", str(free_port()))
    assert result.returncode == 1 and "--fontsize 500" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1"])
def test_a_remote_host_needs_allow_remote(session_path: Path, host: str) -> None:
    result = ibb("serve", str(session_path), "--host", host, "--port", str(free_port()))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--allow-remote" in lines[0] and "anyone on the network" in lines[0], result.stderr
    assert result.stdout == ""  # nothing was served


def test_allow_remote_warns_that_anyone_can_see(session_path: Path) -> None:
    # 192.0.2.1 (TEST-NET) is no address of this machine: the warning comes first, then the bind fails
    result = ibb("serve", str(session_path), "--host", "192.0.2.1", "--allow-remote", "--port", str(free_port()))
    assert "WARNING" in result.stderr and "anyone who can reach this machine" in result.stderr
    assert result.returncode == 1 and "not an address of this machine" in result.stderr


def test_an_invalid_file_is_refused_before_serving(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = 1\ntitle = \n", encoding="utf-8")
    result = ibb("serve", str(bad), "--port", str(free_port()))
    assert result.returncode == 1 and f"{bad}:2" in result.stderr


def test_the_served_command_is_fixed_quoted_and_absolute(tmp_path: Path) -> None:
    odd = tmp_path / "it's a $(touch pwned) session;.toml"
    command = served_command(odd, full=False, theme="projector")
    assert command.endswith(" room --wait --theme projector " + __import__("shlex").quote(str(odd.resolve())))
    assert served_command(odd, full=True, theme="room-dark").split()[3:6] == ["open", "--theme", "room-dark"]
    # the shell reads it back as the same words: the path is one argument, nothing runs
    echoed = subprocess.run(["sh", "-c", "printf '%s\\n' " + command.split(" ", 1)[1]], capture_output=True, text=True)
    assert echoed.stdout.splitlines()[-1] == str(odd.resolve())
    assert not (tmp_path / "pwned").exists()


def test_fontsize_from_the_url_is_bounded() -> None:
    assert page_fontsize(None, 24) == 24
    assert page_fontsize("40", 24) == 40
    assert page_fontsize("4000", 24) == 24
    assert page_fontsize("../../etc", 24) == 24
    assert page_fontsize("", 24) == 24


def test_room_hint_names_the_command_and_the_url(tmp_path: Path) -> None:
    path = tmp_path / "a b.toml"
    lines = room_hint(path)
    assert lines[0] == f"Room view (for the wall): ibb room '{path}'"
    assert f"ibb serve '{path}'" in lines[1] and "http://127.0.0.1:8000/?fontsize=24" in lines[1]
    assert serve_url("::1", 9000, 30) == "http://[::1]:9000/?fontsize=30"


# --- the running server -----------------------------------------------------------------------


def test_the_page_has_the_title_a_big_default_font_and_no_outside_requests(served: Served) -> None:
    status, page = get(served.base + "/")
    assert status == 200
    assert f"<title>{TITLE} · room view</title>" in page
    assert 'data-font-size="24"' in page
    assert "googleapis" not in page and "https://" not in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
    assert 'data-font-size="40"' in get(served.base + "/?fontsize=40")[1]


def test_odd_paths_and_queries_serve_the_same_session_or_404(served: Served, session_path: Path) -> None:
    _, plain = get(served.base + "/")
    for query in (
        "?file=/etc/passwd",
        "?path=../../../etc/passwd&fontsize=../../x",
        "?session=other.toml",
        "?fontsize=%00",
    ):
        status, page = get(served.base + "/" + query)
        assert status == 200 and TITLE in page and "/etc/passwd" not in page and "other.toml" not in page
        assert page.replace('data-font-size="24"', "") == plain.replace('data-font-size="24"', "")
    for path in (
        "/etc/passwd",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2fserver.py",
        "/..%2f..%2fetc/passwd",
        "/download/anything",
        urllib.parse.quote(str(session_path)),
        "/index.html",
    ):
        status, body = get(served.base + path)
        assert status == 404, (path, status)
        assert "root:" not in body and "schema_version" not in body
    assert get(served.base + "/static/")[0] in (403, 404)  # no folder listings
    assert get(served.base + "/static/js/textual.js")[0] == 200  # the page's own script still loads


def test_other_sites_cannot_read_the_session(served: Served) -> None:
    # DNS rebinding: a name that now points at 127.0.0.1 reaches the port, but not the session
    assert get(served.base + "/", {"Host": f"attacker.example:{served.port}"})[0] == 403
    # a page on another site opening the terminal stream
    headers = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
    }
    assert get(served.base + "/ws", {**headers, "Origin": "http://attacker.example"})[0] == 403
    assert get(served.base + "/ws")[0] == 400  # not a WebSocket


# --- in a real browser ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_the_room_view_renders_in_headless_chromium(served: Served, tmp_path: Path) -> None:
    import aiohttp

    profile = tmp_path / "chromium-profile"
    browser = start_chromium(profile, "1280,800")
    shot = tmp_path / "serve-room.png"
    try:
        target = chromium_page(profile, browser)

        async def drive() -> tuple[str, bytes]:
            async with (
                aiohttp.ClientSession() as http,
                http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws,
            ):
                tools = DevTools(ws)
                await tools.call("Network.enable")
                await tools.call("Page.enable")
                await tools.call(
                    "Emulation.setDeviceMetricsOverride", width=1280, height=800, deviceScaleFactor=1, mobile=False
                )
                await tools.call("Page.navigate", url=served.base + "/")  # the default font size
                arrived = await tools.until(lambda e: TITLE in received_text(e), timeout=40)
                stream = "".join(received_text(e) for e in tools.events)
                assert arrived is not None, f"the title never reached the page; it received {stream[-500:]!r}"
                # let xterm.js draw the frames it received, then look
                body = ""
                for _ in range(50):
                    result = await tools.call(
                        "Runtime.evaluate", expression="document.body.className", returnByValue=True
                    )
                    body = result["result"].get("value", "")
                    if "-first-byte" in body:
                        break
                    await asyncio.sleep(0.1)
                assert "-first-byte" in body and "-closed" not in body, body
                await asyncio.sleep(1.0)
                png = base64.b64decode((await tools.call("Page.captureScreenshot", format="png"))["data"])
                return stream, png

        stream, png = asyncio.run(asyncio.wait_for(drive(), 90))
    finally:
        stop_chromium(browser)
    shot.write_bytes(png)
    keep = os.environ.get("IBB_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
    assert "How can we give teachers time to collaborate?" in stream  # the current issue, too
    width, height, rows = png_rows(png)
    assert (width, height) == (1280, 800)
    white = dark = 0
    for row in rows[::4]:
        for x in range(0, len(row), 12):
            r, g, b = row[x], row[x + 1], row[x + 2]
            white += r > 240 and g > 240 and b > 240
            dark += r < 90 and g < 90 and b < 140
    sampled = len(rows[::4]) * len(range(0, len(rows[0]), 12))
    assert white > 0.5 * sampled, f"the page is not the projector theme's white ({white}/{sampled} white samples)"
    assert dark > 0.005 * sampled, f"no text drawn on the page ({dark}/{sampled} dark samples)"
