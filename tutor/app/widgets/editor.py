"""The code editor: a `TextArea` that edits Python the way a learner expects.

- **No soft wrap.** Code lines stay whole and the editor scrolls sideways: a wrapped line reads
  like two statements, and Up/Down moved by screen row instead of by line.
- **Auto-indent.** Enter keeps the current line's indentation, adds a level after a line that
  ends with `:` or an open bracket, and drops a level after `return`, `pass`, `break`,
  `continue` or `raise`. Backspace in leading blanks removes a whole level.
- **Esc leaves.** The editor never keeps Esc to itself: the key goes on to the screen, whose
  binding moves the focus out of the editor (and, pressed again, goes back), in every layout.

Highlighting needs tree-sitter and its Python grammar (the `textual[syntax]` extra). Without
them the editor still works, as plain text: a missing optional package must never stop a
learner from typing code."""

from __future__ import annotations

import re
from importlib.util import find_spec

from textual import events
from textual.widgets import TextArea

_ENDS_BLOCK = re.compile(r"^\s*(return|pass|break|continue|raise)\b")
_OPENS_BRACKET = ("(", "[", "{")


def python_highlighting_available() -> bool:
    """True when tree-sitter and its Python grammar are importable (no import happens here)."""
    try:
        return find_spec("tree_sitter") is not None and find_spec("tree_sitter_python") is not None
    except (ImportError, ValueError):
        return False


def next_line_indent(before_cursor: str, indent_width: int = 4) -> str:
    """The indentation a new line gets when Enter is pressed after `before_cursor` (the
    current line up to the cursor)."""
    indent = len(before_cursor) - len(before_cursor.lstrip(" \t"))
    base = before_cursor[:indent].expandtabs(indent_width)
    width = len(base)
    code = before_cursor.split("#", 1)[0].rstrip()
    if code.endswith(":") or code.endswith(_OPENS_BRACKET):
        width += indent_width
    elif _ENDS_BLOCK.match(code):
        width = max(0, width - indent_width)
    return " " * width


class CodeEditor(TextArea):
    """A Python editor for one learner file: line numbers, no soft wrap, auto-indent; Esc
    passes through to the screen."""

    DEFAULT_CSS = """
    CodeEditor {
        scrollbar-size-horizontal: 1;
    }
    """

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            # Not TextArea's "focus the next widget", which keeps the focus in the editor when
            # it is the only widget shown: let the screen's esc binding decide.
            event.prevent_default()
            return
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            top = min(start, end)
            before = self.document[top[0]][:top[1]]
            indent = next_line_indent(before, self.indent_width) if self.indent_type == "spaces" \
                else before[:len(before) - len(before.lstrip(" \t"))]
            self.replace("\n" + indent, start, end, maintain_selection_offset=False)
        # Anything else: TextArea's own handler runs next (Textual calls each class's _on_key).

    def action_delete_left(self) -> None:
        """Backspace: in the leading blanks of a line, back to the previous indent level."""
        if self.read_only or not self.selection.is_empty or self.indent_type != "spaces":
            super().action_delete_left()
            return
        row, column = self.cursor_location
        before = self.document[row][:column]
        if column == 0 or before.strip(" "):
            super().action_delete_left()
            return
        target = (column - 1) // self.indent_width * self.indent_width
        self.delete((row, target), (row, column), maintain_selection_offset=False)


def code_editor(text: str = "", *, id: str | None = None) -> CodeEditor:
    """A Python code editor that follows the app's theme and degrades to plain text."""
    editor = CodeEditor.code_editor(text, language=None, theme="css", soft_wrap=False, id=id)
    assert isinstance(editor, CodeEditor)
    if python_highlighting_available():
        try:
            editor.language = "python"
        except Exception:  # noqa: BLE001 - LanguageDoesNotExist, a broken grammar: plain text
            editor.language = None
    return editor
