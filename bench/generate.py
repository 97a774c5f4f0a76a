"""Write a seeded, realistic benchmark session file (``ibb_facilitator.samples.generated``).

``make_session(items, seed)`` is ``samples.generated_session``: a valid session whose
``item_count()`` lands on ``items``, the same for a seed (see that module for its shape). The
benchmarks import it from here.

    python bench/generate.py 10000 -o /tmp/big.toml [--seed 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Runnable as a script from anywhere in the repo.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ibb_facilitator.samples import generated_session as make_session

__all__ = ["main", "make_session"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a seeded, realistic benchmark session file.")
    parser.add_argument("items", type=int, help="about how many items (Session.item_count())")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the .toml file to write")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from ibb_facilitator import store

    session = make_session(args.items, args.seed)
    text = store.dumps_session(session)
    store.loads_session(text, str(args.output))  # refuse to write a file the app would refuse
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {session.item_count():,} items, {len(text.encode()):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
