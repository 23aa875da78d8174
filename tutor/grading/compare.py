"""Compare a learner's value with the reference, on the trusted side, with our own numpy.

The traps this avoids (measured, see DESIGN.md): `allclose` broadcasting ((4,1) vs (4,), scalar vs
array, empty vs anything), NaN slipping through negated checks, float32 passing a float64 check,
`inf == inf`. So: structure first, then exact shape, then dtype kind and precision, then
finiteness, then values with named tolerances."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Raised:
    """The outcome "raised an exception" (a reference that raises, or a learner's exception)."""

    type_name: str
    message: str = ""
    mro: tuple[str, ...] = ()  #: the exception's class names, most derived first

    def is_a(self, type_name: str) -> bool:
        return type_name == self.type_name or type_name in self.mro


@dataclass(frozen=True)
class Mismatch:
    """Why a value does not match; `where` is a path like `output[1]` for tuple results."""

    kind: str  #: structure | type | shape | dtype | nonfinite | values | raises | no_raise
    where: str
    message: str
    max_abs: float | None = None
    max_rel: float | None = None
    n_bad: int = 0
    n_total: int = 0
    worst: tuple[tuple[str, float, float], ...] = ()  #: (index, expected, got), worst first
    expected_summary: str = ""
    got_summary: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "where": self.where, "message": self.message,
            "max_abs_error": self.max_abs, "max_rel_error": self.max_rel,
            "mismatched": self.n_bad, "elements": self.n_total,
            "worst": [{"index": i, "expected": e, "got": g} for i, e, g in self.worst],
            "expected": self.expected_summary, "got": self.got_summary,
        }


def describe(value: Any) -> str:
    """A short type-and-shape description: `float64 array (3, 4)`, `int 7`, `tuple of 3`."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"{value.dtype} scalar {value.item()!r}"
        return f"{value.dtype} array {tuple(value.shape)}"
    if isinstance(value, Raised):
        return f"raised {value.type_name}"
    if isinstance(value, bool):
        return f"bool {value}"
    if isinstance(value, (int, np.integer)):
        return f"int {int(value)}"
    if isinstance(value, (float, np.floating)):
        return f"float {float(value)!r}"  # np.float64(2.5) reads as 2.5
    if isinstance(value, (list, tuple, dict)):
        return f"{type(value).__name__} of {len(value)}"
    if value is None:
        return "None"
    if isinstance(value, str):
        return f"str {value[:60]!r}" + ("..." if len(value) > 60 else "")
    return type(value).__name__


def _is_real_scalar(v: Any) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) or (
        isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iuf"
    )


def compare(got: Any, expected: Any, rtol: float, atol: float, where: str = "output") -> Mismatch | None:
    """None when `got` matches `expected`, else the first mismatch found."""
    if isinstance(expected, Raised):
        if isinstance(got, Raised) and got.is_a(expected.type_name):
            return None
        what = f"raised {got.type_name}: {got.message}" if isinstance(got, Raised) else f"returned {describe(got)}"
        return Mismatch("no_raise", where, f"expected {expected.type_name} to be raised, but it {what}",
                        expected_summary=f"raises {expected.type_name}", got_summary=describe(got))
    if isinstance(got, Raised):
        return Mismatch("raises", where, f"raised {got.type_name}: {got.message}",
                        expected_summary=describe(expected), got_summary=describe(got))
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return Mismatch("structure", where, f"expected a {type(expected).__name__} of "
                            f"{len(expected)} values, got {describe(got)}",
                            expected_summary=describe(expected), got_summary=describe(got))
        if len(got) != len(expected):
            return Mismatch("structure", where, f"expected {len(expected)} values, got {len(got)}",
                            expected_summary=describe(expected), got_summary=describe(got))
        for i, (g, e) in enumerate(zip(got, expected)):
            mismatch = compare(g, e, rtol, atol, f"{where}[{i}]")
            if mismatch:
                return mismatch
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return Mismatch("structure", where, f"expected a dict with keys {sorted(expected)}, "
                            f"got {sorted(got) if isinstance(got, dict) else describe(got)}")
        for key in expected:
            mismatch = compare(got[key], expected[key], rtol, atol, f"{where}[{key!r}]")
            if mismatch:
                return mismatch
        return None
    if isinstance(expected, bool):
        g = got.item() if isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind == "b" else got
        if not isinstance(g, bool):
            return Mismatch("type", where, f"expected a bool, got {describe(got)}")
        return None if g == expected else Mismatch("values", where, f"expected {expected}, got {g}",
                                                   expected_summary=str(expected), got_summary=str(g))
    if isinstance(expected, int):
        g = got.item() if isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind in "iu" else got
        if isinstance(g, bool) or not isinstance(g, int):
            return Mismatch("type", where, f"expected an int, got {describe(got)}"
                            + (" (return int(...), not a float)" if isinstance(g, float) else ""),
                            expected_summary=f"int {expected}", got_summary=describe(got))
        return None if g == expected else Mismatch("values", where, f"expected {expected}, got {g}",
                                                   expected_summary=str(expected), got_summary=str(g))
    if isinstance(expected, float):
        if not _is_real_scalar(got):
            return Mismatch("type", where, f"expected a number, got {describe(got)}",
                            expected_summary=f"float {expected!r}", got_summary=describe(got))
        return _compare_arrays(np.asarray(float(got)), np.asarray(expected), rtol, atol, where)
    if isinstance(expected, np.ndarray):
        if expected.ndim == 0 and _is_real_scalar(got) and not isinstance(got, np.ndarray):
            got = np.asarray(got, dtype=np.float64 if isinstance(got, float) else np.int64)
        if not isinstance(got, np.ndarray):
            return Mismatch("type", where, f"expected a numpy array, got {describe(got)}",
                            expected_summary=describe(expected), got_summary=describe(got))
        if got.shape != expected.shape:
            return Mismatch("shape", where, f"expected shape {tuple(expected.shape)}, "
                            f"got {tuple(got.shape)}",
                            expected_summary=describe(expected), got_summary=describe(got))
        ek, gk = expected.dtype.kind, got.dtype.kind
        kinds = {"f": "float", "i": "integer", "u": "integer", "b": "bool"}
        if kinds.get(ek) != kinds.get(gk):
            return Mismatch("dtype", where, f"expected a {kinds.get(ek, ek)} array "
                            f"({expected.dtype}), got {got.dtype}",
                            expected_summary=describe(expected), got_summary=describe(got))
        if ek == "f" and got.dtype.itemsize < expected.dtype.itemsize:
            return Mismatch("dtype", where, f"expected {expected.dtype}, got {got.dtype}: "
                            "keep the inputs' precision (don't cast to a smaller float)",
                            expected_summary=describe(expected), got_summary=describe(got))
        return _compare_arrays(got, expected, rtol, atol, where)
    if got != expected or type(got) is not type(expected):
        return Mismatch("values", where, f"expected {expected!r}, got {got!r}")
    return None


def _index_str(flat_index: int, shape: tuple[int, ...]) -> str:
    if not shape:
        return "()"
    return str(tuple(int(i) for i in np.unravel_index(flat_index, shape)))


def _compare_arrays(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float,
                    where: str) -> Mismatch | None:
    if expected.dtype.kind in "iub":
        bad = got != expected
        if not bad.any():
            return None
        g = got.astype(np.float64)
        e = expected.astype(np.float64)
        return _values_mismatch(where, g, e, bad, expected, got)
    g = got.astype(np.float64)
    e = expected.astype(np.float64)
    finite_e = np.isfinite(e)
    nonfinite_got = finite_e & ~np.isfinite(g)
    if nonfinite_got.any():
        m = _values_mismatch(where, g, e, nonfinite_got, expected, got)
        return Mismatch("nonfinite", where, f"{int(nonfinite_got.sum())} of {g.size} values are "
                        "NaN or infinite where the expected values are finite",
                        m.max_abs, m.max_rel, m.n_bad, m.n_total, m.worst,
                        describe(expected), describe(got))
    with np.errstate(invalid="ignore"):
        close = np.abs(g - e) <= atol + rtol * np.abs(e)
        # Where the reference itself is NaN or infinite, ask for exactly the same value.
        same_special = (np.isnan(e) & np.isnan(g)) | (np.isinf(e) & (g == e))
    bad = np.where(finite_e, ~close, ~same_special)
    if not bad.any():
        return None
    return _values_mismatch(where, g, e, bad, expected, got)


def _values_mismatch(where: str, g: np.ndarray, e: np.ndarray, bad: np.ndarray,
                     expected: np.ndarray, got: np.ndarray) -> Mismatch:
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.abs(g - e)
        err = np.where(np.isnan(err), np.inf, err)
        rel = np.where(np.abs(e) > 0, err / np.where(np.abs(e) > 0, np.abs(e), 1.0), np.nan)
    masked = np.where(bad, err, -1.0).ravel()
    order = np.argsort(-masked, kind="stable")[: min(5, int(bad.sum()))]
    worst = tuple((_index_str(int(i), e.shape), float(e.ravel()[i]), float(g.ravel()[i]))
                  for i in order)
    max_abs = float(err[bad].max())
    rel_bad = rel[bad]
    max_rel = float(np.nanmax(rel_bad)) if np.isfinite(rel_bad).any() else None
    n_bad = int(bad.sum())
    rel_text = f", max rel error {max_rel:.3g}" if max_rel is not None else ""
    return Mismatch("values", where, f"{n_bad} of {e.size} values differ "
                    f"(max abs error {max_abs:.3g}{rel_text})",
                    max_abs, max_rel, n_bad, int(e.size), worst, describe(expected), describe(got))
