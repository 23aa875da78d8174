"""The learner's workspace: their own copies of the starters, one `<id>.py` per exercise.

It lives in `--workspace DIR`, else `$DLTUTOR_HOME`, else the user data directory (platformdirs).
The same folder holds `.dltutor/progress.db`. The TUI edits these files and a learner can open them
in any editor; `dltutor watch` re-checks them on save. A file is created from the starter the first
time it is needed and never overwritten except by an explicit reset or restore.

Every write here is atomic (`tutor.atomic.write_atomic`: a reader, an editor or a crash sees the
old file or the new one, never half of one) and keeps the file's permissions; a learner's file
that is a symlink is written through (the file it points to is theirs). Every failure is a
`WorkspaceError` whose message says which file and why, raised before anything has changed."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from tutor.atomic import write_atomic
from tutor.course.model import Exercise


def default_home() -> Path:
    env = os.environ.get("DLTUTOR_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dltutor", appauthor=False))


class WorkspaceError(OSError):
    """The workspace folder or a file in it cannot be created, read or written; the message says
    where and why."""


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def open(cls, root: Path | None = None) -> Workspace:
        root = (Path(root).expanduser() if root else default_home()).resolve()
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"cannot create the workspace folder {root}: {_why(exc)}. "
                                 "Choose another with --workspace DIR or DLTUTOR_HOME.") from None
        return cls(root)

    @property
    def state_dir(self) -> Path:
        return self.root / ".dltutor"

    @property
    def progress_path(self) -> Path:
        return self.state_dir / "progress.db"

    def path(self, exercise: Exercise) -> Path:
        return self.root / exercise.filename

    def ensure(self, exercise: Exercise) -> Path:
        """The learner's file for `exercise`, created from the starter if it does not exist."""
        path = self.path(exercise)
        if not path.exists():
            self._check_root()
            try:
                starter = exercise.starter_path.read_bytes()
            except OSError as exc:
                raise WorkspaceError(f"cannot read the starter {exercise.starter_path}: "
                                     f"{_why(exc)}") from None
            self._write(path, starter, what="create")
        return path

    def read(self, exercise: Exercise) -> bytes | None:
        """The learner's file as bytes; None when there is none yet."""
        path = self.path(exercise)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            self._check_root()
            return None
        except OSError as exc:
            raise WorkspaceError(f"cannot read {path}: {_why(exc)}") from None

    def write(self, exercise: Exercise, content: str | bytes) -> Path:
        """Replace the learner's file by `content` (str: UTF-8, newlines as given), atomically."""
        path = self.path(exercise)
        self._check_root()
        self._write(path, content, what="write")
        return path

    def backup(self, exercise: Exercise, content: bytes, *, overwrite: bool = True) -> Path:
        """Write `content` beside the learner's file as `<id>.py.bak`. With `overwrite=False` an
        existing `.bak` holding something else is left alone and `<id>.py.bak.2`, `.bak.3`, …
        (the first that is free or already holds `content`) is used instead."""
        first = self.path(exercise).with_suffix(".py.bak")
        target, n = first, 1
        while not overwrite:
            try:
                if target.read_bytes() == content:
                    return target
            except FileNotFoundError:
                break
            except OSError:
                pass
            n += 1
            target = first.with_name(f"{first.name}.{n}")
        self._write(target, content, what="write")
        return target

    def is_untouched(self, exercise: Exercise) -> bool:
        path = self.path(exercise)
        try:
            return path.read_bytes() == exercise.starter_path.read_bytes()
        except OSError:
            return True

    # -- helpers ---------------------------------------------------------------------------------

    def _check_root(self) -> None:
        """A workspace folder that vanished (deleted, unmounted) is an error, not re-created
        silently under the learner's feet."""
        if not self.root.is_dir():
            raise WorkspaceError(f"the workspace folder {self.root} is gone (deleted or "
                                 "unmounted?). Bring it back, or choose another with "
                                 "--workspace DIR or DLTUTOR_HOME.")

    @staticmethod
    def _write(path: Path, content: str | bytes, *, what: str) -> None:
        target = path.resolve() if path.is_symlink() else path
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except OSError:
            mode = None
        try:
            write_atomic(target, content, mode=mode)
        except OSError as exc:
            raise WorkspaceError(f"cannot {what} {path}: {_why(exc)}. Nothing was changed; "
                                 "check the folder's permissions, or choose another with "
                                 "--workspace DIR.") from None
