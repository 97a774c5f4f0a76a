"""The room view: a read-only, projection-first view of a session that follows its file live.

``ibb room FILE`` (and, in a browser, ``ibb serve FILE``) shows what the wall needs and nothing
else: the current issue (the session's ``cursor``) and stage, the items of that stage in big,
bold, well-spaced text, the stage's time box, and the latest consensus tally of that issue. The
recorder types in the facilitation app; every autosave lands here within a fraction of a second
(``watch.FileFollower``: a folder watch, loading on its own thread).

**What may reach the wall is an allow-list.** ``ROOM_FIELDS`` names every field whose text the
room may show; ``project`` keeps exactly those (pydantic ``model_dump(include=...)``) and the view
is built from that projection alone. A field added to the model later (a training scenario's
confidential briefs, notes, anything) is hidden until someone adds it here on purpose. The only
other things read from the session are numbers: the consensus tally (``process.tally``), the
time the current stage began (the ``issue.stage`` event's timestamp), and a running caucus's
team, start and minutes (never its reason or who called it).

The day: on a day the session's plan has (``[[plan]]``), a line under the stage bar says what is
on now, what is next and how late the team runs (``schedule``; shortened before anything else is
cut, hidden under 14 rows); it moves on with the clock between saves.

The clock: the facilitator's stage timer is in the file (``cursor.clock``: seconds left, running
or paused, when it was set), so the wall shows the same countdown, pauses with it and gets the
extra minute. A file without one (another tool, an older file) gets a countdown of the stage's
time box from the ``issue.stage`` event that opened the stage; with no such event (or one from
another day, or from a clock ahead of this one) the wall shows the box.

A save that cannot be read (missing for a moment, half-written by another tool, invalid) never
blanks the wall: the last good view stays up under a banner that says "waiting for a valid save"
with the error's first line, until a good save arrives.

Over 500 lines because the room view is one app with four tied parts (following the file, the
clock it keeps in step with the recorder's, the size notes, the paint): split, each would reach
into the others' state; its layout is already apart, in ``wall.py``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Digits, Label, Static

from .. import paths, polls, process, schedule, screening
from ..model import (
    MUTUAL,
    Caucus,
    Criterion,
    Issue,
    IssueStatus,
    Method,
    Option,
    Outcome,
    PlanDay,
    Session,
    Stage,
    StageClock,
)
from ..model import now as model_now
from ..store import StoreError, load_session
from ..watch import FileFollower
from .text import join, literal
from .theme import THEMES, wall_variables
from .wall import (
    Group,
    Item,
    PollBar,
    PollView,
    RoomView,
    RoundView,
    TallyView,
    WallBody,
    WallLine,
    WallStatement,
    first_fit,
    show_caucus,
    show_day,
    show_round,
    side_of,
    size_note,
    stage_bar,
    stage_tails,
    where_line,
)
from .widgets import mmss

__all__ = ["ROOM_FIELDS", "Group", "Item", "PollView", "RoomApp", "RoomView", "TallyView", "build_view", "project"]

STATEMENT = "bold $primary"

# --- the allow-list ---------------------------------------------------------------------------


def _only(*names: str, **nested: Any) -> dict[str, Any]:
    """An ``include`` spec: these fields whole, and these nested ones by their own spec."""
    return {**{name: True for name in names}, **nested}


def _each(spec: dict[str, Any]) -> dict[str, Any]:
    return {"__all__": spec}


#: Every field the room may show, and nothing else (see the module docstring).
ROOM_FIELDS: dict[str, Any] = _only(
    "title",
    "stage_order",
    "time_boxes",
    cursor=_only("issue", "stage"),
    parties=_each(_only("id", "name", "short")),
    shared_criteria=_each(_only("id", "text", "weight", "must_pass")),
    issues=_each(
        _only(
            "id",
            "statement",
            "article",
            "status",
            "stage",
            "brainstorming",
            "draft",
            revisions=_each(_only("n")),
            interests=_each(_only("id", "text", "holder")),
            options=_each(_only("id", "text", "state", "combined_into", "scores")),
            criteria=_each(_only("id", "text", "weight", "must_pass")),
            checks=_each(_only("id", "method", "at", "proposal", "outcome")),
            polls=_each(_only("id", "kind", "dots", "at", "options")),  # not who marked what
        )
    ),
    agreements=_each(
        _only("issue", "title", "article", "text", "superseded_by", initials=_each(_only("party", "initials")))
    ),
    plan=_each(_only("date", "title", "finished", blocks=_each(_only("time", "minutes", "title", "started")))),
)


def _criterion_note(criterion: Criterion, shared: bool) -> str:
    """A criterion's note on the wall: "all issues", its weight and must-pass line."""
    parts = ["all issues"] if shared else []
    described = screening.describe(criterion)
    return " · ".join([*parts, described] if described else parts)


def _standing_note(standing: screening.Standing, criteria: int, number: int) -> str:
    """A ranked option's note on the wall: its weighted total, how much of it is rated, its number;
    a screened-out one's: why."""
    if standing.rank is None:
        return f"#{number} out: {standing.reason}"
    return f"Σ {standing.total} ({criteria - standing.unrated} of {criteria} rated) · option #{number}"


def project(session: Session) -> dict[str, Any]:
    """The session cut down to ``ROOM_FIELDS``: plain data, the only text the room may show."""
    return session.model_dump(include=ROOM_FIELDS)


# --- the view: plain data, built off the UI thread ---------------------------------------------


STATUS_KINDS = {
    IssueStatus.AGREED: "agreed",
    IssueStatus.PARKED: "parked",
    IssueStatus.WITHDRAWN: "withdrawn",
    IssueStatus.NO_CONSENSUS: "no-consensus",
}

#: A stage that began longer ago than this (another day) gets no countdown on the wall.
STALE_STAGE_SECONDS = 4 * 3600

EMPTY = {
    Stage.ISSUES: "No issues yet.",
    Stage.INTERESTS: "No interests yet: why does each side care?",
    Stage.OPTIONS: "No options yet: every idea goes up.",
    Stage.CRITERIA: "No criteria yet: what makes an option good?",
    Stage.CONSENSUS: "No consensus check recorded yet for this issue.",
}


def build_view(session: Session) -> RoomView:
    """What the wall shows for ``session``. Text comes only from ``project(session)``."""
    data = project(session)
    parties = {p["id"]: p for p in data["parties"]}
    issues = data["issues"]
    order = tuple(data["stage_order"])
    cursor = data["cursor"]
    index = next((n for n, i in enumerate(issues) if i["id"] == cursor["issue"]), None)
    issue = issues[index] if index is not None else None
    stage: Stage = cursor["stage"] if issue is not None and cursor["stage"] in order else Stage.ISSUES

    def tag_of(holder: str) -> str:
        return "B" if holder == MUTUAL else parties[holder]["short"] if holder in parties else holder

    def name_of(holder: str) -> str:
        return "Mutual" if holder == MUTUAL else parties[holder]["name"] if holder in parties else holder

    party_order = list(parties)

    def side(holder: str) -> str:
        """The holder's colour on the wall (an unknown holder has none: its tag is plain)."""
        if holder == MUTUAL:
            return side_of(None)
        return side_of(party_order.index(holder)) if holder in parties else ""

    banner = ""
    groups: list[Group] = []
    columns = False
    tally: TallyView | None = None
    poll: PollView | None = None
    agreement: tuple[str, str] | None = None
    count, count_label, count_detail = 0, "", ""

    if issue is None or stage is Stage.ISSUES:
        rows = []
        for n, item in enumerate(issues, start=1):
            kind = STATUS_KINDS.get(item["status"], "")
            note = process.STATUS_LABELS[item["status"]] if item["status"] is not IssueStatus.OPEN else ""
            rows.append(Item(item["statement"], f"{n}.", kind, note, key=item["id"]))
        groups = [Group("", tuple(rows))]
        count, count_label = len(issues), "issues"
        agreed = sum(1 for i in issues if i["status"] is IssueStatus.AGREED)
        count_detail = f"{agreed} agreed (TA)" if agreed else ""
    elif stage is Stage.INTERESTS:
        shown = {i["id"]: i for i in issue["interests"]}
        current = session.issue(issue["id"])
        assert current is not None  # the shown issue is one of the session's
        by_holder = [
            (holder, [shown[i.id] for i in mine]) for holder, mine in session.interest_groups(current, keep_empty=True)
        ]
        holders = [*parties, MUTUAL]
        columns = len(by_holder) <= 4 and len(by_holder) == len(holders)  # an unknown holder: one list
        if columns:
            for holder, mine in by_holder:
                items = tuple(Item(i["text"], tag_of(holder), side=side(holder), key=i["id"]) for i in mine)
                groups.append(Group(name_of(holder), items, tag=tag_of(holder), side=side(holder)))
        else:
            rows = [
                Item(i["text"], tag_of(i["holder"]), side=side(i["holder"]), key=i["id"]) for i in issue["interests"]
            ]
            groups = [Group("", tuple(rows))]
        count, count_label = len(issue["interests"]), "interests"
        count_detail = " · ".join(f"{tag_of(h)} {len(mine)}" for h, mine in by_holder if h in holders)
    elif stage is Stage.OPTIONS:
        ids = [o["id"] for o in issue["options"]]
        rows = []
        for n, option in enumerate(issue["options"], start=1):
            if option["state"].value == "set_aside":
                rows.append(Item(option["text"], f"#{n}", "aside", "set aside", key=option["id"]))
            elif option["state"].value == "combined":
                target = ids.index(option["combined_into"]) + 1 if option["combined_into"] in ids else "?"
                rows.append(Item(option["text"], f"#{n}", "combined", f"→ combined into #{target}", key=option["id"]))
            else:
                rows.append(Item(option["text"], f"#{n}", key=option["id"]))
        groups = [Group("", tuple(rows))]
        active = sum(1 for o in issue["options"] if o["state"].value == "active")
        count, count_label = active, "options"
        off = len(issue["options"]) - active
        count_detail = f"{off} set aside or combined" if off else ""
        if issue["brainstorming"]:
            banner = "BRAINSTORM: every idea goes up · no author · no judging"
        elif issue["polls"] and index is not None:
            poll = _poll_view(session.issues[index], issue)
    elif stage is Stage.CRITERIA:
        criteria = [Criterion.model_validate(c) for c in (*data["shared_criteria"], *issue["criteria"])]
        shared = {c["id"] for c in data["shared_criteria"]}
        rows = [
            Item(c.text, f"C{n}", "", _criterion_note(c, c.id in shared), key=c.id)
            for n, c in enumerate(criteria, start=1)
        ]
        groups = [Group("", tuple(rows))]
        count, count_label = len(criteria), "criteria"
        numbers = {o["id"]: n for n, o in enumerate(issue["options"], start=1)}
        rated_options = [
            Option.model_validate(o)
            for o in issue["options"]
            if o["state"].value == "active" and any(c.id in o["scores"] for c in criteria)
        ]
        if rated_options:
            ranked = screening.by_rank(screening.rank(rated_options, criteria))
            weighed = screening.weighs_anything(criteria)
            title = "Options by rank (Σ = score × weight)" if weighed else "Options by total score"
            rated = tuple(
                Item(
                    s.option.text,
                    f"{s.rank}." if s.rank is not None else "✗",
                    "" if s.rank is not None else "screened",
                    _standing_note(s, len(criteria), numbers[s.option.id]),
                )
                for s in ranked
            )
            groups.append(Group(title, rated))
    else:  # consensus
        checks = issue["checks"]
        real_issue = session.issues[index] if index is not None else None
        if checks and real_issue is not None:
            last, real = checks[-1], real_issue.checks[-1]
            method: Method = last["method"]
            counted = process.tally(session, method, list(real.responses), real.absent)
            total = max(counted.expected, counted.counted)
            tally = TallyView(
                method=process.METHOD_LABELS[method],
                at=last["at"],
                proposal=last["proposal"],
                # a file that claims consensus on partial answers (written before the rule) is
                # shown as what it is: not complete
                consensus=last["outcome"] is Outcome.CONSENSUS and counted.consensus,
                counted=counted.counted,
                total=total,
                below=len(counted.below),
                counts=tuple((process.value_label(method, v), n) for v, n in counted.counts.items()),
                complete=counted.complete,
            )
            count, count_label = counted.counted, f"of {total} counted"
        tas = [
            ta for ta in data["agreements"] if ta["issue"] == issue["id"] and ta["superseded_by"] is None
        ]  # the TA in force
        if tas:
            ta = tas[-1]
            initials = " · ".join(f"{tag_of(i['party'])} {i['initials']}" for i in ta["initials"])
            agreement = (ta["text"], f"Initialed: {initials}" if initials else "Not initialed yet")
        groups = []
        if tally is not None and tally.proposal:
            groups.append(Group("Proposal", (Item(tally.proposal),)))
        if issue["revisions"] and (agreement is None or agreement[0] != issue["draft"]):
            # the draft of the language, big: one row a paragraph (the wall wraps and scrolls them)
            title = f"Draft · revision {issue['revisions'][-1]['n']}"
            paragraphs = tuple(Item(line) for line in issue["draft"].split("\n") if line.strip())
            groups.append(Group(title, paragraphs, kind="draft"))
        if agreement is not None:
            groups.append(
                Group("Tentative agreement", (Item(agreement[0], "", "agreed"), Item(agreement[1], "", "initials")))
            )

    # a running caucus: its team and clock only (its reason and who called it stay off the wall)
    caucus = next(
        (Caucus(id=c.id, party=c.party, start=c.start, minutes=c.minutes) for c in session.caucuses if c.end is None),
        None,
    )
    if issue is not None:
        where = f"Issue {index + 1} of {len(issues)}"  # type: ignore[operator]
        if issue["article"]:
            where += f" · {issue['article']}"
        where += f" · {process.STATUS_LABELS[issue['status']]}"
        statement = issue["statement"]
    else:
        where, statement = f"{len(issues)} issues", data["title"]
    return RoomView(
        title=data["title"],
        where=where,
        statement=statement,
        stage=stage,
        stage_order=order,
        banner=banner,
        count=count,
        count_label=count_label,
        count_detail=count_detail,
        groups=tuple(groups),
        columns=columns,
        empty=EMPTY[stage],
        tally=tally,
        agreement=agreement,
        box_minutes=int(data["time_boxes"].get(stage, 0)),
        stage_since=_stage_since(session, issue["id"] if issue else None, stage) if issue is not None else None,
        clock=_clock(session, issue["id"] if issue else None, stage),
        plan=tuple(PlanDay.model_validate(day) for day in data["plan"]),
        caucus=caucus,
        caucus_team=name_of(caucus.party) if caucus is not None else "",
        round=_round(session),
        poll=poll,
    )


def _round(session: Session) -> RoundView | None:
    """A training table's round, from its state and the scenario's public round titles."""
    state = session.training
    if state is None:
        return None
    from .. import training

    try:
        rounds = training.scenario_of(session).rounds
    except training.RuleError:
        return None
    running = training.running_round(session)
    number = running.number if running else len(state.rounds)
    spec = rounds[number - 1] if 0 < number <= len(rounds) else None
    return RoundView(
        table=f"Table {state.table} of {state.tables}" if state.tables > 1 else f"Table {state.table}",
        phase=training.phase(session),
        number=number,
        total=len(rounds),
        title=spec.title if spec else "",
        start=running.start if running else None,
        minutes=spec.minutes if spec else 0,
    )


def _poll_view(real: Issue, shown: dict[str, Any]) -> PollView:
    """The issue's latest straw poll: numbers from the tally, words from the projection only."""
    counted = polls.tally(real, real.polls[-1])
    texts = {o["id"]: o["text"] for o in shown["options"]}
    numbers = {o["id"]: n for n, o in enumerate(shown["options"], start=1)}
    scale = counted.scale
    last = shown["polls"][-1]
    return PollView(
        title=polls.poll_title(real.polls[-1]),
        people=counted.people,
        at=last["at"],
        bars=tuple(
            PollBar(
                tag=f"#{numbers.get(bar.option, '?')}",
                text=texts.get(bar.option, ""),
                fraction=min(1.0, counted.figure(bar) / scale) if scale else 0.0,
                label=counted.label(bar),
                rank=bar.rank_label,
                active=bar.active,
            )
            for bar in counted.bars
        ),
        ties=counted.ties_sentence({oid: f"#{n}" for oid, n in numbers.items()}),
    )


def _clock(session: Session, issue_id: str | None, stage: Stage) -> StageClock | None:
    """The facilitator's timer, if it was set for the issue and stage on the wall."""
    clock = session.cursor.clock
    if clock is None or clock.issue != issue_id or clock.stage is not stage:
        return None
    return clock


def _stage_since(session: Session, issue_id: str | None, stage: Stage) -> datetime | None:
    """When the issue entered its current stage (the last ``issue.stage`` event), if it is there."""
    real = session.issue(issue_id) if issue_id else None
    if real is None or real.stage is not stage:
        return None
    for event in reversed(session.events):
        if event.action == "issue.stage" and event.target == issue_id:
            return event.at
    return None


def load_view(path: Path, loader: Callable[[Path], Session] = load_session) -> RoomView:
    return build_view(loader(path))


# --- the app ----------------------------------------------------------------------------------


class ViewLoaded(Message):
    """A load finished on the follower's thread: a view, or the reason there is none."""

    def __init__(self, view: RoomView | None, error: Exception | None) -> None:
        super().__init__()
        self.view, self.error = view, error


def error_lines(error: Exception) -> list[str]:
    if isinstance(error, StoreError):
        return error.lines or [str(error)]
    return [f"{type(error).__name__}: {error}"]


class RoomApp(App[None]):
    """Read-only, big type, follows the file. No key changes the session.

    The layout follows the terminal's size (see ``wall``): below 100×30 (``-compact``) the clock
    is text in the stage bar, the items lose their box, and the heading keeps to a few lines;
    below 14 rows (``-tiny``) the session line and the foot go too. The foot says how big the
    letters are (``legibility.readability_note``) after every resize, and, the first time the
    room view runs on this machine, how to zoom."""

    CSS_PATH = "room.tcss"
    TITLE = "IBB room view"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("f9", "toggle_theme", "Theme", id="theme"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    #: How long the foot shows the size and reading distance after a resize, and the zoom hint.
    SIZE_NOTE_SECONDS = 10.0
    ZOOM_HINT_SECONDS = 45.0

    def __init__(
        self,
        path: Path | str,
        *,
        theme: str = "projector",
        loader: Callable[[Path], Session] = load_session,
        watch: bool = True,
        zoom_hint: bool | None = None,
    ):
        """``zoom_hint``: say how to zoom in the foot at start (``None``: the first time only)."""
        super().__init__()
        self.path = Path(path)
        self.start_theme = theme
        self.loader = loader
        self.watch_files = watch
        self.zoom_hint = zoom_hint
        self.view: RoomView | None = None
        self.error: list[str] | None = None  # the last load's problem, while waiting for a good save
        self.last_good: datetime | None = None
        self.loads = 0
        #: ``(view, time.time())`` after each repaint with a new view reached the screen (bench, tests)
        self.painted: deque[tuple[RoomView, float]] = deque(maxlen=200)
        self.follower: FileFollower[RoomView] | None = None
        self._place: tuple[str, Stage] | None = None  # (statement, stage) last painted
        self._count = 0
        self._foot_note: tuple[str, float] | None = None  # ("hint" | "size", until time.monotonic())
        self._shown_size: tuple[int, int] | None = None
        self._wall_size: tuple[int, int] | None = None
        self._day_shown: schedule.Today | None = None  # today's plan as last painted

    def get_css_variables(self) -> dict[str, str]:
        return {**wall_variables(self.current_theme.dark), **super().get_css_variables()}

    def compose(self) -> ComposeResult:
        yield Static("", id="room-waiting")
        with Horizontal(id="room-top"):
            with Vertical(id="room-heading"):
                yield WallLine(id="room-where")
                yield WallStatement(id="room-statement")
                yield WallLine(id="room-stage")
                yield WallLine(id="room-day")
                yield WallLine(id="room-caucus")
                yield WallLine(id="room-round")
            with Vertical(id="room-clock"):
                yield Digits("", id="room-clock-digits")
                yield Label("", id="room-clock-label")
        yield Static("", id="room-banner")
        with Vertical(id="room-body"), VerticalScroll(id="room-main"):
            yield WallBody(id="room-items")
        yield WallLine(id="room-foot")

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = self.start_theme if self.start_theme in self.available_themes else "projector"
        self._fit_to_size()
        if self.zoom_hint if self.zoom_hint is not None else first_time(ZOOM_HINT_MARK):
            self._note("hint", self.ZOOM_HINT_SECONDS)
        self._paint_foot()
        self._statement(join(("Opening ", "italic"), literal(str(self.path)), ("…", "italic")))
        self.query_one("#room-main").can_focus = False
        self.set_interval(1, self._paint_clock)
        self.follower = FileFollower(
            self.path, lambda p: load_view(p, self.loader), self._deliver, watch=self.watch_files
        ).start()

    def on_unmount(self) -> None:
        if self.follower is not None:
            self.follower.stop()

    def _deliver(self, view: RoomView | None, error: Exception | None) -> None:
        """On the follower's thread: hand the result to the UI thread (thread-safe, never blocks)."""
        self.post_message(ViewLoaded(view, error))

    def on_view_loaded(self, message: ViewLoaded) -> None:
        if not self.is_running:  # shutting down: the widgets may be gone already (see _paint_clock)
            return
        self.loads += 1
        if message.view is None:
            self.error = error_lines(message.error) if message.error else ["unknown error"]
            self._paint_waiting()
            if self.view is None:
                self._statement(join(("Waiting for a valid save of ", "italic"), literal(str(self.path))))
            self._paint_foot()
            return
        self.error = None
        self.last_good = datetime.now()
        changed = message.view != self.view
        self.view = message.view
        self._paint_waiting()
        if changed:
            self._paint()
        self._paint_foot()
        if changed:
            view = message.view
            self.call_after_refresh(lambda: self.painted.append((view, time.time())))

    # --- the size ----------------------------------------------------------------------------

    @property
    def compact(self) -> bool:
        """Smaller than 100×30: the zoomed wall (see the class docstring)."""
        width, height = self.wall_size
        return width < 100 or height < 30

    @property
    def wall_size(self) -> tuple[int, int]:
        """The terminal's columns and rows (the last resize's: ``App.size`` lags behind it)."""
        return self._wall_size or (self.size.width, self.size.height)

    def _fit_to_size(self) -> None:
        _width, height = self.wall_size
        self.screen.set_class(self.compact, "-compact")
        self.screen.set_class(height < 14, "-tiny")
        if self.view is not None:
            self._statement(literal(self.view.statement, STATEMENT))

    def on_resize(self, event: events.Resize) -> None:
        size = (event.size.width, event.size.height)
        self._wall_size = size
        self._fit_to_size()
        if self._shown_size is not None and size != self._shown_size:
            self._note("size", self.SIZE_NOTE_SECONDS)  # they zoomed: say what it gives
        self._shown_size = size
        self._paint_foot()
        self._paint_clock()

    def _note(self, kind: str, seconds: float) -> None:
        self._foot_note = (kind, time.monotonic() + seconds)
        self.set_timer(seconds + 0.05, self._paint_foot)

    # --- painting -----------------------------------------------------------------------------

    def _statement(self, content: Content) -> None:
        self.query_one("#room-statement", WallStatement).show(content, max(1, min(4, self.wall_size[1] // 7)))

    def _paint_waiting(self) -> None:
        banner = self.query_one("#room-waiting", Static)
        banner.display = self.error is not None
        if self.error is None:
            banner.update("")
            return
        first = self.error[0]
        more = f"  (+{len(self.error) - 1} more)" if len(self.error) > 1 else ""
        kept = f" · still showing the last good save ({self.last_good:%H:%M:%S})" if self.last_good else ""
        banner.update(join(("Waiting for a valid save", "bold"), kept, "\n", literal(first), (more, "")))

    def _paint(self) -> None:
        view = self.view
        if view is None:
            return
        self.title = view.title
        self.query_one("#room-where", WallLine).show(lambda width: where_line(view.title, view.where, width))
        self._statement(literal(view.statement, STATEMENT))
        banner = self.query_one("#room-banner", Static)
        banner.display = bool(view.banner)
        banner.update(literal(view.banner))
        self.query_one("#room-items", WallBody).show(view)
        self._scroll(view)
        self._paint_clock()

    def _scroll(self, view: RoomView) -> None:
        # A new issue or stage starts at the top; a list that grew (the recorder added an item,
        # always at the end) shows its end, where the room is looking.
        main = self.query_one("#room-main", VerticalScroll)
        place = (view.statement, view.stage)
        if place != self._place:
            self.call_after_refresh(lambda: main.scroll_home(animate=False))
        elif view.count > self._count and view.stage is not Stage.CONSENSUS:
            self.call_after_refresh(lambda: main.scroll_end(animate=False))
        self._place, self._count = place, view.count

    def _clock_now(self) -> tuple[str, str, str] | None:
        """The stage clock as (digits, what they mean, "" | "warning" | "over"), or None."""
        view = self.view
        if view is None or view.stage is Stage.ISSUES:
            return None
        now = time.time()
        since = view.stage_since.timestamp() if view.stage_since else None
        if since is not None and not (now - STALE_STAGE_SECONDS <= since <= now + 60):
            since = None  # another day's stage, or another machine's clock: no countdown from it
        clock = view.clock if view.clock is not None and view.clock.fresh(model_now()) else None
        if clock is not None:  # the facilitator's own timer: the same numbers as on their screen
            left = clock.left(model_now())
            if view.box_minutes:
                text = f"left of {view.box_minutes} min" if left > 0 else f"over the {view.box_minutes} min box"
            else:
                text = "stage timer"
            text += "" if clock.running else " · paused"
            return mmss(left), text, "over" if left <= 0 else "warning" if left <= 60 else ""
        if since is None and not view.box_minutes:
            return None  # nothing to time
        if since is None:  # the facilitator's own timer is not in the file: show the box only
            return mmss(view.box_minutes * 60), f"{view.box_minutes} min time box", ""
        if view.box_minutes:
            left = view.box_minutes * 60 - max(0, int(now - since))
            text = f"left of {view.box_minutes} min" if left > 0 else f"over the {view.box_minutes} min box"
            return mmss(left), text, "over" if left <= 0 else "warning" if left <= 60 else ""
        return mmss(max(0, int(now - since))), "in this stage", ""

    def _paint_clock(self) -> None:
        # A tick (every second) may come while the app shuts down: under ``run_test`` the screens
        # are taken down while the message loop still runs, so the widgets may be gone.
        if not self.is_running:
            return
        box = self.query_one("#room-clock", Vertical)
        state = self._clock_now()
        box.display = state is not None and not self.compact
        if state is not None:
            digits, text, level = state
            self.query_one("#room-clock-digits", Digits).update(digits)
            self.query_one("#room-clock-label", Label).update(literal(text))
            box.set_class(level == "warning", "-warning")
            box.set_class(level == "over", "-over")
        self._paint_stage(state)
        self._paint_day()
        show_caucus(self.query_one("#room-caucus", WallLine), self.view)
        show_round(self.query_one("#room-round", WallLine), self.view)

    def _paint_day(self) -> None:
        """Today's plan: what is on now, next, how late (hidden without one, and under 14 rows)."""
        line = self.query_one("#room-day", WallLine)
        self._day_shown = show_day(line, self.view, self.wall_size[1], self._day_shown)

    def _paint_stage(self, clock: tuple[str, str, str] | None) -> None:
        view = self.view
        if view is None:
            return
        tails = stage_tails(view, clock, self.compact)
        order, stage = view.stage_order, view.stage
        self.query_one("#room-stage", WallLine).show(lambda width: stage_bar(order, stage, width, tails))

    def _paint_foot(self) -> None:
        if not self.is_running:
            return
        foot = self.query_one("#room-foot", WallLine)
        note = self._foot_note
        if note is not None and time.monotonic() >= note[1]:
            note = self._foot_note = None
        width, height = self.wall_size
        foot.set_class(note is not None, "-note")
        if note is not None:
            shown = size_note(width, height, note[0] == "hint")
            foot.show(lambda width: first_fit(shown, width))
            return
        seen = f" · updated {self.last_good:%H:%M:%S}" if self.last_good else ""
        mode = " (checking every 0.25 s)" if self.follower is not None and self.follower.mode == "poll" else ""
        keys = "  · F9 theme · Ctrl+Q quit"
        name = self.path.name
        footers = [
            join(("Room view", "bold"), " · read-only · following ", literal(name), mode, seen, keys),
            join(("Room view", "bold"), " · following ", literal(name), seen, keys),
            join(literal(name), seen, keys),
            join(literal(name), seen),
        ]
        foot.show(lambda width: first_fit(footers, width))

    # --- actions ------------------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        self.theme = "room-dark" if self.theme == "projector" else "projector"


#: Marks (in the cache folder) that the room view has said how to zoom on this machine.
ZOOM_HINT_MARK = "room-zoom-hint-shown"


def first_time(mark: str) -> bool:
    """True the first time this is asked for ``mark`` on this machine (a file in the cache
    folder remembers); a cache folder that cannot be written makes it true every time."""
    path = paths.cache_dir() / mark
    if path.exists():
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError:
        pass
    return True
