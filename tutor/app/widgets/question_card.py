"""One "check yourself" question: the choices (or a number box), and the verdict with its
explanation once answered. Grading is `QuizQuestion.check`; recording is the screen's job."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tutor.course import QuizQuestion


class QuestionCard(Vertical):
    """A question a learner answers with enter; they may answer again after a wrong one."""

    outcome: reactive[str] = reactive("", init=False)
    """"" (not answered in this visit), "right" or "wrong": the border's colour follows it."""

    DEFAULT_CSS = """
    QuestionCard {
        height: auto;
        padding: 0 1 1 1;
        border-left: thick $panel;
    }
    QuestionCard.-right {
        border-left: thick $success;
    }
    QuestionCard.-wrong {
        border-left: thick $error;
    }
    QuestionCard > .question {
        text-style: bold;
        margin-bottom: 1;
    }
    QuestionCard > OptionList {
        height: auto;
        max-height: 12;
        border: none;
    }
    QuestionCard > Input {
        width: 30;
    }
    QuestionCard > .verdict {
        margin-top: 1;
    }
    """

    class Answered(Message):
        """The learner answered this question (already graded)."""

        def __init__(self, card: QuestionCard, correct: bool) -> None:
            super().__init__()
            self.card = card
            self.correct = correct

    def __init__(self, index: int, question: QuizQuestion, *, answered_right: bool) -> None:
        super().__init__(classes="-right" if answered_right else "")
        self.set_reactive(QuestionCard.outcome, "right" if answered_right else "")
        self.index = index
        self.question = question
        self.answered_right = answered_right

    def compose(self) -> ComposeResult:
        yield Static(Content.from_markup("$n. $q", n=self.index + 1, q=self.question.question),
                     classes="question")
        if self.question.is_choice:
            yield OptionList(*[Option(Content.from_markup("$n) $c", n="abcdefghij"[i]
                                                          if i < 10 else str(i), c=choice))
                               for i, choice in enumerate(self.question.choices)])
        else:
            yield Input(placeholder="a number or a fraction, then enter")
        note = "You answered this one right before." if self.answered_right else ""
        yield Static(note, classes="verdict", markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.answer(event.option_index)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        verdict = self.question.check(event.value)
        if not verdict.understood:  # not a number: say what to type (never an answer)
            self.query_one(".verdict", Static).update(
                Content.styled(verdict.explanation, "$text-warning"))
            return
        self.answer(event.value.strip())

    def watch_outcome(self, outcome: str) -> None:
        self.set_class(outcome == "right", "-right")
        self.set_class(outcome == "wrong", "-wrong")

    def answer(self, response: int | str) -> None:
        """Grade a response, show the verdict and its explanation, and tell the screen."""
        correct, explanation = self.question.grade(response)
        self.outcome = "right" if correct else "wrong"
        verdict = ("[b $text-success]✔ Right.[/] " if correct
                   else "[b $text-error]✘ Not quite.[/] ")
        self.query_one(".verdict", Static).update(
            Content.from_markup(verdict + "$why", why=explanation or ""))
        self.post_message(self.Answered(self, correct))
