"""Themes for the wall: a light, high-contrast "projector" theme and a dark one.

Projectors wash out dark, low-contrast screens; none of Textual's built-in themes is high
contrast, so the projector theme is black on white with saturated accents.

Every colour the wall writes text in is here, and ``WALL_TEXT`` names each pair (text colour,
its background) the wall uses: ``tests/test_legibility.py`` holds each to a WCAG contrast of 7:1
(``legibility.WALL_CONTRAST``) in both themes. The sides of the table have colours of their own
(``side-1``, ``side-2``, ``side-3`` by party order, ``side-mutual``), shown behind their letter
(``U``, ``M``, ``B``): one blue, one orange, one neutral (black or white), which stay apart in
normal vision and under protanopia and deuteranopia (the same test checks that, with
``legibility.SIDE_DISTANCE``). A third party's colour (purple) is told from the first by its
letter more than by its colour for those readers.
"""

from __future__ import annotations

from textual.theme import Theme

PROJECTOR = Theme(
    name="projector",
    primary="#0033AA",
    secondary="#6A0DAD",
    accent="#9C004F",
    warning="#8A4500",
    error="#A00000",
    success="#005A1A",
    foreground="#000000",
    background="#FFFFFF",
    surface="#FFFFFF",
    panel="#E4E8F0",
    boost="#D0D6E4",
    dark=False,
    variables={
        "block-cursor-background": "#0033AA",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#0033AA",
        "input-selection-background": "#0033AA 35%",
        "border": "#000000",
        "border-blurred": "#555555",
        "wall-muted": "#3D3D3D",
        "side-1": "#0033AA",
        "side-2": "#8A3B00",
        "side-3": "#5A0A9E",
        "side-mutual": "#000000",
    },
)

DARK = Theme(
    name="room-dark",
    primary="#5FAFFF",
    secondary="#C792EA",
    accent="#FFB000",
    warning="#FFB000",
    error="#FF7373",
    success="#5FD75F",
    foreground="#FFFFFF",
    background="#000000",
    surface="#0A0A0A",
    panel="#1C1C28",
    boost="#262636",
    dark=True,
    variables={
        "block-cursor-background": "#FFB000",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#FFB000",
        "border": "#FFFFFF",
        "wall-muted": "#CCCCCC",
        "side-1": "#6CB4FF",
        "side-2": "#FFB000",
        "side-3": "#D7A8FF",
        "side-mutual": "#FFFFFF",
    },
)

THEMES = (PROJECTOR, DARK)

#: Every (what, text colour, background) the wall shows text in, by theme colour name. The
#: room view (``wall.py``, ``room.tcss``) and presentation mode (``session/presenting.py``, its part
#: of ``session.tcss``) use these and no others (``tests/test_legibility.py`` also reads every
#: character both draw).
WALL_TEXT: tuple[tuple[str, str, str], ...] = (
    ("items, titles, stages reached, timer", "foreground", "background"),
    ("statement, tags (#3, C2), tally bars", "primary", "background"),
    ("notes, set-aside items, clock label, stages ahead, initials hint", "wall-muted", "background"),
    ("agreed (TA)", "success", "background"),
    ("parked, timer in its last minute", "warning", "background"),
    ("no consensus, timer over, below the line", "error", "background"),
    ("current stage, zoom hint in the foot, presentation mode's foot", "background", "primary"),
    ("verdict: consensus", "background", "success"),
    ("verdict: not complete", "background", "warning"),
    ("verdict: no consensus, waiting banner", "background", "error"),
    ("brainstorm banner", "background", "secondary"),
    ("foot", "foreground", "panel"),
    ("badge U (first party)", "background", "side-1"),
    ("badge M (second party)", "background", "side-2"),
    ("badge of a third party", "background", "side-3"),
    ("badge B (mutual)", "background", "side-mutual"),
    ("highlighted row, the item pointed at in presentation mode", "block-cursor-foreground", "block-cursor-background"),
    # A badge carries its own background, so it reads the same on a highlighted row: the pairs
    # above hold there too (the session screen's old "reverse" badge took the row's colour).
)

#: The sides whose colours must stay apart for readers with a colour-vision deficiency.
SIDES = ("side-1", "side-2", "side-mutual")


def color(theme: Theme, name: str) -> str:
    """The hex colour a theme gives ``name`` (one of its fields or its variables)."""
    value = theme.variables.get(name) or getattr(theme, name.replace("-", "_"), None)
    if not isinstance(value, str) or not value.startswith("#"):
        raise KeyError(f"{theme.name} has no plain colour {name!r}")
    return value.split()[0]


def wall_pairs(theme: Theme) -> list[tuple[str, str, str]]:
    """``WALL_TEXT`` in ``theme``'s colours: (what, text hex, background hex)."""
    return [(what, color(theme, fg), color(theme, bg)) for what, fg, bg in WALL_TEXT]


def side_colors(theme: Theme) -> dict[str, str]:
    return {name: color(theme, name) for name in SIDES}


#: The wall's own colour names, which Textual's built-in themes lack.
WALL_VARIABLES = ("wall-muted", *SIDES[:2], "side-3", "side-mutual")


def wall_variables(dark: bool) -> dict[str, str]:
    """Our colour names for a theme that lacks them (one picked from Textual's, or the default
    before ours is on): the dark theme's for a dark one, the projector's for a light one. An app
    that uses them merges these under its ``get_css_variables``."""
    source = DARK if dark else PROJECTOR
    return {name: source.variables[name] for name in WALL_VARIABLES}
