"""The room open to devices: its rules (``devices.room``), its page (``devices.pages``) and its
server (``devices.server``) over real loopback HTTP."""

from __future__ import annotations

import re

import aiohttp
import pytest

from ibb_facilitator.devices import pages, qr
from ibb_facilitator.devices.room import (
    MAX_IDEA_CHARS,
    Choice,
    DeviceProblem,
    DeviceRoom,
    IdeaTarget,
    Member,
    clean_text,
    normal_code,
)
from ibb_facilitator.devices.server import COOKIE, DeviceServer
from ibb_facilitator.model import MUTUAL, Method, PollKind

MEMBERS = [
    Member("Dana Ruiz", "union", True),
    Member("Lee Park", "union", True),
    Member("Sam Ortiz", "district", True),
    Member("Obi Observer", "district", False),
]


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def room(clock: Clock | None = None) -> DeviceRoom:
    return DeviceRoom(MEMBERS, token="TOKEN123", code="ABC234", clock=clock or Clock())


# --- rules ------------------------------------------------------------------------------------


def test_a_name_is_held_by_its_device_until_the_facilitator_frees_it() -> None:
    r = room()
    phone = r.claim(None, "Dana Ruiz")
    assert r.claim(phone.secret, "Dana Ruiz") is phone  # asking again changes nothing
    with pytest.raises(DeviceProblem, match="taken on another device"):
        r.claim(None, "Dana Ruiz")
    with pytest.raises(DeviceProblem, match="This device is Dana Ruiz"):
        r.claim(phone.secret, "Lee Park")
    with pytest.raises(DeviceProblem, match="not on this session's list"):
        r.claim(None, "Mallory")
    assert r.free("Dana Ruiz")
    assert r.device(phone.secret) is None  # the old phone is out
    assert r.claim(None, "Dana Ruiz").secret != phone.secret


def test_ideas_reach_the_queue_without_an_author_and_cleaned() -> None:
    r = room()
    phone = r.claim(None, "Sam Ortiz")
    with pytest.raises(DeviceProblem, match="not taking ideas"):
        r.submit_idea(phone, "hello")
    r.open_ideas(IdeaTarget("issue-1", "Class size", "interest"))
    idea = r.submit_idea(phone, "  Smaller\nclasses \x1b[31mfor [b]K-3[/b]\u202e ", ours=True)
    assert idea.text == "Smaller classes [31mfor [b]K-3[/b]"
    assert idea.holder == "district" and idea.kind == "interest"
    assert not hasattr(idea, "device") and "Sam" not in repr(idea)
    assert r.submit_idea(phone, "Both sides want it").holder == MUTUAL
    with pytest.raises(DeviceProblem, match="Type the idea"):
        r.submit_idea(phone, " \n\t ")
    assert len(clean_text("x" * 5000)) == MAX_IDEA_CHARS
    assert [i.n for i in r.take_ideas([1])] == [1]
    assert [i.n for i in r.ideas] == [2]


def test_a_device_that_sends_too_fast_is_slowed_not_lost() -> None:
    clock = Clock()
    r = room(clock)
    phone = r.claim(None, "Lee Park")
    r.open_ideas(IdeaTarget("issue-1", "Class size", "option"))
    for n in range(5):
        r.submit_idea(phone, f"idea {n}")
    with pytest.raises(DeviceProblem, match="Too many"):
        r.submit_idea(phone, "one more")
    clock.t += 10
    r.submit_idea(phone, "after a pause")
    assert len(r.ideas) == 6


def test_answers_are_hidden_until_the_reveal_and_can_change_before_it() -> None:
    r = room()
    dana, sam, obi = r.claim(None, "Dana Ruiz"), r.claim(None, "Sam Ortiz"), r.claim(None, "Obi Observer")
    ballot = r.open_check("issue-1", Method.FIST_TO_FIVE, "Cap K-3 at 22")
    assert ballot.voters == ("Dana Ruiz", "Lee Park", "Sam Ortiz")
    r.vote(dana, "2")
    r.vote(dana, "4")
    r.vote(sam, "5")
    with pytest.raises(DeviceProblem, match="does not vote"):
        r.vote(obi, "5")
    for bad in ("6", "-1", "up", "", "²", "3.0"):
        with pytest.raises(DeviceProblem):
            r.vote(sam, bad)
    # before the reveal: a device sees its own answer, nobody sees another's
    dana_sees = pages.ballot_part(r, dana)
    assert "Your answer: <b>4</b>" in dana_sees and "2 of 3 have answered" in dana_sees
    assert "Sam" not in dana_sees and ">5<" not in dana_sees.replace('value="5">5<', "")
    assert ballot.waiting() == ["Lee Park"]
    revealed = r.reveal()
    assert [(n, p, v) for n, p, _, v in revealed.answers] == [("Dana Ruiz", "union", 4), ("Sam Ortiz", "district", 5)]
    assert all(label.startswith("device ") for _, _, label, _ in revealed.answers)
    shown = pages.ballot_part(r, obi)
    assert "<b>Dana Ruiz</b>: 4" in shown and "No answer from: Lee Park" in shown
    with pytest.raises(DeviceProblem, match="No vote is open"):
        r.vote(dana, "1")


def test_per_party_concurrence_is_not_taken_on_devices() -> None:
    with pytest.raises(DeviceProblem, match="spokesperson"):
        room().open_check("issue-1", Method.PER_PARTY, "")


def test_dots_and_scores_follow_the_polls_rules() -> None:
    r = room()
    dana, lee = r.claim(None, "Dana Ruiz"), r.claim(None, "Lee Park")
    choices = [Choice("option-1", "#1", "A"), Choice("option-2", "#2", "B")]
    r.open_poll("issue-1", PollKind.DOTS, 2, choices, title="Dot vote, 2 dots each", anonymous=True)
    r.vote(dana, "+1", "option-1")
    r.vote(dana, "+1", "option-1")
    with pytest.raises(DeviceProblem, match="All your 2 dots"):
        r.vote(dana, "+1", "option-2")
    r.vote(dana, "-1", "option-1")
    r.vote(dana, "+1", "option-2")
    with pytest.raises(DeviceProblem, match="not in this poll"):
        r.vote(dana, "+1", "option-9")
    r.vote(lee, "+1", "option-2")
    r.vote(lee, "-1", "option-2")  # back to nothing: no answer
    assert r.ballot is not None and r.ballot.waiting() == ["Lee Park", "Sam Ortiz"]
    revealed = r.reveal()
    assert revealed.answers == (("Participant 1", "", "device", {"option-1": 1, "option-2": 1}),)
    r.close_ballot()
    r.open_poll("issue-1", PollKind.SCORE, 0, choices, title="1–5 score", anonymous=False)
    r.vote(lee, "4", "option-1")
    r.vote(lee, "2", "option-2")
    r.vote(lee, "", "option-2")
    with pytest.raises(DeviceProblem, match="1 to 5"):
        r.vote(lee, "9", "option-1")
    assert r.reveal().answers == (("Lee Park", "union", "device 2", {"option-1": 4}),)


def test_freeing_a_name_drops_its_unrevealed_answer() -> None:
    r = room()
    dana = r.claim(None, "Dana Ruiz")
    r.open_check("issue-1", Method.THUMBS, "")
    r.vote(dana, "down")
    r.free("Dana Ruiz")
    assert r.ballot is not None and r.ballot.answers == {}


def test_join_codes_are_read_as_people_type_them() -> None:
    r = room()
    assert r.code_matches("abc-234") and r.code_matches(" ABC 234 ")
    assert not r.code_matches("ABC235") and not r.code_matches("")
    assert normal_code("ａｂｃ２３４") == ""  # full-width letters are not the code


def test_every_text_on_the_page_is_escaped() -> None:
    hostile = '<script>alert(1)</script> & "quotes" [b]bold[/b]'
    r = DeviceRoom([Member(hostile, "union", True)], token="T", code="ABC234")
    r.follow = {
        "where": hostile,
        "statement": hostile,
        "groups": [{"title": hostile, "items": [{"text": hostile, "tag": hostile}]}],
    }
    r.open_ideas(IdeaTarget("issue-1", hostile, "option"))
    device = r.claim(None, hostile)
    r.open_check("issue-1", Method.FIST_TO_FIVE, hostile)
    html = pages.page(r, device, hostile)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; [b]bold[/b]" in html


def test_the_qr_code_is_dark_on_light_half_blocks() -> None:
    lines = qr.lines("http://127.0.0.1:8765/j/abc/")
    assert len({len(line) for line in lines}) == 1
    assert set("".join(lines)) <= set(" ▀▄█")
    assert lines[0].strip() == ""  # the quiet zone


# --- the server over loopback -----------------------------------------------------------------


def phone_session() -> aiohttp.ClientSession:
    """A client that keeps cookies as a phone's browser does (aiohttp's own jar skips IP hosts)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


@pytest.fixture
async def server():
    r = room()
    r.follow = {"where": "Issue 1 of 2", "statement": "Class size", "groups": []}
    s = DeviceServer(r, lambda: "Spring contract", host="127.0.0.1", port=0)
    await s.start()
    yield s
    await s.stop()


async def test_the_server_binds_loopback_and_refuses_a_wrong_token(server: DeviceServer) -> None:
    assert server.url.startswith("http://127.0.0.1:") and "/j/TOKEN123/" in server.url
    async with aiohttp.ClientSession() as http:
        for path in ("/j/WRONG/", "/j/WRONG/state", "/j/TOKEN12/", "/j/", "/anything", "/j/TOKEN123/../TOKEN12/"):
            async with http.get(server.base + path) as response:
                assert response.status == 404, path
        async with http.post(server.base + "/j/WRONG/claim", data={"name": "Dana Ruiz"}) as response:
            assert response.status == 404
        async with http.get(server.url) as response:
            assert response.status == 200
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
            text = await response.text()
            assert "Dana Ruiz" in text and "Class size" in text and "all tables" not in text
    assert server.room.holders == {}


async def test_a_phone_joins_by_code_claims_sends_votes_and_sees_the_reveal(server: DeviceServer) -> None:
    r = server.room
    fetch = {"X-Requested-With": "fetch"}
    async with phone_session() as phone, phone_session() as other:
        async with phone.post(server.base + "/join", data={"code": "abc 234"}, allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/j/TOKEN123/"
        async with phone.post(server.base + "/join", data={"code": "ZZZ999"}) as response:
            assert response.status == 403
        async with phone.post(server.url + "claim", data={"name": "Dana Ruiz"}, headers=fetch) as response:
            body = await response.json()
            assert body["ok"] and body["me"] == "You are Dana Ruiz"
            cookie = response.cookies[COOKIE]
            assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/j/TOKEN123/"
        async with other.post(server.url + "claim", data={"name": "Dana Ruiz"}, headers=fetch) as response:
            body = await response.json()
            assert not body["ok"] and "taken on another device" in body["message"]
        r.open_ideas(IdeaTarget("issue-1", "Class size", "option"))
        async with phone.post(server.url + "idea", data={"text": "Aides in K-1"}, headers=fetch) as response:
            assert (await response.json())["ok"]
        assert [i.text for i in r.ideas] == ["Aides in K-1"]
        async with other.post(server.url + "idea", data={"text": "sneaky"}, headers=fetch) as response:
            assert (await response.json())["message"] == "Pick your name first."
        r.open_check("issue-1", Method.FIST_TO_FIVE, "Cap at 22")
        async with phone.post(server.url + "vote", data={"value": "3"}, headers=fetch) as response:
            body = await response.json()
            assert body["ok"] and "Your answer: <b>3</b>" in body["parts"]["ballot"]
        async with other.get(server.url + f"state?v={r.version - 1}") as response:
            ballot = (await response.json())["parts"]["ballot"]
            assert "1 of 3 have answered" in ballot and "Dana" not in ballot
        r.reveal()
        async with other.get(server.url + "state?v=0") as response:
            assert "<b>Dana Ruiz</b>: 3" in (await response.json())["parts"]["ballot"]


async def test_a_waiting_phone_hears_of_a_change_at_once(server: DeviceServer) -> None:
    import asyncio

    r = server.room
    async with aiohttp.ClientSession() as phone:
        wait = asyncio.ensure_future(phone.get(server.url + f"state?v={r.version}"))
        await asyncio.sleep(0.1)
        assert not wait.done()
        r.open_ideas(IdeaTarget("issue-1", "Class size", "option"))
        response = await asyncio.wait_for(wait, 2)
        assert (await response.json())["v"] == r.version
        response.release()


async def test_posts_from_another_site_and_big_bodies_are_refused(server: DeviceServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            server.url + "claim", data={"name": "Dana Ruiz"}, headers={"Origin": "http://evil.example"}
        ) as response:
            assert response.status == 403
        async with http.post(server.url + "idea", data={"text": "x" * 20000}) as response:
            assert response.status == 413
    assert server.room.holders == {}


async def test_guessing_join_codes_is_slowed(server: DeviceServer) -> None:
    async with aiohttp.ClientSession() as http:
        statuses = []
        for n in range(8):
            async with http.post(server.base + "/join", data={"code": f"WRONG{n}"}) as response:
                statuses.append(response.status)
    assert statuses[:5] == [403] * 5 and set(statuses[5:]) == {429}


def test_the_page_script_only_fetches_its_own_server() -> None:
    assert not re.search(r"https?://", pages.SCRIPT)
    assert "innerHTML = html" in pages.SCRIPT  # the parts come escaped from the server


async def test_a_phone_gets_the_room_view_again_only_when_it_changed(server: DeviceServer) -> None:
    r = server.room
    async with phone_session() as phone:
        async with phone.post(server.url + "claim", data={"name": "Dana Ruiz"}, headers={"X-Requested-With": "fetch"}):
            pass
        seen = r.version
        r.open_check("issue-1", Method.THUMBS, "")  # a vote: the room view did not change
        async with phone.get(server.url + f"state?v={seen}") as response:
            body = await response.json()
        assert "follow" not in body["parts"] and "Thumbs" in body["parts"]["ballot"]
        seen = body["v"]
        r.set_follow({"where": "Issue 2 of 2", "statement": "Planning time", "groups": []})
        r.set_follow({"where": "Issue 2 of 2", "statement": "Planning time", "groups": []})  # the same: no change
        async with phone.get(server.url + f"state?v={seen}") as response:
            body = await response.json()
        assert "Planning time" in body["parts"]["follow"] and body["v"] == seen + 1


def test_a_new_vote_never_drops_the_hidden_answers_of_another() -> None:
    r = room()
    dana = r.claim(None, "Dana Ruiz")
    r.open_check("issue-1", Method.THUMBS, "")
    r.open_check("issue-2", Method.FIST_TO_FIVE, "")  # no answer yet: it gives way
    r.vote(dana, "4")
    with pytest.raises(DeviceProblem, match=r"Another vote is open on the devices \(Fist-to-five\) with 1 answer"):
        r.open_poll("issue-2", PollKind.DOTS, 3, [], title="Dot vote", anonymous=False)
    r.reveal()
    r.open_poll("issue-2", PollKind.DOTS, 3, [], title="Dot vote", anonymous=False)
    assert r.last_revealed is not None and r.last_revealed.answers == {"Dana Ruiz": 4}


def test_the_qr_code_s_half_blocks_hold_every_module_of_the_code() -> None:
    url = "http://192.168.1.20:8770/j/AbCdEfGhIjKlMnOpQrStUv/"
    modules = qr.matrix(url)
    top = {" ": False, "▀": True, "▄": False, "█": True}
    bottom = {" ": False, "▀": False, "▄": True, "█": True}
    drawn = []
    for line in qr.lines(url):
        drawn.append([top[c] for c in line])
        drawn.append([bottom[c] for c in line])
    assert drawn[: len(modules)] == modules
    assert not any(any(row) for row in drawn[len(modules) :])  # the padding row is light
    size = len(modules) - 2 * qr.BORDER
    assert size in range(21, 178, 4)  # a QR version's side: 21 + 4 (v - 1)


def test_one_address_cannot_take_the_room_s_names() -> None:
    clock = Clock()
    r = room(clock)
    r.claim(None, "Dana Ruiz", "192.168.1.7")
    r.claim(None, "Lee Park", "192.168.1.7")
    with pytest.raises(DeviceProblem, match="already holds a name"):
        r.claim(None, "Sam Ortiz", "192.168.1.7")
    r.free("Lee Park")
    r.claim(None, "Lee Park", "192.168.1.7")  # the third claim of the burst
    r.free("Lee Park")
    with pytest.raises(DeviceProblem, match="Too many names asked for"):
        r.claim(None, "Lee Park", "192.168.1.7")
    clock.t += 20
    r.claim(None, "Lee Park", "192.168.1.7")
    r.claim(None, "Sam Ortiz", "192.168.1.8")  # another phone
    r.claim(None, "Obi Observer", "127.0.0.1")  # loopback (this machine) is not counted
    assert len(r.claimed()) == 4
