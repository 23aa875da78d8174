"""A "predict, then run" checkpoint, shown in the lesson where its idea is taught.

The learner types a prediction (a shape, a number, a choice) and presses enter; the card posts
`Predicted` and the lesson screen runs the checkpoint's own code in the grading worker, then
calls `show_outcome` with "you said X · PyTorch says Y". The card computes nothing itself: the
UI never imports torch, and the real value is never written in the lesson."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from tutor.course.checkpoints import VERDICT_WORDS, BadPrediction, Checkpoint, parse_prediction
from tutor.course.checkpoints import CheckpointOutcome as Outcome

_MARK = {"right": ("✔", "$text-success"), "close": ("≈", "$text-warning"),
         "wrong": ("✘", "$text-error")}


class CheckpointCard(Vertical):
    """One checkpoint: its question, an input for the prediction, and the two values side by
    side once the lesson's code has run. The learner may predict again; every answer is
    recorded (by the screen).

    | key    | action                                            |
    | ------ | ------------------------------------------------- |
    | enter  | predict: run the lesson's code and compare         |
    | esc    | leave the input, back to reading (not to the map) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave", show=False),
    ]

    DEFAULT_CSS = """
    CheckpointCard {
        height: auto;
        padding: 0 1;
        margin: 1 0;
        border-left: thick $accent;
        background: $boost;
    }
    CheckpointCard.-right { border-left: thick $success; }
    CheckpointCard.-close { border-left: thick $warning; }
    CheckpointCard.-wrong { border-left: thick $error; }
    CheckpointCard > .checkpoint-title { color: $text-accent; text-style: bold; }
    CheckpointCard > .checkpoint-question { text-style: bold; }
    CheckpointCard > Input { width: 1fr; max-width: 62; margin: 0 0; }
    CheckpointCard > .checkpoint-result { margin-bottom: 1; height: auto; }
    """

    class Predicted(Message):
        """The learner entered a prediction that parses as a value of the checkpoint's kind."""

        def __init__(self, card: CheckpointCard, prediction: str) -> None:
            super().__init__()
            self.card = card
            self.prediction = prediction

    def __init__(self, checkpoint: Checkpoint, number: int, total: int,
                 last: Outcome | None = None) -> None:
        super().__init__(id=f"checkpoint-{checkpoint.id}",
                         classes=f"-{last.verdict}" if last else "")
        self.checkpoint = checkpoint
        self.number = number
        self.total = total
        self.last = last
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(f"◆ Checkpoint {self.number} of {self.total} · predict, then run",
                     classes="checkpoint-title", markup=False)
        yield Static(self.checkpoint.question, classes="checkpoint-question", markup=False)
        if self.checkpoint.choices:
            yield Static("\n".join(f"  {i}. {choice}"
                                   for i, choice in enumerate(self.checkpoint.choices, 1)),
                         classes="checkpoint-choices", markup=False)
        yield Input(placeholder=f"{self.checkpoint.prompt}, then enter",
                    id=f"predict-{self.checkpoint.id}")
        yield Static(self._last_words(), classes="checkpoint-result")

    def action_leave(self) -> None:
        """Give the focus back to the reading pane around the card."""
        for node in self.ancestors:
            if isinstance(node, Widget) and node.focusable:
                node.focus()
                return
        self.screen.set_focus(None)

    def _last_words(self) -> Content:
        if self.last is None:
            return Content("")
        return Content.styled(f"Last time: you said {self.last.prediction} · PyTorch said "
                              f"{self.last.actual} ({self.last.verdict}).", "$text-muted")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        try:
            parse_prediction(self.checkpoint, event.value)
        except BadPrediction as exc:  # say what to type; nothing is run or recorded
            self._result(Content.styled(str(exc), "$text-warning"))
            return
        self.busy = True
        self._result(Content.styled(f"you said {event.value.strip()} · running the lesson's "
                                    "code…", "$text-muted"))
        self.post_message(self.Predicted(self, event.value))

    def _result(self, content: Content) -> None:
        self.query_one(".checkpoint-result", Static).update(content)

    def show_outcome(self, outcome: Outcome) -> None:
        """The prediction beside the real value, the verdict and the explanation."""
        self.busy = False
        self.last = outcome
        for verdict in _MARK:
            self.set_class(verdict == outcome.verdict, f"-{verdict}")
        mark, style = _MARK[outcome.verdict]
        parts: list[Content | str | tuple[str, str]] = [
            "you said ", (outcome.prediction, "bold"), " · PyTorch says ",
            (outcome.actual, "bold"), "\n", (f"{mark} {VERDICT_WORDS[outcome.verdict]}",
                                             f"bold {style}")]
        if outcome.explanation:
            parts += [" ", outcome.explanation]
        if outcome.output.strip():  # what the lesson's code printed on the way
            parts += ["\n", (outcome.output.rstrip("\n"), "$text-muted")]
        self._result(Content.assemble(*parts))

    def show_problem(self, text: str) -> None:
        """The lesson's code gave no value (a broken lesson, a grader that failed)."""
        self.busy = False
        self._result(Content.styled(text, "$text-error"))
