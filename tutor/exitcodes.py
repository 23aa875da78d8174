"""Exit codes shared by every command, so scripts and CI can rely on them."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  #: the command did what was asked (for `check`: the exercise passed)
    FAILED = 1  #: the work was judged and did not pass (a failing check, a score under --min-score)
    USAGE = 2  #: the request itself was wrong: unknown id, missing file, bad option
    INTERRUPTED = 130  #: Ctrl+C
