"""A warm ``ibb library DIR`` printed from what the last one printed, without opening the index.

Why it exists: a warm ``ibb library DIR`` in a fresh process should take at most 1.3x ``ibb
--version`` (issue 14). Importing sqlite3, opening and checking the index, reading a row a file
and making the table cost more than that leaves, and when no file changed since the last
listing they make the same text again. So a listing with no option (``commands.library``) keeps
what it printed in a file beside the index (``library.listing-<hash of the folder>``), with what
that text depends on:

- every file the index held under the folder (agendas and other skipped files too): its path,
  ``mtime_ns`` and size as the index has them, from the rows the listing was made of;
- the folder; the table's width; the index file (device, inode, size, mtime: a damaged, rebuilt
  or removed index takes the full way, which repairs it and says so); and the source files that
  make the listing (an upgrade, or an edit of them, prints with the new code).

The next ``ibb library DIR`` walks the folder as the index's refresh does (``walk``, kept here so
both walk alike and a warm listing imports nothing the start has not) and prints the kept text
only when every one of these is the same; a file edited (new mtime or new size), added, removed
or renamed, another width, any difference at all, and the full way is taken: refresh the index,
list from it, keep a new snapshot.

A snapshot is never trusted blindly: it must be a regular file of this user's that no one else
may write (as ``devices.announce`` reads its files; where the owner cannot be checked, no
snapshot is kept or read), its header exact, its parts the lengths it says, its text UTF-8 with
no C0 control character (ESC, NUL...) but its line breaks; anything else, or any error reading
it, and the full way is taken. Imports nothing of ours.

1,000 sessions: the walk (a stat a file) ~2.3 ms, comparing ~0.5 ms, reading and checking the
text ~0.4 ms; the index's way was ~15 ms more (sqlite3, the rows, the table).
"""

from __future__ import annotations

import os
import stat as statmod

TYPE_CHECKING = False  # (not ``typing``'s: a warm listing does not import typing)
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

FORMAT = 1  # bump when what a snapshot holds changes
PREFIX = "library.listing-"  # + 16 hex digits: a snapshot's file name, beside the index
KEEP = 8  # snapshots kept (the newest): one a folder listed
MAX_BYTES = 64 << 20  # a larger listing (~300,000 sessions) is not kept
_MAGIC = b"ibb-library-listing"
# What a snapshot's text never holds (the listing prints them as symbols: ``termtext.printable``):
# C0 controls but the line feed, and DEL. A NUL also marks a file a crash left with zeros in it.
_CONTROL = bytes(range(32)).replace(b"\n", b"") + b"\x7f"
# The files that make the listing's text, under the package: a change to any of them is a new text.
_SOURCES = ("library.py", "termtext.py", os.path.join("commands", "library.py"))
_getuid = getattr(os, "getuid", None)


def walk(root: Path | str) -> Iterator[tuple[str, int, int]]:
    """``(path, mtime_ns, size)`` of every candidate session file under ``root``.

    ``*.toml`` regular files, hidden ones and hidden folders left out (lock files, a save's
    temp files, ``.git``); symlinked folders are not followed (no loops); folders that cannot be
    read are passed over. (The library's refresh walks with it too: ``library.walk``.)
    """
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                if not name.endswith(".toml"):
                    continue
                st = entry.stat()
            except OSError:
                continue
            if statmod.S_ISREG(st.st_mode):
                yield entry.path, st.st_mtime_ns, st.st_size


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # (a file name need not be UTF-8: any str, and back)


def _path(db_path: str, root: str) -> str:
    """The snapshot of ``root``: beside the index, named by a hash of the folder (FNV-1a, 64 bits;
    the folder itself is in the file, so two folders with one hash only replace each other's)."""
    digest = 0xCBF29CE484222325
    for byte in _encode(root):
        digest = ((digest ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return os.path.join(os.path.dirname(db_path), f"{PREFIX}{digest:016x}")


def _context(root: str, width: int, db_path: str) -> bytes | None:
    """What the text depends on but its files, as bytes to compare; None without an index."""
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        db = os.stat(db_path)
        sources = [os.stat(os.path.join(here, name)) for name in _SOURCES]
    except OSError:
        return None
    parts = [str(FORMAT), str(width), root, f"{db.st_dev} {db.st_ino} {db.st_size} {db.st_mtime_ns}"]
    parts += [f"{s.st_mtime_ns} {s.st_size}" for s in sources]
    return _encode("\0".join(parts))


def _files(files: Iterable[tuple[str, int, int]]) -> bytes:
    """The files as bytes to compare: every path (no NUL in one), its mtime_ns and size, by path."""
    return _encode("\0".join(f"{path}\0{mtime_ns}\0{size}" for path, mtime_ns, size in sorted(files)))


def printed(root: str, width: int, db_path: str) -> str | None:
    """The listing of the folder ``root`` (absolute, resolved) as printed last at ``width``, if
    nothing it depends on changed since; else None (list it the full way)."""
    if _getuid is None:
        return None
    try:
        fd = os.open(_path(db_path, root), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (
            not statmod.S_ISREG(info.st_mode)
            or info.st_uid != _getuid()
            or info.st_mode & 0o022
            or info.st_size > MAX_BYTES
        ):
            return None
        data = os.read(fd, info.st_size + 1)  # (all of it: a regular file; else it changed meanwhile)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) != info.st_size:
        return None
    head, _, rest = data.partition(b"\n")
    fields = head.split(b" ")
    if len(fields) != 4 or fields[0] != _MAGIC or not all(f.isdigit() and len(f) < 12 for f in fields[1:]):
        return None
    n_context, n_files, n_text = map(int, fields[1:])
    if n_context + n_files + n_text != len(rest) or rest[:n_context] != _context(root, width, db_path):
        return None
    text = rest[n_context + n_files :]
    if len(text.translate(None, _CONTROL)) != n_text:
        return None
    if rest[n_context : n_context + n_files] != _files(walk(root)):  # (the walk: most of the time here)
        return None
    try:
        return text.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None


def keep(root: str, width: int, db_path: str, files: Iterable[tuple[str, int, int]], text: str) -> None:
    """Keep ``text`` as the listing of ``root`` at ``width``, made from the index ``db_path``
    (closed: its file as it stays) when it held ``files`` ``(path, mtime_ns, size)`` under
    ``root``. Quietly nothing when it cannot be written: it only saves time.

    Not fsynced: a crash may leave it empty or with zeros, which ``printed`` refuses."""
    context = _context(root, width, db_path)
    if _getuid is None or context is None:
        return
    parts = [context, _files(files), _encode(text)]
    n_context, n_files, n_text = (len(part) for part in parts)
    if n_context + n_files + n_text > MAX_BYTES:
        return
    path = _path(db_path, root)
    temp = f"{path}.{os.getpid()}-{os.urandom(4).hex()}.tmp"  # (named as one: ``_prune`` removes a stray one)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(b"%s %d %d %d\n" % (_MAGIC, n_context, n_files, n_text))
            for part in parts:
                out.write(part)
        os.replace(temp, path)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
        return
    _prune(os.path.dirname(path))


def _prune(folder: str) -> None:
    """Only the ``KEEP`` newest snapshots stay (one a folder: someone lists a few)."""
    try:
        with os.scandir(folder) as it:
            found = [(entry.stat().st_mtime_ns, entry.path) for entry in it if entry.name.startswith(PREFIX)]
    except OSError:
        return
    for _, path in sorted(found, reverse=True)[KEEP:]:
        try:
            os.unlink(path)
        except OSError:
            pass
