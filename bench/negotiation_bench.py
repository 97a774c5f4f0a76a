"""A negotiation of many sessions: the board, the next session, the TA package (issue 15).

It writes, in a temp folder (with a temp cache folder):

- a negotiation of ``--sessions`` (30) generated sessions of ``--items`` (2,000) items each
  (``bench/generate.py``, one seed each; 25 generated issues plus 15 added, the same 40 issue
  ids in every session, each session carried from the one before), and measures the board:
  ``ibb board DIR`` as a fresh process with an empty facts cache (every file read and checked)
  and with the cache filled (what a person waits for, every time after the first), against
  ``python -c pass``; and in process, warm (the app's board: ``negotiation.load`` + rows +
  sort, the facts in memory), and after one file changed (the app after a save);
- a 10,000-item session, and ``ibb new --after`` from it as a fresh process (load, carry,
  save the next session), and ``carryover.carry`` alone in process;
- a negotiation of 10 sessions holding 200 TAs in force (20 each; each session also reopens two
  issues of the one before and agrees them again: 18 superseded TAs in the appendix), and the
  TA package export in each format, as a fresh process (cache filled) and in process.

Prints figures beside the targets of issue 15 and always exits 0: it measures, it does not judge.

    python bench/negotiation_bench.py [--sessions 30] [--items 2000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import make_session  # noqa: E402
from summary import record  # noqa: E402

from ibb_facilitator import editing, store  # noqa: E402
from ibb_facilitator.model import Member, Method, Party, PreviousSession, Response, Role, Session, Side  # noqa: E402
from ibb_facilitator.negotiation import facts, load  # noqa: E402
from ibb_facilitator.negotiation.board import rows, sort_rows  # noqa: E402
from ibb_facilitator.negotiation.carryover import carry  # noqa: E402

BENCH = "negotiation_bench"
PY = sys.executable


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _median(runs: list[float]) -> tuple[float, float]:
    return statistics.median(runs), min(runs)


def _process(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-400:]}")
    return times


def _in_process(call, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def write_board_negotiation(folder: Path, sessions: int, items: int) -> None:
    previous: tuple[str, str] | None = None
    for k in range(sessions):
        s = make_session(items, seed=k)
        s.title = f"Lakeview successor contract, session {k + 1}"
        while len(s.issues) < 40:  # the same 40 issue ids in every session
            editing.add_issue(
                s, f"Added issue {len(s.issues) + 1}: how can we settle this?", article=f"Article {len(s.issues) + 1}"
            )
        if previous is not None:
            s.previous = PreviousSession(file=previous[0], session=previous[1])
        name = f"session-{k + 1:02d}.toml"
        store.save_session(s, folder / name, backup=False)
        previous = (name, s.id)


def write_package_negotiation(folder: Path, sessions: int = 10, per: int = 20, reopen: int = 2) -> int:
    """``sessions`` files of ``per`` new issues each, all agreed (``sessions * per`` TAs in force);
    each session after the first also reopens ``reopen`` issues of the one before and agrees them
    again, so the package's appendix holds superseded TAs too."""
    parties = [
        Party(
            id="labor",
            name="Lakeview Education Association",
            short="LEA",
            side=Side.LABOR,
            members=[Member(name="Ana Ruiz", role=Role.SPOKESPERSON)],
        ),
        Party(
            id="management",
            name="Lakeview Unified School District",
            short="LUSD",
            side=Side.MANAGEMENT,
            members=[Member(name="Ben Hale", role=Role.SPOKESPERSON)],
        ),
    ]
    prev_path: Path | None = None
    tas = 0
    for k in range(sessions):
        if prev_path is None:
            s = Session(
                title="Package bench, session 1", organization="Lakeview Unified School District", parties=parties
            )
            reopened: list[str] = []
        else:
            s = carry(store.load_session(prev_path), prev_path.name)
            reopened = [i.id for i in s.issues][-reopen:]
            for issue_id in reopened:
                editing.set_status(s, issue_id, "open")
        new = [
            editing.add_issue(
                s, f"How can we settle article {k * per + n + 1}?", article=f"Article {k * per + n + 1}"
            ).id
            for n in range(per)
        ]
        for issue_id in reopened + new:
            check, _ = editing.record_check(
                s, issue_id, Method.PER_PARTY, [Response(who=p.id, value="concur") for p in parties]
            )
            text = "\n".join(
                f"{issue_id}.{n} The parties agree that clause {n} reads as follows, word for word, in the contract."
                for n in range(1, 6)
            )
            ta = editing.record_agreement(
                s, issue_id, check.id, text, title=f"Clause {issue_id}", on=date(2027, 1, 4 + k)
            )
            editing.initial(s, ta.id, "labor", "AR")
            editing.initial(s, ta.id, "management", "BH")
            tas += 1
        prev_path = folder / f"session-{k + 1:02d}.toml"
        store.save_session(s, prev_path, backup=False)
    return tas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="ibb-nego-bench-") as tmp:
        base = Path(tmp)
        cache = base / "cache"
        env = {**os.environ, "IBB_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}
        os.environ["IBB_CACHE_DIR"] = str(cache)
        board_dir = base / "board"
        board_dir.mkdir()
        started = time.perf_counter()
        write_board_negotiation(board_dir, args.sessions, args.items)
        size = sum(p.stat().st_size for p in board_dir.glob("*.toml"))
        print(
            f"wrote {args.sessions} sessions of {args.items:,} items ({size / 2**20:.1f} MiB) "
            f"in {time.perf_counter() - started:.1f} s\n"
        )

        floor = _median(_process([PY, "-c", "pass"], env, args.runs))
        board_cmd = [PY, "-m", "ibb_facilitator", "board", str(board_dir)]
        empty = _process(board_cmd, env, 1)[0]
        cold = _median(_process(board_cmd, env, args.runs))
        neg = load(board_dir)  # fills the memory cache
        issues, tas = len(neg.issues), len(neg.tas)

        def warm_board() -> None:
            sort_rows(rows(load(board_dir)), "days")

        warm = _median(_in_process(warm_board, max(args.runs, 20)))
        touched = sorted(board_dir.glob("*.toml"))[args.sessions // 2]

        def after_a_save() -> None:
            st = touched.stat()
            os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 1000))
            warm_board()

        saved = _median(_in_process(after_a_save, 3))

        print(f"board over {args.sessions} sessions x {issues} issues ({tas} TAs, {args.items:,} items each)")
        print(f"  python -c pass (the floor)               {_ms(floor[0])}   min {_ms(floor[1])}")
        print(f"  ibb board, cold process, empty cache     {_ms(empty)}   (every file read and checked once)")
        print(
            f"  ibb board, cold process, cache filled    {_ms(cold[0])}   min {_ms(cold[1])}   target < 300 ms  "
            f"{cold[0] / floor[0]:.1f}x the floor"
        )
        print(f"  board in process, warm                   {_ms(warm[0])}   min {_ms(warm[1])}   target < 50 ms")
        print(
            f"  board in process, one file just saved   {_ms(saved[0])}   min {_ms(saved[1])}   (that file read again)"
        )
        record(BENCH, f"board {args.sessions}x{issues}, cold process (cache filled)", cold[0], "s", 0.300)
        record(BENCH, f"board {args.sessions}x{issues}, cold process, empty cache", empty, "s", None)
        record(BENCH, f"board {args.sessions}x{issues}, warm in process", warm[0], "s", 0.050)

        # --- the next session from a 10,000-item one ------------------------------------------
        big = base / "big" / "session-1.toml"
        big.parent.mkdir()
        store.save_session(make_session(10_000, seed=7), big, backup=False)
        outs = iter(range(100))

        def new_after() -> list[str]:
            return [
                PY,
                "-m",
                "ibb_facilitator",
                "new",
                "--after",
                str(big),
                "--no-open",
                "-o",
                str(big.parent / f"next-{next(outs)}.toml"),
            ]

        runs = []
        for _ in range(3):
            runs += _process(new_after(), env, 1)
        new_cold = _median(runs)
        previous = store.load_session(big)
        carry_only = _median(_in_process(lambda: carry(previous, big.name), 3))
        print(f"\nibb new --after a {previous.item_count():,}-item session")
        print(f"  as a process (load, carry, save)         {_ms(new_cold[0])}   min {_ms(new_cold[1])}   target < 1 s")
        print(f"  carryover.carry alone, in process        {_ms(carry_only[0])}   min {_ms(carry_only[1])}")
        record(BENCH, "ibb new --after a 10,000-item session", new_cold[0], "s", 1.0)

        # --- the TA package ---------------------------------------------------------------------
        package_dir = base / "package"
        package_dir.mkdir()
        written = write_package_negotiation(package_dir)
        neg = load(package_dir)
        print(
            f"\nTA package: {len(neg.package.current)} TAs in force, {len(neg.package.appendix)} superseded, "
            f"{len(neg.sessions)} sessions ({written} TAs written)"
        )
        from ibb_facilitator.export import write_document
        from ibb_facilitator.export.package import build

        for fmt in ("md", "html", "docx"):
            out = base / f"package.{fmt}"
            cmd = [
                PY,
                "-m",
                "ibb_facilitator",
                "export",
                str(package_dir),
                "--report",
                "package",
                "--format",
                fmt,
                "-o",
                str(out),
            ]
            proc = _median(_process(cmd, env, 3))
            inproc = _median(_in_process(lambda fmt=fmt: write_document(build(load(package_dir)), fmt), 3))
            print(
                f"  {fmt:<4} as a process                  {_ms(proc[0])}   min {_ms(proc[1])}   target < 1 s   "
                f"(in process: {_ms(inproc[0]).strip()}, {out.stat().st_size / 1024:.0f} KiB)"
            )
            record(BENCH, f"TA package of {len(neg.package.current)} TAs in force, {fmt}, process", proc[0], "s", 1.0)
        facts.forget()
    return 0


if __name__ == "__main__":
    sys.exit(main())
