"""Command palette entries for the course itself: jump to any lesson or exercise by name.

(Every key binding of the current screen is also in the palette: see
`DLTutorApp.get_system_commands`.)"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message

from tutor.app.messages import ExerciseSelected, LessonSelected
from tutor.session import Session


class CourseCommands(Provider):
    """`Open lesson: ...` and `Open exercise: ...` for the whole course."""

    def _entries(self) -> list[tuple[str, str, Message]]:
        session: Session = self.app.session  # type: ignore[attr-defined]
        course = session.course
        entries: list[tuple[str, str, Message]] = []
        for lesson in course.lessons:
            about = ", ".join(lesson.exercises[:4]) + ("…" if len(lesson.exercises) > 4 else "")
            entries.append((f"Open lesson {lesson.number:02d}: {lesson.title}",
                            f"exercises: {about}" if about else "a lesson",
                            LessonSelected(lesson.id)))
        for exercise in course.ordered_exercises():
            entries.append((f"Open exercise: {exercise.id}",
                            exercise.summary or exercise.title, ExerciseSelected(exercise.id)))
        return entries

    async def discover(self) -> Hits:
        for name, help_text, message in self._entries():
            yield DiscoveryHit(name, partial(self.app.post_message, message), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, message in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self.app.post_message, message),
                          help=help_text)
