"""The home screen: start a new session from an agenda, open a recent session, open a file.

When a recent session's folder is a negotiation (issue 15), "Next session of <negotiation>" is
offered at the top: it carries the negotiation's latest session over and opens the set-up form
with it (``negotiating.next_session``). The negotiations are read in a thread worker (the
board's facts cache keeps that cheap), and the list is rebuilt when they are known. B shows the
board of the pointed recent session's negotiation (else of the first recent one's).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from .. import agenda, paths, recent
from .modals import Prompt
from .text import join, literal
from .widgets import TitleBar

if TYPE_CHECKING:
    from textual import getters

    from .app import IbbApp


class HomeScreen(Screen):
    CSS_PATH = "home.tcss"

    if TYPE_CHECKING:  # the app's own methods type-check; at run time this is Textual's property
        app = getters.app(IbbApp)

    BINDINGS = [
        ("o", "open_file", "Open a file"),
        ("l", "library", "Session library"),
        Binding("b", "board", "Negotiation board", id="home.board"),
    ]

    #: the negotiations of recent folders: (name, latest session's path, open issues, sessions)
    nexts: list[tuple[str, Path, int, int]] = []
    _first_id: str | None = None  # the option highlighted at first (to tell whether the user moved)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="home"):
            yield Label("Interest-based bargaining, in the room", id="home-title")
            yield OptionList(id="home-list")
            yield Label(
                "Enter opens · B board · L library · O open by path · Ctrl+Q quits",
                classes="dialog-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.entries = agenda.discover()
        self.recents = recent.load()
        self.nexts = []
        widget = self.query_one(OptionList)
        widget.add_options(self._options())
        widget.focus()
        widget.action_first()
        self._first_id = widget.highlighted_option.id if widget.highlighted_option is not None else None
        if self.recents:
            self.find_negotiations(list(self.recents))

    @work(thread=True, exclusive=True, group="home-negotiations", exit_on_error=False)
    def find_negotiations(self, recents: list[Path]) -> None:
        """The negotiation of each recent session's folder (the first three folders)."""
        from ..negotiation import load

        found: list[tuple[str, Path, int, int]] = []
        folders: list[Path] = []
        for path in recents:
            folder = path.expanduser().parent
            if folder in folders or not path.exists():
                continue
            folders.append(folder)
            try:
                neg = load(folder)
            except Exception:  # an unreadable folder offers nothing; opening it says why
                continue
            if neg.sessions:
                latest = neg.sessions[-1]
                live = sum(1 for issue in neg.issues if issue.live)
                found.append((neg.name, latest.path, live, len(neg.sessions)))
            if len(folders) == 3:
                break
        if found:
            self.app.call_from_thread(self._show_nexts, found)

    def _show_nexts(self, found: list[tuple[str, Path, int, int]]) -> None:
        self.nexts = found
        widget = self.query_one(OptionList)
        highlighted = widget.highlighted_option.id if widget.highlighted_option is not None else None
        if highlighted == self._first_id:  # not moved yet: a negotiation under way comes first
            highlighted = "next:0"
        widget.clear_options()
        widget.add_options(self._options())
        if highlighted is not None:
            try:
                widget.highlighted = widget.get_option_index(highlighted)
            except Exception:
                widget.action_first()
        else:
            widget.action_first()

    def _options(self) -> list[Option | None]:
        options: list[Option | None] = []
        if self.nexts:
            options.append(Option(join(("Continue a negotiation", "bold underline")), disabled=True))
            for n, (name, latest, live, count) in enumerate(self.nexts):
                sessions = f"{count} session{'s' if count != 1 else ''}"
                options.append(
                    Option(
                        join(
                            "  ",
                            ("Next session of ", "bold"),
                            literal(name, "bold"),
                            "\n    ",
                            literal(
                                f"after {latest.name} ({sessions}, {live} open issue{'s' if live != 1 else ''})", "dim"
                            ),
                        ),
                        id=f"next:{n}",
                    )
                )
            options.append(None)
        options.append(Option(join(("Start a new session", "bold underline")), disabled=True))
        for entry in self.entries:
            if entry.agenda is None:
                options.append(
                    Option(
                        join(
                            literal(entry.name),
                            ("  broken: ", "bold $error"),
                            literal((entry.error or "").splitlines()[0]),
                        ),
                        id=f"broken:{entry.name}",
                        disabled=True,
                    )
                )
            else:
                mine = "  (yours)" if entry.source == "user" else ""
                options.append(
                    Option(
                        join(
                            ("  " + entry.agenda.title, "bold"),
                            (mine, "dim"),
                            "\n    ",
                            literal(entry.agenda.description, "dim"),
                        ),
                        id=f"agenda:{entry.name}",
                    )
                )
        options.append(None)
        options.append(Option(join(("Recent sessions", "bold underline")), disabled=True))
        if self.recents:
            for n, path in enumerate(self.recents):
                options.append(
                    Option(
                        join("  ", literal(path.name, "bold"), "  ", literal(str(path.parent), "dim")), id=f"recent:{n}"
                    )
                )
        else:
            options.append(Option(literal("  none yet", "dim"), disabled=True))
        options.append(None)
        options.append(
            Option(
                join(
                    ("Session library…", "bold"), ("  every session in your sessions folder: list, sort, search", "dim")
                ),
                id="library",
            )
        )
        options.append(Option(join(("Open a session file…", "bold")), id="open"))
        return options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "agenda":
            entry = next(e for e in self.entries if e.name == value)
            assert entry.agenda is not None
            if entry.agenda.scenario is not None:  # a training table, with its briefs and rounds
                from ..training import new_table

                session = new_table(entry.agenda, entry.name)
            else:
                session = agenda.new_session(entry.agenda, entry.name)
            from .setup import SetupScreen

            self.app.push_screen(SetupScreen(session, paths.new_in_sessions(session.title)))
        elif kind == "next":
            self.start_next(self.nexts[int(value)][1])
        elif kind == "recent":
            self.app.open_session(self.recents[int(value)])
        elif kind == "open":
            self.action_open_file()
        elif kind == "library":
            self.action_library()

    def start_next(self, previous: Path) -> None:
        """The set-up form of the session after ``previous`` (carried over; saved on Ctrl+S)."""
        from ..negotiation.carryover import CarryError
        from ..store import StoreError
        from .negotiating import next_session
        from .setup import SetupScreen

        try:
            session, path = next_session(previous)
        except (StoreError, CarryError) as exc:
            lines = getattr(exc, "lines", None) or [str(exc)]
            self.app.notify(lines[0], title="Cannot carry over", severity="error", timeout=10)
            return
        self.app.push_screen(SetupScreen(session, path))

    def action_board(self) -> None:
        """The board of the pointed recent session's negotiation (else the first recent one's)."""
        from .negotiating import open_board

        widget = self.query_one(OptionList)
        kind, _, value = (widget.highlighted_option.id or "" if widget.highlighted_option else "").partition(":")
        if kind == "recent":
            target: Path | None = self.recents[int(value)]
        elif kind == "next":
            target = self.nexts[int(value)][1]
        elif self.nexts:
            target = self.nexts[0][1]
        else:
            target = self.recents[0] if self.recents else None
        if target is None:
            self.app.notify("No recent session yet: open one first, or run ibb board FOLDER.", severity="information")
            return
        open_board(self.app, target)

    def action_library(self) -> None:
        from .library import LibraryScreen

        self.app.push_screen(LibraryScreen())

    def action_open_file(self) -> None:
        def chosen(value: str | None) -> None:
            if not (value and value.strip()):
                return
            from .. import served
            from ..store import StoreError

            try:  # a served copy (ibb serve --full) opens only the files beside its session
                target = served.open_target(Path(value.strip()).expanduser())
            except StoreError as exc:
                self.app.notify(str(exc), title="Not opened", severity="warning", timeout=10)
                return
            self.app.open_session(target)

        self.app.push_screen(
            Prompt("Open a session file", str(paths.sessions_dir()) + "/", hint="Enter opens · Esc cancels"), chosen
        )
