"""Where ibb_facilitator keeps things on this computer.

- sessions: ``IBB_SESSIONS_DIR``, else ``<Documents>/IBB Sessions``;
- the user's own agendas: ``IBB_DATA_DIR/agendas``, else ``<user data dir>/ibb_facilitator/agendas``;
- caches (search index, recent files): ``IBB_CACHE_DIR``, else the user cache dir.
The environment variables let a team keep everything on a shared drive, and tests stay hermetic.

``platformdirs`` is imported when first needed: a warm ``ibb library`` with ``IBB_CACHE_DIR`` set
does not need it (platformdirs, with the tempfile and random it imports, was ~5 ms of that fresh
process). Nor ``datetime`` (~1.5 ms), which only ``new_in_sessions`` uses: this module's ``date``
is imported when first asked for (``__getattr__``), and is still this module's own to replace
(the tests' frozen clock does).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

TYPE_CHECKING = False  # (not ``typing``'s: a warm ``ibb library`` does not import typing)
if TYPE_CHECKING:
    from datetime import date

APP = "ibb_facilitator"
#: Set (to the session's folder) in the apps ``ibb serve --full`` starts for browser tabs (``served``);
#: here, where the app can read it before the store is imported.
SERVED_FOLDER_ENV = "IBB_SERVED_FOLDER"
#: The session library's search index (``library``), in ``cache_dir()``; a warm ``ibb library``
#: looks beside it for its last listing (``listing_snapshot``) without importing the library.
LIBRARY_INDEX = "library.sqlite3"


def _env_dir(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    if found := _env_dir("IBB_DATA_DIR"):
        return found
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def user_agenda_dir() -> Path:
    return data_dir() / "agendas"


def sessions_dir() -> Path:
    if found := _env_dir("IBB_SESSIONS_DIR"):
        return found
    import platformdirs

    return Path(platformdirs.user_documents_dir()) / "IBB Sessions"


def cache_dir() -> Path:
    if found := _env_dir("IBB_CACHE_DIR"):
        return found
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def __getattr__(name: str) -> object:
    """``date`` (datetime's), imported when first asked for and kept as this module's."""
    if name != "date":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from datetime import date

    globals()["date"] = date
    return date


def new_in_sessions(title: str, suffix: str = ".toml", day: date | None = None) -> Path:
    """A name not yet taken in the sessions folder: ``2027-03-09-title[-N]`` + ``suffix``."""
    if "date" not in globals():
        __getattr__("date")
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:48] or "session"
    stem = f"{(day or date.today()).isoformat()}-{slug}"
    candidate, n = sessions_dir() / f"{stem}{suffix}", 2
    while candidate.exists():
        candidate = sessions_dir() / f"{stem}-{n}{suffix}"
        n += 1
    return candidate
