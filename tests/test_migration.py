"""Schema 1 -> 2: ratings move from ``issues[].ratings`` to a ``scores`` table on each option.

An old file opens (migrated in memory), is never rewritten just because it was opened, and is
written as schema 2 by the next save. A rating that cannot be moved is reported where it is in
the old file, with the messages schema 1 gave. The event log (``rating.set``) is unchanged, so
review, timeline and diff read old and new files alike.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import EXAMPLE

from ibb_facilitator import diff, editing, store, timeline
from ibb_facilitator.model import SCHEMA_VERSION, Session
from ibb_facilitator.store import SessionFile, StoreError


def as_schema_1(session: Session) -> str:
    """``session`` written the way schema 1 wrote it: ratings in each issue, one line each."""
    text = store.dumps_session(session)
    assert text.startswith(f"schema_version = {SCHEMA_VERSION}\n") and SCHEMA_VERSION == 2
    text = text.replace("schema_version = 2\n", "schema_version = 1\n", 1)
    text = re.sub(r"^scores = \{.*\}\n", "", text, flags=re.M)
    blocks = text.split("\n[[issues]]\n")
    for n, issue in enumerate(session.issues, start=1):
        rows = "".join(
            f'    {{ option = "{o}", criterion = "{c}", score = {v} }},\n' for (o, c), v in issue.score_map().items()
        )
        if rows:
            head, sep, rest = blocks[n].partition("\n\n")
            blocks[n] = f"{head}\nratings = [\n{rows}]{sep}{rest}"
    return "\n[[issues]]\n".join(blocks)


def test_a_schema_1_file_opens_with_its_ratings_as_scores(populated: Session) -> None:
    old = as_schema_1(populated)
    assert "ratings = [" in old and "scores" not in old
    loaded = store.loads_session(old, "old.toml")
    assert loaded == populated
    assert loaded.schema_version == 2
    assert loaded.issues[0].score_map() == {
        ("option-5", "criterion-1"): 4,
        ("option-5", "criterion-2"): 5,
        ("option-4", "criterion-1"): 1,
    }
    assert store.dumps_session(loaded) == store.dumps_session(populated)


def test_opening_never_rewrites_and_saving_writes_schema_2(tmp_path: Path, populated: Session) -> None:
    path = tmp_path / "old.toml"
    old = as_schema_1(populated).encode("utf-8")
    path.write_bytes(old)
    stamp = path.stat().st_mtime_ns
    with SessionFile.open(path) as opened:
        assert path.read_bytes() == old and path.stat().st_mtime_ns == stamp
        with SessionFile.open(path, readonly=True):
            pass
        assert path.read_bytes() == old
        editing.rate(opened.session, "issue-1", "option-4", "criterion-1", 3)
        opened.save()
    saved = path.read_text(encoding="utf-8")
    assert saved.startswith("schema_version = 2\n") and "ratings" not in saved.split("[[events]]")[0]
    assert "scores = { criterion-1 = 3 }" in saved
    assert store.load_session(path).issues[0].score_map()[("option-4", "criterion-1")] == 3


def test_the_example_was_saved_as_schema_2() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.startswith("schema_version = 2\n") and "\nratings = [" not in text
    session = store.load_session(EXAMPLE)
    assert store.dumps_session(session) == text
    assert sum(len(o.scores) for i in session.issues for o in i.options) == 20


def _broken(populated: Session, row: str) -> tuple[str, int]:
    """A schema 1 file whose first rating row is ``row``; and that row's line (the first after
    ``ratings = [``: each rating on its own line, as a problem is reported)."""
    old = as_schema_1(populated)
    old = re.sub(r"^    \{ option = .*\},$", "    " + row + ",", old, count=1, flags=re.M)
    return old, old.split("\n").index("ratings = [") + 2


@pytest.mark.parametrize(
    "row, path, message",
    [
        (
            '{ option = "option-404", criterion = "criterion-1", score = 1 }',
            "issues[0].ratings[0].option",
            "no option 'option-404' in this issue",
        ),
        (
            '{ option = "option-5", criterion = "criterion-404", score = 1 }',
            "issues[0].ratings[0].criterion",
            "no criterion 'criterion-404' for this issue",
        ),
        (
            '{ option = "option-5", criterion = "criterion-2", score = 1 }',
            "issues[0].ratings[2]",
            "option 'option-5' is rated twice against 'criterion-2'",
        ),
        (
            '{ option = "option-5", criterion = "criterion-1", score = 6 }',
            "issues[0].ratings[0].score",
            "Input should be less than or equal to 5",
        ),
        (
            '{ option = "option-5", criterion = "criterion-1", score = true }',
            "issues[0].ratings[0].score",
            "Input should be a valid integer",
        ),
        (
            '{ option = "option-5", criterion = "criterion-1", score = "4" }',
            "issues[0].ratings[0].score",
            "Input should be a valid integer",
        ),
        (
            '{ option = "option-5", criterion = "criterion-1" }',
            "issues[0].ratings[0].score",
            "required field is missing",
        ),
        (
            '{ option = "option-5", criterion = "criterion-1", score = 4, colour = "red" }',
            "issues[0].ratings[0].colour",
            "unknown field (a typo?)",
        ),
    ],
    ids=["option", "criterion", "twice", "range", "bool", "string", "missing", "unknown"],
)
def test_a_bad_schema_1_rating_is_reported_where_it_is(populated: Session, row: str, path: str, message: str) -> None:
    old, line = _broken(populated, row)
    with pytest.raises(StoreError) as caught:
        store.loads_session(old, "old.toml")
    nth = int(re.search(r"ratings\[(\d+)\]", path).group(1))  # the rating the problem is about
    assert caught.value.lines == [f"old.toml:{line + nth}: {path}: {message}"]


def test_a_bad_schema_1_file_is_never_overwritten(tmp_path: Path, populated: Session) -> None:
    old, line = _broken(populated, '{ option = "option-404", criterion = "criterion-1", score = 1 }')
    path = tmp_path / "old.toml"
    path.write_text(old, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        SessionFile.open(path)
    assert caught.value.lines == [f"{path}:{line}: issues[0].ratings[0].option: no option 'option-404' in this issue"]
    assert path.read_text(encoding="utf-8") == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.toml"]


def test_schema_1_ratings_that_are_not_a_list(populated: Session) -> None:
    old = as_schema_1(populated).replace("ratings = [\n", "ratings = 3\nx = [\n", 1)
    with pytest.raises(StoreError) as caught:
        store.loads_session(old, "old.toml")
    assert (
        caught.value.lines[0].startswith("old.toml:")
        and "issues[0].ratings: Input should be a valid list" in caught.value.lines[0]
    )


def test_scores_in_a_schema_1_file_are_unknown(populated: Session) -> None:
    old = as_schema_1(populated).replace(
        'text = "Housing stipend"\n', 'text = "Housing stipend"\nscores = { criterion-1 = 1 }\n', 1
    )
    with pytest.raises(StoreError) as caught:
        store.loads_session(old, "old.toml")
    assert (
        len(caught.value.lines) == 1 and "issues[0].options[3].scores: unknown field (a typo?)" in caught.value.lines[0]
    )


def test_a_migrated_file_reviews_and_diffs_like_a_new_one(populated: Session) -> None:
    day1 = store.loads_session(as_schema_1(populated), "day1.toml")  # an old file...
    editing.rate(populated, "issue-1", "option-5", "criterion-1", 2)
    editing.rate(populated, "issue-1", "option-4", "criterion-2", 3)
    day2 = store.loads_session(store.dumps_session(populated), "day2.toml")  # ...and a new one
    found = {
        c.what: c.context
        for section in diff.compare(day1, day2).sections
        for c in section.changes
        if c.what.startswith("Ratings")
    }
    assert found == {"Ratings of O5": "C1 4 → 2", "Ratings of O4": "C2 – → 3"}
    line = timeline.Timeline(day2)  # the log replays the scores (rating.set events are unchanged)
    assert line.state_after(len(day2.events) - 2).issues[0].score_map() == day1.issues[0].score_map()
    assert line.state_after(len(day2.events)).issues[0].score_map() == day2.issues[0].score_map()


# --- scores in schema 2 ---------------------------------------------------------------------------


def test_a_score_for_an_unknown_criterion_names_its_line(populated: Session) -> None:
    text = store.dumps_session(populated).replace(
        "scores = { criterion-1 = 1 }", "scores = { criterion-1 = 1, criterion-404 = 2 }", 1
    )
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "s.toml")
    line = text.split("\n").index("scores = { criterion-1 = 1, criterion-404 = 2 }") + 1
    assert caught.value.lines == [
        f"s.toml:{line}: issues[0].options[3].scores.criterion-404: no criterion 'criterion-404' for this issue"
    ]


@pytest.mark.parametrize(
    "value, message",
    [
        ("6", "less than or equal to 5"),
        ("-1", "greater than or equal to 0"),
        ("true", "valid integer"),
        ('"3"', "valid integer"),
        ("2.0", "valid integer"),
    ],
)
def test_a_bad_score_names_its_line(populated: Session, value: str, message: str) -> None:
    text = store.dumps_session(populated).replace(
        "scores = { criterion-1 = 1 }", f"scores = {{ criterion-1 = {value} }}", 1
    )
    with pytest.raises(StoreError) as caught:
        store.loads_session(text, "s.toml")
    line = text.split("\n").index(f"scores = {{ criterion-1 = {value} }}") + 1
    assert len(caught.value.lines) == 1
    assert (
        caught.value.lines[0].startswith(f"s.toml:{line}: issues[0].options[3].scores.criterion-1: ")
        and message in caught.value.lines[0]
    )


async def test_the_app_opens_a_schema_1_file_without_rewriting_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ibb_facilitator.tui.app import IbbApp
    from ibb_facilitator.tui.session import SessionScreen

    for variable in ("IBB_DATA_DIR", "IBB_CACHE_DIR", "IBB_SESSIONS_DIR"):
        monkeypatch.setenv(variable, str(tmp_path / variable.lower()))
    path = tmp_path / "old.toml"
    old = as_schema_1(store.load_session(EXAMPLE)).encode("utf-8")
    path.write_bytes(old)
    stamp = path.stat().st_mtime_ns
    app = IbbApp(path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.pause(0.3)
        await pilot.press("ctrl+q")
    assert path.read_bytes() == old and path.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in tmp_path.glob("*.toml*")) == ["old.toml"]


def test_replay_shows_logged_scores_when_rated_and_unlogged_ones_from_the_start() -> None:
    from conftest import make_session

    s = make_session()
    issue = editing.add_issue(s, "How can we plan together?")
    criterion = editing.add_criterion(s, None, "Affordable")
    first = editing.add_option(s, issue.id, "Late start")
    first.scores = {criterion.id: 3}  # written by hand: no rating.set event
    second = editing.add_option(s, issue.id, "Early release")
    editing.rate(s, issue.id, second.id, criterion.id, 4)
    line = timeline.Timeline(s)
    counts = {e.action: n for n, e in enumerate(s.events, start=1)}
    assert line.state_after(counts["option.add"] - 1).issues[0].options[0].scores == {criterion.id: 3}
    before_rating = line.state_after(counts["rating.set"] - 1).issues[0]
    assert before_rating.score_map() == {(first.id, criterion.id): 3}
    assert line.state_after(len(s.events)).issues[0].score_map() == {
        (first.id, criterion.id): 3,
        (second.id, criterion.id): 4,
    }
    own = editing.add_criterion(s, issue.id, "Fits the schedule")
    editing.rate(s, issue.id, first.id, own.id, 5)
    editing.remove_criterion(s, issue.id, own.id)
    assert first.scores == {criterion.id: 3}
    assert timeline.Timeline(s).state_after(len(s.events)).issues[0].options[0].scores == {criterion.id: 3}
    assert timeline.Timeline(s).state_after(len(s.events) - 1).issues[0].options[0].scores == {
        criterion.id: 3,
        own.id: 5,
    }
