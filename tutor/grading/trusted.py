"""Import an exercise's own files (check.py, drive.py, a known-mistake file) from their paths.

Trusted content: check.py and the mistake files run only in the grading worker; drive.py is the
one file the jailed child imports as well (it holds no case and no reference). Each file is
imported under a name derived from its path, and cached in `sys.modules` until it changes."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from types import ModuleType


def load_trusted(path: str | os.PathLike[str]) -> ModuleType:
    """Import the file at `path` (cached until its mtime changes)."""
    real = os.path.realpath(path)
    name = "dltutor_trusted_" + hashlib.sha1(real.encode()).hexdigest()[:16]
    mtime = os.stat(real).st_mtime_ns
    cached = sys.modules.get(name)
    if cached is not None and getattr(cached, "__dltutor_mtime__", None) == mtime:
        return cached
    spec = importlib.util.spec_from_file_location(name, real)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {real}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    module.__dltutor_mtime__ = mtime  # type: ignore[attr-defined]
    return module


def load_sibling(anchor: str | os.PathLike[str], stem: str) -> ModuleType:
    """From a trusted file, import `<stem>.py` beside it: `load_sibling(__file__, "drive")` lets
    a check.py share helpers with its exercise's drive.py."""
    return load_trusted(os.path.join(os.path.dirname(os.path.realpath(anchor)), stem + ".py"))


def default_drive(fn, **inputs):  # type: ignore[no-untyped-def]
    """The driver of an exercise without drive.py: call the function with the case's inputs."""
    return fn(**inputs)
