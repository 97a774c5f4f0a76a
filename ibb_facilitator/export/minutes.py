"""The full minutes of a session as a ``Document``: the one source of the minutes' structure,
written out by ``markdown.py``, ``html.py`` and ``word.py``.

Layout: a header (the letterhead: title, district, unit, days; then place and the people at the
table), the parties, ground rules and the decision rule; the issues (a summary table, then each
issue in full: interests by holder, options, criteria and the rating grid, straw polls as bar
charts, the draft of the language (its revisions and latest text), consensus checks); the
tentative agreements; the parking lot, caucuses, action items and information requests.

Empty parts follow one rule: a session-wide section always appears and says "None." when it has
nothing; a part of one issue (options, criteria, checks...) appears only when it has content;
a header line appears only when its field is filled in. Labels, numbering and dates come from
``text.py``, so the formats cannot drift apart in what they say.

Over 500 lines on purpose: the minutes are one document read top to bottom; each section is a
short function in reading order, and splitting them would hide the order the reader sees.
"""

from __future__ import annotations

from .. import costing, drafting, polls, process, screening
from ..model import (
    MUTUAL,
    ActionKind,
    ConsensusCheck,
    CostLine,
    DecisionRule,
    Issue,
    Method,
    MinutesVerdict,
    Option,
    OptionState,
    Poll,
    Session,
    Side,
    Stage,
)
from ..session_days import session_days
from .document import (
    Document,
    Facts,
    Heading,
    Inline,
    Item,
    Items,
    Letterhead,
    Paragraph,
    Run,
    Section,
    Table,
    Verbatim,
    em,
    joined,
    line,
    strong,
)
from .text import (
    EMPTY_CELL,
    NONE,
    OUTCOME_LABELS,
    ROLE_LABELS,
    day,
    item_labels,
    minutes_between,
    moment,
    party_name,
    raised_by,
    short_day,
    superseded_note,
)

DOC_TYPE = "Minutes of the joint bargaining session"
TA_NOTE = (
    "A tentative agreement (TA) is not binding on its own: together, the TAs form the tentative "
    "settlement that goes to each party for ratification. The agreed language is reproduced exactly."
)


def letterhead(session: Session, doc_type: str) -> Letterhead:
    return Letterhead(
        organization=session.organization.strip(),
        unit=session.bargaining_unit.strip(),
        title=session.title.strip() or "Untitled session",
        doc_type=doc_type,
        dates=_dates(session),
    )


def _dates(session: Session) -> str:
    """The days the session met (from its log); before anything is recorded, the planned days,
    said to be planned (a one-day session from a five-day agenda lists one day, not five)."""
    days, planned = session_days(session)
    shown = "; ".join(day(d) for d in days)
    return f"Planned: {shown}" if planned and shown else shown


def build(session: Session) -> Document:
    blocks = [
        *_header(session),
        *_previous(session),
        *_parties(session),
        *_rules(session),
        *_plan(session),
        *_issues(session),
        *_agreements(session),
        *_parking(session),
        *_caucuses(session),
        *_actions(session, ActionKind.ACTION, "Action items"),
        *_actions(session, ActionKind.INFO_REQUEST, "Information requests"),
    ]
    return Document("minutes", letterhead(session, DOC_TYPE), tuple(blocks))


def _none() -> Paragraph:
    return Paragraph(line(NONE))


def _people(names: list[str]) -> Inline:
    return joined(n for n in names if n.strip())


def _header(session: Session) -> list:
    # District, unit, title and days are in the letterhead; the rest of the markdown header here.
    rows = [
        ("Location", line(session.location)),
        ("Facilitators" if len(session.facilitators) > 1 else "Facilitator", _people(session.facilitators)),
        ("Recorder", line(session.recorder)),
        ("Timekeeper", line(session.timekeeper)),
        ("Observers (do not take part in consensus)", _people(session.observers)),
    ]
    rows = [(label, value) for label, value in rows if "".join(r.text for r in value).strip()]
    return [Facts(tuple(rows))] if rows else []


def _previous(session: Session) -> list:
    """The session this one was carried over from, and whether its minutes were accepted."""
    previous = session.previous
    if previous is None:
        return []
    rows = [("Carried over from", line(previous.file, (" (", previous.title, ")") if previous.title.strip() else None,
                                       f", on {moment(previous.carried)}" if previous.carried else None))]  # fmt: skip
    if previous.minutes is MinutesVerdict.ACCEPTED:
        minutes = line(strong("accepted"), f" ({moment(previous.minutes_at)})" if previous.minutes_at else None)
    elif previous.minutes is MinutesVerdict.CORRECTED:
        when = f" ({moment(previous.minutes_at)})" if previous.minutes_at else None
        minutes = line(strong("accepted as corrected"), when, ": ", previous.correction)
    else:
        minutes = line("not yet recorded")
    rows.append(("Minutes of that session", minutes))
    return [Heading(2, line("Previous session")), Facts(tuple(rows))]


def _parties(session: Session) -> list:
    out: list = [Heading(2, line("Parties"))]
    if not session.parties:
        return [*out, _none()]
    for party in session.parties:
        side = "" if party.side is Side.OTHER else f", {party.side.value}"
        out.append(Heading(3, line(party.name, " (", party.short, side, ")")))
        members = []
        for member in party.members:
            members.append(
                Item(
                    line(
                        member.name,
                        (", ", member.title) if member.title.strip() else None,
                        f" ({ROLE_LABELS[member.role]})" if member.role in ROLE_LABELS else None,
                    )
                )
            )
        out.append(Items(tuple(members)) if members else Paragraph(line("No members listed.")))
    return out


def decision_method(rule: DecisionRule) -> str:
    """'Fist-to-five: consensus when everyone shows 3 or more' (the rule's usual check, in words)."""
    method = process.METHOD_LABELS[rule.method]
    if rule.method is Method.FIST_TO_FIVE:
        return method + f": consensus when everyone shows {rule.fist_minimum} or more"
    if rule.method is Method.GRADIENTS:
        return method + (
            f": consensus when nobody blocks, asks for more discussion, or is past point "
            f"{rule.gradient_threshold} ({process.GRADIENTS[rule.gradient_threshold]})"
        )
    if rule.method is Method.THUMBS:
        return method + ": consensus when no thumb is down"
    return method + ": consensus when every party concurs"


def _rules(session: Session) -> list:
    out: list = [Heading(2, line("Ground rules"))]
    rules = [r for r in session.ground_rules if r.strip()]
    out.append(Items(tuple(Item(line(r)) for r in rules), ordered=True) if rules else _none())
    rule = session.decision_rule
    out.append(Heading(2, line("Decision rule")))
    if rule.description.strip():
        out.append(Paragraph(line(rule.description)))
    out.append(
        Facts(
            (
                ("Usual check", line(decision_method(rule))),
                ("If there is no consensus", line(rule.fallback) if rule.fallback.strip() else line("not set")),
            )
        )
    )
    out.append(
        Paragraph(line("Observers, facilitators, the recorder and the timekeeper do not count in consensus."), "note")
    )
    return out


# --- issues -----------------------------------------------------------------------------------


def status(session: Session, issue: Issue) -> Inline:
    """'Agreed (TA)' (styled by status) and ': see TA 1' when a TA settles it."""
    tas = [n for n, ta in enumerate(session.agreements, start=1) if ta.issue == issue.id and ta.standing]
    see = ": see " + ", ".join(f"TA {n}" for n in tas) if tas else None
    if see is None and issue.agreed_in is not None:  # its TA is in an earlier session's file
        link = issue.agreed_in
        see = f": {link.ta} of {link.file} ({short_day(link.date)})"
    return line(Run(process.STATUS_LABELS[issue.status], f"status-{issue.status.value}"), see)


def _issues(session: Session) -> list:
    out: list = [Heading(2, line("Issues"))]
    if not session.issues:
        return [*out, _none()]
    rows = tuple(
        (
            line(str(n)),
            _cell(issue.statement),
            _cell(issue.article),
            _cell(raised_by(session, issue.raised_by)),
            status(session, issue),
            line(issue.stage.value.capitalize()),
        )
        for n, issue in enumerate(session.issues, start=1)
    )
    out.append(Table(("#", "Issue", "Article", "Raised by", "Status", "Stage reached"), rows, ("right",)))
    for n, issue in enumerate(session.issues, start=1):
        out.append(Section("issue", tuple(_issue(session, n, issue))))
    return out


def _issue(session: Session, number: int, issue: Issue) -> list:
    out: list = [Heading(3, line(f"Issue {number}: ", issue.statement))]
    facts = [("Raised by", line(raised_by(session, issue.raised_by)))]
    if issue.article.strip():
        facts.append(("Contract article", line(issue.article)))
    facts.append(("Status", status(session, issue)))
    facts.append(("Stage reached", line(issue.stage.value.capitalize())))
    if issue.carried_from.strip():
        facts.append(("Carried over from", line(issue.carried_from)))
    if issue.brainstorming:
        facts.append(("Brainstorm", line("still under way: no option has been judged yet")))
    if issue.data_needed.strip():
        facts.append(("Data needed", line(issue.data_needed)))
    if issue.notes.strip():
        facts.append(("Notes", line(issue.notes)))
    if issue.proposal.strip():
        facts.append(("Proposal on the table", line(issue.proposal)))
    out.append(Facts(tuple(facts)))
    interest_labels = item_labels(issue.interests, "I")
    option_labels = item_labels(issue.options, "O")
    out += _interests(session, issue, interest_labels)
    out += _options(session, issue, interest_labels, option_labels)
    out += _criteria(session, issue, option_labels)
    out += _polls(session, issue, option_labels)
    out += _draft(issue)
    out += _checks(session, issue, option_labels)
    return out


def _draft(issue: Issue) -> list:
    """The draft of the language: its revisions (when, note, which checks tested each) and the
    latest text, exactly."""
    if not issue.revisions:
        return []
    tested: dict[int, list[str]] = {}
    for n, check in enumerate(issue.checks, start=1):
        if check.revision is not None:
            tested.setdefault(check.revision, []).append(f"check {n}")
    rows = [
        (
            line(str(revision.n)),
            line(moment(revision.at)),
            line(f"{len(text.split())}"),
            line(revision.note or EMPTY_CELL),
            line(", ".join(tested.get(revision.n, [])) or EMPTY_CELL),
        )
        for revision, text in reversed(list(drafting.texts(issue)))
    ]
    latest = issue.revisions[-1]
    return [
        Heading(4, line("Draft of the language")),
        Table(("Revision", "Saved", "Words", "Note", "Tested by"), tuple(rows), kind="compact"),
        Paragraph(line(f"Revision {latest.n}, the latest, as it reads:"), "group"),
        Verbatim(issue.draft),
    ]


def _interests(session: Session, issue: Issue, labels: dict[str, str]) -> list:
    if not issue.interests:
        return []
    out: list = [Heading(4, line("Interests"))]
    for holder, mine in session.interest_groups(issue):
        tag = session.holder_tag(holder)
        title = line(
            strong(session.holder_label(holder)),
            strong(" ("),
            strong(tag),
            strong(")"),
            strong(": interests every party shares") if holder == MUTUAL else None,
        )
        out.append(Paragraph(title, "group"))
        out.append(
            Items(
                tuple(
                    Item(
                        line(
                            Run(labels[i.id], "label"),
                            " ",
                            Run(f"({tag})", "tag"),
                            " ",
                            i.text,
                            em(f" ({i.kind.value})") if i.kind else None,
                        )
                    )
                    for i in mine
                )
            )
        )
    return out


def _serves(
    option: Option, labels: dict[str, str], tags: dict[str, str], order: dict[str, int] | None = None
) -> Inline:
    if order is None:
        order = {ref: n for n, ref in enumerate(labels)}
    refs = sorted(option.serves, key=lambda ref: order.get(ref, len(order)))
    return joined(f"{labels[ref]} ({tags[ref]})" if ref in labels else ref for ref in refs)


def _options(session: Session, issue: Issue, interest_labels: dict[str, str], labels: dict[str, str]) -> list:
    if not issue.options:
        return []
    out: list = [Heading(4, line("Options"))]
    tags = {i.id: session.holder_tag(i.holder) for i in issue.interests}
    order = {ref: n for n, ref in enumerate(interest_labels)}  # once per issue, not per option (quadratic)
    if issue.brainstorming:
        out.append(Paragraph(line("Brainstorm in progress: every idea stays up; options carry no author."), "note"))
    groups = [
        (OptionState.ACTIVE, "On the table:"),
        (OptionState.COMBINED, "Combined into another option:"),
        (OptionState.SET_ASIDE, "Set aside by agreement:"),
    ]
    for state, title in groups:
        mine = [o for o in issue.options if o.state is state]
        if not mine:
            continue
        out.append(Paragraph(line(title), "group"))
        items = []
        for option in mine:
            content = line(Run(labels[option.id], "label"), " ", option.text)
            if state is OptionState.COMBINED and option.combined_into:
                content = line(
                    content, " → combined into ", Run(labels.get(option.combined_into, option.combined_into), "label")
                )
            sub: tuple[Inline, ...] = (
                (line("Serves ", _serves(option, interest_labels, tags, order)),) if option.serves else ()
            )
            if option.costs:
                sub += (cost_inline(session, option.costs),)
            items.append(Item(content, sub))
        out.append(Items(tuple(items)))
    return out


def cost_inline(session: Session, lines: list[CostLine], word: str = "Cost ") -> Inline:
    """ "Cost $948,000 (2027–28 474,000 · 2028–29 474,000): Salary step 948,000, one step = $474,000
    (Dana, business manager)": what an option or a TA costs, its years and its lines."""
    totals = costing.add_up(lines)
    years = f" ({costing.per_year_text(totals, session.costing)})" if len(totals.per_year) > 1 else ""
    said = [
        line(
            line_.label,
            " ",
            costing.format_amount(costing.line_total(line_)),
            (", ", line_.basis) if line_.basis.strip() else None,
            (" (", line_.costed_by, ")") if line_.costed_by.strip() else None,
        )
        for line_ in lines
    ]
    return line(word, strong(costing.short_total(totals)), years, ": ", joined(said, "; "))


def _criteria(session: Session, issue: Issue, option_labels: dict[str, str]) -> list:
    criteria = session.criteria_for(issue)
    order = session.stage_order
    reached = (
        Stage.CRITERIA in order and issue.stage in order and order.index(issue.stage) >= order.index(Stage.CRITERIA)
    )
    if not criteria or not (reached or issue.has_scores() or issue.criteria):
        return []
    shared = {c.id for c in session.shared_criteria}
    labels = {c.id: f"C{n}" for n, c in enumerate(criteria, start=1)}
    out: list = [Heading(4, line("Criteria"))]
    out.append(
        Items(
            tuple(
                Item(
                    line(
                        Run(labels[c.id], "label"),
                        " ",
                        c.text,
                        em(" (shared by every issue)") if c.id in shared else None,
                        em(f" (weight ×{c.weighs})") if c.weight not in (None, 1) else None,
                        strong(f" must pass: {c.must_pass} or more") if c.must_pass is not None else None,
                    )
                )
                for c in criteria
            )
        )
    )
    if not issue.has_scores():
        return out
    standing = {s.option.id: s for s in screening.standings(session, issue)}
    rows = []
    for option in issue.options:
        scores = option.scores
        if option.state is not OptionState.ACTIVE and not scores:
            continue
        state = {OptionState.COMBINED: " (combined)", OptionState.SET_ASIDE: " (set aside)"}.get(option.state, "")
        placed = standing.get(option.id)
        struck = placed is not None and placed.screened_out
        name = line(
            Run(option_labels[option.id], "label"), " ", option.text, state, em(" (screened out)") if struck else None
        )
        total = line(str(placed.total)) if placed is not None else line(EMPTY_CELL)
        rank = line(EMPTY_CELL if placed is None else "out" if placed.rank is None else str(placed.rank))
        cells = (line(str(scores[c.id]) if c.id in scores else EMPTY_CELL) for c in criteria)
        rows.append((name, *cells, total, rank))
    out.append(
        Paragraph(
            line(
                f"How well each option meets each criterion, from 0 (not at all) to 5 (fully); {EMPTY_CELL} not rated."
                " Σ is each score times its criterion's weight, added up (a cell not rated counts nothing);"
                " the rank is among the active options not screened out:"
            ),
            "note",
        )
    )
    out.append(
        Table(
            ("Option", *(labels[c.id] for c in criteria), "Σ", "Rank"),
            tuple(rows),
            ("left",) + ("center",) * (len(criteria) + 2),
        )
    )
    screened = [s for s in standing.values() if s.screened_out]
    if screened:
        out.append(
            Items(
                tuple(
                    Item(line(Run(option_labels[s.option.id], "label"), " screened out: ", s.reason)) for s in screened
                )
            )
        )
    return out


def _tagged(session: Session, check: ConsensusCheck, who: str) -> Inline:
    party_id = next((r.party for r in check.responses if r.who == who and r.party), None)
    party = session.party(party_id) if party_id else None
    return line(party_name(session, who), (" (", party.short, ")") if party else None)


POLL_BAR_CELLS = 20  # the longest bar of a poll in the minutes, in characters


def _polls(session: Session, issue: Issue, option_labels: dict[str, str]) -> list:
    if not issue.polls:
        return []
    out: list = [Heading(4, line("Straw polls"))]
    for n, poll in enumerate(issue.polls, start=1):
        out += _poll(session, issue, n, poll, option_labels)
    return out


def _poll(session: Session, issue: Issue, number: int, poll: Poll, option_labels: dict[str, str]) -> list:
    """A straw poll as a bar chart: one row per option, ranked, ties marked "=2"."""
    counted = polls.tally(issue, poll)
    people = f"{counted.people} {'person' if counted.people == 1 else 'people'}"
    out: list = [
        Paragraph(line(strong(f"Poll {number}"), f" ({polls.poll_title(poll)}, {moment(poll.at)}): {people}"), "group")
    ]
    facts: list[tuple[str, Inline]] = []
    if poll.question.strip():
        facts.append(("Asked", line(poll.question)))
    if counted.ties():
        facts.append(("Tied", line(counted.ties_sentence(option_labels).removeprefix("Tied: "))))
    if poll.anonymous:
        facts.append(("Anonymous", line("totals only")))
    if facts:
        out.append(Facts(tuple(facts)))
    rows = []
    for bar in counted.bars:
        label = option_labels.get(bar.option, bar.option)
        text = f"{label}. {bar.text}" + ("" if bar.active else " (set aside)")
        rows.append(
            (
                line(bar.rank_label),
                line(text),
                line("█" * polls.bar_cells(counted, bar, POLL_BAR_CELLS) or EMPTY_CELL),
                line(counted.label(bar)),
            )
        )
    out.append(Table(("Rank", "Option", "", "Result"), tuple(rows), align=("right", "left", "left", "right")))
    return out


def _checks(session: Session, issue: Issue, option_labels: dict[str, str]) -> list:
    if not issue.checks:
        return []
    out: list = [Heading(4, line("Consensus checks"))]
    for n, check in enumerate(issue.checks, start=1):
        out += _check(session, n, check, option_labels)
    return out


def _check(session: Session, number: int, check: ConsensusCheck, option_labels: dict[str, str]) -> list:
    result = process.tally(session, check.method, check.responses, check.absent)
    outcome = OUTCOME_LABELS[check.outcome]
    out: list = [
        Paragraph(
            line(
                strong(f"Check {number}"),
                f" ({process.METHOD_LABELS[check.method]}, {moment(check.at)}): ",
                strong(outcome),
            ),
            "group",
        )
    ]
    facts: list[tuple[str, Inline]] = []
    if check.proposal.strip():
        facts.append(("Proposal", line(check.proposal)))
    if check.revision is not None:
        facts.append(("Tested", line(f"draft revision {check.revision}")))
    if check.options:
        facts.append(("Draws on", joined(option_labels.get(o, o) for o in check.options)))
    if not result.complete:
        facts.append(
            (
                "Outcome",
                line(f"recorded as {outcome}; the check is not complete ({result.answered}), so it is no consensus"),
            )
        )
    elif result.outcome is not check.outcome:
        facts.append(
            (
                "Outcome",
                line(
                    f"recorded as {outcome}; under the decision rule now in force these responses count as "
                    f"{OUTCOME_LABELS[result.outcome]}"
                ),
            )
        )
    if check.absent:
        facts.append(("Absent / not voting", joined(party_name(session, name) for name in check.absent)))
    if result.below:
        facts.append(("Below the line", joined(_tagged(session, check, name) for name in result.below)))
    if result.ignored:
        facts.append(("Not counted (observers and neutrals)", joined(result.ignored)))
    if result.missing and result.counted:
        facts.append(("No response from", joined(party_name(session, name) for name in result.missing)))
    if check.note.strip():
        facts.append(("Note", line(check.note)))
    if facts:
        out.append(Facts(tuple(facts)))
    if check.responses:
        rows = []
        for response in check.responses:
            party = session.party(response.party) if response.party else None
            tag = party.short if party else (response.party or EMPTY_CELL)
            rows.append(
                (
                    line(party_name(session, response.who)),
                    line(tag),
                    line(process.value_label(check.method, response.value) or EMPTY_CELL),
                )
            )
        out.append(Table(("Who", "Party", "Response"), tuple(rows), kind="compact"))
    return out


# --- session-wide records ---------------------------------------------------------------------


def agreement_facts(session: Session, ta_number: int, *, options: bool = True) -> list[tuple[str, Inline]]:
    """Issue, article, date, where it was reached and (``options``) the options it draws on."""
    ta = session.agreements[ta_number - 1]
    issue_numbers = {issue.id: n for n, issue in enumerate(session.issues, start=1)}
    issue = session.issue(ta.issue)
    facts: list[tuple[str, Inline]] = []
    if issue is not None:
        facts.append(("Issue", line(f"{issue_numbers[issue.id]}. ", issue.statement)))
    if ta.article.strip():
        facts.append(("Contract article", line(ta.article)))
    facts.append(("Date", line(day(ta.date))))
    if issue is not None:
        checks = {c.id: k for k, c in enumerate(issue.checks, start=1)}
        check = next((c for c in issue.checks if c.id == ta.check), None)
        if check is not None:
            facts.append(
                (
                    "Reached at",
                    line(f"check {checks[check.id]} ({process.METHOD_LABELS[check.method]}, {moment(check.at)})"),
                )
            )
            if check.revision is not None:
                facts.append(("Language", line(f"draft revision {check.revision}, word for word")))
        if options and ta.options:
            labels = item_labels(issue.options, "O")
            facts.append(("Options", joined(labels.get(o, o) for o in ta.options)))
    if ta.costs:
        facts.append(("Cost", cost_inline(session, ta.costs, word="")))
    return facts


def _package_cost(session: Session) -> list:
    """The TAs in force held against the team's budget (when either was recorded)."""
    totals = costing.session_package(session)
    if not totals.costed and session.costing is None:
        return []
    out: list = [Paragraph(line("Cost of the TAs in force:"), "group")]
    rows = []
    for verdict in costing.against_budget(totals, session.costing):
        rows.append(
            (
                line(verdict.year),
                line(costing.format_amount(verdict.cost)),
                line(EMPTY_CELL if verdict.budget is None else costing.format_amount(verdict.budget)),
                line(costing.verdict_words(verdict) if verdict.over is not None else EMPTY_CELL),
            )
        )
    out.append(Table(("Year", "Cost", "Budget", "Against the budget"), tuple(rows), ("left", "right", "right", "left")))
    if session.costing is not None and session.costing.note.strip():
        out.append(Paragraph(line("Budget: ", session.costing.note), "note"))
    return out


def _agreements(session: Session) -> list:
    out: list = [Heading(2, line("Tentative agreements"))]
    if not session.agreements:
        return [*out, _none()]
    out.append(Paragraph(line(TA_NOTE), "note"))
    for n, ta in enumerate(session.agreements, start=1):
        replaced = superseded_note(session, ta)
        blocks: list = [
            Heading(
                3,
                line(f"TA {n}", (": ", ta.title) if ta.title.strip() else None, " (superseded)" if replaced else None),
            )
        ]
        facts = agreement_facts(session, n)
        if replaced:
            facts.insert(
                0,
                (
                    "Superseded",
                    line(
                        f"{replaced[0].upper()}{replaced[1:]}: the issue was reopened and agreed again. Not in force; "
                        "not counted as agreed."
                    ),
                ),
            )
        blocks.append(Facts(tuple(facts)))
        blocks.append(Paragraph(line("Agreed language:"), "group"))
        blocks.append(Verbatim(ta.text))
        initialed = [
            Item(
                line(
                    party_name(session, mark.party),
                    ": ",
                    strong(mark.initials),
                    (" (", mark.name, ")") if mark.name.strip() else None,
                )
            )
            for mark in ta.initials
        ]
        missing = process.initials_missing(session, [i.party for i in ta.initials])
        if missing:
            initialed.append(Item(line("Not yet initialed by: ", joined(party_name(session, p) for p in missing))))
        blocks.append(Paragraph(line("Initials:"), "group"))
        blocks.append(Items(tuple(initialed)) if initialed else Paragraph(line("None yet.")))
        out.append(Section("agreement", tuple(blocks)))
    return out + _package_cost(session)


def _issue_ref(session: Session, issue_id: str | None) -> Inline:
    if issue_id is None:
        return line(EMPTY_CELL)
    numbers = {issue.id: n for n, issue in enumerate(session.issues, start=1)}
    return line(f"Issue {numbers[issue_id]}" if issue_id in numbers else issue_id)


def _cell(text: str) -> Inline:
    return line(text if text.strip() else EMPTY_CELL)


def _parking(session: Session) -> list:
    out: list = [Heading(2, line("Parking lot"))]
    if not session.parking_lot:
        return [*out, _none()]
    rows = tuple(
        (
            line(str(n)),
            _cell(item.text),
            _cell(party_name(session, item.owner)),
            _issue_ref(session, item.issue),
            line(moment(item.created)),
            line("Resolved" if item.resolved else "Open"),
        )
        for n, item in enumerate(session.parking_lot, start=1)
    )
    out.append(Table(("#", "Item", "Owner", "Came up in", "Added", "Status"), rows, ("right",)))
    return out


def _plan(session: Session) -> list:
    """The agenda's day blocks (``Session.plan``) of the days the minutes cover (met, or before
    anything was recorded the planned ones): planned time, length, title, and when the team began
    each block (Ctrl+L). A day planned but never met, or not yet dated, is no part of the record."""
    from datetime import date as Date

    from ..schedule import planned_times

    shown = set(session_days(session).days)  # as the letterhead: the days met (else the planned ones)
    days = [d for d in session.plan if d.date in shown]
    if not days:
        return []
    out: list = [Heading(2, line("Agenda of the day" if len(days) == 1 else "Agenda by day"))]
    for plan_day in days:
        when = day(plan_day.date) if plan_day.date else "The next meeting (date not set)"
        out.append(Heading(3, line(when, f": {plan_day.title}" if plan_day.title.strip() else None)))
        times = planned_times(plan_day.blocks, plan_day.date or Date(2000, 1, 1), None)
        rows = []
        for block, (start, _end) in zip(plan_day.blocks, times, strict=True):
            begun = EMPTY_CELL
            if block.started is not None:
                same_day = plan_day.date is not None and block.started.date() == plan_day.date
                begun = f"{block.started:%H:%M}" if same_day else moment(block.started)
            rows.append(
                (
                    line(f"{start:%H:%M}" if start is not None else EMPTY_CELL),
                    line(f"{block.minutes} min" if block.minutes else EMPTY_CELL),
                    _cell(block.title),
                    line(begun),
                )
            )
        out.append(Table(("Time", "Length", "Block", "Begun"), tuple(rows)))
        if plan_day.finished is not None:
            out.append(Paragraph(line(em(f"Day finished at {plan_day.finished:%H:%M}."))))
    return out


def _caucuses(session: Session) -> list:
    out: list = [Heading(2, line("Caucuses"))]
    if not session.caucuses:
        return [*out, _none()]
    rows = []
    for caucus in session.caucuses:
        if caucus.end is None:
            end, length = "still in caucus", EMPTY_CELL
        else:
            end = f"{caucus.end:%H:%M}" if caucus.end.date() == caucus.start.date() else moment(caucus.end)
            length = minutes_between(caucus.start, caucus.end)
            left = process.caucus_left(caucus, caucus.end)
            if left is not None:  # the minutes the team took, and by how much it ran over them
                over = f", {-left // 60} min over" if left <= -60 else ""
                length += f" (of {caucus.minutes}{over})"
        rows.append(
            (
                _cell(party_name(session, caucus.party)),
                _cell(caucus.called_by),
                _cell(caucus.reason),
                line(moment(caucus.start)),
                line(end),
                line(length),
            )
        )
    out.append(Table(("Party", "Called by", "Reason", "Start", "End", "Length"), tuple(rows)))
    return out


def _actions(session: Session, kind: ActionKind, title: str) -> list:
    out: list = [Heading(2, line(title))]
    items = [a for a in session.actions if a.kind is kind]
    if not items:
        return [*out, _none()]
    request = kind is ActionKind.INFO_REQUEST
    rows = []
    for n, item in enumerate(items, start=1):
        row = [line(str(n)), _cell(item.text), _cell(party_name(session, item.owner))]
        if request:
            row.append(_cell(party_name(session, item.requested_of)))
        row += [
            line(short_day(item.due) if item.due else EMPTY_CELL),
            _issue_ref(session, item.issue),
            line("Done" if item.done else "Open"),
        ]
        rows.append(tuple(row))
    header = [
        "#",
        "Request" if request else "Action",
        "Owner",
        *(["To provide"] if request else []),
        "Due",
        "Issue",
        "Status",
    ]
    out.append(Table(tuple(header), tuple(rows), ("right",)))
    return out
