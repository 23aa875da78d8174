"""The instructor's adjustments to a graded batch: overrides, the late policy, the roster and the
LMS gradebook exports (Canvas, Moodle), `--bom`, and the usage errors that stop a grading run
before it starts (a minimum no one can reach, a folder given twice).

Most tests build `GradeReport` values directly (formats are pure functions of them); one class of
three folders is graded once, end to end, through `tutor.cli.main`. Golden files for the new
formats are in tests/golden (regenerate with DLTUTOR_UPDATE_GOLDEN=1 after an intended change)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.grading import late, overrides, roster
from tutor.grading.batch import BatchError, Submission, discover
from tutor.grading.formats import renderer
from tutor.grading.gradebook import (
    ExerciseColumn,
    ExerciseGrade,
    GradeReport,
    Student,
    SubmissionGrade,
)
from tutor.grading.results import CheckResult, Verdict
from tutor.grading.sets import LatePolicy, SetError, parse_set

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
BOM = b"\xef\xbb\xbf"
DEADLINE = datetime(2025, 3, 14, 23, 59, tzinfo=timezone(timedelta(hours=-5)))
POLICY = LatePolicy(deadline=DEADLINE, penalty_per_day=10, grace_minutes=15, max_penalty=25)
ISOLATION = "full: pid, mount, net, uid, env, no tty, limits"


def check_golden(text: str, name: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DLTUTOR_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path} differs (DLTUTOR_UPDATE_GOLDEN=1)"


# -- a graded class, as values -------------------------------------------------------------------


def graded(ex: str, verdict: Verdict, fraction: float, top: float, message: str) -> ExerciseGrade:
    result = CheckResult(exercise=ex, verdict=verdict, score=fraction, cases_passed=int(fraction * 4),
                         cases_total=4, duration_ms=12.0, message=message)
    return ExerciseGrade(ex, ex.replace("_", " "), verdict, round(fraction * top, 2), top, message,
                         result=result)


def missing(ex: str, top: float) -> ExerciseGrade:
    return ExerciseGrade(ex, ex.replace("_", " "), Verdict.MISSING, 0.0, top,
                         f"no {ex}.py in this submission")


def class_report() -> GradeReport:
    """zoe passed everything, bob half of scale_add and no square, frank handed in nothing."""
    subs = (
        SubmissionGrade("zadams", (graded("scale_add", Verdict.PASS, 1.0, 20, "all 4 cases passed"),
                                   graded("square", Verdict.PASS, 1.0, 5, "all 4 cases passed")),
                        ("scale_add.py", "square.py")),
        SubmissionGrade("bob", (graded("scale_add", Verdict.FAIL, 0.5, 20, "2 of 4 cases failed"),
                                missing("square", 5)), ("scale_add.py",)),
        SubmissionGrade("frank", (missing("scale_add", 20), missing("square", 5))),
    )
    return GradeReport(title="Tiny homework", columns=(ExerciseColumn("scale_add", "scale add", 20),
                                                       ExerciseColumn("square", "square", 5)),
                       submissions=subs, min_score=10, isolation=ISOLATION)


def subs_of(root: Path, *names: str) -> list[Submission]:
    return [Submission(n, root / n) for n in names]


ROSTER = ("\ufefffolder,Student ID,Name,Email,Section,canvas_id,login_id,notes\n"
          "zadams,s1001,Zoë Adams,zoe@example.edu,01,4711,zadams,likes tea\n"
          "bob,s1002,Bob Brown,bob@example.edu,02,4712,bbrown,\n"
          "carol,s1003,Carol Chen,carol@example.edu,01,4713,cchen,\n")


def adjusted_report(tmp_path: Path) -> GradeReport:
    """The class with the roster (Zoë, with a BOM in the file), one override and late times."""
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    subs = subs_of(tmp_path, "zadams", "bob", "frank")
    matched = roster.match(roster.load_roster(tmp_path / "roster.csv"), subs)
    (tmp_path / "overrides.csv").write_text(
        "student,exercise,points,verdict,comment\n"
        "# bob sent square.py by email before the deadline\n"
        "s1002,square,4,,emailed on time; one case wrong\n", encoding="utf-8")
    rows = overrides.load_overrides(tmp_path / "overrides.csv")
    changes = overrides.match(rows, tmp_path / "overrides.csv", subs, matched.students,
                              {"scale_add": 20, "square": 5})
    times = {"zadams": late.SubmissionTime(DEADLINE + timedelta(minutes=10), "times file t.csv"),
             "bob": late.SubmissionTime(DEADLINE + timedelta(hours=30), "times file t.csv"),
             "frank": late.SubmissionTime(None)}
    report = roster.apply(class_report(), matched)
    report = overrides.apply(report, changes)
    report = late.apply(report, POLICY, times)
    return replace(report, gradebook_column="Tiny homework (4821)")


def by_name(report: GradeReport, name: str) -> SubmissionGrade:
    return next(s for s in report.submissions if s.name == name)


# -- overrides -----------------------------------------------------------------------------------


def test_an_override_replaces_the_grade_and_keeps_the_original(tmp_path):
    report = adjusted_report(tmp_path)
    bob = by_name(report, "bob")
    square = bob.exercises[1]
    assert (square.verdict, square.score) == (Verdict.FAIL, 4.0)  # 4 of 5: not a pass
    assert square.override is not None
    assert (square.override.original_verdict, square.override.original_score) == \
        (Verdict.MISSING, 0.0)
    assert square.override.comment == "emailed on time; one case wrong"
    assert bob.raw_score == 14.0  # 10 + 4: the override counts in the total
    assert by_name(report, "zadams").exercises[1].override is None


@pytest.mark.parametrize("points, verdict, expect", [
    ("", "pass", (Verdict.PASS, 20.0)),  # pass alone: full points
    ("", "fail", (Verdict.FAIL, 0.0)),  # fail alone: nothing
    ("20", "", (Verdict.PASS, 20.0)),  # full points alone: a pass
    ("7", "", (Verdict.FAIL, 7.0)),  # fewer points keep the verdict (fail)
    ("15", "pass", (Verdict.PASS, 15.0)),  # both: as given
])
def test_points_and_verdicts_combine_as_documented(tmp_path, points, verdict, expect):
    (tmp_path / "o.csv").write_text(f"student,exercise,points,verdict\nbob,scale_add,{points},"
                                    f"{verdict}\n")
    rows = overrides.load_overrides(tmp_path / "o.csv")
    changes = overrides.match(rows, tmp_path / "o.csv", subs_of(tmp_path, "bob"), {},
                              {"scale_add": 20, "square": 5})
    grade = by_name(overrides.apply(class_report(), changes), "bob").exercises[0]
    assert (grade.verdict, grade.score) == expect


@pytest.mark.parametrize("body, words", [
    ("student,exercise,points\nbob,square,4\nzed,square,1\n",
     "line 3: no submission 'zed' is being graded"),
    ("student,exercise,points\nbob,squares,4\n", "line 2: exercise 'squares' is not in the set"),
    ("student,exercise,points\nbob,square,6\n", "line 2: points must be between 0 and 5"),
    ("student,exercise,points\nbob,square,four\n", "line 2: points 'four' is not a number"),
    ("student,exercise,verdict\nbob,square,excused\n", "line 2: verdict 'excused' is not one of"),
    ("student,exercise,points\nbob,square,1\nbob,square,2\n", "already overridden on line 2"),
    ("student,exercise,comment\nbob,square,hi\n", "needs a points or a verdict column"),
    ("name,exercise,points\nbob,square,1\n", "no student column"),
])
def test_a_bad_overrides_row_is_named(tmp_path, body, words):
    path = tmp_path / "o.csv"
    path.write_text(body)
    with pytest.raises(overrides.OverrideError) as info:
        rows = overrides.load_overrides(path)
        overrides.match(rows, path, subs_of(tmp_path, "bob", "frank"), {},
                        {"scale_add": 20, "square": 5})
    assert words in str(info.value)


# -- the late policy -----------------------------------------------------------------------------


@pytest.mark.parametrize("after, days, penalty", [
    (timedelta(minutes=-5), 0, 0),
    (timedelta(minutes=15), 0, 0),  # the last minute of grace
    (timedelta(minutes=16), 1, 10),  # past grace: the whole first day
    (timedelta(hours=24), 1, 10),
    (timedelta(hours=24, seconds=1), 2, 20),
    (timedelta(days=9), 9, 25),  # capped at max_penalty
])
def test_days_late_count_started_days_after_the_grace_period(after, days, penalty):
    got = late.assess(POLICY, late.SubmissionTime(DEADLINE + after, "x"))
    assert (got.days_late, got.penalty) == (days, penalty)


def test_the_penalty_comes_off_the_total_of_the_points_earned_or_of_the_maximum(tmp_path):
    report = adjusted_report(tmp_path)
    bob = by_name(report, "bob")  # 30 h late: 2 days, 20% of 14
    assert (bob.raw_score, bob.score, bob.late.days_late) == (14.0, 11.2, 2)
    assert [e.score for e in bob.exercises] == [10.0, 4.0]  # exercise points stay as graded
    assert by_name(report, "zadams").score == 25.0  # 10 minutes late, within the grace
    of_max = late.apply(class_report(), replace(POLICY, penalty_of="max_score"),
                        {"bob": late.SubmissionTime(DEADLINE + timedelta(hours=30))})
    assert by_name(of_max, "bob").score == 5.0  # 10 - 20% of 25
    assert by_name(of_max, "frank").score == 0.0  # never below 0


def test_a_missing_time_means_no_penalty_and_a_warning(tmp_path):
    report = adjusted_report(tmp_path)
    frank = by_name(report, "frank")
    assert frank.late is not None and frank.late.submitted_at == "" and frank.late.penalty == 0
    assert any("no submission time for 1 submission" in w and "frank" in w
               for w in report.warnings)
    assert "Submission time unknown: no late penalty" in renderer("text")(report)


def test_a_times_row_can_give_a_student_their_own_deadline(tmp_path):
    (tmp_path / "t.csv").write_text("folder,timestamp,deadline\n"
                                    "bob,2025-03-17T10:00:00Z,2025-03-17T23:59:00-05:00\n"
                                    "frank,,\n")
    times = late.collect(subs_of(tmp_path, "bob", "frank"), late.load_times(tmp_path / "t.csv"))
    assert late.assess(POLICY, times["bob"]).days_late == 0  # an extension to the 17th
    assert times["frank"].at is None


@pytest.mark.parametrize("stamp, words", [
    ("2025-03-16 09:00", "has no timezone"),
    ("yesterday", "is not an ISO-8601 time"),
])
def test_a_bad_time_is_named_with_its_line(tmp_path, stamp, words):
    (tmp_path / "t.csv").write_text(f"folder,timestamp\nbob,2025-03-16T09:00Z\nfrank,{stamp}\n")
    with pytest.raises(late.LateError, match="line 3") as info:
        late.load_times(tmp_path / "t.csv")
    assert words in str(info.value)


def test_gradescope_metadata_beside_the_folder_gives_the_time(tmp_path):
    """The autograder layout: /autograder/submission_metadata.json next to submission/."""
    (tmp_path / "submission").mkdir()
    (tmp_path / late.METADATA).write_text(json.dumps({
        "id": 123456, "created_at": "2025-03-15T14:22:32.365935-05:00",
        "users": [{"email": "zoe@example.edu", "id": 1234, "name": "Zoë Adams"}]}))
    times = late.collect(subs_of(tmp_path, "submission"))
    assert times["submission"].at == datetime(2025, 3, 15, 14, 22, 32, 365935,
                                              tzinfo=timezone(timedelta(hours=-5)))
    assert late.assess(POLICY, times["submission"]).days_late == 1


def test_metadata_shared_by_several_folders_or_inside_one_is_not_used(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    (tmp_path / late.METADATA).write_text('{"created_at": "2025-03-10T00:00:00Z"}')
    (tmp_path / "a" / late.METADATA).write_text('{"created_at": "2025-03-10T00:00:00Z"}')
    times = late.collect(subs_of(tmp_path, "a", "b"))  # whose time would it be?
    assert times["a"].at is None and times["b"].at is None  # and a student writes inside "a"


def _git(folder: Path, *args: str, **env: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=s", "-c", "user.email=s@x",
                    *args], check=True, capture_output=True, env={**os.environ, **env})


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_git_checkout_gives_its_last_commit_and_runs_nothing_its_config_names(tmp_path):
    """A student's repository can ask `git log` to run a signature checker of its choosing on a
    signed commit; reading the time must not run it."""
    repo = tmp_path / "alice"
    repo.mkdir()
    _git(repo, "init", "-q", ".")
    (repo / "square.py").write_text("def square(x):\n    return x * x\n")
    _git(repo, "add", "square.py")
    _git(repo, "commit", "-qm", "one", GIT_COMMITTER_DATE="2025-03-16T12:00:00+00:00")
    tree = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD^{tree}"], check=True,
                          capture_output=True, text=True).stdout.strip()
    signed = (f"tree {tree}\nauthor s <s@x> 1742126400 +0000\ncommitter s <s@x> 1742126400 "
              "+0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n wsBcBAABCAAQBQJn\n "
              "-----END PGP SIGNATURE-----\n\ntwo\n")
    (tmp_path / "commit.txt").write_text(signed)
    commit = subprocess.run(["git", "-C", str(repo), "hash-object", "-t", "commit", "-w",
                             str(tmp_path / "commit.txt")], check=True, capture_output=True,
                            text=True).stdout.strip()
    _git(repo, "update-ref", "HEAD", commit)
    marker = tmp_path / "PWNED"
    evil = tmp_path / "evil.sh"
    evil.write_text(f"#!/bin/sh\ntouch {marker}\n")
    evil.chmod(0o755)
    _git(repo, "config", "log.showSignature", "true")
    _git(repo, "config", "gpg.program", str(evil))
    times = late.collect(subs_of(tmp_path, "alice"))
    assert times["alice"].at == datetime(2025, 3, 16, 12, tzinfo=timezone.utc)
    assert times["alice"].source == "git commit"
    assert not marker.exists()
    # the same repository read by a plain `git log` does run it: the test can fail
    subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%cI"], capture_output=True,
                   check=False)
    assert marker.exists()


# -- the [late] table ----------------------------------------------------------------------------


def test_the_late_table_is_strict():
    base = {"exercises": [{"id": "square"}]}
    policy = parse_set({**base, "late": {"deadline": "2025-03-14T23:59:00-05:00",
                                         "penalty_per_day": 10}}).late
    assert policy == LatePolicy(DEADLINE, 10.0)
    for table, words in [
        ({"deadline": DEADLINE, "penalty_per_day": 10, "grace": 5}, "unknown key(s) grace"),
        ({"deadline": datetime(2025, 3, 14, 23, 59), "penalty_per_day": 10}, "a timezone"),
        ({"deadline": DEADLINE}, "needs penalty_per_day"),
        ({"deadline": DEADLINE, "penalty_per_day": 150}, "percentages"),
        ({"deadline": DEADLINE, "penalty_per_day": 5, "penalty_of": "total"}, "penalty_of"),
    ]:
        with pytest.raises(SetError) as info:
            parse_set({**base, "late": table})
        assert "[late]" in str(info.value) and words in str(info.value)


# -- roster --------------------------------------------------------------------------------------


def test_the_roster_names_students_and_lists_who_is_missing(tmp_path):
    report = adjusted_report(tmp_path)
    zoe = by_name(report, "zadams").student
    assert zoe == Student("s1001", "Zoë Adams", "zoe@example.edu", "01", "4711", "zadams")
    assert by_name(report, "frank").student is None
    assert [s.id for s in report.absent] == ["s1003"]
    warnings = " | ".join(report.warnings)
    assert "1 folder is not in the roster" in warnings and "frank" in warnings
    assert "1 student in the roster had no folder" in warnings and "Carol Chen" in warnings
    doc = json.loads(renderer("json")(report))
    assert doc["roster"] == {"absent": [{"id": "s1003", "name": "Carol Chen",
                                         "email": "carol@example.edu", "section": "01"}],
                             "not_in_roster": ["frank"]}
    assert doc["submissions"][0]["student"]["name"] == "Zoë Adams"


def test_roster_folders_match_ignoring_case_and_semicolons_are_read(tmp_path):
    (tmp_path / "r.csv").write_text("folder;student_id;name\nZAdams;s1;Zoë\n", encoding="utf-8")
    matched = roster.match(roster.load_roster(tmp_path / "r.csv"), subs_of(tmp_path, "zadams"))
    assert matched.students["zadams"].name == "Zoë"


@pytest.mark.parametrize("body, words", [
    ("folder,student_id\na,s1\nb,s1\n", "line 3: student_id 's1' is already on line 2"),
    ("folder,student_id\na,s1\na,s2\n", "line 3: folder 'a' is already on line 2"),
    ("folder,name\na,Ann\n", "no student_id column"),
    ("folder,student_id\n", "no students"),
])
def test_a_bad_roster_is_named(tmp_path, body, words):
    (tmp_path / "r.csv").write_text(body)
    with pytest.raises(roster.RosterError) as info:
        roster.load_roster(tmp_path / "r.csv")
    assert words in str(info.value)


def test_a_roster_in_latin_1_is_refused_with_a_hint(tmp_path):
    (tmp_path / "r.csv").write_bytes("folder,student_id,name\na,s1,Zoë\n".encode("latin-1"))
    with pytest.raises(roster.RosterError, match='not UTF-8: save it as "CSV UTF-8"'):
        roster.load_roster(tmp_path / "r.csv")


# -- formats -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, golden", [
    ("canvas", "grade.canvas.csv"), ("moodle", "grade.moodle.csv"),
    ("csv", "grade.adjusted.csv"), ("text", "grade.adjusted.txt"),
    ("junit", "grade.adjusted.junit.xml"),
])
def test_adjusted_formats_match_their_golden_files(tmp_path, fmt, golden):
    check_golden(renderer(fmt)(adjusted_report(tmp_path)), golden)


def test_the_gradescope_result_shows_the_penalty_and_the_override(tmp_path):
    report = adjusted_report(tmp_path)
    one = replace(report, submissions=(by_name(report, "bob"),))
    text = renderer("gradescope")(one)
    check_golden(text, "grade.adjusted.gradescope.json")
    doc = json.loads(text)
    assert doc["score"] == 11.2  # adjusted; the tests still add up to the raw 14
    assert sum(t["score"] for t in doc["tests"]) == 14.0
    assert "2 days after the deadline" in doc["output"] and "14 → 11.2 points" in doc["output"]
    assert doc["tests"][1]["output"].startswith(
        "Changed by your instructor: emailed on time; one case wrong (was missing, 0/5)")
    assert "roster" not in text and "Carol" not in text  # instructor-only


def test_canvas_csv_has_the_layout_canvas_imports(tmp_path):
    """What Canvas's GradebookImporter checks: `Student` then `ID` first, `SIS User ID` and `SIS
    Login ID` next, `Section` as the last student column, a `Points Possible` row."""
    rows = list(csv.reader(io.StringIO(renderer("canvas")(adjusted_report(tmp_path)))))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "Tiny homework (4821)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "25"]
    assert rows[2:] == [["Zoë Adams", "4711", "s1001", "zadams", "01", "25"],
                        ["Bob Brown", "4712", "s1002", "bbrown", "02", "11.2"]]  # no frank


def test_moodle_csv_has_an_identifier_and_a_grade_column(tmp_path):
    rows = list(csv.reader(io.StringIO(renderer("moodle")(adjusted_report(tmp_path)))))
    assert rows == [["Full name", "ID number", "Email address", "Tiny homework (4821)"],
                    ["Zoë Adams", "s1001", "zoe@example.edu", "25"],
                    ["Bob Brown", "s1002", "bob@example.edu", "11.2"]]


@pytest.mark.parametrize("fmt", ["canvas", "moodle"])
def test_lms_formats_refuse_a_report_without_a_roster(fmt):
    with pytest.raises(ValueError, match="needs a roster"):
        renderer(fmt)(class_report())


def test_reports_without_adjustments_are_unchanged():
    """No roster, overrides or policy: no new columns or keys (the older goldens stay valid)."""
    report = class_report()
    assert renderer("csv")(report).splitlines()[0] == "submission,scale_add,square,total,max_score"
    doc = json.loads(renderer("json")(report))
    assert not {"late_policy", "roster", "warnings"} & set(doc)
    assert not {"student", "late", "raw_score"} & set(doc["submissions"][0])


def test_a_formula_in_a_roster_name_is_not_run_by_a_spreadsheet(tmp_path):
    report = adjusted_report(tmp_path)
    evil = replace(by_name(report, "zadams"), student=Student("s9", "=HYPERLINK(\"x\")"))
    rows = list(csv.reader(io.StringIO(renderer("canvas")(replace(report, submissions=(evil,))))))
    assert rows[2][0].startswith("'=")


# -- usage errors before grading, in process -----------------------------------------------------


def grade(*args: str) -> int:
    return main(["grade", *args])


@pytest.fixture
def hw(tmp_path) -> Path:
    (tmp_path / "hw.toml").write_text(
        f'title = "Tiny homework"\npacks = ["{(DATA / "pack").as_posix()}"]\nmin_score = 40\n'
        '[[exercises]]\nid = "scale_add"\npoints = 20\n[[exercises]]\nid = "square"\n')
    return tmp_path / "hw.toml"


@pytest.mark.parametrize("extra, words", [
    ([], "min_score in "),  # the set's 40 > 25
    (["--min-score", "25.5"], "--min-score is 25.5, above the 25 points"),
    (["--min-score", "-1"], "--min-score must be at least 0"),
    (["--min-score", "5", "--format", "canvas"], "the canvas format needs --roster"),
    (["--min-score", "5", "--also", "moodle=m.csv"], "the moodle format needs --roster"),
    (["--min-score", "5", "--times", "t.csv"], "the set has no [late] table"),
    (["--min-score", "5", "--overrides", "nope.csv"], "overrides file nope.csv does not exist"),
])
def test_usage_errors_exit_2_before_grading(hw, capsys, extra, words):
    assert grade("--set", str(hw), str(DATA / "submissions" / "alice"), *extra) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert "grading 1 submission" not in err  # no worker was started


def test_the_same_folder_twice_is_a_usage_error(hw, capsys):
    alice = DATA / "submissions" / "alice"
    assert grade("--set", str(hw), "--min-score", "5", str(alice),
                 str(alice.parent / "." / "alice") + "/") == 2
    assert "is the same folder as" in capsys.readouterr().err
    with pytest.raises(BatchError, match="same folder"):
        discover([alice, alice.parent / ".." / "submissions" / "alice"])


# -- end to end: one class graded once -----------------------------------------------------------


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """alice (a git checkout, last commit 2 days late), bob (a --times row, an override by
    student id) and frank (no time anywhere), with a roster, every report and --bom."""
    root = tmp_path_factory.mktemp("class")
    for name in ("alice", "bob", "frank"):
        shutil.copytree(DATA / "submissions" / name, root / name)
    if shutil.which("git"):
        _git(root / "alice", "init", "-q", ".")
        _git(root / "alice", "add", ".")
        _git(root / "alice", "commit", "-qm", "hw", GIT_COMMITTER_DATE="2025-03-16T12:00:00-05:00")
    (root / "hw.toml").write_text(
        f'title = "Tiny homework"\npacks = ["{(DATA / "pack").as_posix()}"]\ntimeout = 2\n'
        'gradebook_column = "Tiny homework (4821)"\n'
        "[late]\ndeadline = 2025-03-14T23:59:00-05:00\npenalty_per_day = 10\n"
        '[[exercises]]\nid = "scale_add"\npoints = 20\n[[exercises]]\nid = "square"\n')
    (root / "roster.csv").write_text(ROSTER.replace("zadams,s1001", "alice,s1001"),
                                     encoding="utf-8")
    (root / "overrides.csv").write_text("student,exercise,verdict,comment\n"
                                        "s1002,square,pass,emailed on time\n")
    (root / "times.csv").write_text("folder,timestamp\nbob,2025-03-15T00:30:00-05:00\n")
    out = root / "out"
    code = main(["grade", "--set", str(root / "hw.toml"), *(str(root / n) for n in
                                                            ("alice", "bob", "frank")),
                 "--roster", str(root / "roster.csv"), "--overrides", str(root / "overrides.csv"),
                 "--times", str(root / "times.csv"), "--format", "json", "--output",
                 str(out / "grades.json"), "--also", f"canvas={out / 'canvas.csv'}",
                 "--also", f"moodle={out / 'moodle.csv'}", "--also", f"csv={out / 'grades.csv'}",
                 "--also", f"text={out / 'grades.txt'}", "--bom", "--jobs", "2"])
    return code, out


def test_end_to_end_every_adjustment_reaches_the_reports(graded_class):
    code, out = graded_class
    assert code == 0
    doc = json.loads((out / "grades.json").read_bytes())  # no BOM on JSON, --bom or not
    subs = {s["submission"]: s for s in doc["submissions"]}
    alice, bob, frank = subs["alice"], subs["bob"], subs["frank"]
    assert alice["student"]["name"] == "Zoë Adams" and alice["raw_score"] == 25.0
    if shutil.which("git"):
        assert alice["late"]["source"] == "git commit" and alice["late"]["days_late"] == 2
        assert alice["score"] == 20.0  # 20% off
    assert bob["late"]["days_late"] == 1 and bob["late"]["source"] == "times file times.csv"
    square = bob["exercises"][1]
    assert (square["verdict"], square["score"]) == ("pass", 5.0)
    assert square["override"] == {"original_verdict": "missing", "original_score": 0.0,
                                  "comment": "emailed on time"}
    assert bob["score"] == round(bob["raw_score"] * 0.9, 2)
    assert frank["late"]["submitted_at"] is None and frank["score"] == 0.0
    assert doc["roster"]["not_in_roster"] == ["frank"]
    assert any("no submission time" in w for w in doc["warnings"])
    text = (out / "grades.txt").read_text(encoding="utf-8-sig")
    assert "alice · Zoë Adams (s1001)" in text and "Override: emailed on time" in text


def test_end_to_end_csv_files_start_with_a_bom_and_keep_accents(graded_class):
    _, out = graded_class
    for name in ("canvas.csv", "moodle.csv", "grades.csv"):
        data = (out / name).read_bytes()
        assert data.startswith(BOM) and not data.startswith(BOM * 2)
        assert "Zoë Adams".encode() in data  # UTF-8 after the mark: what Excel then reads
    canvas = list(csv.reader(io.StringIO((out / "canvas.csv").read_text(encoding="utf-8-sig"))))
    assert canvas[0][0] == "Student" and canvas[1][0] == "Points Possible"
    assert [r[2] for r in canvas[2:]] == ["s1001", "s1002"]  # frank has no roster row


def test_junit_names_the_student_and_the_penalty(tmp_path):
    report = adjusted_report(tmp_path)
    root = ET.fromstring(renderer("junit")(report).encode())
    props = {p.get("name"): p.get("value") for p in root[1].iter("property")}
    assert props["student_id"] == "s1002" and props["raw_score"] == "14"
    assert props["score"] == "11.2" and props["late_penalty_percent"] == "20"
