"""Devices in the room, through the real app (issue 17): F11 opens the room, twelve phones
(aiohttp clients with their own cookies) claim their names, send ideas the facilitator accepts,
merges or drops, and answer a consensus check hidden until Ctrl+R reveals it; the file holds
what the room recorded and nothing the facilitator did not take."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from helpers import example, until

from ibb_facilitator import editing, process, store
from ibb_facilitator.model import Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.devices import DevicesScreen, host_of
from ibb_facilitator.tui.session import SessionScreen

SIZE = (120, 40)
FETCH = {"X-Requested-With": "fetch"}


def twelve_voters(tmp_path: Path) -> Path:
    """The example session with two more members: twelve people who vote."""
    path = example(tmp_path, "session.toml")
    session = store.load_session(path)
    editing.add_member(session, "labor", "Rosa Quinn")
    editing.add_member(session, "management", "Theo Vance")
    store.save_session(session, path)
    assert len(process.voters(session)) == 12
    return path


def phone() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def post(client: aiohttp.ClientSession, url: str, **data: str) -> dict:
    async with client.post(url, data=data, headers=FETCH) as response:
        assert response.status == 200, await response.text()
        return await response.json()


def notices(app) -> str:
    return "\n".join(n.message for n in app._notifications)


async def open_devices(pilot) -> str:
    await pilot.press("f11")
    await until(pilot, lambda: isinstance(pilot.app.screen, DevicesScreen), "the devices panel")
    host = host_of(pilot.app)
    assert host is not None and host.server is not None
    return host.server.url


async def test_twelve_phones_take_a_consensus_check_hidden_until_the_reveal(tmp_path: Path) -> None:
    path = twelve_voters(tmp_path)
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        url = await open_devices(pilot)
        assert url.startswith("http://127.0.0.1:")  # loopback unless asked otherwise
        host = host_of(app)
        screen_text = str(app.screen.query_one("#devices-join").content)
        assert host.room.code[:3] in screen_text and url in screen_text
        await pilot.press("escape")
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        issue = app.session.issues[3]
        screen._go(issue.id, Stage.CONSENSUS)
        await pilot.pause()
        voters = process.voters(app.session)
        phones = [phone() for _ in voters]
        try:
            for client, (name, _) in zip(phones, voters):
                assert (await post(client, url + "claim", name=name))["ok"]
            assert len(host.room.claimed()) == 12
            async with phone() as late:
                taken = await post(late, url + "claim", name=voters[0][0])
            assert not taken["ok"] and "taken" in taken["message"]
            checks = len(issue.checks)
            await pilot.press("ctrl+r")  # take the vote: open on every phone too
            await until(pilot, lambda: host.room.ballot is not None, "the check on the devices")
            values = [5, 4, 3, 5, 4, 3, 5, 4, 3, 5, 4]  # eleven answer from phones
            await asyncio.gather(
                *(post(client, url + "vote", value=str(v)) for client, v in zip(phones, values, strict=False))
            )
            await until(pilot, lambda: "answered on a device" in str(screen.view.voters.get_option_at_index(0).prompt))
            rows = [str(screen.view.voters.get_option_at_index(n).prompt) for n in range(12)]
            assert all("hidden" in row for row in rows[:11]) and "hidden" not in rows[11]
            assert not any(f"  {v}" in row for row in rows[:11] for v in "345")  # no value on the screen
            async with phones[11].get(url + "state?v=0") as response:
                ballot = (await response.json())["parts"]["ballot"]
            assert "11 of 12 have answered" in ballot and voters[0][0] not in ballot
            await pilot.press("ctrl+r")  # reveal
            await pilot.pause()
            assert host.room.ballot is not None and host.room.ballot.revealed
            assert f"Key {voters[11][0]} or A for absent" in notices(app)
            await pilot.press("end", "4")  # the last one has no phone: keyed as today
            await pilot.press("ctrl+r")  # record
            await until(pilot, lambda: len(issue.checks) == checks + 1, "the check recorded")
            async with phones[0].get(url + "state?v=0") as response:
                ballot = (await response.json())["parts"]["ballot"]
            assert f"<b>{voters[0][0]}</b>: 5" in ballot  # the phones see the revealed answers
        finally:
            await asyncio.gather(*(client.close() for client in phones))
        await pilot.press("ctrl+q")
    check = store.load_session(path).issue(issue.id).checks[-1]
    got = {r.who: r.value for r in check.responses}
    assert got == {name: v for (name, _), v in zip(voters, [*values, 4])}
    assert {r.party for r in check.responses} == {"labor", "management"}


async def test_ideas_arrive_without_authors_and_only_what_is_accepted_is_recorded(tmp_path: Path) -> None:
    path = example(tmp_path, "session.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        issue = app.session.issues[1]
        screen._go(issue.id, Stage.OPTIONS)
        await pilot.pause()
        url = await open_devices(pilot)
        before = [o.text for o in issue.options]
        async with phone() as one, phone() as two:
            await post(one, url + "claim", name=app.session.parties[0].members[0].name)
            await post(two, url + "claim", name=app.session.parties[1].members[0].name)
            for text in ("Stipend for [b]mentors[/b]", "Release time", "Release time weekly", "nonsense"):
                said = await post(one if "Release" not in text else two, url + "idea", text=text)
                assert said["ok"], said
        devices = app.screen
        await until(pilot, lambda: devices.ideas.option_count == 4, "four ideas listed")
        assert "[b]mentors[/b]" in str(devices.ideas.get_option_at_index(0).prompt)
        await pilot.press("enter")  # accept the first
        await until(pilot, lambda: devices.ideas.option_count == 3, "three left")
        await pilot.press("space", "space", "ctrl+e")  # merge the two about release time
        await until(pilot, lambda: type(app.screen).__name__ == "Prompt", "the merge prompt")
        value = app.screen.query_one("Input").value
        assert value == "Release time / Release time weekly"
        app.screen.query_one("Input").value = "Weekly release time"
        await pilot.press("enter")
        await until(pilot, lambda: devices.ideas.option_count == 1, "one left")
        await pilot.press("delete")  # drop the nonsense
        await until(pilot, lambda: devices.ideas.option_count == 0, "none left")
        await pilot.press("ctrl+z")  # it was a mistake: back
        await until(pilot, lambda: devices.ideas.option_count == 1, "back")
        await pilot.press("delete")
        await until(pilot, lambda: devices.ideas.option_count == 0, "none left")
        await pilot.press("escape", "ctrl+q")
    options = [o.text for o in store.load_session(path).issue(issue.id).options]
    assert options == [*before, "Stipend for [b]mentors[/b]", "Weekly release time"]
    assert "nonsense" not in path.read_text()


async def test_typing_in_the_panel_goes_to_the_capture_line_and_accepts_nothing(tmp_path: Path) -> None:
    path = example(tmp_path, "session.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        issue = app.session.issues[1]
        screen._go(issue.id, Stage.OPTIONS)
        await pilot.pause()
        url = await open_devices(pilot)
        async with phone() as one:
            await post(one, url + "claim", name=app.session.parties[0].members[0].name)
            await post(one, url + "idea", text="From a phone")
        devices = app.screen
        await until(pilot, lambda: devices.ideas.option_count == 1, "the idea listed")
        await pilot.press(*"dance for [me]", "enter")  # a sentence, then Enter: meant for the capture line
        await until(pilot, lambda: app.screen is screen, "back on the session")
        await pilot.pause()
        await pilot.press("ctrl+q")
    texts = [o.text for o in store.load_session(path).issue(issue.id).options]
    assert texts[-1] == "dance for [me]" and "From a phone" not in texts


async def test_the_room_closes_when_the_app_quits(tmp_path: Path) -> None:
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        url = await open_devices(pilot)
        async with phone() as client, client.get(url) as response:
            assert response.status == 200
        await pilot.press("escape", "ctrl+q")
    with pytest.raises(aiohttp.ClientConnectionError):
        async with phone() as client, client.get(url):
            pass


async def test_per_party_concurrence_is_keyed_not_sent_to_phones(tmp_path: Path) -> None:
    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_devices(pilot)
        await pilot.press("escape")
        screen = app.screen
        screen._go(app.session.issues[3].id, Stage.CONSENSUS)
        await pilot.pause()
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t")  # per-party
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert host_of(app).room.ballot is None
        assert "spokesperson" in notices(app)


async def open_poll_on_devices(pilot, *, anonymous: bool) -> None:
    """Ctrl+O in the poll form, then named (the first choice) or anonymous (the second)."""
    await pilot.press("ctrl+o")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "Choose", "named or anonymous")
    await pilot.press(*(("down", "enter") if anonymous else ("enter",)))


async def _poll_form(pilot):
    from ibb_facilitator.tui.session.polls import PollScreen

    app = pilot.app
    app.screen._go(app.session.issues[1].id, Stage.OPTIONS)  # issue 2: seven active options
    await pilot.pause()
    await pilot.press("ctrl+r")
    await until(pilot, lambda: isinstance(app.screen, PollScreen), "the poll form")
    return app.screen


async def test_a_named_dot_vote_on_phones_fills_the_rows_at_the_reveal(tmp_path: Path) -> None:
    path = example(tmp_path, "session.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        url = await open_devices(pilot)
        await pilot.press("escape")
        form = await _poll_form(pilot)
        issue_id, options = form.draft.issue, form.draft.options
        voters = form.draft.voters
        await open_poll_on_devices(pilot, anonymous=False)
        host = host_of(app)
        await until(pilot, lambda: host.room.ballot is not None, "the poll on the devices")
        async with phone() as one, phone() as two:
            await post(one, url + "claim", name=voters[0][0])
            await post(two, url + "claim", name=voters[1][0])
            for _ in range(3):
                assert (await post(one, url + "vote", value="+1", choice=options[2]))["ok"]
            said = await post(one, url + "vote", value="+1", choice=options[0])
            assert not said["ok"] and "All your 3 dots" in said["message"]
            await post(two, url + "vote", value="+1", choice=options[0])
            await until(pilot, lambda: form.grid.hidden == {voters[0][0], voters[1][0]}, "two hidden rows")
            assert form.draft.marks == {}  # nothing shown before the reveal
            await pilot.press("ctrl+r")  # not before the reveal
            await pilot.pause()
            assert "Ctrl+O reveals" in str(form.query_one("#poll-message").content)
            await pilot.press("ctrl+o")  # reveal
            await pilot.pause()
            assert form.draft.votes(0) == {options[2]: 3} and form.draft.votes(1) == {options[0]: 1}
            await pilot.press("down", "down", "1")  # the third person keys a dot here
            await pilot.press("ctrl+r")
            await until(pilot, lambda: not isinstance(app.screen, type(form)), "the poll recorded")
        await pilot.press("ctrl+q")
    poll = store.load_session(path).issue(issue_id).polls[-1]
    assert not poll.anonymous
    got = {r.who: (r.votes, r.device) for r in poll.responses}
    assert got[voters[0][0]] == ({options[2]: 3}, "device 1")
    assert got[voters[1][0]] == ({options[0]: 1}, "device 2")
    assert got[voters[2][0]] == ({options[0]: 1}, "")


async def test_an_anonymous_poll_keeps_the_marks_and_never_the_names(tmp_path: Path) -> None:
    path = example(tmp_path, "session.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        url = await open_devices(pilot)
        await pilot.press("escape")
        form = await _poll_form(pilot)
        issue_id, options, voters = form.draft.issue, form.draft.options, form.draft.voters
        await pilot.press("ctrl+t")  # a 1–5 score
        await open_poll_on_devices(pilot, anonymous=True)
        host = host_of(app)
        await until(pilot, lambda: host.room.ballot is not None and host.room.ballot.anonymous, "anonymous poll")
        async with phone() as one, phone() as two:
            await post(one, url + "claim", name=voters[0][0])
            await post(two, url + "claim", name=voters[1][0])
            await post(one, url + "vote", value="5", choice=options[0])
            await post(two, url + "vote", value="2", choice=options[0])
            await post(two, url + "vote", value="4", choice=options[1])
            await until(pilot, lambda: len(form.grid.hidden) == 2, "two answered")
            await pilot.press("ctrl+o")  # reveal: recorded at once
            await until(pilot, lambda: not isinstance(app.screen, type(form)), "the poll recorded")
            async with one.get(url + "state?v=0") as response:
                shown = (await response.json())["parts"]["ballot"]
            assert "Revealed: 2 people" in shown and voters[0][0] not in shown
        await pilot.press("ctrl+q")
    session = store.load_session(path)
    poll = session.issue(issue_id).polls[-1]
    assert poll.anonymous and poll.kind.value == "score"
    assert sorted(r.who for r in poll.responses) == ["Participant 1", "Participant 2"]
    assert sorted(tuple(sorted(r.votes.items())) for r in poll.responses) == sorted(
        [((options[0], 5),), ((options[0], 2), (options[1], 4))]
    )
    assert {r.device for r in poll.responses} == {""}  # which were keyed would point at people
    logged = next(e for e in session.events if e.action == "poll.record" and e.target == poll.id)
    assert logged.data["who"] == [r.who for r in poll.responses] and logged.data["anonymous"] is True
    assert not any(name in str(logged.data) for name, _ in voters)


async def test_the_wall_says_how_to_join_while_the_room_is_open(tmp_path: Path) -> None:
    from ibb_facilitator.tui.wall import WallLine

    app = IbbApp(path=example(tmp_path, "session.toml"))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        line = app.screen.query_one("#wall-join", WallLine)
        assert not line.display
        await pilot.press("f8")
        url = await open_devices(pilot)
        await pilot.press("escape", "f8")
        await until(pilot, lambda: line.display, "the join line")
        shown = str(line.build(150, 1)[0])
        code = host_of(app).room.code
        assert f"code {code[:3]} {code[3:]} at {url.split('/j/')[0]}" in shown


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--devices", "--host", "0.0.0.0"], "Add --allow-remote"),
        (["--devices", "--port", "99999"], "is out of range; use a whole number from 1 to 65535"),
        (["--host", "127.0.0.1"], "goes with --devices"),
    ],
)
def test_the_devices_options_refuse_what_is_not_safe_or_not_sensible(tmp_path: Path, args, says) -> None:
    import subprocess
    import sys

    path = example(tmp_path, "session.toml")
    done = subprocess.run(
        [sys.executable, "-m", "ibb_facilitator", "open", str(path), *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode != 0 and says in done.stderr


async def test_ideas_waiting_survive_the_app_going_away(tmp_path: Path) -> None:
    path = example(tmp_path, "session.toml")
    kept = path.with_name(".session.toml.ideas.json")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        app.screen._go(app.session.issues[1].id, Stage.OPTIONS)
        await pilot.pause()
        url = await open_devices(pilot)
        async with phone() as one:
            await post(one, url + "claim", name=app.session.parties[0].members[0].name)
            await post(one, url + "idea", text="Mentors paid a stipend")
            await post(one, url + "idea", text="Release time")
        await until(pilot, kept.exists, "the queue kept on disk")
        assert "Mentors paid a stipend" in kept.read_text() and "Jordan" not in kept.read_text()
    # as after a kill: the next opening of the room has them back
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_devices(pilot)
        devices = app.screen
        await until(pilot, lambda: devices.ideas.option_count == 2, "the two ideas back")
        assert "2 ideas were still waiting" in notices(app)
        await pilot.press("enter", "delete")
        await until(pilot, lambda: devices.ideas.option_count == 0, "none waiting")
        await until(pilot, lambda: not kept.exists(), "the kept queue gone")
        await pilot.press("escape", "ctrl+q")
    assert [o.text for o in store.load_session(path).issues[1].options][-1] == "Mentors paid a stipend"


async def test_ibb_open_with_devices_shows_the_panel_over_the_session(tmp_path: Path) -> None:
    """``ibb open FILE --devices``: the file opens behind the opening screen, then the panel
    shows over the session; typing there goes to the capture line."""
    path = example(tmp_path, "session.toml")
    app = IbbApp(path=path, open_in_background=True, devices=("127.0.0.1", 0))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DevicesScreen), "the devices panel")
        assert [type(s).__name__ for s in app.screen_stack][-2:] == ["SessionScreen", "DevicesScreen"]
        # a burst, as a terminal delivers fast typing or a paste: keys queued before the panel goes
        from textual import events

        for char in "Typed [here] 5":
            app.post_message(events.Key("space" if char == " " else char, char))
        app.post_message(events.Key("enter", "\r"))
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the session")
        await pilot.pause()
        assert host_of(app) is not None
        await pilot.press("ctrl+q")
    assert "Typed [here] 5" in path.read_text()


async def test_an_anonymous_poll_the_rules_refuse_at_the_reveal_keeps_its_hidden_marks(tmp_path: Path) -> None:
    path = example(tmp_path, "session.toml")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        url = await open_devices(pilot)
        await pilot.press("escape")
        form = await _poll_form(pilot)
        options, voters = form.draft.options, form.draft.voters
        await open_poll_on_devices(pilot, anonymous=True)
        host = host_of(app)
        await until(pilot, lambda: host.room.ballot is not None, "the poll on the devices")
        async with phone() as one:
            await post(one, url + "claim", name=voters[0][0])
            await post(one, url + "vote", value="+1", choice=options[0])
        editing.set_aside_option(app.session, form.draft.issue, options[1])  # meanwhile, elsewhere
        polls_before = len(app.session.issue(form.draft.issue).polls)
        await pilot.press("ctrl+o")  # reveal: the rules refuse the poll now
        await pilot.pause()
        assert len(app.session.issue(form.draft.issue).polls) == polls_before
        assert "not an active option" in notices(app)
        ballot = host.room.ballot
        assert ballot is not None and not ballot.revealed and ballot.answers == {voters[0][0]: {options[0]: 1}}
