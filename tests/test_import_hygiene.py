"""The headless core never loads textual; nothing but the training run loads torch on import
(the UI process stays fast and the grading worker owns torch). Every module of the package is
imported in a fresh interpreter: a new module is covered without editing a list."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import tutor

MODULES = sorted(m.name for m in pkgutil.walk_packages(tutor.__path__, "tutor.")
                 if "._content" not in m.name and m.name != "tutor.__main__")
UI = ("tutor.app",)
#: the training run's own process: models, datasets and the loop are torch by nature
TORCH_SIDE = ("tutor.training.devices", "tutor.training.experiments", "tutor.training.loop",
              "tutor.training.mine", "tutor.training.models", "tutor.training.inspect_model",
              "tutor.training.health", "tutor.training.probe", "tutor.training.mine_layers")


#: Runs in a fresh interpreter that has loaded nothing of ours: it imports the third-party
#: modules named on its command line, then forks one child per module; each child imports its
#: module and prints what got loaded. A fork gives each module what a fresh interpreter would,
#: without paying interpreter start-up and the shared imports every time. What is preloaded
#: never decides a verdict: only torch and textual are asserted on, and a group preloads one of
#: them only when its modules are exempt from that very assertion.
FORK_EACH = r"""
import importlib, json, os, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
for module in json.loads(sys.stdin.readline()):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            importlib.import_module(module)
            line = json.dumps({"module": module,
                               "loaded": sorted({m.split(".")[0] for m in sys.modules})})
        except BaseException as exc:
            line = json.dumps({"module": module, "error": repr(exc)})
        os.write(w, (line + "\n").encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as fh:
        sys.stdout.write(fh.read())
    os.waitpid(pid, 0)
"""
#: (modules, what their interpreter preloads): neither torch nor textual for the core; textual
#: for the UI (only its torch import is asserted); torch for the training side (only textual)
GROUPS = (
    ([m for m in MODULES if not m.startswith(UI + TORCH_SIDE)], ("numpy", "rich.console")),
    ([m for m in MODULES if m.startswith(UI)], ("numpy", "rich.console", "textual.app",
                                                 "textual.widgets")),
    ([m for m in MODULES if m.startswith(TORCH_SIDE)], ("numpy", "rich.console", "torch")),
)


@pytest.fixture(scope="module")
def loaded() -> dict[str, set[str]]:
    import json

    procs = [subprocess.Popen([sys.executable, "-c", FORK_EACH, *preload],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for _, preload in GROUPS]
    found: dict[str, set[str]] = {}
    for (modules, _), proc in zip(GROUPS, procs):
        out, err = proc.communicate(json.dumps(modules) + "\n", timeout=600)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            entry = json.loads(line)
            assert "error" not in entry, f"importing {entry['module']} failed: {entry['error']}"
            found[entry["module"]] = set(entry["loaded"])
    assert set(found) == set(MODULES), "every module was imported"
    return found


def test_the_walk_finds_the_package():
    assert {"tutor.cli", "tutor.grading.jail", "tutor.app.app", "tutor.training.loop"} <= \
        set(MODULES)


@pytest.mark.parametrize("module", [m for m in MODULES if not m.startswith(UI)])
def test_headless_module_does_not_load_textual(module, loaded):
    assert "textual" not in loaded[module]


@pytest.mark.parametrize("module", [m for m in MODULES if not m.startswith(TORCH_SIDE)])
def test_module_does_not_load_torch(module, loaded):
    assert "torch" not in loaded[module]
