"""Costing in the app: the cost lines of an option or a TA, one line's form, the years and budget.

- ``CostsScreen``: the lines of the option pointed at (Ctrl+K at Options, or the item
  menu) or of the issue's TA (Consensus, the item menu), with their total against nothing or, for
  a TA, the package against the budget. ↑/↓ point, Enter edits the pointed line (or adds one on
  "+ Add a cost line"), Ctrl+D removes the pointed line, Esc closes. No letter key does anything:
  a sentence typed here changes nothing.
- ``CostLineForm``: one line: what, an amount per contract year, the basis, who costed it. Enter
  goes to the next field and saves on the last; Ctrl+S saves from any field. An amount the room
  cannot mean one way (``costing.parse_amount``) is refused in one line under the fields.
- ``BudgetForm``: the contract's years and the team's budget for each (the palette).

Every change goes through ``IbbApp.change`` (logged, undoable with Ctrl+Z once the form is closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from .. import costing, editing
from ..model import CostLine, Session
from .text import join, literal, one_line

ADD = "add"


@dataclass(frozen=True)
class LineInput:
    """What the form gives back: a cost line as typed, its amounts read."""

    label: str
    amounts: list[Decimal]
    basis: str
    costed_by: str


def field(label: str, value: str, placeholder: str, id: str) -> ComposeResult:
    """One field of a form on one line: its name, then the input (a compact form fits 80×24)."""
    with Horizontal(classes="cost-row"):
        yield Label(literal(one_line(label, 16)), classes="cost-name")
        yield Input(value, placeholder=placeholder, id=id, classes="cost-input")


class _Form(ModalScreen[Any]):
    """A form of a few one-line fields: Enter moves to the next field and saves on the last,
    Ctrl+S saves from any field, Esc cancels; a refusal is one line under the fields
    (``#cost-error``) and the cursor goes to the field to fix."""

    CSS_PATH = "costs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save", priority=True)]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        place = inputs.index(event.input)
        if place + 1 < len(inputs):
            inputs[place + 1].focus()
        else:
            self.action_save()

    def _refuse(self, message: str, field: str | None = None) -> None:
        self.query_one("#cost-error", Static).update(literal(message, "bold $error"))
        if field is not None:
            self.query_one(f"#{field}", Input).focus()

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)


class CostLineForm(_Form):
    """One cost line: label, an amount per contract year, basis, who costed it."""

    def __init__(self, title: str, years: list[str], line: CostLine | None = None, costed_by: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.years, self.line = title, years, line
        self.costed_by = line.costed_by if line is not None else costed_by

    def compose(self) -> ComposeResult:
        line = self.line
        with Vertical(classes="dialog wide"):
            yield Label(literal(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="cost-fields"):
                yield from field("What is costed", line.label if line else "", "e.g. Salary step", "cost-label")
                for n, year in enumerate(self.years):
                    amount = costing.typed_amount(line.amounts[n]) if line and n < len(line.amounts) else ""
                    yield from field(year, amount, "e.g. 474000, 474,000 or $1.2m", f"cost-year-{n}")
                yield from field("Basis", line.basis if line else "", "e.g. one step = $474,000", "cost-basis")
                yield from field("Costed by", self.costed_by, "e.g. Dana Liu, business manager", "cost-by")
            yield Static("", id="cost-error")
            yield Label(
                "Enter: next field, saves on the last · Ctrl+S saves · Esc cancels · a blank year costs nothing",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#cost-label", Input).focus()

    def action_save(self) -> None:
        label = self.query_one("#cost-label", Input).value.strip()
        if not label:
            self._refuse("Say what is costed (e.g. Salary step).", "cost-label")
            return
        texts = [self.query_one(f"#cost-year-{n}", Input).value for n in range(len(self.years))]
        before = list(self.line.amounts) if self.line is not None else []
        amounts: list[Decimal] = []
        for n, text in enumerate(texts):
            kept = before[n] if n < len(before) else None
            if kept is not None and text.strip() == costing.typed_amount(kept):
                amounts.append(kept)  # as it was (even one the form's rules would call ambiguous)
                continue
            try:
                amounts.append(costing.parse_amount(text) if text.strip() else costing.ZERO)
            except costing.AmountError as exc:
                self._refuse(f"{self.years[n]}: {exc}", f"cost-year-{n}")
                return
        while amounts and amounts[-1] == 0 and not texts[len(amounts) - 1].strip():
            amounts.pop()  # blank years at the end cost nothing: left out
        basis = self.query_one("#cost-basis", Input).value
        by = self.query_one("#cost-by", Input).value
        self.dismiss(LineInput(label, amounts, basis, by))


def _years(session: Session, lines: list[CostLine]) -> list[str]:
    """The years a cost form asks for: the contract's, else three ("Year 1" ...), and never fewer
    than a line already counts."""
    recorded = session.costing.years if session.costing is not None else []
    counted = max((len(line.amounts) for line in lines), default=0)
    return costing.year_labels(session.costing, max(counted, 3 if not recorded else 0))


class CostsScreen(ModalScreen[None]):
    """The cost lines of one option (``issue_id`` given) or TA, and what they add up to."""

    CSS_PATH = "costs.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("ctrl+d", "remove", "Remove the line", priority=True),
    ]

    def __init__(self, title: str, item_id: str, issue_id: str | None = None, owner: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.item_id, self.issue_id = title, item_id, issue_id
        self.owner = owner or title  # "option #1: One step…" (the form's title says whose line)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield OptionList(id="cost-lines")
            yield Static("", id="cost-total")
            yield Label(
                "↑/↓ point · Enter edits (or adds) · Ctrl+D removes the line · Esc closes", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.paint()
        self.query_one(OptionList).focus()

    def lines(self) -> list[CostLine]:
        session = self.app.session  # type: ignore[attr-defined]
        if self.issue_id is not None:
            issue = session.issue(self.issue_id)
            option = next((o for o in issue.options if o.id == self.item_id), None) if issue else None
            return list(option.costs) if option else []
        ta = next((t for t in session.agreements if t.id == self.item_id), None)
        return list(ta.costs) if ta else []

    def paint(self) -> None:
        session: Session = self.app.session  # type: ignore[attr-defined]
        lines = self.lines()
        years = costing.year_labels(session.costing, max((len(x.amounts) for x in lines), default=0))
        rows = []
        for n, line in enumerate(lines):
            amounts = " · ".join(
                f"{years[k]} {costing.format_amount(a)}" for k, a in enumerate(line.amounts)
            )  # (every amount, by year)
            said = join(
                (line.label, "bold"),
                f"  {costing.format_amount(costing.line_total(line))}",
                (f"  ({amounts})" if len(line.amounts) > 1 else "", "dim"),
                (f"  {line.basis}" if line.basis else "", "italic"),
                (f"  — {line.costed_by}" if line.costed_by else "", "dim"),
            )
            rows.append(Option(said, id=str(n)))
        rows.append(Option(join(("+ Add a cost line", "bold $accent")), id=ADD))
        listing = self.query_one(OptionList)
        pointed = listing.highlighted
        listing.clear_options()
        listing.add_options(rows)
        listing.highlighted = min(pointed, len(rows) - 1) if pointed is not None else 0
        totals = costing.add_up(lines)
        total = join(("Total ", "bold"), (costing.short_total(totals) or "not costed yet", "bold"))
        if len(totals.per_year) > 1:
            total = join(total, ("  " + costing.per_year_text(totals, session.costing), "dim"))
        if self.issue_id is None:  # a TA: where the package stands
            package = costing.session_package(session)
            total = join(total, "\n", (costing.budget_line(package, session.costing), ""))
        self.query_one("#cost-total", Static).update(total)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        session: Session = self.app.session  # type: ignore[attr-defined]
        lines = self.lines()
        index = None if event.option.id == ADD else int(event.option.id or 0)
        line = lines[index] if index is not None else None
        by = lines[-1].costed_by if lines else ""
        what = f"{'A cost line' if line else 'New cost line'} of {self.owner}"
        where = {"issue_id": self.issue_id}

        def done(got: LineInput | None) -> None:
            if got is None:
                return
            fields = {"basis": got.basis, "costed_by": got.costed_by}
            if index is None:
                self.app.change(  # type: ignore[attr-defined]
                    "add cost", editing.add_cost, self.item_id, got.label, got.amounts, **where, **fields
                )
            else:
                self.app.change(  # type: ignore[attr-defined]
                    "edit cost", editing.edit_cost, self.item_id, index, got.label, got.amounts, **where, **fields
                )
            self.paint()

        self.app.push_screen(CostLineForm(what, _years(session, lines), line, by), done)

    def action_remove(self) -> None:
        pointed = self.query_one(OptionList).highlighted
        if pointed is None or pointed >= len(self.lines()):
            return
        self.app.change(  # type: ignore[attr-defined]
            "remove cost", editing.remove_cost, self.item_id, pointed, issue_id=self.issue_id
        )
        self.paint()

    def action_close(self) -> None:
        self.dismiss(None)


def _split(text: str, separators: str) -> list[str]:
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    parts = [part.strip() for part in text.split(separators[0])]
    return parts if any(parts) else []


class BudgetForm(_Form):
    """The contract's years ("2027–28; 2028–29") and the budget for each ("1.5m / 1.5m")."""

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")  # centred over the dimmed session, as every dialog

    def compose(self) -> ComposeResult:
        session: Session = self.app.session  # type: ignore[attr-defined]
        found = session.costing
        years = "; ".join(found.years) if found else ""
        budget = " / ".join(costing.typed_amount(b) for b in found.budget) if found else ""
        with Vertical(classes="dialog wide"):
            yield Label("The contract's years and the team's budget", classes="dialog-title")
            yield from field("Years", years, "in order, separated by ; e.g. 2027–28; 2028–29; 2029–30", "budget-years")
            yield from field("Budget", budget, "each year's, separated by / e.g. 1,500,000 / 1.5m", "budget-amounts")
            note = found.note if found else ""
            yield from field("Budget source", note, "e.g. Board settlement authority, Nov 12", "budget-note")
            yield Static("", id="cost-error")
            yield Label("Enter: next field, saves on the last · Ctrl+S saves · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#budget-years", Input).focus()

    def action_save(self) -> None:
        years = _split(self.query_one("#budget-years", Input).value, ";,")
        texts = _split(self.query_one("#budget-amounts", Input).value, "/;")
        try:
            budget = costing.parse_amounts(texts)
        except costing.AmountError as exc:
            self._refuse(str(exc), "budget-amounts")
            return
        if len(texts) > len(years):
            self._refuse(f"{len(texts)} budget amounts for {len(years)} years: name the years first")
            return
        self.dismiss((years, budget, self.query_one("#budget-note", Input).value))


def open_budget(app: object) -> None:
    """The palette's "Contract years and budget": the form, then the change."""

    def done(got: tuple[list[str], list[Decimal], str] | None) -> None:
        if got is not None:
            years, budget, note = got
            app.change("set years and budget", editing.set_costing, years, budget, note)  # type: ignore[attr-defined]

    app.push_screen(BudgetForm(), done)  # type: ignore[attr-defined]
