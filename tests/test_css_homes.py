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


def _classes() -> list[type]:
    found: list[type] = []
    for info in pkgutil.walk_packages(tui.__path__, tui.__name__ + "."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, (Screen, App)):
                found.append(cls)
    return found


def test_screens_keep_their_css_in_a_tcss_file_beside_them() -> None:
    offenders = [f"{cls.__module__}.{cls.__qualname__}" for cls in _classes() if "DEFAULT_CSS" in vars(cls)]
    assert not offenders, f"screens with DEFAULT_CSS (move it to a .tcss beside them, via CSS_PATH): {offenders}"


def test_every_css_path_exists_parses_and_is_scoped_to_its_screen() -> None:
    checked = 0
    for cls in _classes():
        if "CSS_PATH" not in vars(cls) or cls.CSS_PATH is None:
            continue
        for path in _css_paths(cls):
            _check(cls, path)
        checked += 1
    assert checked >= 9  # the app, the room view, the session and training screens, and the five of issue 13


def _css_paths(cls: type) -> list[Path]:
    named = cls.CSS_PATH if isinstance(cls.CSS_PATH, list) else [cls.CSS_PATH]
    return [Path(inspect.getfile(cls)).parent / str(name) for name in named]


def _check(cls: type, path: Path) -> None:
    assert path.is_file(), f"{cls.__qualname__}.CSS_PATH names a missing file: {path}"
    for theme in THEMES:  # every $variable the file uses is one a theme defines
        variables = App().get_css_variables() | theme.to_color_system().generate() | theme.variables
        sheet = Stylesheet(variables=variables)
        sheet.read(path)
        sheet.parse()
    if issubclass(cls, Screen):  # a file shared by a module's screens may name any of them
        screens = {c.__name__ for c in _classes() if c.__module__ == cls.__module__ and issubclass(c, Screen)}
        css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        for selectors in re.findall(r"([^{}]+)\{", css):
            for selector in selectors.split(","):
                first = re.split(r"[\s.#:>]", selector.strip(), maxsplit=1)[0]
                assert first in screens, f"{path.name}: {selector.strip()!r} is not scoped to one of {sorted(screens)}"
