"""Notice when a file changes on disk, so edits made in the learner's own editor are re-checked.

rustlings-style, with no new dependency: poll the file's (mtime, size, inode) every
`interval` seconds, wait `debounce` seconds for the writes to settle (editors often write a file
in two steps), then post `FileWatcher.FileChanged`. Whoever owns the watcher decides what a change
means (reload, re-check) and calls `accept()` after writing the file itself, so its own saves are
not reported back to it."""

from __future__ import annotations

import os
from pathlib import Path

from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

Signature = tuple[int, int, int] | None


def signature(path: Path) -> Signature:
    """What identifies one version of a file on disk; None when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class FileWatcher(Widget):
    """An invisible widget that polls one file and reports external changes.

    It shows nothing; it lives in the DOM so its timers stop with the screen that owns it."""

    DEFAULT_CSS = """
    FileWatcher {
        display: none;
    }
    """

    class FileChanged(Message):
        """The watched file was changed on disk by someone else, and has settled."""

        def __init__(self, watcher: FileWatcher, path: Path) -> None:
            super().__init__()
            self.watcher = watcher
            self.path = path

    def __init__(self, path: Path, *, interval: float = 0.5, debounce: float = 0.2,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.path = path
        self.interval = interval
        self.debounce = debounce
        self.paused = False
        """While True, changes are noted but not reported (the owner is busy, e.g. checking)."""
        self._known: Signature = signature(path)
        self._pending: Timer | None = None

    def on_mount(self) -> None:
        self.set_interval(self.interval, self.poll, name="file-watcher")

    def accept(self) -> None:
        """Take the file as it is now as known: our own write is not a change to report."""
        self._known = signature(self.path)

    def poll(self) -> None:
        """Compare the file with the version we know; schedule a report when it differs."""
        if self.paused or self._pending is not None:
            return
        if signature(self.path) != self._known:
            self._pending = self.set_timer(self.debounce, self._settled, name="debounce")

    def _settled(self) -> None:
        self._pending = None
        if self.paused:
            return  # poll() picks the change up again once the owner is ready
        now = signature(self.path)
        if now is None or now == self._known:
            # Missing: an editor saving by rename, or a deletion. Report it once it is back.
            return
        self._known = now
        self.post_message(self.FileChanged(self, self.path))
