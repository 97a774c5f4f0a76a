"""The interests stage: each side's interests and the mutual ones, in one list or side by side
(Ctrl+G). A line typed adds an interest held by the holder shown on the capture line's tag
(``U:``, ``M:``, ``B:`` at its start set it; Ctrl+T changes it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, Static

from ... import editing
from ...capture import parse_holder_prefix
from ...model import MUTUAL, Interest, InterestKind, Stage
from ..modals import Choose, Prompt
from ..text import join, literal, one_line
from ..wall import badge_style, side_of
from .view import Command, ItemList, ListView


class InterestsView(ListView):
    STAGE = Stage.INTERESTS
    PLACEHOLDER = "New interest, then Enter (start with U: M: B: to tag the holder; Ctrl+T changes it)"
    CAPTURE_TITLE = "TYPING ▸ Enter adds an interest · ↑↓ point · Ctrl+O the pointed one"
    EDIT = "Edit the interest"
    KEY_NAME = "Holder"
    KIND = "interest"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._list = ItemList(id="interests-list", classes="items")
        self._grouped = Horizontal(id="interests-grouped")
        self.capture_holder: str | None = None  # the holder a typed line gets
        self.grouped = False  # side by side, one column a holder (Ctrl+G)
        self._grouped_shown: object = None

    def compose(self) -> ComposeResult:
        yield self._list
        yield self._grouped

    def on_mount(self) -> None:
        if self.session.parties:
            self.capture_holder = self.session.parties[0].id

    @property
    def items(self) -> ItemList:
        return self._list

    def side(self, holder: str) -> str:
        """The holder's colour on the wall (``$side-1``... ``$side-mutual``): the party's order."""
        parties = [p.id for p in self.session.parties]
        return side_of(None if holder == MUTUAL else parties.index(holder) if holder in parties else 0)

    def _row(self, interest: Interest) -> Content:
        """The holder's badge (its letter on its side's colour, as on the wall: it carries its own
        background, so it keeps its contrast on the highlighted row), then the text."""
        tag = self.session.holder_tag(interest.holder)
        kind = f"  ({interest.kind.value})" if interest.kind else ""
        badge = (f" {tag} ", badge_style(self.side(interest.holder)))
        return join(badge, " ", literal(interest.text), (kind, "dim"))

    def paint(self) -> None:
        issue = self.issue
        assert issue is not None
        session, grouped = self.session, self.grouped
        self.fill(self._list, [(i.id, self._row(i)) for i in issue.interests])
        self._grouped.display = grouped
        self._list.display = not grouped
        groups = session.interest_groups(issue, keep_empty=True) if grouped else []
        shown = [(session.holder_label(h), [i.text for i in mine]) for h, mine in groups] if grouped else None
        if grouped and shown != self._grouped_shown:
            self._grouped.remove_children()
            for holder, mine in groups:
                side = self.side(holder)
                column = Vertical(classes=f"holder-column {side}" + (" mutual" if holder == MUTUAL else ""))
                self._grouped.mount(column)
                badge = (f" {session.holder_tag(holder)} ", badge_style(side))
                column.mount(Label(join(badge, " ", literal(session.holder_label(holder))), classes="holder-title"))
                column.mount(Static(literal("\n".join(f"• {i.text}" for i in mine) or "—"), classes="holder-items"))
        self._grouped_shown = shown

    def capture_tag(self) -> Content | None:
        """The holder the next typed line gets, on the capture line itself."""
        holder = self.capture_holder
        if not holder:
            return None
        label = self.session.holder_tag(holder)
        if self.app.size.width >= 120:  # room for the name too
            label += f" · {one_line(self.session.holder_label(holder), 28)}"
        return join((f" {label} ▸ ", "bold reverse"))

    def take_line(self, text: str) -> object | None:
        issue = self.issue
        if issue is None:
            return None
        holder, rest = parse_holder_prefix(self.session, text)
        if holder is not None:
            self.capture_holder = holder
        return self.app.change("add interest", editing.add_interest, issue.id, rest, self.capture_holder or MUTUAL)

    def item_commands(self) -> list[Command]:
        if self.selected() is None:
            return []
        return [
            (self.EDIT, "Ctrl+E", self.action_edit_item),
            ("Change the holder", "", self.action_cycle_holder),
            ("Change the kind", "", self.action_cycle_kind),
            ("Strike the interest", "", self.action_strike),
            *self.menu_moves(),
        ]

    def _pointed(self) -> tuple[str, Interest] | None:
        item_id, issue = self.selected(), self.issue
        if not (item_id and issue):
            return None
        return issue.id, next(i for i in issue.interests if i.id == item_id)

    def action_edit_item(self) -> None:
        pointed = self._pointed()
        if pointed is None:
            return
        issue_id, interest = pointed
        self.app.push_screen(
            Prompt("Edit the interest", interest.text),
            lambda v: v and self.app.change("edit interest", editing.edit_interest, issue_id, interest.id, text=v),
        )

    def action_cycle_holder(self) -> None:
        pointed = self._pointed()
        if pointed is None:
            return
        issue_id, interest = pointed
        session = self.session
        choices = [(session.holder_label(h), h) for h in session.holders() if h != interest.holder]

        def chosen(holder: str | None) -> None:
            if (
                holder
                and self.app.change("change holder", editing.edit_interest, issue_id, interest.id, holder=holder)
                is not None
            ):
                self.done(f"Now held by {self.session.holder_label(holder)}: {one_line(interest.text, 40)}")

        self.app.push_screen(Choose(f"Who holds: {one_line(interest.text, 60)}", choices), chosen)

    def action_cycle_kind(self) -> None:
        pointed = self._pointed()
        if pointed is None:
            return
        issue_id, interest = pointed
        choices = [(k.value, k.value) for k in InterestKind if k is not interest.kind]
        if interest.kind is not None:
            choices.append(("no kind", ""))

        def chosen(kind: str | None) -> None:
            if kind is not None:
                new = InterestKind(kind) if kind else None
                self.app.change("change kind", editing.edit_interest, issue_id, interest.id, kind=new)

        self.app.push_screen(Choose(f"Kind of: {one_line(interest.text, 60)}", choices), chosen)

    def action_strike(self) -> None:
        pointed = self._pointed()
        if pointed is None:
            return
        issue_id, interest = pointed
        if self.app.change("strike interest", editing.remove_interest, issue_id, interest.id) is not None:
            self.done(f"Struck: {one_line(interest.text, 40)}")

    def action_stage_key(self) -> None:
        """Ctrl+T: the next holder for typed lines."""
        holders = self.session.holders()
        current = self.capture_holder if self.capture_holder in holders else holders[-1]
        self.capture_holder = holders[(holders.index(current) + 1) % len(holders)]
        self.frame.paint_capture_tag()

    def action_group(self) -> None:
        """Ctrl+G: side by side, one column a holder, or one list."""
        self.grouped = not self.grouped
        self.frame.refresh_all()
