"""The exercise screen: the task beside an editor on the learner's own file, and the check.

| key            | action                                                     |
| -------------- | ---------------------------------------------------------- |
| ctrl+r  (r)    | save and check, in the background (the UI stays usable)    |
| ctrl+s         | save                                                       |
| ctrl+t  (h)    | unlock the next hint                                       |
| ctrl+n  (n)    | next exercise                                              |
| f8             | layout: side by side / task full width / editor full width |
| esc            | leave the editor; again: back                              |
| ctrl+o         | the reference solution (after a real attempt; asks first)  |
| ctrl+g         | reset the file to the starter (asks first; keeps a .bak)   |
| f9             | the kept versions of the file; restore one (asks first)    |
| ctrl+l  (l)    | the exercise's lesson                                      |
| f2 / f3 / f4   | show the task / the result / the hints                     |
| f5             | reload the file from disk                                  |
| (e)            | back into the editor (tab too)                             |

In the editor every letter is typed, so the keys there are ctrl combinations and function keys;
the plain letters in brackets work once the editor is not focused (esc). The footer shows the
first six, so it fits 80 columns; every key is in f1 help and the command palette (ctrl+p).

The file is watched: a change made in another editor is loaded and checked (rustlings-style),
unless the learner has unsaved edits here, in which case they are told and nothing is
overwritten. The header tells the truth about the file as it is *now* (`tutor.app.standing`):
"fails · passed before" after a passing file was broken, never a stale "passed". The last
check's report is shown again when the exercise opens, even after a relaunch."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from tutor.app.formulas import readable_formulas
from tutor.app.messages import ExerciseGraded, ExerciseSelected, LessonSelected
from tutor.app.screens.confirm import ConfirmScreen
from tutor.app.standing import file_words
from tutor.app.widgets.editor import CodeEditor, code_editor
from tutor.app.widgets.file_watcher import FileWatcher
from tutor.app.widgets.hint_list import HintList
from tutor.app.widgets.reflow_markdown import ReflowMarkdown
from tutor.app.widgets.result_panel import ResultPanel
from tutor.course import Exercise
from tutor.grading.results import CheckResult
from tutor.present import verdict
from tutor.session import NoSuchVersion, Session, SolutionLocked


def _short(path: Path) -> str:
    """The path with the home folder as ~, to fit a narrow pane."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


class ExerciseScreen(Screen[None]):
    """Task, result and hints on the left; the learner's file in an editor on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # shown in the footer (they fit 80 columns with the app's f1 Help and ^p palette)
        Binding("ctrl+r,r", "check", "Check", id="exercise.check",
                tooltip="Save your file and check it against PyTorch"),
        Binding("ctrl+s", "save", "Save", id="exercise.save", tooltip="Save your file"),
        Binding("ctrl+t,h", "hint", "Hint", id="exercise.hint",
                tooltip="Unlock the next hint"),
        Binding("ctrl+n,n", "next_exercise", "Next", id="exercise.next",
                tooltip="The next exercise of the course"),
        Binding("f8", "cycle_layout", "Layout", id="exercise.layout",
                tooltip="Side by side, task/result full width, or editor full width"),
        Binding("escape", "back", "Back", id="exercise.back",
                tooltip="Leave the editor; pressed again: back to the lesson or the map"),
        # in f1 help and the command palette
        Binding("ctrl+o", "solution", "Solution", id="exercise.solution", show=False,
                tooltip="The reference solution (after a real attempt)"),
        Binding("ctrl+g", "reset", "Reset", id="exercise.reset", show=False,
                tooltip="Put the starter code back (your code is kept as a version and in a "
                        ".bak file)"),
        Binding("f9", "history", "History", id="exercise.history", show=False,
                tooltip="The kept versions of your file: restore one"),
        Binding("ctrl+l,l", "lesson", "Lesson", id="exercise.lesson", show=False,
                tooltip="The lesson this exercise belongs to"),
        Binding("f2", "show_tab('task')", "Task", id="exercise.task", show=False,
                tooltip="Show the task statement"),
        Binding("f3", "show_tab('result')", "Result", id="exercise.result", show=False,
                tooltip="Show the last check's result"),
        Binding("f4", "show_tab('hints')", "Hints", id="exercise.hints", show=False,
                tooltip="Show the hints unlocked so far"),
        Binding("f5", "reload", "Reload", id="exercise.reload", show=False,
                tooltip="Load the file again from disk"),
        Binding("e", "edit", "Edit", id="exercise.edit", show=False,
                tooltip="Back into the editor (outside it; tab works too)"),
    ]

    LAYOUTS = ("split", "wide-task", "wide-editor")
    """The f8 cycle: side by side; the task/result/hints tabs alone; the editor alone."""

    checking: reactive[bool] = reactive(False)
    """A check is running (in a thread; the grader does the work in its own process)."""

    layout_mode: reactive[str] = reactive("split")
    """Which of LAYOUTS the screen shows (a CSS class on the screen does the work)."""

    def __init__(self, session: Session, exercise: Exercise, *, watch_interval: float = 0.5) -> None:
        super().__init__(id=f"exercise-{exercise.id}", classes="exercise-screen")
        self.session = session
        self.exercise = exercise
        self.path = session.workspace.path(exercise)
        self.saved_text = ""
        self.file_error: str | None = None
        """Why the learner's file cannot be edited (unreadable, not UTF-8); None when fine."""
        self.last_result: CheckResult | None = None
        """The result of a check made on this screen (None until one ends)."""
        self.stored_result: CheckResult | None = None
        """The last check's report from the learner's record, shown when the screen opens."""
        self.disk_conflict = False
        """The file changed on disk while the editor held unsaved edits (until saved/reloaded)."""
        self._checking_what = ""
        # Kept as attributes, not queried: on_unmount (autosave) runs after the DOM is gone.
        self._editor = code_editor(id="editor")
        self._watcher = FileWatcher(self.path, interval=watch_interval, id="watcher")

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="ex-body"):
            with TabbedContent(id="ex-tabs", initial="task"):
                with TabPane("Task", id="task"), VerticalScroll(id="task-scroll"):
                    yield Static(id="task-file", markup=False)
                    yield ReflowMarkdown(self._statement(), id="task-body", open_links=False)
                with TabPane("Result", id="result"):
                    yield ResultPanel(idle_text="Not checked yet: press ctrl+r to save and check "
                                                "your code.", id="result-panel")
                with TabPane("Hints", id="hints"):
                    yield HintList(len(self.exercise.hints), "ctrl+t (or h)", id="hint-list")
            with Vertical(id="ex-editor-pane"):
                yield self._editor
                yield Static(id="ex-status", markup=False)
        yield self._watcher
        yield Footer(compact=True)

    def _statement(self) -> str:
        try:
            return readable_formulas(self.exercise.statement())
        except Exception as exc:  # noqa: BLE001 - a broken exercise must not take the app down
            return f"# {self.exercise.title}\n\nThe task statement could not be read: `{exc}`"

    @property
    def editor(self) -> CodeEditor:
        return self._editor

    @property
    def results(self) -> ResultPanel:
        return self.query_one(ResultPanel)

    @property
    def watcher(self) -> FileWatcher:
        return self._watcher

    @property
    def grader_warming(self) -> bool:
        """The grading worker is still starting (the app's `grader_state`)."""
        return getattr(self.app, "grader_state", "ready") == "starting"

    def on_mount(self) -> None:
        self.add_class(f"-{self.layout_mode}")
        self.title = self.exercise.title
        self.query_one("#task-file", Static).update(
            f"Your file: {_short(self.path)}\nEdit it here or in any editor: saving it there "
            "checks it. f8 widens this pane.")
        self.query_one(HintList).set_hints(self.session.hints_unlocked(self.exercise))
        self.load_file()
        if self.file_error is None:
            self._show_stored_result()
        self._label_tabs()
        self.editor.focus()
        self._update_subtitle()
        self.watch(self.app, "grader_state", self._grader_state_changed)

    def _show_stored_result(self) -> None:
        """The report of the last check (from an earlier visit or session), on the Result tab."""
        try:
            result = self.session.last_result(self.exercise)
        except (OSError, sqlite3.Error):
            result = None
        if result is None:
            return
        self.stored_result = result
        self.results.show_result(result, note=self._result_note(result))
        self.query_one(TabbedContent).active = "result"

    def _result_note(self, result: CheckResult) -> str:
        """The line above a report that is not a check just made of the file as it is now."""
        try:
            last = self.session.progress.last_result(self.exercise.id)
            state = self.session.file_state(self.exercise)
        except (OSError, sqlite3.Error):
            return ""
        if last is not None and state.digest == last[0]:  # the report is about this content
            return "" if result is self.last_result else "Your last check of this exercise."
        now = (f" (as it is now, it {verdict(state.verdict).past} "
               "when last checked)" if state.checked else "")
        return f"This report is about an earlier version of your file{now}: ctrl+r checks it."

    def _renote_result(self) -> None:
        """After the file changed (saved, reloaded, reset, restored): say whether the report
        shown is still about it."""
        for panel in self.query(ResultPanel).results(ResultPanel):  # none once unmounting
            if panel.state == "done" and panel.result is not None:
                note = self._result_note(panel.result)
                if note != panel.note:
                    panel.show_result(panel.result, note=note)

    def _grader_state_changed(self, state: str) -> None:
        """While the grader warms up, say so (with the seconds) instead of a bare checking…"""
        panel = self.results
        since = getattr(self.app, "grader_since", 0.0)
        if state == "starting":
            if self.checking:
                panel.show_warming(self._checking_what, since)
            elif panel.state == "idle":
                panel.show_warming("", since)
        elif panel.state == "warming":
            if self.checking:
                panel.show_checking(self._checking_what)
            else:
                panel.show_idle()
        self._update_status()

    # -- the learner's file ------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """The editor holds edits that are not on disk yet."""
        return self.file_error is None and self.editor.text != self.saved_text

    def load_file(self) -> None:
        """(Re)load the learner's file into the editor, creating it from the starter if needed.
        A file that cannot be read is explained, never a crash; editing is then off."""
        editor = self.editor
        try:
            self.session.workspace.ensure(self.exercise)
            text = self.path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            self._file_failed(f"{self.path} is not UTF-8 text ({exc.reason} at byte {exc.start}). "
                              "Fix its encoding in your editor, or reset it to the starter "
                              "(ctrl+g), then reload (f5).")
            return
        except OSError as exc:
            why = exc.strerror or str(exc)
            self._file_failed(f"Cannot read {self.path}: {why}. Check the file's permissions, "
                              "or reset it to the starter (ctrl+g), then reload (f5).")
            return
        self.file_error = None
        self.disk_conflict = False
        editor.read_only = False
        self.saved_text = text
        row, col = editor.cursor_location
        editor.load_text(text)
        lines = text.split("\n")
        row = min(row, len(lines) - 1)
        editor.cursor_location = (row, min(col, len(lines[row])))
        self.watcher.accept()
        self._update_status()
        self._update_subtitle()
        self._renote_result()

    def _file_failed(self, message: str) -> None:
        self.file_error = message
        self.editor.load_text("")
        self.editor.read_only = True
        self.results.show_error("Your file cannot be opened", message)
        self.action_show_tab("result")
        self.watcher.accept()
        self._update_status()

    def save(self) -> bool:
        """Write the editor's text to the learner's file (atomically). False if it failed."""
        if self.file_error is not None:
            self.notify(self.file_error, title="Not saved", severity="error")
            return False
        text = self.editor.text
        try:
            self.session.save(self.exercise, text)
        except OSError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            return False
        self.saved_text = text
        self.disk_conflict = False
        self.watcher.accept()
        self._update_status()
        self._update_subtitle()
        self._renote_result()
        return True

    def on_text_area_changed(self, event: CodeEditor.Changed) -> None:
        self._update_status()

    def on_file_watcher_file_changed(self, event: FileWatcher.FileChanged) -> None:
        """The file changed in another editor: load it and check it, unless that would throw
        away edits made here."""
        if self.dirty:
            self.disk_conflict = True
            self._update_status()
            self.notify(f"{self.path.name} changed on disk, and you have unsaved edits here. "
                        "ctrl+s keeps yours (overwrites the file); f5 loads the file's version.",
                        title="File changed", severity="warning", timeout=10)
            return
        self.load_file()
        if self.file_error is None and not self.checking:
            self.start_check(reason="changed on disk")

    def on_unmount(self) -> None:
        # Leaving (back, next, quit) never loses work: unsaved edits are written out.
        if self.dirty:
            self.save()

    # -- checking ------------------------------------------------------------------------------

    def start_check(self, reason: str = "") -> None:
        self.checking = True
        self.watcher.paused = True  # changes made meanwhile are picked up when this one ends
        self._checking_what = self.exercise.id + (f" ({reason})" if reason else "")
        if self.grader_warming:
            self.results.show_warming(self._checking_what, getattr(self.app, "grader_since", 0.0))
        else:
            self.results.show_checking(self._checking_what)
        self.action_show_tab("result")  # also leaves the editor-only layout
        self._update_status()
        self.run_check()

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def run_check(self) -> CheckResult:
        """Runs in a thread: the grader blocks until its worker process answers (or times the
        learner's code out), and records the attempt."""
        return self.session.check(self.exercise, self.path)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "check" or event.state not in (
                WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        self.checking = False
        self.watcher.paused = False
        if event.state is WorkerState.SUCCESS:
            result = event.worker.result
            assert isinstance(result, CheckResult)
            self.last_result = result
            self.results.show_result(result)
            self.post_message(ExerciseGraded(self.exercise.id, result))
            notice = self.session.isolation_notice()
            if notice:
                self.notify(notice, title="Isolation", severity="warning", timeout=8)
            if result.passed:
                nxt = self.session.course.next_exercise(self.exercise.id)
                self.notify(f"{self.exercise.id} passed."
                            + (f" Next: {nxt.id} (ctrl+n)." if nxt else " That was the last one!"),
                            title="Passed", timeout=6)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            self.results.show_error("The check could not run", f"{error}" or type(error).__name__)
        else:
            self.results.show_error("The check was cancelled", "Press ctrl+r to check again.")
        self._update_status()
        self._update_subtitle()
        self._label_tabs()

    # -- actions -------------------------------------------------------------------------------

    def action_check(self) -> None:
        if self.checking:
            self.notify("A check is already running; its result will show here.")
            return
        if self.file_error is not None:
            self.notify(self.file_error, title="Cannot check", severity="error")
            return
        if self.dirty and not self.save():
            return
        self.start_check()

    def action_save(self) -> None:
        if self.save():
            self.notify(f"Saved {self.path.name}.", timeout=2)

    def action_hint(self) -> None:
        if not self.exercise.hints:
            self.notify("This exercise has no hints.")
            return
        before = self.session.progress.hints_shown(self.exercise.id)
        try:
            self.session.next_hint(self.exercise)
        except sqlite3.Error as exc:
            self.notify(f"Could not record the hint: {exc}", severity="warning")
        hints = self.session.hints_unlocked(self.exercise)
        self.query_one(HintList).set_hints(hints)
        self._label_tabs()
        self.action_show_tab("hints")
        if before >= len(self.exercise.hints):
            self.notify("You have seen every hint already.")
        self._update_subtitle()

    def action_next_exercise(self) -> None:
        nxt = self.session.course.next_exercise(self.exercise.id)
        if nxt is None:
            self.notify("This is the last exercise of the course.")
            return
        self.post_message(ExerciseSelected(nxt.id))

    def action_lesson(self) -> None:
        if self.exercise.lesson_id is None:
            self.notify("This exercise is not part of a lesson.")
            return
        self.post_message(LessonSelected(self.exercise.lesson_id))

    def action_solution(self) -> None:
        exercise = self.exercise
        if exercise.solution_path is None:
            self.notify(f"{exercise.id} has no reference solution.", severity="warning")
            return
        try:
            unlocked = self.session.solution_unlocked(exercise)
        except OSError:
            unlocked = False
        if not unlocked:
            self.notify("The solution unlocks after a real attempt: change the starter code and "
                        "check it (ctrl+r) at least once. Hints (ctrl+t) help meanwhile.",
                        title="Not yet", severity="warning", timeout=8)
            return
        passed = self.session.file_state(exercise).passed

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                source = self.session.solution(exercise)
            except (SolutionLocked, OSError) as exc:
                self.notify(str(exc), severity="warning")
                return
            from tutor.app.screens.solution import SolutionScreen

            self.app.push_screen(SolutionScreen(exercise.id, source))

        detail = ("You passed: compare your code with the reference." if passed else
                  "Reading the answer before solving it yourself spoils the exercise. "
                  "Have you tried every hint?")
        self.app.push_screen(ConfirmScreen(f"Show the solution to {exercise.id}?", detail,
                                           yes="Show it"), answered)

    def action_reset(self) -> None:
        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                backup = self.session.reset(self.exercise)
            except OSError as exc:
                self.notify(f"Could not reset {self.path}: {exc.strerror or exc}",
                            severity="error")
                return
            self.saved_text = self.editor.text  # the edits were discarded on purpose
            self.load_file()
            self.notify("The starter is back." + (f" Your previous code is in {backup.name} "
                                                  "and in the history (f9)." if backup else ""),
                        title="Reset")

        self.app.push_screen(ConfirmScreen(
            f"Reset {self.path.name} to the starter code?",
            f"Your current code is kept as a version (f9 lists them) and in "
            f"{self.path.name}.bak.", yes="Reset"), answered)

    def action_history(self) -> None:
        """The kept versions of the file; the one chosen is restored after a confirmation."""
        versions = self.session.history(self.exercise)
        if not versions:
            self.notify("No version of your file is kept yet: one is kept each time you check "
                        "it (ctrl+r), reset it or restore another.", title="History")
            return
        if self.dirty and not self.save():
            return
        from tutor.app.screens.history import HistoryScreen

        current = self.session.file_state(self.exercise).version
        exercise_id = self.exercise.id

        def chosen(number: int | None) -> None:
            if number is None:
                return
            if number == current:
                self.notify(f"Version {number} is your file as it is now.", title="History")
                return
            self.app.push_screen(ConfirmScreen(
                f"Restore version {number} of {self.path.name}?",
                "Your file as it is now is kept as a version first, so you can come back to it "
                "(f9).", yes="Restore"), partial(self._restore, number))

        self.app.push_screen(HistoryScreen(
            self.path.name, versions, current,
            lambda n: self.session.progress.version_content(exercise_id, n)), chosen)

    def _restore(self, number: int, yes: bool | None) -> None:
        if not yes:
            return
        try:
            self.session.restore(self.exercise, number)
        except (NoSuchVersion, OSError) as exc:
            self.notify(str(exc), title="Not restored", severity="error")
            return
        self.load_file()
        self.notify(f"Version {number} is back in {self.path.name}. ctrl+r checks it.",
                    title="Restored")

    def action_reload(self) -> None:
        if not self.dirty:
            self.load_file()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.load_file()

        self.app.push_screen(ConfirmScreen("Discard your unsaved edits and load the file from "
                                           "disk?", yes="Reload"), answered)

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if self.layout_mode == "wide-editor":
            self.layout_mode = "split"

    def watch_layout_mode(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")
        if new == "wide-task":
            self._focus_active_pane()
        elif new == "wide-editor":
            self.editor.focus()

    def _focus_active_pane(self) -> None:
        """Focus what the active tab shows, so the arrow keys scroll it."""
        target = {"task": "#task-scroll", "result": "#result-panel", "hints": "#hint-list"}
        active = self.query_one(TabbedContent).active
        self.query_one(target.get(active, "#task-scroll")).focus()

    def action_cycle_layout(self) -> None:
        index = self.LAYOUTS.index(self.layout_mode)
        self.layout_mode = self.LAYOUTS[(index + 1) % len(self.LAYOUTS)]

    def action_edit(self) -> None:
        if self.layout_mode == "wide-task":
            self.layout_mode = "split"
        self.editor.focus()

    def action_back(self) -> None:
        """Esc: out of the editor first (in every layout), then back."""
        if self.focused is self.editor:
            if self.layout_mode == "wide-editor":
                self.set_focus(None)  # nothing else is shown: the screen's keys take over
            else:
                self._focus_active_pane()
            return
        if self.dirty:
            self.save()
        self.app.pop_screen()

    def watch_focused(self) -> None:
        # the status line says how to get back into the editor whenever the focus is elsewhere
        self._update_status()

    # -- status --------------------------------------------------------------------------------

    def _update_status(self) -> None:
        parts = [self.path.name]
        if self.file_error is not None:
            parts.append("cannot be opened")
        elif self.disk_conflict:
            parts.append("changed on disk too: ctrl+s keeps yours, f5 loads it")
        else:
            parts.append("modified" if self.dirty else "saved")
        if self.checking:
            parts.append("starting the grader…" if self.grader_warming else "checking…")
        elif self.last_result is not None:
            r = self.last_result
            parts.append(f"{verdict(r.verdict).word}"
                         + (f" {r.cases_passed}/{r.cases_total}" if r.cases_total else ""))
        if self.is_mounted and self.focused is not self.editor and self.file_error is None:
            parts.append("e or tab: edit")
        for status in self.query("#ex-status").results(Static):  # none once unmounting
            status.update(" · ".join(parts))

    def _label_tabs(self) -> None:
        """Tab labels that say what is behind them: the last verdict, the hints unlocked."""
        tabs = self.query_one(TabbedContent)
        result = self.last_result or self.stored_result
        mark = "" if result is None else (" ✔" if result.passed else " ✘")
        tabs.get_tab("result").label = f"Result{mark}"
        total = len(self.exercise.hints)
        if total:
            shown = len(self.query_one(HintList).hints)
            tabs.get_tab("hints").label = f"Hints {shown}/{total}"

    def _update_subtitle(self) -> None:
        """The header, after the title: what the file does now ("fails · passed before") and
        the hints unlocked."""
        try:
            state = file_words(self.session.file_state(self.exercise))
        except (OSError, sqlite3.Error):
            state = "status unknown"
        hints = ""
        total = len(self.exercise.hints)
        if total:
            shown = min(self.session.progress.hints_shown(self.exercise.id), total)
            hints = f" · hints {shown}/{total}"
        self.sub_title = f"{state}{hints}"  # the id is in the status line's file name
