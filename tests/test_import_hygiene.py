"""The headless core never loads textual; nothing but the training run loads torch on import
(the UI process stays fast and the grading worker owns torch). Every module of the package is
imported in a fresh interpreter: a new module is covered without editing a list."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import tutor

MODULES = sorted(m.name for m in pkgutil.walk_packages(tutor.__path__, "tutor.")
                 if "._content" not in m.name and m.name != "tutor.__main__")
UI = ("tutor.app",)
#: the training run's own process: models, datasets and the loop are torch by nature
TORCH_SIDE = ("tutor.training.devices", "tutor.training.experiments", "tutor.training.loop",
              "tutor.training.mine", "tutor.training.models")


def _loaded(module: str) -> set[str]:
    code = (f"import sys, importlib; importlib.import_module({module!r}); "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120, stdin=subprocess.DEVNULL)
    return set(out.stdout.split())


@pytest.fixture(scope="module")
def loaded() -> dict[str, set[str]]:
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(MODULES, pool.map(_loaded, MODULES)))


def test_the_walk_finds_the_package():
    assert {"tutor.cli", "tutor.grading.jail", "tutor.app.app", "tutor.training.loop"} <= \
        set(MODULES)


@pytest.mark.parametrize("module", [m for m in MODULES if not m.startswith(UI)])
def test_headless_module_does_not_load_textual(module, loaded):
    assert "textual" not in loaded[module]


@pytest.mark.parametrize("module", [m for m in MODULES if not m.startswith(TORCH_SIDE)])
def test_module_does_not_load_torch(module, loaded):
    assert "torch" not in loaded[module]
