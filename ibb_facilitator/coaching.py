"""Coaching for the facilitator: what a trainer at the table would point out, with the reason.

Pure functions over the model (no Textual), one per kind of note, each returning ``Note``s: the
item a note is about and a sentence the facilitator can read aloud or act on. The app shows them
to the facilitator only (``tui/coaching.py``), never on the room view or the wall unless chosen;
they are advice, never part of the record.

- ``interest_positions``: an "interest" phrased as a position (the primer: "what's behind that?");
- ``unserved_interests``: an interest no active option serves ("which option would meet it?");
- ``unrated_options``: an active option with no rating on some criterion;
- ``criterion_positions``: a criterion phrased as a position (a side's demand, a remedy);
- ``silent_parties``: a party with no interest of its own on the issue;
- ``bottom_checks``: a consensus check where every member of a party who answered gave the
  bottom of the scale (a team position, not individual doubts).

``issue_notes`` runs them all for one issue. The position detector is a transparent rule set
(``RULES``: numbers, "we want", "must", a proposal's shape, a flat "no ..."): the rules a phrase
matched are named in its reason. No learning, nothing hidden: ``bench/coaching_quality.py``
prints each rule's precision and recall on a labelled corpus (``tests/data/coaching_corpus.toml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import process, termtext
from .model import MUTUAL, ConsensusCheck, Issue, Method, OptionState, Session, Stage

# --- the position detector ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One sign that a phrase is a position: ``says`` completes "it ..." with what was found
    (``{found}``); ``ask`` is the facilitator's question when this is the first sign found."""

    id: str
    name: str
    pattern: re.Pattern[str]
    says: str
    ask: str


def _words(*words: str) -> str:
    return "|".join(words)


_UNITS = _words(
    "days?", "periods?", "adults?", "teachers?", "students?", "hours?", "minutes?", "weeks?", "meetings?",
    "aides?", "positions?", "events?", "steps?", "months?", "classes", "sessions?", "people",
)  # fmt: skip
_WORD_NUMBER = _words(
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty",
)  # fmt: skip
_SOLUTION_VERBS = _words(
    "add", "hire", "give", "cap", "raise", "increase", "cut", "eliminate", "pay", "move", "require", "adopt",
    "extend", "freeze", "provide", "create", "implement", "switch", "change", "establish", "abolish", "limit",
    "guarantee", "grant", "lengthen", "shorten", "replace", "post", "assign", "offer", "double", "halve",
    "drop", "remove", "ban", "mandate", "fund", "buy",
)  # fmt: skip
_SOLUTION_NOUNS = _words(
    "raises?", "increases?", "bonus(?:es)?", "stipends?", "caps?", "freeze", "reimbursement", "differentials?",
    "split", "side letter", "rotation", "(?<!the )committee", "moratorium", "buyouts?", "[a-z]+-day week", "work days?",
    "paraprofessionals?", "aides?", "deduction", "arbitration", "lottery", "incentives?", "payments?",
)  # fmt: skip

RULES: tuple[Rule, ...] = (
    Rule(
        "number",
        "a number",
        re.compile(
            r"(?:[$€£]\s?\d[\d,.]*"  # money
            r"|\b\d+(?:[.,]\d+)?\s*(?:%|percent\b|per cent\b)"  # a percentage
            rf"|\b(?:{_WORD_NUMBER}|one|half a)\s+(?:percent|per cent)\b"
            r"|\b\d{1,3}\s*/\s*\d{1,3}\b"  # a split: 75/25
            r"|\b\d{1,2}:\d\d\b"  # a time of day: 7:45
            # a count: not a year (2027), a label (FY2028, K-8, grade 3, Article 12) or a range's end
            r"|(?<![\w–-])(?<!grade )(?<!grades )(?<!article )(?<!section )(?<!year )"
            r"(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)?\b(?![\w–-])"
            rf"|\b(?:{_WORD_NUMBER})\s+(?:\w+\s+)?(?:{_UNITS})\b)",
            re.IGNORECASE,
        ),
        "names a number (‘{found}’)",
        "ask what the number would get them",
    ),
    Rule(
        "demand",
        "we want / need / demand",
        re.compile(
            r"\b(?:(?:we|i|they|the (?:union|association|district|committee|board|town))\s+(?:\w+\s+)?"
            r"(?:want|wants|need|needs|demand|demands|insist|insists|require|requires|expect|expects|won'?t|"
            r"will not|cannot accept|can'?t accept|refuse|refuses)"
            r"|our (?:proposal|offer|position|demand)|give us)\b",
            re.IGNORECASE,
        ),
        "says ‘{found}’",
        "ask what is behind it: why does it matter to them?",
    ),
    Rule(
        "must",
        "must / shall / at least",
        re.compile(
            r"\b(?:must|shall|has to|have to|(?:is |are )?not negotiable|non-negotiable|no (?:less|fewer|more|higher|"
            r"lower) than|nothing less|at least|at most|or nothing|bottom line|only if)\b",
            re.IGNORECASE,
        ),
        "says ‘{found}’",
        "ask what would go wrong if it were not so",
    ),
    Rule(
        "should",
        "X should be Y",
        re.compile(
            r"\b(?:should|ought to|will (?:pay|provide|give|cover|fund|hire|add|get))\b",
            re.IGNORECASE,
        ),
        "has a proposal's shape (‘{found}’)",
        "ask which need that would meet, and record the need",
    ),
    Rule(
        "remedy",
        "names a remedy",
        re.compile(
            rf"^\W*(?P<verb>{_SOLUTION_VERBS})\b(?!\s+(?:that|which|who|is|are)\b)"  # "Hire 12 more"
            rf"|^\W*(?:\S+\s+){{0,4}}?(?P<noun>{_SOLUTION_NOUNS})\b",  # a remedy in its first words
            re.IGNORECASE,
        ),
        "names a remedy (‘{found}’)",
        "it is already an option: ask which need it meets, record that, and keep the remedy for Options",
    ),
    Rule(
        "refusal",
        "a flat no",
        re.compile(r"^\W*(?:no|never|zero)\b(?!\s+(?:one|matter)\b)", re.IGNORECASE),
        "refuses outright (‘{found}’)",
        "ask what they are protecting",
    ),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}

CRITERION_RULES = ("demand", "should", "remedy")
"""A criterion may name a number or a must ("within the $8,000 available", "legal"): only a
side's demand or a remedy makes it a position."""


@dataclass(frozen=True)
class Sign:
    """A rule a phrase matched, and the words it matched."""

    rule: Rule
    found: str


@lru_cache(maxsize=8192)
def position_signs(text: str, rules: tuple[str, ...] | None = None) -> tuple[Sign, ...]:
    """The signs in ``text`` that it is a position, one per rule matched, in ``RULES`` order.
    Cached by text: a repaint asks again about the same phrases."""
    signs = []
    for rule in RULES:
        if rules is not None and rule.id not in rules:
            continue
        match = rule.pattern.search(text)
        if match:
            named = [group for group in match.groupdict().values() if group]  # the remedy's own words
            found = " ".join((named[0] if named else match.group(0)).split()).strip(" ,;:.")
            signs.append(Sign(rule, found))
    return tuple(signs)


def reads_as_position(text: str) -> bool:
    return bool(position_signs(text))


def position_reason(text: str, signs: tuple[Sign, ...], what: str = "reads as a position") -> str:
    """ "‘We want a 3 % raise’ reads as a position: it names a number (‘3 %’) and says ‘we want’;
    ask what the number would get them." """
    said = [sign.rule.says.format(found=sign.found) for sign in signs]
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return f"{quote(text)} {what}: it {listed}; {signs[0].rule.ask}."


def quote(text: str, width: int = 60) -> str:
    """The item's words in quotes, on one line, cut to ``width`` columns."""
    return termtext.quote(text, width)


# --- notes --------------------------------------------------------------------------------------

INTEREST_POSITION = "interest-position"
UNSERVED_INTEREST = "unserved-interest"
UNRATED_OPTION = "unrated-option"
CRITERION_POSITION = "criterion-position"
SILENT_PARTY = "silent-party"
BOTTOM_CHECK = "bottom-check"

KIND_LABELS = {
    INTEREST_POSITION: "Position?",
    UNSERVED_INTEREST: "Unserved",
    UNRATED_OPTION: "Not rated",
    CRITERION_POSITION: "Criterion?",
    SILENT_PARTY: "Not heard",
    BOTTOM_CHECK: "Team low",
}


KIND_STAGES = {
    INTEREST_POSITION: Stage.INTERESTS,
    SILENT_PARTY: Stage.INTERESTS,
    UNSERVED_INTEREST: Stage.OPTIONS,
    CRITERION_POSITION: Stage.CRITERIA,
    UNRATED_OPTION: Stage.CRITERIA,
    BOTTOM_CHECK: Stage.CONSENSUS,
}
"""The stage each kind of note belongs to: the room's stage comes first (``issue_notes``)."""


@dataclass(frozen=True)
class Note:
    """One piece of coaching: its kind, the id of what it is about (an interest, option,
    criterion, party or check), and the reason, a sentence for the facilitator."""

    kind: str
    about: str
    reason: str
    rules: tuple[str, ...] = ()  # the position rules matched (interest and criterion notes)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def _reached(session: Session, issue: Issue, stage: Stage) -> bool:
    """The issue is at ``stage`` or past it in the agenda's order."""
    order = session.stage_order
    return stage in order and issue.stage in order and order.index(issue.stage) >= order.index(stage)


def interest_positions(session: Session, issue: Issue) -> list[Note]:
    """Interests phrased as positions: a number, a demand, a must, a remedy, a flat no."""
    notes = []
    for interest in issue.interests:
        signs = position_signs(interest.text)
        if signs:
            reason = position_reason(interest.text, signs)
            notes.append(Note(INTEREST_POSITION, interest.id, reason, tuple(s.rule.id for s in signs)))
    return notes


def unserved_interests(session: Session, issue: Issue) -> list[Note]:
    """Interests that no active option serves, once the issue has active options."""
    active = [o for o in issue.options if o.state is OptionState.ACTIVE]
    if not active:
        return []
    served = {interest for option in active for interest in option.serves}
    notes = []
    for interest in issue.interests:
        if interest.id not in served:
            holder = session.holder_label(interest.holder)
            reason = (
                f"No active option serves {quote(interest.text)} ({holder}): ask the room which option would "
                "meet it, or brainstorm one that does."
            )
            notes.append(Note(UNSERVED_INTEREST, interest.id, reason))
    return notes


def unrated_options(session: Session, issue: Issue) -> list[Note]:
    """Active options with no rating on some criterion of the issue, once it is at Criteria."""
    criteria = session.criteria_for(issue)
    if not criteria or not _reached(session, issue, Stage.CRITERIA):
        return []
    notes = []
    for option in issue.options:
        if option.state is not OptionState.ACTIVE:
            continue
        missing = [c for c in criteria if c.id not in option.scores]
        if not missing:
            continue
        named = ", ".join(quote(c.text, 30) for c in missing[:2]) + (" …" if len(missing) > 2 else "")
        reason = (
            f"{quote(option.text)} has no rating on {len(missing)} of {len(criteria)} criteria ({named}): "
            "rate it (Ctrl+R at Criteria) before testing it for consensus."
        )
        notes.append(Note(UNRATED_OPTION, option.id, reason))
    return notes


def criterion_positions(session: Session, issue: Issue) -> list[Note]:
    """The issue's criteria phrased as positions (a side's demand, a remedy, "X should be Y"):
    a criterion is a standard both sides accept, not one side's answer. Shared criteria are
    the session's, not the issue's: left out (they were agreed once for every issue)."""
    notes = []
    for criterion in issue.criteria:
        signs = position_signs(criterion.text, CRITERION_RULES)
        if signs:
            reason = position_reason(criterion.text, signs, "reads as a position, not a standard")
            notes.append(Note(CRITERION_POSITION, criterion.id, reason, tuple(s.rule.id for s in signs)))
    return notes


def silent_parties(session: Session, issue: Issue) -> list[Note]:
    """Parties with no interest of their own on the issue, once it is at Interests (mutual
    interests do not count: they do not say what that party needs)."""
    if not _reached(session, issue, Stage.INTERESTS):
        return []
    holders = {interest.holder for interest in issue.interests}
    mutual = sum(1 for interest in issue.interests if interest.holder == MUTUAL)
    notes = []
    for party in session.parties:
        if party.id in holders:
            continue
        also = f" (mutual interests, {mutual} here, do not say what it needs on its own)" if mutual else ""
        reason = f"{party.name} has no interest of its own recorded{also}: ask its team what matters to it here."
        notes.append(Note(SILENT_PARTY, party.id, reason))
    return notes


BOTTOM: dict[Method, frozenset[int | str]] = {
    Method.FIST_TO_FIVE: frozenset({0, 1}),
    Method.THUMBS: frozenset({"down"}),
    Method.GRADIENTS: frozenset({7, 8}),  # serious disagreement, block
    Method.PER_PARTY: frozenset({"do_not_concur"}),
}
"""The bottom of each scale: a party whose every answer is here answered as a team."""


def _bottom_parties(session: Session, check: ConsensusCheck) -> list[str]:
    """The parties every one of whose answers in ``check`` is at the bottom of the scale (a
    member's later answer replaces an earlier one, as ``process.tally`` counts them)."""
    bottom = BOTTOM[check.method]
    party_of = {name.strip().casefold(): party for name, party in process.voters(session)}
    latest: dict[str, tuple[str, int | str]] = {}  # who -> (party, value)
    for response in check.responses:
        key = response.who.strip().casefold()
        if check.method is Method.PER_PARTY:
            party: str | None = response.who if session.party(response.who) is not None else None
        else:
            party = party_of.get(key)  # observers, facilitators: not counted, as in the tally
        if party is not None:
            latest[key] = (party, response.value)
    by_party: dict[str, list[int | str]] = {}
    for party, value in latest.values():
        by_party.setdefault(party, []).append(value)
    return [p.id for p in session.parties if by_party.get(p.id) and all(v in bottom for v in by_party[p.id])]


def bottom_checks(session: Session, issue: Issue) -> list[Note]:
    """Consensus checks where every member of a party who answered gave the bottom of the scale
    (fist-to-five 0 or 1, thumbs down, gradients 7 or 8, per-party: does not concur)."""
    notes = []
    for check in issue.checks:
        for party_id in _bottom_parties(session, check):
            name = session.holder_label(party_id)
            values = ", ".join(sorted({str(v) for v in BOTTOM[check.method]}))
            method = process.METHOD_LABELS[check.method].lower()
            who = "answered" if check.method is Method.PER_PARTY else "every member who answered gave"
            tested = f" on {quote(check.proposal, 40)}" if check.proposal.strip() else ""
            reason = (
                f"In the check of {check.at:%H:%M}{tested}, {name} {who} the bottom of the {method} scale "
                f"({values}): that is a team's position, not one person's doubt; ask the team what would bring "
                "it up, or offer a caucus."
            )
            notes.append(Note(BOTTOM_CHECK, f"{check.id}:{party_id}", reason))
    return notes


NOTE_FUNCTIONS = (
    interest_positions,
    silent_parties,
    unserved_interests,
    criterion_positions,
    unrated_options,
    bottom_checks,
)


def issue_notes(session: Session, issue: Issue, stage: Stage | None = None) -> list[Note]:
    """Every note on ``issue``, in the order of the stages they belong to; with ``stage`` (the
    stage the room is on), that stage's notes first."""
    notes = [note for function in NOTE_FUNCTIONS for note in function(session, issue)]
    if stage is not None:
        notes.sort(key=lambda note: KIND_STAGES[note.kind] is not stage)  # stable: the rest in order
    return notes
