"""What costing costs: totals, the file with cost lines, and reading typed amounts.

On a generated 10,000-item session (``bench/generate.py``, seed 0) whose every option carries
two cost lines over three contract years (and the session a budget), it measures:

- the totals of every option (``costing.option_totals``) and of the TA package
  (``costing.session_package``): what the Options list, the grid and the board repaint from;
- saving (``store.dumps_session``) and loading (``store.loads_session``) the same session with
  and without the cost lines: the amounts are strings in the file and ``Decimal`` in the model;
- reading what a recorder types (``costing.parse_amount``), per amount.

Each figure is the median (and the min) of ``--runs`` runs. It prints figures and exits 0.

    python bench/costing_bench.py [--items 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import make_session  # noqa: E402

from ibb_facilitator import costing, store  # noqa: E402
from ibb_facilitator.model import Costing, CostLine  # noqa: E402


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    plain = make_session(args.items, seed=0)
    costed = make_session(args.items, seed=0)
    costed.costing = Costing(years=["2027–28", "2028–29", "2029–30"], budget=[Decimal("1500000")] * 3)
    lines = [
        CostLine(label="Salary step", amounts=[Decimal("474000")] * 3, basis="one step = $474,000"),
        CostLine(label="Retro pay", amounts=[Decimal("0.1"), Decimal("0.2"), Decimal("1250.50")]),
    ]
    options = [o for issue in costed.issues for o in issue.options]
    for option in options:
        option.costs = [line.model_copy() for line in lines]
    for ta in costed.agreements:
        ta.costs = [line.model_copy() for line in lines]
    print(f"{args.items} items: {len(options)} options with 2 cost lines each, {len(costed.agreements)} TAs")

    rows: list[tuple[str, tuple[float, float]]] = []
    rows.append(("totals of every option", timed(lambda: [costing.option_totals(o) for o in options], args.runs)))
    rows.append(("the TA package's total", timed(lambda: costing.session_package(costed), args.runs)))
    text_plain = store.dumps_session(plain)
    text_costed = store.dumps_session(costed)
    rows.append(("dumps, no costs", timed(lambda: store.dumps_session(plain), args.runs)))
    rows.append(("dumps, with costs", timed(lambda: store.dumps_session(costed), args.runs)))
    rows.append(("load, no costs", timed(lambda: store.loads_session(text_plain, "plain.toml"), args.runs)))
    rows.append(("load, with costs", timed(lambda: store.loads_session(text_costed, "costed.toml"), args.runs)))
    typed = ["474000", "474,000", "$1.2m", "-1,250.50", "279k"] * 200
    rows.append(("parse 1,000 typed amounts", timed(lambda: [costing.parse_amount(t) for t in typed], args.runs)))
    assert store.loads_session(text_costed, "costed.toml") == costed  # exact, every amount

    width = max(len(name) for name, _ in rows)
    print(f"{'figure'.ljust(width)}  {'median':>10}  {'min':>10}")
    for name, (median, least) in rows:
        print(f"{name.ljust(width)}  {median * 1000:>8.1f}ms  {least * 1000:>8.1f}ms")
    sizes = [len(text.encode()) / 2**20 for text in (text_plain, text_costed)]
    print(f"file size: {sizes[0]:.1f} MiB without costs, {sizes[1]:.1f} MiB with")
    return 0


if __name__ == "__main__":
    sys.exit(main())
