"""How long opening and saving a session file takes, and how much memory opening it needs.

For sessions of 1,000, 10,000 and 100,000 items (``bench/generate.py``, seed 0) it measures:

- load + validate: ``store.load_session`` on the file (read, parse, validate, integrity), and
  inside the same runs the time spent reading, parsing (``store.parse_toml``: rtoml),
  validating with pydantic, and checking integrity and rules (``store.session_problems``);
- dumps: ``store.dumps_session`` (session to TOML text), split into "prune + TOML text"
  (``tomlwrite.dumps_plan``, one walk over the live models) and the rest (no ``model_dump``
  copy any more: about nothing);
- save: ``store.save_session`` over an existing file, as autosave does (backup link, fsync of
  the file and of the folder);
- autosave after one change, as the app does it (``savecache``): the snapshot the UI thread
  takes, and the bytes, write and fsync on the worker, with the previous autosave's pieces cached.
  Quit and Save as in the app take the same path (``IbbApp.file_bytes``: the pieces, on the UI
  thread), so this is their figure too once a session has autosaved; ``save`` above is the cold
  path (``ibb new --after``, ``ibb train``, a session's first save);
- file size, and the memory a fresh process needs to load the file (peak RSS, and tracemalloc's
  peak of the Python allocations made by the load).

Each time is the median (and the min) over several runs; a figure stops repeating once its runs
have taken ``BUDGET_S`` seconds, so a slow figure gets fewer runs (the table says how many).
The last columns are growth ratios: with ten times the items a linear cost grows 10x.
It prints figures beside targets and always exits 0: it measures, it does not judge.

    python bench/store_bench.py [--sizes 1000,10000] [--seed 0] [--runs 7]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import make_session  # noqa: E402

from ibb_facilitator import editing, store, tomlwrite  # noqa: E402
from ibb_facilitator.savecache import SaveCache  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
RUNS = {1_000: 7, 10_000: 7, 100_000: 3}
BUDGET_S = 6.0  # stop repeating a figure once its runs took this long (at least one run)
MIB = 1024 * 1024

# (figure key, size it applies to, limit, unit) - the performance budget from DESIGN.md.
TARGETS = {
    "load": (10_000, 0.300, "s"),
    "save": (10_000, 0.150, "s"),
    "autosave": (10_000, 0.150, "s"),
    "rss": (10_000, 150 * MIB, "B"),
}


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Figure:
    """The runs of one figure at one size: seconds (or bytes) per run."""

    values: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def min(self) -> float | None:
        return min(self.values) if self.values else None


class Probe:
    """Times calls to module functions while a measured call runs (the parts of one whole).

    Patching the module attribute works because the store looks its helpers up at call time.
    A function that is not there (renamed) is simply not split out.
    """

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    @contextmanager
    def watching(self, module: Any, names: dict[str, str]) -> Iterator[None]:
        originals = {}
        for attr, label in names.items():
            original = getattr(module, attr, None)
            if not callable(original):
                continue

            def wrapper(
                *args: Any, _original: Callable[..., Any] = original, _label: str = label, **kwargs: Any
            ) -> Any:
                start = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    self.spent[_label] += time.perf_counter() - start

            originals[attr] = original
            setattr(module, attr, wrapper)
        try:
            yield
        finally:
            for attr, original in originals.items():
                setattr(module, attr, original)


def repeat(
    fn: Callable[[], Any], runs: int, parts: Callable[[Probe], Any] | None = None, budget: float = BUDGET_S
) -> tuple[dict[str, Figure], Any]:
    """Run ``fn`` up to ``runs`` times (fewer past ``budget`` seconds); time it and its probed parts."""
    figures: dict[str, Figure] = defaultdict(Figure)
    spent = 0.0
    result = None
    for _ in range(runs):
        # Free the last run's result before timing this one: ``result = fn()`` would otherwise
        # free it inside the timed span (40-60 ms for the 10,000-item session of a load).
        result = None
        gc.collect()
        probe = Probe()
        with parts(probe) if parts else _nothing():
            start = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - start
        figures["total"].values.append(elapsed)
        for label, seconds in probe.spent.items():
            figures[label].values.append(seconds)
        spent += elapsed
        if spent >= budget:
            break
    return figures, result


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def _cap_lifted(size: int) -> Iterator[bool]:
    """Lift ``store.read.MAX_BYTES`` for a file above it (so a 100k file can still be measured)."""
    cap = getattr(store.read, "MAX_BYTES", None)
    over = cap is not None and size > cap
    if over:
        store.read.MAX_BYTES = size + 1
    try:
        yield over
    finally:
        if over:
            store.read.MAX_BYTES = cap


#: The parts of ``store.load_session`` timed inside each load (attribute of ``store.load``, where
#: ``load_session`` looks them up -> label).
LOAD_PARTS = {"read_bytes": "read", "parse_toml": "parse", "validate": "validate", "session_problems": "integrity"}

_FRESH_SCRIPT = r"""
import gc, json, sys, time
sys.path[:0] = [sys.argv[1], sys.argv[2]]

def peak_rss():
    # VmHWM is this process's own peak. ru_maxrss is not: on Linux a child starts with the
    # peak of the parent it was forked from (kept across exec), which would be the bench's.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)

from ibb_facilitator import store
from store_bench import LOAD_PARTS, Probe
path, mode = sys.argv[3], sys.argv[4]
store.read.MAX_BYTES = max(getattr(store.read, "MAX_BYTES", 0), int(sys.argv[5]) + 1)
gc.collect()
before = peak_rss()
if mode == "tracemalloc":
    import tracemalloc
    tracemalloc.start()
    session = store.load_session(path)
    current, peak = tracemalloc.get_traced_memory()
    print(json.dumps({"peak": peak, "kept": current}))
else:
    probe = Probe()
    with probe.watching(store.load, LOAD_PARTS):
        start = time.perf_counter()
        session = store.load_session(path)
        elapsed = time.perf_counter() - start
    print(json.dumps({"before": before, "after": peak_rss(), "total": elapsed, **probe.spent}))
"""


def fresh_load(path: Path, mode: str) -> dict[str, float] | str:
    """Load ``path`` in a fresh interpreter: its time and parts, and memory nothing else inflates."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _FRESH_SCRIPT,
            str(ROOT),
            str(Path(__file__).resolve().parent),
            str(path),
            mode,
            str(path.stat().st_size),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["failed"])[-1]
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- one size ---------------------------------------------------------------------------------


def autosave(session: Any, path: Path, runs: int, out: dict[str, Any]) -> None:
    """The app's autosave after one change (an issue's notes edited: that issue and one event are
    new): ``SaveCache.snapshot`` on the UI thread, then ``render`` + ``SessionFile.save`` on a
    worker (as the app: the check that nobody changed the file, by content, then the atomic
    write), with the cache filled by the autosave before. Checks once that the bytes equal a
    full dump."""
    cache = SaveCache()
    store.write_atomic(path, cache.dumps(session))  # the autosave before this one
    opened = store.SessionFile.open(path)
    opened.session = session
    opened.save(cache.dumps(session))  # (as after the app's first autosave: it knows the bytes)
    ui, worker, total = Figure(), Figure(), Figure()
    for n in range(max(runs, 5)):
        issue = session.issues[n % len(session.issues)]
        editing.edit_issue(session, issue.id, notes=f"{issue.notes[:40]} (bench edit {n})")
        gc.collect()
        start = time.perf_counter()
        snap = cache.snapshot(session)
        taken = time.perf_counter()
        opened.save(cache.render(snap))
        done = time.perf_counter()
        ui.values.append(taken - start)
        worker.values.append(done - taken)
        total.values.append(done - start)
        if sum(total.values) > BUDGET_S:
            break
    opened.close()
    exact = path.read_bytes() == store.dumps_session(session).encode("utf-8")
    out["autosave"], out["autosave.ui"], out["autosave.worker"] = total, ui, worker
    if not exact:  # shown in the table instead of the time
        out["autosave"] = Figure(note="NOT A FULL DUMP")


def measure(items: int, seed: int, runs: int, folder: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """Every figure for one size. Only one session is alive at a time while timing, so the
    garbage collector of one measurement never walks the objects of another."""
    out: dict[str, Any] = {"items": items}
    started = time.perf_counter()
    session = make_session(items, seed)
    out["generate"] = time.perf_counter() - started
    out["item_count"] = session.item_count()
    out["shape"] = {
        "issues": len(session.issues),
        "ratings": sum(len(o.scores) for i in session.issues for o in i.options),
        "responses": sum(len(c.responses) for i in session.issues for c in i.checks),
        "events": len(session.events),
    }
    log(f"  {items:,} items: generated in {out['generate']:.1f} s; dumps and save")

    # 1. dumps, then save over an existing file (backup link + fsyncs, as autosave does).
    # partial, not a lambda: `session` is deleted below, and the callable must hold the object, not the name
    figures, text = repeat(
        partial(store.dumps_session, session), runs, lambda probe: probe.watching(tomlwrite, {"dumps_plan": "toml"})
    )
    out["dumps"] = figures["total"]
    out["dumps.toml"] = figures["toml"]
    if figures["toml"].values:
        out["dumps.dict"] = Figure([t - m for t, m in zip(figures["total"].values, figures["toml"].values)])
    data = text.encode("utf-8")
    del text
    out["size"] = Figure([len(data)])
    load_path = folder / f"session-{items}.toml"
    save_path = folder / f"saved-{items}.toml"
    load_path.write_bytes(data)
    save_path.write_bytes(data)
    del data
    figures, _ = repeat(partial(store.save_session, session, save_path), runs)
    out["save"] = figures["total"]
    with _cap_lifted(2 * save_path.stat().st_size):  # opening and the outside-change check read it back
        autosave(session, save_path, runs, out)
    del session
    gc.collect()

    # 2. load: first in a fresh process (peak memory, and the first timed run), then in this one.
    log(f"  {items:,} items: load (fresh process, then here)")
    out["over_cap"] = load_path.stat().st_size > getattr(store.read, "MAX_BYTES", float("inf"))
    load: dict[str, Figure] = defaultdict(Figure)
    fresh = fresh_load(load_path, "rss")
    if isinstance(fresh, dict):
        out["rss"] = Figure([fresh["after"]])
        out["rss.growth"] = Figure([fresh["after"] - fresh["before"]])
        for label in ("total", *LOAD_PARTS.values()):
            if label in fresh:
                load[label].values.append(fresh[label])
    else:
        out["rss"] = Figure(note=fresh)
    spent = sum(load["total"].values)
    if runs > 1 and spent < BUDGET_S:
        with _cap_lifted(load_path.stat().st_size):
            more, _ = repeat(
                lambda: store.load_session(load_path),
                runs - len(load["total"].values),
                lambda probe: probe.watching(store.load, LOAD_PARTS),
                budget=BUDGET_S - spent,
            )
        for label, figure in more.items():
            load[label].values.extend(figure.values)
    out["load"] = load["total"]
    for part in ("read", "parse", "integrity"):
        out[f"load.{part}"] = load[part]
    if load["validate"].values:
        integrity = load["integrity"].values or [0.0] * len(load["validate"].values)
        out["load.pydantic"] = Figure([v - i for v, i in zip(load["validate"].values, integrity)])
    gc.collect()

    if items <= 10_000:  # tracemalloc slows a load 2-3x: not worth the minutes at 100k
        traced = fresh_load(load_path, "tracemalloc")
        out["traced"] = Figure([traced["peak"]]) if isinstance(traced, dict) else Figure(note=traced)
    else:
        out["traced"] = Figure(note="skipped")
    for leftover in folder.iterdir():
        leftover.unlink()
    return out


# --- the table --------------------------------------------------------------------------------


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    ms = seconds * 1000
    if ms < 10:
        return f"{ms:.2f} ms"
    if ms < 100:
        return f"{ms:.1f} ms"
    return f"{ms:,.0f} ms"


def fmt_bytes(n: float | None) -> str:
    if n is None:
        return "-"
    if n < MIB:
        return f"{n / 1024:.0f} KiB"
    return f"{n / MIB:,.1f} MiB"


ROWS = [
    # (key, label, kind)
    ("load", "load + validate (load_session)", "time"),
    ("load.read", "  read file", "time"),
    ("load.parse", "  parse (rtoml)", "time"),
    ("load.pydantic", "  validate (pydantic)", "time"),
    ("load.integrity", "  integrity + rules", "time"),
    ("dumps", "dumps (dumps_session)", "time"),
    ("dumps.toml", "  prune + TOML text (write_plan)", "time"),
    ("dumps.dict", "  the rest (no model_dump copy now)", "time"),
    ("save", "save (save_session, fsync)", "time"),
    ("autosave", "autosave / quit / Save as, 1 change", "time"),
    ("autosave.ui", "  UI thread (snapshot)", "time"),
    ("autosave.worker", "  worker (bytes, write, fsync)", "time"),
    ("size", "file size", "bytes"),
    ("rss", "peak RSS, fresh process + load", "bytes"),
    ("rss.growth", "  of which the load (peak - before)", "bytes"),
    ("traced", "tracemalloc peak of the load", "bytes"),
]


def table(results: list[dict[str, Any]], elapsed: float) -> str:
    sizes = [r["items"] for r in results]
    by_size = {r["items"]: r for r in results}
    ratios = [(a, b) for a, b in itertools.pairwise(sizes)]
    lines: list[str] = []
    head = ["figure (median / min)".ljust(32)]
    head += [f"{n:,} items{'*' if by_size[n]['over_cap'] else ''}".rjust(21) for n in sizes]
    head += [f"x {b // 1000}k/{a // 1000}k".rjust(11) for a, b in ratios]
    head += ["  target".ljust(28)]
    lines.append("".join(head))
    lines.append("-" * len(lines[0]))
    for key, label, kind in ROWS:
        if not any(key in r for r in results):
            continue
        row = [label.ljust(32)]
        for r in results:
            fig: Figure = r.get(key, Figure())
            if fig.note and not fig.values:
                cell = fig.note[:20]
            elif kind == "time":
                runs = len(fig.values)
                cell = (
                    f"{fmt_time(fig.median)} / {fmt_time(fig.min).removesuffix(' ms')}"
                    if runs > 1
                    else fmt_time(fig.median)
                )
            else:
                cell = fmt_bytes(fig.median)
            row.append(cell.rjust(21))
        for a, b in ratios:
            fa, fb = by_size[a].get(key, Figure()).median, by_size[b].get(key, Figure()).median
            row.append((f"{fb / fa:.1f}" if fa and fb else "-").rjust(11))
        target = TARGETS.get(key)
        if target and target[0] in by_size:
            at, limit, unit = target
            value = by_size[at].get(key, Figure()).median
            shown = fmt_time(limit) if unit == "s" else fmt_bytes(limit)
            verdict = "-" if value is None else ("ok" if value < limit else f"OVER x{value / limit:.1f}")
            row.append(f"  < {shown} at {at // 1000}k: {verdict}")
        lines.append("".join(row).rstrip())
    lines.append("-" * len(lines[0]))
    runs = ", ".join(
        f"{r['items']:,}: {len(r['load'].values)}/{len(r['dumps'].values)}/{len(r['save'].values)}" for r in results
    )
    lines.append(f"runs (load/dumps/save): {runs}. Times: median / min, ms. Linear growth is x 10.0.")
    for r in results:
        s = r["shape"]
        lines.append(
            f"{r['items']:,}-item session: item_count {r['item_count']:,}, {s['issues']} issues, {s['ratings']:,} "
            "ratings, "
            f"{s['responses']:,} responses, {s['events']:,} events; per item: load "
            f"{r['load'].median / r['items'] * 1e6:,.0f} us, "
            f"save {r['save'].median / r['items'] * 1e6:,.0f} us, {r['size'].median / r['items']:,.0f} bytes"
        )
    if any(r["over_cap"] for r in results):
        cap = getattr(store, "MAX_BYTES", 0)
        lines.append(
            f"* the file is over store.MAX_BYTES ({fmt_bytes(cap)}): load_session refuses it; measured with the cap "
            "lifted."
        )
    lines.append(f"bench time {elapsed:.0f} s")
    return "\n".join(lines)


#: Growth per 10x items above which a figure is not "linear or better" (10.0 is linear; the
#: margin is for timing noise and the interpreter's fixed share, which favours the small size).
LINEAR = 12.0
GROWTH = [
    ("load", "load + validate"),
    ("save", "save (full)"),
    ("autosave", "autosave after one change"),
    ("rss.growth", "memory of the load"),
]


def summarize(results: list[dict[str, Any]]) -> None:
    """The budget's figures for ``make bench``'s closing table (bench/summary.py)."""
    from summary import record

    by_size = {r["items"]: r for r in results}
    for key, (at, limit, unit) in TARGETS.items():
        if at in by_size:
            label = dict((k, label) for k, label, _ in ROWS)[key].strip()
            record("store", f"{label}, {at:,} items", by_size[at].get(key, Figure()).median, unit, limit)
    sizes = sorted(by_size)
    for key, label in GROWTH:
        for a, b in itertools.pairwise(sizes):
            fa, fb = by_size[a].get(key, Figure()).median, by_size[b].get(key, Figure()).median
            record(
                "store",
                f"growth {a // 1000}k -> {b // 1000}k items: {label}",
                fb / fa if fa and fb else None,
                "x",
                LINEAR,
                note="10x items; 10.0 is linear",
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated item counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 7, 3 at 100k)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--deadline",
        type=float,
        default=170.0,
        help="skip a size that would end past this many seconds (estimated from the size before)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    import pydantic

    print(
        f"store benchmark: Python {platform.python_version()}, pydantic {pydantic.VERSION}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, seed {args.seed}",
        flush=True,
    )
    started = time.perf_counter()
    results = []
    skipped = []
    previous: tuple[int, float] | None = None  # (items, seconds) of the last size measured
    with tempfile.TemporaryDirectory(prefix="ibb-bench-") as tmp:
        for items in sizes:
            runs = args.runs or RUNS.get(items, 3)
            elapsed = time.perf_counter() - started
            # One pass at this size costs about (items / previous items) x one pass at the last
            # size, a bit more (growth above linear); the big size gets one run of each figure.
            if previous and elapsed + 1.5 * previous[1] * items / previous[0] > args.deadline:
                skipped.append(items)  # a busy or slow machine: keep the figures we have
                continue
            try:
                result = measure(items, args.seed, runs, Path(tmp), lambda m: print(m, file=sys.stderr, flush=True))
            except Exception as exc:  # a figure, not a verdict: report and go on
                print(f"  {items:,} items: FAILED: {type(exc).__name__}: {exc}"[:500], flush=True)
                continue
            results.append(result)
            one_pass = result["generate"] + sum(result[k].median or 0.0 for k in ("dumps", "save", "load"))
            previous = (items, one_pass)
            gc.collect()
    if results:
        print(table(results, time.perf_counter() - started), flush=True)
        summarize(results)
    for items in skipped:
        print(f"{items:,} items: skipped, it would have run past --deadline {args.deadline:.0f} s (a busy machine?)")
    if args.json:
        args.json.write_text(
            json.dumps(
                [{k: (v.values if isinstance(v, Figure) else v) for k, v in r.items()} for r in results], indent=1
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
