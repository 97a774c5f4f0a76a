"""What the recorder types on the capture line, read the way minutes are written.

Real minutes tag interests ``(U)``, ``(M)`` or ``(B)`` for both. Typing ``U: keep pay
competitive`` or ``(B) retain good teachers`` tags the interest as it is entered; the tag is a
party's short name (or id), or ``B`` / ``both`` / ``mutual`` for a mutual interest.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

from .model import MUTUAL, Member, Role, Session

_PREFIX = re.compile(r"^\s*(?:\((?P<paren>[^()\s]{1,12})\)|(?P<colon>[^\s:()]{1,12}):)\s+(?P<rest>\S.*)$", re.DOTALL)
_MUTUAL_TAGS = {"b", "both", "mutual", "m+u", "joint"}


def parse_holder_prefix(session: Session, text: str) -> tuple[str | None, str]:
    """``(holder, text without the tag)``; ``(None, text)`` when the text carries no known tag."""
    found = _PREFIX.match(text)
    if not found:
        return None, text
    tag = (found.group("paren") or found.group("colon")).casefold()
    for party in session.parties:
        if tag in (party.short.casefold(), party.id.casefold()):
            return party.id, found.group("rest")
    if tag in _MUTUAL_TAGS:
        return MUTUAL, found.group("rest")
    return None, text


# The owner starts with a visible character: "Bus routes @ " (owner still to come) names nobody
# and keeps its " @ " as typed.
_OWNER = re.compile(r"^(?P<text>.*\S)\s+@\s*(?P<owner>[^@\s][^@]*?)\s*$", re.DOTALL)
_DUE = re.compile(r"^(?P<text>.*\S)\s+due\s+(?P<due>\d{4}-\d{2}-\d{2})\s*$", re.DOTALL | re.IGNORECASE)


def split_owner(text: str) -> tuple[str, str]:
    """``"Bus routes @ Transportation"`` → ``("Bus routes", "Transportation")``."""
    found = _OWNER.match(text)
    return (found.group("text"), found.group("owner")) if found else (text, "")


def split_due(text: str):
    """``"Enrollment data due 2026-12-01"`` → ``("Enrollment data", date(2026, 12, 1))``.

    A date that does not exist leaves the text as it is (nothing typed is dropped).
    """
    found = _DUE.match(text)
    if not found:
        return text, None
    try:
        return found.group("text"), date.fromisoformat(found.group("due"))
    except ValueError:
        return text, None


_ROLE_WORDS = {
    "spokesperson": "spokesperson",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "note-taker": "note_taker",
    "note taker": "note_taker",
    "notetaker": "note_taker",
    "note_taker": "note_taker",
    "decision-maker": "decision_maker",
    "decision maker": "decision_maker",
    "decision_maker": "decision_maker",
    "member": "member",
}


def members_to_text(members) -> str:
    """One member a line: ``Name, role, title`` (what the set-up screen edits)."""
    lines = []
    for m in members:
        parts = [m.name, m.role.value.replace("_", "-")]
        if m.title:
            parts.append(m.title)
        lines.append(", ".join(parts))
    return "\n".join(lines)


def members_from_text(text: str):
    """Members from ``Name, role, title`` lines; an unknown role word is kept as the title."""
    members = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, rest = line.partition(",")
        role_word, _, title = rest.partition(",")
        role = _ROLE_WORDS.get(role_word.strip().casefold())
        if role is None:  # "Ana Diaz, Union president": no role word, all of it is the title
            role, title = "member", rest
        members.append(Member(name=name.strip(), role=Role(role), title=title.strip()))
    return members


def split_list(text: str) -> list[str]:
    """``"A. Diaz, B. Chen"`` → ``["A. Diaz", "B. Chen"]``."""
    return [part.strip() for part in text.split(",") if part.strip()]


# --- due dates as a recorder types them ---------------------------------------------------------
#
# Written here rather than taken from PyPI: parsedatetime (last release 2020) reads almost any
# text as some date (an unknown word becomes "now"), and dateparser brings regex and tz data
# megabytes for the dozen phrases a room uses. A phrase this does not know is reported, never
# guessed at.

_WEEKDAYS = {name: n for n, names in enumerate((
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"),
)) for name in names}  # fmt: skip
_MONTHS = {name: n for n, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec"),
), start=1) for name in names}  # fmt: skip
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_ORDINAL = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s*(?P<year>\d{4}))?"
_MONTH_DAY = re.compile(rf"^(?P<month>[a-z]+)\.?\s+{_ORDINAL}{_YEAR}$")  # Dec 1, December 1st, 2026
_DAY_MONTH = re.compile(rf"^{_ORDINAL}\s+(?:of\s+)?(?P<month>[a-z]+)\.?{_YEAR}$")  # 1 December 2026
_SLASHED = re.compile(r"^(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:/(?P<year>\d{2}|\d{4}))?$")  # 12/1, 12/1/26
_IN = re.compile(r"^in\s+(?P<n>\d{1,3}|[a-z]+)\s+(?P<unit>days?|weeks?|wks?)$")
_NEXT = re.compile(r"^(?P<next>next\s+|this\s+)?(?P<weekday>[a-z]+)\.?$")

DUE_EXAMPLES = "2026-12-01, today, tomorrow, Friday, next Friday, in 2 weeks, 12/1, Dec 1, 1 December"


def _dated(year: int, month: int, day: int):
    try:
        return date(year, month, day)
    except ValueError:
        return None  # 30 February: not understood, not moved to 2 March


def _coming(month: int, day: int, year: str | None, today):
    """A month and day: in the year given, else the next time it comes (today included)."""
    if year:
        return _dated(int(year) + (2000 if len(year) == 2 else 0), month, day)
    found = _dated(today.year, month, day)
    if found is not None and found < today:
        found = _dated(today.year + 1, month, day)
    return found if found is not None else _dated(today.year + 1, month, day)


def parse_due(phrase: str, today):
    """The date ``phrase`` names, counted from ``today``; None when it is not understood.

    Understood (any case, a trailing period allowed): an ISO date ``2026-12-01``; ``today``,
    ``tomorrow``; a weekday (``Friday``, ``fri``: the first one after today; ``this Friday`` the
    same); ``next Friday`` (the Friday of next week, Monday to Sunday); ``in 3 days``,
    ``in 2 weeks``, ``in a week``; ``12/1`` (month/day, US style) and ``12/1/2026``, ``12/1/26``;
    ``Dec 1``, ``December 1st``, ``Dec 1, 2026``, ``1 December``, ``1 Dec 2026``. A month and day
    without a year is the next one to come (today included). A date that does not exist
    (``2026-02-30``, ``2/30``) is not understood.
    """
    text = " ".join(phrase.strip().casefold().rstrip(".").split())
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    found = _IN.match(text)
    if found:
        n = int(found["n"]) if found["n"].isdigit() else _NUMBERS.get(found["n"])
        if n is None:
            return None
        return today + timedelta(days=n * (7 if found["unit"].startswith("w") else 1))
    found = _NEXT.match(text)
    if found and found["weekday"] in _WEEKDAYS:
        weekday = _WEEKDAYS[found["weekday"]]
        if found["next"] and found["next"].startswith("next"):
            monday_next_week = today + timedelta(days=7 - today.weekday())
            return monday_next_week + timedelta(days=weekday)
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    found = _SLASHED.match(text)
    if found:
        return _coming(int(found["month"]), int(found["day"]), found["year"], today)
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        found = pattern.match(text)
        if found and found["month"] in _MONTHS:
            return _coming(_MONTHS[found["month"]], int(found["day"]), found["year"], today)
    return None


def due_not_understood(phrase: str) -> str:
    """The sentence the UI shows for a due phrase ``parse_due`` does not know."""
    return f"the due date '{phrase.strip()}' was not understood (try {DUE_EXAMPLES})"


class ActionLine(NamedTuple):
    """An action typed on the capture line, read: ``error`` is None when all of it was understood."""

    text: str
    owner: str
    due: date | None
    error: str | None = None


_OWNER_DUE = re.compile(r"^(?:(?P<owner>.*?\S)\s+)?due\s+(?P<due>\S.*?)\s*$", re.DOTALL | re.IGNORECASE)
_TEXT_DUE = re.compile(r"^(?P<text>.*\S)\s+due\s+(?P<due>\S.*?)\s*$", re.DOTALL | re.IGNORECASE)
_DATE_LIKE = re.compile(
    r"\d|^(?:today|tomorrow|next|this|in)\b|^(?:"
    + "|".join(sorted(_WEEKDAYS))
    + "|"
    + "|".join(sorted(_MONTHS))
    + r")\b\.?",
    re.IGNORECASE,
)


def parse_action_line(line: str, today) -> ActionLine:
    """``"Enrollment data @ HR due next Friday"`` → ``ActionLine("Enrollment data", "HR", date)``.

    After ``@ owner``, the word ``due`` starts the due date: whatever follows it must be a date
    ``parse_due`` understands, or ``error`` says so (``due_not_understood``) and the UI keeps the
    line for fixing: it is never folded into the owner. Without an owner, a trailing
    ``due <phrase>`` is a due date when the phrase looks like one (a digit, a weekday, a month,
    today, tomorrow, next, this, in): ``Review the due process`` is only text.
    """
    text, owner = split_owner(line)
    if owner:
        found = _OWNER_DUE.match(owner)
        if found:
            due = parse_due(found["due"], today)
            return ActionLine(
                text, found["owner"] or "", due, None if due is not None else due_not_understood(found["due"])
            )
        # "Data due Dec 1 @ HR": the due date before the owner
        return _text_due(text, owner, today)
    return _text_due(line, "", today)


def _text_due(text: str, owner: str, today) -> ActionLine:
    found = _TEXT_DUE.match(text)
    if found and _DATE_LIKE.search(found["due"]):
        due = parse_due(found["due"], today)
        if due is None:
            return ActionLine(text, owner, None, due_not_understood(found["due"]))
        return ActionLine(found["text"], owner, due)
    return ActionLine(text, owner, None)
