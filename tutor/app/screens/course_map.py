"""The home screen: the whole course, the learner's standing, and where they left off.

| key   | action                                              |
| ----- | --------------------------------------------------- |
| enter | open the highlighted lesson or exercise             |
| c     | continue where you left off                         |
| t     | the highlighted lesson's training runs              |
| w     | content that could not be loaded (when there is any) |
| q     | quit                                                |
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, ProgressBar, Static

from tutor.app.messages import ExerciseSelected, ExperimentSelected, LessonSelected
from tutor.app.standing import LEGEND, Standing, read_standing
from tutor.app.widgets.course_outline import CourseOutline
from tutor.course import Exercise, Lesson
from tutor.progress import ExerciseStatus
from tutor.session import Session


def training_screen_available() -> bool:
    """The training screen is built separately; until it exists, runs are a CLI command."""
    try:
        return find_spec("tutor.app.screens.training") is not None
    except (ImportError, ValueError):
        return False


class CourseMapScreen(Screen[None]):
    """Lessons in order with their exercises, statuses and overall progress."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "continue", "Continue", id="map.continue",
                tooltip="Open the exercise you worked on last (or the next one to do)"),
        Binding("t", "training", "Training", id="map.training",
                tooltip="The training runs of the highlighted lesson"),
        Binding("w", "problems", "Problems", id="map.problems",
                tooltip="Lessons and exercises that could not be loaded"),
        Binding("q", "app.quit", "Quit", id="map.quit", key_display="q/^q"),
        Binding("question_mark", "app.help", "Help", id="map.help", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(id="course-map")
        self.session = session
        self.standing = Standing()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="map-progress"):
            yield Static(id="map-summary")
            yield ProgressBar(total=max(1, len(self.session.course.exercises)), show_eta=False,
                              id="map-bar")
        with Horizontal(id="map-body"):
            yield CourseOutline(id="outline")
            with VerticalScroll(id="map-details"):
                yield Static(id="details-body")
                yield Static(LEGEND, id="map-legend", markup=False)
        yield Static(id="map-notice")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "dltutor"
        self.sub_title = "course map"
        self.refresh_standing()
        outline = self.query_one(CourseOutline)
        outline.highlight_id(self.starting_point())
        outline.focus()
        self._show_notice()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.refresh_standing()

    # -- what to show --------------------------------------------------------------------------

    def refresh_standing(self) -> None:
        """Re-read the learner's progress and redraw the outline and the summary."""
        self.standing = read_standing(self.session)
        course = self.session.course
        self.query_one(CourseOutline).show(course, self.standing)
        passed = sum(self.standing.key(e) == "passes" for e in course.exercises)
        before = sum(self.standing.key(e) == "passed before" for e in course.exercises)
        total = len(course.exercises)
        read = len(self.standing.lessons_read & {lesson.id for lesson in course.lessons})
        self.query_one("#map-summary", Static).update(
            f"{passed}/{total} exercises passed" + (f" · {before} passed before" if before else "")
            + f" · {read}/{len(course.lessons)} lessons read")
        self.query_one("#map-bar", ProgressBar).update(total=max(1, total), progress=passed)
        self._show_details(self.query_one(CourseOutline).highlighted_id)

    def starting_point(self) -> str:
        """Where the learner left off, as an outline row id: the exercise they checked last
        (or, once it passed, the next one not passed yet); for a newcomer, the first lesson not
        read yet."""
        course = self.session.course
        order = course.ordered_exercises()
        last = self.session.progress.last_exercise()
        if last in course.exercises:
            ids = [e.id for e in order]
            after = ids[ids.index(last):] + ids[:ids.index(last)]
            for ex_id in after:
                if self.standing.status(ex_id) is not ExerciseStatus.PASSED:
                    return f"exercise:{ex_id}"
            return f"exercise:{last}"
        for lesson in course.lessons:
            if lesson.id not in self.standing.lessons_read:
                return f"lesson:{lesson.id}"
        for exercise in order:
            if self.standing.status(exercise.id) is not ExerciseStatus.PASSED:
                return f"exercise:{exercise.id}"
        return f"lesson:{course.lessons[0].id}" if course.lessons else ""

    def _show_notice(self) -> None:
        lines = []
        notice = self.session.progress.notice
        if notice is not None:
            lines.append(Text("⚠ " + notice.message, style="bold"))
            self.notify(notice.message, title="Progress file", severity="warning", timeout=15)
        problems = self.session.course.problems
        if problems:
            lines.append(Text(f"⚠ {len(problems)} lesson/exercise problem"
                              f"{'s' if len(problems) > 1 else ''} (content that could not be "
                              "loaded or is missing): press w to see them.", style="dim"))
        widget = self.query_one("#map-notice", Static)
        widget.update(Group(*lines) if lines else "")
        widget.display = bool(lines)

    def _show_details(self, option_id: str | None) -> None:
        body = self.query_one("#details-body", Static)
        if not option_id:
            body.update("")
            return
        kind, _, ident = option_id.partition(":")
        course = self.session.course
        if kind == "lesson":
            body.update(self._lesson_details(course.lesson(ident)))
        elif kind == "exercise":
            body.update(self._exercise_details(course.exercises[ident]))
        elif kind == "missing":
            body.update(Text(f"{ident} is listed by its lesson but is not available in this "
                             "course yet.", style="dim"))
        else:
            body.update("")

    def _lesson_details(self, lesson: Lesson) -> RenderableType:
        course = self.session.course
        parts: list[RenderableType] = [Text(lesson.title, style="bold")]
        read = lesson.id in self.standing.lessons_read
        parts.append(Text("read ✔" if read else "not read yet", style="dim"))
        if lesson.quiz:
            right = len(self.session.progress.quiz_correct(lesson.id) & set(range(len(lesson.quiz))))
            parts.append(Text(f"check yourself: {right}/{len(lesson.quiz)} answered right"))
        table = Table.grid(padding=(0, 1))
        for ex_id in lesson.exercises:
            if ex_id in course.exercises:
                table.add_row(Text(ex_id), Text(self.standing.words(ex_id), style="dim"))
            else:
                table.add_row(Text(ex_id, style="dim"), Text("not available", style="dim"))
        if lesson.exercises:
            parts += [Text(""), Text("Exercises", style="bold"), table]
        if lesson.experiments:
            parts += [Text(""), Text("Training runs", style="bold")]
            if training_screen_available():
                parts.append(Text("press t: " + ", ".join(lesson.experiments)))
            else:
                parts.extend(Text(f"dltutor train {name}") for name in lesson.experiments)
        parts += [Text(""), Text("enter: read the lesson", style="dim")]
        return Group(*parts)

    def _exercise_details(self, exercise: Exercise) -> RenderableType:
        progress = self.session.progress
        parts: list[RenderableType] = [Text(exercise.title, style="bold")]
        if exercise.summary:
            parts.append(Text(exercise.summary))
        parts.append(Text(""))
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim")
        table.add_column()
        table.add_row("your file", self.standing.words(exercise.id))
        attempts = progress.attempts(exercise.id)
        if attempts:
            table.add_row("checks", str(attempts))
            table.add_row("best score", f"{progress.best_score(exercise.id):.0%}")
        if exercise.hints:
            table.add_row("hints", f"{min(progress.hints_shown(exercise.id), len(exercise.hints))}"
                          f"/{len(exercise.hints)} unlocked")
        table.add_row("file", str(self.session.workspace.path(exercise)))
        if exercise.pack:
            table.add_row("pack", exercise.pack)
        parts += [table, Text(""), Text("enter: open the exercise", style="dim")]
        return Group(*parts)

    # -- events and actions --------------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_details(event.option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, ident = (event.option_id or "").partition(":")
        if kind == "lesson":
            self.post_message(LessonSelected(ident))
        elif kind == "exercise":
            self.post_message(ExerciseSelected(ident))

    def action_continue(self) -> None:
        kind, _, ident = self.starting_point().partition(":")
        if kind == "exercise":
            self.post_message(ExerciseSelected(ident))
        elif kind == "lesson":
            self.post_message(LessonSelected(ident))
        else:
            self.notify("This course is empty.", severity="warning")

    def _highlighted_lesson(self) -> Lesson | None:
        option_id = self.query_one(CourseOutline).highlighted_id or ""
        kind, _, ident = option_id.partition(":")
        course = self.session.course
        if kind == "lesson":
            return course.lesson(ident)
        if kind == "exercise" and course.exercises[ident].lesson_id:
            return course.lesson(course.exercises[ident].lesson_id)  # type: ignore[arg-type]
        return None

    def action_training(self) -> None:
        lesson = self._highlighted_lesson()
        if lesson is None or not lesson.experiments:
            self.notify("The highlighted lesson has no training runs.", severity="information")
            return
        self.post_message(ExperimentSelected(lesson.experiments[0]))

    def action_problems(self) -> None:
        from tutor.app.screens.problems import ProblemsScreen

        self.app.push_screen(ProblemsScreen(self.session.course.problems))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # no problems: nothing to show, so the key is hidden
        return not (action == "problems" and not self.session.course.problems)
