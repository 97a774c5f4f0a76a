"""``ibb serve`` against a hostile or crowded network (issue 12, item 7).

- a cap on viewers: over it, the page says so (503) and the stream closes with 1013 and the
  reason, before any app process starts;
- a WebSocket upgrade without key or version: a 400, and one log line, never a traceback with
  local variables;
- a served copy's Save As stays beside the session: ``served.confined_save_path``, and the
  variable that turns it on reaches every tab's app.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from pathlib import Path

import pytest

from ibb_facilitator import store
from ibb_facilitator.commands import room
from ibb_facilitator.served import SERVED_FOLDER_ENV, SaveRefused, confined_save_path, save_as_target, served_folder

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.')")
aiohttp = pytest.importorskip("aiohttp")

from test_serve import Served, free_port, get, ibb  # noqa: E402


@pytest.fixture
def session_path(tmp_path: Path, populated) -> Path:
    folder = tmp_path / "sessions"
    folder.mkdir()
    path = folder / "joint session.toml"
    store.save_session(populated, path)
    return path


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def raw_request(port: int, text: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(text.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.decode("latin-1")


# --- the cap on viewers -----------------------------------------------------------------------


def test_viewers_over_the_cap_are_turned_away_and_a_slot_frees_again(session_path: Path) -> None:
    server = Served(session_path, "--max-viewers", "2")
    ws_url = f"ws://127.0.0.1:{server.port}/ws?width=80&height=24"

    async def scenario() -> tuple[int | None, str, list[int], int, str]:
        async with aiohttp.ClientSession() as http:
            first = await http.ws_connect(ws_url)
            second = await http.ws_connect(ws_url)
            for ws in (first, second):  # each tab's app is running: it sends its screen
                message = await ws.receive(timeout=60)
                assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
            third = await http.ws_connect(ws_url)
            closed = await third.receive(timeout=10)
            assert closed.type == aiohttp.WSMsgType.CLOSE, closed
            apps = children(server.proc.pid)
            status_full, page_full = await asyncio.to_thread(get, server.base + "/")
            await first.close()
            deadline = time.monotonic() + 20
            status = 0
            while time.monotonic() < deadline:
                status, _ = await asyncio.to_thread(get, server.base + "/")
                if status == 200:
                    break
                await asyncio.sleep(0.2)
            await second.close()
            return closed.data, closed.extra or "", apps, status_full, page_full + f"|after:{status}"

    try:
        code, reason, apps, status_full, page = asyncio.run(scenario())
    finally:
        log = server.stop()
    assert code == room.WS_TRY_AGAIN_LATER
    assert "too many viewers" in reason and "--max-viewers" in reason
    assert len(apps) <= 2, apps  # the third never started a process
    assert status_full == 503 and "already has 2 viewers" in page and "--max-viewers" in page
    assert page.endswith("|after:200")  # a closed tab frees its slot
    assert "Traceback" not in log


@pytest.mark.parametrize(("value", "says"), [("0", "out of range"), ("many", "not a number"), ("1000", "out of range")])
def test_a_bad_max_viewers_is_one_clear_line(session_path: Path, value: str, says: str) -> None:
    result = ibb("serve", str(session_path), "--max-viewers", value, "--port", str(free_port()))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--max-viewers" in lines[0] and says in lines[0], result.stderr


# --- bad upgrades are logged on one line ----------------------------------------------------------


def test_an_upgrade_without_key_or_version_is_400_and_no_traceback(session_path: Path) -> None:
    server = Served(session_path)
    try:
        host = f"127.0.0.1:{server.port}"
        base = f"GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        for extra in (
            "",
            "Sec-WebSocket-Version: 13\r\n",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n",
            "Sec-WebSocket-Key: !!\r\nSec-WebSocket-Version: 13\r\n",
        ):
            answer = raw_request(server.port, base + extra + "\r\n")
            assert answer.startswith("HTTP/1.1 400"), (extra, answer[:200])
        assert get(server.base + "/")[0] == 200  # still serving
    finally:
        log = server.stop()
    assert "Traceback" not in log and "locals" not in log and "╭" not in log, log


def test_errors_are_logged_on_one_line_without_locals(capsys) -> None:
    handler = room.one_line_logging()
    try:
        secret = "the session's text"  # noqa: F841 - a local a rich traceback would have shown
        try:
            raise RuntimeError("bad frame\nsecond line")
        except RuntimeError:
            logging.getLogger("textual-serve").exception("handling a tab")
    finally:
        logging.getLogger().removeHandler(handler)
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("ibb serve: error: handling a tab (RuntimeError: bad frame ⏎ second line)")
    assert "the session's text" not in err and "Traceback" not in err


# --- Save As in a served copy ---------------------------------------------------------------------


def test_confined_save_path_allows_only_toml_files_beside_the_session(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    session = folder / "a.toml"
    session.write_text("x", encoding="utf-8")
    real = Path(os.path.realpath(folder))
    assert confined_save_path("copy.toml", session) == real / "copy.toml"
    assert confined_save_path(folder / "b.toml", session) == real / "b.toml"
    assert confined_save_path(str(folder / "sub" / ".." / "c.toml"), session) == real / "c.toml"
    assert confined_save_path(session, session) == real / "a.toml"  # over itself is allowed
    home_ssh = tmp_path / "home" / ".ssh"
    home_ssh.mkdir(parents=True)
    (folder / "sub").mkdir()
    (folder / "link.toml").symlink_to(home_ssh / "authorized_keys")
    (folder / "out").symlink_to(home_ssh)
    (folder / "fifo.toml").mkdir()
    refused = [
        home_ssh / "authorized_keys",
        home_ssh / "x.toml",
        "../x.toml",
        "sub/x.toml",
        "out/x.toml",  # a symlinked folder leading out
        ".bashrc",
        ".a.toml.lock",
        "notes.txt",
        "a.toml.bak",
        "link.toml",  # a symlink: never written through
        "fifo.toml",  # not a regular file
        "",
        "bad\x00.toml",
        "~/x.toml",
    ]
    for requested in refused:
        with pytest.raises(SaveRefused) as caught:
            confined_save_path(requested, session)
        assert "beside the session" in str(caught.value) or "NUL" in str(caught.value), requested
        assert "\n" not in str(caught.value)


def test_save_as_target_changes_nothing_outside_a_served_copy(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    anywhere = tmp_path / "elsewhere" / "x.toml"
    assert save_as_target(anywhere, folder / "a.toml", environ={}) == anywhere
    assert served_folder({}) is None
    env = {SERVED_FOLDER_ENV: str(folder)}
    assert served_folder(env) == folder
    with pytest.raises(SaveRefused):
        save_as_target(anywhere, folder / "a.toml", environ=env)
    # the folder is the one the server fixed, whatever file the app holds now
    with pytest.raises(SaveRefused):
        save_as_target(tmp_path / "other" / "y.toml", tmp_path / "other" / "held.toml", environ=env)
    assert (
        save_as_target("y.toml", tmp_path / "other" / "held.toml", environ=env)
        == Path(os.path.realpath(folder)) / "y.toml"
    )
    assert issubclass(SaveRefused, store.StoreError)  # the app's Save As already reports StoreError


def test_every_served_tab_gets_the_session_folder(session_path: Path) -> None:
    assert room.served_env(session_path) == {SERVED_FOLDER_ENV: os.path.realpath(session_path.parent)}
    server = Served(session_path, "--full")
    ws_url = f"ws://127.0.0.1:{server.port}/ws?width=80&height=24"

    async def scenario() -> dict[str, str]:
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(ws_url)
            await ws.receive(timeout=60)
            (app_pid,) = children(server.proc.pid)
            raw = Path(f"/proc/{app_pid}/environ").read_bytes()
            await ws.close()
        return dict(item.split("=", 1) for item in raw.decode("utf-8", "replace").split("\x00") if "=" in item)

    try:
        env = asyncio.run(scenario())
    finally:
        server.stop()
    assert env.get(SERVED_FOLDER_ENV) == os.path.realpath(session_path.parent)
