"""Tentative agreements at the consensus stage: write the TA after a consensus check, initial it
(each party's spokesperson), view it whole, edit its text, title and article. Reached from the
check (``consensus.py``), the item menu (Ctrl+O) and the palette."""

from __future__ import annotations

from ... import costing, editing, process
from ...model import ConsensusCheck, Issue, Party, Session, TentativeAgreement
from ..app import IbbApp
from ..costs import CostsScreen
from ..modals import LongText, Panel, Prompt
from ..negotiating import amends_ratified, ratified_problem
from ..text import one_line
from .view import Command


def ta_of(session: Session, issue: Issue) -> TentativeAgreement | None:
    """The issue's TA in force (the last one not superseded)."""
    return next((ta for ta in reversed(session.agreements_for(issue.id)) if not ta.superseded_by), None)


def unwritten_check(session: Session, issue: Issue) -> ConsensusCheck | None:
    """The last consensus check of the issue that no TA was written for yet."""
    written = {ta.check for ta in session.agreements_for(issue.id)}
    return next((c for c in reversed(process.consensus_checks(issue)) if c.id not in written), None)


def commands(app: IbbApp, issue: Issue) -> list[Command]:
    """The TA's lines of the consensus stage's item menu."""
    found: list[Command] = []
    if unwritten_check(app.session, issue) is not None:
        found.append(("Write the TA for the last consensus check", "", lambda: write_next(app, issue)))
    if ta_of(app.session, issue) is not None:
        found += [
            ("View the TA", "", lambda: view(app, issue)),
            ("Initial the TA", "", lambda: initial(app, issue)),
            ("Edit the TA text", "", lambda: edit(app, issue, "text")),
            ("Edit the TA title", "", lambda: edit(app, issue, "title")),
            ("Edit the TA article", "", lambda: edit(app, issue, "article")),
            ("Cost lines of the TA…", "", lambda: costs(app, issue)),
        ]
        ta = ta_of(app.session, issue)
        if ta is not None and any(o.costs for o in issue.options if o.id in ta.options):
            found.append(("Cost the TA as its options are costed now", "", lambda: recost(app, issue)))
    return found


def costs(app: IbbApp, issue: Issue) -> None:
    """The TA's cost lines (its own, or those copied from its options when it was recorded)."""
    ta = ta_of(app.session, issue)
    if ta is None:
        app.notify("No TA on this issue yet.", severity="information")
        return
    number = app.session.agreement_number(ta.id)
    owner = f"TA {number}: {one_line(ta.title or ta.text, 60)}"
    app.push_screen(CostsScreen(f"Cost of {owner}", ta.id, owner=owner))


def recost(app: IbbApp, issue: Issue) -> None:
    """The TA's cost lines replaced by its options' as they are now."""
    ta = ta_of(app.session, issue)
    if ta is not None and app.change("cost TA from options", editing.copy_costs_to_ta, ta.id) is not None:
        app.notify(f"TA {app.session.agreement_number(ta.id)} costed from its options.", timeout=4)


def write(app: IbbApp, issue_id: str, check_id: str) -> None:
    """The TA for a consensus check. A check that tested a draft revision makes that revision the
    TA at once, word for word. Otherwise the TA editor: it starts from the draft kept for the issue, else the
    proposal tested, else the options the check drew on. What is typed is kept as the issue's
    TA draft if the editor is left without saving (Esc, Ctrl+Q, a crash after it)."""
    issue = app.session.issue(issue_id)
    if issue is None:
        return
    check = next((c for c in issue.checks if c.id == check_id), None)
    if check is not None and check.revision is not None:  # the tested revision, word for word
        ta = app.change("write TA", editing.record_agreement, issue_id, check_id, "")
        if ta is not None:
            app.notify(f"TA recorded: draft revision {check.revision}, word for word.", timeout=5)
            amends_ratified(app, issue, ta.id, lambda: ask_initials(app, ta.id, list(app.session.parties)))
        return
    start = issue.ta_draft or issue.proposal or (check.proposal if check else "")
    if not start and check is not None:
        start = "\n".join(o.text for o in issue.options if o.id in check.options)

    def got_text(text: str | None) -> None:
        if not text or not text.strip():
            return
        ta = app.change("write TA", editing.record_agreement, issue_id, check_id, text)
        if ta is not None:  # replacing a ratified TA: say what it amends first (issue 15)
            amends_ratified(app, issue, ta.id, lambda: ask_initials(app, ta.id, list(app.session.parties)))

    def keep(text: str) -> None:
        if text.strip() and text != start:
            app.change("keep TA draft", editing.set_ta_draft, issue_id, text)
            app.notify("TA draft kept with the issue: Ctrl+O ▸ Write the TA continues it.", timeout=5)

    app.push_screen(LongText("Tentative agreement language (exact text)", start, keep_draft=keep), got_text)


def ask_initials(app: IbbApp, ta_id: str, parties: list[Party]) -> None:
    """Each party's spokesperson's initials, one prompt a party (Esc skips one)."""
    if not parties:
        return
    party, rest = parties[0], parties[1:]
    spokesperson = party.spokesperson()
    who = f" ({spokesperson.name})" if spokesperson else ""

    def got(initials: str | None) -> None:
        if initials and initials.strip():
            app.change("initial TA", editing.initial, ta_id, party.id, initials)
        ask_initials(app, ta_id, rest)

    hint = "Enter to record · Esc to skip (later: Ctrl+O ▸ Initial the TA)"
    app.push_screen(Prompt(f"Initials of {party.name}'s spokesperson{who}", placeholder="e.g. JM", hint=hint), got)


def initial(app: IbbApp, issue: Issue) -> None:
    session = app.session
    ta = ta_of(session, issue)
    if ta is None:
        app.notify("No TA on this issue yet.", severity="information")
        return
    missing = process.initials_missing(session, [i.party for i in ta.initials])
    ask_initials(app, ta.id, [p for p in session.parties if p.id in missing] or list(session.parties))


def write_next(app: IbbApp, issue: Issue) -> None:
    check = unwritten_check(app.session, issue)
    if check is None:
        app.notify(
            "No consensus check without a TA on this issue: take a check first (Ctrl+R).", severity="information"
        )
        return
    write(app, issue.id, check.id)


def view(app: IbbApp, issue: Issue) -> None:
    session = app.session
    ta = ta_of(session, issue)
    if ta is None:
        app.notify("No TA on this issue yet.", severity="information")
        return
    lines: list[tuple[str, str]] = [
        (ta.title or "(no title)", "bold"),
        (f"Article: {ta.article or '—'} · {ta.date:%d %B %Y}", ""),
        ("", ""),
    ]
    lines += [(line, "") for line in ta.text.splitlines()]
    lines += [("", ""), ("Initials", "bold")]
    lines += [
        (f"{p.name}: {next((i.initials for i in ta.initials if i.party == p.id), 'not yet')}", "")
        for p in session.parties
    ]
    if ta.costs:
        totals = costing.ta_totals(ta)
        lines += [("", ""), (f"Cost {costing.short_total(totals)}", "bold")]
        if len(totals.per_year) > 1:
            lines.append((costing.per_year_text(totals, session.costing), ""))
        lines += [(f"{line.label}: {costing.format_amount(costing.line_total(line))}", "") for line in ta.costs]
    lines += [("", ""), ("Ctrl+O ▸ Edit the TA text / title / article, Initial the TA, its cost lines", "dim")]
    app.push_screen(Panel(f"TA: {one_line(issue.statement, 60)}", lines))


def edit(app: IbbApp, issue: Issue, field: str) -> None:
    """Edit the TA's ``field``: its text (which withdraws the initials given), title or article."""
    ta = ta_of(app.session, issue)
    if ta is None:
        app.notify("No TA on this issue yet.", severity="information")
        return
    if field == "text":
        problem = ratified_problem(app, ta.id)
        if problem is not None:  # ratified as it reads: never edited in place (issue 15)
            app.notify(problem, title="Not changed", severity="warning", timeout=10)
            return
        app.push_screen(
            LongText("TA language (changing it withdraws the initials already given)", ta.text),
            lambda v: v and v.strip() and app.change("edit TA", editing.edit_agreement, ta.id, v),
        )
        return
    title = {"title": "The TA's title", "article": "The contract article"}[field]
    app.push_screen(
        Prompt(title, getattr(ta, field)),
        lambda v: None if v is None else app.change(f"TA {field}", editing.edit_agreement, ta.id, **{field: v}),
    )
