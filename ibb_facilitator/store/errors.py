"""The store's errors: each carries ``lines``, one problem a line, ready to print.

``StoreError`` is what every read, parse, check or write of a file raises; ``LockedError`` (another
process writes the file) and ``SaveError`` (a save failed, the file on disk is intact) narrow it.
"""

from __future__ import annotations


class StoreError(Exception):
    """A file could not be read or written. ``lines`` are ready to print, one problem each."""

    def __init__(self, lines: list[str] | str):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))


class LockedError(StoreError):
    """Another process has the file open for writing, or its folder cannot be written."""


class SaveError(StoreError):
    """A save failed; the previous file on disk is intact."""
