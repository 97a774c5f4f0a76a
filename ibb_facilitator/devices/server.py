"""The small web server that opens the room to devices: one per app, on the app's event loop.

Routes (every other path is 404):

- ``GET /``: type the join code shown on the wall; ``POST /join`` checks it (rate-limited per
  address and overall) and sends the phone on to the room's address.
- ``GET /j/TOKEN/``: the phone page (``pages.page``); ``style.css`` and ``app.js`` beside it.
- ``GET /j/TOKEN/state?v=N``: waits (up to ``WAIT_SECONDS``) until the room is past version N,
  then answers with the parts of the page that may have changed, as JSON.
- ``POST /j/TOKEN/claim`` (name), ``/idea`` (text, ours), ``/vote`` (value, choice).

**The token** is the session's random secret in the join address (the QR code holds it); a request
whose path does not hold it gets 404, as if nothing were there. A device is known by its cookie
(HttpOnly, SameSite=Strict, for the room's path only); a post that comes from another site's page
(an ``Origin`` that is not this server) is refused. Bodies are capped at ``MAX_BODY`` bytes, texts
are cut by ``room``, each device's actions are rate-limited there. Every response carries a CSP
that allows nothing but this server, no referrer (the token is in the address), no caching, no
framing. HTML escapes every text (``pages``).

The server never writes the session: ideas and votes stay in the ``room`` until the facilitator's
app takes them.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .. import served
from . import pages
from .room import Bucket, Device, DeviceProblem, DeviceRoom

COOKIE = "ibb_device"
#: Set by a training class's door on what it passes to a table: the page links back to the tables.
THROUGH_DOOR = "X-Ibb-Class-Door"
#: The phone's own address, as the class's door saw it (believed only from the door, on loopback).
PHONE_ADDRESS = "X-Ibb-Phone-Address"


def phone_address(request: web.Request) -> str:
    """The network address a request comes from: the phone's, also through the class's door."""
    remote = request.remote or ""
    if request.headers.get(THROUGH_DOOR) == "1" and remote in ("127.0.0.1", "::1"):
        return request.headers.get(PHONE_ADDRESS, remote)[:64]
    return remote


MAX_BODY = 8 * 1024
WAIT_SECONDS = 20.0
MAX_WAITING = 400  # long polls held at once: more get an immediate answer (the phone asks again)

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
        "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@web.middleware
async def headers_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every answer, refusals too, carries ``HEADERS``."""
    try:
        response = await handler(request)
    except web.HTTPException as refused:
        refused.headers.update(HEADERS)
        raise
    response.headers.update(HEADERS)
    return response


def same_site(request: web.Request) -> None:
    """Refuse (403) a post sent by another site's page: its ``Origin`` is not this server."""
    origin = request.headers.get("Origin")
    # "null" passes: with no referrer sent (the token is in the address), Chromium sends an Origin
    # of "null" on the page's own form posts. The token in the path and the SameSite=Strict
    # cookie are what keep another page's post out.
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.host:
        raise web.HTTPForbidden(text="A post from another site's page is refused.")


class JoinGate:
    """Join-code tries, rate-limited per address (5, then one every 12 s) and overall (120, then
    ten a second: a training day's sixty people typing the code at once all get in): a code of
    six characters from 31 (about 887 million) is not guessed at that pace."""

    def __init__(self) -> None:
        self._by_address: dict[str, Bucket] = {}
        self._all = Bucket(120, 0.1)

    def allows(self, address: str, now: float) -> bool:
        bucket = self._by_address.setdefault(address, Bucket(5, 12.0))
        if len(self._by_address) > 10_000:
            self._by_address.clear()
        return bucket.take(now) and self._all.take(now)


async def join_code(request: web.Request) -> str:
    """The code a join form posted ("" when none)."""
    try:
        data = await request.post()
    except ValueError:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length or 0) from None
    code = data.get("code")
    return code if isinstance(code, str) else ""


async def start_site(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on ``host``:``port``: its runner, and the port it listens on (``port`` 0:
    the one the system chose). Nothing is left running when it cannot listen."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    sockets = getattr(site._server, "sockets", None) or ()
    return runner, int(sockets[0].getsockname()[1]) if sockets else port


def lan_address() -> str:
    """This machine's address on the network its default route leaves by (what a phone on the same
    Wi-Fi can reach), or 127.0.0.1. No packet is sent: a UDP socket only picks its route."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def shown_host(host: str) -> str:
    """The host a join address names for a server bound to ``host``."""
    if host in ("", "0.0.0.0", "::"):
        return lan_address()
    return f"[{host}]" if ":" in host else host


class Site:
    """What the servers of this package share: whether one runs, the address it is at, and its
    front door (``GET /`` the join-code form, ``POST /join``, the style sheet). Each says where a
    right code leads (``entrance``) and what a wrong one is told (``WRONG_CODE``)."""

    host: str
    port: int
    _runner: web.AppRunner | None
    _joins: JoinGate
    title: Callable[[], str]
    WRONG_CODE = "That code is not this room's: check the wall."

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def base(self) -> str:
        return f"http://{shown_host(self.host)}:{self.port}"

    def now(self) -> float:
        raise NotImplementedError

    def entrance(self, code: str) -> str | None:
        """Where the typed ``code`` leads (the join address's path), or None: not this code."""
        raise NotImplementedError

    def _join_page(self, problem: str = "", status: int = 200) -> web.Response:
        return web.Response(text=pages.join_page(self.title(), problem), content_type="text/html", status=status)

    async def join_form(self, request: web.Request) -> web.Response:
        return self._join_page()

    async def join(self, request: web.Request) -> web.StreamResponse:
        same_site(request)
        if not self._joins.allows(request.remote or "?", self.now()):
            return self._join_page("Too many tries: wait a minute.", 429)
        where = self.entrance(await join_code(request))
        if where is not None:
            raise web.HTTPSeeOther(where)
        return self._join_page(self.WRONG_CODE, 403)

    async def style(self, request: web.Request) -> web.Response:
        return web.Response(text=pages.STYLE, content_type="text/css")


class DeviceServer(Site):
    """Serves ``room`` on ``host``:``port`` (0: any free port) once ``start`` is awaited."""

    def __init__(
        self,
        room: DeviceRoom,
        title: Callable[[], str],
        *,
        host: str = served.DEFAULT_HOST,
        port: int = 0,
    ) -> None:
        self.room = room
        self.title = title
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._wake = asyncio.Event()
        self._waiting = 0
        self._follow: tuple[int, str] = (-1, "")
        self._joins = JoinGate()
        room.listeners.append(self._changed)

    # --- life -------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[headers_middleware])
        app.router.add_get("/", self.join_form)
        app.router.add_post("/join", self.join)
        app.router.add_get("/style.css", self.style)
        prefix = "/j/{token}/"
        app.router.add_get(prefix, self.page)
        app.router.add_get(prefix + "style.css", self.style)
        app.router.add_get(prefix + "app.js", self.script)
        app.router.add_get(prefix + "state", self.state)
        app.router.add_post(prefix + "claim", self.claim)
        app.router.add_post(prefix + "idea", self.idea)
        app.router.add_post(prefix + "vote", self.vote)
        return app

    async def start(self) -> None:
        self._runner, self.port = await start_site(self.app(), self.host, self.port)

    async def stop(self) -> None:
        if self._changed in self.room.listeners:
            self.room.listeners.remove(self._changed)
        self._wake.set()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    @property
    def url(self) -> str:
        """The join address: the QR code's content."""
        return f"{self.base}/j/{self.room.token}/"

    def _changed(self) -> None:
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()

    # --- middleware and helpers -------------------------------------------------------------

    def _room_for(self, request: web.Request) -> DeviceRoom:
        if not self.room.token_matches(request.match_info.get("token", "")):
            raise web.HTTPNotFound(text="Not found.")
        return self.room

    def _device(self, request: web.Request) -> Device | None:
        return self.room.device(request.cookies.get(COOKIE))

    def _follow_html(self) -> str:
        version, html = self._follow
        if version != self.room.follow_version:
            html = pages.follow_part(self.room.follow)
            self._follow = (self.room.follow_version, html)
        return html

    def _state(self, device: Device | None, seen: int = -1) -> dict[str, Any]:
        """What the page shows, by part; the room view's part only when it changed since the
        version the phone has (``seen``): sixty phones do not get the same view again for a vote."""
        parts = pages.parts(self.room, device, self._follow_html())
        if self.room.follow_version <= seen:
            del parts["follow"]
        return {
            "v": self.room.version,
            "parts": parts,
            "me": f"You are {device.name}" if device else "Pick your name to vote and send ideas",
        }

    async def _form(self, request: web.Request) -> dict[str, str]:
        self._room_for(request)
        same_site(request)
        try:
            data = await request.post()
        except (ValueError, web.HTTPRequestEntityTooLarge) as refused:
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length or 0) from refused
        return {k: v for k, v in data.items() if isinstance(v, str)}

    def _answer(
        self, request: web.Request, device: Device | None, message: str, ok: bool, cookie: Device | None = None
    ) -> web.StreamResponse:
        if request.headers.get("X-Requested-With") == "fetch":
            body = {"ok": ok, "message": message, **self._state(device)}
            response: web.StreamResponse = web.json_response(body, dumps=json.dumps)
        else:
            response = web.Response(status=303, headers={"Location": "./"})  # see the page again
        if cookie is not None:
            path = request.path.rsplit("/", 1)[0] + "/"
            response.set_cookie(COOKIE, cookie.secret, path=path, httponly=True, samesite="Strict", max_age=12 * 3600)
        return response

    # --- handlers ---------------------------------------------------------------------------

    def now(self) -> float:
        return self.room.clock()

    def entrance(self, code: str) -> str | None:
        return f"/j/{self.room.token}/" if self.room.code_matches(code) else None

    async def script(self, request: web.Request) -> web.Response:
        self._room_for(request)
        return web.Response(text=pages.SCRIPT, content_type="application/javascript")

    async def page(self, request: web.Request) -> web.Response:
        room = self._room_for(request)
        back = "../../" if request.headers.get(THROUGH_DOOR) == "1" else ""  # to the class's tables
        html = pages.page(room, self._device(request), self.title(), back=back)
        return web.Response(text=html, content_type="text/html")

    async def state(self, request: web.Request) -> web.Response:
        room = self._room_for(request)
        try:
            seen = int(request.query.get("v", "-1")[:12])
        except ValueError:
            seen = -1
        if seen == room.version and self._waiting < MAX_WAITING:
            self._waiting += 1
            try:
                await asyncio.wait_for(self._wake.wait(), WAIT_SECONDS)
            except TimeoutError:
                pass
            finally:
                self._waiting -= 1
            if not self.running:
                raise web.HTTPNotFound(text="This room is closed.")
        return web.json_response(self._state(self._device(request), seen))

    async def claim(self, request: web.Request) -> web.StreamResponse:
        data = await self._form(request)
        try:
            device = self.room.claim(request.cookies.get(COOKIE), data.get("name", "")[:200], phone_address(request))
        except DeviceProblem as problem:
            return self._answer(request, self._device(request), str(problem), False)
        return self._answer(request, device, f"You are {device.name}.", True, cookie=device)

    async def idea(self, request: web.Request) -> web.StreamResponse:
        data = await self._form(request)
        device = self._device(request)
        if device is None:
            return self._answer(request, None, "Pick your name first.", False)
        try:
            self.room.submit_idea(device, data.get("text", "")[:2000], ours=data.get("ours") == "1")
        except DeviceProblem as problem:
            return self._answer(request, device, str(problem), False)
        return self._answer(request, device, "Sent. Send another whenever you like.", True)

    async def vote(self, request: web.Request) -> web.StreamResponse:
        data = await self._form(request)
        device = self._device(request)
        if device is None:
            return self._answer(request, None, "Pick your name first.", False)
        try:
            self.room.vote(device, data.get("value", "")[:20], data.get("choice", "")[:100])
        except DeviceProblem as problem:
            return self._answer(request, device, str(problem), False)
        return self._answer(request, device, "Your answer is in: hidden until the reveal.", True)
