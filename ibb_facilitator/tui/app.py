"""The facilitation app: opens a session, applies every change through ``editing``, autosaves.

Never lose a word: every change marks the session dirty and a save follows within
``AUTOSAVE_DELAY`` seconds. The UI thread takes a consistent snapshot (``savecache``: only what
changed since the last autosave is copied), a thread worker makes the bytes from it, writes and
fsyncs, and writes are serialized so an older snapshot never lands after a newer one. Quitting
flushes synchronously and in full, so there is never an "unsaved" prompt.
A failed save is shown at once; the work stays in memory and Ctrl+S saves it elsewhere.

The backup (``NAME.bak``, the file as it was before a save) turns over only when a save carries
a change to the record (``change``, ``undo``: ``mark_dirty(content=True)``). Where the room is
looking (the cursor, the stage timer: ``mark_dirty()``) is saved too, so the file reopens
there, but without touching the backup: moving around must not cost the last real backup.

Signals: SIGTERM (a shutdown, ``kill``), SIGHUP (the terminal closed: a laptop lid, an SSH
drop) and SIGINT end the app as Ctrl+Q does, from the event loop (``loop.add_signal_handler``):
the capture line's text is kept as ``cursor.capture_draft`` (put back on reopen), the session is
flushed (waiting for a save in flight), the lock released, all before the terminal is touched
(after SIGHUP it is gone); then the app exits with 128 + the signal's number. A second signal
meanwhile is ignored; a teardown that hangs on a dead terminal is cut short once the work is safe.

Start-up: ``ibb open FILE`` (``open_in_background=True``) paints ``OpeningScreen`` as its first
frame, then reads and validates the file on a thread worker and switches to the session (keys
typed meanwhile are held and replayed; see ``tui/opening.py``). This module imports only Textual
at the top: the session core (pydantic models, store, editing, undo history; ~100 ms of imports)
is imported by ``load_core``, on that worker or on the first call that needs it.

A long file (about a thousand lines) because it is the one owner of a session's life in the app:
opening, every change and undo, autosave and flush, read-only following, signals and drafts. Each
has its own section below; the screens (``session/``, ``review.py``...) hold no part of it.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen

from .. import paths, preferences
from .messages import ChangeFeed, SessionChanged, post_refreshes
from .text import join
from .theme import THEMES, wall_variables

if TYPE_CHECKING:
    from textual.timer import Timer

    from ..history import History
    from ..model import Session
    from ..savecache import SaveCache, Snapshot
    from ..store import LockedError, SaveError, SessionFile, StoreError, dumps_session_bytes
    from .opening import OpeningScreen

_core_loaded = False


def load_core() -> None:
    """Import the session core and bind the names this module uses (``SessionFile``,
    ``SaveError``, ``dumps_session_bytes``...) as its globals. Idempotent and thread-safe (imports are).

    Not at the top of the module: pydantic and the models cost ~100 ms, which ``ibb open`` spends
    on its loading thread, behind the first frame, instead of before it."""
    global _core_loaded, History, Session, SaveCache, LockedError, SaveError, SessionFile, StoreError
    global dumps_session_bytes
    if _core_loaded:
        return
    from ..history import History
    from ..model import Session
    from ..savecache import SaveCache
    from ..store import LockedError, SaveError, SessionFile, StoreError, dumps_session_bytes

    _core_loaded = True


def open_file(path: Path, readonly: bool) -> tuple[SessionFile | None, str, list[str]]:
    """``(file, read-only reason, [])`` for ``path``, or ``(None, "", error lines)``. A file
    another instance holds for writing opens read-only, with that as the reason. Any thread."""
    load_core()
    reason = "opened for review: nothing can be changed" if readonly else ""
    try:
        opened = SessionFile.open(path, readonly=readonly)
    except LockedError as exc:
        try:
            opened = SessionFile.open(path, readonly=True)
        except StoreError as inner:
            return None, "", inner.lines
        reason = str(exc)
    except StoreError as exc:
        return None, "", exc.lines
    return opened, reason, []


AUTOSAVE_DELAY = 0.2
#: seconds between the GIL's hand-overs while the app runs (``IbbApp.run``)
SWITCH_INTERVAL = 0.0005
#: the cyclic collector's third threshold while the app runs (Python's is 10): see ``IbbApp.run``
GC_OLDEST_THRESHOLD = 1000
EXIT_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")  # by name: Windows has no SIGHUP
EXIT_GRACE = 3.0  # seconds the teardown may take after a signal, once the work is on disk


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class Followed(Message):
    """A read-only session's file was saved by its writer and loaded again (or failed to load):
    posted from the follower's thread."""

    def __init__(self, opened: SessionFile, session: Session | None, error: Exception | None) -> None:
        super().__init__()
        self.opened, self.session, self.error = opened, session, error


class ClassChanged(Message):
    """The training class's control file (``classroom``) was saved by ``ibb class``: posted
    from its follower's thread; the table starts the rounds the class started."""

    def __init__(self, opened: SessionFile, decided: Any) -> None:
        super().__init__()
        self.opened, self.decided = opened, decided  # (``control`` is Message's own)


class IbbApp(App[None]):
    # The session screen's CSS (its CSS_PATH) is read here too, with the app's, before the first
    # frame: read when that screen is first shown, Textual parses every style sheet again on the
    # UI thread (15-20 ms measured here, between the file loaded and the session shown).
    CSS_PATH = ["app.tcss", "session/session.tcss"]
    TITLE = "IBB Facilitator"
    # The header shows these (its title repaints its own line: widgets.TitleBar). Textual's own
    # repaint the whole screen when they change, and every change to the session changes the
    # sub-title twice ("saving…", then "saved 10:41:07"): a full frame of 160x45 cells each,
    # the first on the key's own path (bench/terminal_bench.py: a grid digit 11 ms).
    title: Reactive[str] = Reactive("", compute=False, repaint=False)
    sub_title: Reactive[str] = Reactive("", compute=False, repaint=False)
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("f9", "toggle_theme", "Theme", id="theme"),
        Binding("ctrl+s", "save_as", "Save as", id="save-as"),
        Binding("ctrl+n", "board", "Negotiation board", id="board", priority=True),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        *,
        path: Path | None = None,
        readonly: bool = False,
        new_session: Session | None = None,
        new_path: Path | None = None,
        theme: str = "projector",
        review_path: Path | None = None,
        review_at: int | None = None,
        review_focus: str | None = None,
        open_in_background: bool = False,
        devices: tuple[str, int] | None = None,
    ):
        """``open_in_background``: open ``path`` behind an opening screen (``ibb open``) rather
        than before the first frame (the default: the session screen is there once mounted).
        ``devices``: (host, port) to open the room to people's devices on once the session shows
        (``ibb open FILE --devices``; ``tui/devices.py``)."""
        super().__init__()
        self.start_path, self.start_readonly = path, readonly
        self.open_in_background = open_in_background
        self.review_path, self.review_at, self.review_focus = review_path, review_at, review_focus
        self.new_session, self.new_path = new_session, new_path
        self.start_theme = theme
        self.file: SessionFile | None = None
        self._session: Session | None = None  # see the ``session`` property
        self.readonly = False
        self.readonly_reason = ""
        self._history: History | None = None  # see the ``history`` property
        self.last_key = 0.0  # time.monotonic() of the last key or paste (``on_event``)
        self.dirty = False
        self.save_error: str | None = None
        self.last_saved: datetime | None = None
        self._save_timer: Timer | None = None
        self._write_lock = threading.Lock()
        self._seq = 0
        self._written_seq = 0
        # Changes to the record made so far (``change``, ``undo``), and how many of them the
        # backup has been turned over for: a save carrying more turns it over, once.
        self._content_changes = 0
        self._backed_up = 0
        self._save_cache: SaveCache | None = None  # made in _attach_file (it needs the session core)
        self._quit_armed = False
        self._label_of: tuple[Path, str] | None = None  # (file path, its label in the header)
        self.opening: OpeningScreen | None = None  # while a file loads behind the opening screen
        # Keys and pastes typed while a file opens, held until the session is shown (None: not
        # holding), and the ones being handed over (by id), which must pass.
        self._held: list[events.Key | events.Paste] | None = None
        self._replayed: weakref.WeakSet[events.Event] = weakref.WeakSet()  # held keys handed over now
        self._passing = False
        self._start_loading: Any = None  # starts the loading thread (see open_behind_screen)
        self._follower: Any = None  # watch.FileFollower of a read-only session's file
        self._class_follower: Any = None  # watch.FileFollower of a training table's class.toml
        self._followed_at: datetime | None = None  # when the writer's last save was shown
        self._follow_error = False
        self._exit_signal: int | None = None  # the signal the app is ending for
        self._released = False  # the file is closed (its lock released): nothing more is saved
        self._draft_pending: SessionFile | None = None  # its capture draft is yet to be put back
        self._signal_handlers: list[tuple[Any, int, Any]] = []  # (loop, signal, handler before)
        # Whatever shows the session subscribes here; every change reaches it as a SessionChanged.
        self.session_changes = ChangeFeed()
        # The room open to people's devices (tui/devices.DeviceHost), once F11 or --devices opens it.
        self.devices: Any = None
        self.start_devices = devices
        # This computer's preferences, never the record's. A copy served to browsers (ibb serve
        # --full) is anyone's who reaches it: the defaults (no coaching), and it writes none.
        self.served = bool(os.environ.get(paths.SERVED_FOLDER_ENV))
        self.preferences = preferences.Preferences() if self.served else preferences.load()
        self._choose_theme(theme)

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables over the wall's own (``$side-1``, ``$wall-muted``...), so every
        screen may use those even under one of Textual's built-in themes."""
        return {**wall_variables(self.current_theme.dark), **super().get_css_variables()}

    def _choose_theme(self, name: str) -> None:
        """Register our themes and make ``name`` current before the first stylesheet parse.

        Set in ``on_mount`` (the usual way), the theme's watcher makes Textual parse and apply
        every style a second time before the first frame (~15 ms of a ~40 ms start). Here the
        reactive is set without its watcher, and what the watcher would do at this point is
        done by hand: the theme's classes, the ANSI colour filter, the CSS variables. Later
        changes (F9) go through the watcher as usual."""
        for theme in THEMES:
            self.register_theme(theme)
        if name not in self.available_themes:
            name = "projector"
        self.set_reactive(App.theme, name)
        current = self.current_theme
        self.set_class(True, f"-theme-{name}")
        self.set_class(current.dark, "-dark-mode")
        self.set_class(not current.dark, "-light-mode")
        refresh_filter = getattr(self, "_refresh_truecolor_filter", None)  # Textual 8.2; harmless if gone
        if refresh_filter is not None:
            refresh_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

    @property
    def session(self) -> Session:
        """The open session (an empty one before any is open)."""
        if self._session is None:
            load_core()
            self._session = Session(title="(no session)")
        return self._session

    @session.setter
    def session(self, value: Session) -> None:
        self._session = value

    @property
    def history(self) -> History:
        if self._history is None:
            load_core()
            self._history = History()
        return self._history

    @history.setter
    def history(self, value: History) -> None:
        self._history = value

    # --- start-up -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._handle_exit_signals()
        if self.new_session is not None:
            from .setup import SetupScreen

            self.push_screen(SetupScreen(self.new_session, self.new_path))
        elif self.review_path is not None:
            self.open_review(self.review_path, self.review_focus, at=self.review_at)
        elif self.start_path is not None and self.open_in_background:
            self.open_behind_screen(self.start_path, readonly=self.start_readonly)
        elif self.start_path is not None:
            self.open_session(self.start_path, readonly=self.start_readonly)
        else:
            from .home import HomeScreen

            self.push_screen(HomeScreen())

    def open_session(self, path: Path, *, readonly: bool = False) -> bool:
        """Open ``path`` and show its stage walk. A bad file is shown, never touched."""
        opened, reason, problems = open_file(path, readonly)
        if opened is None:
            self.show_error(f"Cannot open {path}", problems)
            return False
        self._attach_file(opened, reason)
        return True

    # --- opening behind the first frame (``ibb open``) ----------------------------------------

    def open_behind_screen(self, path: Path, *, readonly: bool = False) -> None:
        """Show ``OpeningScreen`` for ``path`` now; once it is on screen, load the file on a
        thread worker, then show the session (or the file's problems, the file untouched)."""
        from .opening import OpeningScreen

        screen = self.opening = OpeningScreen(path)
        self._held = []

        def start() -> None:
            self.run_worker(
                lambda: self._load_behind(path, readonly, screen),
                name=f"open {path.name}",
                group="open",
                thread=True,
                exit_on_error=False,
            )

        # The load starts once the opening screen's first frame is out (``_display``), so the
        # two do not share the interpreter; the timer is a backstop should that hook not fire.
        self._start_loading = start
        self.push_screen(screen)
        self.set_timer(0.3, self._start_loading_now)

    def _start_loading_now(self) -> None:
        start, self._start_loading = self._start_loading, None
        if start is not None:
            start()

    def _display(self, screen: Screen, renderable: Any) -> None:
        """Textual's "write this frame" (private in Textual 8.2): the one place that knows a
        frame went out. Used only to start the loading thread after the opening screen's first."""
        super()._display(screen, renderable)
        if (
            self._start_loading is not None
            and screen is self.opening
            and renderable is not None
            and not self._batch_count
        ):
            self.call_later(self._start_loading_now)

    def _load_behind(self, path: Path, readonly: bool, screen: OpeningScreen) -> None:
        """On the worker thread: everything slow about opening, then hand over to the UI thread.

        ``ibb open`` starts with the cyclic garbage collector off (``cli._run_app``): start-up
        allocates much and frees little, and a hundred automatic collections cost ~50 ms of it.
        Here, once the file is loaded, everything alive is frozen (out of the collector's sight,
        as in ``_attach_file``), without a full collection first (another 20-80 ms: the few thousand
        objects of start-up garbage stay, a few hundred KB), and the collector is switched back
        on, whatever happened."""
        from textual.worker import get_current_worker

        worker = get_current_worker()
        opened: SessionFile | None = None
        try:
            load_core()  # the screen says "Loading the program…" from the start
            from . import session  # noqa: F401 - its import (~30 ms) is done here, not on the UI thread

            screen.post_message(screen.Progress("Reading and checking the file…"))
            opened, reason, problems = open_file(path, readonly)
            if opened is not None:
                gc.freeze()
        except Exception as exc:
            problems = [f"{path}: could not open it: {type(exc).__name__}: {exc}"]
            opened, reason = None, ""
        finally:
            gc.enable()
        if worker.is_cancelled:  # quit while loading
            if opened is not None:
                opened.close()
            return
        try:
            # Textual runs a coroutine function here; its Callable[..., T | Awaitable[T]] infers T as Never
            self.call_from_thread(self._loaded_behind, screen, opened, reason, problems)  # type: ignore[arg-type]
        except RuntimeError:  # the app has gone meanwhile
            if opened is not None:
                opened.close()

    async def _loaded_behind(
        self, screen: OpeningScreen, opened: SessionFile | None, reason: str, problems: list[str]
    ) -> None:
        if self.opening is not screen or self.screen is not screen or self._released:  # quitting, or somehow moved on
            self._held = None
            if opened is not None:
                opened.close()
            return
        self.opening = None
        if opened is None:
            held, self._held = len(self._held or []), None  # never applied to the error panel
            lines = [(line, "") for line in problems] + [("", ""), ("The file was not changed.", "bold")]
            if held:
                lines.append(
                    (
                        f"{_count(held, 'key')} typed while it was opening "
                        f"{'was' if held == 1 else 'were'} not applied.",
                        "",
                    )
                )
            from .home import HomeScreen
            from .modals import Panel

            self.sub_title = f"{screen.path.name} · not opened"
            # The home screen takes the opening screen's place and the error shows above it:
            # once read and closed, the user is somewhere (not on a blank screen).
            await self.switch_screen(HomeScreen())
            await self.push_screen(Panel(f"Cannot open {screen.path}", lines))
            return
        await self._attach_file(opened, reason, collect=False)
        from .. import recent

        # the recent-files list (an fsync'd write) is no reason to keep the session waiting
        self.run_worker(
            lambda: recent.remember(opened.path), name="remember", group="recent", thread=True, exit_on_error=False
        )
        if self._held:
            self.run_worker(self._replay(), name="replay held keys", group="replay", exit_on_error=False)
        else:
            self._held = None

    async def on_event(self, event: events.Event) -> None:
        """While a file opens (and its held keys are handed over), keys and pastes are held in
        order; a priority key (Ctrl+Q) still acts at once."""
        if self._held is not None and isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if event in self._replayed:  # a held key, handed over now: acts as typed
                self._passing = True
                try:
                    await super().on_event(event)
                finally:
                    self._passing = False
                return
            if isinstance(event, events.Key) and await self._check_bindings(event.key, priority=True):
                return
            self._held.append(event)
            if self.opening is not None:
                self.opening.show_held(len(self._held))
            return
        if isinstance(event, (events.Key, events.Paste)):
            self.last_key = time.monotonic()  # work that can wait waits for a pause (``keys_quiet_for``)
        await super().on_event(event)

    def keys_quiet_for(self) -> float:
        """Seconds since the last key or paste."""
        return time.monotonic() - self.last_key

    async def _replay(self) -> None:
        """Hand the held keys to the session, in order, each one handled (with all it set off:
        an Enter's submit, a repaint) before the next, as when typed by hand. Keys typed during
        the hand-over join the end of the queue."""
        import asyncio
        import time

        def idle(pump: object) -> bool:
            queue = getattr(pump, "_message_queue", None)  # Textual's own; without it, no pacing
            return queue is None or queue.empty()

        try:
            while self._held:
                event = self._held.pop(0)
                again = (
                    events.Key(event.key, event.character)
                    if isinstance(event, events.Key)
                    else events.Paste(event.text)
                )
                self._replayed.add(again)
                self.post_message(again)
                deadline = time.monotonic() + 0.5
                quiet = 0
                while quiet < 2 and time.monotonic() < deadline:  # every queue empty, twice running
                    await asyncio.sleep(0)
                    quiet = (
                        quiet + 1
                        if all(idle(pump) for pump in (self, *self.screen.walk_children(with_self=True)))
                        else 0
                    )
        finally:
            self._held = None  # whatever happened, keys are never held for good

    def open_review(self, path: Path, focus: str | None = None, *, at: int | None = None) -> bool:
        """Show ``path`` in the review screen: read-only, for reading, with a timeline.

        The file is opened with ``SessionFile.open(readonly=True)`` (no lock, no save, no backup)
        and the review keeps it to itself: a session being facilitated is not touched. ``focus``
        (an item id, e.g. from a library search) selects the issue holding it and highlights it;
        ``at`` shows the session after that many logged changes. A bad file is shown, untouched.
        """
        from .review import ReviewScreen

        load_core()
        try:
            opened = SessionFile.open(path, readonly=True)
        except StoreError as exc:
            self.show_error(f"Cannot open {path}", exc.lines)
            return False
        self.push_screen(ReviewScreen(opened, focus=focus, at=at))
        return True

    def start_new(self, session: Session, path: Path) -> bool:
        load_core()
        try:
            opened = SessionFile.create(path, session)
        except StoreError as exc:
            self.show_error(f"Cannot create {path}", exc.lines)
            return False
        self._attach_file(opened, "")
        return True

    def _attach_file(self, opened: SessionFile, readonly_reason: str, *, collect: bool = True) -> Any:
        """Make ``opened`` the app's session and show it; awaitable. ``collect=False``: the
        caller has already frozen the heap (see ``_load_behind``) and remembers the file."""
        load_core()
        from .session import SessionScreen

        self._stop_following()
        if self.file is not None:
            self.flush()
            self.file.close()
        self.file, self.session = opened, opened.session
        if collect:
            # The loaded session is hundreds of thousands of long-lived objects: moving them out
            # of the cyclic collector's sight turns 200+ ms pauses while typing into a few ms.
            # (Unfrozen first: what the session shown before left behind can go now.)
            gc.unfreeze()
            gc.collect()
            gc.freeze()
        self.readonly = opened.readonly
        self.readonly_reason = readonly_reason
        self.history = History()
        if self._save_cache is None:
            self._save_cache = SaveCache()  # the file in pieces: an autosave writes only what changed
        self.dirty, self.save_error = False, None
        self._backed_up = self._content_changes  # a file just opened owes no backup
        self.last_saved = None
        if collect:
            from .. import recent

            recent.remember(opened.path)
        self._paint_title()
        if opened.readonly:
            self._follow(opened)
        elif opened.session.training is not None:
            from .training import follow_class

            self._class_follower = follow_class(self, opened)
        if opened.unsaved:
            self.call_later(self._offer_unsaved, opened)
        self._draft_pending = None
        if not opened.readonly and opened.session.cursor.capture_draft:
            self._draft_pending = opened
            self.call_after_refresh(self._offer_draft, opened)
        return self.switch_or_push(SessionScreen())

    def _offer_unsaved(self, opened: SessionFile) -> None:
        """An interrupted save left a newer version (``SessionFile.unsaved``): ask, one at a time,
        whether to use it, keep both or discard it. Nothing is deleted until the person chooses;
        Esc leaves it where it is, and the next open asks again."""
        if opened is not self.file or not opened.unsaved:
            return
        from .modals import Choose

        found = opened.unsaved[0]

        def chosen(answer: str | None) -> None:
            if answer is None or opened is not self.file:
                return
            try:
                if answer == "use":
                    self.file = None  # so that _attach_file does not close (and unlock) it
                    opened.use_unsaved(found)
                    self._attach_file(opened, "")
                    self.notify(
                        f"Using the version from {found.when:%H:%M}; the one it replaced is {opened.path.name}.bak"
                    )
                    return
                if answer == "both":
                    out = opened.keep_both(found)
                    self.notify(f"Kept both: the unsaved version is now {out}")
                else:
                    opened.discard(found)
                    self.notify("Discarded the unsaved version.")
            except (OSError, StoreError) as exc:
                self.file = self.file or opened
                self.notify(str(exc), title="Not done", severity="error", timeout=15)
                return
            self._offer_unsaved(opened)

        title = (
            f"A newer unsaved version from {found.when:%H:%M} ({found.when:%Y-%m-%d}) was found: "
            f"an interrupted save of {opened.path.name}"
        )
        choices = [
            ("Use it (the current file becomes the .bak)", "use"),
            (f"Keep both (saved beside it as {opened.path.stem}-recovered-{found.when:%Y%m%d-%H%M}.toml)", "both"),
            ("Discard it", "discard"),
        ]
        self.push_screen(
            Choose(title, choices, hint="↑/↓ and Enter choose · Esc: decide later (nothing is deleted)"), chosen
        )

    # --- a read-only copy follows the writer's saves ------------------------------------------

    def _follow(self, opened: SessionFile) -> None:
        """Follow the saves another ``ibb`` makes to the file this one shows read-only, as the
        room view does (``watch.FileFollower``): each save is read and validated on the
        follower's thread, and the session shown is replaced by it (``on_followed``)."""
        from ..store import load_session
        from ..watch import FileFollower, stamp_of

        shown = [opened._stamp]  # (mtime, size) of the version on screen: no reload for it

        def load(path: Path) -> Session | None:
            stamp = stamp_of(path)
            if stamp is not None and (stamp[3], stamp[2]) == shown[0]:
                return None  # the version on screen (the follower's first look, or a touch)
            session = load_session(path)
            shown[0] = (stamp[3], stamp[2]) if stamp is not None else None
            return session

        def deliver(session: Session | None, error: Exception | None) -> None:
            if session is not None or error is not None:
                self.post_message(Followed(opened, session, error))  # thread-safe, never blocks

        self._follower = FileFollower(opened.path, load, deliver).start()

    def _stop_following(self) -> None:
        follower, self._follower = self._follower, None
        self._followed_at, self._follow_error = None, False
        for stopping in (follower, self._class_follower):
            if stopping is not None:
                stopping.stop()
        self._class_follower = None

    def on_class_changed(self, message: ClassChanged) -> None:
        if self.is_running and message.opened is self.file and not self.readonly:
            from .training import class_changed

            class_changed(self, message.decided)

    def on_followed(self, message: Followed) -> None:
        if not self.is_running or message.opened is not self.file or not self.readonly:
            return  # another file by now, saved elsewhere, or shutting down
        if message.session is None:
            if not self._follow_error:  # once per bad streak; the last good version stays
                lines = getattr(message.error, "lines", None) or [str(message.error)]
                self.notify(
                    f"{lines[0]}\nStill showing the last good version; waiting for the next save.",
                    title="The writer's save could not be read",
                    severity="warning",
                    timeout=10,
                )
            self._follow_error = True
            return
        self._follow_error = False
        self.session = message.opened.session = message.session
        self._followed_at = datetime.now()
        self._paint_title()
        self.announce(SessionChanged("the writer's save"))

    def switch_or_push(self, screen: Screen) -> Any:
        """Show ``screen`` in place of the current one (or above the default screen); awaitable."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) > 1:
            return self.switch_screen(screen)
        return self.push_screen(screen)

    def show_error(self, title: str, lines: list[str]) -> None:
        """Show a file's problems in a panel; at start-up (nothing shown yet) above the home
        screen, so that closing the panel leaves the user there, not on a blank screen."""
        from .modals import Panel

        if len(self.screen_stack) <= 1:
            from .home import HomeScreen

            self.push_screen(HomeScreen())
        self.push_screen(
            Panel(title, [(line, "") for line in lines] + [("", ""), ("The file was not changed.", "bold")])
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While a file opens, the command palette (a priority key) waits like every other key.
        if action == "command_palette" and self._held is not None and not self._passing:
            return False
        if action == "board":  # from the session being recorded (the home screen has its B)
            return self.file is not None and type(self.screen).__name__ == "SessionScreen"
        return True

    # --- the negotiation (issue 15): its board, the minutes of the previous session --------

    def action_board(self) -> None:
        if self.file is not None:
            from .negotiating import open_board

            open_board(self, self.file.path)

    def on_board_screen_open_issue(self, message: Any) -> None:
        """Enter on a board row (``BoardScreen.OpenIssue``): see ``negotiating.open_board_issue``."""
        from .negotiating import open_board_issue

        open_board_issue(self, message.path, message.issue)

    # --- changes, undo, autosave --------------------------------------------------------------

    def change(self, label: str, fn, *args, **kwargs):
        """Apply one ``editing`` change, log it (undo) and announce it (``SessionChanged``: what
        shows the session repaints). On a rule error, say why and leave the session as it was
        (None). The change's result, or True."""
        from pydantic import ValidationError

        from .. import editing

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
            self.notify(
                "; ".join(e["msg"] for e in exc.errors(include_url=False)), title="Not accepted", severity="warning"
            )
            return None
        # Moving an issue to another stage says where the room is, not what it said: saved and
        # logged, but it does not turn the backup over (walking the stages must not cost the
        # user their last real backup).
        self.mark_dirty(content=fn is not editing.set_stage)
        self.announce(SessionChanged(label))
        self.call_after_refresh(self._prepare_undo)
        return True if result is None else result

    def _prepare_undo(self) -> None:
        """Once a change is on the screen: the next change's undo checkpoint, made ready off its key."""
        self.history.prepare(self.session)

    def undo(self) -> str | None:
        """Take the last change back (announced as a ``SessionChanged``); its label, or None."""
        if self.readonly:
            return None
        label = self.history.undo(self.session)
        if label:
            self.mark_dirty(content=True)
            self.announce(SessionChanged(f"undo {label}"))
        return label

    def announce(self, message: SessionChanged) -> None:
        """Hand ``message`` to everything that shows the session (``session_changes``), now, and
        their repaints to their screens together: the change and all it repaints are one frame."""
        with self.batch_update():
            for screen in self.session_changes.publish(message):
                post_refreshes(screen)

    def mark_dirty(self, *, content: bool = False) -> None:
        """Save soon. ``content``: the record changed (the next save turns the backup over);
        without it only where the room is looking changed (cursor, timer): saved, backup kept."""
        if self.readonly or self.file is None or self._released:
            return
        if content:
            self._content_changes += 1
        self.dirty = True
        self._paint_title()
        if self._save_timer is None:
            self._save_timer = self.set_timer(AUTOSAVE_DELAY, self._autosave)

    def _autosave(self) -> None:
        self._save_timer = None
        if not self.dirty or self.file is None or self.readonly:
            return
        # cheap: copies only what changed since the last autosave; the bytes are made on the worker
        assert self._save_cache is not None  # made with the file, in _attach_file
        snapshot = self._save_cache.snapshot(self.session)
        self.dirty = False
        self._seq += 1
        seq, target, changes = self._seq, self.file, self._content_changes
        self._paint_title()
        self.run_worker(
            lambda: self._write(target, snapshot, seq, changes), thread=True, group="autosave", exit_on_error=False
        )

    def _write(self, target: SessionFile, snapshot: Snapshot, seq: int, changes: int) -> None:
        """``changes``: the record changes this snapshot carries (``_content_changes`` then). It
        turns the backup over if it carries any the backup has not been turned over for; the
        count is cumulative, so a newer snapshot landing first does it for an older one."""
        with self._write_lock:
            if seq < self._seq:
                # A newer snapshot already landed, or is on its way (its worker waits for this
                # lock; a flush writes its own): it holds this one's changes. On a slow disk,
                # writing this one first would hold every newer change back by a whole save.
                return
            assert self._save_cache is not None  # a snapshot comes from it
            try:
                data = self._save_cache.render(snapshot)
            except Exception as exc:  # a bug must not pass for a save: say so, and write in full next time
                self._save_cache.clear()
                self.call_from_thread(self._save_failed, f"{target.path}: could not save: {type(exc).__name__}: {exc}")
                return
            try:
                target.save(data, backup=changes > self._backed_up)
            except SaveError as exc:
                self.call_from_thread(self._save_failed, str(exc))
                return
            self._written_seq = seq
            self._backed_up = max(self._backed_up, changes)
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
            self.notify(
                f"{message}\nYour work is safe in memory. Ctrl+S saves it elsewhere.",
                title="NOT SAVED",
                severity="error",
                timeout=30,
            )
            self.bell()

    def file_bytes(self) -> bytes:
        """The session's file as of now, on this thread: through the autosave's pieces when it
        has them (only what changed since the last autosave is written again; the bytes are the
        same, tests/test_savecache.py), else in full."""
        if self._save_cache is not None:
            return self._save_cache.dumps(self.session)
        return dumps_session_bytes(self.session)

    def flush(self) -> None:
        """Save now, on this thread (quit, switching files)."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.file is None or self.readonly or self._released or (not self.dirty and self._written_seq >= self._seq):
            return  # nothing changed since the last write landed (a snapshot still in a worker counts)
        data = self.file_bytes()
        self._seq += 1
        changes = self._content_changes
        with self._write_lock:
            try:
                self.file.save(data, backup=changes > self._backed_up)
            except SaveError as exc:
                self._save_failed(str(exc))
                return
            self._written_seq = self._seq
            self._backed_up = max(self._backed_up, changes)
        self.dirty = False
        self._saved()

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header shows a session's title as written: markup-like text as typed, control
        characters as symbols (Textual's own would pass ESC to the terminal)."""
        if not sub_title:
            return join(title)
        return join(title, (" — ", "dim"), (sub_title, "dim"))

    def _paint_title(self) -> None:
        session = self.session
        self.title = session.title
        if self.readonly:
            following = f" · following, updated {self._followed_at:%H:%M:%S}" if self._followed_at else ""
            state = f"READ-ONLY{following}"
        elif self.save_error:
            state = "NOT SAVED (Ctrl+S: save elsewhere)"
        elif self.dirty or self._written_seq < self._seq:
            state = "saving…"
        elif self.last_saved:
            state = f"saved {self.last_saved:%H:%M:%S}"
        else:
            state = "saved"
        where = self._file_label()
        self.sub_title = f"{where} · {state}" if where else state

    def _file_label(self) -> str:
        """The file's name for the header (and, for a symlinked session, where saves go). Found
        once per file: the title is repainted on every change, and ``symlink_target`` asks the
        file system (slow on a network share) on the keystroke's path."""
        if self.file is None:
            return ""
        if self._label_of is None or self._label_of[0] != self.file.path:
            target = self.file.symlink_target
            self._label_of = (self.file.path, self.file.path.name + (f" → {target}" if target is not None else ""))
        return self._label_of[1]

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity="information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notices carry names, paths and rule messages with user text in them: never markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # --- actions ------------------------------------------------------------------------------

    def action_quit(self) -> None:  # type: ignore[override]
        self._keep_drafts()
        self.flush()
        if self.save_error and not self.readonly and not self._quit_armed:
            self.notify("Not saved: Ctrl+S to save elsewhere first, or Ctrl+Q again to quit anyway.", severity="error")
            self._quit_armed = True  # a second Ctrl+Q quits
            return
        self.exit()

    async def on_unmount(self) -> None:
        if self.devices is not None:  # the server stops when the app does
            from .devices import close_room

            await close_room(self)
        self._stop_following()
        self.flush()
        if self.file is not None:
            self.file.close()
        self._restore_signal_handlers()

    # --- drafts: what was typed and not entered survives quitting ---------------------------------

    def _keep_drafts(self) -> None:
        """Keep what is typed but not entered: an open editor's text (TA language, through its
        ``keep``) and the capture line's (``cursor.capture_draft``, offered back on reopen)."""
        for screen in self.screen_stack:
            keep = getattr(screen, "keep", None)
            if callable(keep):
                keep()
        if self.file is None or self.readonly or self._released:
            return
        for screen in self.screen_stack:
            draft = getattr(screen, "capture_draft", None)
            if callable(draft):
                text = draft()
                if not text and self._draft_pending is self.file:
                    return  # the draft from last time was not put back yet: it stays
                if text != self.session.cursor.capture_draft:
                    self.session.cursor.capture_draft = text
                    self.mark_dirty()  # where the room was, not a record: the backup stays
                return

    def _offer_draft(self, opened: SessionFile) -> None:
        """Put the capture line's kept draft back, once, and say so. Keys typed while the file
        opened go first: the draft waits for them (and for the session's screen to be on top),
        and goes into an empty line only. Until then it stays in the file (``_keep_drafts``)."""
        draft = self.session.cursor.capture_draft
        if self.file is not opened or not draft or self.readonly or self._released:
            self._draft_pending = None
            return
        put_back = getattr(self.screen, "put_back_draft", None)
        done = None if self._held is not None or put_back is None else put_back(draft)
        if done is None:  # not yet: keys being handed over, another screen on top, not mounted
            self.set_timer(0.2, lambda: self._offer_draft(opened))
            return
        self._draft_pending = None
        self.session.cursor.capture_draft = ""
        self.mark_dirty()
        if done:
            self.notify(f"Your unfinished line was kept: {draft}", title="Capture line", timeout=10)
        else:  # the line holds something typed meanwhile: the draft is shown, to be typed again
            self.notify(
                f"Your unfinished line was kept: {draft}",
                title="Not put back: the capture line was not empty",
                severity="warning",
                timeout=30,
            )

    # --- signals: SIGTERM, SIGHUP and SIGINT end the app as Ctrl+Q does ------------------------

    def _handle_exit_signals(self) -> None:
        """Handle the exit signals in the event loop; a real run only (tests call the handler)."""
        import asyncio

        if self.is_headless or threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for name in EXIT_SIGNALS:
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            try:
                before = signal.getsignal(signum)
                loop.add_signal_handler(signum, self.on_exit_signal, signum)
            except (NotImplementedError, RuntimeError, ValueError, OSError):  # Windows, a nested loop
                continue
            self._signal_handlers.append((loop, signum, before))

    def _restore_signal_handlers(self) -> None:
        handlers, self._signal_handlers = self._signal_handlers, []
        for loop, signum, before in handlers:
            try:
                loop.remove_signal_handler(signum)
                if before is not None:
                    signal.signal(signum, before)
            except (RuntimeError, ValueError, OSError, TypeError):
                pass

    def on_exit_signal(self, signum: int) -> None:
        """End the app for ``signum``, keeping every word: in the event loop, between messages.

        Everything that matters is done here, before the terminal is touched: drafts kept, the
        session flushed (after any save in flight: the write lock serializes them), the lock
        released. A second signal meanwhile queues behind this call and is ignored. Then the app
        exits with 128 + ``signum`` (``run``); should the teardown hang on a terminal that is gone
        (SIGHUP), the process ends ``EXIT_GRACE`` seconds later with that code all the same."""
        if self._exit_signal is not None:
            return
        self._exit_signal = signum
        try:
            self._keep_drafts()
            self.flush()
            self._stop_following()
            if self.file is not None:
                self.file.close()
            self._released = True
        finally:
            if not self.is_headless:  # a terminal that may hang the teardown (never in a test)
                watchdog = threading.Timer(EXIT_GRACE, os._exit, (128 + signum,))
                watchdog.daemon = True
                watchdog.start()
            self.exit(return_code=128 + signum)

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """As ``App.run``; after a signal (``on_exit_signal``) the process exits with 128 + its
        number, as a shell reports a process ended by it (Ctrl+C: 130)."""
        # Textual writes each frame from a thread of its own (and reads keys in another): with
        # Python's default 5 ms switch interval a finished frame waited for the event loop to give
        # up the GIL, up to 5 ms on every key that still had work after its frame (issue 14:
        # bench/terminal_bench.py, stage switch 28 -> 22 ms). 0.5 ms hands it over at once.
        switch, thresholds = sys.getswitchinterval(), gc.get_threshold()
        sys.setswitchinterval(SWITCH_INTERVAL)
        # Full collections at quiet moments (``collect_garbage``), not in the middle of a key: each
        # walked every long-lived object not frozen (the screen's widgets and their lines), 13-27 ms,
        # every few dozen keys.
        gc.set_threshold(thresholds[0], thresholds[1], GC_OLDEST_THRESHOLD)
        try:
            return super().run(*args, **kwargs)
        finally:
            sys.setswitchinterval(switch)
            gc.set_threshold(*thresholds)
            if self._exit_signal is not None:
                raise SystemExit(128 + self._exit_signal)

    def collect_garbage(self) -> None:
        """At a quiet moment (the keys still for a while: ``SessionScreen._prepare_views``): the
        full collection of cyclic garbage that ``run`` keeps from starting in the middle of a key
        (a few ms to ~15 ms at 2,000 items; nothing is frozen here: a redrawn line is cyclic
        garbage, and frozen it would stay until the session is closed)."""
        gc.collect()

    def toggle_preference(self, name: str) -> bool:
        """Flip a true/false preference (``preferences.py``) and keep it for next time; its new value."""
        value = not getattr(self.preferences, name)
        setattr(self.preferences, name, value)
        if not self.served:
            preferences.save(self.preferences)
        return value

    def action_toggle_theme(self) -> None:
        self.theme = "room-dark" if self.theme == "projector" else "projector"

    def action_save_as(self) -> None:
        if self.file is None:
            return
        from .. import recent
        from .modals import Prompt

        suggestion = str(self.file.path.with_name(self.file.path.stem + "-copy.toml"))

        def chosen(value: str | None) -> None:
            if not value or self.file is None:
                return
            try:
                from .. import served

                # a served copy (ibb serve --full) saves only beside its session
                target = served.save_as_target(Path(value).expanduser(), self.file.path)
                self.file.save_as(target, self.file_bytes())
            except StoreError as exc:
                self.notify(str(exc), title="Save as failed", severity="error", timeout=15)
                return
            self._stop_following()  # this copy writes its own file now
            self.readonly, self.readonly_reason = False, ""
            self.save_error, self.dirty = None, False
            self.last_saved = datetime.now()
            recent.remember(self.file.path)
            self._paint_title()
            self.notify(f"Saved to {self.file.path}; changes now go there.")
            self.announce(SessionChanged("saved elsewhere"))  # no longer read-only: the banner goes

        prompt = Prompt("Save the session to a new file", suggestion, hint="Enter saves · Esc cancels")
        self.push_screen(prompt, chosen)

    # --- screenshots ----------------------------------------------------------------------------

    def screenshot_folder(self) -> Path:
        """Where a screenshot goes: beside the open session file, else the sessions folder if it
        exists, else the current folder. Never a folder made for it (Textual's default,
        ``~/Downloads``, is often missing, and the save then failed without saying why)."""
        from .. import paths

        if self.file is not None:
            return self.file.path.resolve().parent
        sessions = paths.sessions_dir()
        return sessions if sessions.is_dir() else Path.cwd()

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen (the palette's "Screenshot", ``action_screenshot``) and say
        where, in full, as plain text; or say why it could not be saved. In a browser
        (``textual serve``) Textual hands the file to the browser as before."""
        import re

        if self.is_web:
            return super().deliver_screenshot(filename, path, time_format)
        folder = Path(path).expanduser() if path else self.screenshot_folder()
        if filename:
            names = [filename]
        else:
            stem = re.sub(r"[^A-Za-z0-9._-]+", "-", self.file.path.stem if self.file else "ibb").strip("-.") or "ibb"
            base = f"{stem}-screenshot-{datetime.now():%Y-%m-%d_%H-%M-%S}"
            names = [f"{base}.svg", *(f"{base}-{n}.svg" for n in range(2, 100))]
        target = (folder / names[0]).absolute()
        try:
            svg = self.export_screenshot()
            for name in names:  # never over an existing file
                target = (folder / name).absolute()
                try:
                    with open(target, "x", encoding="utf-8") as handle:
                        handle.write(svg)
                    break
                except FileExistsError:
                    if name == names[-1]:
                        raise
        except OSError as exc:
            why = exc.strerror or str(exc)
            self.notify(f"Not saved: {target}: {why}", title="Screenshot", severity="error", timeout=15)
            return None
        self.notify(f"Saved to {target}", title="Screenshot", timeout=15)
        return None

    def action_help(self) -> None:
        from ..served import room_hint
        from .help import help_lines
        from .modals import Panel

        lines = help_lines()
        if self.file is not None:
            lines += [("Room view (for the wall, or for members following elsewhere)", "bold underline")]
            lines += [(f"  {line}", "") for line in room_hint(self.file.path)]
        self.push_screen(Panel("Keys", lines))

    def _coaching_on_wall(self, screen: Screen) -> None:
        on = self.toggle_preference("coaching_on_wall")
        if on and not self.preferences.coaching:
            self.toggle_preference("coaching")
        paint = getattr(screen, "paint_coaching", None)
        if callable(paint):
            paint()
        self.notify(f"Coaching notes {'shown' if on else 'hidden'} in presentation mode (F8)", timeout=4)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.file is not None:
            from ..served import room_hint
            from .modals import Panel

            hint = [(line, "") for line in room_hint(self.file.path)]
            yield SystemCommand(
                "Room view",
                "Show this session on the wall or in a browser: the commands",
                lambda: self.push_screen(Panel("Room view", hint)),
            )
            if type(screen).__name__ == "SessionScreen":
                from .day import DayPlanScreen

                plan = f"{len(self.session.plan)} day(s)" if self.session.plan else "none in this session"
                yield SystemCommand(
                    "The day's plan",
                    f"Every block of the day: done, now, next; start a block, move the rest of the day ({plan})",
                    lambda: self.push_screen(DayPlanScreen()),
                )
                yield SystemCommand(
                    "Coaching notes on the wall",
                    "Keep the facilitator's coaching notes under the wall in presentation mode (F8): now "
                    + ("on" if self.preferences.coaching_on_wall else "off"),
                    lambda: self._coaching_on_wall(screen),
                )
                if self.session.training is None:
                    from .day import show_next_agenda

                    yield SystemCommand(
                        "Next session's agenda",
                        "The plan ibb new --after would write from what is open now (shown, not written)",
                        lambda: show_next_agenda(self),
                    )
        if type(screen).__name__ == "SessionScreen" and not self.readonly:
            from .costs import open_budget

            found = self.session.costing
            now = ", ".join(found.years) if found and found.years else "none yet"
            yield SystemCommand(
                "Contract years and budget",
                f"The years cost lines count in and the team's budget for each ({now})",
                lambda: open_budget(self),
            )
        if self.file is not None and not self.readonly:
            from .people import ask_members

            yield SystemCommand(
                "Team members", "Add, rename or remove a member of a team (logged, undoable)", lambda: ask_members(self)
            )
        if self.file is not None and self.session.previous is not None and not self.readonly:
            from .negotiating import ask_minutes

            yield SystemCommand(
                "Minutes of the previous session",
                f"Accepted or corrected: the minutes of {self.session.previous.file}",
                lambda: ask_minutes(self),
            )
        if self.file is not None and not self.readonly and self.session.training is None:
            from .negotiating import ask_approval, ask_ratification, ask_undo_record

            yield SystemCommand(
                "Ratification vote", "A party's vote on the TA package in force (negotiation.toml)",
                lambda: ask_ratification(self),
            )  # fmt: skip
            yield SystemCommand(
                "Approve the joint update", "A spokesperson's initials on this session's update to members",
                lambda: ask_approval(self),
            )  # fmt: skip
            yield SystemCommand(
                "Undo the last vote or approval", "Take back the negotiation's last ratification vote or approval",
                lambda: ask_undo_record(self),
            )  # fmt: skip
        item_commands = getattr(screen, "item_commands", None)
        if callable(item_commands):  # the pointed item's (and the TA's) commands, as in its menu
            for name, key, run in item_commands():
                yield SystemCommand(name, f"Key: {key}" if key else "Also in the item menu (Ctrl+O)", run)
        seen = set()
        for node in (screen, self):  # every key action of this screen and the app, by its name
            for key, bindings in node._bindings.key_to_bindings.items():
                for binding in bindings:
                    name = binding.action.split("(")[0]
                    if not binding.description or binding.action in seen or node.check_action(name, ()) is False:
                        continue
                    seen.add(binding.action)
                    yield SystemCommand(
                        binding.description, f"Key: {key}", lambda n=node, a=binding.action: n.run_action(a)
                    )
