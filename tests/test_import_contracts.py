"""Who may import whom: the contracts in pyproject.toml ([tool.importlinter]) hold.

The core is ordered from ``model`` (which imports none of ours) up to the front ends, with no
circle and no upward import, function-level imports included. ``make lint`` checks the same;
this test makes a plain ``pytest`` run hold it too, and says which import broke which rule.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lint_imports() -> str:
    found = Path(sys.executable).parent / "lint-imports"
    if found.exists():
        return str(found)
    on_path = shutil.which("lint-imports")
    if on_path is None:
        pytest.fail("lint-imports is not installed: pip install -e '.[test]' (it is in the test extra)")
    return on_path


def test_the_import_contracts_hold() -> None:
    result = subprocess.run([lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    report = result.stdout[result.stdout.find("Contracts\n") :] + result.stderr
    assert result.returncode == 0, (
        "an import breaks the layering in pyproject.toml ([tool.importlinter]): a module imports one "
        "above it, or two modules import each other. Move the code down, or pass it in; never hide the "
        f"import inside a function (the contracts see those too).\n\n{report}"
    )
    assert "0 broken" in result.stdout, report
