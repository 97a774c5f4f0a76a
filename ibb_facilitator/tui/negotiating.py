"""The negotiation in the app: the next session, the board, provenance, minutes, votes, approvals.

The app's side of ``ibb_facilitator.negotiation`` (issue 15, phase 2). Nothing here decides a
rule: carrying is ``negotiation.carryover``, the board is ``negotiation.board``, the minutes are
``editing.record_minutes``; this module only reads files for them and shows what they say.

- ``next_session(previous)``: the carried session and the file it goes in (beside ``previous``:
  a negotiation is one folder); the set-up form shows it, and saving makes that new file. The
  earlier file is only read.
- ``open_board(app, path)``: the board of the negotiation ``path`` belongs to (a file or folder).
- ``open_board_issue(app, path, issue)``: what Enter on a board row does. The file being
  recorded is jumped to at that issue (the recorder stays in their session); any other file
  opens in the read-only review at that issue, because an earlier session of a negotiation is
  a record the room has closed, and opening it for writing from a board would invite changing
  it by accident (the review's own keys can still open it for writing on purpose).
- ``ask_minutes(app)``: the room's word on the previous session's minutes (accepted, or
  corrected with the correction), recorded with ``editing.record_minutes`` (logged, undoable);
  in the command palette as "Minutes of the previous session".
- ``ratified_problem(app, ta_id)`` and ``amends_ratified(app, issue, ta_id)``: the ratified
  package's guard (``Negotiation.edit_problem``). The language of a TA a party ratified as it
  reads is not edited in place: the editor is refused in one line, saying to record a new TA.
  A new TA on an issue whose earlier TA was ratified is that new TA: the recorder is asked what
  it changes, and ``editing.set_amends_ratified`` records it (Esc leaves it unmarked, and the
  board says the package then needs it).
- ``provenance(session, issue)``: "carried from …" / "agreed in … — TA …", for the issue header.
- ``ask_ratification(app)``, ``ask_approval(app)``, ``ask_undo_record(app)``: a party's
  ratification vote on the package, a spokesperson's approval of this session's joint update,
  and taking the last of either back: short forms in the command palette over ``approvals``
  (what ``ibb negotiation ratify|approve|undo`` do), refused in one line as the CLI refuses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Issue, Session


def next_session(previous: Path) -> tuple[Session, Path]:
    """The session after ``previous`` (carried over, not saved) and a free file beside it."""
    from ..negotiation.carryover import carry, next_path
    from ..store import load_session

    return carry(load_session(previous), previous.name), next_path(previous)


def open_board(app: Any, path: Path | str) -> bool:
    """Push the board of the negotiation of ``path``; a one-line notice when there is none."""
    from ..negotiation import NegotiationError, folder_of
    from .board import BoardScreen

    try:
        folder = folder_of(path)
    except NegotiationError as exc:
        app.notify(str(exc), title="No board", severity="warning")
        return False
    app.push_screen(BoardScreen(folder))
    return True


def open_board_issue(app: Any, path: Path, issue: str) -> None:
    """Enter on a board row: the current file jumps to the issue, any other file is reviewed."""
    current = app.file.path if app.file is not None else None
    if current is not None and _same(current, path):
        from .board import BoardScreen

        while isinstance(app.screen, BoardScreen):  # back to the session screen under it
            app.pop_screen()
        open_issue = getattr(app.screen, "open_issue", None)
        if callable(open_issue):
            if app.session.issue(issue) is None:
                app.notify(f"{issue} is not in this session.", severity="warning")
            else:
                open_issue(issue)
        return
    if app.open_review(path, issue):
        app.notify(
            f"{path.name} is shown read-only, at the issue. Esc returns to the board.", title="Review", timeout=6
        )


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def _negotiation(app: Any) -> Any:
    """The negotiation of the file being recorded, or None (not a file, or unreadable)."""
    if app.file is None:
        return None
    from ..negotiation import MANIFEST_NAME, load

    if not (app.file.path.parent / MANIFEST_NAME).exists():  # no manifest, no vote: nothing ratified
        return None

    try:
        return load(app.file.path)
    except Exception:  # no board to guard with: the negotiation's own checks say why elsewhere
        return None


def ratified_problem(app: Any, ta_id: str) -> str | None:
    """Why TA ``ta_id`` of the file being recorded may not be edited (a party ratified it)."""
    neg = _negotiation(app)
    return neg.edit_problem(app.file.path.name, ta_id) if neg is not None else None


def ratified_before(app: Any, issue: Issue, ta_id: str) -> str | None:
    """The ratified TA (as "TA id of file") that the new TA ``ta_id`` on ``issue`` replaces, or None."""
    neg = _negotiation(app)
    if neg is None:
        return None
    candidates: list[tuple[str, str]] = []
    if issue.agreed_in is not None:
        candidates.append((issue.agreed_in.file, issue.agreed_in.ta))
    name = app.file.path.name
    candidates += [(name, ta.id) for ta in app.session.agreements_for(issue.id) if ta.id != ta_id]
    for file, earlier in candidates:
        if neg.edit_problem(file, earlier) is not None:
            return f"TA {earlier} of {file}"
    return None


def amends_ratified(app: Any, issue: Issue, ta_id: str, then: Any = None) -> None:
    """After a new TA on ``issue``: if it replaces a ratified one, ask what it changes and record
    it with ``editing.set_amends_ratified``; then ``then()``."""
    from .. import editing
    from .modals import Prompt

    earlier = ratified_before(app, issue, ta_id)
    if earlier is None:
        if then is not None:
            then()
        return

    def noted(text: str | None) -> None:
        if text and text.strip():
            app.change("TA amends the ratified package", editing.set_amends_ratified, ta_id, text)
        else:
            app.notify(
                "Not marked: the board will say this TA replaces a ratified one without saying so "
                "(Ctrl+O ▸ the TA's menu, or the palette, marks it later).",
                severity="warning",
                timeout=8,
            )
        if then is not None:
            then()

    app.push_screen(
        Prompt(
            f"This TA replaces {earlier}, which was ratified: what does it change in the ratified package?",
            hint="Enter records it as amending the ratified package · Esc leaves it unmarked",
        ),
        noted,
    )


def provenance(session: Session, issue: Issue, *, short: bool = False) -> str:
    """Where ``issue`` came from, for its header: "" for an issue raised in this session.
    ``short``: the file names only ("from session-1.toml", "agreed in session-2.toml")."""
    parts = []
    link = issue.agreed_in
    if issue.carried_from and (link is None or link.file != issue.carried_from):
        parts.append(f"{'from' if short else 'carried from'} {issue.carried_from}")
    if link is not None:
        title = f" “{link.title}”" if link.title else ""
        parts.append(f"agreed in {link.file}" + ("" if short else f" — TA of {link.date.isoformat()}{title}"))
    return " · ".join(parts)


def ask_minutes(app: Any) -> None:
    """A short form: accepted / corrected (then the correction) / not yet recorded."""
    from .. import editing
    from .modals import Choose, Prompt

    previous = app.session.previous
    if previous is None:
        app.notify("This session was not carried over from an earlier one: no previous minutes.")
        return
    now = {None: "not yet recorded", "accepted": "accepted", "corrected": "corrected"}.get(
        previous.minutes.value if previous.minutes is not None else None, ""
    )

    def corrected(text: str | None) -> None:
        if text and text.strip() and app.change("minutes corrected", editing.record_minutes, "corrected", text):
            app.notify(f"Minutes of {previous.file}: corrected.", timeout=3)

    def chosen(answer: str | None) -> None:
        if answer == "corrected":
            app.push_screen(
                Prompt(
                    f"What was corrected in the minutes of {previous.file}?",
                    previous.correction,
                    hint="Enter records · Esc cancels",
                ),
                corrected,
            )
        elif answer == "accepted":
            if app.change("minutes accepted", editing.record_minutes, "accepted") is not None:
                app.notify(f"Minutes of {previous.file}: accepted as they are.", timeout=3)
        elif answer == "clear":
            app.change("minutes not recorded", editing.record_minutes, None)

    app.push_screen(
        Choose(
            f"Minutes of {previous.file} (now: {now})",
            [("Accepted as they are", "accepted"), ("Corrected…", "corrected"), ("Not yet recorded", "clear")],
            hint="↑/↓ and Enter · Esc closes · Ctrl+Z undoes",
        ),
        chosen,
    )


def _counts(text: str) -> tuple[int | None, int | None, int | None] | str:
    """ "212 31 4" (yes, no, abstain; any may be left off) -> numbers, or what is wrong."""
    words = text.replace(",", " ").split()
    if len(words) > 3 or not all(w.isdecimal() for w in words):
        return f'{text!r}: give up to three whole numbers, yes no abstain ("212 31 4")'
    numbers: list[int | None] = [int(w) for w in words]
    numbers += [None] * (3 - len(numbers))
    return numbers[0], numbers[1], numbers[2]


def ask_ratification(app: Any) -> None:
    """A party's ratification vote on the TA package in force: party, result, date, who voted,
    counts (``approvals.ratify``: checked, recorded in negotiation.toml, undoable). Refused in
    one line before the questions when the package cannot be ratified yet."""
    from datetime import date

    from ..approvals import ratification_problem, ratify, usable
    from ..negotiation import NegotiationError, load
    from ..store import StoreError
    from .modals import Choose, Prompt

    path = app.file.path
    app.flush()  # the negotiation is read from its files: this one as it stands now, not 0.2 s ago
    try:
        neg = load(path)
        usable(neg)
    except (NegotiationError, StoreError, OSError) as exc:
        app.notify(str(exc), title="No vote recorded", severity="error", timeout=12)
        return
    problem = ratification_problem(neg)
    if problem:
        app.notify(problem[0].upper() + problem[1:] + ".", title="Not yet", severity="warning", timeout=12)
        return
    vote: dict[str, Any] = {}
    hint = "Enter goes on · Esc cancels (nothing is recorded until the last answer)"

    def record(text: str | None) -> None:
        if text is None:
            return
        counts = _counts(text)
        if isinstance(counts, str):
            app.notify(counts, title="No vote recorded", severity="error", timeout=12)
            return
        vote["yes"], vote["no"], vote["abstain"] = counts
        try:
            said = ratify(path, **vote)
        except (NegotiationError, StoreError, OSError) as exc:
            app.notify(str(exc), title="No vote recorded", severity="error", timeout=12)
            return
        app.notify("\n".join([*said.lines, *([said.made] if said.made else [])]), title="Ratification", timeout=12)

    def body(text: str | None) -> None:
        if text is None:
            return
        vote["body"] = text.strip()
        app.push_screen(Prompt("The counts, if given: yes no abstain", placeholder="212 31 4", hint=hint), record)

    def when(text: str | None) -> None:
        if text is None:
            return
        try:
            vote["on"] = date.fromisoformat(text.strip())
        except ValueError:
            app.notify(f"{text!r} is not a date (YYYY-MM-DD).", title="No vote recorded", severity="error")
            return
        app.push_screen(Prompt("Who voted", placeholder="LEA membership, School committee…", hint=hint), body)

    def result(value: str | None) -> None:
        if value is None:
            return
        vote["result"] = value
        app.push_screen(Prompt("The day of the vote (YYYY-MM-DD)", date.today().isoformat(), hint=hint), when)

    def party(value: str | None) -> None:
        if value is None:
            return
        vote["party"] = value
        app.push_screen(Choose("The result", [("Ratified", "ratified"), ("Rejected", "rejected")], hint=hint), result)

    tas = len(neg.package_rows())
    app.push_screen(
        Choose(
            f"Ratification vote on the package of {tas} TA{'s' if tas != 1 else ''}: which party voted?",
            [(f"{p.short} — {p.name}", p.id) for p in neg.parties],
            hint=hint,
        ),
        party,
    )


def ask_approval(app: Any) -> None:
    """A spokesperson approves this session's joint update as it reads now (the file is saved
    first): party, then initials (``approvals.approve``)."""
    from ..approvals import approve
    from ..negotiation import NegotiationError
    from ..store import StoreError
    from .modals import Choose, Prompt

    session, path = app.session, app.file.path
    hint = "Enter goes on · Esc cancels"

    def initials(party_id: str, text: str | None) -> None:
        if text is None:
            return
        app.flush()  # the approval is of the update as saved: this session's text as it reads now
        try:
            said = approve(path, party=party_id, initials=text)
        except (NegotiationError, StoreError, OSError) as exc:
            app.notify(str(exc), title="Not approved", severity="error", timeout=12)
            return
        app.notify("\n".join([*said.lines, *([said.made] if said.made else [])]), title="Joint update", timeout=12)

    def party(party_id: str | None) -> None:
        who = session.party(party_id) if party_id else None
        if who is None:
            return
        spokesperson = who.spokesperson()
        guess = "".join(word[0] for word in spokesperson.name.split() if word[:1].isalpha()) if spokesperson else ""
        app.push_screen(
            Prompt(f"{who.short}: the spokesperson's initials", guess, hint=hint),
            lambda text: initials(who.id, text),
        )

    app.push_screen(
        Choose(
            "Which party's spokesperson approves the joint update of this session (ibb export --report update)?",
            [(f"{p.short} — {p.name}", p.id) for p in session.parties],
            hint=hint,
        ),
        party,
    )


def ask_undo_record(app: Any) -> None:
    """Take back the negotiation's last vote or approval, after a confirm."""
    from ..approvals import undo_last
    from ..negotiation import NegotiationError
    from ..store import StoreError
    from .modals import Confirm

    def confirmed(yes: bool | None) -> None:
        if not yes:
            return
        try:
            app.notify(undo_last(app.file.path), title="Negotiation record", timeout=8)
        except (NegotiationError, StoreError, OSError) as exc:
            app.notify(str(exc), title="Nothing undone", severity="error", timeout=12)

    app.push_screen(Confirm("Take back the last ratification vote or approval?", yes="Take it back"), confirmed)


__all__ = [
    "ask_approval",
    "ask_minutes",
    "ask_ratification",
    "ask_undo_record",
    "next_session",
    "open_board",
    "open_board_issue",
    "provenance",
]
