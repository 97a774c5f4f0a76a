"""Training mode in the app: one table of a simulation on the facilitation screen.

What a table sees, and where:

- the **round bar** under the header: the scenario, the table, the round and its clock
  (the round's own minutes, counted from when the round started, so it survives a restart);
- the **general brief** (everyone may read it): a panel on start, F12 shows it again, with the
  facts of every round that has started;
- **confidential briefs**, one side (or one player) at a time, only on request (F10, the training
  menu): a confirm screen first ("make sure the projector is off"), then a separate full screen
  with a "CONFIDENTIAL: LABOR only" banner. The text never reaches the session screen, its
  notices or its log; closing the screen leaves nothing of it behind;
- the **round switch** (F10): the next round starts, the clock restarts with its minutes, and
  its new facts open in a panel for the whole table;
- the **results sheet** (a form) and the **debrief** (this table's figures and the scenario's
  questions) at the end.

Every change goes through ``IbbApp.change`` with a function of ``training.py`` (rules, undo,
autosave); the round bar and the session screen repaint on its ``SessionChanged``. This module
holds no rule. Every user string is shown through ``literal``. Its screens' CSS is in
``training.tcss``; the round bar's, a part of the session screen, in ``session/session.tcss``.
Longer than most files (about 600 lines) because it holds every screen a table sees in training,
each of them small.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Label, Static, TextArea

from .. import training
from ..model import Session
from .app import IbbApp
from .messages import SessionChanged
from .modals import Choose, Panel, Prompt
from .text import join, literal, one_line
from .widgets import STAGE_NAMES, mmss

if TYPE_CHECKING:
    from .session import SessionScreen

# --- the round bar ----------------------------------------------------------------------------


class RoundBar(Static):
    """TRAINING · table · round N of M: title · mm:ss left. Repaints itself every second, and
    on a change to the table's rounds."""

    app = getters.app(IbbApp)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._warned: set[int] = set()
        self._rounds: object = None  # the rounds last painted (see ``_rounds_now``)

    def on_mount(self) -> None:
        self.set_interval(1, self.paint)
        self.app.session_changes.subscribe(self, self.on_session_changed)
        self.paint()

    def on_unmount(self) -> None:
        self.app.session_changes.unsubscribe(self)

    @property
    def session(self) -> Session:
        return self.app.session

    def _rounds_now(self) -> object:
        state = self.session.training
        if state is None:
            return None
        return state.finished, [(r.number, r.start, r.end) for r in state.rounds]

    def on_session_changed(self, message: SessionChanged) -> None:
        """A round started or ended (or an undo took it back): repaint now, not at the next tick.
        Other changes (every captured item) cost a comparison only."""
        if self._rounds_now() != self._rounds:
            self.paint()

    def paint(self) -> None:
        session = self.session
        state = session.training
        self._rounds = self._rounds_now()
        if state is None:
            self.display = False
            return
        try:
            scenario = training.scenario_of(session)
        except training.RuleError as exc:
            self.update(literal(f"TRAINING · {exc}"))
            return
        table = f"Table {state.table} of {state.tables}" if state.tables > 1 else f"Table {state.table}"
        phase = training.phase(session)
        total = len(scenario.rounds)
        parts = [("TRAINING ", ""), (f"{table} · ", "")]
        over = warning = False
        if phase == "preparation":
            prep = f" ({scenario.preparation_minutes} min)" if scenario.preparation_minutes else ""
            parts.append((f"Preparation{prep}: read the briefs · F10 starts round 1", ""))
        elif phase == "finished":
            parts.append(("Simulation ended · F10: results sheet and debrief", ""))
        else:
            running = training.running_round(session)
            number = running.number if running else len(state.rounds)
            spec = scenario.rounds[number - 1]
            parts.append((spec.title, ""))
            parts.append((f" (round {number} of {total})", ""))
            left = training.remaining_seconds(session)
            if left is not None:
                if left > 0:
                    parts.append((f" · {mmss(left)} left", ""))
                    warning = left <= 5 * 60
                else:
                    over = True
                    parts.append((f" · TIME IS UP ({mmss(-left)} over)", ""))
                    if number not in self._warned:
                        self._warned.add(number)
                        self.app.bell()
                        self.app.notify(
                            f"Round {number} time is up. F10: the next round or the end.",
                            title="Time",
                            severity="warning",
                        )
            following = "next round" if number < total else "end"
            parts.append((f" · F10 {following}", ""))
        self.set_class(over, "-over")
        self.set_class(warning and not over, "-warning")
        self.update(join(*((text, style) if style else literal(text) for text, style in parts)))


def attach(screen: SessionScreen) -> None:
    """Called by the session screen when its session is a training table."""
    session = screen.app.session
    banner = screen.query("#banner")
    bar = RoundBar(id="round-bar")
    if banner:
        screen.mount(bar, after=banner.first())
    else:
        screen.mount(bar)
    if training.phase(session) == "preparation":
        screen.call_after_refresh(lambda: screen.app.push_screen(GeneralBriefScreen(session)))


# --- the general brief and the round facts: everyone may read them ---------------------------


class _TextPanel(ModalScreen[None]):
    """A readable panel of titled paragraphs; Escape closes it."""

    BINDINGS = [Binding("escape,q", "close", "Close")]
    CSS_PATH = "training.tcss"

    def __init__(self, title: str, sections: list[tuple[str, str]], hint: str):
        super().__init__(classes="dialog-screen")
        self.title_text, self.sections, self.hint = title, sections, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            yield Label(literal(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="panel-body"):
                for heading, text in self.sections:
                    if heading:
                        yield Static(literal(heading), classes="brief-heading")
                    yield Static(literal(text.strip()), classes="brief-text")
            yield Label(literal(self.hint), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)


class GeneralBriefScreen(_TextPanel):
    """The general brief every player reads, with the facts of every round that has started."""

    BINDINGS = [Binding("escape,q,f12", "close", "Close")]

    def __init__(self, session: Session) -> None:
        scenario = training.scenario_of(session)
        sections = [("", scenario.general_brief)]
        started = len(session.training.rounds) if session.training else 0
        for number, rnd in enumerate(scenario.rounds[:started], start=1):
            if rnd.facts.strip():
                sections.append((f"Round {number}: {rnd.title}: new facts", rnd.facts))
        super().__init__(
            f"General brief: {session.title}",
            sections,
            "Esc closes · F12 shows it again · F10 training menu: confidential briefs, rounds, results, debrief",
        )


class RoundFactsScreen(_TextPanel):
    """A round has started: its title, minutes, new facts and the issues in play."""

    def __init__(self, session: Session, number: int):
        scenario = training.scenario_of(session)
        spec = scenario.rounds[number - 1]
        sections = [("New facts for every table", spec.facts if spec.facts.strip() else "No new facts this round.")]
        statements = [i.statement for i in session.issues if not spec.issues or i.id in spec.issues]
        if statements:
            sections.append(("Issues in play this round", "\n".join(f"• {s}" for s in statements)))
        if any(b for b in spec.briefs):
            sides = sorted({training.side_label(session, b.party) for b in spec.briefs})
            sections.append(
                (
                    "Confidential updates",
                    f"This round has new confidential instructions for {', '.join(sides)}: "
                    "F10, one team at a time, projector off.",
                )
            )
        rounds = len(scenario.rounds)
        super().__init__(
            f"{spec.title} · round {number} of {rounds} · {spec.minutes} minutes · the clock is running",
            sections,
            "Esc closes · F12 shows the general brief with every round's facts",
        )


# --- confidential briefs: a confirm, then a separate full screen ------------------------------


class RevealConfirm(ModalScreen[bool]):
    """Ask before anything confidential is shown. Cancel has the focus; ← then Enter shows. No
    letter answers it: a player typing at a table laptop cannot show a brief by a word."""

    BINDINGS = [Binding("escape", "no", "Cancel"), Binding("left,right", "app.focus_previous", show=False)]

    def __init__(self, question: str, warning: str):
        super().__init__(classes="dialog-screen")
        self.question, self.warning = question, warning

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.question), classes="dialog-title")
            yield Static(literal(self.warning))
            with Horizontal(classes="buttons"):
                yield Button("Show it", variant="error", id="yes")
                yield Button("Cancel", variant="primary", id="no")
            yield Label("Enter: Cancel · ← then Enter: Show it · Esc: Cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class ConfidentialScreen(Screen[None]):
    """A confidential page on a screen of its own, between two banners saying whose it is."""

    BINDINGS = [Binding("escape", "close", "Close and hide it", priority=True)]
    CSS_PATH = "training.tcss"

    def __init__(self, banner: str, sections: list[tuple[str, str]]):
        super().__init__()
        self.banner, self.sections = banner, sections

    def compose(self) -> ComposeResult:
        yield Static(literal(self.banner), classes="confidential-banner", id="confidential-top")
        with VerticalScroll(id="confidential-body"):
            for heading, text in self.sections:
                yield Static(literal(heading), classes="brief-heading")
                yield Static(literal(text.strip()), classes="brief-text")
        bottom = literal(f"{self.banner} · Esc closes and hides it")
        yield Static(bottom, classes="confidential-banner", id="confidential-bottom")

    def on_mount(self) -> None:
        self.query_one("#confidential-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def reveal(app: IbbApp, party_id: str, role: str = "") -> None:
    """The confidential-brief flow for one side (or one player on it): confirm, log, show."""
    session = app.session
    side = training.side_label(session, party_id)
    whose = f"{side}'s {role}" if role else side
    question = f"Show the confidential brief of {whose}?" if role else f"Show {side}'s confidential brief?"
    only = f"only {side}'s {role}" if role else f"only {side}"
    warning = (
        f"Make sure the projector is off, or that {only} is looking at this screen. "
        "It opens on a screen of its own; Esc closes it."
    )

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        try:
            sections = training.brief_texts(session, party_id, role)
        except training.RuleError as exc:
            app.notify(str(exc), severity="warning")
            return
        if not app.readonly:
            app.change("open confidential brief", training.record_reveal, party_id, role)
        banner = f"CONFIDENTIAL: {side} only" + (f" · {role}" if role else "")
        app.push_screen(ConfidentialScreen(banner, sections or [("Confidential instructions", "(none for this side)")]))

    app.push_screen(RevealConfirm(question, warning), answered)


def show_notes(app: IbbApp) -> None:
    """The facilitator notes: every team's bottom line, so trainer only, behind the trainer's
    passphrase (``training.passphrase_ok``); never by a key a player might press."""
    session = app.session
    scenario = training.scenario_of(session)
    if not scenario.facilitator_notes:
        app.push_screen(Panel("Facilitator notes", [(NOTES_ELSEWHERE, "")]))
        return
    if not (session.training and session.training.trainer_key):
        app.push_screen(Panel("Facilitator notes", [(NOTES_NO_PASSPHRASE, "")]))
        return

    def typed(text: str | None) -> None:
        if text is None:
            return
        if not training.passphrase_ok(session, text):
            app.notify("That is not the trainer's passphrase: the notes stay hidden.", severity="warning", timeout=6)
            return
        app.push_screen(
            ConfidentialScreen("TRAINER ONLY: facilitator notes", [("Facilitator notes", scenario.facilitator_notes)])
        )

    app.push_screen(
        Prompt(
            "Trainer's passphrase",
            placeholder="the passphrase given at ibb train --passphrase",
            hint="The notes hold every team's bottom line. Make sure the projector is off.",
            password=True,
        ),
        typed,
    )


NOTES_ELSEWHERE = (
    "This table's file does not hold the facilitator notes: they hold every team's bottom line and "
    "players sit at this laptop. The trainer has them in the scenario pack; `ibb train SCENARIO "
    "--tables N --passphrase` keeps them in the table files behind a passphrase."
)
NOTES_NO_PASSPHRASE = (
    "This table's file was made before trainer passphrases: its facilitator notes are not shown at "
    "the table. Read them in the scenario pack, or prepare the tables again with --passphrase."
)


# --- results sheet ------------------------------------------------------------------------------


class ResultsScreen(ModalScreen[dict[str, str] | None]):
    """The results sheet as a form: one box a line. Ctrl+S or Escape saves it: never lose a word."""

    BINDINGS = [
        Binding("escape", "save", "Save and close"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+t", "use_ta", "The TA's text", priority=True),
    ]
    CSS_PATH = "training.tcss"

    def __init__(self, session: Session):
        super().__init__(classes="dialog-screen")
        self.fields = training.result_fields(session)
        self.values = {f.id: training.result_value(session, f.id) for f in self.fields}
        self.tas = [training.result_ta(session, f) for f in self.fields]  # the TA each line may copy
        self.title_text = f"Results sheet: {session.title}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            yield Label(literal(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="panel-body"):
                if not self.fields:
                    yield Static(literal("This scenario has no results sheet."))
                for n, item in enumerate(self.fields):
                    yield Label(literal(item.label), classes="result-label")
                    if item.hint:
                        yield Label(literal(item.hint), classes="result-hint")
                    if self.tas[n] is not None:
                        yield Label(
                            join(
                                ("Your TA on it: ", "bold"),
                                literal(one_line(self.tas[n] or "", 90)),
                                "  Ctrl+T copies it",
                            ),
                            classes="result-hint",
                        )
                    yield TextArea(
                        self.values[item.id],
                        id=f"result-{n}",
                        classes="result-text",
                        soft_wrap=True,
                        show_line_numbers=False,
                    )
            yield Label(literal("Ctrl+S or Esc saves the sheet and closes it"), classes="dialog-hint")

    def on_mount(self) -> None:
        for area in self.query(TextArea):
            area.styles.height = 4  # the app's dialog style gives a TextArea 12 lines: one sheet, many lines
        areas = self.query(TextArea)
        if areas:
            areas.first().focus()

    def action_save(self) -> None:
        self.dismiss({item.id: self.query_one(f"#result-{n}", TextArea).text for n, item in enumerate(self.fields)})

    def action_use_ta(self) -> None:
        """The TA's language into the line being written (after what is there): never retyped."""
        area = self.focused
        if not isinstance(area, TextArea) or not (area.id or "").startswith("result-"):
            return
        text = self.tas[int((area.id or "")[7:])]
        if text is None:
            self.app.notify("This line records no issue your table reached a TA on.", severity="warning", timeout=4)
            return
        area.text = f"{area.text.rstrip()}\n{text}" if area.text.strip() else text
        area.move_cursor(area.document.end)


def fill_results(app: IbbApp, then: Callable[[], None] | None = None) -> None:
    def saved(values: dict[str, str] | None) -> None:
        session = app.session
        changed = values is not None and any(
            training.result_value(session, key) != (value if value.strip() else "") for key, value in values.items()
        )
        if changed and app.change("results sheet", training.set_results, values) is not None:
            app.notify("Results sheet saved in the session file.", timeout=3)
        if then is not None:
            then()

    app.push_screen(ResultsScreen(app.session), saved)


# --- debrief ------------------------------------------------------------------------------------


def table_lines(summary: training.TableSummary) -> list[tuple[str, str]]:
    """This table's figures, as ``(text, style)`` lines for the debrief screen."""
    lines: list[tuple[str, str]] = []
    issues = summary.issues
    lines.append((f"Issues agreed (TA): {summary.agreed} of {len(issues)}", "bold"))
    for issue in issues:
        status = issue.status.value.replace("_", " ")
        needed = f", consensus on check {issue.checks_to_consensus}" if issue.checks_to_consensus else ""
        lines.append(
            (
                f"  • {issue.statement}  [{status}; {issue.interests} interests, {issue.mutual} mutual, "
                f"{issue.options} options, {issue.checks} checks{needed}]",
                "",
            )
        )
    per = summary.checks_per_consensus
    lines.append(
        (
            f"Interests: {summary.interests} ({summary.mutual} mutual) · Options: {summary.options}"
            f" · Consensus checks: {summary.checks}" + (f" · {per:.1f} checks per consensus" if per else ""),
            "",
        )
    )
    stages = " · ".join(f"{STAGE_NAMES[stage]} {minutes:.0f} min" for stage, minutes in summary.stage_minutes.items())
    lines.append((f"Time per stage (from the log): {stages}", ""))
    if summary.round_minutes:
        rounds = " · ".join(
            f"{title}: {training.minutes_label(minutes)}" + (" min" if minutes is not None else "")
            for _, title, minutes in summary.round_minutes
        )
        lines.append((f"Rounds: {rounds}", ""))
    if summary.agreements:
        lines.append(("", ""))
        lines.append(("Tentative agreements", "bold"))
        for statement, text in summary.agreements:
            lines.append((statement, "italic"))
            lines.append((text, ""))
    return lines


class DebriefScreen(Screen[None]):
    """The end of the simulation: this table's figures, its results sheet and the questions."""

    BINDINGS = [Binding("escape", "close", "Back to the table"), Binding("r", "results", "Results sheet")]
    CSS_PATH = "training.tcss"

    app = getters.app(IbbApp)

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="debrief-body")
        yield Footer()

    def on_mount(self) -> None:
        self.paint()

    def paint(self) -> None:
        app = self.app
        session = app.session
        body = self.query_one("#debrief-body", VerticalScroll)
        body.remove_children()
        scenario = training.scenario_of(session)
        opened = app.file
        summary = training.summarize(session, opened.path if opened is not None else Path("table.toml"))
        widgets: list[Static] = [Static(literal(f"Debrief: {session.title}"), classes="debrief-title")]
        widgets += [Static(literal(text, style)) for text, style in table_lines(summary)]
        widgets.append(Static(literal("Results sheet"), classes="debrief-heading"))
        if summary.results:
            for result in summary.results:
                widgets.append(Static(join((result.label + ": ", "bold"), literal(result.value))))
        else:
            widgets.append(Static(literal("Not filled in yet: press R.", "italic")))
        widgets.append(Static(literal("Debrief questions"), classes="debrief-heading"))
        for n, question in enumerate(scenario.debrief_questions, start=1):
            widgets.append(Static(literal(f"{n}. {question}")))
        if not scenario.debrief_questions:
            widgets.append(Static(literal("(The scenario lists none.)", "italic")))
        body.mount_all(widgets)

    def action_results(self) -> None:
        fill_results(self.app, self.paint)

    def action_close(self) -> None:
        self.dismiss(None)


def show_debrief(app: IbbApp) -> None:
    app.push_screen(DebriefScreen())


# --- rounds -------------------------------------------------------------------------------------


def follow_class(app: IbbApp, opened: Any) -> Any:
    """Follow the class's control file beside this table (``classroom``; it may not exist yet):
    each save of it reaches ``class_changed`` on the UI thread."""
    from .. import classroom
    from ..store import read_bytes
    from ..watch import FileFollower
    from .app import ClassChanged

    def load(path: Path) -> classroom.ClassControl:
        return classroom.loads(read_bytes(path), str(path))  # a missing file raises: nothing to do

    def deliver(control: classroom.ClassControl | None, error: Exception | None) -> None:
        if control is not None:
            app.post_message(ClassChanged(opened, control))  # thread-safe, never blocks

    return FileFollower(opened.path.parent / classroom.CLASS_FILE, load, deliver).start()


def class_changed(app: IbbApp, control: Any) -> None:
    """The trainer started rounds for the whole class (``ibb class``): start each one here that
    this table has not, at the class's moment (one change each, undoable as F10's), and show the
    last one's facts, as the table's own F10 does."""
    from .. import classroom

    started = 0
    for item in classroom.pending(app.session, control):
        if app.change(f"start round {item.number} (the class)", training.start_next_round, at=item.start) is None:
            break
        started = item.number
    if started:
        app.notify(f"The trainer started round {started} for every table.", title="Training", timeout=6)
        app.push_screen(RoundFactsScreen(app.session, started))


def next_round(app: IbbApp) -> None:
    """Start round 1, or end the running round and start the next (after a confirm)."""
    session = app.session
    number = training.next_round_number(session)
    if number is None:
        end_simulation(app)
        return
    spec = training.round_spec(session, number)
    running = training.running_round(session)
    ends = f" Round {running.number} ends now." if running else ""
    total = len(training.scenario_of(session).rounds)
    question = f"Start round {number} of {total}, “{spec.title}” ({spec.minutes} minutes)?{ends}"

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        if app.change(f"start round {number}", training.start_next_round) is None:
            return
        app.push_screen(RoundFactsScreen(app.session, number))

    from .modals import Confirm

    app.push_screen(Confirm(question, yes="Start it", no="Not yet"), answered)


def end_simulation(app: IbbApp) -> None:
    session = app.session
    running = training.running_round(session)
    question = (
        f"End round {running.number} and the simulation?" if running else "End the simulation?"
    ) + " The table then fills in its results sheet."

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        if app.change("end the simulation", training.finish) is None:
            return
        fill_results(app, lambda: show_debrief(app))

    from .modals import Confirm

    app.push_screen(Confirm(question, yes="End it", no="Not yet"), answered)


# --- the training menu (F10) ----------------------------------------------------------------


def menu_choices(session: Session) -> list[tuple[str, str]]:
    """The training menu: the round action first (the one a trainer needs most), then the briefs."""
    scenario = training.scenario_of(session)
    choices: list[tuple[str, str]] = []
    phase = training.phase(session)
    number = training.next_round_number(session)
    if number is not None:
        spec = scenario.rounds[number - 1]
        verb = "Start the first round" if phase == "preparation" else f"Next round ({number} of {len(scenario.rounds)})"
        choices.append((f"{verb}: {spec.title}, {spec.minutes} min…", "round"))
    elif phase != "finished":
        choices.append(("End the last round and the simulation…", "end"))
    choices.append(("General brief (everyone may read it)", "general"))
    if session.training and session.training.rounds:
        choices.append(("This round's facts", "facts"))
    for party in session.parties:
        side = training.side_label(session, party.id)
        choices.append((f"Confidential brief: {side} only…", f"side:{party.id}"))
    for party in session.parties:
        side = training.side_label(session, party.id)
        for n, (label, _) in enumerate(training.role_briefs(scenario, party.id)):
            choices.append((f"Confidential brief: {side} · {label} only…", f"role:{party.id}:{n}"))
    choices.append(("Players at this table: add, rename, remove…", "players"))
    choices.append(("Results sheet…", "results"))
    choices.append(("Debrief: this table's figures and the questions", "debrief"))
    choices.append(("Facilitator notes (trainer's passphrase)…", "notes"))
    return choices


def open_menu(app: IbbApp) -> None:
    session = app.session
    try:
        choices = menu_choices(session)
    except training.RuleError as exc:
        app.notify(str(exc), severity="warning")
        return

    def chosen(value: str | None) -> None:
        if value:
            run_choice(app, value)

    app.push_screen(Choose(f"Training: {session.title}", choices, "Enter chooses · Esc closes"), chosen)


def run_choice(app: IbbApp, value: str) -> None:
    session = app.session
    kind, _, rest = value.partition(":")
    if kind == "general":
        show_general_brief(app)
    elif kind == "side":
        reveal(app, rest)
    elif kind == "role":
        party_id, _, index = rest.partition(":")
        labels = [label for label, _ in training.role_briefs(training.scenario_of(session), party_id)]
        if index.isdecimal() and int(index) < len(labels):
            reveal(app, party_id, labels[int(index)])
    elif kind == "round":
        next_round(app)
    elif kind == "end":
        end_simulation(app)
    elif kind == "facts":
        number = len(session.training.rounds) if session.training else 0
        if number:
            app.push_screen(RoundFactsScreen(session, number))
    elif kind == "results":
        fill_results(app)
    elif kind == "debrief":
        show_debrief(app)
    elif kind == "notes":
        show_notes(app)
    elif kind == "players":
        from .people import ask_members

        ask_members(app)


def show_general_brief(app: IbbApp) -> None:
    try:
        app.push_screen(GeneralBriefScreen(app.session))
    except training.RuleError as exc:
        app.notify(str(exc), severity="warning")


__all__ = [
    "ConfidentialScreen",
    "DebriefScreen",
    "GeneralBriefScreen",
    "ResultsScreen",
    "RevealConfirm",
    "RoundBar",
    "RoundFactsScreen",
    "attach",
    "open_menu",
    "show_general_brief",
]
