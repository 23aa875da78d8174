"""Batch grading: every submission gets its own score, hostile ones spoil nothing, --jobs does
not change the report, hidden cases stay hidden, and the output formats are locked by golden
files (regenerate with DLTUTOR_UPDATE_GOLDEN=1 after an intended change).

The graded submissions live in tests/data/submissions/ (plus a syntax-error file written here,
so linters never see it); the set is tests/data/sets/tiny.toml: relu_backward and the test pack's
scale_add and square."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tutor.course import load_course
from tutor.grading.batch import BatchError, Submission, discover, find_file, grade_batch
from tutor.grading.client import Grader
from tutor.grading.formats import FORMATS, renderer
from tutor.grading.gradebook import GradeReport
from tutor.grading.results import Verdict
from tutor.grading.seeds import case_seed
from tutor.grading.sets import load_set, resolve

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
PACK = DATA / "pack"
NAMES = ["alice", "bob", "carol", "dave", "eve", "frank"]
HIDDEN_SEED = 424242


def copy_submissions(root: Path, names: list[str] = NAMES) -> list[Submission]:
    for name in names:
        shutil.copytree(DATA / "submissions" / name, root / name)
    if "dave" in names:
        (root / "dave" / "square.py").write_text("def square(x)\n    return x * x\n")
    return discover([root / n for n in names])


@pytest.fixture(scope="module")
def items():
    hw = load_set(DATA / "sets" / "tiny.toml")
    return resolve(hw, load_course(hw.packs))


@pytest.fixture(scope="module")
def grader2():
    g = Grader()
    g.start()
    yield g
    g.close()


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    return copy_submissions(tmp_path_factory.mktemp("subs"))


@pytest.fixture(scope="module")
def report2(grader, grader2, items, submissions) -> GradeReport:
    """The batch graded by two workers in parallel."""
    return grade_batch(submissions, items, title="Tiny homework", graders=[grader, grader2],
                       min_score=20)


@pytest.fixture(scope="module")
def report1(grader, items, submissions) -> GradeReport:
    """The same batch graded by one worker."""
    return grade_batch(submissions, items, title="Tiny homework", graders=[grader],
                       min_score=20)


@pytest.fixture(scope="module")
def report_lanes(items, submissions) -> GradeReport:
    """The same batch as `dltutor grade --jobs 2` grades it: two workers forked from one warm
    parent (`GraderPool`)."""
    return grade_batch(submissions, items, title="Tiny homework", jobs=2, min_score=20)


def grades(report: GradeReport, name: str) -> dict[str, tuple[str, float]]:
    sub = next(s for s in report.submissions if s.name == name)
    return {e.id: (e.verdict.value, e.score) for e in sub.exercises}


def by_name(report: GradeReport, name: str):
    return next(s for s in report.submissions if s.name == name)


# -- scores ---------------------------------------------------------------------------------------


def test_correct_submission_scores_full_marks(report2):
    assert grades(report2, "alice") == {"relu_backward": ("pass", 10.0),
                                        "scale_add": ("pass", 20.0), "square": ("pass", 5.0)}
    assert by_name(report2, "alice").score == 35.0 == report2.max_score


def test_known_mistakes_get_partial_credit_and_are_named(report2):
    bob = by_name(report2, "bob")
    relu, scale, square = bob.exercises
    assert relu.verdict is Verdict.FAIL and relu.result.mistake == "ge_instead_of_gt"
    assert 0 < relu.score < 10  # the cases without exact zeros in x pass
    assert relu.score == round(relu.result.score * 10, 2)
    assert scale.verdict is Verdict.FAIL and scale.result.mistake == "swapped"
    assert scale.score == 0.0
    assert square.verdict is Verdict.MISSING and square.score == 0.0
    assert square.message.startswith("no square.py in this submission")
    assert "relu_backward.py" in square.message and "scale_add.py" in square.message  # it holds
    assert bob.score == relu.score
    assert bob.files == ("relu_backward.py", "scale_add.py")


def test_hostile_submissions_score_zero_with_their_own_verdicts(report2):
    assert grades(report2, "carol") == {"relu_backward": ("timeout", 0.0),  # infinite loop
                                        "scale_add": ("error", 0.0),  # sys.exit(0) at import
                                        "square": ("crash", 0.0)}  # segfault
    assert "sys.exit(0)" in by_name(report2, "carol").exercises[1].message
    assert "SIGSEGV" in by_name(report2, "carol").exercises[2].message
    dave = by_name(report2, "dave")
    assert grades(report2, "dave") == {"relu_backward": ("crash", 0.0),  # memory bomb
                                       "scale_add": ("error", 0.0),  # print flood
                                       "square": ("error", 0.0)}  # syntax error
    assert "out of memory" in dave.exercises[0].message
    assert "KiB of output" in dave.exercises[1].message
    assert dave.exercises[1].result.output_truncated
    assert "does not parse: line 1" in dave.exercises[2].message


def test_subfolders_broken_files_and_empty_folders(report2):
    assert grades(report2, "eve") == {"relu_backward": ("pass", 10.0),  # found in hw/
                                      "scale_add": ("error", 0.0), "square": ("error", 0.0)}
    assert "does not define a function named square" in by_name(report2, "eve").exercises[2].message
    assert grades(report2, "frank") == {"relu_backward": ("missing", 0.0),
                                        "scale_add": ("missing", 0.0),
                                        "square": ("missing", 0.0)}
    assert by_name(report2, "frank").files == ()


def test_min_score_marks_who_is_below(report2):
    assert [s.name for s in report2.below_min_score] == ["bob", "carol", "dave", "eve", "frank"]


def test_paths_are_relative_to_the_submission(report2, submissions):
    text = renderer("json")(report2)
    assert str(submissions[0].path.parent) not in text
    tb = by_name(report2, "eve").exercises[1].result.report.traceback
    assert 'File "scale_add.py", line 3, in scale_add' in tb


# -- isolation and determinism --------------------------------------------------------------------


def test_jobs_1_and_jobs_2_give_identical_reports(report1, report2, report_lanes):
    for other in (report2, report_lanes):
        for fmt in ("json", "csv", "text"):
            assert renderer(fmt)(report1) == renderer(fmt)(other), fmt
        assert normalise(renderer("junit")(report1)) == normalise(renderer("junit")(other))


def test_a_submission_alone_gets_what_it_got_in_the_batch(grader, items, report2, tmp_path):
    for name in ("alice", "bob"):
        alone = grade_batch(copy_submissions(tmp_path / name, [name]), items, title="x",
                            graders=[grader])
        assert alone.submissions[0].to_dict() == by_name(report2, name).to_dict()


def test_a_file_that_kills_the_grader_costs_only_its_own_check(grader, items, tmp_path):
    (tmp_path / "mallory").mkdir()
    (tmp_path / "mallory" / "relu_backward.py").write_text(
        "import os, signal\n\n\ndef relu_backward(dout, x):\n"
        "    os.kill(os.getppid(), signal.SIGKILL)  # the process that forked it\n")
    shutil.copytree(DATA / "submissions" / "alice", tmp_path / "alice")
    report = grade_batch(discover([tmp_path / "mallory", tmp_path / "alice"]), items[:1],
                         title="x", graders=[grader])
    mallory, alice = report.submissions
    # In a PID namespace the grader is out of reach (the signal goes nowhere useful); without
    # one, the engine reports a crash and restarts. Either way: 0 for mallory, alice unharmed.
    assert mallory.exercises[0].verdict is not Verdict.PASS and mallory.score == 0
    assert alice.exercises[0].verdict is Verdict.PASS and alice.score == 10


def test_progress_reaches_the_total(grader, items, tmp_path):
    seen = []
    grade_batch(copy_submissions(tmp_path, ["alice", "frank"]), items, title="x",
                graders=[grader], on_progress=lambda done, total, name: seen.append((done, total)))
    assert seen[0] == (3, 6)  # frank's three missing files need no check
    assert seen[-1] == (6, 6) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_broken_exercise_stops_the_batch_before_anyone_is_graded(grader, tmp_path):
    shutil.copytree(PACK, tmp_path / "pack")
    (tmp_path / "pack" / "exercises" / "square" / "check.py").write_text(
        "def cases(rng, hidden):\n    raise RuntimeError('oops')\n")
    course = load_course([tmp_path / "pack"])
    from tutor.grading.sets import AssignmentSet, SetEntry

    items = resolve(AssignmentSet("x", (SetEntry("square"),)), course)
    with pytest.raises(BatchError, match="exercise square cannot be checked"):
        grade_batch(copy_submissions(tmp_path / "subs", ["alice"]), items, title="x",
                    graders=[grader])


def test_discover_and_find_file(tmp_path):
    with pytest.raises(BatchError, match="does not exist"):
        discover([tmp_path / "nope"])
    (tmp_path / "f.py").write_text("")
    with pytest.raises(BatchError, match="not a folder"):
        discover([tmp_path / "f.py"])
    for d in ("a/x", "b/x"):
        (tmp_path / d).mkdir(parents=True)
    subs = discover([tmp_path / "a" / "x", tmp_path / "b" / "x"])
    assert [s.name for s in subs] == [str(tmp_path / "a" / "x"), str(tmp_path / "b" / "x")]
    (tmp_path / "a" / "x" / "one").mkdir()
    (tmp_path / "a" / "x" / "two").mkdir()
    for d in ("one", "two"):
        (tmp_path / "a" / "x" / d / "square.py").write_text("")
    path, why = find_file(tmp_path / "a" / "x", "square.py",
                          sorted((tmp_path / "a" / "x").rglob("*.py")))
    assert path is None and "2 in subfolders" in why


# -- hidden cases ---------------------------------------------------------------------------------


def hidden_values(exercise_id: str, seed: int) -> list[str]:
    """How the hidden cases' scalar inputs and first array values would print."""
    spec = importlib.util.spec_from_file_location(
        "hidden_check", PACK / "exercises" / exercise_id / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases = module.cases(np.random.default_rng(case_seed(exercise_id, seed)), True)
    shown = []
    for case in cases:
        for value in case.inputs.values():
            first = float(np.ravel(value)[0])
            shown += [repr(first), f"{first:.6g}", f"{first:.4f}"]
    return shown


@pytest.fixture(scope="module")
def hidden_report(grader, items, tmp_path_factory):
    root = tmp_path_factory.mktemp("hidden")
    for name in ("alice", "bob"):
        shutil.copytree(DATA / "submissions" / name, root / name)
    (root / "leaky").mkdir()
    # prints the inputs, and raises them in the message of an exception named after the seed
    (root / "leaky" / "scale_add.py").write_text(
        f"class Seed_{HIDDEN_SEED}(ValueError):\n    pass\n\n\n"
        "def smuggle(x, a, b):\n    print('inputs', repr(a), repr(b), x.tolist())\n"
        f"    raise Seed_{HIDDEN_SEED}(f'a={{a!r}} b={{b!r}} x0={{float(x.flat[0])!r}}')\n\n\n"
        "def scale_add(x, a, b):\n    return smuggle(x, a, b)\n")
    # memorised the public cases' answers: passes them, cannot pass hidden ones
    spec = importlib.util.spec_from_file_location("sq", PACK / "exercises/square/check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    public = module.cases(np.random.default_rng(case_seed("square", None)), False)
    table = {c.inputs["x"].tobytes().hex(): (c.inputs["x"] ** 2).tolist() for c in public}
    (root / "leaky" / "square.py").write_text(
        "import numpy as np\n\nANSWERS = " + repr(table) + "\n\n\ndef square(x):\n"
        "    return np.array(ANSWERS.get(x.tobytes().hex(), np.zeros(x.shape).tolist()))\n")
    subs = discover([root / "alice", root / "leaky", root / "bob"])
    public_report = grade_batch(subs, items[1:], title="x", graders=[grader])
    hidden = grade_batch(subs, items[1:], title="x", graders=[grader], seed=HIDDEN_SEED)
    return public_report, hidden


def test_hidden_cases_differ_from_the_public_ones(hidden_report):
    public, hidden = hidden_report
    assert hidden.hidden and not public.hidden
    assert grades(public, "leaky")["square"] == ("pass", 5.0)  # memorised answers pass...
    assert grades(hidden, "leaky")["square"] == ("fail", 0.0)  # ...but not the hidden cases
    assert grades(hidden, "alice") == {"scale_add": ("pass", 20.0), "square": ("pass", 5.0)}
    public_alice = by_name(public, "alice").exercises[0].result
    hidden_alice = by_name(hidden, "alice").exercises[0].result
    assert hidden_alice.cases_total > public_alice.cases_total


def test_hidden_reports_never_show_hidden_values(hidden_report):
    _, hidden = hidden_report
    leaky = by_name(hidden, "leaky").exercises[0]
    assert leaky.verdict is Verdict.ERROR
    assert leaky.message == "5 of 5 hidden cases failed; first: hidden case 1: raised ValueError"
    assert leaky.result.output == "(printed output is not shown for hidden cases)"
    report = leaky.result.report
    assert [(i.name, i.description, i.preview) for i in report.inputs] == [
        ("x", "float64 array (5,)", ""), ("a", "float", ""), ("b", "float", "")]
    assert report.label == "" and report.seed == "hidden"
    assert report.error_type == "ValueError"  # its class is Seed_424242(ValueError)
    assert report.traceback == ("Traceback (your code; messages are not shown for hidden cases):"
                                "\n  line 11, in scale_add\n  line 7, in smuggle\nValueError\n")
    texts = [renderer(fmt)(hidden) for fmt in ("json", "junit", "text", "csv")]
    texts.append(renderer("gradescope")(replace(hidden, submissions=(by_name(hidden, "leaky"),))))
    for value in hidden_values("scale_add", HIDDEN_SEED) + hidden_values("square", HIDDEN_SEED):
        for text in texts:
            assert value not in text
    assert "a=" not in leaky.message and "inputs" not in leaky.result.output
    square = by_name(hidden, "leaky").exercises[1].result.report
    assert square.mismatch["worst"] == [] and "differ from the reference" in square.problem
    assert str(HIDDEN_SEED) not in "".join(texts)


def test_hidden_cases_come_from_the_full_secret_seed(grader, items, tmp_path):
    """A submission that knows the answers of the cases `case_seed` gives for this seed passes:
    the checker draws its hidden cases from `seeds.case_seed`, every bit of the seed included."""
    spec = importlib.util.spec_from_file_location("sq", PACK / "exercises/square/check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seed = HIDDEN_SEED + (1 << 100)  # differs from HIDDEN_SEED only above bit 48
    hidden = module.cases(np.random.default_rng(case_seed("square", seed)), True)
    table = {c.inputs["x"].tobytes().hex(): (c.inputs["x"] ** 2).tolist() for c in hidden}
    (tmp_path / "oracle").mkdir()
    (tmp_path / "oracle" / "square.py").write_text(
        "import numpy as np\n\nANSWERS = " + repr(table) + "\n\n\ndef square(x):\n"
        "    return np.array(ANSWERS.get(x.tobytes().hex(), np.zeros(x.shape).tolist()))\n")
    subs = discover([tmp_path / "oracle"])
    square = [i for i in items if i.id == "square"]
    assert grades(grade_batch(subs, square, title="x", graders=[grader], seed=seed),
                  "oracle") == {"square": ("pass", 5.0)}
    assert grades(grade_batch(subs, square, title="x", graders=[grader], seed=HIDDEN_SEED),
                  "oracle") == {"square": ("fail", 0.0)}


# -- formats --------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Durations vary from run to run: fix them before comparing with a golden file."""
    text = re.sub(r'time="[0-9.]+"', 'time="0.000"', text)
    text = re.sub(r'"execution_time": [0-9.]+', '"execution_time": 0.0', text)
    # Python >= 3.11 underlines the failing expression in tracebacks; 3.10 does not
    text = re.sub(r"(\\n|\n)[ \t]*[\^~]+[ \t]*(?=\\n|\n)", "", text)
    return text


def pack_only(report: GradeReport) -> GradeReport:
    """The golden files cover the test pack's exercises only: relu_backward is course content
    that other people edit, and its cases must not break the format tests."""
    keep = {"scale_add", "square"}
    return replace(report, columns=tuple(c for c in report.columns if c.id in keep),
                   submissions=tuple(replace(s, exercises=tuple(e for e in s.exercises
                                                                if e.id in keep))
                                     for s in report.submissions))


GOLDEN_FILES = {"text": "grade.txt", "json": "grade.json", "junit": "grade.junit.xml",
                "csv": "grade.csv", "gradescope": "grade.gradescope.json"}
#: the isolation level the golden files show (the real one depends on the kernel grading)
GOLDEN_ISOLATION = "full: pid, mount, net, uid, env, no tty, limits"


def check_golden(text: str, name: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DLTUTOR_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path} differs (DLTUTOR_UPDATE_GOLDEN=1)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_formats_match_their_golden_files(report2, fmt):
    report = replace(pack_only(report2), isolation=GOLDEN_ISOLATION)
    if fmt == "gradescope":  # one submission: bob has a wrong, a diagnosed and a missing file
        report = replace(report, submissions=(by_name(report, "bob"),))
    check_golden(normalise(renderer(fmt)(report)), GOLDEN_FILES[fmt])


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "gradescope"])
def test_hidden_formats_match_their_golden_files(hidden_report, fmt):
    """On hidden cases: redacted reports (a custom exception, a traceback, prints, wrong values,
    a known mistake, a missing file) and no timing at all, so nothing needs normalising."""
    _, hidden = hidden_report
    report = replace(hidden, title="Tiny homework (hidden cases)", isolation=GOLDEN_ISOLATION)
    if fmt == "gradescope":  # leaky: an exception with a traceback, wrong values, prints
        report = replace(report, submissions=(by_name(report, "leaky"),))
    text = renderer(fmt)(report)
    assert "time=" not in text and "execution_time" not in text
    check_golden(text, f"grade.hidden.{GOLDEN_FILES[fmt].removeprefix('grade.')}")


def test_json_has_the_documented_fields(report2):
    doc = json.loads(renderer("json")(report2))
    assert doc["max_score"] == 35.0 and doc["min_score"] == 20
    assert [s["submission"] for s in doc["submissions"]] == NAMES
    for sub in doc["submissions"]:
        assert isinstance(sub["score"], float) and sub["max_score"] == 35.0
        assert sub["score"] == round(sum(e["score"] for e in sub["exercises"]), 2)
        for ex in sub["exercises"]:
            assert {"id", "verdict", "score", "max_score", "message"} <= set(ex)
            assert ex["verdict"] in {v.value for v in Verdict}
            assert 0 <= ex["score"] <= ex["max_score"]


def test_junit_parses_and_counts_add_up(report2):
    root = ET.fromstring(renderer("junit")(report2).encode())
    assert root.tag == "testsuites" and len(root) == len(NAMES)
    assert int(root.get("tests")) == len(NAMES) * 3
    for suite, sub in zip(root, report2.submissions):
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == ["relu_backward", "scale_add", "square"]
        failures = sum(c.find("failure") is not None for c in cases)
        errors = sum(c.find("error") is not None for c in cases)
        assert (int(suite.get("failures")), int(suite.get("errors"))) == (failures, errors)
        for case, grade in zip(cases, sub.exercises):
            child = case.find("failure") if case.find("failure") is not None else case.find("error")
            assert (child is None) == grade.passed
            if child is not None:
                assert child.get("type") == grade.verdict.value
    text = renderer("junit")(report2)
    assert "\x1b" not in text and "\x00" not in text and "\x07" not in text


def test_gradescope_results_have_the_right_fields_and_types(report2):
    for sub in report2.submissions:
        doc = json.loads(renderer("gradescope")(replace(report2, submissions=(sub,))))
        assert isinstance(doc["score"], (int, float)) and doc["score"] == sub.score
        assert isinstance(doc["execution_time"], (int, float))
        assert isinstance(doc["output"], str)
        assert len(doc["tests"]) == 3
        for test in doc["tests"]:
            assert isinstance(test["name"], str) and isinstance(test["output"], str)
            assert isinstance(test["score"], (int, float))
            assert isinstance(test["max_score"], (int, float))
            assert test["status"] in ("passed", "failed")
            assert test["visibility"] in ("visible", "hidden", "after_due_date",
                                          "after_published")
        assert sum(t["score"] for t in doc["tests"]) == pytest.approx(doc["score"])
    frank = json.loads(renderer("gradescope")(replace(report2, submissions=(
        by_name(report2, "frank"),))))
    assert "Missing files: relu_backward.py, scale_add.py, square.py." in frank["output"]
    with pytest.raises(ValueError, match="exactly one submission"):
        renderer("gradescope")(report2)


def test_csv_is_one_row_per_submission(report2):
    rows = list(csv.reader(io.StringIO(renderer("csv")(report2))))
    assert rows[0] == ["submission", "relu_backward", "scale_add", "square", "total", "max_score"]
    assert [r[0] for r in rows[1:]] == NAMES
    for row in rows[1:]:
        assert float(row[4]) == pytest.approx(sum(float(c) for c in row[1:4]))
        assert row[5] == "35"


def test_learner_text_cannot_fake_a_verdict_in_text_reports(report2):
    text = renderer("text")(report2)
    assert "\x1b" not in text and "[bold green]" in text  # shown as typed, never as markup
