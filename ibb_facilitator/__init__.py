"""ibb_facilitator: run interest-based bargaining sessions in the room and keep the record."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ibb_facilitator")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
