"""How well coaching.py tells positions from interests, on the labelled corpus, and what the
coaching panel costs a repaint.

    .venv/bin/python bench/coaching_quality.py            # both tables
    .venv/bin/python bench/coaching_quality.py --misses   # and every phrase the detector got wrong

Quality: precision and recall of the position detector (a phrase is called a position when any
rule matches) on the corpus's "dev" part (read while the rules were written), its "held_out" part
(not read) and all of it; then, per rule, how many phrases it matched and how many of those are
positions (its precision) and what share of the positions it finds (its recall). Target (issue 16):
precision >= 0.8. Figures, not a test: tests/test_coaching.py holds the bar.

Cost: ``coaching.issue_notes`` on the largest issue of a generated 10,000-item session, cold (the
per-text cache empty) and warm (what a repaint after one change costs: the phrases seen before
are cached), median of the runs; and one change in the app (adding an interest, which repaints
the stage and the panel) with the panel hidden and shown, on that issue.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ibb_facilitator import coaching  # noqa: E402

CORPUS = HERE.parent / "tests" / "data" / "coaching_corpus.toml"


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  - "


def quality(show_misses: bool) -> None:
    rows = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["phrase"]
    print(f"Position detector on {CORPUS.relative_to(HERE.parent)} ({len(rows)} phrases)\n")
    print(f"{'part':<10} {'phrases':>7} {'positions':>9} {'precision':>9} {'recall':>6}   tp  fp  fn  tn")
    for part in ("dev", "held_out", "all"):
        chosen = [r for r in rows if part == "all" or r["split"] == part]
        tp = fp = fn = tn = 0
        for r in chosen:
            said, real = coaching.reads_as_position(r["text"]), r["label"] == "position"
            tp += said and real
            fp += said and not real
            fn += real and not said
            tn += not said and not real
        print(
            f"{part:<10} {len(chosen):>7} {tp + fn:>9} {_ratio(tp, tp + fp):>9} {_ratio(tp, tp + fn):>6}"
            f"  {tp:>3} {fp:>3} {fn:>3} {tn:>3}"
        )
    print("target: precision >= 0.80 (issue 16)\n")
    positions = sum(1 for r in rows if r["label"] == "position")
    print(f"{'rule (all phrases)':<34} {'matched':>7} {'precision':>9} {'recall':>6}")
    for rule in coaching.RULES:
        hits = [r for r in rows if any(s.rule.id == rule.id for s in coaching.position_signs(r["text"]))]
        right = sum(1 for r in hits if r["label"] == "position")
        name = f"{rule.id}: {rule.name}"
        print(f"{name:<34} {len(hits):>7} {_ratio(right, len(hits)):>9} {_ratio(right, positions):>6}")
    if show_misses:
        print()
        for r in rows:
            signs = coaching.position_signs(r["text"])
            if bool(signs) != (r["label"] == "position"):
                why = ", ".join(f"{s.rule.id} ‘{s.found}’" for s in signs) or "no rule"
                print(f"  {r['label']:<8} {r['split']:<8} {r['text']}  [{why}]")


def cost(runs: int) -> None:
    from generate import make_session

    session = make_session(10_000)
    issue = max(session.issues, key=lambda i: len(i.interests) + len(i.options) + len(i.criteria) + len(i.checks))
    items = len(issue.interests) + len(issue.options) + len(issue.criteria) + len(issue.checks)
    cold, warm = [], []
    for _ in range(runs):
        coaching.position_signs.cache_clear()
        start = time.perf_counter()
        notes = coaching.issue_notes(session, issue)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        coaching.issue_notes(session, issue)
        warm.append(time.perf_counter() - start)
    print(f"\nissue_notes on the largest issue of a 10,000-item session ({items} items, {len(notes)} notes)")
    print(f"  cold (no cached phrase): median {statistics.median(cold) * 1000:.2f} ms, min {min(cold) * 1000:.2f} ms")
    print(f"  warm (a repaint):        median {statistics.median(warm) * 1000:.2f} ms, min {min(warm) * 1000:.2f} ms")
    print("  budget: a frame is 16 ms; the panel computes only while shown, and repaints only what differs")


async def _app_cost(runs: int) -> tuple[list[float], list[float], int]:
    import os
    import tempfile

    from generate import make_session

    from ibb_facilitator import editing, store
    from ibb_facilitator.model import Stage
    from ibb_facilitator.tui.app import IbbApp

    folder = Path(tempfile.mkdtemp(prefix="coaching-bench-"))
    os.environ["IBB_DATA_DIR"] = str(folder / "data")  # never the user's preferences
    session = make_session(10_000)
    issue = max(session.issues, key=lambda i: len(i.interests) + len(i.options) + len(i.criteria))
    editing.set_cursor(session, issue.id, Stage.INTERESTS)
    issue.stage = Stage.INTERESTS
    path = folder / "big.toml"
    store.save_session(session, path)
    app = IbbApp(path=path)
    off: list[float] = []
    on: list[float] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        for n in range(runs * 2):
            shown = n % 2 == 1
            if app.preferences.coaching != shown:
                app.screen.action_coaching()  # type: ignore[attr-defined]
                await pilot.pause()
            start = time.perf_counter()
            app.change("add interest", editing.add_interest, issue.id, f"We want {n} more planning periods", "labor")
            (on if shown else off).append(time.perf_counter() - start)
            await pilot.pause()
        await pilot.press("ctrl+q")
    return off, on, len(app.session.issue(issue.id).interests)


def app_cost(runs: int) -> None:
    import asyncio

    off, on, interests = asyncio.run(_app_cost(runs))
    print("\nOne change in the app (add an interest: the change, its log, every repaint it causes), UI thread,")
    print(f"on that issue at Interests ({interests} interests by the end), 160x45:")
    print(f"  coaching hidden: median {statistics.median(off) * 1000:.2f} ms, min {min(off) * 1000:.2f} ms")
    print(f"  coaching shown:  median {statistics.median(on) * 1000:.2f} ms, min {min(on) * 1000:.2f} ms")
    print("  typing itself repaints nothing here: the notes change only with the record")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="list every phrase the detector got wrong")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    quality(args.misses)
    cost(args.runs)
    app_cost(args.runs)


if __name__ == "__main__":
    main()
