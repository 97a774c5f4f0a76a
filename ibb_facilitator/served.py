"""Where a copy of the app served to web browsers (``ibb serve --full``) may write.

Anyone who can reach a served app types into it, so its Save As must not write wherever the
server's user can (``~/.ssh/authorized_keys``, a shell's rc file, another session). ``ibb serve``
starts each tab's app with ``SERVED_FOLDER_ENV`` set to the served session's folder (absolute,
symlinks resolved); there, ``save_as_target`` lets Save As write only a new or existing regular
``*.toml`` file directly in that folder, and refuses anything else with one clear line. Outside
``ibb serve`` (the variable unset) it changes nothing.

Also the address and the commands the facilitation app shows to tell the room how to follow a
session (``room_hint``), so the app need not import the commands that serve it.

Pure functions of paths and the file system's view of them: no textual, no rich.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import socket
import stat
from pathlib import Path

from .paths import SERVED_FOLDER_ENV
from .store import StoreError


class SaveRefused(StoreError):
    """Save As asked for a place a served copy must not write."""


DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_FONTSIZE = 24


def is_loopback(host: str) -> bool:
    """True when every address ``host`` names is a loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def serve_url(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, fontsize: int = DEFAULT_FONTSIZE) -> str:
    """The address to open in a browser."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/?fontsize={fontsize}"


def room_hint(path: Path | str, *, port: int = DEFAULT_PORT, fontsize: int = DEFAULT_FONTSIZE) -> list[str]:
    """Lines telling the room how to follow this session: a terminal command and a browser URL."""
    quoted = shlex.quote(str(path))
    return [
        f"Room view (for the wall): ibb room {quoted}",
        f"Browser: ibb serve {quoted}  →  {serve_url(DEFAULT_HOST, port, fontsize)}",
    ]


def served_folder(environ: dict[str, str] | os._Environ[str] | None = None) -> Path | None:
    """The folder a served copy is confined to, or None when this app is not served."""
    value = (os.environ if environ is None else environ).get(SERVED_FOLDER_ENV, "")
    return Path(value) if value.strip() else None


def confined_save_path(requested: Path | str, session_path: Path | str, what: str = "Save as") -> Path:
    """``requested`` as an absolute path directly in ``session_path``'s folder, or ``SaveRefused``.

    A relative name is taken in that folder (``copy.toml``). Refused: another folder (``..``,
    an absolute path elsewhere, a subfolder, a symlinked folder leading out), a file name that is
    hidden (``.bashrc``, a lock or temp file of a save), not ``*.toml``, a backup, an existing
    symlink or anything else that is not a regular file. What the check sees is what is written:
    the returned path is built from the real folder and the bare name.
    """
    folder = Path(os.path.realpath(Path(session_path).absolute().parent))
    text = os.fspath(requested)
    if "\x00" in text:
        raise SaveRefused(f"{what}: a file name cannot hold a NUL character.")
    given = Path(text).expanduser()
    target = given if given.is_absolute() else folder / given
    where = Path(os.path.realpath(Path(os.path.normpath(target)).parent))
    name = Path(os.path.normpath(target)).name
    beside = f"This app is served to web browsers: {what} works only beside the session, in {folder}"
    if where != folder:
        raise SaveRefused(f"{beside}; not in {where}.")
    if not name or name in (".", "..") or name.startswith("."):
        raise SaveRefused(f"{beside}, and not to a hidden file ({name or 'no name'}).")
    if not name.lower().endswith(".toml"):
        raise SaveRefused(f"{beside}, as a .toml file ({name} is not one).")
    out = folder / name
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        return out
    except OSError as exc:
        raise SaveRefused(f"{beside}; {name} cannot be checked ({exc.strerror or exc}).") from None
    if stat.S_ISLNK(st.st_mode):
        raise SaveRefused(f"{beside}; {name} is a symbolic link, which a served copy never writes through.")
    if not stat.S_ISREG(st.st_mode):
        raise SaveRefused(f"{beside}; {name} is not a regular file.")
    return out


def save_as_target(requested: Path | str, session_path: Path | str, environ: dict[str, str] | None = None) -> Path:
    """What Save As should write: ``requested`` unchanged in a local app; in a served copy
    (``SERVED_FOLDER_ENV`` set) ``confined_save_path`` against the folder the server fixed,
    whatever file the app holds now."""
    folder = served_folder(environ)
    if folder is None:
        return Path(requested)
    return confined_save_path(requested, folder / Path(session_path).name)


def open_target(requested: Path | str, environ: dict[str, str] | None = None) -> Path:
    """What Open (the home screen's "Open a session file") may open: ``requested`` in a local
    app; in a served copy only a session file beside the served one (the same rules as Save As)."""
    folder = served_folder(environ)
    if folder is None:
        return Path(requested)
    return confined_save_path(requested, folder / "session.toml", what="Open")
