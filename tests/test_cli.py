"""The ``ibb`` command: --version, validate (good and bad files), and ``python -m ibb_facilitator``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest

from ibb_facilitator import __version__, cli, store
from ibb_facilitator.model import SCHEMA_VERSION, Session


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse's --version and usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_cli(capsys, "--version")
    assert code == 0
    assert out.strip() == f"ibb_facilitator {__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", __version__)


def test_validate_a_good_session(capsys: pytest.CaptureFixture[str], session_file: Path, populated: Session) -> None:
    code, out, err = run_cli(capsys, "validate", str(session_file))
    assert code == 0, err
    assert out.strip() == f"{session_file}: ok (session, 3 issues, {populated.item_count()} items)"
    assert err == ""


def test_validate_reports_consensus_claimed_on_partial_responses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, populated: Session
) -> None:
    """A file written before the rule (1 answer of 5 recorded as consensus) is reported with the
    field's path, and still opens: the team must be able to see and correct it."""
    from datetime import datetime

    from conftest import VOTERS

    from ibb_facilitator.model import ConsensusCheck, Method, Outcome, Response

    issue = populated.issues[1]
    issue.checks.append(
        ConsensusCheck(
            id="check-77",
            method=Method.THUMBS,
            at=datetime(2026, 11, 23, 10, tzinfo=UTC),
            responses=[Response(who=VOTERS[0], value="up")],
            outcome=Outcome.CONSENSUS,
        )
    )
    issue.checks.append(
        ConsensusCheck(
            id="check-78",
            method=Method.THUMBS,
            at=datetime(2026, 11, 23, 11, tzinfo=UTC),
            responses=[Response(who=VOTERS[0], value="up")],
            absent=VOTERS[1:],
            outcome=Outcome.CONSENSUS,
        )
    )
    path = tmp_path / "old.ibb.toml"
    store.save_session(populated, path)
    code, out, err = run_cli(capsys, "validate", str(path))
    assert code == 0 and out.strip().endswith(", 1 warning)")
    assert err.splitlines() == [
        f"{path}: issues[1].checks[0].outcome: warning: recorded as consensus, but the check is not complete (1/5 "
        f"answered; no answer from {', '.join(VOTERS[1:])})"
    ]
    assert store.load_session(path).issues[1].checks[1].absent == VOTERS[1:]  # opens, absent round-trips


def test_validate_does_not_change_the_file(capsys: pytest.CaptureFixture[str], session_file: Path) -> None:
    before = session_file.read_bytes()
    run_cli(capsys, "validate", str(session_file))
    assert session_file.read_bytes() == before
    assert sorted(p.name for p in session_file.parent.iterdir()) == [session_file.name]


def _bad_files(folder: Path, good: str) -> dict[str, tuple[Path, int]]:
    """name -> (path, number of error lines expected)."""
    files: dict[str, tuple[Path, int]] = {}

    def put(name: str, text: str | bytes, lines: int) -> None:
        path = folder / f"{name}.toml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        files[name] = (path, lines)

    put("syntax", good.replace('title = "', 'title = oops "', 1), 1)
    put(
        "two-schema-errors",
        good.replace('holder = "labor"', "holder = 5", 1).replace('role = "note_taker"', 'role = "scribe"'),
        2,
    )
    put("integrity", good.replace('holder = "labor"', 'holder = "ghost"', 1), 1)
    put("newer", good.replace(f"schema_version = {SCHEMA_VERSION}", "schema_version = 7"), 1)
    put("empty", "", 1)
    put("binary", b"\x00\x01\x02garbage", 1)
    put("latin1", 'schema_version = 1\ntitle = "Müller"\n'.encode("latin-1"), 1)
    put("deep", "a = " + "[" * 100000, 1)
    files["missing"] = (folder / "missing.toml", 1)
    (folder / "folder.toml").mkdir()
    files["folder"] = (folder / "folder.toml", 1)
    return files


@pytest.fixture
def bad_files(tmp_path: Path, populated: Session) -> dict[str, tuple[Path, int]]:
    folder = tmp_path / "bad"
    folder.mkdir()
    return _bad_files(folder, store.dumps_session(populated))


NAMES = ["syntax", "two-schema-errors", "integrity", "newer", "empty", "binary", "latin1", "deep", "missing", "folder"]


@pytest.mark.parametrize("name", NAMES)
def test_validate_bad_files(
    capsys: pytest.CaptureFixture[str], bad_files: dict[str, tuple[Path, int]], name: str
) -> None:
    path, lines = bad_files[name]
    before = path.read_bytes() if path.is_file() else None
    code, out, err = run_cli(capsys, "validate", str(path))
    assert code == 1
    assert out == ""
    got = err.strip().split("\n")
    assert len(got) == lines, got
    assert all(line.startswith(f"{path}:") for line in got), got
    assert "Traceback" not in err
    if before is not None:
        assert path.read_bytes() == before


def test_validate_line_numbers_point_at_the_problem(
    capsys: pytest.CaptureFixture[str], bad_files: dict[str, tuple[Path, int]]
) -> None:
    path, _ = bad_files["integrity"]
    line = path.read_text().split("\n").index('holder = "ghost"') + 1
    _code, _out, err = run_cli(capsys, "validate", str(path))
    assert err.startswith(f"{path}:{line}: issues[0].interests[0].holder: unknown party 'ghost'")
    path, _ = bad_files["syntax"]
    line = path.read_text().split("\n").index('title = oops "Lakeview 2026 successor contract"') + 1
    _code, _out, err = run_cli(capsys, "validate", str(path))
    assert re.match(rf"{re.escape(str(path))}:{line}:\d+: ", err)


def test_validate_many_files_reports_each_and_fails_if_any_fails(
    capsys: pytest.CaptureFixture[str], session_file: Path, bad_files: dict[str, tuple[Path, int]]
) -> None:
    bad, _ = bad_files["integrity"]
    code, out, err = run_cli(capsys, "validate", str(session_file), str(bad), str(session_file))
    assert code == 1
    assert out.count(": ok (session") == 2
    assert err.count("\n") == 1 and err.startswith(str(bad))


def test_usage_errors_exit_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(capsys, "validate")
    assert code == 2 and "usage:" in err


# --- the real entry points --------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}


def test_python_dash_m_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ibb_facilitator", "--version"], capture_output=True, text=True, timeout=60, env=_env()
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ibb_facilitator {__version__}"


def test_python_dash_m_validate_without_traceback(session_file: Path, bad_files: dict[str, tuple[Path, int]]) -> None:
    paths = [str(session_file)] + [str(path) for path, _ in bad_files.values()]
    result = subprocess.run(
        [sys.executable, "-m", "ibb_facilitator", "validate", *paths],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert (
        result.stdout.strip()
        == f"{session_file}: ok (session, 3 issues, {store.load_session(session_file).item_count()} items)"
    )
    expected_lines = sum(lines for _, lines in bad_files.values())
    assert len(result.stderr.strip().split("\n")) == expected_lines, result.stderr


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("ibb")
    if not script.exists():
        pytest.skip("the ibb console script is not installed in this environment")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60, env=_env())
    assert result.returncode == 0 and result.stdout.strip() == f"ibb_facilitator {__version__}"


LEAN_PROBE = """
import io, json, sys
from contextlib import redirect_stdout
import ibb_facilitator.cli as cli
with redirect_stdout(io.StringIO()):
    try:
        code = cli.main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
heavy = {m.split(".")[0] for m in sys.modules} & {"pydantic", "textual", "rich"}
print(json.dumps({"code": code, "heavy": sorted(heavy | ({"importlib.metadata"} & set(sys.modules))),
                  "ours": sorted(m for m in sys.modules if m.startswith("ibb_facilitator."))}))
"""


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["nosuchcommand"]])
def test_version_and_help_import_neither_pydantic_nor_textual(argv: list[str]) -> None:
    """``ibb --version`` and ``ibb --help`` (and a typo's list of commands) load no model, no
    pydantic, no textual and no command module: issue 14's lean CLI (<= 3x ``python -c pass``)."""
    import json

    result = subprocess.run([sys.executable, "-c", LEAN_PROBE, *argv], capture_output=True, text=True, timeout=60)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] == (2 if argv == ["nosuchcommand"] else 0), result.stderr
    assert report["heavy"] == []
    assert report["ours"] == ["ibb_facilitator.cli", "ibb_facilitator.commands"]


def test_validating_a_session_imports_no_agenda_code_and_says_the_same(tmp_path: Path) -> None:
    """``ibb validate SESSION`` loads the store and the model only: the agenda module (and its
    models) is imported for an agenda file, and the lines printed are those it always printed."""
    import json

    from helpers import EXAMPLE

    from ibb_facilitator.agenda import BUNDLED_DIR

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            LEAN_PROBE.replace("redirect_stdout(io.StringIO())", "redirect_stdout(sys.stderr)"),
            "validate",
            str(EXAMPLE),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, result.stderr
    assert "ibb_facilitator.agenda" not in report["ours"] and "textual" not in report["heavy"]
    session = store.load_session(EXAMPLE)
    assert result.stderr.strip().endswith(
        f"{EXAMPLE}: ok (session, {len(session.issues)} issues, {session.item_count()} items)"
    )
    bundled = sorted(BUNDLED_DIR.glob("*.toml"))[0]
    again = subprocess.run(
        [sys.executable, "-c", LEAN_PROBE, "validate", str(bundled)], capture_output=True, text=True, timeout=60
    )
    assert "ibb_facilitator.agenda" in json.loads(again.stdout.strip().splitlines()[-1])["ours"]


def test_the_help_summaries_are_what_the_commands_register() -> None:
    """``cli.SUMMARIES`` lists the commands for --help without importing them: it must say what
    each command's module registers, in the order it did when every module was imported."""
    import argparse

    from ibb_facilitator import commands

    sub = argparse.ArgumentParser().add_subparsers()
    commands.register_all(sub, argparse.ArgumentParser(add_help=False), None)
    registered = {action.dest: action.help for action in sub._choices_actions}
    assert registered == cli.SUMMARIES
    assert list(registered) == list(cli.SUMMARIES)


def test_version_is_the_installed_one() -> None:
    from importlib.metadata import version

    assert version("ibb_facilitator") == __version__
