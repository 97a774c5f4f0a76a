"""The next session of a negotiation, made from the one before it (``ibb new --after PREVIOUS``).

What carries over, and how:

- the frame: title (``…, session 3`` becomes ``…, session 4``), district, unit, location, agenda
  name, the people (facilitators, recorder, timekeeper, observers), the parties and their
  members, ground rules, decision rule, stage order, time boxes, criteria starters and the
  shared criteria (carried issues' scores refer to them);
- every issue that is not agreed or withdrawn (open, parked, no consensus), whole: its
  interests, options and their scores, criteria, consensus checks, draft proposal and TA draft,
  stage and status, keeping its id (and every item's id) so it can be followed across files;
- every agreed issue, listed as agreed: its statement and article, and ``agreed_in``, a link to
  the TA in force (which file, which TA, its date and title), never a copy of the TA;
- open parking-lot items, open action items and open information requests;
- ``carried_from`` on each carried issue, parking-lot item and action says which file it came
  from, and ``[previous]`` names that file, its session id and title, when this file was made
  from it, and the highest id number of each kind the negotiation has used so far (new ids here
  start above them: an id names one thing across the whole negotiation).

Not carried: withdrawn issues (they stay in their file, and on the board), TAs (they stay where
they were reached), resolved or done items, caucuses, the event log and a training table.
The earlier file is only read: nothing here writes, and the caller saves the new session.

Pure: works on plain data (``Session.model_dump``) and builds the new session with one
validation, so the result is checked as a loaded file is.
"""

from __future__ import annotations

import gc
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ..model import IssueStatus, Session, integrity_problems, now
from ..process import rule_problems

_NUMBERED = re.compile(r"^(.*?)(\d+)(\D*)$")
_SESSION_WORD = re.compile(r"(?i)\b(session|meeting|day|round)(\s+)(\d+)\s*$")


class CarryError(ValueError):
    """The previous session cannot be carried over (a training table, say): the message says why."""


def next_title(title: str) -> str:
    """``"Spring 2027, session 3"`` -> ``"Spring 2027, session 4"``; any other title gets
    ``" (next session)"``, once."""
    found = _SESSION_WORD.search(title)
    if found:
        return f"{title[: found.start(3)]}{int(found.group(3)) + 1}"
    return title if title.endswith(" (next session)") else f"{title} (next session)"


def next_path(previous: Path) -> Path:
    """A file beside ``previous`` that does not exist yet: its trailing number plus one
    (``session-1.toml`` -> ``session-2.toml``, ``day09`` -> ``day10``), else ``STEM-next``."""
    stem, suffix = previous.stem, previous.suffix or ".toml"
    found = _NUMBERED.match(stem)
    if found:
        head, digits, tail = found.groups()
        n = int(digits)
        while True:
            n += 1
            candidate = previous.with_name(f"{head}{n:0{len(digits)}d}{tail}{suffix}")
            if not candidate.exists():
                return candidate
    candidate, n = previous.with_name(f"{stem}-next{suffix}"), 2
    while candidate.exists():
        candidate = previous.with_name(f"{stem}-next-{n}{suffix}")
        n += 1
    return candidate


def place_problem(folder: Path, previous_file: str, target: Path) -> str | None:
    """Why the session carried from ``previous_file`` (in ``folder``) may not be saved as
    ``target``: its links (carried from, agreed in) name files of that folder. None: it may."""
    if target.expanduser().resolve().parent == folder.expanduser().resolve():
        return None
    why = f"the next session goes in the folder of {previous_file} (a negotiation is one folder)"
    return f"{target}: {why}: {folder.expanduser().resolve()}"


def id_floor(session: Session) -> dict[str, int]:
    """The highest number of each ``prefix-N`` id ``session`` uses (items and log targets), and
    of the sessions before it (its ``previous.ids``)."""
    floor: dict[str, int] = dict(session.previous.ids) if session.previous is not None else {}
    ids = [*session.all_ids(), *(event.target for event in session.events)]
    for item_id in ids:
        head, dash, tail = item_id.rpartition("-")
        if dash and head and tail.isdecimal() and tail.isascii() and len(tail) < 19:
            n = int(tail)
            if n > floor.get(head, 0):
                floor[head] = n
    return dict(sorted(floor.items()))


_FRAME = (
    "organization",
    "bargaining_unit",
    "location",
    "agenda",
    "facilitators",
    "recorder",
    "timekeeper",
    "observers",
    "parties",
    "ground_rules",
    "decision_rule",
    "stage_order",
    "time_boxes",
    "caucus_minutes",
    "criteria_starters",
    "shared_criteria",
)
_OUT_OF_PLAY = (IssueStatus.AGREED, IssueStatus.WITHDRAWN)


def carry(previous: Session, previous_file: str, *, at: datetime | None = None) -> Session:
    """The next session after ``previous`` (saved as ``previous_file``, a name in the same
    folder). ``previous`` is not changed."""
    if previous.training is not None:
        raise CarryError("a training table is not a session of a negotiation: start a new table with ibb train")
    at = at or now()
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of new objects and no cycles (as store does when it loads)
    try:
        return _carry(previous, previous_file, at)
    finally:
        if collecting:
            gc.enable()


def _carry(previous: Session, previous_file: str, at: datetime) -> Session:
    # The log (half the file) and the caucuses stay behind: not dumped at all.
    source = previous.model_dump(exclude={"events", "caucuses", "cursor", "training"})
    data: dict[str, Any] = {name: source[name] for name in _FRAME}
    data["title"] = next_title(previous.title)
    data["created"] = at

    standing: dict[str, dict[str, Any]] = {}  # issue id -> its latest TA in force in ``previous``
    for ta in source["agreements"]:
        if ta["superseded_by"] is None:
            standing[ta["issue"]] = ta
    issues: list[dict[str, Any]] = []
    for issue in source["issues"]:
        status = issue["status"]
        if status is IssueStatus.WITHDRAWN:
            continue
        ta = standing.get(issue["id"])
        link = issue["agreed_in"]
        if ta is not None:
            link = {
                "file": previous_file,
                "session": previous.id,
                "ta": ta["id"],
                "date": ta["date"],
                "title": ta["title"],
            }
        if status is IssueStatus.AGREED:  # listed as agreed, with the link to its TA
            issue = {
                "id": issue["id"],
                "statement": issue["statement"],
                "raised_by": issue["raised_by"],
                "article": issue["article"],
                "data_needed": issue["data_needed"],
                "status": status,
                "stage": issue["stage"],
                "notes": issue["notes"],
            }
        issue["carried_from"] = previous_file
        issue["agreed_in"] = link
        issues.append(issue)
    data["issues"] = issues
    kept = {issue["id"] for issue in issues}

    def carried(item: dict[str, Any]) -> dict[str, Any]:
        if item.get("issue") is not None and item["issue"] not in kept:
            item["issue"] = None  # its issue was withdrawn: the item stays, its link cannot
        item["carried_from"] = previous_file
        return item

    data["parking_lot"] = [carried(item) for item in source["parking_lot"] if not item["resolved"]]
    data["actions"] = [carried(item) for item in source["actions"] if not item["done"]]
    first = next((i for i in issues if i["status"] not in _OUT_OF_PLAY), issues[0] if issues else None)
    data["cursor"] = {"issue": first["id"], "stage": first["stage"]} if first else {}
    data["previous"] = {
        "file": previous_file,
        "session": previous.id,
        "title": previous.title,
        "carried": at,
        "ids": id_floor(previous),
    }
    session = Session.model_validate(data)
    from .next_agenda import next_plan  # the next session's agenda, from what is open

    session.plan = next_plan(previous, session)
    problems = integrity_problems(session) + rule_problems(session)
    if problems:  # a bug here, never the user's: say exactly what
        raise CarryError("; ".join(f"{path}: {message}" for path, message in problems))
    return session


def carried_summary(session: Session) -> str:
    """One line for the terminal: what the new session carries."""
    live = sum(1 for issue in session.issues if issue.status not in _OUT_OF_PLAY)
    agreed = sum(1 for issue in session.issues if issue.status is IssueStatus.AGREED)
    requests = sum(1 for item in session.actions if item.kind.value == "info_request")
    parts = [
        f"{live} open issue{'s' if live != 1 else ''}",
        f"{agreed} agreed (linked to their TA)",
        f"{len(session.parking_lot)} parking-lot item{'s' if len(session.parking_lot) != 1 else ''}",
        f"{len(session.actions) - requests} action{'s' if len(session.actions) - requests != 1 else ''}",
        f"{requests} information request{'s' if requests != 1 else ''}",
    ]
    said = "Carried over: " + ", ".join(parts) + "."
    blocks = [block for day in session.plan for block in day.blocks]
    if blocks:  # next_plan's agenda, from what is open (a block without a time follows the one before)
        start = next((block.time for block in blocks if block.time), "")
        minutes = sum(block.minutes for block in blocks)
        said += f" The next meeting's agenda: {len(blocks)} blocks, {minutes // 60} h {minutes % 60:02d} min"
        said += f", from {start}." if start else "."
    return said


__all__ = ["CarryError", "carried_summary", "carry", "id_floor", "next_path", "next_title", "place_problem"]
