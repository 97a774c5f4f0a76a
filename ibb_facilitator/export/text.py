"""Text helpers every format shares: what a person typed made safe to show, and the exporter's
own words for dates, people and labels (English whatever the locale: minutes must read the same
everywhere).

``clean`` unifies line ends and makes control characters visible (a terminal must not act on
them); ``balance_bidi`` closes the bidirectional controls a text leaves open, so right-to-left
text cannot reorder what follows it on the same line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from ..model import JOINT, Interest, Option, Outcome, Role, Session, TentativeAgreement

NONE = "None."
EMPTY_CELL = "–"

# --- user text --------------------------------------------------------------------------------

_CONTROLS = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
_CONTROLS[0x7F] = "\u2421"
_CONTROLS.update({c: "\ufffd" for c in range(0x80, 0xA0)})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # exactly the keys of _CONTROLS
_EMBED_OPEN, _EMBED_CLOSE = "\u202a\u202b\u202d\u202e", "\u202c"
_ISOLATE_OPEN, _ISOLATE_CLOSE = "\u2066\u2067\u2068", "\u2069"
_BIDI = re.compile(f"[{_EMBED_OPEN}{_ISOLATE_OPEN}]")


def clean(text: str) -> str:
    """Unify line ends and make control characters visible (a terminal must not act on them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(lambda found: _CONTROLS[ord(found.group())], text)


def balance_bidi(text: str) -> str:
    """Close any bidi embedding, override or isolate the text leaves open."""
    if not _BIDI.search(text):
        return text
    embeds = sum(text.count(c) for c in _EMBED_OPEN) - text.count(_EMBED_CLOSE)
    isolates = sum(text.count(c) for c in _ISOLATE_OPEN) - text.count(_ISOLATE_CLOSE)
    return text + _EMBED_CLOSE * max(0, embeds) + _ISOLATE_CLOSE * max(0, isolates)


# --- dates and times --------------------------------------------------------------------------

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day(value: date) -> str:
    """'Tuesday 9 March 2027'."""
    return f"{_DAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]} {value.year}"


def short_day(value: date) -> str:
    """'9 March 2027'."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def moment(value: datetime) -> str:
    """'9 March 2027, 14:05', in the time zone the room recorded it in."""
    return f"{short_day(value)}, {value:%H:%M}"


def minutes_between(start: datetime, end: datetime) -> str:
    """'1 h 05 min', '25 min'."""
    total = max(0, round((end - start).total_seconds() / 60))
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


# --- people and labels ------------------------------------------------------------------------

ROLE_LABELS = {
    Role.SPOKESPERSON: "spokesperson",
    Role.NOTE_TAKER: "note-taker",
    Role.DECISION_MAKER: "decision-maker",
}
OUTCOME_LABELS = {Outcome.CONSENSUS: "consensus", Outcome.NO_CONSENSUS: "no consensus"}


def party_name(session: Session, party_id: str) -> str:
    """A party id as its name; anything else (a person's name) as it is."""
    party = session.party(party_id)
    return party.name if party else party_id


def raised_by(session: Session, value: str) -> str:
    """Who raised an issue: a party's name, or 'Joint team'."""
    return "Joint team" if value == JOINT else party_name(session, value)


def item_labels(items: Iterable[Interest | Option], prefix: str) -> dict[str, str]:
    """Item ids to their numbered labels: {'abc': 'I1', ...}."""
    return {item.id: f"{prefix}{n}" for n, item in enumerate(items, start=1)}


__all__ = [
    "EMPTY_CELL",
    "NONE",
    "OUTCOME_LABELS",
    "ROLE_LABELS",
    "balance_bidi",
    "clean",
    "day",
    "item_labels",
    "minutes_between",
    "moment",
    "party_name",
    "raised_by",
    "short_day",
]


def superseded_note(session: Session, ta: TentativeAgreement) -> str | None:
    """``"superseded by TA 2 on Wednesday, 25 November 2026"`` for a replaced TA, else None.
    TAs are numbered by their place in the record (superseded ones keep their number)."""
    if ta.superseded_by is None:
        return None
    number = session.agreement_number(ta.superseded_by)
    later = f"TA {number}" if number else ta.superseded_by
    return f"superseded by {later}" + (f" on {day(ta.superseded_at.date())}" if ta.superseded_at else "")
