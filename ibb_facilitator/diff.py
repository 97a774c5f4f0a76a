"""What changed between two versions of a session: ``compare(old, new)``, then text or Markdown.

Items are matched by their stable ids (``interest-7`` is the same interest in both files whatever
its position), so a rewording shows as a rewording, not as one item removed and another added.
The changes are grouped where a reader looks for them: the session's own details, then issue by
issue (its statement and status, interests, options, criteria, ratings, its draft's revisions,
consensus checks, straw polls and its tentative agreements), then shared criteria, the parking
lot, actions and caucuses, and a line on the event log.

Every string from a file is data: the text rendering shows control characters as visible symbols
(a file cannot move the terminal's cursor or change its colors); the Markdown rendering escapes
user text with the minutes' own helpers (``export.markdown``) and writes TA language in fenced
blocks, exactly. Never import textual or rich here.

Over 500 lines on purpose: one short comparer per part of a session, in the order a reader
looks, plus the two renderings; split, each part would need the shared matching helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from . import costing, drafting, polls, process, screening
from .export.markdown import fenced, inline
from .export.text import balance_bidi as _balance_bidi
from .export.text import clean as _clean
from .export.text import moment, short_day
from .model import (
    JOINT,
    ActionItem,
    ActionKind,
    Caucus,
    ConsensusCheck,
    Criterion,
    Interest,
    Issue,
    Option,
    OptionState,
    Outcome,
    ParkingItem,
    Poll,
    Session,
    TentativeAgreement,
)

ADDED, REMOVED, CHANGED = "+", "-", "~"

_OUTCOMES = {Outcome.CONSENSUS: "consensus", Outcome.NO_CONSENSUS: "no consensus"}
_STATES = {OptionState.ACTIVE: "on the table", OptionState.SET_ASIDE: "set aside", OptionState.COMBINED: "combined"}


@dataclass(frozen=True)
class Change:
    """One difference. ``what`` and ``how`` are fixed words; every other field may be user text."""

    sign: str  # "+" added, "-" removed, "~" changed
    what: str  # "Interest I3", "Option O2", "Status", "TA 1"...
    how: str = ""  # "added", "reworded", "set aside", "holder"...
    text: str = ""  # the item as it reads (now, or last, for a removed one)
    old: str | None = None  # a field's old value (shown "old → new")
    new: str | None = None
    context: str = ""  # who holds it, which criterion...: shown in parentheses
    block: bool = False  # old/new are long texts: shown on their own lines ("was:" / "now:")
    exact: bool = False  # text/old/new are agreed language: shown exactly (fenced in Markdown)


@dataclass(frozen=True)
class Section:
    heading: str  # fixed words: "Session", "Issue 2", "Parking lot"...
    title: str = ""  # user text after the heading (an issue's statement)
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class SessionDiff:
    old_name: str
    new_name: str
    sections: tuple[Section, ...] = ()
    log: str = ""  # a sentence on the event log (fixed words and dates only)
    notes: tuple[str, ...] = field(default_factory=tuple)  # fixed-word remarks (different sessions...)

    @property
    def changed(self) -> bool:
        return any(section.changes for section in self.sections)

    def __bool__(self) -> bool:
        return self.changed


# --- comparing --------------------------------------------------------------------------------


class _HasId(Protocol):
    id: str


T = TypeVar("T", bound=_HasId)


def _by_id(items: Iterable[T]) -> dict[str, T]:
    return {item.id: item for item in items}


def _labels(items: Iterable[Any], prefix: str) -> dict[str, str]:
    return {item.id: f"{prefix}{n}" for n, item in enumerate(items, start=1)}


def _both_labels(old: Iterable[Any], new: Iterable[Any], prefix: str) -> dict[str, str]:
    """Numbers as the newer file shows them; a removed item says its number in the older one."""
    return {**{k: f"(was {v})" for k, v in _labels(old, prefix).items()}, **_labels(new, prefix)}


def _holder(session: Session, holder: str) -> str:
    tag = session.holder_tag(holder)
    label = session.holder_label(holder)
    return f"{tag}, {label}" if tag != label else label


def _party(session: Session, value: str) -> str:
    if value == JOINT:
        return "Joint team"
    party = session.party(value)
    return party.name if party else value


def _field(out: list[Change], what: str, how: str, old: Any, new: Any, *, text: str = "", block: bool = False) -> None:
    if old != new:
        out.append(Change(CHANGED, what, how, text=text, old=_shown(old), new=_shown(new), block=block))


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return short_day(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(v) for v in value) or "(none)"
    return str(getattr(value, "value", value))


def compare(old: Session, new: Session, old_name: str = "old", new_name: str = "new") -> SessionDiff:
    """Everything that differs between ``old`` and ``new``, grouped for reading."""
    sections: list[Section] = []
    notes: list[str] = []
    if old.id != new.id:
        notes.append("The two files are different sessions (their ids differ): items are matched by id all the same.")
    sections.append(Section("Session", changes=tuple(_session_changes(old, new))))

    old_issues, new_issues = _by_id(old.issues), _by_id(new.issues)
    numbers = {issue.id: n for n, issue in enumerate(new.issues, start=1)}
    old_numbers = {issue.id: n for n, issue in enumerate(old.issues, start=1)}
    for issue in new.issues:
        before = old_issues.get(issue.id)
        changes = _issue_changes(old, new, before, issue)
        sections.append(Section(f"Issue {numbers[issue.id]}", issue.statement, tuple(changes)))
    for issue in old.issues:
        if issue.id not in new_issues:
            changes = [Change(REMOVED, "Issue", "removed", text=issue.statement)]
            changes += _agreement_changes(old, new, issue.id)
            sections.append(
                Section(f"Issue {old_numbers[issue.id]} of the older file", issue.statement, tuple(changes))
            )

    shared: list[Change] = []
    _items(
        shared,
        old.shared_criteria,
        new.shared_criteria,
        "Criterion",
        _both_labels(old.shared_criteria, new.shared_criteria, "shared C"),
        _criterion_diff,
    )
    sections.append(Section("Criteria shared by every issue", changes=tuple(shared)))
    sections.append(Section("The day's plan", changes=tuple(_plan_changes(old, new))))
    sections.append(Section("Parking lot", changes=tuple(_parking_changes(old, new))))
    sections.append(Section("Action items and information requests", changes=tuple(_action_changes(old, new))))
    sections.append(Section("Caucuses", changes=tuple(_caucus_changes(old, new))))
    return SessionDiff(old_name, new_name, tuple(sections), _log_sentence(old, new), tuple(notes))


def _plan_changes(old: Session, new: Session) -> list[Change]:
    """Plan days added or dropped, and per day (by place): blocks' times, titles, starts, the end."""
    out: list[Change] = []
    for n in range(max(len(old.plan), len(new.plan))):
        before = old.plan[n] if n < len(old.plan) else None
        after = new.plan[n] if n < len(new.plan) else None
        day = after or before
        assert day is not None
        name = " · ".join(x for x in (short_day(day.date) if day.date else "", day.title) if x) or f"day {n + 1}"
        if before is None or after is None:
            out.append(
                Change(
                    ADDED if before is None else REMOVED,
                    "Plan day",
                    "added" if before is None else "removed",
                    text=name,
                )
            )
            continue
        _field(out, "Plan day", "dated", before.date, after.date, text=name)
        _field(out, "Plan day finished", "at", before.finished, after.finished, text=name)
        for k in range(max(len(before.blocks), len(after.blocks))):
            a = before.blocks[k] if k < len(before.blocks) else None
            b = after.blocks[k] if k < len(after.blocks) else None
            if a is None or b is None:
                block = b or a
                assert block is not None
                kind, how = (ADDED, "added") if a is None else (REMOVED, "removed")
                out.append(Change(kind, "Block", how, text=f"{block.time} {block.title}".strip(), context=name))
                continue
            title = f"{b.time} {b.title}".strip()
            _field(out, "Block", "renamed", a.title, b.title, text=title)
            _field(out, "Block time", "moved", a.time, b.time, text=b.title)
            _field(out, "Block minutes", "changed", a.minutes, b.minutes, text=title)
            _field(out, "Block started", "at", a.started, b.started, text=title)
    return out


def _session_changes(old: Session, new: Session) -> list[Change]:
    out: list[Change] = []
    for name, label in (
        ("title", "Title"),
        ("organization", "District / organization"),
        ("bargaining_unit", "Bargaining unit"),
        ("location", "Location"),
        ("recorder", "Recorder"),
        ("timekeeper", "Timekeeper"),
    ):
        _field(out, label, "changed", getattr(old, name), getattr(new, name))
    for name, label in (("meeting_days", "Meeting days"), ("facilitators", "Facilitators"), ("observers", "Observers")):
        _field(out, label, "changed", getattr(old, name), getattr(new, name))
    for rule in new.ground_rules:
        if rule not in old.ground_rules:
            out.append(Change(ADDED, "Ground rule", "added", text=rule))
    for rule in old.ground_rules:
        if rule not in new.ground_rules:
            out.append(Change(REMOVED, "Ground rule", "removed", text=rule))
    a, b = old.decision_rule, new.decision_rule
    _field(out, "Decision rule", "reworded", a.description, b.description, block=True)
    _field(out, "Usual consensus check", "changed", process.METHOD_LABELS[a.method], process.METHOD_LABELS[b.method])
    _field(out, "Fallback", "reworded", a.fallback, b.fallback, block=True)
    _field(out, "Fist-to-five minimum", "changed", a.fist_minimum, b.fist_minimum)
    _field(out, "Gradients threshold", "changed", a.gradient_threshold, b.gradient_threshold)
    _field(
        out,
        "Contract years and budget",
        "changed",
        costing.costing_text(old.costing),
        costing.costing_text(new.costing),
    )
    old_parties, new_parties = _by_id(old.parties), _by_id(new.parties)
    for party in new.parties:
        before = old_parties.get(party.id)
        if before is None:
            out.append(Change(ADDED, "Party", "added", text=party.name))
            continue
        _field(out, "Party", "renamed", before.name, party.name)
        _field(out, f"Tag of {party.name}", "changed", before.short, party.short)
        old_members = {m.name: m for m in before.members}
        new_members = {m.name: m for m in party.members}
        for name, member in new_members.items():
            if name not in old_members:
                out.append(Change(ADDED, "Member", "added", text=name, context=party.name))
            elif old_members[name].role != member.role:
                out.append(
                    Change(
                        CHANGED,
                        "Role",
                        "changed",
                        text=name,
                        old=old_members[name].role.value,
                        new=member.role.value,
                        context=party.name,
                    )
                )
        for name in old_members:
            if name not in new_members:
                out.append(Change(REMOVED, "Member", "removed", text=name, context=party.name))
    for party in old.parties:
        if party.id not in new_parties:
            out.append(Change(REMOVED, "Party", "removed", text=party.name))
    return out


def _items(
    out: list[Change],
    old: list[Any],  # items of one kind; those without a ``text`` come with ``describe``
    new: list[Any],
    what: str,
    labels: dict[str, str],
    changed: Any,
    *,
    describe: Any = None,
) -> None:
    """Added, removed and changed items of one kind, matched by id (added ones in the new order)."""
    before, after = _by_id(old), _by_id(new)
    for item in new:
        item_id = item.id
        if item_id not in before:
            text, context = describe(item) if describe else (item.text, "")
            out.append(Change(ADDED, f"{what} {labels.get(item_id, '')}".strip(), "added", text=text, context=context))
        else:
            changed(out, f"{what} {labels.get(item_id, '')}".strip(), before[item_id], item)
    for item in old:
        item_id = item.id
        if item_id not in after:
            text, context = describe(item) if describe else (item.text, "")
            out.append(
                Change(REMOVED, f"{what} {labels.get(item_id, '')}".strip(), "removed", text=text, context=context)
            )


def _criterion_diff(out: list[Change], what: str, a: Criterion, b: Criterion) -> None:
    _field(out, what, "reworded", a.text, b.text, block=True)
    _field(out, what, "weight", f"×{a.weighs}", f"×{b.weighs}", text=b.text)
    _field(out, what, "must pass", _line(a.must_pass), _line(b.must_pass), text=b.text)


def _line(line: int | None) -> str:
    return "not must-pass" if line is None else f"{line} or more"


def _ranking(session: Session, issue: Issue, labels: dict[str, str]) -> str:
    """The issue's options by rank, screened-out ones after: "1 O7 (Σ 26); out O1"."""
    parts = []
    for s in screening.by_rank(screening.standings(session, issue)):
        label = labels.get(s.option.id, s.option.id)
        parts.append(f"out {label} ({s.reason})" if s.rank is None else f"{s.rank} {label} (Σ {s.total})")
    return "; ".join(parts)


def _ranking_changes(
    old: Session, new: Session, before: Issue, issue: Issue, option_labels: dict[str, str]
) -> list[Change]:
    """The ranking of the options, when it moved (a rating, a weight, a must-pass line)."""
    if not new.criteria_for(issue) or not issue.has_scores():
        return []
    was, now = _ranking(old, before, option_labels), _ranking(new, issue, option_labels)
    if was == now:
        return []
    return [Change(CHANGED, "Ranking of the options", "changed", old=was or "(none)", new=now, block=True)]


def _issue_changes(old: Session, new: Session, before: Issue | None, issue: Issue) -> list[Change]:
    out: list[Change] = []
    if before is None:
        out.append(Change(ADDED, "Issue", "added", text=issue.statement, context=_party(new, issue.raised_by)))
        before = Issue(
            id=issue.id,
            statement=issue.statement,
            raised_by=issue.raised_by,
            article=issue.article,
            data_needed=issue.data_needed,
            notes=issue.notes,
            stage=issue.stage,
            status=issue.status,
        )
    else:
        _field(out, "Statement", "reworded", before.statement, issue.statement, block=True)
        _field(out, "Raised by", "changed", _party(old, before.raised_by), _party(new, issue.raised_by))
        _field(out, "Contract article", "changed", before.article, issue.article)
        _field(out, "Data needed", "changed", before.data_needed, issue.data_needed, block=True)
        _field(out, "Notes", "changed", before.notes, issue.notes, block=True)
        _field(out, "Status", "changed", process.STATUS_LABELS[before.status], process.STATUS_LABELS[issue.status])
        _field(out, "Stage", "changed", before.stage.value.capitalize(), issue.stage.value.capitalize())
    _field(out, "Proposal on the table", "changed", before.proposal, issue.proposal, block=True)

    interest_labels = _both_labels(before.interests, issue.interests, "I")
    option_labels = _both_labels(before.options, issue.options, "O")

    def interest_changed(out: list[Change], what: str, a: Interest, b: Interest) -> None:
        _field(out, what, "reworded", a.text, b.text, block=True)
        if a.holder != b.holder:
            out.append(
                Change(CHANGED, what, "holder", text=b.text, old=_holder(old, a.holder), new=_holder(new, b.holder))
            )
        if a.kind != b.kind:
            out.append(Change(CHANGED, what, "kind", text=b.text, old=_shown(a.kind), new=_shown(b.kind)))

    _items(
        out,
        before.interests,
        issue.interests,
        "Interest",
        interest_labels,
        interest_changed,
        describe=lambda i: (
            i.text,
            _holder(new if new.party(i.holder) or old.party(i.holder) is None else old, i.holder),
        ),
    )

    def option_changed(out: list[Change], what: str, a: Option, b: Option) -> None:
        _field(out, what, "reworded", a.text, b.text, block=True)
        if a.state != b.state:
            if b.state is OptionState.COMBINED:
                into = option_labels.get(b.combined_into or "", b.combined_into or "?")
                out.append(Change(CHANGED, what, f"combined into {into}", text=b.text))
            elif b.state is OptionState.SET_ASIDE:
                out.append(Change(CHANGED, what, "set aside", text=b.text))
            else:
                out.append(
                    Change(CHANGED, what, "brought back", text=b.text, old=_STATES[a.state], new=_STATES[b.state])
                )
        gained = [interest_labels.get(s, s) for s in b.serves if s not in a.serves]
        lost = [interest_labels.get(s, s) for s in a.serves if s not in b.serves]
        if gained:
            out.append(Change(CHANGED, what, "now serves " + ", ".join(gained), text=b.text))
        if lost:
            out.append(Change(CHANGED, what, "no longer serves " + ", ".join(lost), text=b.text))
        if a.costs != b.costs:
            old_cost, new_cost = costing.lines_text(a.costs), costing.lines_text(b.costs)
            out.append(
                Change(CHANGED, what, "cost changed", text=b.text, old=old_cost or "(none)", new=new_cost or "(none)")
            )

    def option_described(option: Option) -> tuple[str, str]:
        sources = [option_labels.get(o.id, o.id) for o in issue.options if o.combined_into == option.id]
        serves = [interest_labels.get(ref, ref) for ref in option.serves]
        bits = [
            "combines " + ", ".join(sources) if sources else "",
            "serves " + ", ".join(serves) if serves else "",
            "cost " + costing.lines_text(option.costs) if option.costs else "",
        ]
        return option.text, "; ".join(b for b in bits if b)

    _items(out, before.options, issue.options, "Option", option_labels, option_changed, describe=option_described)
    for option in issue.options:  # an option added already combined or set aside says so
        if option.id not in _by_id(before.options) and option.state is not OptionState.ACTIVE:
            into = option_labels.get(option.combined_into or "", "") if option.state is OptionState.COMBINED else ""
            how = f"combined into {into}" if into else _STATES[option.state]
            out.append(Change(CHANGED, f"Option {option_labels[option.id]}", how, text=option.text))

    criterion_labels = _both_labels(
        [*old.shared_criteria, *before.criteria], [*new.shared_criteria, *issue.criteria], "C"
    )
    _items(out, before.criteria, issue.criteria, "Criterion", criterion_labels, _criterion_diff)
    out += _rating_changes(before, issue, option_labels, criterion_labels)
    out += _draft_changes(before, issue)
    out += _ranking_changes(old, new, before, issue, option_labels)
    out += _check_changes(old, new, before, issue, option_labels)
    out += _poll_changes(before, issue, option_labels)
    out += _agreement_changes(old, new, issue.id)
    return out


def _draft_changes(before: Issue, issue: Issue) -> list[Change]:
    """Revisions of the draft saved (or gone) between the two files, and the draft's words that
    changed, marked {+inserted+} and [-deleted-] (``drafting.word_diff``)."""
    out: list[Change] = []
    had = {r.n for r in before.revisions}
    has = {r.n for r in issue.revisions}
    for revision in issue.revisions:
        if revision.n not in had:
            out.append(
                Change(ADDED, f"Draft revision {revision.n}", "saved", text=revision.note, context=moment(revision.at))
            )
    for revision in before.revisions:
        if revision.n not in has:
            out.append(Change(REMOVED, f"Draft revision {revision.n}", "removed", text=revision.note))
    if before.draft != issue.draft:
        a, b = drafting.latest(before), drafting.latest(issue)
        how = f"revision {a.n if a else 0} → {b.n if b else 0}"
        plus, minus = drafting.changed_words(drafting.word_diff(before.draft, issue.draft))
        out.append(
            Change(
                CHANGED,
                "Draft",
                how,
                text=drafting.marked(drafting.word_diff(before.draft, issue.draft), context=1),
                context=f"{plus} words in, {minus} out; {{+inserted+}} [-deleted-]",
                exact=True,
            )
        )
    return out


def _rating_changes(
    before: Issue, issue: Issue, option_labels: dict[str, str], criterion_labels: dict[str, str]
) -> list[Change]:
    old_scores = before.score_map()
    new_scores = issue.score_map()
    moved: dict[str, list[str]] = {}
    for key in [*new_scores, *(k for k in old_scores if k not in new_scores)]:
        a, b = old_scores.get(key), new_scores.get(key)
        if a != b:
            option, criterion = key
            moved.setdefault(option, []).append(
                f"{criterion_labels.get(criterion, criterion)} {'–' if a is None else a} → {'–' if b is None else b}"
            )
    texts = {o.id: o.text for o in [*before.options, *issue.options]}
    return [
        Change(
            CHANGED, f"Ratings of {option_labels.get(o, o)}", "changed", text=texts.get(o, ""), context="; ".join(parts)
        )
        for o, parts in moved.items()
    ]


def _responses(check: ConsensusCheck, session: Session) -> str:
    parts = []
    for response in check.responses:
        party = session.party(response.party) if response.party else None
        who = _party(session, response.who) if check.method.value == "per_party" else response.who
        parts.append(
            f"{who}{f' ({party.short})' if party else ''}: {process.value_label(check.method, response.value)}"
        )
    return "; ".join(parts) or "(none)"


def _check_changes(
    old: Session, new: Session, before: Issue, issue: Issue, option_labels: dict[str, str]
) -> list[Change]:
    out: list[Change] = []
    old_checks = _by_id(before.checks)
    labels = _both_labels(before.checks, issue.checks, "check ")
    for check in issue.checks:
        what = f"Consensus {labels[check.id]}"
        was = old_checks.get(check.id)
        heading = f"{process.METHOD_LABELS[check.method]}, {moment(check.at)}: {_OUTCOMES[check.outcome]}"
        if check.revision is not None:
            heading += f"; tested draft revision {check.revision}"
        if was is None:
            out.append(Change(ADDED, what, "recorded", text=check.proposal, context=heading))
            out.append(Change(ADDED, f"Responses to {labels[check.id]}", "", text=_responses(check, new)))
            if check.note.strip():
                out.append(Change(ADDED, f"Note on {labels[check.id]}", "", text=check.note))
            continue
        _field(out, f"Outcome of {labels[check.id]}", "changed", _OUTCOMES[was.outcome], _OUTCOMES[check.outcome])
        _field(out, f"Proposal of {labels[check.id]}", "reworded", was.proposal, check.proposal, block=True)
        _field(
            out, f"Responses to {labels[check.id]}", "changed", _responses(was, old), _responses(check, new), block=True
        )
        _field(out, f"Note on {labels[check.id]}", "changed", was.note, check.note, block=True)
    for check in before.checks:
        if check.id not in _by_id(issue.checks):
            out.append(
                Change(
                    REMOVED,
                    f"Consensus {labels[check.id]}",
                    "removed",
                    text=check.proposal,
                    context=f"{process.METHOD_LABELS[check.method]}, {moment(check.at)}: {_OUTCOMES[check.outcome]}",
                )
            )
    return out


def _poll_standing(issue: Issue, poll: Poll, option_labels: dict[str, str]) -> str:
    """ "O3 7 dots; O1 5 dots; O2 =3 ..." : the poll's ranking, in the diff's option numbers."""
    counted = polls.tally(issue, poll)
    return "; ".join(
        f"{bar.rank_label}. {option_labels.get(bar.option, bar.option)} {counted.label(bar)}" for bar in counted.bars
    )


def _poll_changes(before: Issue, issue: Issue, option_labels: dict[str, str]) -> list[Change]:
    """Straw polls taken or removed (a poll is never edited: a new one is taken)."""
    out: list[Change] = []
    old_polls = _by_id(before.polls)
    labels = _both_labels(before.polls, issue.polls, "poll ")
    for poll in issue.polls:
        heading = f"{polls.poll_title(poll)}, {moment(poll.at)}: {len(poll.responses)} people"
        was = old_polls.get(poll.id)
        if was is None:
            out.append(Change(ADDED, f"Straw {labels[poll.id]}", "taken", text=poll.question, context=heading))
            out.append(
                Change(ADDED, f"Result of {labels[poll.id]}", "", text=_poll_standing(issue, poll, option_labels))
            )
        elif was != poll:
            _field(
                out,
                f"Result of {labels[poll.id]}",
                "changed",
                _poll_standing(before, was, option_labels),
                _poll_standing(issue, poll, option_labels),
                block=True,
            )
    for poll in before.polls:
        if poll.id not in _by_id(issue.polls):
            context = f"{polls.poll_title(poll)}, {moment(poll.at)}: {len(poll.responses)} people"
            out.append(Change(REMOVED, f"Straw {labels[poll.id]}", "removed", text=poll.question, context=context))
    return out


def _initials(ta: TentativeAgreement, session: Session) -> dict[str, str]:
    return {i.party: f"{i.initials}" + (f" ({i.name})" if i.name.strip() else "") for i in ta.initials}


def _agreement_changes(old: Session, new: Session, issue_id: str) -> list[Change]:
    out: list[Change] = []
    numbers = {
        **{ta.id: n for n, ta in enumerate(old.agreements, 1)},
        **{ta.id: n for n, ta in enumerate(new.agreements, 1)},
    }
    before = _by_id(old.agreements)
    after = _by_id(new.agreements)
    for ta in new.agreements:
        if ta.issue != issue_id:
            continue
        what = f"TA {numbers[ta.id]}"
        was = before.get(ta.id)
        if was is None:
            cost = f"cost {costing.lines_text(ta.costs)}" if ta.costs else ""
            context = ", ".join(x for x in (ta.title, ta.article, short_day(ta.date), cost) if x.strip())
            out.append(
                Change(ADDED, "Tentative agreement", f"{what} written", text=ta.text, context=context, exact=True)
            )
            for party, mark in _initials(ta, new).items():
                out.append(Change(ADDED, what, "initialed", text=mark, context=_party(new, party)))
            continue
        if was.text != ta.text:
            out.append(Change(CHANGED, what, "language changed", old=was.text, new=ta.text, block=True, exact=True))
        _field(out, f"{what} title", "changed", was.title, ta.title)
        _field(out, f"{what} article", "changed", was.article, ta.article)
        _field(out, f"{what} date", "changed", was.date, ta.date)
        _field(out, f"{what} cost", "changed", costing.lines_text(was.costs), costing.lines_text(ta.costs))
        if was.superseded_by != ta.superseded_by and ta.superseded_by is not None:
            later = f"TA {numbers[ta.superseded_by]}" if ta.superseded_by in numbers else ta.superseded_by
            when = f" on {short_day(ta.superseded_at.date())}" if ta.superseded_at else ""
            out.append(
                Change(
                    CHANGED,
                    what,
                    f"superseded by {later}{when}",
                    text=ta.title or ta.article,
                    context="no longer in force",
                )
            )
        a, b = _initials(was, old), _initials(ta, new)
        for party, mark in b.items():
            if party not in a:
                out.append(Change(ADDED, what, "initialed", text=mark, context=_party(new, party)))
            elif a[party] != mark:
                out.append(
                    Change(CHANGED, what, "initials changed", old=a[party], new=mark, context=_party(new, party))
                )
        for party, mark in a.items():
            if party not in b:
                out.append(Change(REMOVED, what, "initials withdrawn", text=mark, context=_party(old, party)))
    for ta in old.agreements:
        if ta.issue == issue_id and ta.id not in after:
            out.append(Change(REMOVED, "Tentative agreement", f"TA {numbers[ta.id]} removed", text=ta.text, exact=True))
    return out


def _parking_changes(old: Session, new: Session) -> list[Change]:
    out: list[Change] = []

    def changed(out: list[Change], what: str, a: ParkingItem, b: ParkingItem) -> None:
        _field(out, what, "reworded", a.text, b.text, block=True)
        _field(out, what, "owner", a.owner, b.owner, text=b.text)
        if a.resolved != b.resolved:
            out.append(Change(CHANGED, what, "resolved" if b.resolved else "reopened", text=b.text))

    labels = _both_labels(old.parking_lot, new.parking_lot, "P")
    _items(
        out,
        old.parking_lot,
        new.parking_lot,
        "Item",
        labels,
        changed,
        describe=lambda i: (i.text, f"owner: {i.owner}" if i.owner else "no owner"),
    )
    return out


def _action_changes(old: Session, new: Session) -> list[Change]:
    out: list[Change] = []

    def kind(item: ActionItem) -> str:
        return "Information request" if item.kind is ActionKind.INFO_REQUEST else "Action"

    def changed(out: list[Change], what: str, a: ActionItem, b: ActionItem) -> None:
        what = f"{kind(b)} {what}"
        _field(out, what, "reworded", a.text, b.text, block=True)
        _field(out, what, "owner", a.owner, b.owner, text=b.text)
        _field(out, what, "to be provided by", a.requested_of, b.requested_of, text=b.text)
        _field(out, what, "due", a.due, b.due, text=b.text)
        if a.done != b.done:
            out.append(Change(CHANGED, what, "done" if b.done else "reopened", text=b.text))

    def described(item: ActionItem) -> tuple[str, str]:
        bits = [f"owner: {item.owner}" if item.owner else "", f"due {short_day(item.due)}" if item.due else ""]
        return item.text, ", ".join(b for b in bits if b)

    labels = _both_labels(old.actions, new.actions, "#")
    before = _by_id(old.actions)
    for item in new.actions:  # the kind belongs in the line: "Information request #3 added"
        if item.id not in before:
            text, context = described(item)
            out.append(Change(ADDED, f"{kind(item)} {labels[item.id]}", "added", text=text, context=context))
        else:
            changed(out, labels[item.id], before[item.id], item)
    after = _by_id(new.actions)
    for item in old.actions:
        if item.id not in after:
            text, context = described(item)
            out.append(Change(REMOVED, f"{kind(item)} {labels[item.id]}", "removed", text=text, context=context))
    return out


def _caucus_text(session: Session, caucus: Caucus) -> tuple[str, str]:
    end = (
        "still in caucus"
        if caucus.end is None
        else (f"{caucus.end:%H:%M}" if caucus.end.date() == caucus.start.date() else moment(caucus.end))
    )
    context = f"{moment(caucus.start)} to {end}"
    who = _party(session, caucus.party) + (f", called by {caucus.called_by}" if caucus.called_by.strip() else "")
    return who + (f": {caucus.reason}" if caucus.reason.strip() else ""), context


def _caucus_changes(old: Session, new: Session) -> list[Change]:
    out: list[Change] = []
    before = _by_id(old.caucuses)
    for caucus in new.caucuses:
        was = before.get(caucus.id)
        if was is None:
            text, context = _caucus_text(new, caucus)
            out.append(Change(ADDED, "Caucus", "called", text=text, context=context))
        elif was.end != caucus.end:
            text, context = _caucus_text(new, caucus)
            out.append(
                Change(CHANGED, "Caucus", "ended" if was.end is None else "end changed", text=text, context=context)
            )
    after = _by_id(new.caucuses)
    for caucus in old.caucuses:
        if caucus.id not in after:
            text, context = _caucus_text(old, caucus)
            out.append(Change(REMOVED, "Caucus", "removed", text=text, context=context))
    return out


def _log_sentence(old: Session, new: Session) -> str:
    a, b = old.events, new.events
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    if common == len(a) == len(b):
        return f"Event log: the same {len(a)} change{'s' if len(a) != 1 else ''} in both."
    if common == len(a):
        extra = b[common:]
        return (
            f"Event log: {len(extra)} more change{'s' if len(extra) != 1 else ''} in the newer file, "
            f"{moment(extra[0].at)} to {moment(extra[-1].at)}."
        )
    return (
        f"Event log: the two logs part after change {common}; the older file has {len(a) - common} more "
        f"and the newer {len(b) - common} more (one is not a later version of the other)."
    )


# --- rendering ----------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """User text for a terminal: control characters made visible, bidi controls closed."""
    return _balance_bidi(_clean(text))


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def _head(change: Change, esc: Any, bold: bool = False) -> str:
    head = esc(f"{change.what} {change.how}".strip())
    if bold:
        head = f"**{head}**"
    if change.context:
        head += f" ({esc(change.context)})"
    if change.old is not None and not change.block:
        head += f": {esc(change.old)} → {esc(change.new or '')}"
    return head


def render_text(diff: SessionDiff) -> str:
    """Plain text for a terminal, grouped by issue."""
    lines = [f"Changes from {_plain(diff.old_name)} to {_plain(diff.new_name)}"]
    lines += [f"Note: {note}" for note in diff.notes]
    if not diff.changed:
        lines.append("No differences in the session's content.")
    for section in diff.sections:
        if not section.changes:
            continue
        lines.append("")
        lines.append(section.heading + (f": {_plain(section.title).replace(chr(10), ' ')}" if section.title else ""))
        for change in section.changes:
            lines.append(f"  {change.sign} {_head(change, lambda t: _plain(t).replace(chr(10), ' '))}")
            if change.text:
                lines.append(_indent(_plain(change.text), "      "))
            if change.block and change.old is not None:
                lines.append(
                    _indent(_plain(change.old), "      was: ")
                    if "\n" not in change.old
                    else "      was:\n" + _indent(_plain(change.old), "        ")
                )
                lines.append(
                    _indent(_plain(change.new or ""), "      now: ")
                    if "\n" not in (change.new or "")
                    else "      now:\n" + _indent(_plain(change.new or ""), "        ")
                )
    lines.append("")
    lines.append(diff.log)
    return "\n".join(lines) + "\n"


def render_markdown(diff: SessionDiff) -> str:
    """Markdown: a heading per issue, a bullet per change; user text escaped, TA language fenced."""
    out = [f"# Changes from {inline(diff.old_name)} to {inline(diff.new_name)}"]
    out += [f"> {inline(note)}" for note in diff.notes]
    if not diff.changed:
        out.append("No differences in the session's content.")
    for section in diff.sections:
        if not section.changes:
            continue
        out.append(f"## {section.heading}" + (f": {inline(section.title)}" if section.title else ""))
        bullets = []
        for change in section.changes:
            line = f"- {_head(change, inline, bold=True)}"
            if change.text:
                line += "\n\n" + _indent(fenced(change.text), "  ") if change.exact else f": {inline(change.text)}"
            if change.block and change.old is not None:
                for label, value in (("was", change.old), ("now", change.new or "")):
                    if change.exact:
                        line += f"\n\n  {label}:\n\n" + _indent(fenced(value), "  ")
                    else:
                        line += f"\n  - {label}: {inline(value) or '(none)'}"
            bullets.append(line)
        out.append("\n".join(bullets))
    out.append(inline(diff.log))
    return "\n\n".join(out) + "\n"


FORMATS = {"text": render_text, "md": render_markdown}


def draft_diff(
    session: Session, issue_ref: str, old: int | None = None, new: int | None = None, fmt: str = "text"
) -> str:
    """Two revisions of one issue's draft, word by word (``ibb diff FILE --draft ISSUE``).

    ``issue_ref``: the issue's id or its number (1, 2...). ``new`` defaults to the latest
    revision; ``old`` to the revision the last consensus check tested, or else the one before
    ``new``. ``ValueError`` with a sentence when the issue or a revision does not exist.
    """
    issue = session.issue(issue_ref)
    if issue is None and issue_ref.isdecimal() and 1 <= int(issue_ref) <= len(session.issues):
        issue = session.issues[int(issue_ref) - 1]
    if issue is None:
        raise ValueError(f"no issue {issue_ref!r} in this session (an issue id, or its number from 1)")
    latest = drafting.latest(issue)
    if latest is None:
        raise ValueError(f"{issue.id} has no draft yet")
    b = latest.n if new is None else new
    checked = drafting.last_checked(issue)
    a = old if old is not None else (checked if checked is not None and checked < b else b - 1)
    for n in (b, a):
        if n != 0 and drafting.revision(issue, n) is None:
            raise ValueError(f"{issue.id} has no revision {n} (it has {', '.join(str(r.n) for r in issue.revisions)})")
    pieces = drafting.word_diff(drafting.text_of(issue, a) if a else "", drafting.text_of(issue, b))
    plus, minus = drafting.changed_words(pieces)
    start = f"revision {a}" if a else "nothing (revision 0)"
    head = f"Draft of {issue.id}: {start} → revision {b} ({plus} words in, {minus} out; {{+inserted+}} [-deleted-])"
    body = drafting.marked(pieces) if pieces else ""
    if fmt == "md":
        return f"## {inline(head)}\n\n{inline(issue.statement)}\n\n{fenced(body)}\n"
    if fmt != "text":
        raise ValueError(f"unknown diff format {fmt!r}; expected one of: {', '.join(sorted(FORMATS))}")
    return f"{head}\n{_plain(issue.statement)}\n\n{_plain(body)}\n"


def render(diff: SessionDiff, fmt: str = "text") -> str:
    renderer = FORMATS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown diff format {fmt!r}; expected one of: {', '.join(sorted(FORMATS))}")
    return renderer(diff)


__all__ = [
    "FORMATS", "Change", "Section", "SessionDiff", "compare", "draft_diff", "render", "render_markdown", "render_text",
]  # fmt: skip
