"""The lesson reader: the lesson's Markdown, its exercises, its quiz and its training runs.

| key       | action                                        |
| --------- | --------------------------------------------- |
| e         | the lesson's next exercise to do              |
| 1-9       | exercise 1-9 of the lesson                    |
| c         | check yourself: the lesson's quiz             |
| n / p     | next / previous lesson                        |
| t         | the lesson's training run                     |
| r         | run the focused code block (else the first in view); output under it |
| o         | open that code block in a scratch editor (ctrl+r runs it there) |
| tab       | move to the next code block or checkpoint     |
| esc       | back to the course map                        |

Checkpoints ("predict, then run") sit in the text where their idea is taught: type a prediction
and press enter; the lesson's own code then runs in the grading worker's jail and its real value
is shown beside the prediction, and recorded. Opening a lesson records it as read."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Markdown, Static

from tutor.app.formulas import readable_formulas
from tutor.app.messages import ExerciseSelected, ExperimentSelected, LessonSelected
from tutor.app.screens.course_map import training_screen_available
from tutor.app.screens.scratch import ScratchScreen, output_text
from tutor.app.standing import read_standing
from tutor.app.widgets.checkpoint_card import CheckpointCard
from tutor.app.widgets.reflow_markdown import ReflowedFence, ReflowMarkdown
from tutor.course import Lesson
from tutor.course.checkpoints import BadPrediction, CheckpointError, parse_checkpoint
from tutor.grading.client import GraderError
from tutor.progress import ExerciseStatus
from tutor.session import Session


class LessonScreen(Screen[None]):
    """One lesson, rendered as Markdown (headings, lists, tables, highlighted code)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "next_exercise", "Exercise", id="lesson.exercise",
                tooltip="Open this lesson's next exercise to do"),
        Binding("1", "exercise(0)", "Exercise N", key_display="1-9", id="lesson.exercise_n",
                tooltip="Open the lesson's exercise number 1-9", show=False),
        *[Binding(str(i + 1), f"exercise({i})", f"Exercise {i + 1}", show=False)
          for i in range(1, 9)],
        Binding("c", "quiz", "Quiz", id="lesson.quiz", tooltip="Check yourself: the lesson's quiz"),
        Binding("n", "step(1)", "Next", id="lesson.next", tooltip="The next lesson"),
        Binding("p", "step(-1)", "Prev", id="lesson.previous", tooltip="The previous lesson"),
        Binding("t", "training", "Training", id="lesson.training",
                tooltip="The lesson's training run"),
        Binding("r", "run_block", "Run block", id="lesson.run",
                tooltip="Run the focused code block (tab moves between blocks), or the first "
                        "one in view, and show its output under it"),
        Binding("o", "scratch", "Scratch", id="lesson.scratch",
                tooltip="Open the code block in a scratch editor, change it and run it again"),
        Binding("escape", "app.pop_screen", "Map", id="lesson.back",
                tooltip="Back to the course map"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, session: Session, lesson: Lesson, *, section: str = "") -> None:
        """`section`: a heading to scroll to once the lesson is laid out (a training-health
        symptom's link)."""
        super().__init__(id=f"lesson-{lesson.id}", classes="lesson-screen")
        self.session = session
        self.lesson = lesson
        self._section = section
        self._scratch: dict[int, str] = {}  #: block number -> the learner's scratch copy
        try:
            self._answers = session.checkpoint_answers(lesson)
        except sqlite3.Error:
            self._answers = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="lesson-scroll"):
            yield ReflowMarkdown(self._markdown(), id="lesson-body", open_links=False,
                                 runnable=True, embeds={"checkpoint": self._checkpoint_card})
        yield Static(id="lesson-links")
        yield Footer(compact=True)

    def _markdown(self) -> str:
        try:
            return readable_formulas(self.lesson.body())
        except Exception as exc:  # noqa: BLE001 - unreadable file, bad front matter: say so
            return (f"# {self.lesson.title}\n\nThis lesson could not be read: `{exc}`.\n\n"
                    f"File: `{self.lesson.path}`")

    def _checkpoint_card(self, text: str) -> Widget:
        """The card for a ```checkpoint block (the lesson's loaded checkpoint of that id)."""
        try:
            found = self.lesson.checkpoint(parse_checkpoint(text).id)
        except (CheckpointError, KeyError) as exc:
            return Static(f"This checkpoint cannot be shown: {exc}", markup=False)
        total = len(self.lesson.checkpoints)
        return CheckpointCard(found, self.lesson.checkpoints.index(found) + 1, total,
                              self._answers.get(found.id))

    def on_mount(self) -> None:
        course = self.session.course
        index = course.lessons.index(self.lesson)
        self.title = f"{self.lesson.number:02d} · {self.lesson.title}"
        self.sub_title = f"lesson {index + 1} of {len(course.lessons)}"
        try:
            self.session.progress.record_lesson_read(self.lesson.id)
        except sqlite3.Error as exc:
            self.notify(f"Could not record this lesson as read: {exc}", severity="warning")
        self.query_one("#lesson-scroll").focus()
        self.show_links()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.show_links()

    def on_resize(self) -> None:
        if self.is_mounted:
            self.show_links()  # its wraps depend on the width

    def show_links(self) -> None:
        """The exercise, quiz and training line under the lesson (clickable, and keyed)."""
        course = self.session.course
        standing = read_standing(self.session, self.lesson.exercises)
        parts: list[Content | str | tuple[str, str]] = []
        if self.lesson.exercises:
            # one item per exercise, laid out here so that a wrap falls between two items,
            # never inside one (the pane is `width` cells wide, less its padding)
            width = max(20, (self.size.width or 100) - 4)
            line = len("Exercises")
            parts.append(("Exercises", "bold"))
            for i, ex_id in enumerate(self.lesson.exercises):
                if ex_id in course.exercises:
                    item = Content.assemble(
                        Content.from_markup(f"[@click=screen.exercise({i})][b]{i + 1}[/b] "
                                            "$name[/]", name=ex_id), " ", standing.mark(ex_id))
                else:
                    item = Content.styled(f"{i + 1} {ex_id} (not available)", "$text-muted")
                if line + 3 + item.cell_length > width:
                    parts.append("\n")
                    line = 0
                else:
                    parts.append("   ")
                    line += 3
                parts.append(item)
                line += item.cell_length
        if self.lesson.quiz:
            right = len(self.session.progress.quiz_correct(self.lesson.id)
                        & set(range(len(self.lesson.quiz))))
            parts += ["\n" if parts else "",
                      Content.from_markup("[@click=screen.quiz][b]c[/b] check yourself[/]"),
                      (f" {right}/{len(self.lesson.quiz)} right", "$text-muted")]
        if self.lesson.checkpoints:
            answered = [a for c, a in self._answers.items()
                        if any(c == k.id for k in self.lesson.checkpoints)]
            parts += ["\n" if parts else "", ("◆ checkpoints", "bold"),
                      ((f" {len(answered)}/{len(self.lesson.checkpoints)} answered, "
                        f"{sum(a.right for a in answered)} right"), "$text-muted")]
        if self.lesson.experiments:
            names = ", ".join(self.lesson.experiments)
            if training_screen_available():
                parts += ["   ", Content.from_markup("[@click=screen.training][b]t[/b] train "
                                                     "$names[/]", names=names)]
            else:
                parts += ["   ", (f"training runs: dltutor train {self.lesson.experiments[0]}",
                                  "$text-muted")]
        links = self.query_one("#lesson-links", Static)
        links.update(Content.assemble(*parts) if parts else "")
        links.display = bool(parts)

    # -- actions -------------------------------------------------------------------------------

    def action_exercise(self, index: int) -> None:
        exercises = self.lesson.exercises
        if index >= len(exercises):
            self.notify(f"This lesson has {len(exercises)} exercise"
                        f"{'s' if len(exercises) != 1 else ''}.")
            return
        if exercises[index] not in self.session.course.exercises:
            self.notify(f"{exercises[index]} is not available yet.", severity="warning")
            return
        self.post_message(ExerciseSelected(exercises[index]))

    def action_next_exercise(self) -> None:
        available = [e for e in self.lesson.exercises if e in self.session.course.exercises]
        if not available:
            self.notify("This lesson has no exercises to do yet.")
            return
        statuses = self.session.statuses()
        todo = [e for e in available if statuses.get(e) is not ExerciseStatus.PASSED]
        self.post_message(ExerciseSelected((todo or available)[0]))

    def action_quiz(self) -> None:
        if not self.lesson.quiz:
            self.notify("This lesson has no quiz.")
            return
        from tutor.app.screens.quiz import QuizScreen

        self.app.push_screen(QuizScreen(self.session, self.lesson))

    # -- runnable blocks and checkpoints -------------------------------------------------------

    def _blocks(self) -> list[ReflowedFence]:
        """The lesson's runnable blocks, in reading order (block K is `[K - 1]`)."""
        return [f for f in self.query(ReflowedFence) if f.runnable]

    def _current_block(self) -> ReflowedFence | None:
        """The focused code block, else the first one in view, else the first."""
        blocks = self._blocks()
        if isinstance(self.focused, ReflowedFence) and self.focused.runnable:
            return self.focused
        view = self.query_one("#lesson-scroll").region
        return next((b for b in blocks if b.region.overlaps(view)), blocks[0] if blocks else None)

    def action_run_block(self) -> None:
        block = self._current_block()
        if block is None:
            self.notify("This lesson has no code to run.")
            return
        block.focus()
        block.show_output("running…")
        self._run_block(block)

    @work(thread=True, group="blocks", exit_on_error=False)
    def _run_block(self, block: ReflowedFence) -> None:
        try:
            result = self.session.run_code(block.code)
            text, error = output_text(result), result.status in ("error", "timeout", "crash")
        except GraderError as exc:
            text, error = f"The grader failed: {exc}", True
        self.app.call_from_thread(block.show_output, text, error=error)

    def action_scratch(self) -> None:
        block = self._current_block()
        if block is None:
            self.notify("This lesson has no code to open.")
            return
        number = self._blocks().index(block) + 1
        title = f"Scratch copy of block {number} · {self.lesson.title}"

        def keep(text: str | None) -> None:
            if text is not None:
                self._scratch[number] = text

        self.app.push_screen(ScratchScreen(self.session, title,
                                           self._scratch.get(number, block.code), block.code),
                             keep)

    def on_checkpoint_card_predicted(self, event: CheckpointCard.Predicted) -> None:
        event.stop()
        self._answer(event.card, event.prediction)

    @work(thread=True, group="checkpoints", exit_on_error=False)
    def _answer(self, card: CheckpointCard, prediction: str) -> None:
        call = self.app.call_from_thread
        try:
            outcome, result = self.session.answer_checkpoint(self.lesson, card.checkpoint,
                                                             prediction)
        except BadPrediction as exc:
            call(card.show_problem, str(exc))
            return
        except (GraderError, sqlite3.Error) as exc:
            call(card.show_problem, f"The lesson's code could not be run: {exc}")
            return
        if outcome is None:
            call(card.show_problem, f"The lesson's code gave no value ({result.status}): "
                                    f"{result.error.strip()}")
            return
        self._answers[outcome.checkpoint] = outcome
        call(card.show_outcome, outcome)
        call(self.show_links)

    def action_step(self, delta: int) -> None:
        lessons = self.session.course.lessons
        index = lessons.index(self.lesson) + delta
        if not 0 <= index < len(lessons):
            self.notify("This is the " + ("last" if delta > 0 else "first") + " lesson.")
            return
        self.post_message(LessonSelected(lessons[index].id))

    def action_training(self) -> None:
        if not self.lesson.experiments:
            self.notify("This lesson has no training runs.")
            return
        self.post_message(ExperimentSelected(self.lesson.experiments[0]))

    def goto_section(self, section: str) -> bool:
        """Scroll to the heading titled `section`; False (and it is kept for when the lesson
        has been laid out) when there is no such heading yet."""
        markdown = self.query_one(Markdown)
        for _, title, block_id in markdown.table_of_contents:
            if title.strip() == section.strip() and block_id:
                markdown.query_one(f"#{block_id}").scroll_visible(top=True, animate=False)
                self._section = ""
                return True
        self._section = section
        return False

    def on_markdown_table_of_contents_updated(self, event: Markdown.TableOfContentsUpdated) -> None:
        if self._section:
            self.call_after_refresh(self.goto_section, self._section)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Links between lessons and to exercises stay in the app; web links open a browser."""
        href = event.href.strip()
        course = self.session.course
        target = href.removeprefix("exercise:")
        if target in course.exercises:
            self.post_message(ExerciseSelected(target))
            return
        name = Path(href.split("#")[0]).name
        for lesson in course.lessons:
            if lesson.path.name == name or lesson.id == href.removeprefix("lesson:"):
                self.post_message(LessonSelected(lesson.id))
                return
        if href.startswith(("http://", "https://")):
            self.app.open_url(href)
        elif href.startswith("#"):
            self.query_one(Markdown).goto_anchor(href[1:])
        else:
            self.notify(f"Unknown link: {href}", severity="warning")
