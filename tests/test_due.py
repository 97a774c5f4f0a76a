"""Due dates typed on the action capture line (``capture.parse_due``, ``capture.parse_action_line``),
read against a fixed today: Wednesday 25 November 2026. ``… @ HR due next Friday`` once stored
``owner = "HR due next Friday"``; now the date is read, or the line is refused with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from ibb_facilitator.capture import ActionLine, parse_action_line, parse_due

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("today", TODAY),
        ("Tomorrow", date(2026, 11, 26)),
        ("Friday", date(2026, 11, 27)),
        ("fri", date(2026, 11, 27)),
        ("this Friday", date(2026, 11, 27)),
        ("Wednesday", date(2026, 12, 2)),  # a weekday is the first one after today
        ("next Friday", date(2026, 12, 4)),  # the Friday of next week
        ("next Monday", date(2026, 11, 30)),
        ("next Wednesday", date(2026, 12, 2)),
        ("in 3 days", date(2026, 11, 28)),
        ("in 2 weeks", date(2026, 12, 9)),
        ("in a week", date(2026, 12, 2)),
        ("12/1", date(2026, 12, 1)),
        ("11/24", date(2027, 11, 24)),  # passed this year: next year's
        ("11/25", TODAY),
        ("12/1/26", date(2026, 12, 1)),
        ("12/1/2027", date(2027, 12, 1)),
        ("Dec 1", date(2026, 12, 1)),
        ("Dec. 1", date(2026, 12, 1)),
        ("December 1st, 2027", date(2027, 12, 1)),
        ("1 December", date(2026, 12, 1)),
        ("1 Dec 2027", date(2027, 12, 1)),
        ("Jan 15", date(2027, 1, 15)),
        ("  next   FRIDAY. ", date(2026, 12, 4)),
    ],
)
def test_common_due_phrases(phrase: str, expected: date) -> None:
    assert parse_due(phrase, TODAY) == expected


@pytest.mark.parametrize(
    "phrase", ["", "xyz", "next week-ish", "2026-02-30", "2/30", "Feb 30", "in many days", "Smarch 3", "13/1", "soon"]
)
def test_anything_else_is_not_understood(phrase: str) -> None:
    assert parse_due(phrase, TODAY) is None


def test_the_owner_and_the_due_date_are_told_apart() -> None:
    assert parse_action_line("Enrollment data @ HR due next Friday", TODAY) == ActionLine(
        "Enrollment data", "HR", date(2026, 12, 4)
    )
    assert parse_action_line("Enrollment data @ HR due 2026-12-01", TODAY) == ActionLine(
        "Enrollment data", "HR", date(2026, 12, 1)
    )
    assert parse_action_line("Cost it out due Dec 1 @ Ben Hale", TODAY) == ActionLine(
        "Cost it out", "Ben Hale", date(2026, 12, 1)
    )
    assert parse_action_line("Cost it out due tomorrow", TODAY) == ActionLine("Cost it out", "", date(2026, 11, 26))
    assert parse_action_line("Bus routes @ Transportation", TODAY) == ActionLine("Bus routes", "Transportation", None)
    assert parse_action_line("Bus routes", TODAY) == ActionLine("Bus routes", "", None)


def test_a_due_date_not_understood_is_reported_never_folded_into_the_owner() -> None:
    line = parse_action_line("Enrollment data @ HR due xyz", TODAY)
    assert (line.text, line.owner, line.due) == ("Enrollment data", "HR", None)
    assert line.error is not None and line.error.startswith("the due date 'xyz' was not understood")
    line = parse_action_line("Enrollment data @ M due 2026-02-30", TODAY)
    assert line.owner == "M" and line.error is not None and "'2026-02-30' was not understood" in line.error
    line = parse_action_line("Enrollment data due 2/30", TODAY)
    assert line.error is not None and "'2/30'" in line.error


def test_due_as_an_ordinary_word_stays_text() -> None:
    assert parse_action_line("Review the due process", TODAY) == ActionLine("Review the due process", "", None)
    assert parse_action_line("Review the due process @ HR", TODAY) == ActionLine("Review the due process", "HR", None)
    assert parse_action_line("Call @ Dr. Due", TODAY) == ActionLine("Call", "Dr. Due", None)
