"""The rules of interest-based bargaining, as pure functions.

- the stage order (issues, interests, options/criteria in the agenda's order, consensus);
- what each consensus method accepts as a response and counts as consensus;
- who counts (observers and facilitators never do);
- which issue status changes are allowed, and when a tentative agreement may be written;
- what may happen to options during a brainstorm;
- how long a caucus has left of the time the team took.

Nothing here changes a session: ``editing.py`` asks these functions before it does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .model import (
    Caucus,
    ConsensusCheck,
    Issue,
    IssueStatus,
    Method,
    Outcome,
    Response,
    Session,
    Stage,
)

# --- stages -----------------------------------------------------------------------------------

#: The two orders practitioners use: criteria after brainstorming (FMCS) or before it.
STAGE_ORDERS: tuple[tuple[Stage, ...], ...] = (
    (Stage.ISSUES, Stage.INTERESTS, Stage.OPTIONS, Stage.CRITERIA, Stage.CONSENSUS),
    (Stage.ISSUES, Stage.INTERESTS, Stage.CRITERIA, Stage.OPTIONS, Stage.CONSENSUS),
)


def stage_order_problem(order: list[Stage] | tuple[Stage, ...]) -> str | None:
    """Why ``order`` is not a valid stage order, or None."""
    if tuple(order) in STAGE_ORDERS:
        return None
    return "stage order must be issues, interests, then options and criteria in either order, then consensus"


def next_stage(session: Session, stage: Stage) -> Stage | None:
    order = session.stage_order
    i = order.index(stage)
    return order[i + 1] if i + 1 < len(order) else None


def previous_stage(session: Session, stage: Stage) -> Stage | None:
    order = session.stage_order
    i = order.index(stage)
    return order[i - 1] if i > 0 else None


# --- consensus --------------------------------------------------------------------------------

FIST_VALUES = range(0, 6)
THUMBS = ("up", "sideways", "down")
CONCURRENCE = ("concur", "do_not_concur")

#: Kaner's gradients of agreement, 1 (best) to 8 (block).
GRADIENTS: dict[int, str] = {
    1: "Whole-hearted endorsement",
    2: "Agreement with a minor point of contention",
    3: "Support with reservations",
    4: "Abstain",
    5: "More discussion needed",
    6: "Don't like it, but will support it",
    7: "Serious disagreement",
    8: "Veto / block",
}
GRADIENT_BLOCK = 8
GRADIENT_MORE_DISCUSSION = 5

METHOD_LABELS: dict[Method, str] = {
    Method.FIST_TO_FIVE: "Fist-to-five",
    Method.THUMBS: "Thumbs",
    Method.GRADIENTS: "Gradients of agreement",
    Method.PER_PARTY: "Per-party concurrence",
}


def allowed_values(method: Method) -> tuple[int | str, ...]:
    if method is Method.FIST_TO_FIVE:
        return tuple(FIST_VALUES)
    if method is Method.THUMBS:
        return THUMBS
    if method is Method.GRADIENTS:
        return tuple(GRADIENTS)
    return CONCURRENCE


def response_problem(method: Method, value: int | str) -> str | None:
    """Why ``value`` is not a valid answer for ``method``, or None."""
    allowed = allowed_values(method)
    if isinstance(value, bool) or value not in allowed:
        shown = ", ".join(str(v) for v in allowed)
        return f"{value!r} is not a {METHOD_LABELS[method].lower()} answer; expected one of {shown}"
    return None


def value_label(method: Method, value: int | str) -> str:
    if method is Method.GRADIENTS and isinstance(value, int):
        return f"{value} {GRADIENTS.get(value, '')}".strip()
    if method is Method.PER_PARTY:
        return "concurs" if value == "concur" else "does not concur"
    return str(value)


def non_voters(session: Session) -> set[str]:
    """Names that never count in consensus: observers, facilitators, recorder, timekeeper."""
    names = {*session.observers, *session.facilitators, session.recorder, session.timekeeper}
    return {n.strip().casefold() for n in names if n.strip()}


def voters(session: Session) -> list[tuple[str, str]]:
    """``(name, party_id)`` of every member who takes part in consensus, in party order."""
    excluded = non_voters(session)
    return [(m.name, p.id) for p in session.parties for m in p.members if m.name.strip().casefold() not in excluded]


@dataclass(frozen=True)
class Tally:
    """What a set of responses means under a method."""

    method: Method
    consensus: bool
    counted: int  # responses that count
    below: list[str] = field(default_factory=list)  # who is below the line (names or party ids)
    ignored: list[str] = field(default_factory=list)  # observers and facilitators who answered
    missing: list[str] = field(default_factory=list)  # voters (or parties) with no response yet, not absent
    counts: dict[int | str, int] = field(default_factory=dict)
    complete: bool = True  # every counted voter (or party) answered or is marked absent
    absent: list[str] = field(default_factory=list)  # voters (or parties) marked absent / not voting
    expected: int = 0  # how many voters (or parties) should answer: all who count, less the absent

    @property
    def answered(self) -> str:
        """``"3/4 answered"``: counted answers of those expected to answer."""
        return f"{self.counted}/{max(self.expected, self.counted)} answered"

    @property
    def outcome(self) -> Outcome:
        return Outcome.CONSENSUS if self.consensus else Outcome.NO_CONSENSUS


def _below_line(session: Session, method: Method, value: int | str) -> bool:
    rule = session.decision_rule
    if method is Method.FIST_TO_FIVE:
        return int(value) < rule.fist_minimum
    if method is Method.THUMBS:
        return value == "down"
    if method is Method.GRADIENTS:
        v = int(value)
        return v in (GRADIENT_BLOCK, GRADIENT_MORE_DISCUSSION) or v > rule.gradient_threshold
    return value != "concur"


def tally(session: Session, method: Method, responses: list[Response], absent: Iterable[str] = ()) -> Tally:
    """Count ``responses`` under ``method`` and the session's decision rule.

    ``absent`` names the voters (member names; party ids for per-party) explicitly marked
    "absent / not voting": they are not waited for. The check is ``complete`` when every voter
    who counts (``voters``; every party for per-party) has answered or is absent, and there is
    consensus only on a complete check with at least one counted response: one answer out of
    four is "not complete", never consensus. An absent voter who answered anyway counts.

    - fist-to-five: consensus when everyone who counts shows at least ``fist_minimum`` (3);
    - thumbs: no thumb down;
    - gradients: no block (8), nobody asking for more discussion (5), and nobody past the
      agenda's ``gradient_threshold`` (6, "don't like it but will support it", by default);
    - per-party: every party concurs.
    Observers, facilitators, the recorder and the timekeeper never count; nor does a per-party
    answer that names no party, nor an answer the method does not know. No counted response
    means no consensus. A later response by the same person replaces the earlier one.
    """
    excluded = non_voters(session)
    latest: dict[str, Response] = {}
    ignored: list[str] = []
    for response in responses:
        key = response.who.strip().casefold()
        if method is Method.PER_PARTY:
            not_counted = session.party(response.who) is None  # per-party answers name a party
        else:
            not_counted = key in excluded
        if not_counted:
            if response.who not in ignored:
                ignored.append(response.who)
            continue
        latest[key] = response
    # An answer the method does not know (only possible outside editing.record_check) counts
    # as no answer: it must neither block nor make a consensus.
    latest = {k: r for k, r in latest.items() if response_problem(method, r.value) is None}
    counts: dict[int | str, int] = {}
    for value in allowed_values(method):
        counts[value] = 0
    below = []
    for response in latest.values():
        counts[response.value] = counts.get(response.value, 0) + 1
        if _below_line(session, method, response.value):
            below.append(response.who)
    away = {a.strip().casefold() for a in absent}
    if method is Method.PER_PARTY:
        answered = {r.who.strip().casefold() for r in latest.values()}
        expected_keys = [p.id for p in session.parties]
    else:
        answered = set(latest)
        expected_keys = [name for name, _ in voters(session)]
    missing = [k for k in expected_keys if k.strip().casefold() not in answered and k.strip().casefold() not in away]
    marked_absent = [k for k in expected_keys if k.strip().casefold() in away and k.strip().casefold() not in answered]
    counted = len(latest)
    complete = not missing
    consensus = complete and counted > 0 and not below
    expected = len(expected_keys) - len(marked_absent)
    return Tally(method, consensus, counted, below, ignored, missing, counts, complete, marked_absent, expected)


# --- issue status -----------------------------------------------------------------------------

#: Allowed status changes. Every change keeps the issue's history: nothing is deleted.
TRANSITIONS: dict[IssueStatus, frozenset[IssueStatus]] = {
    IssueStatus.OPEN: frozenset(
        {IssueStatus.PARKED, IssueStatus.AGREED, IssueStatus.NO_CONSENSUS, IssueStatus.WITHDRAWN}
    ),
    IssueStatus.PARKED: frozenset({IssueStatus.OPEN, IssueStatus.WITHDRAWN}),
    # a later consensus on an issue that once had none: its TA, initialed by all, agrees it
    IssueStatus.NO_CONSENSUS: frozenset(
        {IssueStatus.OPEN, IssueStatus.PARKED, IssueStatus.WITHDRAWN, IssueStatus.AGREED}
    ),
    IssueStatus.WITHDRAWN: frozenset({IssueStatus.OPEN}),  # reinstated by agreement
    IssueStatus.AGREED: frozenset({IssueStatus.OPEN}),  # reopened: nothing is agreed until all is
}

STATUS_LABELS: dict[IssueStatus, str] = {
    IssueStatus.OPEN: "Open",
    IssueStatus.PARKED: "Parked",
    IssueStatus.AGREED: "Agreed (TA)",
    IssueStatus.NO_CONSENSUS: "No consensus",
    IssueStatus.WITHDRAWN: "Withdrawn",
}


def consensus_checks(issue: Issue) -> list[ConsensusCheck]:
    return [c for c in issue.checks if c.outcome is Outcome.CONSENSUS]


def status_change_problem(session: Session, issue: Issue, new: IssueStatus) -> str | None:
    """Why ``issue`` may not move to ``new``, or None when it may."""
    if new is issue.status:
        return f"the issue is already {STATUS_LABELS[new].lower()}"
    if new not in TRANSITIONS[issue.status]:
        return f"an issue that is {STATUS_LABELS[issue.status].lower()} cannot become {STATUS_LABELS[new].lower()}"
    if new is IssueStatus.AGREED and not session.standing_agreements(issue.id) and issue.agreed_in is None:
        return "an issue is agreed only once its tentative agreement is written"
    return None


def ta_problem(session: Session, issue: Issue, check: ConsensusCheck | None) -> str | None:
    """Why a tentative agreement may not be written for ``issue`` on ``check``, or None."""
    if issue.status in (IssueStatus.WITHDRAWN, IssueStatus.PARKED):
        return f"the issue is {STATUS_LABELS[issue.status].lower()}"
    if check is None:
        return "no TA without a consensus: record a consensus check first"
    if check not in issue.checks:
        return "that consensus check belongs to another issue"
    if check.outcome is not Outcome.CONSENSUS:
        return "that consensus check did not reach consensus"
    return None


def initials_missing(session: Session, agreement_initials: list[str]) -> list[str]:
    """Party ids whose spokesperson has not initialed yet."""
    done = set(agreement_initials)
    return [p.id for p in session.parties if p.id not in done]


# --- options ----------------------------------------------------------------------------------


def option_change_problem(issue: Issue) -> str | None:
    """Options are never judged during a brainstorm: no setting aside, no combining."""
    if issue.brainstorming:
        return "not during the brainstorm: every idea stays up until the brainstorm ends"
    return None


# --- whole-file rule checks -------------------------------------------------------------------


_ALLOWED: dict[Method, frozenset[int | str]] = {method: frozenset(allowed_values(method)) for method in Method}


def caucus_left(caucus: Caucus, at: datetime) -> int | None:
    """Whole seconds left at ``at`` of the minutes ``caucus`` took (negative: over by that
    much), counted to its end once it ended; None when it took no limit."""
    if caucus.minutes is None:
        return None
    until = min(at, caucus.end) if caucus.end is not None else at
    return caucus.minutes * 60 - int((until - caucus.start).total_seconds())


def rule_problems(session: Session) -> list[tuple[str, str]]:
    """Rule violations in a loaded file, as ``(path, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    reason = stage_order_problem(session.stage_order)
    if reason:
        problems.append(("stage_order", reason))
    party_ids = {party.id for party in session.parties}
    for n, issue in enumerate(session.issues):
        for k, check in enumerate(issue.checks):
            allowed = _ALLOWED[check.method]
            for r, response in enumerate(check.responses):
                value = response.value
                if type(value) is bool or value not in allowed:  # (the common case asks no more)
                    reason = response_problem(check.method, value)
                    if reason:
                        problems.append((f"issues[{n}].checks[{k}].responses[{r}].value", reason))
            if check.method is Method.PER_PARTY:
                for r, response in enumerate(check.responses):
                    if response.who not in party_ids:
                        problems.append(
                            (
                                f"issues[{n}].checks[{k}].responses[{r}].who",
                                f"per-party answers name a party; no party {response.who!r}",
                            )
                        )
        if issue.status is IssueStatus.AGREED and not session.standing_agreements(issue.id) and issue.agreed_in is None:
            # (``agreed_in``: its TA is in an earlier session file of the negotiation)
            problems.append((f"issues[{n}].status", "an agreed issue needs a tentative agreement"))
    return problems


def record_warnings(session: Session) -> list[tuple[str, str]]:
    """Things a file claims that its own record does not bear out, as ``(path, message)`` pairs.

    Unlike ``rule_problems`` these do not stop a file from opening: files written before a rule
    existed (a check recorded as consensus on one answer out of four) must still open, so the
    team can see and correct them. ``ibb validate`` reports them.
    """
    warnings: list[tuple[str, str]] = []
    for n, issue in enumerate(session.issues):
        for k, check in enumerate(issue.checks):
            if check.outcome is not Outcome.CONSENSUS:
                continue
            result = tally(session, check.method, check.responses, check.absent)
            path = f"issues[{n}].checks[{k}].outcome"
            if not result.complete:
                warnings.append(
                    (
                        path,
                        f"recorded as consensus, but the check is not complete ({result.answered}; no answer from "
                        f"{', '.join(result.missing)})",
                    )
                )
            elif not result.consensus:
                warnings.append(
                    (path, "recorded as consensus, but its responses do not reach consensus under the decision rule")
                )
    return warnings
