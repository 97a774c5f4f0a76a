"""A three-session negotiation walked through the command line.

Session 1 opens the issues and reaches one TA; session 2 is made with ``ibb new --after``,
carries the rest, reopens and supersedes that TA and reaches two more; its joint update is
approved by both spokespersons; session 3 (made the same way) ratifies. The board, the TA
package, the joint update and the ratification record are checked in every format (text, md,
html, docx), then the rule: a ratified package changes only by a TA that says so.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from negotiation_world import agree, export_texts, write_first

from ibb_facilitator import editing, store
from ibb_facilitator.cli import main
from ibb_facilitator.model import IssueStatus, MinutesVerdict, Stage
from ibb_facilitator.negotiation import facts

TODAY = date.today().isoformat()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    facts.forget()  # as a new process would
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def texts(capsys, folder: Path, *argv: str) -> dict[str, str]:
    """The same export in md, html and docx, as plain text each."""
    return export_texts(folder, *argv, run=lambda *a: run(capsys, *a))


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # the board's table fits what the test looks for


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "lakeview-2027"
    d.mkdir()
    return d


def test_three_sessions(capsys, folder: Path) -> None:
    # --- session 1: the issues, one TA ----------------------------------------------------------
    s1_path, ids = write_first(folder)
    s1_bytes = hashlib.sha256(s1_path.read_bytes()).hexdigest()
    code, _, err = run(
        capsys,
        "negotiation",
        "init",
        str(folder),
        "--name",
        "Lakeview 2027 successor contract",
        "--article",
        "9: Salaries",
        "--article",
        "12: Class size",
        "--article",
        "16: Professional time",
    )
    assert code == 0 and "Wrote" in err
    code, out, _ = run(capsys, "validate", str(folder / "negotiation.toml"))
    assert code == 0 and "negotiation, 1 session, 1 TA in force, 0 ratification votes" in out

    # --- session 2: carried with --after; reopens the TA, reaches two more ------------------------
    code, _, err = run(capsys, "new", "--after", str(s1_path), "--no-open")
    assert code == 0, err
    assert (
        "Lakeview 2027 successor contract, session 2: Carried over: 2 open issues, 1 agreed (linked to their TA), "
        in err
    )
    assert "The next meeting's agenda: " in err and "blocks, " in err  # planned from what is open
    s2_path = folder / "session-2.toml"
    assert f"Wrote {s2_path}" in err and hashlib.sha256(s1_path.read_bytes()).hexdigest() == s1_bytes
    code, _, err = run(capsys, "new", "--after", str(s1_path), "--no-open", "-o", str(folder.parent / "elsewhere.toml"))
    assert code == 1 and "the next session goes in the folder of session-1.toml" in err
    s2 = store.load_session(s2_path)
    assert s2.issue(ids["planning"]).agreed_in.ta == ids["ta1"] and s2.issue(ids["buses"]) is None
    editing.record_minutes(s2, MinutesVerdict.CORRECTED, "Dana Liu chaired the afternoon.")
    editing.set_status(s2, ids["planning"], IssueStatus.OPEN)
    editing.set_stage(s2, ids["planning"], Stage.CONSENSUS)
    ta2 = agree(s2, ids["planning"], "16.4 Two common planning periods a week.", title="Common planning")
    ta3 = agree(s2, ids["salary"], "9.1 Salaries rise 3 % a year.", title="Salaries")
    agree(s2, ids["class"], "12.1 At most 24 pupils in a class.", title="Class size")
    editing.edit_action(s2, ids["request"], done=True)
    store.save_session(s2, s2_path)

    code, out, _ = run(capsys, "board", str(folder))
    assert code == 0
    assert "Complete: all 3 issues are agreed" in out and "Ratification: No ratification vote recorded yet." in out
    lines = out.splitlines()
    table = lines[lines.index(next(line for line in lines if line.startswith("Article "))) + 2 :]
    assert [line.split("  ")[0].strip() for line in table] == [
        "Article 9",
        "Article 12",
        "Article 16",
        "",
    ]  # the contract's order
    planning = next(line for line in table if line.startswith("Article 16"))
    assert "Agreed (TA)" in planning and "U: AR, M: BH" in planning and re.search(r"\s1\s", planning)  # supersedes 1
    code, out, _ = run(capsys, "board", str(s2_path), "--filter", "withdrawn")
    assert "How can the buses run on time?" in out and "1 of 4 issues match withdrawn." in out
    for fmt in ("md", "html"):
        code, out, _ = run(capsys, "board", str(folder), "--format", fmt)
        assert code == 0 and "bargaining status board" in out.lower() and "How can class sizes stay workable?" in out

    # the joint update of session 2: a draft until both spokespersons approve it
    code, out, _ = run(capsys, "export", str(s2_path), "--report", "update")
    assert "DRAFT" in out and "not yet approved" in out and "Salaries" in out
    assert f"replaces {ids['ta1']} of session-1.toml" in out
    code, out, err = run(capsys, "negotiation", "approve", str(s2_path), "--party", "U", "--initials", "AR")
    assert code == 0 and "Waiting for: M." in out
    code, out, err = run(capsys, "negotiation", "approve", str(s2_path), "--party", "management", "--initials", "BH")
    assert code == 0 and "Every party has approved it: it may go out." in out
    for fmt, text in texts(capsys, folder, "export", str(s2_path), "--report", "update").items():
        assert "DRAFT" not in text, fmt
        assert "Approved by every party's spokesperson" in text and "AR" in text and "BH" in text, fmt
        assert (
            "What we worked on" in text
            and "Carried over to the next session" in text
            and "No issue remains open." in text
        ), fmt
    minutes = run(capsys, "export", str(s2_path))[1]
    assert (
        "## Previous session" in minutes
        and "accepted as corrected" in minutes
        and "Dana Liu chaired the afternoon." in minutes
    )
    assert "Carried over from:** session-1.toml" in minutes

    # a change to session 2 after the approval: the approval is for the earlier draft
    editing.add_parking(s2, "Sick leave bank")
    store.save_session(s2, s2_path)
    out = run(capsys, "export", str(s2_path), "--report", "update")[1]
    assert "DRAFT" in out and "approved an earlier draft" in out
    code, out, _ = run(capsys, "negotiation", "approve", str(s2_path), "--party", "management", "--initials", "BH")
    code, out, _ = run(capsys, "negotiation", "approve", str(s2_path), "--party", "labor", "--initials", "AR")
    assert "Every party has approved it" in out

    # --- session 3: ratification -----------------------------------------------------------------
    code, _, err = run(capsys, "new", "--after", str(s2_path), "--no-open")
    assert code == 0 and "0 open issues, 3 agreed" in err
    out = run(capsys, "export", str(s2_path), "--report", "update")[1]
    assert "DRAFT" not in out  # a later session does not change what was approved
    s3_path = folder / "session-3.toml"
    s3 = store.load_session(s3_path)
    editing.record_minutes(s3, MinutesVerdict.ACCEPTED)
    store.save_session(s3, s3_path)
    code, out, _ = run(
        capsys,
        "negotiation",
        "ratify",
        str(folder),
        "--party",
        "labor",
        "--date",
        TODAY,
        "--result",
        "ratified",
        "--body",
        "LEA membership",
        "--yes",
        "212",
        "--no",
        "31",
        "--abstain",
        "4",
    )
    assert code == 0 and f"Recorded: Lakeview Education Association ratified the package on {TODAY} (3 TAs)." in out
    code, out, _ = run(
        capsys,
        "negotiation",
        "ratify",
        str(s3_path),
        "--party",
        "M",
        "--date",
        TODAY,
        "--result",
        "ratified",
        "--body",
        "School committee",
        "--yes",
        "5",
        "--no",
        "0",
    )
    assert code == 0 and "Ratified by every party" in out
    code, out, _ = run(capsys, "board", str(folder))
    assert "Ratification: Ratified by every party" in out and out.count("U, M") == 3
    code, out, _ = run(capsys, "validate", str(folder / "negotiation.toml"))
    assert code == 0 and "2 ratification votes, 4 update approvals" in out

    package = texts(capsys, folder, "export", str(folder), "--report", "package")
    for fmt, text in package.items():
        assert "tentative agreement package" in text.lower(), fmt
        assert "Complete: all 3 issues are agreed" in text, fmt
        # numbered in the contract's article order: 9, 12, 16
        assert (
            text.index("9.1 Salaries rise 3 %") < text.index("12.1 At most 24") < text.index("16.4 Two common planning")
        ), fmt
        assert re.search(r"TA 1\W+Salaries", text) and re.search(r"TA 3\W+Common planning", text), fmt
        assert "Appendix: superseded tentative agreements (not in force)" in text, fmt
        assert f"superseded by {ta2.id} of session-2.toml (TA 3 above)" in text, fmt
        assert "16.4 Each grade team has one common planning period a week." in text, fmt  # the superseded language
        assert "LEA membership" in text and "212" in text and "School committee" in text, fmt
        assert re.search(r"U: \W*AR", text), fmt
        assert "Ratified by every party" in text, fmt

    # --- the rule: a ratified package changes only by a TA that says so ---------------------------
    editing.edit_agreement(s3 := store.load_session(s2_path), ta3.id, "9.1 Salaries rise 4 % a year.")
    store.save_session(s3, s2_path)
    code, out, _ = run(capsys, "board", str(folder))
    assert f"PROBLEM: session-2.toml: TA {ta3.id} was ratified by Lakeview Education Association" in out
    code, _, err = run(capsys, "export", str(folder), "--report", "package")
    assert (
        code == 1
        and "the package cannot be exported until this is put right" in err
        and "its language has changed since" in err
    )
    code, _, err = run(
        capsys, "negotiation", "ratify", str(folder), "--party", "labor", "--date", TODAY, "--result", "ratified"
    )
    assert code == 1 and "the package changed since it was ratified" in err
    code, _, err = run(capsys, "validate", str(folder / "negotiation.toml"))
    assert code == 1 and "its language has changed since" in err
    editing.edit_agreement(s3, ta3.id, "9.1 Salaries rise 3 % a year.")  # put back as ratified
    store.save_session(s3, s2_path)
    # the lawful way: a new TA in session 3 that amends the ratified package
    s3 = store.load_session(s3_path)
    editing.set_status(s3, ids["class"], IssueStatus.OPEN)
    ta5 = agree(s3, ids["class"], "12.1 At most 23 pupils in a class.", title="Class size")
    store.save_session(s3, s3_path)
    assert "replaced it without saying" in run(capsys, "board", str(folder))[1]
    editing.set_amends_ratified(s3, ta5.id, "Class size 23 instead of 24")
    store.save_session(s3, s3_path)
    code, out, _ = run(capsys, "board", str(folder))
    assert "PROBLEM" not in out and f"Amends the ratified package, to be ratified: {ta5.id} of session-3.toml" in out
    assert "the package has changed since" in out
    md = run(capsys, "export", str(folder), "--report", "package")[1]
    assert "Amended after ratification (to be ratified)" in md and "12.1 At most 23 pupils" in md
    assert md.index("12.1 At most 23 pupils") < md.index("Appendix")  # in force; the old one in the appendix
    # undo the last vote: the record says so, and the board follows
    code, out, _ = run(capsys, "negotiation", "undo", str(folder))
    assert code == 0 and out.startswith("Undone: Lakeview School Committee ratified")
    out = run(capsys, "negotiation", "show", str(folder))[1]
    assert "Lakeview School Committee: no vote recorded yet" in out and "3. session-3.toml" in out


def test_the_board_of_an_unchanged_folder_does_not_load_the_models(folder: Path) -> None:
    write_first(folder)
    probe = (
        "import sys; from ibb_facilitator.cli import main; code = main(['board', sys.argv[1]]); "
        "print('PYDANTIC' if 'pydantic' in sys.modules else 'LIGHT', code)"
    )
    first = subprocess.run([sys.executable, "-c", probe, str(folder)], capture_output=True, text=True, timeout=60)
    assert first.returncode == 0 and first.stdout.strip().endswith("PYDANTIC 0"), first.stderr  # read the file once
    again = subprocess.run([sys.executable, "-c", probe, str(folder)], capture_output=True, text=True, timeout=60)
    assert again.stdout.strip().endswith("LIGHT 0"), again.stderr
    assert "How can salaries keep up with the cost of living?" in again.stdout


def test_board_and_export_refusals(capsys, folder: Path) -> None:
    code, _, err = run(capsys, "board", str(folder))
    assert code == 1 and "no session files here" in err
    code, _, err = run(capsys, "board", str(folder / "nope.toml"))
    assert code == 1 and "no such folder or session file" in err
    write_first(folder)
    code, _, err = run(capsys, "board", str(folder), "-o", str(folder / "b.txt"))
    assert code == 1 and "use --format md or html" in err
    code, _, err = run(capsys, "board", str(folder), "--format", "md", "-o", str(folder / "session-1.toml"))
    assert code == 1 and "a report never replaces it" in err
    (folder / "negotiation.toml").write_text("name = \n")
    code, _, err = run(
        capsys, "negotiation", "ratify", str(folder), "--party", "labor", "--date", TODAY, "--result", "rejected"
    )
    assert code == 1 and "the manifest is never written over while it cannot be read" in err
    assert (folder / "negotiation.toml").read_text() == "name = \n"
    code, _, err = run(capsys, "export", str(folder), "--report", "package")
    assert code == 1 and "negotiation.toml" in err


async def test_the_next_session_opens_in_the_app_and_is_saved_there(folder: Path, monkeypatch) -> None:
    """``ibb new --after`` without --no-open: the set-up screen shows the carried session, and
    starting it writes the new file beside the previous one, the earlier file untouched."""
    from ibb_facilitator import cli
    from ibb_facilitator.tui.app import IbbApp

    s1_path, ids = write_first(folder)
    before = s1_path.read_bytes()
    made: dict = {}
    monkeypatch.setattr(cli, "_run_app", lambda **kwargs: made.update(kwargs) or 0)
    assert main(["new", "--after", str(s1_path)]) == 0
    assert made["new_path"] == folder / "session-2.toml"
    app = IbbApp(new_session=made["new_session"], new_path=made["new_path"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        for _ in range(50):
            await pilot.pause(0.02)
            if app.file is not None:
                break
        app.flush()
        await pilot.press("ctrl+q")
    saved = store.load_session(folder / "session-2.toml")
    assert saved.previous.file == "session-1.toml" and saved.issue(ids["salary"]).carried_from == "session-1.toml"
    assert saved.issue(ids["planning"]).agreed_in.ta == ids["ta1"]
    assert s1_path.read_bytes() == before


# --- the board's columns at any width -----------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 100, 120, 140, 160, 200])
def test_the_board_fits_the_terminal_and_keeps_what_matters(capsys, monkeypatch, folder: Path, width: int) -> None:
    """A zoomed wall (80 columns) or a laptop (120): the table never runs off the side; columns
    go least needed first (Sup., Req., Ratified), the article keeps its number, the TA its date."""
    from ibb_facilitator.negotiation.board import HEADINGS, column_widths

    write_first(folder)
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, _ = run(capsys, "board", str(folder))
    assert code == 0
    table = out.splitlines()[out.splitlines().index("") + 1 :]
    assert max(len(line) for line in table) <= width
    assert all(key in table[0] for key in ("Article", "Issue", "Status", "TA in force", "Days"))
    planning = next(line for line in table if "Agreed" in line)  # Article 16
    assert planning.startswith(("Article 16", "Art. 16")) and date.today().isoformat() in planning
    shown = list(column_widths(width))
    assert shown == [key for key in HEADINGS if key in shown]  # the order never changes
    wider = list(column_widths(width + 20))
    assert set(shown) <= set(wider)  # a wider screen never shows fewer columns
    if width >= 140:
        assert shown == [key for key in HEADINGS if key != "cost"]  # (TA cost: only when a TA is costed)
    costed = list(column_widths(width, costs=True))
    assert costed == [key for key in HEADINGS if key in costed]  # the cost column in its place
