"""``ibb room FILE`` and ``ibb serve FILE``: the wall view, in a terminal or in web browsers.

``ibb room FILE`` runs ``tui.room.RoomApp``: read-only, big type, following every autosave.

``ibb serve FILE`` serves it through textual-serve: each browser tab gets its own room-view
process (textual-serve starts one app per tab; every one follows the same file, so all tabs
show the same thing). ``--full`` serves the facilitation app (``ibb open FILE``) instead; the
first tab holds the file's lock, later tabs open it read-only.

What the server will and will not do:

- It shows the one session it was started for. The command it runs for each tab is fixed at
  start from FILE (an absolute path, shell-quoted); no part of a URL or query string reaches the
  file system or the command. Routes: ``/`` (the page), ``/ws`` (the terminal stream),
  ``/static/...`` (textual-serve's own scripts and fonts, no folder listings); anything else is 404.
  textual-serve's ``/download`` route is left out: the room view delivers no files.
- Big type: the page's ``?fontsize=`` sets the terminal's font size in pixels. The page defaults
  to ``--fontsize`` (24, legible from the back of a classroom on a 1080p projector) when the URL
  gives none, or one outside 8–96; the URL printed at start carries it too.
- It binds to loopback (127.0.0.1) unless ``--allow-remote`` is given: anyone who can reach the
  port could watch the session (and, with ``--full``, change it). There is no login.
- No tab's app outlives its tab or the server: see ``tabs.py`` (each app in its own process
  group, ended when its socket ends for any reason, all of them when the server stops, and by
  the kernel if the server dies).
- At most ``--max-viewers`` tabs (default 8) at once: each is an app process (~55 MiB), and 30
  connections once made 60 processes and 1.27 GB. Over the cap the page says so (HTTP 503) and
  a terminal stream is closed at once with code 1013 (try again later) and the reason, before any
  process starts. A tab's slot is free again once its app has ended.
- Errors are logged on one line each (``ibb serve: error: ...``), never a traceback with its
  local variables (they hold the session's text and the request); a WebSocket upgrade without a
  key or version is answered 400 like any other request that is not a WebSocket.
- Each tab's app runs with ``served.SERVED_FOLDER_ENV`` set to the session's folder: a served
  copy's Save As writes only beside the session (``served.confined_save_path``).
- The page loads no web fonts from outside (textual-serve's page asks Google Fonts for Roboto
  Mono; the room may be offline, and the font ships with textual-serve anyway).

(The lines the facilitation app shows to tell the room how to follow, ``room_hint``, live in served.py.)
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import ipaddress
import logging
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

from ..served import DEFAULT_FONTSIZE, DEFAULT_HOST, DEFAULT_PORT, SERVED_FOLDER_ENV, is_loopback, serve_url
from ..store import load_session

log = logging.getLogger("textual-serve")

FONTSIZE_RANGE = (8, 96)
DEFAULT_MAX_VIEWERS = 8
MAX_VIEWERS_RANGE = (1, 200)
WS_TRY_AGAIN_LATER = 1013  # WebSocket close code: the server is overloaded, try again later


# --- ibb room ---------------------------------------------------------------------------------


def cmd_room(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not args.wait:
        load_session(path)  # a bad file is refused here with its clear error (--wait: wait for a good one)
    from ..tui.room import RoomApp

    RoomApp(path, theme=args.theme).run()
    return 0


# --- ibb serve --------------------------------------------------------------------------------


def _whole_number(flag: str, text: str, low: int, high: int, what: str, too_far: str = "") -> int:
    """``text`` as a whole number from ``low`` to ``high``, or a ValueError that says how to fix it."""
    try:
        n = int(text, 10)
    except (TypeError, ValueError):
        raise ValueError(f"{flag} {text!r} is not a {what}; use a whole number from {low} to {high}") from None
    if not low <= n <= high:
        raise ValueError(f"{flag} {n} is out of range; use a whole number from {low} to {high}{too_far}")
    return n


def parse_port(text: str) -> int:
    return _whole_number("--port", text, 1, 65535, "port number")


def parse_fontsize(text: str) -> int:
    return _whole_number("--fontsize", text, *FONTSIZE_RANGE, "number (pixels)")


def parse_max_viewers(text: str) -> int:
    return _whole_number(
        "--max-viewers",
        text,
        *MAX_VIEWERS_RANGE,
        "number (browser tabs at once)",
        " (each tab is an app process of about 55 MiB)",
    )


def served_env(path: Path) -> dict[str, str]:
    """What each tab's app gets in its environment: the folder its Save As is confined to."""
    return {SERVED_FOLDER_ENV: os.path.realpath(path.absolute().parent)}


def full_text(max_viewers: int) -> str:
    """What a viewer over the cap is told (the page, and the close reason of the stream)."""
    return (
        f"This session already has {max_viewers} viewer{'s' if max_viewers != 1 else ''}, the most this "
        "server allows (ibb serve --max-viewers). Close a tab that shows it, or try again in a few seconds."
    )


def full_reason(max_viewers: int) -> bytes:
    """``full_text`` short enough for a WebSocket close frame (at most 123 bytes)."""
    return f"too many viewers: this session is served to {max_viewers} at most (ibb serve --max-viewers)".encode()[:123]


class OneLineFormatter(logging.Formatter):
    """A log record on one line: its message, and an exception's type and text, no traceback.

    textual-serve logs through rich with tracebacks that show local variables, which printed a
    request's headers and the session's text on the console for a malformed request."""

    def format(self, record: logging.LogRecord) -> str:
        from ..library import printable

        message = record.getMessage()
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            if detail not in message:
                message = f"{message} ({detail})" if message and message != str(exc) else detail
        return printable(f"ibb serve: {record.levelname.lower()}: {message}")[:2000]


def one_line_logging(level: int = logging.INFO) -> logging.Handler:
    """Log everything (ours, textual-serve's, aiohttp's) to stderr, one line per record."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def devices_address(args: argparse.Namespace, *, default_port: int, what: str) -> tuple[str, int] | None:
    """``--devices [--host H] [--port P] [--allow-remote]``: where a server for people's phones
    listens (``what``: "the room", "the class's door"), checked now: loopback unless
    ``--allow-remote`` (said loudly when used), a port that can be listened on (``default_port``
    0: any free one), and the three options only with ``--devices``. None without ``--devices``."""
    if not args.devices:
        given = [flag for flag, value in (("--host", args.host), ("--port", args.port)) if value]
        if args.allow_remote:
            given.append("--allow-remote")
        if given:
            verb = "goes" if len(given) == 1 else "go"
            raise ValueError(f"{', '.join(given)} {verb} with --devices ({what} for phones)")
        return None
    host = (args.host or DEFAULT_HOST).strip()
    port = parse_port(args.port) if args.port else default_port
    if remote_host(host, args.allow_remote, f"reach {what}'s join page"):
        print(
            f"WARNING: {what} on {host}:{port or 'a free port'}: anyone who can reach this machine on the network "
            "can open its join page; the join code and the address shown on the screen are the only keys. "
            "There is no password.",
            file=sys.stderr,
        )
    check_port_free(host, port)
    return host, port


def remote_host(host: str, allow_remote: bool, exposed: str) -> bool:
    """Whether ``host`` is reachable from the network (not loopback); refused (ValueError) unless
    ``--allow-remote`` says so. ``exposed``: what anyone on the network could then do."""
    remote = not is_loopback(host)
    if remote and not allow_remote:
        raise ValueError(
            f"--host {host} is not loopback: anyone on the network could {exposed}. "
            "Add --allow-remote to serve it there anyway."
        )
    return remote


def check_port_free(host: str, port: int) -> None:
    """Raise ValueError with one clear line when ``host:port`` cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise ValueError(f"--host {host!r}: cannot use it ({exc.strerror or exc})") from None
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
            try:
                probe.bind(address)
            except OSError as exc:
                raise ValueError(_bind_problem(host, port, exc)) from None


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use; choose another with --port"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to use port {port} on {host} (ports below 1024 need root); choose another with --port"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"--host {host}: not an address of this machine"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


def served_argv(path: Path, *, full: bool, theme: str) -> list[str]:
    """The command run for each browser tab: fixed at start, absolute, no part of it from a URL."""
    target = str(path.resolve())
    if full:
        return [sys.executable, "-m", "ibb_facilitator", "open", "--theme", theme, target]
    return [sys.executable, "-m", "ibb_facilitator", "room", "--wait", "--theme", theme, target]


def served_command(path: Path, *, full: bool, theme: str) -> str:
    """``served_argv`` as one shell line, quoted (what the server names as the command it runs;
    it starts the argv itself, without a shell, so the process it holds is the app)."""
    argv = served_argv(path, full=full, theme=theme)
    return subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv)


def cmd_serve(args: argparse.Namespace) -> int:
    port = parse_port(args.port)
    host = args.host.strip()
    fontsize = parse_fontsize(args.fontsize)
    remote = remote_host(host, args.allow_remote, "see the session")
    if remote:
        print(
            f"WARNING: serving on {host}:{port}: anyone who can reach this machine on the network can "
            f"see the session{', change it and save files on this machine (Ctrl+S)' if args.full else ''}. There is no "
            "password.",
            file=sys.stderr,
        )
    max_viewers = parse_max_viewers(args.max_viewers)
    path = Path(args.file)
    session = load_session(path)  # refuse a bad file now, with its clear error
    check_port_free(host, port)
    argv = served_argv(path, full=args.full, theme=args.theme)
    what = "the facilitation app" if args.full else "the room view"
    server = make_server(
        argv,
        host=host,
        port=port,
        title=f"{session.title} · {'facilitation app' if args.full else 'room view'}",
        fontsize=fontsize,
        loopback_only=not remote,
        max_viewers=max_viewers,
        env=served_env(path),
    )
    print(f"Serving {what} of {path}")
    print(f"Open {serve_url(host, port, fontsize)}  (Ctrl+C stops)", flush=True)
    try:
        server.serve()
    except OSError as exc:  # lost the port between the check and the start
        raise ValueError(_bind_problem(host, port, exc)) from None
    return 0


# --- the server -------------------------------------------------------------------------------

_HOST_HEADER = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


def _host_name(host_header: str) -> str:
    """The name part of a Host header ("localhost:8000" → "localhost", "[::1]:80" → "::1")."""
    if host_header.startswith("["):
        return host_header[1 : host_header.index("]")]
    return host_header.rsplit(":", 1)[0] if ":" in host_header else host_header


def _loopback_name(name: str) -> bool:
    if name.lower() == "localhost" or name.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _whole(value: str | None, default: int) -> int:
    try:
        return max(1, min(1000, int(value or "", 10)))
    except ValueError:
        return default


def page_fontsize(value: str | None, default: int) -> int:
    """The ``?fontsize=`` of a page request, or ``default`` when missing, not a number or out of range."""
    try:
        size = int(value or "", 10)
    except ValueError:
        return default
    return size if FONTSIZE_RANGE[0] <= size <= FONTSIZE_RANGE[1] else default


def _page_template(original: str) -> str:
    """textual-serve's page with a title, its own copy of Roboto Mono, and no web-font request."""
    page = re.sub(r"\s*<link[^>]*fonts\.googleapis\.com[^>]*>", "", original)
    font = "{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf"
    head = (
        "<head>\n    <title>{{ application.name }}</title>\n"
        f'    <link rel="preload" href="{font}" as="font" type="font/ttf" crossorigin />\n'
        f"    <style>@font-face {{ font-family: 'Roboto Mono'; src: url('{font}') format('truetype'); font-weight: 100 "
        f"700; font-display: block; }}</style>"
    )
    return page.replace("<head>", head, 1)


def make_server(
    argv: list[str],
    *,
    host: str,
    port: int,
    title: str,
    fontsize: int = DEFAULT_FONTSIZE,
    loopback_only: bool = True,
    max_viewers: int = DEFAULT_MAX_VIEWERS,
    env: dict[str, str] | None = None,
):
    """A textual-serve ``Server`` for ``command`` with the rules in this module's docstring."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import web
    from textual_serve.server import Server

    from .tabs import HEARTBEAT, Tabs, tab_service_class

    tabs = Tabs()
    TabService = tab_service_class(tabs, argv, env)
    viewers = 0  # tabs from the stream's upgrade until their app has ended

    class RoomServer(Server):
        def initialize_logging(self) -> None:
            one_line_logging(logging.DEBUG if self.debug else logging.INFO)

        async def _make_app(self) -> web.Application:
            @web.middleware
            async def guard(request: web.Request, handler):
                host_header = request.headers.get("Host", "")
                if not _HOST_HEADER.match(host_header):
                    raise web.HTTPBadRequest(text="bad Host header")
                # DNS rebinding: a page elsewhere must not read a loopback-only session
                if loopback_only and not _loopback_name(_host_name(host_header)):
                    raise web.HTTPForbidden(text="this session is served to this machine only")
                # a page on another site must not open the session's terminal stream
                if request.path == "/ws":
                    if (
                        request.headers.get("Upgrade", "").lower() != "websocket"
                        or not request.headers.get("Sec-WebSocket-Key")
                        or not request.headers.get("Sec-WebSocket-Version")
                    ):
                        raise web.HTTPBadRequest(text="the terminal stream needs a WebSocket")
                    origin = request.headers.get("Origin")
                    if origin is not None and origin.split("://", 1)[-1] != host_header:
                        raise web.HTTPForbidden(text="cross-site connection refused")
                return await handler(request)

            app = web.Application(middlewares=[guard])
            original = (Path(self.templates_path) / "app_index.html").read_text(encoding="utf-8")
            aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({"app_index.html": _page_template(original)}))
            app.add_routes(
                [
                    web.get("/", self.handle_index, name="index"),
                    web.get("/ws", self.handle_websocket, name="websocket"),
                    web.static("/static", self.statics_path, show_index=False, name="static"),
                ]
            )
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        async def handle_index(self, request: web.Request) -> web.Response:
            if viewers >= max_viewers:
                return web.Response(status=503, text=full_text(max_viewers) + "\n", headers={"Retry-After": "5"})
            base = f"http://{request.headers['Host']}"  # checked by the guard: how this browser reached us
            router = request.app.router
            static = f"{base}{router['static'].url_for(filename='/')}".rstrip("/") + "/"
            context = {
                "font_size": page_fontsize(request.query.get("fontsize"), fontsize),
                "app_websocket_url": "ws:" + f"{base}{router['websocket'].url_for()}".split(":", 1)[1],
                "config": {"static": {"url": static}},
                "application": {"name": self.title},
            }
            return aiohttp_jinja2.render_template("app_index.html", request, context)

        async def on_startup(self, app: web.Application) -> None:
            # cmd_serve says what is served where, in plain text (a path is not markup).
            # A closed terminal stops the server as Ctrl+C does, so its tabs' apps are ended too.
            if hasattr(signal, "SIGHUP"):
                try:
                    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.request_exit)
                except (NotImplementedError, RuntimeError):
                    pass

        async def on_shutdown(self, app: web.Application) -> None:
            await tabs.end_all()

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """textual-serve's handler, with each tab's app started and ended by ``tabs``."""
            nonlocal viewers
            websocket = web.WebSocketResponse(heartbeat=HEARTBEAT)
            width = _whole(request.query.get("width"), 80)
            height = _whole(request.query.get("height"), 24)
            if viewers >= max_viewers:  # refused before any process starts, with the reason
                await websocket.prepare(request)
                await websocket.close(code=WS_TRY_AGAIN_LATER, message=full_reason(max_viewers))
                log.warning("a viewer over the cap of %d was turned away", max_viewers)
                return websocket
            viewers += 1  # no await since the check: no other tab can take the same slot
            service = None
            try:
                await websocket.prepare(request)
                tabs.sockets.add(websocket)
                service = TabService(
                    " ".join(argv),
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=websocket.close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await service.start(width, height)
                await self._process_messages(websocket, service)
            except asyncio.CancelledError:
                await websocket.close()
            except web.HTTPException:
                raise  # a request that is no WebSocket upgrade after all: answered as such
            except Exception as error:  # a broken message from a page: log it (one line), end the tab
                log.error("a tab's stream ended on an error: %s: %s", type(error).__name__, error)
            finally:
                tabs.sockets.discard(websocket)
                try:
                    if service is not None:
                        await service.stop()
                finally:
                    viewers -= 1
            return websocket

    shown = f"[{host}]" if ":" in host else host
    return RoomServer(shlex.join(argv), host=host, port=port, title=title, public_url=f"http://{shown}:{port}")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "room", parents=[common], help="a read-only, big-type view for the wall that follows the session file live"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--wait", action="store_true", help="start even if FILE is missing or invalid, and wait for a valid save"
    )
    p.set_defaults(func=cmd_room)

    p = sub.add_parser("serve", parents=[common], help="serve the room view (or, with --full, the app) to web browsers")
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}: this machine only)"
    )
    p.add_argument("--port", default=str(DEFAULT_PORT), metavar="N", help=f"port (default {DEFAULT_PORT})")
    p.add_argument(
        "--full", action="store_true", help="serve the full facilitation app (ibb open FILE) instead of the room view"
    )
    p.add_argument(
        "--fontsize",
        default=str(DEFAULT_FONTSIZE),
        metavar="N",
        help=f"default font size of the page in pixels (default {DEFAULT_FONTSIZE}; ?fontsize=N in the URL overrides)",
    )
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than loopback: anyone on the network can then see the session",
    )
    p.add_argument(
        "--max-viewers",
        default=str(DEFAULT_MAX_VIEWERS),
        metavar="N",
        help=f"browser tabs served at once (default {DEFAULT_MAX_VIEWERS}; each is an app process of about 55 MiB)",
    )
    p.set_defaults(func=cmd_serve)
