"""Reports that say what happened: results named in the learner's terms, a file that does not
load said as such, small inputs shown whole, `check --case N --save DIR`, and diagnoses whose
numeric claims match what their mistake files really do on the cases."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from tests.conftest import REPO
from tutor.course import load_course
from tutor.grading import codec
from tutor.grading.cases import CaseOutcome, PreparedCase
from tutor.grading.checker import (
    Checker,
    OutputNames,
    build_report,
    load_failure,
    output_names,
    summarise_input,
)
from tutor.grading.compare import Raised, compare
from tutor.grading.render import render_result
from tutor.grading.results import CheckResult, Verdict

MISTAKES = REPO / "exercises"


@pytest.fixture(scope="module")
def builtin():
    return load_course()


@pytest.fixture(scope="module")
def trusted() -> Checker:
    """The trusted half in this process: cases, references and known mistakes (no sandbox)."""

    def no_sandbox(request):  # pragma: no cover - these tests never run learner code here
        raise AssertionError("no sandbox here")

    return Checker(no_sandbox)


def text_of(renderable) -> str:
    console = Console(width=100, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def outputs_of(trusted, course, exercise_id, mistake_id):
    """(cases, the mistake's outputs) on the public cases, the default seed."""
    exercise = course.exercise(exercise_id)
    cases = trusted.prepare(exercise, None, False)
    mistake = next(m for m in exercise.mistakes if m.id == mistake_id)
    return cases, trusted.mistake_outputs(exercise, mistake.path, None, False, cases), mistake


def leaf_paths(value, where="output"):
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from leaf_paths(v, f"{where}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from leaf_paths(v, f"{where}[{k!r}]")
    else:
        yield where


# -- naming the place of a mismatch ---------------------------------------------------------------


def test_places_are_named_by_returns_and_by_paths():
    names = OutputNames("f", ("dx", "dW"), (
        (("output", "[0]"), "dx (the 1st value f returns)"),
        (("output", "[#]", "[1]"), "buf after step {1}"),
        (("output", "[#]"), "item {1}"),
        (("output", "['m']"), "m at each step")))
    assert names.place("output[0]") == "dx (the 1st value f returns)"
    assert names.place("output[2][1]") == "buf after step 3"  # the longest match wins
    assert names.place("output[4]") == "item 5"
    assert names.place("output[4][0]") == "item 5, at [0]"  # deeper: the rest of the path
    assert names.place("output['m']") == "m at each step"
    assert names.place("output['v']") == "output['v']"  # unnamed: the path itself
    assert names.place("output") == "output" and names.whole() == "a tuple (dx, dW) from f"
    assert OutputNames("g").place("output[1]") == "output[1]"
    # without [outputs], a tuple the function returns is still told by position
    assert OutputNames("g").unnamed_tuple_place("output[1]") == "the 2nd value g returns"
    assert OutputNames("g").unnamed_tuple_place("output[0][2]") == "the 1st value g returns, at [2]"
    assert OutputNames("g", driven=True).unnamed_tuple_place("output[1]") == "output[1]"


def test_builtin_outputs_name_every_part_of_every_multi_output_result(builtin, trusted):
    for exercise in builtin.ordered_exercises():
        names = output_names(exercise)
        for case in trusted.prepare(exercise, None, False):
            if isinstance(case.expected, Raised) or not isinstance(case.expected,
                                                                   (tuple, list, dict)):
                continue
            for path in leaf_paths(case.expected):
                assert names.place(path) != path, f"{exercise.id}: {path} has no name"


def test_outputs_read_from_exercise_toml(builtin):
    mlp = output_names(builtin.exercise("mlp_backward"))
    assert mlp.place("output[2]") == "dW2 (the 3rd value mlp_backward returns)"
    momentum = output_names(builtin.exercise("momentum_step"))
    assert momentum.place("output[2][1]") == ("buf after step 3 (the 2nd value momentum_step "
                                              "returns)")
    assert momentum.place("output[2]") == "output[2]"  # returns never names a driver's list
    adam = output_names(builtin.exercise("adam_step"))
    assert adam.place("output['m']").startswith("m (the 2nd value adam_step returns)")
    assert "param" in adam.place("output['update']")


def test_a_malformed_outputs_table_never_breaks_naming(tmp_path, builtin):
    import shutil

    folder = tmp_path / "exercises" / "mlp_backward"
    shutil.copytree(builtin.exercise("mlp_backward").directory, folder)
    toml = folder / "exercise.toml"
    toml.write_text(toml.read_text().replace('returns = ["dW1", "db1", "dW2", "db2"]',
                                             'returns = "dW1"\n"output[" = 3\n"x[0]" = "y"'))
    exercise = load_course([tmp_path], builtin=False).exercise("mlp_backward")
    assert output_names(exercise).place("output[2]") == "output[2]"


# -- the public report -----------------------------------------------------------------------------


def prepared(inputs, expected, label="a case"):
    return PreparedCase(label, codec.encode(inputs), codec.decode(codec.encode(expected)),
                        1e-7, 1e-12)


def test_scalars_are_shown_once_and_small_arrays_whole():
    assert summarise_input("t", 1) == summarise_input("t", 1)
    t = summarise_input("t", 1)
    assert (t.description, t.preview) == ("1", "")
    lr = summarise_input("lr", 0.001)
    assert (lr.description, lr.preview) == ("0.001", "")
    small = summarise_input("x", np.arange(12.0).reshape(3, 4))
    assert small.description == "float64 array (3, 4)"
    assert "..." not in small.preview and "11." in small.preview and "\n" not in small.preview
    big = summarise_input("x", np.arange(13.0))
    assert big.preview.endswith(", ...]") and "12." not in big.preview
    losses = summarise_input("val_losses", [0.123456789] * 12)
    assert "..." not in losses.preview and losses.preview.count("0.123456789") == 12


def test_a_mismatch_is_described_where_it_is(builtin):
    case = prepared({"x": np.ones(3), "t": 2}, (np.zeros((2, 3)), np.ones(3)))
    got = (np.zeros((3, 2)), np.ones(3))
    mismatch = compare(got, case.expected, 1e-7, 1e-12)
    outcome = CaseOutcome("fail", got, mismatch, problem=f"{mismatch.where}: {mismatch.message}")
    names = OutputNames("collapse", ("W", "b"), (
        (("output", "[0]"), "W (the 1st value collapse returns)"),))
    report = build_report(0, [case], outcome, "default", names)
    assert report.place == "W (the 1st value collapse returns)"
    assert report.problem == ("W (the 1st value collapse returns): expected shape (2, 3), "
                              "got (3, 2)")
    assert (report.expected, report.got) == ("float64 array (2, 3)", "float64 array (3, 2)")
    assert report.mismatch["where"] == "output[0]"  # the machine-readable path stays
    text = text_of(render_result(CheckResult(
        "collapse", Verdict.FAIL, 0.0, 0, 1, 1.0, "1 of 1 cases failed", report=report)))
    assert "in       W (the 1st value collapse returns)" in text
    assert "│ t    2 " in text and "2  2" not in text  # a scalar input is printed once
    assert "tuple of 2" not in text


def test_a_raised_exception_names_the_whole_result():
    case = prepared({"x": np.ones(3)}, (np.zeros(3), np.ones(3)))
    outcome = CaseOutcome("error", Raised("TypeError", "no"), problem="raised TypeError: no")
    report = build_report(0, [case], outcome, "default", OutputNames("f", ("a", "b")))
    assert report.expected == "a tuple (a, b) from f" and report.got == "raised TypeError"
    assert report.place == "" and report.problem == "raised TypeError: no"


def test_results_round_trip_the_new_fields():
    case = prepared({"x": np.ones(3)}, np.zeros(3))
    got = np.ones(3)
    mismatch = compare(got, case.expected, 1e-7, 1e-12)
    report = build_report(0, [case], CaseOutcome("fail", got, mismatch, problem="p"), "default",
                          OutputNames("f", (), ((("output",), "the gradient"),)))
    assert report.place == "the gradient"
    result = CheckResult("e", Verdict.ERROR, 0.0, 0, 3, 1.0, "m", report=report, loaded=False,
                         line=4, excerpt="4 | def f(x)\n  |         ^")
    again = CheckResult.from_dict(result.to_dict())
    assert again == result
    assert CheckResult.from_dict({k: v for k, v in result.to_dict().items()
                                  if k not in ("line", "excerpt")}).excerpt == ""


# -- a file that does not load ---------------------------------------------------------------------


def test_a_syntax_error_is_the_line_and_nothing_else():
    source = "import numpy as np\n\ndef relu_backward(dout, x)\n    return dout\n"
    error = {"stage": "import", "kind": "exception", "type": "SyntaxError",
             "mro": ["SyntaxError", "Exception"], "line": 3,
             "message": "expected ':' (relu_backward.py, line 3)", "traceback": "..."}
    message, line, excerpt = load_failure(error, source, "relu_backward")
    assert message == "your file does not parse: line 3: expected ':'" and line == 3
    assert excerpt.splitlines() == ["3 | def relu_backward(dout, x)",
                                    "  |                           ^"]
    result = CheckResult("relu_backward", Verdict.ERROR, 0.0, 0, 7, 1.0, message,
                         loaded=False, line=line, excerpt=excerpt)
    text = text_of(render_result(result))
    assert "does not parse: line 3" in text and "def relu_backward(dout, x)" in text
    assert "Case" not in text and "float64" not in text and "got" not in text


def test_a_missing_function_and_an_import_error_are_said_as_such():
    error = {"stage": "import", "type": "AttributeError", "mro": ["AttributeError"],
             "message": "f.py does not define a function named relu_backward", "traceback": ""}
    source = "def relu_bwd(dout, x):\n    return dout\n\nhelper = 3\n"
    message, line, excerpt = load_failure(error, source, "relu_backward")
    assert message == ("your file does not define a function named relu_backward "
                       "(it defines relu_bwd)")
    assert (line, excerpt) == (None, "")
    error = {"stage": "import", "type": "ModuleNotFoundError",
             "mro": ["ModuleNotFoundError", "ImportError"], "kind": "exception",
             "message": "No module named 'scipyx'",
             "traceback": 'Traceback (your code):\n  File "/w/f.py", line 2, in <module>\n'
                          "    import scipyx\nModuleNotFoundError: No module named 'scipyx'\n"}
    message, line, excerpt = load_failure(error, "import numpy\nimport scipyx\n", "f")
    assert message == ("importing your file raised ModuleNotFoundError: No module named "
                       "'scipyx' (line 2)")
    assert (line, excerpt) == (2, "2 | import scipyx")
    exit_error = {"stage": "import", "type": "SystemExit", "kind": "exit", "message": "0",
                  "traceback": ""}
    assert "sys.exit(0)" in load_failure(exit_error, "import sys\nsys.exit(0)\n", "f")[0]


@pytest.mark.parametrize(("source", "message", "shown"), [
    ("import numpy as np\n\ndef relu_backward(dout, x)\n    return dout\n",
     "your file does not parse: line 3: expected ':'", "def relu_backward(dout, x)"),
    ("import numpy as np\nimport no_such_module_here\n",
     ("importing your file raised ModuleNotFoundError: No module named 'no_such_module_here' "
     "(line 2)"), "import no_such_module_here"),
    ("def relu_bwd(dout, x):\n    return dout\n",
     "your file does not define a function named relu_backward (it defines relu_bwd)", ""),
])
def test_checks_of_files_that_do_not_load(grader, builtin, write, source, message, shown):
    result = grader.check(builtin.exercise("relu_backward"), write("relu_backward.py", source))
    assert result.verdict is Verdict.ERROR and not result.loaded
    assert result.message == message
    assert result.report is None and result.diagnosis is None and result.mistake is None
    assert shown in result.excerpt
    assert "case" not in result.message


def test_hidden_reports_of_a_broken_file_stay_redacted(grader, builtin, write):
    source = "import numpy as np\n\ndef relu_backward(dout, x)\n    return 'Seed_123'\n"
    result = grader.check(builtin.exercise("relu_backward"), write("relu_backward.py", source),
                          seed=424242, hidden=True)
    assert not result.loaded and result.excerpt == "" and result.line is None
    assert "hidden case" in result.message and "expected ':'" not in result.message
    assert result.report is not None and result.report.hidden


def test_a_named_multi_output_report_from_the_grader(grader, builtin):
    exercise = builtin.exercise("mlp_backward")
    result = grader.check(exercise, MISTAKES / "mlp_backward" / "mistakes" / "dw_transposed.py")
    assert "dW1 (the 1st value mlp_backward returns): expected shape (5, 3), got (3, 5)" \
        in result.message
    assert result.report.expected == "float64 array (5, 3)"
    assert result.report.got == "float64 array (3, 5)"
    adam = grader.check(builtin.exercise("adam_step"),
                        MISTAKES / "adam_step" / "mistakes" / "no_bias_correction.py")
    assert "output['update']" not in adam.message and "the change in param" in adam.message
    assert adam.report.expected == "float64 array (4, 5)"  # not "dict"
    assert adam.mistake == "no_bias_correction"


# -- the public case op and check --case N --save DIR ---------------------------------------------


def test_the_case_op_gives_public_cases_only(grader, builtin, trusted):
    exercise = builtin.exercise("early_stopping")
    public = trusted.prepare(exercise, None, False)
    case = grader.case(exercise, 3)
    assert case["cases_total"] == len(public) and case["label"] == public[2].label
    assert case["inputs"] == codec.decode(public[2].inputs)
    assert case["expected"] == public[2].expected
    last = grader.case(exercise, len(public))
    assert isinstance(last["expected"], Raised) and last["expected"].type_name == "ValueError"
    with pytest.raises(IndexError, match=f"has {len(public)} cases"):
        grader.case(exercise, len(public) + 1)  # a hidden case's number: refused
    # asking for hidden cases or a secret seed changes nothing: the op never reads them
    reply = grader._request({"op": "case", "exercise_dir": str(exercise.directory),
                             "number": len(public) + 1, "hidden": True, "seed": 424242}, 300.0)
    assert reply["ok"] and reply["case"] is None and reply["cases_total"] == len(public)
    reply = grader._request({"op": "case", "exercise_dir": str(exercise.directory),
                             "number": 1, "hidden": True, "seed": 424242}, 300.0)
    assert codec.decode(__import__("base64").b64decode(reply["case"]["inputs"])) == \
        codec.decode(public[0].inputs)


def dltutor(*args: str, home: Path, cwd: Path = REPO) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ, DLTUTOR_HOME=str(home), COLUMNS="100")
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True,
                          check=False, text=True, env=env, timeout=180, cwd=cwd)


def run_script(script: Path, *file: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(script), *map(str, file)], capture_output=True,
                          check=False, text=True, timeout=120, cwd=script.parent.parent)


def printed(out: subprocess.CompletedProcess) -> tuple[str, str]:
    expected = out.stdout.split("expected:", 1)[1].split("\ngot:", 1)[0].strip()
    got = out.stdout.split("\ngot:", 1)[1].strip()
    return expected, got


def test_check_case_save_writes_a_case_that_reruns(isolated_home, tmp_path):
    wrong = MISTAKES / "relu_backward" / "mistakes" / "ge_instead_of_gt.py"
    folder = tmp_path / "repro"
    out = dltutor("check", "relu_backward", "--case", "1", "--save", str(folder), "--file",
                  str(wrong), home=isolated_home)
    assert out.returncode == 0, out.stdout + out.stderr
    names = {p.name for p in folder.iterdir()}
    assert {"case1.py", "case1_inputs.npz", "case1_inputs.json", "case1_expected.npz",
            "case1_expected.json"} <= names
    assert len((folder / "case1.py").read_text().splitlines()) < 60
    arrays = np.load(folder / "case1_inputs.npz")
    assert set(arrays.files) == {"dout", "x"} and (arrays["x"] == 0).any()

    mine = run_script(folder / "case1.py")  # default: the file given to check
    assert mine.returncode == 0, mine.stderr
    expected, got = printed(mine)
    assert expected != got
    good = run_script(folder / "case1.py", REPO / "solutions" / "relu_backward.py")
    assert good.returncode == 0, good.stderr
    expected, got = printed(good)
    assert expected == got


def test_check_case_save_runs_through_the_driver(isolated_home, tmp_path):
    folder = tmp_path / "momentum"
    out = dltutor("check", "momentum_step", "--case", "2", "--save", str(folder), "--json",
                  home=isolated_home)
    assert out.returncode == 0, out.stderr
    assert (folder / "drive.py").read_text() == \
        (REPO / "exercises" / "momentum_step" / "drive.py").read_text()
    good = run_script(folder / "case2.py", REPO / "solutions" / "momentum_step.py")
    wrong = run_script(folder / "case2.py",
                       MISTAKES / "momentum_step" / "mistakes" / "lr_inside_buffer.py")
    assert good.returncode == 0 and wrong.returncode == 0, good.stderr + wrong.stderr
    assert printed(good)[0] == printed(wrong)[0]  # the same expected value...
    assert printed(wrong)[1] != printed(good)[1]  # ...and a different result


def test_check_case_save_usage_errors(isolated_home, tmp_path):
    out = dltutor("check", "relu_backward", "--case", "99", "--save", str(tmp_path / "x"),
                  home=isolated_home)
    assert out.returncode == 2 and "choose a case from 1 to" in out.stderr
    out = dltutor("check", "relu_backward", "--case", "1", home=isolated_home)
    assert out.returncode == 2 and "go together" in out.stderr


# -- diagnoses whose numeric claims match their mistake files --------------------------------------


def diagnosis(course, exercise_id, mistake_id) -> str:
    return next(m.diagnosis for m in course.exercise(exercise_id).mistakes if m.id == mistake_id)


def test_adam_without_bias_correction_steps_too_large(builtin, trusted):
    cases, outputs, mistake = outputs_of(trusted, builtin, "adam_step", "no_bias_correction")
    assert "too large" in mistake.diagnosis and "too small" not in mistake.diagnosis
    assert "3.16" in mistake.diagnosis
    for case, out in zip(cases, outputs):
        first = np.abs(out["update"][0]) / np.abs(case.expected["update"][0])
        inputs = codec.decode(case.inputs)
        if inputs["t"] == 1:  # the first steps: too large ("usually": where eps dominates a
            assert np.median(first) > 1, case.label  # tiny gradient it can go the other way)
        if case.label == "defaults, first 4 steps":
            assert np.allclose(first, (1 - 0.9) / math.sqrt(1 - 0.999), rtol=1e-3)


@pytest.mark.parametrize(("exercise_id", "mistake_id", "case_label"), [
    ("scaled_dot_product_attention", "no_max_subtraction", "large scores"),
    ("occlusion_map", "softmax_overflow", "huge logits"),
])
def test_softmax_overflow_claims_the_real_threshold(builtin, trusted, exercise_id, mistake_id,
                                                    case_label):
    cases, outputs, mistake = outputs_of(trusted, builtin, exercise_id, mistake_id)
    assert "a few hundred" not in mistake.diagnosis and "709" in mistake.diagnosis
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(300.0)) and np.isfinite(np.exp(709.0))
        assert np.isinf(np.exp(710.0))
    hits = [out for case, out in zip(cases, outputs) if case.label.startswith(case_label)]
    assert hits and all(np.isnan(out).any() for out in hits)


def test_waiting_one_extra_epoch_stops_at_least_one_epoch_late(builtin, trusted):
    cases, outputs, mistake = outputs_of(trusted, builtin, "early_stopping",
                                         "waits_one_extra_epoch")
    assert "at least one epoch late" in mistake.diagnosis
    lateness = [out[0] - case.expected[0] for case, out in zip(cases, outputs)
                if not isinstance(case.expected, Raised) and out != case.expected]
    assert lateness and min(lateness) >= 1 and max(lateness) > 1


def test_no_validation_returns_numbers_and_divides_by_zero(builtin, trusted):
    cases, outputs, mistake = outputs_of(trusted, builtin, "conv_output_size", "no_validation")
    assert "ZeroDivisionError" in mistake.diagnosis
    wrong = {case.label: out for case, out in zip(cases, outputs)
             if isinstance(case.expected, Raised)}
    assert isinstance(wrong.pop("stride 0"), Raised)
    assert wrong and all(isinstance(out, int) for out in wrong.values())


@pytest.mark.parametrize("exercise_id", ["momentum_step", "nesterov_step"])
def test_lr_inside_the_buffer_makes_it_lr_times_pytorchs(builtin, trusted, exercise_id):
    cases, outputs, mistake = outputs_of(trusted, builtin, exercise_id, "lr_inside_buffer")
    assert "lr times PyTorch's" in mistake.diagnosis
    for case, out in zip(cases, outputs):
        lr = codec.decode(case.inputs)["lr"]
        for (_, buf), (_, want) in zip(out, case.expected):
            np.testing.assert_allclose(buf, lr * want, rtol=1e-9, atol=1e-12)


def test_mlp_without_the_batch_mean_is_n_times_too_big(builtin, trusted):
    cases, outputs, mistake = outputs_of(trusted, builtin, "mlp_backward", "no_batch_mean")
    assert "N times too big" in mistake.diagnosis
    for case, out in zip(cases, outputs):
        n = len(codec.decode(case.inputs)["x"])
        for got, want in zip(out, case.expected):
            np.testing.assert_allclose(got, n * want, rtol=1e-9, atol=1e-12)


def test_xavier_std_is_sqrt3_times_smaller_than_the_bound(builtin, trusted):
    cases, outputs, mistake = outputs_of(trusted, builtin, "xavier_uniform_bound",
                                         "std_not_bound")
    assert "√3 times larger" in mistake.diagnosis
    for case, out in zip(cases, outputs):
        if not isinstance(case.expected, Raised):
            assert out * math.sqrt(3) == pytest.approx(case.expected, rel=1e-12)
