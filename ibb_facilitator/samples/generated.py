"""Seeded, realistic sessions of any size: for the benchmarks, big-file tests and trying the TUI.

``generated_session(items, seed)`` builds a ``Session`` whose ``item_count()`` lands on ``items``
(within a few), with the shape of a real joint IBB team's file, only longer:

- about 25 issues up to 10,000 items, more beyond (25 * sqrt(items / 10,000));
- two parties (a union and a district) with seven members each, facilitators and observers;
- per issue: interests (each party's and mutual ones), options (about 8 % combined into a new
  option, 12 % set aside, each serving 1-3 interests), 2-6 issue criteria plus 5 shared ones,
  a *full* rating grid (every option x every criterion that applies), consensus checks with a
  response from every member (one per party for per-party concurrence);
- session-wide: a few tentative agreements initialed by one or both parties, a parking lot
  (2 % of items), action items and information requests (3 %), caucuses, and one ``Event`` per
  item, shaped like the ones ``editing.py`` logs (so the text appears in the log too).

Text comes from a seeded word list: sentence-length, about 1 string in 12 with non-ASCII
(accents, CJK, an emoji, curly quotes), some with markup-looking or escape-needing characters,
and multi-line notes, options and TA language. Objects are built directly (no ``editing``
calls), which is much faster and gives the same stored shape.

Over 500 lines because one function draws the whole session from one random stream, in order:
split into pieces, the draws (and so every seed's session, and the benchmarks' figures) would
change.

``bench/generate.py`` writes one to a file: ``python bench/generate.py 10000 -o /tmp/big.toml [--seed 3]``.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta, timezone

from .. import process
from ..model import (
    MUTUAL,
    ActionItem,
    ActionKind,
    Caucus,
    ConsensusCheck,
    Criterion,
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
    ParkingItem,
    Party,
    Response,
    Role,
    Session,
    Side,
    Stage,
    TentativeAgreement,
)

TZ = timezone(timedelta(hours=-5))
SHARED_CRITERIA = 5

# the words packed, not one a line
# fmt: off
WORDS = [
    "teachers", "district", "staff", "students", "schedule", "planning", "time", "class", "size", "workload",
    "salary", "step", "lane", "schedule", "insurance", "premium", "deductible", "coverage", "leave", "sick",
    "personal", "bereavement", "parental", "calendar", "days", "evaluation", "observation", "rubric", "feedback",
    "mentor", "probation", "seniority", "transfer", "posting", "vacancy", "grievance", "arbitration", "committee",
    "joint", "budget", "reserve", "revenue", "levy", "enrollment", "forecast", "retention", "recruitment",
    "substitute", "coverage", "duty", "lunch", "recess", "bus", "supervision", "hallway", "safety", "training",
    "hours", "overtime", "stipend", "extracurricular", "coaching", "advisor", "department", "chair", "professional",
    "development", "credit", "tuition", "reimbursement", "licensure", "special", "education", "caseload",
    "paperwork", "meetings", "parents", "conference", "technology", "devices", "email", "after", "hours",
    "communication", "notice", "days", "transparency", "data", "survey", "morale", "trust", "respect", "voice",
    "decisions", "pilot", "program", "review", "sunset", "clause", "language", "article", "section", "retirement",
    "incentive", "early", "notification", "health", "wellness", "clinic", "mental", "counselors", "nurses", "ratio",
    "buildings", "maintenance", "heat", "air", "quality", "classroom", "supplies", "copies", "budget", "line",
    "carryover", "fund"
]
# fmt: on

ODD_WORDS = [
    "café",
    "naïve",
    "résumé",
    "façade",
    "coöperation",
    "Zürich",
    "São Paulo",
    "jalapeño",
    "Łódź",
    "señora",
    "Ångström",
    "über",
    "“quoted”",
    "‘single’",
    "—",
    "…",
    "½-time",
    "€40",
    "£12",
    "±2",
    "日本語",
    "学校",
    "😀",
    "→",
    "≥",
    "naïveté",
]
HOSTILE = ["[/foo]", "[b]bold[/b]", "a [link]", 'say "yes"', "C:\\shared\\contract", "tab\there", "50% #1", "'quoted'"]

FIRST = [
    "Ana",
    "Ben",
    "Chloé",
    "Dev",
    "Erin",
    "Farah",
    "Grace",
    "Hiro",
    "Imani",
    "José",
    "Kai",
    "Léa",
    "Marcus",
    "Nia",
    "Owen",
    "Priya",
    "Quinn",
    "Raúl",
    "Siobhán",
    "Tomás",
    "Uma",
    "Vik",
    "Wen",
    "Zoë",
]
LAST = [
    "Álvarez",
    "Brooks",
    "Chen",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Hughes",
    "Ibáñez",
    "Jones",
    "Kowalski",
    "Lindqvist",
    "Müller",
    "Núñez",
    "O'Neill",
    "Patel",
    "Quiñones",
    "Reyes",
    "Sørensen",
    "Tanaka",
]

INTEREST_LEADS = [
    "Teachers need",
    "Staff want",
    "The district needs",
    "Students benefit from",
    "Both sides want",
    "Members need",
    "The board wants",
    "Principals need",
    "Parents expect",
    "We all want",
]
OPTION_LEADS = ["Pilot", "Create", "Cap", "Fund", "Add", "Phase in", "Guarantee", "Review", "Share", "Limit", "Offer"]
CRITERION_LEADS = [
    "Affordable within",
    "Meets the interests of",
    "Legal under",
    "Workable for",
    "Sustainable over",
    "Easy to explain to",
    "Fair to",
    "Measurable by",
]
SHARED_CRITERIA_TEXT = [
    "Affordable within the adopted budget",
    "Legal under state law and board policy",
    "Good for students",
    "Acceptable to both constituencies",
    "Can be administered without new staff",
]


class _Text:
    """Seeded text of realistic lengths."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def words(self, lo: int, hi: int) -> str:
        rng = self.rng
        n = rng.randint(lo, hi)
        out = [rng.choice(WORDS) for _ in range(n)]
        roll = rng.random()
        if roll < 0.08:
            out.insert(rng.randrange(len(out) + 1), rng.choice(ODD_WORDS))
        elif roll < 0.10:
            out.insert(rng.randrange(len(out) + 1), rng.choice(HOSTILE))
        return " ".join(out)

    def sentence(self, lead: str, lo: int, hi: int, end: str = ".") -> str:
        return f"{lead} {self.words(lo, hi)}{end}"

    def paragraph(self, sentences: int, lo: int = 8, hi: int = 18) -> str:
        return " ".join(self.sentence(self.words(1, 1).capitalize(), lo, hi) for _ in range(sentences))

    def multiline(self, lines: int) -> str:
        return "\n".join(self.paragraph(self.rng.randint(1, 2)) for _ in range(lines))


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` split into ``parts`` uneven non-negative shares that add up exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % parts] += 1
    return shares


def _response_value(rng: random.Random, method: Method, agree: bool) -> int | str:
    if method is Method.FIST_TO_FIVE:
        return rng.choice([3, 4, 4, 5, 5]) if agree else rng.choice([0, 1, 2])
    if method is Method.THUMBS:
        return rng.choice(["up", "up", "sideways"]) if agree else "down"
    if method is Method.GRADIENTS:
        return rng.choice([1, 2, 2, 3, 4, 6]) if agree else rng.choice([5, 7, 8])
    return "concur" if agree else "do_not_concur"


def generated_session(items: int, seed: int = 0) -> Session:
    """A valid session of about ``items`` items (``Session.item_count()``), the same for a seed."""
    if items < 30:
        raise ValueError("generated_session needs at least 30 items")
    rng = random.Random(seed)
    text = _Text(rng)
    counters: dict[str, int] = {}

    def new_id(prefix: str) -> str:
        counters[prefix] = counters.get(prefix, 0) + 1
        return f"{prefix}-{counters[prefix]}"

    # --- people -------------------------------------------------------------------------------
    names = iter(rng.sample([f"{f} {last}" for f in FIRST for last in LAST], 24))
    roles = [
        Role.SPOKESPERSON,
        Role.NOTE_TAKER,
        Role.DECISION_MAKER,
        Role.MEMBER,
        Role.MEMBER,
        Role.MEMBER,
        Role.MEMBER,
    ]
    labor = Party(
        id="labor",
        name="Lakeview Education Association",
        short="LEA",
        side=Side.LABOR,
        members=[
            Member(name=next(names), role=r, title=t)
            for r, t in zip(
                roles, ["Union president", "", "Bargaining chair", "Grade 3 teacher", "Counselor", "", "Bus driver"]
            )
        ],
    )
    management = Party(
        id="management",
        name="Lakeview Unified School District",
        short="LUSD",
        side=Side.MANAGEMENT,
        members=[
            Member(name=next(names), role=r, title=t)
            for r, t in zip(
                roles,
                ["Assistant superintendent", "", "Director of Finance", "Principal", "HR director", "", "Board member"],
            )
        ],
    )
    parties = [labor, management]
    members = [(m.name, p.id) for p in parties for m in p.members]
    facilitators = [next(names) + " (FMCS)", next(names)]
    observers = [next(names), next(names)]
    # The tally needs only the people and the decision rule: a stand-in session keeps it cheap.
    room = Session(
        title="room",
        parties=parties,
        facilitators=facilitators,
        recorder=facilitators[1],
        timekeeper=observers[0],
        observers=observers,
    )

    # --- time ---------------------------------------------------------------------------------
    n_days = max(3, min(60, items // 300))
    first_day = date(2026, 3, 2)
    days = [first_day + timedelta(days=7 * (d // 2) + 2 * (d % 2)) for d in range(n_days)]

    def moment(fraction: float) -> datetime:
        """A timestamp ``fraction`` of the way through the meeting days (9:00-16:00)."""
        fraction = min(max(fraction, 0.0), 0.999999)
        d = days[int(fraction * n_days)]
        minute = int((fraction * n_days % 1) * 7 * 60)
        return datetime(d.year, d.month, d.day, 9, 0, tzinfo=TZ) + timedelta(minutes=minute, seconds=rng.randrange(60))

    # --- budget -------------------------------------------------------------------------------
    n_issues = 25 if items <= 10_000 else round(25 * math.sqrt(items / 10_000))
    n_issues = min(n_issues, max(3, items // 12))
    n_tas = max(2, min(n_issues // 2, round(n_issues * 0.4)))
    n_parking = max(2, round(items * 0.02))
    n_actions = max(2, round(items * 0.03))
    per_issue = _split(items - n_issues - n_tas - n_parking - n_actions, n_issues, rng)

    shared = [Criterion(id=new_id("criterion"), text=t) for t in SHARED_CRITERIA_TEXT[:SHARED_CRITERIA]]
    events: list[tuple[float, str, str, str, dict]] = []  # (when, action, target, summary, data)

    def log(when: float, action: str, target: str, summary: str, **data: object) -> None:
        events.append((when, action, target, summary, {k: v for k, v in data.items() if v not in (None, "")}))

    for c in shared:
        log(0.0, "criterion.add", c.id, f"Criterion: {c.text}", text=c.text)

    issues: list[Issue] = []
    for n, budget in enumerate(per_issue):
        start = n / n_issues * 0.6  # issues are opened over the first 60 % of the days
        span = 0.4
        issue_id = new_id("issue")
        n_checks = max(1, round(budget * 0.05))
        n_criteria = rng.randint(2, 6)  # teams lean on the shared criteria
        rest = max(2, budget - n_checks - n_criteria)
        n_interests = max(1, round(rest * 0.45))
        n_options = max(1, rest - n_interests)

        statement = text.sentence("How can we", 8, 16, "?")
        raised_by = rng.choice(["joint", "joint", "labor", "management"])
        log(start, "issue.add", issue_id, f"Issue added: {statement}", statement=statement, raised_by=raised_by)

        interests = []
        for k in range(n_interests):
            holder = rng.choice(["labor", "labor", "management", "management", MUTUAL])
            kind = rng.choice(
                [
                    None,
                    InterestKind.SUBSTANTIVE,
                    InterestKind.SUBSTANTIVE,
                    InterestKind.PROCEDURAL,
                    InterestKind.RELATIONSHIP,
                ]
            )
            it = Interest(
                id=new_id("interest"), text=text.sentence(rng.choice(INTEREST_LEADS), 6, 16), holder=holder, kind=kind
            )
            interests.append(it)
            tag = {"labor": "LEA", "management": "LUSD", MUTUAL: "B"}[holder]
            log(
                start + span * 0.2 * k / n_interests,
                "interest.add",
                it.id,
                f"Interest ({tag}): {it.text}",
                issue=issue_id,
                text=it.text,
                holder=holder,
                kind=kind.value if kind else None,
            )

        # Options: plain ones first, then combinations of pairs of them (the sources marked combined).
        n_combined = n_options // 12 if n_options >= 6 else 0
        options: list[Option] = []
        for k in range(n_options - n_combined):
            body = text.sentence(rng.choice(OPTION_LEADS), 5, 18)
            if rng.random() < 0.05:
                body += "\n" + text.paragraph(1)
            serves = rng.sample([i.id for i in interests], min(len(interests), rng.randint(1, 3)))
            opt = Option(id=new_id("option"), text=body, serves=serves)
            options.append(opt)
            log(
                start + span * (0.2 + 0.3 * k / n_options),
                "option.add",
                opt.id,
                f"Option: {body}",
                issue=issue_id,
                text=body,
            )
        pool = list(options)
        rng.shuffle(pool)
        for k in range(n_combined):
            a, b = pool[2 * k], pool[2 * k + 1]
            body = f"Combine: {a.text.splitlines()[0]} and {text.words(3, 6)}"
            combined = Option(id=new_id("option"), text=body, serves=list(dict.fromkeys([*a.serves, *b.serves])))
            a.state = b.state = OptionState.COMBINED
            a.combined_into = b.combined_into = combined.id
            options.append(combined)
            log(
                start + span * 0.5,
                "option.combine",
                combined.id,
                f"Combined into: {body}",
                issue=issue_id,
                text=body,
                sources=[a.id, b.id],
            )
        for opt in pool[2 * n_combined :]:
            if rng.random() < 0.13:
                opt.state = OptionState.SET_ASIDE

        criteria = []
        for _ in range(n_criteria):
            crit = Criterion(id=new_id("criterion"), text=text.sentence(rng.choice(CRITERION_LEADS), 2, 7, ""))
            criteria.append(crit)
            log(
                start + span * 0.55, "criterion.add", crit.id, f"Criterion: {crit.text}", issue=issue_id, text=crit.text
            )

        for o in options:  # the full grid: every option scored on every criterion that applies
            o.scores = {c.id: rng.randint(0, 5) for c in (*shared, *criteria)}

        checks = []
        active = [o.id for o in options if o.state is OptionState.ACTIVE] or [options[-1].id]
        for k in range(n_checks):
            method = rng.choice(list(Method))
            agree = k == n_checks - 1 or rng.random() < 0.4
            if method is Method.PER_PARTY:
                responses = [
                    Response(who=p.id, value=_response_value(rng, method, agree or i == 0))
                    for i, p in enumerate(parties)
                ]
            else:
                responses = [
                    Response(who=name, party=pid, value=_response_value(rng, method, True)) for name, pid in members
                ]
                if not agree:  # one or two people below the line
                    for r in rng.sample(range(len(responses)), rng.randint(1, 2)):
                        responses[r] = Response(
                            who=responses[r].who, party=responses[r].party, value=_response_value(rng, method, False)
                        )
            check = ConsensusCheck(
                id=new_id("check"),
                method=method,
                at=moment(start + span * (0.6 + 0.4 * k / n_checks)),
                proposal=text.sentence("Adopt", 6, 14),
                options=rng.sample(active, min(len(active), rng.randint(1, 3))),
                responses=responses,
                outcome="consensus",
                note=text.sentence("Next step:", 4, 10) if rng.random() < 0.5 else "",
            )
            check.outcome = process.tally(room, method, responses).outcome
            checks.append(check)
            log(
                start + span * (0.6 + 0.4 * k / n_checks),
                "check.record",
                check.id,
                f"{process.METHOD_LABELS[method]}: {check.outcome.value}",
                issue=issue_id,
                method=method.value,
                outcome=check.outcome.value,
            )

        status = rng.choice(
            [IssueStatus.OPEN] * 5 + [IssueStatus.PARKED, IssueStatus.NO_CONSENSUS, IssueStatus.WITHDRAWN]
        )
        issue = Issue(
            id=issue_id,
            statement=statement,
            raised_by=raised_by,
            article=f"Article {rng.randint(1, 30)}.{rng.randint(1, 9)}" if rng.random() < 0.7 else "",
            data_needed=text.sentence("Data:", 4, 10) if rng.random() < 0.4 else "",
            status=status,
            stage=rng.choice([Stage.OPTIONS, Stage.CRITERIA, Stage.CONSENSUS]),
            notes=text.multiline(rng.randint(2, 4)) if rng.random() < 0.3 else "",
            interests=interests,
            options=options,
            criteria=criteria,
            checks=checks,
        )
        issues.append(issue)

    # --- tentative agreements -----------------------------------------------------------------
    agreements = []
    agreeable = [i for i in issues if i.status in (IssueStatus.OPEN, IssueStatus.NO_CONSENSUS)]
    for issue in rng.sample(agreeable, min(n_tas, len(agreeable))):
        check = next(c for c in reversed(issue.checks) if c.outcome.value == "consensus")
        both = rng.random() < 0.75
        ta = TentativeAgreement(
            id=new_id("ta"),
            issue=issue.id,
            check=check.id,
            text=f"{issue.article or 'New article'}. {text.paragraph(2)}\n\n" + text.multiline(rng.randint(2, 5)),
            article=issue.article,
            title=text.words(2, 5).title(),
            date=check.at.date(),
            options=list(check.options),
            initials=[
                Initial(party=p.id, initials="".join(w[0] for w in p.members[0].name.split()), name=p.members[0].name)
                for p in (parties if both else parties[:1])
            ],
        )
        agreements.append(ta)
        issue.stage = Stage.CONSENSUS
        if both:
            issue.status = IssueStatus.AGREED
        log(
            0.95,
            "ta.add",
            ta.id,
            f"Tentative agreement on {issue.statement}",
            issue=issue.id,
            text=ta.text,
            article=ta.article,
        )

    # --- around the cycle ---------------------------------------------------------------------
    people = [name for name, _ in members]
    parking = []
    for k in range(n_parking):
        when = k / n_parking
        item = ParkingItem(
            id=new_id("park"),
            text=text.sentence("Come back to", 5, 14) + (("\n" + text.paragraph(1)) if rng.random() < 0.1 else ""),
            owner=rng.choice([*people, ""]),
            issue=rng.choice(issues).id if rng.random() < 0.6 else None,
            resolved=rng.random() < 0.4,
            created=moment(when),
        )
        parking.append(item)
        log(
            when,
            "parking.add",
            item.id,
            f"Parking lot: {item.text}",
            text=item.text,
            owner=item.owner,
            issue=item.issue,
        )

    actions = []
    for k in range(n_actions):
        when = k / n_actions
        info = rng.random() < 0.35
        action_item = ActionItem(
            id=new_id("action"),
            kind=ActionKind.INFO_REQUEST if info else ActionKind.ACTION,
            text=text.sentence("Bring" if info else "Draft", 5, 14),
            owner=rng.choice([*people, "labor", "management"]),
            requested_of=rng.choice(["management", "labor"]) if info else "",
            due=days[min(n_days - 1, int(when * n_days) + 1)] if rng.random() < 0.7 else None,
            done=rng.random() < 0.5,
            issue=rng.choice(issues).id if rng.random() < 0.7 else None,
        )
        actions.append(action_item)
        log(
            when,
            "action.add",
            action_item.id,
            f"{'Information request' if info else 'Action'}: {action_item.text}",
            text=action_item.text,
            kind=action_item.kind.value,
            owner=action_item.owner,
            due=action_item.due.isoformat() if action_item.due else None,
        )

    caucuses = []
    n_caucus = max(3, items // 400)
    for k in range(n_caucus):
        when = (k + 0.5) / n_caucus
        began = moment(when)
        party = rng.choice(parties)
        end = None if k == n_caucus - 1 else began + timedelta(minutes=rng.randint(5, 45))
        caucus = Caucus(
            id=new_id("caucus"),
            party=party.id,
            called_by=party.members[0].name,
            reason=text.sentence("To discuss", 3, 8) if rng.random() < 0.6 else "",
            start=began,
            end=end,
        )
        caucuses.append(caucus)
        log(
            when,
            "caucus.start",
            caucus.id,
            f"Caucus called by {party.name}",
            party=party.id,
            called_by=caucus.called_by,
        )

    events.sort(key=lambda e: e[0])
    log_entries = [
        Event(at=moment(when), action=action, target=target, summary=summary, data=data)
        for when, action, target, summary, data in events
    ]
    log_entries.sort(key=lambda e: e.at)

    return Session(
        id=f"bench{seed:07d}",
        title=f"Lakeview 2026 successor agreement ({items:,} items)",
        organization="Lakeview Unified School District",
        bargaining_unit="Certificated staff",
        location="District office, board room B — 2nd floor",
        agenda="fmcs-standard",
        created=datetime(first_day.year, first_day.month, first_day.day, 8, 45, tzinfo=TZ),
        meeting_days=days,
        facilitators=facilitators,
        recorder=facilitators[1],
        timekeeper=observers[0],
        observers=observers,
        parties=parties,
        ground_rules=[
            "Listen to understand; one voice at a time.",
            "Focus on interests, not positions.",
            "No surprises: share data before the session.",
            "What is said in caucus stays in caucus.\nWhat is agreed at the table is shared with constituents.",
        ],
        decision_rule=DecisionRule(fallback="Return to traditional bargaining on that issue"),
        stage_order=list(process.STAGE_ORDERS[0]),
        time_boxes={Stage.ISSUES: 30, Stage.INTERESTS: 45, Stage.OPTIONS: 60, Stage.CRITERIA: 30, Stage.CONSENSUS: 30},
        criteria_starters=list(SHARED_CRITERIA_TEXT),
        shared_criteria=shared,
        cursor={"issue": issues[len(issues) // 2].id, "stage": Stage.OPTIONS},
        issues=issues,
        agreements=agreements,
        parking_lot=parking,
        caucuses=caucuses,
        actions=actions,
        events=log_entries,
    )
