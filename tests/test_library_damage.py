"""A damaged library index is a cache gone bad: moved aside, rebuilt, said in one line (issue 12, item 6).

Damage as it happens on disk: garbage pages in the middle of the SQLite file (the ``files`` table
intact, so the index opens and lists, and breaks only when a search or an update reaches the
damaged pages), and a valid SQLite file whose ``files`` table is not the library's.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import make_populated
from helpers import EXAMPLE

from ibb_facilitator import cli, library, store
from ibb_facilitator.library import Library

HERE = Path(__file__).resolve().parent


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "spring.toml")
    for n in range(4):
        s = make_populated()
        s.title = f"Lakeview contract {n} quokka{n}"
        store.save_session(s, folder / f"lakeview-{n}.toml")
    return folder


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["library", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def damage_items(db: Path) -> int:
    """Overwrite every page of the item and full-text tables with garbage; the ``files`` table and
    the schema stay readable. Returns how many pages were overwritten."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    pages = [
        p
        for (p,) in con.execute(
            "SELECT pageno FROM dbstat WHERE name IN ('item', 'item_file', 'item_fts_data', 'item_fts_docsize')"
        )
    ]
    con.close()
    data = bytearray(db.read_bytes())
    for n, page in enumerate(sorted(pages)):
        start = (page - 1) * page_size
        data[start : start + page_size] = bytes([(n * 37 + i * 101) % 251 for i in range(256)]) * (page_size // 256)
    db.write_bytes(bytes(data))
    for extra in ("-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)
    return len(pages)


def broken_copies(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".broken-*"))


def indexed(root: Path) -> Path:
    with Library() as lib:
        assert len(lib.scan(root).entries) == 5
        assert lib.notices == []
    return library.default_db_path()


def test_garbage_pages_then_a_changed_file_the_listing_rebuilds(root: Path, capsys) -> None:
    db = indexed(root)
    assert damage_items(db) > 3
    os.utime(root / "lakeview-2.toml", ns=(1, 1_000_000_000))  # the refresh must rewrite its items
    code, out, err = run(capsys, str(root))
    assert code == 0, err
    assert out.count("Lakeview contract") == 4 and "5 sessions under" in out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "search index was damaged" in lines[0] and "rebuilt" in lines[0]
    (aside,) = broken_copies(db)
    assert aside.name in lines[0]
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    # the next run is quiet: the index is whole again
    code, out, err = run(capsys, str(root), "--search", "quokka3")
    assert code == 0 and err == ""
    assert "Lakeview contract 3 quokka3" in out


def test_garbage_pages_a_search_rebuilds_instead_of_finding_nothing(root: Path, capsys) -> None:
    db = indexed(root)
    damage_items(db)
    code, out, err = run(capsys, str(root), "--search", "quokka1")
    assert code == 0
    assert "Lakeview contract 1 quokka1" in out and "No hits" not in out
    assert "search index was damaged" in err and len(err.strip().splitlines()) == 1
    assert len(broken_copies(db)) == 1


def test_a_foreign_files_table_is_rebuilt(root: Path, capsys) -> None:
    db = library.default_db_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE files(name TEXT, stuff BLOB)")
    con.execute("INSERT INTO files VALUES ('x', x'00')")
    con.execute(f"PRAGMA user_version = {library.INDEX_VERSION}")
    con.commit()
    con.close()
    code, out, err = run(capsys, str(root))
    assert code == 0, err
    assert "5 sessions under" in out
    assert "search index was damaged" in err and "not the library's" in err
    assert len(broken_copies(db)) == 1
    with Library() as lib:
        assert lib.notices == []
        assert lib.search(root, "quokka0")


def test_a_wrong_files_table_in_an_index_of_this_version(root: Path) -> None:
    db = indexed(root)
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE files DROP COLUMN error")
    con.close()
    with Library() as lib:
        assert len(lib.scan(root).entries) == 5
        assert len(lib.notices) == 1
    assert len(broken_copies(db)) == 1


def test_at_most_two_broken_copies_are_kept(root: Path) -> None:
    db = indexed(root)
    for n in range(4):
        db.write_bytes(b"not a database, take %d " % n * 300)
        for extra in ("-wal", "-shm"):
            Path(str(db) + extra).unlink(missing_ok=True)
        with Library() as lib:
            assert len(lib.scan(root).entries) == 5
            assert len(lib.notices) == 1
        os.utime(broken_copies(db)[-1], (1_000 + n, 1_000 + n))  # ordered by age, even within a second
    copies = broken_copies(db)
    assert len(copies) == library.KEEP_BROKEN
    assert {p.read_bytes()[:30] for p in copies} == {
        b"not a database, take 2 not a d",
        b"not a database, take 3 not a d",
    }


def test_a_busy_index_is_not_damage(tmp_path: Path) -> None:
    db = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("CREATE TABLE t(a)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(db, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as caught:
        other.execute("SELECT * FROM t").fetchall()
    assert not library.is_damage(caught.value)
    holder.execute("ROLLBACK")
    holder.close()
    other.close()
    malformed = sqlite3.DatabaseError("database disk image is malformed")
    malformed.sqlite_errorcode = 11
    assert library.is_damage(malformed)
    assert not library.is_damage(sqlite3.ProgrammingError("Cannot operate on a closed database."))


async def test_the_app_shows_a_toast_and_the_full_list(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ibb_facilitator.tui.app import IbbApp
    from ibb_facilitator.tui.library import LibraryScreen

    db = indexed(root)
    damage_items(db)
    os.utime(root / "lakeview-1.toml", ns=(1, 1_000_000_000))
    shown: list[tuple[str, dict]] = []
    app = IbbApp()
    real_notify = app.notify

    def notify(message, **kwargs):
        shown.append((message, kwargs))
        real_notify(message, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = LibraryScreen(root)
        await app.push_screen(screen)
        for _ in range(50):
            await pilot.pause(0.05)
            if not screen.scanning:
                break
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.entries) == 5
        toasts = [m for m, kw in shown if "search index was damaged" in m]
        assert len(toasts) == 1
        assert [kw.get("markup") for m, kw in shown if m in toasts] == [False]
