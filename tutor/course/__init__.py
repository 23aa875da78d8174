"""The course as data: lessons, exercises, solutions, loaded from folders. Pure data, no torch."""

from tutor.course.loader import ContentError, load_course
from tutor.course.model import Course, Exercise, Lesson, Mistake, QuizQuestion

__all__ = ["ContentError", "Course", "Exercise", "Lesson", "Mistake", "QuizQuestion", "load_course"]
