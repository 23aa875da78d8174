"""How the tutor works and every key, screen by screen, built from the screens' own BINDINGS
so this page cannot drift from what the keys do.

| key          | action |
| ------------ | ------ |
| esc, q, f1   | close  |
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = """\
dltutor teaches deep learning by doing. Read a lesson, answer its "check yourself" quiz, then \
write the exercises: each is a function that is checked against PyTorch on many inputs, in a \
sandbox, with a precise report when something differs.

Your code lives in ordinary files in your workspace ({workspace}). Edit them here or in any \
editor you like: when a file changes on disk, the exercise screen reloads it and checks it again.

In the code editor, letters are for typing: use the ctrl and function keys there (ctrl+r check, \
ctrl+s save, ctrl+t hint, ctrl+n next...). Enter keeps the indentation (one level more after a \
colon, one less after return). Press esc to leave the editor; then the single-letter keys work \
too, and e or tab goes back into it. The footer shows the most used keys; ctrl+p opens the \
command palette, where every action is, searchable. The mouse works."""


def _keys(app, binding: Binding) -> str:  # type: ignore[no-untyped-def]
    if binding.key_display:
        return binding.key_display
    shown = []
    for key in binding.key.split(","):
        key = key.strip()
        shown.append(app.get_key_display(Binding(key, binding.action)))
    return " / ".join(dict.fromkeys(shown))


def key_table(app, title: str, bindings: list[BindingType]) -> RenderableType:  # type: ignore[no-untyped-def]
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False,
                  box=None, padding=(0, 2, 0, 0), min_width=len(title))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for item in bindings:
        if not isinstance(item, Binding) or not item.description or item.id is None:
            continue  # bindings without an id are aliases of one that has it (lesson 2-9)
        table.add_row(Text(_keys(app, item)), Text(item.tooltip or item.description))
    return table


class HelpScreen(ModalScreen[None]):
    """The tutor in three paragraphs, and the keys of every screen."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,f1", "close", "Close", id="help.close")]

    def __init__(self, workspace: str) -> None:
        super().__init__(classes="dialog")
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        from tutor.app.screens.course_map import CourseMapScreen, training_screen_available
        from tutor.app.screens.exercise import ExerciseScreen
        from tutor.app.screens.history import HistoryScreen
        from tutor.app.screens.lesson import LessonScreen
        from tutor.app.screens.quiz import QuizScreen
        from tutor.app.widgets.course_outline import CourseOutline

        app = self.app
        sections: list[RenderableType] = [Text(INTRO.format(workspace=self.workspace)), Text("")]
        screens: list[tuple[str, list[BindingType]]] = [
            ("Everywhere", list(type(app).BINDINGS)),
            ("Course map", [*CourseOutline.BINDINGS, *CourseMapScreen.BINDINGS]),
            ("Lesson", LessonScreen.BINDINGS),
            ("Check yourself (quiz)", QuizScreen.BINDINGS),
            ("Exercise", ExerciseScreen.BINDINGS),
            ("Exercise history (f9)", HistoryScreen.BINDINGS),
        ]
        if training_screen_available():
            from tutor.app.screens.training import TrainingScreen  # type: ignore[import-not-found]

            screens.append(("Training runs", TrainingScreen.BINDINGS))
        for title, bindings in screens:
            sections += [key_table(app, title, bindings), Text("")]
        with Vertical(classes="dialog-box wide"):
            yield Static("Help", classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(Group(*sections))
            yield Static("esc closes this page", classes="dialog-detail")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
