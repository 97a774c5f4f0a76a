"""Recently opened sessions, for the home screen (kept in the user cache folder)."""

from __future__ import annotations

import json
from pathlib import Path

from . import paths

LIMIT = 12


def _file() -> Path:
    return paths.cache_dir() / "recent.json"


def load() -> list[Path]:
    """Recent session files that still exist, newest first. A damaged list is ignored."""
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [Path(p) for p in data if isinstance(p, str) and Path(p).is_file()][:LIMIT]


def remember(path: Path) -> None:
    """Put ``path`` first in the list; failing to write the list never stops the app."""
    path = Path(path).resolve()
    items = [str(path)] + [str(p) for p in load() if p.resolve() != path]
    from .store import StoreError, write_atomic

    try:
        _file().parent.mkdir(parents=True, exist_ok=True)
        write_atomic(_file(), json.dumps(items[:LIMIT], indent=1).encode("utf-8"), backup=False)
    except (OSError, StoreError):
        pass
