"""A negotiation: one folder of session files (one per meeting), plus an optional manifest.

A successor-contract negotiation is many sessions. Here it is a folder: every session file in it
(not in its sub-folders) belongs to it, and ``negotiation.toml`` beside them, when present, says
what no single session can: the negotiation's name, its parties, the contract's articles (the
order the board and the TA package follow), each party's ratification votes and the approvals
of each session's joint update (``docs/session-format.md``, "A negotiation").

- ``carryover``: the next session made from the previous one (``ibb new --after``);
- ``manifest``: the manifest's shape, reading and saving it, and its changes (a vote, an
  approval, undo), each logged in the manifest's own log;
- ``facts``: what the board needs from each file, as plain data, kept in a cache keyed by each
  file's size and modification time, so a board over thirty big sessions does not load them;
- ``core``: the negotiation across its files (pure, on those facts): the order of the
  sessions, each issue's state, which TAs are in force, the package, the ratification rule;
- ``board``: the board's rows, filtered and sorted.

``load(path)`` finds the negotiation of a folder or of a session file and returns its
``core.Negotiation``. Only ``manifest`` and ``carryover`` import the models (pydantic) at once:
the board of unchanged files is built without them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

MANIFEST_NAME = "negotiation.toml"

if TYPE_CHECKING:
    from .core import Negotiation


class NegotiationError(ValueError):
    """A negotiation cannot be found or changed as asked; the message says why, in one line
    (``cli.main`` prints a ``ValueError`` as ``ibb: message``)."""


def folder_of(path: Path | str) -> Path:
    """The negotiation folder of ``path``: the folder itself, or the folder a file is in."""
    path = Path(path).expanduser()
    if path.is_dir():
        return path.resolve()
    if path.exists():
        return path.resolve().parent
    raise NegotiationError(f"{path}: no such folder or session file")


def load(path: Path | str, *, today: date | None = None, cache: bool = True) -> Negotiation:
    """The negotiation of ``path`` (a folder, a session file in it, or its manifest)."""
    from .core import build
    from .facts import gather

    return build(gather(folder_of(path), cache=cache), today=today)


__all__ = ["MANIFEST_NAME", "NegotiationError", "folder_of", "load"]
