"""``ibb diff OLD NEW``: what changed between two versions of a session, matched by stable ids.

Two versions are built through ``editing`` (the second continues from the first, as a second
meeting day would), saved, and compared: every kind of change shows in its issue's group, in the
terminal text and in Markdown, with user text shown literally (terminal) or escaped (Markdown).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import fist, make_session

from ibb_facilitator import cli, diff, editing, store
from ibb_facilitator.model import MUTUAL, ActionKind, InterestKind, IssueStatus, Method, Response, Session, Stage

HOSTILE = "[bold]x[/bold] <script>alert(1)</script> *star* `tick` | pipe # \x1b[31mred"


def version_one() -> Session:
    s = make_session()
    pay = editing.add_issue(
        s, "How can we attract and keep qualified teachers?", raised_by="labor", article="Article 12"
    )
    time_issue = editing.add_issue(s, "How can we give teachers time to collaborate?", raised_by="management")
    editing.add_issue(s, "How can we make evaluations useful?")
    editing.add_interest(s, pay.id, "Pay competitive with neighbors", "labor", InterestKind.SUBSTANTIVE)
    editing.add_interest(s, pay.id, "A budget the town will pass", "management")
    editing.add_interest(s, pay.id, "Struck tomorrow", "labor")
    editing.add_interest(s, time_issue.id, "Common planning time", "labor")
    for text in ("Front-loaded steps", "Retention bonus", "Four-day week", "Housing stipend"):
        editing.add_option(s, pay.id, text)
    shared = editing.add_criterion(s, None, "Affordable")
    editing.rate(s, pay.id, "option-4", shared.id, 2)
    editing.add_parking(s, "Health insurance carrier", owner="Ben Hale")
    editing.add_action(s, "Cost out the bonus", owner="management", due=date(2026, 12, 1), issue_id=pay.id)
    editing.record_check(
        s, pay.id, Method.FIST_TO_FIVE, [*fist(4)[:-1], Response(who="Dana Liu", value=2)], proposal="Steps"
    )
    return s


def version_two(first: Session) -> Session:
    s = first.model_copy(deep=True)
    pay, time_issue, evaluation = s.issues
    editing.edit_issue(s, pay.id, statement="How can we attract and keep qualified teachers within the budget?")
    editing.edit_interest(s, pay.id, "interest-1", text="Pay competitive with the five neighboring districts")
    editing.edit_interest(s, pay.id, "interest-2", holder=MUTUAL)
    editing.remove_interest(s, pay.id, "interest-3")
    editing.add_interest(s, pay.id, HOSTILE, "labor")
    combined = editing.combine_options(s, pay.id, ["option-1", "option-2"], "Steps plus a bonus")
    editing.set_aside_option(s, pay.id, "option-3")
    editing.toggle_serves(s, pay.id, combined.id, "interest-1")
    editing.rate(s, pay.id, "option-4", "criterion-1", 4)
    editing.rate(s, pay.id, combined.id, "criterion-1", 5)
    editing.set_stage(s, pay.id, Stage.CONSENSUS)
    check, _ = editing.record_check(
        s, pay.id, Method.FIST_TO_FIVE, fist(4), proposal="Steps plus a bonus, capped", options=[combined.id]
    )
    ta = editing.record_agreement(
        s, pay.id, check.id, "Article 12.3\nSteps rise by 3%.", title="Salary steps", on=date(2026, 11, 24)
    )
    editing.initial(s, ta.id, "labor", "AR")
    editing.initial(s, ta.id, "management", "BH")
    editing.set_status(s, evaluation.id, IssueStatus.WITHDRAWN)
    editing.add_issue(s, "How can we fix the bus schedule?")
    editing.edit_parking(s, "park-1", resolved=True, owner="Dana Liu")
    editing.add_parking(s, "Evening parking")
    editing.edit_action(s, "action-1", done=True, due=date(2026, 12, 2))
    editing.add_action(s, "Salary schedules", kind=ActionKind.INFO_REQUEST, owner="labor", requested_of="management")
    editing.start_caucus(s, "labor", called_by="Ana Ruiz", reason="Costs")
    editing.end_caucus(s)
    editing.add_interest(s, time_issue.id, "Keep the bus schedule", "management")
    s.ground_rules.append("Phones off")
    return s


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path, Session, Session]:
    one = version_one()
    two = version_two(one)
    old, new = tmp_path / "day1.toml", tmp_path / "day2.toml"
    store.save_session(one, old, backup=False)
    store.save_session(two, new, backup=False)
    return old, new, store.load_session(old), store.load_session(new)


def changes(d: diff.SessionDiff, heading: str) -> list[diff.Change]:
    return [c for section in d.sections if section.heading == heading for c in section.changes]


def test_every_kind_of_change_is_found_and_grouped_by_issue(versions) -> None:
    _, _, one, two = versions
    d = diff.compare(one, two, "day1.toml", "day2.toml")
    assert d.changed and bool(d)
    issue1 = {(c.sign, c.what, c.how): c for c in changes(d, "Issue 1")}
    assert (
        issue1[("~", "Statement", "reworded")].new
        == "How can we attract and keep qualified teachers within the budget?"
    )
    reworded = issue1[("~", "Interest I1", "reworded")]
    assert (reworded.old, reworded.new) == (
        "Pay competitive with neighbors",
        "Pay competitive with the five neighboring districts",
    )
    holder = issue1[("~", "Interest I2", "holder")]
    assert holder.old == "M, Lakeview School Committee" and holder.new == "B, Mutual"
    assert issue1[("-", "Interest (was I3)", "removed")].text == "Struck tomorrow"
    assert issue1[("+", "Interest I3", "added")].text == HOSTILE  # the new third interest
    assert issue1[("~", "Option O1", "combined into O5")].text == "Front-loaded steps"
    assert issue1[("~", "Option O2", "combined into O5")]
    assert issue1[("~", "Option O3", "set aside")].text == "Four-day week"
    assert issue1[("+", "Option O5", "added")].context == "combines O1, O2; serves I1"
    assert issue1[("~", "Status", "changed")].new == "Agreed (TA)"
    assert issue1[("~", "Stage", "changed")].new == "Consensus"
    assert issue1[("~", "Ratings of O4", "changed")].context == "C1 2 → 4"
    assert issue1[("~", "Ratings of O5", "changed")].context == "C1 – → 5"
    assert issue1[("+", "Consensus check 2", "recorded")].text == "Steps plus a bonus, capped"
    ta = issue1[("+", "Tentative agreement", "TA 1 written")]
    assert ta.text == "Article 12.3\nSteps rise by 3%." and ta.exact
    initialed = [c for c in changes(d, "Issue 1") if c.how == "initialed"]
    assert [(c.context, c.text) for c in initialed] == [
        ("Lakeview Education Association", "AR (Ana Ruiz)"),
        ("Lakeview School Committee", "BH (Ben Hale)"),
    ]
    assert ("+", "Consensus check 1", "recorded") not in issue1  # unchanged: not listed

    assert [(c.sign, c.how, c.new) for c in changes(d, "Issue 3")] == [("~", "changed", "Withdrawn")]
    assert [(c.sign, c.what, c.text) for c in changes(d, "Issue 4")] == [
        ("+", "Issue", "How can we fix the bus schedule?")
    ]
    assert [(c.what, c.text) for c in changes(d, "Issue 2")] == [("Interest I2", "Keep the bus schedule")]
    parking = {(c.what, c.how) for c in changes(d, "Parking lot")}
    assert parking == {("Item P1", "owner"), ("Item P1", "resolved"), ("Item P2", "added")}
    actions = {(c.what, c.how): c for c in changes(d, "Action items and information requests")}
    assert actions[("Action #1", "done")] and actions[("Action #1", "due")].new == "2 December 2026"
    assert actions[("Information request #2", "added")].text == "Salary schedules"
    assert [c.how for c in changes(d, "Caucuses")] == ["called"]
    assert [(c.sign, c.text) for c in changes(d, "Session")] == [("+", "Phones off")]
    assert d.log.startswith("Event log: ") and "more changes in the newer file" in d.log


def test_ta_language_and_initials_changes(versions) -> None:
    _, _, _, two = versions
    three = two.model_copy(deep=True)
    ta = three.agreements[0]
    editing.edit_agreement(three, ta.id, "Article 12.3\nSteps rise by 3.5%.")
    editing.initial(three, ta.id, "labor", "AR")
    d = diff.compare(two, three)
    found = {(c.sign, c.what, c.how): c for c in changes(d, "Issue 1")}
    language = found[("~", "TA 1", "language changed")]
    assert (language.old, language.new) == ("Article 12.3\nSteps rise by 3%.", "Article 12.3\nSteps rise by 3.5%.")
    assert found[("-", "TA 1", "initials withdrawn")].context == "Lakeview School Committee"
    assert ("~", "TA 1", "initials changed") not in found  # labor initialed again the same way
    assert found[("~", "Status", "changed")].new == "Open"
    text = diff.render_text(d)
    assert "      was:\n        Article 12.3\n        Steps rise by 3%." in text
    md = diff.render_markdown(d)
    assert "```text\n  Article 12.3\n  Steps rise by 3.5%.\n  ```" in md


def test_no_differences(versions) -> None:
    _, _, one, _ = versions
    d = diff.compare(one, one.model_copy(deep=True))
    assert not d.changed
    assert "No differences in the session's content." in diff.render_text(d)
    assert "the same" in d.log


def test_text_is_grouped_and_terminal_safe(versions) -> None:
    _, _, one, two = versions
    text = diff.render_text(diff.compare(one, two, "day1.toml", "day2.toml"))
    assert text.startswith("Changes from day1.toml to day2.toml\n")
    blocks = text.split("\n\n")
    issue1 = next(b for b in blocks if b.startswith("Issue 1: "))
    assert (
        "  ~ Interest I1 reworded\n      was: Pay competitive with neighbors\n      now: Pay competitive with the five "
        "neighboring districts" in issue1
    )
    assert "  ~ Status changed: Open → Agreed (TA)" in issue1
    assert "\x1b" not in text and "␛[31mred" in text  # an escape sequence cannot reach the terminal
    assert "[bold]x[/bold] <script>alert(1)</script>" in text  # otherwise exactly as typed
    assert text.index("Issue 1: ") < text.index("Issue 3: ") < text.index("Parking lot") < text.index("Caucuses")


def test_markdown_escapes_user_text(versions) -> None:
    _, _, one, two = versions
    md = diff.render_markdown(diff.compare(one, two, "day1.toml", "day2.toml"))
    assert md.startswith("# Changes from day1.toml to day2.toml\n")
    assert "## Issue 1: How can we attract and keep qualified teachers within the budget?" in md
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\[bold\\]x\\[/bold\\]" in md and "\\*star\\*" in md and "\\`tick\\`" in md and "\\| pipe \\#" in md
    assert "\x1b" not in md
    assert (
        "- **Interest I1 reworded**\n  - was: Pay competitive with neighbors\n  - now: Pay competitive with the five "
        "neighboring districts" in md
    )


# --- the command ------------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_text_and_markdown(versions, capsys) -> None:
    old, new, _, _ = versions
    before = old.read_bytes(), new.read_bytes()
    code, out, err = run(capsys, "diff", str(old), str(new))
    assert code == 0 and err == ""
    assert out.startswith(f"Changes from {old} to {new}\n") and "Issue 1: " in out
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "md")
    assert code == 0 and out.startswith("# Changes from ") and "## Issue 1: " in out
    code, out, _ = run(capsys, "diff", str(old), str(old))
    assert code == 0 and "No differences" in out
    assert (old.read_bytes(), new.read_bytes()) == before  # diff reads, never writes


@pytest.mark.parametrize(
    "content, expect",
    [
        (None, "no such file"),
        ("title = \n", ":1:"),
        ('schema_version = 1\ntitle = ""\n[[issues]]\nid = 3\n', "problem"),
    ],
    ids=["missing", "toml-syntax", "schema"],
)
def test_cli_bad_file_is_one_line_and_exit_1(versions, capsys, tmp_path: Path, content, expect) -> None:
    old, _, _, _ = versions
    bad = tmp_path / "bad.toml"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    for argv in (("diff", str(old), str(bad)), ("diff", str(bad), str(old))):
        code, out, err = run(capsys, *argv)
        assert code == 1 and out == ""
        assert len(err.splitlines()) == 1, err
        assert str(bad) in err and expect in err
    if content is not None:
        assert bad.read_text(encoding="utf-8") == content


def test_removed_issue_and_its_ta(versions) -> None:
    _, _, _, two = versions
    smaller = two.model_copy(deep=True)
    smaller.issues = smaller.issues[1:]
    smaller.agreements = []
    d = diff.compare(two, smaller)
    removed = [s for s in d.sections if s.heading == "Issue 1 of the older file"]
    assert removed and [c.how for c in removed[0].changes] == ["removed", "TA 1 removed"]
    assert re.search(r"^Issue 1 of the older file: How can we attract", diff.render_text(d), re.M)


def test_diff_and_timeline_stay_out_of_the_ui() -> None:
    """Like tests/test_import_hygiene.py, for the modules of review, timeline and diff outside tui/."""
    import json
    import subprocess
    import sys

    probe = (
        "import importlib, json, sys\n"
        "for name in ('timeline', 'diff', 'commands.diff', 'commands.review'):\n"
        "    importlib.import_module('ibb_facilitator.' + name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_proposal_on_the_table_is_a_change_the_diff_shows(populated) -> None:
    old = populated.model_copy(deep=True)
    issue = populated.issues[0]
    editing.set_proposal(populated, issue.id, "Raise 2.5% [each year] and add step 16")
    text = diff.render_text(diff.compare(old, populated, "a.toml", "b.toml"))
    assert "Proposal on the table changed" in text and "Raise 2.5% [each year] and add step 16" in text
