"""The TA package: every tentative agreement of the negotiation in force, for the school committee
and the members (``ibb export DIR --report package``).

A cover (the negotiation, where the package stands: "nothing is agreed until everything is
agreed" and which issues remain; the ratification record, each party's vote with its counts;
amendments made after a ratification; an index of the TAs), then the TAs in force in the
contract's article order, numbered 1, 2, 3… in that order, each with its date, its initials,
where it was reached and what it replaced, and its exact language; then an appendix with the
superseded TAs (and those of issues withdrawn since), which are not in force. A party with no
vote recorded yet gets blank lines to record it by hand.

Built from the negotiation's facts (``negotiation.core``): nothing here reads a file.
"""

from __future__ import annotations

from ..costing import format_amount, per_year_text, short_total, verdict_words
from ..negotiation.board import has_costs
from ..negotiation.core import TA, Negotiation
from .board import letterhead
from .document import (
    Document,
    Facts,
    Heading,
    Inline,
    Item,
    Items,
    Paragraph,
    Section,
    SignatureGroup,
    Signatures,
    Table,
    Verbatim,
    joined,
    line,
    strong,
)
from .text import EMPTY_CELL, day

DOC_TYPE = "Tentative agreement package"
NOTE = (
    "A tentative agreement (TA) is not binding on its own. Together, the TAs in force form the "
    "tentative settlement, which each party ratifies as a whole. The agreed language of each TA is "
    "reproduced exactly as it was written at the table; TAs are numbered in the contract's article order."
)
VOTES = {"labor": "Union membership ratification vote", "management": "School committee ratification vote"}


def _initials(neg: Negotiation, ta: TA) -> Inline:
    if not ta.initials:
        return line("not yet initialed")
    return joined(
        line(neg.party_short(party), ": ", strong(mark), (" (", name, ")") if name.strip() else None)
        for party, mark, name in ta.initials
    )


def _where(neg: Negotiation, ta: TA) -> Inline:
    info = neg.session(ta.file)
    title = info.title if info else ""
    return line(f"session {ta.session}: ", ta.file, (" — ", title) if title.strip() else None, f" (TA id {ta.id})")


def _facts(neg: Negotiation, ta: TA, replaced: list[TA]) -> list[tuple[str, Inline]]:
    issue = neg.issue(ta.issue)
    facts: list[tuple[str, Inline]] = []
    if issue is not None:
        facts.append(("Issue", line(issue.statement)))
    if ta.article.strip():
        facts.append(("Contract article", line(ta.article)))
    facts.append(("Date", line(day(ta.date))))
    facts.append(("Reached in", _where(neg, ta)))
    facts.append(("Initialed", _initials(neg, ta)))
    if replaced:
        facts.append(("Replaces", joined(line(f"{old.id} of ", old.file, f" ({day(old.date)})") for old in replaced)))
    if ta.amends_ratified.strip():
        facts.append(("Amends the ratified package", line(ta.amends_ratified)))
    if ta.cost.costed:
        years = f" ({per_year_text(ta.cost, neg.budget)})" if len(ta.cost.per_year) > 1 else ""
        facts.append(("Cost", line(short_total(ta.cost), years, ": ", "; ".join(ta.cost_lines))))
    if issue is not None and issue.live:
        facts.append(
            (
                "Note",
                line(
                    f"the issue was reopened in {issue.file} and is under discussion: "
                    "this TA stands until it is replaced"
                ),
            )
        )
    ratified = neg.ratification.ratified.get(ta.ref, set())
    if ratified:
        facts.append(("Ratified by", joined(p.name for p in neg.parties if p.id in ratified)))
    return facts


def _count(vote: dict, key: str) -> str:
    """A ratification vote's tally for ``key`` (yes, no, abstain), or the empty cell when not recorded."""
    return str(vote[key]) if vote.get(key) is not None else EMPTY_CELL


def _votes(neg: Negotiation) -> list:
    out: list = [Heading(2, line("Ratification"))]
    out.append(Paragraph(line(neg.ratification.state())))
    rows = []
    for vote in (neg.manifest or {}).get("ratifications", []):
        party = neg.party(vote["party"])
        rows.append(
            (
                line(party.name if party else vote["party"]),
                line(vote.get("body") or EMPTY_CELL),
                line(vote["date"]),
                line(strong(vote["result"])),
                line(_count(vote, "yes")),
                line(_count(vote, "no")),
                line(_count(vote, "abstain")),
                line(f"{len(vote.get('package', []))} TAs"),
            )
        )
    if rows:
        out.append(
            Table(
                ("Party", "Body", "Date", "Result", "Yes", "No", "Abstain", "On"),
                tuple(rows),
                ("left", "left", "left", "left", "right", "right", "right", "right"),
            )
        )
    if neg.ratification.amendments:
        out.append(Paragraph(line("Amended after ratification (to be ratified):"), "group"))
        out.append(
            Items(
                tuple(
                    Item(line(f"{ta.id} of ", ta.file, ": ", ta.amends_ratified)) for ta in neg.ratification.amendments
                )
            )
        )
    waiting = [p.party for p in neg.ratification.parties if p.vote is None or not p.current]
    if waiting:
        out.append(
            Signatures(
                tuple(
                    SignatureGroup(line(strong(VOTES.get(p.side, "Ratification vote")), ": ", p.name)) for p in waiting
                )
            )
        )
    return out


def _cost(neg: Negotiation) -> list:
    """The package's cost against the team's budget, year by year and in total."""
    rows = []
    for verdict in neg.package_budget():
        total = verdict.year == "Total"
        cell = strong if total else line
        rows.append(
            (
                line(strong(verdict.year) if total else verdict.year),
                line(cell(format_amount(verdict.cost))),
                line(EMPTY_CELL if verdict.budget is None else format_amount(verdict.budget)),
                line(cell(verdict_words(verdict)) if verdict.over is not None else EMPTY_CELL),
            )
        )
    out: list = [Heading(2, line("Cost of the package"))]
    if neg.budget is not None and neg.budget.note.strip():
        out.append(Paragraph(line("Budget: ", neg.budget.note), "note"))
    out.append(Table(("Year", "Cost", "Budget", "Against the budget"), tuple(rows), ("left", "right", "right", "left")))
    return out


def build(neg: Negotiation) -> Document:
    package = neg.package
    cover: list = [
        Facts(
            (
                ("As of", line(day(neg.today))),
                ("Sessions", line(str(len(neg.sessions)))),
                ("TAs in force", line(str(len(package.current)))),
                ("State", line(strong("complete") if package.complete else strong("not complete"))),
            )
        )
    ]
    cover.append(Paragraph(line(NOTE), "note"))
    cover.append(Heading(2, line("Nothing is agreed until everything is agreed")))
    cover.append(Paragraph(line(package.state())))
    if package.remaining:
        cover.append(
            Items(
                tuple(
                    Item(
                        line(
                            issue.statement,
                            (" (", issue.article, ")") if issue.article.strip() else None,
                            f": {issue.status.replace('_', ' ')}, last worked in ",
                            issue.worked_file,
                        )
                    )
                    for issue in package.remaining
                )
            )
        )
    cover += _votes(neg)
    costed = has_costs(neg)
    cover.append(Heading(2, line("Tentative agreements in force")))
    if package.current:
        cover.append(
            Table(
                ("No.", "Title", "Contract article", "Date", "Initialed", "Reached in", *(("Cost",) if costed else ())),
                tuple(
                    (
                        line(str(n)),
                        line(ta.title or EMPTY_CELL),
                        line(ta.article or EMPTY_CELL),
                        line(ta.date.isoformat()),
                        _initials(neg, ta),
                        line(ta.file),
                        *((line(short_total(ta.cost) or EMPTY_CELL),) if costed else ()),
                    )
                    for n, ta in enumerate(package.current, start=1)
                ),
                ("right",) + ("left",) * 5 + ("right",) if costed else ("right",),
            )
        )
    else:
        cover.append(Paragraph(line("No tentative agreement is in force yet.")))
    if costed:
        cover += _cost(neg)
    blocks: list = [Section("cover", tuple(cover))]
    replaced_by: dict[str, list[TA]] = {}
    for ta in neg.tas:
        if ta.superseded_by is not None:
            replaced_by.setdefault(f"{ta.superseded_by[0]}#{ta.superseded_by[1]}", []).append(ta)
    if package.current:
        pages: list = []
        for n, ta in enumerate(package.current, start=1):
            body: list = [Heading(3, line(f"TA {n}", (": ", ta.title) if ta.title.strip() else None))]
            body.append(Facts(tuple(_facts(neg, ta, replaced_by.get(ta.ref, [])))))
            body.append(Verbatim(ta.text))
            pages.append(Section("agreement", tuple(body)))
        blocks.append(Section("agreements", (Heading(2, line("The agreements")), *pages), page=True))
    if package.appendix:
        appendix: list = [Heading(2, line("Appendix: superseded tentative agreements (not in force)"))]
        for ta in package.appendix:
            if ta.superseded_by is not None:
                newer = ta.superseded_by
                number = next((n for n, t in enumerate(package.current, start=1) if (t.file, t.id) == newer), 0)
                why = (
                    f"superseded by {newer[1]} of {newer[0]}"
                    + (f" (TA {number} above)" if number else "")
                    + (f" on {day(ta.superseded_on)}" if ta.superseded_on else "")
                )
            else:
                why = "its issue was withdrawn"
            body = [Heading(3, line(f"{ta.id} of ", ta.file, (": ", ta.title) if ta.title.strip() else None))]
            facts = [("Not in force", line(why))] + [
                f for f in _facts(neg, ta, replaced_by.get(ta.ref, [])) if f[0] != "Note"
            ]
            body += [Facts(tuple(facts)), Verbatim(ta.text)]
            appendix.append(Section("agreement", tuple(body)))
        blocks.append(Section("appendix", tuple(appendix), page=True))
    return Document("package", letterhead(neg, DOC_TYPE), tuple(blocks))


__all__ = ["DOC_TYPE", "build"]
