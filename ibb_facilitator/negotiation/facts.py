"""What the negotiation's board, package and ratification check need from each file, as plain
data, and a cache of it keyed by each file's size, modification time and inode.

A board over thirty 2,000-item sessions would load thirty files (pydantic, ~1.5 s); the facts of
a file are a few kilobytes of JSON. ``gather(folder)`` lists the folder's ``*.toml`` files,
takes the facts of every unchanged one from the cache and reads only the others, with the
store's full checks (``store.validate``, the integrity and process rules: facts come only from a
file that would open). So the board of an unchanged folder imports neither pydantic nor the
models. The cache is a cache, never the source of truth: a JSON file per folder in the user
cache folder (``paths.cache_dir()/negotiations``), rewritten atomically when something changed,
kept in memory for the life of the process (the app's board, warm), ignored when it is damaged
or from another version, and skipped (in memory only) when the cache folder cannot be written.
Like the library's index it trusts size + modification time (nanoseconds) + inode.

Kinds of file: a session (``schema_version``), the manifest (``negotiation.toml``), a broken file
(its error lines: listed, never fatal), anything else (an agenda) passed by. Hidden files (lock
files, a save's temp files) and backups (``.bak``) are not ``*.toml`` files here.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import MANIFEST_NAME

if TYPE_CHECKING:
    from ..model import Session
    from .manifest import Manifest

FACTS_VERSION = 2  # bump when what ``session_facts`` or ``manifest_facts`` keep changes

_MEMORY: dict[str, dict[str, Any]] = {}  # folder -> its cache entries, for the life of the process


def sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- facts of one file --------------------------------------------------------------------------


def session_facts(session: Session, file: str) -> dict[str, Any]:
    """The facts of a (loaded, valid) session saved as ``file``."""
    from ..session_days import session_days

    days, planned = session_days(session)
    issue_ids = {issue.id for issue in session.issues}
    owner = {ta.id: ta.issue for ta in session.agreements}
    owner.update({check.id: issue.id for issue in session.issues for check in issue.checks})
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    status_at: dict[str, str] = {}
    for event in session.events:
        named = event.data.get("issue")
        if isinstance(named, str) and named in issue_ids:
            issue_id = named
        elif event.target in issue_ids:
            issue_id = event.target
        else:
            found = owner.get(event.target)
            if found is None:
                continue
            issue_id = found
        day = event.at.date().isoformat()
        first.setdefault(issue_id, day)
        last[issue_id] = day
        if event.action == "issue.status":
            status_at[issue_id] = day
    issues = []
    for issue in session.issues:
        link = issue.agreed_in
        issues.append(
            {
                "id": issue.id,
                "statement": issue.statement,
                "article": issue.article,
                "status": issue.status.value,
                "stage": issue.stage.value,
                "raised_by": issue.raised_by,
                "carried_from": issue.carried_from,
                "agreed_in": {
                    "file": link.file,
                    "session": link.session,
                    "ta": link.ta,
                    "date": link.date.isoformat(),
                    "title": link.title,
                }
                if link
                else None,
                "first": first.get(issue.id),
                "last": last.get(issue.id),
                "status_at": status_at.get(issue.id),
            }
        )
    tas = [
        {
            "id": ta.id,
            "issue": ta.issue,
            "article": ta.article,
            "title": ta.title,
            "date": ta.date.isoformat(),
            "text": ta.text,
            "sha256": sha256(ta.text),
            "initials": [[mark.party, mark.initials, mark.name] for mark in ta.initials],
            "superseded_by": ta.superseded_by,
            "superseded_at": ta.superseded_at.isoformat() if ta.superseded_at else None,
            "amends_ratified": ta.amends_ratified,
            # what it costs: each cost line's label and amounts (plain-number strings, exact)
            "costs": [[line.label, [format(a, "f") for a in line.amounts]] for line in ta.costs],
        }
        for ta in session.agreements
    ]
    requests = [
        {
            "id": a.id,
            "issue": a.issue,
            "text": a.text,
            "done": a.done,
            "requested_of": a.requested_of,
            "due": a.due.isoformat() if a.due else None,
        }
        for a in session.actions
        if a.kind.value == "info_request"
    ]
    previous = session.previous
    return {
        "kind": "session",
        "file": file,
        "id": session.id,
        "title": session.title,
        "organization": session.organization,
        "unit": session.bargaining_unit,
        "created": session.created.isoformat(),
        "days": [d.isoformat() for d in days],
        "planned": planned,
        "planned_days": sorted({d.isoformat() for d in session.meeting_days}),
        "previous": {"file": previous.file, "session": previous.session} if previous else None,
        "parties": [
            {
                "id": p.id,
                "name": p.name,
                "short": p.short,
                "side": p.side.value,
                "spokesperson": (sp.name if (sp := p.spokesperson()) else ""),
            }
            for p in session.parties
        ],
        "issues": issues,
        "tas": tas,
        "requests": requests,
        "costing": {
            "years": list(session.costing.years),
            "budget": [format(b, "f") for b in session.costing.budget],
            "note": session.costing.note,
        }
        if session.costing is not None
        else None,
    }


def manifest_facts(manifest: Manifest) -> dict[str, Any]:
    data = manifest.model_dump(mode="json", exclude={"events"})
    data["kind"] = "manifest"
    return data


def read_facts(path: Path) -> dict[str, Any]:
    """The facts of one file: never raises for a bad file (``{"kind": "broken", "error": lines}``)."""
    from ..model import Session, integrity_problems
    from ..process import rule_problems
    from ..store import StoreError, decode_text, migrate, parse_toml, read_bytes, validate

    name = str(path)
    try:
        text = decode_text(read_bytes(path), name)
        if path.name == MANIFEST_NAME:
            from .manifest import loads

            return manifest_facts(loads(text, name))
        data = parse_toml(text, name)
        if "schema_version" not in data:
            return {"kind": "other"}  # an agenda, or some other TOML file: not a session
        data = migrate(data, name, text)
        session = validate(Session, data, text, name, lambda s: integrity_problems(s) + rule_problems(s))
    except StoreError as exc:
        return {"kind": "broken", "error": list(exc.lines)}
    except (RecursionError, MemoryError, ValueError) as exc:  # listed, never fatal
        return {"kind": "broken", "error": [f"{name}: cannot be read ({type(exc).__name__})"]}
    return session_facts(session, path.name)


# --- a folder ---------------------------------------------------------------------------------


@dataclass
class Gathered:
    """The facts of a folder's files: its sessions (in file-name order), the manifest's (or
    its error lines), the broken files, and how many files had to be read."""

    folder: Path
    sessions: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    manifest_error: list[str] = field(default_factory=list)
    broken: list[tuple[str, list[str]]] = field(default_factory=list)
    read: int = 0  # files read (new or changed); the others came from the cache
    notices: list[str] = field(default_factory=list)


def _candidates(folder: Path) -> list[tuple[str, os.stat_result]]:
    out = []
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError as exc:
        from . import NegotiationError

        raise NegotiationError(f"{folder}: cannot be read ({exc.strerror or exc})") from None
    for entry in entries:
        name = entry.name
        if name.startswith(".") or not name.endswith(".toml"):
            continue
        try:
            st = entry.stat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            out.append((name, st))
    return sorted(out)


def cache_path(folder: Path) -> Path:
    from .. import paths

    # (crc32 and the length: zlib is built in; two folders that meet on a name share the file and
    # each finds the other's facts foreign, by the folder the file names: a miss, never a mix-up)
    raw = os.fsencode(str(folder))
    key = f"{zlib.crc32(raw):08x}{len(raw):04x}"
    return paths.cache_dir() / "negotiations" / f"{key}.json"


def _load_cache(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads(cache_path(folder).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != FACTS_VERSION or data.get("folder") != str(folder):
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _save_cache(folder: Path, files: dict[str, Any]) -> None:
    target = cache_path(folder)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".facts.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"version": FACTS_VERSION, "folder": str(folder), "files": files}, out, separators=(",", ":"))
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a cache only: kept in memory for this process


def gather(folder: Path, *, cache: bool = True) -> Gathered:
    """The facts of every file of the negotiation folder ``folder`` (absolute)."""
    folder = Path(folder)
    key = str(folder)
    known: dict[str, Any] = {}
    if cache:
        known = _MEMORY.get(key) or _load_cache(folder)
    files: dict[str, Any] = {}
    out = Gathered(folder)
    for name, st in _candidates(folder):
        stamp = [st.st_mtime_ns, st.st_size, st.st_ino]
        entry = known.get(name)
        if not isinstance(entry, dict) or entry.get("stamp") != stamp:
            entry = {"stamp": stamp, "facts": read_facts(folder / name)}
            out.read += 1
        files[name] = entry
        facts = entry["facts"]
        kind = facts.get("kind")
        if name == MANIFEST_NAME:
            if kind == "manifest":
                out.manifest = facts
            else:
                out.manifest_error = list(facts.get("error") or [f"{folder / name}: not a negotiation manifest"])
        elif kind == "session":
            out.sessions.append(facts)
        elif kind == "broken":
            out.broken.append((name, list(facts["error"])))
    if cache:
        _MEMORY[key] = files
        if out.read or files.keys() != known.keys():
            _save_cache(folder, files)
    return out


def forget(folder: Path | None = None) -> None:
    """Drop the in-memory facts (of one folder, or all): tests, and the app after a save."""
    if folder is None:
        _MEMORY.clear()
    else:
        _MEMORY.pop(str(folder), None)


__all__ = [
    "FACTS_VERSION",
    "Gathered",
    "cache_path",
    "forget",
    "gather",
    "manifest_facts",
    "read_facts",
    "session_facts",
    "sha256",
]
