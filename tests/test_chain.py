"""Exercises that build on earlier ones (`requires`): graded with the reference prerequisites,
then, as feedback, with the learner's own, naming the first of theirs that goes wrong."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tutor.course import load_course
from tutor.grading import chain
from tutor.grading.culprit import HIDDEN_PROBLEM
from tutor.grading.results import CheckResult, Verdict
from tutor.grading.validate import requires_problems

MLP = '''import numpy as np

from linear_backward import linear_backward
from relu_backward import relu_backward
from softmax_ce_backward import softmax_ce_backward


def mlp_backward(x, y, W1, b1, W2, b2):
    z1 = x @ W1.T + b1
    h = np.maximum(z1, 0.0)
    logits = h @ W2.T + b2
    dlogits = softmax_ce_backward(logits, y)
    dh, dW2, db2 = linear_backward(dlogits, h, W2)
    dz1 = relu_backward(dh, z1)
    _, dW1, db1 = linear_backward(dz1, x, W1)
    return dW1, db1, dW2, db2
'''
RELU_GE = '''import numpy as np


def relu_backward(dout, x):
    return np.where(x >= 0, dout, 0.0)  # lets the gradient through at 0: the known slip
'''


@pytest.fixture
def folder(tmp_path: Path):
    """folder(name=source, ...) -> a submission folder with those files; a value of None copies
    the shipped solution of that exercise (a correct learner file)."""

    def make(**files: str | None) -> Path:
        root = tmp_path / "work"
        root.mkdir(exist_ok=True)
        for name, source in files.items():
            path = root / f"{name}.py"
            if source is None:
                shutil.copy(REPO / "solutions" / f"{name}.py", path)
            else:
                path.write_text(source)
        return root

    return make


def test_a_buggy_prerequisite_passes_solo_and_is_named_in_the_chain(grader, course, folder):
    work = folder(mlp_backward=MLP, relu_backward=RELU_GE, linear_backward=None,
                  softmax_ce_backward=None)
    result = grader.check(course.exercise("mlp_backward"), work / "mlp_backward.py")
    assert result.verdict is Verdict.PASS and result.score == 1.0  # graded on its own
    report = result.chain
    assert report is not None and report.status == "failed"
    assert {u.id for u in report.uses if u.mine} == {"relu_backward", "linear_backward",
                                                     "softmax_ce_backward"}
    culprit = report.culprit
    assert culprit is not None
    assert (culprit.function, culprit.caller, culprit.line) == ("relu_backward", "mlp_backward",
                                                                14)
    assert [i.name for i in culprit.inputs] == ["dout", "x"]
    assert "where the reference relu_backward gives 0" in culprit.problem
    assert culprit.mismatch and culprit.mismatch["kind"] == "values"
    # the case the call was in is one whose pre-activations hit 0 exactly
    assert "exactly 0" in culprit.label
    assert "called from mlp_backward (line 14)" in report.message
    assert "`dltutor check relu_backward`" in report.message
    # JSON carries it, and it reads back
    doc = json.loads(json.dumps(result.to_dict()))
    assert doc["chain"]["culprit"]["function"] == "relu_backward"
    assert CheckResult.from_dict(doc) == result


def test_a_correct_chain_has_no_complaint_and_a_missing_file_uses_the_reference(
        grader, course, folder):
    work = folder(mlp_backward=MLP, relu_backward=None, linear_backward=None)
    result = grader.check(course.exercise("mlp_backward"), work / "mlp_backward.py")
    assert result.passed
    report = result.chain
    assert report is not None and report.status == "passed" and report.culprit is None
    assert report.cases_passed == report.cases_total == result.cases_total
    missing = next(u for u in report.uses if u.id == "softmax_ce_backward")
    assert not missing.mine and "no softmax_ce_backward.py beside your file" in missing.note
    assert ("The reference was used for softmax_ce_backward: no softmax_ce_backward.py beside "
            "your file.") in report.message


def test_an_unfinished_or_unparsable_prerequisite_is_named(grader, course, folder):
    starter = (REPO / "exercises" / "relu_backward" / "starter.py").read_text()
    work = folder(mlp_backward=MLP, relu_backward=starter, linear_backward="def broken(:\n")
    result = grader.check(course.exercise("mlp_backward"), work / "mlp_backward.py")
    assert result.passed
    report = result.chain
    assert report is not None and report.status == "failed"
    linear = next(u for u in report.uses if u.id == "linear_backward")
    assert not linear.mine and "does not parse (line 1)" in linear.note
    assert report.culprit is not None and report.culprit.function == "relu_backward"
    assert "raised NotImplementedError" in report.culprit.problem


def test_the_chain_waits_until_the_exercise_passes_on_its_own(grader, course, folder):
    wrong = MLP.replace("return dW1, db1, dW2, db2", "return dW1, db1, dW2, 2 * db2")
    work = folder(mlp_backward=wrong, relu_backward=RELU_GE)
    result = grader.check(course.exercise("mlp_backward"), work / "mlp_backward.py")
    assert result.verdict is Verdict.FAIL
    assert result.chain is not None and result.chain.status == "waiting"
    assert result.chain.verdict == ""  # no second run
    assert "graded with the reference" in result.chain.message.lower()


def test_a_prerequisite_gives_no_solution_source_to_the_learner(grader, course, folder):
    """The reference arrives as a code object: `inspect` finds no source and no file."""
    probe = MLP + '''

import inspect
import relu_backward as _rb
try:
    print("SOURCE", inspect.getsource(_rb.relu_backward))
except (OSError, TypeError) as exc:
    print("NO SOURCE", type(exc).__name__)
print("FILE", getattr(_rb, "__file__", None))
'''
    work = folder(mlp_backward=probe)
    result = grader.check(course.exercise("mlp_backward"), work / "mlp_backward.py")
    assert result.passed
    assert "NO SOURCE" in result.output and "np.where" not in result.output
    assert "FILE None" in result.output
    assert "solutions" not in result.output


def test_hidden_cases_keep_the_chain_report_redacted(grader, course, folder):
    work = folder(mlp_backward=MLP, relu_backward=RELU_GE, linear_backward=None,
                  softmax_ce_backward=None)
    result = grader.check(course.exercise("mlp_backward"), work / "mlp_backward.py",
                          seed=987654321987654321, hidden=True, confine=work)
    assert result.passed
    report = result.chain
    assert report is not None and report.hidden and report.status == "failed"
    culprit = report.culprit
    assert culprit is not None and culprit.function == "relu_backward"
    assert culprit.inputs == () and culprit.mismatch is None and not culprit.label
    assert culprit.problem == HIDDEN_PROBLEM["values"]
    assert "hidden case" in report.message and "gives 0" not in report.message


def test_a_file_that_imports_no_prerequisite_costs_no_second_run(course):
    """The chain step never runs anything for a file that imports no prerequisite."""
    exercise = course.exercise("mlp_backward")
    prereqs = chain.prerequisites(exercise)
    assert [p.id for p in prereqs] == ["linear_backward", "relu_backward",
                                       "softmax_ce_backward"]
    alone = "import numpy as np\n\ndef mlp_backward(x, y, W1, b1, W2, b2):\n    ...\n"
    assert not chain.mentioned(alone.encode(), prereqs)  # no prerequisite module sent

    def boom(*_args):
        raise AssertionError("no run for a file without a prerequisite import")

    ctx = chain.ChainContext(exercise, None, prereqs, [], REPO, None, False,  # type: ignore[arg-type]
                             "# relu_backward is mentioned, never imported\n")
    assert chain.report(ctx, True, (), boom, boom) is None
    assert chain.imported("import relu_backward as rb\nfrom softmax_ce_backward import *\n",
                          prereqs) == ("relu_backward", "softmax_ce_backward")


# -- requires in exercise.toml ------------------------------------------------------------------

def _pack(tmp_path: Path, **requires: list[str]) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(REPO / "tests" / "data" / "pack", pack)
    for ex_id, ids in requires.items():
        toml = pack / "exercises" / ex_id / "exercise.toml"
        text = toml.read_text()
        toml.write_text(text.replace("\n", f"\nrequires = {json.dumps(ids)}\n", 1))
    return pack


def test_unknown_requires_are_rejected(tmp_path):
    pack = _pack(tmp_path, square=["sqaure_root"])
    course = load_course([pack], builtin=False)
    assert any("requires 'sqaure_root', which is not an exercise" in p for p in course.problems)
    problems = requires_problems(course.exercise("square"))
    assert problems and "not an exercise of this course or pack" in problems[0]


def test_cycles_are_rejected(tmp_path):
    pack = _pack(tmp_path, square=["scale_add"], scale_add=["square"])
    course = load_course([pack], builtin=False)
    assert any("requires go round in a circle" in p for p in course.problems)
    problem = requires_problems(course.exercise("square"))
    assert problem == [p for p in problem if "square → scale_add → square" in p] and problem


def test_a_sound_chain_and_the_course_have_no_requires_problem(tmp_path, course):
    pack = _pack(tmp_path, scale_add=["square"])
    assert load_course([pack], builtin=False).problems == ()
    for exercise in course.exercises.values():
        assert requires_problems(exercise) == [], exercise.id


def test_requiring_itself_is_a_content_error(tmp_path):
    from tutor.course.loader import ContentError, load_exercise

    pack = _pack(tmp_path, square=["square"])
    with pytest.raises(ContentError, match="cannot require itself"):
        load_exercise(pack / "exercises" / "square", pack / "solutions")


# -- what grading a class needs ------------------------------------------------------------------

def test_the_regrade_key_changes_with_the_learners_prerequisite_files(tmp_path, course, folder):
    from tutor.grading.regrade_cache import RegradeCache

    cache = RegradeCache(tmp_path / "cache")
    work = folder(mlp_backward=MLP, relu_backward=RELU_GE)
    mlp, relu = course.exercise("mlp_backward"), course.exercise("relu_backward")
    before = cache.key_for(mlp, work, work / "mlp_backward.py", None, None)
    plain = cache.key_for(relu, work, work / "relu_backward.py", None, None)
    (work / "relu_backward.py").write_text(RELU_GE.replace(">=", ">"))
    assert cache.key_for(mlp, work, work / "mlp_backward.py", None, None) != before
    # an exercise without prerequisites keeps the key it always had
    assert plain == cache.key(relu, "relu_backward.py", RELU_GE.encode(), None, None)


def test_an_exported_autograder_bundles_what_an_exercise_builds_on(tmp_path):
    from tutor.grading.export import export_gradescope

    set_file = tmp_path / "hw.toml"
    set_file.write_text('title = "hw"\n[[exercises]]\nid = "style_loss"\npoints = 10\n')
    export = export_gradescope(set_file)
    names = set(export.files)
    assert export.exercises == ("style_loss",)
    assert "assignment/pack/exercises/gram_matrix/exercise.toml" in names
    assert not any("solutions" in n for n in names)
