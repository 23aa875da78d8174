"""Pictures in the terminal (`tutor.pictures`): the renderer on fixed arrays (sizes, half-block
pairing, ramp ends, the symmetric signed ramp, monochrome, labels, layout, untrusted JSON); the
occlusion map on a model whose answer is known; the lesson blocks that draw, run in the jail as
`dltutor lesson N --run K` runs them; digits_lenet's Picture events; and both viewers (the CLI
display, the TUI's training screen and lesson reader) drawing what they get."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from tutor import pictures as P
from tutor.pictures import (
    COLORS,
    DENSITY,
    MARK,
    SIGNED_TOP,
    UNIT_TOP,
    Figure,
    PictureError,
    draw,
    draw_panel,
    mono_pair,
    panel,
    to_ansi,
    to_plain,
    to_rich,
)

REPO = Path(__file__).resolve().parent.parent


def body(p: P.Panel, color: bool = True) -> P.Drawing:
    """The picture alone: no label, no legend."""
    return draw_panel(replace(p, label=""), color=color, legend=False)


def colours(drawing: P.Drawing) -> set[str]:
    return {c for line in drawing.lines for s in line for c in (s.fg, s.bg) if c}


# -- the renderer -------------------------------------------------------------------------------


def test_a_28x28_digit_is_28_columns_by_14_lines_and_fits_80_columns():
    rng = np.random.default_rng(0)
    digit = panel(rng.random((28, 28)), ramp="gray", label="a digit")
    pic = body(digit)
    assert (pic.width, pic.height) == (28, 14)
    assert all(s.text == "▀" * len(s.text) for line in pic.lines for s in line)
    figure = Figure("three of them", (digit, digit, digit), caption="words " * 40)
    for width in (80, 60, 120):
        drawn = draw(figure, width=width)
        assert drawn.width <= width, width
        assert draw(figure, width=width, color=False).width <= width


def test_each_line_pairs_two_pixel_rows_upper_in_front_lower_behind():
    rows = np.arange(5.0)[:, None] * np.ones((1, 3))  # row r has value r: 5 rows, 3 lines
    p = panel(rows, ramp="heat")
    pic = body(p)
    assert pic.height == 3
    table = COLORS["heat"]
    for k, line in enumerate(pic.lines):
        (span,) = line  # one colour pair per line: merged into one span
        assert span.text == "▀▀▀"
        assert span.fg == table[p.level(2 * k, 0)]
        assert span.bg == (table[p.level(2 * k + 1, 0)] if 2 * k + 1 < 5 else None)
    assert pic.lines[0][0].fg == table[0] and pic.lines[2][0].fg == table[UNIT_TOP]


def test_the_scale_runs_from_lo_to_hi_and_clips_beyond_it():
    p = panel([[0.0, 0.5, 1.0, 7.0, -3.0, float("nan")]], ramp="heat", lo=0.0, hi=1.0)
    assert [p.level(0, c) for c in range(6)] == [0, 32, UNIT_TOP, UNIT_TOP, 0, 0]
    auto = panel([[2.0, 4.0, 3.0]])
    assert (auto.ramp, auto.lo, auto.hi) == ("heat", 2.0, 4.0)
    assert [auto.level(0, c) for c in range(3)] == [0, UNIT_TOP, 32]
    flat = panel([[5.0, 5.0]])
    assert flat.hi > flat.lo and flat.levels == "AA"
    # brighter means more: every ramp's ends are its darkest and brightest colours
    for name, table in COLORS.items():
        luminance = [sum(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in table]
        middle = SIGNED_TOP if name == "signed" else 0
        assert luminance[middle] == min(luminance) and luminance[-1] == max(luminance)


def test_the_signed_ramp_is_symmetric_blue_below_red_above():
    p = panel([[-2.0, -1.0, 0.0, 1.0, 2.0]])
    assert (p.ramp, p.lo, p.hi) == ("signed", -2.0, 2.0)
    levels = [p.level(0, c) - SIGNED_TOP for c in range(5)]
    assert levels == [-SIGNED_TOP, -16, 0, 16, SIGNED_TOP]  # ±1 of ±2 rounds to ±15.5 -> ±16
    table = COLORS["signed"]
    for k in range(SIGNED_TOP + 1):
        up, down = table[SIGNED_TOP + k], table[SIGNED_TOP - k]
        assert down == f"#{up[5:7]}{up[3:5]}{up[1:3]}"  # the same colour, red and blue swapped
    red = table[-1]
    assert int(red[1:3], 16) > int(red[5:7], 16)
    assert [p.ink(0, c) for c in range(5)] == pytest.approx([1, 16 / 31, 0, 16 / 31, 1])
    given = panel([[0.5, -0.25]], ramp="signed", lo=-0.1, hi=1.0)
    assert (given.lo, given.hi) == (-1.0, 1.0)


def test_monochrome_uses_density_and_half_blocks_only():
    assert mono_pair(0, 0) == " " and mono_pair(1, 1) == "█"
    assert mono_pair(1, 0) == "▀" and mono_pair(0, 1) == "▄"
    assert mono_pair(0.5, 0.5) == DENSITY[2]
    image = np.zeros((4, 6))
    image[0, :2] = 1.0       # upper pixel of line 0 only
    image[2:, 4:] = 1.0      # both pixels of line 1
    pic = body(panel(image, ramp="gray", lo=0.0, hi=1.0), color=False)
    assert not colours(pic)
    assert to_plain(pic).split("\n") == ["▀▀", "    ██"]
    figure = Figure("mono", (panel(np.eye(4) - 0.5, label="signed"),))
    lines = to_plain(draw(figure, color=False)).split("\n")
    assert lines[2:4] == ["████", "████"]  # ±0.5 on a ±0.5 scale: full ink, either sign
    assert lines[4] == "0  ▒█ ±0.5"  # the legend: no ink to full ink, for |value|


def test_labelled_matrix_rows_and_columns():
    words = ["the", "cat", "sat"]
    weights = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.0, 0.5, 0.5]])
    p = panel(weights, ramp="heat", lo=0, hi=1, row_labels=words, col_labels=words)
    pic = draw_panel(p, legend=False)
    lines = to_plain(pic).split("\n")
    assert [line[:3] for line in lines[3:]] == words  # under 3 lines of column labels
    assert ["".join(line[4 + 3 * c + 1] for c in range(3)) for line in lines[:3]] == \
        ["tcs", "haa", "ett"]  # column labels written downwards, one per cell
    row = pic.lines[3]
    assert [s.bg for s in row[1:] for _ in range(len(s.text) // P.CELL)] == \
        [COLORS["heat"][p.level(0, c)] for c in range(3)]  # one cell per value
    assert pic.width == 4 + 3 * P.CELL
    short = draw_panel(panel(weights, col_labels=["1", "2", "3"]), legend=False)
    assert to_plain(short).split("\n")[0] == " 1  2  3"  # short labels go across
    mono = to_plain(draw_panel(p, color=False, legend=False)).split("\n")
    assert mono[3:] == ["the ▓▓", "cat    ▓▓", "sat    ▒▒ ▒▒"]  # 0.8, 0.1 and 0.5 of ink
    with pytest.raises(PictureError):
        panel(weights, row_labels=["only one"])


def test_layout_wraps_shrinks_and_keeps_groups_together():
    digit = panel(np.ones((28, 28)), ramp="gray", label="d")
    heat = panel(np.zeros((28, 28)), ramp="heat", lo=0, hi=1, label="m")
    two_rows = draw(Figure("", (digit, heat, digit)), width=80)
    assert two_rows.height == 1 + 14 + 1 + 1 + 1 + 14  # label, picture, legend; gap; label...
    many = draw(Figure("", (digit,) * 7), width=80)  # four rows at full size: halved instead
    assert many.width <= 80 and many.height <= 2 * (1 + 7) + 1
    pairs = draw(Figure("", (digit, heat) * 3, group=2), width=80)
    first = to_plain(pairs).split("\n")[0]
    assert first.count("d") == first.count("m")  # never a digit without its map
    shrunk = panel(np.arange(16.0).reshape(4, 4), ramp="heat").shrink(2)
    assert (shrunk.rows, shrunk.cols) == (2, 2)
    assert shrunk.level(0, 0) == round(np.mean([0, 4, 17, 21]))


def test_formats_ansi_plain_and_rich_agree():
    figure = Figure("A title", (panel([[0.0, 1.0], [1.0, 0.0]], ramp="gray", label="x"),),
                    caption="a caption")
    drawing = draw(figure)
    ansi = to_ansi(drawing)
    assert "\x1b[38;2;0;0;0;48;2;255;255;255m▀" in ansi and ansi.count("\x1b[0m") >= 3
    assert "\x1b[1mA title\x1b[0m" in ansi
    rich = to_rich(drawing)
    assert rich.plain == to_plain(drawing)
    assert any(span.style.bgcolor is not None for span in rich.spans)
    console = Console(width=80, file=io.StringIO(), color_system="truecolor")
    console.print(rich)
    assert "48;2;255;255;255" in console.file.getvalue()


def test_figures_travel_as_json_and_untrusted_ones_are_refused():
    figure = Figure("t", (panel([[1.0, -1.0]], label="l"),
                          panel([[0.2]], row_labels=["a"], col_labels=["b"])), "c", group=2)
    assert Figure.from_dict(json.loads(json.dumps(figure.to_dict()))) == figure
    good = figure.to_dict()["panels"][0]
    assert good["ramp"] == "signed"
    for bad in [{**good, "levels": "!!"}, {**good, "rows": 3}, {**good, "ramp": "rainbow"},
                {**good, "rows": 100, "cols": 100, "levels": "A" * 10000},
                {**good, "rows": True}, {**good, "hi": float("nan")}, "nope",
                {**good, "levels": "/A"}]:  # "/" is level 63: above signed's 62
        with pytest.raises(PictureError):
            P.Panel.from_dict(bad)
    assert P.Panel.from_dict({**good, "ramp": "gray", "levels": "/A"}).ink(0, 0) == 1.0
    with pytest.raises(PictureError):
        Figure.from_dict({"panels": []})
    sneaky = Figure.from_dict({"title": "\x1b[2Jclear", "panels": [
        {**good, "label": "\x1b[31mred\nline"}]})
    assert sneaky.title == "clear" and sneaky.panels[0].label == "red line"


def test_block_output_mixes_text_and_figures_and_keeps_bad_lines_as_text():
    figure = Figure("fig", (panel([[0.0, 1.0]], ramp="gray"),))
    output = f"before\n{P.encode(figure)}\n{MARK}{{not json\nafter\n"
    parts = P.split_output(output)
    assert parts[0] == "before\n" and parts[1] == figure
    assert parts[2] == f"{MARK}{{not json\nafter\n"
    plain = P.render_output(output, color=False)
    assert "before\nfig\n" in plain and "\x1b" not in plain and plain.endswith("after\n")
    assert "\x1b[38;2;" in P.render_output(output, color=True)
    rich = P.render_output_rich(output, width=40)
    assert rich.plain == f"before\nfig\n▀▀\n{MARK}{{not json\nafter"


def test_show_draws_here_or_leaves_it_to_the_viewer(monkeypatch):
    out = io.StringIO()
    P.show(np.eye(2), title="here", file=out)  # not a terminal: monochrome
    assert out.getvalue().startswith("here\n") and "\x1b" not in out.getvalue()
    monkeypatch.setitem(P._FOR_VIEWER, "on", True)
    out = io.StringIO()
    P.show(panel(np.eye(2), label="eye"), np.zeros((1, 2)), title="there", file=out)
    (figure,) = P.split_output(out.getvalue())
    assert isinstance(figure, Figure) and figure.title == "there"
    assert [p.label for p in figure.panels] == ["eye", ""]


# -- occlusion, on a model whose answer is known ------------------------------------------------


def test_the_occlusion_map_is_high_exactly_where_the_model_looks():
    import torch
    from torch import nn

    from tutor.training.inspect_model import occlusion_drop, occlusion_masks

    class LooksAtOneSpot(nn.Module):
        """Class 1's logit is 4 × the ink in rows 3-4, columns 5-6; class 0's is 0."""

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            ink = x[:, 0, 3:5, 5:7].sum(dim=(1, 2))
            return torch.stack([torch.zeros_like(ink), 4 * ink], dim=1)

    image = torch.zeros(1, 10, 12, dtype=torch.float64)
    image[0, 3:5, 5:7] = 1.0
    spot = np.zeros((10, 12), dtype=bool)
    spot[3:5, 5:7] = True
    model = LooksAtOneSpot()
    one = occlusion_drop(model, image, 1, patch=1).numpy()
    assert one.shape == (10, 12)
    assert ((one > 1e-9) == spot).all() and (np.abs(one[~spot]) < 1e-12).all()
    p_full = 1 / (1 + np.exp(-16.0))
    assert one[3, 5] == pytest.approx(p_full - 1 / (1 + np.exp(-12.0)))
    three = occlusion_drop(model, image, 1, patch=3).numpy()
    grown = np.zeros_like(spot)
    grown[2:6, 4:8] = True  # a 3×3 square centred within one pixel of the spot touches it
    assert ((three > 1e-9) == grown).all()
    assert (occlusion_drop(model, image, 0, patch=3).numpy() <= 1e-12).all()  # class 0 gains
    masks = occlusion_masks(10, 12, 3, stride=2)
    assert masks.shape == (5 * 6, 10, 12)
    assert masks[0].sum() == 4 and masks[7].sum() == 9  # cut off at the corner; whole inside


# -- lesson blocks, in the jail -----------------------------------------------------------------


def picture_blocks(course):  # type: ignore[no-untyped-def]
    return [(lesson, block) for lesson in course.lessons for block in lesson.code_blocks()
            if "tutor.pictures" in block.code]


def test_the_lessons_blocks_draw_their_pictures_in_the_jail(grader, course):
    found = picture_blocks(course)
    assert {lesson.id for lesson, _ in found} >= {"convolution", "using_cnns", "attention"}
    for lesson, block in found:
        result = grader.run_snippet(block.code)
        assert result.ok, (lesson.id, result.error)
        assert not result.truncated
        figures = [p for p in P.split_output(result.output) if isinstance(p, Figure)]
        assert len(figures) == 1, (lesson.id, result.output[:300])
        figure = figures[0]
        shapes = {(p.rows, p.cols) for p in figure.panels}
        if lesson.id == "attention":
            (weights,) = figure.panels
            it = weights.row_labels.index("it")
            row = [weights.value(it, c) for c in range(weights.cols)]
            assert weights.col_labels[int(np.argmax(row))] == "animal"
        else:
            assert shapes == {(28, 28)} and figure.panels[0].ramp == "gray"
        drawn = draw(figure, width=68)  # the lesson reader's pane at 80 columns
        assert drawn.width <= 68


def test_dltutor_lesson_run_prints_the_picture(isolated_home, course):
    lesson = course.lesson("attention")
    number = next(block.number for les, block in picture_blocks(course) if les is lesson)
    env = {**os.environ, "DLTUTOR_HOME": str(isolated_home)}
    done = subprocess.run([sys.executable, "-m", "tutor", "lesson", str(lesson.number),
                           "--run", str(number)], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    out = done.stdout  # a pipe: no colour, so the monochrome drawing
    assert MARK not in out and "\x1b" not in out
    assert "Self-attention weights" in out and "'it' attends to:" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line[:1].isalpha()}
    assert "█" in rows["it"] or "▓" in rows["it"]


def test_in_a_colour_terminal_the_picture_is_in_colour(monkeypatch, capsys):
    from tutor.commands.lesson_cmd import write_output

    figure = Figure("fig", (panel([[0.0, 1.0], [1.0, 0.0]], ramp="gray"),))
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    write_output(f"text\n{P.encode(figure)}\n")
    out = capsys.readouterr().out
    assert out.startswith("text\n") and "48;2;255;255;255" in out
    monkeypatch.setenv("NO_COLOR", "1")
    write_output(f"{P.encode(figure)}\n")
    out = capsys.readouterr().out
    assert "38;2" not in out and "48;2" not in out and "▀" in out  # monochrome


# -- training runs: digits_lenet's pictures, and the viewers ------------------------------------


def test_digits_lenet_sends_occlusion_maps_and_filter_responses():
    from tutor.training.events import End, Picture, parse_event
    from tutor.training.run import run_inline

    events: list = []
    end = run_inline(["digits_lenet", "--epochs", "1", "--set", "train_size=320",
                      "--set", "val_size=200"], events.append)
    assert end.status == "finished", end.message
    pictures = [e for e in events if isinstance(e, Picture)]
    assert [type(e) for e in events[-3:]] == [Picture, Picture, End]
    occlusion, responses = (Figure.from_dict(p.to_dict()) for p in pictures)
    assert occlusion.group == 2 and 2 <= len(occlusion.panels) <= 6
    for image, drop in zip(occlusion.panels[::2], occlusion.panels[1::2]):
        assert (image.ramp, drop.ramp, drop.lo, drop.hi) == ("gray", "heat", 0.0, 1.0)
        assert (image.rows, image.cols) == (drop.rows, drop.cols) == (28, 28)
    assert [p.ramp for p in responses.panels] == ["gray"] + ["signed"] * 6
    assert all((p.rows, p.cols) == (28, 28) for p in responses.panels)
    for picture in pictures:
        assert parse_event(picture.to_json()) == picture


def picture_event() -> object:
    from tutor.training.events import Picture

    figure = Figure("Where it looks", (panel(np.eye(28), ramp="gray", label="a held-out 1"),
                                       panel(np.eye(28) / 2, ramp="heat", lo=0, hi=1,
                                             label="drop of p(1)")), "the caption", group=2)
    return Picture(title=figure.title, caption=figure.caption, group=2,
                   panels=tuple(p.to_dict() for p in figure.panels))


def finished_with_picture():  # type: ignore[no-untyped-def]
    from tutor.training.events import End, Start, Step
    from tutor.training.state import RunState

    state = RunState()
    state.apply(Start(experiment="digits_lenet", title="LeNet", device="cpu", device_name="CPU",
                      device_reason="auto", series=("pytorch",), epochs=1, steps_per_epoch=4,
                      total_steps=4, batch_size=8, lr=0.1, seed=0, task="classification"))
    for k in range(1, 5):
        state.apply(Step(series="pytorch", epoch=1, step=k, loss=1.0 / k, acc=0.5))
    state.apply(picture_event())
    state.apply(End(status="finished", elapsed_s=1.0, steps=4,
                    summary={"pytorch": {"loss": 0.25, "train_loss": 0.2, "train_acc": 0.9}}))
    return state


def test_the_cli_display_draws_the_pictures_for_the_console_it_has():
    from tutor.training.display import picture_views

    state = finished_with_picture()
    (mono,) = picture_views(state, 80, color=False)
    assert mono.plain.startswith("Where it looks\na held-out 1") and "▀" in mono.plain
    assert not any(span.style.bgcolor for span in mono.spans)
    (color,) = picture_views(state, 80)
    assert any(span.style.bgcolor for span in color.spans)


def test_the_training_screen_shows_a_picture_it_was_sent(tutor_app, wait_until):
    from tutor.app.messages import ExperimentSelected
    from tutor.app.screens.training import TrainingScreen, _Run

    class IdleClient:  # a finished run's client: nothing to stop
        def __init__(self) -> None:
            from tutor.training.client import RunRequest

            self.request = RunRequest(experiment="digits_lenet")

        def close(self, grace: float = 0.0) -> None:
            pass

    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(120, 50)) as pilot:
            app.post_message(ExperimentSelected("digits_lenet"))
            await wait_until(pilot, lambda: isinstance(app.screen, TrainingScreen), "training")
            screen = app.screen
            screen.runs.append(_Run(1, finished_with_picture(), IdleClient(), None, done=True))  # type: ignore[arg-type]
            screen._dirty = True
            await wait_until(pilot, lambda: "Where it looks" in text(screen), "the picture")
            shown = screen.query_one("#train-extra").content
            assert "drop of p(1)" in text(screen) and "▀" in text(screen)
            assert any(getattr(span.style, "bgcolor", None) for part in _texts(shown)
                       for span in part.spans)

    def text(screen) -> str:  # type: ignore[no-untyped-def]
        console = Console(width=120, record=True, file=io.StringIO(), color_system=None)
        console.print(screen.query_one("#train-extra").content)
        return console.export_text()

    asyncio.run(scenario())


def _texts(renderable):  # type: ignore[no-untyped-def]
    from rich.console import Group
    from rich.text import Text

    if isinstance(renderable, Text):
        return [renderable]
    if isinstance(renderable, Group):
        return [t for r in renderable.renderables for t in _texts(r)]
    return []


def test_the_lesson_reader_draws_a_blocks_picture(tutor_app, wait_until, course):
    from textual.widgets import Static

    from tutor.app.messages import LessonSelected
    from tutor.app.screens.lesson import LessonScreen
    from tutor.app.widgets.reflow_markdown import ReflowedFence

    number = next(block.number for les, block in picture_blocks(course) if les.id == "attention")

    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(80, 40)) as pilot:
            app.post_message(LessonSelected("attention"))
            await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
            await pilot.pause()
            block = [f for f in app.screen.query(ReflowedFence) if f.runnable][number - 1]
            block.focus()
            await pilot.press("r")
            await wait_until(pilot, lambda: bool(block.query(".block-output")) and "running"
                             not in str(block.query_one(".block-output", Static).content),
                             "the block's output")
            content = block.query_one(".block-output", Static).content
            shown = str(content)
            assert MARK not in shown and "Self-attention weights" in shown and "animal" in shown
            assert any(span.style.bgcolor for span in content.spans)  # drawn in colour

    asyncio.run(scenario())
