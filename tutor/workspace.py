"""The learner's workspace: their own copies of the starters, one `<id>.py` per exercise.

It lives in `--workspace DIR`, else `$DLTUTOR_HOME`, else the user data directory (platformdirs).
The same folder holds `.dltutor/progress.db`. The TUI edits these files and a learner can open them
in any editor; `dltutor watch` re-checks them on save. A file is created from the starter the first
time it is needed and never overwritten except by an explicit reset."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from tutor.course.model import Exercise


def default_home() -> Path:
    env = os.environ.get("DLTUTOR_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dltutor", appauthor=False))


class WorkspaceError(OSError):
    """The workspace folder cannot be created or written; the message says where and why."""


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def open(cls, root: Path | None = None) -> Workspace:
        root = (Path(root).expanduser() if root else default_home()).resolve()
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"cannot create the workspace folder {root}: {exc.strerror}. "
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
            try:
                shutil.copyfile(exercise.starter_path, path)
            except OSError as exc:
                raise WorkspaceError(f"cannot create {path}: {exc.strerror}") from None
        return path

    def reset(self, exercise: Exercise) -> Path | None:
        """Put the starter back; the old file is kept as `<id>.py.bak`. Returns the backup."""
        path = self.path(exercise)
        backup = None
        if path.exists():
            backup = path.with_suffix(".py.bak")
            shutil.copyfile(path, backup)
        shutil.copyfile(exercise.starter_path, path)
        return backup

    def is_untouched(self, exercise: Exercise) -> bool:
        path = self.path(exercise)
        try:
            return path.read_bytes() == exercise.starter_path.read_bytes()
        except OSError:
            return True
