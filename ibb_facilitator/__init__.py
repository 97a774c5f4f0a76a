"""ibb_facilitator: run interest-based bargaining sessions in the room and keep the record."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # ``__version__`` asks the installed package's metadata (importlib.metadata: ~10 ms): only
    # ``ibb --version`` and a few tests want it, so it is looked up on first use, not at import.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("ibb_facilitator")
        except PackageNotFoundError:  # running from a source tree that was never installed
            value = "0.0.0+unknown"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
