"""The consensus stage: the proposal being tested (typed in the capture line), the draft of the
language (Ctrl+D, ``draft.py``: a check tests its latest revision), the check's method (Ctrl+T),
and the vote Ctrl+R opens: one key per person records their answer, and Ctrl+R again records the
check once everyone counted has answered. On consensus, the TA (``agreements.py``).

With the room open to devices (F11, ``tui/devices.py``), Ctrl+R also opens the check on every
phone; a phone's answer shows as "answered" (never its value) until the next Ctrl+R reveals them
all together and puts them in the rows, where the recorder can still key or mark absent whoever
answered no phone; then Ctrl+R records as before."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.widget import Widget
from textual.widgets import Digits, Label, OptionList, Static

from ... import costing, drafting, editing, process
from ...devices.room import Ballot, DeviceProblem
from ...model import Method, Response, Stage
from ..devices import host_of
from ..modals import Prompt
from ..text import join, literal, one_line
from ..widgets import LinesInput, RowList
from . import agreements, draft
from .view import TYPING, VOTING, Command, StageView

# The keys of the vote, by method.
VOTE_KEYS: dict[Method, dict[str, int | str]] = {
    Method.FIST_TO_FIVE: {str(v): v for v in process.FIST_VALUES},
    Method.GRADIENTS: {str(v): v for v in process.GRADIENTS},
    Method.THUMBS: {"u": "up", "s": "sideways", "d": "down"},
    Method.PER_PARTY: {"y": "concur", "n": "do_not_concur"},
}
VOTE_HINTS = {
    Method.FIST_TO_FIVE: "0–5",
    Method.GRADIENTS: "1–8",
    Method.THUMBS: "u / s / d",
    Method.PER_PARTY: "y / n",
}
ABSENT_KEY = "a"  # voting: "absent / not voting" for the pointed person (logged with the check)


class VoterList(RowList):
    """One row per voter (or party). Focused only while voting: one key records the pointed
    person's response and moves on; any key that is not a vote says so and changes nothing."""

    can_focus = False

    def __init__(self, view: ConsensusView, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._view = view

    def on_key(self, event: Key) -> None:
        # Every key is handled here, in its turn: a binding would run only once the key had
        # bubbled up to the app, so in a burst ("↑ ↑ 1", typed fast in a real terminal) the
        # digit was recorded before the moves, for the wrong person.
        moves = {
            "up": self.action_cursor_up,
            "down": self.action_cursor_down,
            "pageup": self.action_page_up,
            "pagedown": self.action_page_down,
            "home": self.action_first,
            "end": self.action_last,
        }
        if event.key in moves:
            moves[event.key]()
        elif event.key in ("backspace", "delete"):
            self._view.clear_response()
        elif event.character and event.character.isprintable():
            self._view.response_key(event.character)
        else:
            return
        event.stop()
        event.prevent_default()


class ConsensusView(StageView):
    STAGE = Stage.CONSENSUS
    PLACEHOLDER = "The proposal being tested, then Enter"
    CAPTURE_TITLE = "TYPING ▸ Enter sets the proposal · Ctrl+R takes the vote"
    KEY_NAME = "Method"
    SCORING = VOTING

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.voters = VoterList(self, id="voters")
        self._method_label = Label("", id="method-label")
        self._digits = Digits("0/0", id="tally-digits")
        self._verdict = Static("", id="verdict")
        self._history = Static("", id="check-history")
        self.method: Method = Method.FIST_TO_FIVE  # of the check being taken
        self.responses: dict[str, Response] = {}  # its answers so far, by voter
        self.absent: list[str] = []  # voters marked "absent / not voting" for it

    def compose(self) -> ComposeResult:
        with Vertical(id="voters-box"):
            yield self._method_label
            yield self.voters
        with Vertical(id="tally-box"):
            yield self._digits
            yield self._verdict
            yield self._history

    def on_mount(self) -> None:
        self.method = self.session.decision_rule.method

    @property
    def items(self) -> RowList:
        return self.voters

    @property
    def score_widget(self) -> Widget:
        return self.voters

    def voter_rows(self) -> list[tuple[str, str, str | None]]:
        """(key, label, party) for each voter of the current method."""
        session = self.session
        if self.method is Method.PER_PARTY:
            return [(p.id, p.name, None) for p in session.parties]
        return [(name, f"{name} ({session.holder_tag(party)})", party) for name, party in process.voters(session)]

    def tally(self) -> process.Tally:
        return process.tally(self.session, self.method, list(self.responses.values()), absent=self.absent)

    # --- painting --------------------------------------------------------------------------------

    def paint(self) -> None:
        session, issue, method = self.session, self.issue, self.method
        rule = session.decision_rule
        line = {
            Method.FIST_TO_FIVE: f"consensus: everyone ≥ {rule.fist_minimum}",
            Method.THUMBS: "consensus: no thumb down",
            Method.GRADIENTS: f"consensus: no 8 (block), no 5, nobody past {rule.gradient_threshold}",
            Method.PER_PARTY: "consensus: every party concurs",
        }[method]
        mode = self.frame.mode
        how = f"keys {VOTE_HINTS[method]} · A absent" if mode == VOTING else "Ctrl+R to vote · Ctrl+T method"
        self.show(self._method_label, join((process.METHOD_LABELS[method], "bold"), f"  {line}  ({how})"))
        rows = []
        tally = self.tally()
        voters = self.voter_rows()
        hidden = self._hidden_answers()
        for key, label, _ in voters:
            response = self.responses.get(key)
            if key in self.absent:
                value, style = "absent", "italic"
            elif response is None and key in hidden:
                value, style = "answered on a device (hidden until Ctrl+R reveals)", "italic $accent"
            else:
                value = "—" if response is None else process.value_label(method, response.value)
                style = "bold $error" if response is not None and key in tally.below else "bold"
            rows.append((key, join(literal(label), "  ", (value, style))))
        self.fill(self.voters, rows, air=False)
        answered = f"{len(voters) - len(tally.missing)}/{len(voters)}"
        if self._digits.value != answered:
            self._digits.update(answered)
        self.show(self._verdict, self._verdict_line(tally, mode == TYPING))
        history = self._history_lines() if issue is not None else []
        self.show(self._history, Content("\n").join(history) if history else literal(""))

    def _verdict_line(self, tally: process.Tally, typing: bool) -> Content:
        issue = self.issue
        if not self.responses and not self.absent:
            verdict = join(("Waiting for responses", "dim"), ("  Ctrl+R starts the vote" if typing else "", ""))
        elif not tally.complete:
            waiting = ", ".join(tally.missing)
            verdict = join(
                ("NOT COMPLETE", "bold reverse $warning"),
                f"  {len(tally.missing)} to answer: ",
                literal(waiting),
                ("  (A: absent / not voting)", "dim"),
            )
        elif tally.consensus:
            verdict = join(("CONSENSUS", "bold reverse $success"), ("  Ctrl+R records it", ""))
        else:
            below = literal(", ".join(tally.below))
            verdict = join(
                ("NO CONSENSUS", "bold reverse $error"), "  below the line: ", below, ("  Ctrl+R records it", "")
            )
        if issue is not None and issue.proposal:
            verdict = join(verdict, "\nProposal: ", literal(issue.proposal, "italic"))
        tested = draft.tested_line(issue) if issue is not None else None
        if tested is not None:
            verdict = join(verdict, "\n", tested, ("  Ctrl+D the draft", "dim"))
        return verdict

    def _history_lines(self) -> list[Content]:
        """The issue's last checks and its TAs (and a TA draft)."""
        session, issue = self.session, self.issue
        assert issue is not None
        history: list[Content] = []
        for check in issue.checks[-4:]:
            outcome = "consensus" if check.outcome.value == "consensus" else "no consensus"
            tested = f" (rev {check.revision})" if check.revision is not None else ""
            history.append(
                join(
                    (f"{check.at:%H:%M} ", "dim"),
                    process.METHOD_LABELS[check.method],
                    tested,
                    ": ",
                    (outcome, "bold"),
                )
            )
        for ta in session.agreements_for(issue.id):
            if ta.superseded_by:
                history.append(
                    join(("TA ", "dim strike"), literal(one_line(ta.text, 50), "dim strike"), ("  superseded", "dim"))
                )
                continue
            initials = (
                ", ".join(f"{session.holder_tag(i.party)} {i.initials}" for i in ta.initials) or "not initialed yet"
            )
            cost = f"  {costing.short_total(costing.ta_totals(ta))}" if ta.costs else ""
            history.append(
                join(
                    ("TA ", "bold $success"),
                    literal(one_line(ta.text, 60)),
                    (cost, "bold"),
                    (f"  [{initials}]  Ctrl+O: the TA", "dim"),
                )
            )
        if issue.ta_draft:
            history.append(
                join(
                    ("TA draft ", "bold $warning"),
                    literal(one_line(issue.ta_draft, 50)),
                    ("  Ctrl+O: write the TA", "dim"),
                )
            )
        return history

    def mode_bar(self) -> Content:
        """Voting: the bar names the person the next key answers for."""
        who = self.voter_rows()
        pointed = self.voters.highlighted
        name = who[pointed][0] if who and pointed is not None and pointed < len(who) else ""
        issue = self.issue
        latest = drafting.latest(issue) if issue is not None else None
        return join(
            ("VOTING ", "bold"),
            (f"on draft revision {latest.n} · " if latest is not None else "", "bold"),
            f"keys {VOTE_HINTS[self.method]} record ",
            literal(name, "bold"),
            "'s answer · A absent · ↑↓ another person · Ctrl+R records the check · Esc back to typing",
        )

    def menu_subject(self) -> str:
        issue = self.issue
        return one_line(issue.statement if issue else "", 60)

    # --- the proposal ----------------------------------------------------------------------------

    def take_line(self, text: str) -> object | None:
        issue = self.issue
        return None if issue is None else self.app.change("proposal", editing.set_proposal, issue.id, text)

    def take_lines(self, lines: list[str], capture: LinesInput) -> bool:
        """A pasted proposal keeps its lines (after what was typed before the paste)."""
        issue = self.issue
        if issue is None:
            return False
        text = "\n".join([capture.value, *lines] if capture.value.strip() else lines)
        if self.app.change("proposal", editing.set_proposal, issue.id, text) is not None:
            capture.value = ""
        return True

    def action_edit_item(self) -> None:
        """Ctrl+E: the proposal, back in the capture line (when the line is empty)."""
        self.frame.edit_in_capture(self.issue.proposal if self.issue else "")

    def action_draft(self) -> None:
        """Ctrl+D: the draft editor (a control key, so typing never opens it)."""
        if self.issue is not None:
            draft.edit(self.app, self.issue)

    def item_commands(self) -> list[Command]:
        issue = self.issue
        if issue is None:
            return []
        return [
            ("Edit the proposal", "Ctrl+E", self.action_edit_item),
            ("Vote: take the consensus check", "Ctrl+R", self.action_vote),
            ("Method of the check", "Ctrl+T", self.action_stage_key),
            *draft.commands(self.app, issue),
            *agreements.commands(self.app, issue),
        ]

    # --- the vote --------------------------------------------------------------------------------

    def moving_to(self, stage: Stage) -> None:
        if stage is Stage.CONSENSUS:  # a new check
            self.responses.clear()
            self.absent = []

    def action_stage_key(self) -> None:
        """Ctrl+T: the next method of the check (its answers so far go, on the devices too)."""
        methods = list(Method)
        had = self._device_ballot()
        self.method = methods[(methods.index(self.method) + 1) % len(methods)]
        self.responses.clear()
        if had is not None and (host := host_of(self.app)) is not None:
            host.room.close_ballot()
            if self.frame.mode == VOTING:
                self._open_on_devices()
        self.paint()

    def scoring_changed(self, mode: str) -> None:
        if self.frame.stage is Stage.CONSENSUS:  # the method line says which keys vote
            self.paint()

    # --- the vote on devices (tui/devices.py) ------------------------------------------------------

    def _device_ballot(self) -> Ballot | None:
        """The check open on the devices for this issue and method, if the room is open."""
        host, issue = host_of(self.app), self.issue
        ballot = host.room.ballot if host is not None else None
        if ballot is None or issue is None or ballot.kind != "check" or ballot.issue != issue.id:
            return None
        return ballot if ballot.method is self.method else None

    def _hidden_answers(self) -> set[str]:
        ballot = self._device_ballot()
        return set(ballot.answers) if ballot is not None and not ballot.revealed else set()

    def devices_changed(self) -> None:
        """A phone answered (or the room changed): the rows say who has answered, not what."""
        if host_of(self.app) is not None and self.frame.stage is Stage.CONSENSUS:
            self.paint()

    def _open_on_devices(self) -> None:
        host, issue = host_of(self.app), self.issue
        if host is None or issue is None or self._device_ballot() is not None:
            return
        try:
            host.room.open_check(issue.id, self.method, issue.proposal)
        except DeviceProblem as problem:
            self.app.notify(str(problem), title="Not on the devices", severity="warning", timeout=8)
            return
        self.app.notify("The check is open on every device: Ctrl+R reveals the answers together.", timeout=5)

    def _reveal(self, ballot: Ballot) -> None:
        """Ctrl+R with answers hidden on the devices: show them all, in the rows."""
        host = host_of(self.app)
        if host is None:
            return
        revealed = host.room.reveal()
        keyed = 0
        for name, party, _, value in revealed.answers:
            if name in self.responses or not isinstance(value, int | str):
                keyed += name in self.responses
                continue
            self.responses[name] = Response(who=name, party=party or None, value=value)
            self.absent = [k for k in self.absent if k != name]
        taken = len(revealed.answers) - keyed
        said = f"Revealed {taken} answer{'s' if taken != 1 else ''} from devices"
        if keyed:
            said += f" ({keyed} already keyed here: the keyed one stands)"
        waiting = self.tally().missing
        said += f". Key {', '.join(waiting)} or A for absent, then Ctrl+R records." if waiting else ". Ctrl+R records."
        self.app.notify(said, timeout=8)
        self.paint()

    def action_vote(self) -> None:
        """Ctrl+R: start the vote at the first person still to answer (and open it on the devices),
        reveal the devices' answers, or record the check."""
        frame = self.frame
        if frame.mode == VOTING:
            ballot = self._device_ballot()
            if ballot is not None and not ballot.revealed:
                self._reveal(ballot)
            else:
                self.record_check()
        elif self.issue is not None and self.voter_rows():
            self._open_on_devices()
            rows, missing = self.voter_rows(), set(self.tally().missing)
            self.voters.highlighted = next((n for n, (key, _, _) in enumerate(rows) if key in missing), 0)
            frame.set_mode(VOTING)
        else:
            self.app.notify("No one to vote: the session has no voting members.", severity="warning")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list is self.voters and self.frame.mode == VOTING:
            self.frame.paint_mode()  # the bar names the person the next key answers for

    def response_key(self, char: str) -> None:
        """Voting: the pointed person's response from one key (A: absent / not voting), then
        the next person. Any other key changes nothing and says so."""
        values = VOTE_KEYS[self.method]
        key_char = char.lower()
        if key_char not in values and key_char != ABSENT_KEY:
            self.frame.wrong_mode_key()
            return
        voters = self.voters
        rows = self.voter_rows()
        if not rows or voters.highlighted is None:
            return
        key, _, party = rows[voters.highlighted]
        if key_char == ABSENT_KEY:
            self.responses.pop(key, None)
            if key not in self.absent:
                self.absent.append(key)
        else:
            self.responses[key] = Response(who=key, party=party, value=values[key_char])
            self.absent = [k for k in self.absent if k != key]
        position = voters.highlighted
        self.paint()
        voters.highlighted = min(position + 1, len(rows) - 1)
        self.frame.paint_mode()

    def clear_response(self) -> None:
        """Voting, Backspace: the pointed person has not answered."""
        key = self.selected()
        if key:
            self.responses.pop(key, None)
            self.absent = [k for k in self.absent if k != key]
            self.paint()

    def record_check(self) -> None:
        """Ctrl+R while voting: record the check, once every counted person has answered or is
        marked absent (the rule is ``process.tally``'s; ``editing.record_check`` refuses too)."""
        issue, app, frame = self.issue, self.app, self.frame
        if issue is None:
            return
        tally = self.tally()
        if not tally.complete:
            who = f"{', '.join(tally.missing)} {'has' if len(tally.missing) == 1 else 'have'}"
            app.notify(
                f"Not complete: {who} not answered. Key their answer, or A for absent / not voting.",
                title="Not recorded",
                severity="warning",
                timeout=6,
            )
            return
        result = app.change(
            "record consensus check",
            editing.record_check,
            issue.id,
            self.method,
            list(self.responses.values()),
            proposal=issue.proposal,
            absent=list(self.absent),
            revision=latest.n if (latest := drafting.latest(issue)) is not None else None,
        )
        if result is None:
            return
        check, tally = result
        self.responses.clear()
        self.absent = []
        if (host := host_of(app)) is not None and self._device_ballot() is not None:
            host.room.close_ballot()  # the phones show the revealed answers until the next vote
        frame.set_mode(TYPING)
        if tally.consensus:
            app.notify("Consensus reached. Write the TA language.", severity="information")
            agreements.write(app, issue.id, check.id)
        else:
            below = ", ".join(tally.below)
            app.notify(f"No consensus: {below} below the line. What would bring them up?", severity="warning")
            app.push_screen(
                Prompt("What would bring people up? (note for the record, optional)"),
                lambda note: note and app.change("note on check", editing.note_check, issue.id, check.id, note),
            )
        frame.refresh_all()
