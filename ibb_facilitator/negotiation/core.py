"""The negotiation across its session files: pure rules on the files' facts (``facts.py``).

- **Order of the sessions.** A session comes after the one it was carried over from
  (``[previous]``, by session id, else by file name); otherwise by its first day (met, else
  planned, else the day it was made), then the time it was made, then its file name.
- **An issue** is one id across the files (carrying keeps ids; ``[previous].ids`` keeps new ones
  from reusing any). Its state (statement, article, status, stage) is the one of the latest
  session that holds it; "last worked in" is the latest session whose log touches it (else
  the latest that holds it); it was first seen on its first logged day (else that session's
  first day); it is open for the days from then until its TA's date (agreed), the day it was
  withdrawn, or today.
- **TAs in force.** A TA stays where it was reached. In its own file a TA is superseded as the
  app marks it (``superseded_by``). Across files: of an issue's TAs still standing in their own
  files, the one of the latest session is in force and each earlier one is superseded by the
  next (a reopened issue agreed again in a later session replaces the TA its ``agreed_in``
  names). A TA of a withdrawn issue is not in the package.
- **The package**: the TAs in force of the issues not withdrawn, in the contract's article order
  (the manifest's ``[[articles]]``, then any other article in natural order, then none), then
  by date. Nothing is agreed until everything is agreed: while an issue is open, parked or
  without consensus, the package says which remain.
- **Ratification.** Each party's latest vote counts. A ratified package does not change except
  by a TA that says so (``amends_ratified``, with what it changes): against each party's latest
  ratifying vote, a TA of that package whose language differs, that is gone, or that was
  superseded by a TA that does not say so, and a TA in force that was not in it and does not say
  so, are problems (``Ratification.problems``): the package cannot be exported, nor a vote
  recorded, until they are put right. A TA that does say so is an amendment, to be ratified.

Nothing here reads a file or imports the models: the same facts serve the board, the package
export and the checks, and the board of an unchanged folder costs a JSON read. The file is
longer than most (~650 lines) on purpose: every rule across files is in one place, with the
shapes they return, so the board, the package and the checks cannot tell different stories.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from datetime import date as Date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..costing import NOTHING, Budget, Totals, YearVerdict, add_amounts, against_budget, combine
from .facts import Gathered

LIVE = ("open", "parked", "no_consensus")  # statuses that keep a negotiation from being complete
STATUS_LABELS = {
    "open": "Open",
    "parked": "Parked",
    "agreed": "Agreed (TA)",
    "no_consensus": "No consensus",
    "withdrawn": "Withdrawn",
}
STAGES = ("issues", "interests", "options", "criteria", "consensus")


# --- what the rules make of the facts ------------------------------------------------------------


@dataclass(frozen=True)
class SessionInfo:
    """One session file of the negotiation, with its place (``number``, from 1) in it."""

    number: int
    file: str
    path: Path
    id: str
    title: str
    first_day: date | None
    last_day: date | None
    planned: bool  # the days are planned ones: nothing recorded yet
    created: datetime
    planned_days: tuple[date, ...]
    previous: str | None  # the file it was carried over from, as it names it


@dataclass(frozen=True)
class PartyInfo:
    id: str
    name: str
    short: str
    side: str
    spokesperson: str


@dataclass(frozen=True)
class TA:
    """A tentative agreement where it was reached, and what became of it."""

    file: str
    id: str
    session: int  # its session's number
    issue: str
    article: str
    title: str
    date: date
    text: str
    sha256: str
    initials: tuple[tuple[str, str, str], ...]  # (party, initials, name)
    amends_ratified: str
    superseded_by: tuple[str, str] | None = None  # (file, TA id)
    superseded_on: Date | None = None  # Date: the field above named date hides the type here
    cost: Totals = NOTHING  # what its cost lines add up to (``costing``)
    cost_lines: tuple[str, ...] = ()  # their labels

    @property
    def ref(self) -> str:
        return f"{self.file}#{self.id}"

    @property
    def in_force(self) -> bool:
        return self.superseded_by is None


@dataclass(frozen=True)
class Request:
    id: str
    issue: str | None
    text: str
    requested_of: str
    due: date | None
    file: str  # the latest session that lists it


@dataclass(frozen=True)
class IssueState:
    id: str
    statement: str
    article: str
    status: str  # an IssueStatus value
    stage: str
    raised_by: str
    file: str  # the latest session that holds it
    worked_file: str  # the latest session whose log touches it (else ``file``)
    worked_on: date | None
    first_seen: date | None
    ended: date | None  # agreed (its TA's date) or withdrawn
    ta: TA | None  # the TA in force
    earlier: tuple[TA, ...]  # its superseded TAs, oldest first
    requests: tuple[Request, ...]  # open information requests about it
    order: tuple  # sort key: the contract's article order

    @property
    def live(self) -> bool:
        return self.status in LIVE

    def days_open(self, today: date) -> int | None:
        if self.first_seen is None:
            return None
        return max(0, ((self.ended or today) - self.first_seen).days)


@dataclass
class Package:
    """The TAs in force, in article order (``current``; numbered from 1 in that order), the
    superseded ones and those of withdrawn issues (``appendix``), and what remains open."""

    current: list[TA]
    appendix: list[TA]
    remaining: list[IssueState]
    agreed: int
    counted: int  # issues not withdrawn

    @property
    def complete(self) -> bool:
        return not self.remaining

    def number(self, ta: TA) -> int:
        return next((n for n, t in enumerate(self.current, start=1) if t is ta), 0)

    @property
    def cost(self) -> Totals:
        """What the TAs in force cost together, per contract year and overall (``costing``)."""
        return combine(ta.cost for ta in self.current)

    def state(self) -> str:
        """ "Nothing is agreed until everything is agreed" as one sentence."""
        if self.remaining:
            names = "; ".join(
                f"{issue.statement.strip()}" + (f" ({issue.article.strip()})" if issue.article.strip() else "")
                for issue in self.remaining[:8]
            )
            more = f"; and {len(self.remaining) - 8} more" if len(self.remaining) > 8 else ""
            return (
                f"Not complete: nothing is agreed until everything is agreed. {self.agreed} of {self.counted} issues "
                f"agreed; {len(self.remaining)} {'remains' if len(self.remaining) == 1 else 'remain'}: {names}{more}."
            )
        return (
            f"Complete: all {self.counted} issues are agreed; "
            "the package goes to each party for ratification as a whole."
        )


@dataclass
class PartyVote:
    party: PartyInfo
    vote: dict[str, Any] | None  # the party's latest vote (the manifest's row), if any
    current: bool  # its package is the package in force now, unchanged

    @property
    def ratified(self) -> bool:
        return self.vote is not None and self.vote["result"] == "ratified"

    def line(self) -> str:
        if self.vote is None:
            return f"{self.party.name}: no vote recorded yet"
        v = self.vote
        counts = [
            f"{v[k]} {w}" for k, w in (("yes", "yes"), ("no", "no"), ("abstain", "abstaining")) if v.get(k) is not None
        ]
        body = f" ({v['body']})" if v.get("body") else ""
        stale = "" if self.current or not self.ratified else "; the package has changed since (see the amendments)"
        return (
            f"{self.party.name}: {v['result']} on {v['date']}{body}"
            + (f", {', '.join(counts)}" if counts else "")
            + stale
        )


@dataclass
class Ratification:
    parties: list[PartyVote]
    problems: list[str]  # the ratified package changed without a TA that says so
    amendments: list[TA]  # TAs in force that amend a ratified package (to be ratified)
    ratified: dict[str, set[str]] = field(
        default_factory=dict
    )  # TA ref -> parties whose ratified package holds it unchanged

    @property
    def complete(self) -> bool:
        return bool(self.parties) and all(p.ratified and p.current for p in self.parties)

    def state(self) -> str:
        if not any(p.vote for p in self.parties):
            return "No ratification vote recorded yet."
        if self.complete:
            return "Ratified by every party: " + "; ".join(p.line() for p in self.parties) + "."
        return "; ".join(p.line() for p in self.parties) + "."


@dataclass
class Negotiation:
    folder: Path
    name: str
    organization: str
    unit: str
    parties: list[PartyInfo]
    articles: list[tuple[str, str]]  # (number, title), in the contract's order
    sessions: list[SessionInfo]
    issues: list[IssueState]  # in article order
    tas: list[TA]  # every TA of every session, in session order
    package: Package
    ratification: Ratification
    manifest: dict[str, Any] | None  # the manifest's facts (None: no manifest yet)
    manifest_error: list[str]
    broken: list[tuple[str, list[str]]]
    read: int  # files read this time (the rest came from the cache)
    today: date
    #: the contract's years and the team's budget, as the latest session that records them has them
    budget: Budget | None = None

    def package_budget(self) -> list[YearVerdict]:
        """The package's cost against the budget, year by year then "Total" (``costing.YearVerdict``)."""
        return against_budget(self.package.cost, self.budget)

    def session(self, file: str) -> SessionInfo | None:
        return next((s for s in self.sessions if s.file == file), None)

    def issue(self, issue_id: str) -> IssueState | None:
        return next((i for i in self.issues if i.id == issue_id), None)

    def party(self, party_id: str) -> PartyInfo | None:
        return next((p for p in self.parties if p.id == party_id), None)

    def party_short(self, party_id: str) -> str:
        party = self.party(party_id)
        return party.short if party else party_id

    def next_session(self, file: str) -> SessionInfo | None:
        """The session after ``file`` in the negotiation, if any."""
        found = self.session(file)
        return self.sessions[found.number] if found is not None and found.number < len(self.sessions) else None

    def approvals(self, file: str) -> list[dict[str, Any]]:
        """The latest approval of each party for the joint update of ``file``."""
        latest: dict[str, dict[str, Any]] = {}
        for row in (self.manifest or {}).get("approvals", []):
            if row["file"] == file:
                latest[row["party"]] = row
        return [latest[p.id] for p in self.parties if p.id in latest] + [
            r for k, r in latest.items() if self.party(k) is None
        ]

    def package_rows(self) -> list[dict[str, str]]:
        """The package in force as a vote records it: ``{file, ta, sha256}`` per TA."""
        return [{"file": t.file, "ta": t.id, "sha256": t.sha256} for t in self.package.current]

    def ta(self, file: str, ta_id: str) -> TA | None:
        """The TA ``ta_id`` of session file ``file`` (an issue's ``agreed_in`` names one)."""
        return next((t for t in self.tas if t.file == file and t.id == ta_id), None)

    def edit_problem(self, file: str, ta_id: str) -> str | None:
        """Why the language of TA ``ta_id`` of ``file`` may not change now (a party ratified it
        as it reads), or None: what the app says before it lets anyone edit it."""
        ta = self.ta(file, ta_id)
        parties = self.ratification.ratified.get(ta.ref, set()) if ta is not None else set()
        if not parties:
            return None
        names = " and ".join(p.name for p in self.parties if p.id in parties)
        return (
            f"{names} ratified this TA as it reads: record a new TA that amends the ratified package "
            "instead of changing its language"
        )


# --- building it ----------------------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _order(sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sessions in negotiation order: after the one each was carried from; else by day."""

    def base(s: dict[str, Any]) -> tuple:
        day = s["days"][0] if s["days"] else s["created"][:10]
        return (day, s["created"], s["file"])

    by_id = {s["id"]: s for s in sessions}
    by_file = {s["file"]: s for s in sessions}
    after: dict[str, str] = {}  # file -> the file it must follow
    for s in sessions:
        prev = s.get("previous")
        if prev:
            found = by_id.get(prev.get("session") or "") or by_file.get(prev["file"])
            if found is not None and found is not s:
                after[s["file"]] = found["file"]
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()
    pending = sorted(sessions, key=base)
    while pending:
        for k, s in enumerate(pending):  # noqa: B007 - the first (by day) whose predecessor is placed: k is popped below
            need = after.get(s["file"])
            if need is None or need in placed:
                break
        else:  # a loop of links (hand-edited files): by day
            k = 0
        s = pending.pop(k)
        ordered.append(s)
        placed.add(s["file"])
    return ordered


_ARTICLE_WORD = re.compile(r"^\s*(article|art\.?)\s*", re.IGNORECASE)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold() or text.casefold()


def article_key(text: str) -> str:
    """An article as compared: case and accents folded, spaces collapsed, a leading "Article"
    or "Art." left out ("Article 16" and "16" are the same article)."""
    return " ".join(_fold(_ARTICLE_WORD.sub("", text)).split())


def _natural(text: str) -> tuple:
    return tuple(
        (0, int(part), "") if part.isdecimal() else (1, 0, part)
        for part in re.findall(r"\d+|\D+", article_key(text))
        if part.strip()
    )


def article_order(article: str, articles: list[tuple[str, str]]) -> tuple:
    """Sort key of an issue's or a TA's article: the manifest's articles in their order (an
    article "16" holds "Article 16", "16.4", "16: Planning" but not "160"), then other articles
    in natural order, then none."""
    key = article_key(article)
    if not key:
        return (2, ())
    for n, (number, title) in enumerate(articles):
        want = article_key(number)
        if (
            key == want
            or (key.startswith(want) and not key[len(want)].isalnum())
            or (title and key == article_key(title))
        ):
            return (0, (n,))
    return (1, _natural(article))


def _parties(gathered: Gathered, ordered: list[dict[str, Any]]) -> list[PartyInfo]:
    latest = {p["id"]: p for p in (ordered[-1]["parties"] if ordered else [])}
    listed = (gathered.manifest or {}).get("parties") or []
    if listed:
        out = []
        for p in listed:
            spokesperson = next((m["name"] for m in p.get("members", []) if m.get("role") == "spokesperson"), "")
            out.append(
                PartyInfo(
                    p["id"],
                    p["name"],
                    p["short"],
                    p.get("side", "other"),
                    spokesperson or latest.get(p["id"], {}).get("spokesperson", ""),
                )
            )
        return out
    return [PartyInfo(p["id"], p["name"], p["short"], p["side"], p["spokesperson"]) for p in latest.values()]


def build(gathered: Gathered, *, today: date | None = None) -> Negotiation:
    today = today or date.today()
    manifest = gathered.manifest
    ordered = _order(gathered.sessions)
    sessions = []
    for n, s in enumerate(ordered, start=1):
        days = [date.fromisoformat(d) for d in s["days"]]
        sessions.append(
            SessionInfo(
                n,
                s["file"],
                gathered.folder / s["file"],
                s["id"],
                s["title"],
                days[0] if days else None,
                days[-1] if days else None,
                bool(s["planned"]),
                datetime.fromisoformat(s["created"]),
                tuple(date.fromisoformat(d) for d in s.get("planned_days", [])),
                (s.get("previous") or {}).get("file"),
            )
        )
    articles = [(a["number"], a.get("title", "")) for a in (manifest or {}).get("articles", [])]
    parties = _parties(gathered, ordered)

    # every TA where it was reached, superseded in its own file as the app marked it
    tas: list[TA] = []
    for info, s in zip(sessions, ordered):
        by_id = {t["id"]: t for t in s["tas"]}
        for t in s["tas"]:
            later = by_id.get(t["superseded_by"]) if t["superseded_by"] else None
            tas.append(
                TA(
                    s["file"],
                    t["id"],
                    info.number,
                    t["issue"],
                    t["article"],
                    t["title"],
                    date.fromisoformat(t["date"]),
                    t["text"],
                    t["sha256"],
                    tuple(tuple(mark) for mark in t["initials"]),
                    t["amends_ratified"],
                    (s["file"], t["superseded_by"]) if t["superseded_by"] else None,
                    (
                        _day(t["superseded_at"][:10])
                        if t["superseded_at"]
                        else (date.fromisoformat(later["date"]) if later else None)
                    ),
                    add_amounts([amounts for _, amounts in t.get("costs", [])]),
                    tuple(label for label, _ in t.get("costs", [])),
                )
            )
    # across files: each issue's TAs standing in their files, the latest session's in force
    standing: dict[str, list[int]] = {}
    for k, ta in enumerate(tas):
        if ta.in_force:
            standing.setdefault(ta.issue, []).append(k)
    for chain in standing.values():
        for a, b in itertools.pairwise(chain):  # the later one replaces it
            newer = tas[b]
            tas[a] = replace(tas[a], superseded_by=(newer.file, newer.id), superseded_on=newer.date)

    # each issue across the files
    seen: dict[str, list[tuple[SessionInfo, dict[str, Any]]]] = {}
    for info, s in zip(sessions, ordered):
        for issue in s["issues"]:
            seen.setdefault(issue["id"], []).append((info, issue))
    requests: dict[str, Request] = {}
    done: set[str] = set()
    for s in ordered:
        for r in s["requests"]:
            if r["done"]:
                done.add(r["id"])
                requests.pop(r["id"], None)
            else:
                done.discard(r["id"])
                requests[r["id"]] = Request(
                    r["id"], r["issue"], r["text"], r["requested_of"], _day(r["due"]), s["file"]
                )
    tas_of: dict[str, list[TA]] = {}
    for ta in tas:
        tas_of.setdefault(ta.issue, []).append(ta)
    issues: list[IssueState] = []
    for issue_id, places in seen.items():
        info, latest = places[-1]
        worked = [(i, x) for i, x in places if x["last"]]
        worked_info, worked_issue = worked[-1] if worked else (info, latest)
        first_info, first_issue = places[0]
        first_seen = _day(first_issue["first"]) or first_info.first_day or first_info.created.date()
        mine = tas_of.get(issue_id, [])
        current = next((t for t in reversed(mine) if t.in_force), None)
        status = latest["status"]
        ended = None
        if status == "agreed":
            ended = current.date if current else _day((latest.get("agreed_in") or {}).get("date"))
        elif status == "withdrawn":
            ended = _day(latest["status_at"]) or info.last_day or info.created.date()
        issues.append(
            IssueState(
                issue_id,
                latest["statement"],
                latest["article"],
                status,
                latest["stage"],
                latest["raised_by"],
                info.file,
                worked_info.file,
                _day(worked_issue["last"]),
                first_seen,
                ended,
                current,
                tuple(t for t in mine if not t.in_force),
                tuple(r for r in requests.values() if r.issue == issue_id),
                article_order(latest["article"] or (current.article if current else ""), articles),
            )
        )
    issues.sort(key=lambda i: i.order)  # stable: the first session's order within an article

    package = _package(issues, tas, articles)
    ratification = _ratification(manifest, parties, package, tas)
    return Negotiation(
        gathered.folder,
        _name(manifest, ordered, gathered.folder),
        (manifest or {}).get("organization") or (ordered[-1]["organization"] if ordered else ""),
        (manifest or {}).get("bargaining_unit") or (ordered[-1]["unit"] if ordered else ""),
        parties,
        articles,
        sessions,
        issues,
        tas,
        package,
        ratification,
        manifest,
        list(gathered.manifest_error),
        list(gathered.broken),
        gathered.read,
        today,
        _budget(ordered),
    )


def _budget(ordered: list[dict[str, Any]]) -> Budget | None:
    """The latest session's years and budget (``ibb new --after`` carries them forward)."""
    for s in reversed(ordered):
        found = s.get("costing")
        if found:
            return Budget(tuple(found["years"]), tuple(Decimal(b) for b in found["budget"]), found.get("note", ""))
    return None


_SESSION_SUFFIX = re.compile(r"(?i)[,:;\s–-]*\b(session|meeting|day|round)\s+\d+\s*$")


def default_name(titles: list[str], folder: Path) -> str:
    """A name for a negotiation without a manifest: its first session's title less ", session N"."""
    for title in titles:
        name = _SESSION_SUFFIX.sub("", title).strip()
        if name:
            return name
    return folder.name or "Negotiation"


def _name(manifest: dict[str, Any] | None, ordered: list[dict[str, Any]], folder: Path) -> str:
    if manifest and manifest.get("name", "").strip():
        return manifest["name"]
    return default_name([s["title"] for s in ordered], folder)


def _package(issues: list[IssueState], tas: list[TA], articles: list[tuple[str, str]]) -> Package:
    withdrawn = {i.id for i in issues if i.status == "withdrawn"}
    position = {id(t): k for k, t in enumerate(tas)}
    key = lambda t: (article_order(t.article, articles), t.date, position[id(t)])  # noqa: E731
    current = sorted((t for t in tas if t.in_force and t.issue not in withdrawn), key=key)
    appendix = sorted(
        (t for t in tas if not t.in_force or t.issue in withdrawn), key=lambda t: (t.date, position[id(t)])
    )
    counted = [i for i in issues if i.status != "withdrawn"]
    return Package(
        current, appendix, [i for i in counted if i.live], sum(1 for i in counted if i.status == "agreed"), len(counted)
    )


def _ratification(
    manifest: dict[str, Any] | None, parties: list[PartyInfo], package: Package, tas: list[TA]
) -> Ratification:
    votes = (manifest or {}).get("ratifications", [])
    latest: dict[str, dict[str, Any]] = {}
    for vote in votes:
        latest[vote["party"]] = vote
    where = {(t.file, t.id): t for t in tas}
    now_rows = {(t.file, t.id): t.sha256 for t in package.current}
    party_votes: list[PartyVote] = []
    problems: list[str] = []
    amendments: dict[tuple[str, str], TA] = {}
    ratified: dict[str, set[str]] = {}
    listed = list(parties) + [PartyInfo(p, p, p, "other", "") for p in latest if p not in {x.id for x in parties}]
    for party in listed:
        vote = latest.get(party.id)
        if vote is None:
            party_votes.append(PartyVote(party, None, False))
            continue
        voted = {(row["file"], row["ta"]): row["sha256"] for row in vote.get("package", [])}
        party_votes.append(PartyVote(party, vote, voted == now_rows))
        if vote["result"] != "ratified":
            continue
        when = f"ratified by {party.name} on {vote['date']}"
        for (file, ta_id), digest in voted.items():
            ta = where.get((file, ta_id))
            if ta is None:
                problems.append(f"{file}: TA {ta_id} was {when}, and is no longer there")
            elif ta.sha256 != digest:
                problems.append(
                    f"{file}: TA {ta_id} was {when}, and its language has changed since: put it back as ratified, "
                    "or record a new TA that amends the ratified package"
                )
            elif ta.superseded_by is not None:
                newer = where.get(ta.superseded_by)
                if newer is None or not newer.amends_ratified.strip():
                    problems.append(
                        f"{file}: TA {ta_id} was {when}, and {ta.superseded_by[0]}: TA {ta.superseded_by[1]} "
                        "replaced it without saying that it amends the ratified package"
                    )
            else:
                ratified.setdefault(ta.ref, set()).add(party.id)
        for file, ta_id in now_rows.keys() - voted.keys():
            ta = where[(file, ta_id)]
            if ta.amends_ratified.strip():
                amendments[(file, ta_id)] = ta
            else:
                problems.append(
                    f"{file}: TA {ta_id} was reached after the package was {when}, and does not say that it "
                    "amends the ratified package"
                )
    unique = list(dict.fromkeys(problems))  # in order, each once
    return Ratification(party_votes, unique, list(amendments.values()), ratified)


__all__ = [
    "LIVE",
    "STATUS_LABELS",
    "TA",
    "IssueState",
    "Negotiation",
    "Package",
    "PartyInfo",
    "PartyVote",
    "Ratification",
    "Request",
    "SessionInfo",
    "article_key",
    "article_order",
    "build",
    "default_name",
]
