"""Training scenarios: the shape of a simulation and the checks of its references.

A scenario pack (an agenda with ``kind = "scenario"`` and a ``[scenario]`` table, see
``agenda.py``) holds the general brief, a confidential brief per side and per role, timed rounds
with new facts and confidential updates, a results sheet, debrief questions and facilitator
notes. A table of the simulation keeps a copy of it in its session file (``training.scenario``,
plain data in ``model.TrainingState``), so a table's file runs on any machine.

Why a module of its own: the scenario is checked in two places at two heights. An agenda file
checks its scenario (``agenda.agenda_problems`` calls ``scenario_problems``); a session file
checks the copy its table keeps (``scenario_copy_problems``), which ``store`` runs beside
``model.integrity_problems`` whenever a session loads. Both ``agenda`` (which loads agendas
through ``store``) and ``store`` need the scenario's shape, so it sits below both, on ``model``
alone; ``training.py`` (which runs a table) builds on it.

Never import textual or rich here.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError, field_validator

from .model import Amount, Model, Session, Slug, Text, TrainingState, WholeNumber


class Brief(Model):
    """A confidential brief for one party's side (and, with ``role``, for one player on it)."""

    party: Slug
    role: Text = ""  # empty: the whole side; else a role's id or title on that side
    title: Text = ""
    text: Text = Field(min_length=1)


class CostTableRow(Model):
    """One line of a scenario's cost table: what something costs the district, for the player
    who costs options (the business manager), shown with that player's brief."""

    item: Text = Field(min_length=1)  # "Each 1 % of general increase"
    amount: Amount  # a plain number in quotes, exact: "172000"
    per: Text = ""  # "a year", "once"
    round: WholeNumber = Field(default=0, ge=0, le=99)  # shown from this round on (0: from the start)
    note: Text = ""


class ScenarioRole(Model):
    """A player's part in a simulation: which side they play for, and their own brief.

    ``side`` names a party id (``labor``, ``management``): a role with no side is refused.
    """

    id: Slug | None = None  # optional short name a brief's ``role`` may use
    side: Slug
    title: Text = Field(min_length=1)  # "Association president"
    name: Text = ""  # the character: "Joe Castillo"
    brief: Text = ""  # the role's own confidential instructions (optional)
    cost_table: list[CostTableRow] = []  # what options cost, for the player who costs them


class Round(Model):
    title: Text = Field(min_length=1)
    minutes: WholeNumber = Field(ge=1, le=24 * 60)  # the round's time box: required
    issues: list[Slug] = []  # issue ids in play this round (empty: all)
    facts: Text = ""  # new facts announced to every table at the start of the round
    briefs: list[Brief] = []  # confidential updates for one side, from this round on


class ResultField(Model):
    """One line of the results sheet a table fills in at the end."""

    id: Slug
    label: Text = Field(min_length=1)
    issue: Slug | None = None  # the issue it records, when it records one
    hint: Text = ""  # what to write: "% in each year", "yes or no"


class Scenario(Model):
    """A simulation: what everyone reads, what each side (and player) alone reads, the rounds,
    the results sheet and the debrief. ``scenario_problems`` checks its references."""

    general_brief: Text = Field(min_length=1)
    briefs: list[Brief] = Field(min_length=1)
    roles: list[ScenarioRole] = []
    preparation_minutes: WholeNumber = Field(default=0, ge=0, le=24 * 60)  # the preparation caucus
    rounds: list[Round] = Field(min_length=1)
    results_fields: list[ResultField] = []  # a plain line of text, or a table with an id
    debrief_questions: list[Text] = []
    facilitator_notes: Text = ""

    @field_validator("results_fields", mode="before")
    @classmethod
    def _plain_lines(cls, value: Any) -> Any:
        """A plain line of text is a field with the id ``result-N`` (N: its place on the sheet)."""
        if isinstance(value, list):
            return [
                {"id": f"result-{n}", "label": item} if isinstance(item, str) else item
                for n, item in enumerate(value, start=1)
            ]
        return value


def scenario_problems(
    scenario: Scenario, party_ids: list[str], issue_ids: list[str], base: str = "scenario"
) -> list[tuple[str, str]]:
    """A scenario's references to parties, roles and issues, as ``(path, message)`` pairs.

    Every party gets a confidential brief of its own; a role plays for a party; a brief's role is
    a role of that party (when the scenario lists roles); a round or a results line names issues
    that exist. ``base`` is where the scenario sits in its file (``scenario`` in an agenda).
    """
    problems: list[tuple[str, str]] = []
    parties = ", ".join(party_ids) or "none defined"

    def party_ref(path: str, value: str) -> bool:
        if value not in party_ids:
            problems.append((path, f"{value!r} is not one of the parties ({parties})"))
            return False
        return True

    role_names: dict[str, set[str]] = {}
    role_ids: list[str] = []
    for n, role in enumerate(scenario.roles):
        path = f"{base}.roles[{n}]"
        party_ref(f"{path}.side", role.side)
        if role.id:
            if role.id in role_ids:
                problems.append((f"{path}.id", f"duplicate role id {role.id!r}"))
            role_ids.append(role.id)
        role_names.setdefault(role.side, set()).update({role.title.casefold(), *([role.id] if role.id else [])})

    def briefs(path: str, items: list[Brief], need_every_side: bool) -> None:
        sides: set[str] = set()
        for n, brief in enumerate(items):
            if not party_ref(f"{path}[{n}].party", brief.party):
                need_every_side = False  # most likely the missing side, misspelt: one error, here
                continue
            if brief.role:
                known = role_names.get(brief.party, set())
                if scenario.roles and brief.role.casefold() not in known and brief.role not in known:
                    problems.append(
                        (f"{path}[{n}].role", f"{brief.role!r} is not a role of {brief.party!r} in scenario.roles")
                    )
            else:
                sides.add(brief.party)
        if need_every_side:
            for party in party_ids:
                if party not in sides:
                    problems.append(
                        (
                            path,
                            f"no confidential brief for {party!r}: every side needs one"
                            f" (a brief with party = {party!r} and no role)",
                        )
                    )

    briefs(f"{base}.briefs", scenario.briefs, need_every_side=True)
    for n, rnd in enumerate(scenario.rounds):
        path = f"{base}.rounds[{n}]"
        for k, ref in enumerate(rnd.issues):
            if ref not in issue_ids:
                problems.append((f"{path}.issues[{k}]", f"{ref!r} is not an issue id of this scenario"))
        briefs(f"{path}.briefs", rnd.briefs, need_every_side=False)
    field_ids: list[str] = []
    for n, item in enumerate(scenario.results_fields):
        if item.id in field_ids:
            problems.append((f"{base}.results_fields[{n}].id", f"duplicate results field id {item.id!r}"))
        field_ids.append(item.id)
        if item.issue is not None and item.issue not in issue_ids:
            problems.append(
                (f"{base}.results_fields[{n}].issue", f"{item.issue!r} is not an issue id of this scenario")
            )
    return problems


def role_briefs(scenario: Scenario, party_id: str) -> list[tuple[str, str]]:
    """``(label, text)`` of each player's own brief on a side: the role's title (and name)."""
    found: list[tuple[str, str]] = []
    for role in scenario.roles:
        if role.side == party_id and role.brief:
            found.append((f"{role.title}" + (f" ({role.name})" if role.name else ""), role.brief))
    for brief in scenario.briefs:
        if brief.party == party_id and brief.role:
            found.append((brief.title or brief.role, brief.text))
    return found


def role_cost_table(scenario: Scenario, party_id: str, label: str) -> list[CostTableRow]:
    """The cost table of the player whose brief ``role_briefs`` labels ``label`` on a side."""
    for role in scenario.roles:
        if role.side == party_id and f"{role.title}" + (f" ({role.name})" if role.name else "") == label:
            return list(role.cost_table)
    return []


def scenario_copy_problems(session: Session, training: TrainingState) -> list[tuple[str, str]]:
    """Problems with the scenario copied into a table file, as ``(path, message)`` pairs."""
    base = "training.scenario"
    try:
        scenario = Scenario.model_validate(training.scenario)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
            message = "required field is missing" if error["type"] == "missing" else error["msg"]
            if error["type"] == "extra_forbidden":
                message = "unknown field (a typo?)"
            problems.append((base + where, message))
        return problems
    problems = scenario_problems(scenario, [p.id for p in session.parties], [i.id for i in session.issues], base)
    if len(training.rounds) > len(scenario.rounds):
        problems.append(
            ("training.rounds", f"{len(training.rounds)} rounds run, but the scenario has {len(scenario.rounds)}")
        )
    fields = {f.id for f in scenario.results_fields}
    for k, result in enumerate(training.results):
        if result.field not in fields:
            problems.append(
                (f"training.results[{k}].field", f"{result.field!r} is not a field of the scenario's results sheet")
            )
    for k, reveal in enumerate(training.reveals):
        if reveal.role and not any(label == reveal.role for label, _ in role_briefs(scenario, reveal.party)):
            problems.append((f"training.reveals[{k}].role", f"{reveal.role!r} has no brief on {reveal.party!r}'s side"))
    return problems


__all__ = [
    "Brief",
    "ResultField",
    "Round",
    "Scenario",
    "ScenarioRole",
    "role_briefs",
    "scenario_copy_problems",
    "scenario_problems",
]
