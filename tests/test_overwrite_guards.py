"""Outputs never replace records: save-as, export and debrief refuse to write over a session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import EXAMPLE

from ibb_facilitator import store
from ibb_facilitator.cli import main


@pytest.fixture
def two_sessions(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    shutil.copy(EXAMPLE, a)
    b.write_text('schema_version = 1\ntitle = "half-edited\n', encoding="utf-8")  # broken, but someone's work
    return a, b


def test_save_as_refuses_an_existing_file(two_sessions):
    a, b = two_sessions
    before = b.read_bytes()
    with store.SessionFile.open(a) as opened, pytest.raises(store.SaveError, match="already exists"):
        opened.save_as(b)
    assert b.read_bytes() == before


@pytest.mark.parametrize("target", ["b.toml", "a.toml.bak"])
def test_export_never_replaces_a_session_or_a_backup(two_sessions, capsys, target):
    a, _b = two_sessions
    out = a.parent / target
    if not out.exists():
        shutil.copy(a, out)
    before = out.read_bytes()
    assert main(["export", str(a), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "never replaces" in err
    assert out.read_bytes() == before


def test_export_may_replace_its_own_earlier_report(two_sessions, capsys):
    a, _ = two_sessions
    out = a.parent / "minutes.md"
    out.write_text("old minutes", encoding="utf-8")
    assert main(["export", str(a), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("# ")


def test_debrief_of_only_broken_tables_fails(tmp_path, capsys):
    (tmp_path / "table-1.toml").write_text("not = [valid", encoding="utf-8")
    assert main(["debrief", str(tmp_path)]) == 1


def test_train_given_a_session_file_says_so_in_one_line(two_sessions, capsys):
    a, _ = two_sessions
    assert main(["train", str(a)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{a}: is a session file, not a training scenario (see `ibb agendas`)"]
