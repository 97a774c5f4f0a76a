"""The negotiation across its files: order, issue state, TAs in force, the package, the
ratification rule, the board's rows, the facts cache and the manifest's record."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from negotiation_world import agree, new_session, write_first

from ibb_facilitator import editing, store
from ibb_facilitator.model import IssueStatus, Stage
from ibb_facilitator.negotiation import NegotiationError, facts, folder_of, load
from ibb_facilitator.negotiation.board import filter_rows, rows, sort_rows, summary
from ibb_facilitator.negotiation.carryover import carry
from ibb_facilitator.negotiation.core import article_order
from ibb_facilitator.negotiation.manifest import (
    Article,
    PackageTA,
    approve_update,
    dumps,
    loads,
    open_manifest,
    record_vote,
    save,
    undo,
)

TODAY = date.today()


@pytest.fixture(autouse=True)
def _fresh_memory():
    facts.forget()
    yield
    facts.forget()


def two_sessions(folder: Path, *, reopen: bool = True) -> dict[str, str]:
    """Session 1 (write_first), then session 2 carried from it: planning reopened and agreed
    again (when ``reopen``), salaries agreed, class size still open."""
    path, ids = write_first(folder)
    s2 = carry(store.load_session(path), path.name)
    if reopen:
        editing.set_status(s2, ids["planning"], IssueStatus.OPEN)
        editing.set_stage(s2, ids["planning"], Stage.CONSENSUS)
        ids["ta2"] = agree(s2, ids["planning"], "16.4 Two common planning periods a week.", title="Common planning").id
    ids["ta3"] = agree(s2, ids["salary"], "9.1 Salaries rise 3 % a year.", title="Salaries").id
    store.save_session(s2, folder / "session-2.toml")
    return ids


def ratify_all(folder: Path, neg=None) -> None:
    neg = neg or load(folder)
    opened = open_manifest(folder, default_name=neg.name)
    package = [PackageTA(**row) for row in neg.package_rows()]
    for party in ("labor", "management"):
        record_vote(opened.manifest, party=party, on=TODAY, result="ratified", yes=10, no=2, package=package)
    save(opened)
    facts.forget()


# --- order and issues ---------------------------------------------------------------------------


def test_sessions_follow_their_carry_links(tmp_path: Path) -> None:
    path, _ = write_first(tmp_path)
    s2 = carry(store.load_session(path), path.name)
    s2.meeting_days = [date(2000, 1, 3)]  # planned long before session 1: the link still wins
    store.save_session(s2, tmp_path / "a-second.toml")
    neg = load(tmp_path)
    assert [s.file for s in neg.sessions] == ["session-1.toml", "a-second.toml"]
    assert neg.next_session("session-1.toml").file == "a-second.toml" and neg.next_session("a-second.toml") is None
    assert neg.name == "Lakeview 2027 successor contract"  # no manifest: the first title less ", session 1"


def test_issues_across_the_files(tmp_path: Path) -> None:
    ids = two_sessions(tmp_path)
    neg = load(tmp_path, today=TODAY + timedelta(days=10))
    planning, salary, klass, buses = (neg.issue(ids[k]) for k in ("planning", "salary", "class", "buses"))
    assert (planning.status, planning.file, planning.worked_file) == ("agreed", "session-2.toml", "session-2.toml")
    assert (planning.ta.file, planning.ta.id) == ("session-2.toml", ids["ta2"])
    assert [(t.file, t.id) for t in planning.earlier] == [("session-1.toml", ids["ta1"])]
    assert planning.earlier[0].superseded_by == ("session-2.toml", ids["ta2"])
    assert (
        klass.status == "open" and klass.worked_file == "session-1.toml" and klass.ta is None
    )  # not touched in session 2
    assert klass.days_open(neg.today) == 10
    assert salary.days_open(neg.today) == 0  # agreed the day it was raised
    assert (buses.status, buses.file) == ("withdrawn", "session-1.toml")
    assert [r.id for r in salary.requests] == [ids["request"]]  # the carried request, once
    assert neg.package.remaining == [klass] and not neg.package.complete


def test_a_request_done_later_is_closed(tmp_path: Path) -> None:
    path, ids = write_first(tmp_path)
    s2 = carry(store.load_session(path), path.name)
    editing.edit_action(s2, ids["request"], done=True)
    store.save_session(s2, tmp_path / "session-2.toml")
    assert load(tmp_path).issue(ids["salary"]).requests == ()


def test_an_unreopened_earlier_ta_stays_in_force(tmp_path: Path) -> None:
    ids = two_sessions(tmp_path, reopen=False)
    neg = load(tmp_path)
    planning = neg.issue(ids["planning"])
    assert (planning.ta.file, planning.ta.id, planning.earlier) == ("session-1.toml", ids["ta1"], ())
    assert [t.id for t in neg.package.appendix] == []


def test_articles_order_the_package(tmp_path: Path) -> None:
    ids = two_sessions(tmp_path)
    articles = [("12", "Class size"), ("9", "Salaries"), ("16", "Professional time")]
    assert article_order("Article 16", articles) == (0, (2,)) and article_order("16.4", articles) == (0, (2,))
    assert article_order("160", articles)[0] == 1 and article_order("Salaries", articles) == (0, (1,))
    assert article_order("", articles) == (2, ())
    neg = load(tmp_path)
    assert [t.id for t in neg.package.current] == [ids["ta3"], ids["ta2"]]  # natural order: 9 before 16
    opened = open_manifest(tmp_path, default_name="x")
    opened.manifest.articles = [Article(number=n, title=t) for n, t in articles[::-1]]  # 16, 9, 12
    save(opened)
    neg = load(tmp_path)
    assert [t.id for t in neg.package.current] == [ids["ta2"], ids["ta3"]]
    assert [i.id for i in neg.issues][:3] == [ids["planning"], ids["salary"], ids["class"]]


def test_a_withdrawn_issues_ta_is_not_in_the_package(tmp_path: Path) -> None:
    path, ids = write_first(tmp_path)
    s2 = carry(store.load_session(path), path.name)
    editing.set_status(s2, ids["planning"], IssueStatus.OPEN)
    editing.set_status(s2, ids["planning"], IssueStatus.WITHDRAWN)
    store.save_session(s2, tmp_path / "session-2.toml")
    neg = load(tmp_path)
    assert neg.package.current == [] and [t.id for t in neg.package.appendix] == [ids["ta1"]]


def test_the_package_state_says_what_remains(tmp_path: Path) -> None:
    ids = two_sessions(tmp_path)
    neg = load(tmp_path)
    assert neg.package.state() == (
        "Not complete: nothing is agreed until everything is agreed. 2 of 3 issues agreed; 1 remains: "
        "How can class sizes stay workable? (Article 12)."
    )
    s2 = store.load_session(tmp_path / "session-2.toml")
    agree(s2, ids["class"], "12.1 At most 24 pupils.")
    store.save_session(s2, tmp_path / "session-2.toml")
    assert load(tmp_path).package.state().startswith("Complete: all 3 issues are agreed")


# --- ratification -------------------------------------------------------------------------------


def test_a_ratified_package_is_recorded_per_party(tmp_path: Path) -> None:
    two_sessions(tmp_path)
    ratify_all(tmp_path)
    neg = load(tmp_path)
    assert neg.ratification.complete and neg.ratification.problems == []
    assert neg.ratification.state().startswith("Ratified by every party: Lakeview Education Association: ratified on")
    board = {r.issue: r for r in rows(neg)}
    assert {r.ratified_by for r in board.values() if r.ta} == {"U, M"}


def test_changed_language_after_ratification_is_a_problem(tmp_path: Path) -> None:
    ids = two_sessions(tmp_path)
    ratify_all(tmp_path)
    neg = load(tmp_path)
    assert neg.ta("session-2.toml", ids["ta3"]).text == "9.1 Salaries rise 3 % a year."
    assert neg.edit_problem("session-2.toml", ids["ta3"]) == (
        "Lakeview Education Association and Lakeview School Committee ratified this TA as it reads: "
        "record a new TA that amends the ratified package instead of changing its language"
    )
    assert neg.edit_problem("session-1.toml", ids["ta1"]) is None  # superseded: not in the ratified package
    s2 = store.load_session(tmp_path / "session-2.toml")
    editing.edit_agreement(s2, ids["ta3"], "9.1 Salaries rise 4 % a year.")
    store.save_session(s2, tmp_path / "session-2.toml")
    neg = load(tmp_path)
    assert len(neg.ratification.problems) == 2  # against each party's ratification
    assert neg.ratification.problems[0] == (
        f"session-2.toml: TA {ids['ta3']} was ratified by Lakeview Education Association on {TODAY.isoformat()}, "
        "and its "
        "language has changed since: put it back as ratified, or record a new TA that amends the ratified package"
    )
    assert not neg.ratification.complete


def test_a_later_ta_must_say_it_amends_the_ratified_package(tmp_path: Path) -> None:
    ids = two_sessions(tmp_path)
    s2 = store.load_session(tmp_path / "session-2.toml")
    agree(s2, ids["class"], "12.1 At most 24 pupils.")
    store.save_session(s2, tmp_path / "session-2.toml")
    ratify_all(tmp_path)
    s3 = carry(store.load_session(tmp_path / "session-2.toml"), "session-2.toml")
    editing.set_status(s3, ids["salary"], IssueStatus.OPEN)
    new = agree(s3, ids["salary"], "9.1 Salaries rise 3.5 % a year.")
    store.save_session(s3, tmp_path / "session-3.toml")
    neg = load(tmp_path)
    assert any(
        f"TA {ids['ta3']} was ratified" in p and f"session-3.toml: TA {new.id} replaced it without saying" in p
        for p in neg.ratification.problems
    )
    editing.set_amends_ratified(s3, new.id, "Raises the salary increase to 3.5 %")
    store.save_session(s3, tmp_path / "session-3.toml")
    neg = load(tmp_path)
    assert neg.ratification.problems == []
    assert [(t.file, t.id) for t in neg.ratification.amendments] == [("session-3.toml", new.id)]
    assert not neg.ratification.complete and "the package has changed since" in neg.ratification.state()
    # a new TA on an issue not in the ratified package must say so too
    extra = editing.add_issue(s3, "How do we pay for field trips?")
    other = agree(s3, extra.id, "Trips are paid by the district.")
    store.save_session(s3, tmp_path / "session-3.toml")
    problems = load(tmp_path).ratification.problems
    assert any(f"session-3.toml: TA {other.id} was reached after the package was ratified" in p for p in problems)


def test_a_ratified_ta_that_vanished_is_a_problem(tmp_path: Path) -> None:
    two_sessions(tmp_path)
    ratify_all(tmp_path)
    (tmp_path / "session-2.toml").rename(tmp_path / "elsewhere.toml")  # a renamed file loses its TAs' refs
    problems = load(tmp_path).ratification.problems
    assert any("session-2.toml: TA" in p and "is no longer there" in p for p in problems)


def test_a_rejection_binds_nothing_and_the_latest_vote_counts(tmp_path: Path) -> None:
    ids = two_sessions(tmp_path)
    neg = load(tmp_path)
    opened = open_manifest(tmp_path, default_name=neg.name)
    package = [PackageTA(**row) for row in neg.package_rows()]
    record_vote(opened.manifest, party="labor", on=TODAY, result="rejected", yes=3, no=9, package=package)
    save(opened)
    facts.forget()
    s2 = store.load_session(tmp_path / "session-2.toml")
    editing.edit_agreement(s2, ids["ta3"], "9.1 Salaries rise 4 % a year.")
    store.save_session(s2, tmp_path / "session-2.toml")
    neg = load(tmp_path)
    assert neg.ratification.problems == []
    assert neg.ratification.parties[0].line().startswith("Lakeview Education Association: rejected on")


# --- the board ---------------------------------------------------------------------------------


def test_board_rows_filter_and_sort(tmp_path: Path) -> None:
    ids = two_sessions(tmp_path)
    neg = load(tmp_path, today=TODAY + timedelta(days=3))
    board = rows(neg)
    by_id = {r.issue: r for r in board}
    planning = by_id[ids["planning"]]
    assert (
        planning.ta == f"{ids['ta2']} of session-2.toml"
        and planning.superseded == 1
        and planning.ta_initials == "U: AR, M: BH"
    )
    assert planning.path == tmp_path / "session-2.toml" and by_id[ids["buses"]].path == tmp_path / "session-1.toml"
    assert by_id[ids["salary"]].requests == 1 and by_id[ids["class"]].days_open == 3
    assert [r.issue for r in filter_rows(board, "SALARIES")] == [ids["salary"]]
    assert [r.issue for r in filter_rows(board, "withdrawn")] == [ids["buses"]]
    assert [r.issue for r in filter_rows(board, "plan session-2")] == [ids["planning"]]
    assert (
        sort_rows(board, "status")[0].status == "open"
        and sort_rows(board, "status", reverse=True)[0].status == "withdrawn"
    )
    assert sort_rows(board, "days")[0].issue in (ids["class"], ids["buses"])
    assert [r.issue for r in sort_rows(board, "article")] == [r.issue for r in board]
    with pytest.raises(ValueError, match="sort by one of"):
        sort_rows(board, "colour")
    lines = summary(neg)
    assert lines[0] == "Lakeview 2027 successor contract: 2 sessions, 4 issues, 2 TAs in force"


# --- the facts cache ---------------------------------------------------------------------------


def test_unchanged_files_come_from_the_cache(tmp_path: Path) -> None:
    two_sessions(tmp_path)
    assert load(tmp_path).read == 2
    assert load(tmp_path).read == 0  # in memory
    facts.forget()
    assert load(tmp_path).read == 0  # from the cache file
    s1 = tmp_path / "session-1.toml"
    os.utime(s1, ns=(s1.stat().st_atime_ns, s1.stat().st_mtime_ns + 1_000_000))
    assert load(tmp_path).read == 1
    assert load(tmp_path, cache=False).read == 2


def test_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    two_sessions(tmp_path)
    load(tmp_path)
    facts.forget()
    facts.cache_path(tmp_path).write_text("{not json")
    assert load(tmp_path).read == 2
    data = json.loads(facts.cache_path(tmp_path).read_text())
    assert data["version"] == facts.FACTS_VERSION and set(data["files"]) == {"session-1.toml", "session-2.toml"}


def test_other_files_in_the_folder(tmp_path: Path) -> None:
    two_sessions(tmp_path)
    (tmp_path / "broken.toml").write_text("schema_version = 2\ntitle = \n")
    (tmp_path / "agenda.toml").write_text('description = "an agenda"\ntitle = "x"\n')
    (tmp_path / ".hidden.toml").write_text("junk")
    (tmp_path / "session-1.toml.bak").write_text("junk")
    (tmp_path / "sub").mkdir()
    store.save_session(new_session("Another negotiation"), tmp_path / "sub" / "other.toml")
    neg = load(tmp_path)
    assert [s.file for s in neg.sessions] == ["session-1.toml", "session-2.toml"]
    assert [name for name, _ in neg.broken] == ["broken.toml"] and neg.broken[0][1][0].startswith(
        str(tmp_path / "broken.toml")
    )
    assert any(line.startswith("BROKEN: ") for line in summary(neg))


def test_finding_the_folder(tmp_path: Path) -> None:
    path, _ = write_first(tmp_path)
    assert folder_of(path) == tmp_path.resolve() == folder_of(tmp_path)
    with pytest.raises(NegotiationError, match="no such folder or session file"):
        folder_of(tmp_path / "missing.toml")


# --- the manifest ------------------------------------------------------------------------------


def test_the_manifest_round_trips(tmp_path: Path) -> None:
    two_sessions(tmp_path)
    neg = load(tmp_path)
    opened = open_manifest(tmp_path, default_name=neg.name)
    assert opened.raw is None and opened.manifest.name == "Lakeview 2027 successor contract"
    opened.manifest.articles = [Article(number="9", title="Salaries")]
    record_vote(
        opened.manifest,
        party="labor",
        on=TODAY,
        result="ratified",
        body="LEA membership",
        yes=212,
        no=31,
        abstain=4,
        package=[PackageTA(**row) for row in neg.package_rows()],
        party_label="LEA",
    )
    approve_update(opened.manifest, file="session-2.toml", session="abc", party="labor", initials="AR", sha256="0" * 64)
    save(opened)
    text = (tmp_path / "negotiation.toml").read_text()
    assert text.startswith("negotiation_version = 1\n") and "schema_version" not in text
    assert 'package = [\n    { file = "session-2.toml", ta = ' in text  # one line per TA
    again = loads(text, "m.toml")
    assert again == opened.manifest and dumps(again) == text
    assert [e.action for e in again.events] == ["vote.add", "approval.add"]
    assert again.events[0].summary == f"LEA ratified the package on {TODAY.isoformat()} (212 yes, 31 no, 4 abstaining)"


def test_manifest_refusals(tmp_path: Path) -> None:
    path = tmp_path / "negotiation.toml"
    path.write_text('negotiation_version = 2\nname = "x"\n')
    with pytest.raises(store.StoreError, match="written by a newer ibb_facilitator"):
        open_manifest(tmp_path)
    path.write_text('negotiation_version = 1\nname = "x"\ncolour = "red"\n')
    with pytest.raises(store.StoreError, match=r"negotiation.toml:3: colour: unknown field"):
        open_manifest(tmp_path)
    path.write_text(
        'negotiation_version = 1\nname = "x"\n[[parties]]\nid = "labor"\nname = "U"\nshort = "U"\n'
        '[[approvals]]\nid = "a-1"\nfile = "s.toml"\nparty = "mgmt"\ninitials = "X"\nat = 2027-01-01T10:00:00Z\n'
        f'sha256 = "{"0" * 64}"\n'
    )
    with pytest.raises(store.StoreError, match=r"approvals\[0\].party: unknown party 'mgmt'"):
        open_manifest(tmp_path)


def test_the_manifest_is_not_written_over_a_change(tmp_path: Path) -> None:
    opened = open_manifest(tmp_path, default_name="x")
    (tmp_path / "negotiation.toml").write_text('name = "someone else"\n')
    with pytest.raises(store.SaveError, match="was created by another program"):
        save(opened)
    opened = open_manifest(tmp_path)
    (tmp_path / "negotiation.toml").write_text('name = "changed again"\n')
    opened.manifest.name = "mine"
    with pytest.raises(store.SaveError, match="changed on disk by another program"):
        save(opened)
    assert (tmp_path / "negotiation.toml").read_text() == 'name = "changed again"\n'


def test_votes_are_checked_and_undone(tmp_path: Path) -> None:
    opened = open_manifest(tmp_path, default_name="x")
    m = opened.manifest
    row = PackageTA(file="s.toml", ta="ta-1", sha256="0" * 64)
    with pytest.raises(NegotiationError, match="is in the future"):
        record_vote(m, party="labor", on=TODAY + timedelta(days=1), result="ratified", package=[row])
    with pytest.raises(NegotiationError, match="10 yes and 12 no is not a ratification"):
        record_vote(m, party="labor", on=TODAY, result="ratified", yes=10, no=12, package=[row])
    with pytest.raises(NegotiationError, match="no tentative agreement in force"):
        record_vote(m, party="labor", on=TODAY, result="ratified", package=[])
    with pytest.raises(NegotiationError, match="not a result"):
        record_vote(m, party="labor", on=TODAY, result="maybe", package=[row])
    assert m.ratifications == [] and m.events == []
    first = record_vote(m, party="labor", on=TODAY, result="ratified", package=[row])
    second = record_vote(m, party="management", on=TODAY, result="rejected", package=[row])
    assert (first.id, second.id) == ("vote-1", "vote-2")
    assert undo(m).startswith("management rejected")
    assert [v.id for v in m.ratifications] == ["vote-1"]
    assert undo(m).startswith("labor ratified") and m.ratifications == []
    assert undo(m) is None
    assert [e.action for e in m.events] == ["vote.add", "vote.add", "undo", "undo"]
    assert record_vote(m, party="labor", on=TODAY, result="ratified", package=[row]).id == "vote-3"  # never reused


def test_the_negotiation_modules_stay_below_the_tui() -> None:
    import subprocess
    import sys

    modules = [
        "negotiation",
        "negotiation.carryover",
        "negotiation.manifest",
        "negotiation.facts",
        "negotiation.core",
        "negotiation.board",
        "export.board",
        "export.package",
        "export.update",
        "commands.board",
        "commands.negotiation",
        "termtext",
    ]
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module('ibb_facilitator.' + name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_manifest_example_in_the_format_doc_loads() -> None:
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "session-format.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```\n(.*?)```", doc, flags=re.S) if b.startswith("negotiation_version")]
    assert len(blocks) == 1
    manifest = loads(blocks[0], "session-format.md")
    assert [v.party for v in manifest.ratifications] == ["labor"] and manifest.approvals[0].initials == "AR"
    assert dumps(manifest) == blocks[0]  # written in the layout the app writes


def test_ratification_counts_refuse_digits_that_are_not_numbers() -> None:
    from ibb_facilitator.tui.negotiating import _counts

    assert _counts("212 31 4") == (212, 31, 4)
    for typed in ("① 2", "²", "3²"):
        assert isinstance(_counts(typed), str), typed
