"""Facilitator aids reachable from anywhere: the parking lot (F4) and action items (F7)."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList

from .. import editing
from ..capture import parse_action_line, split_owner
from ..model import ActionKind
from .modals import Prompt
from .widgets import LinesInput, RowList
from .text import join, literal, one_line


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
        Binding("ctrl+d", "toggle", "Done", priority=True),
        Binding("ctrl+e", "edit", "Edit", priority=True),
        Binding("ctrl+o", "owner", "Owner", priority=True),
    ]

    def __init__(self, issue_id: str | None):
        super().__init__(classes="dialog-screen")
        self.issue_id = issue_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            yield Label(self.TITLE, classes="dialog-title", id="list-title")
            yield AidList(id="aid-list")
            yield LinesInput(placeholder=self.PLACEHOLDER, id="aid-capture", split=True)
            yield Label("Enter adds · ↑↓ point · Ctrl+D done · Ctrl+E edit · Ctrl+O owner · Esc closes", classes="dialog-hint")

    @property
    def session(self):
        return self.app.session  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.paint()
        self.query_one("#aid-capture", Input).focus()

    def action_point(self, step: int) -> None:
        widget = self.query_one("#aid-list", OptionList)
        if widget.option_count:
            current = widget.highlighted if widget.highlighted is not None else -1
            widget.highlighted = max(0, min(widget.option_count - 1, current + step))

    def change(self, label: str, fn, *args, **kwargs):
        """Apply a change and repaint; the pointer follows a new item (the result's id)."""
        result = self.app.change(label, fn, *args, **kwargs)  # type: ignore[attr-defined]
        self.paint()
        new_id = getattr(result, "id", None)
        widget = self.query_one("#aid-list", OptionList)
        if new_id is not None and new_id in widget._id_to_option:
            widget.highlighted = widget.get_option_index(new_id)
        return result

    def selected(self) -> str | None:
        widget = self.query_one("#aid-list", OptionList)
        return widget.highlighted_option.id if widget.highlighted_option else None

    def fill(self, rows) -> None:
        """Show the rows; a change repaints its own row only (items are never removed here)."""
        self.query_one("#aid-list", RowList).show_rows(rows)

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
            rows.append((item.id, join((box, "bold"), literal(item.text, "dim strike" if item.resolved else ""), (f"  — {item.owner}" if item.owner else "  — no owner yet", "italic" if item.owner else "dim $warning"))))
        self.fill(rows)

    @on(Input.Submitted, "#aid-capture")
    def add(self, event: Input.Submitted) -> bool:
        if not event.value.strip():
            return True
        text, owner = split_owner(event.value)
        if self.change("park an item", editing.add_parking, text, owner=owner, issue_id=self.issue_id) is None:
            event.input.give_back(event.value)  # refused: back in the line to be fixed
            return False
        return True

    def _item(self):
        item_id = self.selected()
        return next((i for i in self.session.parking_lot if i.id == item_id), None)

    def action_toggle(self) -> None:
        item = self._item()
        if item and self.change("resolve parking item", editing.edit_parking, item.id, resolved=not item.resolved) is not None:
            self.app.notify(f"{'Resolved' if not item.resolved else 'Open again'}: {one_line(item.text, 40)} · Ctrl+Z undoes it", timeout=4)

    def action_edit(self) -> None:
        item = self._item()
        if item:
            self.app.push_screen(Prompt("Edit the parking-lot item", item.text), lambda v: v and self.change("edit parking item", editing.edit_parking, item.id, text=v))

    def action_owner(self) -> None:
        item = self._item()
        if item:
            self.app.push_screen(Prompt("Who owns it?", item.owner), lambda v: v is not None and self.change("parking owner", editing.edit_parking, item.id, owner=v))


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
            tail = "".join([f"  — {item.owner}" if item.owner else "", f"  due {item.due:%a %d %b %Y}" if item.due else ""])
            rows.append((item.id, join((box, "bold"), (kind, "bold $secondary"), literal(item.text, "dim strike" if item.done else ""), literal(tail, "italic"))))
        self.fill(rows)
        kind = "information request" if self.kind is ActionKind.INFO_REQUEST else "action item"
        self.query_one("#aid-capture", Input).placeholder = f"New {kind}, then Enter (“… @ owner due 2026-12-01”; Ctrl+T switches kind)"

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
            event.input.give_back(event.value)  # type: ignore[attr-defined]
            return False
        if self.change("add action", editing.add_action, line.text, kind=self.kind, owner=line.owner, due=line.due, issue_id=self.issue_id) is None:
            event.input.give_back(event.value)  # refused: back in the line to be fixed
            return False
        return True

    def _item(self):
        item_id = self.selected()
        return next((i for i in self.session.actions if i.id == item_id), None)

    def action_toggle(self) -> None:
        item = self._item()
        if item and self.change("action done", editing.edit_action, item.id, done=not item.done) is not None:
            self.app.notify(f"{'Done' if not item.done else 'Open again'}: {one_line(item.text, 40)} · Ctrl+Z undoes it", timeout=4)

    def action_edit(self) -> None:
        item = self._item()
        if item:
            self.app.push_screen(Prompt("Edit the action", item.text), lambda v: v and self.change("edit action", editing.edit_action, item.id, text=v))

    def action_owner(self) -> None:
        item = self._item()
        if item:
            self.app.push_screen(Prompt("Who owns it?", item.owner), lambda v: v is not None and self.change("action owner", editing.edit_action, item.id, owner=v))
