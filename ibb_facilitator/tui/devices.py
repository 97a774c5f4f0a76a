"""The room open to people's own devices, in the facilitation app (issue 17).

F11 (or the palette's "Devices in the room") opens the room: a small web server on the app's own
event loop (``devices.server``), loopback unless the app was started with ``ibb open FILE
--devices --host H --allow-remote``. The **Devices** panel shows the join address as a QR code
(dark on light), the join code in big letters for people who type it, who has claimed which name
(Ctrl+F frees one), and the ideas the phones sent, without their authors:

- Enter accepts the pointed idea into the current issue's list (an option, or an interest for the
  side it was offered for), through ``editing`` like anything typed: logged, undoable;
- Space marks ideas, Ctrl+E merges the marked ones into one (the recorder edits the words first);
- Delete drops the pointed one (Ctrl+Z brings the last one dropped back).

No letter is a command in the panel: a recorder who starts typing a sentence here meant the
capture line, so the panel closes and the sentence goes there, from its first letter (a "d" must
not drop an idea, nor the Enter that ends the sentence accept one).

Votes: while the room is open, the consensus stage's Ctrl+R (take the vote) opens the check on
every device too; the voter rows say who has answered (never what) until the next Ctrl+R
**reveals** every answer at once (the recorder may still key an answer for someone without a
phone, or mark them absent); one more Ctrl+R records the check as today. A straw poll's form has
the same (``session/polls.py``: Ctrl+O opens it on the devices, Ctrl+O again reveals).

``DeviceHost`` keeps the room in step with the session: the members who may claim a name, what
ideas are taken for (the current issue at Interests or Options), and the room view's content that
phones follow (built as the wall builds it, ``room.build_view``, at most every ``FOLLOW_SECONDS``).
A training table's room also says where it is in its class folder (``devices.announce``), so
that the class's one address (``ibb class DIR --devices``) can lead phones to it. The server stops
when the app does. Nothing a device sends reaches the file until the facilitator
accepts it or records the vote; the ideas waiting are kept beside it (``.NAME.toml.ideas.json``)
so that a kill loses none: the next opening of the room puts them back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from .. import editing, process
from ..devices.room import DeviceRoom, Idea, IdeaTarget, Member
from ..model import MUTUAL, Session, Stage
from ..served import DEFAULT_HOST
from .modals import Confirm, Prompt
from .text import join, literal, one_line

if TYPE_CHECKING:
    from ..devices.server import DeviceServer
    from .app import IbbApp
    from .wall import RoomView

FOLLOW_SECONDS = 0.5
KEEP_SECONDS = 0.2  # the ideas waiting reach the disk this soon after they change
#: Dark modules on light, whatever the theme: a phone's camera reads that way round.
QR_STYLE = "#000000 on #ffffff"


def members(session: Session) -> list[Member]:
    """Who may claim a name: every member of every party, and whether they count in a vote."""
    counting = {name for name, _ in process.voters(session)}
    return [Member(m.name, p.id, m.name in counting) for p in session.parties for m in p.members if m.name.strip()]


def idea_target(session: Session) -> IdeaTarget | None:
    """What phones send ideas for now: the current issue's options or interests, or nothing."""
    issue = session.issue(session.cursor.issue) if session.cursor.issue else None
    if issue is None:
        return None
    kinds = {Stage.INTERESTS: "interest", Stage.OPTIONS: "option"}
    kind = kinds.get(session.cursor.stage)
    return IdeaTarget(issue.id, issue.statement, kind) if kind else None  # type: ignore[arg-type]


def follow_data(view: RoomView) -> dict[str, Any]:
    """The wall's view as the plain data the phone page shows (``devices.pages.follow_part``)."""
    from .widgets import STAGE_NAMES

    lines = []
    if view.tally is not None:
        tally = view.tally
        verdict = "consensus" if tally.consensus else "no consensus" if tally.complete else "not complete"
        counts = ", ".join(f"{label}: {n}" for label, n in tally.counts)
        lines.append(f"Last check ({tally.method}): {verdict} · {counts}")
    if view.poll is not None:
        lines.append(f"{view.poll.title}: " + ", ".join(f"{bar.tag} {bar.label}" for bar in view.poll.bars[:8]))
    if view.agreement is not None:
        lines.append(f"TA: {view.agreement[0]}")
    return {
        "where": view.where,
        "stage": STAGE_NAMES.get(view.stage, str(view.stage)),
        "stages": [STAGE_NAMES.get(s, str(s)) for s in view.stage_order],
        "statement": view.statement,
        "lines": lines,
        "empty": view.empty,
        "groups": [
            {
                "title": group.title,
                "items": [
                    {"tag": item.tag, "text": item.text, "kind": item.kind, "note": item.note} for item in group.items
                ],
            }
            for group in view.groups
        ],
    }


class DeviceHost:
    """The app's room open to devices: the rules (``room``), the server, kept in step with the
    session (see the module docstring)."""

    def __init__(self, app: IbbApp) -> None:
        self.app = app
        self.room = DeviceRoom(members(app.session))
        self.server: DeviceServer | None = None
        self._synced: tuple[object, ...] = ()
        self._repaint_due = False
        self._kept: tuple[int, ...] = ()
        self._keep_due = False
        self.restored = 0
        self.announced: Path | None = None  # a training table's note in its class folder
        self._timer: Any = None
        self.path = app.file.path if app.file is not None else None  # the session the room is for
        self.queue_path = self.path.with_name(f".{self.path.name}.ideas.json") if self.path is not None else None
        self._restore_queue()
        self.room.listeners.append(self._room_changed)

    # --- the ideas waiting, kept beside the session until taken -----------------------------------

    def _restore_queue(self) -> None:
        """Ideas that were waiting when the room last closed (or the app was killed) come back."""
        if self.queue_path is None:
            return
        try:
            kept = json.loads(self.queue_path.read_bytes())
        except (OSError, ValueError):
            return  # none kept, or a damaged file: it is written over with the queue as it is
        if isinstance(kept, dict) and isinstance(kept.get("ideas"), list):
            self.restored = self.room.restore_ideas(i for i in kept["ideas"] if isinstance(i, dict))
            self._kept = tuple(i.n for i in self.room.ideas)

    def _keep_queue(self) -> None:
        """The ideas waiting, written beside the session soon after the queue changes (within
        ``KEEP_SECONDS``, as an autosave: a burst of sixty ideas is one write, not sixty fsyncs on
        the screen's loop); the file goes once the queue is empty."""
        if self._keep_due or self.queue_path is None or tuple(i.n for i in self.room.ideas) == self._kept:
            return
        self._keep_due = True
        self.app.set_timer(KEEP_SECONDS, self.keep_now)

    def keep_now(self) -> None:
        self._keep_due = False
        numbers = tuple(i.n for i in self.room.ideas)
        if numbers == self._kept or self.queue_path is None:
            return
        self._kept = numbers
        from ..store import write_atomic

        try:
            if numbers:
                data = json.dumps({"ideas": self.room.kept_ideas()}, ensure_ascii=False).encode()
                write_atomic(self.queue_path, data, backup=False)
            else:
                self.queue_path.unlink(missing_ok=True)
        except OSError as error:
            self.app.notify(f"The ideas waiting could not be kept on disk: {error.strerror}", severity="warning")

    @property
    def open(self) -> bool:
        return self.server is not None and self.server.running

    def title(self) -> str:
        return self.app.session.title or "IBB session"

    async def start(self, host: str = DEFAULT_HOST, port: int = 0) -> None:
        from ..devices.server import DeviceServer  # aiohttp: only once the room opens

        server = DeviceServer(self.room, self.title, host=host, port=port)
        await server.start()  # a port in use raises OSError: the caller says so
        self.server = server
        self._announce()
        self.sync(force=True)
        self._timer = self.app.set_interval(FOLLOW_SECONDS, self.sync, name="devices-follow")

    async def stop(self) -> None:
        self.keep_now()  # the ideas waiting are on disk before the room closes
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.announced is not None:
            from ..devices.announce import withdraw

            withdraw(self.announced)
            self.announced = None
        if self.server is not None:
            server, self.server = self.server, None
            await server.stop()

    def _announce(self) -> None:
        """A training table tells its class folder where its room is, for the class's door
        (``ibb class DIR --devices``: one address, phones pick their table)."""
        file, server = self.app.file, self.server
        if self.app.session.training is None or file is None or server is None:
            return
        from ..devices.announce import announce

        try:
            self.announced = announce(file.path.parent, file.path.stem, server.port, self.room.token)
        except (OSError, ValueError) as error:
            self.app.notify(f"The class's door will not find this table: {error}", severity="warning", timeout=8)

    def sync(self, force: bool = False) -> None:
        """Members, ideas target and the followed view, when the session moved on."""
        app = self.app
        if not self.open or app._session is None:
            return
        if app.file is None or app.file.path != self.path:  # another session opened in this app
            app.notify("The room open to devices closed: it was for the session you left.", timeout=6)
            app.run_worker(close_room(app), group="devices")
            return
        session = app.session
        key = (id(session), app._content_changes, session.cursor.issue, session.cursor.stage, len(session.events))
        if key == self._synced and not force:
            return
        self._synced = key
        from .room import build_view

        self.room.set_members(members(session))
        self.room.open_ideas(idea_target(session))
        self.room.set_follow(follow_data(build_view(session)))

    def _room_changed(self) -> None:
        """A phone did something (or the facilitator did): keep the queue, repaint once."""
        self._keep_queue()
        if not self._repaint_due:
            self._repaint_due = True
            self.app.call_later(self._repaint)

    def _repaint(self) -> None:
        self._repaint_due = False
        for screen in self.app.screen_stack:
            paint = getattr(screen, "devices_changed", None)
            if callable(paint):
                paint()

    # --- ideas -------------------------------------------------------------------------------

    def accept(self, ideas: list[Idea], text: str | None = None) -> bool:
        """Put ``ideas`` into their issue's list as one item (``text``: the merged words)."""
        first = ideas[0]
        words = text if text is not None else first.text
        session = self.app.session
        if session.issue(first.issue) is None:
            self.app.notify("That idea's issue is gone from the session.", severity="warning")
            return False
        if first.kind == "interest":
            holders = {i.holder for i in ideas}
            holder = first.holder if len(holders) == 1 else MUTUAL
            done = self.app.change("accept an idea", editing.add_interest, first.issue, words, holder)
        else:
            done = self.app.change("accept an idea", editing.add_option, first.issue, words)
        if done is None:
            return False
        self.room.take_ideas(i.n for i in ideas)
        return True


def host_of(app: Any) -> DeviceHost | None:
    host = getattr(app, "devices", None)
    return host if isinstance(host, DeviceHost) and host.open else None


@work(exclusive=True, group="devices")
async def open_room(app: IbbApp, host: str = DEFAULT_HOST, port: int = 0, *, show: bool = True) -> None:
    """Open the room to devices (once) and show the panel."""
    if app.readonly or app.file is None:
        app.notify("Read-only: devices cannot join a session that cannot change.", severity="warning")
        return
    if app.served:  # a copy in someone's browser (ibb serve --full) must not open a server
        app.notify(
            "This copy is served to a browser: open the room from the facilitator's own app.", severity="warning"
        )
        return
    if host_of(app) is None:
        device_host = DeviceHost(app)
        try:
            await device_host.start(host, port)
        except OSError as error:
            app.notify(f"The room could not open to devices: {error.strerror or error}", severity="error", timeout=10)
            return
        app.devices = device_host
        if device_host.restored:
            app.notify(f"{device_host.restored} ideas were still waiting from the last time: they are back.", timeout=8)
    if show:
        app.push_screen(DevicesScreen())


async def close_room(app: Any, *, drop_ideas: bool = False) -> None:
    """Stop the server. The ideas waiting stay on disk for the next opening, unless the
    facilitator closed the room saying they go (``drop_ideas``)."""
    host = getattr(app, "devices", None)
    if isinstance(host, DeviceHost):
        app.devices = None
        await host.stop()
        if drop_ideas:
            host.room.take_ideas([i.n for i in host.room.ideas])


# --- the panel ---------------------------------------------------------------------------------


def qr_content(url: str) -> Content:
    from ..devices import qr

    return Content("\n".join(qr.lines(url))).stylize(QR_STYLE)


def spaced_code(code: str) -> str:
    return f"{code[:3]} {code[3:]}"


class IdeaList(OptionList):
    """The ideas waiting, oldest first; marked ones (Space) carry a ●."""


class DevicesScreen(ModalScreen[None]):
    """The room open to devices: join address, QR, code, names held, ideas waiting."""

    CSS = """
    DevicesScreen { align: center middle; }
    #devices-dialog { width: 100%; height: 100%; max-width: 150; padding: 0 1; background: $panel; }
    #devices-body { height: 1fr; }
    #devices-qr { width: auto; height: auto; margin-right: 2; }
    #devices-side { width: 1fr; height: 1fr; }
    #devices-join { height: auto; }
    #devices-ideas { height: 1fr; min-height: 3; }
    #devices-ideas-title { margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("enter", "accept", "Accept"),
        Binding("space", "mark", "Mark"),
        Binding("ctrl+e", "merge", "Merge marked", priority=True),
        Binding("delete", "drop", "Drop"),
        Binding("ctrl+z", "undrop", "Bring back the last dropped", priority=True),
        Binding("ctrl+f", "free", "Free a name", priority=True),
        Binding("ctrl+t", "qr", "QR code", priority=True),
        Binding("ctrl+x", "close_room", "Close the room", priority=True),
    ]
    HINT = "Enter accept · Space mark · Ctrl+E merge · Del drop · Ctrl+F free a name · Ctrl+T QR · Ctrl+X close room"
    SHORT_HINT = "Enter accept · Space mark · ^E merge · Del drop · ^F free a name · ^T QR · ^X close"

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self._qr = Static("", id="devices-qr")
        self._join = Static("", id="devices-join")
        self._ideas_title = Label("", id="devices-ideas-title")
        self.ideas = IdeaList(id="devices-ideas")
        self._hint = Label("", classes="dialog-hint")
        self.marked: set[int] = set()
        self._shown: list[int] = []
        self._dropped: list[Idea] = []
        self._leaving = False  # a letter was typed: the panel is going, the keys go to the capture line
        self._capture: Any = None  # the session screen's capture line, under the panel

    def compose(self) -> ComposeResult:
        with Vertical(id="devices-dialog"):
            yield Label(literal("Devices in the room"), classes="dialog-title")
            with Horizontal(id="devices-body"):
                yield self._qr
                with Vertical(id="devices-side"):
                    yield self._join
                    yield self._ideas_title
                    yield self.ideas
            yield self._hint

    @property
    def host(self) -> DeviceHost | None:
        return host_of(self.app)

    def on_mount(self) -> None:
        stack = self.app.screen_stack
        self._capture = getattr(stack[-2], "_capture", None) if len(stack) > 1 else None
        host = self.host
        if host is not None and host.server is not None:
            self._qr.update(qr_content(host.server.url))
        self.ideas.focus()
        self.devices_changed()

    def devices_changed(self) -> None:
        host = self.host
        if host is None or host.server is None:
            self.dismiss(None)
            return
        room = host.room
        claimed = room.claimed()
        ballot = room.ballot
        lines: list[Content] = [
            join(("Join code ", "bold"), (spaced_code(room.code), "bold $accent"), " at ", literal(host.server.base)),
            join(("or scan, or open ", "dim"), literal(host.server.url)),
            Content(""),
            join((f"{len(claimed)} of {len(room.members)} names claimed", "bold"), ("  (Ctrl+F frees one)", "dim")),
        ]
        names = ", ".join(name for name, _ in claimed)
        if names:
            lines.append(literal(one_line(names, 110)))
        if ballot is not None:
            state = "revealed" if ballot.revealed else f"{len(ballot.answers)} of {len(ballot.voters)} answered, hidden"
            lines.append(join(("Open vote: ", "bold"), literal(one_line(ballot.title)), f" ({state})"))
        target = room.ideas_for
        lines.append(
            join(("Ideas: ", "bold"), literal(f"{target.kind}s for {one_line(target.statement)}"))
            if target
            else join(("Ideas: ", "bold"), ("closed (open at the Interests or Options stage of an issue)", "dim"))
        )
        self._join.update(Content("\n").join(lines))
        self._ideas_title.update(join((f"Ideas waiting: {len(room.ideas)}", "bold"), ("  (no authors)", "dim")))
        numbers = [i.n for i in room.ideas]
        highlighted = self.ideas.highlighted
        self.ideas.clear_options()
        self.ideas.add_options(
            Option(
                join(("● " if idea.n in self.marked else "  ", "bold $accent"), self._idea_label(idea)),
                id=str(idea.n),
            )
            for idea in room.ideas
        )
        self.marked &= set(numbers)
        if numbers:
            self.ideas.highlighted = min(highlighted or 0, len(numbers) - 1)
        self._shown = numbers
        self._hint.update(literal(self.SHORT_HINT))

    def _idea_label(self, idea: Idea) -> Content:
        session = self.app.session  # type: ignore[attr-defined]
        issue = session.issue(idea.issue)
        where = f"#{session.issues.index(issue) + 1} " if issue is not None else ""
        kind = "option" if idea.kind == "option" else f"interest ({session.holder_tag(idea.holder)})"
        return join((f"{where}{kind}: ", "dim"), literal(idea.text))

    def _pointed(self) -> Idea | None:
        host, index = self.host, self.ideas.highlighted
        if host is None or index is None or index >= len(host.room.ideas):
            return None
        return host.room.ideas[index]

    def action_close(self) -> None:
        self.dismiss(None)

    async def on_key(self, event: events.Key) -> None:
        """Typing: the recorder meant the capture line. The panel goes; the letters go there,
        in order: those already on their way to this panel (a burst, a paste) are handed over
        too, Enter included, until the session screen has the keys again."""
        printable = bool(event.character and event.character.isprintable() and event.key != "space")
        if not (printable or self._leaving):
            return
        event.stop()
        event.prevent_default()
        capture = self._capture
        if not self._leaving:
            self._leaving = True
            self.dismiss(None)
            if capture is not None:
                capture.focus()
        if capture is None:
            return
        if printable or event.key == "space":
            capture.insert_text_at_cursor(event.character or " ")
        elif event.key == "enter":
            await capture.action_submit()
        elif event.key == "backspace":
            capture.action_delete_left()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # Enter on an idea: the list's own Enter selects it
        if not self._leaving:
            self.action_accept()

    def action_accept(self) -> None:
        idea, host = self._pointed(), self.host
        if idea is not None and host is not None and host.accept([idea]):
            self.app.notify(f"Accepted: {one_line(idea.text)}", timeout=3)

    def action_mark(self) -> None:
        idea = self._pointed()
        if idea is not None:
            self.marked ^= {idea.n}
            self.devices_changed()
            self.ideas.action_cursor_down()

    def action_merge(self) -> None:
        host = self.host
        if host is None:
            return
        chosen = [i for i in host.room.ideas if i.n in self.marked]
        if len(chosen) < 2:
            self.app.notify("Mark two ideas or more with Space, then Ctrl+E merges them.", severity="warning")
            return
        if len({(i.issue, i.kind) for i in chosen}) > 1:
            self.app.notify("Only ideas of the same issue and kind merge.", severity="warning")
            return

        def take(text: str | None) -> None:
            if text and text.strip() and host.accept(chosen, text.strip()):
                self.marked.clear()
                self.app.notify(f"Merged {len(chosen)} ideas into one.", timeout=3)

        self.app.push_screen(
            Prompt("The merged idea, in words the room will read", " / ".join(i.text for i in chosen)), take
        )

    def action_drop(self) -> None:
        idea, host = self._pointed(), self.host
        if idea is not None and host is not None:
            host.room.take_ideas([idea.n])
            self._dropped.append(idea)
            self.app.notify(f"Dropped: {one_line(idea.text)} · Ctrl+Z brings it back", timeout=4)

    def action_undrop(self) -> None:
        host = self.host
        if host is None or not self._dropped:
            self.app.notify("Nothing dropped here to bring back.", timeout=3)
            return
        idea = self._dropped.pop()
        host.room.restore_ideas([{"text": idea.text, "kind": idea.kind, "issue": idea.issue, "holder": idea.holder}])
        self.app.notify(f"Back in the queue: {one_line(idea.text)}", timeout=3)

    def action_free(self) -> None:
        host = self.host
        if host is None:
            return
        claimed = host.room.claimed()
        if not claimed:
            self.app.notify("No name is claimed yet.")
            return
        from .modals import Choose

        def chosen(name: str | None) -> None:
            if name and host.room.free(name):
                self.app.notify(f"{name} is free: that phone can pick a name again.", timeout=4)

        self.app.push_screen(
            Choose("Free which name? (its phone is out and can pick again)", [(f"{n} — {d}", n) for n, d in claimed]),
            chosen,
        )

    def action_qr(self) -> None:
        self._qr.display = not self._qr.display

    def action_close_room(self) -> None:
        app = self.app

        async def closed(yes: bool | None) -> None:
            if yes:
                await close_room(app, drop_ideas=True)
                app.notify("The room is closed to devices.", timeout=4)

        app.push_screen(Confirm("Close the room to devices? Phones stop following; ideas waiting are dropped."), closed)
