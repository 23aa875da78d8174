"""Every exercise is sound: the solution passes (public and hidden cases), the starter fails,
each known mistake fails and is named, references are finite, metadata is complete.

Runs for all exercises at once, so adding an exercise adds its tests."""

from __future__ import annotations

import pytest

from tutor.course import load_course
from tutor.grading.validate import validate_exercise

COURSE = load_course()


def test_content_loads_without_problems():
    assert COURSE.problems == ()


@pytest.mark.parametrize("exercise_id", sorted(COURSE.exercises))
def test_exercise_is_sound(grader, exercise_id):
    report = validate_exercise(grader, COURSE.exercise(exercise_id))
    assert report.ok, "\n".join(report.problems)


def test_every_lesson_has_an_exercise_and_a_quiz():
    for lesson in COURSE.lessons:
        assert lesson.exercises, lesson.id
        assert len(lesson.quiz) >= 2, lesson.id
        assert "$" not in lesson.body(), f"{lesson.id}: LaTeX in a terminal lesson"


def test_lessons_are_numbered_in_order_without_gaps():
    numbers = [lesson.number for lesson in COURSE.lessons]
    assert numbers == list(range(1, len(numbers) + 1))


def test_core_exercises_have_their_signatures():
    import importlib.util
    import inspect

    expected = {
        "relu_backward": ["dout", "x"],
        "conv_output_size": ["w", "f", "p", "s"],
        "adam_step": ["param", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"],
        "lstm_cell": ["x", "h_prev", "c_prev", "W_ih", "W_hh", "b_ih", "b_hh"],
    }
    for ex_id, params in expected.items():
        ex = COURSE.exercise(ex_id)
        spec = importlib.util.spec_from_file_location(ex_id, ex.starter_path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        assert list(inspect.signature(getattr(mod, ex.function)).parameters) == params
