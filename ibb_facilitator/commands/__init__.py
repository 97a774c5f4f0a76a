"""Subcommands of ``ibb`` that live beside their feature.

Each module here defines ``register(sub, common)``: it adds its subparser(s) to ``sub`` (the
argparse subparsers of ``ibb``) with ``parents=[common]`` where the command opens the app
(``common`` carries ``--theme``), and sets ``func`` to a function ``(args) -> int``. Errors are
raised as ``StoreError`` / ``LookupError`` / ``ValueError``; ``cli.main`` prints them as one line.

``COMMANDS`` names the module of every command, so ``ibb open FILE`` (or ``ibb diff A B``)
imports only what it runs: the modules here pull in the exporters, the library's SQLite and
process pool, textual-serve... (~75 ms together), which ``ibb open`` does not need before its
first frame. A new command goes in ``COMMANDS`` too (a test checks the table against what the
modules register).
"""

from __future__ import annotations

import argparse
import importlib

#: command name -> module in this package that registers it
COMMANDS: dict[str, str] = {
    "board": "board",
    "class": "train",
    "debrief": "train",
    "diff": "diff",
    "export": "export",
    "library": "library",
    "negotiation": "negotiation",
    "review": "review",
    "room": "room",
    "serve": "room",
    "train": "train",
}


def modules_for(command: str | None) -> list[str]:
    """The modules to register for ``command``: its own, or all of them when it is not known
    here (``None``: ``--help`` or a mistyped name, where the full list of commands is shown)."""
    if command in COMMANDS:
        return [COMMANDS[command]]
    return sorted(set(COMMANDS.values()))


def register_all(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, command: str | None = None) -> None:
    for name in modules_for(command):
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(sub, common)
