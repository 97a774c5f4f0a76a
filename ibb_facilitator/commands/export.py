"""``ibb export FILE [--format md|html|docx] [--report minutes|ta|update|package|handouts] [-o OUT]``.

The minutes or the TA summary of a session, the joint update after it (with each spokesperson's
approval, from the negotiation's manifest), or the TA package of its whole negotiation (FILE may
then be the negotiation's folder), to a file or (text formats) standard output. A Word file is
binary: it goes to a file named with ``-o`` only. The output never replaces a session file.

The package is refused while the ratified package has changed without a TA that says so (one
line per problem): it would misstate what was ratified.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..export import FORMATS, NEGOTIATION_REPORTS, REPORTS, TRAINING_REPORTS, TooBig, render_bytes, write_document
from ..store import StoreError, load_session, mention_unsaved, refuse_overwriting_records, write_atomic


def _same_file(out: Path, source: Path) -> bool:
    if out.resolve() == source.resolve():
        return True
    try:
        return out.exists() and os.path.samefile(out, source)  # a hard link to the session
    except OSError:
        return False


def _negotiation_report(args: argparse.Namespace) -> bytes:
    from ..negotiation import load

    if args.report == "package":
        from ..export.package import build as build_package

        neg = load(args.file)
        if not neg.sessions:
            raise ValueError(f"{neg.folder}: no session files here")
        problems = [f"{neg.folder}: {line}" for line in neg.ratification.problems]
        problems += [line for _, lines in neg.broken for line in lines[:1]] + neg.manifest_error[:1]
        if problems:  # a package that misstates the record is not printed
            raise StoreError(["ibb: the package cannot be exported until this is put right:", *problems])
        return write_document(build_package(neg), args.format)
    from ..export.update import build as build_update

    path = Path(args.file)
    session = load_session(path)
    mention_unsaved(path, lambda line: print(line, file=sys.stderr))
    neg = load(path)
    return write_document(build_update(session, path.name, (neg.manifest or {}).get("approvals", [])), args.format)


def cmd_export(args: argparse.Namespace) -> int:
    fmt = FORMATS[args.format]
    to_stdout = args.output in (None, "-")
    if to_stdout and fmt.binary:
        raise StoreError(
            f"ibb: --format {fmt.name} writes a binary file, not text for the terminal: name it with -o OUT{fmt.suffix}"
        )
    if args.report in NEGOTIATION_REPORTS:
        data = _negotiation_report(args)
    elif args.report in TRAINING_REPORTS:
        from .. import training
        from ..export.handouts import build as build_handouts

        session = load_session(args.file)
        try:
            data = write_document(build_handouts(session), args.format)
        except training.RuleError as exc:
            raise ValueError(f"{args.file}: {exc}") from None
    else:
        session = load_session(args.file)
        mention_unsaved(Path(args.file), lambda line: print(line, file=sys.stderr))
        try:
            data = render_bytes(session, fmt.name, args.report)
        except TooBig as exc:
            print(f"ibb: {args.file}: {exc}", file=sys.stderr)
            return 2
    if to_stdout:
        sys.stdout.buffer.write(data)  # text reports are UTF-8 whatever the terminal says
        sys.stdout.flush()
    else:
        out = Path(args.output)
        if _same_file(out, Path(args.file)):
            raise StoreError(f"{out}: is the session itself; choose another output file")
        refuse_overwriting_records(out)
        write_atomic(out, data, backup=False)
        print(f"Wrote {args.output}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", help="write the minutes or the TA summary of a session")
    p.add_argument(
        "file",
        metavar="FILE",
        help="the session file (--report package: any session of its negotiation, or the folder)",
    )
    p.add_argument(
        "--format",
        choices=list(FORMATS),
        default="md",
        help="md: Markdown (default); html: one printable HTML file; docx: Word (needs -o)",
    )
    p.add_argument(
        "--report",
        choices=[*REPORTS, *NEGOTIATION_REPORTS, *TRAINING_REPORTS],
        default="minutes",
        help="minutes: the full record (default); ta: one page per tentative agreement, with ratification lines; "
        "update: the joint update after the session, with the spokespersons' approvals; "
        "package: every TA in force of the negotiation, its state and ratification record; "
        "handouts: a training table's briefs to print, a page per side and per role",
    )
    p.add_argument(
        "-o", "--output", metavar="OUT", help="where to write; '-' or nothing for standard output (not for docx)"
    )
    p.set_defaults(func=cmd_export)
