"""Sample sessions built in code, one builder each, shared by ``examples/``, ``tests/`` and ``bench/``.

- ``next_session()``: session 4 of that negotiation, carried over from the example (``ibb new --after``).
- ``example_session()``: the bundled example, session 3 of the fictional Maple Valley negotiation,
  made through ``editing`` on a simulated clock; ``examples/build_example.py`` writes it to
  ``examples/spring-contract.toml`` (the same bytes every time).
- ``team_session()`` / ``populated_session()``: the test suite's small Lakeview team, bare or
  with every part of the model filled in (``VOTERS``, ``fist`` and the other names of the team
  are in ``samples.team``).
- ``generated_session(items, seed=0)``: a seeded, valid session of realistic shape and about
  ``items`` items, for the benchmarks and big-file tests (``bench/generate.py`` writes one); the
  same seed gives the same session.
- ``SimulatedClock`` and ``simulated``: ``editing.now`` on a clock the builder moves.

Core code: nothing here imports Textual; nothing in the app imports this package.
"""

from __future__ import annotations

from .clock import SimulatedClock, simulated
from .example import example_session, next_session
from .generated import generated_session
from .team import populated_session, team_session

__all__ = [
    "SimulatedClock",
    "example_session",
    "generated_session",
    "next_session",
    "populated_session",
    "simulated",
    "team_session",
]
