"""Reading a learner's file on the trusted side, so the jailed child never opens a path.

A submission is untrusted before it runs: in a folder of someone else's files it may be a symlink
to the instructor's solution (graded as the student's own work), a FIFO (the grader would block),
a device, or huge. It must be a regular file, at most `MAX_BYTES`, and, when a folder confines it
(batch grading), inside that folder after every link is resolved."""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_BYTES = 1024 * 1024


class SubmissionError(ValueError):
    """The file cannot be graded; the message says why, in the learner's terms."""


def read_submission(path: Path, confine: Path | None = None, *,
                    max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, at most `max_bytes`; SubmissionError says why it cannot be read."""
    name = Path(path).name
    if confine is not None:
        real = os.path.realpath(path)
        folder = os.path.realpath(confine)
        if os.path.islink(path) or not real.startswith(folder.rstrip(os.sep) + os.sep):
            raise SubmissionError(f"{name} is a link to a file outside the submission: submit "
                                  "the file itself")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
                     | (getattr(os, "O_NOFOLLOW", 0) if confine is not None else 0))
    except OSError as exc:
        raise SubmissionError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionError(f"{name} is not a regular file")
        too_big = f"{name} is larger than {max_bytes // 1024} KiB"
        if info.st_size > max_bytes:
            raise SubmissionError(too_big)
        chunks = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:
            raise SubmissionError(too_big)
        return data
    finally:
        os.close(fd)
