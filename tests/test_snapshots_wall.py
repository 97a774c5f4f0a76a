"""What the wall (``ibb room``) shows at every stage of the example, zoomed and not, in both themes.

Sizes: 60×18, 80×24 and 100×30 (a terminal zoomed for the back of the room, see issue 19), and
160×45 (not zoomed). Stages: the issue list, then interests, options (issue 2, the cursor's),
criteria and consensus (issue 1, which has ratings, a recorded check and a TA). One more picture:
the first start on a machine, when the foot says how to zoom.

Presentation mode (F8 on the session screen) is the same wall in the recorder's window: each stage
at 80×24 and 160×45 in both themes, then at 60×18 the first F8 (the zoom hint) and an item the
facilitator points at.

Update the pictures after a deliberate change with
``pytest tests/test_snapshots_wall.py --snapshot-update`` and look at them before committing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import helpers
import pytest

from ibb_facilitator import store
from ibb_facilitator.model import Session, Stage
from ibb_facilitator.tui.app import IbbApp
from ibb_facilitator.tui.room import RoomApp
from ibb_facilitator.tui.session.presenting import Presentation

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "spring-contract.toml"
SIZES = {"60x18": (60, 18), "80x24": (80, 24), "100x30": (100, 30), "160x45": (160, 45)}
PLACES = {
    Stage.ISSUES: "issue-2",
    Stage.INTERESTS: "issue-2",
    Stage.OPTIONS: "issue-2",
    Stage.CRITERIA: "issue-1",
    Stage.CONSENSUS: "issue-1",
}


def steady(session: Session) -> Session:
    """No log: the clock shows the stage's time box, not a countdown from the wall clock's now."""
    session.events = []
    session.cursor.clock = None
    return session


def room(tmp_path: Path, stage: Stage, theme: str, zoom_hint: bool = False) -> RoomApp:
    session = store.load_session(EXAMPLE)
    session.cursor.issue, session.cursor.stage = PLACES[stage], stage
    path = tmp_path / "spring-contract.toml"
    store.save_session(session, path)
    return RoomApp(path, theme=theme, watch=False, zoom_hint=zoom_hint, loader=lambda p: steady(store.load_session(p)))


async def settle(pilot) -> None:
    app = pilot.app
    while app.view is None:
        await pilot.pause(0.05)
    app.last_good = datetime(2027, 3, 10, 11, 30)  # the foot's "updated" time
    app._paint_foot()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.3)


@pytest.mark.parametrize("theme", ["projector", "room-dark"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("stage", list(PLACES), ids=lambda s: s.value)
def test_the_wall(snap_compare, tmp_path, stage, size, theme):
    assert snap_compare(room(tmp_path, stage, theme), terminal_size=SIZES[size], run_before=settle)


def test_the_first_start_says_how_to_zoom(snap_compare, tmp_path):
    app = room(tmp_path, Stage.INTERESTS, "projector", zoom_hint=True)
    assert snap_compare(app, terminal_size=SIZES["80x24"], run_before=settle)


# --- presentation mode ------------------------------------------------------------------------------


def presenting(tmp_path: Path, stage: Stage, theme: str) -> IbbApp:
    session = steady(store.load_session(EXAMPLE))
    session.cursor.issue, session.cursor.stage = PLACES[stage], stage
    path = tmp_path / "spring-contract.toml"
    store.save_session(session, path)
    return IbbApp(path=path, theme=theme)


def present(note: bool = False, point: int = 0):
    async def run_before(pilot) -> None:
        await helpers.steady(pilot)
        await pilot.press("f8")
        for _ in range(point):
            await pilot.press("down")
        if not note:
            pilot.app.screen.query_one(Presentation).end_note()
        await helpers.steady(pilot)

    return run_before


@pytest.mark.parametrize("theme", ["projector", "room-dark"])
@pytest.mark.parametrize("size", ["80x24", "160x45"])
@pytest.mark.parametrize("stage", list(PLACES), ids=lambda s: s.value)
def test_presentation_mode(snap_compare, tmp_path, stage, size, theme):
    assert snap_compare(presenting(tmp_path, stage, theme), terminal_size=SIZES[size], run_before=present())


def test_the_first_f8_says_how_to_zoom(snap_compare, tmp_path):
    app = presenting(tmp_path, Stage.INTERESTS, "projector")
    assert snap_compare(app, terminal_size=SIZES["60x18"], run_before=present(note=True))


@pytest.mark.parametrize("theme", ["projector", "room-dark"])
def test_presentation_mode_points_at_an_item(snap_compare, tmp_path, monkeypatch, theme):
    monkeypatch.setattr(Presentation, "POINT_SECONDS", 600.0)  # lit while the picture is taken
    app = presenting(tmp_path, Stage.INTERESTS, theme)
    assert snap_compare(app, terminal_size=SIZES["60x18"], run_before=present(point=2))
