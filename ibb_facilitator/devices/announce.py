"""A table whose room is open to devices says so in its class folder, for the class's door.

``announce(folder, stem, port, token)`` writes ``folder/.devices/<stem>.json``:
``{"port", "token", "pid", "host", "at"}``, where the table's own device server listens on
loopback and the secret of its join address. ``withdraw(path)`` takes it back when the room
closes; ``announced(folder)`` reads what is there for ``devices.classdoor``, which proxies the
class's phones to each table's server.

The file holds a room's secret, so it is written as a secret: atomically (a temp file in the
same folder, fsync, rename), mode 0600 in a folder of mode 0700. Reading trusts nothing: a file
that is not ours (another user's, a symlink, not a regular file), too big, damaged, from another
machine (``host``: a class folder shared between laptops holds other machines' ports, which
mean nothing here) or whose process is gone is not a table's room, and is skipped.

Pure file operations: no web server, no Textual.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import socket
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

FOLDER = ".devices"
MAX_BYTES = 4096
#: a table's name in the class: its file's stem ("table-3"); never a path
STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
#: a join address's secret, as ``secrets.token_urlsafe`` makes it
TOKEN = re.compile(r"[A-Za-z0-9_-]{8,128}")


@dataclass(frozen=True)
class Announced:
    """One table's open room: its server at ``http://127.0.0.1:port/j/token/``."""

    stem: str
    port: int
    token: str
    pid: int
    host: str  # the machine it was announced on
    at: str  # when it was announced (ISO 8601)
    path: Path


def machine() -> str:
    return socket.gethostname()


def announce(folder: Path | str, table_stem: str, port: int, token: str) -> Path:
    """Say in ``folder`` that table ``table_stem``'s room listens on loopback ``port`` with
    ``token``; the file written (give it to ``withdraw``). ValueError for a stem, port or token
    that is not one; OSError when the folder cannot be written."""
    if not STEM.fullmatch(table_stem):
        raise ValueError(f"{table_stem!r}: not a table's name (letters, digits, - and _)")
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValueError(f"{port!r}: not a port")
    if not TOKEN.fullmatch(token):
        raise ValueError("the room's token is not a join address's secret")
    where = Path(folder) / FOLDER
    with contextlib.suppress(FileExistsError):
        where.mkdir(mode=0o700)
    info = os.lstat(where)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise OSError(f"{where}: not a folder of this user's; nothing announced")
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(where, 0o700)
    data = {
        "port": port,
        "token": token,
        "pid": os.getpid(),
        "host": machine(),
        "at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    path = where / f"{table_stem}.json"
    temp = where / f".{table_stem}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(json.dumps(data).encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path


def withdraw(path: Path | str) -> None:
    """Take an announcement back (the room closed). Only this process's own: a file another
    process wrote since (the table opened again elsewhere) is left; a damaged one is removed."""
    path = Path(path)
    found = _read(path)
    if found is not None and found.pid != os.getpid():
        return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # there, but not ours to signal
        return True
    except OSError:
        return False
    return True


def _read(path: Path) -> Announced | None:
    """The announcement in ``path``, or None when it is not a good one of this user's."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_size > MAX_BYTES:
            return None
        raw = os.read(fd, MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    port, token, pid, host, at = (data.get(k) for k in ("port", "token", "pid", "host", "at"))
    if not (isinstance(port, int) and not isinstance(port, bool) and 1 <= port <= 65535):
        return None
    if not (isinstance(token, str) and TOKEN.fullmatch(token)):
        return None
    if not (isinstance(pid, int) and not isinstance(pid, bool) and pid > 0):
        return None
    if not isinstance(host, str):
        return None
    return Announced(path.stem, port, token, pid, host, at if isinstance(at, str) else "", path)


def read_one(folder: Path | str, table_stem: str) -> Announced | None:
    """Table ``table_stem``'s open room, or None (not announced, damaged, from another machine,
    its process gone). ``table_stem`` must be a table's name; anything else is None."""
    if not STEM.fullmatch(table_stem):
        return None
    path = Path(folder) / FOLDER / f"{table_stem}.json"
    found = _read(path)
    if found is None or found.host != machine() or not _alive(found.pid):
        return None
    return found


def announced(folder: Path | str) -> dict[str, Announced]:
    """Every table of ``folder`` whose room is open on this machine, by table name."""
    where = Path(folder) / FOLDER
    try:
        info = os.lstat(where)
    except OSError:
        return {}
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return {}
    out = {}
    try:
        names = sorted(os.listdir(where))
    except OSError:
        return {}
    for name in names:
        stem = name[:-5] if name.endswith(".json") else ""
        found = read_one(folder, stem) if stem else None
        if found is not None:
            out[stem] = found
    return out


__all__ = ["Announced", "announce", "announced", "read_one", "withdraw"]
