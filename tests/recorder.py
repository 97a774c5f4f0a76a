"""The recorder's keys, for pilot tests: the same keys a person presses, nothing set by hand.

The capture line keeps the keyboard (DESIGN.md, "the recorder's keyboard"): ↑/↓ move the pointer,
Ctrl+O opens the pointed item's menu, Ctrl+R opens voting or rating. These helpers press those keys.
"""

from __future__ import annotations

from helpers import until
from textual.widgets import Input, OptionList


async def type_line(pilot, text: str, enter: bool = True) -> None:
    """Type ``text`` into whatever has the focus, key by key (as a person does), then Enter."""
    for char in text:
        await pilot.press("space" if char == " " else char)
    if enter:
        await pilot.press("enter")
    await pilot.pause()


async def enter(pilot, text: str) -> None:
    """Put a line in the capture box (as a paste would) and press Enter."""
    capture = pilot.app.screen.query_one("#capture", Input)
    assert capture.has_focus, "the capture line keeps the keyboard"
    capture.value = text
    await pilot.press("enter")
    await pilot.pause()


def pointed_list(screen) -> OptionList:
    return screen.view.items


async def point(pilot, item_id: str) -> None:
    """Move the pointer to ``item_id`` with ↑/↓ on the capture line."""
    widget = pointed_list(pilot.app.screen)
    target = widget.get_option_index(item_id)
    for _ in range(widget.option_count + 1):
        current = widget.highlighted
        if current == target:
            return
        await pilot.press("down" if current is None or current < target else "up")
    assert widget.highlighted == target


async def command(pilot, name: str) -> None:
    """Ctrl+O, then the menu entry that starts with ``name`` (↓ to it, Enter)."""
    await pilot.press("ctrl+o")
    await pilot.pause()
    menu = pilot.app.screen.query_one("#choices", OptionList)
    labels = [str(menu.get_option_at_index(n).prompt) for n in range(menu.option_count)]
    index = next((n for n, label in enumerate(labels) if label.startswith(name)), None)
    assert index is not None, f"{name!r} is not in the item menu: {labels}"
    menu.highlighted = 0
    await pilot.press(*["down"] * index, "enter")
    await pilot.pause()


async def wait_for(pilot, condition, what: str = "the condition", timeout: float = 30.0) -> None:
    """``helpers.until`` the condition holds, then one more pause: what it started has painted."""
    await until(pilot, condition, what, timeout)
    await pilot.pause()
