"""The ``ibb`` command.

    ibb                         open the app's home screen
    ibb new [--agenda NAME|PATH | --after PREVIOUS.toml] [-o FILE] [--no-open]
    ibb open FILE [--read-only]
    ibb agendas                 list bundled and user agendas
    ibb validate FILE...        check session and agenda files (exit 1 if any is invalid)
    ibb export FILE --format md [-o OUT|-]   (and the other commands in commands/)
    ibb --version

Errors are one clear line each on stderr and exit status 1; never a traceback.

Start-up matters here (``ibb open`` should paint its first frame about as fast as an empty
Textual app): this module imports nothing heavy at the top. The pydantic models, the store,
the agendas and each command's module are imported by the command that uses them, and only
the chosen command's module is registered (see ``commands.COMMANDS``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import commands

CORE_COMMANDS = ("new", "open", "agendas", "validate")

#: The one-line help of every command of ``commands/``, in the order ``ibb --help`` lists them.
#: ``--help`` and a mistyped command show this list without importing the commands' modules
#: (they import the model, pydantic, the exporters, the library...: ~9x ``python -c pass``);
#: a test holds it equal to what the modules register.
SUMMARIES: dict[str, str] = {
    "board": "every issue of a negotiation across its sessions: status, TAs, ratification",
    "diff": "what changed between two versions of a session",
    "export": "write the minutes or the TA summary of a session",
    "library": "list and search the sessions in a folder",
    "negotiation": "a negotiation's record: ratification votes, joint-update approvals, its name and articles",
    "review": "read a session (read-only), with a timeline of its changes",
    "room": "a read-only, big-type view for the wall that follows the session file live",
    "serve": "serve the room view (or, with --full, the app) to web browsers",
    "train": "run a training simulation: one table, or prepare a class of N tables",
    "class": "a training class at a glance: every table's round, clock and TAs; start the next round for all",
    "debrief": "compare the tables of a training class side by side",
}


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_agendas(args: argparse.Namespace) -> int:
    from . import agenda, paths

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
    """'session', 'agenda' or 'negotiation' (the manifest), from the file's keys (a session
    always has schema_version)."""
    from .store import StoreError, parse_toml, read_text

    try:
        data = parse_toml(read_text(path), str(path))
    except StoreError:
        return "session"  # the session loader reports the problem properly
    if "schema_version" not in data and ("negotiation_version" in data or path.name == "negotiation.toml"):
        return "negotiation"
    # An agenda has a description and no schema_version; anything else is judged as a session.
    return "agenda" if "schema_version" not in data and "description" in data else "session"


def cmd_validate(args: argparse.Namespace) -> int:
    from .process import record_warnings
    from .store import StoreError, load_session, mention_unsaved

    failed = 0
    for name in args.files:
        path = Path(name)
        kind = _kind_of(path)
        try:
            if kind == "session":
                session = load_session(path)
                mention_unsaved(path, _err)
                detail = f"session, {_count(len(session.issues), 'issue')}, {_count(session.item_count(), 'item')}"
                warnings = record_warnings(session)  # reported, but the file still opens
                for where, message in warnings:
                    _err(f"{path}: {where}: warning: {message}")
                if warnings:
                    detail += f", {_count(len(warnings), 'warning')}"
            elif kind == "negotiation":
                detail = _validate_negotiation(path)
            else:
                from .agenda import load_agenda  # (only for an agenda: its models, the scenarios')

                item = load_agenda(path)
                detail = f"agenda, {_count(len(item.issues), 'issue')}" + (
                    ", training scenario" if item.scenario else ""
                )
        except StoreError as exc:
            failed += 1
            for line in exc.lines:
                _err(line)
            continue
        print(f"{path}: ok ({detail})")
    return 1 if failed else 0


def _validate_negotiation(path: Path) -> str:
    """A negotiation's manifest: its own checks, then the rules across the folder's sessions
    (the ratified package unchanged but by a TA that says so); a problem is a ``StoreError``."""
    from .negotiation import load
    from .negotiation.manifest import loads
    from .store import StoreError, read_bytes

    manifest = loads(read_bytes(path), str(path))
    neg = load(path)
    problems = [f"{path}: {line}" for line in neg.ratification.problems]
    if problems:
        raise StoreError(problems)
    votes = len(manifest.ratifications)
    return (
        f"negotiation, {_count(len(neg.sessions), 'session')}, {_count(len(neg.package.current), 'TA')} in force, "
        f"{_count(votes, 'ratification vote')}, {_count(len(manifest.approvals), 'update approval')}"
    )


def _run_app(**kwargs) -> int:
    if kwargs.get("open_in_background"):
        # Start-up allocates a lot and frees little: the app freezes the heap and turns the
        # collector back on once the file is loaded (IbbApp._load_behind), ~50 ms sooner.
        import gc

        gc.disable()
    from .tui.app import IbbApp  # Textual, but not yet the session core: see tui/app.py

    app = IbbApp(**kwargs)
    app.run()
    if kwargs.get("path") is not None and app.file is None:
        return 1  # `ibb open FILE`: the file was not opened (the app showed why); say so to the shell
    return app.return_code or 0


def cmd_home(args: argparse.Namespace) -> int:
    return _run_app(theme=args.theme)


def cmd_open(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():  # a typo gets one line here; a broken file is shown by the app itself
        from .store import read_text

        read_text(path)
    devices = None
    if args.devices or args.host or args.port or args.allow_remote:
        from .commands.room import devices_address

        devices = devices_address(args, default_port=0, what="the room")
    # The app paints an "Opening FILE" screen at once and loads the file behind it.
    return _run_app(path=path, readonly=args.read_only, theme=args.theme, open_in_background=True, devices=devices)


def cmd_new(args: argparse.Namespace) -> int:
    from . import paths
    from .store import StoreError, save_session

    if args.after is not None:
        session, out, said = _next_session(Path(args.after), args.output)
    else:
        from . import agenda

        if args.agenda is None:
            args.agenda = "contract-negotiation"
        name, chosen = agenda.find(args.agenda)
        session = agenda.new_session(chosen, name)
        out = Path(args.output) if args.output else paths.new_in_sessions(session.title)
        said = ""
    if out.exists() or out.is_symlink():
        raise StoreError(f"{out}: already exists; open it with `ibb open {out}` or choose another name with -o")
    if said:
        _err(said)
    if args.no_open:
        save_session(session, out, backup=False)
        _err(f"Wrote {out}")
        return 0
    return _run_app(new_session=session, new_path=out, theme=args.theme)


def _next_session(previous: Path, output: str | None):
    """``ibb new --after PREVIOUS``: the next session of PREVIOUS's negotiation, the file it goes
    in (beside PREVIOUS: a negotiation is one folder) and a line saying what was carried."""
    from .negotiation.carryover import carried_summary, carry, next_path, place_problem
    from .store import load_session, mention_unsaved

    session = carry(load_session(previous), previous.name)  # read only: the earlier file is never written
    mention_unsaved(previous, _err)
    if output:
        out = Path(output)
        problem = place_problem(previous.resolve().parent, previous.name, out)
        if problem is not None:
            raise ValueError(problem)
    else:
        out = next_path(previous)
    return session, out, f"{session.title}: {carried_summary(session)}"


class _Version(argparse.Action):
    """``--version``, with the version looked up only when asked (importlib.metadata is slow)."""

    def __init__(
        self,
        option_strings: list[str],
        dest: str = argparse.SUPPRESS,
        default: str = argparse.SUPPRESS,
        help: str | None = None,
    ):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from . import __version__

        parser._print_message(f"ibb_facilitator {__version__}\n", sys.stdout)
        parser.exit()


def command_word(argv: list[str]) -> str | None:
    """The command ``argv`` names ("" for none; None when an option such as --help comes first)."""
    if not argv:
        return ""
    return None if argv[0].startswith("-") else argv[0]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``ibb``; with ``command`` (see ``command_word``), only what it needs:
    a command of this module ("open") or none ("") registers no module of ``commands``, one of
    theirs registers its own module, and None (help, a typo) lists every command by its name
    and help (``SUMMARIES``) without importing any module of ``commands``."""
    parser = argparse.ArgumentParser(
        prog="ibb", description="Run interest-based bargaining sessions and keep the record."
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    theme = argparse.ArgumentParser(add_help=False)
    theme.add_argument(
        "--theme",
        choices=["projector", "room-dark"],
        default="projector",
        help="projector: light, high contrast (default); room-dark: dark",
    )

    p = sub.add_parser("new", parents=[theme], help="start a new session from an agenda, or a negotiation's next one")
    start = p.add_mutually_exclusive_group()
    start.add_argument(
        "--agenda", metavar="NAME|PATH", help="agenda name (see `ibb agendas`) or file (default: contract-negotiation)"
    )
    start.add_argument("--after", metavar="PREVIOUS", help="the session after PREVIOUS.toml: what is open carries over")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the session file to create (default: in the sessions folder; with --after, beside PREVIOUS)",
    )
    p.add_argument("--no-open", action="store_true", help="write the file and exit, without opening the app")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("open", parents=[theme], help="open a session file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--read-only", action="store_true", help="look without changing anything")
    p.add_argument(
        "--devices", action="store_true", help="open the room to people's phones at once (F11 in the app does too)"
    )
    p.add_argument("--host", default="", help="with --devices: the address to listen on (default 127.0.0.1)")
    p.add_argument("--port", help="with --devices: the port (default: any free one)")
    p.add_argument("--allow-remote", action="store_true", help="with --devices: allow a --host that is not loopback")
    p.set_defaults(func=cmd_open)

    if command in commands.COMMANDS:
        commands.register_all(sub, theme, command)
    elif command not in (*CORE_COMMANDS, ""):
        for name, summary in SUMMARIES.items():  # listed only: nothing to run
            sub.add_parser(name, help=summary)

    p = sub.add_parser("agendas", help="list the bundled agendas and your own")
    p.set_defaults(func=cmd_agendas)

    p = sub.add_parser("validate", help="check session and agenda files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    return parser


def _store_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the store's error (a StoreError comes from an imported store)."""
    store = sys.modules.get(f"{__package__}.store")
    return store is not None and isinstance(exc, store.StoreError)


def main(argv: list[str] | None = None) -> int:
    # ibb uses no pydantic plugins: spare the scan of every installed package's entry points
    # that pydantic makes for them at its first model (6-16 ms here). Set it to override.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--version"]:  # the common case, without building the parser
        from . import __version__

        print(f"ibb_facilitator {__version__}")
        return 0
    args = None
    if argv[:1] == ["library"]:  # `ibb library [DIR]`, the common case, without building the parser
        from .commands.library import plain_args

        args = plain_args(argv[1:])
    if args is None:
        args = build_parser(command_word(argv)).parse_args(argv)
    if not getattr(args, "func", None):
        args.func, args.theme = cmd_home, "projector"
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if _store_error(exc):
            for line in exc.lines:  # type: ignore[attr-defined]
                _err(line)
            return 1
        if isinstance(exc, (LookupError, ValueError)):
            _err(f"ibb: {exc}")
            return 1
        raise
