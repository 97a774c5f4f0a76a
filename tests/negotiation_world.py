"""A small negotiation to test with: two parties, a first session made through ``editing``.

Used by the negotiation tests (``test_negotiation*.py``, ``test_tui_board.py``); kept here rather
than in ``conftest.py`` so those tests own their fixtures.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from ibb_facilitator import editing, store
from ibb_facilitator.model import (
    ActionKind,
    IssueStatus,
    Member,
    Method,
    Party,
    Response,
    Role,
    Session,
    Side,
    TentativeAgreement,
)

LABOR_VOTERS = ("Ana Ruiz", "Carl Jensen")
MANAGEMENT_VOTERS = ("Ben Hale", "Dana Liu")


def parties() -> list[Party]:
    return [
        Party(
            id="labor",
            name="Lakeview Education Association",
            short="U",
            side=Side.LABOR,
            members=[Member(name="Ana Ruiz", role=Role.SPOKESPERSON), Member(name="Carl Jensen")],
        ),
        Party(
            id="management",
            name="Lakeview School Committee",
            short="M",
            side=Side.MANAGEMENT,
            members=[Member(name="Ben Hale", role=Role.SPOKESPERSON), Member(name="Dana Liu")],
        ),
    ]


def new_session(title: str = "Lakeview 2027 successor contract, session 1") -> Session:
    return Session(
        title=title,
        organization="Lakeview Public Schools",
        bargaining_unit="Teachers",
        facilitators=["Frances Neutral"],
        recorder="Rita Scribe",
        ground_rules=["Nothing is agreed until everything is agreed"],
        parties=parties(),
    )


def agree(session: Session, issue_id: str, text: str, *, title: str = "", on: date | None = None) -> TentativeAgreement:
    """A consensus check everyone passes, the TA written and initialed by both parties."""
    responses = [Response(who=w, party="labor", value=4) for w in LABOR_VOTERS]
    responses += [Response(who=w, party="management", value=5) for w in MANAGEMENT_VOTERS]
    check, _ = editing.record_check(session, issue_id, Method.FIST_TO_FIVE, responses, proposal=text)
    ta = editing.record_agreement(session, issue_id, check.id, text, title=title, on=on)
    editing.initial(session, ta.id, "labor", "AR")
    editing.initial(session, ta.id, "management", "BH")
    return ta


def first_session() -> tuple[Session, dict[str, str]]:
    """Session 1: planning time agreed (TA), salaries and class size open with their work,
    buses withdrawn; an information request, a parking-lot item and two actions (one done)."""
    s = new_session()
    ids = {}
    ids["planning"] = editing.add_issue(
        s, "How can teachers plan together?", raised_by="labor", article="Article 16"
    ).id
    ids["salary"] = editing.add_issue(
        s, "How can salaries keep up with the cost of living?", raised_by="labor", article="Article 9"
    ).id
    ids["class"] = editing.add_issue(s, "How can class sizes stay workable?", article="Article 12").id
    ids["buses"] = editing.add_issue(s, "How can the buses run on time?", raised_by="management").id
    interest = editing.add_interest(s, ids["salary"], "Keep up with the cost of living", "labor")
    option = editing.add_option(s, ids["salary"], "A 3 % raise each year")
    editing.toggle_serves(s, ids["salary"], option.id, interest.id)
    criterion = editing.add_criterion(s, ids["salary"], "Affordable within the budget")
    editing.rate(s, ids["salary"], option.id, criterion.id, 3)
    editing.set_proposal(s, ids["salary"], "A 3 % raise each year for three years")
    editing.add_interest(s, ids["class"], "Students get attention", "mutual")
    ids["ta1"] = agree(
        s, ids["planning"], "16.4 Each grade team has one common planning period a week.", title="Common planning"
    ).id
    editing.set_status(s, ids["buses"], IssueStatus.WITHDRAWN)
    ids["request"] = editing.add_action(
        s,
        "Salary survey of neighbouring districts",
        kind=ActionKind.INFO_REQUEST,
        requested_of="management",
        issue_id=ids["salary"],
    ).id
    ids["bus_request"] = editing.add_action(s, "Bus timetable", kind=ActionKind.INFO_REQUEST, issue_id=ids["buses"]).id
    ids["park"] = editing.add_parking(s, "Health insurance carrier", owner="Ben Hale").id
    ids["action"] = editing.add_action(s, "Circulate the minutes", owner="Rita Scribe").id
    done = editing.add_action(s, "Book the room", owner="Rita Scribe")
    editing.edit_action(s, done.id, done=True)
    ids["done"] = done.id
    return s, ids


def write_first(folder: Path) -> tuple[Path, dict[str, str]]:
    session, ids = first_session()
    path = folder / "session-1.toml"
    store.save_session(session, path)
    return path, ids


# --- exports as plain text ----------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(data: bytes) -> str:
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    return " ".join(" ".join(parser.parts).split())


def docx_text(data: bytes) -> str:
    """Every paragraph's text, tables' included, in document order."""
    import docx
    from docx.oxml.ns import qn

    body = docx.Document(io.BytesIO(data)).element.body
    parts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]
    return " ".join(" ".join(parts).split())


def export_texts(folder: Path, *argv: str, run: Callable[..., tuple[int, str, str]]) -> dict[str, str]:
    """``ibb`` ``argv`` in md, html and docx (``run(*argv)``: code, out, err), each as plain text."""
    out = {}
    for fmt in ("md", "html", "docx"):
        target = folder.parent / f"out-{fmt}.{fmt}"
        target.unlink(missing_ok=True)
        code, _, err = run(*argv, "--format", fmt, "-o", str(target))
        assert code == 0, err
        data = target.read_bytes()
        out[fmt] = data.decode("utf-8") if fmt == "md" else html_text(data) if fmt == "html" else docx_text(data)
    return out
