"""Grade Canvas's bulk download as it comes: one flat folder of every student's files.

Canvas's *Download Submissions* gives a zip with no folder per student; each uploaded file is
renamed (Canvas's `ContentZipper#get_filename` and `#add_upload_submission`):

    <name>[_LATE]_<user id>_<attachment id>_<the file's display name>
    smithjohn_12345_67890_relu_backward.py
    smithjohn_LATE_12345_67891_adam_step.py          (`late_` in older downloads)
    LATE_anon_x7Hq2_67892_relu_backward.py           (anonymous grading: no name)
    smithjohn_12345_67893_relu_backward-1.py         (a re-upload of the same name)

`<name>` is the student's sortable name, lower case, with everything but letters, digits and `_`
removed (`Smith, John` -> `smithjohn`). The display name gets `-1`, `-2`, ... before its
extension when the student uploaded a file of that name before.

`read_download` groups the files by student (name and user id) into one *virtual submission*
each, named by `<name>` (`<name>_<user id>` where two students share a name; `anon_<id>` when
anonymous): a private temporary folder holding the student's files under their original names
(`relu_backward-1.py` -> `relu_backward.py`; where two map to one name, the newest upload wins).
Nothing is written into the course tree or the download. Files are copied, never linked, and only
regular files: a symlink or a device in the download is recreated as a link the checker then
refuses ("a link to a file outside the submission"). The folders go when `close()` is called or
the `CanvasDownload` is garbage-collected.

`looks_like_canvas(folder)` tells `dltutor grade` to read a single folder given to it this way:
every `.py`/`.ipynb` file at its top is named as Canvas names them, and there is at least one.

Headless: imports neither textual nor torch."""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from tutor.grading.batch import BatchError, Submission

MAX_FILE_BYTES = 32 * 1024 * 1024  #: a larger file is cut here (the checker then refuses it)
GRADED_SUFFIXES = (".py", ".ipynb")
_ANON = re.compile(r"^(?:(?P<late>late)_)?(?P<user>anon_[A-Za-z0-9]+)_(?P<att>\d+)_(?P<rest>.+)$",
                   re.IGNORECASE)
_NAMED = re.compile(r"^(?P<login>\w+?)_(?:(?P<late>late)_)?(?P<user>\d+)_(?P<att>\d+)_"
                    r"(?P<rest>.+)$", re.IGNORECASE)
_RESUBMITTED = re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)(?P<ext>(?:\.[A-Za-z0-9]+)+)$")


class CanvasError(BatchError):
    """The folder is not a Canvas download, or cannot be read."""


@dataclass(frozen=True)
class CanvasFile:
    """One file of the download, as Canvas named it."""

    path: Path
    login: str  #: `smithjohn`, or `anon_x7Hq2`
    user: str  #: Canvas's user id (or the anonymous id)
    attachment: int
    original: str  #: the name the student uploaded (`relu_backward.py`)
    upload: int  #: 0 for the first upload of that name, N for Canvas's `-N`
    late: bool


def parse_name(name: str) -> CanvasFile | None:
    """What a file name in a Canvas download says, or None for a name Canvas would not give."""
    m = _ANON.match(name)
    login = m.group("user") if m else ""
    if m is None:
        m = _NAMED.match(name)
        if m is None:
            return None
        login = m.group("login").lower()
    original, upload = m.group("rest"), 0
    again = _RESUBMITTED.match(original)
    if again:
        original, upload = again.group("stem") + again.group("ext"), int(again.group("n"))
    if original in ("", ".", "..") or "/" in original or "\0" in original:
        return None
    return CanvasFile(Path(name), login, m.group("user"), int(m.group("att")), original,
                      upload, bool(m.group("late")))


def _top_files(folder: Path) -> list[str]:
    try:
        return sorted(e.name for e in os.scandir(folder)
                      if not e.name.startswith(".") and not e.is_dir(follow_symlinks=False))
    except OSError as exc:
        raise CanvasError(f"cannot read {folder}: {exc.strerror or exc}") from None


def looks_like_canvas(folder: Path) -> bool:
    """Every `.py`/`.ipynb` file at the top of `folder` is named as Canvas names submissions,
    and there is at least one."""
    folder = Path(folder)
    if not folder.is_dir():
        return False
    try:
        graded = [n for n in _top_files(folder) if n.lower().endswith(GRADED_SUFFIXES)]
    except CanvasError:
        return False
    return bool(graded) and all(parse_name(n) is not None for n in graded)


@dataclass
class CanvasDownload:
    """A Canvas download read as one submission per student (`submissions`)."""

    folder: Path
    submissions: list[Submission] = field(default_factory=list)
    late: set[str] = field(default_factory=set)  #: submission names with a late upload
    ignored: list[str] = field(default_factory=list)  #: files not named as Canvas names them
    files: int = 0
    _root: Path | None = None
    _cleanup: weakref.finalize | None = None  # type: ignore[type-arg]

    def describe(self) -> str:
        n = len(self.submissions)
        text = (f"read {self.folder} as a Canvas download: {n} student{'s' if n != 1 else ''}"
                f", {self.files} file{'s' if self.files != 1 else ''}")
        if self.late:
            text += f", {len(self.late)} late ({', '.join(sorted(self.late)[:5])}" + \
                (" …)" if len(self.late) > 5 else ")")
        if self.ignored:
            text += (f"; ignored {len(self.ignored)} file{'s' if len(self.ignored) != 1 else ''}"
                     f" not named as Canvas names submissions ({', '.join(self.ignored[:3])}"
                     + (" …)" if len(self.ignored) > 3 else ")"))
        return text

    def close(self) -> None:
        if self._cleanup is not None:
            self._cleanup()


def _copy(source: Path, target: Path) -> None:
    """Copy a regular file (never following a link); anything else becomes a link to it, which
    the checker refuses with a message that names the file."""
    try:
        info = os.lstat(source)
    except OSError as exc:
        raise CanvasError(f"cannot read {source}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        os.symlink(source, target)
        return
    fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                      | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            remaining = MAX_FILE_BYTES + 1
            while remaining > 0:
                chunk = os.read(fd, min(remaining, 1 << 20))
                if not chunk:
                    break
                os.write(out, chunk)
                remaining -= len(chunk)
        finally:
            os.close(out)
    finally:
        os.close(fd)


def read_download(folder: Path) -> CanvasDownload:
    """Group a Canvas download's files by student into private temporary folders."""
    folder = Path(folder).expanduser()
    if folder.is_file() and folder.suffix.lower() == ".zip":
        raise CanvasError(f"{folder} is the zip itself: unzip it first "
                          f"(unzip {folder.name} -d submissions) and give that folder")
    if not folder.is_dir():
        raise CanvasError(f"Canvas download {folder} is not a folder")
    download = CanvasDownload(folder)
    by_student: dict[tuple[str, str], dict[str, CanvasFile]] = {}
    for name in _top_files(folder):
        parsed = parse_name(name)
        if parsed is None:
            download.ignored.append(name)
            continue
        files = by_student.setdefault((parsed.login, parsed.user), {})
        kept = files.get(parsed.original)
        if kept is None or (parsed.upload, parsed.attachment) > (kept.upload, kept.attachment):
            files[parsed.original] = parsed
        download.files += 1
    if not by_student:
        raise CanvasError(f"{folder} holds no file named as Canvas names submissions "
                          "(login_userid_fileid_name.py)")
    logins = [login for login, _ in by_student]
    root = Path(tempfile.mkdtemp(prefix="dltutor-canvas-")).resolve()
    download._root = root
    download._cleanup = weakref.finalize(download, shutil.rmtree, root, True)
    try:
        for (login, user), files in sorted(by_student.items()):
            name = login if logins.count(login) == 1 else f"{login}_{user}"
            place = root / name
            place.mkdir(mode=0o700)
            for original, parsed in sorted(files.items()):
                _copy(folder / parsed.path, place / original)
                if parsed.late:
                    download.late.add(name)
            download.submissions.append(Submission(name, place))
    except OSError as exc:
        download.close()
        raise CanvasError(f"cannot copy the Canvas download to {root}: "
                          f"{exc.strerror or exc}") from None
    except BaseException:
        download.close()
        raise
    return download
