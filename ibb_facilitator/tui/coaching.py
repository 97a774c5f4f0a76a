"""The coaching panel: ``coaching.issue_notes`` for the issue in hand, under the stage, for the
facilitator only (issue 16).

Shown while the facilitator's preference says so (Ctrl+Y, or the palette's "Coaching notes"),
never on the room view (another app, which does not know this panel), and not on the wall of
presentation mode (F8) unless the facilitator chooses it (the palette's "Coaching notes on the
wall"). Both are preferences of this computer (``preferences.py``), not part of the record.

It repaints with the session screen (every change, undo, move) but computes only while shown,
and hands the screen new text only when the notes changed; the position rules cache their
verdict per phrase (``bench/coaching_quality.py`` measures a repaint).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from .. import coaching
from ..model import Issue, Session, Stage
from .text import join, literal

TITLE = "Coaching · for the facilitator, not the wall · Ctrl+Y hides"
WALL_TITLE = "Coaching · on the wall: the facilitator chose it (palette) · Ctrl+Y hides"


class CoachingPanel(VerticalScroll, can_focus=False):
    """The notes, one a line (wrapped), each with its kind in bold: "Position? ‘We want …’ …"."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[str | None, tuple[coaching.Note, ...]] | None = None
        self.border_title = TITLE

    def compose(self) -> ComposeResult:
        yield Static("", id="coaching-notes", markup=False)

    def show(self, session: Session, issue: Issue | None, stage: Stage | None = None, wall: bool = False) -> None:
        """The notes on ``issue`` (None: at the list of issues), those of ``stage`` (the room's)
        first, painted only if they changed; ``wall``: shown on the wall of presentation mode."""
        self.border_title = WALL_TITLE if wall else TITLE
        notes = tuple(coaching.issue_notes(session, issue, stage)) if issue is not None else ()
        key = (issue.id if issue is not None else None, notes)
        if key == self._shown:
            return
        self._shown = key
        self.border_subtitle = f"{len(notes)} note{'s' if len(notes) != 1 else ''}" if issue is not None else ""
        self.query_one("#coaching-notes", Static).update(notes_content(notes, issue is not None))

    def forget(self) -> None:
        """Hidden: what it showed may go stale; paint again when shown."""
        self._shown = None


def notes_content(notes: tuple[coaching.Note, ...], on_issue: bool = True) -> Content:
    """The panel's text: the note's kind in bold, then its reason (user words shown literally)."""
    if not on_issue:
        return literal("Open an issue: the coaching notes are about the issue in hand.", "italic $wall-muted")
    if not notes:
        return literal("Nothing to point out on this issue.", "italic $wall-muted")
    # The panel is a quarter of the screen at most: a big issue's hundreds of notes would be
    # wrapped again on every layout (13 ms a change at 2,000 items) for lines nobody scrolls to.
    lines = [join((f"{note.label:<11}", "bold $warning"), literal(note.reason)) for note in notes[:MAX_SHOWN]]
    if len(notes) > MAX_SHOWN:
        lines.append(literal(f"… and {len(notes) - MAX_SHOWN} more notes of the same kinds", "italic $wall-muted"))
    return Content("\n").join(lines)


#: The notes the panel shows (the room's stage first, ``coaching.issue_notes``); the rest are counted.
MAX_SHOWN = 12
