"""The course as a list: lessons in order, each followed by its exercises and their status.

A lesson row reads `3 ● 2/5 Loss functions`: its number, read (●) or not (○), exercises whose
file passes out of those available, title. An exercise row: the mark of its current file (✔ passes,
✓ passed before but not as it is now, ◐ attempted, · not started; see `tutor.app.standing`), id
and title.

Option ids say what a row is: `lesson:<id>`, `exercise:<id>`, or a disabled row for an exercise a
lesson lists that is not available (yet), so the learner sees the whole course shape."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tutor.app.standing import Standing
from tutor.course import Course


class CourseOutline(OptionList):
    """Every lesson and exercise in course order; selecting a row opens it.

    | key   | action                          |
    | ----- | ------------------------------- |
    | enter | open the highlighted row        |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="map.open",
                tooltip="Open the highlighted lesson or exercise (a click does too)"),
    ]

    DEFAULT_CSS = """
    CourseOutline, CourseOutline:focus {
        height: 1fr;
        border: none;
        padding: 0;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def show(self, course: Course, standing: Standing) -> None:
        """(Re)build the rows, keeping the highlighted row when it still exists."""
        keep = self.highlighted_id
        self.clear_options()
        options: list[Option] = []
        for group in course.groups():
            lesson = group.lesson
            if lesson is None:
                options.append(Option(Content.assemble((f"   {group.title}", "bold")),
                                      id="heading:more", disabled=True))
            else:
                read = lesson.id in standing.lessons_read
                done = sum(standing.key(e.id) == "passes" for e in group.available)
                n = len(group.available)
                options.append(Option(Content.assemble(
                    (f"{lesson.number:2d} ", "$text-muted"),
                    ("●" if read else "○", "$text-success" if read else "$text-muted"),
                    (f" {done}/{n} " if n else " ", "$text-muted"),
                    (lesson.title, "bold"),
                ), id=f"lesson:{lesson.id}"))
            options.extend(self._exercise_option(course, standing, ex_id)
                           for ex_id in group.listed)
        self.add_options(options)
        target = keep if keep and self._has(keep) else None
        if target:
            self.highlight_id(target)

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None:
            return None
        return self.get_option_at_index(self.highlighted).id

    def highlight_id(self, option_id: str) -> bool:
        """Move the cursor to a row by id; False when there is no such row."""
        if not self._has(option_id):
            return False
        self.highlighted = self.get_option_index(option_id)
        self.scroll_to_highlight(top=False)
        return True

    def _has(self, option_id: str) -> bool:
        try:
            self.get_option_index(option_id)
        except Exception:  # noqa: BLE001 - OptionDoesNotExist
            return False
        return True

    @staticmethod
    def _exercise_option(course: Course, standing: Standing, ex_id: str) -> Option:
        exercise = course.exercises.get(ex_id)
        if exercise is None:
            return Option(Content.assemble(("     ", ""), (f"{ex_id}", "$text-muted italic"),
                                           ("  not available yet", "$text-muted")),
                          id=f"missing:{ex_id}", disabled=True)
        return Option(Content.assemble(
            ("     ", ""), standing.mark(ex_id), " ", exercise.id,
            (f"  {exercise.title}", "$text-muted"),
            (f"  [{exercise.pack}]" if exercise.pack else "", "$text-accent"),
        ), id=f"exercise:{ex_id}")
