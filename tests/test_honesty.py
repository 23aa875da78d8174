"""Honesty signals: identical code once names and comments are set aside, copies of the shipped
solution, code that reaches for the course; found by reading the source (never running it), for
the instructor's reports only: no student-facing format ever shows one."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from tests.conftest import REPO
from tutor.course import load_course
from tutor.grading.batch import discover
from tutor.grading.formats import renderer
from tutor.grading.gradebook import ExerciseColumn, ExerciseGrade, GradeReport, SubmissionGrade
from tutor.grading.insight.honesty import (
    MIN_NODES,
    SourceFile,
    course_access,
    normalise,
    scan_batch,
    signals,
)
from tutor.grading.insight.signals import HonestySignal
from tutor.grading.results import CheckResult, Verdict
from tutor.grading.sets import every_exercise, resolve

SOLUTION = (REPO / "solutions" / "adam_step.py").read_text()
STARTER = (REPO / "exercises" / "adam_step" / "starter.py").read_text()

#: Adam without bias correction, and the same program as another student would disguise it
NO_BIAS = '''import numpy as np


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    update = lr * m / (np.sqrt(v) + eps)
    return param - update, m, v
'''
NO_BIAS_DISGUISED = '''"""Homework 3, my own work."""
from __future__ import annotations

import numpy as xp


def adam_step(w: float, g, mom, vel, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step."""
    # first, the moving averages
    mom = beta1 * mom + (1 - beta1) * g
    vel = beta2 * vel + (1 - beta2) * g**2   # squared gradients
    delta: float = lr * mom / (xp.sqrt(vel) + eps)
    return w - delta, mom, vel
'''
#: the shipped solution, renamed and re-commented
SOLUTION_DISGUISED = '''# Adam, written from scratch
import numpy


def adam_step(p, gr, m1, v1, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m1 = beta1 * m1 + (1 - beta1) * gr
    v1 = beta2 * v1 + (1 - beta2) * gr**2
    mh = m1 / (1 - beta1**step)
    vh = v1 / (1 - beta2**step)
    p = p - lr * mh / (numpy.sqrt(vh) + eps)
    return p, m1, v1
'''


# -- normalisation --------------------------------------------------------------------------------


def test_renaming_comments_docstrings_and_annotations_change_nothing():
    assert normalise(NO_BIAS) == normalise(NO_BIAS_DISGUISED)
    assert normalise(SOLUTION) == normalise(SOLUTION_DISGUISED)
    assert normalise(NO_BIAS).nodes >= MIN_NODES


@pytest.mark.parametrize("change", [
    ("np.sqrt(v)", "np.sqrt(v + eps)"),  # a different formula
    ("(1 - beta1)", "(1 - beta2)"),  # another of its own variables
    ("np.sqrt(v)", "np.abs(v)"),  # a different function of the same module
    ("return param - update, m, v", "return param - update, v, m"),  # a different order
])
def test_a_different_program_is_not_the_same(change):
    old, new = change
    assert old in NO_BIAS
    assert normalise(NO_BIAS) != normalise(NO_BIAS.replace(old, new))


def test_builtins_are_not_renamed():
    """`len(x)` and `abs(x)` are different programs even though both are `f(x)`."""
    a = "def f(x):\n    return len(x)\n"
    b = "def f(x):\n    return abs(x)\n"
    assert normalise(a) != normalise(b)
    assert normalise("def f(x):\n    return len(x)\n") == normalise("def g(y):\n    return len(y)\n")


def test_a_file_that_does_not_parse_has_no_normal_form():
    assert normalise("def f(:\n") is None


# -- reaching for the course ----------------------------------------------------------------------


def test_course_access_names_imports_and_course_files_with_their_lines():
    source = ('"""Mentions solutions/ in a docstring: not a signal."""\n'
              "import numpy as np\n"
              "import tutor.grading\n"
              "from dltutor import x\n"
              "SEED = __import__('os').environ.get('DLTUTOR_SEED')\n"
              "PATH = '../../solutions/adam_step.py'\n"
              "CHECK = 'exercises' + '/adam_step/check.py'\n"
              "DB = 'C:\\\\Users\\\\me\\\\progress.db'\n"
              "MOD = __import__('tutor')\n")
    found = course_access(source)
    assert found == (
        "line 3: imports tutor",
        "line 4: imports from dltutor",
        "line 5: names a DLTUTOR_* environment variable",
        "line 6: names solutions/",
        "line 7: names check.py",
        "line 7: names exercises/",
        "line 8: names progress.db",
        "line 9: names the module tutor",
    )


def test_ordinary_code_reaches_for_nothing():
    assert course_access(SOLUTION) == ()
    assert course_access(NO_BIAS_DISGUISED) == ()
    assert course_access("x = 'my exercise solutions are mine'\n") == ()


def test_signals_never_repeat_what_a_student_wrote():
    """A string is reported by what it names, from our vocabulary, never by its text."""
    found = course_access("P = '/home/teacher/course/solutions/SECRET-smuggled.py'\n")
    assert found == ("line 1: names solutions/",)


# -- the batch ------------------------------------------------------------------------------------


def files(**by_name: str) -> list[SourceFile]:
    return [SourceFile(name, "adam_step", "adam_step.py", src) for name, src in by_name.items()]


def test_clusters_solution_copies_and_course_access():
    found = signals(files(alice=SOLUTION_DISGUISED, bob=NO_BIAS, carol=NO_BIAS_DISGUISED,
                          dave=NO_BIAS.replace("np.sqrt(v)", "np.sqrt(v + eps)"),
                          eve="import tutor\n" + NO_BIAS.replace("np.sqrt(v)", "np.abs(v)")),
                    {"adam_step": SOLUTION}, {"adam_step": STARTER})
    assert [(s.kind, s.exercise, s.submissions) for s in found] == [
        ("solution", "adam_step", ("alice",)),
        ("identical", "adam_step", ("bob", "carol")),
        ("course_access", "adam_step", ("eve",)),
    ]
    assert "2 submissions hand in the same adam_step.py" in found[1].detail
    assert found[2].detail == "line 1: imports tutor" and found[2].file == "adam_step.py"


def test_an_identical_copy_of_the_solution_is_both_signals():
    found = signals(files(alice=SOLUTION, bob=SOLUTION_DISGUISED), {"adam_step": SOLUTION}, {})
    assert [(s.kind, s.submissions) for s in found] == [
        ("solution", ("alice", "bob")), ("identical", ("alice", "bob"))]
    assert "it is the shipped solution" in found[1].detail


def test_the_untouched_starter_and_short_code_are_not_clusters():
    """Handing in the starter is not collusion, and `return x * x` is everyone's answer."""
    short = "def square(x):\n    return x * x\n"
    found = signals([*files(a=STARTER, b=STARTER),
                     SourceFile("a", "square", "square.py", short),
                     SourceFile("b", "square", "square.py", short)],
                    {"square": short}, {"adam_step": STARTER})
    assert found == ()


def test_scan_batch_reads_the_folders_safely(tmp_path):
    """Graded files and helper files are scanned; a symlink out of the folder is not read."""
    course = load_course()
    items = [i for i in resolve(every_exercise(course), course) if i.id == "adam_step"]
    for name, source in {"bob": NO_BIAS, "carol": NO_BIAS_DISGUISED}.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "adam_step.py").write_text(source)
    (tmp_path / "carol" / "helpers").mkdir()
    (tmp_path / "carol" / "helpers" / "util.py").write_text("import tutor\n")
    (tmp_path / "mallory").mkdir()
    (tmp_path / "mallory" / "adam_step.py").symlink_to(REPO / "solutions" / "adam_step.py")
    found = scan_batch(discover([tmp_path / n for n in ("bob", "carol", "mallory")]), items)
    assert [(s.kind, s.exercise, s.submissions, s.file) for s in found] == [
        ("identical", "adam_step", ("bob", "carol"), ""),
        ("course_access", "", ("carol",), "helpers/util.py"),
    ]


# -- never shown to students -----------------------------------------------------------------------


def reported(signals: tuple[HonestySignal, ...] = ()) -> GradeReport:
    result = CheckResult("adam_step", Verdict.PASS, 1.0, 3, 3, 12.0, "all 3 cases passed",
                         case_verdicts=("pass",) * 3)
    grade = ExerciseGrade("adam_step", "Adam update", Verdict.PASS, 20.0, 20.0,
                          "all 3 cases passed", result=result)
    return GradeReport("HW", (ExerciseColumn("adam_step", "Adam update", 20.0),),
                       (SubmissionGrade("alice", (grade,)),), honesty=signals)


SIGNALS = (
    HonestySignal("solution", "adam_step", ("alice",), "adam_step.py is the shipped solution"),
    HonestySignal("identical", "adam_step", ("alice", "zed-the-classmate"),
                  "2 submissions hand in the same adam_step.py"),
    HonestySignal("course_access", "adam_step", ("alice",), "line 1: imports tutor",
                  "adam_step.py"),
)


@pytest.mark.parametrize("fmt", ["gradescope", "junit", "csv"])
def test_student_facing_formats_never_show_honesty_signals(fmt):
    """Gradescope is what the student reads (JUnit feeds a check run they can see, CSV a
    gradebook): the signals change nothing in them, not a byte."""
    flagged = renderer(fmt)(reported(SIGNALS))
    assert flagged == renderer(fmt)(reported())
    for word in ("zed-the-classmate", "shipped solution", "imports tutor", "honesty",
                 "identical"):
        assert word not in flagged


def test_per_student_feedback_files_never_show_honesty_signals():
    feedback = pytest.importorskip("tutor.grading.formats.feedback")
    flagged = feedback.render_files(reported(SIGNALS))
    assert flagged == feedback.render_files(reported())
    assert not any("zed-the-classmate" in text or "imports tutor" in text
                   for text in flagged.values())


def test_instructor_formats_show_them():
    doc = json.loads(renderer("json")(reported(SIGNALS)))
    assert [s["kind"] for s in doc["honesty"]] == ["solution", "identical", "course_access"]
    assert doc["honesty"][1]["submissions"] == ["alice", "zed-the-classmate"]
    text = renderer("text")(reported(SIGNALS))
    assert "Honesty signals" in text and "zed-the-classmate" in text
    assert "Honesty signals" not in renderer("text")(reported())


def test_a_single_submission_graded_from_its_workspace_gets_no_signals_it_could_read(tmp_path):
    """A solution copy graded alone for Gradescope: the signal exists for the instructor, and the
    results.json the student sees is the same as without it."""
    shutil.copy(REPO / "solutions" / "adam_step.py", tmp_path / "adam_step.py")
    course = load_course()
    items = [i for i in resolve(every_exercise(course), course) if i.id == "adam_step"]
    found = scan_batch(discover([tmp_path]), items)
    assert [s.kind for s in found] == ["solution"]
    flagged = replace(reported(), honesty=found)
    assert renderer("gradescope")(flagged) == renderer("gradescope")(reported())
