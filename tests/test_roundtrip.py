"""Property tests: any text in any field survives save and load exactly; tomlwrite writes TOML
that tomllib reads back to the same data."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ibb_facilitator import store, tomlwrite
from ibb_facilitator.model import (
    MUTUAL,
    ActionItem,
    ActionKind,
    Caucus,
    ConsensusCheck,
    Costing,
    CostLine,
    Criterion,
    Cursor,
    DecisionRule,
    Event,
    Initial,
    Interest,
    InterestKind,
    Issue,
    IssueStatus,
    Member,
    Method,
    Option,
    OptionState,
    Outcome,
    ParkingItem,
    Party,
    PlanBlock,
    PlanDay,
    Poll,
    PollKind,
    PollResponse,
    Response,
    Role,
    Session,
    Side,
    Stage,
    TentativeAgreement,
    integrity_problems,
)
from ibb_facilitator.process import STAGE_ORDERS, allowed_values, rule_problems

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE = [
    "Café crème, naïve résumé",
    "薪酬与福利 / 給与 / 임금",
    "👩‍🏫 teachers 🧑🏽‍💼 admins ✊🖐️👍👎",
    "مرحبا بكم — שלום",  # right-to-left
    "[/foo] [b]bold[/b] [[issues]] {x} <tag>",
    "\"quoted\" 'single' `back`",
    "back\\slash \\n not a newline \\u0041 \\",
    "\"\"\"triple\"\"\" and '''triple'''",
    '"""',
    "'''",
    'ends with a quote"',
    'ends with two""',
    "line one\nline two\n",
    "\n",
    "\nstarts with a newline",
    "windows\r\nline\r\nends",
    "lone\rcarriage return",
    "tab\there\t",
    "controls \x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f end",
    "c1 \x80\x85\x9f and separators \u2028\u2029 and BOM \ufeff",
    '[[issues]]\nid = 1\nstatement = "x"',
    '[[issues.interests]]\nholder = "labor"\n"""',
    'key = "value" # comment',
    "trailing backslash \\\n next",
    "   leading and trailing spaces   ",
]

# Any Unicode a person can type or paste (no lone surrogates: those cannot be stored as UTF-8).
any_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(HOSTILE),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), max_size=3).map("".join),
)
some_text = any_text.filter(lambda t: len(t) > 0)
short_text = st.text(min_size=1, max_size=12)

offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
stamps = st.builds(
    lambda naive, tz: naive.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    offsets,
)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))
small_int = st.integers(min_value=-(2**63), max_value=2**63 - 1)

PARTY_IDS = ["labor", "management"]

# Amounts of money as the file allows them: up to 15 digits before the point, 6 after, kept as
# written ("5.00" stays "5.00"): the strings must read back to the same Decimal and the same text.
amounts = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(-(10**15) + 1, 10**15 - 1),
    st.integers(0, 6),
)
cost_lines = st.lists(
    st.builds(
        CostLine,
        label=some_text,
        amounts=st.lists(amounts, max_size=3),
        basis=any_text,
        costed_by=any_text,
        at=st.none() | stamps,
    ),
    max_size=2,
)


def any_criterion(draw: st.DrawFn, criterion_id: str) -> Criterion:
    """A criterion, sometimes weighted (1 to 9: 1 is also left out) and sometimes must-pass (0 to 5)."""
    return Criterion(
        id=criterion_id,
        text=draw(some_text),
        weight=draw(st.none() | st.integers(1, 9)),
        must_pass=draw(st.none() | st.integers(0, 5)),
    )


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    n = iter(range(1, 10_000))

    def new_id(prefix: str) -> str:
        return f"{prefix}-{next(n)}"

    parties = [
        Party(
            id=pid,
            name=draw(some_text),
            short=draw(short_text),
            side=draw(st.sampled_from(Side)),
            members=[
                Member(name=draw(some_text), role=draw(st.sampled_from(Role)), title=draw(any_text))
                for _ in range(draw(st.integers(0, 2)))
            ],
        )
        for pid in PARTY_IDS
    ]
    shared = [any_criterion(draw, new_id("criterion")) for _ in range(draw(st.integers(0, 1)))]
    issues: list[Issue] = []
    agreements: list[TentativeAgreement] = []
    for _ in range(draw(st.integers(0, 2))):
        interests = [
            Interest(
                id=new_id("interest"),
                text=draw(some_text),
                holder=draw(st.sampled_from([*PARTY_IDS, MUTUAL])),
                kind=draw(st.none() | st.sampled_from(InterestKind)),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        options = [
            Option(
                id=new_id("option"),
                text=draw(some_text),
                serves=draw(st.lists(st.sampled_from([i.id for i in interests]), unique=True)) if interests else [],
            )
            for _ in range(draw(st.integers(0, 3)))
        ]
        for option in options:
            option.costs = draw(cost_lines)
        if len(options) >= 3 and draw(st.booleans()):
            options[0].state, options[0].combined_into = OptionState.COMBINED, options[2].id
            options[1].state = OptionState.SET_ASIDE
        criteria = [any_criterion(draw, new_id("criterion")) for _ in range(draw(st.integers(0, 2)))]
        pairs = [(o, c.id) for o in options for c in [*shared, *criteria]]
        for option, criterion in (
            draw(st.lists(st.sampled_from(pairs), unique_by=lambda p: (p[0].id, p[1]), max_size=3)) if pairs else []
        ):
            option.scores = {**option.scores, criterion: draw(st.integers(0, 5))}
        checks = []
        for _ in range(draw(st.integers(0, 2))):
            method = draw(st.sampled_from(Method))
            who = st.sampled_from(PARTY_IDS) if method is Method.PER_PARTY else some_text
            responses = [
                Response(
                    who=draw(who),
                    party=None if method is Method.PER_PARTY else draw(st.none() | st.sampled_from(PARTY_IDS)),
                    value=draw(st.sampled_from(allowed_values(method))),
                )
                for _ in range(draw(st.integers(0, 3)))
            ]
            checks.append(
                ConsensusCheck(
                    id=new_id("check"),
                    method=method,
                    at=draw(stamps),
                    proposal=draw(any_text),
                    options=draw(st.lists(st.sampled_from([o.id for o in options]), max_size=2)) if options else [],
                    responses=responses,
                    outcome=draw(st.sampled_from(Outcome)),
                    note=draw(any_text),
                )
            )
        polls = []
        for _ in range(draw(st.integers(0, 2)) if len(options) >= 2 else 0):
            kind = draw(st.sampled_from(PollKind))
            covered = [o.id for o in options]
            dots = draw(st.integers(1, 5)) if kind is PollKind.DOTS else 0
            values = st.integers(1, 5) if kind is PollKind.SCORE else st.integers(1, 1)
            polls.append(
                Poll(
                    id=new_id("poll"),
                    kind=kind,
                    at=draw(stamps),
                    dots=dots,
                    question=draw(any_text),
                    options=covered,
                    responses=[
                        PollResponse(
                            who=draw(some_text),
                            party=draw(st.none() | st.sampled_from(PARTY_IDS)),
                            votes=draw(st.dictionaries(st.sampled_from(covered), values, max_size=1)),
                            device=draw(st.sampled_from(["", "tablet-1"])),
                        )
                        for _ in range(draw(st.integers(0, 3)))
                    ],
                    anonymous=draw(st.booleans()),
                )
            )
        issue = Issue(
            id=new_id("issue"),
            statement=draw(some_text),
            raised_by=draw(st.sampled_from([*PARTY_IDS, "joint"])),
            article=draw(any_text),
            data_needed=draw(any_text),
            status=draw(st.sampled_from([s for s in IssueStatus if s is not IssueStatus.AGREED])),
            stage=draw(st.sampled_from(Stage)),
            brainstorming=draw(st.booleans()),
            notes=draw(any_text),
            interests=interests,
            options=options,
            criteria=criteria,
            checks=checks,
            polls=polls,
        )
        issues.append(issue)
        agreed = [c for c in checks if c.outcome is Outcome.CONSENSUS]
        if agreed and draw(st.booleans()):
            agreements.append(
                TentativeAgreement(
                    id=new_id("ta"),
                    issue=issue.id,
                    check=agreed[0].id,
                    text=draw(some_text),
                    article=draw(any_text),
                    title=draw(any_text),
                    date=draw(days),
                    options=list(agreed[0].options),
                    initials=[
                        Initial(party=p, initials=draw(short_text), name=draw(any_text))
                        for p in draw(st.lists(st.sampled_from(PARTY_IDS), unique=True))
                    ],
                    costs=draw(cost_lines),
                )
            )
            issue.status = IssueStatus.AGREED
    issue_ids = [i.id for i in issues]
    maybe_issue = st.none() | st.sampled_from(issue_ids) if issue_ids else st.none()
    parking = [
        ParkingItem(
            id=new_id("park"),
            text=draw(some_text),
            owner=draw(any_text),
            issue=draw(maybe_issue),
            resolved=draw(st.booleans()),
            created=draw(stamps),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    caucuses = []
    for _ in range(draw(st.integers(0, 1))):
        start = draw(stamps)
        end = draw(st.none() | st.integers(0, 3600).map(lambda s, start=start: start + timedelta(seconds=s)))
        caucuses.append(
            Caucus(
                id=new_id("caucus"),
                party=draw(st.sampled_from(PARTY_IDS)),
                called_by=draw(any_text),
                reason=draw(any_text),
                start=start,
                end=end,
            )
        )
    actions = [
        ActionItem(
            id=new_id("action"),
            kind=draw(st.sampled_from(ActionKind)),
            text=draw(some_text),
            owner=draw(any_text),
            requested_of=draw(any_text),
            due=draw(st.none() | days),
            done=draw(st.booleans()),
            issue=draw(maybe_issue),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    data_value = st.one_of(any_text, small_int, st.booleans(), st.lists(any_text, max_size=3))
    events = [
        Event(
            at=draw(stamps),
            action=draw(any_text),
            target=draw(any_text),
            summary=draw(any_text),
            data=draw(st.dictionaries(any_text, data_value, max_size=3)),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    plan = []
    planned_days: set[date] = set()
    for _ in range(draw(st.integers(0, 2))):
        on = draw(st.none() | days)
        on = None if on in planned_days else on  # no date is planned twice
        if on is not None:
            planned_days.add(on)
        starts = sorted(draw(st.lists(st.integers(0, 24 * 60 - 1), max_size=3)))  # a day runs in order
        blocks = [
            PlanBlock(
                time=draw(st.sampled_from([f"{m // 60:02d}:{m % 60:02d}", ""])),
                minutes=draw(st.integers(0, 24 * 60)),
                title=draw(some_text),
                started=draw(st.none() | stamps),
            )
            for m in starts
        ]
        plan.append(PlanDay(date=on, title=draw(any_text), finished=draw(st.none() | stamps), blocks=blocks))
    costing = draw(
        st.none()
        | st.builds(
            Costing,
            years=st.sampled_from([[], ["2027–28", "2028–29", "2029–30"]]),
            budget=st.lists(amounts, max_size=3),
            note=any_text,
        )
    )
    return Session(
        plan=plan,
        costing=costing,
        id=draw(any_text),
        title=draw(some_text),
        organization=draw(any_text),
        bargaining_unit=draw(any_text),
        location=draw(any_text),
        agenda=draw(any_text),
        created=draw(stamps),
        meeting_days=draw(st.lists(days, max_size=2)),
        facilitators=draw(st.lists(any_text, max_size=2)),
        recorder=draw(any_text),
        timekeeper=draw(any_text),
        observers=draw(st.lists(any_text, max_size=2)),
        parties=parties,
        ground_rules=draw(st.lists(any_text, max_size=3)),
        decision_rule=DecisionRule(
            description=draw(any_text),
            method=draw(st.sampled_from(Method)),
            fallback=draw(any_text),
            fist_minimum=draw(st.integers(0, 5)),
            gradient_threshold=draw(st.integers(1, 7)),
        ),
        stage_order=list(draw(st.sampled_from(STAGE_ORDERS))),
        time_boxes=draw(st.dictionaries(st.sampled_from(Stage), st.integers(1, 600), max_size=5)),
        criteria_starters=draw(st.lists(any_text, max_size=2)),
        shared_criteria=shared,
        cursor=Cursor(issue=draw(maybe_issue), stage=draw(st.sampled_from(Stage))),
        issues=issues,
        agreements=agreements,
        parking_lot=parking,
        caucuses=caucuses,
        actions=actions,
        events=events,
    )


@SETTINGS
@given(sessions())
def test_any_session_round_trips_exactly(session: Session) -> None:
    # the generator builds valid sessions: a failure below is the store's, not the data's
    assert integrity_problems(session) == [] and rule_problems(session) == []
    text = store.dumps_session(session)
    loaded = store.loads_session(text)
    assert loaded == session
    assert loaded.model_dump() == session.model_dump()
    assert store.dumps_session(loaded) == text
    assert tomllib.loads(text)["schema_version"] == session.schema_version


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.lists(any_text, min_size=1, max_size=5))
def test_issue_statements_with_toml_lookalikes_stay_separate_issues(statements: list[str]) -> None:
    statements = [s if s else "x" for s in statements]
    session = Session(title="T", issues=[Issue(id=f"issue-{n}", statement=s) for n, s in enumerate(statements, 1)])
    loaded = store.loads_session(store.dumps_session(session))
    assert [i.statement for i in loaded.issues] == statements


# --- tomlwrite on its own ---------------------------------------------------------------------

keys = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        ["", "a.b", "a b", '"', "'", "[x]", "=", "#", "ratings", "responses", "initials", "data", "key", "1", "-_"]
    ),
)
scalars = st.one_of(
    any_text,
    small_int,
    st.booleans(),
    days,
    stamps,
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),  # local (no offset)
)


def _documents() -> st.SearchStrategy[dict[str, Any]]:
    values = st.recursive(
        scalars | st.lists(scalars, max_size=4),
        lambda inner: st.one_of(
            st.dictionaries(keys, inner, max_size=3),
            st.lists(st.dictionaries(keys, inner, max_size=3), min_size=1, max_size=3),
            st.lists(inner, max_size=3),
        ),
        max_leaves=12,
    )
    return st.dictionaries(keys, values, max_size=5)


@SETTINGS
@given(_documents())
def test_tomlwrite_output_parses_to_the_same_data(document: dict[str, Any]) -> None:
    text = tomlwrite.dumps(document)
    assert tomllib.loads(text) == document


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(any_text)
def test_tomlwrite_strings_round_trip_in_both_forms(value: str) -> None:
    for multiline in (True, False):
        text = f"v = {tomlwrite.string(value, multiline=multiline)}\n"
        assert tomllib.loads(text) == {"v": value}
    assert "\n" not in tomlwrite.string(value, multiline=False)
