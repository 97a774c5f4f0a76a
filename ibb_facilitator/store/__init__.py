"""Session files: read, migrate, validate, save atomically, lock. One module per thing to look up.

Reading never trusts a file: its size is bounded, bytes must be UTF-8 text, TOML syntax errors
are reported as ``FILE:LINE:COL: message`` and schema errors as ``FILE:LINE: path: message``,
one line per problem. Saving writes a temp file in the same folder, fsyncs it, keeps the previous
version as ``NAME.bak`` and replaces the file in one rename: a crash leaves the old file or the
new one, never half of one. A ``SessionFile`` is a session open for writing, locked against a
second writer. Nothing is ever written over a file that failed to load.
(docs/session-format.md, "Saving, backup and locks")

Where things are (each module imports only those listed before it, and ``model``, ``process``,
``scenario``, ``tomlwrite`` below the package; ``pyproject.toml``'s import contracts hold that):

- ``errors``: ``StoreError`` and its two narrower kinds, ``LockedError`` and ``SaveError``;
- ``read``: bounded reads of regular files, UTF-8 decoding, TOML parsing (rtoml in pieces, tomli
  for the messages), ``no_cycle_collection``;
- ``locate``: a problem's line in the file (the line index);
- ``migration``: older schema versions brought up to date in memory (``migrate``);
- ``validation``: ``validate`` (schema and cross-references, each on its line) and
  ``session_problems`` (what a session file is checked for beyond its schema);
- ``load``: ``load_session`` / ``loads_session``, the steps above in turn;
- ``lock``: ``FileLock``;
- ``write``: ``dumps_session`` and the write plans, ``write_atomic`` (temp file, fsync, backup,
  rename), ``save_session``;
- ``session_file``: ``SessionFile`` and what an interrupted save left (``unsaved_versions``).

Agendas are loaded by ``agenda.load_agenda`` (through ``read`` and ``validation``): this package
knows sessions only, so nothing in it imports ``agenda`` or ``training``. The autosave's
incremental dump (``savecache``) builds on ``write``'s plans from outside the package.

Everything the rest of the code uses is importable from here (``from ibb_facilitator.store import
load_session``). A test that patches a module global patches it where it lives
(``store.read.MAX_BYTES``, ``store.migration.MIGRATIONS``, ``store.write.tempfile``).
"""

from __future__ import annotations

import importlib

from .errors import LockedError, SaveError, StoreError

# (not ``typing.TYPE_CHECKING``: importing the store's errors, as the warm ``ibb library`` does,
# need not import typing; type checkers take any ``TYPE_CHECKING`` as true)
TYPE_CHECKING = False
if TYPE_CHECKING:  # the names below, for type checkers and readers; at run time see __getattr__
    from typing import Any

    from ..model import SCHEMA_VERSION as SCHEMA_VERSION  # (tests read it here)
    from .load import load_session, loads_session
    from .lock import FileLock
    from .migration import MIGRATIONS, MigrationProblems, migrate
    from .read import (
        CHUNK,
        MAX_BYTES,
        decode_text,
        fast_reader,
        no_cycle_collection,
        parse_toml,
        read_bytes,
        read_regular,
        read_text,
    )
    from .read import _fast_loads as _fast_loads
    from .read import _parse_in_pieces as _parse_in_pieces
    from .read import _parse_with_tomli as _parse_with_tomli
    from .session_file import SessionFile, Unsaved, mention_unsaved, unsaved_versions
    from .validation import session_problems, validate
    from .write import (
        BACKUP_SUFFIX,
        dumps_session,
        dumps_session_bytes,
        glob_escape,
        plan,
        refuse_overwriting_records,
        save_session,
        session_data,
        session_plan,
        stale_temp_files,
        write_atomic,
    )
    from .write import _prune as _prune
    from .write import _spec as _spec

# Where each name lives. A name is imported on first use (PEP 562), not with the package: a
# command that only lists or prints (``ibb library`` with its index warm, ``ibb --version``)
# does not load pydantic and the model for an error class.
_HOME: dict[str, str] = {
    "SCHEMA_VERSION": "..model",
    "load_session": ".load",
    "loads_session": ".load",
    "FileLock": ".lock",
    "MIGRATIONS": ".migration",
    "MigrationProblems": ".migration",
    "migrate": ".migration",
    "CHUNK": ".read",
    "MAX_BYTES": ".read",
    "decode_text": ".read",
    "fast_reader": ".read",
    "no_cycle_collection": ".read",
    "parse_toml": ".read",
    "read_bytes": ".read",
    "read_regular": ".read",
    "read_text": ".read",
    "_fast_loads": ".read",
    "_parse_in_pieces": ".read",
    "_parse_with_tomli": ".read",
    "SessionFile": ".session_file",
    "Unsaved": ".session_file",
    "mention_unsaved": ".session_file",
    "unsaved_versions": ".session_file",
    "session_problems": ".validation",
    "validate": ".validation",
    "BACKUP_SUFFIX": ".write",
    "dumps_session": ".write",
    "dumps_session_bytes": ".write",
    "glob_escape": ".write",
    "plan": ".write",
    "refuse_overwriting_records": ".write",
    "save_session": ".write",
    "session_data": ".write",
    "session_plan": ".write",
    "stale_temp_files": ".write",
    "write_atomic": ".write",
    "_prune": ".write",
    "_spec": ".write",
}
_PARTS = frozenset({"errors", "read", "locate", "migration", "validation", "load", "lock", "write", "session_file"})


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        if name in _PARTS:  # ``store.write``, before anything imported it
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # the next use is a plain lookup
    return value


# (``X as X``: internals the tests and the autosave's cache reach here, where they always were.)
__all__ = [
    "BACKUP_SUFFIX",
    "CHUNK",
    "MAX_BYTES",
    "MIGRATIONS",
    "FileLock",
    "LockedError",
    "MigrationProblems",
    "SaveError",
    "SessionFile",
    "StoreError",
    "Unsaved",
    "decode_text",
    "dumps_session",
    "dumps_session_bytes",
    "fast_reader",
    "glob_escape",
    "load_session",
    "loads_session",
    "mention_unsaved",
    "migrate",
    "no_cycle_collection",
    "parse_toml",
    "plan",
    "read_bytes",
    "read_regular",
    "read_text",
    "refuse_overwriting_records",
    "save_session",
    "session_data",
    "session_plan",
    "session_problems",
    "stale_temp_files",
    "unsaved_versions",
    "validate",
    "write_atomic",
]
