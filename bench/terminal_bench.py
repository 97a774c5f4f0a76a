"""Key latency as a person sees it: ``ibb open`` in a real pseudo-terminal, followed through a
terminal emulator, against a key-echo Textual app in the same run.

What it does
    Starts the venv's real ``ibb open FILE`` (a 2,000-item session, ``bench/generate.py``) and
    ``bench/echo_app.py`` (the floor: shows ``#N key`` for the last key) each in its own
    pseudo-terminal (160x45, TERM=xterm-256color), and feeds both the same script of key bytes,
    the escape sequences a real xterm sends (Alt+Right ``ESC [1;3C``, Ctrl+R ``0x12``, Enter
    ``CR``...), one key at a time, alternating app and floor (which goes first alternates too), so
    a busy moment on the machine colours both alike. Their output goes through ``pyte`` (a VT
    emulator): the bench looks at the screen a person would see.

The terminal it plays
    By default a terminal with synchronized output (DEC mode 2026, as kitty, WezTerm, foot,
    iTerm2, Windows Terminal and recent VTE have): it answers Textual's query ``ESC[?2026$p``
    with "supported", so Textual brackets each frame in ``ESC[?2026h`` ... ``ESC[?2026l``, and the
    screen is looked at when a frame ends, as such a terminal shows it. With ``--terminal plain``
    it answers "not supported" (as xterm does) and a frame is an output burst: bytes separated
    from the next by >= 4 ms of silence. The table says which was used.

When a key is done
    After each key the bench waits until the screen holds the finished change (per kind, below)
    and then for 60 ms of silence (the floor: 25 ms). The change's time is from the key bytes
    written to the end of the first frame after which the screen's body (stepper, stage view,
    capture box: the rows from the stage bar to the bottom of the capture box, text and
    background colours, the capture line's cursor left out) stayed as it finally settled. So a
    change that shows its first part early and the rest later is timed at the rest. Frames are
    counted from the key to that moment, only those that changed the body (the cursor's blink and
    an autosave's "saved" in the title bar are no frames of the change); the "all" column shows
    the most frames of any kind seen from a key to its settled screen.

    - type a character: the capture line shows the text typed so far;
    - capture an interest (Enter): the text is in the stage's list and gone from the capture line;
    - move the pointer (Up/Down): the highlighted row (a background colour) moved;
    - switch stage (Alt+Right/Left): the stage bar lights the new stage, the capture box names it,
      and the new stage's view is drawn as it settles;
    - rating mode (Ctrl+R at Criteria; Esc ends it): the capture box says RATING / TYPING;
    - rate a grid cell (a digit in rating mode): the grid changed.

Torn frames
    At every frame end the bench checks the screen is of one stage: the stage lit in the stage
    bar, the stage the capture box names, and what the stage view shows (options' ``#N`` rows,
    criteria's ``C1`` rows and grid, the consensus method line...) must agree. A frame where
    they do not (the stage bar says Criteria while the list still shows options) is torn; the
    first few are printed.

Figures per key kind: median and p95 in ms, each as a ratio to the floor's median and p95 over
the same keys (the floor gets the same bytes); frames per change (median, max, how many changes
took more than 2); torn frames. ``all keys`` covers every timed key. They go to ``make bench``'s
closing table (``summary.record``) against issue 14's targets: all keys median <= 2x the floor,
p95 <= 3x; a stage switch <= 3x the floor's median; <= 2 frames a change; no torn frame.

Each stage switch's key also goes to ``bench/view_app.py``, a bare Textual app that replaces a
view of the same size: a reference for how much of a switch is Textual drawing that many lines
(printed under the table; not a target).

Then typing at a steady 10 keys/s (short items, each with Enter, so autosave runs between
them), not waiting for the screen, in alternating blocks on the app and the floor: each
character's time from its bytes to the first frame that shows it (issue 14: median <= 1.5x the
floor).

The keys stop early when they have taken ``--budget`` seconds (the count is in the table).

With ``--devices N`` the app is started as ``ibb open FILE --devices`` with N more members, and N
simulated phones (``devices_bench.phone_life``, in a thread of their own) claim those names and
follow the room throughout, each holding a long poll that every change the keys make ends: the
keys' figures while a room of phones follows (issue 17: they should not move). Not in ``make
bench`` (it would double this bench's time); run it beside a plain run and compare.

    python bench/terminal_bench.py [--keys 200] [--budget 40] [--terminal sync|plain] [--items 2000]
                                   [--no-typing] [--show] [--devices N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import queue
import re
import signal
import statistics
import struct
import sys
import tempfile
import termios
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

try:
    import pyte
except ImportError:  # pragma: no cover - a bench extra
    pyte = None

from summary import record  # noqa: E402
from view_app import VIEWS  # noqa: E402

WIDTH, HEIGHT = 160, 45
ITEMS = 2_000
SYNC_START, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"
SYNC_QUERY = b"\x1b[?2026$p"
QUERIES = re.compile(rb"\x1b\[\?\d+\$p")  # DECRQM: answered here, never shown
COMPLETE = re.compile(
    rb"\x1b(\[[0-9;?<=>$ ]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[^\[\]])"
)  # a whole CSI, OSC or 2-byte sequence
BURST_GAP = 0.004
APP_QUIET, FLOOR_QUIET = 0.060, 0.025
KEY_TIMEOUT = 3.0

TARGET_MEDIAN, TARGET_P95, TARGET_STAGE, TARGET_FRAMES, TARGET_TORN, TARGET_TYPING = 2.0, 3.0, 3.0, 2, 0, 1.5

ALT_RIGHT, ALT_LEFT = b"\x1b[1;3C", b"\x1b[1;3D"
UP, DOWN = b"\x1b[A", b"\x1b[B"
CTRL_R, ENTER, ESC = b"\x12", b"\r", b"\x1b"

STAGES = ("Issues", "Interests", "Options", "Criteria", "Consensus")
TITLE_STAGE = {
    "an issue": "Issues",
    "an interest": "Interests",
    "an option": "Options",
    "a criterion": "Criteria",
    "the proposal": "Consensus",
}


# --- the terminal ---------------------------------------------------------------------------------


class Terminal:
    """A program in a pseudo-terminal, its output followed through pyte, split into frames.

    A thread reads the pty and stamps each chunk with the time it arrived; the main thread
    shows the chunks in pyte behind it (pyte is pure Python: a full 160x45 frame costs it tens
    of ms, which must not delay the stamps). ``rows`` keeps the screen's text by row, redone
    only for the rows pyte marked dirty."""

    def __init__(self, argv: list[str], sync: bool, env: dict[str, str]):
        self.sync = sync
        self.screen = pyte.Screen(WIDTH, HEIGHT)
        self.stream = pyte.ByteStream(self.screen)
        pid, fd = pty.fork()
        if pid == 0:  # the child: the program, on the pty
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
        self.pending = b""  # read, not yet shown (an open synchronized frame, a split sequence)
        self.in_frame = False
        self.burst_open = False
        self.last_data = 0.0  # arrival of the last chunk taken from the queue
        self.frames = 0
        self.sync_frames = 0  # frames the program wrapped in ESC[?2026h..l
        self.reads: list[float] = []  # when each chunk arrived (bursts are counted from these)
        self.closed = False
        self.keys_sent = 0  # the echo app numbers the keys it shows
        self.view = 0  # the view ``bench/view_app.py`` shows
        self._rows = [""] * HEIGHT
        self._styles: list[tuple] = [()] * HEIGHT
        self.chunks: queue.SimpleQueue[tuple[float, bytes]] = queue.SimpleQueue()
        self.arrived = 0.0  # arrival of the last chunk read by the thread
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:
                data = b""
            now = time.perf_counter()
            self.arrived = now
            self.chunks.put((now, data))
            if not data:
                return

    def send(self, data: bytes) -> float:
        """Write key bytes as the terminal would; the moment they were written."""
        now = time.perf_counter()
        os.write(self.fd, data)
        return now

    def rows(self) -> list[str]:
        self._refresh()
        return self._rows

    def styles(self) -> list[tuple]:
        """Per row, the runs of (background, reverse) across it."""
        self._refresh()
        return self._styles

    def _refresh(self) -> None:
        dirty = self.screen.dirty
        if not dirty:
            return
        for y in dirty:
            if not 0 <= y < HEIGHT:
                continue
            line = self.screen.buffer[y]
            cells = [line[x] for x in range(WIDTH)]
            self._rows[y] = "".join(c.data for c in cells).rstrip()
            runs, prev = [], None
            for x, cell in enumerate(cells):
                style = (cell.bg, cell.reverse)
                if style != prev:
                    runs.append((x, style))
                    prev = style
            self._styles[y] = tuple(runs)
        dirty.clear()

    def _answer(self, data: bytes) -> bytes:
        for query in QUERIES.findall(data):
            mode = query[3:-2]
            supported = self.sync and query == SYNC_QUERY
            os.write(self.fd, b"\x1b[?" + mode + (b";2$y" if supported else b";0$y"))
        return QUERIES.sub(b"", data)

    @staticmethod
    def _split_tail(data: bytes) -> int:
        """Where an escape sequence cut off by the end of a read begins (len(data) if none)."""
        cut = data.rfind(b"\x1b")
        if cut == -1 or len(data) - cut > 32 or COMPLETE.match(data, cut):
            return len(data)
        return cut

    def _take(self, data: bytes, now: float, on_frame: Callable[[float], None]) -> None:
        # A query is answered once it is whole: a read can end in the middle of one (Textual
        # flushes right after ESC[?2026$p), and one cut in two would go unanswered.
        self.pending = self._answer(self.pending + data)
        if not self.sync:
            cut = self._split_tail(self.pending)
            self.stream.feed(self.pending[:cut])
            self.pending = self.pending[cut:]
            return
        while True:
            if not self.in_frame:
                start = self.pending.find(SYNC_START)
                if start == -1:
                    cut = self._split_tail(self.pending)
                    self.stream.feed(self.pending[:cut])
                    self.pending = self.pending[cut:]
                    return
                self.stream.feed(self.pending[:start])
                self.pending = self.pending[start + len(SYNC_START) :]
                self.in_frame = True
            end = self.pending.find(SYNC_END)
            if end == -1:
                return
            self.stream.feed(self.pending[:end])
            self.pending = self.pending[end + len(SYNC_END) :]
            self.in_frame = False
            self.frames += 1
            self.sync_frames += 1
            on_frame(now)

    def _end_burst(self, on_frame: Callable[[float], None]) -> None:
        self.burst_open = False
        if not self.sync:
            self.frames += 1
            on_frame(self.last_data)

    def pump(self, until: Callable[[], bool], timeout: float, on_frame: Callable[[float], None]) -> bool:
        """Show output until ``until()`` (asked after every chunk and every few ms) holds or
        ``timeout`` passes. Calls ``on_frame(t)`` at each frame's end, ``t`` its arrival."""
        deadline = time.perf_counter() + timeout
        while True:
            if until():
                return True
            now = time.perf_counter()
            if now >= deadline or self.closed:
                return False
            try:
                arrived, data = self.chunks.get(timeout=min(deadline - now, 0.004))
            except queue.Empty:
                if self.burst_open and time.perf_counter() - self.last_data >= BURST_GAP:
                    self._end_burst(on_frame)
                continue
            if not data:
                self.closed = True
                continue
            if self.burst_open and arrived - self.last_data >= BURST_GAP:
                self._end_burst(on_frame)  # a gap between chunks still queued
            self.reads.append(arrived)
            self.last_data = arrived
            self.burst_open = True
            self._take(data, arrived, on_frame)

    def quiet_for(self, seconds: float) -> Callable[[], bool]:
        return lambda: (
            not self.in_frame
            and self.chunks.empty()
            and not (self.burst_open and not self.sync)
            and time.perf_counter() - max(self.last_data, self.arrived) >= seconds
        )

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.perf_counter() + 3
        while time.perf_counter() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


# --- reading the screen ---------------------------------------------------------------------------


@dataclass
class Body:
    """The parts of ibb's session screen the bench reads (None: not found on this screen)."""

    stepper: int | None = None  # row of the stage bar
    top: int | None = None  # the stage view's frame, top and bottom rows
    bottom: int | None = None
    title: int | None = None  # the capture box's title row; the capture line is the next


def text_rows(term: Terminal) -> list[str]:
    return term.rows()


def find_body(rows: list[str]) -> Body:
    """Typing: the view has a rounded frame and the capture box (``┏━ TYPING ▸ ...``) is below
    it. Rating or voting: the view's frame is heavy and a line below it says RATING / VOTING."""
    body = Body()
    for y, row in enumerate(rows):
        start = row.lstrip()
        if body.stepper is None:
            if "Issues" in row and "Interests" in row and "▸" in row:
                body.stepper = y
        elif body.top is None:
            if start.startswith(("╭", "┏")):
                body.top = y
        elif body.bottom is None:
            if start.startswith(("╰", "┗")):
                body.bottom = y
        elif body.title is None and (start.startswith("┏") or start.startswith(("RATING", "VOTING"))):
            body.title = y
    return body


def lit_stage(term: Terminal, row: int | None) -> str | None:
    """The stage the stage bar shows in reverse video."""
    if row is None:
        return None
    line = term.screen.buffer[row]
    lit = "".join(line[x].data for x in range(WIDTH) if line[x].reverse).strip()
    for name in STAGES:
        if name in lit:
            return name
    return None


def title_of(rows: list[str], body: Body) -> str:
    return rows[body.title].strip(" ┏━┓") if body.title is not None else ""


def titled_stage(title: str) -> str | None:
    if title.startswith("TYPING"):
        for words, stage in TITLE_STAGE.items():
            if words in title:
                return stage
        return None
    if title.startswith("RATING"):
        return "Criteria"
    if title.startswith("VOTING"):
        return "Consensus"
    return None


def capture_text(rows: list[str], body: Body) -> str:
    """The capture line's text (right of the holder tag the Interests stage shows beside it)."""
    if body.title is None:
        return ""
    line = rows[body.title + 1]
    return line[line.find("┃") + 1 :].strip(" ┃") if "┃" in line else line.strip()


def view_rows(rows: list[str], body: Body) -> list[str]:
    if body.top is None or body.bottom is None:
        return []
    return [row.strip(" │") for row in rows[body.top + 1 : body.bottom]]


def view_stage(view: list[str]) -> str | None:
    """What stage the stage view's content looks like (None: cannot tell, e.g. empty)."""
    joined = "\n".join(view)
    if re.search(r"^Option\s+C1\b", joined, re.M) or re.search(r"^C\d+ ", joined, re.M):
        return "Criteria"
    if re.search(r"(Fist-to-five|Gradients of agreement|Thumbs|Per-party concurrence)\s", joined) and "—" in joined:
        return "Consensus"
    if re.search(r"^#\d+ ", joined, re.M):
        return "Options"
    return None


def body_aspect(term: Terminal, rows: list[str], body: Body) -> tuple:
    """What a person sees of the session screen's body: text and background colours from the
    stage bar to the capture box's bottom (the capture line's attributes, where the cursor
    blinks, left out)."""
    if body.stepper is None or body.title is None:
        return ("no body", tuple(rows))
    styles = term.styles()
    end = min(HEIGHT, body.title + 3)
    return (tuple(rows[body.stepper : end]), tuple(styles[y] for y in range(body.stepper, end) if y != body.title + 1))


def highlighted(term: Terminal, body: Body) -> tuple[int, ...]:
    """Rows of the stage view whose background differs from the view's usual one (the pointer)."""
    if body.top is None or body.bottom is None:
        return ()
    lo, hi = 4, WIDTH - 8  # inside the frame, clear of the scrollbar
    styles = term.styles()
    rows_bg = {}
    for y in range(body.top + 1, body.bottom):
        widths: dict[object, int] = {}
        runs = styles[y]
        for i, (x, (bg, _)) in enumerate(runs):
            nxt = runs[i + 1][0] if i + 1 < len(runs) else WIDTH
            width = min(nxt, hi) - max(x, lo)
            if width > 0:
                widths[bg] = widths.get(bg, 0) + width
        rows_bg[y] = max(widths, key=widths.get) if widths else None
    counts = Counter(rows_bg.values())
    usual = counts.most_common(1)[0][0] if counts else None
    return tuple(y for y, bg in rows_bg.items() if bg != usual)


# --- the key script -------------------------------------------------------------------------------


@dataclass
class Key:
    kind: str
    data: bytes
    name: str  # as the echo app shows it (Textual's key name)
    done: Callable[[Terminal, list[str], Body, dict], bool]  # the app's screen holds the change
    timed: bool = True
    expect: dict = field(default_factory=dict)


def _capture_is(text: str):
    return lambda screen, rows, body, before: capture_text(rows, body) == text


def _captured(text: str):
    def done(screen, rows, body, before) -> bool:
        return text not in capture_text(rows, body) and any(text in row for row in view_rows(rows, body))

    return done


def _pointer_moved(screen, rows, body, before) -> bool:
    now = highlighted(screen, body)
    return bool(now) and now != before["highlighted"]


def _stage_is(stage: str):
    def done(screen, rows, body, before) -> bool:
        return (
            body.stepper is not None
            and lit_stage(screen, body.stepper) == stage
            and titled_stage(title_of(rows, body)) == stage
            and view_stage(view_rows(rows, body)) in (stage, None)
        )

    return done


def _mode_is(mode: str):
    return lambda screen, rows, body, before: title_of(rows, body).startswith(mode)


def _view_changed(screen, rows, body, before) -> bool:
    return body_aspect(screen, rows, body) != before["aspect"] and title_of(rows, body).startswith("RATING")


def script(keys: int) -> list[Key]:
    """About ``keys`` keys in rounds, each starting and ending at Interests: capture an interest,
    move the pointer, go to Criteria, rate cells, and back."""
    out: list[Key] = []
    n = 0
    while len(out) < keys:
        n += 1
        text = f"zq{n:03d}"  # no space: a trailing space shows only as the cursor moving
        for i, ch in enumerate(text):
            out.append(Key("type a character", ch.encode(), ch, _capture_is(text[: i + 1])))
        out.append(Key("capture an interest (Enter)", ENTER, "enter", _captured(text)))
        for data, name in ((UP, "up"), (UP, "up"), (UP, "up"), (DOWN, "down"), (DOWN, "down")):
            out.append(Key("move the pointer (Up/Down)", data, name, _pointer_moved))
        out.append(Key("switch stage (Alt+Left/Right)", ALT_RIGHT, "alt+right", _stage_is("Options")))
        out.append(Key("switch stage (Alt+Left/Right)", ALT_RIGHT, "alt+right", _stage_is("Criteria")))
        out.append(Key("rating mode on (Ctrl+R at Criteria)", CTRL_R, "ctrl+r", _mode_is("RATING")))
        for digit in ("3", "5", "1", "4", "2", "0"):
            out.append(Key("rate a grid cell (digit)", digit.encode(), digit, _view_changed))
        out.append(Key("rating mode off (Esc)", ESC, "escape", _mode_is("TYPING")))
        out.append(Key("switch stage (Alt+Left/Right)", ALT_LEFT, "alt+left", _stage_is("Options")))
        out.append(Key("switch stage (Alt+Left/Right)", ALT_LEFT, "alt+left", _stage_is("Interests")))
    return out


# --- one key, in one terminal ---------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    latency: float | None  # None: the change never showed (timed out)
    frames: int  # body-changing frames from the key to the finished change
    raw_frames: int  # every frame (or burst) from the key to the settled screen
    bursts: int  # output bursts (>= 4 ms apart) to the finished change
    torn: list[str]
    torn_screen: str = ""
    lost_screen: str = ""  # the screen when the change did not show in time


def run_app_key(term: Terminal, key: Key) -> Result:
    screen = term  # what the screen readers take
    rows = text_rows(screen)
    body = find_body(rows)
    before = {"highlighted": highlighted(screen, body), "aspect": body_aspect(screen, rows, body)}
    seen: list[tuple[float, tuple, str | None]] = []  # (frame end, body aspect, torn reason)
    torn_screens: list[str] = []

    def on_frame(t: float) -> None:
        rows = text_rows(screen)
        body = find_body(rows)
        torn = None
        if body.stepper is not None and body.title is not None:
            lit, named, shown = (
                lit_stage(screen, body.stepper),
                titled_stage(title_of(rows, body)),
                view_stage(view_rows(rows, body)),
            )
            said = {s for s in (lit, named, shown) if s is not None}
            if len(said) > 1:
                torn = f"stage bar {lit}, capture box {named}, view {shown}"
                if not torn_screens:
                    torn_screens.append("\n".join(rows))
        seen.append((t, body_aspect(screen, rows, body), torn))

    reads_before = len(term.reads)
    sent = term.send(key.data)
    state = {"done": False}

    quiet = term.quiet_for(APP_QUIET)
    state["frames"] = term.frames

    def finished() -> bool:
        if not state["done"] and term.frames != state["frames"]:  # the screen can only change at a frame
            state["frames"] = term.frames
            rows = text_rows(screen)
            state["done"] = key.done(screen, rows, find_body(rows), before)
        return state["done"] and quiet()

    ok = term.pump(finished, KEY_TIMEOUT, on_frame)
    rows = text_rows(screen)
    final = body_aspect(screen, rows, find_body(rows))
    torn = [reason for _, _, reason in seen if reason]
    shown = torn_screens[0] if torn_screens else ""
    if not ok:
        return Result(key.kind, None, len(seen), len(seen), 0, torn, shown, "\n".join(rows))
    # The finished change: the first frame after which the body stayed as it settled.
    index = len(seen)
    for i in range(len(seen) - 1, -1, -1):
        if seen[i][1] != final:
            break
        index = i
    if index == len(seen):  # settled without a frame of its own (cannot be: done needs a frame)
        return Result(key.kind, None, 0, len(seen), 0, torn, shown)
    finish = seen[index][0]
    changing, previous = [], before["aspect"]
    for i, (_t, aspect, _) in enumerate(seen):
        if aspect != previous:
            changing.append(i)
        previous = aspect
    frames = sum(1 for i in changing if i <= index)
    reads = [t for t in term.reads[reads_before:] if t <= finish]
    bursts = sum(1 for a, b in zip([sent, *reads], reads) if b - a >= BURST_GAP) if reads else 0
    return Result(key.kind, finish - sent, frames, len(seen), max(bursts, 1), torn, shown)


def run_floor_key(term: Terminal, key: Key) -> float | None:
    term.keys_sent += 1
    want = f"#{term.keys_sent} {key.name}"
    shown_at: list[float] = []

    def on_frame(t: float) -> None:
        if not shown_at and any(row.strip() == want for row in term.rows()[:6]):
            shown_at.append(t)

    sent = term.send(key.data)
    ok = term.pump(lambda: bool(shown_at) and term.quiet_for(FLOOR_QUIET)(), KEY_TIMEOUT, on_frame)
    return shown_at[0] - sent if ok and shown_at else None


def run_view_key(term: Terminal, key: Key) -> float | None:
    """A stage switch's key in ``bench/view_app.py``: its time to the echo and the next view."""
    term.keys_sent += 1
    term.view = (term.view + (1 if key.data == ALT_RIGHT else -1)) % VIEWS
    want, body = f"#{term.keys_sent} {key.name} view {term.view}", f"view {term.view} row 1:"
    shown_at: list[float] = []

    def on_frame(t: float) -> None:
        rows = term.rows()
        if not shown_at and rows[0].strip() == want and any(body in row for row in rows[1:6]):
            shown_at.append(t)

    sent = term.send(key.data)
    ok = term.pump(lambda: bool(shown_at) and term.quiet_for(FLOOR_QUIET)(), KEY_TIMEOUT, on_frame)
    return shown_at[0] - sent if ok and shown_at else None


# --- typing at a steady pace ----------------------------------------------------------------------


def typing_block(term: Terminal, is_app: bool, items: list[str], interval: float) -> tuple[list[float], int]:
    """Type ``items`` (each then Enter) at one key per ``interval`` without waiting for the
    screen, as a note-taker does; autosave runs behind (0.2 s after each Enter). Returns each
    character's time from its bytes to the first frame showing it, and how many never showed."""
    pending: list[tuple[float, str]] = []  # (sent, what shows it: the capture text, or the echo)
    done: list[float] = []
    missed = 0

    def on_frame(t: float) -> None:
        if not pending:
            return
        rows = term.rows()
        if is_app:
            shown = capture_text(rows, find_body(rows))
            while pending and shown.startswith(pending[0][1]):
                done.append(t - pending.pop(0)[0])
        else:
            numbers = [int(m.group(1)) for row in rows[:6] if (m := re.match(r"\s*#(\d+) ", row))]
            while pending and numbers and int(pending[0][1]) <= numbers[0]:
                done.append(t - pending.pop(0)[0])

    next_at = time.perf_counter()
    for text in items:
        for i, ch in enumerate([*text, "\r"]):
            term.pump(lambda until=next_at: time.perf_counter() >= until, 5.0, on_frame)
            sent = term.send(ch.encode())
            term.keys_sent += 1
            next_at = sent + interval
            if ch == "\r":
                missed += len(pending)  # a character the screen never showed before Enter took it
                pending.clear()
            else:
                pending.append((sent, text[: i + 1] if is_app else str(term.keys_sent)))
    term.pump(term.quiet_for(0.3), 3.0, on_frame)
    return done, missed + len(pending)


def typing(
    app: Terminal, floor: Terminal, rounds: int = 4, interval: float = 0.1
) -> dict[str, tuple[list[float], int]]:
    """Alternating blocks of two short items each, app then floor, ``rounds`` times."""
    out = {"app": ([], 0), "floor": ([], 0)}
    for r in range(rounds):
        for name, term in (("app", app), ("floor", floor)):
            values, missed = typing_block(term, name == "app", [f"zqt{r}{k}x" for k in range(2)], interval)
            out[name] = (out[name][0] + values, out[name][1] + missed)
    return out


# --- the run --------------------------------------------------------------------------------------


def prepare_session(path: Path, items: int, phones: int = 0) -> tuple[int, list[str]]:
    """A generated session (seed 0) at its cursor issue's Interests stage, with no caucus running
    (its clock would tick a frame a second into every measurement); with ``phones``, that many
    more members (the names the phones claim). The item count and those names."""
    from generate import make_session

    from ibb_facilitator import editing
    from ibb_facilitator.model import Stage
    from ibb_facilitator.store import save_session

    session = make_session(items)
    for caucus in session.caucuses:
        if caucus.end is None:
            caucus.end = caucus.start
    session.cursor.stage = Stage.INTERESTS
    names = [f"Phone Person {n}" for n in range(1, phones + 1)]
    for n, name in enumerate(names):
        editing.add_member(session, session.parties[n % len(session.parties)].id, name)
    save_session(session, path, backup=False)
    return session.item_count(), names


class Phones:
    """``devices_bench``'s simulated phones against the app's own room (``ibb open --devices``),
    on an event loop in a thread of their own: each claims a name and holds a long poll, which
    every change the keys make ends (the room view they follow changed), and sends its ideas
    when the room takes them. The load on the app while its keys are timed."""

    def __init__(self, url: str, names: list[str]) -> None:
        import asyncio

        from devices_bench import Phone

        self.url, self.names = url, names
        self.phones = [Phone(n, name) for n, name in enumerate(names, 1)]
        self.loop = asyncio.new_event_loop()
        self.stop_event: Any = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import asyncio

        from devices_bench import phone_life

        async def main() -> None:
            self.stop_event = asyncio.Event()
            await asyncio.gather(
                *(phone_life(p, self.url, self.stop_event) for p in self.phones), return_exceptions=True
            )

        self.loop.run_until_complete(main())

    def claimed(self) -> int:
        return sum(p.claimed for p in self.phones)

    def polls(self) -> int:
        return sum(p.polls for p in self.phones)

    def close(self) -> None:
        if self.stop_event is not None:
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(timeout=5)


def start(argv: list[str], sync: bool, ready: Callable[[Terminal], bool], timeout: float = 60.0) -> Terminal:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "IBB_BENCH"))}
    env.update(TERM="xterm-256color", COLORTERM="", LINES=str(HEIGHT), COLUMNS=str(WIDTH))
    term = Terminal(argv, sync, env)
    # With synchronized output asked for, ready means the program uses it (else it never got
    # the answer to its query, and a frame would be unknowable).
    if not term.pump(
        lambda: ready(term) and (not sync or term.sync_frames > 0) and term.quiet_for(0.3)(), timeout, lambda t: None
    ):
        rows = "\n".join(text_rows(term))
        term.close()
        raise RuntimeError(f"{argv[1]} did not get ready in {timeout:.0f} s; screen:\n{rows}")
    return term


def percentile_index(n: int, q: float) -> int:
    return min(n - 1, round(q * (n - 1)))


def percentile(values: list[float], q: float) -> float:
    return sorted(values)[percentile_index(len(values), q)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument(
        "--budget",
        type=float,
        default=40.0,
        help="stop sending keys after this many seconds (the run stays near a minute on a loaded machine)",
    )
    parser.add_argument("--terminal", choices=("sync", "plain"), default="sync")
    parser.add_argument("--no-typing", action="store_true", help="leave out typing at 10 keys/s")
    parser.add_argument(
        "--devices",
        type=int,
        default=0,
        metavar="N",
        help="open the room to N simulated phones (issue 17: the keys' figures while they follow the room)",
    )
    parser.add_argument(
        "--show", action="store_true", help="print the app's screen at the end, and the first torn frame"
    )
    args = parser.parse_args(argv)
    if pyte is None:
        print("terminal_bench: pyte is not installed (pip install -e '.[bench]'; make bench does it)")
        record("terminal", "real-terminal keys", None, "x", TARGET_MEDIAN, note="pyte missing")
        return 0
    sync = args.terminal == "sync"
    ibb = Path(sys.executable).parent / "ibb"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ibb-terminal-bench-") as tmp:
        path = Path(tmp) / "bench-2000.toml"
        items, names = prepare_session(path, args.items, args.devices)
        keys = script(args.keys)

        def at_interests(t: Terminal) -> bool:
            return (
                find_body(text_rows(t)).title is not None
                and lit_stage(t, find_body(text_rows(t)).stepper) == "Interests"
            )

        phones = None
        if args.devices:  # the room open to devices, its panel shown at start: join, then Esc
            app = start(
                [str(ibb), "open", str(path), "--devices"], sync, lambda t: "Join code" in "".join(text_rows(t))
            )
            url = re.search(r"http://127\.0\.0\.1:\d+/j/[\w-]+/", "".join(text_rows(app)))
            assert url is not None, "no join address on the devices panel"
            phones = Phones(url.group(0), names)
            deadline = time.monotonic() + 30
            while phones.claimed() < len(names) and time.monotonic() < deadline:
                app.pump(lambda: False, 0.2, lambda t: None)
            app.send(b"\x1b")
            if not app.pump(lambda: at_interests(app) and app.quiet_for(0.3)(), 30, lambda t: None):
                raise RuntimeError("the session did not come back from the devices panel")
            print(f"{phones.claimed()} of {len(names)} phones joined the room and follow it")
        else:
            app = start([str(ibb), "open", str(path)], sync, at_interests)
        floor = start(
            [sys.executable, str(HERE / "echo_app.py")], sync, lambda t: any("ready" in r for r in t.rows()[:6])
        )
        view = start([sys.executable, str(HERE / "view_app.py")], sync, lambda t: "ready" in t.rows()[0])
        ready = time.perf_counter()
        app_results: list[Result] = []
        steady = None
        floor_results: list[tuple[str, float | None]] = []
        view_results: list[float | None] = []  # the stage switches' keys in bench/view_app.py
        try:
            for i, key in enumerate(keys, 1):
                if time.perf_counter() - ready > args.budget:
                    print(f"key budget of {args.budget:.0f} s spent after {i - 1} keys")
                    break
                switch = key.data in (ALT_RIGHT, ALT_LEFT)
                if switch and i % 4 < 2:  # the reference before ibb's key, or after it (below), in turn
                    view_results.append(run_view_key(view, key))
                if i % 2:
                    app_results.append(run_app_key(app, key))
                    floor_results.append((key.kind, run_floor_key(floor, key)))
                else:
                    floor_results.append((key.kind, run_floor_key(floor, key)))
                    app_results.append(run_app_key(app, key))
                if switch and i % 4 >= 2:
                    view_results.append(run_view_key(view, key))
            steady = typing(app, floor) if not args.no_typing else None
        finally:
            if args.show:
                print("\n".join(text_rows(app)))
            app.close()
            floor.close()
            view.close()
            if phones is not None:
                print(f"the phones' long polls came back {phones.polls()} times while the keys ran")
                phones.close()
    elapsed = time.perf_counter() - started
    report(app_results, floor_results, items, sync, elapsed, ready - started)
    report_view(app_results, floor_results, view_results)
    if steady:
        report_typing(steady)
    if args.show:
        torn = next((r for r in app_results if r.torn_screen), None)
        if torn:
            print(f"\nthe first torn frame ({torn.kind}: {torn.torn[0]}):\n{torn.torn_screen}")
    return 0


def report_view(
    app_results: list[Result], floor_results: list[tuple[str, float | None]], view_results: list[float | None]
) -> None:
    """The stage switch beside what Textual itself takes to replace a view that size."""
    views = [v for v in view_results if v is not None]
    switches = [r.latency for r in app_results if r.kind.startswith("switch stage") and r.latency is not None]
    floors = [v for _, v in floor_results if v is not None]
    if not views or not switches or not floors:
        return
    vmed, smed, fmed = statistics.median(views), statistics.median(switches), statistics.median(floors)
    print(
        f"\nTextual replacing a stage-sized view (bench/view_app.py, 34 lines across, {len(views)} keys): median "
        f"{vmed * 1000:.1f} ms = {vmed / fmed:.2f}x the floor median; ibb's stage switch is {smed / vmed:.2f}x that"
    )
    record(
        "terminal",
        "real terminal: a bare Textual app replacing a stage-sized view, median (x floor median)",
        vmed / fmed,
        "x",
        None,
        note=f"{vmed * 1000:.0f} ms; the stage switch is {smed / vmed:.2f}x it (a reference, not a target)",
    )


def report_typing(steady: dict[str, tuple[list[float], int]]) -> None:
    (app, app_missed), (floor, floor_missed) = steady["app"], steady["floor"]
    if not app or not floor:
        print("\ntyping 10 keys/s: no figures")
        return
    med, p95, fmed, fp95 = (
        statistics.median(app),
        percentile(app, 0.95),
        statistics.median(floor),
        percentile(floor, 0.95),
    )
    print(
        f"\ntyping 10 keys/s, short items with Enter, autosave on: characters median {med * 1000:.1f} ms, p95 "
        f"{p95 * 1000:.1f} ms"
        f" (n={len(app)}, {app_missed} never shown alone); floor median {fmed * 1000:.1f} ms, p95 {fp95 * 1000:.1f} ms"
        f" (n={len(floor)}, {floor_missed} never shown alone);"
        f" x{med / fmed:.2f} median, x{p95 / fp95:.2f} p95 (target median <= {TARGET_TYPING:.1f}x)"
    )
    record(
        "terminal",
        "real terminal, typing 10 keys/s, autosave on: median (x floor)",
        med / fmed,
        "x",
        TARGET_TYPING,
        note=f"{med * 1000:.0f} ms, floor {fmed * 1000:.0f} ms; p95 x{p95 / fp95:.1f}",
    )


def report(
    app_results: list[Result],
    floor_results: list[tuple[str, float | None]],
    items: int,
    sync: bool,
    elapsed: float,
    setup: float,
) -> None:
    load = os.getloadavg()
    kinds = list(dict.fromkeys(r.kind for r in app_results))
    print(
        f"ibb open ({items:,} items) in a {WIDTH}x{HEIGHT} pty, {len(app_results)} keys, floor: bench/echo_app.py, "
        "same keys, interleaved"
    )
    print(
        "terminal: "
        + (
            "synchronized output (DEC 2026): a frame is ESC[?2026h..l"
            if sync
            else "plain xterm: a frame is an output burst (>= 4 ms of silence after it)"
        )
    )
    print(
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; run took {elapsed:.0f} s ({setup:.0f} s to generate "
        "the session and start both)\n"
    )
    head = (
        f"{'key':36} {'n':>4} {'median':>8} {'p95':>8} {'floor med':>9} {'floor p95':>9} {'x med':>6} {'x p95':>6} "
        f"{'frames med/max':>14} {'>2':>4} {'all':>4} {'bursts':>6} {'torn':>4}"
    )
    print(head)
    print("-" * len(head))
    torn_examples: list[str] = []
    lost = sum(1 for r in app_results if r.latency is None)
    all_floor = [v for _, v in floor_results if v is not None]
    for kind in [*kinds, "all keys"]:
        rows = [r for r in app_results if kind == "all keys" or r.kind == kind]
        values = [r.latency for r in rows if r.latency is not None]
        floors = [v for k, v in floor_results if (kind == "all keys" or k == kind) and v is not None]
        if not values or not floors:
            print(f"{kind:36} {len(rows):>4}  no figures ({len(rows) - len(values)} timed out)")
            continue
        med, p95 = statistics.median(values), percentile(values, 0.95)
        fmed, fp95 = statistics.median(floors), percentile(floors, 0.95)
        frames = [r.frames for r in rows if r.latency is not None]
        over = sum(1 for f in frames if f > TARGET_FRAMES)
        raw = max(r.raw_frames for r in rows if r.latency is not None)
        bursts = statistics.median(r.bursts for r in rows if r.latency is not None)
        torn = sum(len(r.torn) for r in rows)
        if kind == "all keys":
            torn_examples = [reason for r in rows for reason in r.torn]
        print(
            f"{kind:36} {len(rows):>4} {med * 1000:6.1f}ms {p95 * 1000:6.1f}ms {fmed * 1000:7.1f}ms "
            f"{fp95 * 1000:7.1f}ms "
            f"{med / fmed:6.2f} {p95 / fp95:6.2f} {statistics.median(frames):>8.0f}/{max(frames):<5} {over:>4} "
            f"{raw:>4} {bursts:>6.0f} {torn:>4}"
        )
        label = kind if kind == "all keys" else kind.split(" (")[0]
        note = f"{med * 1000:.0f} ms, floor {fmed * 1000:.0f} ms; n={len(values)}"
        if kind == "all keys":
            record("terminal", "real terminal, all keys: median (x floor)", med / fmed, "x", TARGET_MEDIAN, note=note)
            record(
                "terminal",
                "real terminal, all keys: p95 (x floor p95)",
                p95 / fp95,
                "x",
                TARGET_P95,
                note=f"{p95 * 1000:.0f} ms, floor {fp95 * 1000:.0f} ms",
            )
            record(
                "terminal",
                "real terminal: frames per change, worst",
                float(max(frames)),
                "n",
                TARGET_FRAMES,
                note=f"median {statistics.median(frames):.0f}; {over} of {len(frames)} changes > {TARGET_FRAMES}",
            )
            record("terminal", f"real terminal: torn frames in {len(rows)} keys", float(torn), "n", TARGET_TORN)
        elif kind.startswith("switch stage"):
            record(
                "terminal",
                f"real terminal, {label}: median (x floor median)",
                med / statistics.median(all_floor),
                "x",
                TARGET_STAGE,
                note=note,
            )
        else:
            record("terminal", f"real terminal, {label}: median (x floor)", med / fmed, "x", None, note=note)
    timed = [(n, r) for n, r in enumerate(app_results, 1) if r.latency is not None]
    slowest = sorted(timed, key=lambda nr: -(nr[1].latency or 0))[:12]
    print(
        "\nslowest keys, #key in the script: kind ms (the p95 of all keys is the "
        f"{len(timed) - percentile_index(len(timed), 0.95)}th from the top): "
        + ", ".join(f"#{n} {r.kind.split(' (')[0]} {(r.latency or 0) * 1000:.0f}" for n, r in slowest)
    )
    if lost:
        which = ", ".join(f"{n} {k}" for k, n in Counter(r.kind for r in app_results if r.latency is None).items())
        print(
            f"\n{lost} key(s) never showed their change within {KEY_TIMEOUT:.0f} s (left out of the figures): {which}"
        )
        first = next(r for r in app_results if r.latency is None)
        print(f"the screen after the first of them ({first.kind}):\n{first.lost_screen}")
    if torn_examples:
        print(f"\ntorn frames ({len(torn_examples)}), first ones: " + "; ".join(torn_examples[:3]))
    print(
        f"\ntargets (issue 14): all keys median <= {TARGET_MEDIAN:.0f}x floor, p95 <= {TARGET_P95:.0f}x; stage switch "
        f"<= {TARGET_STAGE:.0f}x floor median;"
        f" <= {TARGET_FRAMES} frames per change; {TARGET_TORN} torn frames"
    )
    print(
        "frames: frames that changed the screen's body, key to finished change (>2: changes over the target); "
        "all: most frames of any kind (cursor blink, title bar) from a key to its settled screen; bursts: median "
        "output bursts (>= 4 ms apart) to the finished change"
    )


if __name__ == "__main__":
    sys.exit(main())
