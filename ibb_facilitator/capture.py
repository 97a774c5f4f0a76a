"""What the recorder types on the capture line, read the way minutes are written.

Real minutes tag interests ``(U)``, ``(M)`` or ``(B)`` for both. Typing ``U: keep pay
competitive`` or ``(B) retain good teachers`` tags the interest as it is entered; the tag is a
party's short name (or id), or ``B`` / ``both`` / ``mutual`` for a mutual interest.
"""

from __future__ import annotations

import re

from .model import MUTUAL, Session

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
    from datetime import date

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
    from .model import Member, Role

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
