"""The bundled example: session 3 of a fictional successor-contract negotiation.

Maple Valley Public Schools and the Maple Valley Education Association (both invented) meet for
two days. Four issues: class size reaches consensus on the second fist-to-five and becomes a
signed TA; compensation is open at the options stage; evaluation is parked waiting for state
regulations; collaborative planning time has its interests listed.

Everything after the people and the ground rules goes through ``ibb_facilitator.editing``,
exactly as the app records it, so the event log is the one a real session would leave. The
clock is simulated (``editing.now`` is replaced while building): timestamps then follow a
realistic two-day schedule, caucuses have real lengths, and rebuilding gives the same file.
``examples/build_example.py`` writes it to ``examples/spring-contract.toml``.

Over 500 lines because it is one scripted meeting, read top to bottom like minutes: splitting
the two days apart would only scatter the story.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from .. import editing
from ..model import (
    MUTUAL,
    ActionKind,
    DecisionRule,
    InterestKind,
    IssueStatus,
    Member,
    Method,
    Party,
    Response,
    Role,
    Session,
    Side,
    Stage,
)
from .clock import SimulatedClock, simulated

EST = timezone(timedelta(hours=-5))  # Eastern Standard Time: US daylight time starts 14 March 2027
DAY1, DAY2 = date(2027, 3, 9), date(2027, 3, 10)


def _people() -> Session:
    union = Party(
        id="labor",
        name="Maple Valley Education Association",
        short="U",
        side=Side.LABOR,
        members=[
            Member(name="Jordan Reyes", role=Role.SPOKESPERSON, title="MVEA president, grade 5 teacher"),
            Member(name="Aisha Karimi", title="Bargaining chair, high school chemistry"),
            Member(name="Tom Becker", role=Role.NOTE_TAKER, title="Middle school librarian"),
            Member(name="Grace Liu", title="School nurse, Birch Street Elementary"),
            Member(name="Rafael Soto", title="Special education teacher, Maple Valley High"),
        ],
    )
    district = Party(
        id="management",
        name="Maple Valley Public Schools",
        short="M",
        side=Side.MANAGEMENT,
        members=[
            Member(name="Kevin O'Brien", role=Role.SPOKESPERSON, title="Assistant Superintendent for Human Resources"),
            Member(name="Dr. Ellen Marsh", role=Role.DECISION_MAKER, title="Superintendent"),
            Member(name="Linda Castellano", title="School Committee chair"),
            Member(name="Mark Feld", title="Director of Finance"),
            Member(name="Nora Quinn", role=Role.NOTE_TAKER, title="Principal, Birch Street Elementary"),
        ],
    )
    return Session(
        id="mvps-2027-s03",
        title="Spring 2027 successor contract, session 3",
        organization="Maple Valley Public Schools",
        bargaining_unit="Unit A: teachers, school nurses, counselors and librarians (412 members)",
        location="Maple Valley High School library, 41 Orchard Road, Maple Valley",
        created=datetime(2027, 3, 2, 16, 45, tzinfo=EST),
        meeting_days=[DAY1, DAY2],
        facilitators=["Dana Whitfield"],
        recorder="Priya Natarajan",
        timekeeper="Sam Okafor",
        observers=["Helen Brandt", "Marcus Lee"],
        parties=[union, district],
        ground_rules=[
            (
                "Either team may call a caucus at any time. A caucus lasts at most 30 minutes unless both teams agree "
                "to extend it."
            ),
            (
                "The official record is these joint minutes, produced from the recorder's screen and reviewed at the "
                "start of the next session."
            ),
            (
                "Each team reports progress to its own constituents. No statements to the press except joint ones "
                "agreed at the table."
            ),
            "Observers watch and may speak in the last ten minutes of each day. They do not take part in consensus.",
            "No new issues after session 4.",
            "Tentative agreements are written at the table and initialed by both spokespersons the same day.",
            "Nothing is agreed until everything is agreed.",
        ],
        decision_rule=DecisionRule(
            description=(
                "Consensus: every member of both teams can live with and support the decision, even if it is not their "
                "first choice."
            ),
            method=Method.FIST_TO_FIVE,
            fist_minimum=3,
            fallback=(
                "The issue goes back to both teams for one week. If there is still no consensus at "
                "session 5, that issue moves to traditional bargaining with the state mediator."
            ),
        ),
        time_boxes={Stage.INTERESTS: 30, Stage.OPTIONS: 40, Stage.CRITERIA: 20, Stage.CONSENSUS: 20},
        criteria_starters=[
            "Workable",
            "Affordable",
            "Legal",
            "Fair",
            "Acceptable to constituents",
            "Meets the listed interests",
        ],
    )


def example_session() -> Session:
    """Session 3 of the Maple Valley negotiation, exactly as ``examples/spring-contract.toml`` holds it."""
    session = _people()
    clock = SimulatedClock(datetime(2027, 3, 9, 9, 0, tzinfo=EST))
    with simulated(clock):
        _day_one(session, clock)
        _day_two(session, clock)
    return session


#: The file name session 3 is saved as; session 4 names it as its previous session.
EXAMPLE_FILE = "spring-contract.toml"
DAY3 = date(2027, 3, 16)


def next_session(previous: Session | None = None) -> Session:
    """Session 4, as ``examples/spring-contract-next.toml`` holds it: session 3 carried over (its
    open issues, parking lot, actions and requests; the agreed issue linked to its TA), then the
    first minutes of the day: session 3's minutes accepted, and a new interest on a carried issue."""
    from ..negotiation.carryover import carry

    session = carry(previous or example_session(), EXAMPLE_FILE, at=datetime(2027, 3, 16, 8, 45, tzinfo=EST))
    session.id = "5e832fe7da3a"  # a new file's id is random; the bundled one is rebuilt byte for byte
    clock = SimulatedClock(datetime(2027, 3, 16, 9, 0, tzinfo=EST))
    with simulated(clock):
        clock.at(DAY3, "09:05")
        editing.record_minutes(session, "accepted")
        clock.at(DAY3, "09:20")
        open_issue = next(i for i in session.issues if i.status is IssueStatus.OPEN)
        editing.add_interest(
            session, open_issue.id, "Know the cost of each option before anyone is asked to agree", MUTUAL
        )
    return session


def _everyone(session: Session, values: dict[str, int]) -> list[Response]:
    return [
        Response(who=name, party=party.id, value=values[name])
        for party in session.parties
        for name in (m.name for m in party.members)
    ]


def _day_one(session: Session, clock: SimulatedClock) -> None:
    ed = editing
    clock.at(DAY1, "09:10")
    shared = [
        ed.add_criterion(session, None, "Affordable within the FY2028 budget projection"),
        ed.add_criterion(session, None, "Legal under state law and consistent with the rest of the contract"),
        ed.add_criterion(session, None, "Members and the School Committee can accept it"),
    ]

    # --- issue 1: class size ----------------------------------------------------------------
    clock.at(DAY1, "09:20")
    size = ed.add_issue(
        session,
        "How can we keep class sizes manageable for teaching and learning as enrollment shifts between schools?",
        raised_by="labor",
        article="Article 14, Class Size",
        data_needed="October 1, 2026 class-size report by school and grade; enrollment projections 2027–2030",
    )
    comp = ed.add_issue(
        session,
        "How can we attract and keep qualified teachers within the budget?",
        article="Article 22, Compensation",
        data_needed=(
            "Salary schedules of the five comparison districts; FY2028 budget projection; turnover by years of "
            "service, 2022–2026"
        ),
    )
    evaluation = ed.add_issue(
        session,
        "How can we make teacher evaluation more useful to teachers and less time-consuming for everyone?",
        raised_by="management",
        article="Article 9, Evaluation",
        data_needed="State evaluation regulations (revision expected May 2027)",
    )
    ed.add_issue(  # planning time: its interests come on day 2
        session,
        "How can we give teachers enough uninterrupted time to plan together during the school day?",
        raised_by="labor",
        article="Article 16, Working Day",
    )

    ed.set_stage(session, size.id, Stage.INTERESTS)
    clock.at(DAY1, "09:35")
    i_attention = ed.add_interest(
        session, size.id, "Teachers can give every student individual attention", "labor", InterestKind.SUBSTANTIVE
    )
    i_workload = ed.add_interest(
        session, size.id, "A workload that is predictable and fair across buildings", "labor", InterestKind.SUBSTANTIVE
    )
    i_voice = ed.add_interest(
        session, size.id, "A say when a class goes well over the guideline", "labor", InterestKind.PROCEDURAL
    )
    i_flex = ed.add_interest(
        session,
        size.id,
        "Flexibility to place new students mid-year without hiring",
        "management",
        InterestKind.SUBSTANTIVE,
    )
    i_budget = ed.add_interest(
        session, size.id, "Stay within the FY2028 budget", "management", InterestKind.SUBSTANTIVE
    )
    i_moves = ed.add_interest(session, size.id, "Avoid moving students between schools during the year", "management")
    i_learning = ed.add_interest(session, size.id, "Student learning comes first", MUTUAL, InterestKind.SUBSTANTIVE)
    i_trust = ed.add_interest(
        session, size.id, "Parents trust how class sizes are decided", MUTUAL, InterestKind.RELATIONSHIP
    )
    i_quick = ed.add_interest(
        session, size.id, "A quick, fair way to deal with overages when they happen", MUTUAL, InterestKind.PROCEDURAL
    )

    ed.set_stage(session, size.id, Stage.OPTIONS)
    clock.at(DAY1, "10:10")
    ed.set_brainstorm(session, size.id, True)
    o_cap = ed.add_option(session, size.id, "Hard cap of 24 students in K–3 and 28 in grades 4–12")
    o_stipend = ed.add_option(session, size.id, "Guideline sizes, with a stipend for each student over the guideline")
    o_para = ed.add_option(session, size.id, "A paraprofessional in any K–3 class over 24")
    o_committee = ed.add_option(
        session, size.id, "Joint class-size committee reviews every overage in October and February"
    )
    o_hire = ed.add_option(session, size.id, "Hire 12 more teachers to bring every class under the guideline")
    o_grade5 = ed.add_option(session, size.id, "Move grade 5 to the middle school to free elementary classrooms")
    ed.set_brainstorm(session, size.id, False)

    clock.at(DAY1, "10:50")
    o_package = ed.combine_options(
        session,
        size.id,
        [o_stipend.id, o_para.id, o_committee.id],
        "Guideline sizes (22 in K–3, 26 in grades 4–12); when a class is 3 or more over, the teacher "
        "chooses a paraprofessional or a per-student stipend; a joint committee reviews overages in October and "
        "February",
    )
    for option, interests in (
        (o_cap, [i_attention, i_workload, i_learning, i_trust]),
        (o_package, [i_attention, i_voice, i_flex, i_learning, i_quick]),
        (o_hire, [i_attention, i_workload, i_learning]),
        (o_grade5, [i_moves]),
    ):
        for interest in interests:
            ed.toggle_serves(session, size.id, option.id, interest.id)
    ed.toggle_serves(session, size.id, o_package.id, i_budget.id)
    ed.toggle_serves(session, size.id, o_package.id, i_workload.id)

    ed.set_stage(session, size.id, Stage.CRITERIA)
    clock.at(DAY1, "11:15")
    c_sept = ed.add_criterion(session, size.id, "Can take effect in September 2027")
    c_simple = ed.add_criterion(session, size.id, "Simple for principals to administer")
    grid = {
        o_cap.id: (1, 5, 2, 4, 4),
        o_package.id: (4, 5, 4, 5, 3),
        o_hire.id: (0, 5, 3, 2, 4),
        o_grade5.id: (2, 4, 1, 0, 2),
    }
    criteria = [*shared, c_sept, c_simple]
    for option_id, scores in grid.items():
        for criterion, score in zip(criteria, scores):
            ed.rate(session, size.id, option_id, criterion.id, score)
    clock.wait(10)
    ed.set_aside_option(session, size.id, o_hire.id)
    ed.set_aside_option(session, size.id, o_grade5.id)
    ed.add_parking(
        session,
        (
            "Moving grade 5 to the middle school is a facilities question: take it to the building committee, not the "
            "bargaining table"
        ),
        owner="Linda Castellano",
        issue_id=size.id,
    )
    ed.add_action(
        session,
        "Cost of a paraprofessional per classroom for FY2028, salary and benefits",
        kind=ActionKind.INFO_REQUEST,
        owner="Aisha Karimi",
        requested_of="management",
        due=DAY2,
        issue_id=size.id,
    )

    # --- issue 2: compensation --------------------------------------------------------------
    clock.at(DAY1, "13:00")
    ed.set_stage(session, comp.id, Stage.INTERESTS)
    ed.add_interest(
        session,
        comp.id,
        "Pay that keeps up with neighboring districts, so teachers stay",
        "labor",
        InterestKind.SUBSTANTIVE,
    )
    ed.add_interest(
        session,
        comp.id,
        "Recognize experience at the top of the schedule, where we lose people",
        "labor",
        InterestKind.SUBSTANTIVE,
    )
    ed.add_interest(session, comp.id, "Health insurance costs that do not eat the raise", "labor")
    ed.add_interest(
        session,
        comp.id,
        "A settlement the town can fund without cutting programs",
        "management",
        InterestKind.SUBSTANTIVE,
    )
    ed.add_interest(
        session,
        comp.id,
        "Fill hard-to-staff positions: special education, science, world languages",
        "management",
        InterestKind.SUBSTANTIVE,
    )
    ed.add_interest(session, comp.id, "Predictable costs over the three years of the contract", "management")
    ed.add_interest(
        session, comp.id, "Qualified, experienced teachers in every classroom", MUTUAL, InterestKind.SUBSTANTIVE
    )
    ed.add_interest(
        session,
        comp.id,
        "Use the same numbers: one jointly prepared salary comparison",
        MUTUAL,
        InterestKind.PROCEDURAL,
    )

    clock.at(DAY1, "13:40")
    caucus = ed.start_caucus(
        session, "labor", called_by="Jordan Reyes", reason="Review the comparison-district salary data before options"
    )
    clock.wait(18)
    ed.end_caucus(session)
    assert caucus.end is not None

    ed.set_stage(session, comp.id, Stage.OPTIONS)
    clock.at(DAY1, "14:05")
    ed.set_brainstorm(session, comp.id, True)
    for text in (
        "Across-the-board raise each year, tied to the regional cost-of-living index",
        "Add a step at the top of the schedule after year 15",
        "Signing bonus for hard-to-staff positions",
        "Tuition reimbursement in exchange for a three-year commitment",
        "Smaller raise plus a lower employee share of health premiums",
        "Retention stipend after years 5 and 10",
        "Joint health-insurance committee to find plan savings and share them",
    ):
        ed.add_option(session, comp.id, text)
    ed.set_brainstorm(session, comp.id, False)
    ed.add_action(
        session,
        "Turnover by school and years of service, 2022–2026",
        kind=ActionKind.INFO_REQUEST,
        owner="Aisha Karimi",
        requested_of="management",
        due=date(2027, 3, 19),
        issue_id=comp.id,
    )
    ed.add_action(
        session,
        "Salary schedules and step structure of the five comparison districts, in one shared spreadsheet",
        kind=ActionKind.INFO_REQUEST,
        owner="Mark Feld",
        requested_of="labor",
        due=date(2027, 3, 19),
        issue_id=comp.id,
    )

    # --- issue 3: evaluation (parked) -------------------------------------------------------
    clock.at(DAY1, "15:10")
    ed.set_stage(session, evaluation.id, Stage.INTERESTS)
    ed.add_interest(
        session, evaluation.id, "Feedback that actually helps teachers improve", "labor", InterestKind.SUBSTANTIVE
    )
    ed.add_interest(
        session, evaluation.id, "Fewer hours of paperwork per evaluation", "management", InterestKind.PROCEDURAL
    )
    ed.add_interest(session, evaluation.id, "An evaluation system that meets the new state regulations", MUTUAL)
    ed.set_status(session, evaluation.id, IssueStatus.PARKED)
    ed.add_parking(
        session,
        "Evaluation: come back to it once the state publishes the revised regulations (expected May 2027)",
        owner="Kevin O'Brien",
        issue_id=evaluation.id,
    )
    clock.at(DAY1, "15:40")
    ed.add_parking(session, "Parking at the high school for evening bargaining sessions", owner="Tom Becker")
    ed.add_action(session, "Circulate draft minutes of day 1 to both teams", owner="Priya Natarajan", due=DAY2)


def _day_two(session: Session, clock: SimulatedClock) -> None:
    ed = editing
    size, comp, _evaluation, planning = session.issues
    package = next(o for o in size.options if o.state.value == "active" and o.text.startswith("Guideline sizes (22"))

    clock.at(DAY2, "08:45")
    parking = next(p for p in session.parking_lot if p.text.startswith("Parking at the high school"))
    ed.edit_parking(session, parking.id, resolved=True)
    info = next(a for a in session.actions if a.text.startswith("Cost of a paraprofessional"))
    ed.edit_action(session, info.id, done=True)
    minutes_action = next(a for a in session.actions if a.text.startswith("Circulate draft minutes of day 1"))
    ed.edit_action(session, minutes_action.id, done=True)

    # --- class size: consensus, second try --------------------------------------------------
    clock.at(DAY2, "09:10")
    ed.set_stage(session, size.id, Stage.CONSENSUS)
    first = {
        "Jordan Reyes": 4,
        "Aisha Karimi": 2,
        "Tom Becker": 4,
        "Grace Liu": 3,
        "Rafael Soto": 4,
        "Kevin O'Brien": 4,
        "Dr. Ellen Marsh": 3,
        "Linda Castellano": 3,
        "Mark Feld": 2,
        "Nora Quinn": 5,
    }
    responses = [*_everyone(session, first), Response(who="Helen Brandt", value=5)]
    ed.record_check(
        session,
        size.id,
        Method.FIST_TO_FIVE,
        responses,
        proposal=(
            "Option O7 as written: guideline sizes, paraprofessional or stipend when 3 or more over, joint committee"
        ),
        options=[package.id],
        note=(
            "Mark Feld: the stipend has no ceiling, so the cost cannot be projected. "
            "Aisha Karimi: in K–3 the paraprofessional should be the first choice, not the stipend. "
            "The district caucuses to cost a capped stipend."
        ),
    )
    clock.wait(3)
    ed.start_caucus(
        session, "management", called_by="Kevin O'Brien", reason="Cost a capped stipend with the Director of Finance"
    )
    clock.wait(26)
    ed.end_caucus(session)

    clock.wait(5)
    second = dict(first, **{"Aisha Karimi": 4, "Mark Feld": 3, "Grace Liu": 4, "Dr. Ellen Marsh": 4})
    check, result = ed.record_check(
        session,
        size.id,
        Method.FIST_TO_FIVE,
        _everyone(session, second),
        proposal=(
            "O7 amended: in K–3 the district offers a paraprofessional first; the stipend is $150 per "
            "student over the guideline per quarter, capped at $75,000 district-wide per school year"
        ),
        options=[package.id],
        note="Everyone at 3 or above. Recorder drafts TA language at the table.",
    )
    assert result.consensus, result

    clock.wait(35)
    ta = ed.record_agreement(
        session,
        size.id,
        check.id,
        (
            "14.1 Guideline class sizes are 22 students in kindergarten through grade 3 and 26 students\n"
            "     in grades 4 through 12.\n"
            "\n"
            "14.2 When a class is three (3) or more students over its guideline on October 1 or\n"
            "     February 1, the teacher chooses one of:\n"
            "     (a) a paraprofessional assigned to the class for at least half of each school day; or\n"
            "     (b) a stipend of $150 per student over the guideline for each quarter the overage lasts.\n"
            "     In kindergarten through grade 3 the District offers the paraprofessional first.\n"
            "\n"
            "14.3 Stipends under 14.2(b) are capped at $75,000 district-wide per school year. If the cap\n"
            "     is reached, the joint committee in 14.4 meets within five (5) school days.\n"
            "\n"
            "14.4 A joint class-size committee of three members appointed by the Association and three\n"
            "     appointed by the Superintendent reviews every overage in October and February and\n"
            "     reports to both bargaining teams within ten (10) school days.\n"
        ),
        title="Class size guidelines, overages and the joint class-size committee",
        on=DAY2,
    )
    ed.initial(session, ta.id, "labor", "JR")
    ed.initial(session, ta.id, "management", "KO")
    ed.add_action(
        session,
        "Brief the School Committee on TA 1 (class size) in executive session",
        owner="Linda Castellano",
        due=date(2027, 3, 16),
        issue_id=size.id,
    )
    ed.add_action(
        session,
        "Report TA 1 to building representatives; hold member questions until the full settlement",
        owner="labor",
        due=date(2027, 3, 17),
        issue_id=size.id,
    )

    # --- planning time: interests ----------------------------------------------------------
    clock.at(DAY2, "11:00")
    ed.set_stage(session, planning.id, Stage.INTERESTS)
    ed.add_interest(
        session, planning.id, "Common planning time for grade-level and course teams", "labor", InterestKind.SUBSTANTIVE
    )
    ed.add_interest(
        session,
        planning.id,
        "Planning time that is not taken for coverage or meetings",
        "labor",
        InterestKind.PROCEDURAL,
    )
    ed.add_interest(
        session,
        planning.id,
        "Keep the student day and the bus schedule as they are",
        "management",
        InterestKind.SUBSTANTIVE,
    )
    ed.add_interest(session, planning.id, "Time for the new literacy curriculum rollout", "management")
    ed.add_interest(
        session,
        planning.id,
        "Teams that plan together teach the curriculum consistently",
        MUTUAL,
        InterestKind.SUBSTANTIVE,
    )

    # --- back to compensation: the brainstorm is being sorted -------------------------------
    clock.at(DAY2, "13:15")
    ed.edit_issue(
        session,
        comp.id,
        notes=(
            "Options stay open until the turnover data and the joint salary comparison arrive (both due 19 March). "
            "Resume at session 4."
        ),
    )
    ed.add_action(
        session,
        "Circulate draft minutes of session 3 to both teams for review at session 4",
        owner="Priya Natarajan",
        due=date(2027, 3, 12),
    )
    ed.set_cursor(session, comp.id, Stage.OPTIONS)
