"""The options stage: every option, a brainstorm (Ctrl+B) with no author and no judging, and the
options set aside or combined (marked with the item menu, then combined on the last one). After
the brainstorm, a straw poll (Ctrl+R, ``polls.py``) shows where the room leans, as bars beside
the options, and "keep the top K" sets the others aside."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from ... import costing, editing
from ... import polls as poll_rules
from ...model import Issue, Option, OptionState, Stage
from ..costs import CostsScreen
from ..modals import PickMany, Prompt
from ..text import join, literal, one_line
from . import polls
from .view import Command, ItemList, ListView


class OptionsView(ListView):
    STAGE = Stage.OPTIONS
    PLACEHOLDER = "New option, then Enter (no author, no judging)"
    CAPTURE_TITLE = "TYPING ▸ Enter adds an option · ↑↓ point · Ctrl+O the pointed one"
    EDIT = "Clarify the option"
    KIND = "option"
    VOTE_NAME = "Poll"  # Ctrl+R here: a straw poll

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._list = ItemList(id="view-options", classes="items")
        self._chart = Static("", id="poll-chart")
        self.marked: set[str] = set()  # options marked for combining
        self.drafts: dict[str, polls.PollDraft] = {}  # a poll being keyed, by issue (Esc keeps it)

    def compose(self) -> ComposeResult:
        with Horizontal(id="options-row"):
            yield self._list
            yield self._chart

    @property
    def items(self) -> ItemList:
        return self._list

    def _row(self, option: Option, issue: Issue) -> Content:
        mark = "● " if option.id in self.marked else ""
        serves = f"  serves {len(option.serves)}" if option.serves else ""
        if option.state is OptionState.SET_ASIDE:
            return join((mark, "bold"), literal(option.text, "dim strike"), ("  set aside", "dim"))
        if option.state is OptionState.COMBINED:
            target = next((n for n, o in enumerate(issue.options, 1) if o.id == option.combined_into), "?")
            return join((mark, "bold"), literal(option.text, "dim"), (f"  → combined into #{target}", "dim"))
        cost = costing.short_total(costing.option_totals(option)) if option.costs else ""
        return join(
            (mark, "bold $accent"), literal(option.text), (serves, "dim"), (f"  {cost}" if cost else "", "bold")
        )

    def paint(self) -> None:
        issue = self.issue
        assert issue is not None
        rows = [(o.id, join((f"#{n} ", "dim"), self._row(o, issue))) for n, o in enumerate(issue.options, start=1)]
        self.fill(self._list, rows)
        chart = self._chart
        chart.display = bool(issue.polls)
        if issue.polls:
            width = max(30, self.app.size.width * 2 // 5)
            chart.styles.width = width
            self.show(chart, polls.chart(issue, width - 4))

    def banner(self) -> Content | None:
        issue = self.issue
        if issue is not None and issue.brainstorming:
            return join(("BRAINSTORM", "bold"), ": every idea goes up · no author · no judging · Ctrl+B ends it")
        return None

    def take_line(self, text: str) -> object | None:
        issue = self.issue
        return None if issue is None else self.app.change("add option", editing.add_option, issue.id, text)

    def moving_to(self, stage: Stage) -> None:
        self.marked.clear()

    # --- straw polls (``polls.py``) ----------------------------------------------------------------

    def action_vote(self) -> None:
        """Ctrl+R: the straw poll form, over the issue's active options (a draft kept by Esc
        comes back while the options are the same)."""
        issue = self.issue
        if issue is None:
            return
        reason = poll_rules.poll_problem(issue)
        if reason:
            self.app.notify(f"No straw poll: {reason}.", severity="warning")
            return
        voters = poll_rules.voters(self.session)
        if not voters:
            self.app.notify("No one to poll: the session has no members who take part.", severity="warning")
            return
        options = [o.id for o in poll_rules.pollable(issue)]
        draft = self.drafts.get(issue.id)
        if draft is None or draft.options != options or draft.voters != voters:
            draft = self.drafts[issue.id] = polls.PollDraft(issue.id, options, voters)
        tags = {p.id: p.short for p in self.session.parties}

        def closed(recorded: bool | None) -> None:
            if recorded:
                self.drafts.pop(issue.id, None)
                self.done("Straw poll recorded")
            self.frame.refresh_all()

        self.app.push_screen(polls.PollScreen(draft, issue, tags), closed)

    def action_keep_top(self) -> None:
        issue = self.issue
        if issue is not None:
            polls.keep_top(self.app, issue)

    def escape(self) -> None:
        if self.marked:
            self.marked.clear()
            self.frame.refresh_all()

    def poll_commands(self) -> list[Command]:
        issue = self.issue
        if issue is None:
            return []
        commands: list[Command] = [("Straw poll: dot vote or 1–5 score…", "Ctrl+R", self.action_vote)]
        if issue.polls:
            commands.append(("Keep the top K of the latest poll…", "", self.action_keep_top))
        return commands

    def item_commands(self) -> list[Command]:
        item = self.selected()
        if item is None:
            return self.poll_commands()
        return [
            (self.EDIT, "Ctrl+E", self.action_edit_item),
            ("Unmark" if item in self.marked else "Mark for combining", "", self.action_mark),
            ("Combine the marked options", "", self.action_combine),
            ("Set aside / bring back", "", self.action_set_aside),
            ("Which interests it serves…", "", self.action_serves),
            ("Cost lines…", "Ctrl+K", self.action_costs),
            *self.menu_moves(),
            *self.poll_commands(),
        ]

    def _pointed(self) -> tuple[Issue, Option] | None:
        item_id, issue = self.selected(), self.issue
        if not (item_id and issue):
            return None
        return issue, next(o for o in issue.options if o.id == item_id)

    def action_edit_item(self) -> None:
        pointed = self._pointed()
        if pointed is None:
            return
        issue, option = pointed
        self.app.push_screen(
            Prompt("Clarify the option", option.text),
            lambda v: v and self.app.change("clarify option", editing.edit_option, issue.id, option.id, v),
        )

    def action_costs(self) -> None:
        """Ctrl+K: the pointed option's cost lines (add, edit, remove), with their total."""
        pointed = self._pointed()
        if pointed is None:
            self.app.notify("Point at an option first (↑/↓), then Ctrl+K costs it.", severity="information")
            return
        issue, option = pointed
        number = issue.options.index(option) + 1
        owner = f"option #{number}: {one_line(option.text, 60)}"
        self.app.push_screen(CostsScreen(f"Cost of {owner}", option.id, issue.id, owner))

    def action_brainstorm(self) -> None:
        """Ctrl+B: start or end the brainstorm."""
        issue = self.issue
        if issue is not None:
            self.app.change("brainstorm", editing.set_brainstorm, issue.id, not issue.brainstorming)

    def action_mark(self) -> None:
        item_id = self.selected()
        if item_id:
            self.marked ^= {item_id}
            self.frame.refresh_all()

    def action_combine(self) -> None:
        issue, item_id = self.issue, self.selected()
        if issue is None:
            return
        order = [o.id for o in issue.options]
        ids = list(dict.fromkeys([*sorted(self.marked, key=order.index), *([item_id] if item_id else [])]))
        if len(ids) < 2:
            self.app.notify(
                "Mark options first (Ctrl+O ▸ Mark for combining), then Ctrl+O ▸ Combine on the last one.",
                severity="information",
            )
            return
        texts = [o.text for o in issue.options if o.id in ids]

        def done(text: str | None) -> None:
            if text and self.app.change("combine options", editing.combine_options, issue.id, ids, text) is not None:
                self.marked.clear()
                self.frame.refresh_all()
                self.done(f"{len(ids)} options combined into one")

        self.app.push_screen(Prompt(f"Combine {len(ids)} options into one: the wording", " + ".join(texts)), done)

    def action_set_aside(self) -> None:
        pointed = self._pointed()
        if pointed is None:
            return
        issue, option = pointed
        aside = option.state is OptionState.ACTIVE
        label = "set aside option" if aside else "bring back option"
        if self.app.change(label, editing.set_aside_option, issue.id, option.id, aside) is not None:
            self.done(f"{'Set aside' if aside else 'Brought back'}: {one_line(option.text, 40)}")

    def action_serves(self) -> None:
        pointed = self._pointed()
        if pointed is None:
            return
        issue, option = pointed
        if not issue.interests:
            self.app.notify("This issue has no interests yet.", severity="warning")
            return
        tag = self.session.holder_tag
        choices = [(f"({tag(i.holder)}) {one_line(i.text)}", i.id, i.id in option.serves) for i in issue.interests]

        def done(picked: list[str] | None) -> None:
            if picked is None:
                return
            for interest_id in {*picked} ^ {*option.serves}:
                self.app.change("link interest", editing.toggle_serves, issue.id, option.id, interest_id)

        title = f"Which interests does this option serve? {one_line(option.text, 60)}"
        self.app.push_screen(PickMany(title, choices), done)
