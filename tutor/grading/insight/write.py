"""Write the class report into a folder: `index.html`, `report.json`, `report.txt`.

What `dltutor grade --also report=DIR` and `dltutor report RESULTS.json --output DIR` leave
behind. Each file is written atomically (`tutor.atomic.write_atomic`): a reader sees the old
report or the new one, and a symlink planted in the folder is replaced, never followed."""

from __future__ import annotations

from pathlib import Path

from tutor.grading.insight import html, json_out, text
from tutor.grading.insight.model import ClassInsight

FILES = ("index.html", "report.json", "report.txt")


class ReportWriteError(OSError):
    """The folder cannot be made or written; the message says which path and why."""


def write_class_report(insight: ClassInsight, folder: Path) -> tuple[Path, ...]:
    """Write the three files into `folder` (created with its parents); their paths."""
    from tutor.atomic import write_atomic
    from tutor.grading.formats import valid_unicode

    if folder.exists() and not folder.is_dir():
        raise ReportWriteError(f"cannot write the class report into {folder}: it is a file, "
                               "not a folder")
    contents = (html.render(insight), json_out.render(insight), text.render(insight))
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in zip(FILES, contents):
            write_atomic(folder / name, valid_unicode(content))
            written.append(folder / name)
    except OSError as exc:
        where = exc.filename or folder
        raise ReportWriteError(f"cannot write the class report into {folder} ({where}: "
                               f"{exc.strerror or exc})") from None
    return tuple(written)
