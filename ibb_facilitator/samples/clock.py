"""A simulated clock for building sessions through ``editing`` with realistic, repeatable times."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from .. import editing


class SimulatedClock:
    """A stand-in for ``editing.now``: every recorded change takes ``step`` (20 s); ``at`` jumps
    to a time of day, ``wait`` lets minutes pass. Times keep ``start``'s time zone."""

    def __init__(self, start: datetime, step: timedelta = timedelta(seconds=20)) -> None:
        self.current = start
        self.step = step

    def __call__(self) -> datetime:
        self.current += self.step  # every recorded change takes a moment
        return self.current

    def at(self, day: date, hhmm: str) -> None:
        hours, minutes = map(int, hhmm.split(":"))
        self.current = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=self.current.tzinfo)

    def wait(self, minutes: int) -> None:
        self.current += timedelta(minutes=minutes)


@contextmanager
def simulated(clock: SimulatedClock) -> Iterator[SimulatedClock]:
    """``editing.now`` is ``clock`` inside the block (and the real clock again after it)."""
    real = editing.now
    editing.now = clock
    try:
        yield clock
    finally:
        editing.now = real
