"""Reading the small CSV files an instructor hands `dltutor grade`: rosters, overrides, times.

They come out of spreadsheets, so a reader must take what Excel, LibreOffice and Google Sheets
write: UTF-8 with or without a byte-order mark, `,` or (in locales with a decimal comma) `;`,
header names in any case and order, blank lines, and `#` comment lines an instructor adds by hand.
Every row keeps its line number, so an error can name the row to fix."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path


class TableError(ValueError):
    """The file is missing, not UTF-8, or lacks a required column."""


@dataclass(frozen=True)
class Row:
    line: int  #: the line of the file the row ends on (1-based)
    cells: dict[str, str]  #: by normalised header name; stripped; "" for a short row

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def _key(header: str) -> str:
    """`Student ID`, `student_id`, ` STUDENT-ID ` -> `student_id`."""
    return "_".join(header.strip().lower().replace("-", " ").split())


def read_table(path: Path, *, required: tuple[str, ...], what: str) -> tuple[list[str], list[Row]]:
    """The header (normalised names) and the data rows of the CSV file at `path`.

    `what` names the file in messages (`roster`, `overrides file`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TableError(f"{what} {path} does not exist") from None
    except OSError as exc:
        raise TableError(f"{what} {path} cannot be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(f"{what} {path} is not UTF-8: save it as \"CSV UTF-8\"") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[Row] = []
    try:
        for cells in reader:
            stripped = [c.strip() for c in cells]
            if not any(stripped) or stripped[0].startswith("#"):
                continue
            if header is None:
                header = [_key(c) for c in stripped]
                missing = [c for c in required if c not in header]
                if missing:
                    raise TableError(
                        f"{what} {path}: no {', '.join(missing)} column (the first line is the "
                        f"header; it has: {', '.join(c for c in header if c) or 'nothing'})")
                continue
            rows.append(Row(reader.line_num, {name: value for name, value
                                              in zip(header, stripped) if name}))
    except csv.Error as exc:
        raise TableError(f"{what} {path}, line {reader.line_num}: {exc}") from None
    if header is None:
        raise TableError(f"{what} {path} is empty (it needs a header line: "
                         f"{','.join(required)})")
    return header, rows
