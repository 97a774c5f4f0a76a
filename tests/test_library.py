"""The session library: listing a folder tree, the search index, ranking, hostile input, the CLI."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import make_populated, make_session
from helpers import EXAMPLE
from hypothesis import given
from hypothesis import strategies as st

from ibb_facilitator import cli, library, store
from ibb_facilitator.library import Library, LibraryError, filter_entries, fts_query, printable, sort_entries
from ibb_facilitator.model import IssueStatus, Option, Session

HERE = Path(__file__).resolve().parent
AGENDA = HERE.parent / "ibb_facilitator" / "agendas" / "joint-problem-solving.toml"
TZ = timezone(timedelta(hours=-5))


# --- a folder of sessions ---------------------------------------------------------------------


def marked_session() -> Session:
    """``populated`` with one unique word in every kind of item the index knows."""
    s = make_populated()
    s.title = "Lakeview quokkatitle contract"
    s.organization = "Lakeview wombatdistrict Schools"
    s.parties[0].members[0].title = "Union numbatpresident"
    s.ground_rules[1] = "Nothing is agreed until everything is agreed dingorule"
    s.decision_rule.fallback = "Return to traditional bargaining bilbyfallback"
    s.shared_criteria[0].text += " echidnashared"
    s.issues[2].statement = "How can we make evaluations platypusissue fair?"
    s.issues[1].notes = "Bring the kookaburranote survey"
    s.issues[0].interests[0].text += " wallabyinterest"
    s.issues[0].options[3].text += " possumoption"
    s.issues[0].criteria[0].text += " emucriterion"
    s.issues[0].checks[0].proposal += " galahproposal"
    s.issues[0].checks[0].note += " cassowarynote"
    s.agreements[0].text += "\nA lyrebirdta clause."
    s.parking_lot[0].text += " kiwiparking"
    s.actions[0].text += " koalaaction"
    s.actions[1].text += " dugonginfo"
    s.caucuses[0].reason += " tasmancaucus"
    return s


def every_kind(s: Session) -> list[tuple[str, str, str, str]]:
    """(word, kind, item id, issue id) for each unique word of ``marked_session``."""
    i0, i1, i2 = s.issues
    return [
        ("quokkatitle", "title", "title", ""),
        ("wombatdistrict", "session", "session", ""),
        ("numbatpresident", "party", "labor", ""),
        ("dingorule", "ground_rule", "ground_rules[1]", ""),
        ("bilbyfallback", "decision_rule", "decision_rule", ""),
        ("echidnashared", "criterion", s.shared_criteria[0].id, ""),
        ("platypusissue", "issue", i2.id, i2.id),
        ("kookaburranote", "issue_notes", i1.id, i1.id),
        ("wallabyinterest", "interest", i0.interests[0].id, i0.id),
        ("possumoption", "option", i0.options[3].id, i0.id),
        ("emucriterion", "criterion", i0.criteria[0].id, i0.id),
        ("galahproposal", "check", i0.checks[0].id, i0.id),
        ("cassowarynote", "check", i0.checks[0].id, i0.id),
        ("lyrebirdta", "agreement", s.agreements[0].id, s.agreements[0].issue),
        ("kiwiparking", "parking", s.parking_lot[0].id, s.parking_lot[0].issue or ""),
        ("koalaaction", "action", s.actions[0].id, s.actions[0].issue or ""),
        ("dugonginfo", "info_request", s.actions[1].id, s.actions[1].issue or ""),
        ("tasmancaucus", "caucus", s.caucuses[0].id, ""),
    ]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Two sessions (one in a subfolder), broken files, and files the library must skip."""
    folder = tmp_path / "sessions"
    (folder / "2027").mkdir(parents=True)
    store.save_session(marked_session(), folder / "lakeview.toml")
    shutil.copy(EXAMPLE, folder / "2027" / "spring.toml")
    shutil.copy(AGENDA, folder / "agenda.toml")  # an agenda: no schema_version
    (folder / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")  # other TOML
    (folder / "bad.toml").write_text(
        'schema_version = 1\ntitle = "x"\n[[issues]]\nid = "issue-1"\nstatement = 5\n', encoding="utf-8"
    )
    (folder / "syntax.toml").write_text("schema_version = 1\ntitle = \n", encoding="utf-8")
    (folder / "empty.toml").write_bytes(b"")
    (folder / "binary.toml").write_bytes(b"\x00\x01\x02")
    (folder / "future.toml").write_text('schema_version = 99\ntitle = "From the future"\n', encoding="utf-8")
    shutil.copy(EXAMPLE, folder / "spring.toml.bak")  # a backup
    shutil.copy(EXAMPLE, folder / ".lakeview.toml.1234.tmp")  # a save's temp file
    shutil.copy(EXAMPLE, folder / ".hidden.toml")
    (folder / ".lakeview.toml.lock").write_text("pid 1", encoding="utf-8")
    (folder / ".git").mkdir()
    shutil.copy(EXAMPLE, folder / ".git" / "inside.toml")
    return folder


def scan(root: Path) -> dict[str, library.Entry]:
    with Library() as lib:
        return {e.path.name: e for e in lib.scan(root).entries}


# --- listing ----------------------------------------------------------------------------------


def test_fts5_is_available_here() -> None:
    assert library.fts5_available()


def test_listing_has_the_fields_of_each_session(root: Path) -> None:
    entries = scan(root)
    assert sorted(entries) == [
        "bad.toml",
        "binary.toml",
        "empty.toml",
        "future.toml",
        "lakeview.toml",
        "spring.toml",
        "syntax.toml",
    ]
    for name, path in (("lakeview.toml", root / "lakeview.toml"), ("spring.toml", root / "2027" / "spring.toml")):
        entry, session = entries[name], store.load_session(path)
        assert entry.path == path.resolve()
        assert not entry.broken
        assert entry.title == session.title and entry.organization == session.organization
        assert entry.session_id == session.id
        met = sorted({e.at.date() for e in session.events})  # the days it met, not the planned ones
        assert (entry.first_day, entry.last_day, entry.n_days, entry.planned) == (met[0], met[-1], len(met), False)
        assert entry.created == session.created
        assert entry.issues == len(session.issues)
        assert entry.open == sum(i.status is IssueStatus.OPEN for i in session.issues)
        assert entry.agreed == sum(i.status is IssueStatus.AGREED for i in session.issues)
        assert entry.changed == max(e.at for e in session.events)
    spring = entries["spring.toml"]
    assert (spring.open, spring.agreed, spring.issues) == (2, 1, 4)
    assert spring.dates == "2027-03-09 – 2027-03-10 (2 days)"
    assert spring.title == "Spring 2027 successor contract, session 3"


def test_broken_files_are_listed_with_the_store_error(root: Path) -> None:
    entries = scan(root)
    broken = {name: e for name, e in entries.items() if e.broken}
    assert sorted(broken) == ["bad.toml", "binary.toml", "empty.toml", "future.toml", "syntax.toml"]
    for name, entry in broken.items():
        with pytest.raises(store.StoreError) as caught:
            store.load_session(root / name)
        assert entry.error == "\n".join(caught.value.lines)  # exactly what the store says
        assert entry.title == "" and entry.changed is not None
    assert "bad.toml:5: issues[0].statement" in broken["bad.toml"].error
    assert "syntax.toml:2:" in broken["syntax.toml"].error
    assert "the file is empty" in broken["empty.toml"].error
    assert "not a text file" in broken["binary.toml"].error
    assert "newer ibb_facilitator" in broken["future.toml"].error


def test_a_session_without_events_changed_at_its_mtime(tmp_path: Path) -> None:
    s = make_session()
    path = tmp_path / "quiet.toml"
    store.save_session(s, path)
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    os.utime(path, (when.timestamp(), when.timestamp()))
    (entry,) = scan(tmp_path).values()
    assert entry.changed == when


def test_missing_or_file_root_is_a_clear_error(tmp_path: Path) -> None:
    with Library() as lib:
        with pytest.raises(LibraryError, match="no such folder"):
            lib.scan(tmp_path / "nope")
        (tmp_path / "f.toml").write_text("x", encoding="utf-8")
        with pytest.raises(LibraryError, match="not a folder"):
            lib.scan(tmp_path / "f.toml")


def test_index_lives_in_the_cache_folder(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "my-cache"
    monkeypatch.setenv("IBB_CACHE_DIR", str(cache))
    with Library() as lib:
        lib.refresh(root)
        assert not lib.in_memory
    assert (cache / "library.sqlite3").is_file()


# --- keeping the index current ----------------------------------------------------------------


def _rewrite(path: Path, change) -> None:
    session = store.load_session(path)
    change(session)
    stamp = path.stat().st_mtime_ns
    store.save_session(session, path)
    os.utime(path, ns=(stamp + 5_000_000_000, stamp + 5_000_000_000))  # a clearly later mtime


def test_refresh_reads_only_changed_files_and_drops_deleted_ones(root: Path) -> None:
    with Library() as lib:
        first = lib.refresh(root)
        assert first.files == 9 and first.read == 9 and first.removed == 0  # 7 listed + an agenda + other TOML
        again = lib.refresh(root)
        assert (again.read, again.removed) == (0, 0)

        _rewrite(root / "lakeview.toml", lambda s: setattr(s, "title", "Lakeview rewritten zorillatitle"))
        changed = lib.refresh(root)
        assert (changed.read, changed.removed) == (1, 0)
        names = {e.path.name: e for e in lib.entries(root)}
        assert names["lakeview.toml"].title == "Lakeview rewritten zorillatitle"
        assert [h.kind for h in lib.search(root, "zorillatitle")] == ["title"]
        assert lib.search(root, "quokkatitle") == []  # the old title is gone from the index

        (root / "lakeview.toml").unlink()
        gone = lib.refresh(root)
        assert (gone.read, gone.removed) == (0, 1)
        assert "lakeview.toml" not in {e.path.name for e in lib.entries(root)}
        assert lib.search(root, "zorillatitle") == [] and lib.search(root, "possumoption") == []
        assert lib.con.execute("SELECT count(*) FROM item WHERE file_id NOT IN (SELECT id FROM files)").fetchone() == (
            0,
        )

        # a broken file that gets fixed becomes a session
        store.save_session(make_session(), root / "bad.toml")
        assert lib.refresh(root).read == 1
        fixed = {e.path.name: e for e in lib.entries(root)}["bad.toml"]
        assert not fixed.broken and fixed.title == "Lakeview 2026 successor contract"


def test_an_index_shared_by_nested_roots(root: Path) -> None:
    with Library() as lib:
        lib.refresh(root)
        sub = root / "2027"
        assert [e.path.name for e in lib.scan(sub).entries] == ["spring.toml"]
        assert all(h.path.parent == sub.resolve() for h in lib.search(sub, "class size"))
        assert len(lib.scan(root).entries) == 7  # the subfolder's scan removed nothing outside it


def test_the_index_is_a_cache_damaged_or_stale_it_is_rebuilt(root: Path) -> None:
    db = library.default_db_path()
    with Library() as lib:
        lib.refresh(root)
    db.write_bytes(b"this is not a database" * 100)
    for extra in ("-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)
    with Library() as lib:
        assert not lib.in_memory
        listing = lib.scan(root)
        assert listing.stats.read == 9 and len(listing.entries) == 7
        assert lib.search(root, "possumoption")
    # an index from another version of the program is dropped and made again
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 999")
    con.close()
    with Library() as lib:
        assert lib.refresh(root).read == 9


def test_an_unwritable_cache_folder_indexes_in_memory(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("IBB_CACHE_DIR", str(blocker / "cache"))  # under a file: cannot be made
    with Library() as lib:
        assert lib.in_memory
        assert len(lib.scan(root).entries) == 7
        assert lib.search(root, "possumoption")


def test_worker_processes_read_the_same_as_one(root: Path, tmp_path: Path) -> None:
    with Library(tmp_path / "one.sqlite3") as one, Library(tmp_path / "two.sqlite3") as two:
        assert one.refresh(root, workers=1).workers == 1
        assert two.refresh(root, workers=2).workers == 2
        assert one.entries(root) == two.entries(root)
        assert one.search(root, "class size") == two.search(root, "class size")


def test_a_first_index_of_many_files_builds_search_in_one_pass_and_finds_the_same(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archive opened for the first time (``_BULK_FROM`` files or more) gets its search index
    built at the end in one pass: every search and the listing are what the row-by-row index
    gives, and later changes go in row by row again."""
    bulks = []
    real_bulk = Library._bulk
    monkeypatch.setattr(Library, "_bulk", lambda self: bulks.append(1) or real_bulk(self))
    with Library(tmp_path / "rows.sqlite3") as by_row, Library(tmp_path / "bulk.sqlite3") as bulk:
        by_row.refresh(root)
        assert bulks == []
        monkeypatch.setattr(library, "_BULK_FROM", 2)
        bulk.refresh(root)
        assert bulks == [1]
        assert library._schema_of(bulk.con) == library._expected_schema()  # the insert trigger is back
        assert bulk.entries(root) == by_row.entries(root)
        for word, *_ in every_kind(marked_session()):
            assert bulk.search(root, word) == by_row.search(root, word), word
        _rewrite(root / "lakeview.toml", lambda s: setattr(s, "title", s.title + " wombatlater"))
        assert bulk.refresh(root).read == 1 and bulks == [1]
        assert [h.path.name for h in bulk.search(root, "wombatlater")] == ["lakeview.toml"]


def test_a_bulk_index_cut_off_half_way_is_finished_by_the_next_run(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the rows went in but before the search index was built: the next run
    builds it (no "damaged" notice, nothing read again) and every item is found."""
    db = tmp_path / "cut.sqlite3"
    monkeypatch.setattr(library, "_BULK_FROM", 2)

    def killed(con: sqlite3.Connection) -> bool:
        raise KeyboardInterrupt  # as a Ctrl+C or a kill between the last row and the rebuild

    real_finish = library._finish_bulk
    monkeypatch.setattr(library, "_finish_bulk", killed)
    lib = Library(db)
    with pytest.raises(KeyboardInterrupt):
        lib.refresh(root)
    lib.close()
    monkeypatch.setattr(library, "_finish_bulk", real_finish)
    with Library(db) as again:
        assert again.notices == []
        assert library._schema_of(again.con) == library._expected_schema()
        assert again.refresh(root).read == 0  # the rows were all in: only the search index was missing
        assert again.search(root, "possumoption")


def test_progress_is_reported(root: Path) -> None:
    seen = []
    with Library() as lib:
        lib.refresh(root, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (9, 9)


# --- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize("word, kind, item_id, issue_id", every_kind(marked_session()))
def test_search_finds_every_kind_of_item(root: Path, word: str, kind: str, item_id: str, issue_id: str) -> None:
    with Library() as lib:
        lib.refresh(root)
        hits = lib.search(root, word)
    assert hits, word
    hit = hits[0]
    assert (hit.kind, hit.item_id, hit.issue_id) == (kind, item_id, issue_id)
    assert hit.path == (root / "lakeview.toml").resolve()
    assert hit.title == "Lakeview quokkatitle contract"
    start, end = hit.marks[0]
    assert hit.snippet[start:end] == word
    if issue_id and kind != "issue":
        assert hit.issue_statement == marked_session().issue(issue_id).statement
    if kind in library.ID_KINDS:
        assert hit.focus == item_id  # what review is asked to show
    assert word in hit.snippet


def test_interest_hits_carry_their_holder(root: Path) -> None:
    with Library() as lib:
        lib.refresh(root)
        (hit,) = lib.search(root, "wallabyinterest")
        assert hit.who == "Lakeview Education Association (U)"
        mutual = lib.search(root, "students keep experienced")[0]
        assert (mutual.kind, mutual.who) == ("interest", "Mutual")
        # the holder is searchable too: every word must appear, here one in the text, one in the holder
        assert [h.item_id for h in lib.search(root, "wallabyinterest association")] == [hit.item_id]


def test_search_words_phrases_and_prefixes(root: Path) -> None:
    with Library() as lib:
        lib.refresh(root)
        both = {(h.path.name, h.item_id) for h in lib.search(root, "class size")}
        phrase = {(h.path.name, h.item_id) for h in lib.search(root, '"class size"')}
        assert phrase and phrase <= both
        assert {h.snippet for h in lib.search(root, '"size class"')}.isdisjoint(
            h.snippet for h in lib.search(root, '"class size"')
        )
        assert any("stipend" in h.snippet.casefold() for h in lib.search(root, "stip"))  # the start of a word
        assert lib.search(root, "housing stipend")[0].snippet == "Housing stipend possumoption"
        # accents and case do not matter
        assert lib.search(root, "QUOKKATITLE")[0].kind == "title"
        assert lib.search(root, "nothing-like-this-anywhere") == []
        # no item holds every word: the items holding some of them, said so
        some = lib.search(root, "quokkatitle possumoption")
        assert {(h.kind, h.every_word) for h in some} == {("title", False), ("option", False)}
        assert all(h.every_word for h in lib.search(root, "housing stipend"))


def test_ranking_title_then_statement_then_passing_mentions(tmp_path: Path) -> None:
    """Sensible order: a session named for the word, an issue about it, then items that mention it
    in passing (a long TA, an option among other words), and among equals the shorter text first."""
    a = make_populated()
    a.title = "Sabbatical pilot"
    store.save_session(a, tmp_path / "a.toml")
    b = make_populated()
    b.issues[1].statement = "How can we fund a sabbatical for teachers?"
    b.issues[0].options[0].text = (
        "Step increases front-loaded for years 1-5, with sabbatical credit counted toward the later steps "
        "of the schedule"
    )
    long_ta = " ".join(["Teachers on the schedule keep their step and lane placement through the year."] * 8)
    b.agreements[0].text = long_ta + " A sabbatical counts as service. " + long_ta
    store.save_session(b, tmp_path / "b.toml")
    with Library() as lib:
        lib.refresh(tmp_path)
        hits = lib.search(tmp_path, "sabbatical")
    kinds = [h.kind for h in hits]
    assert kinds[:2] == ["title", "issue"], kinds
    assert kinds.index("option") < kinds.index("agreement")
    assert hits[0].path.name == "a.toml" and hits[1].path.name == "b.toml"
    assert hits == sorted(hits, key=lambda h: h.score)


def test_whole_words_before_word_starts(tmp_path: Path) -> None:
    s = make_populated()
    s.issues[0].options[0].text = "Ask the LEA members first"
    s.issues[0].interests[0].text = "Learning comes first for students and staff"
    store.save_session(s, tmp_path / "s.toml")
    with Library() as lib:
        lib.refresh(tmp_path)
        hits = lib.search(tmp_path, "lea")
    assert hits[0].snippet == "Ask the LEA members first" and hits[0].exact
    later = [h for h in hits if not h.exact]
    assert later and any(h.snippet.startswith("Learning") for h in later)
    assert all(h.exact for h in hits[: hits.index(later[0])])


HOSTILE_QUERIES = [
    "class size",
    '"stipend"',
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(class size, 2)",
    "class AND",
    "AND class",
    "*",
    "**",
    "(",
    ")",
    "()",
    '"',
    '""',
    '"unclosed phrase',
    'a"b"c',
    "text:class",
    "who:x",
    "^class",
    "-class",
    "+class",
    "class*",
    "cl*ss",
    "{text who}: class",
    "[x]",
    "NEAR/2",
    "'",
    "\\",
    "\x00",
    "a\x00b",
    "🙂",
    "学校",
    "\u202e",
    "x" * 5000,
    "class " * 300,
    " ",
    "",
    "\t\n",
    "AND OR NOT NEAR",
    "'; DROP TABLE files; --",
    "%",
    "_",
    "?",
    "$1",
    ":memory:",
    "\ufdd0",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_typed_queries_never_raise(root: Path, query: str) -> None:
    with Library() as lib:
        lib.refresh(root)
        hits = lib.search(root, query)
        assert isinstance(hits, list)
        match = fts_query(query)
        if match is not None:  # the query we build is valid FTS5: run it with no safety net
            lib.con.execute("SELECT count(*) FROM item_fts WHERE item_fts MATCH ?", (match,)).fetchone()
        assert lib.con.execute("SELECT count(*) FROM files").fetchone()[0] == 9  # and harmless


def test_keywords_are_searched_as_words(root: Path) -> None:
    with Library() as lib:
        lib.refresh(root)
        hits = lib.search(root, "AND")
        assert hits and all(any(hit.snippet[s:e].casefold() == "and" for s, e in hit.marks) for hit in hits[:10])
        assert lib.search(root, "class*")  # an explicit star: the start of a word
        assert lib.search(root, '"class size')  # a phrase still being typed


@given(st.text(max_size=60))
def test_any_text_makes_a_valid_fts5_query(text: str) -> None:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3')")
    con.execute("INSERT INTO t VALUES ('class size stipend', 'who')")
    for prefix_from in (None, 2, 4):
        match = fts_query(text, prefix_from=prefix_from)
        if match is not None:
            con.execute("SELECT * FROM t WHERE t MATCH ?", (match,)).fetchall()


HOSTILE_TEXT = [
    '<script>alert("owned")</script>',
    "[/foo] [b]bold[/b] [link=x]y[/link]",
    '\'; DROP TABLE files; -- and "quotes" and \\backslashes\\',
    "tab\there and\nnew lines\r\nand a bell \x07 and escape \x1b[2J\x1b]0;title\x07",
    "nul \x00 inside",
    "markers \ufdd0 and \ufdd1 here",
    "right-to-left \u202e override",
    "wide 日本語 and 😀 and café",
]


def test_hostile_file_content_is_stored_and_returned_literally(tmp_path: Path) -> None:
    s = make_populated()
    s.title = "Hostile " + HOSTILE_TEXT[0]
    s.organization = HOSTILE_TEXT[1]
    for n, text in enumerate(HOSTILE_TEXT):
        s.issues[2].options.append(Option(id=f"option-{100 + n}", text=f"zanderword{n} {text}"))
    s.parking_lot[0].text = "zanderlong " + "very long text " * 2000
    store.save_session(s, tmp_path / "hostile.toml")
    with Library() as lib:
        (entry,) = lib.scan(tmp_path).entries
        assert entry.title == s.title and entry.organization == s.organization
        for n in (0, 1, 2, 3, 6, 7):
            text = HOSTILE_TEXT[n]
            (hit,) = lib.search(tmp_path, f"zanderword{n}")
            assert hit.snippet == f"zanderword{n} {text}"  # whole, byte for byte
            assert [hit.snippet[a:b] for a, b in hit.marks] == [f"zanderword{n}"]
        for n in (4, 5):  # a NUL or our own marker characters: the text itself, unhighlighted
            (hit,) = lib.search(tmp_path, f"zanderword{n}")
            assert hit.snippet == f"zanderword{n} {HOSTILE_TEXT[n]}" and hit.marks == ()
        (hit,) = lib.search(tmp_path, "zanderlong")
        assert hit.snippet.startswith("zanderlong very long text") and len(hit.snippet) < 300
        title, option = lib.search(tmp_path, "script alert owned")
        assert title.kind == "title" and title.snippet == s.title and option.item_id == "option-100"
        assert lib.search(tmp_path, "drop table files")[0].snippet.startswith("zanderword2")
        assert lib.con.execute("SELECT count(*) FROM files").fetchone() == (1,)


def test_printable_keeps_terminals_safe() -> None:
    assert printable("a\x1b[2Jb") == "a␛[2Jb"
    assert printable("one\ntwo\r\nthree\tfour") == "one ⏎ two ⏎ three four"
    assert printable("x\x00y\x7f\x9bz") == "x␀y␡\ufffdz"
    assert printable("evil \u202e txt") == "evil \ufffd txt"
    assert printable("[/foo] <b>") == "[/foo] <b>"
    assert library.fit("日本語日本語", 8) == "日本語… "  # 2 columns a character: 6 + "…" + a space
    assert library.cell_width(library.fit("abcdefghij", 5)) == 5


# --- sorting and filtering --------------------------------------------------------------------


def _entry(title: str, org: str, day: date | None, changed: int, **kw) -> library.Entry:
    return library.Entry(
        path=Path(f"/s/{title or 'broken'}.toml"),
        title=title,
        organization=org,
        first_day=day,
        last_day=day,
        n_days=1 if day else 0,
        changed=datetime(2026, 1, 1, tzinfo=TZ) + timedelta(hours=changed),
        **kw,
    )


def test_sort_and_filter_the_listing() -> None:
    entries = [
        _entry("Spring session 3", "Maple Valley Public Schools", date(2027, 3, 9), 5),
        _entry("fall session 1", "Alder Hollow", date(2026, 9, 1), 9),
        _entry("Écoles summit", "Zeta District", None, 1, created=datetime(2025, 5, 5, tzinfo=TZ)),
        _entry("", "", None, 0, error="/s/broken.toml:1:1: Invalid statement"),
    ]
    titles = lambda es: [e.title for e in es]  # noqa: E731
    assert titles(sort_entries(entries, "title")) == ["Écoles summit", "fall session 1", "Spring session 3", ""]
    assert titles(sort_entries(entries, "title", reverse=True)) == [
        "Spring session 3",
        "fall session 1",
        "Écoles summit",
        "",
    ]
    assert titles(sort_entries(entries, "district")) == ["fall session 1", "Spring session 3", "Écoles summit", ""]
    assert titles(sort_entries(entries, "date")) == [
        "Spring session 3",
        "fall session 1",
        "Écoles summit",
        "",
    ]  # newest first
    assert titles(sort_entries(entries, "date", reverse=True)) == [
        "Écoles summit",
        "fall session 1",
        "Spring session 3",
        "",
    ]
    assert titles(sort_entries(entries, "changed")) == ["fall session 1", "Spring session 3", "Écoles summit", ""]
    assert titles(filter_entries(entries, "maple")) == ["Spring session 3"]
    assert titles(filter_entries(entries, "SESSION valley")) == ["Spring session 3"]
    assert titles(filter_entries(entries, "ecoles")) == ["Écoles summit"]  # accents ignored
    assert titles(filter_entries(entries, "broken")) == [""]  # a broken file by its name
    assert len(filter_entries(entries, "  ")) == 4
    with pytest.raises(ValueError):
        sort_entries(entries, "size")


# --- the command ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # the table fits the terminal: make it the same everywhere


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["library", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_lists_sessions_and_broken_files(root: Path, capsys) -> None:
    code, out, err = run(capsys, str(root))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["Title", "District", "Dates"]
    spring = next(line for line in lines if line.startswith("Spring 2027 successor contract, session 3"))
    assert "Maple Valley Public Schools" in spring and "2027-03-09 – 2027-03-10 (2 days)" in spring
    assert spring.split()[-4:] == ["1", "2027-03-10", "13:15", "2027/spring.toml"]
    broken = [line for line in lines if line.startswith("BROKEN")]
    assert len(broken) == 5
    assert any("bad.toml:5: issues[0].statement: Input should be a valid string" in line for line in broken)
    assert not any("agenda" in line or "pyproject" in line or ".bak" in line or "hidden" in line for line in lines)
    assert lines[-1] == f"2 sessions, 5 broken under {root.resolve()}."


def test_cli_table_fits_a_narrow_terminal(root: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run(capsys, str(root), "--sort", "title")
    assert code == 0
    row = out.splitlines()[3]
    assert row.startswith("Spring 2027 suc") and "…" in row and row.endswith("2027/spring.toml")
    assert "2027-03-09 – 03-10 (2)" in row


def test_cli_sort_and_filter(root: Path, capsys) -> None:
    code, out, _ = run(capsys, str(root), "--sort", "title", "--filter", "Valley")
    assert code == 0
    rows = [line for line in out.splitlines()[2:] if line and not line.startswith(("BROKEN", "2 sessions"))]
    assert len(rows) == 1 and rows[0].startswith("Spring 2027")
    assert "1 match Valley" in out
    code, out, _ = run(capsys, str(root), "--sort", "title")
    titles = [line[:10] for line in out.splitlines()[2:4]]
    assert titles == ["Lakeview q", "Spring 202"]
    code, out, _ = run(capsys, str(root), "--sort", "title", "--reverse")
    assert [line[:10] for line in out.splitlines()[2:4]] == ["Spring 202", "Lakeview q"]


def test_cli_search_prints_ranked_hits_with_where(root: Path, capsys) -> None:
    code, out, err = run(capsys, str(root), "--search", "class size", "--limit", "5")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"5 hits for class size in 2 sessions under {root.resolve()}, best first:"
    assert lines[2].startswith("  1. How can we keep class sizes manageable")
    assert lines[3].startswith("     2027/spring.toml · issue-1 · issue  —  Spring 2027 successor contract, session 3")
    code, out, _ = run(capsys, str(root), "--search", "wallabyinterest")
    assert "lakeview.toml · issue-1 · interest interest-1 (Lakeview Education Association (U))" in out
    assert "issue: How can we attract and keep qualified teachers within the budget?" in out
    code, out, _ = run(capsys, str(root), "--search", "NEAR ( *")
    assert code == 0 and out.startswith("No hits for NEAR ( *")


def test_cli_missing_folder_is_one_clear_line(tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, str(tmp_path / "nowhere"))
    assert code == 1 and out == ""
    assert err.splitlines() == [f"{tmp_path / 'nowhere'}: no such folder"]


def test_cli_defaults_to_the_sessions_folder(root: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("IBB_SESSIONS_DIR", str(root))
    code, out, _ = run(capsys)
    assert code == 0 and "Spring 2027 successor contract" in out
    monkeypatch.setenv("IBB_SESSIONS_DIR", str(root / "not-yet"))
    code, out, err = run(capsys)
    assert code == 1 and len(err.splitlines()) == 1 and "no sessions folder yet" in err


def test_cli_empty_folder(tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, str(tmp_path))
    assert code == 0 and "no session files found" in out


def test_cli_never_sends_control_characters_from_a_file(tmp_path: Path, capsys) -> None:
    s = make_populated()
    s.title = "Evil \x1b[2J\x1b]0;pwned\x07 title"
    s.issues[0].options[0].text = "zorro \x1b[31mred\x1b[0m option"
    store.save_session(s, tmp_path / "evil.toml")
    for argv in ([str(tmp_path)], [str(tmp_path), "--search", "zorro"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and "\x1b" not in out and "\x07" not in out
        assert "␛[2J" in out or "␛[31m" in out


def test_core_library_does_not_import_textual_or_rich() -> None:
    probe = textwrap.dedent(
        """
        import json, sys
        import ibb_facilitator.library, ibb_facilitator.commands.library
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))))
        """
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_a_file_name_too_long_for_its_column_keeps_its_start_and_its_end() -> None:
    from ibb_facilitator.termtext import cell_width, fit_middle

    assert fit_middle("spring-contract-next.toml", 18) == "spring-c…next.toml"
    assert fit_middle("spring-contract.toml", 18) == "spring-c…ract.toml"
    assert fit_middle("short.toml", 18) == "short.toml        "
    assert cell_width(fit_middle("会議の記録-第四回.toml", 12)) == 12  # wide characters still fit


def test_cli_progress_on_a_terminal_is_one_line_cleared_at_the_end(capsys) -> None:
    from ibb_facilitator.commands.library import _progress_line

    progress = _progress_line()
    for done in (16, 32, 1000):
        progress(done, 1000)
    err = capsys.readouterr().err
    assert err.startswith("\rIndexing 16 of 1,000 files…") and "\n" not in err
    assert err.endswith("\rIndexing 1,000 of 1,000 files…\r\x1b[K")  # the listing starts on a clean line
    progress = _progress_line()
    progress(3, 9)  # a few files: no progress line
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("argv", [[], ["/some/folder"], ["a folder with spaces"], ["dossiers-é"], ["library"]])
def test_plain_library_arguments_are_what_the_parser_gives(argv: list[str]) -> None:
    """``ibb library [DIR]`` skips the parser (start-up): the same arguments as parsed."""
    from ibb_facilitator.commands.library import plain_args

    parsed = cli.build_parser("library").parse_args(["library", *argv])
    assert plain_args(argv) == parsed


@pytest.mark.parametrize(
    "argv", [["--sort", "title"], ["DIR", "--reverse"], ["-h"], ["--"], ["a", "b"], [""], ["--search=x"]]
)
def test_anything_else_is_left_to_the_parser(argv: list[str]) -> None:
    from ibb_facilitator.commands.library import plain_args

    assert plain_args(argv) is None


def _row(**values) -> list:
    """An index row of ``files`` (``_FILE_COLUMNS``) as ``_fields`` writes it."""
    return [values.get(column) for column in library._FILE_COLUMNS]


@pytest.mark.parametrize(
    ("first", "last", "n_days", "planned", "created", "changed"),
    [
        (date(2027, 3, 9), date(2027, 3, 10), 2, False, datetime(2027, 1, 5, 8, 0, tzinfo=TZ), "met"),
        (date(2026, 12, 30), date(2027, 1, 2), 3, False, datetime(2026, 1, 5, tzinfo=TZ), "met"),
        (date(2027, 3, 9), date(2027, 3, 12), 2, True, datetime(2027, 1, 5, tzinfo=TZ), "met"),
        (date(2027, 3, 9), date(2027, 3, 9), 1, True, datetime(2027, 1, 5, tzinfo=TZ), "met"),
        (date(2027, 3, 9), None, 1, False, datetime(2027, 1, 5, tzinfo=TZ), "met"),
        (None, None, 0, False, datetime(2025, 5, 5, 23, 59, 59, 999999, tzinfo=UTC), "met"),
        (None, None, 0, False, None, None),
        (date(999, 12, 4), date(999, 12, 4), 1, False, datetime(999, 12, 4, tzinfo=UTC), "old"),
        (date(1000, 1, 1), date(1000, 1, 2), 2, False, datetime(1000, 1, 1, tzinfo=UTC), "1000"),
    ],
)
def test_an_entry_read_from_the_index_is_the_entry_made_from_its_values(
    first: date | None, last: date | None, n_days: int, planned: bool, created: datetime | None, changed: str | None
) -> None:
    """Entries from the index keep their times as text until asked: every field, the dates as
    shown, the time of the last change and the sort keys are what the parsed values give."""
    when = {
        "met": datetime(2027, 3, 10, 13, 15, 42, 123456, tzinfo=TZ),
        "old": datetime(999, 12, 4, 18, 57, tzinfo=UTC),
        "1000": datetime(1000, 1, 2, 0, 1, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        None: None,
    }[changed]
    key = "/s/2027/spring session.toml"
    row = _row(
        session_id="s-1",
        title="Spring",
        organization="Maple",
        first_day=first.isoformat() if first else None,
        last_day=last.isoformat() if last else None,
        n_days=n_days,
        planned=int(planned),
        created=created.isoformat() if created else None,
        issues=4,
        open=2,
        agreed=1,
        changed=when.isoformat() if when else None,
        changed_ts=when.timestamp() if when else None,
    )
    lazy = library.Entry._indexed(key, row)
    eager = library.Entry(
        path=Path(key),
        title="Spring",
        organization="Maple",
        first_day=first,
        last_day=last,
        n_days=n_days,
        planned=planned,
        created=created,
        issues=4,
        open=2,
        agreed=1,
        changed=when,
        session_id="s-1",
    )
    for entry in (library.Entry._indexed(key, row), eager):  # a fresh one: nothing parsed yet
        assert entry.dates == eager.dates and entry.compact_dates == eager.compact_dates
        assert entry.when == (f"{when:%Y-%m-%d %H:%M}" if when else "")
        assert entry.changed_key == (when.timestamp() if when else 0.0)
        assert entry.path_text == str(Path(key))
    assert lazy == eager and hash(lazy) == hash(eager) and repr(lazy) == repr(eager)
    assert (lazy.first_day, lazy.last_day, lazy.created, lazy.changed, lazy.day) == (
        first,
        last,
        created,
        when,
        eager.day,
    )


def test_a_path_the_walk_did_not_write_is_shown_as_path_shows_it() -> None:
    row = _row(title="x", changed_ts=0.0)
    for key in ("/s//a.toml", "/s/./a.toml", "relative/a.toml", "/s/a.toml/"):
        assert library.Entry._indexed(key, row).path_text == str(Path(key))
