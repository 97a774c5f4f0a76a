"""The days a session met, and the days it only planned.

``Session.meeting_days`` is the plan: a new session gets one weekday per day of its agenda (five
for ``contract-negotiation``), whether or not the team ever meets on them. The days it *met* are
the days its log has events on (each event's own date, in the offset it was recorded with). The
minutes, the TA summary and the library show the met days; the planned ones only before anything
was recorded, and then labelled as planned.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from .model import Session


class SessionDays(NamedTuple):
    days: list[date]  # sorted, no repeats
    planned: bool  # True: nothing recorded yet, these are the planned days


def met_days(session: Session) -> list[date]:
    """The dates the session's log has events on, in order."""
    return sorted({event.at.date() for event in session.events})


def session_days(session: Session) -> SessionDays:
    """The days to show for ``session``: the met ones, else the planned ones (so marked)."""
    met = met_days(session)
    if met:
        return SessionDays(met, False)
    return SessionDays(sorted(set(session.meeting_days)), True)
