"""Undo for the room: snapshots of a session before each change.

The event log is append-only, so undo never removes events: it restores every other field of
the session as it was before the last change (but the stage timer, which keeps running) and logs
an ``undo`` event of its own.
"""

from __future__ import annotations

from .editing import _log
from .model import Issue, Session

_to_json = Session.__pydantic_serializer__.to_json
_issue_json = Issue.__pydantic_serializer__.to_json


class History:
    """The last ``limit`` states of a session, newest last, each with the change that followed it.

    A state is compact JSON made by pydantic's compiled serializer (a deep copy of the models was
    ten times slower, and 50 of them made every garbage collection walk millions of objects): the
    session without its issues and events, and each issue on its own. An issue that did not
    change since the last checkpoint (``editing`` bumps ``Issue._edits`` whenever it takes an issue
    up to change it) is not serialized again: its bytes are shared with the states before. So a
    checkpoint costs the changed issue and the small rest, not the whole session (about 14 ms and
    3 MiB each at 10,000 items when every state was the whole session).
    """

    def __init__(self, limit: int = 50):
        self.limit = limit
        self._stack: list[tuple[str, bytes, tuple[bytes, ...]]] = []  # (label, rest, issues)
        # The issues of the last checkpoint: id -> (the issue, its edit count then, its JSON). The
        # issue is held so that its id cannot be reused by another object while it is here.
        self._last: dict[int, tuple[Issue, int, bytes]] = {}

    def __bool__(self) -> bool:
        return bool(self._stack)

    @property
    def last_label(self) -> str | None:
        return self._stack[-1][0] if self._stack else None

    def checkpoint(self, session: Session, label: str) -> None:
        """Remember ``session`` as it is now, before a change called ``label``."""
        issues = self.prepare(session)
        rest = _to_json(session, exclude={"events", "issues"})
        self._stack.append((label, rest, tuple(json for _, _, json in issues.values())))
        del self._stack[: -self.limit]

    def prepare(self, session: Session) -> dict[int, tuple[Issue, int, bytes]]:
        """Serialize the issues changed since the last checkpoint or preparation, now: called
        once a change is on the screen, it spares the next change's checkpoint (on its key's
        path) the issue the last change took up. An issue changed after this is serialized again
        by the checkpoint (its edit count moved on)."""
        issues: dict[int, tuple[Issue, int, bytes]] = {}
        for issue in session.issues:
            edits = issue._edits.n
            seen = self._last.get(id(issue))
            if seen is None or seen[0] is not issue or seen[1] != edits:
                seen = (issue, edits, _issue_json(issue))
            issues[id(issue)] = seen
        self._last = issues
        return issues

    def discard(self) -> None:
        """Forget the last checkpoint (the change it was taken for did not happen)."""
        if self._stack:
            self._stack.pop()

    def undo(self, session: Session) -> str | None:
        """Put ``session`` back as it was before the last change; returns that change's label."""
        if not self._stack:
            return None
        label, rest, issues = self._stack.pop()
        comma = b"," if rest != b"{}" else b""
        restored = Session.model_validate_json(b"".join((rest[:-1], comma, b'"issues":[', b",".join(issues), b"]}")))
        clock = session.cursor.clock  # the running stage timer is not a change to undo
        session.__dict__.update({name: value for name, value in restored.__dict__.items() if name != "events"})
        session.cursor.clock = clock
        self._last = {}
        _log(session, "undo", "", f"Undone: {label}", undone=label)
        return label
