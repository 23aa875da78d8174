"""What an exercise's trusted `check.py` imports: the `Case` record and small helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    """One set of inputs for the learner's function (keyword arguments, plain data)."""

    inputs: dict[str, Any]
    label: str = ""
    rtol: float | None = None
    atol: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)
