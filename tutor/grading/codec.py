"""Plain-data encoding across the trust boundary. Never pickle: unpickling runs code.

A value is encoded as a JSON header (the structure) followed by raw array bytes. Supported:
None, bool, int, float (NaN and inf too), str, bytes, list, tuple, dict with str keys, and numpy
arrays of bool/int/uint/float dtypes. The decoder trusts nothing: it checks dtypes against an
allow-list, shapes against the byte counts, and builds plain `numpy.ndarray`s itself, so a
subclass with a lying `__eq__` cannot survive the trip.

Numpy scalars and 0-d arrays encode as arrays; torch tensors are converted by the sandbox child
before encoding (this module does not import torch)."""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import numpy as np

ALLOWED_KINDS = frozenset("biuf")
MAX_DEPTH = 32
_LEN = struct.Struct("<Q")


class CodecError(ValueError):
    """The value cannot be sent across (an unsupported type) or the bytes are malformed."""


def _describe(value: Any) -> str:
    return type(value).__name__


def encode(value: Any) -> bytes:
    blobs: list[bytes] = []
    offset = [0]

    def enc(v: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise CodecError("the value is nested too deeply")
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int):
            return {"t": "int", "v": str(int(v))}
        if isinstance(v, float):
            return {"t": "float", "v": repr(float(v))}
        if isinstance(v, bytes):
            blobs.append(bytes(v))
            start = offset[0]
            offset[0] += len(v)
            return {"t": "bytes", "o": start, "n": len(v)}
        if isinstance(v, (np.ndarray, np.generic)):
            arr = np.asarray(v)
            if arr.dtype.kind not in ALLOWED_KINDS:
                raise CodecError(f"arrays of dtype {arr.dtype} cannot be graded; "
                                 "return numbers (float, int or bool arrays)")
            arr = np.array(arr, order="C", copy=True, subok=False)
            data = arr.tobytes()
            blobs.append(data)
            start = offset[0]
            offset[0] += len(data)
            return {"t": "nd", "d": arr.dtype.str, "s": list(arr.shape), "o": start,
                    "n": len(data)}
        if isinstance(v, (list, tuple)):
            return {"t": "list" if isinstance(v, list) else "tuple",
                    "v": [enc(x, depth + 1) for x in v]}
        if isinstance(v, dict):
            if not all(isinstance(k, str) for k in v):
                raise CodecError("dict keys must be strings")
            return {"t": "dict", "v": {k: enc(x, depth + 1) for k, x in v.items()}}
        raise CodecError(f"a value of type {_describe(v)} cannot be graded")

    header = json.dumps(enc(value, 0)).encode()
    return _LEN.pack(len(header)) + header + b"".join(blobs)


def decode(data: bytes) -> Any:
    if len(data) < _LEN.size:
        raise CodecError("truncated value")
    (hlen,) = _LEN.unpack_from(data)
    if hlen > len(data) - _LEN.size:
        raise CodecError("truncated header")
    try:
        header = json.loads(data[_LEN.size : _LEN.size + hlen])
    except (ValueError, UnicodeDecodeError) as exc:
        raise CodecError(f"malformed header: {exc}") from None
    body = memoryview(data)[_LEN.size + hlen :]

    def dec(node: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise CodecError("nested too deeply")
        if node is None or isinstance(node, (bool, str)):
            return node
        if not isinstance(node, dict) or "t" not in node:
            raise CodecError("malformed node")
        kind = node["t"]
        if kind == "int":
            text = str(node["v"])
            if len(text) > 400:
                raise CodecError("integer too large")
            return int(text)
        if kind == "float":
            return float(node["v"])
        if kind in ("list", "tuple"):
            items = [dec(x, depth + 1) for x in node["v"]]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            return {str(k): dec(x, depth + 1) for k, x in node["v"].items()}
        start, size = int(node["o"]), int(node["n"])
        if start < 0 or size < 0 or start + size > len(body):
            raise CodecError("array data out of range")
        raw = bytes(body[start : start + size])
        if kind == "bytes":
            return raw
        if kind == "nd":
            dtype = np.dtype(str(node["d"]))
            if dtype.kind not in ALLOWED_KINDS or dtype.hasobject:
                raise CodecError(f"dtype {dtype} not allowed")
            shape = tuple(int(s) for s in node["s"])
            if any(s < 0 for s in shape) or math.prod(shape) * dtype.itemsize != size:
                raise CodecError("array shape does not match its data")
            return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        raise CodecError(f"unknown node type {kind!r}")

    return dec(header, 0)
