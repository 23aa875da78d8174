"""The code editor: `TextArea.code_editor` with Python highlighting when it is available.

Highlighting needs tree-sitter and its Python grammar (the `textual[syntax]` extra). Without
them the editor still works, as plain text: a missing optional package must never stop a
learner from typing code."""

from __future__ import annotations

from importlib.util import find_spec

from textual.widgets import TextArea


def python_highlighting_available() -> bool:
    """True when tree-sitter and its Python grammar are importable (no import happens here)."""
    try:
        return find_spec("tree_sitter") is not None and find_spec("tree_sitter_python") is not None
    except (ImportError, ValueError):
        return False


def code_editor(text: str = "", *, id: str | None = None) -> TextArea:
    """A Python code editor that follows the app's theme and degrades to plain text."""
    # Soft wrap: beside the task, in an 80-column terminal, the editor is ~45 columns wide.
    editor = TextArea.code_editor(text, language=None, theme="css", soft_wrap=True, id=id)
    if python_highlighting_available():
        try:
            editor.language = "python"
        except Exception:  # noqa: BLE001 - LanguageDoesNotExist, a broken grammar: plain text
            editor.language = None
    return editor
