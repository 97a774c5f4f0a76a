"""Issue 16's walk, through the real app: from many options to one text. Twenty-four options
narrowed to four by a dot vote, one screened out by a must-pass criterion, the four costed, the
language drafted in three revisions, revision 3 tested by consensus and agreed: the TA is
revision 3, word for word. The file, reopened, holds it all; the minutes, review and replay
show the poll, the weights, the costs and the revisions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from helpers import walk_to
from recorder import enter
from test_tui_drafting import save_in_editor
from test_tui_flow import SIZE, fresh_session

from ibb_facilitator import costing, drafting, editing, process, screening, store
from ibb_facilitator.export import render
from ibb_facilitator.model import Method, OptionState, PollKind, PollResponse, Response, Stage
from ibb_facilitator.timeline import Timeline
from ibb_facilitator.tui.app import IbbApp

TEXTS = [
    "Article 14.3: the District employs two building substitutes [each school].",
    "Article 14.3: the District employs three building substitutes [each school].",
    "Article 14.3: the District employs three building substitutes [each school], from 1 July 2027.",
]


async def test_twenty_four_options_to_one_agreed_text(tmp_path: Path) -> None:
    path = fresh_session(tmp_path / "s.toml", "contract-negotiation")
    app = IbbApp(path=path)
    async with app.run_test(size=SIZE) as pilot:
        session = app.session
        issue = session.issues[0]
        await walk_to(pilot, Stage.OPTIONS)
        for n in range(1, 25):
            await enter(pilot, f"Option {n}: a substitute plan, variant {n}")
        assert len(issue.options) == 24
        ids = [o.id for o in issue.options]

        # a dot vote, 3 dots each, keyed per person: options 3, 7, 11 and 19 lead; keep the top 4
        favourites = [ids[2], ids[6], ids[10], ids[18]]
        voters = process.voters(session)
        responses = [
            PollResponse(who=name, party=party, votes={favourites[k % 4]: 2, favourites[(k + 1) % 4]: 1})
            for k, (name, party) in enumerate(voters)
        ]
        poll = app.change("straw poll", editing.record_poll, issue.id, PollKind.DOTS, responses, dots=3)
        kept = app.change("keep the top 4", editing.keep_top, issue.id, poll.id, 4)
        active = [o.id for o in issue.options if o.state is OptionState.ACTIVE]
        assert sorted(active) == sorted(favourites) and kept is not None

        # criteria: one weighted, one must-pass; option 19 falls below the line and is screened out
        await walk_to(pilot, Stage.CRITERIA)
        for text in ("Within the budget line", "Every class covered by a qualified adult"):
            await enter(pilot, text)
        budget, covered = [c.id for c in issue.criteria[-2:]]
        app.change("weight", editing.set_weight, issue.id, covered, 3)
        app.change("must pass", editing.set_must_pass, issue.id, budget, 3)
        for option, scores in zip(favourites, ((4, 5), (5, 3), (3, 4), (2, 5)), strict=True):
            for criterion, score in zip((budget, covered), scores, strict=True):
                app.change("rate", editing.rate, issue.id, option, criterion, score)
        standings = {s.option.id: s for s in screening.standings(session, issue)}
        assert standings[favourites[3]].screened_out and standings[favourites[3]].rank is None
        # weighted (the second criterion ×3): 19, 14, 15 — unweighted they would rank 9, 8, 7
        assert [standings[o].total for o in favourites[:3]] == [19, 14, 15]
        assert [standings[o].rank for o in favourites[:3]] == [1, 3, 2]

        # the four costed, against the team's budget for three years
        app.change("budget", editing.set_costing, ["2027–28", "2028–29", "2029–30"], [Decimal(300_000)] * 3)
        for k, option in enumerate(favourites, start=1):
            yearly = [Decimal("93000.10") * k] * 3
            app.change("cost", editing.add_cost, option, "Building substitutes", yearly, issue_id=issue.id)
        second = next(o for o in issue.options if o.id == favourites[1])
        assert costing.option_totals(second).total == Decimal("558000.60")

        # the language, in three revisions typed in the editor; revision 3 tested and agreed
        await walk_to(pilot, Stage.CONSENSUS)
        for text in TEXTS:
            await save_in_editor(pilot, text)
        assert [r.n for r in issue.revisions] == [1, 2, 3] and issue.draft == TEXTS[2]
        responses_ = [Response(who=name, party=party, value=5) for name, party in voters]
        check, _ = app.change("check", editing.record_check, issue.id, Method.FIST_TO_FIVE, responses_, revision=3)
        ta = app.change("agree", editing.record_agreement, issue.id, check.id, TEXTS[2])
        assert ta.text == drafting.text_of(issue, 3) == TEXTS[2]
        await pilot.press("ctrl+q")

    saved = store.load_session(path)
    issue = saved.issues[0]
    assert len(issue.polls) == 1 and sum(o.state is OptionState.ACTIVE for o in issue.options) == 4
    assert [(c.weight, c.must_pass) for c in issue.criteria[-2:]] == [(None, 3), (3, None)]
    assert sum(len(o.costs) for o in issue.options) == 4 and saved.costing is not None
    assert [r.n for r in issue.revisions] == [1, 2, 3] and issue.checks[-1].revision == 3
    assert saved.agreements[-1].text == TEXTS[2]
    timeline = Timeline(saved)
    assert timeline.skipped == []
    before_the_vote = timeline.view(next(n for n, e in enumerate(saved.events) if e.action == "poll.record"))
    assert before_the_vote.issues[0].polls == [] and len(before_the_vote.issues[0].options) == 24
    minutes = render(saved, "md")
    for shown in ("Straw polls", "Rank", "558,000.60", "Draft of the language", TEXTS[2]):
        assert shown in minutes, shown


async def test_review_shows_the_costs_of_the_options_the_ta_and_the_package(tmp_path: Path) -> None:
    from test_review import show_place

    from ibb_facilitator.tui.review import ReviewScreen

    path = fresh_session(tmp_path / "s.toml", "contract-negotiation")
    session = store.load_session(path)
    issue = session.issues[0]
    option = editing.add_option(session, issue.id, "Two building substitutes")
    editing.set_costing(session, ["2027–28", "2028–29"], [Decimal(200_000), Decimal(200_000)])
    editing.add_cost(session, option.id, "Substitutes", [Decimal(93_000), Decimal(95_790)], issue_id=issue.id)
    voters = process.voters(session)
    check, _ = editing.record_check(
        session, issue.id, Method.FIST_TO_FIVE, [Response(who=n, party=p, value=5) for n, p in voters]
    )
    editing.record_agreement(session, issue.id, check.id, "Two building substitutes.", options=[option.id])
    store.save_session(session, path)
    app = IbbApp(review_path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        page = "\n".join(await show_place(pilot, screen, f"issue:{issue.id}"))
        assert "costs Substitutes 188,790" in page and "Cost: Substitutes 188,790" in page
        overview = "\n".join(await show_place(pilot, screen, "view:overview"))
        assert "Package 188,790 of 400,000 budget: 211,210 under budget" in overview
        assert "2027–28 93,000 · 2028–29 95,790" in overview
