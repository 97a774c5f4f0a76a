"""Autosave without writing again what did not change: the session file kept in pieces.

A 10,000-item session is about 9 MB of TOML, and turning every model into text again for each
autosave took about 400 ms, most of it for text that had not changed. ``SaveCache`` keeps:

- the bytes of each issue, keyed by the issue object itself and its edit count
  (``Issue._edits``, bumped by ``editing._find`` whenever a change takes an issue up). An issue
  that was changed, restored by undo (a new object) or loaded (new objects) is written again;
  the others are reused;
- the bytes of the event log, which only grows: only new events are written. A replaced log
  (another session) or one that is no longer what was written (cut short, an old event
  replaced) is written again in full;

and writes everything else (parties, rules, parking lot, actions, agreements, caucuses, cursor,
training...) every time: it is small. The cache knows nothing of the issue's fields: it keeps
whatever ``store._prune`` and ``tomlwrite`` make of ``Issue.model_dump()``, so a schema change
needs nothing here.

The bytes are exactly ``store.dumps_session(session).encode()``: tests/test_savecache.py checks
it after every random edit and undo. For the app the work is split in two: ``snapshot`` runs on
the UI thread and copies what may still change (the small parts, and only the issues changed
since they were last written); ``render`` runs on a worker thread, makes the bytes and fills the
cache. Snapshots may be rendered out of order or not at all: a piece enters the cache only under
the key it was made for, so a stale one is never used.

Pure: no Textual. Never imported by the load side.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, NamedTuple

from . import tomlwrite
from .model import Event, Issue, Session
from .store import _spec, no_cycle_collection, plan, session_plan

#: Past this many new events a snapshot passes the events themselves, not copies, and the worker
#: dumps them (a session just opened: 10,000 events are 30 ms of the UI thread). It may: an event
#: is never changed once the change that logged it has returned (tests/test_fuzz.py checks it).
COPY_EVENTS_UP_TO = 256


class _Issue(NamedTuple):
    """An issue to write: the object and its edit count (the cache key) and its data then."""

    issue: Issue
    edits: int
    data: dict[str, Any]


@dataclass(slots=True)
class Snapshot:
    """What ``render`` needs, detached from anything the UI thread may change afterwards."""

    rest: dict[str, Any]  # session.model_dump() without issues and events
    issues: list[bytes | _Issue]  # in order: kept bytes, or an issue to write
    log: list[bytes]  # the cache's list of event bytes (it only grows) ...
    kept: int  # ... of which the first ``kept`` are this snapshot's first events
    new_events: list[dict[str, Any] | Event]  # the events after those (dumps, or the events)
    last_event: Event | None  # the session's last event at the snapshot


#: A list of tables inside an issue with at least this many rows is kept row by row, so that a
#: change to an issue of 50,000 interests (its stage, one new interest) writes the changed rows
#: only and joins the others' bytes. Shorter lists are written again with their issue: cheaper
#: than keeping them.
ROWS_FROM = 64


def _exact(cls: type) -> bool:
    """Whether two ``model_dump()`` rows of ``cls`` that compare equal are always written the same.

    Not so for a field that may hold a datetime (the same instant in two offsets compares equal)
    or both an int and a bool (``1 == True``): rows of such classes are never reused by content.
    """
    for info in cls.model_fields.values():  # type: ignore[attr-defined]
        shown = str(info.annotation)
        if "datetime" in shown or "Stamp" in shown or ("int" in shown and "bool" in shown):
            return False
        for arg in getattr(info.annotation, "__args__", ()) or (info.annotation,):
            if isinstance(arg, type) and hasattr(arg, "model_fields") and not _exact(arg):
                return False
    return True


def _rows_kept(cls: type) -> frozenset[str]:
    """The fields of ``cls`` whose rows may be reused by content (lists of an ``_exact`` model)."""
    return frozenset(name for name, _, nested in _spec(cls) if nested is not None and _exact(nested))


_ISSUE_PLAN = plan(Issue)
_ISSUE_ROWS = _rows_kept(Issue)
_EVENT_PLAN = plan(Event)


def _issue_bytes(data: dict[str, Any]) -> bytes:
    out = ["\n[[issues]]\n"]
    tomlwrite.write_plan(data, _ISSUE_PLAN, "issues", out)
    return "".join(out).encode("utf-8")


def _event_bytes(event: dict[str, Any] | Event) -> bytes:
    data = event if type(event) is dict else event.model_dump()  # type: ignore[union-attr]
    out = ["\n[[events]]\n"]
    tomlwrite.write_plan(data, _EVENT_PLAN, "events", out)
    return "".join(out).encode("utf-8")


class SaveCache:
    """The session file in pieces, for one session at a time (another session simply misses)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._issues: dict[int, tuple[Issue, int, bytes]] = {}  # id(issue): (issue, edits, bytes)
        self._events: list[Event] | None = None  # the session's event list the bytes belong to
        self._log: list[bytes] = []  # bytes of _events[0], _events[1]...
        self._log_last: Event | None = None  # _events[len(_log) - 1], to notice a rewritten log
        # (issue id, field): {row id: (row data, bytes)}, for an issue's long lists (ROWS_FROM).
        # Reused only when the row's data equals the kept data, so a stale entry is never wrong.
        self._rows: dict[tuple[str, str], dict[Any, tuple[dict[str, Any], bytes]]] = {}

    def clear(self) -> None:
        """Forget everything: the next render writes the whole session (after a failed one)."""
        with self._lock:
            self._issues = {}
            self._events, self._log, self._log_last = None, [], None
            self._rows = {}

    # --- UI thread ----------------------------------------------------------------------------

    def snapshot(self, session: Session) -> Snapshot:
        """Copy what ``render`` needs; cheap when little changed since the last render."""
        rest = session.model_dump(exclude={"issues", "events"})
        events = session.events
        with self._lock:
            issues: list[bytes | _Issue] = []
            live: dict[int, tuple[Issue, int, bytes]] = {}
            for issue in session.issues:
                edits = issue._edits.n
                hit = self._issues.get(id(issue))
                if hit is not None and hit[0] is issue and hit[1] == edits:
                    issues.append(hit[2])
                    live[id(issue)] = hit
                else:
                    issues.append(_Issue(issue, edits, issue.model_dump()))
            self._issues = live  # issues gone from the session (undone, another session) go too
            kept = len(self._log)
            if events is not self._events or kept > len(events) or (kept and events[kept - 1] is not self._log_last):
                self._events, self._log, self._log_last = events, [], None
                kept = 0
            log = self._log
        new = events[kept:]
        new_events: list[dict[str, Any] | Event]
        new_events = [e.model_dump() for e in new] if len(new) <= COPY_EVENTS_UP_TO else list(new)
        return Snapshot(rest, issues, log, kept, new_events, events[-1] if events else None)

    # --- any thread ---------------------------------------------------------------------------

    def _issue(self, data: dict[str, Any]) -> bytes:
        """``_issue_bytes(data)``, with the rows of its long lists reused where they did not change."""
        text = ["\n[[issues]]\n"]
        parts: list[bytes] = []
        for f, rows in tomlwrite.write_plain(data, _ISSUE_PLAN, text):
            if f.name in _ISSUE_ROWS and type(rows) is list and len(rows) >= ROWS_FROM:
                parts.append("".join(text).encode("utf-8"))
                text = []
                parts.extend(self._rows_of((data["id"], f.name), rows, f))
            else:
                tomlwrite.write_nested(f, rows, "issues", text)
        parts.append("".join(text).encode("utf-8"))
        return b"".join(parts)

    def _rows_of(self, where: tuple[str, str], rows: list[dict[str, Any]], f: tomlwrite.Field) -> list[bytes]:
        with self._lock:
            kept = self._rows.get(where) or {}
        full = f"issues.{f.key}"
        header, sub, write = f"\n[[{full}]]\n", f.sub, tomlwrite.write_plan
        assert sub is not None
        fresh: dict[Any, tuple[dict[str, Any], bytes]] = {}
        out: list[bytes] = []
        for row in rows:
            name = row.get("id")
            hit = kept.get(name)
            if hit is not None and hit[0] == row:
                done = hit[1]
            else:
                text = [header]
                write(row, sub, full, text)
                done = "".join(text).encode("utf-8")
                hit = (row, done)
            fresh[name] = hit
            out.append(done)
        with self._lock:
            self._rows[where] = fresh
        return out

    def render(self, snap: Snapshot) -> bytes:
        """The file's bytes for ``snap``: ``store.dumps_session`` of the session then, encoded."""
        with no_cycle_collection():
            return self._render(snap)

    def _render(self, snap: Snapshot) -> bytes:
        issues: list[bytes] = []
        for item in snap.issues:
            if type(item) is bytes:
                issues.append(item)
                continue
            done = self._issue(item.data)  # type: ignore[union-attr]
            issues.append(done)
            with self._lock:
                self._issues[id(item.issue)] = (item.issue, item.edits, done)  # type: ignore[union-attr]
        new = [_event_bytes(e) for e in snap.new_events]
        with self._lock:
            log = snap.log[: snap.kept]
            if snap.log is self._log and new:
                have = len(snap.log) - snap.kept  # rows another render has added since
                if 0 <= have < len(new):
                    snap.log.extend(new[have:])
                    self._log_last = snap.last_event
        # The rest, written in full: what ``dumps_parts`` did with the pruned rest, by plan.
        rest = {**snap.rest, "issues": [], "events": []}
        text: list[str] = []
        parts: list[bytes] = []
        later = tomlwrite.write_plain(rest, session_plan(), text)
        for f in session_plan():
            if f.name == "issues":
                rows = issues
            elif f.name == "events":
                rows = log + new
            else:
                for g, value in later:
                    if g.name == f.name:
                        tomlwrite.write_nested(g, value, "", text)
                continue
            if rows:
                parts.append("".join(text).encode("utf-8"))
                text = []
                parts.extend(rows)
        parts.append("".join(text).encode("utf-8"))
        return b"".join(parts)

    def dumps(self, session: Session) -> bytes:
        """``snapshot`` and ``render`` in one go, on this thread."""
        return self.render(self.snapshot(session))
