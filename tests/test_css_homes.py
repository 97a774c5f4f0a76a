"""One home for CSS per screen family (issue 13, point 4).

A screen's rules live in a ``.tcss`` file beside it, named by its ``CSS_PATH``; ``DEFAULT_CSS`` is
for reusable widgets only. A screen's ``CSS_PATH`` applies to the whole app once the screen is
shown, so each of its rules starts with the screen's class name (or it would style other screens).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen

import ibb_facilitator.tui as tui
from ibb_facilitator.tui.theme import THEMES

#: Screens whose CSS has not moved yet (their module belongs to another piece of work).
NOT_YET = {"ibb_facilitator.tui.training"}


def _classes() -> list[type]:
    found: list[type] = []
    for info in pkgutil.iter_modules(tui.__path__, tui.__name__ + "."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, (Screen, App)):
                found.append(cls)
    return found


def test_screens_keep_their_css_in_a_tcss_file_beside_them() -> None:
    offenders = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _classes()
        if "DEFAULT_CSS" in vars(cls) and cls.__module__ not in NOT_YET
    ]
    assert not offenders, f"screens with DEFAULT_CSS (move it to a .tcss beside them, via CSS_PATH): {offenders}"


def test_every_css_path_exists_parses_and_is_scoped_to_its_screen() -> None:
    checked = 0
    for cls in _classes():
        if "CSS_PATH" not in vars(cls) or cls.CSS_PATH is None:
            continue
        path = Path(inspect.getfile(cls)).parent / str(cls.CSS_PATH)
        assert path.is_file(), f"{cls.__qualname__}.CSS_PATH names a missing file: {path}"
        for theme in THEMES:  # every $variable the file uses is one a theme defines
            variables = App().get_css_variables() | theme.to_color_system().generate() | theme.variables
            sheet = Stylesheet(variables=variables)
            sheet.read(path)
            sheet.parse()
        if issubclass(cls, Screen):
            css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
            for selectors in re.findall(r"([^{}]+)\{", css):
                for selector in selectors.split(","):
                    first = re.split(r"[\s.#:>]", selector.strip(), maxsplit=1)[0]
                    assert first == cls.__name__, f"{path.name}: {selector.strip()!r} is not scoped to {cls.__name__}"
        checked += 1
    assert checked >= 7  # the app, the room view, and the five screens of issue 13
