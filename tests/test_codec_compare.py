"""Unit tests for the two halves of the trust boundary: the codec and the comparison."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.grading.codec import CodecError, decode, encode
from tutor.grading.compare import Raised, compare


def roundtrip(value):
    return decode(encode(value))


def test_codec_roundtrips_plain_data():
    value = {"a": np.arange(6.0).reshape(2, 3), "b": (1, 2.5, None, True, "x"),
             "c": [np.int32(3), b"raw"], "big": 10**30, "nan": float("nan")}
    out = roundtrip(value)
    np.testing.assert_array_equal(out["a"], value["a"])
    assert out["b"] == (1, 2.5, None, True, "x")
    assert out["c"][0].shape == () and out["c"][0].dtype == np.int32
    assert out["big"] == 10**30 and np.isnan(out["nan"])


def test_codec_strips_ndarray_subclasses():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

    out = roundtrip(np.zeros(3).view(Liar))
    assert type(out) is np.ndarray


@pytest.mark.parametrize("bad", [object(), np.array([object()], dtype=object), {1: 2},
                                 np.array(["a"])])
def test_codec_refuses_what_cannot_be_graded(bad):
    with pytest.raises(CodecError):
        encode(bad)


def test_decoder_rejects_forged_headers():
    import json
    import struct

    header = json.dumps({"t": "nd", "d": "|O", "s": [1], "o": 0, "n": 8}).encode()
    with pytest.raises(CodecError):
        decode(struct.pack("<Q", len(header)) + header + b"\0" * 8)
    header = json.dumps({"t": "nd", "d": "<f8", "s": [100], "o": 0, "n": 8}).encode()
    with pytest.raises(CodecError):
        decode(struct.pack("<Q", len(header)) + header + b"\0" * 8)


E = np.arange(12.0).reshape(3, 4)


@pytest.mark.parametrize("got, kind", [
    (E[:, :1], "shape"), (E.ravel(), "shape"), (E[None], "shape"), (np.zeros((0,)), "shape"),
    (E.astype(np.float32), "dtype"), (E.astype(np.int64), "dtype"), (3.0, "type"),
    (E + np.where(E == 5, np.nan, 0), "nonfinite"), (E + 1e-3, "values"),
    ([E], "type"), (Raised("ValueError"), "raises"),
])
def test_compare_catches_the_traps(got, kind):
    mismatch = compare(got, E, 1e-7, 1e-12)
    assert mismatch is not None and mismatch.kind == kind


def test_compare_accepts_honest_drift_and_exact_specials():
    assert compare(E * (1 + 1e-12), E, 1e-9, 0.0) is None
    special = np.array([np.inf, -np.inf, np.nan, 1.0])
    assert compare(special.copy(), special, 1e-9, 0.0) is None
    assert compare(np.array([-np.inf, np.inf, np.nan, 1.0]), special, 1e-9, 0.0) is not None


def test_compare_ints_and_raises():
    assert compare(13, 13, 0, 0) is None
    assert compare(13.0, 13, 0, 0).kind == "type"
    assert compare(True, 1, 0, 0).kind == "type"
    assert compare(Raised("ValueError", mro=("ValueError", "Exception")), Raised("ValueError"), 0, 0) is None
    assert compare(Raised("TypeError"), Raised("ValueError"), 0, 0).kind == "no_raise"
    assert compare(7, Raised("ValueError"), 0, 0).kind == "no_raise"


def test_mismatch_reports_worst_positions():
    got = E.copy()
    got[2, 1] += 5
    got[0, 3] += 1
    m = compare(got, E, 1e-7, 1e-12)
    assert m.n_bad == 2 and m.worst[0][0] == "(2, 1)" and m.max_abs == pytest.approx(5)


def test_describe_says_kind_and_size_without_dumping_containers():
    from tutor.grading.compare import describe

    assert describe({"update": np.zeros(3), "m": 1}) == "dict of 2"
    assert describe((1, 2)) == "tuple of 2" and describe([]) == "list of 0"
    assert describe("0.weight") == "str '0.weight'"
    assert describe("x" * 100) == f"str {'x' * 60!r}..."
    assert describe(np.array(2.5)) == "float64 scalar 2.5"
    assert describe(np.float64(2.5)) == "float 2.5" and describe(np.int64(3)) == "int 3"
