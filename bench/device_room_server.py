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

    python bench/device_room_server.py 60
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
    watcher = Watcher(room)
    server = DeviceServer(room, lambda: "Bench room", host="127.0.0.1", port=0)
    await server.start()
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
                room.open_ideas(IdeaTarget(ISSUE, "How big should K-3 classes be?", "option"))
                say({"done": line, "at": at})
            elif line == "check":
                at = time.monotonic()
                room.open_check(ISSUE, Method.FIST_TO_FIVE, "Cap K-3 classes at 22")
                say({"done": line, "at": at})
            elif line == "reveal":
                at = time.monotonic()
                room.reveal()
                say({"done": line, "at": at})
            elif line == "quit":
                break
    finally:
        say({"seen": watcher.seen})
        await server.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 60))
