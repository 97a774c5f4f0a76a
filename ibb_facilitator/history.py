"""Undo for the room: snapshots of a session before each change.

The event log is append-only, so undo never removes events: it restores every other field of
the session as it was before the last change and logs an ``undo`` event of its own.
"""

from __future__ import annotations

from .editing import _log
from .model import Session


class History:
    def __init__(self, limit: int = 50):
        self.limit = limit
        self._stack: list[tuple[str, bytes]] = []

    def __bool__(self) -> bool:
        return bool(self._stack)

    @property
    def last_label(self) -> str | None:
        return self._stack[-1][0] if self._stack else None

    def checkpoint(self, session: Session, label: str) -> None:
        """Remember ``session`` as it is now, before a change called ``label``.

        Kept as compact JSON bytes made by pydantic's compiled serializer: a few ms for thousands
        of items, about a megabyte, and invisible to the garbage collector (a deep copy of the
        models was ten times slower, and 50 of them made every collection walk millions of objects).
        """
        self._stack.append((label, Session.__pydantic_serializer__.to_json(session, exclude={"events"})))
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
        restored = Session.model_validate_json(state)
        session.__dict__.update({name: value for name, value in restored.__dict__.items() if name != "events"})
        _log(session, "undo", "", f"Undone: {label}", undone=label)
        return label
