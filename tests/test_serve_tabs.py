"""``ibb serve`` leaves no tab process behind (issue 11, point 7).

textual-serve starts one app process (~55 MiB) per browser tab. Each test starts the real server
as its own process, opens a tab's terminal stream as a browser would (a raw WebSocket handshake
over a plain socket, so the test decides exactly how the connection ends), waits for the tab's
``ibb room`` process, then ends the tab or the server the way real life does:

- the browser vanishes: the connection is reset, with no close frame;
- the browser goes silent (a laptop put to sleep): nothing more arrives, no pong either;
- the server is stopped by SIGTERM to its own pid only (not its group: systemd, ``kill PID``),
  or killed outright (SIGKILL) with tabs open.

In every case no ``ibb room`` process may remain a few seconds later.
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ibb_facilitator import store

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.')")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process we can see."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":  # a zombie has ended; only its parent's wait is missing
            continue
        found[int(entry)] = (int(fields[1]), cmdline)
    return found


def tab_apps(session_path: Path) -> list[int]:
    """The ``ibb room`` processes showing ``session_path``, wherever they hang in the tree."""
    return sorted(
        pid
        for pid, (_, cmd) in processes().items()
        if " room " in cmd and str(session_path) in cmd and not cmd.startswith("/bin/sh")
    )


def wait_until(condition, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class Server:
    def __init__(self, path: Path):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ibb_facilitator", "serve", str(path), "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # as the test suite's other servers; the tests signal its pid only
        )
        assert wait_until(self.answers, 20), "ibb serve did not answer within 20 s"

    def answers(self) -> bool:
        assert self.proc.poll() is None, "ibb serve exited"
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2).status == 200
        except OSError:
            return False

    def tab(self) -> socket.socket:
        """A tab's terminal stream, opened as a browser does; returns once its app is drawing."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            (
                f"GET /ws?width=80&height=24 HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"Origin: http://127.0.0.1:{self.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        received = b""
        while b"\r\n\r\n" not in received:
            received += sock.recv(4096)
        assert received.startswith(b"HTTP/1.1 101"), received[:200]
        deadline = time.monotonic() + 30
        while len(received) < 2000:  # the app's first frames
            assert time.monotonic() < deadline, "the tab's app drew nothing within 30 s"
            received += sock.recv(65536)
        return sock

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def session_path(tmp_path: Path, populated) -> Path:
    path = tmp_path / "tabs session.toml"
    store.save_session(populated, path)
    return path


@pytest.fixture
def server(session_path: Path):
    started = Server(session_path)
    yield started
    started.stop()
    for pid in tab_apps(session_path):  # never leave one behind for the next test, whatever failed
        os.kill(pid, signal.SIGKILL)


def reset(sock: socket.socket) -> None:
    """Drop the connection as a vanished browser does: a TCP reset, no WebSocket close frame."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def test_a_tab_dropped_without_a_close_frame_ends_its_app(server: Server, session_path: Path) -> None:
    first, second = server.tab(), server.tab()
    assert wait_until(lambda: len(tab_apps(session_path)) == 2, 20), tab_apps(session_path)
    reset(first)
    assert wait_until(lambda: len(tab_apps(session_path)) == 1, 5), "the dropped tab's app is still running"
    reset(second)
    assert wait_until(lambda: tab_apps(session_path) == [], 5), "the dropped tab's app is still running"
    assert server.proc.poll() is None  # the server itself goes on serving


def test_a_tab_that_goes_silent_ends_its_app(server: Server, session_path: Path) -> None:
    silent = server.tab()  # never read again: pings go unanswered, as from a sleeping laptop
    try:
        assert wait_until(lambda: len(tab_apps(session_path)) == 1, 20)
        assert wait_until(lambda: tab_apps(session_path) == [], 15, step=0.5), "a silent tab's app outlived 15 s"
    finally:
        silent.close()


def test_stopping_the_server_ends_every_tab_app(server: Server, session_path: Path) -> None:
    tabs = [server.tab(), server.tab()]
    assert wait_until(lambda: len(tab_apps(session_path)) == 2, 20)
    server.proc.send_signal(signal.SIGTERM)  # its pid only, as `kill PID` or systemd would
    server.proc.wait(15)
    assert wait_until(lambda: tab_apps(session_path) == [], 5), "tab apps outlived the server"
    for sock in tabs:
        sock.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_killed_server_leaves_no_tab_app(server: Server, session_path: Path) -> None:
    tab = server.tab()
    assert wait_until(lambda: len(tab_apps(session_path)) == 1, 20)
    server.proc.kill()
    server.proc.wait(10)
    assert wait_until(lambda: tab_apps(session_path) == [], 5), "a tab app outlived its killed server"
    tab.close()
