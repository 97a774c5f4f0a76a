"""The session library: every session file in a folder tree, listed and searchable.

``Library.refresh(root)`` walks ``root`` for ``*.toml`` files and keeps a search index of them in
``paths.cache_dir()/library.sqlite3`` (SQLite with FTS5, from the standard library). The index is
a cache, never the source of truth: files are keyed by their absolute path and re-read only when
their ``mtime_ns`` or size changed; files that disappeared are dropped. A damaged index (SQLite
says the file is not a database or is malformed, anywhere in it and at any moment; or its tables
are not the ones this version makes) is moved aside to ``library.sqlite3.broken-<time>`` (the two
newest such copies are kept, for a bug report), built again, and ``Library.notices`` says so in
one line for the CLI (stderr) and the app (a toast). An index that is only busy, on a full disk
or unreadable is never moved: where the cache folder cannot be used the index is kept in memory.

What is listed:

- a **session** (a TOML file with ``schema_version``) that loads: title, district, meeting days,
  issues open / agreed, last change (its last logged event, else the file's mtime);
- a **broken** file (unreadable, not TOML, fails validation): its path and the store's error.
  A broken file never stops the listing or the index;
- agendas and other TOML files (no ``schema_version``) are skipped, and so are hidden files and
  folders (lock files ``.NAME.toml.lock``, temp files of a save) and backups (``NAME.toml.bak``).

What is searched: every kind of text a session holds, one index row per item with its kind, its
id and its issue (see ``KINDS``). ``search`` takes what a person typed (never FTS5 syntax: every
word is quoted, so ``AND``, ``*``, ``(`` or a stray quote are just text), matches every word
(a word may be the start of a longer one: ``stip`` finds "stipend"; ``"class size"`` in quotes
is an exact phrase) and ranks with bm25, weighted by kind so a hit in a title or an issue
statement comes before a passing mention in a note.

No textual or rich here: the CLI and the TUI both use it.

Over 500 lines: one index and what it needs end to end (reading a file into rows, the walk, the
SQLite schema and its repair when damaged, search, and the listing's filter, sort and cell
widths); ``Library`` (about 400 lines) holds one connection its parts share.
"""

from __future__ import annotations

import gc
import os
import re
import sqlite3
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from . import paths
from .listing_snapshot import walk
from .store.errors import StoreError

# ``typing`` and ``glob`` only where they are used: a warm listing needs neither (typing alone
# was ~2 ms of a fresh `ibb library`'s start). Type checkers take any ``TYPE_CHECKING`` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .model import Session

DB_NAME = paths.LIBRARY_INDEX
INDEX_VERSION = 3  # bump when the schema or what is indexed changes: the index is rebuilt
# 2: first_day/last_day/n_days are the days the session met (its log), "planned" marks planned ones
# 3: no FTS5 prefix index (prefix queries are as fast without it on 150,000 items; a third of the size)

#: kind -> (what a person calls it, bm25 weight). A higher weight ranks the kind's hits higher.
KINDS: dict[str, tuple[str, float]] = {
    "title": ("session title", 4.0),
    "issue": ("issue", 3.0),
    "agreement": ("tentative agreement", 2.0),
    "interest": ("interest", 1.5),
    "option": ("option", 1.5),
    "criterion": ("criterion", 1.5),
    "check": ("consensus check", 1.2),
    "issue_notes": ("issue notes", 1.0),
    "parking": ("parking lot", 1.0),
    "action": ("action item", 1.0),
    "info_request": ("information request", 1.0),
    "ground_rule": ("ground rule", 1.0),
    "decision_rule": ("decision rule", 1.0),
    "caucus": ("caucus", 1.0),
    "party": ("party", 0.8),
    "session": ("session details", 0.8),
}
#: Kinds whose item id is a real id in the session (``Session.all_ids``); the others carry a
#: location instead (``title``, ``ground_rules[2]``, a party id...).
ID_KINDS = frozenset(
    {
        "issue",
        "issue_notes",
        "interest",
        "option",
        "criterion",
        "check",
        "agreement",
        "parking",
        "action",
        "info_request",
        "caucus",
    }
)
WHO_WEIGHT = 0.3  # a match on the holder / owner column only counts this much

SORTS = ("title", "district", "date", "changed")

# Highlight markers inside snippets: Unicode noncharacters, reserved for a program's own use.
# A text that contains one anyway (or a NUL, where FTS5 cuts) shows as itself, unhighlighted.
_MARK_OPEN, _MARK_CLOSE = "\ufdd0", "\ufdd1"
_SNIPPET_TOKENS = 14
_PARALLEL_FROM = 48  # files to (re)read before a refresh uses worker processes
# Files to (re)read, and at least this share of all the index holds, before a refresh fills the
# search index in one go at its end (``_bulk``) instead of row by row: about five times faster.
_BULK_FROM, _BULK_SHARE = 200, 0.5


class LibraryError(StoreError):
    """The library could not be listed (the folder is missing, the index cannot be written)."""


class _Damaged(Exception):
    """The index file opened, but its tables are not the ones this version makes."""


# SQLite result codes that say nothing about the file itself: a busy or locked index, a full or
# failing disk, no permission. Any other error from our own fixed SQL means the file is damaged
# or not ours (CORRUPT, NOTADB, and ERROR such as "no such column" from a foreign ``files`` table).
_NOT_DAMAGE_CODES = frozenset(
    {3, 5, 6, 7, 8, 9, 10, 13, 14}
)  # PERM BUSY LOCKED NOMEM READONLY INTERRUPT IOERR FULL CANTOPEN
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26
KEEP_BROKEN = 2  # moved-aside damaged indexes kept (the newest)


def is_damage(exc: BaseException) -> bool:
    """True when ``exc`` says the index file is damaged or not ours (rebuild it), false when it
    says the moment is bad (busy, disk full...) or is not an SQLite error about the file."""
    if isinstance(exc, _Damaged):
        return True
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(
        exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)
    ):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return "malformed" in str(exc) or "not a database" in str(exc)
    return (code & 0xFF) not in _NOT_DAMAGE_CODES


# --- what a listing and a search return ---------------------------------------------------
#
# Plain classes, not dataclasses: ``dataclasses`` (with the ``inspect`` it imports) was a sixth
# of a warm `ibb library` in a fresh process. Each is equal, hashed and shown by its fields as
# the dataclass was (``_Record``); ``Entry`` and ``Hit`` are not changed once made.


class _Record:
    """Equality, hash and repr over the class's ``_FIELDS``, as a dataclass makes them."""

    __slots__ = ()
    _FIELDS: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{type(self).__name__}({shown})"


def _iso(value: date | datetime | str | None) -> str:
    """A date (or datetime) as ISO text, "" for none; text from the index is that already."""
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


class Entry(_Record):
    """One file of the listing: a session, or a broken file (``error`` set).

    An entry read from the index keeps its path and times as the index holds them (text) and
    makes the ``Path``, ``date`` and ``datetime`` objects when they are first asked for: a
    listing prints text, and making them was a third of a warm `ibb library`'s own work.
    """

    __slots__ = (
        "_changed",
        "_changed_ts",
        "_created",
        "_first_day",
        "_last_day",
        "_path",
        "agreed",
        "error",
        "issues",
        "n_days",
        "open",
        "organization",
        "planned",
        "session_id",
        "title",
    )
    _FIELDS = (
        "path",
        "title",
        "organization",
        "first_day",
        "last_day",
        "n_days",
        "planned",
        "created",
        "issues",
        "open",
        "agreed",
        "changed",
        "error",
        "session_id",
    )

    def __init__(
        self,
        path: Path,
        title: str = "",
        organization: str = "",
        first_day: date | None = None,
        last_day: date | None = None,
        n_days: int = 0,
        planned: bool = False,  # the days are the planned ones: nothing was recorded yet
        created: datetime | None = None,
        issues: int = 0,
        open: int = 0,
        agreed: int = 0,
        changed: datetime | None = None,  # the last logged event, else the file's mtime
        error: str = "",  # the store's error lines, for a broken file
        session_id: str = "",
    ):
        self._path: Path | str = path
        self.title = title
        self.organization = organization
        self._first_day: date | str | None = first_day
        self._last_day: date | str | None = last_day
        self.n_days = n_days
        self.planned = planned
        self._created: datetime | str | None = created
        self.issues = issues
        self.open = open
        self.agreed = agreed
        self._changed: datetime | str | None = changed
        self.error = error
        self.session_id = session_id
        self._changed_ts: float | None = None

    @classmethod
    def _indexed(cls, path: str, row: list[Any]) -> Entry:
        """A session's entry from its row of the index (``_FILE_COLUMNS``), its times as text."""
        entry = cls.__new__(cls)
        entry._path = path
        (
            sid,
            title,
            org,
            entry._first_day,
            entry._last_day,
            n_days,
            planned,
            entry._created,
            issues,
            open_,
            agreed,
            entry._changed,
            entry._changed_ts,
            _error,
        ) = row
        entry.title = title or ""
        entry.organization = org or ""
        entry.session_id = sid or ""
        entry.n_days = n_days or 0
        entry.planned = bool(planned)
        entry.issues = issues or 0
        entry.open = open_ or 0
        entry.agreed = agreed or 0
        entry.error = ""
        return entry

    @property
    def path(self) -> Path:
        if isinstance(self._path, str):
            self._path = Path(self._path)
        return self._path

    @property
    def path_text(self) -> str:
        """``str(path)``, without making the ``Path`` when the index's text is that already."""
        text = self._path
        if isinstance(text, str) and text[:1] == "/" and "//" not in text and "/." not in text and text[-1] != "/":
            return text  # (a path the walk found: absolute, no empty, "." or "..": as Path shows it)
        return str(self.path)

    @property
    def first_day(self) -> date | None:
        if isinstance(self._first_day, str):
            self._first_day = date.fromisoformat(self._first_day)
        return self._first_day

    @property
    def last_day(self) -> date | None:
        if isinstance(self._last_day, str):
            self._last_day = date.fromisoformat(self._last_day)
        return self._last_day

    @property
    def created(self) -> datetime | None:
        if isinstance(self._created, str):
            self._created = datetime.fromisoformat(self._created)
        return self._created

    @property
    def changed(self) -> datetime | None:
        if isinstance(self._changed, str):
            self._changed = datetime.fromisoformat(self._changed)
        return self._changed

    @property
    def changed_key(self) -> float:
        """``changed`` as a timestamp (0.0 for none), for sorting: the index keeps it."""
        if self._changed_ts is None:
            changed = self.changed
            self._changed_ts = changed.timestamp() if changed else 0.0
        return self._changed_ts

    @property
    def when(self) -> str:
        """``changed`` to the minute, ``2027-03-10 13:15`` ("" for none), as ``%Y-%m-%d %H:%M``."""
        text = self._changed
        if isinstance(text, str) and len(text) >= 16 and text[10] == "T" and "1" <= text[0] <= "9":
            return f"{text[:10]} {text[11:16]}"  # ISO text of a year from 1000: the same characters
        changed = self.changed
        return f"{changed:%Y-%m-%d %H:%M}" if changed else ""

    @property
    def broken(self) -> bool:
        return bool(self.error)

    @property
    def error_line(self) -> str:
        """The first line of the error, with a count of the others."""
        lines = self.error.splitlines() or [""]
        more = len(lines) - 1
        return lines[0] + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")

    @property
    def day(self) -> date | None:
        """The date the listing sorts on: the first meeting day, else the day it was created."""
        return self.first_day or (self.created.date() if self.created else None)

    @property
    def dates(self) -> str:
        """The days it met (``session_days``); before anything was recorded, the planned ones, so marked."""
        first, last = _iso(self._first_day), _iso(self._last_day)  # (ISO text: equal when the days are)
        if first and self.planned:
            return f"planned: {self.n_days} days from {first}" if last and last != first else f"planned: {first}"
        if first and last and first != last:
            return f"{first} – {last} ({self.n_days} days)"
        if first:
            return first
        return f"created {_iso(self._created)[:10]}" if self._created else ""

    @property
    def compact_dates(self) -> str:
        """``dates`` for a narrow column: ``2027-03-09 – 03-10 (2)``, the year once when it is the same."""
        first, last = _iso(self._first_day), _iso(self._last_day)
        if first and last and first != last:
            if self.planned:
                return f"{first} ({self.n_days} planned)"
            end = last[5:] if last[:4] == first[:4] else last
            return f"{first} – {end} ({self.n_days})"
        return self.dates


class Hit(_Record):
    """One search result: where it is, what kind of item, and a snippet around the match."""

    __slots__ = (
        "every_word",
        "exact",
        "issue_id",
        "issue_statement",
        "item_id",
        "kind",
        "marks",
        "path",
        "score",
        "snippet",
        "title",
        "who",
    )
    _FIELDS = (
        "path",
        "title",
        "kind",
        "item_id",
        "issue_id",
        "who",
        "snippet",
        "marks",
        "score",
        "exact",
        "every_word",
        "issue_statement",
    )

    def __init__(
        self,
        path: Path,
        title: str,  # the session's title
        kind: str,
        item_id: str,  # the item's id (or location, for kinds without ids: see ``ID_KINDS``)
        issue_id: str,  # the issue it belongs to, "" for session-wide items
        who: str,  # an interest's holder, an owner, a caucus's party
        snippet: str,  # plain text around the match ("…" where cut)
        marks: tuple[tuple[int, int], ...] = (),  # highlighted (start, end) spans of ``snippet``
        score: float = 0.0,  # lower is better (weighted bm25)
        exact: bool = True,  # first tier: every word matched as typed (see ``Library.search``)
        every_word: bool = True,  # false: no item held every word, this one holds some of them
        issue_statement: str = "",
    ):
        self.path = path
        self.title = title
        self.kind = kind
        self.item_id = item_id
        self.issue_id = issue_id
        self.who = who
        self.snippet = snippet
        self.marks = marks
        self.score = score
        self.exact = exact
        self.every_word = every_word
        self.issue_statement = issue_statement

    def replaced(self, **changes: Any) -> Hit:
        """A copy with ``changes`` (as ``dataclasses.replace``)."""
        values = {name: getattr(self, name) for name in self._FIELDS}
        values.update(changes)
        return Hit(**values)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, (self.kind, 1.0))[0]

    @property
    def focus(self) -> str | None:
        """The id to show this hit at: the item, else its issue, else nothing (the top)."""
        if self.kind in ID_KINDS and self.item_id:
            return self.item_id
        return self.issue_id or None


class RefreshStats(_Record):
    __slots__ = ("files", "read", "removed", "seconds", "workers")
    _FIELDS = __slots__
    __hash__ = None  # type: ignore[assignment]  # (changed as a refresh goes)

    def __init__(self, files: int = 0, read: int = 0, removed: int = 0, seconds: float = 0.0, workers: int = 1):
        self.files = files  # session, broken and skipped files seen
        self.read = read  # (re)read because they were new or changed
        self.removed = removed  # dropped because they are gone
        self.seconds = seconds
        self.workers = workers


class Listing(_Record):
    """What ``Library.scan`` returns: the entries, how the refresh went, and ``files``: the
    ``(path, mtime_ns, size)`` of every file the index held under ``root`` when the entries
    were read (skipped ones too), which a kept listing depends on (``listing_snapshot``)."""

    __slots__ = ("entries", "files", "root", "stats")
    _FIELDS = ("root", "entries", "stats", "files")
    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self,
        root: Path,
        entries: list[Entry] | None = None,
        stats: RefreshStats | None = None,
        files: list[tuple[str, int, int]] | None = None,
    ):
        self.root = root
        self.entries: list[Entry] = [] if entries is None else entries
        self.stats = RefreshStats() if stats is None else stats
        self.files: list[tuple[str, int, int]] = [] if files is None else files


# --- reading one file (runs in worker processes too: plain data in, plain data out) ----------


def _rows(session: Session) -> list[tuple[str, str, str, str, str]]:
    """``(kind, item_id, issue_id, who, text)`` for every piece of text in ``session``."""
    rows: list[tuple[str, str, str, str, str]] = []
    add = rows.append

    def join(*parts: str) -> str:
        return "\n".join(p for p in parts if p)

    party_label = {p.id: f"{p.name} ({p.short})" for p in session.parties}

    def holder(value: str) -> str:
        return party_label.get(value) or session.holder_label(value)

    add(("title", "title", "", "", session.title))
    details = join(
        session.organization,
        session.bargaining_unit,
        session.location,
        *session.facilitators,
        session.recorder,
        session.timekeeper,
        *session.observers,
    )
    if details:
        add(("session", "session", "", "", details))
    for party in session.parties:
        people = (f"{m.name}, {m.title}" if m.title else m.name for m in party.members)
        add(("party", party.id, "", "", join(f"{party.name} ({party.short})", *people)))
    for n, ground_rule in enumerate(session.ground_rules):
        add(("ground_rule", f"ground_rules[{n}]", "", "", ground_rule))
    rule = session.decision_rule
    add(("decision_rule", "decision_rule", "", "", join(rule.description, rule.fallback)))
    for crit in session.shared_criteria:
        add(("criterion", crit.id, "", "", crit.text))
    for issue in session.issues:
        iid = issue.id
        add(("issue", iid, iid, "", issue.statement))
        notes = join(issue.article, issue.data_needed, issue.notes)
        if notes:
            add(("issue_notes", iid, iid, "", notes))
        for it in issue.interests:
            add(("interest", it.id, iid, holder(it.holder), it.text))
        for opt in issue.options:
            add(("option", opt.id, iid, "", opt.text))
        for crit in issue.criteria:
            add(("criterion", crit.id, iid, "", crit.text))
        for check in issue.checks:
            text = join(check.proposal, check.note)
            if text:
                add(("check", check.id, iid, "", text))
    for ta in session.agreements:
        add(
            (
                "agreement",
                ta.id,
                ta.issue,
                " ".join(i.initials for i in ta.initials),
                join(ta.title, ta.article, ta.text),
            )
        )
    for item in session.parking_lot:
        add(("parking", item.id, item.issue or "", item.owner, item.text))
    for action in session.actions:
        who = join(action.owner, action.requested_of).replace("\n", ", ")
        add((action.kind.value, action.id, action.issue or "", who, action.text))
    for caucus in session.caucuses:
        if caucus.reason:
            who = join(holder(caucus.party), caucus.called_by).replace("\n", ", ")
            add(("caucus", caucus.id, "", who, caucus.reason))
    return rows


def read_one(path: str, mtime_ns: int) -> tuple[str, dict[str, Any], list[tuple[str, str, str, str, str]]]:
    """Read one file for the index: ``("session" | "broken" | "other", fields, rows)``.

    Never raises for a bad file: what is wrong with it is the ``error`` field of a broken one.
    """
    # Here, not at the top: listing a warm index needs none of it (a fresh `ibb library` then
    # starts in a fraction of the time pydantic and the model take to import).
    from .model import Session
    from .store import migrate, parse_toml, read_text, session_problems, validate

    gc_was = gc.isenabled()
    gc.disable()  # as store.load_session: many objects, no cycles
    try:
        try:
            text = read_text(Path(path))
            data = parse_toml(text, path)
            if "schema_version" not in data:
                return "other", {}, []  # an agenda, or some other TOML file: not a session
            data = migrate(data, path)
            session = validate(Session, data, text, path, session_problems)
        except StoreError as exc:
            return "broken", {"error": "\n".join(exc.lines)}, []
        except (RecursionError, MemoryError, ValueError) as exc:  # belt and braces: list, never stop
            return "broken", {"error": f"{path}: cannot be read ({type(exc).__name__})"}, []
        fields = _fields(session, mtime_ns)
        return "session", fields, _rows(session)
    finally:
        if gc_was:
            gc.enable()


def _fields(session: Session, mtime_ns: int) -> dict[str, Any]:
    from .model import IssueStatus
    from .session_days import session_days

    days, planned = session_days(session)
    if session.events:
        changed = max(e.at for e in session.events)
    else:
        changed = datetime.fromtimestamp(mtime_ns / 1e9).astimezone().replace(microsecond=0)
    statuses = [i.status for i in session.issues]
    return {
        "session_id": session.id,
        "title": session.title,
        "organization": session.organization,
        "first_day": days[0].isoformat() if days else None,
        "last_day": days[-1].isoformat() if days else None,
        "n_days": len(days),
        "planned": int(planned),
        "created": session.created.isoformat(),
        "issues": len(statuses),
        "open": statuses.count(IssueStatus.OPEN),
        "agreed": statuses.count(IssueStatus.AGREED),
        "changed": changed.isoformat(),
        "changed_ts": changed.timestamp(),
    }


def _read_many(jobs: list[tuple[str, int]]) -> list[tuple[str, dict[str, Any], list]]:
    return [read_one(p, m) for p, m in jobs]


# --- walking a folder -----------------------------------------------------------------------
#
# ``walk`` itself is ``listing_snapshot.walk``: a warm ``ibb library`` walks as the refresh does
# without importing this module (and sqlite3).


def _fs_decoder() -> Callable[[bytes], str]:
    """``os.fsdecode`` for many stored keys: the bytes' own ``decode``, without its checks per call."""
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
    return lambda key: key.decode(encoding, errors)


def _key(path: str) -> bytes:
    """A path as stored: its bytes (file names need not be valid UTF-8)."""
    return os.fsencode(path)


def _root_range(root: str) -> tuple[bytes, bytes]:
    """Keys ``lo <= key < hi`` of every path under ``root``."""
    prefix = _key(root if root.endswith(os.sep) else root + os.sep)
    return prefix, prefix[:-1] + bytes([prefix[-1] + 1])


def resolve_root(root: Path | str) -> Path:
    """``root`` as an absolute folder, or a ``LibraryError`` saying plainly what is wrong."""
    path = Path(root).expanduser()
    if not path.exists():
        raise LibraryError(f"{path}: no such folder")
    if not path.is_dir():
        raise LibraryError(f"{path}: is a file, not a folder (give the folder that holds the sessions)")
    return path.resolve()


# --- the index ------------------------------------------------------------------------------

# A row's text into the search index as it is inserted (left out while ``Library._bulk`` fills it).
_INSERT_TRIGGER = """CREATE TRIGGER item_ai AFTER INSERT ON item BEGIN
        INSERT INTO item_fts(rowid, text, who) VALUES (new.id, new.text, new.who);
    END"""
_SCHEMA = (
    """CREATE TABLE files(
        id INTEGER PRIMARY KEY,
        path BLOB NOT NULL UNIQUE,
        mtime_ns INTEGER NOT NULL,
        size INTEGER NOT NULL,
        state TEXT NOT NULL,
        session_id TEXT, title TEXT, organization TEXT,
        first_day TEXT, last_day TEXT, n_days INTEGER, planned INTEGER, created TEXT,
        issues INTEGER, open INTEGER, agreed INTEGER,
        changed TEXT, changed_ts REAL,
        error TEXT
    )""",
    """CREATE TABLE item(
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        issue_id TEXT NOT NULL,
        who TEXT NOT NULL,
        text TEXT NOT NULL
    )""",
    "CREATE INDEX item_file ON item(file_id, kind, item_id)",
    # external content: the text is stored once (in item), the FTS table holds only the index
    """CREATE VIRTUAL TABLE item_fts USING fts5(
        text, who, content='item', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2"
    )""",
    _INSERT_TRIGGER,
    """CREATE TRIGGER item_ad AFTER DELETE ON item BEGIN
        INSERT INTO item_fts(item_fts, rowid, text, who) VALUES ('delete', old.id, old.text, old.who);
    END""",
    f"PRAGMA user_version = {INDEX_VERSION}",
)

_FILE_COLUMNS = (
    "session_id",
    "title",
    "organization",
    "first_day",
    "last_day",
    "n_days",
    "planned",
    "created",
    "issues",
    "open",
    "agreed",
    "changed",
    "changed_ts",
    "error",
)


#: What ``refresh`` reads of the files under a folder: what it compares (id, mtime_ns, size),
#: then an entry's row as ``entries`` reads it (path, state, ``_FILE_COLUMNS``)
_KNOWN_QUERY = (
    f"SELECT id, mtime_ns, size, path, state, {', '.join(_FILE_COLUMNS)} FROM files WHERE path >= ? AND path < ?"
)


def fts5_available() -> bool:
    """Whether this Python's SQLite has FTS5: the index's tables can be made (in memory, once a
    process: ``_expected_schema``, which every opening of the index needs anyway)."""
    try:
        _expected_schema()
    except sqlite3.Error:
        return False
    return True


def default_db_path() -> Path:
    return paths.cache_dir() / DB_NAME


def _schema_of(con: sqlite3.Connection) -> frozenset[tuple[str, str, str]]:
    """What the index's tables, index and triggers are: ``(type, name, sql)``. FTS5's own shadow
    tables are named only (their SQL is FTS5's business and may change with SQLite)."""
    rows = con.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    return frozenset((kind, name, "" if name.startswith("item_fts_") else sql or "") for kind, name, sql in rows)


_EXPECTED: list[frozenset[tuple[str, str, str]]] = []


def _expected_schema() -> frozenset[tuple[str, str, str]]:
    if not _EXPECTED:
        con = sqlite3.connect(":memory:")
        try:
            for statement in _SCHEMA:
                con.execute(statement)
            _EXPECTED.append(_schema_of(con))
        finally:
            con.close()
    return _EXPECTED[0]


def _finish_bulk(con: sqlite3.Connection) -> bool:
    """Build the search index from the rows and put the insert trigger back, if a bulk fill
    (``Library._bulk``) left it out; False if the tables differ from the library's otherwise."""
    con.execute("BEGIN IMMEDIATE")
    try:
        schema = _schema_of(con)
        expected = _expected_schema()
        missing = expected - schema
        if schema - expected or any(name != "item_ai" for _kind, name, _sql in missing):
            con.execute("ROLLBACK")
            return False
        if missing:
            con.execute("INSERT INTO item_fts(item_fts) VALUES ('rebuild')")
            con.execute(_INSERT_TRIGGER)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    return True


class Library:
    """The index of session files. One per thread (SQLite connections are not shared).

    ``db_path`` defaults to ``paths.cache_dir()/library.sqlite3``; ``":memory:"`` keeps it in memory.
    """

    def __init__(self, db_path: Path | str | None = None):
        self.db_path = str(default_db_path() if db_path is None else db_path)
        self.in_memory = self.db_path == ":memory:"
        self.notices: list[str] = []  # one line each: the index was damaged, moved aside and rebuilt
        self._unchanged: tuple[Path, list[Any]] | None = None  # the last refresh's rows, nothing changed
        self.con = self._connect()

    # -- opening ---------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if not fts5_available():
            raise LibraryError("this Python's sqlite3 has no FTS5 full-text search: the library cannot index sessions")
        if not self.in_memory:
            try:
                Path(self.db_path).parent.mkdir(parents=True, exist_ok=True)
                return self._open(self.db_path)
            except (sqlite3.Error, _Damaged) as exc:
                if is_damage(exc):
                    # damaged or from a different program: it is only a cache, build it again
                    try:
                        return self._rebuilt(exc)
                    except (sqlite3.Error, _Damaged, OSError):
                        pass
            except OSError:
                pass
            self.in_memory = True  # the cache folder cannot be written: index in memory, this run only
        return self._open(":memory:")

    def _rebuilt(self, exc: BaseException) -> sqlite3.Connection:
        """Move the damaged index aside, open a new empty one, and say so in ``notices``."""
        aside = self._set_aside(self.db_path)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        where = f"moved aside to {aside.name} and" if aside else "deleted and"
        self.notices.append(f"The library's search index was damaged ({reason}): {where} rebuilt.")
        return self._open(self.db_path)

    @staticmethod
    def _set_aside(db: str) -> Path | None:
        """Rename ``db`` to ``db.broken-<time>`` (deleted when it cannot be), drop its journals,
        keep only the newest ``KEEP_BROKEN`` such copies. The new name, or None when deleted."""
        path = Path(db)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        free = path.with_name(f"{path.name}.broken-{stamp}")
        n = 1
        while free.exists():
            n += 1
            free = path.with_name(f"{path.name}.broken-{stamp}-{n}")
        aside: Path | None = free
        try:
            os.replace(path, free)
        except FileNotFoundError:
            aside = None
        except OSError:
            aside = None
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        # the journals belong to the damaged file: a new file must never replay them
        for suffix in ("-wal", "-shm", "-journal"):
            try:
                os.unlink(db + suffix)
            except FileNotFoundError:
                pass
        import glob

        copies = sorted(path.parent.glob(f"{glob.escape(path.name)}.broken-*"), key=_mtime_key, reverse=True)
        for old in copies[KEEP_BROKEN:]:
            try:
                old.unlink()
            except OSError:
                pass
        return aside

    def _recover(self, exc: BaseException) -> None:
        """The open index turned out damaged mid-way: rebuild it, or raise ``LibraryError``."""
        if self.in_memory or not is_damage(exc):
            raise LibraryError(f"{self.db_path}: the search index could not be used ({exc})") from None
        try:
            self.con.close()
        except sqlite3.Error:
            pass
        try:
            self.con = self._rebuilt(exc)
        except (sqlite3.Error, _Damaged, OSError) as again:
            self.in_memory = True  # the cache folder cannot hold a new one: this run in memory
            self.con = self._open(":memory:")
            self.notices.append(
                f"The library's search index was damaged ({exc}) and could not be rebuilt "
                f"on disk ({again}): it is kept in memory for this run."
            )

    @staticmethod
    def _open(db: str) -> sqlite3.Connection:
        con = sqlite3.connect(db, timeout=10, isolation_level=None, check_same_thread=False)
        try:
            con.execute("PRAGMA busy_timeout = 10000")
            if db != ":memory:":
                con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA synchronous = NORMAL")
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version != INDEX_VERSION:  # new, or made by another version: (re)create it
                con.execute("BEGIN IMMEDIATE")
                if con.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION:  # not done meanwhile
                    for drop in (
                        "TRIGGER IF EXISTS item_ai",
                        "TRIGGER IF EXISTS item_ad",
                        "TABLE IF EXISTS item_fts",
                        "TABLE IF EXISTS item",
                        "TABLE IF EXISTS files",
                    ):
                        con.execute(f"DROP {drop}")
                    for statement in _SCHEMA:
                        con.execute(statement)
                con.execute("COMMIT")
            if _schema_of(con) != _expected_schema() and not _finish_bulk(con):
                raise _Damaged("its tables are not the library's")
            con.execute("SELECT count(*) FROM files").fetchone()  # a damaged file fails here
        except BaseException:
            con.close()
            raise
        return con

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- keeping it current ------------------------------------------------------------------------

    def refresh(
        self, root: Path | str, *, workers: int | None = None, progress: Callable[[int, int], None] | None = None
    ) -> RefreshStats:
        """Bring the index of ``root`` up to date: read new and changed files, drop gone ones.

        ``workers``: processes that read files (default: one per CPU, up to 4, when there are
        many files to read; 1 reads them here). ``progress(done, total)`` is called as files are read.
        A damaged index is moved aside and this folder indexed again in a new one (``notices``).
        """
        try:
            return self._refresh(root, workers, progress)
        except sqlite3.Error as exc:
            self._recover(exc)
        try:
            return self._refresh(root, workers, progress)
        except sqlite3.Error as exc:
            raise LibraryError(f"{self.db_path}: the search index could not be updated ({exc})") from None

    def _refresh(
        self, root: Path | str, workers: int | None, progress: Callable[[int, int], None] | None
    ) -> RefreshStats:
        started = time.perf_counter()
        folder = resolve_root(root)
        lo, hi = _root_range(str(folder))
        self._unchanged = None
        with _no_collection():
            found = {p: (m, s) for p, m, s in walk(folder)}
            # every column: when nothing changed, ``scan`` lists these rows without reading them again
            rows = self.con.execute(_KNOWN_QUERY, (lo, hi)).fetchall()
            decode = _fs_decoder()
            known = {decode(row[3]): row for row in rows}  # (id, mtime_ns, size, path, state, ...)
            gone = [row[0] for p, row in known.items() if p not in found]
            todo = [(p, m, s) for p, (m, s) in found.items() if (row := known.get(p)) is None or row[1:3] != (m, s)]
        stats = RefreshStats(files=len(found), read=len(todo), removed=len(gone))
        if not gone and not todo:
            self._unchanged = (folder, rows)
        if gone:
            with self._transaction():
                for fid in gone:
                    self._drop(fid)
        if todo:
            (indexed,) = self.con.execute("SELECT count(*) FROM files").fetchone()
            if len(todo) >= _BULK_FROM and len(todo) >= _BULK_SHARE * (indexed + len(todo) - len(known)):
                with self._bulk():
                    stats.workers = self._read_and_store(todo, workers, progress)
            else:
                stats.workers = self._read_and_store(todo, workers, progress)
                if len(todo) > 200:
                    self.con.execute("INSERT INTO item_fts(item_fts) VALUES ('optimize')")
        stats.seconds = time.perf_counter() - started
        return stats

    def _read_and_store(
        self, todo: list[tuple[str, int, int]], workers: int | None, progress: Callable[[int, int], None] | None
    ) -> int:
        todo.sort()
        total = len(todo)
        if workers is None:
            workers = min(4, os.cpu_count() or 1) if total >= _PARALLEL_FROM else 1
        workers = max(1, min(workers, total))
        done = 0
        batch = 16
        chunks = [todo[i : i + batch] for i in range(0, total, batch)]

        def store(chunk: list[tuple[str, int, int]], results: list) -> None:
            nonlocal done
            with self._transaction():
                for (path, mtime_ns, size), result in zip(chunk, results):
                    self._put(path, mtime_ns, size, *result)
            done += len(chunk)
            if progress:
                progress(done, total)

        done_chunks = 0
        if workers > 1:
            done_chunks = self._read_in_processes(chunks, workers, store)
            if done_chunks == len(chunks):
                return workers
        for chunk in chunks[done_chunks:]:  # here, one by one (or what the processes left)
            store(chunk, _read_many([(p, m) for p, m, _ in chunk]))
        return 1

    @staticmethod
    def _read_in_processes(chunks: list, workers: int, store: Callable[[list, list], None]) -> int:
        """Read ``chunks`` in worker processes and ``store`` each; how many chunks were stored.

        Where processes cannot be started (no usable stderr to hand them, a sandbox) or the pool
        breaks, the rest is left to the caller to read in this process: slower, never wrong.
        """
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor  # (~15 ms to import: only for a fill)

        try:
            # "spawn": safe from a threaded program (the app's worker thread); the workers import
            # only the core (pydantic, the model, the store).
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        except (OSError, ValueError, ImportError, NotImplementedError):
            return 0
        done = 0
        try:
            try:
                results = iter(pool.map(_read_many, [[(p, m) for p, m, _ in c] for c in chunks]))
            except Exception:  # the processes could not start
                return 0
            while done < len(chunks):
                try:
                    result = next(results)
                except Exception:  # a broken pool: read_one itself never raises for a bad file
                    break
                store(chunks[done], result)
                done += 1
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return done

    @contextmanager
    def _bulk(self) -> Iterator[None]:
        """Many files to index (the first run on a district's archive): the rows go in without
        the search index, which is then built from them in one pass (FTS5's ``rebuild``).

        The insert trigger is dropped for the while; its absence marks the index as unfinished, so
        a run killed half-way is finished by the next ``_open`` (``_finish_bulk``), never left
        with rows search cannot find."""
        self.con.execute("DROP TRIGGER IF EXISTS item_ai")
        try:
            yield
        finally:
            _finish_bulk(self.con)
        # one segment: else the next change merges the rebuild's many small ones (0.8 s, not 0.15)
        self.con.execute("INSERT INTO item_fts(item_fts) VALUES ('optimize')")

    def _transaction(self):
        con = self.con

        class _Tx:
            def __enter__(self) -> None:
                con.execute("BEGIN IMMEDIATE")

            def __exit__(self, kind, exc, tb) -> None:
                if kind is None:
                    con.execute("COMMIT")
                    return
                try:
                    con.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the first error is the one to report (a damaged file may refuse both)

        return _Tx()

    def _drop(self, file_id: int) -> None:
        self.con.execute("DELETE FROM item WHERE file_id = ?", (file_id,))
        self.con.execute("DELETE FROM files WHERE id = ?", (file_id,))

    def _put(self, path: str, mtime_ns: int, size: int, state: str, fields: dict[str, Any], rows: list) -> None:
        values = [fields.get(c) for c in _FILE_COLUMNS]
        setters = ", ".join(f"{c} = excluded.{c}" for c in ("mtime_ns", "size", "state", *_FILE_COLUMNS))
        (file_id,) = self.con.execute(
            f"INSERT INTO files(path, mtime_ns, size, state, {', '.join(_FILE_COLUMNS)}) "
            f"VALUES (?, ?, ?, ?, {', '.join('?' * len(_FILE_COLUMNS))}) "
            f"ON CONFLICT(path) DO UPDATE SET {setters} RETURNING id",
            (_key(path), mtime_ns, size, state, *values),
        ).fetchone()
        self.con.execute("DELETE FROM item WHERE file_id = ?", (file_id,))
        if rows:
            self.con.executemany(
                "INSERT INTO item(file_id, kind, item_id, issue_id, who, text) VALUES (?, ?, ?, ?, ?, ?)",
                [(file_id, *row) for row in rows],
            )

    # -- reading it --------------------------------------------------------------------------------

    def entries(self, root: Path | str) -> list[Entry]:
        """Every session and broken file under ``root`` as last indexed (``refresh`` first).

        A damaged index is rebuilt first (moved aside, ``root`` indexed again: ``notices``)."""
        return _entries_of([r[3:] for r in self._known(root) if r[4] != "other"])

    def _known(self, root: Path | str) -> list[Any]:
        """The index's rows of every file under ``root`` (``_KNOWN_QUERY``), a damaged index rebuilt."""
        lo, hi = _root_range(str(resolve_root(root)))
        try:
            return self.con.execute(_KNOWN_QUERY, (lo, hi)).fetchall()
        except sqlite3.Error as exc:
            self._recover(exc)
            self.refresh(root)
            try:
                return self.con.execute(_KNOWN_QUERY, (lo, hi)).fetchall()
            except sqlite3.Error as exc:
                raise LibraryError(f"{self.db_path}: the search index cannot be read ({exc})") from None

    def scan(self, root: Path | str, **kwargs: Any) -> Listing:
        """``refresh`` then ``entries``: the listing of ``root``, up to date, and the files it
        was made of (``Listing.files``)."""
        stats = self.refresh(root, **kwargs)
        unchanged, self._unchanged = self._unchanged, None
        # when nothing changed, the rows the refresh read are the index's: list them
        folder, rows = unchanged if unchanged is not None else (resolve_root(root), self._known(root))
        decode = _fs_decoder()
        with _no_collection():
            entries = _entries_of([r[3:] for r in rows if r[4] != "other"])
            files = [(decode(r[3]), r[1], r[2]) for r in rows]
        return Listing(root=folder, entries=entries, stats=stats, files=files)

    def search(self, root: Path | str, query: str, *, limit: int = 50) -> list[Hit]:
        """Hits for what a person typed, best first. Never raises on any query text.

        Two tiers, each ranked by bm25 weighted by kind (``KINDS``): first the hits where every
        word matches as typed (a word of four letters or more may also start a longer word:
        ``size`` → "sizes"), then, up to ``limit``, those where a shorter word only starts a
        longer one (``sti`` → "stipend", ``lea`` → "learning" after "LEA" itself). When no item
        holds every word, the items that hold some of them (``every_word`` false), most first.
        """
        first, second = fts_query(query, prefix_from=4), fts_query(query, prefix_from=2)
        if first is None or limit <= 0:
            return []
        try:
            return self._search_tiers(root, query, first, second, limit)
        except sqlite3.Error as exc:  # only damage gets here (``_search``): rebuild, index, search again
            self._recover(exc)
        self.refresh(root)
        try:
            return self._search_tiers(root, query, first, second, limit)
        except sqlite3.Error:
            return []

    def _search_tiers(self, root: Path | str, query: str, first: str, second: str | None, limit: int) -> list[Hit]:
        lo, hi = _root_range(str(resolve_root(root)))
        hits = self._search(first, lo, hi, limit, exact=True)
        if second is not None and second != first and len(hits) < limit:
            seen = {(h.path, h.kind, h.item_id) for h in hits}
            more = self._search(second, lo, hi, limit, exact=False)
            hits += [h for h in more if (h.path, h.kind, h.item_id) not in seen][: limit - len(hits)]
        if not hits:
            some = fts_query(query, prefix_from=4, every=False)
            if some is not None and some != first:
                hits = [h.replaced(every_word=False) for h in self._search(some, lo, hi, limit, exact=False)]
        return hits

    def _search(self, match: str, lo: bytes, hi: bytes, limit: int, *, exact: bool) -> list[Hit]:
        weight = " ".join(f"WHEN '{k}' THEN {w!r}" for k, (_, w) in KINDS.items())
        try:
            # one query: SQLite makes the snippets of the rows the LIMIT keeps, not of every match
            rows = self.con.execute(
                f"""SELECT bm25(item_fts, 1.0, {WHO_WEIGHT!r}) * (CASE item.kind {weight} ELSE 1.0 END) AS score,
                           files.path, files.title, item.kind, item.item_id, item.issue_id, item.who, item.file_id,
                           snippet(item_fts, 0, ?, ?, '…', {_SNIPPET_TOKENS}), item.text
                    FROM item_fts JOIN item ON item.id = item_fts.rowid JOIN files ON files.id = item.file_id
                    WHERE item_fts MATCH ? AND files.path >= ? AND files.path < ?
                    ORDER BY score, item_fts.rowid LIMIT ?""",
                (_MARK_OPEN, _MARK_CLOSE, match, lo, hi, limit),
            ).fetchall()
            statements = self._statements({(r[7], r[5]) for r in rows if r[5]})
        except sqlite3.Error as exc:
            if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
                raise  # a damaged index: ``search`` rebuilds it
            return []  # a query FTS5 still refuses: no hits, never a crash
        hits = []
        spans: tuple[tuple[int, int], ...]
        for score, key, title, kind, item_id, issue_id, who, file_id, marked, text in rows:
            if _MARK_OPEN in text or _MARK_CLOSE in text or "\x00" in text:
                # FTS5 cuts snippets at NUL, and our markers would be ambiguous: the text itself
                snippet, spans = _cut(text), ()
            else:
                snippet, spans = _unmark(marked)
            hits.append(
                Hit(
                    path=Path(os.fsdecode(key)),
                    title=title or "",
                    kind=kind,
                    item_id=item_id,
                    issue_id=issue_id,
                    who=who,
                    snippet=snippet,
                    marks=spans,
                    score=score,
                    exact=exact,
                    issue_statement=statements.get((file_id, issue_id), ""),
                )
            )
        return hits

    def _statements(self, wanted: set[tuple[int, str]]) -> dict[tuple[int, str], str]:
        out = {}
        for file_id, issue_id in wanted:
            row = self.con.execute(
                "SELECT text FROM item WHERE file_id = ? AND kind = 'issue' AND item_id = ?", (file_id, issue_id)
            ).fetchone()
            if row:
                out[(file_id, issue_id)] = row[0]
        return out


def _entries_of(rows: list[Any]) -> list[Entry]:
    """Entries of index rows ``(path, state, *_FILE_COLUMNS)`` (no "other" file among them)."""
    decode = _fs_decoder()
    out = []
    with _no_collection():
        for key, state, *fields in rows:
            if state == "broken":
                path = Path(decode(key))
                out.append(Entry(path=path, error=fields[-1] or f"{path}: cannot be read", changed=_mtime(path)))
                continue
            out.append(Entry._indexed(decode(key), fields))
    return out


@contextmanager
def _no_collection() -> Iterator[None]:
    """The cyclic garbage collector off for a while: making thousands of rows or entries, which
    hold no cycle, it would only walk them again and again (~1 ms of a 1,000-session listing).
    As ``store.read.no_cycle_collection``, kept here: importing ``store.read`` (typing, re...)
    would cost a warm ``ibb library`` more than it saves."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _mtime_key(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _mtime(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone().replace(microsecond=0)
    except OSError:
        return None


def _cut(text: str, width: int = 160) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _unmark(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Split a snippet with highlight markers into plain text and highlighted spans."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    start = None
    for part in re.split(f"([{_MARK_OPEN}{_MARK_CLOSE}])", text):
        if part == _MARK_OPEN:
            start = pos
        elif part == _MARK_CLOSE:
            if start is not None and pos > start:
                spans.append((start, pos))
            start = None
        else:
            out.append(part)
            pos += len(part)
    return "".join(out), tuple(spans)


# --- queries ----------------------------------------------------------------------------------

_QUERY_PART = r'"([^"]*)("?)|([^\s"]+)'  # (compiled by ``re`` when first used: a listing does not search)


def _has_token(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def fts_query(text: str, *, prefix_from: int | None = 4, every: bool = True) -> str | None:
    """An FTS5 query for what a person typed, or ``None`` when it holds nothing to search.

    Every word must appear, in any order; text in double quotes is an exact phrase. A word of
    ``prefix_from`` characters or more also matches the start of a longer word (``size`` →
    "sizes"; ``None``: no word does), and a word typed with a trailing ``*`` always does.
    Everything is quoted for FTS5, so its operators (``AND``, ``NEAR``) and punctuation are
    plain text. ``every=False``: any of the words (or phrases) will do.
    """

    def star(word: str, wanted: bool) -> str:
        last = word.split()[-1] if word.split() else ""
        long_enough = prefix_from is not None and len(last) >= prefix_from
        return "*" if (wanted or long_enough) and word[-1:].isalnum() else ""

    parts = []
    for found in re.finditer(_QUERY_PART, (text or "").replace("\x00", " ")):  # FTS5 stops reading at a NUL
        phrase, closed, word = found.groups()
        if word is not None:
            starred = word.endswith("*")
            word = word.rstrip("*")
            if _has_token(word):
                parts.append(f'"{word}"' + star(word, starred))
        elif _has_token(phrase):
            # a phrase still being typed (no closing quote yet) may end in part of a word
            parts.append(f'"{phrase}"' + (star(phrase, False) if not closed else ""))
    return (" " if every else " OR ").join(parts) or None


# --- sorting and filtering the listing --------------------------------------------------------


def _fold(text: str) -> str:
    if text.isascii():  # NFKD and the ASCII encoding leave it as it is
        return text.casefold()
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold() or text.casefold()


def filter_entries(entries: Iterable[Entry], text: str) -> list[Entry]:
    """Entries whose title or district holds every word of ``text`` (accents and case ignored).

    Broken files match on their file name.
    """
    words = _fold(text).split()
    if not words:
        return list(entries)
    out = []
    for entry in entries:
        hay = _fold(f"{entry.title} {entry.organization} {entry.path.name if entry.broken else ''}")
        if all(w in hay for w in words):
            out.append(entry)
    return out


def sort_entries(entries: Iterable[Entry], by: str = "changed", *, reverse: bool = False) -> list[Entry]:
    """Sessions sorted ``by`` title, district, date or changed (newest first for the two dates;
    ``reverse`` flips it), then broken files by path, always last."""
    if by not in SORTS:
        raise ValueError(f"sort by one of {', '.join(SORTS)}, not {by!r}")
    good = [e for e in entries if not e.broken]
    broken = sorted((e for e in entries if e.broken), key=lambda e: e.path_text)
    name = lambda e: (_fold(e.title), e.path_text)  # noqa: E731
    if by == "title":
        good.sort(key=name, reverse=reverse)
    elif by == "district":
        good.sort(key=name)
        good.sort(key=lambda e: (not e.organization, _fold(e.organization)), reverse=reverse)
    elif by == "date":
        good.sort(key=name)
        good.sort(key=lambda e: e.day or date.min, reverse=not reverse)
    else:
        good.sort(key=name)
        good.sort(key=lambda e: e.changed_key, reverse=not reverse)
    return good + broken


# --- plain text for a terminal (termtext.py; kept importable from here) ----------------------

from .termtext import cell_width, fit, printable  # noqa: E402,F401
