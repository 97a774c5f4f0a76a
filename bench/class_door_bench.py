"""The class's door under a class of phones: 6 tables of 10, every phone through the door.

Three processes, as in a class: the tables (6 rooms, each its own DeviceServer on loopback,
announced in a class folder), the door (``ClassDoor``, as ``ibb class --devices`` runs it) and
60 phones (aiohttp clients with their own cookies). Each phone picks its table and name, follows
its table (a long poll held through the door), sends 3 ideas and votes once.

Figures: the time from a phone's vote sent to its answer back (the vote is in the table's room
before that answer leaves the table: the facilitator's app sees it then), p50/p95; the same for
ideas; the door process's memory (RSS) before the phones and with all 60 following.

    .venv/bin/python bench/class_door_bench.py [--tables 6] [--per-table 10] [--direct]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

TABLES = r"""
import asyncio, sys
from ibb_facilitator.devices import announce
from ibb_facilitator.devices.room import DeviceRoom, IdeaTarget, Member
from ibb_facilitator.devices.server import DeviceServer
from ibb_facilitator.model import Method

async def main(folder, tables, per):
    servers, paths, rooms = [], [], {}
    for t in range(1, tables + 1):
        room = DeviceRoom([Member(f"Player {t}-{n}", "union" if n % 2 else "district", True) for n in range(per)])
        room.follow = {"where": f"Table {t}", "statement": "Class size", "groups": []}
        room.open_ideas(IdeaTarget("issue-1", "Class size", "option"))
        room.open_check("issue-1", Method.FIST_TO_FIVE, "Cap K-3 at 22")
        server = DeviceServer(room, lambda: "Table", host="127.0.0.1", port=0)
        await server.start()
        servers.append(server)
        paths.append(announce.announce(folder, f"table-{t}", server.port, room.token))
        rooms[f"table-{t}"] = server.url
    print(json.dumps({"rooms": rooms}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    answers = sum(len(s.room.ballot.answers) for s in servers)
    ideas = sum(len(s.room.ideas) for s in servers)
    print(json.dumps({"answers": answers, "ideas": ideas}), flush=True)
    for server, path in zip(servers, paths):
        announce.withdraw(path)
        await server.stop()

import json
asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
"""

DOOR = r"""
import asyncio, json, sys
from ibb_facilitator.devices.classdoor import ClassDoor

async def main(folder):
    door = ClassDoor(folder, lambda: "A class", "127.0.0.1", 0)
    await door.start()
    print(json.dumps({"url": door.url}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await door.stop()

asyncio.run(main(sys.argv[1]))
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start(code: str, *args: str) -> tuple[subprocess.Popen[str], dict]:
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    return process, json.loads(process.stdout.readline())


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


async def phone(url: str, name: str, votes: list[float], ideas: list[float], following: asyncio.Event) -> None:
    fetch = {"X-Requested-With": "fetch"}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(url + "claim", data={"name": name}, headers=fetch) as response:
            version = (await response.json())["v"]

        async def follow() -> None:
            nonlocal version
            while True:
                async with http.get(url + f"state?v={version}") as response:
                    version = (await response.json())["v"]

        poll = asyncio.ensure_future(follow())
        await following.wait()
        for n in range(3):
            sent = time.perf_counter()
            async with http.post(url + "idea", data={"text": f"{name}'s idea {n}"}, headers=fetch) as response:
                assert (await response.json())["ok"]
            ideas.append(time.perf_counter() - sent)
        sent = time.perf_counter()
        async with http.post(url + "vote", data={"value": "4"}, headers=fetch) as response:
            assert (await response.json())["ok"]
        votes.append(time.perf_counter() - sent)
        await asyncio.sleep(0.5)
        poll.cancel()


async def run(tables: int, per: int, direct: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for t in range(1, tables + 1):
            (Path(folder) / f"table-{t}.toml").write_text("")
        table_process, rooms = start(TABLES, folder, str(tables), str(per))
        door_process, info = start(DOOR, folder)
        try:
            url = info["url"]

            def address(t: int) -> str:
                return rooms["rooms"][f"table-{t}"] if direct else f"{url}t/table-{t}/"

            await asyncio.sleep(0.5)
            before = rss_kib(door_process.pid)
            votes: list[float] = []
            ideas: list[float] = []
            following = asyncio.Event()
            phones = [
                asyncio.ensure_future(phone(address(t), f"Player {t}-{n}", votes, ideas, following))
                for t in range(1, tables + 1)
                for n in range(per)
            ]
            await asyncio.sleep(1.0)  # every phone has claimed and holds a long poll through the door
            held = rss_kib(door_process.pid)
            following.set()
            await asyncio.gather(*phones)
            after = rss_kib(door_process.pid)
        finally:
            assert door_process.stdin is not None and table_process.stdin is not None
            door_process.stdin.close()
            table_process.stdin.close()
            door_process.wait(10)
            assert table_process.stdout is not None
            counted = json.loads(table_process.stdout.readline())
            table_process.wait(10)
    devices = tables * per
    how = "straight to each table's server (no door)" if direct else "every request through the door"
    print(f"{devices} phones at {tables} tables, {how}")
    answers, sent_ideas = counted["answers"], counted["ideas"]
    print(f"  votes in the tables' rooms: {answers} of {devices}; ideas: {sent_ideas} of {3 * devices}")
    print(
        f"  vote sent → in the room, answer back: p50 {1000 * statistics.median(votes):.1f} ms, "
        f"p95 {1000 * pct(votes, 0.95):.1f} ms (target < 200)"
    )
    print(
        f"  idea sent → answer back: p50 {1000 * statistics.median(ideas):.1f} ms, p95 {1000 * pct(ideas, 0.95):.1f} ms"
    )
    print(
        f"  door RSS: {before / 1024:.1f} MiB at rest, {held / 1024:.1f} MiB with {devices} following, "
        f"{after / 1024:.1f} MiB after; {(held - before) / devices:.0f} KiB a device (target < 1024)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=6)
    parser.add_argument("--per-table", type=int, default=10)
    parser.add_argument("--direct", action="store_true", help="phones to the tables' own servers: the door's cost")
    args = parser.parse_args()
    asyncio.run(run(args.tables, args.per_table, args.direct))


if __name__ == "__main__":
    main()
