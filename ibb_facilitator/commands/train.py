"""``ibb train`` and ``ibb debrief``: run a bargaining simulation at one table or many.

    ibb train SCENARIO [-o FILE]              one table: create its session file and open the app
    ibb train SCENARIO --tables N [-o DIR]    a class: DIR/table-1.toml … table-N.toml, no app
        [--round-minutes M[,M…]]              fit the rounds to the time you have
        [--passphrase]                        the facilitator notes in the files, behind it
        [--handouts]                          each table's briefs to print: DIR/handouts/
    ibb class DIR                             the class at a glance; N starts the next round for all
        [--devices [--host H] [--port P] [--allow-remote]]
                                              one address for every table's phones (the class's door)
    ibb debrief DIR [--format text|md|html] [-o OUT]
                                              compare the tables side by side

SCENARIO is a scenario pack's name (``ibb agendas`` lists them: ``scenario-…``) or its file.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from .. import agenda, paths, training
from ..export import debrief as debrief_export
from ..export import write_document
from ..export.handouts import build as build_handouts
from ..served import DEFAULT_HOST
from ..store import StoreError, dumps_session, parse_toml, read_text, refuse_overwriting_records, write_atomic

MAX_TABLES = 60
DOOR_PORT = 8770  # the class's door (ibb class --devices): a fixed port, so its address can be written up


def _write_new(path: Path, text: str) -> None:
    if path.exists():
        raise StoreError(f"{path}: already exists; open it with `ibb open {path}` or choose another name with -o")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path.parent}: cannot create the folder ({exc.strerror or exc})") from None
    write_atomic(path, text.encode("utf-8"), backup=False)


def cmd_train(args: argparse.Namespace) -> int:
    given = Path(args.scenario)
    if given.suffix == ".toml" and given.is_file() and "schema_version" in parse_toml(read_text(given), str(given)):
        raise StoreError(f"{given}: is a session file, not a training scenario (see `ibb agendas`)")
    name, chosen = agenda.find(args.scenario)
    if chosen.scenario is None:
        raise ValueError(
            f"{name!r} is not a training scenario (it has no [scenario] table); scenarios: "
            f"{', '.join(_scenario_names()) or 'none'}"
        )
    passphrase = _ask_passphrase() if args.passphrase else None
    if args.handouts and args.tables is None:
        raise ValueError("--handouts goes with --tables N (for one table: ibb export TABLE.toml --report handouts)")
    if args.tables is not None:
        return _prepare_class(name, chosen, args.tables, args.output, args.round_minutes, passphrase, args.handouts)
    session = training.new_table(chosen, name, round_minutes=args.round_minutes, passphrase=passphrase)
    out = Path(args.output) if args.output else paths.new_in_sessions(chosen.title)
    _write_new(out, dumps_session(session))
    from ..tui.app import IbbApp

    IbbApp(path=out, theme=args.theme, open_in_background=True).run()
    return 0


def _ask_passphrase() -> str:
    """The trainer's passphrase: typed twice, unseen, on a terminal; else the first line of stdin."""
    if not sys.stdin.isatty():
        text = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        text = getpass.getpass("Trainer's passphrase (the facilitator notes open with it): ")
        if getpass.getpass("The same again: ") != text:
            raise ValueError("the two passphrases differ: nothing was written")
    problem = training.passphrase_problem(text)
    if problem:
        raise ValueError(f"{problem}: nothing was written")
    return text


def _scenario_names() -> list[str]:
    return [e.name for e in agenda.discover() if e.agenda is not None and e.agenda.scenario is not None]


def _prepare_class(
    name: str,
    chosen: agenda.Agenda,
    tables: int,
    output: str | None,
    round_minutes: list[int] | None,
    passphrase: str | None = None,
    handouts: bool = False,
) -> int:
    if not 1 <= tables <= MAX_TABLES:
        raise ValueError(f"--tables {tables}: give a number of tables from 1 to {MAX_TABLES}")
    folder = Path(output) if output else paths.new_in_sessions(chosen.title, suffix="-class")
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder}: is a file; give a folder for the tables with -o")
    files = [folder / training.TABLE_FILE.format(n=n) for n in range(1, tables + 1)]
    taken = [p for p in files if p.exists()]
    if taken:
        raise StoreError(
            f"{taken[0]}: already exists ({len(taken)} of the table files do); choose another folder with -o, nothing "
            "was written"
        )
    start = date.today()
    made = [
        training.new_table(
            chosen, name, table=n, tables=tables, start=start, round_minutes=round_minutes, passphrase=passphrase
        )
        for n in range(1, tables + 1)
    ]
    for path, table in zip(files, made, strict=True):
        _write_new(path, dumps_session(table))
    print(f"Prepared {tables} table{'s' if tables != 1 else ''} of “{chosen.title}” in {folder}:")
    for path in files:
        print(f"  {path}")
    if handouts:
        (folder / "handouts").mkdir(exist_ok=True)
        print(f"Handouts to print, a page per side and per role, in {folder / 'handouts'}:")
        for path, table in zip(files, made, strict=True):
            for fmt in ("html", "docx"):
                out = folder / "handouts" / f"{path.stem}.{fmt}"
                write_atomic(out, write_document(build_handouts(table), fmt), backup=False)
            print(f"  {path.stem}.html  {path.stem}.docx")
    print()
    print(f"At each table:        ibb open {files[0]}   (F10: training menu, F12: general brief)")
    if passphrase is None and chosen.scenario is not None and chosen.scenario.facilitator_notes:
        print("The facilitator notes are not in the table files (--passphrase keeps them there behind one).")
    print(f"The trainer's view:   ibb class {folder}   (N: the next round for every table)")
    print(f"After the simulation: ibb debrief {folder}")
    return 0


def cmd_class(args: argparse.Namespace) -> int:
    from .. import classroom
    from .room import devices_address

    folder = Path(args.folder)
    if not folder.is_dir():
        raise StoreError(f"{folder}: no such folder (give the folder `ibb train --tables N -o DIR` made)")
    if not classroom.table_files(folder):
        raise StoreError(f"{folder}: no table files here (table-1.toml …); make them with ibb train --tables N -o DIR")
    classroom.read_control(folder)  # a damaged class.toml is refused here, with its line and field
    door = devices_address(args, default_port=DOOR_PORT, what="the class's door")
    from ..tui.classview import ClassApp

    ClassApp(folder, theme=args.theme, door=door).run()
    return 0


def cmd_debrief(args: argparse.Namespace) -> int:
    sources = [Path(p) for p in args.paths]
    missing = [p for p in sources if not p.exists()]
    if missing:
        raise StoreError(f"{missing[0]}: no such folder or file (give the folder `ibb train --tables N -o DIR` made)")
    folders = [p for p in sources if p.is_dir()]
    files = [p for p in sources if not p.is_dir()]
    if len(sources) == 1 and folders:
        result = training.load_class(folders[0])
    else:
        listed: list[Path] = []
        for source in sources:
            listed.extend(training.table_files(source) if source.is_dir() else [source])
        result = training.load_class(folders[0] if folders else (files[0].parent if files else Path(".")), listed)
    fmt = args.format or _format_of(args.output)
    text = debrief_export.render(result, fmt)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    else:
        out = Path(args.output)
        if any(out.resolve() == t.path.resolve() for t in result.tables) or any(
            out.resolve() == b.path.resolve() for b in result.broken
        ):
            raise StoreError(f"{out}: is one of the tables; choose another output file")
        refuse_overwriting_records(out)
        write_atomic(out, text.encode("utf-8"), backup=False)
        print(f"Wrote {out}", file=sys.stderr)
    if not result.tables and not result.broken:
        print(f"{result.folder}: no table files (*.toml) found", file=sys.stderr)
        return 1
    return 0 if result.tables else 1  # nothing could be compared: every table file is broken


def _minutes(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give whole minutes, e.g. 35 or 40,30") from None
    return values


def _format_of(output: str | None) -> str:
    if output and output != "-":
        suffix = Path(output).suffix.lower()
        if suffix in (".md", ".markdown"):
            return "md"
        if suffix in (".html", ".htm"):
            return "html"
    return "text"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "train", parents=[common], help="run a training simulation: one table, or prepare a class of N tables"
    )
    p.add_argument("scenario", metavar="SCENARIO", help="a scenario pack's name (see `ibb agendas`) or file")
    p.add_argument("--tables", type=int, metavar="N", help="prepare N table files in a folder (no app): table-1.toml …")
    p.add_argument(
        "--round-minutes",
        type=_minutes,
        metavar="M[,M…]",
        help="minutes of every round (35), or of each round (40,30): fit the rounds to your slot",
    )
    p.add_argument("-o", "--output", metavar="FILE|DIR", help="the session file (one table) or the folder (--tables)")
    p.add_argument(
        "--handouts",
        action="store_true",
        help="with --tables: also write each table's handouts to print (DIR/handouts/table-N.html and .docx)",
    )
    p.add_argument(
        "--passphrase",
        action="store_true",
        help="ask for a trainer's passphrase: the facilitator notes stay in the table files behind it "
        "(without one they are left out of them)",
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser(
        "class",
        parents=[common],
        help="a training class at a glance: every table's round, clock and TAs; start the next round for all",
    )
    p.add_argument("folder", metavar="DIR", help="the class folder (`ibb train --tables N -o DIR` made it)")
    p.add_argument(
        "--devices",
        action="store_true",
        help="open the class's door: one address (and QR code) for every table's phones; each picks its table, "
        "then its name (each table opens its own room from its app)",
    )
    p.add_argument("--host", metavar="H", help=f"with --devices: the address to listen on (default {DEFAULT_HOST})")
    p.add_argument("--port", metavar="P", help=f"with --devices: the port (default {DOOR_PORT})")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="with --devices: allow a --host other than loopback (phones on the room's network reach the door)",
    )
    p.set_defaults(func=cmd_class)

    p = sub.add_parser("debrief", help="compare the tables of a training class side by side")
    p.add_argument("paths", nargs="+", metavar="DIR", help="the class folder (or table files)")
    p.add_argument(
        "--format",
        choices=sorted(debrief_export.FORMATS),
        help="text (default), md or html; -o NAME.md / .html chooses too",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="where to write; '-' or nothing for standard output")
    p.set_defaults(func=cmd_debrief)
