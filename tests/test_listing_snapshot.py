"""A warm ``ibb library DIR`` prints its kept listing (``listing_snapshot``) only while nothing it
depends on changed: any file edited, added, removed or renamed, another width, another index or
a snapshot that is not exactly this user's own, and the listing is made the full way, as before."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_populated
from helpers import EXAMPLE

from ibb_facilitator import cli, library, listing_snapshot, paths, store


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions"
    (folder / "2027").mkdir(parents=True)
    shutil.copy(EXAMPLE, folder / "2027" / "spring.toml")
    for n in range(3):
        s = make_populated()
        s.title = f"Lakeview contract {n}"
        store.save_session(s, folder / f"lakeview-{n}.toml", backup=False)
    (folder / "bad.toml").write_text("schema_version = 1\ntitle = \n", encoding="utf-8")
    return folder


def listed(capsys, *argv: str) -> str:
    code = cli.main(["library", *argv])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    return out


def made_the_full_way(capsys, monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    """The listing as the index makes it, no snapshot read (one may be written)."""
    with monkeypatch.context() as m:
        m.setattr(listing_snapshot, "printed", lambda *a: None)
        return listed(capsys, *argv)


def from_snapshot_only(capsys, monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    """The listing, which must come from the snapshot: the index cannot be opened."""

    def no_index(*a: object, **k: object) -> None:
        raise AssertionError("the index was opened")

    with monkeypatch.context() as m:
        m.setattr(library, "Library", no_index)
        return listed(capsys, *argv)


def snapshots() -> list[Path]:
    return sorted(paths.cache_dir().glob(listing_snapshot.PREFIX + "*"))


def test_a_warm_listing_is_printed_from_the_snapshot_as_the_index_prints_it(
    root: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = listed(capsys, str(root))
    assert "Lakeview contract 2" in first and "1 broken" in first
    (kept,) = snapshots()
    assert kept.stat().st_mode & 0o777 == 0o600
    assert from_snapshot_only(capsys, monkeypatch, str(root)) == first
    assert from_snapshot_only(capsys, monkeypatch, str(root / "2027" / "..")) == first  # the same folder
    assert made_the_full_way(capsys, monkeypatch, str(root)) == first


def test_options_neither_read_nor_keep_a_snapshot(root: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    for argv in (["--sort", "title"], ["--reverse"], ["--filter", "contract"], ["--search", "class size"]):
        listed(capsys, str(root), *argv)
    assert snapshots() == []
    plain = listed(capsys, str(root))
    by_title = made_the_full_way(capsys, monkeypatch, str(root), "--sort", "title")
    assert listed(capsys, str(root), "--sort", "title") == by_title != plain
    assert from_snapshot_only(capsys, monkeypatch, str(root), "--sort", "changed") == plain  # the default


def _edit(path: Path, old: str, new: str) -> None:
    path.write_bytes(path.read_bytes().replace(old.encode(), new.encode(), 1))


def test_a_file_edited_in_place_with_its_size_kept_is_listed_with_its_new_title(
    root: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed(capsys, str(root))
    path = root / "lakeview-1.toml"
    before = path.stat()
    _edit(path, "Lakeview contract 1", "Lakeview contract 7")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1))  # a new mtime, the same size
    assert path.stat().st_size == before.st_size
    out = listed(capsys, str(root))
    assert "Lakeview contract 7" in out and "Lakeview contract 1" not in out
    assert out == made_the_full_way(capsys, monkeypatch, str(root))
    assert from_snapshot_only(capsys, monkeypatch, str(root)) == out  # kept again, as it is now


def test_a_file_edited_with_its_mtime_kept_is_listed_with_its_new_title(
    root: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed(capsys, str(root))
    path = root / "lakeview-1.toml"
    before = path.stat()
    _edit(path, "Lakeview contract 1", "Lakeview contract 1b")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same mtime, a new size
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    out = listed(capsys, str(root))
    assert "Lakeview contract 1b" in out
    assert out == made_the_full_way(capsys, monkeypatch, str(root))


def test_files_added_removed_and_renamed_show_at_once(root: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    listed(capsys, str(root))
    s = make_populated()
    s.title = "Added later"
    store.save_session(s, root / "2027" / "added.toml", backup=False)
    out = listed(capsys, str(root))
    assert "Added later" in out and "5 sessions, 1 broken" in out
    (root / "lakeview-0.toml").unlink()
    out = listed(capsys, str(root))
    assert "Lakeview contract 0" not in out and "4 sessions, 1 broken" in out
    (root / "lakeview-2.toml").rename(root / "renamed.toml")  # same mtime and size, another path
    out = listed(capsys, str(root))
    assert "renamed.toml" in out and "lakeview-2.toml" not in out
    (root / "2027").rename(root / "2028")
    out = listed(capsys, str(root))
    assert "2028/spring.toml" in out and "2027/" not in out
    # a file the listing skips (an agenda) is one of the files it depends on too
    shutil.copy(Path(library.__file__).parent / "agendas" / "joint-problem-solving.toml", root / "agenda.toml")
    assert listed(capsys, str(root)) == out == made_the_full_way(capsys, monkeypatch, str(root))
    assert from_snapshot_only(capsys, monkeypatch, str(root)) == out


def test_another_width_is_listed_the_full_way(root: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    wide = listed(capsys, str(root))
    monkeypatch.setenv("COLUMNS", "100")
    narrow = listed(capsys, str(root))
    assert narrow != wide and "2027-03-09 – 03-10 (2)" in narrow
    assert narrow == made_the_full_way(capsys, monkeypatch, str(root))
    assert from_snapshot_only(capsys, monkeypatch, str(root)) == narrow


def test_another_index_or_changed_code_is_listed_the_full_way(
    root: Path, capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = listed(capsys, str(root))
    db = library.default_db_path()
    for gone in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        gone.unlink(missing_ok=True)
    with pytest.raises(AssertionError, match="the index was opened"):
        from_snapshot_only(capsys, monkeypatch, str(root))
    assert listed(capsys, str(root)) == first and db.is_file()  # the index made again
    os.utime(db, ns=(0, db.stat().st_mtime_ns + 1))  # written since (by another process, or damaged)
    with pytest.raises(AssertionError, match="the index was opened"):
        from_snapshot_only(capsys, monkeypatch, str(root))
    assert listed(capsys, str(root)) == first
    source = tmp_path / "termtext.py"
    source.write_text("# the code that prints\n", encoding="utf-8")
    monkeypatch.setattr(listing_snapshot, "_SOURCES", (*listing_snapshot._SOURCES, str(source)))
    assert listed(capsys, str(root)) == first
    source.write_text("# the code that prints, changed\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="the index was opened"):
        from_snapshot_only(capsys, monkeypatch, str(root))


def test_a_damaged_index_is_noticed_though_no_file_changed(root: Path, capsys) -> None:
    listed(capsys, str(root))
    db = library.default_db_path()
    db.write_bytes(b"not a database " * 400)
    code = cli.main(["library", str(root)])
    out, err = capsys.readouterr()
    assert code == 0 and "Lakeview contract 2" in out
    assert "search index was damaged" in err


def _forged(kept: Path, data: bytes) -> None:
    kept.unlink()
    fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


@pytest.mark.parametrize(
    "damage",
    ["truncated", "longer", "garbage", "empty", "zeros", "header", "huge", "group-writable", "symlink", "owner"],
)
def test_a_damaged_or_foreign_snapshot_is_never_printed(
    root: Path, capsys, monkeypatch: pytest.MonkeyPatch, damage: str, tmp_path: Path
) -> None:
    first = listed(capsys, str(root))
    (kept,) = snapshots()
    data = kept.read_bytes()
    if damage == "truncated":
        _forged(kept, data[:-1])
    elif damage == "longer":
        _forged(kept, data + b"\n")
    elif damage == "garbage":
        _forged(kept, os.urandom(len(data)))
    elif damage == "empty":
        _forged(kept, b"")
    elif damage == "zeros":  # what a crash may leave of a file not yet on disk
        _forged(kept, data[: len(data) // 2] + bytes(len(data) - len(data) // 2))
    elif damage == "header":
        _forged(kept, b"ibb-library-listing 1 2 3 4 5\n" + data.partition(b"\n")[2])
    elif damage == "huge":
        _forged(kept, b"ibb-library-listing " + b"9" * 5000 + b" 0 0\n" + data.partition(b"\n")[2])
    elif damage == "group-writable":
        kept.chmod(0o620)
    elif damage == "symlink":
        copy = tmp_path / "elsewhere"
        shutil.copy(kept, copy)
        copy.chmod(0o600)
        kept.unlink()
        kept.symlink_to(copy)
    elif damage == "owner":
        try:
            os.chown(kept, os.getuid() + 1, -1)
        except PermissionError:
            pytest.skip("only root can give a file away")
    with pytest.raises(AssertionError, match="the index was opened"):
        from_snapshot_only(capsys, monkeypatch, str(root))
    assert listed(capsys, str(root)) == first  # listed the full way, and a good snapshot kept again
    assert from_snapshot_only(capsys, monkeypatch, str(root)) == first


def test_a_snapshot_holding_a_control_character_is_never_printed(
    root: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with everything else right (as only this user's own ibb could write it)."""
    first = listed(capsys, str(root))
    folder = str(root.resolve())
    files = [(path, st.st_mtime_ns, st.st_size) for path, st in _stats(root)]
    listing_snapshot.keep(folder, 200, str(library.default_db_path()), files, "evil \x1b]0;pwned\x07\n")
    with pytest.raises(AssertionError, match="the index was opened"):
        from_snapshot_only(capsys, monkeypatch, str(root))
    assert listed(capsys, str(root)) == first
    listing_snapshot.keep(folder, 200, str(library.default_db_path()), files, "forged, but plain\n")
    assert listing_snapshot.printed(folder, 200, str(library.default_db_path())) == "forged, but plain\n"


def _stats(root: Path) -> list[tuple[str, os.stat_result]]:
    return [(path, os.stat(path)) for path, _, _ in listing_snapshot.walk(root.resolve())]


def test_a_few_snapshots_are_kept_the_newest(tmp_path: Path, capsys) -> None:
    folders = []
    for n in range(listing_snapshot.KEEP + 2):
        folder = tmp_path / f"folder-{n}"
        folder.mkdir()
        shutil.copy(EXAMPLE, folder / "s.toml")
        listed(capsys, str(folder))
        folders.append(folder)
        kept = max(snapshots(), key=lambda p: p.stat().st_mtime_ns)
        os.utime(kept, ns=(0, 1_000_000_000 * (n + 1)))  # ordered by age, however fast this runs
    db = str(library.default_db_path())
    assert snapshots() == sorted(Path(listing_snapshot._path(db, str(f.resolve()))) for f in folders[2:])


def test_an_index_in_memory_keeps_no_snapshot(
    root: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("IBB_CACHE_DIR", str(blocker / "cache"))  # under a file: cannot be made
    first = listed(capsys, str(root))
    assert listed(capsys, str(root)) == first and "Lakeview contract 2" in first


def test_a_warm_listing_in_a_fresh_process_imports_neither_sqlite3_nor_datetime(root: Path) -> None:
    probe = (
        "import sys\n"
        "from ibb_facilitator import cli\n"
        "code = cli.main(['library', sys.argv[1]])\n"
        "print(*(m in sys.modules for m in ('sqlite3', 'ibb_facilitator.library', 'datetime')), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True, timeout=120) for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0]
    assert runs[0].stderr.split() == [b"True", b"True", b"True"]  # the first made it the full way
    assert runs[1].stderr.split() == [b"False", b"False", b"False"]
    assert runs[1].stdout == runs[0].stdout and b"Lakeview contract 2" in runs[1].stdout


def test_a_new_file_is_named_by_the_day_of_the_frozen_clock(frozen_clock) -> None:
    """``paths`` imports ``date`` when first asked for (a warm listing needs no datetime): it is
    still its own, which the tests' frozen clock replaces."""
    assert paths.new_in_sessions("Spring reopener").name == f"{frozen_clock:%Y-%m-%d}-spring-reopener.toml"
