"""Read a `dltutor grade --format json` document back into a `GradeReport`.

`dltutor report RESULTS.json` builds the class report of a grading done earlier (on CI, on
another machine) from its JSON alone. The document holds everything the class report counts:
verdicts, scores, per-case outcomes (`case_verdicts`), known mistakes and honesty signals.
Anything else (a missing file, not JSON, JSON that is not a grade report) is a `ReportError`
whose message says what the file is and what to pass instead."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tutor.grading.gradebook import ExerciseColumn, ExerciseGrade, GradeReport, SubmissionGrade
from tutor.grading.insight.signals import HonestySignal
from tutor.grading.results import CheckResult, FailureReport, Verdict

SCHEMA_VERSIONS = (1,)  #: the `dltutor_report` versions this reader understands
MAX_BYTES = 512 * 1024 * 1024


class ReportError(ValueError):
    """The file is not a grade report this dltutor can read; the message says why."""


def read_grade_report(path: Path) -> GradeReport:
    try:
        if path.is_dir():
            raise ReportError(f"{path} is a folder: pass the JSON file `dltutor grade "
                              "--format json` wrote")
        if path.stat().st_size > MAX_BYTES:
            raise ReportError(f"{path} is larger than {MAX_BYTES >> 20} MiB")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ReportError(f"{path} is not JSON (it is not UTF-8 text)") from None
    except OSError as exc:
        raise ReportError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno}: {exc.msg})" \
            if isinstance(exc, json.JSONDecodeError) else ""
        raise ReportError(f"{path} is not JSON{where}; pass the file `dltutor grade "
                          "--format json` (or `--also json=PATH`) wrote") from None
    return grade_report_from_dict(doc, str(path))


def grade_report_from_dict(doc: Any, where: str = "the document") -> GradeReport:
    if not isinstance(doc, dict) or "dltutor_report" not in doc:
        hint = ""
        if isinstance(doc, dict) and "dltutor_class_report" in doc:
            hint = (" (it is a class report, made from a grade report: pass that grade "
                    "report)")
        raise ReportError(f"{where} is not a dltutor grade report{hint}: pass the JSON "
                          "`dltutor grade --format json` (or `--also json=PATH`) wrote")
    version = doc["dltutor_report"]
    if version not in SCHEMA_VERSIONS:
        raise ReportError(f"{where} is a dltutor grade report of format {version!r}, which this "
                          f"dltutor cannot read (it reads format "
                          f"{', '.join(map(str, SCHEMA_VERSIONS))}): upgrade dltutor")
    try:
        return _report(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ReportError(f"{where} is not a valid dltutor grade report ({what})") from None


def _report(doc: dict[str, Any]) -> GradeReport:
    columns = tuple(ExerciseColumn(str(c["id"]), str(c["name"]), float(c["max_score"]))
                    for c in doc["exercises"])
    min_score = doc.get("min_score")
    return GradeReport(
        title=str(doc["title"]), columns=columns,
        submissions=tuple(_submission(s) for s in doc["submissions"]),
        hidden=bool(doc.get("hidden", False)),
        min_score=float(min_score) if min_score is not None else None,
        isolation=str(doc.get("isolation", "")),
        honesty=tuple(HonestySignal.from_dict(h) for h in doc.get("honesty", [])))


def _submission(doc: dict[str, Any]) -> SubmissionGrade:
    return SubmissionGrade(str(doc["submission"]),
                           tuple(_exercise(e) for e in doc["exercises"]))


def _exercise(doc: dict[str, Any]) -> ExerciseGrade:
    verdict = Verdict(doc["verdict"])
    score, max_score = float(doc["score"]), float(doc["max_score"])
    result = None
    if verdict is not Verdict.MISSING:
        report = doc.get("report")
        result = CheckResult(
            exercise=str(doc["id"]), verdict=verdict,
            score=score / max_score if max_score else 0.0,
            cases_passed=int(doc.get("cases_passed", 0)),
            cases_total=int(doc.get("cases_total", 0)), duration_ms=0.0,
            message=str(doc.get("message", "")), diagnosis=doc.get("diagnosis"),
            mistake=doc.get("mistake"),
            report=FailureReport.from_dict(report) if report else None,
            output=str(doc.get("output", "")),
            output_truncated=bool(doc.get("output_truncated")),
            case_verdicts=tuple(str(v) for v in doc.get("case_verdicts", ())),
            flags=tuple(str(f) for f in doc.get("flags", ())))
    return ExerciseGrade(id=str(doc["id"]), name=str(doc.get("name", doc["id"])),
                         verdict=verdict, score=score, max_score=max_score,
                         message=str(doc.get("message", "")), result=result)
