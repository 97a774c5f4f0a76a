"""The session screen's keys for the room's aids, whatever the stage: the stage timer (F2, F3),
the parking lot (F4), a caucus (F5), the ground rules (F6), action items (F7), presentation
mode (F8) and a training table's menu and general brief (F10, F12).

A base of ``SessionScreen`` (``screen.py``), which binds the keys and shows the widgets."""

from __future__ import annotations

from textual import getters
from textual.screen import Screen

from ... import editing, process
from ...model import Issue, Stage
from ...model import now as model_now
from ..app import IbbApp
from ..modals import Choose, Panel, Prompt
from ..widgets import StageTimer


class AidKeys(Screen):
    app = getters.app(IbbApp)

    _timer: StageTimer  # found by the frame once mounted

    def __init__(self) -> None:
        super().__init__()
        self._clocks: dict[tuple[str | None, Stage], tuple[int, bool]] = {}  # each stage's timer as left
        self.presenting = False

    @property
    def session(self):
        return self.app.session

    @property
    def issue(self) -> Issue | None:
        """The issue the room is on (None: at the list of issues)."""
        cursor = self.session.cursor
        return self.session.issue(cursor.issue) if cursor.issue else None

    # --- the stage timer ---------------------------------------------------------------------------

    def action_timer(self) -> None:
        self._timer.toggle()
        self._keep_clock()

    def action_plus_minute(self) -> None:
        self._timer.add_minute()
        self._keep_clock()

    def _leave_clock(self, stage: Stage) -> None:
        """The room leaves ``stage``: its timer is kept as it is, paused, for when it comes back."""
        self._clocks[(self.session.cursor.issue, stage)] = (self._timer.remaining, False)

    def _show_clock(self, stage: Stage) -> None:
        """The stage timer as the file last had it here (resumed), else the stage's full box."""
        box = self.session.time_boxes.get(stage, 0)
        clock, at = self.session.cursor.clock, model_now()
        left = self._clocks.get((self.session.cursor.issue, stage))
        if clock is not None and clock.stage is stage and clock.issue == self.session.cursor.issue and clock.fresh(at):
            self._timer.resume(box, clock.left(at), clock.running)
        elif left is not None:  # this stage's timer as it was left (paused) when the room moved on
            self._timer.resume(box, left[0], left[1])
        else:
            self._timer.reset(box)

    def _keep_clock(self) -> None:
        """Put the timer in the file (not undoable, not an event) so the room view shows it too."""
        if self.app.readonly:
            return
        editing.set_clock(self.session, self._timer.remaining, self._timer.running)
        self.app.mark_dirty()

    # --- the aids ------------------------------------------------------------------------------------

    def action_parking(self) -> None:
        from ..aids import ParkingLotScreen

        self.app.push_screen(ParkingLotScreen(self.issue.id if self.issue else None))

    def action_actions(self) -> None:
        from ..aids import ActionsScreen

        self.app.push_screen(ActionsScreen(self.issue.id if self.issue else None))

    def action_caucus(self) -> None:
        session, app = self.session, self.app
        if editing.open_caucus(session) is not None:
            app.change("end caucus", editing.end_caucus)
            return
        choices = [(p.name, p.id) for p in session.parties]

        def chosen(party_id: str | None) -> None:
            if party_id:
                example = "e.g. review the cost model (called by J. Ortiz)"
                app.push_screen(
                    Prompt("Reason (optional) and who called it", placeholder=example),
                    lambda reason: how_long(party_id, reason or "") if reason is not None else None,
                )

        def how_long(party_id: str, reason: str) -> None:
            rule = session.caucus_minutes
            app.push_screen(
                Prompt(
                    "How many minutes will the team be out?",
                    value=str(rule) if rule else "",
                    placeholder="minutes; empty: no limit",
                    hint=f"The ground rules allow {rule} minutes." if rule else "The ground rules set no limit.",
                ),
                lambda text: start(party_id, reason, text) if text is not None else None,
            )

        def start(party_id: str, reason: str, text: str) -> None:
            text = text.strip()
            if text and not text.isdecimal():
                app.notify(f"{text!r} is not a number of minutes: the caucus was not started.", severity="error")
                return
            minutes = int(text) if text else 0
            app.change("start caucus", editing.start_caucus, party_id, reason=reason, minutes=minutes)

        app.push_screen(Choose("Which team caucuses?", choices), chosen)

    def action_ground_rules(self) -> None:
        session = self.session
        rule = session.decision_rule
        lines: list[tuple[str, str]] = [(f"{n}. {text}", "") for n, text in enumerate(session.ground_rules, 1)]
        lines = lines or [("No ground rules recorded.", "dim")]
        lines += [("", ""), ("Decision rule", "bold"), (rule.description, "")]
        lines.append((f"Check: {process.METHOD_LABELS[rule.method]}", ""))
        if rule.fallback:
            lines += [("Fallback", "bold"), (rule.fallback, "")]
        self.app.push_screen(Panel("Ground rules", lines))

    def action_present(self) -> None:
        """F8: the wall (``presenting.Presentation``) in place of the frame, or back. Only what
        is shown changes: the issue, stage, pointer and typed text stay as they are. No notice:
        it would cover the wall; the wall's foot says "F8 returns"."""
        from .presenting import Presentation

        self.presenting = not self.presenting
        self.set_class(self.presenting, "-presenting")
        wall = self.query_one(Presentation)
        if self.presenting:
            wall.start()
        else:
            wall.stop()

    def action_training(self) -> None:
        from ..training import open_menu

        open_menu(self.app)

    def action_devices(self) -> None:
        """F11: the room open to people's devices (opened now if it was not): join code, QR,
        names, the ideas waiting."""
        from ..devices import open_room

        open_room(self.app)

    def devices_changed(self) -> None:
        """The room open to devices changed (a phone answered): the stage shown repaints its part."""
        paint = getattr(getattr(self, "view", None), "devices_changed", None)
        if callable(paint):
            paint()

    def action_general_brief(self) -> None:
        from ..training import show_general_brief

        show_general_brief(self.app)
