"""``ibb class DIR``: a training class at a glance, for the trainer; every table, live.

One row a table (``classroom.table_row``): its round and the clock of it, the issue and stage on
its screen, its TAs, its last change, or why its file cannot be read. The table files are read
again when they change (a stamp check every second, the reading on a worker thread), and the
clocks tick every second between saves.

**N** (or F10) starts the next round for the whole class, after a confirm: it is written to
``class.toml`` (``classroom.next_round``) and each table's app starts the round itself, at this
moment, with the round's facts on its screen. **D** shows the class debrief (``ibb debrief``'s
text). Nothing here writes a table's file.

With ``--devices`` (``door``) the view also opens the class's door (``devices.classdoor``) on its
own event loop: one address, a join code and a QR code for every table's phones, shown above the
tables (**C** shows or hides the QR code: at 80×24 it leaves the tables two rows), with how many
tables have opened their rooms. The door stops when the view does.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from .. import classroom, training
from ..devices import announce, qr
from ..devices.classdoor import ClassDoor, DoorTable
from ..model import Session, now
from ..scenario import Scenario
from ..store import StoreError, load_session
from ..watch import stamp_of
from .modals import Confirm
from .text import join, literal, one_line
from .theme import THEMES
from .widgets import STAGE_NAMES, mmss

#: (key, heading, width); 0: what the others leave ("On screen")
COLUMNS = (("table", "Table", 8), ("round", "Round", 9), ("clock", "Clock", 11), ("where", "On screen", 0),
           ("tas", "TAs", 6), ("last", "Changed", 8))  # fmt: skip


class DebriefText(ModalScreen[None]):
    """The class debrief (``ibb debrief``'s text), to read; Esc closes it."""

    BINDINGS = [Binding("escape,d,q", "close", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__(classes="dialog-screen")
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide tall"):
            yield Static(literal(self.text))

    def action_close(self) -> None:
        self.dismiss(None)


class DoorPanel(Horizontal):
    """The class's door: its QR code (dark on light, whatever the theme), its address and code."""

    DEFAULT_CSS = """
    DoorPanel { height: auto; padding: 0 1; }
    DoorPanel #door-qr { width: auto; height: auto; color: black; background: white; margin-right: 2; }
    DoorPanel #door-text { width: 1fr; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="door-qr")
        yield Static("", id="door-text")

    shown: tuple[object, ...] = ()

    def show(self, door: ClassDoor | None, error: str, rooms: int, tables: int, with_qr: bool) -> None:
        """``rooms`` of ``tables`` tables have opened their rooms to devices."""
        key = (door.url if door is not None and door.running else "", error, rooms, tables, with_qr)
        if key == self.shown:
            return  # painted every second: the QR code is made again only when it changes
        self.shown = key
        code = self.query_one("#door-qr", Static)
        text = self.query_one("#door-text", Static)
        if error:
            code.display = False
            text.update(literal(f"The class's door for phones did not open: {error}", "bold $error"))
            return
        if door is None or not door.running:
            code.display = False
            text.update(literal("Opening the class's door for phones…", "dim"))
            return
        opened = f"{rooms} of {tables} tables have opened their rooms to devices"
        code.display = with_qr
        if with_qr:
            code.update(literal("\n".join(qr.lines(door.url)), "black on white"))
            text.update(
                join(
                    ("Phones: scan the code, or open\n", "bold"),
                    (f"{door.base}/\n", "bold"),
                    "and type the code ",
                    (door.code, "bold reverse"),
                    "\nthen pick the table, then the name.\n\n",
                    (opened, "dim"),
                    ("\n(each table opens its room from its own app)\nC hides the QR code", "dim"),
                )
            )
        else:
            text.update(
                join(
                    ("Phones: ", "bold"),
                    (f"{door.base}/", "bold"),
                    "  code ",
                    (door.code, "bold reverse"),
                    (f"  ·  {rooms}/{tables} tables open  ·  C: QR", "dim"),
                )
            )


class ClassApp(App[None]):
    TITLE = "IBB class view"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #class-head { padding: 0 1; text-style: bold; }
    #class-state { padding: 0 1; }
    DataTable { height: 1fr; }
    .dialog-screen { align: center middle; }
    .dialog { width: 90%; height: 90%; border: thick $primary; background: $surface; padding: 1 2; }
    """
    BINDINGS = [
        Binding("n,f10", "next_round", "Next round for every table"),
        Binding("d", "debrief", "Debrief"),
        Binding("c", "toggle_qr", "QR code"),
        Binding("f9", "toggle_theme", "Theme"),
        Binding("ctrl+q,q", "quit", "Quit", priority=True),
    ]

    def __init__(self, folder: Path | str, *, theme: str = "projector", door: tuple[str, int] | None = None) -> None:
        """``door``: (host, port) to open the class's door for phones on (port 0: any free one)."""
        super().__init__()
        self.folder = Path(folder)
        self.start_theme = theme
        self.door_address = door
        self.door: ClassDoor | None = None
        self.door_error = ""
        self.rooms: set[str] = set()  # the tables whose rooms are open to devices (announced)
        self.qr_shown: bool | None = None  # None: as the screen's height allows
        # each table file: (its stamp, the session and its checked scenario, or the error to show)
        self.tables: dict[Path, tuple[tuple[int, ...] | None, Session | None, Scenario | None, str]] = {}
        self.control: classroom.ClassControl | None = None
        self.control_error = ""
        self.reads = 0  # passes over the folder so far (tests wait on it)

    def compose(self) -> ComposeResult:
        yield Static("", id="class-head")
        yield Static("", id="class-state")
        if self.door_address is not None:
            yield DoorPanel()
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = self.start_theme if self.start_theme in self.available_themes else "projector"
        self._columns()
        if self.door_address is not None:
            self.open_door()
        self.read()
        self.set_interval(1.0, self.read)

    # --- the class's door for phones -------------------------------------------------------------

    @work(exclusive=True, group="class-door", exit_on_error=False)
    async def open_door(self) -> None:
        assert self.door_address is not None
        host, port = self.door_address
        door = ClassDoor(self.folder, self.class_title, host, port, tables=self.door_tables)
        self.door = door
        try:
            await door.start()
        except OSError as exc:
            self.door, self.door_error = None, f"cannot listen on {host}:{port} ({exc.strerror or exc})"
        self.paint()

    async def on_unmount(self) -> None:
        door, self.door = self.door, None
        if door is not None:
            await door.stop()

    def class_title(self) -> str:
        sessions = self.readable()
        return sessions[0][0].title.split(": table ")[0] if sessions else self.folder.name

    def door_tables(self) -> list[DoorTable]:
        """The tables as the door lists them: "Table 2 of 6" from each file read."""
        out = []
        for row in self.rows():
            session = self.tables[row.path][1]
            state = session.training if session is not None else None
            label = f"Table {state.table} of {state.tables}" if state is not None else row.label
            out.append(DoorTable(row.path.stem, label, session.title.split(": table ")[0] if session else ""))
        return out

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.door_address is not None if action == "toggle_qr" else True

    def action_toggle_qr(self) -> None:
        if self.door_address is None:
            return
        self.qr_shown = not self._qr_shown()
        self.paint()

    def _qr_shown(self) -> bool:
        """Shown unless hidden with C; at first only where the tables keep room beside it."""
        if self.qr_shown is not None:
            return self.qr_shown
        return self.size.height >= 34

    def _columns(self) -> None:
        """The columns, "On screen" taking what the others leave of the width (2 cells of
        padding a column): the issue's text is what a trainer reads."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        fixed = sum(width for _, _, width in COLUMNS) + 2 * len(COLUMNS) + 2
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width or max(16, self.size.width - fixed))
        self._widths = self.size.width

    def on_resize(self) -> None:
        if self.is_running and getattr(self, "_widths", None) not in (None, self.size.width):
            self._columns()
            self.paint()

    # --- reading (a worker thread: loading a table file validates it) ---------------------------

    @work(thread=True, exclusive=True, group="class-read", exit_on_error=False)
    def read(self) -> None:
        changed = False
        files = classroom.table_files(self.folder)
        known = dict(self.tables)
        for path in files:
            stamp = stamp_of(path)
            old = known.get(path)
            if old is not None and old[0] == stamp:
                continue
            try:
                session = load_session(path)
                scenario = training.scenario_of(session) if session.training is not None else None
                known[path] = (stamp, session, scenario, "")
            except Exception as exc:  # a table being saved, or damaged: say so on its row
                lines = getattr(exc, "lines", None) or [str(exc)]
                known[path] = (stamp, None, None, lines[0])
            changed = True
        for gone in set(known) - set(files):
            del known[gone]
            changed = True
        try:
            control, error = classroom.read_control(self.folder), ""
        except Exception as exc:
            control, error = self.control, (getattr(exc, "lines", None) or [str(exc)])[0]
        rooms = set(announce.announced(self.folder)) if self.door_address is not None else set()
        self.call_from_thread(self._read, known if changed else None, control, error, rooms)

    def _read(self, tables: dict | None, control: classroom.ClassControl | None, error: str, rooms: set[str]) -> None:
        if tables is not None:
            self.tables = tables
        self.control, self.control_error = control, error
        self.rooms = rooms
        self.reads += 1
        self.paint()

    # --- painting -----------------------------------------------------------------------------

    def rows(self, at: datetime | None = None) -> list[classroom.TableRow]:
        out = [
            classroom.table_row(path, session, error, at, scenario)
            for path, (_, session, scenario, error) in self.tables.items()
        ]
        return sorted(out, key=lambda r: (r.number, r.path.name))

    def readable(self) -> list[tuple[Session, Scenario]]:
        """The tables that could be read, each with its checked scenario."""
        return [(session, scenario) for _, session, scenario, _ in self.tables.values() if session and scenario]

    def paint(self) -> None:
        at = now()
        sessions = self.readable()
        title = sessions[0][0].title.split(": table ")[0] if sessions else "No table files yet"
        self.query_one("#class-head", Static).update(
            join(literal(title, "bold"), (f"  ·  {len(self.tables)} tables  ·  ", "dim"), literal(str(self.folder)))
        )
        rounds = self.control.rounds if self.control else []
        total = len(sessions[0][1].rounds) if sessions else 0
        if self.control_error:
            state = literal(f"class.toml: {self.control_error}", "bold $error")
        elif rounds:
            last = rounds[-1]
            state = literal(f"Round {last.number} of {total} started for every table at {last.start:%H:%M}")
        else:
            state = literal("No round started for the class yet: N starts round 1 at every table", "dim")
        self.query_one("#class-state", Static).update(state)
        if self.door_address is not None:
            stems = {path.stem for path in self.tables}
            self.query_one(DoorPanel).show(
                self.door, self.door_error, len(self.rooms & stems), len(self.tables), self._qr_shown()
            )
        table = self.query_one(DataTable)
        rows = self.rows(at)
        keys = [str(r.path) for r in rows]
        if [str(k.value) for k in table.rows] != keys:
            table.clear()
            for row in rows:
                table.add_row(*self._cells(row), key=str(row.path))
            return
        for row in rows:
            for (key, _, _), cell in zip(COLUMNS, self._cells(row), strict=True):
                table.update_cell(str(row.path), key, cell)

    @staticmethod
    def _cells(row: classroom.TableRow) -> tuple:
        """A row's cells, each fit to its column at 80 columns: the round as "1", "1 ended"."""
        if row.error:
            name = str(row.path)  # the error names the file first: the row says which it is
            error = "line " + row.error[len(name) + 1 :] if row.error.startswith(name + ":") else row.error
            return (row.label, literal("BROKEN", "bold $error"), "", literal(one_line(error, 300)), "", "")
        clock: str | Content = ""
        if row.phase in ("preparation", "finished"):
            rnd = "preparing" if row.phase == "preparation" else "finished"
        else:
            rnd = f"{row.round}" + (" ended" if row.phase == "between" else "")
            if row.left is not None and row.left > 0:
                clock = literal(f"{mmss(row.left)} left", "bold $warning" if row.left <= 300 else "")
            elif row.left is not None:
                clock = literal(f"+{mmss(-row.left)} OVER", "bold $error")
        where = literal(one_line(row.issue, 300)) if row.issue else literal("(the list of issues)", "dim")
        if row.stage is not None:
            where = join((f"{STAGE_NAMES[row.stage]}: ", "bold"), where)
        last = f"{row.last:%H:%M:%S}" if row.last else ""
        return (row.label, rnd, clock, where, f"{row.tas}/{row.issues}", last)

    # --- the trainer's keys --------------------------------------------------------------------

    def action_next_round(self) -> None:
        sessions = self.readable()
        if not sessions:
            self.notify("No table of this class can be read: nothing to start.", severity="warning")
            return
        scenario = sessions[0][1]
        number = len(self.control.rounds) + 1 if self.control else 1
        if number > len(scenario.rounds):
            self.notify(f"All {len(scenario.rounds)} rounds have started.", severity="warning")
            return
        spec = scenario.rounds[number - 1]
        question = (
            f"Start round {number} of {len(scenario.rounds)}, “{spec.title}” ({spec.minutes} min), at every table now?"
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                started = classroom.next_round(self.folder, [session for session, _ in self.readable()])
            except (training.RuleError, StoreError, OSError, ValueError) as exc:  # (SaveError is a StoreError)
                lines = getattr(exc, "lines", None) or [str(exc)]
                self.notify(lines[0], title="Not started", severity="error", timeout=10)
                return
            self.notify(f"Round {started.number} started for every table: each table's screen shows its facts.")
            self.read()

        self.push_screen(Confirm(question, yes="Start it", no="Not yet"), answered)

    @work(thread=True, exclusive=True, group="class-debrief", exit_on_error=False)
    def action_debrief(self) -> None:
        """The class debrief, read and compared beside the screen (every table file again)."""
        from ..export import debrief as debrief_export

        try:
            text = str(debrief_export.render(training.load_class(self.folder), "text"))
        except (StoreError, OSError, ValueError) as exc:
            lines = getattr(exc, "lines", None) or [str(exc)]
            self.call_from_thread(self.notify, lines[0], title="No debrief", severity="error", timeout=10)
            return
        self.call_from_thread(self.push_screen, DebriefText(text))

    def notify(self, message: str, **kwargs: object) -> None:
        """A notice shows its words as they are (a file's name may hold brackets): no markup."""
        super().notify(message, markup=False, **kwargs)  # type: ignore[arg-type]

    def action_toggle_theme(self) -> None:
        self.theme = "room-dark" if self.theme == "projector" else "projector"


__all__ = ["ClassApp"]
