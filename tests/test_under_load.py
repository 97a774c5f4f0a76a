"""Races that a busy machine showed (issue 11, point 7): ``make test`` failed twice under load.

- ``test_a_room_started_before_the_file_exists_waits_for_it`` (NoMatches ``#room-clock-digits``):
  an app fault. ``App.run_test`` ends by pruning the screens from the test's task while the app's
  message loop still runs; the room view's one-second clock tick (and a load the follower thread
  delivers) kept painting into widgets already removed. On a quiet machine the teardown is over
  before the next tick; under load it is not. The room view now paints only while running.
  Here the tick comes every millisecond, so the teardown always meets it.
- ``test_keys_typed_while_opening_go_to_the_session_in_order`` (NoMatches ``HeaderTitle``): a
  test fault. Its wait asked the session screen for ``#capture`` as soon as the screen was on the
  stack, before its widgets were mounted (a slow compose under load); the ``NoMatches`` ended
  the test mid-compose, and the header's title watcher then failed in the teardown too. Its wait
  now counts "not mounted yet" as "not yet" (tests/test_tui_opening.py).
"""

from __future__ import annotations

import time
from pathlib import Path

from ibb_facilitator.tui.room import RoomApp

SIZE = (120, 40)


async def test_the_room_view_stops_painting_once_the_app_is_shutting_down(session_file: Path) -> None:
    app = RoomApp(session_file)
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 20
        while app.view is None:
            assert time.monotonic() < deadline, "the room view never showed the file"
            await pilot.pause(0.05)
        view = app.view
        app.set_interval(0.001, app._paint_clock)  # the clock tick, a thousand times faster
        app.set_interval(0.001, lambda: app._deliver(view, None))  # and the follower's loads
        await pilot.pause(0.05)
    # leaving the block shuts the app down while both keep coming: no NoMatches may escape
