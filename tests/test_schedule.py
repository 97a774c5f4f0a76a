"""The day on the wall, its rules (issue 15, item 6): the agenda's day blocks kept in the session,
what is on now and next, how late the team runs, the changes to the plan (logged, undoable,
replayed), the file format (written, read back, refused when wrong), and the next session's
agenda built from what is open. The app's side is in ``test_day_on_the_wall.py``."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from ibb_facilitator import agenda, editing, schedule, store, timeline
from ibb_facilitator.history import History
from ibb_facilitator.model import IssueStatus, PlanBlock, PlanDay, Session, Stage
from ibb_facilitator.negotiation.carryover import carry
from ibb_facilitator.negotiation.next_agenda import DEFAULT_START, next_plan, start_time
from ibb_facilitator.samples.clock import SimulatedClock, simulated

EST = timezone(timedelta(hours=-5))
DAY = date(2027, 3, 10)


def at(hhmm: str, on: date = DAY) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(on.year, on.month, on.day, hours, minutes, tzinfo=EST)


def planned(*blocks: tuple[str, int, str], on: date | None = DAY) -> Session:
    """A session whose plan is one day of ``(time, minutes, title)`` blocks."""
    day = PlanDay(date=on, title="Day 2", blocks=[PlanBlock(time=t, minutes=m, title=x) for t, m, x in blocks])
    return Session(title="Lakeview, session 2", plan=[day])


DAY_2 = (("09:00", 30, "Opening"), ("09:30", 45, "Article 12 interests"), ("10:15", 15, "Caucus"))


def clock(hhmm: str, on: date = DAY) -> SimulatedClock:
    """``editing.now`` at ``hhmm`` (every change then takes its 20 s)."""
    return SimulatedClock(at(hhmm, on) - timedelta(seconds=20))


# --- the agenda's blocks are kept --------------------------------------------------------------


def test_a_new_session_keeps_the_agendas_day_blocks_on_their_days() -> None:
    name, chosen = agenda.find("contract-negotiation")
    session = agenda.new_session(chosen, name, start=date(2027, 3, 9))
    assert [d.date for d in session.plan] == session.meeting_days
    assert [d.title for d in session.plan] == [d.title for d in chosen.meeting_days]
    for day, source in zip(session.plan, chosen.meeting_days):
        assert [(b.time, b.minutes, b.title) for b in day.blocks] == [
            (b.time, b.minutes, b.title) for b in source.blocks
        ]
    again = store.loads_session(store.dumps_session(session), "s.toml")
    assert again.plan == session.plan


def test_an_agenda_whose_blocks_run_backwards_is_refused(tmp_path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'title = "Mine"\ndescription = "one day"\n\n[[meeting_days]]\ntitle = "Day 1"\nblocks = [\n'
        '    { time = "10:00", minutes = 30, title = "B" },\n    { time = "09:00", minutes = 30, title = "A" },\n]\n'
    )
    with pytest.raises(store.StoreError) as refused:
        agenda.load_agenda(path)
    assert "meeting_days[0].blocks[1].time: 09:00 is before the block before it (10:00)" in str(refused.value)


# --- now, next, late ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hhmm", "now", "following"),
    [
        ("08:00", None, "Opening"),  # before the day: the first block is next
        ("09:00", "Opening", "Article 12 interests"),  # a block begins on its minute
        ("09:29", "Opening", "Article 12 interests"),
        ("09:30", "Article 12 interests", "Caucus"),  # and ends on the next one's
        ("10:29", "Caucus", None),  # the last block: nothing next
        ("10:30", None, None),  # after the day
    ],
)
def test_by_the_clock_until_the_team_starts_a_block(hhmm: str, now: str | None, following: str | None) -> None:
    seen = schedule.today(planned(*DAY_2), at(hhmm))
    assert seen is not None and seen.by_clock
    assert (seen.now.title if seen.now else None, seen.next.title if seen.next else None) == (now, following)
    assert seen.late is None  # the clock cannot say how late the team is


def test_between_blocks_the_line_says_what_comes_next() -> None:
    session = planned(("09:00", 30, "Opening"), ("10:00", 30, "Article 12 interests"))
    seen = schedule.today(session, at("09:45"))
    assert seen is not None and seen.now is None
    assert schedule.day_text(seen) == "Next 10:00 Article 12 interests"
    assert schedule.day_text(schedule.today(session, at("08:00"))) == "Starts 09:00 Opening"
    assert schedule.day_text(schedule.today(session, at("11:00"))) == "Today's plan ended at 10:30"


def test_no_plan_for_past_or_future_days_nor_without_a_plan() -> None:
    session = planned(*DAY_2)
    assert schedule.today(session, at("09:30", date(2027, 3, 9))) is None
    assert schedule.today(session, at("09:30", date(2027, 3, 11))) is None
    assert schedule.today(Session(title="No plan"), at("09:30")) is None


def test_an_undated_day_is_todays_until_a_block_is_started_on_it() -> None:
    session = planned(*DAY_2, on=None)  # the next meeting's plan, its date not set yet
    for day in (date(2027, 3, 17), date(2027, 3, 18)):
        seen = schedule.today(session, at("09:40", day))
        assert seen is not None and seen.now is not None and seen.now.title == "Article 12 interests"
    with simulated(clock("09:05", date(2027, 3, 17))):
        editing.advance_block(session)
    assert session.plan[0].date == date(2027, 3, 17)
    assert schedule.today(session, at("09:40", date(2027, 3, 18))) is None


def test_late_is_how_late_the_block_started_then_how_far_it_overran() -> None:
    session = planned(*DAY_2)
    with simulated(clock("09:12")):
        editing.advance_block(session)  # the day begins 12 minutes late
    seen = schedule.today(session, at("09:20"))
    assert seen is not None and not seen.by_clock
    assert (seen.now.title, seen.next.title, seen.late) == ("Opening", "Article 12 interests", 12)
    assert schedule.day_text(seen) == "Now 09:00–09:30 Opening · next 09:30 Article 12 interests · 12 min late"
    assert schedule.today(session, at("09:41")).late == 12  # 11 min past its end: still the 12
    assert schedule.today(session, at("09:50")).late == 20  # overran by 20: now that
    with simulated(clock("09:50")):
        editing.advance_block(session)
    seen = schedule.today(session, at("09:55"))
    assert (seen.now.title, seen.late) == ("Article 12 interests", 20)
    assert [s.mark for s in seen.slots] == ["done", "now", "next"]


def test_a_block_started_early_is_ahead_until_its_planned_end() -> None:
    session = planned(*DAY_2)
    with simulated(clock("08:50")):
        editing.advance_block(session)
    assert schedule.today(session, at("08:55")).late == -10
    assert schedule.day_text(schedule.today(session, at("08:55"))).endswith("· 10 min ahead")
    assert schedule.today(session, at("09:27")).late == -3
    assert schedule.today(session, at("09:30")).late == 0
    assert schedule.day_text(schedule.today(session, at("09:30"))).endswith("· on time")


def test_advancing_past_the_last_block_finishes_the_day_and_says_how_late() -> None:
    session = planned(*DAY_2)
    for hhmm in ("09:00", "09:30", "10:15"):
        with simulated(clock(hhmm)):
            assert editing.advance_block(session) is not None
    with simulated(clock("10:37")):
        assert editing.advance_block(session) is None  # past the last block: the day is done
    seen = schedule.today(session, at("10:40"))
    assert seen.now is None and seen.next is None and seen.late == 7
    assert schedule.day_text(seen) == "Today's plan done at 10:37 · 7 min late"
    with simulated(clock("10:41")), pytest.raises(editing.RuleError, match="today's plan is done"):
        editing.advance_block(session)
    with simulated(clock("10:42")):
        editing.start_block(session, 0, 2)  # back to the caucus: the day is open again
    assert schedule.today(session, at("10:45")).now.title == "Caucus"


def test_a_block_without_a_time_follows_the_one_before_it() -> None:
    session = planned(("09:00", 30, "Opening"), ("", 20, "Minutes"), ("", 0, "Break"), ("10:00", 30, "Issue"))
    seen = schedule.today(session, at("09:35"))
    assert [(f"{s.start:%H:%M}", f"{s.end:%H:%M}") for s in seen.slots[:3]] == [
        ("09:00", "09:30"),
        ("09:30", "09:50"),
        ("09:50", "09:50"),
    ]
    assert seen.now.title == "Minutes"


def test_start_block_refuses_what_makes_no_sense_in_one_line() -> None:
    session = planned(*DAY_2)
    with simulated(clock("09:00")):
        editing.start_block(session, 0, 1)
        for call, message in (
            (lambda: editing.start_block(session, 0, 1), "the team is already on 09:30 Article 12 interests"),
            (lambda: editing.start_block(session, 0, 9), "day 1 of the plan has no block 10"),
            (lambda: editing.start_block(session, 3, 0), "the plan has no day 4"),
            (lambda: editing.advance_block(Session(title="x")), "this session has no day plan"),
        ):
            with pytest.raises(editing.RuleError) as refused:
                call()
            assert message in str(refused.value) and "\n" not in str(refused.value)
    with simulated(clock("09:00", date(2027, 3, 12))), pytest.raises(editing.RuleError, match="no plan for today"):
        editing.advance_block(session)


def test_shifting_moves_the_block_and_the_rest_of_its_day() -> None:
    session = planned(*DAY_2, ("", 10, "Close"))
    with simulated(clock("09:00")):
        editing.shift_blocks(session, 0, 1, 15)
    assert [b.time for b in session.plan[0].blocks] == ["09:00", "09:45", "10:30", ""]
    assert schedule.today(session, at("10:47")).now.title == "Close"  # follows the caucus: 10:30 + 15
    event = session.events[-1]
    assert event.action == "plan.shift" and event.data["minutes"] == 15
    with simulated(clock("09:01")), pytest.raises(editing.RuleError, match="before the block before it"):
        editing.shift_blocks(session, 0, 1, -60)
    with simulated(clock("09:02")), pytest.raises(editing.RuleError, match="not a time of the same day"):
        editing.shift_blocks(session, 0, 2, 14 * 60)
    assert [b.time for b in session.plan[0].blocks] == ["09:00", "09:45", "10:30", ""]  # refused: unchanged
    with simulated(clock("09:03")):
        editing.shift_blocks(session, 0, 3, 5)  # a block without a time gets one
    assert session.plan[0].blocks[3].time == "10:50"


def test_changes_to_the_plan_are_undone_and_replayed() -> None:
    session = planned(*DAY_2)
    history = History()
    with simulated(clock("09:04")):
        for label, change in (
            ("next block", lambda: editing.advance_block(session)),
            ("next block", lambda: editing.advance_block(session)),
            ("move the plan", lambda: editing.shift_blocks(session, 0, 2, 10)),
        ):
            history.checkpoint(session, label)
            change()
    final = session.model_copy(deep=True)
    assert history.undo(session) == "move the plan"
    assert session.plan[0].blocks[2].time == "10:15"
    assert history.undo(session) == "next block"
    assert schedule.today(session, at("09:40")).now.title == "Opening"
    # the log replays the plan as it was at each change, the undos too
    replayed = timeline.Timeline(session)
    assert replayed.state_after(0).plan[0].blocks[0].started is None
    assert replayed.state_after(3).plan == final.plan
    assert replayed.state_after(len(session.events)).plan == session.plan


# --- the file ------------------------------------------------------------------------------------


def test_the_plan_round_trips_one_line_a_block() -> None:
    session = planned(*DAY_2)
    with simulated(clock("09:07")):
        editing.advance_block(session)
    text = store.dumps_session(session)
    assert (
        '[[plan]]\ndate = 2027-03-10\ntitle = "Day 2"\nblocks = [\n'
        '    { time = "09:00", minutes = 30, title = "Opening", started = 2027-03-10T09:07:00-05:00 },\n'
        '    { time = "09:30", minutes = 45, title = "Article 12 interests" },\n'
    ) in text
    assert store.loads_session(text, "s.toml").plan == session.plan


def test_a_file_without_a_plan_opens_and_saves_as_it_was(tmp_path) -> None:
    from helpers import EXAMPLE

    text = EXAMPLE.read_text(encoding="utf-8")
    assert "[[plan]]" not in text
    session = store.load_session(EXAMPLE)
    assert session.plan == [] and store.dumps_session(session) == text


BAD = (
    'schema_version = 2\ntitle = "t"\n\n[[plan]]\ndate = 2027-03-10\nblocks = [\n'
    '    { time = "09:00", minutes = 30, title = "A" },\n    { %s },\n]\n'
)


@pytest.mark.parametrize(
    ("block", "line"),
    [
        ('time = "9:30", minutes = 30, title = "B"', "s.toml:8: plan[0].blocks[1].time: a time of day is HH:MM"),
        ('time = "24:00", minutes = 30, title = "B"', "s.toml:8: plan[0].blocks[1].time: a time of day is HH:MM"),
        ('time = "08:30", minutes = 30, title = "B"', "s.toml:8: plan[0].blocks[1].time: 08:30 is before the block"),
        ('time = "09:30", minutes = 1441, title = "B"', "s.toml:8: plan[0].blocks[1].minutes: Input should be less"),
        ('time = "09:30", minutes = -1, title = "B"', "s.toml:8: plan[0].blocks[1].minutes: Input should be greater"),
        ('time = "09:30", minutes = "30", title = "B"', "s.toml:8: plan[0].blocks[1].minutes: Input should be a valid"),
        ('time = "09:30", minutes = 30, title = ""', "s.toml:8: plan[0].blocks[1].title: String should have at least"),
        ('time = "09:30", minutes = 30, title = "B", colour = 1', "s.toml:8: plan[0].blocks[1].colour: unknown field"),
        ('time = "09:30", minutes = 30, title = "B", started = 2027-03-10T09:30:00', "timestamp needs a UTC offset"),
    ],
)
def test_a_bad_plan_is_refused_with_file_line_and_field(block: str, line: str) -> None:
    with pytest.raises(store.StoreError) as refused:
        store.loads_session(BAD % block, "s.toml")
    assert line in str(refused.value)


def test_a_date_planned_twice_is_refused() -> None:
    text = 'schema_version = 2\ntitle = "t"\n\n[[plan]]\ndate = 2027-03-10\n\n[[plan]]\ndate = 2027-03-10\n'
    with pytest.raises(store.StoreError, match=r"s.toml:8: plan\[1\].date: 2027-03-10 is planned twice"):
        store.loads_session(text, "s.toml")


# --- the next session's agenda --------------------------------------------------------------------


def test_the_next_agenda_is_built_from_what_is_open(populated: Session) -> None:
    previous = populated
    previous.plan = [PlanDay(date=DAY, blocks=[PlanBlock(time="08:30", minutes=20, title="Welcome")])]
    previous.time_boxes = {Stage.INTERESTS: 40}
    session = carry(previous, "session-1.toml", at=at("16:00"))
    worked = [i for i in session.issues if i.status in (IssueStatus.OPEN, IssueStatus.NO_CONSENSUS)]
    assert worked  # the populated session leaves some open
    (day,) = session.plan
    assert day.date is None  # the next meeting: undated until it begins
    titles = [b.title for b in day.blocks]
    assert titles[0].startswith("Opening") and titles[1].startswith("Minutes of ")
    for issue, title in zip(worked, titles[2:]):
        assert " ".join(issue.statement.split()) in title
        assert f"at {issue.stage.value}" in title or "framing" in title
    assert titles[-3].startswith("Parked issues, parking lot and actions")
    assert titles[-2:] == ["Build the next session's agenda", "Joint statement to members"]
    assert day.blocks[0].time == "08:30"  # from the previous plan's first day
    ends = [int(b.time[:2]) * 60 + int(b.time[3:]) + b.minutes for b in day.blocks]
    assert [int(b.time[:2]) * 60 + int(b.time[3:]) for b in day.blocks[1:]] == ends[:-1]  # back to back
    again = store.loads_session(store.dumps_session(session), "session-2.toml")
    assert again.plan == session.plan


def test_next_plan_on_its_own_defaults_to_nine_and_boxes_by_stage() -> None:
    previous = Session(title="Session 1")
    assert start_time(previous) == DEFAULT_START == "09:00"
    session = Session(
        title="Session 2",
        time_boxes={Stage.OPTIONS: 50},
        issues=[
            {"id": "issue-1", "statement": "How can we?", "article": "Art. 9", "stage": "options"},
            {"id": "issue-2", "statement": "Agreed one", "status": "withdrawn"},
            {"id": "issue-3", "statement": "Parked one", "status": "parked"},
        ],
    )
    (day,) = next_plan(previous, session)
    assert [(b.time, b.minutes) for b in day.blocks[:3]] == [("09:00", 15), ("09:15", 10), ("09:25", 50)]
    assert day.blocks[2].title == "Art. 9: How can we? (at options)"
    assert day.blocks[3].title == "Parked issues, parking lot and actions: review (1 parked issue)"
    assert day.title == "Session 2: 1 open issue"


def test_ibb_diff_says_what_moved_in_the_plan() -> None:
    from ibb_facilitator import diff

    old = planned(*DAY_2)
    new = old.model_copy(deep=True)
    with simulated(clock("09:05")):
        editing.advance_block(new)
        editing.shift_blocks(new, 0, 2, 10)
    text = diff.render_text(diff.compare(old, new))
    assert "The day's plan" in text
    assert "Block time moved: 10:15 → 10:25" in text and "Caucus" in text
    assert "Block started at: (none) → 10 March 2027, 09:05" in text


def test_a_training_table_keeps_its_time_by_its_rounds_not_by_a_plan() -> None:
    from ibb_facilitator import training

    name, chosen = agenda.find("scenario-maple-valley")
    assert chosen.meeting_days[0].blocks  # the pack has a class schedule
    assert training.new_table(chosen, name).plan == []


def test_ibb_new_keeps_the_day_and_new_after_writes_the_next_agenda(tmp_path, capsys) -> None:
    """As a user types it: ``ibb new -o`` from the bundled agenda, then ``ibb new --after``."""
    from ibb_facilitator.cli import main

    first = tmp_path / "session-1.toml"
    assert main(["new", "--agenda", "contract-negotiation", "-o", str(first), "--no-open"]) == 0
    session = store.load_session(first)
    assert len(session.plan) == 5 and session.plan[0].blocks[0].time == "08:30"
    assert "[[plan]]" in first.read_text(encoding="utf-8")
    before = first.read_bytes()
    assert main(["new", "--after", str(first), "--no-open"]) == 0
    assert first.read_bytes() == before  # the earlier file is only read
    (day,) = store.load_session(tmp_path / "session-2.toml").plan
    assert day.date is None and day.blocks[0].time == "08:30"  # from the earlier plan's first day
    assert len([b for b in day.blocks if "(framing the issue)" in b.title]) == len(session.issues)
    capsys.readouterr()


def test_block_titles_are_shown_literally() -> None:
    from ibb_facilitator.tui.wall import day_content

    hostile = "[/foo] [b]bold[/b] \x1b[2J"
    session = planned(("09:00", 30, hostile), ("09:30", 30, "[/"))
    line = day_content(schedule.today(session, at("09:10")), 200)
    assert line.plain == "Now 09:00–09:30 [/foo] [b]bold[/b] ␛[2J · next 09:30 [/ · by the clock"
