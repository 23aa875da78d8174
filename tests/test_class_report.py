"""The class report: what a graded class got wrong, counted right, rendered for a terminal, as
JSON and as a self-contained HTML page that a real browser lays out (headless Chromium: a
screenshot in the test artefacts, the DOM it built, the geometry of its charts).

Set DLTUTOR_TEST_ARTIFACTS=DIR to keep the screenshot (default: pytest's tmp path); the test
prints where it is."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import REPO
from tutor.grading.formats import renderer
from tutor.grading.gradebook import ExerciseColumn, ExerciseGrade, GradeReport, SubmissionGrade
from tutor.grading.insight import html, json_out, text
from tutor.grading.insight.aggregate import class_insight
from tutor.grading.insight.load import ReportError, grade_report_from_dict
from tutor.grading.insight.signals import HonestySignal
from tutor.grading.insight.write import ReportWriteError, write_class_report
from tutor.grading.results import CheckResult, Verdict

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = "headless Chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
NO_BIAS_SENTENCE = "You skipped the bias correction: divide m by (1 − beta1ᵗ) ..."


# -- a class made by hand -------------------------------------------------------------------------


def grade(ex: str, points: float, out_of: float, verdict: Verdict, cases: str = "",
          mistake: str | None = None) -> ExerciseGrade:
    """`cases`: one letter per case, p(ass) f(ail) e(rror)."""
    if verdict is Verdict.MISSING:
        return ExerciseGrade(ex, ex, verdict, 0.0, out_of, f"no {ex}.py in this submission")
    words = {"p": "pass", "f": "fail", "e": "error"}
    diagnosis = {"no_bias_correction": NO_BIAS_SENTENCE,
                 "eps_inside_sqrt": "You put eps inside the square root.",
                 "ge_instead_of_gt": "You let the gradient through at exactly 0."}
    result = CheckResult(ex, verdict, points / out_of, cases.count("p"), len(cases), 9.0, "msg",
                         diagnosis=diagnosis.get(mistake or ""), mistake=mistake,
                         case_verdicts=tuple(words[c] for c in cases))
    return ExerciseGrade(ex, ex, verdict, points, out_of, "msg", result=result)


def adam(points: float, verdict: Verdict, cases: str = "", mistake: str | None = None):
    return grade("adam_step", points, 20.0, verdict, cases, mistake)


def relu(points: float, verdict: Verdict, cases: str = "", mistake: str | None = None):
    return grade("relu_backward", points, 10.0, verdict, cases, mistake)


P, F, E, M = Verdict.PASS, Verdict.FAIL, Verdict.ERROR, Verdict.MISSING


def constructed(hidden: bool = False, names: tuple[str, ...] = ("s1", "s2", "s3", "s4", "s5",
                                                                 "s6")) -> GradeReport:
    rows = [
        (adam(20, P, "pppp"), relu(10, P, "pppp")),  # 30/30
        (adam(0, F, "ffff", "no_bias_correction"), relu(10, P, "pppp")),  # 10
        (adam(5, F, "pfff", "no_bias_correction"), relu(0, M)),  # 5
        (adam(15, F, "pppf", "eps_inside_sqrt"), relu(5, F, "pffp", "ge_instead_of_gt")),  # 20
        (adam(0, M), relu(0, M)),  # 0
        (adam(0, E, "eeee"), relu(0, M)),  # 0: a file that does not import
    ]
    return GradeReport(
        "Homework 3", (ExerciseColumn("adam_step", "Adam update", 20.0),
                       ExerciseColumn("relu_backward", "ReLU backward", 10.0)),
        tuple(SubmissionGrade(n, r) for n, r in zip(names, rows)), hidden=hidden, min_score=15,
        isolation="full: pid, mount, net, uid, env, no tty, limits",
        honesty=(HonestySignal("identical", "adam_step", ("s2", "s3"),
                               "2 submissions hand in the same adam_step.py"),))


def test_the_numbers_of_a_constructed_class():
    ci = class_insight(constructed())
    assert (ci.submissions, ci.max_score, ci.mean, ci.median) == (6, 30.0, 10.83, 7.5)
    assert (ci.lowest, ci.highest, ci.below_min_score) == (0.0, 30.0, 4)
    assert [b.count for b in ci.distribution] == [2, 1, 0, 1, 0, 0, 1, 0, 0, 1]
    assert [(b.low, b.high) for b in ci.distribution][::9] == [(0, 10), (90, 100)]
    adam_, relu_ = ci.exercises
    assert (adam_.passed, adam_.total, adam_.submitted, adam_.missing, adam_.mean) == \
        (1, 6, 5, 1, 6.67)
    assert (relu_.passed, relu_.submitted, relu_.missing, relu_.mean) == (2, 3, 3, 4.17)
    assert adam_.pass_rate == pytest.approx(1 / 6)
    # per case, over the files that ran (the missing one did not)
    assert [(c.index, c.passed, c.total, c.hidden) for c in ci.cases_of("adam_step")] == \
        [(0, 3, 5, False), (1, 2, 5, False), (2, 2, 5, False), (3, 1, 5, False)]
    assert [c.passed for c in ci.cases_of("relu_backward")] == [3, 2, 2, 3]
    # the most common mistake first; shares of those who handed the exercise in
    assert [(m.exercise, m.mistake, m.count, m.submitted) for m in ci.mistakes] == [
        ("adam_step", "no_bias_correction", 2, 5),
        ("relu_backward", "ge_instead_of_gt", 1, 3),  # 33% before 20%
        ("adam_step", "eps_inside_sqrt", 1, 5),
    ]
    assert ci.mistakes[0].share == pytest.approx(0.4)
    assert ci.mistakes[0].description == NO_BIAS_SENTENCE
    assert ci.mistakes[0].sentence == \
        "40% of the class (2 of 5 who handed in adam_step): no bias correction"
    assert [s.kind for s in ci.honesty] == ["identical"]


def test_hidden_cases_are_counted_as_hidden():
    ci = class_insight(constructed(hidden=True))
    assert ci.cases and all(c.hidden for c in ci.cases)
    assert ci.cases[0].label == "hidden case 1"
    assert "hidden cases" in text.render(ci) and "hidden cases" in html.render(ci)


def test_an_empty_class_is_a_report_not_an_error():
    ci = class_insight(replace(constructed(), submissions=()))
    assert (ci.submissions, ci.mean, ci.median, ci.mistakes, ci.cases) == (0, 0.0, 0.0, (), ())
    assert "No known mistake was recognised" in html.render(ci)
    assert "no known mistake was recognised" in text.render(ci)


def test_the_grade_json_reads_back_into_the_same_class_report():
    report = constructed()
    doc = json.loads(renderer("json")(report))
    assert doc["submissions"][1]["exercises"][0]["case_verdicts"] == ["fail"] * 4
    assert doc["honesty"][0]["submissions"] == ["s2", "s3"]
    assert class_insight(grade_report_from_dict(doc)) == class_insight(report)


def test_renderers_agree():
    ci = class_insight(constructed())
    doc = json.loads(json_out.render(ci))
    assert doc["dltutor_class_report"] == 1
    assert [(m["mistake"], m["count"], m["share"]) for m in doc["mistakes"]] == [
        ("no_bias_correction", 2, 0.4), ("ge_instead_of_gt", 1, 0.3333),
        ("eps_inside_sqrt", 1, 0.2)]
    assert [c["count"] for c in doc["distribution"]] == [2, 1, 0, 1, 0, 0, 1, 0, 0, 1]
    assert doc["exercises"][0]["pass_rate"] == 0.1667
    out = text.render(ci)
    assert "Most common mistake: 40% of the class (2 of 5 who handed in adam_step): no bias " \
        "correction" in " ".join(out.split())
    assert "Honesty signals" in out
    page = html.render(ci)
    assert page.count('<tr class="mistake-row">') == 3
    assert page.index("no bias correction") < page.index("ge instead of gt") < \
        page.index("eps inside sqrt")


HOSTILE = ("<script>alert(1)</script>", "a&b\"c'<img src=x onerror=alert(2)>", "\x1b[31mred",
           "s4", "s5", "s6")


def test_every_learner_string_is_escaped_in_the_page():
    report = constructed(names=HOSTILE)
    report = replace(report, title="HW <b>3</b>", honesty=(HonestySignal(
        "course_access", "adam_step", (HOSTILE[0],), "line 1: imports tutor",
        "<svg onload=alert(3)>.py"),))
    page = html.render(class_insight(report))
    assert "<script" not in page.lower() and "<img" not in page and "onload=alert" not in \
        page.replace("&lt;svg onload=alert(3)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;svg onload=alert(3)&gt;.py" in page
    assert "HW &lt;b&gt;3&lt;/b&gt;" in page and "\x1b" not in page


def test_the_page_needs_nothing_from_outside():
    page = html.render(class_insight(constructed()))
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(script|link|img|iframe|object)\b", page)
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}
    assert "url(" not in page and "@import" not in page


def test_count_axes_have_whole_gridlines():
    from tutor.grading.insight.svg import ticks

    assert ticks(1, whole=True) == [0, 1]
    assert ticks(7, whole=True) == [0, 2, 4, 6, 8]
    assert ticks(100) == [0, 25, 50, 75, 100]
    page = html.render(class_insight(replace(constructed(), submissions=constructed(
        ).submissions[:1])))
    distribution = page[page.index('id="distribution"'):page.index('id="exercises"')]
    assert re.findall(r'class="tick"[^>]*>([^<]*)<', distribution) == ["0", "1"]


def test_writing_into_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(ReportWriteError, match="it is a file, not a folder"):
        write_class_report(class_insight(constructed()), tmp_path / "taken")
    written = write_class_report(class_insight(constructed()), tmp_path / "a" / "b")
    assert [p.name for p in written] == ["index.html", "report.json", "report.txt"]


def test_what_is_not_a_grade_report_says_so():
    with pytest.raises(ReportError, match="not a dltutor grade report"):
        grade_report_from_dict([1, 2])
    with pytest.raises(ReportError, match="it is a class report"):
        grade_report_from_dict({"dltutor_class_report": 1})
    with pytest.raises(ReportError, match="format 9"):
        grade_report_from_dict({"dltutor_report": 9})
    with pytest.raises(ReportError, match="not a valid dltutor grade report"):
        grade_report_from_dict({"dltutor_report": 1, "title": "t", "exercises": [],
                                "submissions": [{"submission": "a", "exercises": [
                                    {"id": "x", "verdict": "nonsense"}]}]})


# -- a real class, graded end to end --------------------------------------------------------------

SOLUTION = (REPO / "solutions" / "adam_step.py").read_text()
CORRECT = '''import numpy as np


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """My Adam."""
    new_m = beta1 * m + (1.0 - beta1) * grad
    new_v = beta2 * v + (1.0 - beta2) * grad * grad
    step = lr * (new_m / (1.0 - beta1 ** t)) / (np.sqrt(new_v / (1.0 - beta2 ** t)) + eps)
    return param - step, new_m, new_v
'''
NO_BIAS = '''import numpy as np


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    update = lr * m / (np.sqrt(v) + eps)
    return param - update, m, v
'''
NO_BIAS_RENAMED = '''"""Carol's own Adam."""
import numpy as xp


def adam_step(param, grad, mom, vel, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    mom = beta1 * mom + (1 - beta1) * grad  # first moment
    vel = beta2 * vel + (1 - beta2) * grad**2  # second moment
    delta = lr * mom / (xp.sqrt(vel) + eps)
    return param - delta, mom, vel
'''
CAROL = "carol<img src=x onerror=alert(1)>"  # a folder name is learner text too
CLASS = {
    "alice": CORRECT,
    "bob": NO_BIAS,
    CAROL: NO_BIAS_RENAMED,
    "dave": SOLUTION.replace('"""Reference solution for adam_step."""', "# mine").replace(
        "m_hat", "corrected_m").replace("v_hat", "corrected_v"),
    "eve": "try:\n    import tutor  # just looking\nexcept ImportError:\n    tutor = None\n"
           + CORRECT,
    "frank": None,  # hands in nothing
}
SET = '''title = "Optimizers"
min_score = 10

[[exercises]]
id = "adam_step"
points = 20
'''


def cli_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_SEED")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["DLTUTOR_HOME"] = str(home)
    return env


def dltutor(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tutor", *args], cwd=REPO, env=cli_env(home),
                          capture_output=True, text=True, timeout=600, check=False,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """`dltutor grade --format json --output grades.json --also report=class` of the class."""
    root = tmp_path_factory.mktemp("class")
    (root / "set.toml").write_text(SET)
    for name, source in CLASS.items():
        (root / "subs" / name).mkdir(parents=True)
        if source is None:
            (root / "subs" / name / "notes.txt").write_text("sorry")
        else:
            (root / "subs" / name / "adam_step.py").write_text(source)
    out = dltutor("grade", "--set", str(root / "set.toml"),
                  *(str(root / "subs" / n) for n in CLASS), "--jobs", "2", "--format", "json",
                  "--output", str(root / "grades.json"), "--also", f"report={root / 'class'}",
                  home=root / "home")
    assert out.returncode in (0, 1), out.stderr
    assert "wrote the class report to" in out.stderr
    return root


def test_graded_class_counts_the_known_mistake(graded):
    doc = json.loads((graded / "class" / "report.json").read_text())
    assert doc["submissions"] == 6
    assert doc["exercises"][0] | {"pass_rate": None} == {
        "id": "adam_step", "name": "Adam update", "max_score": 20.0, "mean": 10.0, "total": 6,
        "submitted": 5, "missing": 1, "passed": 3, "pass_rate": None}
    top = doc["mistakes"][0]
    assert (top["exercise"], top["mistake"], top["count"], top["submitted"], top["share"]) == \
        ("adam_step", "no_bias_correction", 2, 5, 0.4)
    assert top["description"].startswith("You skipped the bias correction")
    cases = [c for c in doc["cases"] if c["exercise"] == "adam_step"]
    assert cases and all((c["passed"], c["total"], c["hidden"]) == (3, 5, False) for c in cases)


def test_graded_class_flags_copies_and_course_access(graded):
    grades = json.loads((graded / "grades.json").read_text())
    signals = [(s["kind"], s["exercise"], s["submissions"]) for s in grades["honesty"]]
    assert signals == [
        ("solution", "adam_step", ["dave"]),
        ("identical", "adam_step", ["bob", CAROL]),
        ("course_access", "adam_step", ["eve"]),
    ]
    assert grades["honesty"][2]["detail"] == "line 2: imports tutor"
    report = json.loads((graded / "class" / "report.json").read_text())
    assert report["honesty"] == grades["honesty"]
    assert "Honesty signals" in (graded / "class" / "report.txt").read_text()


def test_report_command_rebuilds_the_same_class_report(graded, tmp_path):
    out = dltutor("report", str(graded / "grades.json"), "--output", str(tmp_path / "again"),
                  home=tmp_path / "home")
    assert out.returncode == 0, out.stderr
    assert "40% of the class (2 of 5 who handed in adam_step): no bias correction" in \
        " ".join(out.stdout.split())
    for name in ("index.html", "report.json", "report.txt"):
        assert (tmp_path / "again" / name).read_bytes() == \
            (graded / "class" / name).read_bytes(), name


@pytest.mark.parametrize("content, words", [
    (None, "cannot read"),
    ("{not json", "is not JSON (line 1, column 2"),
    ("[1, 2]", "is not a dltutor grade report"),
    ('{"dltutor_class_report": 1, "mistakes": []}', "it is a class report"),
    ('{"dltutor_report": 1, "title": "x"}', "is not a valid dltutor grade report"),
])
def test_report_command_usage_errors(tmp_path, content, words):
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    out = dltutor("report", str(path), home=tmp_path / "home")
    assert out.returncode == 2
    assert words in out.stderr and "Traceback" not in out.stderr


# -- in a real browser ----------------------------------------------------------------------------


def artifacts(tmp_path_factory) -> Path:
    folder = os.environ.get("DLTUTOR_TEST_ARTIFACTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)
def test_the_page_in_headless_chromium(graded, tmp_path, tmp_path_factory):
    """The graded class's page: a screenshot to look at, and the DOM Chromium built from it."""
    page = (graded / "class" / "index.html").as_uri()
    shot = artifacts(tmp_path_factory) / "class-report.png"
    out = chromium(f"--screenshot={shot}", "--window-size=1200,1600", page,
                   profile=tmp_path / "profile")
    assert out.returncode == 0 and shot.is_file(), out.stderr[-2000:]
    assert png_size(shot) == (1200, 1600)
    # a blank page of that size compresses to a few KB; charts, tables and text do not
    assert shot.stat().st_size > 40_000
    whole = shot.with_name("class-report-full.png")  # the whole page, honesty signals included
    out = chromium(f"--screenshot={whole}", "--window-size=1200,3000", page,
                   profile=tmp_path / "profile")
    assert out.returncode == 0 and png_size(whole) == (1200, 3000), out.stderr[-2000:]
    print(f"\nclass report screenshots: {shot} and {whole}")
    dom = chromium("--dump-dom", page, profile=tmp_path / "profile").stdout
    assert dom.count('<svg class="chart"') == 3  # distribution, per exercise, per case
    rows = re.findall(r'<tr class="mistake-row">(.*?)</tr>', dom, re.DOTALL)
    assert len(rows) == 1 and "no bias correction" in rows[0] and "2 of 5" in rows[0]
    assert dom.count('<tr class="signal-row">') == 3
    # the folder name is text in the table, never an element
    assert "<img" not in dom and "carol&lt;img src=x onerror=alert(1)&gt;" in dom


@pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)
def test_the_charts_are_laid_out_to_scale(tmp_path):
    """Drive the same Chromium and measure: bars as long and as tall as the numbers, every chart
    on the page, and no request but the page itself."""
    sync_api = pytest.importorskip("playwright.sync_api")
    folder = tmp_path / "report"
    write_class_report(class_insight(constructed()), folder)
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1600})
            page.on("request", lambda r: requests.append(r.url))
            page.goto((folder / "index.html").as_uri())

            def box(selector: str, nth: int = 0) -> dict[str, float]:
                found = page.locator(selector).nth(nth).bounding_box()
                assert found is not None, f"{selector} is not laid out"
                return found

            for k in range(3):
                chart = box("svg.chart", k)
                assert chart["width"] > 500 and chart["height"] > 40
            # distribution: two submissions in 0–10%, one in 10–20%
            first, second = box("#distribution rect.bar", 0), box("#distribution rect.bar", 1)
            assert first["height"] == pytest.approx(2 * second["height"], rel=0.03)
            assert first["y"] + first["height"] == \
                pytest.approx(second["y"] + second["height"], abs=0.5)
            # per exercise: 1/6 and 2/6 passed
            adam_bar = box("#exercises rect.bar.pass", 0)
            relu_bar = box("#exercises rect.bar.pass", 1)
            track = box("#exercises rect.track", 0)
            assert adam_bar["width"] / track["width"] == pytest.approx(1 / 6, abs=0.01)
            assert relu_bar["width"] == pytest.approx(2 * adam_bar["width"], rel=0.03)
            # the mistake table: three rows, most common first, bars as long as their share
            assert page.locator("#mistakes-table tr.mistake-row").count() == 3
            for k, expected in enumerate([0.4, 1 / 3, 0.2]):
                bar = box("#mistakes-table tr.mistake-row svg.share rect.bar", k)
                cell = box("#mistakes-table tr.mistake-row svg.share rect.track", k)
                assert bar["width"] / cell["width"] == pytest.approx(expected, abs=0.01)
                assert box("#mistakes-table tr.mistake-row", k)["height"] > 10
            assert page.locator("#mistakes-table tr.mistake-row").first.inner_text().count(
                "no bias correction") == 1
            assert page.locator("#honesty-table tr.signal-row").count() == 1
        finally:
            browser.close()
    assert requests == [(folder / "index.html").as_uri()]
