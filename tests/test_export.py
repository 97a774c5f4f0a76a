"""Markdown minutes: complete for the example session, safe for any text, reachable from the CLI.

Structure is checked twice: on the raw text (a table row has as many unescaped pipes as its header)
and through a real CommonMark + GFM-tables parser (markdown-it-py, already installed with textual),
which also proves that escaped user text renders back as the characters that were typed.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from helpers import EXAMPLE, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ibb_facilitator import drafting, editing, process, store
from ibb_facilitator.cli import main
from ibb_facilitator.export import render
from ibb_facilitator.export.markdown import cell, fenced, inline, prose, table
from ibb_facilitator.model import (
    MUTUAL,
    ActionKind,
    IssueStatus,
    Member,
    Method,
    OptionState,
    Party,
    Response,
    Role,
    Session,
    Side,
)

FORMAT_DOC = ROOT / "docs" / "session-format.md"
BUILDER = ROOT / "examples" / "build_example.py"

MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")

HOSTILE = [
    "[/]",
    "[bold]x[/bold]",
    "| pipe |",
    "# heading",
    "<script>alert(1)</script>",
    "*",
    "first line\nsecond line\n# third | line\n\n- fourth",
    "emoji 👩‍👩‍👧 and 🎉",
    "中文 漢字 日本語",
    "שלום עולם مرحبا بالعالم",
    "\u202eoverride without end",
    "`code` ``` ~~~ **bold** _it_ ~~gone~~",
    "1. ordered\n===\n---",
    "&amp; &#42; <b>b</b> ![img](x) [link](http://example.com)",
    "back\\slash\\",
    "    indented four spaces",
    "\ttab and \x1b[31mescape\x1b[0m",
]


def tokens(text: str):
    return MD.parse(text)


def unescaped_pipes(row: str) -> int:
    """Pipes that separate cells: not preceded by an odd number of backslashes."""
    count = 0
    for match in re.finditer(r"\|", row):
        backslashes = len(row[: match.start()]) - len(row[: match.start()].rstrip("\\"))
        count += backslashes % 2 == 0
    return count


def outside_fences(text: str) -> list[str]:
    """The lines of ``text`` that are not inside a fenced block (TA language)."""
    kept, fence = [], ""
    for line in text.split("\n"):  # Markdown breaks lines at \n only, not at U+2028
        if fence:
            fence = "" if line == fence else fence
            kept.append("")
        elif re.match(r"`{3,}", line):
            fence = re.match(r"`+", line).group()
            kept.append("")
        else:
            kept.append(line)
    return kept


def tables(text: str) -> list[list[str]]:
    """Every table of ``text`` as its raw lines (header, delimiter, rows)."""
    found, current = [], []
    for line in outside_fences(text):
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def assert_tables_well_formed(text: str) -> None:
    for lines in tables(text):
        width = unescaped_pipes(lines[0])
        assert re.fullmatch(r"\|(:?-+:?\|)+", lines[1]), lines[1]
        for row in lines[2:]:
            assert unescaped_pipes(row) == width, row
    # The parser agrees: every row has as many cells as its header.
    cells: list[int] = []
    for tok in tokens(text):
        if tok.type == "tr_open":
            cells.append(0)
        elif tok.type in ("th_open", "td_open"):
            cells[-1] += 1
        elif tok.type == "table_open":
            cells.append(-1)  # a marker between tables
    width = None
    for n in cells:
        if n == -1:
            width = None
            continue
        width = n if width is None else width
        assert n == width, cells


def structure(text: str) -> dict[str, int]:
    """How many of each structural token the Markdown has (text content left out)."""
    counted = (
        "table_open",
        "tr_open",
        "th_open",
        "td_open",
        "html_block",
        "html_inline",
        "link_open",
        "image",
        "em_open",
        "strong_open",
        "s_open",
        "code_inline",
        "fence",
        "code_block",
        "blockquote_open",
        "bullet_list_open",
        "ordered_list_open",
        "list_item_open",
        "hr",
    )
    out = {name: 0 for name in counted}
    for tok in tokens(text):
        for t in [tok, *(tok.children or [])]:
            if t.type in out:
                out[t.type] += 1
            elif t.type == "heading_open":
                out[t.tag] = out.get(t.tag, 0) + 1
    return out


def headings(text: str) -> list[str]:
    return [line for line in outside_fences(text) if re.match(r"#{1,6} ", line)]


def rendered_inline(markdown: str) -> str:
    """The text a Markdown parser shows for one line of inline Markdown."""
    toks = tokens(markdown)
    inline_tok = next(t for t in toks if t.type == "inline")
    return "".join(c.content for c in inline_tok.children if c.type in ("text", "code_inline"))


def section(text: str, title: str) -> str:
    """The lines under heading ``title`` up to the next heading of the same or a higher level."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line == title)
    level = len(title) - len(title.lstrip("#"))
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(rf"#{{1,{level}}} ", lines[i])),
        len(lines),
    )
    return "\n".join(lines[start:end])


@pytest.fixture(scope="module")
def example() -> Session:
    return store.load_session(EXAMPLE)


@pytest.fixture(scope="module")
def minutes(example: Session) -> str:
    return render(example, "md")


# --- the example session ----------------------------------------------------------------------


def test_example_loads_and_has_what_make_run_shows(example: Session) -> None:
    assert example.title == "Spring 2027 successor contract, session 3"
    statuses = [issue.status for issue in example.issues]
    assert IssueStatus.AGREED in statuses and IssueStatus.PARKED in statuses
    assert any(i.status is IssueStatus.OPEN and i.stage.value == "options" for i in example.issues)
    outcomes = [c.outcome.value for issue in example.issues for c in issue.checks]
    assert outcomes == ["no_consensus", "consensus"]
    assert {o.state for issue in example.issues for o in issue.options} == set(OptionState)
    assert example.shared_criteria and any(issue.criteria for issue in example.issues)
    assert {a.kind for a in example.actions} == set(ActionKind)
    assert all(c.end is not None and c.end > c.start for c in example.caucuses)
    assert {i.party for i in example.agreements[0].initials} == {p.id for p in example.parties}


def test_example_files_are_what_build_example_writes(tmp_path: Path) -> None:
    """The committed files are what examples/build_example.py writes: rerun it when either changes."""
    spec = importlib.util.spec_from_file_location("build_example", BUILDER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["build_example.py", str(tmp_path)]) == 0
    for name in module.NAMES:
        committed = (BUILDER.parent / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, "run: python examples/build_example.py"


def test_header_and_rules(example: Session, minutes: str) -> None:
    assert minutes.startswith(f"# {example.title}\n")
    for text in (
        example.organization,
        example.bargaining_unit,
        example.location,
        example.recorder,
        example.timekeeper,
        *example.facilitators,
        *example.observers,
        "Tuesday 9 March 2027",
        "Wednesday 10 March 2027",
        example.decision_rule.fallback,
    ):
        assert text in minutes
    for party in example.parties:
        assert f"### {party.name} ({party.short}, {party.side.value})" in minutes
        for member in party.members:
            assert inline(member.name) in minutes
    assert "Jordan Reyes, MVEA president, grade 5 teacher (spokesperson)" in minutes
    rules = section(minutes, "## Ground rules")
    for n, rule in enumerate(example.ground_rules, start=1):
        assert f"{n}. {rule}" in rules
    assert "Fist-to-five: consensus when everyone shows 3 or more" in minutes


def test_every_issue_with_its_facts(example: Session, minutes: str) -> None:
    for n, issue in enumerate(example.issues, start=1):
        part = section(minutes, f"### Issue {n}: {inline(issue.statement)}")
        assert process.STATUS_LABELS[issue.status] in part
        assert inline(issue.article) in part
        if issue.data_needed:
            assert inline(issue.data_needed) in part
        raised = "Joint team" if issue.raised_by == "joint" else example.party(issue.raised_by).name
        assert f"**Raised by:** {raised}" in part
    summary = tables(section(minutes, "## Issues"))[0]
    assert len(summary) == 2 + len(example.issues)


def test_interests_grouped_by_holder(example: Session, minutes: str) -> None:
    for n, issue in enumerate(example.issues, start=1):
        part = section(section(minutes, f"### Issue {n}: {inline(issue.statement)}"), "#### Interests")
        groups = re.split(r"^\*\*(.+?)\*\*$", part, flags=re.M)
        by_title = dict(zip(groups[1::2], groups[2::2]))
        titles = list(by_title)
        # each party in order, then Mutual
        expected = [f"{p.name} ({p.short})" for p in example.parties if any(i.holder == p.id for i in issue.interests)]
        expected += (
            ["Mutual (B): interests every party shares"] if any(i.holder == MUTUAL for i in issue.interests) else []
        )
        assert titles == expected
        for interest in issue.interests:
            title = next(t for t in titles if t.startswith(example.holder_label(interest.holder)))
            tag = example.holder_tag(interest.holder)
            assert f"({tag}) {interest.text}" in by_title[title]
            others = [body for t, body in by_title.items() if t != title]
            assert all(interest.text not in body for body in others)


def test_options_criteria_and_the_rating_grid(example: Session, minutes: str) -> None:
    issue = example.issues[0]
    part = section(minutes, f"### Issue 1: {inline(issue.statement)}")
    for option in issue.options:
        assert inline(option.text) in part
    assert "→ combined into **O7**" in part
    aside = part.split("Set aside by agreement:")[1]
    for option in issue.options:
        if option.state is OptionState.SET_ASIDE:
            assert inline(option.text) in aside
    assert "Serves I1 (U), I2 (U), I7 (B), I8 (B)" in part  # O1, the hard cap
    for criterion in example.criteria_for(issue):
        assert inline(criterion.text) in part
    grid = tables(part)[0]
    criteria = example.criteria_for(issue)
    assert grid[0] == "| Option | " + " | ".join(f"C{k}" for k in range(1, len(criteria) + 1)) + " | Σ | Rank |"
    rated = [o for o in issue.options if o.scores]
    assert len(grid) == 2 + len(rated)
    labels = {o.id: f"O{k}" for k, o in enumerate(issue.options, start=1)}
    for option, row in zip(rated, grid[2:]):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[0].startswith(f"**{labels[option.id]}**")
        scores = [editing.rating_of(issue, option.id, c.id) for c in criteria]
        assert cells[1:-2] == [str(s) for s in scores]
        active = option.state is OptionState.ACTIVE
        assert cells[-2:] == ([str(sum(s for s in scores if s is not None))] if active else ["–"]) + cells[-1:]
    assert_tables_well_formed(minutes)


def test_both_consensus_checks(example: Session, minutes: str) -> None:
    part = section(minutes, "#### Consensus checks")
    first, second = part.split("**Check 2**")
    assert "**Check 1** (Fist-to-five, 10 March 2027, 09:10): **no consensus**" in first
    assert "**Below the line:** Aisha Karimi (U), Mark Feld (M)" in first
    assert "**Not counted (observers and neutrals):** Helen Brandt" in first
    assert "| Aisha Karimi | U | 2 |" in first
    assert ": **consensus**" in second and "Below the line" not in second
    check = example.issues[0].checks[1]
    assert inline(check.proposal) in second
    assert len(tables(second)[0]) == 2 + len(check.responses)


def test_tentative_agreement_text_and_initials(example: Session, minutes: str) -> None:
    ta = example.agreements[0]
    part = section(minutes, f"### TA 1: {inline(ta.title)}")
    assert "```text\n" + ta.text.rstrip("\n") + "\n```" in part  # exact, layout and all
    assert "- Maple Valley Education Association: **JR** (Jordan Reyes)" in part
    assert "- Maple Valley Public Schools: **KO** (Kevin O'Brien)" in part
    assert "**Contract article:** Article 14, Class Size" in part
    assert "**Date:** Wednesday 10 March 2027" in part
    assert "Not yet initialed" not in part
    fence = next(t for t in tokens(minutes) if t.type == "fence")
    assert fence.content == ta.text


def test_parking_caucuses_actions(example: Session, minutes: str) -> None:
    parking = section(minutes, "## Parking lot")
    for item in example.parking_lot:
        row = next(line for line in parking.splitlines() if inline(item.text) in line)
        assert inline(item.owner) in row
        assert ("Resolved" if item.resolved else "Open") in row
    caucuses = section(minutes, "## Caucuses")
    assert "| Maple Valley Public Schools | Kevin O'Brien |" in caucuses
    assert re.search(r"\| 2\d min \|", caucuses)
    actions = section(minutes, "## Action items")
    requests = section(minutes, "## Information requests")
    for item in example.actions:
        where = requests if item.kind is ActionKind.INFO_REQUEST else actions
        row = next(line for line in where.splitlines() if inline(item.text) in line)
        assert ("Done" if item.done else "Open") in row
        if item.due:
            assert f"{item.due.day} " in row
    assert "| Maple Valley Education Association |" in actions  # an owner given as a party id


def test_no_empty_sections_and_no_html(minutes: str) -> None:
    levels = [len(h) - len(h.lstrip("#")) for h in headings(minutes)]
    lines = minutes.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"#{1,6} ", line):
            following = next((later for later in lines[i + 1 :] if later.strip()), "")
            if re.match(r"#{1,6} ", following):
                assert len(following) - len(following.lstrip("#")) > len(line) - len(line.lstrip("#")), line
    assert levels[0] == 1 and levels.count(1) == 1
    shape = structure(minutes)
    assert shape["html_block"] == shape["html_inline"] == shape["link_open"] == shape["image"] == 0
    assert "<br" not in minutes


def test_empty_session_says_none() -> None:
    text = render(Session(title="Blank"), "md")
    for title in (
        "Parties",
        "Ground rules",
        "Issues",
        "Tentative agreements",
        "Parking lot",
        "Caucuses",
        "Action items",
        "Information requests",
    ):
        assert f"## {title}\n\nNone." in text
    assert text.endswith("\n") and "\n\n\n" not in text


def test_populated_fixture_renders(populated: Session) -> None:
    text = render(populated, "md")
    for issue in populated.issues:
        assert inline(issue.statement) in text
    assert populated.agreements[0].text in text
    assert_tables_well_formed(text)


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        render(Session(title="x"), "pdf")


def test_exporters_do_not_import_textual_or_rich() -> None:
    code = (
        "import sys, ibb_facilitator.export as e, ibb_facilitator.export.markdown\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_example_in_the_format_doc_is_valid_and_complete() -> None:
    """docs/session-format.md promises a complete example that loads: keep that promise."""
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    # the session example (the other TOML blocks show other files: class.toml...)
    blocks = [b for b in re.findall(r"```toml\n(.*?)```", doc, flags=re.S) if b.startswith("schema_version = ")]
    assert len(blocks) == 1
    assert blocks[0].startswith(f"schema_version = {store.SCHEMA_VERSION}\n"), "the example shows the current version"
    session = store.loads_session(blocks[0], "session-format.md")
    headers = set(re.findall(r"^\[\[?([a-z_.]+)\]\]?$", blocks[0], flags=re.M))
    tables_in_model = {
        "parties",
        "parties.members",
        "decision_rule",
        "time_boxes",
        "shared_criteria",
        "plan",
        "costing",
        "cursor",
        "issues",
        "issues.interests",
        "issues.options",
        "issues.criteria",
        "issues.checks",
        "issues.polls",
        "issues.revisions",
        "issues.revisions.back",
        "agreements",
        "parking_lot",
        "caucuses",
        "actions",
        "events",
    }
    assert headers == tables_in_model
    assert session.issues[0].has_scores() and session.issues[0].checks[0].responses and session.agreements[0].initials
    assert drafting.text_of(session.issues[0], 2) == session.agreements[0].text  # the TA is the tested revision
    assert drafting.text_of(session.issues[0], 1).endswith("per month.")
    assert_tables_well_formed(render(session, "md"))


# --- hostile text -----------------------------------------------------------------------------


def _session_with(text: str) -> Session:
    """A session with ``text`` in every free-text field the minutes show."""
    s = Session(
        title=f"T {text}",
        organization=text,
        location=text,
        facilitators=["Fran"],
        ground_rules=[text],
        parties=[
            Party(
                id="labor",
                name=f"Union {text}",
                short="U",
                side=Side.LABOR,
                members=[Member(name="Ana", role=Role.SPOKESPERSON, title=text), Member(name=text)],
            ),
            Party(
                id="management",
                name="District",
                short="M",
                side=Side.MANAGEMENT,
                members=[Member(name="Ben", role=Role.SPOKESPERSON)],
            ),
        ],
    )
    issue = editing.add_issue(s, text, raised_by="labor", article=text, data_needed=text)
    editing.edit_issue(s, issue.id, notes=text)
    interests = [editing.add_interest(s, issue.id, text, holder) for holder in ("labor", "management", MUTUAL)]
    a = editing.add_option(s, issue.id, text)
    b = editing.add_option(s, issue.id, f"second {text}")
    c = editing.add_option(s, issue.id, f"third {text}")
    merged = editing.combine_options(s, issue.id, [a.id, b.id], text)
    editing.set_aside_option(s, issue.id, c.id)
    editing.toggle_serves(s, issue.id, merged.id, interests[2].id)
    crits = [editing.add_criterion(s, None, text), editing.add_criterion(s, issue.id, text)]
    for option in (merged, c):
        for crit in crits:
            editing.rate(s, issue.id, option.id, crit.id, 3)
    voters = [Response(who=n, party=p, value=4) for n, p in (("Ana", "labor"), (text, "labor"), ("Ben", "management"))]
    editing.record_check(
        s,
        issue.id,
        Method.FIST_TO_FIVE,
        [*voters[:-1], Response(who="Ben", party="management", value=1)],
        proposal=text,
        note=text,
    )
    check, _ = editing.record_check(s, issue.id, Method.FIST_TO_FIVE, voters, proposal=text, options=[merged.id])
    ta = editing.record_agreement(s, issue.id, check.id, text, article=text, title=text, on=date(2027, 3, 10))
    editing.initial(s, ta.id, "labor", "AR", name=text)
    editing.initial(s, ta.id, "management", "BH")
    editing.add_parking(s, text, owner=text, issue_id=issue.id)
    editing.start_caucus(s, "labor", called_by=text, reason=text)
    editing.end_caucus(s)
    editing.add_action(s, text, owner=text, due=date(2027, 3, 12), issue_id=issue.id)
    editing.add_action(s, text, kind=ActionKind.INFO_REQUEST, owner=text, requested_of=text)
    return s


@pytest.fixture(scope="module")
def baseline() -> str:
    return render(_session_with("plain words"), "md")


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_keeps_the_structure(text: str, baseline: str) -> None:
    minutes = render(_session_with(text), "md")
    assert_tables_well_formed(minutes)
    # The same headings, tables, cells and lists as with plain words; no HTML, links or emphasis
    # smuggled in (the only emphasis is the exporter's own, as in the baseline).
    assert structure(minutes) == structure(baseline)
    assert [re.match(r"#+", h).group() for h in headings(minutes)] == [
        re.match(r"#+", h).group() for h in headings(baseline)
    ]
    assert len(tables(minutes)) == len(tables(baseline))
    for lines, base in zip(tables(minutes), tables(baseline)):
        assert len(lines) == len(base)
    # Escaped text renders back as the characters that were typed (one line where one is needed).
    heading = next(h for h in headings(minutes) if h.startswith("### Issue 1: "))
    assert rendered_inline(heading).removeprefix("Issue 1: ") == _shown(text)
    # The agreed language survives byte for byte.
    fence = next(t for t in tokens(minutes) if t.type == "fence")
    assert fence.content.rstrip("\n") == _visible(text).rstrip("\n")
    # No raw control character reaches a terminal that shows the minutes.
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", minutes)


def _visible(text: str) -> str:
    """The text as the minutes show it: line ends unified, control characters as symbols."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for c in text:
        code = ord(c)
        if code < 0x20 and c not in "\t\n":
            c = chr(0x2400 + code)
        elif code == 0x7F:
            c = "\u2421"
        elif 0x80 <= code < 0xA0:
            c = "\ufffd"
        out.append(c)
    return "".join(out)


def _shown(text: str) -> str:
    """What one line of inline Markdown must render as: lines joined, bidi controls closed."""
    lines = (line.replace("\t", " ").strip() for line in _visible(text).split("\n"))
    shown = " ".join(line for line in lines if line)
    embeds = sum(shown.count(c) for c in "\u202a\u202b\u202d\u202e") - shown.count("\u202c")
    isolates = sum(shown.count(c) for c in "\u2066\u2067\u2068") - shown.count("\u2069")
    return shown + "\u202c" * max(0, embeds) + "\u2069" * max(0, isolates)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_any_text_is_one_cell_that_renders_as_typed(left: str, right: str) -> None:
    markdown = table(["A", "B"], [[cell(left), cell(right)]])
    assert markdown.count("\n") == 2
    assert_tables_well_formed(markdown)
    toks = tokens(markdown)
    assert sum(t.type == "td_open" for t in toks) == 2
    shown = [t for t in toks if t.type == "inline"][2:]
    for tok, original in zip(shown, (left, right)):
        assert not any(c.type.startswith(("html", "link", "image", "em", "strong", "s_", "code")) for c in tok.children)
        expected = _shown(original) or "–"
        assert "".join(c.content for c in tok.children) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_in_a_list_item_stays_in_it(text: str) -> None:
    markdown = "## Head\n\n- **I1** " + prose(text, "  ") + "\n- **I2** after"
    toks = tokens(markdown)
    assert sum(t.type == "heading_open" for t in toks) == 1
    assert sum(t.type == "list_item_open" for t in toks) == 2
    assert sum(t.type == "bullet_list_open" for t in toks) == 1
    assert not any(t.type in ("html_block", "fence", "code_block", "blockquote_open", "table_open", "hr") for t in toks)


def test_fence_outgrows_backticks_inside() -> None:
    text = "a\n```\nb ````` c"
    block = fenced(text)
    assert block.startswith("``````text\n") and block.endswith("\n``````")
    assert next(t for t in tokens(block) if t.type == "fence").content == text + "\n"


# --- the command line -------------------------------------------------------------------------


def test_cli_export_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "minutes.md"
    assert main(["export", str(EXAMPLE), "--format", "md", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == f"Wrote {out}"
    assert out.read_text(encoding="utf-8") == render(store.load_session(EXAMPLE), "md")


def test_cli_export_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(EXAMPLE), "-o", "-"]) == 0
    dash = capsys.readouterr()
    assert dash.out.startswith("# Spring 2027 successor contract, session 3\n") and dash.err == ""
    assert main(["export", str(EXAMPLE)]) == 0
    assert capsys.readouterr().out == dash.out


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "no such file"),
        ('schema_version = 1\ntitle = "x"\n[[issues]\n', ":3:"),
        ('schema_version = 1\ntitle = "x"\ncolour = "red"\n', "colour: unknown field"),
        ('schema_version = 99\ntitle = "x"\n', "newer ibb_facilitator"),
        ("", "the file is empty"),
    ],
    ids=["missing", "syntax", "schema", "newer", "empty"],
)
def test_cli_export_of_a_bad_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, expected: str
) -> None:
    path = tmp_path / "broken.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    out = tmp_path / "minutes.md"
    assert main(["export", str(path), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and expected in lines[0] and str(path) in lines[0]
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_cli_export_to_a_folder_that_does_not_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(EXAMPLE), "-o", str(tmp_path / "nowhere" / "m.md")]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "could not save" in err and "Traceback" not in err


def test_the_minutes_give_the_days_agenda_in_every_format() -> None:
    """A session with a day plan (the bundled session 4, planned from what session 3 left open):
    its blocks in order with their planned times, lengths and when each was begun."""
    from negotiation_world import docx_text, html_text

    from ibb_facilitator.export.text import day

    session = store.load_session(EXAMPLE.with_name("spring-contract-next.toml"))
    assert session.plan, "the bundled session 4 has a plan"
    first = session.plan[0].blocks[0]
    editing.advance_block(session)  # the team begins the first block
    md = render(session, "md")
    assert isinstance(md, str)
    assert "## Agenda of the day" in md and f"| 09:00 | {first.minutes} min | {first.title} |" in md
    html = render(session, "html")
    docx = render(session, "docx")
    assert isinstance(html, str) and isinstance(docx, bytes)
    for text in (html_text(html.encode("utf-8")), docx_text(docx)):
        assert "Agenda of the day" in text and first.title in text and "Begun" in text
    begun = session.plan[0].blocks[0].started
    assert begun is not None and f"| {begun:%H:%M} |" in md  # begun today, the day it was then dated
    assert f"### {day(begun.date())}: " in md
    assert "Agenda of the day" not in render(store.load_session(EXAMPLE), "md")  # session 3 has no plan


def test_a_caucus_that_ran_over_its_minutes_says_so_in_the_minutes(example: Session) -> None:
    from datetime import timedelta

    caucus = editing.start_caucus(example, example.parties[0].id, minutes=5)
    caucus.start -= timedelta(minutes=19)
    editing.end_caucus(example)
    for fmt in ("md", "html"):
        assert "19 min (of 5, 14 min over)" in render(example, fmt), fmt
