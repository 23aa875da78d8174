"""`--also feedback=DIR`: one feedback file per student, safe to hand out, as Markdown and HTML.

`DIR/<student>.md` and `DIR/<student>.html` hold what that student may see of their own grading
and nothing else: their score, and per exercise the verdict, points, message, the known mistake's
diagnosis and the first failing case, the same feedback `dltutor check` gives. What the set's
visibility rules (`tutor.grading.sets.VISIBILITIES`, as Gradescope reads them) keep back stays
back:

- `visible`: shown;
- `after_due_date`, `after_published`: listed as "not released yet", without verdict or points
  (re-run after the due date with the set's visibility changed: the regrade cache makes it
  instant);
- `hidden` (and any value this module does not know): left out, and out of the total.

On hidden cases the report is already redacted (`tutor.grading.redact`); these files also leave
out the hidden case's inputs, even their shapes. Never shown: honesty signals and forbidden-call
flags (for the instructor), the isolation level, other students, anything of the class.

Learner text (messages, tracebacks, printed output, folder names) is made inert (no escape
sequences), put in fenced code blocks in Markdown (a fence longer than any backtick run inside)
and HTML-escaped in HTML, whose page also forbids scripts and remote content (a
Content-Security-Policy), so a file name or an exception message can never become markup.
File names come from submission names made safe: no path separators, no `..`, no leading dot.

`render_files` is pure (the same report gives the same bytes); `write` writes them atomically."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

from tutor.grading.formats.common import details, inert, score_text
from tutor.grading.gradebook import ExerciseGrade, GradeReport, SubmissionGrade, format_points
from tutor.present import verdict as look

RELEASED = ("visible",)
WITHHELD = ("after_due_date", "after_published")  #: shown as not released yet
MAX_NAME = 80
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|])")  #: what inline Markdown would act on


def safe_name(name: str) -> str:
    """A file name from a submission name: `alice`, `a_alice` for `a/alice`, `submission` for
    `..` or nothing usable."""
    text = _UNSAFE.sub("_", name).strip("._-")[:MAX_NAME]
    return text or "submission"


def file_names(report: GradeReport) -> dict[str, str]:
    """Submission name -> file stem, unique even where names differ only by case."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for sub in report.submissions:
        base = stem = safe_name(sub.name)
        n = 1
        while stem.lower() in seen:
            n += 1
            stem = f"{base}-{n}"
        seen.add(stem.lower())
        out[sub.name] = stem
    return out


# -- what one student may see ----------------------------------------------------------------


def _student_view(grade: ExerciseGrade, hidden: bool) -> str:
    """The plain-text feedback for one released exercise: `details`, with a hidden case's
    inputs left out."""
    result = grade.result
    if result is not None and result.report is not None and (hidden or result.report.hidden):
        grade = replace(grade, result=replace(result, report=replace(result.report, inputs=())))
    return details(grade)


def _who(sub: SubmissionGrade) -> str:
    student = getattr(sub, "student", None)
    return student.label() if student is not None and student.label() else sub.name


def _sections(sub: SubmissionGrade) -> tuple[list[ExerciseGrade], list[ExerciseGrade]]:
    shown = [e for e in sub.exercises if e.visibility in RELEASED]
    later = [e for e in sub.exercises if e.visibility in WITHHELD]
    return shown, later


def _score_line(sub: SubmissionGrade, shown: list[ExerciseGrade],
                later: list[ExerciseGrade]) -> str:
    if len(shown) == len(sub.exercises):
        line = f"Score: {format_points(sub.score)} of {format_points(sub.max_score)} points."
    else:
        got = sum(e.score for e in shown)
        top = sum(e.max_score for e in shown)
        line = f"Score so far: {format_points(got)} of {format_points(top)} points"
        line += (f" ({len(later)} more exercise{'s' if len(later) != 1 else ''} not released "
                 "yet)." if later else ".")
    late = getattr(sub, "late", None)
    if late is not None:
        line += f" Lateness: {inert(late.describe())}."
    return line


def _intro(report: GradeReport) -> str:
    if report.hidden:
        return ("Graded on hidden cases: they differ from the cases `dltutor check` runs on your "
                "machine, and their values are not shown.")
    return "Run `dltutor check ID` on your own machine to see the same cases again."


# -- Markdown --------------------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Inline Markdown that shows `text` literally (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", inert(text).replace("\n", " "))


def _fenced(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def render_markdown(report: GradeReport, sub: SubmissionGrade) -> str:
    shown, later = _sections(sub)
    lines = [f"# {md_escape(report.title)}: feedback for {md_escape(_who(sub))}", "",
             md_escape(_score_line(sub, shown, later)), "", _intro(report)]
    for grade in shown:
        lines += ["", f"## {md_escape(grade.name)} ({md_escape(grade.id)})", "",
                  _fenced(_student_view(grade, report.hidden))]
    for grade in later:
        lines += ["", f"## {md_escape(grade.name)} ({md_escape(grade.id)})", "",
                  "Not released yet."]
    return "\n".join(lines) + "\n"


# -- HTML ------------------------------------------------------------------------------------

_CSS = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.4}pre{background:#f4f4f4;padding:.75rem;overflow-x:auto;"
        "white-space:pre-wrap}.pass{color:#1a7f37}.other{color:#b42318}.later{color:#666}")


#: no script, no remote content, no form, whatever the page holds: only its own inline style
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _h(text: str) -> str:
    return html.escape(inert(text), quote=True)


def render_html(report: GradeReport, sub: SubmissionGrade) -> str:
    shown, later = _sections(sub)
    title = _h(f"{report.title}: feedback for {_who(sub)}")
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{title}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
             f"<h1>{title}</h1>",
             f"<p><strong>{_h(_score_line(sub, shown, later))}</strong></p>",
             f"<p>{_h(_intro(report))}</p>"]
    for grade in shown:
        css = "pass" if grade.passed else "other"
        verdict = f"{_h(look(grade.verdict).word)} · {_h(score_text(grade))} points"
        parts += ["<section>", f"<h2>{_h(grade.name)} ({_h(grade.id)})</h2>",
                  f'<p class="{css}">{verdict}</p>',
                  f"<pre>{_h(_student_view(grade, report.hidden))}</pre>", "</section>"]
    for grade in later:
        parts += ["<section>", f"<h2>{_h(grade.name)} ({_h(grade.id)})</h2>",
                  '<p class="later">Not released yet.</p>', "</section>"]
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


# -- files -----------------------------------------------------------------------------------


def render_files(report: GradeReport) -> dict[str, str]:
    """File name -> text: `<student>.md` and `<student>.html` for every submission."""
    from tutor.grading.formats import valid_unicode

    names = file_names(report)
    files: dict[str, str] = {}
    for sub in report.submissions:
        stem = names[sub.name]
        files[f"{stem}.md"] = valid_unicode(render_markdown(report, sub))
        files[f"{stem}.html"] = valid_unicode(render_html(report, sub))
    return files


def write(report: GradeReport, folder: Path) -> list[Path]:
    """Write every feedback file into `folder` (created if needed), each atomically; raises
    OSError (nothing half-written) when it cannot."""
    from tutor.atomic import write_atomic

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_files(report).items():
        path = folder / name
        write_atomic(path, text)
        written.append(path)
    return written
