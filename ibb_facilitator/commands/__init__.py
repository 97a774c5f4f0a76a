"""Subcommands of ``ibb`` that live beside their feature.

Each module here defines ``register(sub, common)``: it adds its subparser(s) to ``sub`` (the
argparse subparsers of ``ibb``) with ``parents=[common]`` where the command opens the app
(``common`` carries ``--theme``), and sets ``func`` to a function ``(args) -> int``. Errors are
raised as ``StoreError`` / ``LookupError`` / ``ValueError``; ``cli.main`` prints them as one line.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil


def register_all(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(sub, common)
