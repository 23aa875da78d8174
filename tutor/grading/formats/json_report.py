"""`--format json`: one document for CI scripts and dashboards.

Per submission: `submission`, `score`, `max_score`, `passed` (reached the set's minimum score),
and per exercise `id`, `verdict`, `score`, `max_score`, `message`, plus the first failure's report.
No durations and no seed: the same inputs and seed give the same bytes, whatever --jobs was."""

from __future__ import annotations

import json

from tutor.grading.gradebook import GradeReport

SCHEMA_VERSION = 1


def render(report: GradeReport) -> str:
    doc = {"dltutor_report": SCHEMA_VERSION, **report.to_dict()}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
