"""ibb_facilitator: run interest-based bargaining sessions in the room and keep the record."""

from __future__ import annotations

# The one place the version is written: pyproject.toml reads it from here
# ([tool.setuptools.dynamic]). A constant, not importlib.metadata, which costs `ibb --version`
# about 10 ms (quiet) of its ~25: the lean CLI target is 3x `python -c pass` (issue 14).
__version__ = "0.1.0"
