"""The course map, the lesson reader, the quiz, help and the command palette, driven with Pilot.
Progress is checked across a restart of the app on the same workspace."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console

from tutor.app.commands import CourseCommands
from tutor.app.messages import ExerciseSelected, LessonSelected
from tutor.app.screens.course_map import CourseMapScreen
from tutor.app.screens.exercise import ExerciseScreen
from tutor.app.screens.help import HelpScreen
from tutor.app.screens.lesson import LessonScreen
from tutor.app.screens.problems import ProblemsScreen
from tutor.app.screens.quiz import QuizScreen
from tutor.app.widgets.course_outline import CourseOutline
from tutor.app.widgets.question_card import QuestionCard
from tutor.progress import ExerciseStatus, ProgressStore


def text_of(widget) -> str:  # type: ignore[no-untyped-def]
    content = widget.content
    if hasattr(content, "plain"):
        return str(content.plain)
    console = Console(width=120, record=True, file=io.StringIO(), color_system=None)
    console.print(content)
    return " ".join(console.export_text().split())  # wrapping must not split a phrase


def outline_rows(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    outline = app.screen.query_one(CourseOutline)
    rows = {}
    for i in range(outline.option_count):
        option = outline.get_option_at_index(i)
        rows[option.id] = str(getattr(option.prompt, "plain", option.prompt))
    return rows


def test_map_lists_lessons_and_exercises_and_opens_a_lesson(tutor_app, mini_course,
                                                            wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app(course=mini_course)
        async with app.run_test(size=(80, 24)) as pilot:
            assert isinstance(app.screen, CourseMapScreen)
            rows = outline_rows(app)
            assert list(rows)[:3] == ["lesson:doubling", "exercise:double_it",
                                      "exercise:broken_check"]
            assert "Doubling things" in rows["lesson:doubling"]
            assert "○" in rows["lesson:doubling"]  # not read yet
            assert "·" in rows["exercise:double_it"]  # not started
            # a newcomer starts at the first lesson
            assert app.screen.query_one(CourseOutline).highlighted_id == "lesson:doubling"
            assert "0/2 exercises passed" in text_of(app.screen.query_one("#map-summary"))
            # broken content is announced, and listed on demand
            assert "1 lesson/exercise problem" in text_of(app.screen.query_one("#map-notice"))
            await pilot.press("w")
            await wait_until(pilot, lambda: isinstance(app.screen, ProblemsScreen), "problems")
            assert any("bad_toml" in p for p in app.screen.problems)
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, CourseMapScreen), "map")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
            assert app.session.progress.lessons_read() == {"doubling"}
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, CourseMapScreen), "map")
            assert "●" in outline_rows(app)["lesson:doubling"]  # read, shown on return

    asyncio.run(scenario())


def test_lesson_renders_markdown_and_links_to_exercises_and_quiz(tutor_app, mini_course,
                                                                 wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app(course=mini_course)
        async with app.run_test(size=(100, 30)) as pilot:
            app.post_message(LessonSelected("doubling"))
            await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen)
                             and bool(app.screen.query("MarkdownTable")), "the lesson")
            screen = app.screen
            assert screen.query("MarkdownH1") and screen.query("MarkdownFence")
            source = screen.query_one("Markdown").source
            assert "\\frac" not in source and "1/2" in source  # LaTeX made readable
            links = text_of(screen.query_one("#lesson-links"))
            assert "1 double_it" in links and "check yourself" in links
            assert "spiral_mlp" in links  # its training run (a key, or the CLI command)
            await pilot.press("e")  # the lesson's next exercise to do
            await wait_until(pilot, lambda: isinstance(app.screen, ExerciseScreen), "exercise")
            assert app.screen.exercise.id == "double_it"
            await pilot.press("ctrl+l")  # back to its lesson: the one below on the stack
            await wait_until(pilot, lambda: app.screen is screen, "the lesson again")
            await pilot.press("2")
            await wait_until(pilot, lambda: isinstance(app.screen, ExerciseScreen), "exercise")
            assert app.screen.exercise.id == "broken_check"
            await pilot.press("ctrl+n")  # the last exercise: a notice, no move
            assert app.screen.exercise.id == "broken_check"
            assert len(app.screen_stack) == 3  # map, lesson, exercise: never deeper

    asyncio.run(scenario())


def test_next_and_previous_lesson_on_the_real_course(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        lessons = app.session.course.lessons
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen), "lesson")
            assert app.screen.lesson.id == lessons[0].id
            await pilot.press("n")
            await wait_until(pilot, lambda: app.screen.lesson.id == lessons[1].id, "next")
            await pilot.press("p")
            await wait_until(pilot, lambda: app.screen.lesson.id == lessons[0].id, "previous")
            await pilot.press("p")  # the first lesson: stays
            assert app.screen.lesson.id == lessons[0].id
            assert len(app.screen_stack) == 2
            assert app.session.progress.lessons_read() == {lessons[0].id, lessons[1].id}

    asyncio.run(scenario())


def test_quiz_answers_are_graded_and_recorded(tutor_app, mini_course, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app(course=mini_course)
        async with app.run_test(size=(100, 30)) as pilot:
            app.post_message(LessonSelected("doubling"))
            await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen), "lesson")
            await pilot.press("c")
            await wait_until(pilot, lambda: isinstance(app.screen, QuizScreen), "the quiz")
            first, second = app.screen.query(QuestionCard)
            assert first.query_one("OptionList").has_focus
            await pilot.press("enter")  # choice a) 5: wrong
            assert first.has_class("-wrong")
            assert "3 + 2" in text_of(first.query_one(".verdict"))
            assert app.session.progress.quiz_correct("doubling") == set()
            await pilot.press("down", "enter")  # b) 6: right, and on to the next question
            assert first.has_class("-right")
            assert second.query_one("Input").has_focus
            await pilot.press("x", "enter")  # not a number: not recorded
            said = text_of(second.query_one(".verdict"))
            assert "Type a number or a fraction" in said and "0.5" not in said  # no answer leaks
            assert "Right: Right" not in text_of(first.query_one(".verdict"))
            await pilot.press("backspace", "1", "/", "4", "enter")  # a fraction is a number
            assert second.has_class("-wrong") and not second.has_class("-right")
            await pilot.press(*["backspace"] * 3, "1", "/", "2", "enter")
            assert second.has_class("-right")
            assert app.session.progress.quiz_correct("doubling") == {0, 1}
            assert "2 of 2" in text_of(app.screen.query_one("#quiz-score"))

    asyncio.run(scenario())


def test_progress_shows_after_restart(tutor_app, mini_course, wait_until, tmp_path) -> None:
    solution = mini_course.exercises["double_it"].solution_path.read_text()

    async def first_run() -> None:
        app = tutor_app(course=mini_course, workspace=tmp_path / "ws")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("enter", "1")  # the lesson (read), then its first exercise
            await wait_until(pilot, lambda: isinstance(app.screen, ExerciseScreen), "exercise")
            screen = app.screen
            screen.editor.text = solution
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: screen.last_result is not None, "the check")
            assert screen.last_result.passed
            await pilot.press("ctrl+q")

    async def second_run() -> None:
        app = tutor_app(course=mini_course, workspace=tmp_path / "ws")
        async with app.run_test(size=(100, 30)) as pilot:
            rows = outline_rows(app)
            assert "✔" in rows["exercise:double_it"]
            assert "●" in rows["lesson:doubling"]
            assert "1/2 exercises passed" in text_of(app.screen.query_one("#map-summary"))
            # it opens where the learner left off: the next exercise after the one passed
            assert app.screen.query_one(CourseOutline).highlighted_id == "exercise:broken_check"
            await pilot.press("c")
            await wait_until(pilot, lambda: isinstance(app.screen, ExerciseScreen), "continue")
            assert app.screen.exercise.id == "broken_check"
            # the file written in the first run is still there
            assert app.session.workspace.path(mini_course.exercises["double_it"]).read_text() \
                == solution

    asyncio.run(first_run())
    asyncio.run(second_run())


def test_corrupt_progress_database_shows_a_notice(tutor_app, mini_course, tmp_path,
                                                  wait_until) -> None:
    ws = tmp_path / "ws"
    (ws / ".dltutor").mkdir(parents=True)
    (ws / ".dltutor" / "progress.db").write_bytes(b"this is not a database" * 100)

    async def scenario() -> None:
        app = tutor_app(course=mini_course, workspace=ws)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, CourseMapScreen)
            assert "could not be read" in text_of(app.screen.query_one("#map-notice"))
            await pilot.press("enter")  # and the app works on a fresh record
            await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen), "lesson")

    asyncio.run(scenario())
    assert list((ws / ".dltutor").glob("progress.db.corrupt-*"))
    assert ProgressStore(ws / ".dltutor" / "progress.db").lessons_read() == {"doubling"}


def test_help_screen_and_command_palette_cover_the_bindings(tutor_app, mini_course,
                                                            wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app(course=mini_course)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f1")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
            shown = text_of(app.screen.query_one(".dialog-scroll Static"))
            for words in ("Course map", "Exercise", "Save your file and check it",
                          "Unlock the next hint", "Check yourself"):
                assert words in shown
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, CourseMapScreen), "map")
            app.post_message(ExerciseSelected("double_it"))
            await wait_until(pilot, lambda: isinstance(app.screen, ExerciseScreen), "exercise")
            names = {c.title for c in app.get_system_commands(app.screen)}
            for action in ("Check", "Save", "Hint", "Solution", "Reset", "Next", "Lesson",
                           "Task", "Result", "Hints", "Reload", "Layout", "History", "Help"):
                assert action in names, action
            provider = CourseCommands(app.screen)
            hits = [hit async for hit in provider.discover()]
            assert any("Open exercise: double_it" in str(h.display) for h in hits)
            assert any("Doubling things" in str(h.display) for h in hits)

    asyncio.run(scenario())


def test_map_status_marks_follow_progress(tutor_app, mini_course, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app(course=mini_course)
        app.session.progress.record_attempt("double_it", "fail", 0.3, b"x = 1")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert "◐" in outline_rows(app)["exercise:double_it"]
            assert app.session.progress.status("double_it") is ExerciseStatus.ATTEMPTED
            # the learner left off at the exercise they attempted
            assert app.screen.query_one(CourseOutline).highlighted_id == "exercise:double_it"

    asyncio.run(scenario())
