"""Set-up: the session's details before the first issue, prefilled from the agenda, all editable."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, TextArea

from .. import process
from ..capture import members_from_text, members_to_text, split_list
from ..model import Method, Session


class SetupScreen(Screen):
    BINDINGS = [Binding("ctrl+s", "start", "Start the session", priority=True), Binding("escape", "back", "Back")]

    def __init__(self, session: Session, path: Path | None):
        super().__init__()
        self.session, self.path = session, path

    def compose(self) -> ComposeResult:
        s = self.session
        yield Header()
        with VerticalScroll(id="setup"):
            yield Label("Set up the session (Ctrl+S starts it)", classes="setup-title")
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
                yield Input(value, id=f"f-{field}")
            for n, party in enumerate(s.parties):
                yield Label(f"Party {n + 1}: name · short tag (used for (U)/(M) tags and initials)", classes="field-label")
                with Horizontal(classes="party-row"):
                    yield Input(party.name, id=f"p{n}-name")
                    yield Input(party.short, id=f"p{n}-short", classes="short")
                yield Label("Members: one a line, “Name, role, title” (role: spokesperson, note-taker, decision-maker, member)", classes="field-label")
                yield TextArea(members_to_text(party.members), id=f"p{n}-members", classes="members")
            yield Label("Ground rules, one a line", classes="field-label")
            yield TextArea("\n".join(s.ground_rules), id="f-ground_rules", classes="rules")
            yield Label("Decision rule", classes="field-label")
            yield Input(s.decision_rule.description, id="f-rule")
            yield Label("Consensus check used first", classes="field-label")
            yield Select([(process.METHOD_LABELS[m], m) for m in Method], value=s.decision_rule.method, allow_blank=False, id="f-method")
            yield Label("Fallback if there is no consensus", classes="field-label")
            yield Input(s.decision_rule.fallback, id="f-fallback")
            yield Label("Save as (file)", classes="field-label")
            yield Input(str(self.path or ""), id="f-path")
            yield Button("Start the session", variant="primary", id="start")
        yield Footer()

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
            updated.ground_rules = [line.strip() for line in self.query_one("#f-ground_rules", TextArea).text.splitlines() if line.strip()]
            updated.decision_rule.description = self._value("rule")
            updated.decision_rule.method = self.query_one("#f-method", Select).value  # type: ignore[assignment]
            updated.decision_rule.fallback = self._value("fallback")
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False))
            self.app.notify(problems or str(exc), title="Please fix", severity="error", timeout=10)
            return
        path_text = self._value("path").strip()
        if not path_text:
            self.app.notify("Choose a file to save the session in.", severity="error")
            return
        self.app.start_new(updated, Path(path_text).expanduser())  # type: ignore[attr-defined]

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
