"""Hidden-case reports carry nothing the student's code controls (tutor/grading/redact.py), the
formats add no timing to them and say how the code was isolated, and secret seeds keep all their
bits (tutor/grading/seeds.py, `dltutor seed`).

Every outcome here is fabricated the way the checker builds one from the child's (untrusted)
payload, so no grading worker is needed. Each test stands for one rule and fails without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import numpy as np
import pytest

from tutor.grading import codec
from tutor.grading.cases import CaseOutcome, PreparedCase
from tutor.grading.compare import Mismatch, Raised, compare
from tutor.grading.formats import renderer
from tutor.grading.gradebook import ExerciseColumn, ExerciseGrade, GradeReport, SubmissionGrade
from tutor.grading.redact import (
    HIDDEN_OUTPUT_NOTE,
    MAX_FRAMES,
    MAX_SOURCE_CHARS,
    expected_kind,
    hidden_message,
    hidden_output,
    hidden_problem,
    hidden_report,
    kind_of,
    safe_exception_name,
    source_index,
)
from tutor.grading.results import CheckResult, FailureReport, Verdict
from tutor.grading.seeds import MIN_BITS, case_seed, seed_warning, strong_seed

REPO = Path(__file__).resolve().parent.parent

SOURCE = '''import numpy as np


def helper(x):
    total = 0.0
    for v in x:
        total += v
    return total


def scale_add(x, a, b):
    y = helper(x)
    return a * x + b + 0 * y
'''  # helper: lines 4-8, scale_add: lines 11-13, the file: 14 lines

# values a hostile submission would try to smuggle out; none may appear in a hidden report
INPUT_X = np.array([271828.0, -1.5, 2.25])
INPUTS = {"x": INPUT_X, "a": 314159.0, "b": -2.5}
LABEL = "x holds 271828, a = 314159"


def prepared(expected, inputs=None, label=LABEL) -> PreparedCase:
    return PreparedCase(label, codec.encode(INPUTS if inputs is None else inputs), expected,
                        1e-7, 0.0)


def failed(expected, got) -> tuple[list[PreparedCase], CaseOutcome]:
    """A wrong value, judged as the checker judges it."""
    mismatch = compare(got, expected, 1e-7, 0.0)
    assert mismatch is not None
    return [prepared(expected)], CaseOutcome("fail", got, mismatch,
                                             problem=f"{mismatch.where}: {mismatch.message}")


def raised(type_name: str, mro=(), *, message="smuggled 271828 314159", traceback="",
           stage="call", kind="exception", line=None, expected=None) -> tuple[
               list[PreparedCase], CaseOutcome]:
    """An exception, as the child reports it: every field chosen by the student's code."""
    payload = {"ok": False, "stage": stage, "kind": kind, "type": type_name,
               "mro": list(mro or (type_name,)), "message": message, "traceback": traceback,
               "line": line}
    value = Raised(type_name, message, tuple(payload["mro"]))
    expected = np.zeros(3) if expected is None else expected
    return [prepared(expected)], CaseOutcome("error", value, error=payload,
                                             problem=f"raised {type_name}: {message}")


def report_of(cases, outcome, source=SOURCE, seed="hidden") -> FailureReport:
    return hidden_report(0, cases, outcome, seed, source)


def everything(report: FailureReport) -> str:
    return json.dumps(report.to_dict())


def frame(line: int, name: str, path: str = "/tmp/sub/scale_add.py") -> str:
    return f'  File "{path}", line {line}, in {name}\n    some source line\n'


# -- exception class names ------------------------------------------------------------------


def test_a_custom_exception_shows_as_its_nearest_builtin_class():
    cases, outcome = raised("Leak_987654", ["Leak_987654", "ValueError", "Exception",
                                            "BaseException", "object"])
    report = report_of(cases, outcome)
    assert report.error_type == "ValueError"
    assert report.problem == "raised ValueError"
    assert report.got == "raised ValueError"
    assert report.traceback.strip().endswith("ValueError")
    assert "987654" not in everything(report)
    assert "Leak" not in everything(report)


def test_an_exception_with_no_builtin_class_in_its_names_is_just_exception():
    cases, outcome = raised("Seed_12345", ["Seed_12345", "Base_678", "object"])
    report = report_of(cases, outcome)
    assert report.error_type == "Exception" and report.problem == "raised Exception"
    assert "12345" not in everything(report) and "678" not in everything(report)
    # names that are builtins but not exception classes do not count either
    assert safe_exception_name(["print", "object", "len", "__import__"]) == "Exception"
    assert safe_exception_name([None, 7, "x" * 10_000, "KeyError"]) == "KeyError"


def test_a_raised_value_compared_with_an_expected_exception_is_redacted_too():
    # the reference raises ValueError; the student raises their own class
    cases, outcome = raised("Leak_424242", ["Leak_424242", "TypeError", "Exception"],
                            expected=Raised("ValueError"))
    outcome = CaseOutcome("fail", outcome.value, compare(outcome.value, Raised("ValueError"),
                                                         0, 0), error=outcome.error)
    report = report_of(cases, outcome)
    assert report.problem == "output: expected ValueError to be raised, but it raised TypeError"
    assert report.expected == "raises ValueError"
    assert "424242" not in everything(report)


# -- tracebacks -----------------------------------------------------------------------------


def test_only_frames_of_functions_in_the_source_within_their_lines_are_kept():
    traceback = ("Traceback (your code):\n"
                 + frame(2, "<module>")  # within the file: kept
                 + frame(12, "scale_add")  # within scale_add: kept
                 + frame(6, "helper")  # within helper: kept
                 + frame(987654, "helper")  # a line the function does not have
                 + frame(12, "helper")  # scale_add's line, claimed for helper
                 + frame(5, "Seed_31337")  # no such function in the source
                 + frame(5, "exec")  # nor this
                 + frame(41, "<module>")  # past the end of the file
                 + "ValueError: 271828\n")
    cases, outcome = raised("ValueError", ["ValueError", "Exception"], traceback=traceback)
    report = report_of(cases, outcome)
    assert report.traceback.splitlines() == [
        "Traceback (your code; messages are not shown for hidden cases):",
        "  line 2, in <module>", "  line 12, in scale_add", "  line 6, in helper",
        "ValueError"]
    for leak in ("987654", "Seed_31337", "exec", "41", "/tmp/sub", "some source", "271828"):
        assert leak not in everything(report)


def test_a_traceback_keeps_few_frames_and_collapses_repeats():
    frames = "".join(frame(line, "helper") for line in (5, 6, 7) * 20)
    frames += frame(6, "helper") * 50
    cases, outcome = raised("RecursionError", ["RecursionError", "RuntimeError"],
                            traceback=frames)
    shown = [line for line in report_of(cases, outcome).traceback.splitlines()
             if line.startswith("  line")]
    assert len(shown) == MAX_FRAMES


def test_the_source_is_parsed_defensively():
    huge = "x = 1\n" * (MAX_SOURCE_CHARS // 6 + 1)
    nested = "x = " + "-" * 200_000 + "1\n"
    deep = "x = " + "(" * 100_000 + ")" * 100_000 + "\n"
    for source in (huge, nested, deep, "x = '\0'\n", ""):
        index = source_index(source)  # never raises
        assert index.spans == {} and not index.has_frame("<module>", 1)
    cases, outcome = raised("ValueError", traceback=frame(1, "<module>"))
    assert report_of(cases, outcome, source=huge).traceback == "ValueError\n"


def test_a_syntax_error_line_comes_from_our_own_parse_not_the_child():
    broken = "import numpy as np\n\ndef scale_add(x, a, b)\n    return x\n"
    cases, outcome = raised("SyntaxError", ["SyntaxError", "Exception"], stage="import",
                            line=987654, message="invalid syntax 271828")
    report = report_of(cases, outcome, source=broken)
    assert report.problem == "syntax error on line 3" and report.line == 3
    # a SyntaxError the code raised itself (exec, or `raise`) in a file that parses: no line
    report = report_of(cases, outcome, source=SOURCE)
    assert report.problem == "raised SyntaxError (while importing your file)"
    assert report.line is None and "987654" not in everything(report)


# -- received values: no shape, no length, names from a fixed vocabulary ------------------------


def test_a_received_shape_appears_nowhere():
    cases, outcome = failed(np.zeros(5), np.zeros(987654))
    report = report_of(cases, outcome)
    assert report.problem == "output: wrong shape: expected shape (5,)"
    assert report.got == "float64 array" and report.expected == "float64 array (5,)"
    assert "987654" not in everything(report)
    cases, outcome = failed(np.zeros((2, 3)), np.zeros((2, 3, 4321)))
    assert "4321" not in everything(report_of(cases, outcome))


def test_a_received_length_appears_nowhere():
    expected = (np.zeros(2), np.zeros(2))
    cases, outcome = failed(expected, tuple(np.zeros(2) for _ in range(4321)))
    report = report_of(cases, outcome)
    assert report.problem == "output: wrong structure: expected tuple of 2, got tuple"
    assert "4321" not in everything(report)
    cases, outcome = failed(expected, [0.0] * 4321)
    assert "4321" not in everything(report_of(cases, outcome))
    cases, outcome = failed({"w": np.zeros(2)}, {"w": np.zeros(2), "k_4321": 1.0})
    assert "4321" not in everything(report_of(cases, outcome))


def test_received_type_names_come_from_a_fixed_vocabulary():
    assert kind_of(np.zeros(3, np.int32)) == "int32 array"
    assert kind_of(np.zeros(3, ">f8")) == "float64 array"
    assert kind_of(np.float32(1.0)) == "float32 scalar"
    assert kind_of(np.zeros(3, np.complex128)) == "array"  # not in the vocabulary
    assert kind_of(np.zeros(2, dtype=[("leak_271828", "f8")])) == "array"
    assert [kind_of(v) for v in (1, 1.5, True, "s", None, [1], (1,), {"a": 1})] == [
        "int", "float", "bool", "str", "None", "list", "tuple", "dict"]

    class Leak_271828(float):
        pass

    assert kind_of(Leak_271828(1.0)) == "value of another type"
    # a wrong dtype names the expected one and the received one from the vocabulary
    cases, outcome = failed(np.zeros(3), np.zeros(3, np.int16))
    assert report_of(cases, outcome).problem == (
        "output: wrong dtype: expected a float array (float64), got int16")


def test_the_grader_side_may_keep_shapes_and_lengths():
    assert expected_kind(np.zeros((3, 4))) == "float64 array (3, 4)"
    assert expected_kind((1.0, 2.0)) == "tuple of 2"
    assert expected_kind(Raised("ValueError")) == "raises ValueError"


# -- magnitudes and counts ----------------------------------------------------------------------


def test_no_error_magnitude_or_mismatch_count():
    expected = np.array([271828.0, 2.0, 3.0, 4.0])
    cases, outcome = failed(expected, np.array([0.0, 2.0, 0.0, 4.0]))  # zeros: max abs = a value
    report = report_of(cases, outcome)
    assert report.problem == "output: values differ from the reference"
    text = everything(report)
    for leak in ("271828", "2.7e+05", "3e+05", "max abs", "max rel", "2 of 4", "of 4"):
        assert leak not in text
    m = report.mismatch
    assert m["max_abs_error"] is None and m["max_rel_error"] is None
    assert m["mismatched"] is None and m["elements"] is None and m["worst"] == []
    assert m["kind"] == "values" and m["where"] == "output"
    assert m["expected"] == "float64 array (4,)" and m["got"] == "float64 array"


def test_each_failed_property_is_named_at_its_output_field():
    e = (np.ones(3), np.ones(2))
    assert report_of(*failed(e, (np.ones(3), np.array([1.0, np.nan])))).problem == (
        "output[1]: NaN or infinite values where the reference is finite")
    assert report_of(*failed(e, (np.ones(3), np.array([1.0, 5.0])))).problem == (
        "output[1]: values differ from the reference")
    assert report_of(*failed(2.0, 271828.0)).problem == (
        "output: the value differs from the reference")
    assert report_of(*failed(3, 271828)).problem == "output: the value differs from the reference"
    assert report_of(*failed(3, 2.5)).problem == (
        "output: wrong type: expected int, got float (return int(...), not a float)")
    assert report_of(*failed(np.ones(3), Raised("Leak_1", "x", ("Leak_1", "KeyError")))).problem \
        == "output: raised KeyError instead of returning float64 array (3,)"
    assert report_of(*failed(Raised("ValueError"), np.ones(271828 % 7))).problem == (
        "output: expected ValueError to be raised, but it returned float64 array")


# -- messages, output, labels, inputs, the seed ----------------------------------------------------


def test_no_message_label_input_value_or_seed():
    cases, outcome = raised("ValueError", ["ValueError", "Exception"],
                            message="a=314159 x0=271828")
    report = report_of(cases, outcome, seed="424242")
    assert report.label == "" and report.seed == "hidden" and report.hidden
    assert [(i.name, i.description, i.preview) for i in report.inputs] == [
        ("x", "float64 array (3,)", ""), ("a", "float", ""), ("b", "float", "")]
    text = everything(report)
    for leak in ("314159", "271828", "424242", "x holds", "a="):
        assert leak not in text


def test_printed_output_is_a_fixed_note():
    assert hidden_output(b"inputs: 271828 314159") == HIDDEN_OUTPUT_NOTE
    assert hidden_output(b"") == ""


@pytest.mark.parametrize("problem, status, leak", [
    (("the process exited (code 123) before returning a result: does your code call os._exit "
      "or sys.exit?"), "error", "123"),
    ("the process was killed by signal 47", "crash", "47"),
    ("the process was killed by a segmentation fault (SIGSEGV)", "crash", "SIGSEGV"),
    ("something new the checker says with 271828 in it", "crash", "271828"),
])
def test_abnormal_ends_say_no_number_the_code_chose(problem, status, leak):
    outcome = CaseOutcome(status, problem=problem)
    text = hidden_problem(outcome, prepared(np.zeros(3)), SOURCE)
    assert text and leak not in text


def test_fixed_sentences_about_limits_lose_the_learner_text_after_them():
    memory = {"ok": False, "kind": "memory", "type": "Leak_271828", "mro": [], "message": "x"}
    outcome = CaseOutcome("crash", Raised("Leak_271828"), error=memory, problem=(
        "ran out of memory (the limit is 512 MiB above the tutor's own use): Leak_271828"))
    assert hidden_problem(outcome, prepared(np.zeros(3)), SOURCE) == (
        "ran out of memory (the limit is 512 MiB above the tutor's own use)")
    exit_payload = {"ok": False, "kind": "exit", "type": "SystemExit", "message": "271828"}
    outcome = CaseOutcome("error", Raised("SystemExit", "271828"), error=exit_payload,
                          problem="called sys.exit(271828): return a value instead")
    assert "271828" not in hidden_problem(outcome, prepared(np.zeros(3)), SOURCE)


def test_not_implemented_and_import_errors_read_as_before():
    cases, outcome = raised("NotImplementedError", ["NotImplementedError", "RuntimeError"])
    assert report_of(cases, outcome).problem.startswith("not implemented yet")
    cases, outcome = raised("Leak_9", ["Leak_9", "ImportError"], stage="import")
    assert report_of(cases, outcome).problem == "raised ImportError (while importing your file)"
    assert hidden_message(5, 0, 0, "raised ValueError") == (
        "5 of 5 hidden cases failed; first: hidden case 1: raised ValueError")


def test_a_passing_case_has_no_problem():
    assert hidden_problem(CaseOutcome("pass", np.zeros(3)), prepared(np.zeros(3)), SOURCE) == ""


def test_an_unknown_mismatch_kind_is_described_generically():
    m = Mismatch("novel", "output", "expected 271828")
    outcome = CaseOutcome("fail", np.zeros(3), m, problem="output: expected 271828")
    report = report_of([prepared(np.zeros(3))], outcome)
    assert report.problem == "output: the output does not match the reference"
    assert "271828" not in everything(report)


# -- the formats: no timing on hidden reports, the isolation level everywhere --------------------


def grade_report(hidden: bool, *, visibilities=("visible", "visible"),
                 set_visibility: str = "") -> GradeReport:
    cases, outcome = raised("ValueError", ["ValueError", "Exception"])
    failure = report_of(cases, outcome)
    slow = CheckResult(exercise="scale_add", verdict=Verdict.ERROR, score=0.0, cases_passed=0,
                       cases_total=5, duration_ms=271828.5,
                       message=hidden_message(5, 0, 0, failure.problem), report=failure,
                       output=HIDDEN_OUTPUT_NOTE)
    fast = CheckResult(exercise="square", verdict=Verdict.PASS, score=1.0, cases_passed=4,
                       cases_total=4, duration_ms=3141.5, message="all 4 cases passed")
    grades = (ExerciseGrade("scale_add", "Scale and add", Verdict.ERROR, 0.0, 20.0, slow.message,
                            visibilities[0], slow),
              ExerciseGrade("square", "Square", Verdict.PASS, 5.0, 5.0, fast.message,
                            visibilities[1], fast))
    return GradeReport(title="HW", columns=(ExerciseColumn("scale_add", "Scale and add", 20.0),
                                            ExerciseColumn("square", "Square", 5.0)),
                       submissions=(SubmissionGrade("mallory", grades, ("scale_add.py",)),),
                       hidden=hidden, isolation="full: pid, mount, net, uid, env, no tty, limits",
                       visibility=set_visibility)


def test_hidden_reports_carry_no_timing_in_any_format():
    for fmt in ("junit", "gradescope", "json", "text", "csv"):
        text = renderer(fmt)(grade_report(hidden=True))
        for leak in ("271", "3.14", "3.142", "time="):
            assert leak not in text, (fmt, leak)
    assert "execution_time" not in json.loads(renderer("gradescope")(grade_report(True)))
    root = ET.fromstring(renderer("junit")(grade_report(True)))
    assert all("time" not in el.attrib for el in root.iter())


def test_public_reports_keep_their_timing():
    assert json.loads(renderer("gradescope")(grade_report(False)))["execution_time"] == 274.97
    root = ET.fromstring(renderer("junit")(grade_report(False)))
    assert root.get("time") == "274.970"
    assert [c.get("time") for c in root.iter("testcase")] == ["271.829", "3.142"]


def test_every_format_names_the_isolation_level():
    isolation = "full: pid, mount, net, uid, env, no tty, limits"
    report = grade_report(hidden=True)
    assert json.loads(renderer("json")(report))["isolation"] == isolation
    assert renderer("text")(report).splitlines()[0] == f"HW · isolation: {isolation}"
    suite = ET.fromstring(renderer("junit")(report)).find("testsuite")
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["isolation"] == isolation
    assert f"Isolation: {isolation}" in json.loads(renderer("gradescope")(report))["output"]
    from dataclasses import replace

    assert "isolation: not recorded" in renderer("text")(replace(report, isolation=""))


def test_gradescope_renders_everything_as_text_with_the_strictest_visibility():
    doc = json.loads(renderer("gradescope")(grade_report(True)))
    assert doc["output_format"] == doc["test_output_format"] == doc["test_name_format"] == "text"
    assert all(t["output_format"] == "text" and t["name_format"] == "text"
               for t in doc["tests"])
    assert doc["visibility"] == "visible"
    for items, set_level, top in [
        (("visible", "after_due_date"), "", "after_due_date"),
        (("after_published", "after_due_date"), "", "after_published"),
        (("hidden", "visible"), "", "hidden"),
        (("visible", "visible"), "after_due_date", "after_due_date"),
        (("after_due_date", "visible"), "visible", "after_due_date"),
    ]:
        doc = json.loads(renderer("gradescope")(grade_report(True, visibilities=items,
                                                             set_visibility=set_level)))
        assert doc["visibility"] == top, (items, set_level)
        assert [t["visibility"] for t in doc["tests"]] == list(items)


# -- seeds ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", ["relu_backward", "scale_add", "square", "é_unicode"])
def test_public_cases_keep_their_seed(exercise_id):
    assert case_seed(exercise_id, None) == [zlib.crc32(exercise_id.encode())]


def test_every_bit_of_a_secret_seed_counts():
    low = 0x1234_5678_9ABC
    for high_bit in (48, 63, 64, 127, 200, 4000):
        assert case_seed("square", low) != case_seed("square", low | (1 << high_bit))
    assert case_seed("square", 5) != case_seed("square", -5)
    assert case_seed("square", 5) != case_seed("scale_add", 5)
    assert case_seed("square", 0) != case_seed("square", None)
    words = case_seed("square", (1 << 4000) + 17)
    assert len(words) == 8 and all(0 <= w < 2**32 for w in words)
    assert case_seed("square", 424242) == case_seed("square", 424242)  # deterministic
    a = np.random.default_rng(case_seed("square", low)).random(4)
    b = np.random.default_rng(case_seed("square", low | (1 << 48))).random(4)
    assert not np.allclose(a, b)


def test_strong_seeds_and_the_short_seed_warning():
    seeds = {strong_seed() for _ in range(20)}
    assert len(seeds) == 20 and all(s.bit_length() <= 128 for s in seeds)
    assert sum(s.bit_length() >= MIN_BITS for s in seeds) == 20
    for short in (0, 424242, 2**48 - 1, 2**63 - 1, -(2**62)):
        warning = seed_warning(short)
        assert warning and "dltutor seed" in warning
    assert seed_warning(2**64) is None and seed_warning(-(2**63)) is None and seed_warning(strong_seed() | (1 << 127)) is None


def env() -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.endswith("_SEED")}
    base["PYTHONPATH"] = str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")
    return base


def dltutor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tutor", *args], cwd=REPO, env=env(),
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_seed_command_prints_a_strong_seed_and_how_to_use_it():
    first, second = dltutor("seed"), dltutor("seed")
    assert first.returncode == 0, first.stderr
    seed = int(first.stdout)  # the seed alone on stdout: `export X=$(dltutor seed)` works
    assert first.stdout == f"{seed}\n" and seed_warning(seed) is None
    assert seed != int(second.stdout)
    assert f"export DLTUTOR_SEED={seed}" in first.stderr
    assert "seed_env" in first.stderr and len(first.stderr.strip().splitlines()) == 1
    named = dltutor("seed", "--set", str(REPO / "tests" / "data" / "sets" / "tiny_hidden.toml"))
    assert named.returncode == 0 and f"export TINY_SEED={int(named.stdout)}" in named.stderr
    missing = dltutor("seed", "--set", "no/such/set.toml")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
