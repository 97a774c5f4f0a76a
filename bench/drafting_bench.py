"""Single-text drafting (issue 16): a 5,000-word draft with 200 revisions.

Builds, through ``editing.save_revision`` (as the app does), one issue's draft of 5,000 words in
50 paragraphs and 199 further revisions of it (seeded: most change one to three words, one in ten
adds or drops a sentence), saves the session to a file, then times, median of ``RUNS``:

- open: read and validate the whole file (``store.load_session``: the draft's deltas are checked);
- revision text: the oldest revision's text, rebuilt from the draft through 199 deltas (the worst case);
- diff: a word diff of revision 1 against revision 200, and of revision 199 against 200;
- open + diff: the two together (the figure's target: under 100 ms);
- "changed since the last check" (a check tested revision 150);
- the file: its size, and the lines a one-word revision adds or changes in it (``git diff``'s view).

Figures only; it always exits 0.

    python bench/drafting_bench.py
"""

from __future__ import annotations

import difflib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from summary import record  # noqa: E402

from ibb_facilitator import drafting, editing, store  # noqa: E402
from ibb_facilitator.model import Method  # noqa: E402
from ibb_facilitator.samples.team import fist, team_session  # noqa: E402

WORDS = 5_000
REVISIONS = 200
RUNS = 7
TARGET_S = 0.100
SENTENCE = (
    "the district shall provide each teacher with planning time of no less than forty minutes per day "
    "during the student day except when an emergency requires coverage as agreed by the joint committee "
    "and the association will be notified in writing within five working days of any such change"
)
VOCABULARY = SENTENCE.split(" ")


def build() -> tuple[object, str]:
    rng = random.Random(16)
    session = team_session()
    issue = editing.add_issue(session, "How can we protect planning time?")
    paragraphs = [" ".join(rng.choice(VOCABULARY) for _ in range(WORDS // 50)) for _ in range(50)]
    editing.save_revision(session, issue.id, "\n\n".join(paragraphs), note="first draft")
    for n in range(2, REVISIONS + 1):
        k = rng.randrange(len(paragraphs))
        words = paragraphs[k].split()
        if n % 10 == 0:
            words += [rng.choice(VOCABULARY) for _ in range(8)] if n % 20 else []
            words = words if n % 20 else words[:-8]
        else:
            for _ in range(rng.randint(1, 3)):
                words[rng.randrange(len(words))] = rng.choice(VOCABULARY)
        paragraphs[k] = " ".join(words)
        text = "\n\n".join(paragraphs)
        if text == session.issues[0].draft:
            paragraphs[k] += " again"
            text = "\n\n".join(paragraphs)
        editing.save_revision(session, issue.id, text)
        if n == 150:
            editing.record_check(session, issue.id, Method.FIST_TO_FIVE, fist(5), revision=150)
    return session, issue.id


def median_ms(run, runs: int = RUNS) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> int:
    session, issue_id = build()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "draft.toml"
        store.save_session(session, path, backup=False)
        size = path.stat().st_size
        loaded = store.load_session(path)
        issue = loaded.issue(issue_id)
        assert issue is not None and len(issue.revisions) == REVISIONS
        assert len(issue.draft.split()) >= WORDS

        def open_file() -> None:
            store.load_session(path)

        def oldest() -> None:
            drafting.text_of(issue, 1)

        def diff_far() -> None:
            drafting.word_diff(drafting.text_of(issue, 1), issue.draft)

        def diff_near() -> None:
            drafting.word_diff(drafting.text_of(issue, REVISIONS - 1), issue.draft)

        def open_and_diff() -> None:
            again = store.load_session(path).issue(issue_id)
            assert again is not None
            drafting.word_diff(drafting.text_of(again, 1), again.draft)

        def since_check() -> None:
            drafting.since_last_check(issue)

        figures = [
            ("open the file (load + validate)", *median_ms(open_file), None),
            ("oldest revision's text (199 deltas)", *median_ms(oldest), None),
            ("word diff, revision 1 vs 200", *median_ms(diff_far), None),
            ("word diff, revision 199 vs 200", *median_ms(diff_near), None),
            ("open + diff of two revisions", *median_ms(open_and_diff), TARGET_S),
            ("changed since the last check (rev 150)", *median_ms(since_check), None),
        ]
        before = store.dumps_session(loaded)
        paragraph = issue.draft.split("\n\n")[7]
        editing.save_revision(loaded, issue_id, issue.draft.replace(paragraph, "amended " + paragraph, 1))
        after = store.dumps_session(loaded)
        changed = [
            line
            for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
    print(f"Drafting: {WORDS:,}-word draft, {REVISIONS} revisions; median of {RUNS} (min)")
    print(f"{'figure':<44}{'median':>10}{'min':>10}{'target':>10}")
    for name, median, low, target in figures:
        goal = f"{target * 1000:.0f} ms" if target else ""
        print(f"{name:<44}{median * 1000:>8.1f}ms{low * 1000:>8.1f}ms{goal:>10}")
        record("drafting_bench", name, median, "s", target)
    print(f"file size: {size / 1024:.0f} KiB ({len(issue.draft) / 1024:.0f} KiB of it the current draft)")
    print(f"a one-word revision changes {len(changed)} lines of the file ({sum(map(len, changed)):,} characters)")
    record("drafting_bench", "file lines a one-word revision changes", len(changed), "n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
