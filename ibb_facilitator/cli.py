"""The ``ibb`` command.

    ibb                         open the app's home screen
    ibb new [--agenda NAME|PATH] [-o FILE]
    ibb open FILE [--read-only]
    ibb agendas                 list bundled and user agendas
    ibb validate FILE...        check session and agenda files (exit 1 if any is invalid)
    ibb export FILE --format md [-o OUT|-]   (and the other commands in commands/)
    ibb --version

Errors are one clear line each on stderr and exit status 1; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, agenda, commands, paths
from .store import StoreError, load_agenda, load_session, parse_toml, read_text


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


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _kind_of(path: Path) -> str:
    """'session' or 'agenda', from the file's keys (a session always has schema_version)."""
    try:
        data = parse_toml(read_text(path), str(path))
    except StoreError:
        return "session"  # the session loader reports the problem properly
    # An agenda has a description and no schema_version; anything else is judged as a session.
    return "agenda" if "schema_version" not in data and "description" in data else "session"


def cmd_validate(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        path = Path(name)
        kind = _kind_of(path)
        try:
            if kind == "session":
                session = load_session(path)
                detail = f"session, {_count(len(session.issues), 'issue')}, {_count(session.item_count(), 'item')}"
            else:
                item = load_agenda(path)
                detail = f"agenda, {_count(len(item.issues), 'issue')}" + (", training scenario" if item.scenario else "")
        except StoreError as exc:
            failed += 1
            for line in exc.lines:
                _err(line)
            continue
        print(f"{path}: ok ({detail})")
    return 1 if failed else 0


def _run_app(**kwargs) -> int:
    from .tui.app import IbbApp

    IbbApp(**kwargs).run()
    return 0


def cmd_home(args: argparse.Namespace) -> int:
    return _run_app(theme=args.theme)


def cmd_open(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():  # a typo gets one line here; a broken file is shown by the app itself
        read_text(path)
    return _run_app(path=path, readonly=args.read_only, theme=args.theme)


def cmd_new(args: argparse.Namespace) -> int:
    name, chosen = agenda.find(args.agenda)
    session = agenda.new_session(chosen, name)
    out = Path(args.output) if args.output else paths.new_in_sessions(session.title)
    if out.exists():
        raise StoreError(f"{out}: already exists; open it with `ibb open {out}` or choose another name with -o")
    return _run_app(new_session=session, new_path=out, theme=args.theme)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ibb", description="Run interest-based bargaining sessions and keep the record.")
    parser.add_argument("--version", action="version", version=f"ibb_facilitator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    theme = argparse.ArgumentParser(add_help=False)
    theme.add_argument("--theme", choices=["projector", "room-dark"], default="projector", help="projector: light, high contrast (default); room-dark: dark")

    p = sub.add_parser("new", parents=[theme], help="start a new session from an agenda")
    p.add_argument("--agenda", default="contract-negotiation", metavar="NAME|PATH", help="agenda name (see `ibb agendas`) or file")
    p.add_argument("-o", "--output", metavar="FILE", help="the session file to create (default: in the sessions folder)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("open", parents=[theme], help="open a session file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--read-only", action="store_true", help="look without changing anything")
    p.set_defaults(func=cmd_open)

    commands.register_all(sub, theme)

    p = sub.add_parser("agendas", help="list the bundled agendas and your own")
    p.set_defaults(func=cmd_agendas)

    p = sub.add_parser("validate", help="check session and agenda files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args.func, args.theme = cmd_home, "projector"
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
