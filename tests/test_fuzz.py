"""Fuzzing (issue 7, part 3): the loader and the rules, bounded and seeded.

- Loader: random byte strings, and valid session files mutated line by line and byte by byte,
  go into ``store.loads_session`` / ``store.load_session``. The answer is a valid session (which
  then saves and loads back to an equal one) or a ``StoreError`` whose every line names the
  file; never a traceback.
- Rules: a hypothesis state machine applies random ``editing`` operations, many of them invalid
  (unknown ids, wrong parties, forbidden status changes, TAs without consensus, judging options
  during a brainstorm, bad answers, hostile text). Each one succeeds or raises ``RuleError``
  leaving the session untouched, and after every step the session is one the rules allow. Undo
  (``history.History``) puts back exactly the state checkpointed before the change.

The hypothesis profile in conftest.py is derandomized: the same examples on every run.
"""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import NON_VOTERS, VOTERS, make_populated, make_session
from helpers import EXAMPLE
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ibb_facilitator import editing, process, store
from ibb_facilitator.history import History
from ibb_facilitator.model import (
    ActionKind,
    InterestKind,
    IssueStatus,
    Method,
    Outcome,
    PollKind,
    PollResponse,
    Response,
    Session,
    Stage,
    integrity_problems,
)

#: More examples for a long hunt (``IBB_FUZZ_SCALE=20``); 1 keeps the file well under a minute.
SCALE = max(1, int(os.environ.get("IBB_FUZZ_SCALE", "1")))
NAME = "f.toml"
BASES = [EXAMPLE.read_text(encoding="utf-8"), store.dumps_session(make_populated())]


# --- loader ------------------------------------------------------------------------------------


def _note(label: str) -> None:
    """Count ``label`` in ``--hypothesis-show-statistics`` (a no-op outside a hypothesis test)."""
    try:
        event(label)
    except InvalidArgument:
        pass


def _shown(data: str | bytes) -> str:
    shown = repr(data)
    return shown if len(shown) < 4000 else shown[:4000] + "..."


def check_loaded(load: Any, data: str | bytes, name: str) -> None:
    """``load()`` gives a session that round-trips, or a StoreError naming ``name`` on each line."""
    try:
        session = load()
    except store.StoreError as exc:
        bad = [line for line in exc.lines if not line.startswith(f"{name}:")]
        assert exc.lines, f"empty StoreError for input {_shown(data)}"
        assert not bad, f"error lines not naming the file: {bad!r}\ninput: {_shown(data)}"
        _note("refused")
        return
    except Exception as exc:
        pytest.fail(f"{type(exc).__name__}: {exc}\ninput: {_shown(data)}")
    assert isinstance(session, Session)
    _note("loaded")
    try:
        again = store.loads_session(store.dumps_session(session), name)
    except Exception as exc:
        pytest.fail(f"loaded, but does not round-trip ({type(exc).__name__}: {exc})\ninput: {_shown(data)}")
    assert again == session, f"round trip changed the session\ninput: {_shown(data)}"


def check_text(text: str) -> None:
    check_loaded(lambda: store.loads_session(text, NAME), text, NAME)


def check_bytes(path: Path, raw: bytes) -> None:
    path.write_bytes(raw)
    check_loaded(lambda: store.load_session(path), raw, str(path))


def test_the_bases_load_and_round_trip() -> None:
    for text in BASES:
        check_text(text)


FRAGMENTS = [
    "[[issues]]",
    "[[issues.interests]]",
    "[[agreements]]",
    "[cursor]",
    "[decision_rule]",
    "[training]",
    "[issues]",
    'id = "issue-1"',
    'id = "issue-99"',
    'check = "check-404"',
    'issue = "nowhere"',
    'holder = "nobody"',
    'status = "agreed"',
    'status = "bogus"',
    'outcome = "consensus"',
    'method = "per_party"',
    "value = 9",
    'value = "maybe"',
    "score = 6",
    "score = -1",
    "schema_version = 2",
    "schema_version = 0",
    'schema_version = "1"',
    "schema_version = 1.0",
    "schema_version = true",
    "stage_order = []",
    'stage_order = ["issues", "issues"]',
    "at = 2026-11-23T09:30:00",
    "created = 2026-11-23",
    "date = 2026-02-30",
    "due = 1979-05-27T07:32:00Z",
    "x = [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]",
    "a.b.c = 1",
    'text = """',
    "text = '''",
    '"""',
    "= 1",
    "[",
    "]]",
    'text = "\\ud800"',
    'text = "\\u0000"',
    "title = {}",
    "title = []",
    'initials = "ABCDEFGHIJKLMNOP"',
    'brainstorming = "yes"',
    "time_boxes = { issues = -5 }",
    "time_boxes = { nowhere = 5 }",
    "data = { x = { y = 1 } }",
    "# a comment",
    "",
    "\ufeff",
    "\u2028",
    "\x0c",
]

TYPED_VALUES = [
    '""',
    '"x"',
    "0",
    "-1",
    "99999999999999999999",
    "1.5",
    "nan",
    "inf",
    "true",
    "[]",
    '["a"]',
    "{}",
    "2026-11-23",
    "2026-11-23T09:30:00+01:00",
    "09:30:00",
]

_VALUE = re.compile(r"^(\s*[A-Za-z0-9_\"-]+\s*=\s*)(.*)$")
_ID_VALUE = re.compile(
    r'"((?:issue|interest|option|criterion|check|ta|park|caucus|action)-\d+|labor|management|mutual|joint)"'
)


def _mutate(draw: Any, text: str) -> str:
    lines = text.split("\n")
    kind = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "insert", "retype", "dangle", "char"]))
    n = len(lines)
    if kind == "delete" and n > 1:
        del lines[draw(st.integers(0, n - 1))]
    elif kind == "duplicate":
        i = draw(st.integers(0, n - 1))
        lines.insert(draw(st.integers(0, n)), lines[i])
    elif kind == "swap" and n > 1:
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "truncate":
        joined = "\n".join(lines)
        return joined[: draw(st.integers(0, len(joined)))]
    elif kind == "insert":
        fragment = draw(st.sampled_from(FRAGMENTS) | st.text(max_size=20))
        lines.insert(draw(st.integers(0, n)), fragment)
    elif kind == "retype":
        candidates = [i for i, line in enumerate(lines) if _VALUE.match(line)]
        if candidates:
            i = draw(st.sampled_from(candidates))
            match = _VALUE.match(lines[i])
            assert match
            lines[i] = match.group(1) + draw(st.sampled_from(TYPED_VALUES))
    elif kind == "dangle":
        candidates = [i for i, line in enumerate(lines) if _ID_VALUE.search(line)]
        if candidates:
            i = draw(st.sampled_from(candidates))
            replacement = draw(
                st.sampled_from(
                    [
                        '"issue-999"',
                        '"option-77"',
                        '"check-5"',
                        '"ta-9"',
                        '"labor"',
                        '"management"',
                        '"mutual"',
                        '"joint"',
                        '"nobody"',
                        '""',
                        '"interest-1"',
                        '"issue-1"',
                    ]
                )
            )
            lines[i] = _ID_VALUE.sub(replacement, lines[i], count=1)
    elif kind == "char":
        joined = "\n".join(lines)
        if joined:
            i = draw(st.integers(0, len(joined) - 1))
            return joined[:i] + draw(st.characters()) + joined[i + 1 :]
    return "\n".join(lines)


@st.composite
def mutated_files(draw: Any) -> str:
    text = draw(st.sampled_from(BASES))
    for _ in range(draw(st.integers(1, 3))):
        text = _mutate(draw, text)
    return text


@settings(max_examples=250 * SCALE)
@given(mutated_files())
def test_mutated_files_load_or_fail_clearly(text: str) -> None:
    check_text(text)


@settings(max_examples=60 * SCALE)
@given(st.text(max_size=200))
def test_random_text_loads_or_fails_clearly(text: str) -> None:
    check_text(text)


@st.composite
def mutated_bytes(draw: Any) -> bytes:
    raw = bytearray(draw(st.sampled_from(BASES)).encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "set", "truncate", "insert"]))
        i = draw(st.integers(0, max(0, len(raw) - 1)))
        if kind == "flip" and raw:
            raw[i] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and raw:
            raw[i] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del raw[i:]
        else:
            raw[i:i] = draw(st.binary(min_size=1, max_size=8))
    return bytes(raw)


@settings(max_examples=120 * SCALE, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=mutated_bytes() | st.binary(max_size=300))
def test_bytes_load_or_fail_clearly(tmp_path: Path, raw: bytes) -> None:
    check_bytes(tmp_path / NAME, raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \n",
        b"\x00",
        b"\xff\xfe",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbfschema_version = 1\n",
        b"title = 1\r\n",
        b"[" * 5000,
        b"x = " + b"[" * 5000,
    ],
    ids=lambda raw: repr(raw[:20]),
)
def test_odd_bytes_load_or_fail_clearly(tmp_path: Path, raw: bytes) -> None:
    check_bytes(tmp_path / NAME, raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    check_text(text)


# --- rules -------------------------------------------------------------------------------------

HOSTILE = [
    "",
    "   ",
    "\n\t ",
    "x" * 500,
    '"""',
    "'''",
    '[[issues]]\nid = "issue-1"',
    "a\r\nb",
    "line\u2028sep",
    "\x00nul",
    "\x1b[31mred",
    "\ud800",
    "emoji 👩‍👩‍👧 and RTL \u202e",
    "# not a comment",
    "\\u0000",
    "ÆØÅ ñ",
]
GOOD = st.sampled_from(
    ["Pay", "Time to plan", "A fair budget", "Keep pay competitive", "Article 12.3: steps rise by 3%"]
)
TEXT = st.one_of(GOOD, GOOD, GOOD, st.sampled_from(HOSTILE), st.text(max_size=30))  # mostly valid, so the session grows
PARTIES = ["labor", "management", "mutual", "joint", "nobody", "", "LABOR"]
AMOUNTS = st.sampled_from(["474000", "0.1", "0.2", "-1250.5", "0", "999999999999999.999999"]).map(Decimal)
BOGUS_IDS = ["issue-999", "nope", "", "option-1", "check-1", "ta-1", "interest-1", "criterion-1"]
WHO = VOTERS + NON_VOTERS + ["labor", "management", "Stranger", " ana ruiz "]
VALUES: list[int | str] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    8,
    -1,
    "up",
    "sideways",
    "down",
    "concur",
    "do_not_concur",
    "maybe",
    "3",
]


def _dump(session: Session) -> dict[str, Any]:
    return session.model_dump()


class RulesMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.session = make_session()
        self.history = History()
        self.states: list[dict[str, Any]] = []  # what each checkpoint in ``history`` holds
        self.events_seen: list[dict[str, Any]] = []
        self.successes = 0

    # -- helpers ------------------------------------------------------------------------------

    def ids(self, data: st.DataObject, kind: str) -> str:
        s = self.session
        pools = {
            "issue": [i.id for i in s.issues],
            "interest": [x.id for i in s.issues for x in i.interests],
            "option": [x.id for i in s.issues for x in i.options],
            "criterion": [x.id for x in s.shared_criteria] + [x.id for i in s.issues for x in i.criteria],
            "check": [x.id for i in s.issues for x in i.checks],
            "ta": [t.id for t in s.agreements],
            "park": [p.id for p in s.parking_lot],
            "action": [a.id for a in s.actions],
        }
        real = pools[kind]
        if real and data.draw(st.integers(0, 5), label=f"{kind} real?") > 0:
            return data.draw(st.sampled_from(real), label=kind)
        return data.draw(st.sampled_from(BOGUS_IDS + [x for pool in pools.values() for x in pool]), label=kind)

    def issue_and(self, data: st.DataObject, kind: str) -> tuple[str, str]:
        """An issue id and an id of ``kind``, usually one of that issue's own."""
        issue_id = self.ids(data, "issue")
        issue = self.session.issue(issue_id)
        own = {"interest": "interests", "option": "options", "criterion": "criteria", "check": "checks"}[kind]
        items = [x.id for x in getattr(issue, own)] if issue else []
        if kind == "criterion" and issue:
            items += [c.id for c in self.session.shared_criteria]
        if items and data.draw(st.integers(0, 4), label="own?") > 0:
            return issue_id, data.draw(st.sampled_from(items), label=kind)
        return issue_id, self.ids(data, kind)

    def attempt(self, label: str, change: Any) -> Any:
        """Run ``change``: it succeeds, or raises RuleError and leaves the session as it was."""
        before = _dump(self.session)
        self.history.checkpoint(self.session, label)
        try:
            result = change()
        except editing.RuleError as exc:
            self.history.discard()
            _note(f"{label}: refused")
            after = _dump(self.session)
            assert after == before, f"{label} raised RuleError ({exc}) but changed the session"
            return None
        self.states.append({k: v for k, v in before.items() if k != "events"})
        del self.states[: -self.history.limit]
        self.successes += 1
        _note(f"{label}: done")
        return result

    @initialize()
    def two_issues(self) -> None:
        self.attempt(
            "add issue", lambda: editing.add_issue(self.session, "How can we keep teachers?", raised_by="labor")
        )
        self.attempt("add issue", lambda: editing.add_issue(self.session, "How can we plan together?"))

    # -- issues -------------------------------------------------------------------------------

    @rule(data=st.data())
    def add_issue(self, data: st.DataObject) -> None:
        statement = data.draw(TEXT)
        raised_by = data.draw(st.sampled_from(PARTIES))
        article = data.draw(TEXT)
        self.attempt(
            "add issue", lambda: editing.add_issue(self.session, statement, raised_by=raised_by, article=article)
        )

    @rule(data=st.data())
    def edit_issue(self, data: st.DataObject) -> None:
        issue_id = self.ids(data, "issue")
        statement = data.draw(st.none() | TEXT)
        raised_by = data.draw(st.none() | st.sampled_from(PARTIES))
        notes = data.draw(st.none() | TEXT)
        self.attempt(
            "edit issue",
            lambda: editing.edit_issue(self.session, issue_id, statement=statement, raised_by=raised_by, notes=notes),
        )

    @rule(data=st.data(), offset=st.integers(-3, 3))
    def move_issue(self, data: st.DataObject, offset: int) -> None:
        issue_id = self.ids(data, "issue")
        self.attempt("move issue", lambda: editing.move_issue(self.session, issue_id, offset))

    @rule(data=st.data(), status=st.sampled_from(list(IssueStatus)))
    def set_status(self, data: st.DataObject, status: IssueStatus) -> None:
        issue_id = self.ids(data, "issue")
        self.attempt("status", lambda: editing.set_status(self.session, issue_id, status))

    # Stage members only: a plain string is covered by a regression test below
    @rule(data=st.data(), stage=st.sampled_from(list(Stage)))
    def set_stage(self, data: st.DataObject, stage: Stage) -> None:
        issue_id = self.ids(data, "issue")
        self.attempt("stage", lambda: editing.set_stage(self.session, issue_id, stage))

    @rule(data=st.data())
    def set_cursor(self, data: st.DataObject) -> None:
        issue_id = data.draw(st.none()) if data.draw(st.booleans()) else self.ids(data, "issue")
        stage = data.draw(st.none() | st.sampled_from(list(Stage)))
        self.attempt("cursor", lambda: editing.set_cursor(self.session, issue_id, stage))

    # -- interests ----------------------------------------------------------------------------

    @rule(data=st.data(), kind=st.none() | st.sampled_from(list(InterestKind)))
    def add_interest(self, data: st.DataObject, kind: InterestKind | None) -> None:
        issue_id = self.ids(data, "issue")
        text = data.draw(TEXT)
        holder = data.draw(st.sampled_from(PARTIES))
        self.attempt("add interest", lambda: editing.add_interest(self.session, issue_id, text, holder, kind))

    @rule(data=st.data())
    def edit_interest(self, data: st.DataObject) -> None:
        issue_id, interest_id = self.issue_and(data, "interest")
        text = data.draw(st.none() | TEXT)
        holder = data.draw(st.none() | st.sampled_from(PARTIES))
        kind = data.draw(st.sampled_from(["", None, "bogus", *InterestKind]))
        self.attempt(
            "edit interest",
            lambda: editing.edit_interest(self.session, issue_id, interest_id, text=text, holder=holder, kind=kind),
        )

    @rule(data=st.data())
    def cycle_holder(self, data: st.DataObject) -> None:
        issue_id, interest_id = self.issue_and(data, "interest")
        self.attempt("cycle holder", lambda: editing.cycle_holder(self.session, issue_id, interest_id))

    @rule(data=st.data())
    def remove_interest(self, data: st.DataObject) -> None:
        issue_id, interest_id = self.issue_and(data, "interest")
        self.attempt("remove interest", lambda: editing.remove_interest(self.session, issue_id, interest_id))

    @rule(data=st.data(), offset=st.integers(-2, 2))
    def move_item(self, data: st.DataObject, offset: int) -> None:
        kind = data.draw(st.sampled_from(["interest", "option", "criterion", "check"]))
        issue_id, item_id = self.issue_and(data, kind)
        self.attempt("move item", lambda: editing.move_item(self.session, issue_id, kind, item_id, offset))

    # -- options ------------------------------------------------------------------------------

    @rule(data=st.data(), on=st.booleans())
    def set_brainstorm(self, data: st.DataObject, on: bool) -> None:
        issue_id = self.ids(data, "issue")
        self.attempt("brainstorm", lambda: editing.set_brainstorm(self.session, issue_id, on))

    @rule(data=st.data())
    def add_option(self, data: st.DataObject) -> None:
        issue_id = self.ids(data, "issue")
        text = data.draw(TEXT)
        self.attempt("add option", lambda: editing.add_option(self.session, issue_id, text))

    @rule(data=st.data())
    def edit_option(self, data: st.DataObject) -> None:
        issue_id, option_id = self.issue_and(data, "option")
        text = data.draw(TEXT)
        self.attempt("edit option", lambda: editing.edit_option(self.session, issue_id, option_id, text))

    @rule(data=st.data(), aside=st.booleans())
    def set_aside(self, data: st.DataObject, aside: bool) -> None:
        issue_id, option_id = self.issue_and(data, "option")
        self.attempt("set aside", lambda: editing.set_aside_option(self.session, issue_id, option_id, aside))

    @rule(data=st.data())
    def combine(self, data: st.DataObject) -> None:
        issue_id, first = self.issue_and(data, "option")
        _, second = self.issue_and(data, "option")
        ids = data.draw(st.sampled_from([[first, second], [first], [first, first], [first, second, "nope"]]))
        text = data.draw(TEXT)
        self.attempt("combine", lambda: editing.combine_options(self.session, issue_id, ids, text))

    @rule(data=st.data())
    def toggle_serves(self, data: st.DataObject) -> None:
        issue_id, option_id = self.issue_and(data, "option")
        _, interest_id = self.issue_and(data, "interest")
        self.attempt("serves", lambda: editing.toggle_serves(self.session, issue_id, option_id, interest_id))

    # -- criteria and ratings -----------------------------------------------------------------

    @rule(data=st.data())
    def add_criterion(self, data: st.DataObject) -> None:
        issue_id = None if data.draw(st.booleans()) else self.ids(data, "issue")
        text = data.draw(TEXT)
        self.attempt("add criterion", lambda: editing.add_criterion(self.session, issue_id, text))

    @rule(data=st.data())
    def edit_criterion(self, data: st.DataObject) -> None:
        issue_id, criterion_id = self.issue_and(data, "criterion")
        where = None if data.draw(st.booleans()) else issue_id
        text = data.draw(TEXT)
        self.attempt("edit criterion", lambda: editing.edit_criterion(self.session, where, criterion_id, text))

    @rule(data=st.data())
    def remove_criterion(self, data: st.DataObject) -> None:
        issue_id, criterion_id = self.issue_and(data, "criterion")
        self.attempt("remove criterion", lambda: editing.remove_criterion(self.session, issue_id, criterion_id))

    # whole numbers only: a fractional or text score is covered by the regression tests below
    @rule(data=st.data(), score=st.none() | st.integers(-2, 7))
    def rate(self, data: st.DataObject, score: int | None) -> None:
        issue_id, option_id = self.issue_and(data, "option")
        _, criterion_id = self.issue_and(data, "criterion")
        self.attempt("rate", lambda: editing.rate(self.session, issue_id, option_id, criterion_id, score))

    # -- costing ------------------------------------------------------------------------------

    def cost_owner(self, data: st.DataObject) -> tuple[str, str | None]:
        """An option (with its issue) or a TA (no issue) to cost."""
        if data.draw(st.booleans(), label="a TA?"):
            return self.ids(data, "ta"), None
        issue_id, option_id = self.issue_and(data, "option")
        return option_id, issue_id

    @rule(data=st.data(), amounts=st.lists(AMOUNTS, max_size=4))
    def add_cost(self, data: st.DataObject, amounts: list[Decimal]) -> None:
        item_id, issue_id = self.cost_owner(data)
        label, basis = data.draw(TEXT), data.draw(TEXT)
        self.attempt(
            "add cost",
            lambda: editing.add_cost(self.session, item_id, label, amounts, issue_id=issue_id, basis=basis),
        )

    @rule(data=st.data(), index=st.integers(-1, 2), amounts=st.lists(AMOUNTS, max_size=4))
    def edit_cost(self, data: st.DataObject, index: int, amounts: list[Decimal]) -> None:
        item_id, issue_id = self.cost_owner(data)
        label = data.draw(TEXT)
        self.attempt(
            "edit cost", lambda: editing.edit_cost(self.session, item_id, index, label, amounts, issue_id=issue_id)
        )

    @rule(data=st.data(), index=st.integers(-1, 2))
    def remove_cost(self, data: st.DataObject, index: int) -> None:
        item_id, issue_id = self.cost_owner(data)
        self.attempt("remove cost", lambda: editing.remove_cost(self.session, item_id, index, issue_id=issue_id))

    @rule(data=st.data())
    def copy_costs_to_ta(self, data: st.DataObject) -> None:
        ta_id = self.ids(data, "ta")
        self.attempt("cost TA", lambda: editing.copy_costs_to_ta(self.session, ta_id))

    @rule(
        years=st.lists(st.sampled_from(["2027–28", "2028–29", "2029–30", "", "2030–31"]), max_size=4),
        budget=st.lists(AMOUNTS, max_size=4),
    )
    def set_costing(self, years: list[str], budget: list[Decimal]) -> None:
        self.attempt("years and budget", lambda: editing.set_costing(self.session, years, budget, "note"))

    # -- consensus and TAs --------------------------------------------------------------------

    @rule(data=st.data(), method=st.sampled_from(list(Method)))
    def record_check(self, data: st.DataObject, method: Method) -> None:
        issue_id = self.ids(data, "issue")
        if data.draw(st.integers(0, 2), label="agreeable?") == 0:  # often a real consensus
            good = {Method.FIST_TO_FIVE: 4, Method.THUMBS: "up", Method.GRADIENTS: 1, Method.PER_PARTY: "concur"}[
                method
            ]
            names = ["labor", "management"] if method is Method.PER_PARTY else VOTERS
            responses = [Response(who=n, value=good) for n in names]
        else:
            pairs = data.draw(st.lists(st.tuples(st.sampled_from(WHO), st.sampled_from(VALUES)), max_size=6))
            responses = [Response(who=w, value=v) for w, v in pairs]
        options = data.draw(
            st.none() | st.lists(st.sampled_from([*BOGUS_IDS[:2], self.ids(data, "option")]), max_size=2)
        )
        proposal, note = data.draw(TEXT), data.draw(TEXT)
        self.attempt(
            "check",
            lambda: editing.record_check(
                self.session, issue_id, method, responses, proposal=proposal, options=options, note=note
            ),
        )

    # -- straw polls --------------------------------------------------------------------------

    @rule(data=st.data(), kind=st.sampled_from(list(PollKind)), dots=st.integers(-1, 4))
    def record_poll(self, data: st.DataObject, kind: PollKind, dots: int) -> None:
        issue_id = self.ids(data, "issue")
        marks = st.dictionaries(
            st.sampled_from([*BOGUS_IDS[:2], self.ids(data, "option")]), st.integers(0, 6), max_size=3
        )
        responses = [
            PollResponse(who=w, party=data.draw(st.sampled_from([None, "labor", "management"])), votes=data.draw(marks))
            for w in data.draw(st.lists(st.sampled_from(VOTERS), max_size=4, unique=True))
        ]
        picks = st.sampled_from([*BOGUS_IDS[:2], self.ids(data, "option")])
        options = data.draw(st.none() | st.lists(picks, max_size=3))
        self.attempt(
            "poll",
            lambda: editing.record_poll(self.session, issue_id, kind, responses, dots=dots, options=options),
        )

    @rule(data=st.data(), k=st.integers(0, 4), ties=st.sampled_from(["refuse", "include"]))
    def keep_top(self, data: st.DataObject, k: int, ties: Any) -> None:
        issue_id = self.ids(data, "issue")
        issue = self.session.issue(issue_id)
        polls_here = [p.id for p in issue.polls] if issue else []
        poll_id = data.draw(st.sampled_from([*polls_here, *BOGUS_IDS[:1]]))
        self.attempt("keep top", lambda: editing.keep_top(self.session, issue_id, poll_id, k, ties=ties))

    @rule(data=st.data())
    def record_agreement(self, data: st.DataObject) -> None:
        issue_id, check_id = self.issue_and(data, "check")
        check = data.draw(st.sampled_from([check_id, None]))
        text = data.draw(TEXT)
        options = data.draw(
            st.none() | st.lists(st.sampled_from([*BOGUS_IDS[:2], self.ids(data, "option")]), max_size=2)
        )
        on = data.draw(st.none() | st.just(date(2026, 11, 24)))
        title = data.draw(TEXT)
        self.attempt(
            "TA",
            lambda: editing.record_agreement(self.session, issue_id, check, text, title=title, on=on, options=options),
        )

    @rule(data=st.data())
    def agree(self, data: st.DataObject) -> None:
        """The happy path, one change at a time: a consensus, its TA, every party's initials."""
        issue_id = self.ids(data, "issue")
        found = self.attempt(
            "check",
            lambda: editing.record_check(
                self.session, issue_id, Method.THUMBS, [Response(who=n, value="up") for n in VOTERS]
            ),
        )
        if found is None:
            return
        check_id = found[0].id
        ta = self.attempt("TA", lambda: editing.record_agreement(self.session, issue_id, check_id, "Agreed words"))
        if ta is None:
            return
        for party, mark in (("labor", "AR"), ("management", "BH")):
            if data.draw(st.integers(0, 3)) > 0:
                self.attempt("initial", lambda: editing.initial(self.session, ta.id, party, mark))

    @rule(data=st.data())
    def note_check(self, data: st.DataObject) -> None:
        issue_id, check_id = self.issue_and(data, "check")
        note = data.draw(TEXT)
        self.attempt("note", lambda: editing.note_check(self.session, issue_id, check_id, note))

    @rule(data=st.data())
    def edit_agreement(self, data: st.DataObject) -> None:
        ta_id = self.ids(data, "ta")
        text = data.draw(TEXT)
        self.attempt("edit TA", lambda: editing.edit_agreement(self.session, ta_id, text))

    @rule(data=st.data())
    def initial(self, data: st.DataObject) -> None:
        ta_id = self.ids(data, "ta")
        party = data.draw(st.sampled_from(PARTIES))
        initials = data.draw(st.sampled_from(["AR", "BH", "", "  ", "ABCDEFGHIJKLM", "ABCDEFGHIJKL", " x "]) | TEXT)
        name = data.draw(TEXT)
        self.attempt("initial", lambda: editing.initial(self.session, ta_id, party, initials, name))

    # -- around the cycle ---------------------------------------------------------------------

    @rule(data=st.data())
    def add_parking(self, data: st.DataObject) -> None:
        issue_id = None if data.draw(st.booleans()) else self.ids(data, "issue")
        text, owner = data.draw(TEXT), data.draw(TEXT)
        self.attempt("park", lambda: editing.add_parking(self.session, text, owner=owner, issue_id=issue_id))

    @rule(data=st.data())
    def edit_parking(self, data: st.DataObject) -> None:
        item_id = self.ids(data, "park")
        text, resolved = data.draw(st.none() | TEXT), data.draw(st.none() | st.booleans())
        self.attempt("edit park", lambda: editing.edit_parking(self.session, item_id, text=text, resolved=resolved))

    @rule(data=st.data())
    def caucus(self, data: st.DataObject) -> None:
        if data.draw(st.booleans()):
            party = data.draw(st.sampled_from(PARTIES))
            reason = data.draw(TEXT)
            self.attempt(
                "caucus", lambda: editing.start_caucus(self.session, party, called_by="Ana Ruiz", reason=reason)
            )
        else:
            self.attempt("end caucus", lambda: editing.end_caucus(self.session))

    @rule(data=st.data(), kind=st.sampled_from(list(ActionKind)))
    def add_action(self, data: st.DataObject, kind: ActionKind) -> None:
        issue_id = None if data.draw(st.booleans()) else self.ids(data, "issue")
        text, owner = data.draw(TEXT), data.draw(TEXT)
        due = data.draw(st.none() | st.just(date(2026, 12, 1)))
        self.attempt(
            "action", lambda: editing.add_action(self.session, text, kind=kind, owner=owner, due=due, issue_id=issue_id)
        )

    @rule(data=st.data())
    def edit_action(self, data: st.DataObject) -> None:
        item_id = self.ids(data, "action")
        text, done = data.draw(st.none() | TEXT), data.draw(st.none() | st.booleans())
        self.attempt("edit action", lambda: editing.edit_action(self.session, item_id, text=text, done=done))

    # -- undo ---------------------------------------------------------------------------------

    @rule()
    def prepare_undo(self) -> None:
        """What the app does once a change is on the screen: the next checkpoint made ready."""
        self.history.prepare(self.session)

    @precondition(lambda self: bool(self.history))
    @rule()
    def undo(self) -> None:
        expected = self.states.pop()
        events = len(self.session.events)
        assert self.history.undo(self.session) is not None
        _note("undo")
        got = {k: v for k, v in _dump(self.session).items() if k != "events"}
        assert got == expected, "undo did not restore the checkpointed state"
        assert len(self.session.events) == events + 1 and self.session.events[-1].action == "undo"

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def rules_hold(self) -> None:
        s = self.session
        assert integrity_problems(s) == []
        assert process.rule_problems(s) == []
        ids = list(s.all_ids())
        assert len(ids) == len(set(ids)), f"duplicate ids: {ids}"
        for issue in s.issues:
            if issue.status is IssueStatus.AGREED:
                assert s.agreements_for(issue.id), f"{issue.id} agreed without a TA"
        for ta in s.agreements:
            issue = s.issue(ta.issue)
            assert issue is not None, f"{ta.id} points at no issue"
            check = next((c for c in issue.checks if c.id == ta.check), None)
            assert check is not None and check.outcome is Outcome.CONSENSUS, (
                f"{ta.id} not on a consensus check of {issue.id}"
            )

    @invariant()
    def events_only_appended(self) -> None:
        events = [e.model_dump() for e in self.session.events]
        assert events[: len(self.events_seen)] == self.events_seen, "an earlier event was changed or removed"
        self.events_seen = events

    @invariant()
    def round_trips(self) -> None:
        text = store.dumps_session(self.session)
        assert store.loads_session(text, NAME) == self.session


RulesMachine.TestCase.settings = settings(
    max_examples=60 * SCALE, stateful_step_count=50, suppress_health_check=[HealthCheck.too_slow]
)
test_rules_state_machine = RulesMachine.TestCase


def test_rules_machine_from_the_populated_shape() -> None:
    """The same invariants hold for the fixture built through ``editing`` (a sanity check)."""
    machine = RulesMachine()
    machine.session = make_populated()
    machine.events_seen = []
    machine.rules_hold()
    machine.events_only_appended()
    machine.round_trips()


# --- regressions found by fuzzing ----------------------------------------------------------------


def test_rate_with_a_fractional_score_leaves_the_session_untouched() -> None:
    s = make_populated()
    issue = s.issues[0]
    (option, criterion), _ = next(iter(issue.score_map().items()))
    before = s.model_dump()
    with pytest.raises(editing.RuleError):
        editing.rate(s, issue.id, option, criterion, 2.5)  # type: ignore[arg-type]
    assert s.model_dump() == before


def test_rate_with_a_text_score_is_a_rule_error() -> None:
    s = make_populated()
    issue = s.issues[0]
    (option, criterion), _ = next(iter(issue.score_map().items()))
    before = s.model_dump()
    with pytest.raises(editing.RuleError):
        editing.rate(s, issue.id, option, criterion, "3")  # type: ignore[arg-type]
    assert s.model_dump() == before


def test_set_stage_with_a_plain_string_is_applied_or_refused_cleanly() -> None:
    s = make_session()
    issue = editing.add_issue(s, "How can we plan together?")
    editing.set_stage(s, issue.id, Stage.OPTIONS)
    editing.set_brainstorm(s, issue.id, True)
    before = s.model_dump()
    try:
        editing.set_stage(s, issue.id, "options")  # type: ignore[arg-type]
    except editing.RuleError:
        assert s.model_dump() == before
    else:
        assert s.issue(issue.id).brainstorming, "moving to the options stage must not end the brainstorm"


@pytest.mark.parametrize("status", ["parked", "bogus"])
def test_set_status_with_a_plain_string_is_applied_or_refused_cleanly(status: str) -> None:
    s = make_session()
    issue = editing.add_issue(s, "How can we plan together?")
    before = s.model_dump()
    try:
        editing.set_status(s, issue.id, status)  # type: ignore[arg-type]
    except editing.RuleError:
        assert s.model_dump() == before
    else:
        assert s.events[-1].action == "issue.status" and s.issue(issue.id).status == IssueStatus(status)
