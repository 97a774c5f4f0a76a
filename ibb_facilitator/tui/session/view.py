"""What a stage's view is to the session frame (``screen.py``): one widget per stage.

A view owns its stage's state (the options marked for combining, the check being taken...), its
paint (told only what differs from what it shows), what a line typed in the capture line means
there, and the commands on its pointed item. The frame owns the keyboard: every key reaches the
capture line (the only focusable widget, DESIGN.md "the recorder's keyboard"), and the frame hands
a stage's keys to the view shown: ``action_<name>`` for the names in ``VIEW_KEYS``. A view never
takes the focus, except the widget that takes the scores in a scoring mode (rating, voting).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from textual import getters, on
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import OptionList, Static

from ... import editing
from ...model import Issue, Stage
from ..app import IbbApp
from ..text import one_line
from ..widgets import LinesInput, RowList

if TYPE_CHECKING:
    from .screen import SessionScreen

TYPING, VOTING, RATING = "typing", "voting", "rating"  # where printable keys go (``SessionScreen.mode``)

# The frame's keys that mean something at some stages only: a view answers those it has an
# ``action_<name>`` for, and the frame offers (and shows) a key only where the view answers it.
VIEW_KEYS = frozenset({"stage_key", "group", "brainstorm", "rate", "vote", "move_item", "draft", "costs"})

Command = tuple[str, str, Callable[[], object]]  # (name, key, run): a line of the item menu


def show_once(shown: dict[Static, Content], widget: Static, content: Content) -> None:
    """``widget.update(content)`` unless ``shown`` says it shows that already (an update
    re-renders and lays out)."""
    before = shown.get(widget)
    if before is not None and before.is_same(content):
        return
    shown[widget] = content
    widget.update(content, layout=before is None or not _same_room(widget, before, content))


def _same_room(widget: Widget, before: Content, after: Content) -> bool:
    """Whether ``after`` takes the room ``before`` took in ``widget``: one line each, within a
    width that does not follow the content. Then an update repaints the line and lays nothing
    out (a new count of options screened out in the banner laid the whole screen out: 10 ms on
    a 60x12 grid)."""
    width = widget.styles.width
    if width is not None and width.is_auto:
        return False
    room = widget.content_region.width
    return (
        room > 0
        and "\n" not in before.plain
        and "\n" not in after.plain
        and before.cell_length <= room
        and after.cell_length <= room
    )


class ItemList(RowList):
    """The items of a stage. Never focused: ↑/↓ on the capture line move its pointer.

    Its virtual size (all its lines) changes with every item captured; Textual's is a layout
    reactive, and the whole screen was laid out and drawn again for one more line (a capture in
    a real terminal: ~7 of its 17 ms). The list's own size does not follow its lines (the
    stage's CSS: a share of the view), so one more line changes its scroll range and bars only,
    which OptionList sets itself; a list sized by its lines (``auto``) is laid out as before."""

    can_focus = False
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=False)

    def watch_virtual_size(self) -> None:
        if any(scalar is not None and scalar.is_auto for scalar in (self.styles.height, self.styles.width)):
            self.refresh(layout=True)


class StageView(Vertical):
    """One stage's view (a container of its own widgets). Subclasses set the class attributes and
    override what their stage does; the defaults here do nothing."""

    STAGE: ClassVar[Stage]
    PLACEHOLDER: ClassVar[str] = ""  # the capture line's, while this stage is shown
    CAPTURE_TITLE: ClassVar[str] = ""  # the capture line's frame title
    EDIT: ClassVar[str] = "Edit"  # the item menu's word for Ctrl+E here
    KEY_NAME: ClassVar[str | None] = None  # the key bar's word for Ctrl+T here
    SCORING: ClassVar[str | None] = None  # the scoring mode Ctrl+R opens here, if any

    app = getters.app(IbbApp)

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._shown: dict[Static, Content] = {}  # what each text widget shows (skip equal updates)

    # --- what the view works on ------------------------------------------------------------------

    @property
    def frame(self) -> SessionScreen:
        return cast("SessionScreen", self.screen)

    @property
    def session(self):
        return self.app.session

    @property
    def issue(self) -> Issue | None:
        cursor = self.session.cursor
        return self.session.issue(cursor.issue) if cursor.issue else None

    @property
    def items(self) -> RowList:
        """The list the pointer (↑/↓) moves in."""
        raise NotImplementedError

    @property
    def score_widget(self) -> Widget | None:
        """The widget that takes the keys in this view's scoring mode (focused only then)."""
        return None

    def selected(self) -> str | None:
        """The pointed item's id."""
        option = self.items.highlighted_option
        return option.id if option is not None else None

    # --- painting --------------------------------------------------------------------------------

    def paint(self) -> None:
        """Show the stage from the session; cheap when little changed."""

    def show(self, widget: Static, content: Content) -> None:
        show_once(self._shown, widget, content)

    def fill(self, widget: RowList, rows: list[tuple[str, Content]], air: bool = True) -> None:
        """Show ``rows`` in ``widget``; on a big wall (36 lines and more) a blank line under each."""
        if air and self.app.size.height >= 36:
            rows = [(item_id, prompt + "\n") for item_id, prompt in rows]
        widget.show_rows(rows)

    def point_at(self, item_id: str) -> None:
        """Move the pointer to ``item_id`` (an item just added or moved), if it is shown."""
        widget = self.items
        try:
            widget.highlighted = widget.get_option_index(item_id)
        except Exception:
            pass

    def capture_tag(self) -> Content | None:
        """What the capture line's tag says while this stage is shown (None: no tag)."""
        return None

    def banner(self) -> Content | None:
        """This stage's part of the banner under the header (None: nothing)."""
        return None

    def mode_bar(self) -> Content:
        """The bar that replaces the capture line in this view's scoring mode."""
        return Content("")

    # --- what the frame hands over ------------------------------------------------------------------

    def take_line(self, text: str) -> object | None:
        """A line entered in the capture line: what it adds or sets here (None: refused)."""
        return None

    def take_lines(self, lines: list[str], capture: LinesInput) -> bool:
        """A multi-line paste: True if this stage took it whole (else one item a line)."""
        return False

    def item_commands(self) -> list[Command]:
        """What can be done to the pointed item here (the item menu, Ctrl+O, and the palette)."""
        return []

    def menu_subject(self) -> str:
        """The item menu's title after the stage's name: the pointed item, else the issue."""
        option = self.items.highlighted_option
        if option is not None:
            return one_line(str(option.prompt), 60)
        issue = self.issue
        return one_line(issue.statement if issue else "", 60)

    def action_edit_item(self) -> None:
        """Ctrl+E: edit the pointed item."""

    def moving_to(self, stage: Stage) -> None:
        """The room moves (another stage or issue): forget what belonged to where it was."""

    def escape(self) -> None:
        """Esc while typing: let go of a selection (the typed line stays)."""

    def scoring_changed(self, mode: str) -> None:
        """The frame's mode changed (typing, rating, voting)."""

    def done(self, what: str, undo: bool = True) -> None:
        """Say what a one-key change did, and how to take it back."""
        self.app.notify(f"{what}{' · Ctrl+Z undoes it' if undo else ''}", timeout=5)

    def item_chosen(self, item_id: str) -> None:
        """A click on an item: edit it."""
        self.action_edit_item()

    @on(OptionList.OptionSelected, ".items")
    def _item_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.item_chosen(event.option.id)


class ListView(StageView):
    """A stage shown as one list of items that Shift+↑/↓ reorder (issues, interests, options,
    criteria)."""

    KIND: ClassVar[str] = ""  # ``editing.move_item``'s word for the items

    def menu_moves(self) -> list[Command]:
        return [
            ("Move up", "Shift+↑", lambda: self.action_move_item(-1)),
            ("Move down", "Shift+↓", lambda: self.action_move_item(1)),
        ]

    def action_move_item(self, offset: int) -> None:
        """Shift+↑/↓: move the pointed item; the pointer follows it."""
        item_id, issue = self.selected(), self.issue
        if item_id is None or issue is None:
            return
        self.app.change(f"move {self.KIND}", editing.move_item, issue.id, self.KIND, item_id, offset)
        self.point_at(item_id)
