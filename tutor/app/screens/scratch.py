"""A scratch editor over the lesson: a copy of one of its code blocks to change and run again.

| key        | action                                   |
| ---------- | ---------------------------------------- |
| ctrl+r     | run the code (in the jail) and show what it printed |
| ctrl+z     | undo (the editor's own); ctrl+o puts the lesson's block back |
| esc        | close (the scratch copy is kept until the lesson closes) |

A scratch run never touches the learner's exercise files: the code goes to the grading worker
as text and runs in the same jail as a check, where the workspace cannot even be seen."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tutor.app.widgets.editor import CodeEditor, code_editor
from tutor.grading.client import GraderError
from tutor.grading.snippet import SnippetResult
from tutor.pictures import has_pictures, render_output_rich
from tutor.session import Session


def output_text(result: SnippetResult) -> str:
    """What a run printed, then (when it failed) why, for the block's output pane."""
    parts = [result.output.rstrip("\n")] if result.output else []
    if result.truncated:
        parts.append("… (output cut short)")
    if result.status in ("error", "timeout", "crash"):
        parts.append(result.error.rstrip())
    return "\n".join(parts) if parts else "(no output)"


class ScratchScreen(ModalScreen[str]):
    """Edit a copy of a lesson's code block and run it; dismissed with the edited text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run", "Run", id="scratch.run", priority=True),
        Binding("ctrl+o", "original", "Original", id="scratch.original"),
        Binding("escape", "close", "Close", id="scratch.close"),
    ]

    DEFAULT_CSS = """
    ScratchScreen .scratch-editor {
        height: 2fr;
        min-height: 6;
    }
    ScratchScreen .scratch-output {
        height: 1fr;
        min-height: 4;
        border-top: dashed $panel-lighten-2;
    }
    """

    def __init__(self, session: Session, title: str, code: str, original: str) -> None:
        super().__init__(classes="dialog")
        self.session = session
        self.heading = title
        self.code = code
        self.original = original

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Static(self.heading, classes="dialog-title", markup=False)
            editor = code_editor(self.code, id="scratch-code")
            editor.add_class("scratch-editor")
            yield editor
            with VerticalScroll(classes="scratch-output"):
                yield Static("ctrl+r runs this code in the sandbox; your exercise files are "
                             "never touched.", id="scratch-result", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(CodeEditor).focus()

    @property
    def text(self) -> str:
        return self.query_one(CodeEditor).text

    def action_run(self) -> None:
        self.query_one("#scratch-result", Static).update("running…")
        self.run_code(self.text)

    @work(thread=True, exclusive=True, group="scratch", exit_on_error=False)
    def run_code(self, code: str) -> None:
        try:
            text = output_text(self.session.run_code(code))
        except GraderError as exc:
            text = f"The grader failed: {exc}"
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        if self.is_mounted:
            result = self.query_one("#scratch-result", Static)
            result.update(render_output_rich(text, width=max(20, result.size.width))
                          if has_pictures(text) else text)  # the pictures it showed, drawn

    def action_original(self) -> None:
        self.query_one(CodeEditor).text = self.original

    def action_close(self) -> None:
        self.dismiss(self.text)
