"""Split `+++`-delimited TOML front matter from a Markdown body."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class FrontMatterError(ValueError):
    pass


def split_front_matter(text: str, path: Path | None = None) -> tuple[dict[str, Any], str]:
    where = f"{path}: " if path else ""
    if not text.startswith("+++"):
        return {}, text
    end = text.find("\n+++", 3)
    if end < 0:
        raise FrontMatterError(f"{where}front matter opened with +++ is never closed")
    raw = text[3:end]
    body = text[end + 4 :].lstrip("\n")
    try:
        return tomllib.loads(raw), body
    except tomllib.TOMLDecodeError as exc:
        raise FrontMatterError(f"{where}front matter is not valid TOML: {exc}") from None
