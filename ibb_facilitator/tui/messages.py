"""The one message of a session change, and how it reaches whatever shows the session.

``IbbApp.change`` (and an undo, a reload of a followed file, a save elsewhere) makes a
``SessionChanged`` and hands it to every subscriber through ``ChangeFeed.publish``: the session
screen, an open aid (parking lot, actions), the training round bar. Each repaints what it shows
of the session, comparing with what is on screen (a change repaints its own lines only).

It is handed over in the turn of the change, not queued: a queued message is handled after the
key's own repaints (the emptied capture line) have reached the screen, and the room then saw two
frames for one change, the first of them torn. ``IbbApp.announce`` holds the frame until every
subscriber has painted, then hands their repaints to the screen together.
"""

from __future__ import annotations

from collections.abc import Callable
from weakref import WeakKeyDictionary

from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget


class SessionChanged(Message):
    """The open session changed: a change applied through ``IbbApp.change``, an undo, the
    writer's save loaded by a read-only copy, or the session saved elsewhere (no longer
    read-only). ``label`` says which, in the undo log's words."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label


Handler = Callable[[SessionChanged], object]


class ChangeFeed:
    """Who shows the session. A node subscribes while it is mounted (a node that goes is dropped);
    ``publish`` calls every subscriber's handler with the message, in the order they subscribed.

    Textual's ``Signal`` does the same, but logs and drops an exception raised by a subscriber: a
    repaint that fails must fail loudly (in the tests above all), not leave the wall stale."""

    def __init__(self) -> None:
        self._handlers: WeakKeyDictionary[DOMNode, Handler] = WeakKeyDictionary()

    def subscribe(self, node: DOMNode, handler: Handler) -> None:
        self._handlers[node] = handler

    def unsubscribe(self, node: DOMNode) -> None:
        self._handlers.pop(node, None)

    def publish(self, message: SessionChanged) -> list[Screen]:
        """Hand ``message`` to every subscriber still on a screen; the screens they are on."""
        screens: list[Screen] = []
        for node, handler in list(self._handlers.items()):
            if not node.is_attached:
                self._handlers.pop(node, None)
                continue
            handler(message)
            screen = node if isinstance(node, Screen) else node.screen
            if screen not in screens:
                screens.append(screen)
        return screens


def post_refreshes(screen: Widget) -> None:
    """Hand every widget's pending repaint and layout to the screen now, together. Left to each
    widget's own idle, the stage bar's repaint reached the screen a frame before the new view's
    layout, and that frame was torn (the new stage bar over the old stage's view)."""
    for widget in screen.walk_children(Widget, with_self=False):
        widget._check_refresh()
