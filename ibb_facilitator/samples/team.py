"""The test suite's team: a small two-party session, and the same session with every part filled in.

- ``team_session()``: labor and management, each with a spokesperson and other members, plus a
  facilitator, a recorder, a timekeeper and an observer (who never count in consensus);
- ``populated_session()``: that session with issues, interests (incl. mutual), options (one
  combined, one set aside), criteria (shared and per issue), ratings, consensus checks, an
  initialed TA, a parking-lot item, a caucus, actions and information requests: every part of
  the model, each made through ``editing`` (so the log is the one the app would leave). Times
  are the real clock's unless the caller simulates one (``samples.clock``).
"""

from __future__ import annotations

from datetime import date

from .. import editing
from ..model import (
    ActionKind,
    InterestKind,
    Member,
    Method,
    Party,
    Response,
    Role,
    Session,
    Side,
)

FACILITATOR = "Frances Neutral"
RECORDER = "Rita Scribe"
TIMEKEEPER = "Tom Clock"
OBSERVER = "Olive Watcher"

LABOR_VOTERS = ["Ana Ruiz", "Carl Jensen", "Nora Okafor"]
MANAGEMENT_VOTERS = ["Ben Hale", "Dana Liu"]
VOTERS = LABOR_VOTERS + MANAGEMENT_VOTERS
NON_VOTERS = [FACILITATOR, RECORDER, TIMEKEEPER, OBSERVER]


def team_session() -> Session:
    """The Lakeview team, with no issue yet."""
    return Session(
        title="Lakeview 2026 successor contract",
        organization="Lakeview Public Schools",
        bargaining_unit="Teachers",
        location="Library, Lakeview High",
        facilitators=[FACILITATOR],
        recorder=RECORDER,
        timekeeper=TIMEKEEPER,
        observers=[OBSERVER],
        meeting_days=[date(2026, 11, 23), date(2026, 11, 24)],
        ground_rules=["Caucus on request, 15 minutes at most", "Nothing is agreed until everything is agreed"],
        parties=[
            Party(
                id="labor",
                name="Lakeview Education Association",
                short="U",
                side=Side.LABOR,
                members=[
                    Member(name="Ana Ruiz", role=Role.SPOKESPERSON, title="Union president"),
                    Member(name="Carl Jensen", role=Role.MEMBER),
                    Member(name="Nora Okafor", role=Role.NOTE_TAKER),
                ],
            ),
            Party(
                id="management",
                name="Lakeview School Committee",
                short="M",
                side=Side.MANAGEMENT,
                members=[
                    Member(name="Ben Hale", role=Role.SPOKESPERSON, title="Superintendent"),
                    Member(name="Dana Liu", role=Role.DECISION_MAKER, title="Committee chair"),
                ],
            ),
        ],
    )


def fist(value: int, names: list[str] | None = None) -> list[Response]:
    """Everybody (or ``names``) shows ``value`` fingers."""
    return [Response(who=name, value=value) for name in (names if names is not None else VOTERS)]


def populated_session() -> Session:
    """``team_session()`` with every part of the model filled in (see the module's docstring)."""
    s = team_session()
    pay = editing.add_issue(
        s,
        "How can we attract and keep qualified teachers within the budget?",
        raised_by="labor",
        article="Article 12",
    )
    time = editing.add_issue(s, "How can we give teachers time to collaborate?", raised_by="management")
    editing.add_issue(
        s, "How can we make evaluations fair and useful?", article="Article 7", data_needed="Evaluation survey"
    )

    i1 = editing.add_interest(
        s, pay.id, "Keep pay competitive with neighboring districts", "labor", InterestKind.SUBSTANTIVE
    )
    i2 = editing.add_interest(s, pay.id, "A budget the town meeting will pass", "management")
    i3 = editing.add_interest(s, pay.id, "Students keep experienced teachers", "mutual", InterestKind.RELATIONSHIP)
    editing.add_interest(s, time.id, "Common planning time\nacross grades", "labor")

    editing.set_brainstorm(s, pay.id, True)
    o1 = editing.add_option(s, pay.id, "Step increases front-loaded for years 1-5")
    o2 = editing.add_option(s, pay.id, "Retention bonus after year 3")
    o3 = editing.add_option(s, pay.id, "Four-day week")
    o4 = editing.add_option(s, pay.id, "Housing stipend")
    editing.set_brainstorm(s, pay.id, False)
    editing.toggle_serves(s, pay.id, o1.id, i1.id)
    editing.toggle_serves(s, pay.id, o2.id, i3.id)
    combined = editing.combine_options(s, pay.id, [o1.id, o2.id], "Front-loaded steps plus a year-3 retention bonus")
    editing.set_aside_option(s, pay.id, o3.id)
    editing.toggle_serves(s, pay.id, o4.id, i2.id)

    shared = editing.add_criterion(s, None, "Affordable within the three-year budget")
    own = editing.add_criterion(s, pay.id, "Competitive with the five neighboring districts")
    editing.rate(s, pay.id, combined.id, shared.id, 4)
    editing.rate(s, pay.id, combined.id, own.id, 5)
    editing.rate(s, pay.id, o4.id, shared.id, 1)

    editing.record_check(
        s,
        pay.id,
        Method.FIST_TO_FIVE,
        [*fist(4)[:-1], Response(who="Dana Liu", value=2)],
        proposal="Combined option",
        note="Dana: cost of year 3",
    )
    check, _ = editing.record_check(
        s, pay.id, Method.FIST_TO_FIVE, fist(4), proposal="Combined option, bonus capped", options=[combined.id]
    )
    ta = editing.record_agreement(
        s,
        pay.id,
        check.id,
        "Article 12.3 Salary.\nSteps 1-5 rise by 3%.\nA retention bonus of $1,500 is paid after year 3.",
        title="Salary steps",
        on=date(2026, 11, 24),
    )
    editing.initial(s, ta.id, "labor", "AR")
    editing.initial(s, ta.id, "management", "BH")

    editing.add_parking(s, "Health insurance carrier", owner="Ben Hale", issue_id=time.id)
    editing.start_caucus(s, "labor", called_by="Ana Ruiz", reason="Review the cost sheet")
    editing.end_caucus(s)
    editing.add_action(s, "Cost out the retention bonus", owner="management", due=date(2026, 12, 1), issue_id=pay.id)
    editing.add_action(
        s,
        "Salary schedules of the five neighboring districts",
        kind=ActionKind.INFO_REQUEST,
        owner="labor",
        requested_of="management",
        due=date(2026, 12, 3),
    )
    editing.set_stage(s, time.id, s.stage_order[1])
    return s
