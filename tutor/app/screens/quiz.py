"""A lesson's "check yourself" quiz: every question on one page, answered in any order.

| key        | action                              |
| ---------- | ----------------------------------- |
| tab        | next question                       |
| enter      | answer (the highlighted choice, or the number typed) |
| esc        | back to the lesson                  |

Each answer is recorded with `ProgressStore.record_quiz` (a right answer stays right)."""

from __future__ import annotations

import sqlite3
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tutor.app.messages import QuizAnswered
from tutor.app.widgets.question_card import QuestionCard
from tutor.course import Lesson
from tutor.session import Session


class QuizScreen(Screen[None]):
    """The quiz of one lesson, with a running score."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", "Next question", id="quiz.next"),
        Binding("shift+tab", "app.focus_previous", "Previous", id="quiz.previous", show=False),
        Binding("escape", "app.pop_screen", "Back", id="quiz.back", tooltip="Back to the lesson"),
    ]

    def __init__(self, session: Session, lesson: Lesson) -> None:
        super().__init__(id=f"quiz-{lesson.id}")
        self.session = session
        self.lesson = lesson
        self.right: set[int] = set()

    def compose(self) -> ComposeResult:
        self.right = self.session.progress.quiz_correct(self.lesson.id) & set(
            range(len(self.lesson.quiz)))
        yield Header()
        with VerticalScroll(id="quiz-scroll"):
            yield Static(id="quiz-score")
            for i, question in enumerate(self.lesson.quiz):
                yield QuestionCard(i, question, answered_right=i in self.right)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = f"Check yourself · {self.lesson.title}"
        self.sub_title = f"{len(self.lesson.quiz)} questions"
        self._show_score()
        self.focus_next()

    def _show_score(self) -> None:
        total = len(self.lesson.quiz)
        self.query_one("#quiz-score", Static).update(
            f"{len(self.right)} of {total} answered right. Use tab to move between questions, "
            "enter to answer.")

    def on_question_card_answered(self, event: QuestionCard.Answered) -> None:
        index = event.card.index
        try:
            self.session.progress.record_quiz(self.lesson.id, index, event.correct)
        except sqlite3.Error as exc:
            self.notify(f"Could not record your answer: {exc}", severity="warning")
        if event.correct:
            self.right.add(index)
        self._show_score()
        self.post_message(QuizAnswered(self.lesson.id, index, event.correct))
        cards = list(self.query(QuestionCard))
        if event.correct and index + 1 < len(cards):  # on to the next question
            cards[index + 1].query_one("OptionList, Input").focus()
        if len(self.right) == len(self.lesson.quiz) and event.correct:
            self.notify("All questions answered right.", title="Quiz complete")
