"""How dltutor words, marks and colours what it shows: one table for the CLI, the TUI and the
report formats, so a verdict or a status reads the same everywhere.

- `inert`: the one sanitiser for learner-controlled text (their printed output, exception
  messages, tracebacks, folder names) before any screen or file shows it.
- `VERDICTS`: per check verdict, its report word (`PASSED`), short word (`passed`), what the file
  does now (`fails`) and did (`failed`), a one-character mark and a tone.
- `STATUS`: the marks of the course map, the lesson and `dltutor list` (✔ passes, ✓ passed
  before, ◐ attempted, · not started), keyed like `tutor.progress.FileState` words them.
- Tones are semantic (`success`, `error`, `warning`, `muted`); `rich_style` turns one into a Rich
  style for the CLI and the report formats, `theme_style` into a Textual theme variable, so the
  TUI follows the learner's theme.

Pure and headless: imports neither textual nor torch."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tutor.progress import FileState

Tone = Literal["success", "error", "warning", "muted"]

_RICH = {"success": "green", "error": "red", "warning": "yellow", "muted": "dim"}
_THEME = {"success": "$text-success", "error": "$text-error", "warning": "$text-warning",
          "muted": "$text-muted"}

# Escape sequences (CSI and the other ESC forms), C0/C1 controls but newline and tab, lone
# surrogates and the two non-characters: what could fake a verdict on a terminal, break a JUnit
# XML file or fail to encode as UTF-8.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def inert(text: str) -> str:
    """Learner text made harmless to show: escape sequences and control characters removed,
    CRLF made LF, tabs made four spaces (newlines kept)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\t", "    "))


Palette = Mapping[str, str]
"""A Rich style (a colour) per tone: `RICH_PALETTE` on a terminal, `theme_palette` in the app."""

RICH_PALETTE: Palette = _RICH


def theme_palette(variables: Mapping[str, str]) -> dict[str, str]:
    """The app theme's colours per tone (from `App.theme_variables`), so a Rich renderable shown
    in the TUI follows the learner's theme; a tone the theme lacks keeps its terminal colour."""
    out = dict(_RICH)
    for tone, var in (("success", "text-success"), ("error", "text-error"),
                      ("warning", "text-warning")):
        value = variables.get(var, "")
        if value.startswith("#"):
            out[tone] = value[:7]
    return out


def rich_style(tone: Tone, *, bold: bool = False, palette: Palette = RICH_PALETTE) -> str:
    return ("bold " if bold else "") + palette[tone]


def theme_style(tone: Tone, *, bold: bool = False) -> str:
    return ("bold " if bold else "") + _THEME[tone]


@dataclass(frozen=True)
class VerdictLook:
    word: str  #: in a report's headline: PASSED, FAILED …
    short: str  #: in a list: passed, failed …
    now: str  #: what the current file does: passes, fails …
    past: str  #: what a version did: passed, failed …
    mark: str  #: one character for one-line lists
    tone: Tone


VERDICTS: dict[str, VerdictLook] = {
    "pass": VerdictLook("PASSED", "passed", "passes", "passed", "✔", "success"),
    "fail": VerdictLook("FAILED", "failed", "fails", "failed", "✘", "error"),
    "error": VerdictLook("ERROR", "error", "raises an error", "raised an error", "✘", "error"),
    "timeout": VerdictLook("TIMED OUT", "timed out", "times out", "timed out", "⧗", "warning"),
    "crash": VerdictLook("CRASHED", "crashed", "crashes", "crashed", "✘", "error"),
    "missing": VerdictLook("MISSING", "missing", "is missing", "was missing", "?", "warning"),
}
"""Keyed by `Verdict.value` (a `Verdict` works as the key too: it is a `str` enum)."""

UNCHECKED = VerdictLook("NOT CHECKED", "not checked", "not checked", "not checked", "·", "muted")


def verdict(value: str | None) -> VerdictLook:
    """The look of a verdict (`UNCHECKED` for None or one this version does not know)."""
    return VERDICTS.get(value or "", UNCHECKED)


@dataclass(frozen=True)
class StatusLook:
    mark: str
    tone: Tone
    meaning: str  #: for legends and help


STATUS: dict[str, StatusLook] = {
    "passes": StatusLook("✔", "success", "your file passes"),
    "passed before": StatusLook("✓", "warning", "passed before, but not as your file is now"),
    "attempted": StatusLook("◐", "warning", "attempted"),
    "not started": StatusLook("·", "muted", "not started"),
}
"""The row marks of the map, the lesson and `dltutor list`, by status key."""

LEGEND = "✔ passes  ✓ passed before\n◐ attempted  · not started\n● lesson read  ○ unread"

def status_key(state: FileState) -> str:
    """Which of STATUS a file in this state gets: the truth about the file as it is now."""
    if state.passed:
        return "passes"
    if state.passed_before:
        return "passed before"
    return state.status.value  # "attempted", "not started" (a key of STATUS)


def file_words(state: FileState) -> str:
    """The current file's state in a few words, e.g. "passes", "fails · passed before",
    "changed since its last check · passed before", "not started"."""
    from tutor.progress import ExerciseStatus

    if state.checked:
        now = verdict(state.verdict).now if state.verdict in VERDICTS else str(state.verdict)
    elif state.untouched and state.status is ExerciseStatus.NOT_STARTED:
        now = "not started"
    elif not state.exists:
        now = "no file"
    elif state.untouched:
        now = "the starter"
    elif state.status is ExerciseStatus.NOT_STARTED:
        now = "started, not checked yet"
    else:
        now = "changed since its last check"
    return now + (" · passed before" if state.passed_before else "")
