"""One address for a training class: tables announce their open rooms in the class folder
(``devices.announce``), and the class's door (``devices.classdoor``) lists the tables and passes
each phone on to its table's own server, over real loopback HTTP."""

from __future__ import annotations

import asyncio
import html
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from ibb_facilitator.devices import announce
from ibb_facilitator.devices.classdoor import ClassDoor, DoorTable
from ibb_facilitator.devices.room import DeviceRoom, IdeaTarget, Member
from ibb_facilitator.devices.server import COOKIE, DeviceServer
from ibb_facilitator.model import Method

TOKEN = "TableToken_1234567890"
FETCH = {"X-Requested-With": "fetch"}


# --- announcements ------------------------------------------------------------------------------


def test_an_announcement_is_a_secret_file_read_back_and_withdrawn(tmp_path: Path) -> None:
    path = announce.announce(tmp_path, "table-2", 41234, TOKEN)
    assert path == tmp_path / ".devices" / "table-2.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    data = json.loads(path.read_text())
    assert data["port"] == 41234 and data["token"] == TOKEN and data["pid"] == os.getpid() and data["at"]
    (found,) = announce.announced(tmp_path).values()
    assert (found.stem, found.port, found.token, found.pid) == ("table-2", 41234, TOKEN, os.getpid())
    assert [p.name for p in path.parent.iterdir()] == ["table-2.json"]  # no temp file left
    announce.announce(tmp_path, "table-2", 41235, TOKEN)  # the room opened again: replaced
    assert announce.announced(tmp_path)["table-2"].port == 41235
    announce.withdraw(path)
    assert announce.announced(tmp_path) == {} and not path.exists()
    announce.withdraw(path)  # twice: nothing to do


def test_a_loose_folder_is_closed_to_its_owner(tmp_path: Path) -> None:
    (tmp_path / ".devices").mkdir(mode=0o755)
    os.chmod(tmp_path / ".devices", 0o755)
    announce.announce(tmp_path, "table-1", 40000, TOKEN)
    assert stat.S_IMODE((tmp_path / ".devices").stat().st_mode) == 0o700


@pytest.mark.parametrize(
    ("stem", "port", "token"),
    [
        ("../x", 40000, TOKEN),
        ("table-1/../../x", 40000, TOKEN),
        (".hidden", 40000, TOKEN),
        ("", 40000, TOKEN),
        ("table-1", 0, TOKEN),
        ("table-1", 70000, TOKEN),
        ("table-1", True, TOKEN),
        ("table-1", 40000, "short"),
        ("table-1", 40000, "has/slash/in/it/xx"),
    ],
)
def test_what_is_not_a_table_a_port_or_a_token_is_refused(tmp_path: Path, stem: str, port: int, token: str) -> None:
    with pytest.raises(ValueError):
        announce.announce(tmp_path, stem, port, token)
    assert not (tmp_path / ".devices").exists() or not any((tmp_path / ".devices").iterdir())


def test_damaged_dead_foreign_and_linked_announcements_are_not_rooms(tmp_path: Path) -> None:
    announce.announce(tmp_path, "table-1", 40001, TOKEN)
    where = tmp_path / ".devices"
    good = json.loads((where / "table-1.json").read_text())
    (where / "table-2.json").write_text("{not json")
    (where / "table-3.json").write_text(json.dumps({**good, "port": "40003"}))
    (where / "table-4.json").write_text(json.dumps({**good, "token": "../../etc"}))
    (where / "table-5.json").write_text(json.dumps([1, 2]))
    (where / "table-6.json").write_bytes(b"\xff\xfe" * 10)
    (where / "table-7.json").write_text(json.dumps({**good, "host": "another-laptop"}))
    (where / "table-8.json").write_text(json.dumps({**good, "x": "y" * 5000}))  # too big
    (where / "table-9.json").symlink_to(where / "table-1.json")
    (where / "notes.txt").write_text("hello")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (where / "table-10.json").write_text(json.dumps({**good, "pid": int(gone.stdout)}))  # its process ended
    assert list(announce.announced(tmp_path)) == ["table-1"]
    assert announce.read_one(tmp_path, "table-10") is None
    assert announce.read_one(tmp_path, "../.devices/table-1") is None


def test_withdraw_leaves_another_process_s_announcement(tmp_path: Path) -> None:
    path = announce.announce(tmp_path, "table-1", 40001, TOKEN)
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "pid": 1}))  # the table opened again, in another process
    announce.withdraw(path)
    assert path.exists()
    path.write_text("damaged")
    announce.withdraw(path)
    assert not path.exists()


# --- the door over loopback ------------------------------------------------------------------------

MEMBERS = [Member("Dana Ruiz", "union", True), Member("Sam Ortiz", "district", True)]


def phone() -> aiohttp.ClientSession:
    """A client that keeps cookies as a phone's browser does (aiohttp's own jar skips IP hosts)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


@pytest.fixture
async def door(tmp_path: Path):
    """A class of three tables; table 2's room is open (a real DeviceServer), the others not."""
    for n in (1, 2, 3):
        (tmp_path / f"table-{n}.toml").write_text("")
    room = DeviceRoom(MEMBERS, token=TOKEN, code="ABC234")
    room.follow = {"where": "Issue 1 of 4", "statement": "Class size", "groups": []}
    table = DeviceServer(room, lambda: "Table 2", host="127.0.0.1", port=0)
    await table.start()
    path = announce.announce(tmp_path, "table-2", table.port, room.token)
    labels = {f"table-{n}": DoorTable(f"table-{n}", f"Table {n} of 3", "Maple Valley") for n in (1, 2, 3)}
    door = ClassDoor(tmp_path, lambda: "Maple Valley class", "127.0.0.1", 0, tables=lambda: list(labels.values()))
    await door.start()
    door.test_room = room  # type: ignore[attr-defined]
    yield door
    await door.stop()
    await table.stop()
    announce.withdraw(path)


async def test_a_phone_joins_the_class_by_its_code_and_sees_the_tables(door: ClassDoor) -> None:
    assert door.url.startswith("http://127.0.0.1:") and f"/c/{door.token}/" in door.url
    async with phone() as http:
        async with http.get(door.base + "/") as response:
            assert response.status == 200 and "Join code" in await response.text()
        async with http.post(door.base + "/join", data={"code": "nope12"}) as response:
            assert response.status == 403
        async with http.post(door.base + "/join", data={"code": door.code.lower()}, allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == f"/c/{door.token}/"
        async with http.get(door.url) as response:
            assert response.status == 200
            assert response.headers["Referrer-Policy"] == "no-referrer"
            page = await response.text()
        assert "Maple Valley class" in page and "Which table are you at?" in page
        assert '<a class="table" href="t/table-2/">Table 2 of 3</a>' in page
        assert "Table 1 of 3</span> <small>Maple Valley</small> <small>· not open yet" in page
        assert 'http-equiv="refresh"' in page  # tables not open yet: it looks again
        assert TOKEN not in page  # a table's own secret never reaches a phone


async def test_claim_idea_and_vote_through_the_door_with_the_table_s_cookie(door: ClassDoor) -> None:
    room: DeviceRoom = door.test_room  # type: ignore[attr-defined]
    table = door.url + "t/table-2/"
    async with phone() as dana, phone() as other:
        async with dana.get(door.url + "t/table-2") as response:  # without the slash: sent to the folder
            assert response.status == 200 and str(response.url) == table
            page = await response.text()
            assert "Dana Ruiz" in page and "Class size" in page and TOKEN not in page
            assert '<a href="../../">← all tables</a>' in page  # back to the class's tables
        for part, kind in (("style.css", "text/css"), ("app.js", "application/javascript")):
            async with dana.get(table + part) as response:
                assert response.status == 200 and response.content_type == kind
        async with dana.post(table + "claim", data={"name": "Dana Ruiz"}, headers=FETCH) as response:
            body = await response.json()
            assert body["ok"] and body["me"] == "You are Dana Ruiz"
            cookie = response.cookies[COOKIE]
            assert cookie["path"] == f"/c/{door.token}/t/table-2/"
            assert cookie["httponly"] and cookie["samesite"] == "Strict"
        assert room.holders.keys() == {"Dana Ruiz"}
        # the door keeps no cookie of its own: another phone is not Dana
        async with other.post(table + "claim", data={"name": "Dana Ruiz"}, headers=FETCH) as response:
            body = await response.json()
            assert not body["ok"] and "taken on another device" in body["message"]
        async with other.post(table + "idea", data={"text": "sneaky"}, headers=FETCH) as response:
            assert (await response.json())["message"] == "Pick your name first."
        room.open_ideas(IdeaTarget("issue-1", "Class size", "option"))
        async with dana.post(table + "idea", data={"text": "Aides in K-1"}, headers=FETCH) as response:
            assert (await response.json())["ok"]
        assert [i.text for i in room.ideas] == ["Aides in K-1"]
        room.open_check("issue-1", Method.FIST_TO_FIVE, "Cap at 22")
        async with dana.post(table + "vote", data={"value": "4"}, headers=FETCH) as response:
            assert "Your answer: <b>4</b>" in (await response.json())["parts"]["ballot"]
        async with other.get(table + f"state?v={room.version - 1}") as response:
            ballot = (await response.json())["parts"]["ballot"]
            assert "1 of 2 have answered" in ballot and "Dana" not in ballot
        room.reveal()
        async with dana.get(table + "state?v=0") as response:
            assert "<b>Dana Ruiz</b>: 4" in (await response.json())["parts"]["ballot"]
        # a form posted without the script: the table's "see the page again" stays relative
        async with dana.post(table + "vote", data={"value": "1"}, allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "./"


async def test_a_waiting_phone_hears_of_a_change_through_the_door(door: ClassDoor) -> None:
    room: DeviceRoom = door.test_room  # type: ignore[attr-defined]
    async with phone() as http:
        wait = asyncio.ensure_future(http.get(door.url + f"t/table-2/state?v={room.version}"))
        await asyncio.sleep(0.2)
        assert not wait.done()
        room.open_ideas(IdeaTarget("issue-1", "Class size", "option"))
        response = await asyncio.wait_for(wait, 5)
        assert (await response.json())["v"] == room.version
        response.release()


async def test_what_the_door_refuses(door: ClassDoor) -> None:
    room: DeviceRoom = door.test_room  # type: ignore[attr-defined]
    async with phone() as http:
        wrong = door.base + "/c/WRONGTOKEN/"
        for url in (wrong, wrong + "t/table-2/", wrong + "t/table-2/state", door.base + "/c/", door.base + "/j/x/"):
            async with http.get(url) as response:
                assert response.status == 404, url
        async with http.post(wrong + "t/table-2/claim", data={"name": "Dana Ruiz"}) as response:
            assert response.status == 404
        # a table of another name, or a path, is no table of this class
        for stem in ("table-9", "..%2Fx", "..%2F..%2Fetc", "%2E%2E%2Fx", ".devices", "table-2%00"):
            async with http.get(URL(door.url + f"t/{stem}/", encoded=True)) as response:
                assert response.status == 404, stem
                assert "This class has no table of that name." in await response.text()
        # only the parts a phone page has, each by its method
        for part in ("join", "claim", "../j/" + TOKEN + "/", "x.json"):
            async with http.get(door.url + f"t/table-2/{part}") as response:
                assert response.status == 404, part
        async with http.post(door.url + "t/table-2/state") as response:
            assert response.status == 404
        # a table whose room is not open says so
        async with http.get(door.url + "t/table-3/") as response:
            assert response.status == 404
            assert "Table 3 of 3's room is not open to devices yet" in html.unescape(await response.text())
        # posts from another site's page, and big ones
        evil = {"Origin": "http://evil.example"}
        async with http.post(door.url + "t/table-2/claim", data={"name": "Dana Ruiz"}, headers=evil) as response:
            assert response.status == 403
        async with http.post(door.url + "t/table-2/idea", data={"text": "x" * 20000}) as response:
            assert response.status == 413
    assert room.holders == {}


async def test_a_door_holding_all_it_may_asks_the_phone_to_try_again(door: ClassDoor) -> None:
    from ibb_facilitator.devices import classdoor

    door._held = classdoor.MAX_HELD
    async with phone() as http, http.get(door.url + "t/table-2/state?v=0") as response:
        assert response.status == 503  # the page's script asks again after a moment
    door._held = 0


async def test_a_table_whose_app_closed_says_so(door: ClassDoor, tmp_path: Path) -> None:
    stale = announce.announce(tmp_path, "table-1", 9, TOKEN)  # nothing listens there
    try:
        async with phone() as http, http.get(door.url + "t/table-1/") as response:
            assert response.status == 503
            assert "Table 1 of 3's room does not answer" in html.unescape(await response.text())
    finally:
        announce.withdraw(stale)


async def test_guessing_the_class_code_is_slowed(door: ClassDoor) -> None:
    async with aiohttp.ClientSession() as http:
        statuses = []
        for n in range(8):
            async with http.post(door.base + "/join", data={"code": f"WRONG{n}"}) as response:
                statuses.append(response.status)
    assert statuses[:5] == [403] * 5 and set(statuses[5:]) == {429}


async def test_the_door_lists_the_folder_s_tables_by_default(tmp_path: Path) -> None:
    for n in (1, 2, 10):
        (tmp_path / f"table-{n}.toml").write_text("")
    (tmp_path / "notes.toml").write_text("")
    door = ClassDoor(tmp_path, lambda: "A class", "127.0.0.1", 0)
    await door.start()
    try:
        async with aiohttp.ClientSession() as http, http.get(door.url) as response:
            page = await response.text()
        assert [label for label in ("Table 1", "Table 2", "Table 10") if label in page] == [
            "Table 1",
            "Table 2",
            "Table 10",
        ]
        assert "notes" not in page
    finally:
        await door.stop()
    assert not door.running


# --- a real browser through the door --------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (`make browser` installs Debian's chromium)")
async def test_headless_chromium_joins_picks_its_table_and_name_and_follows(door: ClassDoor, tmp_path: Path) -> None:
    """The phone page works unchanged under the door's path: its relative posts, its long poll
    and its cookie (the table's folder at the door)."""
    from test_serve import DevTools, chromium_page, start_chromium

    room: DeviceRoom = door.test_room  # type: ignore[attr-defined]
    profile = tmp_path / "chromium-profile"
    browser = start_chromium(profile, "412,900")
    try:
        target = await asyncio.to_thread(chromium_page, profile, browser)
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws,
        ):
            tools = DevTools(ws)

            async def js(expression: str) -> object:
                answer = await tools.call("Runtime.evaluate", expression=expression, returnByValue=True)
                return answer.get("result", {}).get("value")

            async def until_js(expression: str, what: str) -> None:
                for _ in range(300):
                    if await js(expression):
                        return
                    await asyncio.sleep(0.05)
                raise AssertionError(f"{what}: {await js('document.documentElement.outerHTML')}")

            await tools.call("Page.enable")
            await tools.call("Page.navigate", url=door.base + "/")
            await until_js("!!document.querySelector('input.code')", "the join form")
            await js(f"document.querySelector('input.code').value = '{door.code.lower()}'; document.forms[0].submit()")
            await until_js("!!document.querySelector('a.table')", "the class's tables")
            assert await js("document.querySelector('a.table').innerText") == "Table 2 of 3"
            await js("document.querySelector('a.table').click()")
            await until_js("!!document.querySelector('.names button')", "the table's names")
            await js("document.querySelector('.names button').click()")
            await until_js("document.getElementById('me').innerText === 'You are Dana Ruiz'", "the name claimed")
            assert list(room.holders) == ["Dana Ruiz"]
            room.open_ideas(IdeaTarget("issue-1", "Class size", "option"))  # the page follows by itself
            await until_js("!!document.querySelector('form.idea')", "the ideas box, followed through the door")
            await js(
                "document.querySelector('form.idea textarea').value = 'Aides in K-1';"
                "document.querySelector('form.idea button').click()"
            )
            await until_js("document.getElementById('say').innerText.startsWith('Sent')", "the idea sent")
            assert [i.text for i in room.ideas] == ["Aides in K-1"]
            cookies = (await tools.call("Network.getAllCookies"))["cookies"]
            assert [(c["name"], c["path"], c["httpOnly"]) for c in cookies] == [
                (COOKIE, f"/c/{door.token}/t/table-2/", True)
            ]
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        try:
            await asyncio.to_thread(browser.wait, 10)
        except subprocess.TimeoutExpired:
            os.killpg(browser.pid, signal.SIGKILL)


async def test_a_big_room_view_comes_through_the_door_whole(door: ClassDoor) -> None:
    room: DeviceRoom = door.test_room  # type: ignore[attr-defined]
    items = [{"tag": f"#{n}", "text": f"Option {n}: " + "words " * 20} for n in range(1, 2001)]
    room.set_follow({"where": "Issue 1 of 4", "statement": "Class size", "groups": [{"title": "", "items": items}]})
    async with phone() as http, http.get(door.url + "t/table-2/") as response:
        page = await response.text()
    assert len(page) > 250_000 and "Option 2000:" in page and page.rstrip().endswith("</html>")
