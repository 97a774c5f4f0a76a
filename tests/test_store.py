"""Session files: exact round-trip, layout, atomic save, locks, migrations, hostile input."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import running_as_root

from ibb_facilitator import editing, store
from ibb_facilitator.model import SCHEMA_VERSION, Event, Session, now
from ibb_facilitator.store import LockedError, SaveError, SessionFile, StoreError


def folder_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def temp_files(folder: Path) -> list[str]:
    return [name for name in folder_listing(folder) if name.endswith(".tmp")]


# --- round-trip and layout --------------------------------------------------------------------


def test_round_trip_is_exact(populated: Session) -> None:
    text = store.dumps_session(populated)
    loaded = store.loads_session(text)
    assert loaded == populated
    assert loaded.model_dump() == populated.model_dump()
    assert store.dumps_session(loaded) == text


def test_round_trip_through_a_file(populated: Session, tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    assert store.load_session(path) == populated
    assert store.load_session(str(path)) == populated


def test_empty_values_with_non_empty_defaults_survive(session: Session) -> None:
    """A cleared decision-rule description must not come back as the default one."""
    session.decision_rule.description = ""
    session.id = ""
    session.events.append(Event(at=now(), action="note", data={"blank": "", "none": [], "zero": 0, "no": False}))
    loaded = store.loads_session(store.dumps_session(session))
    assert loaded.decision_rule.description == ""
    assert loaded.id == ""
    assert loaded.events[-1].data == {"blank": "", "none": [], "zero": 0, "no": False}
    assert loaded == session


def test_file_layout_is_diff_friendly(populated: Session) -> None:
    text = store.dumps_session(populated)
    lines = text.split("\n")
    assert lines[0] == f"schema_version = {SCHEMA_VERSION}"
    assert text.count("\n[[issues]]\n") == 3
    assert "\n[[issues.interests]]\n" in text
    assert "\n[[issues.options]]\n" in text
    assert "\n[[issues.checks]]\n" in text
    assert "\n[[parties.members]]\n" in text
    assert "\n[[agreements]]\n" in text and "\n[[events]]\n" in text
    # multi-line text is a multi-line string, not "\n" escapes
    assert (
        'text = """\nArticle 12.3 Salary.\nSteps 1-5 rise by 3%.\nA retention bonus of $1,500 is paid after year 3."""'
        in text
    )
    assert 'text = """\nCommon planning time\nacross grades"""' in text
    # rows stay one per line; timestamps keep their offset
    assert '    { who = "Ana Ruiz", value = 4 },' in text
    assert re.search(r"^at = \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", text, re.M)
    # unset fields are left out (TOML has no null)
    assert "combined_into" in text and "null" not in text and "None" not in text


def test_rewording_one_interest_changes_only_its_line(populated: Session) -> None:
    before = store.dumps_session(populated).split("\n")
    populated.issues[0].interests[1].text = "A budget the town meeting will pass, with a long explanation " * 3
    after = store.dumps_session(populated).split("\n")
    assert len(before) == len(after)
    changed = [n for n, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(changed) == 1 and after[changed[0]].startswith("text = ")


def test_a_bom_and_crlf_line_ends_are_accepted(populated: Session, tmp_path: Path) -> None:
    path = tmp_path / "windows.toml"
    path.write_bytes(b"\xef\xbb\xbf" + store.dumps_session(populated).replace("\n", "\r\n").encode())
    loaded = store.load_session(path)
    assert loaded.title == populated.title and len(loaded.issues) == 3


# --- atomic save ------------------------------------------------------------------------------


def test_save_keeps_the_previous_version_as_bak(populated: Session, tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    first = path.read_bytes()
    assert folder_listing(tmp_path) == ["s.toml"]
    editing.add_parking(populated, "Second save")
    store.save_session(populated, path)
    second = path.read_bytes()
    assert second != first
    assert (tmp_path / "s.toml.bak").read_bytes() == first
    editing.add_parking(populated, "Third save")
    store.save_session(populated, path)
    assert (tmp_path / "s.toml.bak").read_bytes() == second
    assert folder_listing(tmp_path) == ["s.toml", "s.toml.bak"]
    assert store.load_session(path) == populated


def test_save_keeps_the_file_mode(populated: Session, session_file: Path) -> None:
    os.chmod(session_file, 0o600)
    store.save_session(populated, session_file)
    assert session_file.stat().st_mode & 0o777 == 0o600


def _refuse_links(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EPERM, "links not allowed here")

    monkeypatch.setattr(os, "link", refuse)


def test_where_links_are_refused_the_backup_is_a_copy(
    populated: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    os.chmod(path, 0o640)
    first = path.read_bytes()
    _refuse_links(monkeypatch)
    editing.add_parking(populated, "Saved on a share without hard links")
    store.save_session(populated, path)
    backup = tmp_path / "s.toml.bak"
    assert backup.read_bytes() == first and backup.stat().st_mode & 0o777 == 0o640
    assert folder_listing(tmp_path) == ["s.toml", "s.toml.bak"]


def test_a_killed_saves_leftover_link_is_never_written_through(
    populated: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save killed between linking the backup and renaming it leaves the temp name as a second
    name of the live file. The next backup removes it first and copies only into a new file:
    writing into it would truncate and rewrite the live file under another name."""
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    leftover = tmp_path / f".s.toml.{os.getpid()}.bak.tmp"
    os.link(path, leftover)
    live = path.stat().st_ino
    _refuse_links(monkeypatch)
    editing.add_parking(populated, "After the kill")
    store.save_session(populated, path)
    backup = tmp_path / "s.toml.bak"
    assert backup.stat().st_ino != live, "the backup must be a copy, not the live file's inode"
    assert not leftover.exists()
    assert store.load_session(path) == populated
    assert folder_listing(tmp_path) == ["s.toml", "s.toml.bak"]


def test_save_without_backup(populated: Session, tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    store.save_session(populated, path, backup=False)
    store.save_session(populated, path, backup=False)
    assert folder_listing(tmp_path) == ["s.toml"]


def test_save_into_a_removed_folder_raises_save_error(populated: Session, tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    path = folder / "s.toml"
    store.save_session(populated, path)
    opened = SessionFile.open(path)
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    with pytest.raises(SaveError) as caught:
        opened.save()
    assert caught.value.lines == [
        f"{path}: could not save: the folder {folder} no longer exists. The previous version on disk is intact."
    ]
    opened.close()


def test_save_where_the_folder_became_a_file_leaves_the_old_bytes(populated: Session, tmp_path: Path) -> None:
    """Works as root too (chmod does not stop root): the save path's parent is now a file."""
    folder = tmp_path / "team"
    folder.mkdir()
    path = folder / "s.toml"
    store.save_session(populated, path)
    old = path.read_bytes()
    opened = SessionFile.open(path, readonly=False)
    moved = tmp_path / "moved"
    folder.rename(moved)
    folder.write_text("not a folder")
    editing.add_parking(opened.session, "Unsaved")
    with pytest.raises(SaveError) as caught:
        opened.save()
    assert len(caught.value.lines) == 1 and "could not save" in caught.value.lines[0]
    assert (moved / "s.toml").read_bytes() == old
    assert folder.read_text() == "not a folder"
    assert temp_files(moved) == [] and temp_files(tmp_path) == []
    opened.close()


@pytest.mark.skipif(running_as_root(), reason="root ignores folder permissions")
def test_save_into_a_read_only_folder_raises_save_error(populated: Session, session_file: Path) -> None:
    old = session_file.read_bytes()
    folder = session_file.parent
    folder.chmod(0o555)
    try:
        editing.add_parking(populated, "Unsaved")
        with pytest.raises(SaveError, match="no permission to write"):
            store.save_session(populated, session_file)
        assert session_file.read_bytes() == old
        assert temp_files(folder) == []
    finally:
        folder.chmod(0o755)


def test_permission_denied_on_save_is_explained(
    populated: Session, session_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read-only-folder case as the OS reports it, simulated so it runs as root too."""
    old = session_file.read_bytes()

    def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(store.write.tempfile, "mkstemp", refused)
    with pytest.raises(SaveError) as caught:
        store.save_session(populated, session_file)
    assert caught.value.lines == [
        f"{session_file}: could not save: no permission to write in {session_file.parent}. The previous version on "
        "disk is intact."
    ]
    assert session_file.read_bytes() == old


@pytest.mark.parametrize(
    "target, code, reason",
    [
        ("fsync", errno.ENOSPC, "the disk is full"),
        ("replace", errno.EIO, "Input/output error"),
        ("mkstemp", errno.EDQUOT, "the disk is full"),
    ],
)
def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    populated: Session, session_file: Path, monkeypatch: pytest.MonkeyPatch, target: str, code: int, reason: str
) -> None:
    old = session_file.read_bytes()

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(code, os.strerror(code))

    if target == "mkstemp":
        monkeypatch.setattr(store.write.tempfile, "mkstemp", failing)
    else:
        monkeypatch.setattr(os, target, failing)
    editing.add_parking(populated, "Unsaved")
    with pytest.raises(SaveError) as caught:
        store.save_session(populated, session_file)
    monkeypatch.undo()
    assert caught.value.lines == [f"{session_file}: could not save: {reason}. The previous version on disk is intact."]
    assert session_file.read_bytes() == old
    assert temp_files(session_file.parent) == []


# --- SessionFile: locks, read-only, changes on disk ------------------------------------------


def test_second_open_for_writing_is_refused_but_read_only_works(session_file: Path) -> None:
    first = SessionFile.open(session_file)
    try:
        with pytest.raises(LockedError) as caught:
            SessionFile.open(session_file)
        message = str(caught.value)
        assert len(caught.value.lines) == 1
        assert str(session_file) in message and "already open for writing" in message
        assert "read-only" in message and f"pid {os.getpid()}" in message
        viewer = SessionFile.open(session_file, readonly=True)
        assert viewer.session == first.session and viewer.readonly
        with pytest.raises(SaveError, match="read-only"):
            viewer.save()
    finally:
        first.close()
    with SessionFile.open(session_file) as again:  # released on close
        assert not again.readonly
    SessionFile.open(session_file).close()  # and on leaving the with block


def test_read_only_save_writes_nothing(session_file: Path) -> None:
    old = session_file.read_bytes()
    viewer = SessionFile.open(session_file, readonly=True)
    editing.add_parking(viewer.session, "Unsaved")
    with pytest.raises(SaveError):
        viewer.save()
    assert session_file.read_bytes() == old
    assert folder_listing(session_file.parent) == [session_file.name]


CHILD = textwrap.dedent(
    """
    import sys, time
    from ibb_facilitator.store import SessionFile
    opened = SessionFile.open(sys.argv[1])
    print("locked", flush=True)
    time.sleep(120)
    """
)


@pytest.mark.slow
def test_a_lock_held_by_another_process_is_refused_until_it_dies(session_file: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(session_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "locked", child.stderr.read() if child.stderr else ""
        with pytest.raises(LockedError) as caught:
            SessionFile.open(session_file)
        assert f"pid {child.pid}" in str(caught.value)
        SessionFile.open(session_file, readonly=True)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
    with SessionFile.open(session_file) as opened:  # the OS dropped the dead process's lock
        opened.save()


def test_a_file_changed_on_disk_is_not_overwritten(session_file: Path, tmp_path: Path) -> None:
    opened = SessionFile.open(session_file)
    theirs = session_file.read_text() + "\n# edited in another program\n"
    session_file.write_text(theirs)
    editing.add_parking(opened.session, "Ours")
    with pytest.raises(SaveError, match="changed on disk"):
        opened.save()
    assert session_file.read_text() == theirs
    elsewhere = tmp_path / "ours.toml"
    opened.save_as(elsewhere)  # the way out
    assert opened.path == elsewhere
    assert store.load_session(elsewhere).parking_lot[-1].text == "Ours"
    SessionFile.open(session_file).close()  # the old path's lock was released
    editing.add_parking(opened.session, "More")
    opened.save()
    assert store.load_session(elsewhere).parking_lot[-1].text == "More"
    opened.close()


def test_repeated_saves_through_a_session_file(session_file: Path) -> None:
    with SessionFile.open(session_file) as opened:
        for n in range(3):
            editing.add_parking(opened.session, f"Item {n}")
            opened.save()
        assert store.load_session(session_file) == opened.session


def test_broken_temp_files_are_moved_aside_on_open_for_writing(session_file: Path) -> None:
    """Never deleted: a half-written save is moved aside where it can be seen (issue 12)."""
    folder = session_file.parent
    stale = [folder / f".{session_file.name}.k3j4h5.tmp", folder / f".{session_file.name}.4242.bak.tmp"]
    other = folder / ".another.toml.abc.tmp"
    for path in [*stale, other]:
        path.write_text("half a save")
    SessionFile.open(session_file, readonly=True).close()
    assert all(p.exists() for p in stale)  # read-only touches nothing
    with SessionFile.open(session_file) as opened:
        assert not any(p.exists() for p in stale)
        assert other.exists()
        assert opened.unsaved == []
    aside = [name for name in folder_listing(folder) if ".broken-tmp-" in name]
    assert len(aside) == 2 and all(name.startswith(f"{session_file.name}.broken-tmp-") for name in aside)
    assert all((folder / name).read_text() == "half a save" for name in aside)


def test_stale_temp_files_glob_escapes_the_name(tmp_path: Path) -> None:
    path = tmp_path / "a[1]*.toml"
    (tmp_path / ".a[1]*.toml.x.tmp").write_text("")
    (tmp_path / ".a1.toml.x.tmp").write_text("")
    assert [p.name for p in store.stale_temp_files(path)] == [".a[1]*.toml.x.tmp"]


def test_create_writes_a_new_file_and_refuses_an_existing_one(populated: Session, tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "s.toml"
    created = SessionFile.create(path, populated)
    try:
        assert store.load_session(path) == populated
        with pytest.raises(LockedError):
            SessionFile.open(path)
    finally:
        created.close()
    old = path.read_bytes()
    with pytest.raises(SaveError, match="already exists"):
        SessionFile.create(path, Session(title="Other"))
    assert path.read_bytes() == old


def test_open_under_a_file_is_refused_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(LockedError, match="cannot write in this folder"):
        SessionFile.open(blocker / "s.toml")


# --- schema versions and migrations -----------------------------------------------------------


def _versioned(text: str, line: str) -> str:
    return re.sub(r"^schema_version = .*$", line, text, count=1, flags=re.M)


@pytest.mark.parametrize(
    "line, expected",
    [
        (f"schema_version = {SCHEMA_VERSION + 1}", "written by a newer ibb_facilitator"),
        ("schema_version = 99", "Upgrade ibb_facilitator"),
        ('schema_version = "1"', "schema_version: missing or not a whole number"),
        ("schema_version = true", "schema_version: missing or not a whole number"),
        ("schema_version = 1.0", "schema_version: missing or not a whole number"),
        ("", "schema_version: missing or not a whole number"),
        ("schema_version = 0", "is not a valid version"),
    ],
)
def test_schema_version_problems_are_clear(populated: Session, line: str, expected: str) -> None:
    text = _versioned(store.dumps_session(populated), line)
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "s.toml")
    assert len(caught.value.lines) == 1
    assert caught.value.lines[0].startswith("s.toml: ") and expected in caught.value.lines[0]


def test_migrations_are_applied_in_order(populated: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    old_text = store.dumps_session(populated).replace("\ntitle = ", "\nname = ", 1)

    def two_to_three(data: dict) -> dict:  # type: ignore[type-arg]
        data["title"] = data.pop("name")
        return data

    def three_to_four(data: dict) -> dict:  # type: ignore[type-arg]
        assert data["schema_version"] == 3
        data["location"] = data.get("location", "") + " (migrated)"
        return data

    assert old_text.startswith(f"schema_version = {SCHEMA_VERSION}\n") and SCHEMA_VERSION == 2
    monkeypatch.setattr(store.migration, "SCHEMA_VERSION", 4)
    monkeypatch.setattr(store.migration, "MIGRATIONS", {2: two_to_three, 3: three_to_four})
    loaded = store.loads_session(old_text, "old.toml")
    assert loaded.title == populated.title
    assert loaded.location == populated.location + " (migrated)"
    assert loaded.schema_version == 4
    assert store.dumps_session(loaded).startswith("schema_version = 4\n")


def test_a_missing_migration_is_reported(populated: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store.migration, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(store.migration, "MIGRATIONS", {})
    with pytest.raises(StoreError, match="no migration from schema_version 2"):
        store.loads_session(store.dumps_session(populated), "s.toml")


# --- bad input: one clear line each -----------------------------------------------------------


def test_toml_syntax_error_gives_file_line_column(populated: Session) -> None:
    lines = store.dumps_session(populated).split("\n")
    at = lines.index("[[issues]]") + 2
    lines.insert(at, "article = Art 12")
    with pytest.raises(StoreError) as caught:
        store.loads_session("\n".join(lines), "s.toml")
    assert len(caught.value.lines) == 1
    assert re.fullmatch(rf"s\.toml:{at + 1}:\d+: \S.*", caught.value.lines[0]), caught.value.lines
    assert "(at line" not in caught.value.lines[0]


@pytest.mark.parametrize(
    "text, line, col",
    [
        ('title = "x"\nfoo = \n', 2, 7),
        ('a = 1\nb = 2\nc = "unterminated\n', 3, 18),
        ("a = 1\n[b\n", 2, 3),
    ],
)
def test_toml_syntax_positions(text: str, line: int, col: int) -> None:
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "f.toml")
    assert caught.value.lines[0].startswith(f"f.toml:{line}:{col}: ")


SCHEMA_DOC = "\n".join(
    [
        "schema_version = 1",
        'title = "Spring"',
        "created = 2026-11-23T09:00:00-05:00",
        "",
        "[[parties]]",
        'id = "labor"',
        'name = "Lakeview Education Association"',
        'short = "U"',
        "",
        "[[parties]]",
        'id = "management"',
        'name = "School Committee"',
        'short = "M"',
        "",
        "[[issues]]",
        'id = "issue-1"',
        'statement = """',
        "How can we keep",
        "[[issues]]",
        "id = 99",
        'ourselves honest?"""',
        "",
        "[[issues]]",
        'id = "issue-2"',
        'statement = "It' + " + 's a one-line string with ' + " + ' in it"',
        'notes = "A line separator\u2028and a next-line\u0085and a paragraph separator\u2029 inside one string"',
        "",
        "[[issues]]",
        'id = "issue-3"',
        'statement = "How can we fund trips?"',
        "",
        "[[issues.interests]]",
        'id = "interest-1"',
        'text = "Every child goes"',
        "HOLDER_LINE",
        "",
        "[[issues.interests]]",
        'id = "interest-2"',
        'text = "No new cost"',
        'holder = "management"',
        "",
    ]
)


def _line_no(text: str, needle: str) -> int:
    return text.split("\n").index(needle) + 1


def test_schema_error_names_the_path_and_the_right_line() -> None:
    text = SCHEMA_DOC.replace("HOLDER_LINE", 'holder = "ghost"')
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "s.toml")
    line = _line_no(text, 'holder = "ghost"')
    assert caught.value.lines == [
        f"s.toml:{line}: issues[2].interests[0].holder: unknown party 'ghost'; expected one of 'labor', 'management', "
        "'mutual'"
    ]


def test_wrong_type_error_names_the_path_and_the_right_line() -> None:
    text = SCHEMA_DOC.replace("HOLDER_LINE", "holder = 5")
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "s.toml")
    line = _line_no(text, "holder = 5")
    assert caught.value.lines == [f"s.toml:{line}: issues[2].interests[0].holder: Input should be a valid string"]


COLOUR = 'colour = "red"'
ISSUE_3 = 'id = "issue-3"'
SIDE = 'side = "referee"'
STATUS = 'status = "agreed"'


def test_several_schema_errors_one_line_each() -> None:
    text = SCHEMA_DOC.replace("HOLDER_LINE", "holder = 5\n" + COLOUR)
    text = text.replace('statement = "How can we fund trips?"', "")
    text = text.replace('short = "M"', 'short = "M"\n' + SIDE)
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "s.toml")
    got = caught.value.lines
    assert len(got) == 4, got
    expected = {
        f"s.toml:{_line_no(text, 'holder = 5')}: issues[2].interests[0].holder: ",
        f"s.toml:{_line_no(text, COLOUR)}: issues[2].interests[0].colour: unknown field (a typo?)",
        f"s.toml:{_line_no(text, ISSUE_3) - 1}: issues[2].statement: required field is missing",
        f"s.toml:{_line_no(text, SIDE)}: parties[1].side: ",
    }
    for prefix in expected:
        assert any(line.startswith(prefix) for line in got), (prefix, got)


def test_union_errors_are_merged_into_one_line() -> None:
    text = SCHEMA_DOC.replace("HOLDER_LINE", 'holder = "labor"') + textwrap.dedent(
        """
        [[issues.checks]]
        id = "check-1"
        method = "fist_to_five"
        at = 2026-11-23T10:00:00-05:00
        outcome = "consensus"
        responses = [
            { who = "Ana", value = 2.5 },
        ]
        """
    )
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "s.toml")
    assert len(caught.value.lines) == 1
    line = caught.value.lines[0]
    own = next(n for n, text_line in enumerate(text.split("\n"), start=1) if "{ who = " in text_line)
    assert line.startswith(f"s.toml:{own}: issues[2].checks[0].responses[0].value: ")  # the response's own line
    assert " or " in line


def test_rule_errors_are_reported_like_schema_errors() -> None:
    text = SCHEMA_DOC.replace("HOLDER_LINE", 'holder = "labor"').replace('id = "issue-2"', 'id = "issue-2"\n' + STATUS)
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "s.toml")
    assert caught.value.lines == [
        f"s.toml:{_line_no(text, STATUS)}: issues[1].status: an agreed issue needs a tentative agreement"
    ]


def test_the_schema_doc_is_otherwise_valid() -> None:
    session = store.loads_session(SCHEMA_DOC.replace("HOLDER_LINE", 'holder = "labor"'), "s.toml")
    assert session.issues[0].statement == "How can we keep\n[[issues]]\nid = 99\nourselves honest?"
    assert (
        session.issues[1].notes
        == "A line separator\u2028and a next-line\u0085and a paragraph separator\u2029 inside one string"
    )


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_FILES = [
    ("empty", lambda d: _write(d / "s.toml", b""), "the file is empty"),
    ("whitespace", lambda d: _write(d / "s.toml", b"  \n\t\r\n  "), "the file is empty"),
    (
        "binary",
        lambda d: _write(d / "s.toml", b"schema_version = 1\x00\x01\x02"),
        "not a text file (binary data at byte 18)",
    ),
    ("latin-1", lambda d: _write(d / "s.toml", 'title = "Müller"'.encode("latin-1")), "not a UTF-8 text file"),
    ("folder", lambda d: (d / "s.toml").mkdir() or d / "s.toml", "is a folder, not a file"),
    ("missing", lambda d: d / "nope.toml", "no such file"),
    ("deep", lambda d: _write(d / "s.toml", b"a = " + b"[" * 100000), "nested too deeply"),
    ("deep tables", lambda d: _write(d / "s.toml", b"a = " + b"{b = " * 100000), "nested too deeply"),
    ("not toml", lambda d: _write(d / "s.toml", b"<html><body>hello</body></html>\n"), "s.toml:1:"),
    ("agenda-like", lambda d: _write(d / "s.toml", b'name = "x"\n'), "schema_version: missing"),
]


@pytest.mark.parametrize("make, expected", [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES])
def test_bad_files_give_one_clear_line(tmp_path: Path, make, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(StoreError) as caught:
        store.load_session(path)
    assert len(caught.value.lines) == 1, caught.value.lines
    assert caught.value.lines[0].startswith(f"{path}:")
    assert expected in caught.value.lines[0]


def test_too_large_file(tmp_path: Path, populated: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.toml"
    store.save_session(populated, path)
    monkeypatch.setattr(store.read, "MAX_BYTES", 100)
    with pytest.raises(StoreError) as caught:
        store.load_session(path)
    assert len(caught.value.lines) == 1
    assert caught.value.lines[0].startswith(f"{path}: too large")


@pytest.mark.skipif(running_as_root(), reason="root reads any file")
def test_unreadable_file(session_file: Path) -> None:
    session_file.chmod(0)
    try:
        with pytest.raises(StoreError) as caught:
            store.load_session(session_file)
        assert caught.value.lines == [f"{session_file}: cannot read it (permission denied)"]
    finally:
        session_file.chmod(0o644)


def test_permission_denied_on_read_is_explained(session_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The unreadable-file case as the OS reports it, simulated so it runs as root too."""

    real_open = os.open

    def refused(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == session_file:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(StoreError) as caught:
        store.load_session(session_file)
    assert caught.value.lines == [f"{session_file}: cannot read it (permission denied)"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: re.sub(r"^schema_version = \d+$", "schema_version = 99", t, count=1, flags=re.M),
        lambda t: t.replace('holder = "labor"', 'holder = "ghost"', 1),
        lambda t: t + "\n[[[oops\n",
        lambda t: "",
    ],
    ids=["newer", "schema", "syntax", "empty"],
)
def test_nothing_is_written_over_a_file_that_failed_to_load(session_file: Path, damage) -> None:  # type: ignore[no-untyped-def]
    bad = damage(session_file.read_text()).encode()
    session_file.write_bytes(bad)
    stat = session_file.stat()
    with pytest.raises(StoreError):
        SessionFile.open(session_file)
    with pytest.raises(StoreError):
        SessionFile.open(session_file, readonly=True)
    assert session_file.read_bytes() == bad
    assert session_file.stat().st_mtime_ns == stat.st_mtime_ns
    assert folder_listing(session_file.parent) == [session_file.name]  # no .bak, no lock, no temp


def test_every_name_the_store_offers_resolves() -> None:
    """The package imports its names on first use (``store._HOME``): each one it lists must be there,
    and no name may be listed in one place only."""
    assert set(store.__all__) - {"SCHEMA_VERSION"} <= set(store._HOME) | {"StoreError", "LockedError", "SaveError"}
    for name in [*store.__all__, *store._HOME]:
        assert getattr(store, name) is not None, name


def test_a_new_file_in_a_folder_that_never_existed_is_not_said_to_be_gone(tmp_path: Path) -> None:
    """``ibb export -o nonexist/x.html``: the folder was never there, and there was no previous version."""
    path = tmp_path / "nonexist" / "x.html"
    with pytest.raises(SaveError) as caught:
        store.write_atomic(path, b"<p>minutes</p>", backup=False)
    assert caught.value.lines == [f"{path}: could not save: there is no folder {path.parent}."]
