"""What pilot tests share: the bundled example, waiting for the app, walking the stages, and what
pictures (snapshot tests) need to come out the same every time.

The recorder's keys (typing, pointing, the item menu) are in ``recorder.py``; the sessions are
built in ``ibb_facilitator.samples``; the fixtures (the hermetic user folders, the frozen clock,
the fixed folders for pictures) are in ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import importlib
import inspect
import pkgutil
import shutil
import struct
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from textual.css.query import NoMatches

import ibb_facilitator
from ibb_facilitator.model import Stage

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "spring-contract.toml"  # session 3 of the Maple Valley negotiation


def example(folder: Path, name: str = "s.toml") -> Path:
    """A working copy of the bundled example, ``folder/name`` (the folder made if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    shutil.copyfile(EXAMPLE, path)
    return path


async def until(
    pilot: Any,
    condition: Callable[[], object],
    what: str = "the condition",
    timeout: float = 30.0,
    detail: Callable[[Any], str] | None = None,
) -> None:
    """Let the app work until ``condition()`` holds; generous, for a busy machine.

    A query that finds nothing counts as "not yet": a screen is on the stack before its widgets
    are mounted, and under load that gap is long. Fails at once if the app stops first, and on
    timeout names the screen shown (and ``detail(app)``, where given)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except NoMatches:
            pass
        app = pilot.app
        if not app.is_running:
            raise AssertionError(f"the app stopped while waiting for {what}")
        if time.monotonic() > deadline:
            shown = f"; the screen is {type(app.screen).__name__}"
            extra = f"; it shows:\n{detail(app)}" if detail is not None else ""
            raise AssertionError(f"timed out waiting for {what}{shown}{extra}")
        await pilot.pause(0.02)


async def walk_to(pilot: Any, stage: Stage) -> None:
    """Alt+→ / Alt+← to ``stage`` of the current issue, as the recorder does."""
    from ibb_facilitator.tui.session import SessionScreen

    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    order = list(Stage)
    for _ in range(len(order) + 1):
        if screen.stage is stage:
            return
        await pilot.press("alt+right" if order.index(stage) > order.index(screen.stage) else "alt+left")
        await pilot.pause()
    assert screen.stage is stage, f"walked to {screen.stage}, not {stage}"


def new_session_app(theme: str = "projector") -> Any:
    """What ``ibb new`` starts: the set-up form for the default agenda, saved in the sessions
    folder under today's date."""
    from ibb_facilitator import agenda, paths
    from ibb_facilitator.tui.app import IbbApp

    name, chosen = agenda.find("contract-negotiation")
    session = agenda.new_session(chosen, name)
    return IbbApp(new_session=session, new_path=paths.new_in_sessions(session.title), theme=theme)


def screen_text(app: Any) -> str:
    """What the terminal shows now, as text (every line of the rendered screen)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def png_rows(data: bytes, max_rows: int | None = None) -> tuple[int, int, list[bytes]]:
    """Width, height and the first ``max_rows`` rows (all by default) of an 8-bit, non-interlaced
    PNG (what Chromium writes), as RGB bytes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IHDR":
            header = data[pos + 8 : pos + 8 + length]
        elif kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, "unexpected PNG format"
    bpp = 3 if color == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height if max_rows is None else min(height, max_rows)):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = previous[x], (previous[x - bpp] if x >= bpp else 0)
                if kind == 1:
                    line[x] = (line[x] + a) & 255
                elif kind == 3:
                    line[x] = (line[x] + (a + b) // 2) & 255
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, [bytes(r) if bpp == 3 else bytes(v for i, v in enumerate(r) if i % 4 != 3) for r in rows]


# --- pictures (snapshot tests) ------------------------------------------------------------------

SIZES = {"80x24": (80, 24), "160x45": (160, 45)}  # a laptop terminal; a projector at a readable size
THEMES = ["projector", "room-dark"]
FROZEN_NOW = _dt.datetime(2027, 3, 10, 11, 30)  # the example's second day, late morning (local time)
FIXED_HOME = Path("/tmp/ibb-snapshots")  # where pictures that show a path keep their files


class _Frozen(type):
    """``isinstance(x, datetime)`` still holds for the real ones once ``datetime`` is a stand-in."""

    real: type

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls.real)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls.real)


class FrozenDatetime(_dt.datetime, metaclass=_Frozen):
    """``datetime`` whose ``now()`` is ``FROZEN_NOW``; everything it makes is a real datetime."""

    real = _dt.datetime

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return _dt.datetime(*args, **kwargs)

    @classmethod
    def now(cls, tz: _dt.tzinfo | None = None) -> Any:
        return FROZEN_NOW if tz is None else FROZEN_NOW.astimezone(tz)

    @classmethod
    def today(cls) -> Any:
        return FROZEN_NOW


class FrozenDate(_dt.date, metaclass=_Frozen):
    """``date`` whose ``today()`` is ``FROZEN_NOW``'s day; everything it makes is a real date."""

    real = _dt.date

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return _dt.date(*args, **kwargs)

    @classmethod
    def today(cls) -> Any:
        return FROZEN_NOW.date()


_readers: list[ModuleType] | None = None


def clock_readers() -> list[ModuleType]:
    """Every module of ``ibb_facilitator`` (all imported, once) whose source reads the clock."""
    global _readers
    if _readers is None:
        for info in pkgutil.walk_packages(ibb_facilitator.__path__, "ibb_facilitator."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)
        modules = [m for name, m in sorted(sys.modules.items()) if name.split(".")[0] == "ibb_facilitator" and m]
        _readers = [m for m in modules if _reads_clock(m)]
    return _readers


def _reads_clock(module: ModuleType) -> bool:
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return False
    return "datetime.now(" in source or "date.today(" in source


@contextlib.contextmanager
def fixed_home(timeout: float = 300.0) -> Iterator[Path]:
    """``FIXED_HOME``, empty, held by this process alone until the block ends (an exclusive
    ``flock``: other xdist workers and other checkouts' runs wait their turn)."""
    FIXED_HOME.mkdir(parents=True, exist_ok=True)
    with open(FIXED_HOME.parent / f"{FIXED_HOME.name}.lock", "a+") as lock:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, f"{FIXED_HOME} stayed locked for {timeout:.0f} s"
                time.sleep(0.05)
        try:
            _empty(FIXED_HOME)
            yield FIXED_HOME
        finally:
            _empty(FIXED_HOME)
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _empty(folder: Path) -> None:
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


async def steady(pilot: Any, timeout: float = 30.0, workers: bool = True) -> None:
    """Wait until the picture is final: the autosave has landed (a real save, on the frozen clock),
    no worker runs, no cursor blinks, and two looks at the screen 0.1 s apart are the same (every
    widget has painted, however busy the machine). ``workers=False``: do not wait for the app's
    workers (the opening screen's picture is taken while its loading worker is held)."""
    app = pilot.app
    await pilot.pause()
    flush = getattr(app, "flush", None)  # IbbApp: save now what the autosave would save soon
    if callable(flush):
        flush()
    if workers:
        await app.workers.wait_for_complete()
    for box in app.screen.query("Input, TextArea"):
        box.cursor_blink = False  # a blinking cursor makes two pictures of one screen
    await pilot.wait_for_scheduled_animations()
    deadline = time.monotonic() + timeout
    before = None
    while True:
        await pilot.pause(0.1)
        now = app.export_screenshot()
        if now == before:
            return
        assert time.monotonic() < deadline, f"the screen kept changing for {timeout:.0f} s"
        before = now


def each_size_and_theme(test: Callable[..., Any]) -> Any:
    """Run a picture test at every size of ``SIZES`` in every theme (ids like ``80x24-projector``)."""
    return pytest.mark.parametrize("theme", THEMES)(pytest.mark.parametrize("size", list(SIZES))(test))


def picture(
    snap_compare: Any,
    app: Any,
    size: str,
    *keys: str,
    then: Callable[[Any], Any] | None = None,
    workers: bool = True,
) -> bool:
    """``app``'s screen at ``size`` once ``keys`` are pressed and ``then(pilot)`` (a coroutine
    function: waiting for something, more keys) is done, and the screen is ``steady``; compared with
    its SVG in ``__snapshots__`` (``pytest --snapshot-update`` writes it anew)."""

    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        if then is not None:
            await then(pilot)
        await steady(pilot, workers=workers)

    return snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
