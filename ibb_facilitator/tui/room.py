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
other things read from the session are numbers: the consensus tally (``process.tally``) and the
time the current stage began (the ``issue.stage`` event's timestamp).

The clock: the facilitator's stage timer is in the file (``cursor.clock``: seconds left, running
or paused, when it was set), so the wall shows the same countdown, pauses with it and gets the
extra minute. A file without one (another tool, an older file) gets a countdown of the stage's
time box from the ``issue.stage`` event that opened the stage; with no such event (or one from
another day, or from a clock ahead of this one) the wall shows the box.

A save that cannot be read (missing for a moment, half-written by another tool, invalid) never
blanks the wall: the last good view stays up under a banner that says "waiting for a valid save"
with the error's first line, until a good save arrives.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Digits, Label, Static

from .. import process
from ..model import MUTUAL, IssueStatus, Method, Outcome, Session, Stage, StageClock
from ..model import now as model_now
from ..store import StoreError, load_session
from ..watch import FileFollower
from .text import join, literal
from .theme import THEMES
from .widgets import Stepper, mmss

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
    shared_criteria=_each(_only("id", "text")),
    issues=_each(
        _only(
            "id",
            "statement",
            "article",
            "status",
            "stage",
            "brainstorming",
            interests=_each(_only("id", "text", "holder")),
            options=_each(_only("id", "text", "state", "combined_into", "scores")),
            criteria=_each(_only("id", "text")),
            checks=_each(_only("id", "method", "at", "proposal", "outcome")),
        )
    ),
    agreements=_each(_only("issue", "title", "article", "text", "superseded_by", initials=_each(_only("party", "initials")))),
)


def project(session: Session) -> dict[str, Any]:
    """The session cut down to ``ROOM_FIELDS``: plain data, the only text the room may show."""
    return session.model_dump(include=ROOM_FIELDS)


# --- the view: plain data, built off the UI thread ---------------------------------------------


@dataclass(frozen=True)
class Item:
    """One row on the wall."""

    text: str
    tag: str = ""  # "#3", "U", "C2", " 4."
    kind: str = ""  # how it looks: "mutual", "aside", "combined", "agreed", "parked", "withdrawn", ...
    note: str = ""  # a short fixed label after the text: "set aside", "→ #2", "Σ 9"


@dataclass(frozen=True)
class Group:
    """A list of items under a title (interests: one group per holder, side by side)."""

    title: str
    items: tuple[Item, ...]
    kind: str = ""


@dataclass(frozen=True)
class TallyView:
    """The latest recorded consensus check of the issue, as numbers and fixed labels."""

    method: str
    at: datetime
    proposal: str
    consensus: bool  # recorded as consensus, and a complete check whose answers reach it
    counted: int
    total: int  # who should answer: every voter (or party), less those marked absent
    below: int
    counts: tuple[tuple[str, int], ...]
    complete: bool = True  # every voter answered or is marked absent


@dataclass(frozen=True)
class RoomView:
    title: str
    where: str  # "Issue 2 of 13 · Article 12 · Open"
    statement: str
    stage: Stage
    stage_order: tuple[Stage, ...]
    banner: str
    count: int
    count_label: str
    count_detail: str
    groups: tuple[Group, ...]
    columns: bool  # show the groups side by side
    empty: str  # what to say when there are no items
    tally: TallyView | None
    agreement: tuple[str, str] | None  # (TA text, who initialed)
    box_minutes: int
    stage_since: datetime | None
    clock: StageClock | None = None  # the facilitator's timer for this issue and stage


STATUS_KINDS = {
    IssueStatus.AGREED: "agreed",
    IssueStatus.PARKED: "parked",
    IssueStatus.WITHDRAWN: "withdrawn",
    IssueStatus.NO_CONSENSUS: "no-consensus",
}

KIND_STYLES = {
    "": "bold",
    "mutual": "bold",
    "agreed": "bold $success",
    "parked": "bold $warning",
    "withdrawn": "dim strike",
    "no-consensus": "bold $error",
    "aside": "dim strike",
    "combined": "dim",
    "initials": "",
}

TAG_STYLES = {
    "": "bold $primary",
    "mutual": "bold reverse $success",
    "aside": "dim",
    "combined": "dim",
    "withdrawn": "dim",
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

    banner = ""
    groups: list[Group] = []
    columns = False
    tally: TallyView | None = None
    agreement: tuple[str, str] | None = None
    count, count_label, count_detail = 0, "", ""

    if issue is None or stage is Stage.ISSUES:
        rows = []
        for n, item in enumerate(issues, start=1):
            kind = STATUS_KINDS.get(item["status"], "")
            note = process.STATUS_LABELS[item["status"]] if item["status"] is not IssueStatus.OPEN else ""
            rows.append(Item(item["statement"], f"{n}.", kind, note))
        groups = [Group("", tuple(rows))]
        count, count_label = len(issues), "issues"
        agreed = sum(1 for i in issues if i["status"] is IssueStatus.AGREED)
        count_detail = f"{agreed} agreed (TA)" if agreed else ""
    elif stage is Stage.INTERESTS:
        shown = {i["id"]: i for i in issue["interests"]}
        by_holder = [
            (holder, [shown[i.id] for i in mine])
            for holder, mine in session.interest_groups(session.issue(issue["id"]), keep_empty=True)
        ]
        holders = [*parties, MUTUAL]
        columns = len(by_holder) <= 4 and len(by_holder) == len(holders)  # an unknown holder: one list
        if columns:
            for holder, mine in by_holder:
                kind = "mutual" if holder == MUTUAL else ""
                items = tuple(Item(i["text"], "", kind) for i in mine)
                groups.append(Group(f"{name_of(holder)} ({tag_of(holder)})", items, kind))
        else:
            groups = [Group("", tuple(Item(i["text"], tag_of(i["holder"]), "mutual" if i["holder"] == MUTUAL else "") for i in issue["interests"]))]
        count, count_label = len(issue["interests"]), "interests"
        count_detail = " · ".join(f"{tag_of(h)} {len(mine)}" for h, mine in by_holder if h in holders)
    elif stage is Stage.OPTIONS:
        ids = [o["id"] for o in issue["options"]]
        rows = []
        for n, option in enumerate(issue["options"], start=1):
            if option["state"].value == "set_aside":
                rows.append(Item(option["text"], f"#{n}", "aside", "set aside"))
            elif option["state"].value == "combined":
                target = ids.index(option["combined_into"]) + 1 if option["combined_into"] in ids else "?"
                rows.append(Item(option["text"], f"#{n}", "combined", f"→ combined into #{target}"))
            else:
                rows.append(Item(option["text"], f"#{n}"))
        groups = [Group("", tuple(rows))]
        active = sum(1 for o in issue["options"] if o["state"].value == "active")
        count, count_label = active, "options"
        off = len(issue["options"]) - active
        count_detail = f"{off} set aside or combined" if off else ""
        if issue["brainstorming"]:
            banner = "BRAINSTORM: every idea goes up · no author · no judging"
    elif stage is Stage.CRITERIA:
        criteria = [*data["shared_criteria"], *issue["criteria"]]
        shared = {c["id"] for c in data["shared_criteria"]}
        rows = [Item(c["text"], f"C{n}", "", "all issues" if c["id"] in shared else "") for n, c in enumerate(criteria, start=1)]
        groups = [Group("", tuple(rows))]
        count, count_label = len(criteria), "criteria"
        crit_ids = {c["id"] for c in criteria}
        totals = []
        for n, option in enumerate(issue["options"], start=1):
            if option["state"].value != "active":
                continue
            scores = [score for criterion, score in option["scores"].items() if criterion in crit_ids]
            if scores:
                totals.append((sum(scores), n, option["text"], len(scores)))
        if totals:
            totals.sort(key=lambda t: (-t[0], t[1]))
            rated = tuple(Item(text, f"#{n}", "", f"Σ {total} ({k} of {len(criteria)} rated)") for total, n, text, k in totals)
            groups.append(Group("Options by total score", rated))
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
        tas = [ta for ta in data["agreements"] if ta["issue"] == issue["id"] and ta["superseded_by"] is None]  # the TA in force
        if tas:
            ta = tas[-1]
            initials = " · ".join(f"{tag_of(i['party'])} {i['initials']}" for i in ta["initials"])
            agreement = (ta["text"], f"Initialed: {initials}" if initials else "Not initialed yet")
        groups = []
        if tally is not None and tally.proposal:
            groups.append(Group("Proposal", (Item(tally.proposal),)))
        if agreement is not None:
            groups.append(Group("Tentative agreement", (Item(agreement[0], "", "agreed"), Item(agreement[1], "", "initials"))))

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
    """Read-only, big type, follows the file. No key changes the session."""

    CSS_PATH = "room.tcss"
    TITLE = "IBB room view"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("f9", "toggle_theme", "Theme", id="theme"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(self, path: Path | str, *, theme: str = "projector", loader: Callable[[Path], Session] = load_session, watch: bool = True):
        super().__init__()
        self.path = Path(path)
        self.start_theme = theme
        self.loader = loader
        self.watch_files = watch
        self.view: RoomView | None = None
        self.error: list[str] | None = None  # the last load's problem, while waiting for a good save
        self.last_good: datetime | None = None
        self.loads = 0
        #: ``(view, time.time())`` after each repaint with a new view reached the screen (bench, tests)
        self.painted: deque[tuple[RoomView, float]] = deque(maxlen=200)
        self.follower: FileFollower[RoomView] | None = None
        self._place: tuple[str, Stage] | None = None  # (statement, stage) last painted
        self._count = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="room-waiting")
        with Horizontal(id="room-top"):
            with Vertical(id="room-heading"):
                yield Label("", id="room-where")
                yield Static("", id="room-statement")
                yield Stepper(id="room-stepper")
            with Vertical(id="room-clock"):
                yield Digits("", id="room-clock-digits")
                yield Label("", id="room-clock-label")
        yield Static("", id="room-banner")
        with Horizontal(id="room-body"):
            with VerticalScroll(id="room-main"):
                yield Static("", id="room-list")
                yield Horizontal(id="room-columns")
            with Vertical(id="room-side"):
                yield Digits("", id="room-count")
                yield Label("", id="room-count-label")
                yield Static("", id="room-tally")
        yield Static("", id="room-foot")

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = self.start_theme if self.start_theme in self.available_themes else "projector"
        self._paint_foot()
        self.query_one("#room-statement", Static).update(join(("Opening ", "italic"), literal(str(self.path)), ("…", "italic")))
        self.query_one("#room-main").can_focus = False
        self.set_interval(1, self._paint_clock)
        self.follower = FileFollower(self.path, lambda p: load_view(p, self.loader), self._deliver, watch=self.watch_files).start()

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
                self.query_one("#room-statement", Static).update(join(("Waiting for a valid save of ", "italic"), literal(str(self.path))))
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

    # --- painting -----------------------------------------------------------------------------

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
        self.query_one("#room-where", Label).update(literal(f"{view.title}  ·  {view.where}"))
        self.query_one("#room-statement", Static).update(literal(view.statement))
        self.query_one(Stepper).show(list(view.stage_order), view.stage)
        banner = self.query_one("#room-banner", Static)
        banner.display = bool(view.banner)
        banner.update(literal(view.banner))
        self._paint_items(view)
        self._paint_side(view)
        self._paint_clock()

    def _item(self, item: Item) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        if item.tag:
            tag = f" {item.tag} " if item.kind == "mutual" else item.tag
            parts += [(tag, TAG_STYLES.get(item.kind, TAG_STYLES[""])), "  "]
        parts.append(literal(item.text, KIND_STYLES.get(item.kind, "bold")))
        if item.note:
            parts.append((f"   {item.note}", "italic" if item.kind in ("", "mutual", "agreed") else "dim italic"))
        return join(*parts)

    def _group(self, group: Group, *, heading: bool) -> Content:
        lines: list[Content] = []
        if heading and group.title:
            lines.append(join((group.title, "bold underline")))
        lines += [self._item(item) for item in group.items]
        if not group.items and heading:
            lines.append(join(("—", "dim")))
        return Content("\n\n").join(lines)

    def _paint_items(self, view: RoomView) -> None:
        single = self.query_one("#room-list", Static)
        columns = self.query_one("#room-columns", Horizontal)
        main = self.query_one("#room-main", VerticalScroll)
        if view.columns:
            single.display = False
            columns.display = True
            existing = list(columns.query(".room-column").results(Static))
            if len(existing) != len(view.groups):
                columns.remove_children()
                existing = [Static("", classes="room-column") for _ in view.groups]
                columns.mount_all(existing)
            for widget, group in zip(existing, view.groups):
                widget.set_class(group.kind == "mutual", "-mutual")
                widget.update(self._group(group, heading=True))
        else:
            columns.display = False
            single.display = True
            if not any(g.items for g in view.groups):
                single.update(join((view.empty, "italic")))
            else:
                parts = [self._group(g, heading=len(view.groups) > 1 or bool(g.title)) for g in view.groups if g.items]
                single.update(Content("\n\n\n").join(parts))
        # Scrolling: a new issue or stage starts at the top; a list that grew (the recorder added
        # an item, always at the end) shows its end, where the room is looking.
        place = (view.statement, view.stage)
        if place != self._place:
            self.call_after_refresh(lambda: main.scroll_home(animate=False))
        elif view.count > self._count and view.stage is not Stage.CONSENSUS:
            self.call_after_refresh(lambda: main.scroll_end(animate=False))
        self._place, self._count = place, view.count

    def _paint_side(self, view: RoomView) -> None:
        count = self.query_one("#room-count", Digits)
        label = self.query_one("#room-count-label", Label)
        tally_box = self.query_one("#room-tally", Static)
        tally = view.tally
        if view.stage is Stage.CONSENSUS:
            count.update(f"{tally.counted}/{tally.total}" if tally else "")
            count.display = tally is not None
            label.update(literal(("answered" if tally.complete else "answered: not complete") if tally else ""))
        else:
            count.display = True
            count.update(str(view.count))
            label.update(join((view.count_label, "bold"), ("\n" + view.count_detail if view.count_detail else "", "")))
        tally_box.display = tally is not None
        if tally is None:
            tally_box.update("")
            return
        if not tally.complete:
            verdict = (f" NOT COMPLETE: {tally.counted}/{tally.total} answered ", "bold reverse $warning")
        elif tally.consensus:
            verdict = (" CONSENSUS ", "bold reverse $success")
        else:
            verdict = (" NO CONSENSUS ", "bold reverse $error")
        lines: list[Content] = [join(verdict), join((tally.method, "bold"), (f"  {tally.at:%H:%M}", ""))]
        width = max((len(label) for label, _ in tally.counts), default=0)
        for value, n in tally.counts:
            lines.append(join((f"{value:<{width}} ", "bold"), ("█" * min(n, 12) + (" " if n else ""), "$primary"), (str(n), "bold")))
        if tally.below:
            lines.append(join((f"{tally.below} below the line", "bold $error")))
        tally_box.update(Content("\n").join(lines))

    def _paint_clock(self) -> None:
        # A tick (every second) may come while the app shuts down: under ``run_test`` the screens
        # are taken down while the message loop still runs, so the widgets may be gone.
        if not self.is_running:
            return
        digits = self.query_one("#room-clock-digits", Digits)
        label = self.query_one("#room-clock-label", Label)
        box = self.query_one("#room-clock", Vertical)
        view = self.view
        if view is None or view.stage is Stage.ISSUES:
            box.display = False
            return
        box.display = True
        now = time.time()
        since = view.stage_since.timestamp() if view.stage_since else None
        if since is not None and not (now - STALE_STAGE_SECONDS <= since <= now + 60):
            since = None  # another day's stage, or another machine's clock: no countdown from it
        box.set_class(False, "-warning")
        box.set_class(False, "-over")
        clock = view.clock if view.clock is not None and view.clock.fresh(model_now()) else None
        if clock is not None:  # the facilitator's own timer: the same numbers as on their screen
            left = clock.left(model_now())
            digits.update(mmss(left))
            if view.box_minutes:
                text = f"left of {view.box_minutes} min" if left > 0 else f"over the {view.box_minutes} min box"
            else:
                text = "stage timer"
            text += "" if clock.running else " · paused"
            box.set_class(0 < left <= 60, "-warning")
            box.set_class(left <= 0, "-over")
            label.update(literal(text))
            return
        if since is None and not view.box_minutes:
            box.display = False  # nothing to time
            return
        if since is None:  # the facilitator's own timer is not in the file: show the box only
            digits.update(mmss(view.box_minutes * 60))
            text = f"{view.box_minutes} min time box"
        elif view.box_minutes:
            left = view.box_minutes * 60 - max(0, int(now - since))
            digits.update(mmss(left))
            text = f"left of {view.box_minutes} min" if left > 0 else f"over the {view.box_minutes} min box"
            box.set_class(0 < left <= 60, "-warning")
            box.set_class(left <= 0, "-over")
        else:
            digits.update(mmss(max(0, int(now - since))))
            text = "in this stage"
        label.update(literal(text))

    def _paint_foot(self) -> None:
        foot = self.query_one("#room-foot", Static)
        seen = f" · updated {self.last_good:%H:%M:%S}" if self.last_good else ""
        mode = ""
        if self.follower is not None and self.follower.mode == "poll":
            mode = " (checking every 0.25 s)"
        foot.update(join(("Room view", "bold"), " · read-only · following ", literal(self.path.name), (mode, ""), seen, ("  · F9 theme · Ctrl+Q quit", "")))

    def on_resize(self) -> None:
        self.screen.set_class(self.size.width < 100, "-narrow")
        if self.view is not None:
            self.query_one(Stepper).show(list(self.view.stage_order), self.view.stage)

    # --- actions ------------------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        self.theme = "room-dark" if self.theme == "projector" else "projector"
