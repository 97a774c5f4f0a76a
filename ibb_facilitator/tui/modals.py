"""Small screens that ask one thing: a line of text, a longer text, a choice, a confirmation,
and read-only panels (help, ground rules). Every user string is shown through ``literal``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, SelectionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from .text import ControlSymbols, literal
from .widgets import LinesInput

T = TypeVar("T")


class LongTextArea(ControlSymbols, TextArea):
    """The long-text editor (TA language): control characters show as symbols, kept as they are."""


class Prompt(ModalScreen[str | None]):
    """One line of text. Enter accepts, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "", hint: str = "", password: bool = False):
        super().__init__(classes="dialog-screen")
        self.title_text, self.value, self.placeholder, self.hint = title, value, placeholder, hint
        self.password = password  # typed unseen (a passphrase)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield LinesInput(self.value, placeholder=self.placeholder, id="prompt-input", password=self.password)
            if self.hint:
                yield Label(literal(self.hint), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LongText(ModalScreen[str | None]):
    """Several lines of text (TA language, notes). Ctrl+S saves, Escape cancels.

    ``keep_draft``: called with the text when the editor is left without saving (Escape, or the
    app quitting with it open: ``IbbApp.action_quit`` calls :meth:`keep`), so no typed word is lost.
    The cursor starts at the end of the text."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(self, title: str, value: str = "", hint: str = "", keep_draft: Callable[[str], object] | None = None):
        super().__init__(classes="dialog-screen")
        self.title_text, self.value, self.keep_draft = title, value.strip("\n"), keep_draft
        self.hint = hint or ("Ctrl+S saves · Esc keeps it as a draft" if keep_draft else "Ctrl+S saves · Esc cancels")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def keep(self) -> None:
        if self.keep_draft is not None:
            keep, self.keep_draft = self.keep_draft, None  # once
            keep(self.query_one(TextArea).text)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield LongTextArea(self.value, id="long-text", soft_wrap=True, show_line_numbers=False)
            yield Label(literal(self.hint), classes="dialog-hint")

    def action_save(self) -> None:
        self.keep_draft = None
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.keep()
        self.dismiss(None)


class Choose(ModalScreen[T | None], Generic[T]):
    """Pick one of several choices."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, T]], hint: str = ""):
        super().__init__(classes="dialog-screen")
        self.title_text, self.choices, self.hint = title, choices, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield OptionList(
                *(Option(literal(label), id=str(n)) for n, (label, _) in enumerate(self.choices)), id="choices"
            )
            if self.hint:
                yield Label(literal(self.hint), classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option.id or 0)][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickMany(ModalScreen[list[T] | None], Generic[T]):
    """Tick any number of choices. Space ticks, Enter accepts, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("enter", "accept", "Accept", priority=True)]

    def __init__(
        self, title: str, choices: list[tuple[str, T, bool]], hint: str = "Space ticks · Enter accepts · Esc cancels"
    ):
        super().__init__(classes="dialog-screen")
        self.title_text, self.choices, self.hint = title, choices, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield SelectionList(
                *(Selection(literal(label), n, ticked) for n, (label, _, ticked) in enumerate(self.choices)), id="picks"
            )
            yield Label(literal(self.hint), classes="dialog-hint")

    def action_accept(self) -> None:
        picked = self.query_one(SelectionList).selected
        self.dismiss([self.choices[n][1] for n in sorted(picked)])

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """A yes/no question. No letter keys answer it (a sentence typed here must change nothing):
    the safe answer has the focus, ←/→ or Tab move between the buttons, Enter presses one."""

    BINDINGS = [Binding("escape", "no", "No"), Binding("left,right", "app.focus_previous", show=False)]

    def __init__(self, question: str, yes: str = "Yes", no: str = "Cancel", detail: str = ""):
        super().__init__(classes="dialog-screen")
        self.question, self.yes, self.no, self.detail = question, yes, no, detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.question), classes="dialog-title")
            if self.detail:
                yield Label(literal(self.detail))
            with Horizontal(classes="buttons"):
                yield Button(literal(self.yes), variant="primary", id="yes")
                yield Button(literal(self.no), id="no")
            yield Label(literal(f"Enter: {self.no} · ← then Enter: {self.yes} · Esc: {self.no}"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class Panel(ModalScreen[None]):
    """A read-only panel of lines (help, ground rules). Escape or the panel's key closes it."""

    BINDINGS = [Binding("escape,q,f1,f6", "close", "Close")]

    def __init__(self, title: str, lines: list[tuple[str, str]]):
        """``lines`` are ``(text, style)``; the text is shown literally."""
        super().__init__(classes="dialog-screen")
        self.title_text, self.lines = title, lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            yield Label(literal(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="panel-body"):
                for text, style in self.lines:
                    yield Static(literal(text, style), classes="panel-line")
            yield Label("Esc closes", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
