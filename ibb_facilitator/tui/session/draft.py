"""The draft of the language at the consensus stage: a multi-line editor whose Ctrl+S saves the
next revision (``editing.save_revision``), the list of revisions, and "what changed since the
last check" with insertions and deletions marked in words as well as colour ({+new+}, [-old-]).

Opened by Ctrl+D at the consensus stage (a control key: typing never reaches it), the item menu
(Ctrl+O) and the palette. Text the editor holds but did not save is kept for the issue until the
app closes, so Esc loses nothing typed; only a saved revision is in the record. Quitting with the
editor open saves its changed text as a revision whose note says so (``QUIT_NOTE``).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from ... import drafting, editing
from ...model import Issue
from ..app import IbbApp
from ..modals import LongTextArea, Panel
from ..text import join, literal, one_line
from .view import Command

#: Unsaved text of the editor by (session id, issue id) (this run of the app only): Esc keeps it
#: here. The session's id too: another file opened in the same run has its own "issue-1".
_UNSAVED: dict[tuple[str, str], str] = {}
#: The note of a revision saved because the app was closed with the editor open.
QUIT_NOTE = "kept when the app was closed with the editor open (not saved with Ctrl+S)"


def tested_line(issue: Issue) -> Content | None:
    """What a check taken now tests: the latest revision, named (None: the issue has no draft)."""
    latest = drafting.latest(issue)
    if latest is None:
        return None
    checked = drafting.last_checked(issue)
    since = "" if checked is None else (" (tested before)" if checked == latest.n else f" (last check: rev {checked})")
    words = len(issue.draft.split())
    return join(("Tests: ", "bold"), (f"draft revision {latest.n}", "bold reverse"), f"  {words} words{since}")


def diff_content(pieces: list[drafting.Piece]) -> Content:
    """A word diff on screen: inserted words {+so+} underlined and bold, deleted ones [-so-]
    struck through; the brackets say it without colour (a projector washes colour out)."""
    parts: list[Content | str | tuple[str, str]] = []
    for kind, text in pieces:
        if kind == "=":
            parts.append(literal(text))
        elif kind == "+":
            parts += [("{+", "bold $success"), literal(text, "bold underline $success"), ("+}", "bold $success")]
        else:
            parts += [("[-", "bold $error"), literal(text, "strike $error"), ("-]", "bold $error")]
    return join(*parts) if parts else literal("")


class DraftEditor(ModalScreen[tuple[str, str] | None]):
    """The issue's draft, several lines. Ctrl+S saves it as the next revision (with the note
    typed below it, optional); Esc closes and keeps the unsaved text for next time."""

    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("ctrl+s", "save", "Save revision", priority=True)]

    def __init__(
        self,
        issue: Issue,
        text: str,
        keep_draft: Callable[[str, str], object] | None = None,
        key: tuple[str, str] | None = None,
    ):
        super().__init__(classes="dialog-screen")
        self.issue, self.text, self.keep_draft = issue, text, keep_draft
        self.key = key or ("", issue.id)  # where Esc keeps the unsaved text (``_UNSAVED``)

    def keep(self) -> None:
        """The app is quitting with the editor open (``IbbApp.action_quit``): changed text is saved
        as a revision (its note says so) rather than lost."""
        if self.keep_draft is not None and self.unsaved().strip() and self.unsaved() != self.issue.draft:
            keep, self.keep_draft = self.keep_draft, None  # once
            keep(self.unsaved(), QUIT_NOTE)

    def compose(self) -> ComposeResult:
        latest = drafting.latest(self.issue)
        now = f"revision {latest.n} is the latest" if latest else "no revision yet"
        title = f"Draft: {one_line(self.issue.statement, 50)} ({now})"
        with Vertical(classes="dialog wide tall", id="draft-dialog"):
            yield Label(literal(title), classes="dialog-title")
            yield LongTextArea(self.text, id="draft-text", soft_wrap=True, show_line_numbers=False)
            yield Input(placeholder="Note on this revision (optional): why, in the room's words", id="draft-note")
            nxt = latest.n + 1 if latest else 1
            hint = f"Ctrl+S saves revision {nxt} · Tab: the note · Esc closes (unsaved text kept for next time)"
            yield Label(literal(hint), classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def unsaved(self) -> str:
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        self.keep_draft = None
        self.dismiss((self.unsaved(), self.query_one("#draft-note", Input).value))

    def action_cancel(self) -> None:
        text = self.unsaved()
        if text != self.issue.draft:
            _UNSAVED[self.key] = text
        else:
            _UNSAVED.pop(self.key, None)
        self.dismiss(None)


class DraftChanges(ModalScreen[None]):
    """What changed in the draft since the revision the last check tested, word by word."""

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, title: str, summary: str, body: Content):
        super().__init__(classes="dialog-screen")
        self.title_text, self.summary, self.body = title, summary, body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield Label(literal(self.summary), classes="dialog-hint")
            with VerticalScroll(classes="panel-body"):
                yield Static(self.body, id="draft-changes", classes="panel-line")
            yield Label("{+inserted+} · [-deleted-] · Esc closes", classes="dialog-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


def edit(app: IbbApp, issue: Issue) -> None:
    """Ctrl+D: the draft editor; Ctrl+S in it saves the next revision."""
    issue_id = issue.id
    key = (app.session.id, issue_id)
    start = _UNSAVED.get(key, issue.draft)
    if not start and issue.proposal.strip():  # the proposal, then a new paragraph to write (or paste) in
        start = issue.proposal.rstrip() + "\n\n"

    def saved(result: tuple[str, str] | None) -> None:
        if result is None:
            return
        text, note = result
        revision = app.change("save draft revision", editing.save_revision, issue_id, text, note)
        if revision is None:  # refused (unchanged, empty): the text stays for next time
            _UNSAVED[key] = text
            return
        _UNSAVED.pop(key, None)
        app.notify(f"Draft revision {revision.n} saved.", severity="information", timeout=4)

    def keep(text: str, note: str) -> None:
        app.change("keep the draft", editing.save_revision, issue_id, text, note)

    app.push_screen(DraftEditor(issue, start, keep, key), saved)


def changes(app: IbbApp, issue: Issue) -> None:
    """What changed since the last check, marked word by word."""
    checked, latest, pieces = drafting.since_last_check(issue)
    if latest is None:
        app.notify("No draft yet: Ctrl+D writes one.", severity="information")
        return
    plus, minus = drafting.changed_words(pieces)
    if checked is None:
        summary = f"No check has tested a revision yet: revision {latest} whole, as new."
    elif checked == latest:
        summary = f"Nothing changed: revision {latest} is the one the last check tested."
    else:
        summary = f"Revision {checked} (last check) → revision {latest}: {plus} words in, {minus} out."
    app.push_screen(
        DraftChanges(f"Changed since the last check: {one_line(issue.statement, 50)}", summary, diff_content(pieces))
    )


def revisions(app: IbbApp, issue: Issue) -> None:
    """Every revision, newest first: number, time, note, words, which checks tested it."""
    tested: dict[int, list[str]] = {}
    for check in issue.checks:
        if check.revision is not None:
            tested.setdefault(check.revision, []).append(f"{check.at:%H:%M} {check.outcome.value.replace('_', ' ')}")
    lines: list[tuple[str, str]] = []
    for revision, text in drafting.texts(issue):
        checks = f" · tested: {', '.join(tested[revision.n])}" if revision.n in tested else ""
        lines.append((f"Revision {revision.n} · {revision.at:%d %b %H:%M} · {len(text.split())} words{checks}", "bold"))
        if revision.note:
            lines.append((f"  {revision.note}", "italic"))
    app.push_screen(Panel(f"Revisions of the draft: {one_line(issue.statement, 50)}", lines))


def commands(app: IbbApp, issue: Issue) -> list[Command]:
    """The draft's lines of the consensus stage's item menu (and the palette)."""
    found: list[Command] = [("Edit the draft (saves a revision)", "Ctrl+D", lambda: edit(app, issue))]
    if issue.revisions:
        found += [
            ("Draft: what changed since the last check", "", lambda: changes(app, issue)),
            ("Draft: the revisions", "", lambda: revisions(app, issue)),
        ]
    return found
