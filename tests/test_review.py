"""``ibb review``: a session for reading, read-only, with a timeline; driven as a person would.

- nothing can be edited: every key a facilitator uses is pressed, and the file's bytes, its folder
  (no lock, backup or temp file) and the session in memory are the same afterwards;
- the left list shows each issue's outcome, the right side the issue in full, plus the
  session-wide views; the find box filters and jumps; ``focus`` lands on an item;
- the timeline keys show the session as it stood at the end of day 1, and back to now;
- hostile text from a file shows literally in every place.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import VOTERS, make_session
from helpers import example as copy_example
from helpers import until
from textual.content import Content
from textual.widgets import Input, OptionList, Static

from ibb_facilitator import cli, editing, store, timeline
from ibb_facilitator.model import ActionKind, Method, Response, Session
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.modals import Choose, Panel
from ibb_facilitator.tui.review import ReviewScreen

SIZE = (130, 42)
# Notices last 5 s; under load the review screen can take longer than that to appear, and a test
# that looks for the notice then finds it gone (seen in a full run beside four other suites).
LOOKED_AT = 120.0


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "sessions", "spring-contract.toml")


def folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir())}


async def review(pilot) -> ReviewScreen:
    await until(
        pilot, lambda: isinstance(pilot.app.screen, ReviewScreen) and pilot.app.screen.is_mounted, "the review screen"
    )
    await pilot.pause()
    return pilot.app.screen


def rows(widget: OptionList) -> list[str]:
    return [widget.get_option_at_index(i).prompt.plain for i in range(widget.option_count)]


def places(screen: ReviewScreen) -> list[str]:
    return rows(screen.query_one("#review-places", OptionList))


def detail(screen: ReviewScreen) -> list[str]:
    return rows(screen.query_one("#review-detail", OptionList))


async def show_place(pilot, screen: ReviewScreen, key: str) -> list[str]:
    """Highlight place ``key`` in the outline (``view:parking``, ``issue:issue-1``); the page it shows."""
    places_list = screen.query_one("#review-places", OptionList)
    places_list.highlighted = places_list.get_option_index(key)
    await pilot.pause()
    return detail(screen)


def highlighted(widget: OptionList):
    return widget.highlighted_option


def static_text(screen, selector: str) -> str:
    return screen.query_one(selector, Static).content.plain


# --- read-only ----------------------------------------------------------------------------------

FACILITATOR_KEYS = [
    "e", "d", "delete", "backspace", "x", "c", "p", "h", "k", "s", "space", "0", "3", "5", "u", "y",
    "shift+up", "shift+down", "alt+right", "alt+left", "alt+down", "alt+up", "ctrl+z", "ctrl+s",
    "ctrl+b", "ctrl+r", "ctrl+t", "ctrl+g", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "enter", "tab",
]  # fmt: skip


async def test_review_changes_nothing_and_says_so(example: Path) -> None:
    before_files = folder(example)
    before_stat = example.stat().st_mtime_ns
    app = IbbApp(review_path=example)
    app.NOTIFICATION_TIMEOUT = LOOKED_AT  # the notice is still up when a busy machine looks
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await review(pilot)
        banner = static_text(screen, "#review-banner")
        assert banner.startswith("Review: read-only") and example.name in banner
        assert screen.file.readonly and app.file is None  # the review keeps its read-only file to itself
        assert folder(example) == before_files  # no lock file while it is open
        held = store.session_data(screen.session)
        screen.query_one("#review-places", OptionList).highlighted = 1  # issue 1: items of every kind
        await pilot.pause()
        for target in ("#review-places", "#review-detail"):  # each list, every facilitator key
            screen.query_one(target, OptionList).focus()
            for key in FACILITATOR_KEYS:
                await pilot.press(key)
                while not isinstance(app.screen, ReviewScreen):  # a key that opened a panel
                    await pilot.press("escape")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("read-only" in toast.render().plain for toast in app.screen.query("Toast"))
        await pilot.press("ctrl+f")
        for char in "class[/]":
            await pilot.press(char)
        await pilot.press("enter", "escape", "escape")
        assert store.session_data(screen.session) == held
        await pilot.press("ctrl+q")
    assert not app.is_running
    assert folder(example) == before_files  # same bytes; no lock, backup or temp file left
    assert example.stat().st_mtime_ns == before_stat


async def test_open_review_of_a_bad_file_shows_the_error_and_leaves_it(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("schema_version = 1\ntitle = [\n", encoding="utf-8")
    app = IbbApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.open_review(bad) is False
        await until(pilot, lambda: isinstance(app.screen, Panel) and app.screen.is_mounted, "the error panel")
        await pilot.pause()
        shown = "\n".join(str(getattr(w.content, "plain", w.content)) for w in app.screen.query(Static))
        assert "Cannot open" in shown and "broken.toml:3:1: " in shown and "The file was not changed." in shown
        await pilot.press("ctrl+q")
    assert bad.read_text(encoding="utf-8") == "schema_version = 1\ntitle = [\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.toml"]


# --- reading ------------------------------------------------------------------------------------


async def test_issues_with_their_outcome_and_each_issue_in_full(example: Path) -> None:
    app = IbbApp(review_path=example)
    async with app.run_test(size=SIZE) as pilot:
        screen = await review(pilot)
        left = places(screen)
        assert left[0] == "Session overview"
        assert re.match(
            r" 1\. How can we keep class sizes manageable .*\n    Agreed \(TA\) · TA: yes, initialed$", left[1], re.S
        )
        assert left[2].endswith("Open · TA: no") and left[3].endswith("Parked · TA: no")
        assert [line.split(" (")[0] for line in left[5:]] == [
            "Tentative agreements",
            "Parking lot",
            "Actions and information requests",
            "Caucuses",
            "Change log",
        ]

        await pilot.press("down")  # issue 1: class size
        await pilot.pause()
        assert screen.place == "issue:issue-1"
        right = detail(screen)
        text = "\n".join(right)
        assert right[0].startswith(
            "Issue 1 of 4 · Article 14, Class Size · Agreed (TA) · raised by Maple Valley Education Association"
        )
        assert "Data needed: October 1, 2026 class-size report" in right[0]
        # interests by holder, the mutual ones marked
        at = {line: n for n, line in enumerate(right)}
        union = at["Maple Valley Education Association (U)"]
        district = at["Maple Valley Public Schools (M)"]
        mutual = at["★ Mutual (B): interests every party shares"]
        assert union < district < mutual
        assert right[union + 1] == "I1 (U) Teachers can give every student individual attention  (substantive)"
        assert right[mutual + 1] == "I7  B  Student learning comes first  (substantive)"
        # options with their state
        assert "O5 Hire 12 more teachers to bring every class under the guideline  set aside" in text
        assert "O2 Guideline sizes, with a stipend for each student over the guideline  combined into O7" in text
        assert re.search(r"O7 Guideline sizes \(22 in K–3.*on the table\n   serves I1 \(U\), I3 \(U\)", text, re.S)
        # criteria and the rating grid
        grid = next(line for line in right if line.startswith("Option "))
        assert grid.split("\n")[0].split() == ["Option", "C1", "C2", "C3", "C4", "C5", "Σ", "Rank"]
        assert re.search(r"O1 Hard cap of 24 students.*\s+1\s+5\s+2\s+4\s+4\s+16\s+2$", grid, re.M)
        # consensus checks: each response, the outcome
        checks = [line for line in right if line.startswith("Check ")]
        assert len(checks) == 2
        assert (
            "NO CONSENSUS" in checks[0]
            and "Aisha Karimi (U): 2" in checks[0]
            and "Helen Brandt: 5 (not counted)" in checks[0]
        )
        assert (
            "Below the line: Aisha Karimi, Mark Feld" in checks[0]
            and "Note: Mark Feld: the stipend has no ceiling" in checks[0]
        )
        assert " CONSENSUS " in checks[1] and "Mark Feld (M): 3" in checks[1]
        # the TA: language and initials
        ta = next(line for line in right if line.startswith("TA 1 "))
        assert "Class size guidelines, overages and the joint class-size committee" in ta
        assert (
            "14.1 Guideline class sizes are 22 students in kindergarten through grade 3 and 26 students\n     in "
            "grades 4 through 12." in ta
        )
        assert ta.endswith("Initials: U JR (Jordan Reyes) · M KO (Kevin O'Brien)")

        await pilot.press("down")  # issue 2: open, its options
        await pilot.pause()
        assert "Tentative agreement" not in "\n".join(detail(screen))
        assert "Notes: Options stay open until the turnover data" in detail(screen)[0]
        await pilot.press("ctrl+q")


async def test_session_wide_views(example: Path) -> None:
    app = IbbApp(review_path=example)
    async with app.run_test(size=SIZE) as pilot:
        screen = await review(pilot)

        async def show(key: str) -> list[str]:
            return await show_place(pilot, screen, key)

        parking = await show("view:parking")
        assert (
            len(parking) == 3
            and parking[2].startswith("☑ Parking at the high school")
            and "owner: Tom Becker" in parking[2]
        )
        assert "came up in issue 3" in parking[1]
        actions = await show("view:actions")
        assert len(actions) == 7 and actions[0].startswith("☑ INFO REQUEST Cost of a paraprofessional")
        assert "to provide: Maple Valley Public Schools" in actions[0] and "due 2027-03-10" in actions[0]
        caucuses = await show("view:caucuses")
        assert caucuses[0].startswith("Maple Valley Education Association  Tue 9 Mar 2027 13:40 to 13:59 (19 min)")
        assert "called by Jordan Reyes · Review the comparison-district salary data" in caucuses[0]
        tas = await show("view:agreements")
        assert tas[0].startswith("Issue: How can we keep class sizes") and tas[1].startswith("TA 1 ")
        log = await show("view:log")
        assert log[0].startswith("122 changes") and len(log) == 123
        overview = await show("view:overview")
        assert overview[0].startswith("Spring 2027 successor contract, session 3\nMaple Valley Public Schools")
        assert "7. Nothing is agreed until everything is agreed." in overview
        await pilot.press("ctrl+q")


async def test_find_filters_and_jumps(example: Path) -> None:
    app = IbbApp(review_path=example)
    async with app.run_test(size=SIZE) as pilot:
        screen = await review(pilot)
        await pilot.press("slash")
        find = screen.query_one("#find", Input)
        assert find.has_focus
        for char in "STIPEND":
            await pilot.press(char)
        await pilot.pause()
        status = static_text(screen, "#find-status")
        assert re.match(r"\d+ matches in 4 places", status), status
        assert [p.split("\n")[0][:12] for p in places(screen)] == [
            " 1. How can ",
            " 2. How can ",
            "Tentative ag",
            "Caucuses (2)",
        ]
        seen = []
        await pilot.press("enter")  # the first match, in issue 1
        for _ in range(len(screen.matches)):
            option = highlighted(screen.query_one("#review-detail", OptionList))
            assert option is not None and "stipend" in option.prompt.plain.casefold()
            assert any(span.style == "reverse $warning" for span in option.prompt.spans)  # the match is marked
            seen.append((screen.place, option.id))
            await pilot.press("n")
            await pilot.pause()
        assert len(set(seen)) == len(screen.matches) and seen[0][0] == "issue:issue-1"
        await pilot.press("N")
        await pilot.pause()
        assert (screen.place, highlighted(screen.query_one("#review-detail", OptionList)).id) == seen[-1]
        await pilot.press("ctrl+f")
        find.value = "no such words anywhere"
        await pilot.pause()
        assert static_text(screen, "#find-status") == "No match at this moment."
        assert places(screen) == []
        await pilot.press("escape")  # clears the find box: everything is back
        await pilot.pause()
        assert find.value == "" and len(places(screen)) == 10
        await pilot.press("ctrl+q")


@pytest.mark.parametrize(
    "item, place",
    [
        ("option-3", "issue:issue-1"),
        ("interest-20", "issue:issue-3"),
        ("ta-1", "issue:issue-1"),
        ("park-2", "view:parking"),
        ("criterion-2", "view:overview"),
    ],
)
async def test_focus_selects_the_issue_and_highlights_the_item(example: Path, item: str, place: str) -> None:
    app = IbbApp(review_path=example, review_focus=item)
    async with app.run_test(size=SIZE) as pilot:
        screen = await review(pilot)
        assert screen.place == place
        plist = screen.query_one("#review-places", OptionList)
        assert highlighted(plist).id == place
        option = highlighted(screen.query_one("#review-detail", OptionList))
        assert option is not None and option.id == f"item:{item}"
        assert option.prompt.plain.startswith("▶ ")
        await pilot.press("ctrl+q")


async def test_focus_on_an_unknown_item_says_so(example: Path) -> None:
    app = IbbApp()
    app.NOTIFICATION_TIMEOUT = LOOKED_AT  # the notice is still up when a busy machine looks
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert app.open_review(example, focus="interest-999")
        screen = await review(pilot)
        assert screen.place == "view:overview"
        await until(
            pilot,
            lambda: any("interest-999 is not in this session" in t.render().plain for t in app.screen.query("Toast")),
            "the notice",
        )
        await pilot.press("escape")  # back to where it came from
        await until(pilot, lambda: not isinstance(app.screen, ReviewScreen), "back")
        await pilot.press("ctrl+q")


# --- the timeline -------------------------------------------------------------------------------


async def test_timeline_keys_show_the_session_as_it_was(example: Path) -> None:
    session = store.load_session(example)
    day1 = timeline.day_marks(session)[0]
    app = IbbApp(review_path=example)
    async with app.run_test(size=SIZE) as pilot:
        screen = await review(pilot)
        when = lambda: static_text(screen, "#review-when")  # noqa: E731
        assert when().startswith("Now (the file as saved) — 122 of 122 changes")
        await pilot.press("down")
        await pilot.press("{")  # the end of day 1
        await pilot.pause()
        assert screen.position == day1.changes == 100
        assert when().startswith("As of Tue 9 Mar 2027 15:41 — 100 of 122 changes")
        assert "Last change: Action: Circulate draft minutes of day 1 to both teams" in when()
        assert places(screen)[1].endswith("Open · TA: no")  # no TA yet on class size
        text = "\n".join(detail(screen))
        assert "Check 1" not in text and "TA 1" not in text and "stage reached: criteria" in text
        await pilot.press("]")
        await pilot.pause()
        assert screen.position == 101 and "101 of 122" in when()
        await pilot.press("[", "[")
        await pilot.pause()
        assert screen.position == 99
        await pilot.press("{")
        await pilot.pause()
        assert screen.position == 0 and when().startswith("At the start, before any change — 0 of 122 changes")
        assert places(screen)[0] == "Session overview" and len(places(screen)) == 6  # no issue yet
        await pilot.press("}", "}")
        await pilot.pause()
        assert screen.position == 122 and screen.state is screen.session
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, Choose), "the moments")
        labels = [app.screen.query_one(OptionList).get_option_at_index(i).prompt.plain for i in range(4)]
        assert labels[1] == "End of day 1: Tue 9 Mar 2027 15:41 (100 of 122 changes)"
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and screen.position == 100, "day 1")
        await pilot.press("ctrl+q")


async def test_review_at_a_moment_from_the_command_line(example: Path, capsys) -> None:
    session = store.load_session(example)
    at = timeline.resolve_when(session, "day 1")
    app = IbbApp(review_path=example, review_at=at)
    async with app.run_test(size=SIZE) as pilot:
        screen = await review(pilot)
        assert screen.position == 100 and "As of Tue 9 Mar 2027 15:41" in static_text(screen, "#review-when")
        await pilot.press("ctrl+q")
    for argv, expect in (
        (["review", str(example), "--at", "day 9"], "2 meeting days"),
        (["review", str(example.with_name("nope.toml"))], "no such file"),
    ):
        assert cli.main(argv) == 1
        out, err = capsys.readouterr()
        assert out == "" and len(err.splitlines()) == 1 and expect in err


# --- hostile text -------------------------------------------------------------------------------

HOSTILE = [
    "[/]",
    "[bold]x[/bold]",
    "[/",
    "[red]",
    "[link=http://x]y[/link]",
    "\\[escaped]",
    "$accent",
    "<script>alert(1)</script>",
    "😀🎉 emoji 中文 שלום",
    "line one\nline two\n[b]three[/b]",
    "x" * 3000,
]


def hostile_session() -> Session:
    s = make_session()
    s.parties[0].name = "[b]Union[/b] <i>"
    one = " ".join(HOSTILE[:9])
    for n, text in enumerate(HOSTILE):
        editing.add_issue(s, text, article=one if n == 0 else "", data_needed=text)
    first = s.issues[0].id
    editing.edit_issue(s, first, notes=one)
    for text in HOSTILE:
        editing.add_interest(s, first, text, "labor")
        editing.add_interest(s, first, text, "mutual")
        editing.add_option(s, first, text)
        editing.add_criterion(s, first, text)
        editing.add_parking(s, text, owner=text, issue_id=first)
        editing.add_action(s, text, owner=text, kind=ActionKind.INFO_REQUEST, requested_of=text, issue_id=first)
    editing.add_criterion(s, None, one)
    editing.rate(s, first, s.issues[0].options[0].id, s.issues[0].criteria[0].id, 3)
    check, _ = editing.record_check(
        s,
        first,
        Method.FIST_TO_FIVE,
        [Response(who=v, value=4) for v in VOTERS] + [Response(who=one, value=4)],
        proposal=one,
        note=HOSTILE[-2],
    )
    ta = editing.record_agreement(s, first, check.id, "\n".join(HOSTILE), title=one, on=date(2026, 11, 24))
    editing.initial(s, ta.id, "labor", "[/]")
    editing.initial(s, ta.id, "management", "[b]x[/b]", name=one)
    editing.start_caucus(s, "labor", called_by=one, reason=HOSTILE[-2])
    editing.end_caucus(s)
    return s


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_literal(content: Content, text: str, where: str) -> None:
    """``content`` holds ``text`` as typed, and no style begins or ends inside it."""
    start = content.plain.find(text)
    assert start >= 0, f"{where}: {text[:60]!r} not shown literally in {content.plain[:200]!r}"
    end = start + len(text)
    for span in content.spans:
        if span.start < end and span.end > start:
            assert span.start <= start and span.end >= end, f"{where}: style {span.style!r} inside {text[:60]!r}"


async def test_hostile_text_shows_literally_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "hostile.toml"
    store.save_session(hostile_session(), path, backup=False)
    before = path.read_bytes()
    app = IbbApp(review_path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await review(pilot)
        plist = screen.query_one("#review-places", OptionList)
        right = screen.query_one("#review-detail", OptionList)
        for n, text in enumerate(HOSTILE, start=1):  # every issue statement in the left list
            prompt = plist.get_option(f"issue:issue-{n}").prompt
            assert_literal(prompt, text.replace("\n", " ⏎ ")[:150], f"issue row {n}")

        async def place(key: str) -> list[Content]:
            plist.highlighted = plist.get_option_index(key)
            await pilot.pause()
            return [right.get_option_at_index(i).prompt for i in range(right.option_count)]

        issue = await place("issue:issue-1")
        joined = Content("\n").join(issue)
        for text in HOSTILE:
            hits = [c for c in issue if text in c.plain]
            assert len(hits) >= 4, (
                f"{text[:40]!r} shown {len(hits)} times in issue 1"
            )  # statement, interests ×2, option, criterion, TA
            for content in hits:
                assert_literal(content, text, "issue 1")
        assert_literal(joined, " ".join(HOSTILE[:9]), "notes, proposal, title")
        # drawn as the list draws it, wrapped to its width
        option = right.get_option("item:check-1")
        strips = right._get_option_render(option, right.get_visual_style("option-list--option"))
        drawn = squash("".join(strip.text for strip in strips))
        assert squash(" ".join(HOSTILE[:9])) in drawn and squash(HOSTILE[-2]) in drawn
        for key in ("view:parking", "view:actions", "view:caucuses", "view:agreements", "view:overview", "view:log"):
            shown = await place(key)
            assert any(HOSTILE[1] in c.plain for c in shown), key
            for content in shown:
                for text in HOSTILE[:9]:
                    if text in content.plain:
                        assert_literal(content, text, key)
        await pilot.press("ctrl+f")
        screen.query_one("#find", Input).value = "[/"
        await pilot.pause()
        assert screen.matches and static_text(screen, "#find-status").endswith("Esc clears")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None)
    assert path.read_bytes() == before


async def test_a_carried_session_says_where_it_came_from(tmp_path: Path) -> None:
    """Session 4 of the bundled negotiation, reviewed: the overview names session 3's file (and
    what the room said of its minutes), an issue agreed back then says where its TA is, and a
    carried issue where it came from."""
    import shutil

    from helpers import EXAMPLE

    folder = tmp_path / "sessions"
    copy_example(folder, "spring-contract.toml")
    path = folder / "spring-contract-next.toml"
    shutil.copyfile(EXAMPLE.with_name(path.name), path)
    app = IbbApp(review_path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await review(pilot)

        async def show(key: str) -> list[str]:
            return await show_place(pilot, screen, key)

        overview = "\n".join(await show("view:overview"))
        assert "Carried over from: spring-contract.toml (Spring 2027 successor contract, session 3)" in overview
        agreed = (await show("issue:issue-1"))[0]
        assert "Earlier sessions: agreed in spring-contract.toml — TA of 2027-03-10" in agreed
        carried = (await show("issue:issue-4"))[0]
        assert "Earlier sessions: carried from spring-contract.toml" in carried
        await pilot.press("ctrl+q")
