"""The core never imports textual or rich: the CLI, exporters and tests stay light and headless."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import ibb_facilitator

    core = ["model", "process", "store", "editing", "agenda", "tomlwrite", "paths", "export", "timeline", "diff",
            "watch", "training", "library", "capture", "history", "recent", "savecache", "samples"]
    imported = []
    for name in core:
        module = importlib.import_module(f"ibb_facilitator.{name}")
        imported.append(module.__name__)
    # every module of the export package too (one per format)
    export = sys.modules["ibb_facilitator.export"]
    for info in pkgutil.walk_packages(export.__path__, "ibb_facilitator.export."):
        importlib.import_module(info.name)
        imported.append(info.name)
    ui = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
    print(json.dumps({"imported": imported, "ui": ui}))
    """
)


def test_core_modules_do_not_import_textual_or_rich() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "ibb_facilitator.store" in report["imported"] and "ibb_facilitator.export" in report["imported"]
    assert report["ui"] == [], f"core modules pulled in: {report['ui']}"


def test_the_probe_would_notice_textual() -> None:
    """The check itself works: importing textual does show up in sys.modules."""
    probe = "import sys, textual; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "True", result.stderr
