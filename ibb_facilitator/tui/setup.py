"""Set-up: the session's details before the first issue, prefilled from the agenda, all editable.

The title field has the focus from the start. The file name follows the title as it is edited,
as long as it is the name the app made (``paths.new_in_sessions``); a name the user typed (or
gave with ``ibb new -o``) stays. Esc asks before discarding anything typed (``AskDiscard``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea

from .. import paths, process
from ..capture import members_from_text, members_to_text, split_list
from ..model import Method, Session
from .modals import Confirm
from .text import join, literal
from .widgets import TitleBar

if TYPE_CHECKING:
    from textual import getters

    from .app import IbbApp


class AskDiscard(Confirm):
    """ "Discard this new session?" True to discard; the safe answer (keep editing) has the focus
    and no letter answers it (a sentence meant for the form answers nothing)."""

    def __init__(self) -> None:
        super().__init__(
            "Discard this new session?",
            yes="Discard",
            no="Keep editing",
            detail="What you typed in the set-up form will be lost; no file has been made yet.",
        )


class SetupScreen(Screen):
    CSS_PATH = "setup.tcss"

    if TYPE_CHECKING:  # the app's own methods type-check; at run time this is Textual's property
        app = getters.app(IbbApp)

    BINDINGS = [Binding("ctrl+s", "start", "Start the session", priority=True), Binding("escape", "back", "Back")]

    def __init__(self, session: Session, path: Path | None):
        super().__init__()
        self.session, self.path = session, path
        # The file name as the app made it from the title: while the field still holds it, it
        # follows the title. A name the user gave (``ibb new -o``) is theirs from the start.
        self._made_name: str | None = (
            str(path) if path is not None and path == paths.new_in_sessions(session.title) else None
        )
        self._as_opened: list[object] = []

    def compose(self) -> ComposeResult:
        s = self.session
        yield TitleBar()
        with VerticalScroll(id="setup"):
            yield Label("Set up the session (Ctrl+S starts it)", classes="setup-title")
            if s.previous is not None:  # the next session of a negotiation: say what came over
                from ..negotiation.carryover import carried_summary

                yield Static(
                    join(
                        ("Next session, carried over from ", "bold"),
                        literal(s.previous.file, "bold"),
                        "  ",
                        literal(s.previous.title, "dim"),
                        "\n",
                        literal(carried_summary(s)),
                        ("\nThe earlier file is not changed; this one is saved beside it.", "dim"),
                    ),
                    id="setup-carried",
                )
            for field, label, value in [
                ("title", "Title", s.title),
                ("organization", "District / organization", s.organization),
                ("bargaining_unit", "Bargaining unit", s.bargaining_unit),
                ("location", "Location", s.location),
                ("facilitators", "Facilitator(s), comma-separated", ", ".join(s.facilitators)),
                ("recorder", "Recorder", s.recorder),
                ("timekeeper", "Timekeeper", s.timekeeper),
                ("observers", "Observers (never counted in consensus), comma-separated", ", ".join(s.observers)),
            ]:
                yield Label(label, classes="field-label")
                # the title has the focus at first: typing adds to it rather than replacing it
                yield Input(value, id=f"f-{field}", select_on_focus=field != "title")
            for n, party in enumerate(s.parties):
                yield Label(
                    f"Party {n + 1}: name · short tag (used for (U)/(M) tags and initials)", classes="field-label"
                )
                with Horizontal(classes="party-row"):
                    yield Input(party.name, id=f"p{n}-name")
                    yield Input(party.short, id=f"p{n}-short", classes="short")
                yield Label(
                    "Members: one a line, “Name, role, title” (role: spokesperson, note-taker, decision-maker, member)",
                    classes="field-label",
                )
                yield TextArea(members_to_text(party.members), id=f"p{n}-members", classes="members")
            yield Label("Ground rules, one a line", classes="field-label")
            yield TextArea("\n".join(s.ground_rules), id="f-ground_rules", classes="rules")
            yield Label("Decision rule", classes="field-label")
            yield Input(s.decision_rule.description, id="f-rule")
            yield Label("Consensus check used first", classes="field-label")
            yield Select(
                [(process.METHOD_LABELS[m], m) for m in Method],
                value=s.decision_rule.method,
                allow_blank=False,
                id="f-method",
            )
            yield Label("Fallback if there is no consensus", classes="field-label")
            yield Input(s.decision_rule.fallback, id="f-fallback")
            yield Label("Save as (file)", classes="field-label")
            yield Input(str(self.path or ""), id="f-path")
            yield Button("Start the session", variant="primary", id="start")
        yield Footer()

    def on_mount(self) -> None:
        self._as_opened = self._form_values()
        title = self.query_one("#f-title", Input)
        title.focus()
        title.cursor_position = len(title.value)

    def _form_values(self) -> list[object]:
        """Everything the form holds, to tell whether anything was typed."""
        values: list[object] = [w.value for w in self.query(Input)]
        values += [w.text for w in self.query(TextArea)]
        values += [w.value for w in self.query(Select)]
        return values

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "f-title" or self._made_name is None:
            return
        field = self.query_one("#f-path", Input)
        if field.value != self._made_name:  # the user has typed a name of their own
            self._made_name = None
            return
        self._made_name = str(paths.new_in_sessions(event.value.strip()))
        field.value = self._made_name

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def _value(self, field: str) -> str:
        return self.query_one(f"#f-{field}", Input).value

    def action_start(self) -> None:
        s = self.session
        try:
            updated = s.model_copy(deep=True)
            for field in ("title", "organization", "bargaining_unit", "location", "recorder", "timekeeper"):
                setattr(updated, field, self._value(field).strip() if field == "title" else self._value(field))
            updated.facilitators = split_list(self._value("facilitators"))
            updated.observers = split_list(self._value("observers"))
            for n, party in enumerate(updated.parties):
                party.name = self.query_one(f"#p{n}-name", Input).value.strip()
                party.short = self.query_one(f"#p{n}-short", Input).value.strip()
                party.members = members_from_text(self.query_one(f"#p{n}-members", TextArea).text)
            updated.ground_rules = [
                line.strip() for line in self.query_one("#f-ground_rules", TextArea).text.splitlines() if line.strip()
            ]
            updated.decision_rule.description = self._value("rule")
            updated.decision_rule.method = self.query_one("#f-method", Select).value  # type: ignore[assignment]
            updated.decision_rule.fallback = self._value("fallback")
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)
            )
            self.app.notify(problems or str(exc), title="Please fix", severity="error", timeout=10)
            return
        path_text = self._value("path").strip()
        if not path_text:
            self.app.notify("Choose a file to save the session in.", severity="error")
            return
        target = Path(path_text).expanduser()
        if s.previous is not None and self.path is not None:
            from ..negotiation.carryover import place_problem

            problem = place_problem(self.path.parent, s.previous.file, target)
            if problem is not None:
                self.app.notify(problem, title="Not saved there", severity="error", timeout=10)
                return
        self.app.start_new(updated, target)

    def action_back(self) -> None:
        if self._form_values() == self._as_opened:
            self._leave()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._leave()

        self.app.push_screen(AskDiscard(), answered)

    def _leave(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
