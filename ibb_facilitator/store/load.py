"""Opening a session: read, parse, migrate, validate (``load_session``, ``loads_session``).

Each step is a module of this package; this one strings them together, with the cyclic garbage
collector off while the models are built. (``bench/store_bench.py`` times the steps by wrapping
this module's names ``read_bytes``, ``parse_toml``, ``validate`` and ``session_problems``.)
"""

from __future__ import annotations

from pathlib import Path

from ..model import Session
from .migration import migrate
from .read import no_cycle_collection, parse_toml, read_bytes, read_text
from .validation import session_problems, validate


def loads_session(text: str, name: str = "<session>") -> Session:
    data = parse_toml(text, name)
    data = migrate(data, name, text)
    return validate(Session, data, text, name, session_problems)


def load_session(path: Path | str) -> Session:
    path = Path(path)
    return _session_from(read_bytes(path), path)


def _session_from(raw: bytes, path: Path) -> Session:
    """The session in ``raw`` (the bytes of ``path``, already read and checked)."""
    name = str(path)
    with no_cycle_collection():
        data = parse_toml(raw, name)  # decoded a piece at a time, as it is parsed
        del raw  # not kept while the models are built; the text is read again to place an error
        data = migrate(data, name, lambda: read_text(path))
        return validate(Session, data, lambda: read_text(path), name, session_problems)
