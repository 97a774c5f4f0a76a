"""How light the ``ibb`` command is when it opens no app: ``--version``, ``--help``, ``agendas``
and ``validate``, as ratios to ``python -c pass`` (the same interpreter, the venv's: site and the
editable install's path hook included in both), timed in the same run.

Each figure is the wall time of a whole fresh process, started by the real ``ibb`` entry point of
the venv (its script imports ``ibb_facilitator.cli`` as an installed ``ibb`` does). Runs are
interleaved (floor, --version, --help, ..., floor, ...) so a busy moment on the machine colours
all of them alike; the median of each is reported, with the fastest run beside it. Bytecode is
cached (a warm-up round runs first), as it is for an installed app.

Target (issue 14): ``ibb --version`` <= 3x ``python -c pass``. The others are shown with the
modules they load that they should not (textual, rich, pydantic for --help), none judged.

    python bench/cli_bench.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from summary import record  # noqa: E402

TARGET_VERSION = 3.0
VENV_BIN = Path(sys.executable).parent
IBB = VENV_BIN / "ibb"
EXAMPLE = ROOT / "examples" / "spring-contract.toml"

CASES: list[tuple[str, list[str], float | None]] = [
    ("python -c pass", [sys.executable, "-c", "pass"], None),
    ("ibb --version", [str(IBB), "--version"], TARGET_VERSION),
    ("ibb --help", [str(IBB), "--help"], None),
    ("ibb agendas", [str(IBB), "agendas"], None),
    ("ibb validate (example session)", [str(IBB), "validate", str(EXAMPLE)], None),
]

#: what each case must not import (checked once, by ``-X importtime`` on a separate run)
HEAVY = ("textual", "rich", "pydantic")


def _time_once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return elapsed


def heavy_imports(argv: list[str], env: dict[str, str]) -> list[str]:
    """The top-level packages of ``HEAVY`` that ``argv`` imports (from ``-X importtime``)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, env=env)
    seen = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            top = name.split(".")[0]
            if top in HEAVY:
                seen.add(top)
    return sorted(seen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for _, case_argv, _ in CASES:  # warm-up: bytecode written, files in the page cache
        _time_once(case_argv, env)
    times: dict[str, list[float]] = {name: [] for name, _, _ in CASES}
    for _ in range(args.runs):
        for name, case_argv, _ in CASES:
            times[name].append(_time_once(case_argv, env))
    floor = statistics.median(times["python -c pass"])
    floor_min = min(times["python -c pass"])
    load = os.getloadavg()
    print(
        f"ibb without the app, {args.runs} interleaved runs each; load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f}"
    )
    print(f"{'case':32} {'median':>9} {'x floor':>8} {'fastest':>9} {'x floor':>8}  target  heavy imports")
    for name, case_argv, target in CASES:
        med, low = statistics.median(times[name]), min(times[name])
        ratio, ratio_min = med / floor, low / floor_min
        heavy = "" if name.startswith("python") else (", ".join(heavy_imports(case_argv, env)) or "none")
        verdict = "" if target is None else (f"<= {target:.0f}x {'ok' if ratio <= target else 'OVER'}")
        print(f"{name:32} {med * 1000:7.1f}ms {ratio:7.2f}x {low * 1000:7.1f}ms {ratio_min:7.2f}x  {verdict:7} {heavy}")
        if not name.startswith("python"):
            record(
                "cli",
                f"{name} (x python -c pass)",
                ratio,
                "x",
                target,
                note=f"{med * 1000:.0f} ms; floor {floor * 1000:.0f} ms",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
