""""Predict, then run": the checkpoint format, the worker's jailed `run_snippet` op, progress,
the reader (Pilot: answer a checkpoint, run a block, edit it in the scratch editor), and the
content: every checkpoint of the course runs and yields a value of its kind."""

from __future__ import annotations

import asyncio
import sqlite3
import textwrap
from pathlib import Path

import pytest

from tutor.course import ContentError, load_course
from tutor.course.checkpoints import (
    BadPrediction,
    CheckpointError,
    actual_choice,
    checkpoints,
    code_blocks,
    judge,
    parse_checkpoint,
    parse_prediction,
    show,
)
from tutor.course.loader import load_lesson

SHAPE = '''
```checkpoint
id = "conv_shape"
question = "What shape?"
expect = "shape"
code = """
import torch
answer = torch.nn.Conv2d(3, 8, 5)(torch.zeros(1, 3, 32, 32))
"""
```
'''

CHOICE = '''
```checkpoint
id = "curve"
question = "Which curve?"
expect = "choice"
choices = ["falls", "diverges"]
code = """
losses = [1.0]
for _ in range(5):
    losses.append(losses[-1] * 2)
answer = "diverges" if losses[-1] > losses[0] else "falls"
print(losses)
"""
```
'''


def lesson_file(tmp_path: Path, body: str, name: str = "07-demo.md") -> Path:
    path = tmp_path / "lessons" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('+++\nid = "demo"\ntitle = "Demo"\n+++\n\n# Demo\n\nText.\n' + body)
    return path


# -- the format -------------------------------------------------------------------------------


def test_a_lesson_loads_its_checkpoints_and_numbers_its_python_blocks(tmp_path):
    body = "```python\nprint(1)\n```\n" + SHAPE + "\n```\nnot code\n```\n" + CHOICE + \
        "\n```python\nprint(2)\n```\n"
    lesson = load_lesson(lesson_file(tmp_path, body))
    assert [c.id for c in lesson.checkpoints] == ["conv_shape", "curve"]
    shape, choice = lesson.checkpoints
    assert shape.expect == "shape" and "Conv2d(3, 8, 5)" in shape.code
    assert choice.choices == ("falls", "diverges")
    assert shape.line == 13  # the file's line of its fence, front matter included
    assert lesson_file(tmp_path, body).read_text().splitlines()[12] == "```checkpoint"
    assert [(b.number, b.code) for b in lesson.code_blocks()] == [(1, "print(1)\n"),
                                                                  (2, "print(2)\n")]


@pytest.mark.parametrize(("toml", "words"), [
    ('id = "a"\nquestion = "q"\nexpect = "shape"\n', "needs 'code'"),
    ('id = "a"\nquestion = "q"\nexpect = "size"\ncode = "answer = 1"\n', "expect must be one of"),
    ('id = "a"\nquestion = "q"\nexpect = "number"\ncode = "x = 1"\n', "must set `answer`"),
    ('id = "a"\nquestion = "q"\nexpect = "choice"\ncode = "answer = 1"\n', "choices"),
    ('id = "a"\nquestion = "q"\nexpect = "number"\ncode = "answer = 1"\nrtoll = 0\n',
     "unknown checkpoint key 'rtoll'"),
    ('id = "A b"\nquestion = "q"\nexpect = "number"\ncode = "answer = 1"\n', "snake_case"),
    ('id = "a"\nquestion = "q"\nexpect = "number"\ncode = "answer = 1"\nrtol = -1\n', "≥ 0"),
    ('id = "a\nquestion = \n', "is TOML"),
])
def test_a_malformed_checkpoint_is_refused_with_what_to_fix(tmp_path, toml, words):
    path = lesson_file(tmp_path, f"\n```checkpoint\n{toml}```\n")
    with pytest.raises(ContentError) as caught:
        load_lesson(path)
    message = str(caught.value)
    assert words in message and str(path) in message and "line 10" in message


def test_a_repeated_id_is_refused_and_a_broken_lesson_never_stops_the_course(tmp_path):
    path = lesson_file(tmp_path, SHAPE + SHAPE)
    with pytest.raises(CheckpointError, match="used twice"):
        checkpoints(path.read_text())
    course = load_course([tmp_path], builtin=False)
    assert course.lessons == () and "used twice" in course.problems[0]


def test_predictions_are_read_in_the_forms_a_learner_types():
    shape = parse_checkpoint('id = "s"\nquestion = "q"\nexpect = "shape"\ncode = "answer = 1"\n')
    for typed in ("(1, 8, 28, 28)", "1x8x28x28", "[1 8 28 28]", "torch.Size([1, 8, 28, 28])",
                  "1×8×28×28"):
        assert parse_prediction(shape, typed) == (1, 8, 28, 28)
    with pytest.raises(BadPrediction, match="not a shape"):
        parse_prediction(shape, "(1, 8.5)")
    number = parse_checkpoint('id = "n"\nquestion = "q"\nexpect = "number"\ncode = "answer=1"\n')
    assert parse_prediction(number, "5/3") == pytest.approx(5 / 3)
    with pytest.raises(BadPrediction):
        parse_prediction(number, "")
    choice = parse_checkpoint('id = "c"\nquestion = "q"\nexpect = "choice"\n'
                              'choices = ["a", "b"]\ncode = "answer = 1"\n')
    assert parse_prediction(choice, "2") == 1
    with pytest.raises(BadPrediction, match="1 to 2"):
        parse_prediction(choice, "3")
    assert actual_choice(choice, "B") == 1 and actual_choice(choice, 0) == 0
    assert actual_choice(choice, "c") is None


def test_right_close_and_wrong():
    shape = parse_checkpoint('id = "s"\nquestion = "q"\nexpect = "shape"\ncode = "answer = 1"\n')
    assert judge(shape, (1, 8, 28, 28), [1, 8, 28, 28]) == "right"
    assert judge(shape, (1, 8, 28, 27), [1, 8, 28, 28]) == "close"
    assert judge(shape, (8, 28, 28), [1, 8, 28, 28]) == "wrong"
    assert show(shape, [4]) == "(4,)" and show(shape, [2, 3]) == "(2, 3)"
    exact = parse_checkpoint('id = "n"\nquestion = "q"\nexpect = "number"\nrtol = 0\n'
                             'code = "answer = 1"\n')
    assert judge(exact, 2432, 2432.0) == "right"
    assert judge(exact, 2400, 2432.0) == "close"
    assert judge(exact, 448, 2432.0) == "wrong"
    loose = parse_checkpoint('id = "n"\nquestion = "q"\nexpect = "number"\ncode = "answer=1"\n')
    assert judge(loose, 0.333, 1 / 3) == "right"  # three figures: the default rtol
    assert show(loose, 2432.0) == "2432" and show(loose, 1 / 3) == "0.333333"


# -- the worker ------------------------------------------------------------------------------


def test_the_worker_runs_lesson_code_jailed_and_returns_output_and_value(grader, course):
    result = grader.run_snippet("import torch\nprint('hello from the jail')\n"
                                "answer = torch.zeros(2, 3).sum(dim=0)\n", expect="shape")
    assert result.ok and result.output == "hello from the jail\n" and result.value == [3]
    number = grader.run_snippet("import numpy as np\nanswer = np.float64(0.25) * 2\n",
                                expect="number")
    assert number.ok and number.value == 0.5
    broken = grader.run_snippet("x = 1\n1 / 0\n", expect="number")
    assert broken.status == "error" and "ZeroDivisionError" in broken.error
    assert "line 2" in broken.error  # the lesson code's own line
    missing = grader.run_snippet("x = 1\n", expect="number")
    assert missing.status == "no_value" and "did not set `answer`" in missing.error
    looping = grader.run_snippet("while True:\n    pass\n", timeout=1.0)
    assert looping.status == "timeout"
    aborted = grader.run_snippet("import os\nx = 1\nos.abort()\n")
    assert aborted.status == "crash" and aborted.output == ""
    assert aborted.error == ("the process was killed by an abort (SIGABRT) at line 3 of "
                             "lesson_block.py (in <module>)")


def test_lesson_code_cannot_read_the_course_files(grader, course, tmp_path):
    from tutor.grading.client import Grader

    lesson = course.lessons[0].path
    code = f"answer = len(open({str(lesson)!r}).read())\n"
    jailed = grader.run_snippet(code, expect="number")
    assert jailed.status == "error" and "Error" in jailed.error
    bare = Grader(env={"DLTUTOR_JAIL_OFF": "namespaces,uid"})
    try:
        opened = bare.run_snippet(code, expect="number")
    finally:
        bare.close()
    if opened.ok:  # without the jail's layers the same code reads it: the test can fail
        assert opened.value == len(lesson.read_text())
    else:  # a root grader still drops to nobody, which the fallback masks the course from
        assert opened.status == "error"


# -- progress ----------------------------------------------------------------------------------


def test_an_older_progress_file_gains_the_checkpoint_table(tmp_path):
    from tutor.progress import ProgressStore
    from tutor.progress.schema import MIGRATIONS

    path = tmp_path / "progress.db"
    old = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:2]:
        for statement in [s for s in script.split(";") if s.strip()]:
            old.execute(statement)
    old.execute("PRAGMA user_version = 2")
    old.execute("INSERT INTO hints VALUES ('a', 2, 0)")
    old.close()
    store = ProgressStore(path)
    assert store.hints_shown("a") == 2  # nothing lost
    store.record_checkpoint("convolution", "conv_shape", "(4, 8, 16, 16)", "(4, 8, 16, 16)",
                            "right")
    store.record_checkpoint("convolution", "conv_shape", "(4, 8, 15, 15)", "(4, 8, 16, 16)",
                            "wrong")
    store.close()
    again = ProgressStore(path)
    assert again.checkpoint_answers("convolution") == {"conv_shape": {
        "prediction": "(4, 8, 15, 15)", "actual": "(4, 8, 16, 16)", "verdict": "wrong"}}
    assert again.checkpoint_answers("pooling") == {}
    again.close()


# -- the reader (Pilot) ----------------------------------------------------------------------


def test_answer_a_checkpoint_run_a_block_and_edit_it_in_the_reader(tutor_app, wait_until):
    from textual.widgets import Input, Static

    from tutor.app.messages import LessonSelected
    from tutor.app.screens.lesson import LessonScreen
    from tutor.app.screens.scratch import ScratchScreen
    from tutor.app.widgets.checkpoint_card import CheckpointCard
    from tutor.app.widgets.reflow_markdown import ReflowedFence

    def result_text(card: CheckpointCard) -> str:
        return str(card.query_one(".checkpoint-result", Static).content)

    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(100, 30)) as pilot:
            app.post_message(LessonSelected("convolution"))
            await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen)
                             and bool(app.screen.query(CheckpointCard)), "the checkpoints")
            screen = app.screen
            cards = {c.checkpoint.id: c for c in screen.query(CheckpointCard)}
            assert len(cards) >= 3
            card = cards["conv_shape"]
            assert "What shape comes out?" in str(
                card.query_one(".checkpoint-question", Static).content)
            box = card.query_one(Input)
            box.focus()
            await pilot.press(*"4x8x16x15", "enter")  # one size off
            await wait_until(pilot, lambda: "PyTorch says" in result_text(card), "the run")
            shown = result_text(card)
            assert "you said (4, 8, 16, 15) · PyTorch says (4, 8, 16, 16)" in shown
            assert "Close." in shown and card.has_class("-close")
            answers = app.session.progress.checkpoint_answers("convolution")
            assert answers["conv_shape"] == {"prediction": "(4, 8, 16, 15)",
                                             "actual": "(4, 8, 16, 16)", "verdict": "close"}
            box.value = "not a shape"
            await pilot.press("enter")
            await pilot.pause()
            assert "is not a shape" in result_text(card)  # what to type; nothing recorded
            assert len(app.session.progress.checkpoint_answers("convolution")) == 1
            await pilot.press("escape")  # leaves the input, not the lesson
            assert isinstance(app.screen, LessonScreen) and app.focused is not box
            links = str(screen.query_one("#lesson-links", Static).content)
            assert "checkpoints 1/4 answered, 0 right" in links

            # run the lesson's python block: its output appears under it
            block = next(f for f in screen.query(ReflowedFence) if f.runnable)
            block.focus()
            await pilot.press("r")
            await wait_until(pilot, lambda: bool(block.query(".block-output"))
                             and "running" not in str(block.query_one(".block-output",
                                                                      Static).content),
                             "the block's output")
            assert "[5. 4. 2. 4.]" in str(block.query_one(".block-output", Static).content)

            # open it in the scratch editor, change it, run it there
            await pilot.press("o")
            await wait_until(pilot, lambda: isinstance(app.screen, ScratchScreen), "scratch")
            scratch = app.screen
            scratch.query_one("#scratch-code").text = "print(6 * 7)\n"
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: "42" in str(
                scratch.query_one("#scratch-result", Static).content), "the scratch run")
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
            assert screen._scratch[1] == "print(6 * 7)\n"  # kept for the next `o`
            assert not list(app.session.workspace.root.glob("*.py"))  # no exercise file touched

    asyncio.run(scenario())


# -- the content ------------------------------------------------------------------------------


def test_every_checkpoint_in_the_course_runs_and_yields_a_value_of_its_kind(grader, course):
    from tutor.course.checkpoints import actual_choice as choice_of

    found = [(lesson, c) for lesson in course.lessons for c in lesson.checkpoints]
    assert len(found) >= 12
    problems = []
    for lesson, checkpoint in found:
        result = grader.run_snippet(checkpoint.code, expect=checkpoint.expect)
        where = f"{lesson.path.name} {checkpoint.id}"
        if not result.ok:
            problems.append(f"{where}: {result.status}: {result.error}")
        elif checkpoint.expect == "shape" and not (isinstance(result.value, list)
                                                   and result.value):
            problems.append(f"{where}: not a shape: {result.value!r}")
        elif checkpoint.expect == "choice" and choice_of(checkpoint, result.value) is None:
            problems.append(f"{where}: {result.value!r} is none of the choices")
    assert not problems, "\n".join(problems)
    per_lesson = {lesson.id: len(lesson.checkpoints) for lesson in course.lessons
                  if lesson.checkpoints}
    assert all(n >= 3 for n in per_lesson.values()), per_lesson


def test_every_python_block_of_a_lesson_with_checkpoints_runs(grader, course):
    """Those lessons are vetted for "predict, then run": their blocks are self-contained, so
    `r` runs each as it is (a REPL-style fragment elsewhere may need the lines before it)."""
    failed = []
    for lesson in course.lessons:
        if not lesson.checkpoints:
            continue
        for block in lesson.code_blocks():
            result = grader.run_snippet(block.code)
            if result.status not in ("ok", "no_value"):
                failed.append(f"{lesson.path.name} block {block.number}: {result.error}")
    assert not failed, "\n".join(failed)


def test_the_sample_blocks_here_are_valid():
    assert [c.id for c in checkpoints(SHAPE + CHOICE)] == ["conv_shape", "curve"]
    assert code_blocks(textwrap.dedent("""
        ~~~python
        a = 1
        ~~~
        """))[0].code == "a = 1\n"
