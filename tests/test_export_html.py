"""Reports: HTML minutes and TA summary (escaped, self-contained, printable), the Markdown TA
summary, Word files, the ``ibb export`` command, and a look through headless Chromium.

The HTML is checked by parsing it (``html.parser``) into a small tree: a session with hostile
text in every field must give exactly the same elements and attributes as one with plain words,
and every string must come back, as text, exactly as typed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import fist, make_populated
from helpers import EXAMPLE, png_rows
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ibb_facilitator import editing, store
from ibb_facilitator.cli import main
from ibb_facilitator.export import FORMATS, REPORTS, render, render_bytes, suggested_name
from ibb_facilitator.export import minutes as minutes_doc
from ibb_facilitator.export.document import shown, shown_inline
from ibb_facilitator.export.markdown import _clean as markdown_clean
from ibb_facilitator.model import (
    MUTUAL,
    ActionKind,
    DecisionRule,
    Member,
    Method,
    Party,
    Response,
    Role,
    Session,
    Side,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

HOSTILE = [
    "<script>alert(1)</script>",
    "</style><script>alert('style')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</title></head><body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<style>body{display:none}</style>",
    "{{ 7*7 }} {% if x %} ${x} #{x}",
    "&amp; &lt;b&gt; &#60;script&#62; &nbsp; &",
    "<!-- comment --> <![CDATA[x]]> <?php echo 1 ?> <!DOCTYPE x>",
    "[/] [bold]x[/bold] **md** | pipe | `code`",
    "line one\nline <b>two</b>\n\n   indented\tand tabbed",
    "\x1b[31mred\x1b[0m \x00 nul \x7f del \x85 nel",
    "שלום \u202eoverride without end",
    "\ufffe\uffff\ufdd0 noncharacters",
    "emoji 👩‍👩‍👧 and 中文",
]

VOID = {"br", "meta", "link", "img", "hr", "input", "wbr", "col", "area", "base", "embed", "source"}


# --- a small DOM from html.parser -------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        """The text a reader sees in the source order, ``<br>`` as a line break."""
        out = []
        for child in self.children:
            out.append(child if isinstance(child, str) else "\n" if child.tag == "br" else child.text())
        return "".join(out)

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                    found.append(child)
                found.extend(child.find_all(tag, cls))
        return found

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls}>"
        return found[0]


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]
        self.tags: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []  # every start tag, in order
        self.other: list[str] = []  # comments, processing instructions, declarations

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        self.tags.append((tag, tuple(attrs)))
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))
        self.tags.append((tag, tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        if decl != "DOCTYPE html":
            self.other.append(f"decl {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"pi {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"unknown {data!r}")


def parse(html: str) -> TreeBuilder:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder


def elements(builder: TreeBuilder) -> list[tuple[str, tuple]]:
    """The start tags, leaving out the two that user text legitimately brings: line breaks and
    the ``.long`` span that lets a long token wrap."""
    return [t for t in builder.tags if t[0] != "br" and t != ("span", (("class", "long"),))]


# --- sessions ---------------------------------------------------------------------------------


def hostile_session(text: str) -> Session:
    """``text`` in every free-text field of a session, entered through ``editing``."""
    short = text[:12] if text[:12].strip() else "X"
    s = Session(
        title=f"T {text}",
        organization=text,
        bargaining_unit=text,
        location=text,
        meeting_days=[date(2027, 3, 9)],
        facilitators=[f"F {text}"],
        recorder=f"R {text}",
        timekeeper=f"K {text}",
        observers=[f"O {text}"],
        ground_rules=[text],
        decision_rule=DecisionRule(description=text, fallback=text),
        parties=[
            Party(
                id="labor",
                name=f"Union {text}",
                short=short,
                side=Side.LABOR,
                members=[Member(name="Ana", role=Role.SPOKESPERSON, title=text), Member(name=text)],
            ),
            Party(
                id="management",
                name=f"District {text}",
                short="M",
                side=Side.MANAGEMENT,
                members=[Member(name=f"Ben {text}", role=Role.SPOKESPERSON)],
            ),
            Party(id="parents", name=f"Parents {text}", short="P", members=[]),
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
    voters = [
        Response(who=n, party=p, value=4) for n, p in (("Ana", "labor"), (text, "labor"), (f"Ben {text}", "management"))
    ]
    editing.record_check(
        s,
        issue.id,
        Method.FIST_TO_FIVE,
        [*voters[:-1], Response(who=f"Ben {text}", party="management", value=1), Response(who=f"O {text}", value=5)],
        proposal=text,
        note=text,
    )
    check, _ = editing.record_check(s, issue.id, Method.FIST_TO_FIVE, voters, proposal=text, options=[merged.id])
    ta = editing.record_agreement(s, issue.id, check.id, text, article=text, title=text, on=date(2027, 3, 10))
    editing.initial(s, ta.id, "labor", short, name=text)
    editing.initial(s, ta.id, "management", "BH")
    editing.add_parking(s, text, owner=text, issue_id=issue.id)
    editing.start_caucus(s, "labor", called_by=text, reason=text)
    editing.end_caucus(s)
    editing.add_action(s, text, owner=text, due=date(2027, 3, 12), issue_id=issue.id)
    editing.add_action(s, text, kind=ActionKind.INFO_REQUEST, owner=text, requested_of=text)
    return s


TA_TEXTS = [
    "Article 12.3 Salary.\nSteps 1-5 rise by 3%.\nA retention bonus of $1,500 is paid after year 3.",
    "7.1  Evaluations use the joint rubric.\n\n     (a) two observations a year;\n\t(b) one self-assessment.\n",
    '  Leading spaces, <b>tags</b> & "quotes" stay exactly as written.  ',
]


def three_tas() -> Session:
    """The populated session with three TAs: both parties initialed the first, only the union
    the second, nobody yet the third."""
    s = make_populated()
    s.agreements[0].text = TA_TEXTS[0]
    time_issue, eval_issue = s.issues[1].id, s.issues[2].id
    check, _ = editing.record_check(s, eval_issue, Method.FIST_TO_FIVE, fist(4))
    ta = editing.record_agreement(s, eval_issue, check.id, TA_TEXTS[1], title="Evaluation", on=date(2026, 11, 24))
    editing.initial(s, ta.id, "labor", "AR")
    check, _ = editing.record_check(s, time_issue, Method.FIST_TO_FIVE, fist(5))
    editing.record_agreement(s, time_issue, check.id, TA_TEXTS[2], article="Article 16", on=date(2026, 11, 24))
    return s


@pytest.fixture(scope="module")
def baseline_minutes() -> TreeBuilder:
    return parse(render(hostile_session("plain words"), "html"))


@pytest.fixture(scope="module")
def baseline_ta() -> TreeBuilder:
    return parse(render(hostile_session("plain words"), "html", "ta"))


# --- escaping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("report", ["minutes", "ta"])
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_renders_literally(
    text: str, report: str, baseline_minutes: TreeBuilder, baseline_ta: TreeBuilder
) -> None:
    out = render(hostile_session(text), "html", report)
    page = parse(out)
    baseline = baseline_minutes if report == "minutes" else baseline_ta
    # Not one element or attribute came from the session: the same tags, in the same order,
    # with the same attributes, as for plain words.
    assert elements(page) == elements(baseline)
    assert page.other == []
    for tag, attrs in page.tags:
        assert tag not in ("script", "img", "svg", "a", "iframe", "object", "link", "base", "form")
        assert not any(name.startswith("on") or name in ("href", "src") for name, _ in attrs)
    lowered = out.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<svg" not in lowered
    # Exactly one style element, ours, unchanged.
    styles = page.root.find_all("style")
    assert len(styles) == 1 and styles[0].text() == parse(render(Session(title="x"), "html")).root.find("style").text()
    # The text comes back as typed (control characters shown as symbols, as in the minutes).
    body = page.root.find("body").text()
    expected = shown_inline(text)
    assert expected in body
    sheet = page.root.find("div", "sheet")
    assert shown_inline(text) in sheet.find("header", "letterhead").find(cls="org").text()
    agreed = page.root.find("div", "agreed-text")
    assert agreed.text() == shown(text)
    # The window title is the session title on one line.
    title = page.root.find("title").text()
    assert title.startswith("T ") and "\n" not in title


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_reaches_every_field(text: str) -> None:
    """Each field that holds the text shows it: count the places in the minutes."""
    marker = f"zq{text}qz"
    page = parse(render(hostile_session(marker), "html")).root
    body = page.find("body").text()
    expected = shown_inline(marker)
    # title, organization, unit, location, facilitator, recorder, timekeeper, observer, rule,
    # description, fallback, three party names, titles, member names, issue (table + heading +
    # facts...), and so on: well over thirty places.
    assert body.count(expected) >= 30, body.count(expected)


def test_huge_strings_wrap_instead_of_widening_the_page() -> None:
    huge = "x" * 20_000
    out = render(hostile_session(huge), "html")
    page = parse(out)
    longs = [n for n in page.root.find_all("span", "long")]
    assert longs and all(n.text() == huge for n in longs)
    css = page.root.find("style").text()
    assert re.search(r"body \{[^}]*overflow-wrap: anywhere", css)
    assert re.search(r"\.long \{[^}]*overflow-wrap: anywhere; word-break: break-all", css)
    assert re.search(r"\.agreed-text \{[^}]*white-space: pre-wrap", css)
    assert page.root.find("div", "agreed-text").text() == huge
    assert out.count(huge) == sum(1 for _ in re.finditer(re.escape(huge), out))


@settings(max_examples=150)
@given(st.text(min_size=1, max_size=80).filter(lambda t: t.strip()))
def test_any_text_survives_in_every_report(text: str) -> None:
    s = Session(
        title="x",
        parties=[
            Party(
                id="labor",
                name="Union",
                short="U",
                side=Side.LABOR,
                members=[Member(name="Ana", role=Role.SPOKESPERSON)],
            )
        ],
    )
    issue = editing.add_issue(s, text)
    check, _ = editing.record_check(s, issue.id, Method.FIST_TO_FIVE, [Response(who="Ana", value=5)], proposal=text)
    editing.record_agreement(s, issue.id, check.id, text, title=text, on=date(2027, 1, 4))
    for report in REPORTS:
        page = parse(render(s, "html", report))
        assert page.other == []
        assert page.root.find("div", "agreed-text").text() == shown(text)
        assert shown_inline(text) in page.root.find("body").text()


# --- the document -----------------------------------------------------------------------------


def test_self_contained_and_printable() -> None:
    out = render(store.load_session(EXAMPLE), "html")
    page = parse(out)
    assert out.startswith("<!DOCTYPE html>\n")
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "a", "base", "form", "svg"}
    assert not re.search(r"https?:|//[a-z]|@import|url\(", out, re.I)
    csp = next(
        dict(a)["content"]
        for t, a in page.tags
        if t == "meta" and dict(a).get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp and "script" not in csp
    css = page.root.find("style").text()
    assert "@page" in css and "size: letter" in css and "counter(pages)" in css
    assert re.search(r"body \{[^}]*font-family: Georgia[^;]*serif", css)
    assert re.search(r"table\.grid th, table\.grid td \{[^}]*border: 1px solid", css)
    assert "@media print" in css


def test_minutes_follow_the_markdown_minutes() -> None:
    """The same sections and items, in the same order, as the Markdown minutes."""
    session = store.load_session(EXAMPLE)
    md = render(session, "md")
    root = parse(render(session, "html")).root
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    md_titles = [
        tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag in ("h2", "h3", "h4")
    ]
    html_titles = [n.text() for n in root.find_all() if n.tag in ("h2", "h3", "h4")]
    assert [t.replace("\\", "") for t in md_titles] == html_titles
    letterhead = root.find("header", "letterhead")
    assert letterhead.find("h1").text() == session.title
    assert letterhead.find(cls="org").text() == session.organization
    assert letterhead.find(cls="unit").text() == session.bargaining_unit
    assert letterhead.find(cls="dates").text() == "Tuesday 9 March 2027; Wednesday 10 March 2027"
    # The summary table of issues: a row per issue, each with its status styled.
    summary = root.find("table", "grid")
    assert len(summary.find("tbody").find_all("tr")) == len(session.issues)
    statuses = [n.classes for n in summary.find_all("span", "status")]
    assert [f"status-{i.status.value}" in c for i, c in zip(session.issues, statuses)] == [True] * len(session.issues)
    # The TA language exactly.
    assert root.find("div", "agreed-text").text() == session.agreements[0].text


def test_ta_summary_one_page_per_agreement() -> None:
    session = three_tas()
    root = parse(render(session, "html", "ta")).root
    sheets = root.find_all("div", "sheet")
    pages = [s for s in sheets if "ta-page" in s.classes]
    assert len(pages) == 3 and len(sheets) == 4  # a cover, then one sheet per TA
    css = root.find("style").text()
    assert re.search(r"\.sheet \+ \.sheet \{[^}]*break-before: page", css)
    cover = sheets[0]
    assert "Summary of tentative agreements" in cover.find("header").text()
    index = cover.find("table", "grid").find("tbody").find_all("tr")
    assert [r.find_all("td")[-1].text() for r in index] == [
        "Lakeview Education Association, Lakeview School Committee",
        "Lakeview Education Association",
        "not yet initialed",
    ]
    issues = {i.id: n for n, i in enumerate(session.issues, start=1)}
    for n, (page, ta) in enumerate(zip(pages, session.agreements), start=1):
        assert page.find("h2").text().startswith(f"Tentative agreement {n} of 3")
        facts = {row.find("th").text(): row.find("td").text() for row in page.find("table", "facts").find_all("tr")}
        issue = session.issue(ta.issue)
        assert facts["Issue"] == f"{issues[ta.issue]}. {issue.statement}"
        assert facts["Date"] == "Tuesday 24 November 2026"
        assert facts.get("Contract article", "") == ta.article
        # the exact language, whitespace and all, in a box that keeps it (pre-wrap)
        assert page.find("div", "agreed-text").text() == ta.text == TA_TEXTS[n - 1]
        # each party's spokesperson and initials, a blank box where none yet
        rows = page.find("table", "initials").find("tbody").find_all("tr")
        cells = [[td.text() for td in row.find_all("td")] for row in rows]
        initials = {i.party: i.initials for i in ta.initials}
        assert cells == [
            ["Lakeview Education Association", "Ana Ruiz", initials.get("labor", "")],
            ["Lakeview School Committee", "Ben Hale", initials.get("management", "")],
        ]
        blanks = [row.find_all("td")[2].find_all("span", "blank") for row in rows]
        assert [bool(b) for b in blanks] == [p not in initials for p in ("labor", "management")]
        # blank ratification lines: the union membership vote and the school committee vote
        groups = page.find("div", "signatures").find_all("div", "sig-group")
        assert [g.find("p").text() for g in groups] == [
            "Union membership ratification vote: Lakeview Education Association",
            "School committee ratification vote: Lakeview School Committee",
        ]
        for group in groups:
            lines = group.find_all("td", "line")
            assert len(lines) == 3 and all(line.text() == "" for line in lines)
            assert [c.text() for c in group.find_all("td", "caption")] == ["Name (print)", "Signature", "Date"]
        assert (
            page.find("p", "running").text() == "Lakeview Public Schools · Teachers · Lakeview 2026 successor contract"
        )


def test_ta_summary_of_a_session_without_agreements() -> None:
    root = parse(render(Session(title="Blank"), "html", "ta")).root
    assert not root.find_all("div", "ta-page")
    assert "No tentative agreements have been recorded in this session." in root.text()


def test_ta_summary_without_parties_still_has_both_votes() -> None:
    s = Session(title="No parties")
    issue = editing.add_issue(s, "How can we?")
    check, _ = editing.record_check(s, issue.id, Method.THUMBS, [Response(who="Somebody", value="up")])
    editing.record_agreement(s, issue.id, check.id, "Text.", on=date(2027, 1, 4))
    page = parse(render(s, "html", "ta")).root.find("div", "ta-page")
    assert [g.find("p").text() for g in page.find_all("div", "sig-group")] == [
        "Union membership ratification vote",
        "School committee ratification vote",
    ]


# --- Markdown TA summary ----------------------------------------------------------------------


def test_markdown_ta_summary() -> None:
    session = three_tas()
    text = render(session, "md", "ta")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert text.startswith("# Lakeview 2026 successor contract: summary of tentative agreements\n")
    assert sum(t.type == "hr" for t in tokens) == 3
    fences = [t.content for t in tokens if t.type == "fence"]
    assert fences == [t.rstrip("\n") + "\n" for t in TA_TEXTS]
    assert "| Lakeview Education Association | Ana Ruiz | **AR** |" in text
    assert "| Lakeview School Committee | Ben Hale |   |" in text
    assert text.count("| Name (print) | Signature | Date |") == 6
    assert not any(t.type in ("html_block", "html_inline") for tok in tokens for t in [tok, *(tok.children or [])])


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_markdown_ta_summary_of_hostile_text(text: str) -> None:
    md = render(hostile_session(text), "md", "ta")
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    flat = [t for tok in tokens for t in [tok, *(tok.children or [])]]
    assert not any(t.type in ("html_block", "html_inline", "link_open", "image") for t in flat)
    # the agreed language byte for byte, by the Markdown minutes' own rule for control characters
    assert [t.content for t in tokens if t.type == "fence"] == [markdown_clean(text).rstrip("\n") + "\n"]
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", md)


# --- Word -------------------------------------------------------------------------------------


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_word_minutes_and_ta_summary() -> None:
    import docx

    session = three_tas()
    data = render(session, "docx", "ta")
    assert isinstance(data, bytes) and zipfile.is_zipfile(io.BytesIO(data))
    document = docx.Document(io.BytesIO(data))
    breaks = [p for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert len(breaks) == 3  # each TA starts a page
    boxes = [t.rows[0].cells[0].text for t in document.tables if len(t.rows) == 1 and len(t.columns) == 1]
    assert boxes == [t.rstrip("\n") for t in TA_TEXTS]
    text = docx_text(data)
    assert text.count("Union membership ratification vote: Lakeview Education Association") == 3
    assert text.count("Name (print)") == 6
    minutes = docx_text(render(session, "docx"))
    for issue in session.issues:
        assert issue.statement in minutes
    assert "Frances Neutral" in minutes and "Health insurance carrier" in minutes


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_word_takes_any_text(text: str) -> None:
    for report in REPORTS:
        got = docx_text(render(hostile_session(text), "docx", report))
        assert shown_inline(text).replace("\t", "").split("\n")[0] in got.replace("\t", "")


# --- registry and command line ----------------------------------------------------------------


def test_registry() -> None:
    assert set(FORMATS) == {"md", "html", "docx"} and set(REPORTS) == {"minutes", "ta"}
    session = Session(title="x")
    assert render_bytes(session, "html", "ta") == render(session, "html", "ta").encode("utf-8")
    assert suggested_name("spring", "html", "ta") == "spring-ta-summary.html"
    with pytest.raises(ValueError, match="unknown report 'agenda'"):
        render(session, "html", "agenda")
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        render(session, "pdf", "ta")
    assert minutes_doc.build(session).letterhead.title == "x"


@pytest.mark.parametrize("fmt", ["html", "md", "docx"])
@pytest.mark.parametrize("report", ["minutes", "ta"])
def test_cli_export_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, report: str) -> None:
    out = tmp_path / f"out.{fmt}"
    args = ["export", str(EXAMPLE), "--format", fmt, "-o", str(out)]
    if report != "minutes":
        args += ["--report", report]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.strip() == f"Wrote {out}"
    if fmt == "docx":
        assert docx_text(out.read_bytes()) == docx_text(render(store.load_session(EXAMPLE), fmt, report))
    else:
        assert out.read_bytes() == render_bytes(store.load_session(EXAMPLE), fmt, report)


def test_cli_text_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(EXAMPLE), "--format", "html", "--report", "ta"]) == 0
    captured = capsys.readouterr()
    assert captured.out == render(store.load_session(EXAMPLE), "html", "ta") and captured.err == ""


def test_cli_docx_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    for args in ([], ["-o", "-"]):
        assert main(["export", str(EXAMPLE), "--format", "docx", *args]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        lines = captured.err.splitlines()
        assert len(lines) == 1 and "binary" in lines[0] and "-o" in lines[0]


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_cli_never_writes_over_the_session(session_file: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    before = session_file.read_bytes()
    link = session_file.with_name("link.toml")
    os.link(session_file, link)
    for target in (session_file, link, session_file.parent / ".." / session_file.parent.name / session_file.name):
        assert main(["export", str(session_file), "--format", fmt, "-o", str(target)]) == 1
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and "is the session itself" in err
    assert session_file.read_bytes() == before


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "no such file"),
        ('schema_version = 1\ntitle = "x"\n[[issues]\n', ":3:"),
        ('schema_version = 1\ntitle = "x"\ncolour = "red"\n', "colour: unknown field"),
    ],
    ids=["missing", "syntax", "schema"],
)
@pytest.mark.parametrize("report", ["minutes", "ta"])
def test_cli_bad_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, expected: str, report: str
) -> None:
    path = tmp_path / "broken.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    out = tmp_path / "out.html"
    assert main(["export", str(path), "--format", "html", "--report", report, "-o", str(out)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and len(lines) == 1 and expected in lines[0] and str(path) in lines[0]
    assert not out.exists()


# --- in a real browser ------------------------------------------------------------------------


def chromium(tmp_path: Path, page: Path, *args: str) -> None:
    profile = tmp_path / f"profile-{page.stem}"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-color-profile=srgb",
        f"--user-data-dir={profile}",
        *args,
        page.as_uri(),
    ]
    subprocess.run(command, capture_output=True, timeout=120, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (`make browser` installs Debian's chromium)")
@pytest.mark.parametrize("report", ["minutes", "ta"])
def test_headless_chromium_shows_the_letterhead(tmp_path: Path, report: str) -> None:
    page = tmp_path / f"{report}.html"
    assert main(["export", str(EXAMPLE), "--format", "html", "--report", report, "-o", str(page)]) == 0
    shot = tmp_path / f"{report}.png"
    chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=1000,700")
    assert shot.exists(), "chromium wrote no screenshot"
    data = shot.read_bytes()
    assert len(data) > 15_000  # a blank page compresses to a few hundred bytes
    width, height, rows = png_rows(data, 260)
    assert (width, height) == (1000, 700)
    pixel = lambda x, y: tuple(rows[y][3 * x : 3 * x + 3])  # noqa: E731
    # the grey desk around the white sheet of paper
    assert pixel(8, 100) == (0xE7, 0xE5, 0xDF)
    assert pixel(500, 40) == (255, 255, 255)
    # the letterhead: navy district name, dark title text, in the top of the sheet
    navy = [
        (x, y)
        for y in range(40, 260)
        for x in range(0, width, 2)
        if (lambda p: p[2] > p[0] + 35 and p[0] < 90)(pixel(x, y))
    ]
    dark = [(x, y) for y in range(40, 260) for x in range(0, width, 2) if max(pixel(x, y)) < 80]
    assert len(navy) > 100 and len(dark) > 100
    assert 300 < sum(x for x, _ in navy) / len(navy) < 700  # centered


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (`make browser` installs Debian's chromium)")
def test_headless_chromium_prints_one_page_per_agreement(tmp_path: Path) -> None:
    session = three_tas()
    page = tmp_path / "ta.html"
    page.write_text(render(session, "html", "ta"), encoding="utf-8")
    pdf = tmp_path / "ta.pdf"
    chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf.exists(), "chromium printed no PDF"
    counts = re.findall(rb"/Type\s*/Pages\b.*?/Count (\d+)|/Count (\d+)", pdf.read_bytes(), re.S)
    pages = {int(a or b) for a, b in counts}
    assert pages == {1 + len(session.agreements)}  # the cover, then one page per TA
