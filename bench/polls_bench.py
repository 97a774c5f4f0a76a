"""Straw polls: how long counting, keeping the top K, recording and saving a poll take.

A big room: 40 people polled over 30 options (a dot vote, 5 dots each, and a 1–5 score of every
option), on the example session and on a generated 10,000-item session (``generate.py``). It
measures, median (min) over several runs:

- ``polls.tally`` (what the options stage, the wall, the minutes and review draw on each paint);
- ``polls.top_k`` (the pure choice) and ``editing.keep_top`` (the change: 30 options, 25 set aside);
- ``editing.record_poll`` (each run records one more poll on the same issue);
- ``store.dumps_session`` of the 10,000-item session with and without the polls (what two polls
  add to a full save), and the bytes a poll adds to the file.

It prints figures and always exits 0: it measures, it does not judge.

    python bench/polls_bench.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import make_session  # noqa: E402

from ibb_facilitator import editing, polls, store  # noqa: E402
from ibb_facilitator.model import Member, OptionState, Party, PollKind, PollResponse, Session, Stage  # noqa: E402

PEOPLE, OPTIONS, DOTS = 40, 30, 5


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, min(times) * 1000


def big_room(session: Session) -> tuple[Session, str]:
    """``session`` with 40 members and a fresh issue of 30 active options at Options."""
    session.parties = [
        Party(id="labor", name="Union", short="U", members=[Member(name=f"Labor {n}") for n in range(PEOPLE // 2)]),
        Party(
            id="management", name="District", short="M", members=[Member(name=f"Mgmt {n}") for n in range(PEOPLE // 2)]
        ),
    ]
    session.observers, session.facilitators, session.recorder, session.timekeeper = [], [], "", ""
    issue = editing.add_issue(session, "How can we poll a big room?")
    editing.set_stage(session, issue.id, Stage.OPTIONS)
    for n in range(OPTIONS):
        editing.add_option(session, issue.id, f"Option {n} for the big room")
    return session, issue.id


def responses(session: Session, issue_id: str, kind: PollKind) -> list[PollResponse]:
    issue = session.issue(issue_id)
    assert issue is not None
    ids = [o.id for o in issue.options if o.state is OptionState.ACTIVE]
    out = []
    for n, (name, party) in enumerate(polls.voters(session)):
        if kind is PollKind.DOTS:
            votes = {ids[(n * 7) % len(ids)]: 2, ids[(n * 3 + 1) % len(ids)]: 2, ids[(n + 5) % len(ids)]: 1}
            votes = {k: min(DOTS, v) for k, v in votes.items()}
            while sum(votes.values()) > DOTS:
                first = next(iter(votes))
                votes.pop(first)
        else:
            votes = {oid: 1 + (n + k) % 5 for k, oid in enumerate(ids)}
        out.append(PollResponse(who=name, party=party, votes=votes))
    return out


def measure(label: str, base: Session, runs: int) -> None:
    session, issue_id = big_room(base)
    dot_responses = responses(session, issue_id, PollKind.DOTS)
    score_responses = responses(session, issue_id, PollKind.SCORE)

    def record(kind: PollKind, rs: list[PollResponse]) -> None:
        editing.record_poll(session, issue_id, kind, rs, dots=DOTS if kind is PollKind.DOTS else 0)

    rec_dots = timed(lambda: record(PollKind.DOTS, dot_responses), runs)
    rec_score = timed(lambda: record(PollKind.SCORE, score_responses), runs)
    issue = session.issue(issue_id)
    assert issue is not None
    del issue.polls[:]  # the runs' polls: two are kept, one of each kind
    dot_poll = editing.record_poll(session, issue_id, PollKind.DOTS, dot_responses, dots=DOTS)
    score_poll = editing.record_poll(session, issue_id, PollKind.SCORE, score_responses)
    tally_dots = timed(lambda: polls.tally(issue, dot_poll), runs * 10)
    tally_score = timed(lambda: polls.tally(issue, score_poll), runs * 10)
    top = timed(lambda: polls.top_k(issue, dot_poll, 5, ties="include"), runs * 10)
    keeps = []
    for _ in range(runs):
        for option in issue.options:
            option.state = OptionState.ACTIVE  # back before each run (not timed)
        start = time.perf_counter()
        editing.keep_top(session, issue_id, dot_poll.id, 5, ties="include")
        keeps.append(time.perf_counter() - start)
    keep_ms = (statistics.median(keeps) * 1000, min(keeps) * 1000)
    with_polls = store.dumps_session(session)
    dumps_with = timed(lambda: store.dumps_session(session), 3)
    kept_polls = list(issue.polls)
    issue.polls = []
    without = store.dumps_session(session)
    dumps_without = timed(lambda: store.dumps_session(session), 3)
    issue.polls = kept_polls
    print(f"{label}:")
    print(f"  tally, dot vote            {tally_dots[0]:8.3f} ({tally_dots[1]:.3f})")
    print(f"  tally, 1–5 score           {tally_score[0]:8.3f} ({tally_score[1]:.3f})")
    print(f"  top_k (pure)               {top[0]:8.3f} ({top[1]:.3f})")
    print(f"  record_poll, dot vote      {rec_dots[0]:8.3f} ({rec_dots[1]:.3f})")
    print(f"  record_poll, 1–5 score     {rec_score[0]:8.3f} ({rec_score[1]:.3f})")
    print(f"  keep_top (5, ties in)      {keep_ms[0]:8.3f} ({keep_ms[1]:.3f})")
    print(
        f"  dumps_session, 2 polls     {dumps_with[0]:8.1f} ({dumps_with[1]:.1f})  [no polls: {dumps_without[0]:.1f}]"
    )
    added = len(with_polls.encode()) - len(without.encode())
    print(f"  the two polls add {added:,} bytes to a {len(without.encode()):,}-byte file\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    print(f"Straw polls: {PEOPLE} people x {OPTIONS} options; median (min) of {runs} runs, in ms\n")
    measure("example-size session", Session(title="Polls"), runs)
    measure("10,000-item session", make_session(10_000), runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
