"""``ibb room``: the read-only wall view that follows the session file.

- It follows saves made by **another process** (a writer subprocess using ``store.save_session``,
  as the facilitation app's autosave does): atomic replacement, a new inode each time.
- A save that cannot be read (invalid TOML, a file briefly gone) keeps the last good view up
  under "Waiting for a valid save" with the error's line, until a good save arrives.
- What may reach the wall is an allow-list: data anywhere else (today's notes, logs, members,
  parking lot; tomorrow's confidential training briefs, here a model subclass with extra fields
  at every level) never renders, at any stage.
- Hostile text shows literally. Loading happens off the UI thread.
- ``watch.FileFollower`` on its own: watching and the stat-poll fallback both follow
  ``os.replace``; the core module imports neither textual nor rich.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import helpers
import pytest
from helpers import screen_text

from ibb_facilitator import editing, store
from ibb_facilitator.model import Issue, Option, Party, Session, Stage
from ibb_facilitator.tui.room import ROOM_FIELDS, RoomApp, build_view
from ibb_facilitator.watch import FileFollower

SIZE = (120, 40)

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ibb_facilitator import editing, store
    path, text = Path(sys.argv[1]), sys.argv[2]
    session = store.load_session(path)
    issue = session.issue(session.cursor.issue)
    editing.add_interest(session, issue.id, text, "management")
    store.save_session(session, path)
    """
)


def write_from_another_process(path: Path, text: str) -> None:
    """What the facilitation app's autosave does, from another process: load, change, save."""
    result = subprocess.run([sys.executable, "-c", WRITER, str(path), text], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# Waiting for the room view: on timeout, the failure shows what the screen holds.
until = functools.partial(helpers.until, detail=screen_text)


def widget_text(app: RoomApp) -> str:
    """The text of every Static and Label, and of the wall's own line widgets in reading order
    (columns side by side interleave on the screen)."""
    from textual.widgets import Static

    from ibb_facilitator.tui.wall import Lines

    shown = [str(getattr(w.content, "plain", w.content)) for w in app.screen.query(Static) if w.display]
    return "\n".join(shown + [w.text for w in app.screen.query(Lines) if w.display])


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def shows(app: RoomApp, text: str) -> bool:
    """On the screen, or (for text in side-by-side columns) in a shown widget."""
    return squash(text) in squash(screen_text(app)) or squash(text) in squash(widget_text(app))


def waiting(app: RoomApp) -> bool:
    return app.query_one("#room-waiting").display and "Waitingforavalidsave" in squash(screen_text(app))


def replace_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.writer.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- following another process's saves --------------------------------------------------------


async def test_follows_saves_made_by_another_process(session_file: Path) -> None:
    app = RoomApp(session_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: shows(app, "How can we give teachers time to collaborate?"), "the first view")
        await until(pilot, lambda: app.follower is not None and app.follower.mode == "watch", "the watcher running")
        inode = session_file.stat().st_ino
        write_from_another_process(session_file, "Predictable budget for substitute coverage")
        await until(pilot, lambda: shows(app, "Predictable budget for substitute coverage"), "the first save")
        write_from_another_process(session_file, "Release time that does not cut instruction")
        await until(pilot, lambda: shows(app, "Release time that does not cut instruction"), "the second save")
        assert session_file.stat().st_ino != inode  # the file was replaced, not written in place
        assert shows(app, "Predictable budget for substitute coverage")
        assert not waiting(app)
        assert app.view is not None and app.view.count == 3  # interests of the current issue


async def test_keeps_the_last_good_view_through_an_invalid_save_and_recovers(session_file: Path) -> None:
    app = RoomApp(session_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: shows(app, "Common planning time"), "the first view")
        good = session_file.read_bytes()
        replace_atomically(session_file, b'schema_version = 1\ntitle = "half a save\n')
        await until(pilot, lambda: waiting(app), "the waiting banner")
        assert shows(app, f"{session_file}:2")  # the error's file and line
        assert shows(app, "Common planning time") and shows(app, "How can we give teachers time to collaborate?")
        replace_atomically(session_file, good)
        write_from_another_process(session_file, "Back after the bad save")
        await until(pilot, lambda: shows(app, "Back after the bad save") and not waiting(app), "the recovery")


async def test_survives_the_file_being_deleted_then_recreated(session_file: Path, populated: Session) -> None:
    app = RoomApp(session_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: shows(app, "Common planning time"), "the first view")
        session_file.unlink()
        await until(pilot, lambda: waiting(app) and shows(app, "no such file"), "the missing-file banner")
        assert shows(app, "Common planning time")
        editing.add_interest(populated, populated.cursor.issue, "Recreated by the recorder", "labor")  # type: ignore[arg-type]
        store.save_session(populated, session_file)
        await until(pilot, lambda: shows(app, "Recreated by the recorder") and not waiting(app), "the recreated file")


async def test_a_room_started_before_the_file_exists_waits_for_it(tmp_path: Path, populated: Session) -> None:
    path = tmp_path / "later.toml"
    app = RoomApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: waiting(app) and shows(app, "Waiting for a valid save of"), "the waiting screen")
        store.save_session(populated, path)
        await until(pilot, lambda: shows(app, "Common planning time") and not waiting(app), "the first save")


async def test_loading_happens_off_the_ui_thread(session_file: Path) -> None:
    threads: list[threading.Thread] = []

    def loader(path: Path) -> Session:
        threads.append(threading.current_thread())
        return store.load_session(path)

    app = RoomApp(session_file, loader=loader)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.view is not None, "the first view")
        write_from_another_process(session_file, "Another")
        await until(pilot, lambda: shows(app, "Another"), "the save")
    assert len(threads) >= 2 and all(t is not threading.main_thread() for t in threads)


def test_ibb_room_refuses_a_bad_file_with_its_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('schema_version = 1\ntitle = "x"\nissues = 3\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ibb_facilitator", "room", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1 and f"{bad}:3: issues" in result.stderr and "Traceback" not in result.stderr


# --- what the wall shows, at every stage -------------------------------------------------------


async def walk_stages(app: RoomApp, pilot, path: Path, session: Session, check: Callable[[Stage], None]) -> None:
    """Save ``session`` at each stage of its first issue (and the issue list); check each view."""
    issue = session.issues[0]
    for stage in [Stage.ISSUES, *session.stage_order[1:]]:
        session.cursor.issue, session.cursor.stage = (
            (None, Stage.ISSUES) if stage is Stage.ISSUES else (issue.id, stage)
        )
        store.save_session(session, path)
        await until(pilot, lambda: app.view is not None and app.view.stage is stage, f"the {stage.value} stage")
        await pilot.pause(0.05)
        check(stage)


SECRET = "ZQXSECRET"


def secret_everywhere(session: Session) -> None:
    """Put a secret in every field of the session that the room must not show."""
    n = iter(range(1000))

    def s() -> str:
        return f"{SECRET}{next(n)}"

    session.organization, session.bargaining_unit, session.location = s(), s(), s()
    session.facilitators, session.recorder, session.timekeeper, session.observers = [s()], s(), s(), [s()]
    session.ground_rules = [s(), s()]
    session.decision_rule.description, session.decision_rule.fallback = s(), s()
    session.criteria_starters = [s()]
    for party in session.parties:
        for member in party.members:
            member.title = s()
    for issue in session.issues:
        issue.notes, issue.data_needed = s(), s()
        for check in issue.checks:
            check.note = s()
    editing.add_parking(session, s(), owner=s(), issue_id=session.issues[0].id)
    editing.start_caucus(session, "labor", called_by=s(), reason=s())
    editing.end_caucus(session)
    editing.add_action(session, s(), owner=s(), requested_of=s())
    editing.add_issue(session, "How can we keep the log private?")  # its event summary is logged...
    session.events[-1].summary = s()  # ...and then made secret, with secret data
    session.events[-1].data = {"x": s()}


class BriefedParty(Party):
    confidential_brief: str = ""


class BriefedOption(Option):
    private_note: str = ""


class BriefedIssue(Issue):
    confidential_brief: str = ""
    options: list[BriefedOption] = []  # type: ignore[assignment]


class BriefedSession(Session):
    """A later model with confidential data at every level (a training scenario's briefs)."""

    general_brief: str = ""
    confidential_briefs: dict[str, str] = {}
    parties: list[BriefedParty] = []  # type: ignore[assignment]
    issues: list[BriefedIssue] = []  # type: ignore[assignment]


def briefed(session: Session) -> BriefedSession:
    data = session.model_dump()
    for party in data["parties"]:
        party["confidential_brief"] = f"{SECRET}-party-{party['id']}"
    for issue in data["issues"]:
        issue["confidential_brief"] = f"{SECRET}-issue"
        for option in issue["options"]:
            option["private_note"] = f"{SECRET}-option"
    data["confidential_briefs"] = {"labor": f"{SECRET}-labor-brief", "management": f"{SECRET}-management-brief"}
    data["general_brief"] = f"{SECRET}-general"
    return BriefedSession.model_validate(data)


async def test_data_outside_the_allow_list_never_renders(tmp_path: Path, populated: Session) -> None:
    secret_everywhere(populated)
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    # the same session as a later model would carry it: briefs at the top, per party, per issue, per option
    app = RoomApp(path, loader=lambda p: briefed(store.load_session(p)))
    seen: list[Stage] = []

    def check(stage: Stage) -> None:
        text = screen_text(app) + widget_text(app)
        assert SECRET not in text and SECRET not in squash(text), f"{stage.value}: a secret reached the wall:\n{text}"
        assert shows(app, populated.title)
        seen.append(stage)

    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.view is not None, "the first view")
        assert isinstance(app.loader(path), BriefedSession) and SECRET in app.loader(path).general_brief
        await walk_stages(app, pilot, path, populated, check)
        # ... and the view data itself holds none of it (nothing hidden only by layout)
        assert SECRET not in repr(build_view(briefed(populated)))
    assert seen == [Stage.ISSUES, *populated.stage_order[1:]]


async def test_a_file_with_unknown_data_shows_only_where_the_problem_is(tmp_path: Path, populated: Session) -> None:
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    app = RoomApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.view is not None, "the first view")
        text = path.read_text(encoding="utf-8")
        replace_atomically(path, (text + f'\n[scenario]\nlabor_brief = "{SECRET} walk away below 3%"\n').encode())
        await until(pilot, lambda: waiting(app), "the waiting banner")
        assert shows(app, "scenario") and SECRET not in screen_text(app) + widget_text(app)


def test_the_allow_list_names_real_fields_only() -> None:
    """A renamed field must not silently drop out of the wall (or its allow-list entry rot)."""
    from pydantic import BaseModel

    def walk(spec: dict, model: type[BaseModel], where: str) -> None:
        for name, sub in spec.items():
            if name == "__all__":
                walk(sub, model, where)
                continue
            assert name in model.model_fields, f"{where}.{name} is not a field"
            if isinstance(sub, dict):
                annotation = model.model_fields[name].annotation
                inner = next(
                    a
                    for a in getattr(annotation, "__args__", (annotation,))
                    if isinstance(a, type) and issubclass(a, BaseModel)
                )
                walk(sub, inner, f"{where}.{name}")

    walk(ROOM_FIELDS, Session, "session")
    flat = json.dumps(ROOM_FIELDS)
    for hidden in ("notes", "brief", "events", "members", "parking_lot", "caucuses", "actions", "ground_rules", "note"):
        assert f'"{hidden}"' not in flat


def test_the_view_at_each_stage(populated: Session) -> None:
    pay, time_issue = populated.issues[0], populated.issues[1]
    populated.cursor.issue, populated.cursor.stage = pay.id, Stage.OPTIONS
    view = build_view(populated)
    assert view.count == 2 and [i.kind for i in view.groups[0].items] == ["combined", "combined", "aside", "", ""]
    populated.cursor.stage = Stage.CRITERIA
    view = build_view(populated)
    assert [i.text for i in view.groups[0].items] == [
        "Affordable within the three-year budget",
        "Competitive with the five neighboring districts",
    ]
    assert view.groups[1].items[0].note.startswith("Σ 9")  # the combined option: 4 + 5
    populated.cursor.stage = Stage.CONSENSUS
    view = build_view(populated)
    assert view.tally is not None and view.tally.consensus and (view.tally.counted, view.tally.total) == (5, 5)
    assert (
        view.agreement is not None
        and view.agreement[0].startswith("Article 12.3 Salary.")
        and "AR" in view.agreement[1]
    )
    populated.cursor.issue, populated.cursor.stage = time_issue.id, Stage.INTERESTS
    view = build_view(populated)
    assert view.columns and [(g.title, g.tag) for g in view.groups] == [
        ("Lakeview Education Association", "U"), ("Lakeview School Committee", "M"), ("Mutual", "B"),
    ]  # fmt: skip
    assert [g.side for g in view.groups] == ["side-1", "side-2", "side-mutual"]  # a colour each
    populated.cursor.issue = None
    view = build_view(populated)
    assert view.stage is Stage.ISSUES and view.count == 3 and view.groups[0].items[0].kind == "agreed"


async def test_the_consensus_tally_is_on_the_wall(tmp_path: Path, populated: Session) -> None:
    populated.cursor.issue, populated.cursor.stage = populated.issues[0].id, Stage.CONSENSUS
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    app = RoomApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.view is not None, "the first view")
        assert shows(app, "CONSENSUS") and shows(app, "Fist-to-five") and shows(app, "Combined option, bonus capped")
        assert shows(app, "Steps 1-5 rise by 3%.") and shows(app, "U AR · M BH")


def _partial_consensus(populated: Session, absent: list[str] | None = None) -> None:
    """A check recorded (by a version before the rule, or by hand) as consensus on 3 answers of 5."""
    from datetime import datetime

    from conftest import VOTERS

    from ibb_facilitator.model import ConsensusCheck, Method, Outcome, Response

    pay = populated.issues[0]
    pay.checks.append(
        ConsensusCheck(
            id="check-90",
            method=Method.THUMBS,
            at=datetime(2026, 11, 24, 15, 5, tzinfo=UTC),
            responses=[Response(who=v, value="up") for v in VOTERS[:3]],
            absent=absent or [],
            outcome=Outcome.CONSENSUS,
        )
    )
    populated.cursor.issue, populated.cursor.stage = pay.id, Stage.CONSENSUS


def test_a_check_with_members_not_answered_is_not_complete_never_consensus(populated: Session) -> None:
    from conftest import VOTERS

    _partial_consensus(populated)
    view = build_view(populated)
    assert view.tally is not None and not view.tally.complete and not view.tally.consensus
    assert (view.tally.counted, view.tally.total) == (3, 5)
    _partial_consensus(populated, absent=VOTERS[3:])  # the two missing marked absent: complete
    view = build_view(populated)
    assert view.tally is not None and view.tally.complete and view.tally.consensus
    assert (view.tally.counted, view.tally.total) == (3, 3)


async def test_the_wall_says_not_complete_for_partial_answers(tmp_path: Path, populated: Session) -> None:
    _partial_consensus(populated)
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    app = RoomApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.view is not None, "the first view")
        assert shows(app, "NOT COMPLETE: 3/5 answered") and not shows(app, " CONSENSUS ")


async def test_the_wall_shows_the_facilitators_timer_paused_and_with_its_extra_minute(
    tmp_path: Path, populated: Session
) -> None:
    """The facilitator paused the options timer at 3:05 left and gave it +1 min: the wall shows
    4:05, paused, however long ago the stage began (it used to keep counting down from then)."""
    from datetime import timedelta

    from ibb_facilitator.model import now

    populated.cursor.issue, populated.cursor.stage = populated.issues[0].id, Stage.OPTIONS
    populated.time_boxes[Stage.OPTIONS] = 20
    editing.set_clock(populated, 245, running=False, at=now() - timedelta(minutes=9))
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    app = RoomApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.view is not None, "the first view")
        await until(pilot, lambda: shows(app, "left of 20 min · paused"), "the paused timer")
        assert app.query_one("#room-clock-digits").value == "04:05"
        # The facilitator starts it again (another process saves): the wall counts down with it.
        editing.set_clock(populated, 245, running=True, at=now() - timedelta(seconds=5))
        replace_atomically(path, store.dumps_session(populated).encode("utf-8"))
        await until(
            pilot, lambda: app.query_one("#room-clock-digits").value in ("04:00", "03:59", "03:58"), "the running timer"
        )
        assert not shows(app, "paused")


def test_a_clock_for_another_stage_or_another_day_is_not_shown(populated: Session) -> None:
    from datetime import timedelta

    from ibb_facilitator.model import now

    populated.cursor.issue, populated.cursor.stage = populated.issues[0].id, Stage.OPTIONS
    clock = editing.set_clock(populated, 300, running=True)
    assert build_view(populated).clock == clock and clock.left(clock.at + timedelta(seconds=75)) == 225
    populated.cursor.stage = Stage.CRITERIA
    assert build_view(populated).clock is None  # set at options: not this stage's timer
    populated.cursor.stage = Stage.OPTIONS
    assert clock.fresh(now()) and not clock.fresh(now() + timedelta(days=1))


HOSTILE = [
    "[/]",
    "[bold]x[/bold]",
    "[/",
    "[red]",
    "$accent",
    "[link=http://x]y[/link]",
    "😀🎉 emoji",
    "中文 日本語",
    "<script>alert(1)</script>",
    '"""',
]


async def test_hostile_text_shows_literally(tmp_path: Path, populated: Session) -> None:
    pay = populated.issues[0]
    populated.title = "Title [/] [bold]x[/bold]"
    pay.statement = "How can we [/ survive $accent?"
    pay.article = "[red]Art. 12"
    for text in HOSTILE:
        editing.add_interest(populated, pay.id, text, "mutual")
        editing.add_option(populated, pay.id, text)
        editing.add_criterion(populated, pay.id, text)
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    app = RoomApp(path)

    def check(stage: Stage) -> None:
        shown = squash(screen_text(app)) + squash(widget_text(app))
        for text in [populated.title] + ([] if stage is Stage.ISSUES else [pay.statement, pay.article]):
            assert squash(text) in shown, f"{stage.value}: {text!r} not shown literally"
        if stage in (Stage.INTERESTS, Stage.OPTIONS, Stage.CRITERIA):
            for text in HOSTILE[:6]:
                assert squash(text) in shown, f"{stage.value}: {text!r} not shown literally"

    async with app.run_test(size=(160, 60)) as pilot:
        await until(pilot, lambda: app.view is not None, "the first view")
        await walk_stages(app, pilot, path, populated, check)
        assert app.is_running


async def test_the_first_room_view_says_how_to_zoom_and_every_resize_how_far_it_reads(session_file: Path) -> None:
    """``ibb room`` on a machine for the first time: the foot says how to zoom (Ctrl/Cmd +) and
    how far the letters read at this size; after a resize (the facilitator zoomed) the new size
    and distance; the second time the room view starts, no zoom hint."""

    def foot(app: RoomApp) -> str:
        from ibb_facilitator.tui.wall import Lines

        return app.query_one("#room-foot", Lines).text

    app = RoomApp(session_file)
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: app.view is not None and foot(app) != "", "the first view and its foot")
        assert "Ctrl + and Ctrl − (Cmd on a Mac)" in foot(app)
        assert "160×45 · readable to about 6 m on a 2.5 m screen" in foot(app)
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: "80×24 · readable to about 12 m on a 2.5 m screen" in foot(app), "the size note")
        assert "Ctrl/Cmd + zooms in" in foot(app)
        app._foot_note = (app._foot_note[0], 0.0) if app._foot_note else None  # the note's time is up
        app._paint_foot()
        await pilot.pause()
        assert "updated" in foot(app) and "readable" not in foot(app)
    again = RoomApp(session_file)
    async with again.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: "Room view" in foot(again), "the foot")  # drawn a frame after the view
        assert "Ctrl +" not in foot(again)


# --- the follower on its own ------------------------------------------------------------------


@pytest.mark.parametrize("watch", [True, False], ids=["watch", "poll"])
def test_the_follower_sees_each_atomic_replacement(tmp_path: Path, watch: bool) -> None:
    path = tmp_path / "f.txt"
    path.write_text("0")
    got: list[tuple[str | None, str | None]] = []
    arrived = threading.Event()

    def deliver(value: str | None, error: Exception | None) -> None:
        got.append((value, type(error).__name__ if error else None))
        arrived.set()

    follower = FileFollower(path, lambda p: p.read_text(), deliver, watch=watch).start()
    try:
        assert arrived.wait(5) and got[-1] == ("0", None)
        for n in range(1, 4):
            arrived.clear()
            replace_atomically(path, str(n).encode())
            deadline = time.monotonic() + 5
            while got[-1][0] != str(n):
                assert arrived.wait(max(0.01, deadline - time.monotonic())), f"save {n} not seen"
                arrived.clear()
        assert follower.mode == ("watch" if watch else "poll")
        path.unlink()
        deadline = time.monotonic() + 5
        while got[-1][1] != "FileNotFoundError":
            assert time.monotonic() < deadline, "the removal was not seen"
            time.sleep(0.02)
    finally:
        follower.stop()
    assert not follower.running


def test_watch_and_room_commands_stay_light() -> None:
    """watch.py is core (no textual, no rich); registering ``ibb room``/``serve`` loads neither either."""
    probe = (
        "import sys, ibb_facilitator.watch, ibb_facilitator.commands.room, ibb_facilitator.cli; "
        "print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('textual', 'rich', 'textual_serve', 'aiohttp', 'watchfiles')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


async def test_a_running_caucus_is_on_the_wall_with_its_clock_never_its_reason(
    tmp_path: Path, populated: Session
) -> None:
    """The room waits for a caucusing team: the wall says which team and how long is left of
    the minutes it took, then how far over (the line turns to the error colour). What the team
    said about why stays off the wall."""
    from datetime import timedelta

    from ibb_facilitator.tui.wall import WallLine

    caucus = editing.start_caucus(populated, "labor", called_by=SECRET, reason=f"{SECRET} our bottom line", minutes=5)
    caucus.start -= timedelta(minutes=6, seconds=5)
    path = tmp_path / "s.toml"
    store.save_session(populated, path)
    app = RoomApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.view is not None and shows(app, "over its 5 min"), "the caucus line")
        line = app.query_one("#room-caucus", WallLine)
        assert line.display and line.has_class("-over")
        assert "CAUCUS" in line.text and populated.party("labor").name in line.text
        assert SECRET not in screen_text(app) + widget_text(app)
        assert SECRET not in repr(build_view(populated))
        editing.end_caucus(populated)
        store.save_session(populated, path)
        await until(pilot, lambda: not app.query_one("#room-caucus", WallLine).display, "the caucus line gone")


async def test_a_training_tables_round_and_its_clock_are_on_the_wall(tmp_path: Path) -> None:
    """A training table's wall says which table, which round and how long is left, then that
    time is up (the line turns to the error colour); nothing of the confidential briefs."""
    from datetime import timedelta

    from ibb_facilitator import training
    from ibb_facilitator.agenda import BUNDLED_DIR, load_agenda
    from ibb_facilitator.tui.wall import WallLine, round_clock

    name = "scenario-maple-valley"
    table = training.new_table(load_agenda(BUNDLED_DIR / f"{name}.toml"), name, table=2, tables=6)
    path = tmp_path / "table-2.toml"
    store.save_session(table, path)
    app = RoomApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: shows(app, "TRAINING · Table 2 of 6 · Preparation: read the briefs"), "prep")
        running = training.start_next_round(table)
        store.save_session(table, path)
        # (the clock runs on while a busy machine repaints: the figures are read, not matched)
        clock = re.compile(r"\(round1of2\)·7[45]:\d\dleft")
        await until(pilot, lambda: clock.search(squash(screen_text(app))), "round 1 and its clock")
        running.start -= timedelta(minutes=80)
        store.save_session(table, path)
        over = re.compile(r"TIMEISUP\(0[5-9]:\d\dover\)")
        await until(pilot, lambda: over.search(squash(screen_text(app))), "time up")
        assert app.query_one("#room-round", WallLine).has_class("-over")
        scenario = training.scenario_of(table)
        shown = screen_text(app) + widget_text(app)
        for brief in scenario.briefs:  # the confidential briefs: never on the wall
            assert brief.text.split("\n")[0][:40] not in shown
        round_ = app.view.round
    texts, level = round_clock(round_, round_.start + timedelta(minutes=71))
    assert level == "warning" and texts[-1] == "R1/2 04:00 left"
    assert all(text.endswith("04:00 left") for text in texts)  # the clock is never what is cut
