"""Lessons and task statements fit an 80×24 terminal: no line of a code block or diagram is wider
than 68 columns, so nothing is cut off or wrapped mid-diagram in the reader's pane (80 columns
less the borders, padding and scroll bar)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MAX_COLUMNS = 68
FILES = sorted([*REPO.glob("lessons/*.md"), *REPO.glob("exercises/*/README.md")])
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def columns(line: str) -> int:
    """Terminal columns of `line`: wide characters take two, combining marks none (x̂ is one)."""
    width = 0
    for char in line:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def fenced_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every line inside a ``` or ~~~ fence."""
    inside: str | None = None
    lines = []
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if match and (inside is None or match.group(1)[0] == inside[0]
                      and len(match.group(1)) >= len(inside)):
            inside = match.group(1) if inside is None else None
            continue
        if inside is not None:
            lines.append((number, line))
    return lines


def test_the_files_are_found():
    assert len([f for f in FILES if f.parent.name == "lessons"]) >= 18
    assert len(FILES) >= 60


@pytest.mark.parametrize("path", FILES, ids=[str(f.relative_to(REPO)) for f in FILES])
def test_code_blocks_fit_68_columns(path: Path):
    wide = [f"{path.relative_to(REPO)}:{number}: {columns(line)} columns: {line}"
            for number, line in fenced_lines(path.read_text(encoding="utf-8"))
            if columns(line) > MAX_COLUMNS]
    assert not wide, "\n".join(wide)


def test_columns_counts_what_a_terminal_shows():
    assert columns("x̂ = 1") == 5
    assert columns("日本") == 4
    assert columns("└──┬──┘") == 7


def test_fenced_lines_only_reads_inside_fences():
    text = "a\n```python\nx = 1\n~~~\ny = 2\n```\nb\n~~~\nz\n~~~\n"
    assert [line for _, line in fenced_lines(text)] == ["x = 1", "~~~", "y = 2", "z"]
