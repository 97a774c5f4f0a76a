"""Write ``examples/spring-contract.toml``: the bundled example (``ibb_facilitator.samples.example``).

The session is built in ``ibb_facilitator/samples/example.py`` (session 3 of a fictional
successor-contract negotiation, made through ``editing`` on a simulated clock); this script checks
it as a load would and writes it. Rebuilding gives the same bytes: after a change to the builder,
to ``editing``'s log or to the file format, run it and commit the file it writes.

    python examples/build_example.py            # writes examples/spring-contract.toml
    python examples/build_example.py OUT.toml   # writes elsewhere
"""

from __future__ import annotations

import sys
from pathlib import Path

from ibb_facilitator import process, store
from ibb_facilitator.model import integrity_problems
from ibb_facilitator.samples import example_session

OUTPUT = Path(__file__).resolve().parent / "spring-contract.toml"


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else OUTPUT
    session = example_session()
    problems = integrity_problems(session) + process.rule_problems(session)  # what a load checks
    if problems:
        for path, message in problems:
            print(f"{path}: {message}", file=sys.stderr)
        return 1
    store.save_session(session, target, backup=False)
    store.load_session(target)  # what was written must read back
    print(f"Wrote {target}: {len(session.issues)} issues, {session.item_count()} items, {len(session.events)} events")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
