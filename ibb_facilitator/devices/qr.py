"""The join address as a QR code drawn with text: two modules a character cell (▀ ▄ █), dark on
light whatever the theme (a phone's camera reads dark-on-light codes; many miss inverted ones).

segno makes the code (pure Python, no dependencies, ISO 18004 checked by its own test suite):
encoding QR by hand — Reed–Solomon, masks, version tables — is not code we should own.
"""

from __future__ import annotations

import segno

#: The quiet zone around the code, in modules (the standard asks 4; 2 reads well on a screen
#: whose own border is light, and saves rows at 80×24).
BORDER = 2


def matrix(text: str, border: int = BORDER) -> list[list[bool]]:
    """The code's modules, True for dark, with ``border`` light modules around."""
    code = segno.make(text, error="m", micro=False)
    return [[bool(cell) for cell in row] for row in code.matrix_iter(scale=1, border=border)]


def lines(text: str, border: int = BORDER) -> list[str]:
    """The code as lines of half blocks, each character two modules high: print it dark on light."""
    rows = matrix(text, border)
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    glyph = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
    return [
        "".join(glyph[top, bottom] for top, bottom in zip(upper, lower)) for upper, lower in zip(rows[::2], rows[1::2])
    ]
