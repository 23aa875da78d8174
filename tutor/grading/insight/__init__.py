"""What a graded class got wrong, for its instructor: the class report and the honesty signals.

`aggregate.class_insight(report)` turns a `GradeReport` into a `ClassInsight` (frozen values:
the score distribution, per-exercise and per-case pass rates, how often each known mistake
occurred); `text`, `json_out` and `html` render it; `honesty` finds identical submissions,
copies of the shipped solution and code that reaches for the course itself.

Nothing here is imported by the formats a student sees (Gradescope, the per-student output), and
this package imports its modules lazily (this file imports nothing) so that `gradebook.py` can
use `signals.HonestySignal` without an import cycle."""
