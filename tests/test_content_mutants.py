"""No wrong code passes the built-in course: every mutant of every solution (operators swapped,
constants nudged, axes changed, a clip inserted…) fails the public cases, unless it is
equivalent (`dltutor validate --mutants`, issue 10's bar).

A file of its own so the suite's workers share it out evenly: it is the longest single group."""

from __future__ import annotations

import pytest

from tutor.course import load_course
from tutor.grading.validate import mutation_test

COURSE = load_course()


@pytest.mark.parametrize("exercise_id", sorted(COURSE.exercises))
def test_no_mutant_of_the_solution_survives(grader, exercise_id):
    """`validate --mutants`, so it stays true: every non-equivalent mutant of the solution fails
    the public cases (issue 10's bar for the built-in course)."""
    report = mutation_test(grader, COURSE.exercise(exercise_id))
    assert not report.skipped, report.skipped
    assert not report.surviving, "\n".join(
        f"line {m.line}: {m.description} (caught only by {m.caught_by})"
        for m in report.surviving)
