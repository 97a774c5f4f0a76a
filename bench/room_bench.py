"""How fast the room view shows a save: another process saves, the wall repaints.

A ``RoomApp`` runs in this process, headless (``run_test(size=(160, 45))``: the frame is composed
and rendered, only not written to a terminal), following a session file. A writer **subprocess**
loads the same file and saves it ``SAVES`` times with ``store.save_session`` (atomic: temp file,
fsync, ``os.replace``), ``GAP`` seconds apart, each save changing the session's title to
"Bench save N" and adding an interest; it prints the wall-clock time just before and just after
each save. The app stamps the wall-clock time of the first screen refresh after it painted the
view of save N (``RoomApp.painted``, stamped from ``call_after_refresh``). Reported, per session:

- save done -> refreshed: ``os.replace`` has put the file in place -> the wall shows it;
- save start -> refreshed: the whole autosave as well (serialize, write, fsync).

Cases: the typical example session (``examples/spring-contract.toml``) and a 2,000-item one
(``bench/generate.py``, seed 0): the load (read, parse, validate) runs on the follower's thread,
so a bigger file costs latency but never blocks the UI. Target: under 0.5 s (the issue).
Figures only; it always exits 0.

    python bench/room_bench.py
"""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from summary import record  # noqa: E402

from ibb_facilitator import store  # noqa: E402
from ibb_facilitator.tui.room import RoomApp  # noqa: E402

SAVES = 20
GAP = 0.3
TARGET = 0.5

WRITER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from ibb_facilitator import editing, store
    path, saves, gap = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    session = store.load_session(path)
    issue = session.issue(session.cursor.issue) if session.cursor.issue else session.issues[0]
    print("ready", flush=True)
    sys.stdin.readline()  # the room view is up
    for n in range(1, saves + 1):
        session.title = f"Bench save {n}"
        editing.add_interest(session, issue.id, f"Interest added by save {n}", "mutual")
        start = time.time()
        store.save_session(session, path)
        done = time.time()
        print(json.dumps([n, start, done]), flush=True)
        time.sleep(gap)
    """
)


async def follow(path: Path) -> tuple[list[tuple[int, float, float]], dict[str, float], str]:
    app = RoomApp(path)
    stamps: dict[str, float] = {}
    async with app.run_test(size=(160, 45)) as pilot:
        deadline = time.monotonic() + 30
        while app.view is None:
            assert time.monotonic() < deadline, "the room view never showed the file"
            await pilot.pause(0.02)
        mode = app.follower.mode if app.follower else "?"
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(SAVES), str(GAP)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert writer.stdout is not None and writer.stdin is not None
        saves: list[tuple[int, float, float]] = []
        loop = asyncio.get_running_loop()
        line = await loop.run_in_executor(None, writer.stdout.readline)
        assert line.strip() == "ready", line
        writer.stdin.write("go\n")
        writer.stdin.flush()
        while True:
            line = await loop.run_in_executor(None, writer.stdout.readline)
            if not line:
                break
            n, start, done = json.loads(line)
            saves.append((n, start, done))
        writer.wait(30)
        deadline = time.monotonic() + 5
        while not any(view.title == f"Bench save {SAVES}" for view, _ in app.painted) and time.monotonic() < deadline:
            await pilot.pause(0.02)
        for view, at in app.painted:
            stamps.setdefault(view.title, at)
    return saves, stamps, mode


def report(name: str, path: Path) -> None:
    saves, stamps, mode = asyncio.run(follow(path))
    done_lat, start_lat, missed = [], [], 0
    for n, start, done in saves:
        at = stamps.get(f"Bench save {n}")
        if at is None:
            missed += 1  # a later save landed first: that repaint showed both (coalesced)
            continue
        done_lat.append(at - done)
        start_lat.append(at - start)
    items = store.load_session(path).item_count()

    def row(label: str, values: list[float]) -> str:
        values = sorted(values)
        p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
        verdict = "ok" if statistics.median(values) < TARGET else "MISSED"
        return (
            f"  {label:<28} median {statistics.median(values) * 1000:7.1f} ms   p90 {p90 * 1000:7.1f} ms   "
            f"max {values[-1] * 1000:7.1f} ms   target < {TARGET * 1000:.0f} ms: {verdict}"
        )

    record(
        "room",
        f"room view: save done -> wall refreshed, {name}",
        statistics.median(done_lat) if done_lat else None,
        "s",
        TARGET,
    )
    print(f"{name} ({items} items), {len(saves)} saves {GAP:.1f} s apart, watching by {mode}:")
    print(row("save done -> refreshed", done_lat))
    print(row("save start -> refreshed", start_lat))
    if missed:
        print(f"  {missed} save(s) shown together with the next one (coalesced)")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ibb-room-bench-") as folder:
        typical = Path(folder) / "typical.toml"
        shutil.copy(ROOT / "examples" / "spring-contract.toml", typical)
        report("typical session", typical)
        from generate import make_session

        big = Path(folder) / "2k.toml"
        store.save_session(make_session(2000, seed=0), big)
        report("2,000-item session", big)
    return 0


if __name__ == "__main__":
    sys.exit(main())
