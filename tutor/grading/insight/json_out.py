"""The class report as one JSON document (`report.json` beside the HTML page).

`dltutor_class_report` names the format and its version; the rest is `ClassInsight.to_dict()`:
shares as fractions, the mistakes most common first, the honesty signals. Deterministic: the same
grade report gives the same bytes."""

from __future__ import annotations

import json

from tutor.grading.insight.model import ClassInsight

SCHEMA_VERSION = 1


def render(insight: ClassInsight) -> str:
    doc = {"dltutor_class_report": SCHEMA_VERSION, **insight.to_dict()}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
