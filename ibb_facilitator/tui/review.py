"""Review: a session for reading, days or years later; nothing here can change the file.

Left, the places to read: the session overview, the negotiation when the file's folder holds
one (``standing``: its package, votes and this session's joint update, as the folder stands
now), every issue with its outcome (status; TA or not), then the tentative agreements, the
parking lot, actions, caucuses and the change log.
Right, the selected place in full: an issue's statement, article and who raised it, its
interests grouped by holder (mutual ones marked), options with their state, criteria with the
rating grid, the draft of the language (its revisions, the text as it stood), every consensus check
with each response and its outcome, and the TA language with
its initials.

A timeline replays the event log (``timeline.py``): ``[`` / ``]`` one change back / forward,
``{`` / ``}`` the end of the previous / next meeting day, ``t`` picks a moment from a list. The
same layout shows the session as it stood then. The find box (``Ctrl+F`` or ``/``) keeps only the
places holding the text and jumps from match to match (Enter, or ``n`` / ``N``).

The session comes from ``SessionFile.open(readonly=True)`` (no lock, no backup, no save), the
screen never calls ``app.change``, and every string from the file is shown through ``literal``.

Over 500 lines because review is one screen with three tied parts (the outline, the page, the
timeline and find box) that share the shown moment; the page's text itself is built in ``export``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from .. import costing, model, polls, process, screening
from ..model import (
    MUTUAL,
    ActionKind,
    ConsensusCheck,
    Criterion,
    Interest,
    Issue,
    IssueStatus,
    Method,
    OptionState,
    Outcome,
    Poll,
    Session,
    TentativeAgreement,
)
from ..negotiation import load
from ..store import SessionFile
from ..timeline import Timeline, day_marks
from . import standing
from .modals import Choose, Panel
from .negotiating import provenance
from .text import join, literal, one_line
from .widgets import TitleBar

if TYPE_CHECKING:
    from ..negotiation.core import Negotiation

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_STATUS_STYLE = {
    IssueStatus.AGREED: "bold $success",
    IssueStatus.PARKED: "$warning",
    IssueStatus.WITHDRAWN: "dim",
    IssueStatus.NO_CONSENSUS: "$error",
    IssueStatus.OPEN: "",
}
MATCH_STYLE = "reverse $warning"

#: Places other than issues, in the order the left list shows them (the overview first).
NEGOTIATION = "view:negotiation"  # shown once the folder is read, when it holds a negotiation
VIEWS = (
    ("view:overview", "Session overview"),
    ("view:agreements", "Tentative agreements"),
    ("view:parking", "Parking lot"),
    ("view:actions", "Actions and information requests"),
    ("view:caucuses", "Caucuses"),
    ("view:log", "Change log"),
)

KEYS = [
    ("↑ / ↓, Enter, Tab", "move in the list; Enter or Tab reads the selected place on the right"),
    ("Ctrl+F or /", "find: keeps the places that hold the text; Enter jumps to the next match"),
    ("n / N", "next / previous match"),
    ("[ / ]", "one change back / forward in time"),
    ("{ / }", "end of the previous / next meeting day"),
    ("t", "pick a moment: the start, the end of each meeting day, now"),
    ("Esc", "clear the find box; back to where you came from"),
    ("F9", "projector (light) ⇄ dark theme"),
    ("Ctrl+Q", "quit"),
]


def when_label(moment: datetime) -> str:
    """'Tue 9 Mar 2027 17:00', in English whatever the locale."""
    return f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M}"


@dataclass(frozen=True)
class Row:
    """One line (or block) of the right-hand pane; ``key`` is set for rows a reader can land on."""

    prompt: Content
    key: str | None = None


def _header(text: str) -> Row:
    return Row(join(("── ", "dim"), (text, "bold $primary"), (" ──", "dim")))


def _field(label: str, value: str) -> Content:
    return join((f"{label}: ", "bold"), literal(value))


class ReviewScreen(Screen):
    CSS_PATH = "review.tcss"

    BINDINGS = [
        Binding("ctrl+f", "find", "Find", priority=True, id="review.find"),
        Binding("slash", "find", "Find", show=False),
        Binding("n", "next_match(1)", "Next match", show=False),
        Binding("N", "next_match(-1)", "Previous match", show=False),
        Binding("left_square_bracket", "step(-1)", "◀ Change", id="review.back"),
        Binding("right_square_bracket", "step(1)", "Change ▶", id="review.forward"),
        Binding("left_curly_bracket", "day(-1)", "◀ Day", id="review.day-back"),
        Binding("right_curly_bracket", "day(1)", "Day ▶", id="review.day-forward"),
        Binding("t", "moment", "Moment…", id="review.moment"),
        Binding("escape", "back", "Back", id="review.escape"),
        Binding("f1", "keys", "Keys", id="review.help"),
        Binding("ctrl+s", "save_as", "Save as", show=False),
    ]

    def __init__(self, opened: SessionFile, *, focus: str | None = None, at: int | None = None):
        super().__init__()
        self.file = opened
        self.session: Session = opened.session
        self.timeline = Timeline(self.session)
        total = len(self.timeline)
        self.position = total if at is None else max(0, min(total, at))
        self.state: Session = self.timeline.view(self.position)
        self.focus_id = focus
        self.place: str | None = None  # the key of the place shown on the right
        self.query_text = ""
        self.matches: list[tuple[str, str]] = []  # (place, row key) of every match, in reading order
        self.match_index = -1
        self._texts: list[tuple[str, str, str]] | None = None  # (place, row key, folded text)
        self.negotiation: Negotiation | None = None  # its folder's, once read, when it is one

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(self._banner(), id="review-banner")
        yield Static("", id="review-when")
        with Horizontal(id="review-body"):
            with Vertical(id="review-left"):
                yield Input(placeholder="Find (Ctrl+F or /): text in any item", id="find")
                yield Static("", id="find-status")
                yield OptionList(id="review-places")
            yield OptionList(id="review-detail")
        yield Footer()

    def _banner(self) -> Content:
        return join(
            ("Review: read-only", "bold"),
            "  ·  ",
            literal(self.file.path.name),
            "  ·  nothing here can change the file",
        )

    def on_mount(self) -> None:
        self.title = self.session.title
        self.sub_title = f"{self.file.path.name} · review (read-only)"
        self.query_one("#find-status", Static).display = False
        self.repaint()
        self.query_one("#review-places", OptionList).focus()
        self._read_negotiation()
        if self.focus_id and not self.show_item(self.focus_id):
            self.app.notify(
                f"{self.focus_id} is not in this "
                f"session{' at this moment' if self.position < len(self.timeline) else ''}.",
                severity="warning",
            )

    @work(thread=True, exclusive=True, group="review-negotiation", exit_on_error=False)
    def _read_negotiation(self) -> None:
        """The folder's negotiation, read beside the screen (the board's cache makes it quick);
        a folder that cannot be read costs the review nothing but the place."""
        try:
            neg = load(self.file.path)
        except Exception:
            return
        if standing.qualifies(neg):
            self.app.call_from_thread(self._negotiation_read, neg)

    def _negotiation_read(self, neg: Negotiation) -> None:
        self.negotiation = neg
        self._paint_places()

    # --- painting -----------------------------------------------------------------------------

    def repaint(self) -> None:
        """The state at ``position``, in the left list and on the right, keeping the place shown."""
        self.state = self.timeline.view(self.position)
        self._texts = None
        self._paint_when()
        if self.query_text:
            self._find(self.query_text, jump=False)
        self._paint_places()
        self._paint_detail()

    def _paint_when(self) -> None:
        total, n = len(self.timeline), self.position
        widget = self.query_one("#review-when", Static)
        widget.set_class(n < total, "-past")
        if n >= total:
            when = f"Now (the file as saved) — {total} of {total} changes"
        elif n == 0:
            when = f"At the start, before any change — 0 of {total} changes"
        else:
            when = f"As of {when_label(self.timeline.events[n - 1].at)} — {n} of {total} changes"
        parts = [join((when, "bold"), ("   [ ] change · { } day · t moment", "dim"))]
        if n > 0:
            parts.append(
                join(
                    ("Last change: ", "dim"),
                    literal(one_line(self.timeline.events[n - 1].summary or self.timeline.events[n - 1].action, 200)),
                )
            )
        if n < total and self.timeline.skipped:
            parts.append(
                literal(
                    f"{len(self.timeline.skipped)} logged change(s) could not be replayed: this view may differ from "
                    "what the room saw.",
                    "$warning",
                )
            )
        widget.update(Content("\n").join(parts))

    def _places(self) -> list[tuple[str, Content]]:
        state = self.state
        rows: list[tuple[str, Content]] = []
        counts = {
            "view:agreements": len(state.standing_agreements()),
            "view:parking": len(state.parking_lot),
            "view:actions": len(state.actions),
            "view:caucuses": len(state.caucuses),
            "view:log": len(state.events),
        }
        rows.append(("view:overview", join(("Session overview", "bold"))))
        if self.negotiation is not None:
            rows.append((NEGOTIATION, join(("The negotiation", "bold"), literal(f" ({self.negotiation.name})", "dim"))))
        for n, issue in enumerate(state.issues, start=1):
            rows.append((f"issue:{issue.id}", self._issue_row(n, issue)))
        for key, label in VIEWS[1:]:
            rows.append((key, join((label, "bold"), (f" ({counts[key]})", "dim"))))
        return rows

    def _issue_row(self, n: int, issue: Issue) -> Content:
        tas = self.state.standing_agreements(issue.id)  # a superseded TA settles nothing
        if not tas:
            ta = ("TA: no", "dim")
        elif all(not process.initials_missing(self.state, [i.party for i in t.initials]) for t in tas):
            ta = ("TA: yes, initialed", "bold $success")
        else:
            ta = ("TA: yes, not yet initialed", "$warning")
        status = process.STATUS_LABELS[issue.status]
        return join(
            (f"{n:>2}. ", "bold"),
            literal(one_line(issue.statement, 160), "strike" if issue.status is IssueStatus.WITHDRAWN else ""),
            "\n    ",
            (status, _STATUS_STYLE[issue.status]),
            (" · ", "dim"),
            ta,
        )

    def _paint_places(self) -> None:
        widget = self.query_one("#review-places", OptionList)
        rows = self._places()
        if self.query_text:
            hit = {place for place, _ in self.matches}
            rows = [(key, prompt) for key, prompt in rows if key in hit]
        keys = [key for key, _ in rows]
        if self.place not in keys:
            self.place = keys[0] if keys else None
        widget.clear_options()
        widget.add_options([Option(prompt, id=key) for key, prompt in rows])
        if self.place is not None:
            widget.highlighted = keys.index(self.place)

    def _paint_detail(self, item: str | None = None) -> None:
        widget = self.query_one("#review-detail", OptionList)
        rows = self._detail(self.place) if self.place else [Row(literal("Nothing matches.", "dim"))]
        widget.clear_options()
        options = []
        for row in rows:
            prompt = row.prompt
            if row.key is not None and row.key == self.focus_key():
                prompt = join(("▶ ", "bold $accent"), prompt)
            if self.query_text:
                prompt = _mark(prompt, self.query_text)
            options.append(Option(prompt, id=row.key, disabled=row.key is None))
        widget.add_options(options)
        target = item or self.focus_key()
        if target is not None:
            try:
                widget.highlighted = widget.get_option_index(target)
            except Exception:
                pass
        widget.border_title = self._place_title()

    def focus_key(self) -> str | None:
        return f"item:{self.focus_id}" if self.focus_id else None

    def _place_title(self) -> str:
        if self.place is None:
            return ""
        if self.place.startswith("issue:"):
            issue = self.state.issue(self.place[6:])
            if issue is not None:
                return f"Issue {self.state.issues.index(issue) + 1} of {len(self.state.issues)}"
        return dict(VIEWS).get(self.place, "The negotiation" if self.place == NEGOTIATION else "")

    # --- the right-hand pane ------------------------------------------------------------------

    def _detail(self, place: str) -> list[Row]:
        if place.startswith("issue:"):
            issue = self.state.issue(place[6:])
            return (
                self._issue_detail(issue)
                if issue
                else [Row(literal("This issue does not exist at this moment.", "dim"))]
            )
        return {
            "view:overview": self._overview,
            "view:agreements": self._agreements,
            "view:parking": self._parking,
            "view:actions": self._actions,
            "view:caucuses": self._caucuses,
            "view:log": self._log,
            NEGOTIATION: self._negotiation,
        }.get(place, lambda: [])()

    def _issue_detail(self, issue: Issue) -> list[Row]:
        state = self.state
        rows: list[Row] = []
        n = state.issues.index(issue) + 1
        meta = [f"Issue {n} of {len(state.issues)}"]
        if issue.article.strip():
            meta.append(issue.article)
        meta.append(process.STATUS_LABELS[issue.status])
        meta.append(
            "raised by " + ("the joint team" if issue.raised_by == "joint" else state.holder_label(issue.raised_by))
        )
        meta.append(f"stage reached: {issue.stage.value}")
        lines = [literal(" · ".join(meta), "dim"), literal(issue.statement, "bold")]
        came = provenance(state, issue)
        if came:  # an issue of an earlier session of the negotiation, or agreed in one
            lines.append(_field("Earlier sessions", came))
        if issue.data_needed.strip():
            lines.append(_field("Data needed", issue.data_needed))
        if issue.notes.strip():
            lines.append(_field("Notes", issue.notes))
        if issue.brainstorming:
            lines.append(literal("Brainstorm under way: no option judged yet.", "italic"))
        rows.append(Row(Content("\n").join(lines), f"item:{issue.id}"))

        interest_labels = {i.id: f"I{k}" for k, i in enumerate(issue.interests, start=1)}
        option_labels = {o.id: f"O{k}" for k, o in enumerate(issue.options, start=1)}
        if issue.interests:
            rows.append(_header(f"Interests ({len(issue.interests)})"))
            for holder, mine in state.interest_groups(issue):
                mutual = holder == MUTUAL
                title = join(
                    ("★ " if mutual else "", "bold $success"),
                    literal(f"{state.holder_label(holder)} ({state.holder_tag(holder)})", "bold underline"),
                    (": interests every party shares" if mutual else "", "italic"),
                )
                rows.append(Row(title))
                for interest in mine:
                    tag = (
                        (f" {state.holder_tag(holder)} ", "bold reverse $success")
                        if mutual
                        else (f"({state.holder_tag(holder)})", "bold $primary")
                    )
                    kind = f"  ({interest.kind.value})" if interest.kind else ""
                    rows.append(
                        Row(
                            join(
                                (f"{interest_labels[interest.id]} ", "dim"),
                                tag,
                                " ",
                                literal(interest.text, "bold" if mutual else ""),
                                (kind, "dim"),
                            ),
                            f"item:{interest.id}",
                        )
                    )

        if issue.options:
            tags = {i.id: state.holder_tag(i.holder) for i in issue.interests}
            rows.append(_header(f"Options ({len(issue.options)})"))
            for option in issue.options:
                label = (f"{option_labels[option.id]} ", "bold")
                if option.state is OptionState.SET_ASIDE:
                    body = join(label, literal(option.text, "dim strike"), ("  set aside", "dim italic"))
                elif option.state is OptionState.COMBINED:
                    into = option_labels.get(option.combined_into or "", "?")
                    body = join(label, literal(option.text, "dim"), (f"  combined into {into}", "dim italic"))
                else:
                    body = join(label, literal(option.text), ("  on the table", "$success"))
                serves = [f"{interest_labels[s]} ({tags[s]})" for s in option.serves if s in interest_labels]
                if serves:
                    body = join(body, ("\n   serves " + ", ".join(serves), "dim"))
                if option.costs:
                    body = join(body, ("\n   costs ", "dim"), literal(costing.lines_text(option.costs)))
                rows.append(Row(body, f"item:{option.id}"))

        criteria = state.criteria_for(issue)
        if issue.criteria or issue.has_scores():
            rows += self._criteria_rows(issue, criteria, option_labels)

        if issue.polls:
            rows.append(_header(f"Straw polls ({len(issue.polls)})"))
            for k, poll in enumerate(issue.polls, start=1):
                rows.append(Row(self._poll(k, issue, poll, option_labels), f"item:{poll.id}"))
        if issue.revisions:
            latest = issue.revisions[-1]
            rows.append(_header(f"Draft of the language (revision {latest.n} of {len(issue.revisions)})"))
            notes = [
                join((f"rev {r.n} ", "bold"), (when_label(r.at), "dim"), ("  " if r.note else "", ""), literal(r.note))
                for r in issue.revisions
            ]
            rows.append(Row(Content("\n").join(notes)))
            rows.append(Row(literal(issue.draft), f"item:draft-{issue.id}"))

        if issue.checks:
            rows.append(_header(f"Consensus checks ({len(issue.checks)})"))
            for k, check in enumerate(issue.checks, start=1):
                rows.append(Row(self._check(k, check, option_labels), f"item:{check.id}"))

        tas = state.agreements_for(issue.id)
        if tas:
            rows.append(_header("Tentative agreement" + ("s" if len(tas) > 1 else "")))
            for ta in tas:
                rows.append(Row(self._agreement(ta), f"item:{ta.id}"))
        return rows

    def _criteria_rows(self, issue: Issue, criteria, option_labels: dict[str, str]) -> list[Row]:
        state = self.state
        shared = {c.id for c in state.shared_criteria}
        rows = [_header(f"Criteria ({len(criteria)}) and ratings")]
        for k, criterion in enumerate(criteria, start=1):
            rows.append(
                Row(
                    join(
                        (f"C{k} ", "bold $primary"),
                        literal(criterion.text),
                        (f"  {screening.describe(criterion)}" if screening.describe(criterion) else "", "bold $accent"),
                        ("  (every issue)" if criterion.id in shared else "", "dim"),
                    ),
                    f"item:{criterion.id}",
                )
            )
        shown = [o for o in issue.options if o.state is OptionState.ACTIVE or o.scores]
        if not (shown and criteria and issue.has_scores()):
            return rows
        width = 28
        heads = [f"C{k}" + screening.marks(c) for k, c in enumerate(criteria, start=1)]
        span = max(4, *(len(h) + 1 for h in heads))
        head = f"{'Option':<{width}}" + "".join(f"{h:>{span}}" for h in heads) + "     Σ  Rank"
        lines = [literal(head, "bold underline")]
        standing = {s.option.id: s for s in screening.standings(state, issue)}
        for option in shown:
            values = [option.scores.get(c.id) for c in criteria]
            name = one_line(f"{option_labels[option.id]} {option.text}", width - 1)
            cells = "".join(f"{'·' if v is None else v:>{span}}" for v in values)
            placed = standing.get(option.id)
            total = sum(v * c.weighs for v, c in zip(values, criteria) if v is not None)
            rank = "" if placed is None else "out" if placed.rank is None else str(placed.rank)
            struck = placed is not None and placed.screened_out
            lines.append(
                join(
                    literal(
                        f"{name:<{width}}",
                        "dim strike" if struck else "" if option.state is OptionState.ACTIVE else "dim",
                    ),
                    (cells, "bold"),
                    (f"{total:>6}", "bold $accent"),
                    (f"{rank:>6}", "bold $error" if struck else "bold"),
                )
            )
        for placed in standing.values():
            if placed.screened_out:
                label = option_labels[placed.option.id]
                lines.append(join((f"{label} screened out: ", "bold $error"), literal(placed.reason)))
        lines.append(
            literal(
                "Scores from 0 (does not meet) to 5 (fully meets); · not rated yet (counts nothing);"
                " Σ = score × weight; rank among the options not screened out",
                "dim",
            )
        )
        rows.append(Row(Content("\n").join(lines)))
        return rows

    def _poll(self, number: int, issue: Issue, poll: Poll, option_labels: dict[str, str]) -> Content:
        """A straw poll: its kind, when, how many took part, and a bar per option, ranked."""
        counted = polls.tally(issue, poll)
        people = f"{counted.people} {'person' if counted.people == 1 else 'people'}"
        lines = [join((f"Poll {number}: ", "bold"), polls.poll_title(poll), (f" · {people} · {poll.at:%H:%M}", "dim"))]
        if poll.question.strip():
            lines.append(_field("Asked", poll.question))
        from .session.polls import bar_rows

        lines += bar_rows(counted, option_labels, 20)
        return Content("\n").join(lines)

    def _check(self, number: int, check: ConsensusCheck, option_labels: dict[str, str]) -> Content:
        state = self.state
        tally = process.tally(state, check.method, check.responses)
        agreed = check.outcome is Outcome.CONSENSUS
        lines = [
            join(
                (f"Check {number} ", "bold"),
                (f"{process.METHOD_LABELS[check.method]} · {when_label(check.at)}  ", "dim"),
                (
                    " CONSENSUS " if agreed else " NO CONSENSUS ",
                    "bold reverse $success" if agreed else "bold reverse $error",
                ),
            )
        ]
        if check.proposal.strip():
            lines.append(_field("Proposal", check.proposal))
        if check.revision is not None:
            lines.append(_field("Tested", f"draft revision {check.revision}"))
        if check.options:
            lines.append(literal("Draws on " + ", ".join(option_labels.get(o, o) for o in check.options), "dim"))
        below = set(tally.below)
        ignored = set(tally.ignored)
        answers: list[Content] = []
        for response in check.responses:
            who = state.holder_label(response.who) if check.method is Method.PER_PARTY else response.who
            party = state.party(response.party) if response.party else None
            value = process.value_label(check.method, response.value)
            style = "bold $error" if response.who in below else ("dim" if response.who in ignored else "bold")
            note = " (not counted)" if response.who in ignored else ""
            answers.append(
                join(
                    literal(who),
                    literal(f" ({party.short})" if party else "", "dim"),
                    ": ",
                    (value, style),
                    (note, "dim"),
                )
            )
        if answers:
            lines.append(join(("Responses: ", "bold"), Content(" · ").join(answers)))
        if below:
            lines.append(join(("Below the line: ", "bold $error"), literal(", ".join(tally.below))))
        if check.note.strip():
            lines.append(_field("Note", check.note))
        return Content("\n").join(lines)

    def _agreement(self, ta: TentativeAgreement) -> Content:
        state = self.state
        number = next((n for n, t in enumerate(state.agreements, start=1) if t.id == ta.id), 0)
        meta = [f"TA {number}"]
        if ta.superseded_by is not None:
            later = state.agreement_number(ta.superseded_by)
            when = f" on {ta.superseded_at:%Y-%m-%d}" if ta.superseded_at else ""
            meta.append(f"superseded by TA {later or ta.superseded_by}{when}: not in force")
            head = [(" · ".join(meta) + " ", "bold $warning")]
        else:
            head = [(" · ".join(meta) + " ", "bold $success")]
        lines = [join(*head, literal(ta.title, "bold"))]
        facts = [x for x in (ta.article, f"dated {ta.date:%Y-%m-%d}") if x.strip()]
        lines.append(literal(" · ".join(facts), "dim"))
        lines.append(literal(ta.text.rstrip("\n")))
        if ta.costs:
            lines.append(join(("Cost: ", "bold"), literal(costing.lines_text(ta.costs))))
        initials = [
            join(
                (f"{state.holder_tag(i.party)} ", "bold"),
                literal(i.initials, "bold $success"),
                literal(f" ({i.name})" if i.name.strip() else "", "dim"),
            )
            for i in ta.initials
        ]
        missing = process.initials_missing(state, [i.party for i in ta.initials])
        initial_line = join(
            ("Initials: ", "bold"), Content(" · ").join(initials) if initials else literal("none yet", "dim")
        )
        if missing:
            initial_line = join(
                initial_line,
                ("   not yet initialed by: ", "$warning"),
                literal(", ".join(state.holder_label(p) for p in missing), "$warning"),
            )
        lines.append(initial_line)
        return Content("\n").join(lines)

    def _overview(self) -> list[Row]:
        s = self.state
        rows = [
            Row(
                join(
                    literal(s.title, "bold"),
                    "\n",
                    literal(" · ".join(x for x in (s.organization, s.bargaining_unit, s.location) if x.strip()), "dim"),
                )
            )
        ]
        facts = []
        if s.meeting_days:
            facts.append(
                _field(
                    "Meeting days",
                    ", ".join(f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}" for d in s.meeting_days),
                )
            )
        previous = s.previous
        if previous is not None:
            title = f" ({previous.title})" if previous.title.strip() else ""
            facts.append(_field("Carried over from", previous.file + title))
            verdict = {"accepted": "accepted", "corrected": f"corrected: {previous.correction}"}
            if previous.minutes is not None:
                facts.append(_field("Its minutes", verdict[previous.minutes.value]))
        for label, value in (
            ("Facilitator", ", ".join(s.facilitators)),
            ("Recorder", s.recorder),
            ("Timekeeper", s.timekeeper),
            ("Observers (not in consensus)", ", ".join(s.observers)),
        ):
            if value.strip():
                facts.append(_field(label, value))
        if facts:
            rows.append(Row(Content("\n").join(facts)))
        agreed = sum(1 for i in s.issues if i.status is IssueStatus.AGREED)
        rows.append(
            Row(
                literal(
                    f"{len(s.issues)} issues: {agreed} agreed, "
                    f"{sum(1 for i in s.issues if i.status is IssueStatus.OPEN)} open · "
                    f"{len(s.standing_agreements())} TAs · {len(s.parking_lot)} parking-lot items · "
                    f"{len(s.actions)} actions",
                    "bold",
                )
            )
        )
        rows.append(_header("Parties"))
        for party in s.parties:
            members = ", ".join(
                m.name + (f" ({m.role.value.replace('_', '-')})" if m.role.value != "member" else "")
                for m in party.members
            )
            rows.append(
                Row(
                    join(
                        literal(f"{party.name} ({party.short})", "bold"),
                        "\n",
                        literal(members or "no members listed", "" if members else "dim"),
                    )
                )
            )
        rows.append(_header("Ground rules"))
        for n, ground_rule in enumerate(s.ground_rules, start=1):
            rows.append(Row(join((f"{n}. ", "bold"), literal(ground_rule))))
        if not s.ground_rules:
            rows.append(Row(literal("None recorded.", "dim")))
        rule = s.decision_rule
        rows.append(_header("Decision rule"))
        body = [literal(rule.description), _field("Check", process.METHOD_LABELS[rule.method])]
        if rule.fallback.strip():
            body.append(_field("Fallback", rule.fallback))
        rows.append(Row(Content("\n").join(body)))
        package = costing.session_package(s)
        if s.costing is not None or package.costed:
            rows.append(_header("Costing"))
            years = f"Contract years: {', '.join(s.costing.years)}" if s.costing and s.costing.years else ""
            said = [costing.budget_line(package, s.costing), costing.per_year_text(package, s.costing), years]
            rows.append(Row(literal("\n".join(x for x in said if x))))
        if s.shared_criteria:
            rows.append(_header("Criteria for every issue"))
            for n, criterion in enumerate(s.shared_criteria, start=1):
                described = screening.describe(criterion)
                rows.append(
                    Row(
                        join(
                            (f"C{n} ", "bold $primary"),
                            literal(criterion.text),
                            (f"  {described}" if described else "", "bold $accent"),
                        ),
                        f"item:{criterion.id}",
                    )
                )
        return rows

    def _negotiation(self) -> list[Row]:
        if self.negotiation is None:
            return []
        return [
            _header(line) if isinstance(line, str) else Row(line)
            for line in standing.rows(self.negotiation, self.session, self.file.path.name)
        ]

    def _agreements(self) -> list[Row]:
        if not self.state.agreements:
            return [Row(literal("No tentative agreement at this moment.", "dim"))]
        rows = []
        for ta in self.state.agreements:
            issue = self.state.issue(ta.issue)
            if issue is not None:
                rows.append(Row(join(("Issue: ", "dim"), literal(one_line(issue.statement, 200), "dim"))))
            rows.append(Row(self._agreement(ta), f"item:{ta.id}"))
        return rows

    def _issue_ref(self, issue_id: str | None) -> str:
        issue = self.state.issue(issue_id) if issue_id else None
        return f"issue {self.state.issues.index(issue) + 1}" if issue else ""

    def _parking(self) -> list[Row]:
        rows = []
        for item in self.state.parking_lot:
            tail = " · ".join(
                x
                for x in (
                    f"owner: {item.owner}" if item.owner else "no owner yet",
                    self._issue_ref(item.issue) and f"came up in {self._issue_ref(item.issue)}",
                    f"added {when_label(item.created)}",
                )
                if x
            )
            rows.append(
                Row(
                    join(
                        ("☑ " if item.resolved else "☐ ", "bold"),
                        literal(item.text, "dim strike" if item.resolved else ""),
                        "\n   ",
                        literal(tail, "dim"),
                    ),
                    f"item:{item.id}",
                )
            )
        return rows or [Row(literal("The parking lot is empty at this moment.", "dim"))]

    def _actions(self) -> list[Row]:
        rows = []
        for item in self.state.actions:
            info = item.kind is ActionKind.INFO_REQUEST
            bits = [
                f"owner: {item.owner}" if item.owner else "no owner",
                f"to provide: {self.state.holder_label(item.requested_of)}" if item.requested_of else "",
                f"due {item.due:%Y-%m-%d}" if item.due else "",
                self._issue_ref(item.issue),
            ]
            rows.append(
                Row(
                    join(
                        ("☑ " if item.done else "☐ ", "bold"),
                        ("INFO REQUEST " if info else "", "bold $secondary"),
                        literal(item.text, "dim strike" if item.done else ""),
                        "\n   ",
                        literal(" · ".join(b for b in bits if b), "dim"),
                    ),
                    f"item:{item.id}",
                )
            )
        return rows or [Row(literal("No action items at this moment.", "dim"))]

    def _caucuses(self) -> list[Row]:
        rows = []
        for caucus in self.state.caucuses:
            if caucus.end is None:
                span = f"{when_label(caucus.start)}, still in caucus"
            else:
                minutes = max(0, round((caucus.end - caucus.start).total_seconds() / 60))
                span = f"{when_label(caucus.start)} to {caucus.end:%H:%M} ({minutes} min)"
            tail = " · ".join(
                x
                for x in (f"called by {caucus.called_by}" if caucus.called_by.strip() else "", caucus.reason)
                if x.strip()
            )
            rows.append(
                Row(
                    join(
                        literal(self.state.holder_label(caucus.party), "bold"),
                        (f"  {span}", ""),
                        "\n   ",
                        literal(tail, "dim"),
                    ),
                    f"item:{caucus.id}",
                )
            )
        return rows or [Row(literal("No caucus at this moment.", "dim"))]

    def _log(self) -> list[Row]:
        events = self.state.events
        rows = [Row(literal(f"{len(events)} changes up to this moment ([ and ] step through them).", "dim"))]
        start = max(0, len(events) - 2000)  # the latest 2,000: a long log stays quick to show
        for n, event in enumerate(events[start:], start=start + 1):
            rows.append(
                Row(
                    join(
                        (f"{n:>5}  {when_label(event.at)}  ", "dim"),
                        literal(one_line(event.summary or event.action, 300)),
                    )
                )
            )
        return rows

    # --- find ---------------------------------------------------------------------------------

    def _search_texts(self) -> list[tuple[str, str, str]]:
        """Every readable item as (place, row key, folded text), in reading order."""
        if self._texts is not None:
            return self._texts
        out: list[tuple[str, str, str]] = []
        for key, _ in self._places():
            for row in self._detail(key) if key != "view:log" else []:
                if row.key is not None:
                    out.append((key, row.key, row.prompt.plain.casefold()))
        self._texts = out
        return out

    def _find(self, text: str, *, jump: bool) -> None:
        self.query_text = text
        status = self.query_one("#find-status", Static)
        needle = text.casefold()
        if not needle.strip():
            self.query_text = ""
            self.matches, self.match_index = [], -1
            status.display = False
            return
        self.matches = [(place, key) for place, key, folded in self._search_texts() if needle in folded]
        places = len({place for place, _ in self.matches})
        status.display = True
        if self.matches:
            status.update(
                literal(
                    f"{len(self.matches)} match{'es' if len(self.matches) != 1 else ''} in {places} "
                    f"place{'s' if places != 1 else ''} · Enter or n: next · N: previous · Esc clears"
                )
            )
        else:
            status.update(literal("No match at this moment.", "$warning"))
        if jump and self.matches:
            self.match_index = -1
            self.action_next_match(1, keep_focus=True)

    @on(Input.Changed, "#find")
    def find_changed(self, event: Input.Changed) -> None:
        self._find(event.value, jump=False)
        self._paint_places()
        self._paint_detail()

    @on(Input.Submitted, "#find")
    def find_submitted(self, event: Input.Submitted) -> None:
        if self.matches:
            self.action_next_match(1)

    def action_find(self) -> None:
        self.query_one("#find", Input).focus()

    def action_next_match(self, step: int, keep_focus: bool = False) -> None:
        if not self.matches:
            if self.query_text:
                self.app.notify("No match at this moment.", severity="warning", timeout=2)
            return
        self.match_index = (self.match_index + step) % len(self.matches)
        place, key = self.matches[self.match_index]
        self._select(place, key)
        if not keep_focus:
            self.query_one("#review-detail", OptionList).focus()

    def _select(self, place: str, key: str | None = None) -> None:
        self.place = place
        self._paint_places()
        self._paint_detail(item=key)

    # --- focus on one item (from the library's search) ----------------------------------------

    def place_of(self, item_id: str) -> str | None:
        """The place (issue or view) that shows ``item_id`` at this moment."""
        state = self.state
        for issue in state.issues:
            held: list[Interest | model.Option | Criterion | ConsensusCheck | Poll] = [
                *issue.interests,
                *issue.options,
                *issue.criteria,
                *issue.checks,
                *issue.polls,
            ]
            if issue.id == item_id or any(x.id == item_id for x in held):
                return f"issue:{issue.id}"
        for ta in state.agreements:
            if ta.id == item_id:
                return f"issue:{ta.issue}" if state.issue(ta.issue) else "view:agreements"
        for key, items in (
            ("view:overview", state.shared_criteria),
            ("view:parking", state.parking_lot),
            ("view:actions", state.actions),
            ("view:caucuses", state.caucuses),
        ):
            if any(x.id == item_id for x in items):
                return key
        return None

    def show_item(self, item_id: str) -> bool:
        """Select the place holding ``item_id`` and highlight it there (marked with ▶)."""
        place = self.place_of(item_id)
        if place is None:
            return False
        self.focus_id = item_id
        self._select(place, f"item:{item_id}")
        self.query_one("#review-detail", OptionList).focus()
        return True

    # --- the left list ------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#review-places")
    def place_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        key = event.option.id
        if key and key != self.place:
            self.place = key
            self._paint_detail()

    @on(OptionList.OptionSelected, "#review-places")
    def place_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#review-detail", OptionList).focus()

    # --- the timeline -------------------------------------------------------------------------

    def go_to(self, position: int) -> None:
        position = max(0, min(len(self.timeline), position))
        if position != self.position:
            self.position = position
            self.repaint()

    def action_step(self, step: int) -> None:
        self.go_to(self.position + step)

    def action_day(self, step: int) -> None:
        ends = [0, *(mark.changes for mark in day_marks(self.session)), len(self.timeline)]
        if step > 0:
            target = next((n for n in ends if n > self.position), len(self.timeline))
        else:
            target = next((n for n in reversed(ends) if n < self.position), 0)
        self.go_to(target)

    def action_moment(self) -> None:
        total = len(self.timeline)
        choices: list[tuple[str, int]] = [("At the start, before any change (0 changes)", 0)]
        for n, mark in enumerate(day_marks(self.session), start=1):
            choices.append(
                (f"End of day {n}: {when_label(mark.end)} ({mark.changes} of {total} changes)", mark.changes)
            )
        choices.append((f"Now: the file as saved ({total} changes)", total))
        self.app.push_screen(Choose("Show the session as it was…", choices), self._go_to_chosen)

    def _go_to_chosen(self, n: int | None) -> None:
        if n is not None:
            self.go_to(n)

    # --- other keys ---------------------------------------------------------------------------

    def action_back(self) -> None:
        find = self.query_one("#find", Input)
        if find.value or find.has_focus:
            find.value = ""
            self._find("", jump=False)
            self._paint_places()
            self._paint_detail()
            self.query_one("#review-places", OptionList).focus()
        elif len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_keys(self) -> None:
        self.app.push_screen(
            Panel("Review keys (nothing here changes the file)", [(f"{key:<20} {what}", "") for key, what in KEYS])
        )

    def action_save_as(self) -> None:
        self.app.notify(
            "Review is read-only: nothing is saved from here. To work on a copy, copy the file and open it with `ibb "
            "open`.",
            severity="warning",
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("step", "day", "moment"):
            return bool(len(self.timeline))
        return True


def _mark(prompt: Content, query: str) -> Content:
    """``prompt`` with every occurrence of ``query`` (any case) highlighted."""
    plain = prompt.plain
    lowered, needle = plain.lower(), query.lower()
    if not needle or len(lowered) != len(plain):
        return prompt
    start = lowered.find(needle)
    while start >= 0:
        prompt = prompt.stylize(MATCH_STYLE, start, start + len(needle))
        start = lowered.find(needle, start + len(needle))
    return prompt
