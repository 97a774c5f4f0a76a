"""Follow a file that another program saves: load it now, and again after every save.

The facilitation app saves atomically (a temp file, fsync, ``os.replace``), so each save puts a
*new* file (a new inode) at the path: a watch on the file itself would go deaf after the first
save. ``FileFollower`` therefore watches the file's **folder** (not recursively) through
watchfiles (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows) and keeps only
the events that name the file. A burst of events (temp file renamed into place, backup link) is
one reload: watchfiles groups them over ``STEP_MS`` of quiet, and a reload that is still running
when more events come is followed by one more, not by one per event.

Two nets under the watch:

- every ``SAFETY_INTERVAL`` seconds without an event, the file's stamp (device, inode, size,
  mtime) is compared with the last one seen, and a difference reloads it. This catches a save made
  in the instant between the first load and the start of the watch, and saves on network drives
  (a shared sessions folder) where another machine's writes raise no local event. It is one
  ``stat`` every two seconds, not a hot loop.
- where watching is not possible at all (watchfiles missing, the folder gone, the OS out of
  inotify watches) the same stamp check runs every ``POLL_INTERVAL`` (0.25 s) instead, and the
  watch is tried again every ``RETRY_WATCH`` seconds. ``mode`` says which one is running.

Everything runs on one daemon thread: loading (reading, parsing, validating) never happens on the
caller's thread, and results arrive in order. ``deliver(value, error)`` is called on that thread
with the loaded value, or with the exception the loader raised (a missing file, a half-written or
invalid one): the caller keeps its last good value and waits for the next save.

Core module: no textual, no rich (the TUI, the benchmark and tests share it).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

#: Quiet time that ends a burst of events (ms): an atomic save is a few events within a millisecond.
STEP_MS = 20
#: Longest a continuous stream of events is grouped before a reload anyway (ms).
DEBOUNCE_MS = 200
#: Seconds between stamp checks while watching (the safety net; no event needed).
SAFETY_INTERVAL = 2.0
#: Seconds between stamp checks when the folder cannot be watched (never faster than 0.25 s).
POLL_INTERVAL = 0.25
#: Seconds between attempts to watch again after watching failed.
RETRY_WATCH = 5.0

Stamp = tuple[int, int, int, int]

log = logging.getLogger(__name__)


def stamp_of(path: Path) -> Stamp | None:
    """(device, inode, size, mtime in ns) of ``path``, or None when it cannot be seen."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class FileFollower(Generic[T]):
    """Load ``path`` with ``load`` now and after every change; hand results to ``deliver``.

    ``deliver(value, None)`` after a good load, ``deliver(None, error)`` after a failed one, always
    on the follower's own thread. ``watch=False`` forces the stat poll (tests, odd file systems).
    """

    def __init__(
        self,
        path: Path | str,
        load: Callable[[Path], T],
        deliver: Callable[[T | None, Exception | None], None],
        *,
        watch: bool = True,
        poll_interval: float = POLL_INTERVAL,
        safety_interval: float = SAFETY_INTERVAL,
    ):
        self.path = Path(os.path.abspath(path))
        self._load_fn = load
        self._deliver = deliver
        self._want_watch = watch
        self.poll_interval = max(POLL_INTERVAL, poll_interval)
        self.safety_interval = max(self.poll_interval, safety_interval)
        self.mode = "starting"  # then "watch" (file system events) or "poll" (stat every 0.25 s)
        self.why_polling = "" if watch else "watching turned off"
        self.loads = 0  # loads done so far (good or not)
        self._seen: Stamp | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- life -------------------------------------------------------------------------------

    def start(self) -> FileFollower[T]:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"follow {self.path.name}", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Stop following; returns once the thread has ended (or after ``timeout``)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        self._reload()
        while not self._stop.is_set():
            if self._want_watch and self._watch():
                continue
            self.mode = "poll"
            self._poll(RETRY_WATCH if self._want_watch else float("inf"))

    # --- the two ways -----------------------------------------------------------------------

    def _watch(self) -> bool:
        """Watch the folder until stopped (True) or until watching fails (False)."""
        try:
            from watchfiles import watch
        except ImportError:
            self.why_polling = "watchfiles is not installed"
            self._want_watch = False
            return False
        folder = self.path.parent
        if not folder.is_dir():
            self.why_polling = f"{folder} does not exist"
            return False
        name, folder_str = self.path.name, str(folder)

        def ours(_change: object, changed: str) -> bool:
            # the file itself, or the folder (removed or renamed: its watch is gone)
            return os.path.basename(changed) == name or changed.rstrip(os.sep) == folder_str

        try:
            events = watch(
                folder,
                watch_filter=ours,
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                rust_timeout=int(self.safety_interval * 1000),
                yield_on_timeout=True,
                stop_event=self._stop,
                recursive=False,
                raise_interrupt=False,
                poll_delay_ms=int(POLL_INTERVAL * 1000),  # only if WATCHFILES_FORCE_POLLING asks for it
            )
            self.mode, self.why_polling = "watch", ""
            for changes in events:
                if self._stop.is_set():
                    return True
                self._check(force=bool(changes))
                if not folder.is_dir():
                    self.why_polling = f"{folder} was removed"
                    return False
        except Exception as exc:  # OSError, watchfiles' own errors (e.g. out of inotify watches)
            self.why_polling = f"cannot watch {folder}: {exc}"
            log.debug("watching %s failed: %s", folder, exc)
            return False
        return self._stop.is_set()

    def _poll(self, seconds: float) -> None:
        """Compare stamps every ``poll_interval`` for ``seconds`` (or until stopped)."""
        waited = 0.0
        while waited < seconds and not self._stop.wait(self.poll_interval):
            waited += self.poll_interval
            self._check(force=False)

    # --- loading ----------------------------------------------------------------------------

    def _check(self, force: bool) -> None:
        if force or stamp_of(self.path) != self._seen:
            self._reload()

    def _reload(self) -> None:
        self._seen = stamp_of(self.path)  # before reading: a save during the load reloads again
        value: T | None = None
        error: Exception | None = None
        try:
            value = self._load_fn(self.path)
        except Exception as exc:  # the caller decides what a failed load means
            error = exc
        self.loads += 1
        if self._stop.is_set():
            return
        try:
            self._deliver(value, error)
        except Exception:  # a receiver that has gone away must not end the follower
            log.debug("deliver failed", exc_info=True)
