"""Markdown minutes of a session: what a union president or a superintendent can send out.

Layout: a header (title, district, unit, days, place, the people at the table), ground rules and
the decision rule; a summary table of the issues, then each issue in full (interests by holder,
options, criteria and the rating grid, consensus checks); then the tentative agreements, the
parking lot, caucuses, action items and information requests.

Empty parts follow one rule: a session-wide section always appears and says "None." when it has
nothing; a part of one issue (options, criteria, checks...) appears only when it has content;
a header line appears only when its field is filled in.

Everything a person typed is data, never markup. ``inline`` turns it into Markdown that renders
as the same characters: Markdown punctuation is backslash-escaped, newlines become spaces in
headings and table cells (a table row must stay one line), control characters are shown as
visible symbols, and unbalanced bidirectional controls are closed so that right-to-left text
cannot visually reorder the rest of a table row. Tentative-agreement language is written in a
fenced block, byte for byte, so the agreed wording and its layout survive exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from .. import process
from ..model import (
    JOINT,
    MUTUAL,
    ActionItem,
    ActionKind,
    ConsensusCheck,
    Interest,
    Issue,
    Method,
    Option,
    OptionState,
    Outcome,
    Role,
    Session,
    Side,
    Stage,
)

NONE = "None."
EMPTY_CELL = "–"

# --- escaping user text -----------------------------------------------------------------------

# Characters with inline meaning in CommonMark/GFM: code, emphasis, links, HTML, headings, tables,
# strikethrough. Escaping them all is harmless where they would have meant nothing.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
# An entity or numeric character reference (&amp; &#42;) would render as another character.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# At the start of a line: list markers, setext underlines, ordered-list numbers.
_LIST_START = re.compile(r"^([-+=])")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])")
_CONTROLS = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
_CONTROLS[0x7F] = "\u2421"
_CONTROLS.update({c: "\ufffd" for c in range(0x80, 0xA0)})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # exactly the keys of _CONTROLS
_EMBED_OPEN, _EMBED_CLOSE = "\u202a\u202b\u202d\u202e", "\u202c"
_ISOLATE_OPEN, _ISOLATE_CLOSE = "\u2066\u2067\u2068", "\u2069"
_BIDI = re.compile(f"[{_EMBED_OPEN}{_ISOLATE_OPEN}]")


def _clean(text: str) -> str:
    """Unify line ends and make control characters visible (a terminal must not act on them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(lambda found: _CONTROLS[ord(found.group())], text)


def _balance_bidi(text: str) -> str:
    """Close any bidi embedding, override or isolate the text leaves open."""
    if not _BIDI.search(text):
        return text
    embeds = sum(text.count(c) for c in _EMBED_OPEN) - text.count(_EMBED_CLOSE)
    isolates = sum(text.count(c) for c in _ISOLATE_OPEN) - text.count(_ISOLATE_CLOSE)
    return text + _EMBED_CLOSE * max(0, embeds) + _ISOLATE_CLOSE * max(0, isolates)


def _escape_line(line: str) -> str:
    line = line.strip()
    line = _ENTITY.sub("\\&", _INLINE_SPECIAL.sub(r"\\\1", line))
    line = _ORDERED_START.sub(r"\1\\\2", line)
    return _LIST_START.sub(r"\\\1", line)


def inline(text: str) -> str:
    """User text as one line of Markdown (headings, list items, table cells)."""
    lines = [line.strip().replace("\t", " ") for line in _clean(text).split("\n")]
    return _balance_bidi(_escape_line(" ".join(line for line in lines if line)))


def cell(text: str) -> str:
    """User text as a table cell: one line, pipes escaped, never empty."""
    return inline(text) or EMPTY_CELL


def prose(text: str, indent: str = "") -> str:
    """User text that may span lines, keeping its line breaks (inside a list item at ``indent``)."""
    paragraphs: list[list[str]] = [[]]
    for line in _clean(text).split("\n"):
        line = line.replace("\t", " ").strip()
        if line:
            paragraphs[-1].append(_balance_bidi(_escape_line(line)))
        elif paragraphs[-1]:
            paragraphs.append([])
    blocks = ["\\\n".join(indent + line for line in lines) for lines in paragraphs if lines]
    return f"\n{indent}\n".join(blocks)[len(indent) :] if blocks else ""


def fenced(text: str, info: str = "text") -> str:
    """Text in a fenced code block, exactly as typed (the fence outgrows any backtick run inside)."""
    body = _clean(text).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body}\n{fence}"


def table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    """A GFM table; ``header`` and ``rows`` hold cells that are already Markdown."""
    align = align or ["---"] * len(header)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


# --- dates and times --------------------------------------------------------------------------

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def day(value: date) -> str:
    """'Tuesday 9 March 2027' (English whatever the locale: minutes must read the same everywhere)."""
    return f"{_DAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]} {value.year}"


def short_day(value: date) -> str:
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def moment(value: datetime) -> str:
    """'9 March 2027, 14:05', in the time zone the room recorded it in."""
    return f"{short_day(value)}, {value:%H:%M}"


def minutes_between(start: datetime, end: datetime) -> str:
    total = max(0, round((end - start).total_seconds() / 60))
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


# --- labels -----------------------------------------------------------------------------------

_ROLE_LABELS = {
    Role.SPOKESPERSON: "spokesperson",
    Role.NOTE_TAKER: "note-taker",
    Role.DECISION_MAKER: "decision-maker",
}
_OUTCOME_LABELS = {Outcome.CONSENSUS: "consensus", Outcome.NO_CONSENSUS: "no consensus"}


def _party_name(session: Session, party_id: str) -> str:
    """A party id as its name; anything else (a person's name) as it is."""
    party = session.party(party_id)
    return party.name if party else party_id


def _raised_by(session: Session, value: str) -> str:
    return "Joint team" if value == JOINT else _party_name(session, value)


def _labels(items: Iterable[Interest | Option], prefix: str) -> dict[str, str]:
    return {item.id: f"{prefix}{n}" for n, item in enumerate(items, start=1)}


def _join(parts: Iterable[str], sep: str = ", ") -> str:
    return sep.join(parts)


def _bullet(label: str, value: str) -> str:
    return f"- **{label}:** {value}"


# --- the document -----------------------------------------------------------------------------


def render(session: Session) -> str:
    """The minutes of ``session`` as Markdown (GitHub-flavored: tables, fenced blocks)."""
    parts: list[str] = []
    parts += _header(session)
    parts += _parties(session)
    parts += _rules(session)
    parts += _issues(session)
    parts += _agreements(session)
    parts += _parking(session)
    parts += _caucuses(session)
    parts += _actions(session, ActionKind.ACTION, "Action items")
    parts += _actions(session, ActionKind.INFO_REQUEST, "Information requests")
    return "\n\n".join(p for p in parts if p) + "\n"


def _header(session: Session) -> list[str]:
    lines = []
    facts = [
        ("District / organization", inline(session.organization)),
        ("Bargaining unit", inline(session.bargaining_unit)),
        ("Meeting days", _join((day(d) for d in session.meeting_days), "; ")),
        ("Location", inline(session.location)),
        ("Facilitators" if len(session.facilitators) > 1 else "Facilitator", _join(inline(f) for f in session.facilitators if f.strip())),
        ("Recorder", inline(session.recorder)),
        ("Timekeeper", inline(session.timekeeper)),
        ("Observers (do not take part in consensus)", _join(inline(o) for o in session.observers if o.strip())),
    ]
    for label, value in facts:
        if value:
            lines.append(_bullet(label, value))
    title = inline(session.title) or "Untitled session"
    return [f"# {title}", "\n".join(lines)]


def _parties(session: Session) -> list[str]:
    out = ["## Parties"]
    if not session.parties:
        return out + [NONE]
    for party in session.parties:
        side = "" if party.side is Side.OTHER else f", {party.side.value}"
        out.append(f"### {inline(party.name)} ({inline(party.short)}{side})")
        members = []
        for member in party.members:
            line = f"- {inline(member.name)}"
            if member.title.strip():
                line += f", {inline(member.title)}"
            if member.role in _ROLE_LABELS:
                line += f" ({_ROLE_LABELS[member.role]})"
            members.append(line)
        out.append("\n".join(members) if members else "No members listed.")
    return out


def _rules(session: Session) -> list[str]:
    out = ["## Ground rules"]
    rules = [r for r in session.ground_rules if r.strip()]
    out.append("\n".join(f"{n}. {prose(rule, ' ' * (len(str(n)) + 2))}" for n, rule in enumerate(rules, start=1)) if rules else NONE)

    rule = session.decision_rule
    out.append("## Decision rule")
    if rule.description.strip():
        out.append(prose(rule.description))
    method = process.METHOD_LABELS[rule.method]
    if rule.method is Method.FIST_TO_FIVE:
        method += f": consensus when everyone shows {rule.fist_minimum} or more"
    elif rule.method is Method.GRADIENTS:
        method += f": consensus when nobody blocks, asks for more discussion, or is past point {rule.gradient_threshold} ({process.GRADIENTS[rule.gradient_threshold]})"
    elif rule.method is Method.THUMBS:
        method += ": consensus when no thumb is down"
    else:
        method += ": consensus when every party concurs"
    details = [
        _bullet("Usual check", method),
        _bullet("If there is no consensus", prose(rule.fallback, "  ") if rule.fallback.strip() else "not set"),
        "- Observers, facilitators, the recorder and the timekeeper do not count in consensus.",
    ]
    out.append("\n".join(details))
    return out


# --- issues -----------------------------------------------------------------------------------


def _issues(session: Session) -> list[str]:
    out = ["## Issues"]
    if not session.issues:
        return out + [NONE]
    rows = []
    for n, issue in enumerate(session.issues, start=1):
        status = _status(session, issue)
        rows.append([str(n), cell(issue.statement), cell(issue.article), cell(_raised_by(session, issue.raised_by)), status, issue.stage.value.capitalize()])
    out.append(table(["#", "Issue", "Article", "Raised by", "Status", "Stage reached"], rows, ["--:", "---", "---", "---", "---", "---"]))
    for n, issue in enumerate(session.issues, start=1):
        out += _issue(session, n, issue)
    return out


def _status(session: Session, issue: Issue) -> str:
    """'Agreed (TA): see TA 1', 'Open', ..."""
    status = process.STATUS_LABELS[issue.status]
    tas = [n for n, ta in enumerate(session.agreements, start=1) if ta.issue == issue.id]
    return status + (": see " + _join(f"TA {n}" for n in tas) if tas else "")


def _issue(session: Session, number: int, issue: Issue) -> list[str]:
    out = [f"### Issue {number}: {inline(issue.statement)}"]
    facts = [_bullet("Raised by", inline(_raised_by(session, issue.raised_by)))]
    if issue.article.strip():
        facts.append(_bullet("Contract article", inline(issue.article)))
    facts.append(_bullet("Status", _status(session, issue)))
    facts.append(_bullet("Stage reached", issue.stage.value.capitalize()))
    if issue.brainstorming:
        facts.append(_bullet("Brainstorm", "still under way: no option has been judged yet"))
    if issue.data_needed.strip():
        facts.append(_bullet("Data needed", prose(issue.data_needed, "  ")))
    if issue.notes.strip():
        facts.append(_bullet("Notes", prose(issue.notes, "  ")))
    out.append("\n".join(facts))

    interest_labels = _labels(issue.interests, "I")
    option_labels = _labels(issue.options, "O")
    out += _interests(session, issue, interest_labels)
    out += _options(session, issue, interest_labels, option_labels)
    out += _criteria(session, issue, option_labels)
    out += _checks(session, issue, option_labels)
    return out


def _interests(session: Session, issue: Issue, labels: dict[str, str]) -> list[str]:
    if not issue.interests:
        return []
    out = ["#### Interests"]
    holders = [p.id for p in session.parties] + [MUTUAL]
    holders += list(dict.fromkeys(i.holder for i in issue.interests if i.holder not in holders))
    for holder in holders:
        mine = [i for i in issue.interests if i.holder == holder]
        if not mine:
            continue
        title = f"{inline(session.holder_label(holder))} ({inline(session.holder_tag(holder))})"
        if holder == MUTUAL:
            title += ": interests every party shares"
        lines = [f"**{title}**", ""]
        for interest in mine:
            kind = f" *({interest.kind.value})*" if interest.kind else ""
            tag = inline(session.holder_tag(holder))
            lines.append(f"- **{labels[interest.id]}** ({tag}) {prose(interest.text, '  ')}{kind}")
        out.append("\n".join(lines))
    return out


def _serves(option: Option, labels: dict[str, str], tags: dict[str, str]) -> str:
    """'I1 (U), I7 (B)': the interests an option serves, in the order the interests were listed."""
    order = {ref: n for n, ref in enumerate(labels)}
    refs = sorted(option.serves, key=lambda ref: order.get(ref, len(order)))
    return _join(f"{labels[ref]} ({tags[ref]})" if ref in labels else inline(ref) for ref in refs)


def _options(session: Session, issue: Issue, interest_labels: dict[str, str], labels: dict[str, str]) -> list[str]:
    if not issue.options:
        return []
    out = ["#### Options"]
    tags = {i.id: inline(session.holder_tag(i.holder)) for i in issue.interests}
    if issue.brainstorming:
        out.append("Brainstorm in progress: every idea stays up; options carry no author.")
    groups = [
        (OptionState.ACTIVE, "On the table:"),
        (OptionState.COMBINED, "Combined into another option:"),
        (OptionState.SET_ASIDE, "Set aside by agreement:"),
    ]
    for state, title in groups:
        mine = [o for o in issue.options if o.state is state]
        if not mine:
            continue
        lines = [title, ""]
        for option in mine:
            line = f"- **{labels[option.id]}** {prose(option.text, '  ')}"
            if state is OptionState.COMBINED and option.combined_into:
                line += f" → combined into **{labels.get(option.combined_into, inline(option.combined_into))}**"
            lines.append(line)
            if option.serves:
                lines.append(f"  - Serves {_serves(option, interest_labels, tags)}")
        out.append("\n".join(lines))
    return out


def _criteria(session: Session, issue: Issue, option_labels: dict[str, str]) -> list[str]:
    criteria = session.criteria_for(issue)
    order = session.stage_order
    reached = Stage.CRITERIA in order and issue.stage in order and order.index(issue.stage) >= order.index(Stage.CRITERIA)
    if not criteria or not (reached or issue.ratings or issue.criteria):
        return []  # the shared criteria alone say nothing about an issue that has not got there
    shared = {c.id for c in session.shared_criteria}
    labels = {c.id: f"C{n}" for n, c in enumerate(criteria, start=1)}
    out = ["#### Criteria"]
    out.append("\n".join(
        f"- **{labels[c.id]}** {prose(c.text, '  ')}" + (" *(shared by every issue)*" if c.id in shared else "")
        for c in criteria
    ))
    if not issue.ratings:
        return out
    scores = {(r.option, r.criterion): r.score for r in issue.ratings}
    rated = {r.option for r in issue.ratings}
    rows = []
    for option in issue.options:
        if option.state is not OptionState.ACTIVE and option.id not in rated:
            continue
        state = {OptionState.COMBINED: " (combined)", OptionState.SET_ASIDE: " (set aside)"}.get(option.state, "")
        name = f"**{option_labels[option.id]}** {inline(option.text)}{state}"
        row = [name] + [str(scores[(option.id, c.id)]) if (option.id, c.id) in scores else EMPTY_CELL for c in criteria]
        rows.append(row)
    out.append(f"How well each option meets each criterion, from 0 (not at all) to 5 (fully); {EMPTY_CELL} not rated:")
    out.append(table(["Option", *(labels[c.id] for c in criteria)], rows, ["---"] + [":-:"] * len(criteria)))
    return out


def _who(session: Session, name: str) -> str:
    """A response's author, a person's name or (per-party) a party id, with a party tag."""
    return inline(_party_name(session, name))


def _tagged(session: Session, check: ConsensusCheck, who: str) -> str:
    """A respondent with their party's tag: 'Mark Feld (M)'."""
    party_id = next((r.party for r in check.responses if r.who == who and r.party), None)
    party = session.party(party_id) if party_id else None
    return _who(session, who) + (f" ({inline(party.short)})" if party else "")


def _checks(session: Session, issue: Issue, option_labels: dict[str, str]) -> list[str]:
    if not issue.checks:
        return []
    out = ["#### Consensus checks"]
    for n, check in enumerate(issue.checks, start=1):
        out += _check(session, n, check, option_labels)
    return out


def _check(session: Session, number: int, check: ConsensusCheck, option_labels: dict[str, str]) -> list[str]:
    result = process.tally(session, check.method, check.responses)
    outcome = _OUTCOME_LABELS[check.outcome]
    out = [f"**Check {number}** ({process.METHOD_LABELS[check.method]}, {moment(check.at)}): **{outcome}**"]
    facts = []
    if check.proposal.strip():
        facts.append(_bullet("Proposal", prose(check.proposal, "  ")))
    if check.options:
        facts.append(_bullet("Draws on", _join(option_labels.get(o, inline(o)) for o in check.options)))
    if result.outcome is not check.outcome:
        facts.append(_bullet("Outcome", f"recorded as {outcome}; under the decision rule now in force these responses count as {_OUTCOME_LABELS[result.outcome]}"))
    if result.below:
        facts.append(_bullet("Below the line", _join(_tagged(session, check, name) for name in result.below)))
    if result.ignored:
        facts.append(_bullet("Not counted (observers and neutrals)", _join(inline(name) for name in result.ignored)))
    if result.missing and result.counted:
        facts.append(_bullet("No response from", _join(_who(session, name) for name in result.missing)))
    if check.note.strip():
        facts.append(_bullet("Note", prose(check.note, "  ")))
    out.append("\n".join(facts))
    if check.responses:
        rows = []
        for response in check.responses:
            party = session.party(response.party) if response.party else None
            tag = inline(party.short) if party else (inline(response.party) if response.party else EMPTY_CELL)
            rows.append([_who(session, response.who), tag, cell(process.value_label(check.method, response.value))])
        out.append(table(["Who", "Party", "Response"], rows))
    return out


# --- session-wide records ---------------------------------------------------------------------


def _agreements(session: Session) -> list[str]:
    out = ["## Tentative agreements"]
    if not session.agreements:
        return out + [NONE]
    out.append(
        "A tentative agreement (TA) is not binding on its own: together, the TAs form the tentative "
        "settlement that goes to each party for ratification. The agreed language is reproduced exactly."
    )
    issue_numbers = {issue.id: n for n, issue in enumerate(session.issues, start=1)}
    for n, ta in enumerate(session.agreements, start=1):
        title = inline(ta.title)
        out.append(f"### TA {n}" + (f": {title}" if title else ""))
        issue = session.issue(ta.issue)
        facts = []
        if issue is not None:
            facts.append(_bullet("Issue", f"{issue_numbers[issue.id]}. {inline(issue.statement)}"))
        if ta.article.strip():
            facts.append(_bullet("Contract article", inline(ta.article)))
        facts.append(_bullet("Date", day(ta.date)))
        if issue is not None:
            checks = {c.id: k for k, c in enumerate(issue.checks, start=1)}
            check = next((c for c in issue.checks if c.id == ta.check), None)
            if check is not None:
                facts.append(_bullet("Reached at", f"check {checks[check.id]} ({process.METHOD_LABELS[check.method]}, {moment(check.at)})"))
            if ta.options:
                labels = _labels(issue.options, "O")
                facts.append(_bullet("Options", _join(labels.get(o, inline(o)) for o in ta.options)))
        out.append("\n".join(facts))
        out.append("Agreed language:")
        out.append(fenced(ta.text))
        initialed = []
        for mark in ta.initials:
            who = f" ({inline(mark.name)})" if mark.name.strip() else ""
            initialed.append(f"- {inline(_party_name(session, mark.party))}: **{inline(mark.initials)}**{who}")
        missing = process.initials_missing(session, [i.party for i in ta.initials])
        if missing:
            initialed.append(f"- Not yet initialed by: {_join(inline(_party_name(session, p)) for p in missing)}")
        out.append("Initials:\n\n" + "\n".join(initialed))
    return out


def _issue_ref(session: Session, issue_id: str | None) -> str:
    if issue_id is None:
        return EMPTY_CELL
    numbers = {issue.id: n for n, issue in enumerate(session.issues, start=1)}
    return f"Issue {numbers[issue_id]}" if issue_id in numbers else inline(issue_id)


def _parking(session: Session) -> list[str]:
    out = ["## Parking lot"]
    if not session.parking_lot:
        return out + [NONE]
    rows = [
        [str(n), cell(item.text), cell(_party_name(session, item.owner)), _issue_ref(session, item.issue), moment(item.created), "Resolved" if item.resolved else "Open"]
        for n, item in enumerate(session.parking_lot, start=1)
    ]
    out.append(table(["#", "Item", "Owner", "Came up in", "Added", "Status"], rows, ["--:", "---", "---", "---", "---", "---"]))
    return out


def _caucuses(session: Session) -> list[str]:
    out = ["## Caucuses"]
    if not session.caucuses:
        return out + [NONE]
    rows = []
    for caucus in session.caucuses:
        if caucus.end is None:
            end, length = "still in caucus", EMPTY_CELL
        else:
            end = f"{caucus.end:%H:%M}" if caucus.end.date() == caucus.start.date() else moment(caucus.end)
            length = minutes_between(caucus.start, caucus.end)
        rows.append([cell(_party_name(session, caucus.party)), cell(caucus.called_by), cell(caucus.reason), moment(caucus.start), end, length])
    out.append(table(["Party", "Called by", "Reason", "Start", "End", "Length"], rows))
    return out


def _actions(session: Session, kind: ActionKind, title: str) -> list[str]:
    out = [f"## {title}"]
    items: list[ActionItem] = [a for a in session.actions if a.kind is kind]
    if not items:
        return out + [NONE]
    rows = []
    for n, item in enumerate(items, start=1):
        row = [str(n), cell(item.text), cell(_party_name(session, item.owner))]
        if kind is ActionKind.INFO_REQUEST:
            row.append(cell(_party_name(session, item.requested_of)))
        row += [short_day(item.due) if item.due else EMPTY_CELL, _issue_ref(session, item.issue), "Done" if item.done else "Open"]
        rows.append(row)
    header = ["#", "Request" if kind is ActionKind.INFO_REQUEST else "Action", "Owner"]
    if kind is ActionKind.INFO_REQUEST:
        header.append("To provide")
    header += ["Due", "Issue", "Status"]
    out.append(table(header, rows, ["--:"] + ["---"] * (len(header) - 1)))
    return out
