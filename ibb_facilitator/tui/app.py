"""The facilitation app: opens a session, applies every change through ``editing``, autosaves.

Never lose a word: every change marks the session dirty and a save follows within
``AUTOSAVE_DELAY`` seconds. The TOML text is made on the UI thread (a consistent snapshot), the
write + fsync happens in a thread worker, and writes are serialized so an older snapshot never
lands after a newer one. Quitting flushes synchronously, so there is never an "unsaved" prompt.
A failed save is shown at once; the work stays in memory and Ctrl+S saves it elsewhere.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .. import editing, recent
from ..history import History
from ..model import Session
from ..store import LockedError, SaveError, SessionFile, StoreError, dumps_data, dumps_session, session_data
from .modals import Panel, Prompt
from .theme import THEMES

AUTOSAVE_DELAY = 0.2


class IbbApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "IBB Facilitator"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("f9", "toggle_theme", "Theme", id="theme"),
        Binding("ctrl+s", "save_as", "Save as", id="save-as"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(self, *, path: Path | None = None, readonly: bool = False, new_session: Session | None = None, new_path: Path | None = None, theme: str = "projector", review_path: Path | None = None, review_at: int | None = None, review_focus: str | None = None):
        super().__init__()
        self.start_path, self.start_readonly = path, readonly
        self.review_path, self.review_at, self.review_focus = review_path, review_at, review_focus
        self.new_session, self.new_path = new_session, new_path
        self.start_theme = theme
        self.file: SessionFile | None = None
        self.session: Session = Session(title="(no session)")
        self.readonly = False
        self.readonly_reason = ""
        self.history = History()
        self.dirty = False
        self.save_error: str | None = None
        self.last_saved: datetime | None = None
        self._save_timer = None
        self._write_lock = threading.Lock()
        self._seq = 0
        self._written_seq = 0
        self._quit_armed = False

    # --- start-up -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = self.start_theme if self.start_theme in self.available_themes else "projector"
        if self.new_session is not None:
            from .setup import SetupScreen

            self.push_screen(SetupScreen(self.new_session, self.new_path))
        elif self.review_path is not None:
            self.open_review(self.review_path, self.review_focus, at=self.review_at)
        elif self.start_path is not None:
            self.open_session(self.start_path, readonly=self.start_readonly)
        else:
            from .home import HomeScreen

            self.push_screen(HomeScreen())

    def open_session(self, path: Path, *, readonly: bool = False) -> bool:
        """Open ``path`` and show its stage walk. A bad file is shown, never touched."""
        reason = "opened for review: nothing can be changed" if readonly else ""
        try:
            opened = SessionFile.open(path, readonly=readonly)
        except LockedError as exc:
            try:
                opened = SessionFile.open(path, readonly=True)
            except StoreError as inner:
                self.show_error(f"Cannot open {path}", inner.lines)
                return False
            reason = str(exc)
        except StoreError as exc:
            self.show_error(f"Cannot open {path}", exc.lines)
            return False
        self._attach(opened, reason)
        return True

    def open_review(self, path: Path, focus: str | None = None, *, at: int | None = None) -> bool:
        """Show ``path`` in the review screen: read-only, for reading, with a timeline.

        The file is opened with ``SessionFile.open(readonly=True)`` (no lock, no save, no backup)
        and the review keeps it to itself: a session being facilitated is not touched. ``focus``
        (an item id, e.g. from a library search) selects the issue holding it and highlights it;
        ``at`` shows the session after that many logged changes. A bad file is shown, untouched.
        """
        from .review import ReviewScreen

        try:
            opened = SessionFile.open(path, readonly=True)
        except StoreError as exc:
            self.show_error(f"Cannot open {path}", exc.lines)
            return False
        self.push_screen(ReviewScreen(opened, focus=focus, at=at))
        return True

    def start_new(self, session: Session, path: Path) -> bool:
        try:
            opened = SessionFile.create(path, session)
        except StoreError as exc:
            self.show_error(f"Cannot create {path}", exc.lines)
            return False
        self._attach(opened, "")
        return True

    def _attach(self, opened: SessionFile, readonly_reason: str) -> None:
        from .session_screen import SessionScreen

        if self.file is not None:
            self.flush()
            self.file.close()
        self.file, self.session = opened, opened.session
        # The loaded session is hundreds of thousands of long-lived objects: moving them out of the
        # cyclic collector's sight turns 200+ ms pauses while typing into a few ms.
        gc.collect()
        gc.freeze()
        self.readonly = opened.readonly
        self.readonly_reason = readonly_reason
        self.history = History()
        self.dirty, self.save_error = False, None
        self.last_saved = None
        recent.remember(opened.path)
        self._paint_title()
        self.switch_or_push(SessionScreen())

    def switch_or_push(self, screen: Screen) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def show_error(self, title: str, lines: list[str]) -> None:
        self.push_screen(Panel(title, [(line, "") for line in lines] + [("", ""), ("The file was not changed.", "bold")]))

    # --- changes, undo, autosave --------------------------------------------------------------

    def change(self, label: str, fn, *args, **kwargs):
        """Apply one ``editing`` change; on a rule error, say why and leave the session as it was."""
        if self.readonly:
            self.notify("Read-only: nothing can be changed here.", severity="warning")
            return None
        self.history.checkpoint(self.session, label)
        try:
            result = fn(self.session, *args, **kwargs)
        except editing.RuleError as exc:
            self.history.discard()  # editing checks before it changes anything
            self.notify(str(exc), title="Not allowed", severity="warning")
            return None
        except ValidationError as exc:
            self.history.discard()
            self.notify("; ".join(e["msg"] for e in exc.errors(include_url=False)), title="Not accepted", severity="warning")
            return None
        self.mark_dirty()
        return True if result is None else result

    def undo(self) -> str | None:
        if self.readonly:
            return None
        label = self.history.undo(self.session)
        if label:
            self.mark_dirty()
        return label

    def mark_dirty(self) -> None:
        if self.readonly or self.file is None:
            return
        self.dirty = True
        self._paint_title()
        if self._save_timer is None:
            self._save_timer = self.set_timer(AUTOSAVE_DELAY, self._autosave)

    def _autosave(self) -> None:
        self._save_timer = None
        if not self.dirty or self.file is None or self.readonly:
            return
        snapshot = session_data(self.session)  # cheap; the TOML text is made on the worker
        self.dirty = False
        self._seq += 1
        seq, target = self._seq, self.file
        self._paint_title()
        self.run_worker(lambda: self._write(target, snapshot, seq), thread=True, group="autosave", exit_on_error=False)

    def _write(self, target: SessionFile, snapshot: dict, seq: int) -> None:
        with self._write_lock:
            if seq < self._written_seq:
                return  # a newer snapshot already landed
            try:
                target.save(dumps_data(snapshot).encode("utf-8"))
            except SaveError as exc:
                self.call_from_thread(self._save_failed, str(exc))
                return
            self._written_seq = seq
        self.call_from_thread(self._saved)

    def _saved(self) -> None:
        if self.save_error:
            self.notify("Saved again.", severity="information", timeout=3)
        self.save_error = None
        self.last_saved = datetime.now()
        self._paint_title()

    def _save_failed(self, message: str) -> None:
        first = self.save_error is None
        self.save_error = message
        self.dirty = True  # still in memory; the next change (or Ctrl+S) tries again
        self._paint_title()
        if first:
            self.notify(f"{message}\nYour work is safe in memory. Ctrl+S saves it elsewhere.", title="NOT SAVED", severity="error", timeout=30)
            self.bell()

    def flush(self) -> None:
        """Save now, on this thread (quit, switching files)."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.file is None or self.readonly or (not self.dirty and self._written_seq >= self._seq):
            return  # nothing changed since the last write landed (a snapshot still in a worker counts)
        data = dumps_session(self.session).encode("utf-8")
        self._seq += 1
        with self._write_lock:
            try:
                self.file.save(data)
            except SaveError as exc:
                self._save_failed(str(exc))
                return
            self._written_seq = self._seq
        self.dirty = False
        self._saved()

    def _paint_title(self) -> None:
        session = self.session
        self.title = session.title
        if self.readonly:
            state = "READ-ONLY"
        elif self.save_error:
            state = "NOT SAVED (Ctrl+S: save elsewhere)"
        elif self.dirty or self._written_seq < self._seq:
            state = "saving…"
        elif self.last_saved:
            state = f"saved {self.last_saved:%H:%M:%S}"
        else:
            state = "saved"
        where = self.file.path.name if self.file else ""
        self.sub_title = f"{where} · {state}" if where else state

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None, markup: bool = False) -> None:  # type: ignore[override]
        """Notices carry names, paths and rule messages with user text in them: never markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # --- actions ------------------------------------------------------------------------------

    def action_quit(self) -> None:  # type: ignore[override]
        self.flush()
        if self.save_error and not self.readonly and not self._quit_armed:
            self.notify("Not saved: Ctrl+S to save elsewhere first, or Ctrl+Q again to quit anyway.", severity="error")
            self._quit_armed = True  # a second Ctrl+Q quits
            return
        self.exit()

    def on_unmount(self) -> None:
        self.flush()
        if self.file is not None:
            self.file.close()

    def action_toggle_theme(self) -> None:
        self.theme = "room-dark" if self.theme == "projector" else "projector"

    def action_save_as(self) -> None:
        if self.file is None:
            return
        suggestion = str(self.file.path.with_name(self.file.path.stem + "-copy.toml"))

        def chosen(value: str | None) -> None:
            if not value or self.file is None:
                return
            try:
                self.file.save_as(Path(value).expanduser())
            except StoreError as exc:
                self.notify(str(exc), title="Save as failed", severity="error", timeout=15)
                return
            self.readonly, self.readonly_reason = False, ""
            self.save_error, self.dirty = None, False
            self.last_saved = datetime.now()
            recent.remember(self.file.path)
            self._paint_title()
            self.notify(f"Saved to {self.file.path}; changes now go there.")
            if hasattr(self.screen, "refresh_all"):
                self.screen.refresh_all()  # type: ignore[attr-defined]

        self.push_screen(Prompt("Save the session to a new file", suggestion, hint="Enter saves · Esc cancels"), chosen)

    def action_help(self) -> None:
        from ..commands.room import room_hint
        from .help import help_lines

        lines = help_lines()
        if self.file is not None:
            lines += [("Room view (for the wall, or for members following elsewhere)", "bold underline")]
            lines += [(f"  {line}", "") for line in room_hint(self.file.path)]
        self.push_screen(Panel("Keys", lines))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.file is not None:
            from ..commands.room import room_hint

            hint = [(line, "") for line in room_hint(self.file.path)]
            yield SystemCommand("Room view", "Show this session on the wall or in a browser: the commands", lambda: self.push_screen(Panel("Room view", hint)))
        seen = set()
        for node in (screen, self):  # every key action of this screen and the app, by its name
            for key, bindings in node._bindings.key_to_bindings.items():
                for binding in bindings:
                    name = binding.action.split("(")[0]
                    if not binding.description or binding.action in seen or node.check_action(name, ()) is False:
                        continue
                    seen.add(binding.action)
                    yield SystemCommand(binding.description, f"Key: {key}", lambda n=node, a=binding.action: n.run_action(a))
