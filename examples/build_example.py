"""Write the bundled example negotiation: ``examples/spring-contract.toml`` (session 3) and
``examples/spring-contract-next.toml`` (session 4, carried over from it), from
``ibb_facilitator.samples.example``.

The session is built in ``ibb_facilitator/samples/example.py`` (session 3 of a fictional
successor-contract negotiation, made through ``editing`` on a simulated clock); this script checks
it as a load would and writes it. Rebuilding gives the same bytes: after a change to the builder,
to ``editing``'s log or to the file format, run it and commit the file it writes.

    python examples/build_example.py            # writes both files in examples/
    python examples/build_example.py DIR        # writes them in DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from ibb_facilitator import process, store
from ibb_facilitator.model import integrity_problems
from ibb_facilitator.samples import example_session, next_session

HERE = Path(__file__).resolve().parent
NAMES = ("spring-contract.toml", "spring-contract-next.toml")


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else HERE
    third = example_session()
    for name, session in zip(NAMES, (third, next_session(third)), strict=True):
        problems = integrity_problems(session) + process.rule_problems(session)  # what a load checks
        if problems:
            for path, message in problems:
                print(f"{name}: {path}: {message}", file=sys.stderr)
            return 1
        target = folder / name
        store.save_session(session, target, backup=False)
        store.load_session(target)  # what was written must read back
        items, events = session.item_count(), len(session.events)
        print(f"Wrote {target}: {len(session.issues)} issues, {items} items, {events} events")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
