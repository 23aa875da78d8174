"""Output formats of `dltutor grade`: each a pure function `render(report) -> str`.

One module per format, each depending only on the frozen values in `gradebook.py`, so a format
can be locked by a golden file and none can disagree with another about a score."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below are read by `dltutor grade --help`: nothing heavy on import
    from tutor.grading.gradebook import GradeReport

FORMATS = ("text", "json", "junit", "gradescope", "csv")
#: LMS gradebook imports: they need `--roster` (the LMS knows students by its own ids)
GRADEBOOK_FORMATS = ("canvas", "moodle")
ALL_FORMATS = FORMATS + GRADEBOOK_FORMATS
SINGLE_SUBMISSION = ("gradescope",)  #: formats that describe exactly one submission
CSV_FORMATS = ("csv", "canvas", "moodle")  #: what `--bom` starts with a UTF-8 byte-order mark


def renderer(name: str) -> Callable[[GradeReport], str]:
    """The `render` function of the format called `name` (one of ALL_FORMATS)."""
    from importlib import import_module

    module = {"text": "text", "json": "json_report", "junit": "junit",
              "gradescope": "gradescope", "csv": "csv_report", "canvas": "canvas",
              "moodle": "moodle"}[name]
    render: Callable[[GradeReport], str] = import_module(f"tutor.grading.formats.{module}").render

    def encodable(report: GradeReport) -> str:
        return valid_unicode(render(report))

    return encodable


def valid_unicode(text: str) -> str:
    """Lone surrogates (from an exception message, or a folder name that is not UTF-8) become
    U+FFFD, so every report can be written as UTF-8."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
