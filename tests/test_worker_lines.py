"""The worker's request reader: it must say whether a request is waiting (so the worker warms up
only while idle) without losing or splitting a line."""

from __future__ import annotations

import os

from tutor.grading.worker import LineReader


def test_lines_arrive_whole_and_in_order_and_readiness_is_true_to_the_pipe() -> None:
    r, w = os.pipe()
    try:
        lines = LineReader(r)
        assert not lines.ready(0)  # nothing written: idle
        os.write(w, b'{"op": "ping", "id": 1}\n{"op": "ch')
        assert lines.ready(0)
        assert lines.readline() == b'{"op": "ping", "id": 1}'
        assert not lines.ready(0)  # half a line is not a request yet
        os.write(w, b'eck", "id": 2}\n')
        assert lines.ready(0)
        assert lines.readline() == b'{"op": "check", "id": 2}'
        os.write(w, b"a\nb\n")
        assert lines.readline() == b"a"
        assert lines.ready(0)  # "b" is already read ahead: select() alone would miss it
        assert lines.readline() == b"b"
        os.close(w)
        w = -1
        assert lines.ready(0)  # end of input is something to read too
        assert lines.readline() is None
    finally:
        os.close(r)
        if w != -1:
            os.close(w)
