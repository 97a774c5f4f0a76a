"""Straw polls in the app: the recorder keys a dot vote or a 1–5 score for each member, the
options stage shows the latest poll as bars, and "keep the top K" sets the others aside.

Ctrl+R at the Options stage (or the palette / Ctrl+O: "Straw poll…") opens ``PollScreen``: one
row per member, one column per active option. A digit is the pointed person's dots (or score) on
the pointed option and the pointer moves on; a person whose dots are all placed hands over to the
next person. A key that would give someone more than N dots is refused with a one-line message,
and nothing else changes. Ctrl+R records the poll (``editing.record_poll``); Esc leaves it as a
draft for the issue, kept until it is recorded or the room moves on. No text field here: the grid
takes every key, and nothing reaches the record before Ctrl+R.

With the room open to devices (F11, ``tui/devices.py``), Ctrl+O opens the poll on every phone,
named or anonymous (asked once): each phone places its own dots or scores, which stay hidden (a
row says "answered on a device", never what) until Ctrl+O again reveals them all together. A named
poll's revealed marks fill their people's rows (the recorder keys the rest) and Ctrl+R records as
before, each response with the device it came from; an anonymous poll is recorded at the reveal,
every response as "Participant N" in a shuffled order, the keyed rows too, no device named: the
record keeps the marks, not the names (and the marks reach the phones only once recorded).

The counting (tallies, ranks, ties, top K) is ``polls.py``'s; this module only shows and asks.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, Static

from ... import editing, polls
from ...devices.room import Ballot, Choice, DeviceProblem
from ...model import Issue, PollKind, PollResponse
from ..devices import host_of
from ..modals import Choose, Prompt
from ..text import join, literal, one_line

if TYPE_CHECKING:
    from ..app import IbbApp

DEFAULT_DOTS = 3
BAR = "█"
HINT = (
    "digits mark · ←→↑↓ move · Enter next person · +/− dots each · Ctrl+T kind · Ctrl+O on the devices / reveal"
    " · Ctrl+R records · Esc keeps a draft"
)


@dataclass
class PollDraft:
    """The poll being keyed for one issue: kept when the form is closed with Esc."""

    issue: str
    options: list[str]  # option ids, the columns
    voters: list[tuple[str, str]]  # (name, party id), the rows
    kind: PollKind = PollKind.DOTS
    dots: int = DEFAULT_DOTS
    marks: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, column) -> dots / score
    devices: dict[int, str] = field(default_factory=dict)  # row -> the device its marks came from

    def placed(self, row: int) -> int:
        return sum(n for (r, _), n in self.marks.items() if r == row)

    def votes(self, row: int) -> dict[str, int]:
        return {self.options[c]: n for (r, c), n in sorted(self.marks.items()) if r == row and n}

    def responses(self) -> list[PollResponse]:
        return [
            PollResponse(who=name, party=party, votes=self.votes(row), device=self.devices.get(row, ""))
            for row, (name, party) in enumerate(self.voters)
        ]

    def problem(self, row: int, column: int, value: int) -> str | None:
        """Why ``value`` cannot go in that cell: the person's marks checked as ``polls`` checks them."""
        trial = {**self.votes(row), self.options[column]: value}
        reason = polls.response_problem(self.kind, self.dots, {k: v for k, v in trial.items() if v})
        return f"{self.voters[row][0]}: {reason}" if reason else None


class PollGrid(Widget, can_focus=True):
    """Members down, options across; a pointer cell. Every key is handled here, in its turn (a
    burst "→ → 2" must land on the right cell), and none is text."""

    def __init__(self, draft: PollDraft, tags: dict[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.draft, self.tags = draft, tags
        self.row, self.column = 0, 0
        self.hidden: set[str] = set()  # names whose marks wait, hidden, on their devices

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self.draft.voters) + 1

    def on_key(self, event: Key) -> None:
        screen = self.screen
        assert isinstance(screen, PollScreen)
        moves = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
        if event.key in moves:
            dr, dc = moves[event.key]
            self.move(self.row + dr, self.column + dc)
        elif event.key in ("home", "end"):
            self.move(self.row, 0 if event.key == "home" else len(self.draft.options) - 1)
        elif event.key in ("enter", "tab"):
            self.move(self.row + 1, 0)
        elif event.key in ("backspace", "delete"):
            screen.put(self.row, self.column, 0, advance=False)
        elif event.character and event.character.isdigit() and event.character.isascii():
            screen.put(self.row, self.column, int(event.character))
        elif event.character == "+" or event.character == "-":
            screen.change_dots(1 if event.character == "+" else -1)
        elif event.character and event.character.isprintable():
            screen.say("Letters are not marks here: digits key the marks · Ctrl+R records · Esc closes", warning=True)
        else:
            return
        event.stop()
        event.prevent_default()

    def move(self, row: int, column: int) -> None:
        self.row = max(0, min(len(self.draft.voters) - 1, row))
        self.column = max(0, min(len(self.draft.options) - 1, column))
        self.refresh()
        screen = self.screen
        if isinstance(screen, PollScreen):
            screen.paint_status()

    def render(self) -> Content:
        draft = self.draft
        name_width = min(22, max((len(name) for name, _ in draft.voters), default=4) + 4)
        cell = max(4, max((len(f"O{n}") for n in range(1, len(draft.options) + 1)), default=2) + 2)
        # As many option columns as fit beside the names, around the pointer (many options on a
        # narrow wall scroll sideways; "◂" / "▸" say there are more).
        count = len(draft.options)
        fit = max(1, (self.size.width - name_width - 9) // cell) if self.size.width else count
        left = max(0, min(self.column - fit // 2, count - fit))
        columns = range(left, min(count, left + fit))
        more = ("◂" if left > 0 else " ") + ("▸" if columns.stop < count else " ")
        head = [literal(more.ljust(name_width), "bold $accent")]
        for c in columns:
            style = "bold reverse" if c == self.column else "bold"
            head.append(literal(f"O{c + 1}".center(cell), style))
        head.append(literal("  placed" if draft.kind is PollKind.DOTS else "", "bold"))
        lines = [Content("").join(head)]
        height = max(1, self.size.height - 1)
        first = max(0, min(self.row - height // 2, len(draft.voters) - height))
        for r in range(first, min(len(draft.voters), first + height)):
            name, party = draft.voters[r]
            label = one_line(f"{name} ({self.tags.get(party, party)})", name_width - 1).ljust(name_width)
            parts = [literal(label, "bold" if r == self.row else "")]
            for c in columns:
                value = draft.marks.get((r, c), 0)
                text = (str(value) if value else "·").center(cell)
                style = "bold reverse $accent" if (r, c) == (self.row, self.column) else "bold" if value else "dim"
                parts.append(literal(text, style))
            if draft.kind is PollKind.DOTS:
                placed = draft.placed(r)
                style = "bold $success" if placed == draft.dots else "dim"
                parts.append(literal(f"  {placed}/{draft.dots}", style))
            if name in self.hidden:
                parts.append(literal("  answered on a device (hidden)", "italic $accent"))
            lines.append(Content("").join(parts))
        return Content("\n").join(lines)


class PollScreen(ModalScreen[bool]):
    """The recorder's entry form for one straw poll (see the module docstring)."""

    CSS_PATH = "polls.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close (keeps the draft)"),
        Binding("ctrl+r", "record", "Record the poll", priority=True, id="poll.record"),
        Binding("ctrl+t", "kind", "Dots / 1–5 score", priority=True, id="poll.kind"),
        Binding("ctrl+o", "devices", "On the devices / reveal", priority=True, id="poll.devices"),
    ]

    def __init__(self, draft: PollDraft, issue: Issue, tags: dict[str, str]) -> None:
        super().__init__(classes="dialog-screen")
        self.draft, self.issue_id = draft, issue.id
        self.texts = {o.id: o.text for o in issue.options}
        self.grid = PollGrid(draft, tags, id="poll-grid")
        self._title = Label("", classes="dialog-title", id="poll-title")
        self._option = Static("", id="poll-option")
        self._message = Static("", id="poll-message")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="poll-dialog"):
            yield self._title
            yield self.grid
            yield self._option
            yield self._message
            yield Label(
                literal(HINT),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.grid.styles.max_height = max(3, self.app.size.height - 12)  # the rest of the form stays in view
        self.grid.focus()
        self.paint_status()

    def say(self, text: str, warning: bool = False) -> None:
        """The one-line message under the grid."""
        self._message.update(literal(text, "bold $warning" if warning else "dim"))

    def paint_status(self) -> None:
        draft = self.draft
        ballot = self.ballot()
        self.grid.hidden = set(ballot.answers) if ballot is not None and not ballot.revealed else set()
        if draft.kind is PollKind.DOTS:
            title = join(("Straw poll: dot vote", "bold"), f"  {draft.dots} dot{'s' if draft.dots != 1 else ''} each")
        else:
            title = join(("Straw poll: 1–5 score", "bold"), "  1 weak … 5 strong, blank: no score")
        self._title.update(title)
        column = self.grid.column
        oid = draft.options[column] if draft.options else ""
        option = join((f"O{column + 1} ", "bold $accent"), literal(one_line(self.texts.get(oid, oid))))
        if ballot is not None and not ballot.revealed:
            how = "anonymous" if ballot.anonymous else "named"
            option = join(
                option,
                (f"\nOn the devices ({how}): {len(ballot.answers)} of {len(ballot.voters)} answered", "bold $accent"),
                (" · hidden until Ctrl+O reveals", "dim"),
            )
        self._option.update(option)

    def put(self, row: int, column: int, value: int, advance: bool = True) -> None:
        """A mark keyed for a person on an option, checked for that person before it is kept."""
        draft, grid = self.draft, self.grid
        if draft.kind is PollKind.SCORE and value > 5:
            self.say("A score is 1 to 5 (0 or Backspace clears it)", warning=True)
            return
        reason = draft.problem(row, column, value)
        if reason:
            self.say(reason, warning=True)
            return
        if value:
            draft.marks[(row, column)] = value
        else:
            draft.marks.pop((row, column), None)
        draft.devices.pop(row, None)  # keyed here now: no longer the marks the device sent
        self.say("")
        if not advance:
            grid.refresh()
        elif draft.kind is PollKind.DOTS and draft.placed(row) >= draft.dots:
            grid.move(row + 1, 0)  # all of this person's dots are placed: the next person
        elif column + 1 < len(draft.options):
            grid.move(row, column + 1)
        else:
            grid.move(row + 1, 0)

    def change_dots(self, step: int) -> None:
        draft = self.draft
        if self._open_on_devices():
            return
        if draft.kind is not PollKind.DOTS:
            self.say("+ and − set the dots each person has: a dot vote only (Ctrl+T)", warning=True)
            return
        new = draft.dots + step
        over = [name for row, (name, _) in enumerate(draft.voters) if draft.placed(row) > new]
        if polls.dots_problem(new) or over:
            self.say(
                f"{', '.join(over)} already placed more than {new}" if over else polls.dots_problem(new) or "",
                warning=True,
            )
            return
        draft.dots = new
        self.say("")
        self.grid.refresh()
        self.paint_status()

    def action_kind(self) -> None:
        """Ctrl+T: a dot vote or a 1–5 score (the marks keyed so far go: they mean another thing)."""
        draft = self.draft
        if self._open_on_devices():
            return
        draft.kind = PollKind.SCORE if draft.kind is PollKind.DOTS else PollKind.DOTS
        had = bool(draft.marks)
        draft.marks.clear()
        self.say("The marks keyed so far were cleared: they meant another kind of poll" if had else "", warning=had)
        self.grid.move(0, 0)  # a new start: the first person, the first option
        self.paint_status()

    # --- on the devices (tui/devices.py) ------------------------------------------------------------

    def ballot(self) -> Ballot | None:
        """The poll open on the devices for this issue, if the room is open."""
        host = host_of(self.app)
        ballot = host.room.ballot if host is not None else None
        return ballot if ballot is not None and ballot.kind == "poll" and ballot.issue == self.issue_id else None

    def _open_on_devices(self) -> bool:
        """True (and says so) when the poll is open on the devices: its kind and dots stay."""
        ballot = self.ballot()
        if ballot is not None and not ballot.revealed:
            self.say("The poll is open on the devices: Ctrl+O reveals it first", warning=True)
            return True
        return False

    def devices_changed(self) -> None:
        self.paint_status()
        self.grid.refresh()

    def action_devices(self) -> None:
        """Ctrl+O: open the poll on every device (named or anonymous), or reveal it."""
        host = host_of(self.app)
        if host is None:
            self.say("The room is not open to devices: F11 on the session screen opens it", warning=True)
            return
        ballot = self.ballot()
        if ballot is not None and not ballot.revealed:
            self._reveal()
            return
        draft = self.draft
        issue = self.app.session.issue(draft.issue)  # type: ignore[attr-defined]
        numbers = {o.id: n for n, o in enumerate(issue.options, start=1)} if issue is not None else {}
        choices = [Choice(oid, f"#{numbers.get(oid, '?')}", self.texts.get(oid, oid)) for oid in draft.options]
        kind = polls.KIND_LABELS[draft.kind] + (f", {draft.dots} dots each" if draft.kind is PollKind.DOTS else "")

        def chosen(anonymous: bool | None) -> None:
            if anonymous is None:
                return
            try:
                host.room.open_poll(draft.issue, draft.kind, draft.dots, choices, title=kind, anonymous=anonymous)
            except DeviceProblem as problem:
                self.say(str(problem), warning=True)
                return
            self.say(
                f"Open on every device ({'anonymous' if anonymous else 'named'}): Ctrl+O reveals the marks together"
            )
            self.paint_status()

        self.app.push_screen(
            Choose(
                f"Open the {kind.lower()} on every device",
                [
                    ("Named: the record keeps who marked what, as when keyed here", False),
                    ("Anonymous: the record keeps the marks, never the names", True),
                ],
                hint="↑/↓ and Enter · Esc: not now",
            ),
            chosen,
        )

    def _reveal(self) -> None:
        host, draft, ballot = host_of(self.app), self.draft, self.ballot()
        if host is None or ballot is None:
            return
        if ballot.anonymous:
            self._record_anonymous(ballot)
            return
        revealed = host.room.reveal()
        column = {oid: c for c, oid in enumerate(draft.options)}
        rows = {name: r for r, (name, _) in enumerate(draft.voters)}
        taken = 0
        for name, _, label, marks in revealed.answers:
            row = rows.get(name)
            if row is None or not isinstance(marks, dict):
                continue
            for key in [k for k in draft.marks if k[0] == row]:
                del draft.marks[key]
            for oid, n in marks.items():
                if oid in column:
                    draft.marks[(row, column[oid])] = n
            draft.devices[row] = label
            taken += 1
        self.say(f"Revealed {taken} people's marks from their devices: key the others, then Ctrl+R records")
        self.paint_status()
        self.grid.refresh()

    def _record_anonymous(self, ballot: Ballot) -> None:
        """An anonymous poll, recorded at the reveal: every response a participant, shuffled, no
        device named (which rows were keyed here must not point at the people without a phone);
        a row keyed here for someone who also answered on a device counts once: the device's.
        Revealed on the phones only once recorded: a poll the rules refuse (an option set aside
        meanwhile) keeps its hidden marks, to reveal again when it can be recorded."""
        draft = self.draft
        from_devices = [dict(v) for v in ballot.answers.values() if isinstance(v, dict)]
        keyed = [r.votes for r in draft.responses() if r.votes and r.who not in ballot.answers]
        marks = from_devices + keyed
        secrets.SystemRandom().shuffle(marks)
        responses = [PollResponse(who=f"Participant {n}", votes=votes) for n, votes in enumerate(marks, 1)]
        if self._record(responses, anonymous=True) and (host := host_of(self.app)) is not None:
            host.room.reveal()  # the phones show the totals (the names stay in memory, never shown)
            host.room.close_ballot()
            self.dismiss(True)

    def action_record(self) -> None:
        ballot = self.ballot()
        if ballot is not None and not ballot.revealed:
            self.say("The poll is open on the devices: Ctrl+O reveals their marks first", warning=True)
            return
        if self._record(self.draft.responses()):
            host = host_of(self.app)
            if host is not None and ballot is not None:
                host.room.close_ballot()  # the phones keep showing the revealed marks
            self.dismiss(True)

    def _record(self, responses: list[PollResponse], *, anonymous: bool = False) -> bool:
        """Record the poll (``editing.record_poll``); False when the rules refuse it (said)."""
        draft = self.draft
        app: IbbApp = self.app  # type: ignore[assignment]
        poll = app.change(
            "straw poll",
            editing.record_poll,
            draft.issue,
            draft.kind,
            responses,
            dots=draft.dots if draft.kind is PollKind.DOTS else 0,
            options=list(draft.options),
            anonymous=anonymous,
        )
        return poll is not None

    def action_close(self) -> None:
        self.dismiss(False)


# --- the options stage: the latest poll as bars, and "keep the top K" ---------------------------


def chart(issue: Issue, width: int) -> Content:
    """The issue's latest poll as bars, ``#n`` as in the options list, for a column ``width`` wide."""
    poll = polls.latest(issue)
    if poll is None:
        return Content("")
    counted = polls.tally(issue, poll)
    tags = {o.id: f"#{n}" for n, o in enumerate(issue.options, start=1)}
    label_width = max(len(counted.label(bar)) for bar in counted.bars)
    people = f"{counted.people} {'person' if counted.people == 1 else 'people'}"
    lines = [join((polls.poll_title(poll), "bold"), (f" · {people} · {poll.at:%H:%M}", "dim"))]
    lines += bar_rows(counted, tags, max(4, width - 9 - label_width))
    return Content("\n").join(lines)


def bar_rows(counted: polls.Tally, tags: dict[str, str], bar_width: int) -> list[Content]:
    """A poll's bars, one a line (rank, the option's tag, the bar, its figure; an option set
    aside since, struck), then the sentence naming the ties: the options stage and review."""
    lines = []
    for bar in counted.bars:
        cells = polls.bar_cells(counted, bar, bar_width)
        lines.append(
            join(
                (f"{bar.rank_label:>3} ", "dim"),
                (f"{tags.get(bar.option, '?'):<4}", "bold" if bar.active else "dim strike"),
                (BAR * cells, "bold $primary" if bar.active else "dim"),
                (" " * (bar_width - cells) + " ", ""),
                (counted.label(bar), "bold" if bar.active else "dim"),
                ("" if bar.active else "  set aside since", "dim italic"),
            )
        )
    ties = counted.ties_sentence(tags)
    if ties:
        lines.append(literal(ties, "italic $warning"))
    return lines


def keep_top(app: IbbApp, issue: Issue) -> None:
    """Ask how many to keep; on a tie at the cut, ask whether to keep the tie whole."""
    poll = polls.latest(issue)
    if poll is None:
        app.notify("No straw poll yet on this issue: Ctrl+R takes one.", severity="information")
        return
    active = [b for b in polls.tally(issue, poll).bars if b.active]

    def take(answer: str | None) -> None:
        if not answer or not answer.strip():
            return
        text = answer.strip()
        if not text.isdigit() or not text.isascii():
            app.notify("Keep how many? A whole number, e.g. 3.", severity="warning")
            return
        k = int(text)
        result = polls.top_k(issue, poll, k)
        if result.problem.startswith("a tie"):
            whole = polls.top_k(issue, poll, k, ties="include")
            if whole.problem:
                app.notify(whole.problem, title="Not done", severity="warning")
                return
            choices: list[tuple[str, str]] = [
                (f"Keep {len(whole.keep)}: the tie at place {k} stays whole", "include"),
                ("Do nothing (poll again, or choose another number)", ""),
            ]
            app.push_screen(
                Choose(f"{result.problem.split('. Keep')[0]}.", choices, hint="↑/↓ and Enter · Esc closes"),
                lambda ties: _keep(app, issue, poll.id, k, "include") if ties else None,
            )
            return
        _keep(app, issue, poll.id, k, "refuse")

    app.push_screen(
        Prompt(
            f"Keep the top how many of {len(active)} options? The others are set aside (Ctrl+Z undoes it).",
            hint="A tie at the cut is never broken silently: you are asked.",
        ),
        take,
    )


def _keep(app: IbbApp, issue: Issue, poll_id: str, k: int, ties: polls.Ties) -> None:
    result = app.change(f"keep the top {k}", editing.keep_top, issue.id, poll_id, k, ties=ties)
    if result is not None:
        note = f" ({result.note})" if result.note else ""
        app.notify(f"Kept {len(result.keep)}, set aside {len(result.set_aside)}{note} · Ctrl+Z undoes it", timeout=6)
