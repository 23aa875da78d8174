"""The trusted side's records of one check: a prepared case (inputs, expected value, tolerances)
and what the learner's code did on it. Shared by the checker, the redaction of hidden cases and
the diagnosis of known mistakes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tutor.grading.compare import Mismatch


@dataclass(frozen=True)
class PreparedCase:
    label: str
    inputs: bytes  #: codec-encoded keyword arguments
    expected: Any  #: normalised through the codec, or Raised
    rtol: float
    atol: float


@dataclass(frozen=True)
class CaseOutcome:
    status: str  #: pass | fail | error | timeout | crash
    value: Any = None  #: the learner's decoded value, or Raised
    mismatch: Mismatch | None = None
    error: dict[str, Any] | None = None
    problem: str = ""
    traceback: str = ""  #: a crash's stack in the learner's own frames (from its crash dump)
