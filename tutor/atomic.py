"""Write a file the user named on the command line, safely: `write_atomic(path, text)`.

A report path may have been prepared by someone else (a hostile submission's repository, a shared
folder): a symlink there would make a plain `open(path, "w")` overwrite the file it points to, a
FIFO would block the writer forever, and a crash half-way would leave a truncated report. So the
target path itself is never opened:

* the data goes into a fresh temporary file in the target's folder, created with O_EXCL (and
  O_NOFOLLOW) and mode 0600, written completely and fsync'ed;
* it then gets the mode a plain `open()` would have given a new file, `0o666 & ~umask` (0644 with
  the usual umask 022), whatever was at the path before, or exactly `mode` when the caller gives
  one (0o600 for a file holding a secret: it is never readable by others, not even for a moment);
* `os.replace` renames it onto the path. rename(2) never follows the last component: a symlink
  there is replaced by the report (the file it pointed to is untouched), a FIFO or socket is
  replaced without ever being opened, a regular file is replaced atomically (a reader sees the old
  report or the new one, never half of one);
* a directory at the path is an error (`IsADirectoryError`), raised before anything is created;
* on any failure the temporary file is removed and whatever was at the path is left as it was.

Only the last component is protected: the folders above it are the user's choice (a symlinked
folder is followed, as the user asked for that folder). The folder is not created here.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: Path | str, text: str | bytes, *, mode: int | None = None) -> None:
    """Replace whatever is at `path` by a regular file holding `text` (str: UTF-8, written as is,
    no newline translation), with permissions `mode` (default `0o666 & ~umask`). Raises OSError
    when it cannot; then nothing at `path` has changed and no temporary file is left."""
    path = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if hasattr(os, "fchmod"):  # not on Windows, where the mode means little
                os.fchmod(fd, (0o666 & ~_umask()) if mode is None else mode & 0o777)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_folder(folder)


def _umask() -> int:
    """The process umask, read without changing it where Linux says it (/proc/self/status);
    elsewhere set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can open a folder)."""
    try:
        dfd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
