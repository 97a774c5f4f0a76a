"""Single-text drafting: an issue's working draft and every saved revision of it.

The room edits one text per issue (the draft of the language it will test at Consensus); each
save is a numbered revision, kept for good. The file keeps the current text whole
(``Issue.draft``) and each revision as the few lines that turn the *next* revision's text back
into its own (``Revision.back``, a reverse delta, as RCS keeps a file's history). So the current
draft reads in full in the file, and saving a one-word change adds a few lines to the file, not a
second copy of 5,000 words (docs/session-format.md explains the choice).

Texts are compared line by line (a line is a paragraph as typed), and within changed lines word
by word. Pure: no Textual, no Rich, no logging (``editing.save_revision`` logs; ``timeline``
replays with ``append_revision``).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Literal

from .model import DraftChange, Issue, Revision, Session

Piece = tuple[Literal["=", "+", "-"], str]
"""A run of a word-level diff: ``"="`` kept, ``"+"`` inserted, ``"-"`` deleted, with its text."""

_WORDS = re.compile(r"\s*\S+|\s+")  # a word with the space before it (a diff keeps the spacing)
_LINES = re.compile(r"[^\n]*\n|[^\n]+")  # lines with their newlines (joined: the text)


def lines(text: str) -> list[str]:
    """The lines of ``text``; ``"\\n".join(lines(text)) == text`` for every text."""
    return text.split("\n")


def changes(new: list[str], old: list[str]) -> list[DraftChange]:
    """What turns the lines ``new`` into ``old``: replacements at line positions of ``new``."""
    matcher = difflib.SequenceMatcher(None, new, old, autojunk=False)
    return [
        DraftChange(at=i1, cut=i2 - i1, put=old[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def apply(text_lines: list[str], delta: list[DraftChange]) -> list[str]:
    """``text_lines`` with ``delta`` applied (``changes(new, old)`` applied to ``new`` gives ``old``).

    Raises ``ValueError`` for a delta that does not fit the lines (out of range, overlapping or
    out of order): a hand-edited file (``draft_problems`` reports it).
    """
    out: list[str] = []
    start = 0
    for change in delta:
        if change.at < start or change.at + change.cut > len(text_lines):
            raise ValueError(f"a change at line {change.at} does not fit a text of {len(text_lines)} lines")
        out.extend(text_lines[start : change.at])
        out.extend(change.put)
        start = change.at + change.cut
    out.extend(text_lines[start:])
    return out


def texts(issue: Issue) -> Iterator[tuple[Revision, str]]:
    """Every revision of ``issue`` with its text, newest first."""
    current = lines(issue.draft)
    for revision in reversed(issue.revisions):
        current = apply(current, revision.back)
        yield revision, "\n".join(current)


def latest(issue: Issue) -> Revision | None:
    return issue.revisions[-1] if issue.revisions else None


def revision(issue: Issue, n: int) -> Revision | None:
    return next((r for r in issue.revisions if r.n == n), None)


def text_of(issue: Issue, n: int) -> str:
    """The text of revision ``n`` of ``issue``, word for word. ``KeyError`` if there is none."""
    for found, text in texts(issue):
        if found.n == n:
            return text
    raise KeyError(n)


def append_revision(issue: Issue, text: str, at: datetime, note: str = "") -> Revision:
    """Make ``text`` the draft of ``issue`` as its next revision (no checks, no log: ``editing``
    checks and logs; ``timeline`` replays with this too)."""
    previous = latest(issue)
    if previous is not None:
        previous.back = changes(lines(text), lines(issue.draft))
    new = Revision(n=previous.n + 1 if previous else 1, at=at, note=note)
    issue.revisions.append(new)
    issue.draft = text
    return new


# --- the forward delta an event carries (``draft.save``): small, and enough to replay ----------


def forward(old: str, new: str) -> list[str]:
    """What turns ``old`` into ``new``, as a list of strings an event can hold: for each change a
    head ``"@at,cut,count"`` (line positions in ``old``) and then ``count`` lines to put there."""
    out: list[str] = []
    for change in changes(lines(old), lines(new)):
        out.append(f"@{change.at},{change.cut},{len(change.put)}")
        out.extend(change.put)
    return out


def apply_forward(old: str, delta: list[str]) -> str:
    """``new`` from ``old`` and ``forward(old, new)``; ``ValueError`` if the delta does not fit."""
    parsed: list[DraftChange] = []
    k = 0
    while k < len(delta):
        head = re.fullmatch(r"@(\d+),(\d+),(\d+)", delta[k])
        if head is None:
            raise ValueError(f"not a change head: {delta[k]!r}")
        at, cut, count = map(int, head.groups())
        parsed.append(DraftChange(at=at, cut=cut, put=delta[k + 1 : k + 1 + count]))
        k += 1 + count
    return "\n".join(apply(lines(old), parsed))


# --- comparing two revisions ------------------------------------------------------------------


def word_diff(old: str, new: str) -> list[Piece]:
    """``old`` to ``new`` word by word: kept, inserted and deleted runs (joined, the kept and
    inserted runs give ``new``; the kept and deleted ones give ``old``).

    Lines are matched first and words only within changed lines, so two 5,000-word revisions
    differing by a word compare in milliseconds.
    """
    pieces: list[Piece] = []

    def add(kind: Literal["=", "+", "-"], text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1][0] == kind:
            pieces[-1] = (kind, pieces[-1][1] + text)
        else:
            pieces.append((kind, text))

    a, b = _LINES.findall(old), _LINES.findall(new)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            add("=", right)
        elif tag == "replace":
            x, y = _WORDS.findall(left), _WORDS.findall(right)
            for wtag, k1, k2, m1, m2 in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes():
                gone, come = "".join(x[k1:k2]), "".join(y[m1:m2])
                if wtag == "equal":
                    add("=", come)
                    continue
                if gone and come:  # a word replaced: the space before it is kept, not changed
                    same = os.path.commonprefix([gone, come])  # noqa: RUF071 (strings, not paths)
                    space = len(same) - len(same.lstrip())
                    add("=", come[:space])
                    gone, come = gone[space:], come[space:]
                add("-", gone)
                add("+", come)
        else:
            add("-", left)
            add("+", right)
    return pieces


def marked(pieces: list[Piece], context: int | None = None) -> str:
    """A diff as plain text that does not need colour: ``[-deleted-]`` and ``{+inserted+}``.

    ``context``: keep only the lines with a change and this many lines around them (the others
    are one ``…`` line each run), so a one-word change in 5,000 words reads in a few lines.
    """
    whole = "".join(text if kind == "=" else f"[-{text}-]" if kind == "-" else f"{{+{text}+}}" for kind, text in pieces)
    if context is None:
        return whole
    changed: set[int] = set()
    line = 0
    for kind, text in pieces:
        if kind != "=":
            changed.update(range(line, line + text.count("\n") + 1))
        line += text.count("\n")
    keep = {k for n in changed for k in range(n - context, n + context + 1)}
    out: list[str] = []
    for n, text in enumerate(whole.split("\n")):
        if n in keep:
            out.append(text)
        elif not out or out[-1] != "…":
            out.append("…")
    return "\n".join(out)


def changed_words(pieces: list[Piece]) -> tuple[int, int]:
    """How many words were inserted and deleted."""
    plus = sum(len(text.split()) for kind, text in pieces if kind == "+")
    minus = sum(len(text.split()) for kind, text in pieces if kind == "-")
    return plus, minus


def last_checked(issue: Issue) -> int | None:
    """The revision the latest consensus check of ``issue`` tested (None: no check tested one)."""
    return next((c.revision for c in reversed(issue.checks) if c.revision is not None), None)


def since_last_check(issue: Issue) -> tuple[int | None, int | None, list[Piece]]:
    """What changed in the draft since the revision last tested by a consensus check:
    ``(that revision, the latest, the diff)``. With no check of a revision yet, the whole draft is
    new (compared with nothing)."""
    newest = latest(issue)
    if newest is None:
        return None, None, []
    checked = last_checked(issue)
    old = text_of(issue, checked) if checked is not None and revision(issue, checked) else ""
    return checked, newest.n, word_diff(old, issue.draft)


# --- a file's drafts, checked on load -------------------------------------------------------------


def draft_problems(session: Session) -> list[tuple[str, str]]:
    """What is wrong with the drafts of a session file, as ``(path, message)`` pairs: revision
    numbers that do not go up, a draft without revisions (or the reverse), deltas that do not fit,
    a check that names a revision its issue does not have."""
    problems: list[tuple[str, str]] = []
    for i, issue in enumerate(session.issues):
        base = f"issues[{i}]"
        if not issue.revisions:
            if issue.draft:
                problems.append((f"{base}.draft", "a draft needs its revisions (issues.revisions)"))
        else:
            if not issue.draft:
                problems.append((f"{base}.revisions", "revisions need the draft they lead to (issues.draft)"))
            for k in range(1, len(issue.revisions)):
                if issue.revisions[k].n <= issue.revisions[k - 1].n:
                    problems.append((f"{base}.revisions[{k}].n", "revision numbers must go up"))
            if issue.revisions[-1].back:
                problems.append(
                    (f"{base}.revisions[{len(issue.revisions) - 1}].back", "the latest revision is the draft: no back")
                )
            current = lines(issue.draft)
            for k in range(len(issue.revisions) - 1, -1, -1):
                try:
                    current = apply(current, issue.revisions[k].back)
                except ValueError as exc:
                    problems.append((f"{base}.revisions[{k}].back", str(exc)))
                    break
        numbers = {r.n for r in issue.revisions}
        for k, check in enumerate(issue.checks):
            if check.revision is not None and check.revision not in numbers:
                problems.append((f"{base}.checks[{k}].revision", f"no revision {check.revision} of this issue's draft"))
    return problems
