"""The facilitator's preferences on this computer: how the app looks to them, never part of a
session's record (a session file says what the room did; these say how one laptop shows it).

Kept in ``<data dir>/preferences.toml`` (``IBB_DATA_DIR``, see ``paths.py``):

- ``coaching`` (false): the coaching notes for the facilitator under the stage (Ctrl+Y);
- ``coaching_on_wall`` (false): keep them under the wall in presentation mode (F8) too.

A damaged or missing file gives the defaults; failing to write it never stops the app.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from . import paths


@dataclass
class Preferences:
    coaching: bool = False
    coaching_on_wall: bool = False


def _file() -> Path:
    return paths.data_dir() / "preferences.toml"


def load() -> Preferences:
    """The saved preferences; a key that is missing or not a true/false keeps its default."""
    try:
        data = tomllib.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Preferences()
    prefs = Preferences()
    for field in fields(Preferences):
        value = data.get(field.name)
        if isinstance(value, bool):
            setattr(prefs, field.name, value)
    return prefs


def save(prefs: Preferences) -> bool:
    """Write ``prefs``; False if it could not be written (the app goes on with them in memory)."""
    from .store import StoreError, write_atomic

    lines = ["# ibb_facilitator: this computer's preferences (not part of any session)"]
    lines += [f"{field.name} = {'true' if getattr(prefs, field.name) else 'false'}" for field in fields(Preferences)]
    try:
        _file().parent.mkdir(parents=True, exist_ok=True)
        write_atomic(_file(), ("\n".join(lines) + "\n").encode("utf-8"), backup=False)
    except (OSError, StoreError):
        return False
    return True
