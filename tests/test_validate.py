"""`dltutor validate`: sound exercises pass; each kind of unsound exercise is reported in words
an author can act on, with a non-zero exit. Runs on the built-in content and on packs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.course import load_course
from tutor.grading.results import Verdict
from tutor.grading.validate import ALT_SEED, validate_exercise

REPO = Path(__file__).resolve().parent.parent
PACK = REPO / "tests" / "data" / "pack"


def dltutor(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "tutor", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def broken_pack(tmp_path_factory) -> Path:
    """The test pack with one thing wrong in each exercise (and a third, unsound exercise)."""
    pack = tmp_path_factory.mktemp("broken") / "pack"
    shutil.copytree(PACK, pack)
    ex = pack / "exercises"
    # square: the starter already works, one mistake is a copy of another, a stray mistake file
    (ex / "square" / "starter.py").write_text(
        '"""Raise NotImplementedError until done."""\n\n\ndef square(x):\n    return x * x\n')
    (ex / "square" / "mistakes" / "cubes.py").write_text("def square(x):\n    return 2 * x\n")
    (ex / "square" / "mistakes" / "forgot_me.py").write_text("def square(x):\n    return x\n")
    # scale_add: a "mistake" that is right, one hint only, a reference that is inf somewhere
    (ex / "scale_add" / "mistakes" / "ignores_b.py").write_text(
        "def scale_add(x, a, b):\n    return a * x + b\n")
    toml = (ex / "scale_add" / "exercise.toml").read_text()
    (ex / "scale_add" / "exercise.toml").write_text(
        toml.replace('  "Nudge: multiply first, then add.",\n', ""))
    check = (ex / "scale_add" / "check.py").read_text()
    (ex / "scale_add" / "check.py").write_text(check.replace(
        "    return torch.add(", "    if x.shape == (3, 3):  # a hidden case\n"
        "        return x * float('inf')\n"
        "    return torch.add("))
    # a solution that fails
    (pack / "solutions" / "square.py").write_text("def square(x):\n    return x * x + 1e-3\n")
    return pack


def test_the_test_pack_is_sound(grader):
    course = load_course([PACK])
    for ex_id in ("scale_add", "square"):
        report = validate_exercise(grader, course.exercise(ex_id))
        assert report.ok, report.problems
        assert report.notes == ()
        assert report.facts["cases"] < report.facts["hidden_cases"]


def test_every_kind_of_unsound_exercise_is_reported(grader, broken_pack):
    course = load_course([broken_pack])
    square = validate_exercise(grader, course.exercise("square"))
    scale = validate_exercise(grader, course.exercise("scale_add"))
    assert not square.ok and not scale.ok
    square_text, scale_text = "\n".join(square.problems), "\n".join(scale.problems)
    assert "the starter passes the check" in square_text
    assert "mistake 'cubes' fails (fail) but is named 'doubles'" in square_text
    assert "mistakes/forgot_me.py has no [[mistakes]] entry" in square_text
    assert "the solution does not pass" in square_text
    assert "has 1 hints; at least 2" in scale_text
    assert "mistake 'ignores_b' passes the check" in scale_text
    assert "the reference is NaN/inf on hidden case(s) [4]" in scale_text
    assert f"with seed {ALT_SEED}" in scale_text  # the secret-seed stand-in is proved too


def test_cli_validates_a_pack_and_exits_0():
    out = dltutor("validate", "--pack", str(PACK), "--pack-only", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    doc = json.loads(out.stdout)
    assert doc["ok"] and [e["exercise"] for e in doc["exercises"]] == ["scale_add", "square"]
    assert doc["load_problems"] == []  # the built-in content's problems are not the pack's


def test_cli_runs_on_built_in_content():
    out = dltutor("validate", "relu_backward")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "relu_backward" in out.stdout and "1 of 1 exercises sound" in out.stdout


def test_cli_reports_an_unsound_pack_and_exits_1(broken_pack):
    out = dltutor("validate", "--pack", str(broken_pack), "--pack-only")
    assert out.returncode == 1
    flat = " ".join(out.stdout.split())
    assert "the starter passes the check" in flat
    assert "0 of 2 exercises sound" in flat


@pytest.mark.parametrize("args, words", [
    (["--pack", "no/such/pack"], "does not exist"),
    (["--pack-only"], "--pack-only needs at least one --pack DIR"),
    (["no_such_exercise"], "unknown exercise 'no_such_exercise'"),
])
def test_cli_usage_errors_exit_2(args, words):
    out = dltutor("validate", *args)
    assert out.returncode == 2 and words in out.stderr


def test_an_empty_pack_is_a_problem(tmp_path):
    out = dltutor("validate", "--pack", str(tmp_path), "--pack-only")
    assert out.returncode == 1
    assert "holds no exercises" in " ".join(out.stdout.split())


# -- drive.py: the one exercise file the learner's jailed process imports ------------------------

SOUND_DRIVE = '''"""How a case calls scale_add: the only exercise file the jailed child imports (it loads
no check.py, holds no reference and no cases)."""

import numpy as np


def as_float64(value):
    return np.asarray(value, dtype=np.float64)


def drive(fn, x, a, b):
    return as_float64(fn(x.copy(), a, b))
'''
LOADS_A_MISTAKE = ("\nfrom tutor.grading.trusted import load_trusted\n\n"
                   "_m = load_trusted(__file__.replace('drive.py', 'mistakes/swapped.py'))\n")
JAILED = ("drive.py is imported by the learner's jailed process: it must hold no reference or "
          "cases")


def pack_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """A copy of the test pack with `files` (paths under exercises/scale_add) written over it."""
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    for name, text in files.items():
        (pack / "exercises" / "scale_add" / name).write_text(text)
    return pack


def validate_scale_add(grader, pack: Path):
    return validate_exercise(grader, load_course([pack]).exercise("scale_add"))


def test_a_drive_py_sharing_helpers_with_check_py_is_sound(grader, tmp_path):
    check = (PACK / "exercises" / "scale_add" / "check.py").read_text()
    check = check.replace("from tutor.grading.kit import Case\n",
                          "from tutor.grading.kit import Case\n"
                          "from tutor.grading.trusted import load_sibling\n\n"
                          '_drive = load_sibling(__file__, "drive")\n')
    check = check.replace("    return torch.add(", "    return _drive.as_float64(torch.add(")
    check = check.rstrip("\n") + ")\n"
    pack = pack_with(tmp_path, {"drive.py": SOUND_DRIVE, "check.py": check})
    exercise = load_course([pack]).exercise("scale_add")
    assert exercise.driver_path == pack / "exercises" / "scale_add" / "drive.py"
    report = validate_exercise(grader, exercise)
    assert report.ok, report.problems
    assert report.notes == ()


def test_a_drive_left_in_check_py_is_reported(grader, tmp_path):
    check = (PACK / "exercises" / "scale_add" / "check.py").read_text()
    check += "\n\ndef drive(fn, x, a, b):\n    return fn(x, a, b)\n"
    report = validate_scale_add(grader, pack_with(tmp_path, {"check.py": check}))
    left_in_check = ("check.py defines drive(): move it to drive.py: the engine no longer calls "
                     "check.py's drive")
    assert report.problems == (left_in_check,)


@pytest.mark.parametrize("extra, words", [
    ("\ndef reference(x, a, b):\n    return a * x + b\n", "drive.py defines reference: "),
    ("\ndef cases(rng, hidden):\n    return []\n", "drive.py defines cases: "),
    ("\nfrom check import reference\n", "drive.py defines reference: "),
    ('\nfrom tutor.grading.trusted import load_sibling\n\n_c = load_sibling(__file__, "check")\n',
     "names 'check' (line 16)"),
    ("\nimport pathlib\n\nCHECK = pathlib.Path(__file__).with_name('check.py')\n",
     "names 'check.py' (line 16)"),
    (LOADS_A_MISTAKE, "names 'mistakes/swapped.py' (line 16)"),
    ("\nfrom mistakes import swapped\n", "imports 'mistakes'"),
    ("\nfrom . import check\n", "imports 'check'"),
])
def test_a_drive_py_that_holds_or_loads_the_trusted_side_is_reported(grader, tmp_path, extra,
                                                                      words):
    report = validate_scale_add(grader, pack_with(tmp_path, {"drive.py": SOUND_DRIVE + extra}))
    assert any(words in problem for problem in report.problems), report.problems
    assert all(problem.endswith(JAILED) for problem in report.problems), report.problems
    # nothing that goes through the driver runs; the trusted audit still does
    assert "were not run: fix the drive problems first" in report.notes[-1]
    assert report.facts["cases"] == 3


def test_a_drive_py_without_drive_is_reported(grader, tmp_path):
    pack = pack_with(tmp_path, {"drive.py": SOUND_DRIVE.replace("def drive(", "def run(")})
    report = validate_scale_add(grader, pack)
    no_drive = ("drive.py does not define drive(fn, **inputs): the learner's process calls it "
                "on every case (delete drive.py to call fn(**inputs) instead)")
    assert report.problems == (no_drive,)


def test_a_drive_py_that_does_not_parse_is_reported(grader, tmp_path):
    report = validate_scale_add(grader, pack_with(tmp_path, {"drive.py": "def drive(fn:\n"}))
    assert len(report.problems) == 1 and report.problems[0].startswith(
        "drive.py has a syntax error")


def test_docstrings_and_messages_that_mention_check_py_are_fine(grader, tmp_path):
    drive = SOUND_DRIVE.replace(
        "def drive(fn, x, a, b):\n",
        'def drive(fn, x, a, b):\n    """check.py holds the reference; mistakes/ the mistakes."""\n'
        '    if x.ndim > 3:\n        raise ValueError("too many dims: please check")\n')
    report = validate_scale_add(grader, pack_with(tmp_path, {"drive.py": drive}))
    assert report.ok, report.problems


def test_cli_reports_a_leaky_drive_py_and_exits_1(tmp_path):
    pack = pack_with(tmp_path, {"drive.py": SOUND_DRIVE + "\ndef reference(x, a, b):\n"
                                "    return a * x + b\n"})
    out = dltutor("validate", "--pack", str(pack), "--pack-only", "--json")
    assert out.returncode == 1, out.stdout + out.stderr
    doc = json.loads(out.stdout)
    scale = next(e for e in doc["exercises"] if e["exercise"] == "scale_add")
    assert scale["problems"] == [f"drive.py defines reference: {JAILED}"]


def test_the_built_in_drivers_keep_the_trust_boundary(course):
    from tutor.grading.validate import driver_problems

    driven = sorted(e.id for e in course.exercises.values() if e.driver_path)
    assert driven == ["adadelta_step", "adagrad_step", "adam_step", "freeze_except_last",
                      "grad_check", "momentum_step", "nesterov_step", "rmsprop_step", "sgd_step",
                      "value_autograd"]
    for exercise in course.exercises.values():
        assert driver_problems(exercise) == [], exercise.id


# -- exercise.toml: only known keys, and a format_version ---------------------------------------

def pack_toml(tmp_path: Path, exercise: str, edit) -> Path:
    """A copy of the test pack with `edit(text)` applied to one exercise.toml."""
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    toml = pack / "exercises" / exercise / "exercise.toml"
    toml.write_text(edit(toml.read_text()))
    return pack


@pytest.mark.parametrize("edit, words", [
    (lambda t: t.replace("points = 10", "point = 25"),
     ("unknown key 'point' in exercise.toml (did you mean 'points'?); the keys allowed there are "
     "format_version, title, function, summary, points, timeout,")),
    (lambda t: t.replace("rtol = 1e-12", "rtoll = 1e-3"),
     ("unknown key 'rtoll' in [compare] (did you mean 'rtol'?); the keys allowed there are rtol, "
     "atol")),
    (lambda t: t.replace('id = "ignores_b"', 'id = "ignores_b"\npoints = 2'),
     "unknown key 'points' in [[mistakes]]; the keys allowed there are id, diagnosis"),
    (lambda t: "format_version = 2\n" + t.replace("points = 10", "score = 3"),
     ("format_version 2: this exercise was made for a newer dltutor (this one reads "
     "format_version 1); upgrade dltutor")),
    (lambda t: 'format_version = "1"\n' + t, "format_version must be a whole number"),
])
def test_unknown_keys_and_newer_formats_are_errors(tmp_path, edit, words):
    from tutor.course.loader import ContentError, load_exercise

    pack = pack_toml(tmp_path, "scale_add", edit)
    with pytest.raises(ContentError) as caught:
        load_exercise(pack / "exercises" / "scale_add", pack / "solutions")
    assert words in str(caught.value)
    assert str(pack / "exercises" / "scale_add" / "exercise.toml") in str(caught.value)


def test_format_version_1_is_read_and_absent_means_1(tmp_path):
    from tutor.course.loader import load_exercise

    pack = pack_toml(tmp_path, "scale_add", lambda t: "format_version = 1\n" + t)
    assert load_exercise(pack / "exercises" / "scale_add", pack / "solutions").format_version == 1
    assert load_course([PACK]).exercise("scale_add").format_version == 1


def test_cli_names_an_unknown_key_and_exits_1(tmp_path):
    pack = pack_toml(tmp_path, "square", lambda t: t.replace("points = 5", "point = 25"))
    out = dltutor("validate", "--pack", str(pack), "--pack-only")
    assert out.returncode == 1
    flat = " ".join(out.stdout.split())
    assert "load problem" in flat and "unknown key 'point' in exercise.toml" in flat
    assert "did you mean 'points'?" in flat


# -- check.py: the same cases for the same seed, other hidden cases for another -----------------

def test_cli_reports_a_non_deterministic_generator_and_hidden_cases_that_ignore_the_seed(
        tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    scale = pack / "exercises" / "scale_add" / "check.py"
    scale.write_text(scale.read_text().replace('"x": rng.standard_normal(shape)',
                                               '"x": np.random.standard_normal(shape)'))
    square = pack / "exercises" / "square" / "check.py"
    square.write_text(square.read_text().replace(
        "    shapes = [(4,)", "    if hidden:\n        rng = np.random.default_rng(0)\n"
        "    shapes = [(4,)"))
    out = dltutor("validate", "--pack", str(pack), "--pack-only", "--json")
    assert out.returncode == 1, out.stdout + out.stderr
    doc = {e["exercise"]: e for e in json.loads(out.stdout)["exercises"]}
    assert doc["scale_add"]["problems"] == [
        ("check.py is not deterministic: two runs with the default seed gave different public "
        "cases: draw every random number from cases()' rng argument (not np.random.*, random, "
        "torch.randn, the clock or the order of a set)")]
    assert doc["square"]["problems"] == [
        (f"check.py's hidden cases do not change with the seed (the default seed and seed "
        f"{ALT_SEED} gave the same ones): draw them from cases()' rng, so that a secret seed "
        "grades on cases nobody has seen")]


def test_sound_generators_are_stable(course):
    from tutor.grading.validate import CaseStability

    pack = load_course([PACK])
    exercises = [pack.exercise("scale_add"), pack.exercise("square"),
                 course.exercise("cross_entropy")]
    assert CaseStability(exercises).start().problems() == {
        "scale_add": [], "square": [], "cross_entropy": []}


# -- diagnoses never name the wrong mistake -------------------------------------------------------

FLOAT32_CROSS_ENTROPY = '''import numpy as np


def cross_entropy(logits, targets):
    e = np.exp(logits - logits.max(axis=1, keepdims=True)).astype(np.float32)
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(targets)), targets])))
'''
RESHAPE_STYLE_LOSS = '''import numpy as np


def style_loss(gen_features, style_features):
    C, H, W = gen_features.shape
    G = gen_features.reshape(C, H * W)
    S = style_features.reshape(C, H * W)   # the style maps may have another H x W
    return float(np.mean((G @ G.T / G.size - S @ S.T / S.size) ** 2))
'''


def test_a_float32_cross_entropy_is_not_named_log_of_softmax(grader, course, write):
    """It takes the log of a softmax, like the known mistake, but in float32: off by ~1e-7 on
    every case, which the known mistake is not (the exercise's tolerance is 1e-9)."""
    exercise = course.exercise("cross_entropy")
    result = grader.check(exercise, write("cross_entropy.py", FLOAT32_CROSS_ENTROPY))
    assert result.verdict is Verdict.FAIL
    assert result.mistake is None and result.diagnosis is None
    # the known mistake itself is still named
    assert grader.check(exercise, exercise.directory / "mistakes" / "log_of_softmax.py"
                        ).mistake == "log_of_softmax"


def test_a_reshape_error_in_style_loss_is_not_named_feature_mse(grader, course, write):
    """The reshape raises ValueError on the two cases whose maps differ in size, where comparing
    the features raises ValueError too; but it is right on every other case, where the feature
    comparison is wrong."""
    exercise = course.exercise("style_loss")
    result = grader.check(exercise, write("style_loss.py", RESHAPE_STYLE_LOSS))
    assert result.verdict is Verdict.ERROR
    assert "pass" in result.case_verdicts
    assert result.mistake is None and result.diagnosis is None
    assert grader.check(exercise, exercise.directory / "mistakes" / "feature_mse.py"
                        ).mistake == "feature_mse"


# -- mutants: wrong code the cases let through ---------------------------------------------------

def test_a_weak_check_lets_a_mutant_survive_and_a_strong_one_kills_it(grader, tmp_path):
    """square's cases draw x from [-3, 3]: `np.clip(x * x, -1.0, 1.0)` fails them. Drawn from
    [-1, 1] (public and hidden), x * x never leaves [-1, 1] and the clip passes every case: only
    the battery's inputs scaled by 10⁴ tell it apart. `abs(x * x)` is the same function:
    equivalent, never counted."""
    from tutor.grading.validate import mutation_test

    weak = tmp_path / "pack"
    shutil.copytree(PACK, weak)
    check = weak / "exercises" / "square" / "check.py"
    check.write_text(check.read_text().replace("rng.uniform(-3.0, 3.0, shape)",
                                               "rng.uniform(-1.0, 1.0, shape)"))
    clip = "return x * x → return np.clip(x * x, -1.0, 1.0)"

    strong_report = mutation_test(grader, load_course([PACK]).exercise("square"))
    weak_report = mutation_test(grader, load_course([weak]).exercise("square"))

    for report in (strong_report, weak_report):
        assert report.skipped == "" and report.made == 5
        by_change = {r.description: r.status for r in report.results}
        assert by_change["return x * x → return abs(x * x)"] == "equivalent"
        assert by_change["x * x → x / x"] == "killed"
    assert {r.description: r.status for r in strong_report.results}[clip] == "killed"
    assert strong_report.surviving == ()
    (survivor,) = weak_report.surviving
    assert (survivor.line, survivor.description, survivor.kind) == (7, clip, "clip")
    assert survivor.caught_by.startswith("the cases with floats ×10000")
    assert weak_report.to_dict()["surviving"] == 1


def test_cli_mutants_on_a_pack_exercise(tmp_path):
    out = dltutor("validate", "--pack", str(PACK), "square", "--mutants", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    (square,) = json.loads(out.stdout)["exercises"]
    counts = {k: square["mutants"][k] for k in ("made", "killed", "equivalent", "surviving")}
    assert counts == {"made": 5, "killed": 3, "equivalent": 2, "surviving": 0}
    text = dltutor("validate", "--pack", str(PACK), "square", "--mutants")
    flat = " ".join(text.stdout.split())
    assert "1 of 1 exercises sound; 0 surviving mutant(s)" in flat
    assert "square │ 5 │ 3 │ 2 │ 0" in flat
