"""The facilitator's side of ``devices_bench.py``: a ``DeviceServer`` on 127.0.0.1 (any free port)
with a room of N voting members ("Member 1" … "Member N"), in a process of its own, as the app
would run it.

It prints JSON lines on stdout and takes one word a line on stdin:

- at start: ``{"url": join address, "base": server address, "pid": its process id}``;
- ``status``: ``{"claimed": names held, "ideas": queued, "answers": votes in, "waiting": long polls
  held now, "traced": Python's allocations (0 unless run with ``-X tracemalloc``)}``, after a
  garbage collection, so the bench's reading of this process's RSS is fair;
- ``ideas`` / ``check`` / ``reveal``: the facilitator takes ideas (an option for the bench's
  issue), opens a fist-to-five check, reveals it; each answers ``{"done": word, "at": the
  monotonic time just before}``;
- ``quit``: ``{"seen": [[monotonic, what, detail], ...]}``, then the server stops and the process
  exits.

``seen`` is what a listener on the room saw, stamped with ``time.monotonic()`` the moment the room
told it (where the app would repaint): each name claimed (``claim``, the name), each idea queued
(``idea``, its text), each vote's first arrival (``vote``, the name). ``time.monotonic`` is one
clock for every process on Linux, so the bench compares these with the moments its devices sent.

With ``--app ITEMS`` the room is the real app's: ``IbbApp`` runs headless (``run_test``) on a
generated session of ITEMS items (``bench/generate.py``, at its cursor issue's Options stage) with
the N members added, and opens its room as F11 does (``tui.devices.DeviceHost``): the server then
shares the app's event loop with the screen, as it does in the room, and the listener sees a vote
when the app would repaint for it.

    python bench/device_room_server.py 60 [--app 2000]
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ibb_facilitator.devices.room import DeviceRoom, IdeaTarget, Member  # noqa: E402
from ibb_facilitator.devices.server import DeviceServer  # noqa: E402
from ibb_facilitator.model import Method  # noqa: E402

ISSUE = "issue-1"


def say(data: object) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


class Watcher:
    """The room's listener: what changed, when (the facilitator's app would repaint here)."""

    def __init__(self, room: DeviceRoom) -> None:
        self.room = room
        self.seen: list[tuple[float, str, str]] = []
        self.holders: set[str] = set()
        self.ideas = 0
        self.answered: set[str] = set()
        room.listeners.append(self.changed)

    def changed(self) -> None:
        now = time.monotonic()
        room = self.room
        if len(room.holders) != len(self.holders):
            for name in set(room.holders) - self.holders:
                self.seen.append((now, "claim", name))
            self.holders = set(room.holders)
        if room.ideas and room.ideas[-1].n > self.ideas:
            for idea in room.ideas:
                if idea.n > self.ideas:
                    self.seen.append((now, "idea", idea.text))
            self.ideas = room.ideas[-1].n
        ballot = room.ballot
        if ballot is not None and len(ballot.answers) != len(self.answered):
            for name in set(ballot.answers) - self.answered:
                self.seen.append((now, "vote", name))
            self.answered = set(ballot.answers)


async def main(count: int) -> None:
    room = DeviceRoom([Member(f"Member {n}", "union" if n % 2 else "district", True) for n in range(1, count + 1)])
    room.follow = {"where": "Issue 1 of 1 · Options", "statement": "How big should K-3 classes be?", "groups": []}
    server = DeviceServer(room, lambda: "Bench room", host="127.0.0.1", port=0)
    await server.start()
    try:
        await serve(room, server, ISSUE)
    finally:
        await server.stop()


async def main_in_app(count: int, items: int) -> None:
    """The same room, the real app's (see the module docstring)."""
    import tempfile

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import make_session

    from ibb_facilitator import editing
    from ibb_facilitator.model import Stage
    from ibb_facilitator.store import save_session
    from ibb_facilitator.tui.app import IbbApp
    from ibb_facilitator.tui.devices import DeviceHost

    with tempfile.TemporaryDirectory(prefix="ibb-devices-bench-") as tmp:
        session = make_session(items)
        session.cursor.stage = Stage.OPTIONS
        for n in range(1, count + 1):
            editing.add_member(session, session.parties[n % len(session.parties)].id, f"Member {n}")
        path = Path(tmp) / f"bench-{items}.toml"
        save_session(session, path, backup=False)
        app = IbbApp(path=path)
        async with app.run_test(headless=True, size=(160, 45)):
            host = DeviceHost(app)
            await host.start("127.0.0.1", 0)
            app.devices = host
            assert host.server is not None and app.session.cursor.issue is not None
            try:
                await serve(host.room, host.server, app.session.cursor.issue)
            finally:
                await host.stop()


async def serve(room: DeviceRoom, server: DeviceServer, issue: str) -> None:
    """Answer the bench's words on stdin until ``quit`` (see the module docstring)."""
    watcher = Watcher(room)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    say({"url": server.url, "base": server.base, "pid": os.getpid()})
    try:
        while line := (await reader.readline()).decode().strip():
            if line == "status":
                gc.collect()
                ballot = room.ballot
                say(
                    {
                        "claimed": len(room.holders),
                        "ideas": len(room.ideas),
                        "answers": len(ballot.answers) if ballot else 0,
                        "waiting": server._waiting,
                        "traced": tracemalloc.get_traced_memory()[0],  # 0 unless run with -X tracemalloc
                    }
                )
            elif line == "ideas":
                at = time.monotonic()
                room.open_ideas(IdeaTarget(issue, "How big should K-3 classes be?", "option"))
                say({"done": line, "at": at})
            elif line == "check":
                at = time.monotonic()
                room.open_check(issue, Method.FIST_TO_FIVE, "Cap K-3 classes at 22")
                say({"done": line, "at": at})
            elif line == "reveal":
                at = time.monotonic()
                room.reveal()
                say({"done": line, "at": at})
            elif line == "quit":
                break
    finally:
        say({"seen": watcher.seen})


if __name__ == "__main__":
    phones = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    if "--app" in sys.argv:
        asyncio.run(main_in_app(phones, int(sys.argv[sys.argv.index("--app") + 1])))
    else:
        asyncio.run(main(phones))
