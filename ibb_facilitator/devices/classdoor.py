"""One address for a whole training class: phones join the class, pick their table, then their
name (``ibb class DIR --devices``).

Each table's app opens its own room on a loopback port (``server.DeviceServer``) and announces
it in the class folder (``announce``). The door is one more small aiohttp server, in the class
view's process, that phones can reach; it serves:

- ``GET /``: type the class's join code; ``POST /join`` checks it (rate-limited as a room's is)
  and sends the phone to the class's address.
- ``GET /c/CLASSTOKEN/``: the class's tables ("Table 2 of 6"), each a link while its room is
  open, "not open yet" otherwise.
- ``/c/CLASSTOKEN/t/TABLE/…``: the table's phone page and its requests, passed on to that table's
  server at ``http://127.0.0.1:PORT/j/TOKEN/…`` and its answer passed back. The phone page's
  addresses are all relative, so it works under the door's path unchanged; the device's cookie
  is the table's, its path rewritten to the table's folder at the door.

**What the door checks** before passing anything on: the class token (a wrong one: 404, as if
nothing were there); the table, by name, against the class's own list (never a path from the
address into the file system; ``../x`` is no table); the part of the page asked for, against the
few a phone page has (``PROXIED``) and their method; a post's ``Origin`` (this server's pages
only), its size (``MAX_BODY``); how many requests it holds open at once (``MAX_HELD``). Only the
device cookie, the form's type and ``X-Requested-With`` go on; the table's answer comes back with
its type, its relative ``Location`` and its device cookie (path rewritten), nothing else, under
the same headers as a room's (CSP, no referrer, no caching, no framing). The table's server is
reached on loopback only: it is never exposed to the network, the door is.

Its client keeps no cookies of its own (each phone's travels in its own request), so no phone
ever acts as another.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import aiohttp
from aiohttp import web
from yarl import URL

from .. import classroom, served
from . import announce, pages
from .room import new_code, normal_code
from .server import (
    COOKIE,
    MAX_BODY,
    PHONE_ADDRESS,
    THROUGH_DOOR,
    WAIT_SECONDS,
    JoinGate,
    Site,
    headers_middleware,
    same_site,
    start_site,
)

#: the parts of a table's phone page a phone may ask for, and how
PROXIED = {
    **dict.fromkeys(("", "style.css", "app.js", "state"), "GET"),
    **dict.fromkeys(("claim", "idea", "vote"), "POST"),
}
MAX_HELD = 600  # requests held open at once (long polls of every table's phones)
MAX_ANSWER = 4 * 1024 * 1024  # a table's answer passed back: its biggest room view, with room to spare
COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]{1,128}")
FORWARDED = ("Content-Type", "X-Requested-With")


@dataclass(frozen=True)
class DoorTable:
    """One table as the door lists it."""

    stem: str  # its file's stem: its name in the address ("table-2")
    label: str  # "Table 2 of 6"
    detail: str = ""  # the scenario's title, or what else helps a player pick


def folder_tables(folder: Path) -> list[DoorTable]:
    """The class folder's tables, by their files' names alone (``table-N.toml``)."""
    return [DoorTable(p.stem, f"Table {p.stem[6:]}") for p in classroom.table_files(folder)]


class ClassDoor(Site):
    """The class's door on ``host``:``port`` (0: any free port) once ``start`` is awaited.

    ``tables``: the class's tables as the door lists them (the class view gives what it has read;
    by default the folder's table files by name)."""

    def __init__(
        self,
        folder: Path | str,
        title_fn: Callable[[], str],
        host: str = served.DEFAULT_HOST,
        port: int = 0,
        *,
        tables: Callable[[], Sequence[DoorTable]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = Path(folder)
        self.title = title_fn
        self.host = host
        self.port = port
        self.tables = tables or (lambda: folder_tables(self.folder))
        self.clock = clock
        self.token = secrets.token_urlsafe(16)
        self.code = new_code()
        self._joins = JoinGate()
        self._held = 0
        self._tables: tuple[float, list[DoorTable]] | None = None
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    # --- life -------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[headers_middleware])
        app.router.add_get("/", self.join_form)
        app.router.add_post("/join", self.join)
        app.router.add_get("/style.css", self.style)
        app.router.add_get("/c/{token}/", self.class_page)
        app.router.add_get("/c/{token}/style.css", self.style)
        app.router.add_get("/c/{token}/t/{stem}", self.to_folder)
        app.router.add_route("*", "/c/{token}/t/{stem}/{rest:[^/]*}", self.proxy)
        return app

    async def start(self) -> None:
        timeout = aiohttp.ClientTimeout(total=WAIT_SECONDS + 5, connect=3)
        connector = aiohttp.TCPConnector(limit=MAX_HELD, limit_per_host=0)
        client = aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar())
        try:
            self._runner, self.port = await start_site(self.app(), self.host, self.port)
        except BaseException:
            await client.close()
            raise
        self._client = client

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        client, self._client = self._client, None
        if runner is not None:
            await runner.cleanup()
        if client is not None:
            await client.close()

    @property
    def url(self) -> str:
        """The class's join address: the QR code's content."""
        return f"{self.base}/c/{self.token}/"

    def code_matches(self, typed: str) -> bool:
        return secrets.compare_digest(normal_code(typed).encode(), self.code.encode())

    # --- checks -----------------------------------------------------------------------------

    def _class_for(self, request: web.Request) -> None:
        if not secrets.compare_digest(request.match_info.get("token", "").encode(), self.token.encode()):
            raise web.HTTPNotFound(text="Not found.")

    def _listed(self) -> list[DoorTable]:
        """The class's tables, asked for at most once a second (every phone's every request
        checks its table against them)."""
        now = self.clock()
        if self._tables is None or now - self._tables[0] >= 1.0:
            self._tables = (now, [t for t in self.tables() if announce.STEM.fullmatch(t.stem)])
        return self._tables[1]

    def _table(self, request: web.Request) -> DoorTable | None:
        """The table the address names, from the class's own list (None: no such table)."""
        stem = request.match_info.get("stem", "")
        return next((t for t in self._listed() if t.stem == stem), None)

    def _closed(self, title: str, label: str, why: str, status: int) -> web.Response:
        return web.Response(text=pages.table_closed_page(title, label, why), content_type="text/html", status=status)

    # --- handlers ---------------------------------------------------------------------------

    WRONG_CODE = "That code is not this class's: check the screen."

    def now(self) -> float:
        return self.clock()

    def entrance(self, code: str) -> str | None:
        return f"/c/{self.token}/" if self.code_matches(code) else None

    async def class_page(self, request: web.Request) -> web.Response:
        self._class_for(request)
        open_now = announce.announced(self.folder)
        title = self.title()
        rows = [
            (f"t/{quote(t.stem)}/", t.label, "" if t.detail == title else t.detail, t.stem in open_now)
            for t in self._listed()
        ]
        return web.Response(text=pages.class_page(title, rows), content_type="text/html")

    async def to_folder(self, request: web.Request) -> web.StreamResponse:
        """``…/t/table-2`` → ``…/t/table-2/``: the page's relative addresses need the folder."""
        self._class_for(request)
        table = self._table(request)
        if table is None:
            return self._closed(self.title(), "No such table", "This class has no table of that name.", 404)
        raise web.HTTPSeeOther(f"{table.stem}/")

    async def proxy(self, request: web.Request) -> web.StreamResponse:
        self._class_for(request)
        title = self.title()
        table = self._table(request)
        if table is None:
            return self._closed(title, "No such table", "This class has no table of that name.", 404)
        rest = request.match_info.get("rest", "")
        if PROXIED.get(rest) != request.method:
            raise web.HTTPNotFound(text="Not found.")
        body = b""
        if request.method == "POST":
            same_site(request)
            body = await request.read()  # over MAX_BODY: 413
        room = announce.read_one(self.folder, table.stem)
        if room is None:
            why = f"{table.label}'s room is not open to devices yet: its facilitator opens it. This page looks again."
            return self._closed(title, table.label, why, 404)
        if self._client is None:
            raise web.HTTPServiceUnavailable(text="The class's door is closing.")
        if self._held >= MAX_HELD:
            raise web.HTTPServiceUnavailable(text="Busy: try again in a moment.")
        target = URL.build(
            scheme="http",
            host="127.0.0.1",
            port=room.port,
            path=f"/j/{room.token}/{rest}",
            query={"v": request.query.get("v", "")[:12]} if rest == "state" else None,
        )
        headers = {name: request.headers[name][:200] for name in FORWARDED if name in request.headers}
        headers[THROUGH_DOOR] = "1"
        headers[PHONE_ADDRESS] = request.remote or ""
        cookie = request.cookies.get(COOKIE, "")
        if COOKIE_VALUE.fullmatch(cookie):
            headers["Cookie"] = f"{COOKIE}={cookie}"
        self._held += 1
        try:
            async with self._client.request(
                request.method, target, data=body or None, headers=headers, allow_redirects=False
            ) as upstream:
                chunks, size = [], 0
                async for chunk in upstream.content.iter_chunked(64 * 1024):  # the whole answer
                    size += len(chunk)
                    if size > MAX_ANSWER:
                        raise web.HTTPBadGateway(text="The table's answer is too big.")
                    chunks.append(chunk)
                answer = b"".join(chunks)
                response = web.Response(body=answer, status=upstream.status)
                response.headers["Content-Type"] = upstream.headers.get("Content-Type", "text/plain")
                self._pass_back(table, upstream, response)
                return response
        except (aiohttp.ClientError, OSError):
            why = f"{table.label}'s room does not answer: its app may have closed. This page looks again."
            return self._closed(title, table.label, why, 503)
        except TimeoutError:
            raise web.HTTPGatewayTimeout(text="The table did not answer in time: try again.") from None
        finally:
            self._held -= 1

    def _pass_back(
        self,
        table: DoorTable,
        upstream: aiohttp.ClientResponse,
        response: web.Response,
    ) -> None:
        """The table's ``Location`` (relative only: the table's own path is its secret) and its
        device cookie, for the table's folder at the door."""
        location = upstream.headers.get("Location", "")
        if location and not location.startswith(("/", "\\")) and "://" not in location:
            response.headers["Location"] = location
        morsel = upstream.cookies.get(COOKIE)
        if morsel is not None and COOKIE_VALUE.fullmatch(morsel.value):
            max_age = morsel["max-age"]
            response.set_cookie(
                COOKIE,
                morsel.value,
                path=f"/c/{self.token}/t/{table.stem}/",
                httponly=True,
                samesite="Strict",
                max_age=int(max_age) if str(max_age).isdecimal() else None,
            )


__all__ = ["PROXIED", "ClassDoor", "DoorTable", "folder_tables"]
