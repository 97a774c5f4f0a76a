"""Themes for the wall: a light, high-contrast "projector" theme and a dark one.

Projectors wash out dark, low-contrast screens; none of Textual's built-in themes is high
contrast, so the projector theme is black on white with saturated accents.
"""

from __future__ import annotations

from textual.theme import Theme

PROJECTOR = Theme(
    name="projector",
    primary="#0033AA",
    secondary="#6A0DAD",
    accent="#B00060",
    warning="#B35900",
    error="#C00000",
    success="#006B1F",
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
    },
)

DARK = Theme(
    name="room-dark",
    primary="#5FAFFF",
    secondary="#C792EA",
    accent="#FFB000",
    warning="#FFB000",
    error="#FF5F5F",
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
    },
)

THEMES = (PROJECTOR, DARK)
