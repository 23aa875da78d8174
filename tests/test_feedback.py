"""Feedback files (`--also feedback=DIR`): one per student, safe to hand out. They obey the set's
visibility, never show a hidden case's inputs, honesty flags or another student, escape whatever
the student wrote, and are named safely whatever the folder was called."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from tutor.cli import main
from tutor.grading.formats.feedback import file_names, render_files, safe_name, write
from tutor.grading.gradebook import ExerciseColumn, ExerciseGrade, GradeReport, SubmissionGrade
from tutor.grading.results import CheckResult, FailureReport, InputSummary, Verdict

REPO = Path(__file__).resolve().parent.parent
PACK = REPO / "tests" / "data" / "pack"
SUBS = REPO / "tests" / "data" / "submissions"
HOSTILE = "<script>alert(1)</script> ``` ](javascript:x) &amp;"


def grade(id: str, verdict: Verdict, score: float, visibility: str = "visible", *,
          report: FailureReport | None = None, message: str = "", flags: tuple[str, ...] = (),
          output: str = "") -> ExerciseGrade:
    result = CheckResult(exercise=id, verdict=verdict, score=score / 10, cases_passed=0,
                         cases_total=3, duration_ms=5.0, message=message or f"{id} message",
                         report=report, flags=flags, output=output,
                         diagnosis="You swapped a and b." if verdict is Verdict.FAIL else None)
    return ExerciseGrade(id=id, name=id.title(), verdict=verdict, score=score, max_score=10.0,
                         message=result.message, visibility=visibility, result=result)


def failure(hidden: bool) -> FailureReport:
    return FailureReport(
        case_index=1, cases_total=3, label="" if hidden else "edge case", seed="hidden" if hidden
        else "default", hidden=hidden,
        inputs=(InputSummary("x", "float64 array (7, 13)", "" if hidden else "[1.5, 2.5]"),),
        problem="values differ", expected="float64 array (7, 13)", got="float64 array",
        traceback="")


def report(hidden: bool = False) -> GradeReport:
    alice = SubmissionGrade("alice", (
        grade("shown", Verdict.FAIL, 4.0, report=failure(hidden),
              message=f"2 of 3 cases failed; first: values differ {HOSTILE}",
              flags=("uses torch.nn.functional.relu",), output=f"printed {HOSTILE}"),
        grade("after_due", Verdict.PASS, 10.0, "after_due_date", message="due-date secret"),
        grade("published", Verdict.FAIL, 0.0, "after_published", message="publish secret"),
        grade("never", Verdict.PASS, 10.0, "hidden", message="hidden-exercise secret"),
    ))
    bob = SubmissionGrade("../../etc/passwd", (
        grade("shown", Verdict.PASS, 10.0, message="bob's own message"),
        grade("after_due", Verdict.PASS, 10.0, "after_due_date"),
        grade("published", Verdict.PASS, 10.0, "after_published"),
        grade("never", Verdict.PASS, 10.0, "hidden"),
    ))
    columns = tuple(ExerciseColumn(e.id, e.name, 10.0) for e in alice.exercises)
    return GradeReport(title=f"HW {HOSTILE}", columns=columns, submissions=(alice, bob),
                       hidden=hidden, isolation="full: pid, mount")


def test_visibility_decides_what_each_student_sees():
    files = render_files(report())
    assert sorted(files) == ["alice.html", "alice.md", "etc_passwd.html", "etc_passwd.md"]
    for name in ("alice.md", "alice.html"):
        text = files[name]
        assert "values differ" in text and "You swapped a and b." in text  # the visible one
        assert "Case 2 of 3: edge case" in text and "[1.5, 2.5]" in text
        assert "Not released yet." in text
        for secret in ("due-date secret", "publish secret", "hidden-exercise secret", "Never"):
            assert secret not in text
        # the total counts only what is released: 4 of 10, not 24 of 40
        assert "4 of 10 points" in text and "2 more exercises not released yet" in text
        for private in ("torch.nn.functional.relu", "isolation", "full: pid", "bob", "passwd"):
            assert private not in text
    assert "bob's own message" in files["etc_passwd.md"]
    assert "alice" not in files["etc_passwd.md"]
    # verdicts in the words of `dltutor check` (FAILED), never the raw value ("fail")
    assert ">FAILED · " in files["alice.html"]
    assert ">fail · " not in files["alice.html"]


def test_hidden_cases_show_no_inputs():
    files = render_files(report(hidden=True))
    for text in (files["alice.md"], files["alice.html"]):
        assert "Hidden case 2 of 3" in text and "values differ" in text
        assert "(7, 13)" not in text.split("expected")[0]  # no input, not even its shape
        assert "x: float64" not in text
        assert "Graded on hidden cases" in text


def test_student_text_is_escaped_in_html_and_fenced_in_markdown():
    files = render_files(report())
    page = files["alice.html"]
    assert "<script" not in page
    assert html.escape(HOSTILE) in page
    assert "default-src 'none'" in page  # no script runs even if something slipped through
    # the HTML is what it claims to be: every tag we did not write is escaped
    assert set(re.findall(r"<(/?[a-zA-Z0-9!]+)", page)) <= {
        "!DOCTYPE", "html", "/html", "head", "/head", "meta", "title", "/title", "style",
        "/style", "body", "/body", "h1", "/h1", "h2", "/h2", "p", "/p", "strong", "/strong",
        "section", "/section", "pre", "/pre"}
    md = files["alice.md"]
    # learner text sits in a code fence longer than any run of backticks inside it
    fence = re.search(r"^(`{4,})text$", md, re.MULTILINE)
    assert fence is not None and HOSTILE in md.split(fence.group(1) + "text", 1)[1]
    assert "# HW \\<script\\>" in md  # the title is escaped where it is not fenced


def test_file_names_are_safe_and_unique():
    assert safe_name("..") == safe_name("") == safe_name("/") == "submission"
    assert safe_name("a/b c") == "a_b_c" and safe_name(".hidden") == "hidden"
    subs = tuple(SubmissionGrade(n, ()) for n in ("Alice", "alice", "a/lice", "a_lice"))
    names = file_names(GradeReport("t", (), subs))
    assert names == {"Alice": "Alice", "alice": "alice-2", "a/lice": "a_lice",
                     "a_lice": "a_lice-2"}


def test_files_are_written_atomically_into_the_folder(tmp_path):
    folder = tmp_path / "fb"
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    folder.mkdir()
    (folder / "alice.md").symlink_to(target)  # planted: replaced, never written through
    written = write(report(), folder)
    assert sorted(p.name for p in written) == sorted(render_files(report()))
    assert target.read_text() == "keep me" and not (folder / "alice.md").is_symlink()
    assert not (tmp_path / "etc").exists()


def test_grade_writes_feedback_for_every_submission(tmp_path, capsys):
    hw = tmp_path / "hw.toml"
    hw.write_text(f'title = "HW"\npacks = ["{PACK}"]\ntimeout = 5\n'
                  '[[exercises]]\nid = "scale_add"\n'
                  '[[exercises]]\nid = "square"\nvisibility = "after_due_date"\n')
    out = tmp_path / "feedback"
    code = main(["grade", "--set", str(hw), str(SUBS / "alice"), str(SUBS / "bob"),
                 "--also", f"feedback={out}", "--format", "json", "--output",
                 str(tmp_path / "g.json"), "--no-honesty", "--jobs", "2"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 0, err
    assert f"wrote 4 feedback files to {out}" in err
    assert sorted(p.name for p in out.iterdir()) == ["alice.html", "alice.md", "bob.html",
                                                      "bob.md"]
    bob = (out / "bob.md").read_text()
    assert "FAILED · 0/10 points" in bob  # scale_add: a and b swapped, named as such
    assert "Likely mistake:" in bob
    assert "Not released yet." in bob and "no square.py" not in bob  # square waits
    assert "Score so far: 0 of 10 points (1 more exercise not released yet)." in bob
    graded = {s["submission"]: s for s in json.loads((tmp_path / "g.json").read_text())[
        "submissions"]}
    assert graded["alice"]["score"] == 15.0  # the instructor's report has everything
    assert "Score so far: 10 of 10 points" in (out / "alice.md").read_text()
