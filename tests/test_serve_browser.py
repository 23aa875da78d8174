"""`dltutor serve` in a real headless browser (issue 14): Debian's chromium, driven by playwright,
opens the printed URL, reads the course map, opens a lesson and an exercise, types a wrong answer
into the editor, checks it with ctrl+r and reads the diagnosis; then Ctrl+C stops the server and
every process it started. With `--separate-workspaces` two tabs get two workspaces.

textual-serve draws into an xterm.js canvas, so the screen is read from xterm's own buffer: the
test serves the page's textual.js with one change, the terminal object kept on `window`. A
screenshot of every step goes to tests/artifacts/serve/. Every wait polls with a generous limit
and nothing asserts how long anything took."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_serve_cmd import REPO, Server

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install playwright; it drives Debian's chromium)")

CHROMIUM = Path(os.environ.get("DLTUTOR_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO / "tests" / "artifacts" / "serve"
#: no sandbox (a container), no GPU, and nothing that reaches for the network
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
WRONG = ["import numpy as np", "def relu_backward(dout, x):", "return dout * (x >= 0)"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.is_file(),
                       reason=f"no chromium at {CHROMIUM} (apt-get install chromium, or point "
                              "DLTUTOR_CHROMIUM at one)"),
    pytest.mark.timeout(240),  # a safety net: the tests wait with limits and end far sooner
]

# textual.js creates its xterm Terminal in a closure; keep it on window for the test to read.
TERMINAL = re.compile(r"this\.terminal=new (\w+)\.Terminal\(")
READ_SCREEN = """() => {
    const t = window.__dltutorTerminal;
    if (!t) return null;
    const b = t.buffer.active, rows = [];
    for (let y = 0; y < t.rows; y++) {
        const line = b.getLine(b.viewportY + y);
        rows.push(line ? line.translateToString(true) : "");
    }
    return rows.join("\\n");
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_tab(browser: Any, url: str) -> Any:
    page = browser.new_page(viewport={"width": 1200, "height": 760})
    page.set_default_timeout(60_000)
    hooked: list[int] = []

    def expose_terminal(route: Any) -> None:
        response = route.fetch()
        body, count = TERMINAL.subn(
            r"this.terminal=window.__dltutorTerminal=new \1.Terminal(", response.text())
        hooked.append(count)
        route.fulfill(response=response, body=body)

    page.route("**/static/js/textual.js", expose_terminal)
    # The page asks Google for a font; nothing may leave this machine.
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"),
               lambda route: route.abort())
    page.goto(url)
    assert hooked == [1], "textual-serve's textual.js changed: update TERMINAL in this test"
    return page


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def wait_for_screen(page: Any, predicate: Callable[[str], bool], what: str,
                    limit: float = 90.0, nudge: Callable[[], None] | None = None) -> str:
    """The terminal's text once `predicate` holds; on giving up, a screenshot and the text.
    `nudge` runs before every look (e.g. focusing the terminal again, as a learner clicks
    again when a click was missed)."""
    import time

    deadline = time.monotonic() + limit
    text = ""
    while time.monotonic() < deadline:
        if nudge is not None:
            nudge()
        text = page.evaluate(READ_SCREEN) or ""
        if predicate(text):
            return text
        page.wait_for_timeout(200)
    shot(page, f"gave-up-{what.replace(' ', '-')}")
    raise AssertionError(f"gave up waiting for {what}; the screen shows:\n{text}")


class Refocus:
    """Focus the terminal now, and every 3 s after that blur and focus it again (a missed focus
    event leaves the app blurred, its footer empty)."""

    def __init__(self, page: Any) -> None:
        self.page, self.calls = page, 0

    def __call__(self) -> None:
        if self.calls % 15 == 0:
            if self.calls:
                self.page.evaluate("() => document.activeElement?.blur()")
            self.page.focus(".xterm-helper-textarea")
        self.calls += 1


def squeeze(text: str) -> str:
    """Screen text as one line: a sentence wrapped in a panel reads as it is written."""
    return " ".join(text.replace("│", " ").split())


def test_a_learner_opens_an_exercise_types_a_wrong_answer_and_reads_the_diagnosis(
        browser: Any, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    server = Server("--workspace", str(workspace), cwd=REPO)
    try:
        url = server.wait_for_url()
        page = open_tab(browser, url)
        wait_for_screen(page, lambda s: "course map" in s and "relu_backward" in s,
                        "the course map")
        # Keys go to the terminal once it has the focus, as after a click. Until then the app
        # counts as blurred: Textual parks its focus, and the footer shows no keys.
        # On a loaded machine a focus given while the app still starts can be missed: give it
        # again until the footer shows the keys.
        screen = wait_for_screen(page, lambda s: "palette" in s and "Open" in s,
                                 "the course map's keys in the footer",
                                 nudge=Refocus(page))
        assert re.search(r"\b0/\d+ exercises passed", screen)  # a new workspace: none yet
        shot(page, "01-course-map")

        page.keyboard.press("Enter")  # the first lesson is highlighted on a new workspace
        wait_for_screen(page, lambda s: "course map" not in s and "lesson 1 of" in s,
                        "the first lesson")
        page.keyboard.press("n")  # the next lesson: the perceptron, whose first is relu_backward
        screen = wait_for_screen(page, lambda s: "course map" not in s and "Exercises" in s
                                 and "relu_backward" in s, "the lesson")
        shot(page, "02-lesson")

        page.keyboard.press("1")  # relu_backward is the lesson's first exercise
        screen = wait_for_screen(page, lambda s: "ReLU backward" in s
                                 and "NotImplementedError" in s, "the exercise and its starter")
        shot(page, "03-exercise")

        # Select all and delete, then wait: a key binding (F7) runs once its key has bubbled
        # up to the app, so characters typed right after it could overtake it under load.
        page.keyboard.press("F7")
        page.keyboard.press("Backspace")
        wait_for_screen(page, lambda s: "NotImplementedError" not in s, "an empty editor")
        for i, line in enumerate(WRONG):
            if i:
                page.keyboard.press("Enter")  # the editor indents after the colon itself
            page.keyboard.type(line)
        screen = wait_for_screen(page, lambda s: "return dout * (x >= 0)" in s
                                 and "NotImplementedError" not in s, "the typed answer")
        shot(page, "04-wrong-answer-typed")

        page.keyboard.press("Control+r")
        screen = wait_for_screen(page, lambda s: "Likely mistake" in s, "the diagnosis")
        shot(page, "05-diagnosis")
        said = squeeze(screen)
        assert "FAILED" in said and "relu_backward" in said
        assert "exactly 0" in said and "x > 0, not x >= 0" in said
        assert page.url.rstrip("/") == url  # ctrl+r checked; it did not reload the page

        # The check saved what was typed, in the workspace the server was given.
        saved = (workspace / "relu_backward.py").read_text()
        assert "return dout * (x >= 0)" in saved
        assert (workspace / ".dltutor" / "progress.db").is_file()

        # Ctrl+C with the tab still open: a clean stop, and no session left running.
        processes = server.processes()
        assert len(processes) >= 2  # the server and this tab's app
        assert server.ctrl_c() == 0
        assert server.still_running(processes) == []
        assert "Traceback" not in server.output
        page.close()
    finally:
        server.kill()


def test_separate_workspaces_give_each_tab_a_folder_of_its_own(
        browser: Any, tmp_path: Path) -> None:
    root = tmp_path / "lab"
    server = Server("--workspace", str(root), "--separate-workspaces", cwd=REPO)
    try:
        url = server.wait_for_url()
        first, second = open_tab(browser, url), open_tab(browser, url)
        for n, page in enumerate((first, second), 1):
            wait_for_screen(page, lambda s: "course map" in s, f"tab {n}'s course map")
        folders = sorted(p for p in root.iterdir() if p.name.startswith("session-"))
        assert len(folders) == 2  # one per tab, each with its own progress
        assert all((f / ".dltutor" / "progress.db").is_file() for f in folders)
        shot(second, "06-separate-workspaces-second-tab")
        processes = server.processes()
        assert server.ctrl_c() == 0
        assert server.still_running(processes) == []
        for page in (first, second):
            page.close()
    finally:
        server.kill()
