"""The people at the table: add, rename or remove a team's member during a session.

Short forms over ``editing.add_member`` / ``rename_member`` / ``remove_member`` (each one change:
logged, undoable with Ctrl+Z): from the palette ("Team members") and a training table's menu
("Players at this table"). At a training table a new player picks the part they play from the
pack's roles for their side; a role may be played by more than one person.
"""

from __future__ import annotations

from typing import Any

from .. import editing, training
from ..model import Party
from .modals import Choose, Confirm, Prompt


def _roles(app: Any, party: Party) -> list[str]:
    """The pack's role titles for ``party``'s side at a training table (none elsewhere)."""
    if app.session.training is None:
        return []
    try:
        scenario = training.scenario_of(app.session)
    except training.RuleError:
        return []
    return [role.title for role in scenario.roles if role.side == party.id]


def ask_members(app: Any) -> None:
    """Which team, then what to do: add a member, or rename or remove one."""
    session = app.session
    if session is None or not session.parties:
        return

    def team(party_id: str | None) -> None:
        party = session.party(party_id) if party_id else None
        if party is not None:
            members(party)

    def members(party: Party) -> None:
        choices = [("Add a member…", "+")]
        choices += [(m.name + (f" ({m.title})" if m.title else ""), m.name) for m in party.members]
        app.push_screen(
            Choose(f"{party.name}: {len(party.members)} members", choices),
            lambda value: add(party) if value == "+" else one(party, value) if value else None,
        )

    def add(party: Party) -> None:
        def named(name: str | None) -> None:
            if not name or not name.strip():
                return
            roles = _roles(app, party)
            if not roles:
                app.change("add member", editing.add_member, party.id, name)
                return
            app.push_screen(
                Choose(f"Which part does {name.strip()} play?", [*((r, r) for r in roles), ("No role", "")]),
                lambda title: (
                    app.change("add member", editing.add_member, party.id, name, title=title)
                    if title is not None
                    else None
                ),
            )

        app.push_screen(Prompt(f"A new member of {party.name}", placeholder="their name"), named)

    def one(party: Party, name: str) -> None:
        def chosen(what: str | None) -> None:
            if what == "rename":
                app.push_screen(
                    Prompt(f"{name}'s name", value=name, hint="Their earlier answers keep the name they gave them."),
                    lambda new: (
                        app.change("rename member", editing.rename_member, party.id, name, new)
                        if new and new != name
                        else None
                    ),
                )
            elif what == "remove":
                app.push_screen(
                    Confirm(f"Remove {name} from {party.name}?", yes="Remove", detail="Their answers stay on record."),
                    lambda yes: app.change("remove member", editing.remove_member, party.id, name) if yes else None,
                )

        app.push_screen(Choose(name, [("Rename…", "rename"), ("Remove from the team…", "remove")]), chosen)

    app.push_screen(Choose("Which team?", [(p.name, p.id) for p in session.parties]), team)


__all__ = ["ask_members"]
