"""``negotiation.toml``: what a negotiation records beyond its sessions, and its changes.

The manifest is a small TOML file beside the session files (``docs/session-format.md``, "A
negotiation"): a name, optionally the parties and the contract's articles, each party's
ratification votes (with the package of TAs each vote was on) and the approvals of each
session's joint update. It has no ``schema_version`` (so the library, which lists session files,
passes it by) but ``negotiation_version``.

Reading it is like reading a session: bounded, checked, every problem one ``FILE:LINE: path:
message`` line, a newer version refused unchanged. Writing it is atomic with a ``.bak`` of the
version before, only over the bytes it was read from (``save`` refuses when another program
changed it meanwhile), and never over a file that failed to load (a change starts by loading).

Changes (``record_vote``, ``approve_update``) go through this module only: each is checked,
appended to the manifest's own ``[[events]]`` log, and undone by ``undo`` (which logs an
``undo`` event, as a session's undo does). Votes and approvals are records: a change never
rewrites one, it adds one (the latest per party counts).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from .. import tomlwrite
from ..model import Event, Model, Party, Stamp, Text, WholeNumber, now
from ..store import SaveError, StoreError, decode_text, parse_toml, plan, read_bytes, validate, write_atomic
from . import MANIFEST_NAME, NegotiationError

MANIFEST_VERSION = 1

Count = Annotated[int, Field(strict=True, ge=0, le=10_000_000)]
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class VoteResult(StrEnum):
    RATIFIED = "ratified"
    REJECTED = "rejected"


class Article(Model):
    """One article of the contract, in the contract's order: ``number = "16"``, ``title``."""

    number: Text = Field(min_length=1, max_length=40)
    title: Text = ""


class PackageTA(Model):
    """One TA of the package a vote was on: where it is and a digest of its exact language."""

    file: Text = Field(min_length=1)
    ta: str = Field(min_length=1)
    sha256: Digest


class Vote(Model):
    """One party's ratification vote on the package."""

    id: str = Field(min_length=1)
    party: str = Field(min_length=1)
    date: date  # the day of the vote
    body: Text = ""  # who voted: "LEA membership", "School committee"
    result: VoteResult
    yes: Count | None = None
    no: Count | None = None
    abstain: Count | None = None
    note: Text = ""
    recorded: Stamp  # when it was entered here
    package: list[PackageTA] = []  # the TAs it was on, in the package's order


class Approval(Model):
    """A party's spokesperson approved a session's joint update for release (initials)."""

    id: str = Field(min_length=1)
    file: Text = Field(min_length=1)  # the session file, in this folder
    session: str = ""  # its session id
    party: str = Field(min_length=1)
    initials: Text = Field(min_length=1, max_length=12)
    name: Text = ""
    at: Stamp
    sha256: Digest  # of the update as approved: a changed update needs approving again


class Manifest(Model):
    negotiation_version: WholeNumber = MANIFEST_VERSION
    name: Text = Field(min_length=1)
    organization: Text = ""
    bargaining_unit: Text = ""
    parties: list[Party] = []  # empty: the parties of the latest session
    articles: list[Article] = []
    ratifications: list[Vote] = []
    approvals: list[Approval] = []
    events: list[Event] = []

    def party_ids(self) -> list[str]:
        return [party.id for party in self.parties]


# --- reading ----------------------------------------------------------------------------------


def manifest_problems(manifest: Manifest) -> list[tuple[str, str]]:
    """What one field cannot see: unique ids and party ids, known parties (when listed)."""
    problems: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for path, item_id in [
        *((f"ratifications[{k}].id", v.id) for k, v in enumerate(manifest.ratifications)),
        *((f"approvals[{k}].id", a.id) for k, a in enumerate(manifest.approvals)),
    ]:
        if item_id in seen:
            problems.append((path, f"duplicate id {item_id!r} (first used at {seen[item_id]})"))
        seen.setdefault(item_id, path)
    parties = manifest.party_ids()
    for k, party in enumerate(parties):
        if party in parties[:k]:
            problems.append((f"parties[{k}].id", f"duplicate party id {party!r}"))
    if parties:
        listed = ", ".join(map(repr, parties))
        for k, vote in enumerate(manifest.ratifications):
            if vote.party not in parties:
                problems.append(
                    (f"ratifications[{k}].party", f"unknown party {vote.party!r}; expected one of {listed}")
                )
        for k, approval in enumerate(manifest.approvals):
            if approval.party not in parties:
                problems.append(
                    (f"approvals[{k}].party", f"unknown party {approval.party!r}; expected one of {listed}")
                )
    for k, vote in enumerate(manifest.ratifications):
        keys = [(row.file, row.ta) for row in vote.package]
        if len(set(keys)) != len(keys):
            problems.append((f"ratifications[{k}].package", "a TA is listed twice"))
    return problems


def loads(raw: bytes | str, name: str) -> Manifest:
    """The manifest in ``raw`` (the bytes or text of the file ``name``), checked."""
    text = decode_text(raw, name) if isinstance(raw, bytes) else raw
    data = parse_toml(text, name)
    version = data.get("negotiation_version", MANIFEST_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise StoreError(f"{name}: negotiation_version: not a valid version (this version writes {MANIFEST_VERSION})")
    if version > MANIFEST_VERSION:
        raise StoreError(
            f"{name}: written by a newer ibb_facilitator (negotiation_version {version}; this one reads up to "
            f"{MANIFEST_VERSION}). Upgrade ibb_facilitator to use it; the file was not changed."
        )
    return validate(Manifest, data, text, name, manifest_problems)


@dataclass
class Opened:
    """A manifest as read from ``path`` (``raw``: its bytes; None when there is no file yet)."""

    path: Path
    manifest: Manifest
    raw: bytes | None


def open_manifest(folder: Path, *, default_name: str = "", parties: list[Party] | None = None) -> Opened:
    """The folder's manifest, or (none yet) a new one named ``default_name``, not yet saved."""
    path = folder / MANIFEST_NAME
    if path.exists() or path.is_symlink():
        raw = read_bytes(path)
        return Opened(path, loads(raw, str(path)), raw)
    name = default_name.strip() or folder.name or "Negotiation"
    return Opened(
        path, Manifest(name=name, parties=[p.model_copy(update={"members": []}) for p in parties or []]), None
    )


# --- writing ----------------------------------------------------------------------------------


@functools.cache  # once: tomlwrite compiles a writer per plan object, and keeps it
def _plan() -> tomlwrite.Plan:
    """``store.plan(Manifest)`` with ``negotiation_version`` always written, and each vote's
    ``package`` one inline table per line (as a check's responses are)."""
    fields = []
    for f in plan(Manifest):
        if f.name == "negotiation_version":
            f = f._replace(skip_empty=False)
        elif f.name == "ratifications":
            f = f._replace(
                sub=tuple(g._replace(inline=tomlwrite.INLINE_ROW) if g.name == "package" else g for g in f.sub or ())
            )
        fields.append(f)
    return tuple(fields)


def dumps(manifest: Manifest) -> str:
    return tomlwrite.dumps_plan(manifest.model_dump(), _plan())


def save(opened: Opened) -> None:
    """Write ``opened.manifest`` over the file it was read from: only if that file still holds
    the bytes it was read from (or, for a new manifest, if there is still none)."""
    path = opened.path
    try:
        current = read_bytes(path) if path.exists() or path.is_symlink() else None
    except StoreError:
        current = b"" if opened.raw is not None else None
    if current != opened.raw:
        what = "was created" if opened.raw is None else "changed on disk"
        raise SaveError(
            f"{path}: {what} by another program since it was read; nothing was written: run the command again"
        )
    data = dumps(opened.manifest).encode("utf-8")
    loads(data, str(path))  # what is written reads back (a bug here must not reach the disk)
    write_atomic(path, data, backup=True)
    opened.raw = data


# --- changes (each logged, undoable) ----------------------------------------------------------


def _new_id(manifest: Manifest, prefix: str) -> str:
    ids = (
        [v.id for v in manifest.ratifications]
        + [a.id for a in manifest.approvals]
        + [e.target for e in manifest.events]
    )
    numbers = [int(m.group(1)) for m in (re.fullmatch(rf"{re.escape(prefix)}-(\d{{1,18}})", i) for i in ids) if m]
    return f"{prefix}-{max(numbers, default=0) + 1}"


def _log(manifest: Manifest, action: str, target: str, summary: str, **data: Any) -> None:
    clean = {k: v for k, v in data.items() if v is not None}
    manifest.events.append(Event(at=now(), action=action, target=target, summary=summary, data=clean))


def _count_text(vote: Vote) -> str:
    counts = [
        f"{n} {word}" for n, word in ((vote.yes, "yes"), (vote.no, "no"), (vote.abstain, "abstaining")) if n is not None
    ]
    return f" ({', '.join(counts)})" if counts else ""


def record_vote(
    manifest: Manifest,
    *,
    party: str,
    on: date,
    result: VoteResult | str,
    body: str = "",
    yes: int | None = None,
    no: int | None = None,
    abstain: int | None = None,
    note: str = "",
    package: list[PackageTA],
    party_label: str = "",
) -> Vote:
    """Add one party's vote on ``package`` (the caller has checked the package: ``core``)."""
    try:
        result = VoteResult(result)
    except ValueError:
        raise NegotiationError(f"{result!r} is not a result: ratified or rejected") from None
    if on > date.today():
        raise NegotiationError(f"the vote's date {on.isoformat()} is in the future")
    if result is VoteResult.RATIFIED and yes is not None and no is not None and yes <= no:
        raise NegotiationError(
            f"{yes} yes and {no} no is not a ratification: record it as rejected, or check the counts"
        )
    if result is VoteResult.RATIFIED and not package:
        raise NegotiationError("there is no tentative agreement in force to ratify")
    vote = Vote(
        id=_new_id(manifest, "vote"),
        party=party,
        date=on,
        body=body.strip(),
        result=result,
        yes=yes,
        no=no,
        abstain=abstain,
        note=note,
        recorded=now(),
        package=package,
    )
    manifest.ratifications.append(vote)
    who = party_label or party
    _log(
        manifest,
        "vote.add",
        vote.id,
        f"{who} {result.value} the package on {on.isoformat()}{_count_text(vote)}",
        party=party,
        result=result.value,
        date=on.isoformat(),
        body=vote.body or None,
        tas=len(package),
    )
    return vote


def approve_update(
    manifest: Manifest,
    *,
    file: str,
    session: str,
    party: str,
    initials: str,
    name: str = "",
    sha256: str,
    party_label: str = "",
) -> Approval:
    """Add a party's approval of the joint update of session file ``file`` as it reads now."""
    initials = initials.strip()
    if not initials:
        raise NegotiationError("initials cannot be empty")
    if len(initials) > 12:
        raise NegotiationError("initials are at most 12 characters")
    approval = Approval(
        id=_new_id(manifest, "approval"),
        file=file,
        session=session,
        party=party,
        initials=initials,
        name=name.strip(),
        at=now(),
        sha256=sha256,
    )
    manifest.approvals.append(approval)
    _log(
        manifest,
        "approval.add",
        approval.id,
        f"{party_label or party} approved the joint update of {file}: {initials}",
        file=file,
        party=party,
        initials=initials,
    )
    return approval


def undo(manifest: Manifest) -> str | None:
    """Take back the last change not yet undone (a vote or an approval); returns what it said,
    or None when there is nothing to undo. The undo is logged; the log itself is never cut."""
    undone = {e.target for e in manifest.events if e.action == "undo"}
    for event in reversed(manifest.events):
        if event.action not in ("vote.add", "approval.add") or event.target in undone:
            continue
        records: list[Any] = manifest.ratifications if event.action == "vote.add" else manifest.approvals
        if not any(item.id == event.target for item in records):
            continue  # removed by hand: nothing to take back
        records[:] = [item for item in records if item.id != event.target]
        _log(manifest, "undo", event.target, f"Undone: {event.summary}", undone=event.summary)
        return event.summary
    return None


__all__ = [
    "MANIFEST_VERSION",
    "Approval",
    "Article",
    "Manifest",
    "Opened",
    "PackageTA",
    "Vote",
    "VoteResult",
    "approve_update",
    "dumps",
    "loads",
    "manifest_problems",
    "open_manifest",
    "record_vote",
    "save",
    "undo",
]
