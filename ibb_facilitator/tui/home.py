"""The home screen: start a new session from an agenda, open a recent session, open a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList
from textual.widgets.option_list import Option

from .. import agenda, paths, recent
from .modals import Prompt
from .text import join, literal

if TYPE_CHECKING:
    from textual import getters

    from .app import IbbApp


class HomeScreen(Screen):
    CSS_PATH = "home.tcss"

    if TYPE_CHECKING:  # the app's own methods type-check; at run time this is Textual's property
        app = getters.app(IbbApp)

    BINDINGS = [("o", "open_file", "Open a file"), ("l", "library", "Session library")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Label("Interest-based bargaining, in the room", id="home-title")
            yield OptionList(id="home-list")
            yield Label(
                "Enter opens · L session library · O opens a file by path · Ctrl+Q quits", classes="dialog-hint"
            )
        yield Footer()

    def on_mount(self) -> None:
        self.entries = agenda.discover()
        self.recents = recent.load()
        options: list[Option | None] = [Option(join(("Start a new session", "bold underline")), disabled=True)]
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
        widget = self.query_one(OptionList)
        widget.add_options(options)
        widget.focus()
        widget.action_first()

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
        elif kind == "recent":
            self.app.open_session(self.recents[int(value)])
        elif kind == "open":
            self.action_open_file()
        elif kind == "library":
            self.action_library()

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
