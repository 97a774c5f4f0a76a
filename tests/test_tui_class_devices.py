"""``ibb class DIR --devices``: the class view opens the class's door for phones, shows its
address, join code and QR code (usable at 80×24), and a phone reaches a table through it."""

from __future__ import annotations

import socket
from pathlib import Path

import aiohttp
import pytest
from helpers import screen_text, until

from ibb_facilitator import cli
from ibb_facilitator.devices import announce
from ibb_facilitator.devices.room import DeviceRoom, Member
from ibb_facilitator.devices.server import DeviceServer
from ibb_facilitator.tui.classview import ClassApp, DoorPanel


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "class"
    assert cli.main(["train", "scenario-maple-valley", "--tables", "2", "-o", str(out)]) == 0
    return out


async def test_the_class_view_opens_the_door_and_a_phone_reaches_its_table(folder: Path) -> None:
    room = DeviceRoom([Member("Dana Ruiz", "union", True)])
    table = DeviceServer(room, lambda: "Table 1", host="127.0.0.1", port=0)
    await table.start()
    announced = announce.announce(folder, "table-1", table.port, room.token)
    app = ClassApp(folder, door=("127.0.0.1", 0))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.door is not None and app.door.running and app.reads > 0, "the door")
            door = app.door
            assert door is not None
            await until(pilot, lambda: "1/2 tables open" in screen_text(app), "the rooms counted")
            shown = screen_text(app)
            # 80×24: the address and the code on one line, the QR code one key away, the tables visible
            assert f"Phones: {door.base}/" in shown and door.code in shown and "C: QR" in shown
            assert "█" not in shown and "Table 1" in shown and "Table 2" in shown
            await pilot.press("c")
            await pilot.pause()
            shown = screen_text(app)
            assert "▀" in shown and "C hides the QR code" in shown and door.code in shown
            assert "1 of 2 tables have opened their rooms" in shown
            qr = app.query_one(DoorPanel).query_one("#door-qr")
            assert qr.styles.color.rgb == (0, 0, 0) and qr.styles.background.rgb == (255, 255, 255)
            await pilot.press("c")
            await pilot.pause()
            assert "C: QR" in screen_text(app)

            # a phone: the code, the class's tables, its table, its name
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as phone:
                async with phone.post(door.base + "/join", data={"code": door.code}) as response:
                    page = await response.text()
                    assert str(response.url) == door.url
                assert "Table 1 of 2" in page and "Table 2 of 2" in page and "not open yet" in page
                async with phone.post(
                    door.url + "t/table-1/claim", data={"name": "Dana Ruiz"}, headers={"X-Requested-With": "fetch"}
                ) as response:
                    assert (await response.json())["me"] == "You are Dana Ruiz"
            assert list(room.holders) == ["Dana Ruiz"]
            await pilot.press("q")
        # the door stopped with the view
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", door.port), timeout=2):
            pass
    finally:
        await table.stop()
        announce.withdraw(announced)


async def test_a_door_that_cannot_listen_says_so_and_the_view_stays(folder: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        app = ClassApp(folder, door=("127.0.0.1", taken.getsockname()[1]))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.door_error != "", "the refusal")
            await until(pilot, lambda: "did not open" in screen_text(app), "the refusal shown")
            assert app.is_running
            await pilot.press("q")


def test_the_door_s_options_are_checked_before_the_view_opens(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["class", str(folder), "--port", "8770"]) == 1
    assert "--port goes with --devices" in capsys.readouterr().err
    assert cli.main(["class", str(folder), "--devices", "--host", "192.0.2.1"]) == 1
    err = capsys.readouterr().err
    assert "--allow-remote" in err and "not loopback" in err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert cli.main(["class", str(folder), "--devices", "--port", str(port)]) == 1
        assert f"port {port}" in capsys.readouterr().err
    assert cli.main(["class", str(folder), "--devices", "--host", "192.0.2.1", "--allow-remote"]) == 1
    err = capsys.readouterr().err
    assert "WARNING" in err and "not an address of this machine" in err


async def test_a_table_that_opens_its_room_is_found_at_the_class_s_address(folder: Path) -> None:
    """The real table app: F11 opens its room and announces it in the class folder; a phone at
    the class's door picks the table, then a name; quitting the table takes the note back."""
    from ibb_facilitator.devices.classdoor import ClassDoor
    from ibb_facilitator.tui.app import IbbApp
    from ibb_facilitator.tui.devices import DevicesScreen, host_of

    door = ClassDoor(folder, lambda: "Class", host="127.0.0.1", port=0)
    await door.start()
    table = IbbApp(path=folder / "table-1.toml")
    try:
        async with table.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: type(table.screen).__name__ == "GeneralBriefScreen", "the general brief")
            await pilot.press("escape")  # a table opens on the general brief
            await until(pilot, lambda: type(table.screen).__name__ == "SessionScreen", "the table's session")
            await pilot.press("f11")
            await until(pilot, lambda: isinstance(table.screen, DevicesScreen), "the table's devices panel")
            host = host_of(table)
            assert host is not None and host.server is not None
            found = announce.announced(folder)
            assert found["table-1"].port == host.server.port and found["table-1"].token == host.room.token
            name = table.session.parties[0].members[0].name
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as phone:
                async with phone.post(door.base + "/join", data={"code": door.code}) as response:
                    assert "Table 1" in await response.text()
                async with phone.post(
                    door.url + "t/table-1/claim", data={"name": name}, headers={"X-Requested-With": "fetch"}
                ) as response:
                    assert (await response.json())["me"] == f"You are {name}"
            assert host.room.claimed()[0][0] == name
            await pilot.press("escape", "ctrl+q")
        assert "table-1" not in announce.announced(folder)
    finally:
        await door.stop()
