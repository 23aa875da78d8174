"""The headless core never loads textual; importing the CLI or the grading client never loads
torch (the UI process stays fast and the worker owns torch)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = ["tutor.course", "tutor.grading", "tutor.grading.checker", "tutor.grading.client",
            "tutor.grading.validate", "tutor.grading.render", "tutor.progress", "tutor.session",
            "tutor.workspace", "tutor.cli"]


def loaded_after(module: str) -> set[str]:
    code = (f"import sys, importlib; importlib.import_module({module!r}); "
            "print(' '.join(sorted(m.split('.')[0] for m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_does_not_load_textual(module):
    assert "textual" not in loaded_after(module)


@pytest.mark.parametrize("module", ["tutor.cli", "tutor.grading.client", "tutor.session",
                                    "tutor.course", "tutor.progress"])
def test_client_side_does_not_load_torch(module):
    assert "torch" not in loaded_after(module)
