"""The ``ibb`` command.

    ibb                         open the app's home screen
    ibb new [--agenda NAME|PATH] [-o FILE]
    ibb open FILE [--read-only]
    ibb agendas                 list bundled and user agendas
    ibb validate FILE...        check session and agenda files (exit 1 if any is invalid)
    ibb export FILE --format md [-o OUT|-]
    ibb --version

Errors are one clear line each on stderr and exit status 1; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from . import __version__, agenda, paths
from .store import StoreError, load_agenda, load_session, read_text, write_atomic


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_agendas(args: argparse.Namespace) -> int:
    entries = agenda.discover()
    if not entries:
        print("No agendas found.")
        return 0
    width = max(len(e.name) for e in entries)
    for entry in entries:
        where = "" if entry.source == "bundled" else "  (yours)"
        if entry.agenda is None:
            print(f"{entry.name:<{width}}  BROKEN: {entry.error.splitlines()[0] if entry.error else ''}{where}")
        else:
            print(f"{entry.name:<{width}}  {entry.agenda.description}{where}")
    print(f"\nYour own agendas go in {paths.user_agenda_dir()}")
    return 0


def _kind_of(path: Path) -> str:
    """'session' or 'agenda', from the file's keys (a session always has schema_version)."""
    try:
        data = tomllib.loads(read_text(path))
    except (StoreError, tomllib.TOMLDecodeError):
        return "session"  # the session loader reports the problem properly
    return "session" if "schema_version" in data else "agenda"


def cmd_validate(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        path = Path(name)
        kind = _kind_of(path)
        try:
            if kind == "session":
                session = load_session(path)
                detail = f"session, {len(session.issues)} issues, {session.item_count()} items"
            else:
                item = load_agenda(path)
                detail = f"agenda, {len(item.issues)} issues" + (", training scenario" if item.scenario else "")
        except StoreError as exc:
            failed += 1
            for line in exc.lines:
                _err(line)
            continue
        print(f"{path}: ok ({detail})")
    return 1 if failed else 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import render

    session = load_session(args.file)
    text = render(session, args.format)
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        write_atomic(Path(args.output), text.encode("utf-8"), backup=False)
        print(f"Wrote {args.output}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ibb", description="Run interest-based bargaining sessions and keep the record.")
    parser.add_argument("--version", action="version", version=f"ibb_facilitator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("agendas", help="list the bundled agendas and your own")
    p.set_defaults(func=cmd_agendas)

    p = sub.add_parser("validate", help="check session and agenda files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="write the minutes of a session")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=["md"], default="md", help="md: Markdown minutes (default)")
    p.add_argument("-o", "--output", metavar="OUT", help="where to write; '-' or nothing for standard output")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except StoreError as exc:
        for line in exc.lines:
            _err(line)
        return 1
    except (LookupError, ValueError) as exc:
        _err(f"ibb: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
