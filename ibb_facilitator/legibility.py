"""Can the back row read the wall? Pure arithmetic for contrast, colour vision and letter size.

No Textual here: the room view, presentation mode and the tests use these on plain hex colours.

- **Contrast**: the WCAG 2.x contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio):
  ``(L1 + 0.05) / (L2 + 0.05)`` of the relative luminances of the lighter and the darker colour.
  The wall asks 7:1 (WCAG's AAA level for body text): a projector washes colours out, and the
  text is read from metres away.
- **Colour vision**: protanopia and deuteranopia (together about 2 % of men; the milder anomalous
  forms about 6 % more) simulated with the matrices of Machado, Oliveira & Fernandes, "A
  Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE TVCG 15(6), 2009,
  severity 1.0, applied to linear RGB. Colours are compared by CIEDE2000 (Sharma, Wu & Dalal,
  "The CIEDE2000 color-difference formula: implementation notes, supplementary test data, and
  mathematical observations", Color Res. Appl. 30(1), 2005), in CIELAB under D65.
- **Letter size**: a terminal cannot choose its font; the wall's letters are the projected
  image's width divided by the terminal's columns. Issue 19's figures: on a 2.5 m wide image,
  160 columns give letters about 19 mm high, read comfortably to about 6 m. Letter height goes as
  1 / columns and the reading distance as the letter height (about 316 times it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

RGB = tuple[float, float, float]  # each 0..1, sRGB (gamma-encoded) unless a name says linear

#: WCAG's AAA level: what every text colour on the wall must reach against its background.
WALL_CONTRAST = 7.0

#: Smallest CIEDE2000 difference between two sides' colours, in normal vision and under each
#: simulated deficiency. ΔE00 ≈ 1 is a just-noticeable difference for large patches side by
#: side; telling colours apart by name, across a room, in a one-cell-wide bar, needs far more:
#: Szafir (IEEE TVCG 24(1), 2018, "Modeling Color Difference for Visualization Design") measures
#: the difference needed for small marks at several times the patch figure, and a projector
#: loses part of the chroma. 20 keeps the three sides in clearly different colour families.
SIDE_DISTANCE = 20.0

# --- colours --------------------------------------------------------------------------------


def parse_hex(color: str) -> RGB:
    """``"#RRGGBB"`` (or ``"RRGGBB"``, ``"#RGB"``) as three floats 0..1."""
    text = color.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {color!r}")
    return (int(text[0:2], 16) / 255, int(text[2:4], 16) / 255, int(text[4:6], 16) / 255)


def to_hex(rgb: RGB) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02X}" for c in rgb)


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _encoded(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def blend(top: RGB | str, under: RGB | str, alpha: float) -> RGB:
    """``top`` at ``alpha`` over ``under`` (how a terminal shows a translucent colour)."""
    a = parse_hex(top) if isinstance(top, str) else top
    b = parse_hex(under) if isinstance(under, str) else under
    return (a[0] * alpha + b[0] * (1 - alpha), a[1] * alpha + b[1] * (1 - alpha), a[2] * alpha + b[2] * (1 - alpha))


# --- contrast -------------------------------------------------------------------------------


def relative_luminance(color: RGB | str) -> float:
    """WCAG 2.x relative luminance, 0 (black) to 1 (white)."""
    r, g, b = parse_hex(color) if isinstance(color, str) else color
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(foreground: RGB | str, background: RGB | str) -> float:
    """WCAG 2.x contrast ratio, 1 (none) to 21 (black on white); the order does not matter."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def weak_pairs(pairs: Sequence[tuple[str, str, str]], minimum: float = WALL_CONTRAST) -> list[tuple[str, float]]:
    """The ``(name, foreground, background)`` pairs under ``minimum``, with their ratio."""
    found = [(name, contrast_ratio(fg, bg)) for name, fg, bg in pairs]
    return [(name, ratio) for name, ratio in found if ratio < minimum]


# --- colour vision deficiency ---------------------------------------------------------------

#: Machado, Oliveira & Fernandes 2009, severity 1.0 (dichromacy), for linear RGB.
MACHADO_2009: dict[str, tuple[RGB, RGB, RGB]] = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}

#: The deficiencies the wall's colours are checked under (the common, red-green ones).
CHECKED_DEFICIENCIES = ("protanopia", "deuteranopia")


def simulate(color: RGB | str, deficiency: str) -> RGB:
    """How ``color`` looks to a person with ``deficiency`` (a key of ``MACHADO_2009``)."""
    rgb = parse_hex(color) if isinstance(color, str) else color
    lin = [_linear(c) for c in rgb]
    m = MACHADO_2009[deficiency]
    out = [sum(m[row][k] * lin[k] for k in range(3)) for row in range(3)]
    return (_encoded(out[0]), _encoded(out[1]), _encoded(out[2]))


def to_lab(color: RGB | str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour."""
    rgb = parse_hex(color) if isinstance(color, str) else color
    r, g, b = (_linear(min(1.0, max(0.0, c))) for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def delta_e_2000(lab1: Sequence[float], lab2: Sequence[float]) -> float:
    """CIEDE2000 colour difference (kL = kC = kH = 1), as in Sharma, Wu & Dalal 2005."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    c_mean = (c1 + c2) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl = l2 - l1
    dc = c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    elif h2p - h1p > 180:
        dh = h2p - h1p - 360
    else:
        dh = h2p - h1p + 360
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_mean = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_mean = (h1p + h2p + 360) / 2
    else:
        hp_mean = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(hp_mean - 30))
        + 0.24 * math.cos(math.radians(2 * hp_mean))
        + 0.32 * math.cos(math.radians(3 * hp_mean + 6))
        - 0.20 * math.cos(math.radians(4 * hp_mean - 63))
    )
    d_theta = 30 * math.exp(-(((hp_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (dc / s_c) * (d_h / s_h))


def color_distance(a: RGB | str, b: RGB | str, deficiency: str | None = None) -> float:
    """CIEDE2000 between two colours as seen in normal vision, or under ``deficiency``."""
    if deficiency is not None:
        a, b = simulate(a, deficiency), simulate(b, deficiency)
    return delta_e_2000(to_lab(a), to_lab(b))


def side_distances(colors: dict[str, str]) -> list[tuple[str, str, str, float]]:
    """``(vision, side, side, ΔE00)`` for every pair of sides, in normal vision and under each
    checked deficiency (``CHECKED_DEFICIENCIES``)."""
    names = list(colors)
    rows = []
    for vision in ("normal", *CHECKED_DEFICIENCIES):
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                deficiency = None if vision == "normal" else vision
                rows.append((vision, first, second, color_distance(colors[first], colors[second], deficiency)))
    return rows


# --- letter size and reading distance ---------------------------------------------------------

#: Issue 19's reference: 160 columns on a 2.5 m wide image: letters ~19 mm, read to ~6 m.
REFERENCE_COLUMNS = 160
REFERENCE_SCREEN_M = 2.5
REFERENCE_LETTER_MM = 19.0
REFERENCE_DISTANCE_M = 6.0


def letter_height_mm(columns: int, screen_width_m: float = REFERENCE_SCREEN_M) -> float:
    """How tall the wall's letters are: proportional to the image's width, inverse to columns."""
    if columns <= 0:
        raise ValueError("columns must be positive")
    return REFERENCE_LETTER_MM * (REFERENCE_COLUMNS / columns) * (screen_width_m / REFERENCE_SCREEN_M)


def readable_distance_m(columns: int, screen_width_m: float = REFERENCE_SCREEN_M) -> float:
    """How far away the wall's letters are comfortably read: proportional to their height."""
    return REFERENCE_DISTANCE_M * letter_height_mm(columns, screen_width_m) / REFERENCE_LETTER_MM


def readability_note(columns: int, rows: int, screen_width_m: float = REFERENCE_SCREEN_M) -> str:
    """``"80×24 · readable to about 12 m on a 2.5 m screen"``."""
    distance = readable_distance_m(columns, screen_width_m)
    shown = f"{distance:.0f}" if distance >= 3 else f"{distance:.1f}"
    return f"{columns}×{rows} · readable to about {shown} m on a {screen_width_m:g} m screen"


def columns_for(distance_m: float, screen_width_m: float = REFERENCE_SCREEN_M) -> int:
    """The most columns a wall may have for its letters to be read ``distance_m`` away."""
    scale = screen_width_m / REFERENCE_SCREEN_M
    return max(1, math.floor(REFERENCE_COLUMNS * REFERENCE_DISTANCE_M / distance_m * scale))
