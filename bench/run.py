"""``make bench``: run every benchmark this folder knows of and print their tables.

Each one runs in its own fresh interpreter (so one's heap and imports do not colour another's
timings or memory figures) and prints its own table. Benchmarks report figures beside targets;
they do not fail on a missed target. This exits non-zero only when a benchmark itself crashed
or ran out of time.

To add one: write ``bench/NAME.py`` that prints its table when run as a script with no
arguments and fits its time limit on a 2-core machine, then add it to ``BENCHES``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import summary

HERE = Path(__file__).resolve().parent

#: (module file in bench/, what it measures, time limit in seconds). The whole run stays under
#: 5 minutes on the 2-core machines this project runs on: keep the sum of the limits there.
BENCHES: list[tuple[str, str, int]] = [
    ("store_bench.py", "open and save session files (1k / 10k / 100k items)", 240),
    ("costing_bench.py", "costing: totals, a file full of cost lines, typed amounts (10k items)", 120),
    (
        "tui_bench.py",
        "start-up vs. a hello-world Textual app; key press to refreshed screen (in-process: a diagnostic)",
        240,
    ),
    (
        "terminal_bench.py",
        "keys in a real terminal (pty + pyte) vs. a key-echo Textual app: latency, frames, torn frames",
        120,
    ),
    ("room_bench.py", "a save in another process to the room view's refresh", 60),
    ("library_bench.py", "session library: index, list and search 1,000 sessions", 180),
    ("cli_bench.py", "ibb --version / --help / agendas / validate vs. python -c pass", 60),
    ("negotiation_bench.py", "a negotiation: board over 30 sessions, new --after at 10,000 items, TA package", 150),
    ("drafting_bench.py", "a 5,000-word draft with 200 revisions: open the file, diff two revisions", 60),
    (
        "devices_bench.py",
        "60 phones on loopback: vote to the facilitator, server memory per phone; the phone page's first paint",
        60,
    ),
]


#: ``make bench`` as a whole should finish within this (issue 7).
TOTAL_TARGET_S = 300


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    wanted = set(argv)
    failed = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ibb-bench-summary-") as tmp:
        collected = str(Path(tmp) / "figures.jsonl")
        # a data folder of its own: this machine's preferences (the coaching panel shown, say)
        # must not change what the benchmarks measure
        data = Path(tmp) / "data"
        env = {**os.environ, summary.ENV: collected, "IBB_DATA_DIR": str(data)}
        for name, what, limit in BENCHES:
            if wanted and name.removesuffix(".py") not in wanted and name not in wanted:
                continue
            print(f"\n=== {name}: {what} ===", flush=True)
            try:
                proc = subprocess.run([sys.executable, str(HERE / name)], timeout=limit, env=env)
            except subprocess.TimeoutExpired:
                print(f"{name}: stopped after {limit} s (its time limit)", flush=True)
                failed.append(name)
                continue
            if proc.returncode != 0:
                print(f"{name}: exited with {proc.returncode}", flush=True)
                failed.append(name)
        rows = summary.read(collected)
    elapsed = time.perf_counter() - started
    print("\n=== summary: the performance budget (DESIGN.md, issue 7) ===")
    if rows:
        print(summary.table(rows))
    print(
        f"\nbenchmarks done in {elapsed:.0f} s (target < {TOTAL_TARGET_S // 60} minutes: "
        f"{'ok' if elapsed < TOTAL_TARGET_S else 'OVER'})" + (f"; FAILED: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
