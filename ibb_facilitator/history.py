"""Undo for the room: snapshots of a session before each change.

The event log is append-only, so undo never removes events: it restores every other field of
the session as it was before the last change and logs an ``undo`` event of its own.
"""

from __future__ import annotations

from typing import Any

from .editing import _log
from .model import Session


class History:
    def __init__(self, limit: int = 50):
        self.limit = limit
        self._stack: list[tuple[str, dict[str, Any]]] = []

    def __bool__(self) -> bool:
        return bool(self._stack)

    @property
    def last_label(self) -> str | None:
        return self._stack[-1][0] if self._stack else None

    def checkpoint(self, session: Session, label: str) -> None:
        """Remember ``session`` as it is now, before a change called ``label``.

        A ``model_dump`` (compiled, a few ms for thousands of items) rather than a deep copy of
        the models (ten times slower): undo is rare, a checkpoint comes with every change.
        """
        self._stack.append((label, session.model_dump(exclude={"events"})))
        del self._stack[: -self.limit]

    def discard(self) -> None:
        """Forget the last checkpoint (the change it was taken for did not happen)."""
        if self._stack:
            self._stack.pop()

    def undo(self, session: Session) -> str | None:
        """Put ``session`` back as it was before the last change; returns that change's label."""
        if not self._stack:
            return None
        label, state = self._stack.pop()
        restored = Session.model_validate({**state, "events": session.events})
        session.__dict__.update({name: value for name, value in restored.__dict__.items() if name != "events"})
        _log(session, "undo", "", f"Undone: {label}", undone=label)
        return label
