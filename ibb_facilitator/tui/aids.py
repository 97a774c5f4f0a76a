"""Facilitator aids reachable from anywhere: the parking lot (F4) and action items (F7).

Each is a dialog over the session screen with a list and a capture line that keeps the keyboard.
A change goes through ``IbbApp.change``; the list repaints on its ``SessionChanged``."""

from __future__ import annotations

from datetime import date

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList

from .. import editing
from ..capture import parse_action_line, split_owner
from ..model import ActionKind
from .app import IbbApp
from .messages import SessionChanged
from .modals import Prompt
from .text import join, literal, one_line
from .widgets import LinesInput, RowList


class AidList(RowList):
    """Never focused: the capture line keeps the keyboard (↑/↓ there move the pointer)."""

    can_focus = False


class _ListScreen(ModalScreen[None]):
    """A list with a capture line that keeps the keyboard: type, Enter adds; ↑/↓ point at an
    item; Ctrl+D marks it done (resolved), Ctrl+E edits it, Ctrl+O its owner; Escape closes."""

    TITLE = ""
    PLACEHOLDER = ""
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("up", "point(-1)", show=False),
        Binding("down", "point(1)", show=False),
        Binding("ctrl+d", "done", "Done", priority=True),
        Binding("ctrl+e", "edit", "Edit", priority=True),
        Binding("ctrl+o", "owner", "Owner", priority=True),
    ]

    app = getters.app(IbbApp)

    def __init__(self, issue_id: str | None):
        super().__init__(classes="dialog-screen")
        self.issue_id = issue_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            yield Label(self.TITLE, classes="dialog-title", id="list-title")
            yield AidList(id="aid-list")
            yield LinesInput(placeholder=self.PLACEHOLDER, id="aid-capture", split=True)
            hint = "Enter adds · ↑↓ point · Ctrl+D done · Ctrl+E edit · Ctrl+O owner · Esc closes"
            yield Label(hint, classes="dialog-hint")

    @property
    def session(self):
        return self.app.session

    def on_mount(self) -> None:
        self.paint()
        self.app.session_changes.subscribe(self, self.on_session_changed)
        self.query_one("#aid-capture", Input).focus()

    def on_unmount(self) -> None:
        self.app.session_changes.unsubscribe(self)

    def on_session_changed(self, message: SessionChanged) -> None:
        self.paint()

    def paint(self) -> None:
        """Show the aid's items from the session."""

    def action_point(self, step: int) -> None:
        widget = self.query_one("#aid-list", OptionList)
        if widget.option_count:
            current = widget.highlighted if widget.highlighted is not None else -1
            widget.highlighted = max(0, min(widget.option_count - 1, current + step))

    def added(self, item: object | None) -> bool:
        """An item was added (the list repainted on its change): the pointer follows it. False
        if it was refused."""
        if item is None:
            return False
        new_id = getattr(item, "id", None)
        widget = self.query_one("#aid-list", OptionList)
        if new_id is not None and new_id in widget._id_to_option:
            widget.highlighted = widget.get_option_index(new_id)
        return True

    @property
    def capture(self) -> LinesInput:
        return self.query_one("#aid-capture", LinesInput)

    def selected(self) -> str | None:
        widget = self.query_one("#aid-list", OptionList)
        return widget.highlighted_option.id if widget.highlighted_option else None

    def fill(self, rows) -> None:
        """Show the rows; a change repaints its own row only (items are never removed here)."""
        self.query_one("#aid-list", RowList).show_rows(rows)

    def add(self, event: Input.Submitted) -> bool:
        """A line entered: the item it adds (True), or refused and given back (False)."""
        raise NotImplementedError

    @on(LinesInput.Lines, "#aid-capture")
    def pasted_lines(self, event: LinesInput.Lines) -> None:
        """A pasted list: one item a line, exactly as if each had been typed and entered."""
        event.input.add_lines(event.lines, lambda line: self.add(Input.Submitted(event.input, line)))

    def action_close(self) -> None:
        self.dismiss(None)


class ParkingLotScreen(_ListScreen):
    TITLE = "Parking lot"
    PLACEHOLDER = "Off-topic item, then Enter (add “@ owner” at the end to name who owns it)"

    def paint(self) -> None:
        rows = []
        for item in self.session.parking_lot:
            box = "☑ " if item.resolved else "☐ "
            rows.append(
                (
                    item.id,
                    join(
                        (box, "bold"),
                        literal(item.text, "dim strike" if item.resolved else ""),
                        (
                            f"  — {item.owner}" if item.owner else "  — no owner yet",
                            "italic" if item.owner else "dim $warning",
                        ),
                    ),
                )
            )
        self.fill(rows)

    @on(Input.Submitted, "#aid-capture")
    def add(self, event: Input.Submitted) -> bool:
        if not event.value.strip():
            return True
        text, owner = split_owner(event.value)
        if not self.added(
            self.app.change("park an item", editing.add_parking, text, owner=owner, issue_id=self.issue_id)
        ):
            self.capture.give_back(event.value)  # refused: back in the line to be fixed
            return False
        return True

    def _item(self):
        item_id = self.selected()
        return next((i for i in self.session.parking_lot if i.id == item_id), None)

    def action_done(self) -> None:
        item = self._item()
        if (
            item
            and self.app.change("resolve parking item", editing.edit_parking, item.id, resolved=not item.resolved)
            is not None
        ):
            self.app.notify(
                f"{'Resolved' if not item.resolved else 'Open again'}: {one_line(item.text, 40)} · Ctrl+Z undoes it",
                timeout=4,
            )

    def action_edit(self) -> None:
        item = self._item()
        if item:
            self.app.push_screen(
                Prompt("Edit the parking-lot item", item.text),
                lambda v: v and self.app.change("edit parking item", editing.edit_parking, item.id, text=v),
            )

    def action_owner(self) -> None:
        item = self._item()
        if item:

            def owned(v: str | None) -> None:
                if v is not None:
                    self.app.change("parking owner", editing.edit_parking, item.id, owner=v)

            self.app.push_screen(Prompt("Who owns it?", item.owner), owned)


class ActionsScreen(_ListScreen):
    TITLE = "Action items and information requests"
    PLACEHOLDER = "Action, then Enter (“… @ owner due 2026-12-01”; Ctrl+T: information request)"
    BINDINGS = [Binding("ctrl+t", "kind", "Action ⇄ info request", priority=True)]

    def __init__(self, issue_id: str | None):
        super().__init__(issue_id)
        self.kind = ActionKind.ACTION

    def paint(self) -> None:
        rows = []
        for item in self.session.actions:
            box = "☑ " if item.done else "☐ "
            kind = "INFO " if item.kind is ActionKind.INFO_REQUEST else ""
            tail = "".join(
                [f"  — {item.owner}" if item.owner else "", f"  due {item.due:%a %d %b %Y}" if item.due else ""]
            )
            rows.append(
                (
                    item.id,
                    join(
                        (box, "bold"),
                        (kind, "bold $secondary"),
                        literal(item.text, "dim strike" if item.done else ""),
                        literal(tail, "italic"),
                    ),
                )
            )
        self.fill(rows)
        kind = "information request" if self.kind is ActionKind.INFO_REQUEST else "action item"
        self.capture.placeholder = f"New {kind}, then Enter (“… @ owner due 2026-12-01”; Ctrl+T switches kind)"

    def action_kind(self) -> None:
        self.kind = ActionKind.ACTION if self.kind is ActionKind.INFO_REQUEST else ActionKind.INFO_REQUEST
        self.paint()

    @on(Input.Submitted, "#aid-capture")
    def add(self, event: Input.Submitted) -> bool:
        if not event.value.strip():
            return True
        line = parse_action_line(event.value, date.today())
        if line.error:  # "due next Fryday": say so, keep the line to fix (never folded into the owner)
            self.app.notify(f"Not added: {line.error}", title="Due date", severity="warning", timeout=8)
            self.capture.give_back(event.value)
            return False
        added = self.app.change(
            "add action",
            editing.add_action,
            line.text,
            kind=self.kind,
            owner=line.owner,
            due=line.due,
            issue_id=self.issue_id,
        )
        if not self.added(added):
            self.capture.give_back(event.value)  # refused: back in the line to be fixed
            return False
        return True

    def _item(self):
        item_id = self.selected()
        return next((i for i in self.session.actions if i.id == item_id), None)

    def action_done(self) -> None:
        item = self._item()
        if item and self.app.change("action done", editing.edit_action, item.id, done=not item.done) is not None:
            self.app.notify(
                f"{'Done' if not item.done else 'Open again'}: {one_line(item.text, 40)} · Ctrl+Z undoes it", timeout=4
            )

    def action_edit(self) -> None:
        item = self._item()
        if item:
            self.app.push_screen(
                Prompt("Edit the action", item.text),
                lambda v: v and self.app.change("edit action", editing.edit_action, item.id, text=v),
            )

    def action_owner(self) -> None:
        item = self._item()
        if item:

            def owned(v: str | None) -> None:
                if v is not None:
                    self.app.change("action owner", editing.edit_action, item.id, owner=v)

            self.app.push_screen(Prompt("Who owns it?", item.owner), owned)
