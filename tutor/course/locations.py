"""Where the built-in content lives: the repository checkout, or the copy inside the wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def builtin_root() -> Path:
    """The folder holding lessons/, exercises/ and solutions/.

    A source checkout (or editable install) uses the repository's own folders, so edits show at
    once; a wheel install uses the copy hatch put under tutor/_content."""
    checkout = _PACKAGE.parent
    if (checkout / "exercises").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    return _PACKAGE / "_content"
