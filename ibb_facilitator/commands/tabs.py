"""The app processes ``ibb serve`` starts, one per browser tab: none outlives its tab or the server.

textual-serve starts each tab's app through the shell and, when the tab's socket ends, sends it a
"quit" and waits for it without a limit. Left at that, a tab's process (~55 MiB) stayed alive for
good when the server stopped with tabs open (SIGTERM, SIGHUP, a crash: nobody told them), and a
process that did not answer "quit" kept its socket handler waiting forever. Here:

- each tab's app is started without a shell (argv, so the process we hold is the app itself), in
  a process group of its own, and on Linux with a parent-death signal: if the server dies, even
  by SIGKILL, the kernel sends the app SIGTERM (it exits cleanly on it);
- when its socket ends for any reason (a close frame, a dropped connection, a missed heartbeat,
  the handler cancelled), the app gets "quit", then SIGTERM to its group after ``QUIT_GRACE``
  seconds, then SIGKILL after ``TERM_GRACE`` more;
- when the server stops, every tab's socket is closed and every app still running is ended the
  same way (``Tabs.end_all``, from the server's shutdown and again at interpreter exit);
- the heartbeat is ``HEARTBEAT`` seconds: a browser that vanished without closing its connection
  (a laptop put to sleep, Wi-Fi gone) is noticed within about 1.5 × that.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import signal
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiohttp import web

QUIT_GRACE = 3.0  # seconds an app has to leave on "quit" (the full app may be saving)
TERM_GRACE = 2.0  # then seconds between SIGTERM and SIGKILL
HEARTBEAT = 6.0  # seconds between pings on a tab's socket; no pong within half of it ends the tab

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to send this process SIGTERM when the server that started it dies."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except Exception:
        pass


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the app is its group's leader: this reaches anything it started too
    except (ProcessLookupError, PermissionError):
        pass


class Tabs:
    """The live tab processes and sockets of one server."""

    def __init__(self) -> None:
        self.processes: set[Any] = set()  # asyncio.subprocess.Process
        self.sockets: set[web.WebSocketResponse] = set()
        atexit.register(self.end_all_now)

    async def start(self, argv: list[str], env: dict[str, str]):
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        self.processes.add(process)
        return process

    async def end(self, process, *, grace: float = QUIT_GRACE) -> None:
        """Wait up to ``grace`` s for ``process`` to leave, then SIGTERM its group, then SIGKILL."""
        try:
            for sig, wait in ((None, grace), (signal.SIGTERM, TERM_GRACE), (signal.SIGKILL, TERM_GRACE)):
                if process.returncode is not None:
                    return
                if sig is not None:
                    _signal_group(process.pid, sig)
                try:
                    await asyncio.wait_for(asyncio.shield(process.wait()), wait)
                except TimeoutError:
                    pass
        finally:
            if process.returncode is None:  # cancelled while waiting: do not leave it behind
                _signal_group(process.pid, signal.SIGKILL)
            self.processes.discard(process)

    async def end_all(self) -> None:
        """The server is stopping: close every tab's socket, end every tab's app."""
        from aiohttp import WSCloseCode

        sockets, self.sockets = list(self.sockets), set()
        for ws in sockets:
            try:
                await asyncio.wait_for(ws.close(code=WSCloseCode.GOING_AWAY, message=b"the server stopped"), 1.0)
            except Exception:
                pass
        processes = list(self.processes)
        for process in processes:
            if process.returncode is None:
                _signal_group(process.pid, signal.SIGTERM)
        await asyncio.gather(*(self.end(p, grace=0) for p in processes), return_exceptions=True)

    def end_all_now(self) -> None:
        """Without an event loop (interpreter exit): SIGTERM every app left, SIGKILL it soon after."""
        left = [p.pid for p in self.processes if p.returncode is None]
        for pid in left:
            _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + TERM_GRACE
        while left and time.monotonic() < deadline:
            time.sleep(0.05)
            left = [pid for pid in left if _alive(pid)]
        for pid in left:
            _signal_group(pid, signal.SIGKILL)
        self.processes.clear()


def _alive(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == 0


def tab_service_class(tabs: Tabs, argv: list[str], env: dict[str, str] | None = None):
    """textual-serve's ``AppService`` starting ``argv`` through ``tabs`` and ending it for sure;
    ``env`` is added to each tab's environment (``served.SERVED_FOLDER_ENV`` for the full app)."""
    from textual_serve.app_service import AppService

    extra = dict(env or {})

    class TabService(AppService):
        async def _open_app_process(self, width: int = 80, height: int = 24):
            environment = {**self._build_environment(width=width, height=height), **extra}
            self._process = process = await tabs.start(argv, environment)
            self._stdin = process.stdin
            return process

        async def stop(self) -> None:
            task, process, self._task = self._task, self._process, None
            if task is None or process is None:
                return
            try:
                await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
                if process.returncode is None:
                    await self.send_meta({"type": "quit"})
            finally:
                await tabs.end(process)
                await task  # the output reader ends once the process has gone

    return TabService
