"""The issues stage: every issue of the session, its status; a line typed adds an issue."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content

from ... import editing, process
from ...model import IssueStatus, Stage
from ..modals import Choose, Prompt
from ..text import join, literal, one_line
from .view import Command, ItemList, ListView

STATUS_STYLES = {"agreed": "bold $success", "parked": "$warning", "withdrawn": "dim strike", "no_consensus": "$error"}


class IssuesView(ListView):
    STAGE = Stage.ISSUES
    PLACEHOLDER = "New issue: “How can we …?” then Enter"
    CAPTURE_TITLE = "TYPING ▸ Enter adds an issue · ↑↓ point · Alt+→ opens the pointed one"
    EDIT = "Reword the issue"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._list = ItemList(id="view-issues", classes="items")

    def compose(self) -> ComposeResult:
        yield self._list

    @property
    def items(self) -> ItemList:
        return self._list

    def paint(self) -> None:
        rows: list[tuple[str, Content]] = []
        for n, issue in enumerate(self.session.issues, start=1):
            status = process.STATUS_LABELS[issue.status]
            style = STATUS_STYLES.get(issue.status.value, "")
            extra = f"  [{issue.article}]" if issue.article else ""
            statement = literal(issue.statement, "strike" if issue.status is IssueStatus.WITHDRAWN else "")
            rows.append((issue.id, join((f"{n:>2}. ", "bold"), statement, (extra, "dim"), (f"  {status}", style))))
        self.fill(self._list, rows)

    def take_line(self, text: str) -> object | None:
        return self.app.change("add issue", editing.add_issue, text)

    def item_chosen(self, item_id: str) -> None:
        self.frame.open_issue(item_id)

    def item_commands(self) -> list[Command]:
        item = self.selected()
        if item is None:
            return []
        return [
            (self.EDIT, "Ctrl+E", self.action_edit_item),
            ("Open the issue", "Alt+→", lambda: self.frame.open_issue(item)),
            ("Status: withdraw, reinstate, reopen…", "", self.action_status),
            ("Park / unpark the issue", "", self.action_park_issue),
            *self.menu_moves(),
        ]

    def action_edit_item(self) -> None:
        item_id = self.selected()
        target = self.session.issue(item_id) if item_id else None
        if target is not None:
            self.app.push_screen(
                Prompt("Reword the issue", target.statement),
                lambda v: v and self.app.change("reword issue", editing.edit_issue, target.id, statement=v),
            )

    def action_move_item(self, offset: int) -> None:
        item_id = self.selected()
        if item_id is None:
            return
        self.app.change("move issue", editing.move_issue, item_id, offset)
        self.point_at(item_id)

    def action_status(self) -> None:
        item_id = self.selected()
        target = self.session.issue(item_id) if item_id else None
        if target is None:
            return
        choices = [(process.STATUS_LABELS[s], s) for s in IssueStatus if s in process.TRANSITIONS[target.status]]

        def chosen(status: IssueStatus | None) -> None:
            if status and self.app.change("change status", editing.set_status, target.id, status) is not None:
                self.done(f"{process.STATUS_LABELS[status]}: {one_line(target.statement, 40)}")

        title = f"Status of: {one_line(target.statement, 60)}"
        self.app.push_screen(Choose(title, choices, "Agreed comes from initialing a TA"), chosen)

    def action_park_issue(self) -> None:
        item_id = self.selected()
        target = self.session.issue(item_id) if item_id else None
        if target is not None:
            new = IssueStatus.OPEN if target.status is IssueStatus.PARKED else IssueStatus.PARKED
            if self.app.change("park issue", editing.set_status, target.id, new) is not None:
                back = "Parked" if new is IssueStatus.PARKED else "Back in play"
                self.done(f"{back}: {one_line(target.statement, 40)}")
