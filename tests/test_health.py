"""Training health: the numbers measured in the run (dead ReLUs, saturation, update/weight ratio,
gradient norms) on hand-built cases, the symptom decider on synthetic streams (thresholds,
hysteresis, one symptom standing in for another, every lesson link real), the histogram and
symptom formatters, the two runs made for the lessons (lr_sweep, init_compare) end to end
through the CLI, and the TUI's health panel opening a symptom's lesson section.

Tiny settings throughout; nothing asserts how long anything took."""

from __future__ import annotations

import asyncio
import io
import math
import re

import pytest

from tutor.training.events import (
    End,
    Epoch,
    Health,
    Histograms,
    Start,
    Step,
    Symptom,
    parse_event,
)
from tutor.training.state import RunState
from tutor.training.symptoms import RULES, Judge, diagnose, lesson_ref, symptom_line


def start(total: int = 200, series: tuple[str, ...] = ("a",)) -> Start:
    return Start(experiment="demo", title="Demo", device="cpu", device_name="CPU",
                 device_reason="auto", series=series, epochs=1, steps_per_epoch=total,
                 total_steps=total, batch_size=8, lr=0.1, seed=0, task="classification")


def health(step: int, *, series: str = "a", dead: float | None = None,
           saturation: float | None = None, ratios: tuple[float | None, ...] = (-3.0, -3.0),
           grads: tuple[float | None, ...] = (0.1, 0.1), layers: tuple[str, ...] = ("l1", "l2"),
           loss: float | None = 1.0, chance: float | None = math.log(3)) -> Health:
    return Health(series=series, step=step, loss=loss, chance_loss=chance, layers=layers,
                  grad_norms=grads, update_ratios=ratios, dead_relu=dead, saturation=saturation)


def flips(symptoms: list[Symptom], key: str) -> list[tuple[int, bool]]:
    return [(s.step, s.active) for s in symptoms if s.key == key]


# -- the events ---------------------------------------------------------------------------------


def test_health_histogram_and_symptom_events_round_trip_through_strict_json():
    samples = [
        health(3, dead=0.5, ratios=(None, -2.5), grads=(float("nan"), 1.0)),
        Histograms(series="a", step=0, layers=("net.1", "net.3"), lo=-1.0, hi=1.0,
                   counts=((0, 3, 1), (2, 0, 0)), stds=(0.5, None)),
        Symptom(series="a", key="nan_loss", step=4, active=True, text="t", lesson="sgd",
                section="Choosing the learning rate", value=1.0),
        End(status="finished", elapsed_s=1.0, symptoms=({"key": "stuck", "cleared_at": None},)),
    ]
    for event in samples:
        back = parse_event(event.to_json())
        assert back == event or (isinstance(event, Health) and back.grad_norms == (None, 1.0))
    assert parse_event(samples[1].to_json()).counts == ((0, 3, 1), (2, 0, 0))  # tuples again


# -- what the run measures ----------------------------------------------------------------------


def _measure(model, x, loss_of=lambda out: out.sum(), lr: float = 0.1):  # type: ignore[no-untyped-def]
    """One SGD step of `model` on `x`, measured as the training loop measures it."""
    import torch

    from tutor.training.health import HealthMonitor

    monitor = HealthMonitor("a", model)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    with monitor.probe.watch():
        out = model(x)
    loss = loss_of(out)
    opt.zero_grad()
    loss.backward()
    monitor.after_backward()
    opt.step()
    return monitor.after_step(1, loss, out, classification=False)


def test_dead_relus_are_counted_per_unit_over_the_whole_batch():
    import torch
    from torch import nn

    class LearnersReLU(nn.Module):  # not nn.ReLU: as the learner's ReLU of a --use-mine run
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x.clamp(min=0)

    first = nn.Linear(1, 4)
    second = nn.Linear(4, 2)
    with torch.no_grad():
        first.weight.copy_(torch.tensor([[1.0], [-1.0], [0.0], [0.0]]))
        first.bias.copy_(torch.tensor([0.0, 0.0, -100.0, 100.0]))
        second.weight.zero_()
        second.bias.copy_(torch.tensor([-100.0, 1.0]))
    # a ReLU of another class is hooked like PyTorch's: found by its kind, not by its class
    model = nn.Sequential(first, nn.ReLU(), second, LearnersReLU())
    x = torch.tensor([[1.0], [2.0]])  # unit 0 alive for both, unit 1 dead for both
    h = _measure(model, x)
    assert h.act_kinds == ("relu", "relu") and h.activations == ("1", "3")
    assert h.act_values == (0.5, 0.5)  # units 1 and 2 dead of 4; unit 0 of 2 (bias -100)
    assert h.dead_relu == pytest.approx(3 / 6)
    x = torch.tensor([[1.0], [-1.0]])  # unit 0 alive for one example, unit 1 for the other
    assert _measure(model, x).act_values[0] == 0.25  # only the bias -100 unit is dead
    everything = nn.Sequential(nn.Linear(3, 5), nn.ReLU())
    with torch.no_grad():
        everything[0].bias.fill_(-100.0)
    assert _measure(everything, torch.randn(16, 3)).dead_relu == 1.0  # bias -100: all dead
    assert _measure(everything, torch.randn(16, 3)).saturation is None  # no tanh, no sigmoid


def test_saturation_counts_outputs_near_their_limits():
    import torch
    from torch import nn

    x = torch.tensor([[0.0], [0.1], [5.0], [-5.0]])  # tanh: 0, 0.1, 0.9999, -0.9999
    model = nn.Sequential(nn.Linear(1, 1), nn.Tanh())
    with torch.no_grad():
        model[0].weight.fill_(1.0)
        model[0].bias.zero_()
    h = _measure(model, x)
    assert h.act_kinds == ("tanh",) and h.saturation == 0.5 and h.dead_relu is None
    sig = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())  # 0.5, 0.52, 0.993, 0.0067
    with torch.no_grad():
        sig[0].weight.fill_(1.0)
        sig[0].bias.zero_()
    assert _measure(sig, x).saturation == 0.5


def test_update_ratio_and_gradient_norm_of_a_hand_made_step():
    import torch
    from torch import nn

    layer = nn.Linear(3, 2, bias=False)
    w = torch.tensor([[1.0, 2.0, 2.0], [0.0, 4.0, 0.0]])  # ‖W‖ = 5
    g = torch.tensor([[3.0, 0.0, 0.0], [0.0, 0.0, 4.0]])  # ‖G‖ = 5
    with torch.no_grad():
        layer.weight.copy_(w)
    h = _measure(layer, torch.zeros(1, 3), loss_of=lambda out: (layer.weight * g).sum(),
                 lr=0.01)
    assert h.layers == ("weight",)  # a bare layer: its parameter's own name
    assert h.grad_norms[0] == pytest.approx(5.0)
    # the step moves W by lr·G: ‖ΔW‖/‖W‖ = 0.01·5/5 = 1e-2
    assert h.update_ratios[0] == pytest.approx(-2.0, abs=1e-6)
    assert h.loss == pytest.approx(float((w * g).sum()))


def test_activation_histograms_count_every_value_on_one_range():
    import torch
    from torch import nn

    from tutor.training.health import activation_histograms

    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh())
    hist = activation_histograms("a", 0, model, torch.randn(50, 2), bins=10)
    assert hist is not None and (hist.lo, hist.hi) == (-1.0, 1.0)
    assert [sum(c) for c in hist.counts] == [400, 400] and all(len(c) == 10 for c in hist.counts)
    assert activation_histograms("a", 0, nn.Linear(2, 2), torch.randn(5, 2), 10) is None


# -- the symptom decider ------------------------------------------------------------------------


def test_a_nan_loss_names_the_learning_rate_and_stays():
    events = [start(), Step(series="a", epoch=1, step=1, loss=1.1),
              Step(series="a", epoch=1, step=2, loss=None),
              Step(series="a", epoch=1, step=3, loss=float("inf")),
              Step(series="a", epoch=1, step=4, loss=1.0)]  # never comes back: it latches
    found = diagnose(events)
    assert [(s.key, s.step, s.active) for s in found] == [("nan_loss", 2, True)]
    assert (found[0].lesson, found[0].section) == ("sgd", "Choosing the learning rate")
    assert "learning rate is too large" in found[0].text


def test_hysteresis_needs_patience_to_appear_and_the_lower_threshold_to_go():
    values = [0.3, 0.6, 0.45, 0.6, 0.6, 0.45, 0.45, 0.35, 0.45, 0.35, 0.3, 0.6]
    events = [start()] + [health(i + 1, dead=v) for i, v in enumerate(values)]
    # on above 0.5 twice in a row; off below 0.4 twice in a row; 0.45 between: no change
    assert flips(diagnose(events), "dead_relu") == [(5, True), (11, False)]
    # the same numbers give the same symptoms: a pure function of the stream
    assert diagnose(events) == diagnose(list(events))


def test_stuck_at_ln_c_appears_late_enough_and_gives_way_to_a_better_explanation():
    chance = math.log(3)
    steps = [Step(series="a", epoch=1, step=k, loss=chance * 1.01) for k in range(1, 80)]
    found = diagnose([start(200), health(1, loss=chance), *steps])
    (stuck,) = [s for s in found if s.key == "stuck"]
    assert stuck.step == 52  # from step 50 (a quarter of 200), three in a row
    assert (stuck.lesson, stuck.section) == ("initialization", "Seeing it happen")
    assert "1.10" in stuck.text
    # the same loss with steps far too small to move the weights: the learning rate says more
    tiny = [health(k, ratios=(-6.0, -6.0), loss=chance) for k in (1, 10, 20, 30)]
    found = diagnose([start(200), *tiny, *steps])
    assert {s.key for s in found} == {"lr_small"}


def test_validation_loss_rising_while_training_loss_falls_is_overfitting():
    pairs = [(1.0, 1.0), (0.6, 0.7), (0.4, 0.6), (0.3, 0.7), (0.2, 0.8), (0.1, 0.9), (0.05, 1.0)]
    events = [start()] + [Epoch(series="a", epoch=i + 1, step=10 * (i + 1), train_loss=t,
                                val_loss=v) for i, (t, v) in enumerate(pairs)]
    found = diagnose(events)
    assert flips(found, "overfitting") == [(70, True)]  # 20 % above the best, 3 epochs running
    assert found[0].lesson == "regularization" and found[0].section == "Overfitting"
    # the held-out loss rising while the training loss rises too is not overfitting
    worse = [start()] + [Epoch(series="a", epoch=i + 1, step=i + 1, train_loss=v, val_loss=v)
                         for i, (_, v) in enumerate(pairs)]
    assert diagnose(worse) == []


def test_vanishing_gradients_link_the_deep_net_or_the_recurrent_lesson():
    fading = (1e-5, 1e-3, 1.0)
    deep = diagnose([start(), *[health(k, grads=fading, layers=("in", "h", "out"))
                                for k in (1, 2)]])
    assert [(s.key, s.lesson, s.section) for s in deep] == [
        ("vanishing", "architectures", "The depth problem")]
    rnn = diagnose([start(), *[health(k, grads=fading,
                                      layers=("lstm.weight_ih_l0", "lstm.weight_hh_l0", "head"))
                               for k in (1, 2)]])
    assert [(s.lesson, s.section) for s in rnn] == [("rnn", "Backpropagation through time (BPTT)")]


def test_update_ratio_too_big_and_saturation():
    big = diagnose([start(), *[health(k, ratios=(-0.6, -0.2)) for k in (1, 2)]])
    assert [s.key for s in big] == ["lr_big"] and "10^-0.4" in big[0].text
    squashed = diagnose([start(), *[health(k, saturation=0.9) for k in (1, 2)]])
    assert [s.key for s in squashed] == ["saturation"] and "90%" in squashed[0].text


def test_a_loss_far_above_ln_c_at_the_first_step_blames_the_initialisation_not_the_rate():
    events = [start(), health(1, loss=50.0), Step(series="a", epoch=1, step=2, loss=None)]
    assert [s.key for s in diagnose(events)] == ["big_start"]  # nan_loss says nothing more


def test_each_series_is_judged_on_its_own_and_the_judge_summarises_the_run():
    judge = Judge()
    judge.apply(start(series=("a", "b")))
    for k in (1, 2):
        judge.apply(health(k, series="a", dead=0.9))
        judge.apply(health(k, series="b", dead=0.1))
    assert set(judge.shown) == {("a", "dead_relu")}
    for k in (3, 4):
        judge.apply(health(k, series="a", dead=0.1))
    assert judge.shown == {}
    (entry,) = judge.summary()
    assert entry["series"] == "a" and entry["step"] == 2 and entry["cleared_at"] == 4


def test_every_rule_links_a_real_lesson_heading():
    from tutor.course import load_course

    lessons = {lesson.id: lesson for lesson in load_course().lessons}
    for rule in RULES:
        for link in (rule.link, rule.recurrent_link):
            if link is None:
                continue
            assert link.lesson in lessons, rule.key
            headings = re.findall(r"^#+ (.+?)\s*$", lessons[link.lesson].body(), re.MULTILINE)
            assert link.section in headings, (rule.key, link)
        earlier = {r.key for r in RULES[:RULES.index(rule)]}
        assert set(rule.unless) <= earlier, rule.key  # `unless` sees the earlier verdicts


# -- formatters ---------------------------------------------------------------------------------


def test_histogram_bars_and_small_multiples_on_fixed_counts():
    from tutor.training.histogram import bars, fmt_std, rebin, small_multiples

    assert bars([0, 1, 4, 16]) == " ▂▄█"  # height ∝ √count; empty bins blank
    assert bars([0, 0]) == "  "
    assert rebin([1, 1, 1, 1], 2) == [2.0, 2.0]
    assert rebin([1, 2, 3], 2) == pytest.approx([2.0, 4.0])
    assert bars([1, 1, 1, 1, 0, 0, 0, 64], 4) == "▁▁ █"
    assert [fmt_std(v) for v in (0.83, 0.0061, 0.0005, 1234.0, None)] == [
        "σ.83", "σ.0061", "σ5e-4", "σ1e3", "σ–"]
    small = Histograms(series="small", step=0, layers=("1", "2"), lo=-1.0, hi=1.0,
                       counts=((0, 0, 8, 8, 0, 0), (0, 0, 16, 0, 0, 0)), stds=(0.05, 0.001))
    large = Histograms(series="large", step=0, layers=("1", "2"), lo=-1.0, hi=1.0,
                       counts=((8, 0, 0, 0, 0, 8), (8, 1, 0, 0, 0, 7)), stds=(0.95, 0.99))
    text = small_multiples([("small", small), ("large", large)], width=35).plain
    assert text.splitlines() == [
        "activations per layer, before the first step · values -1 … 1 · bar height ∝ √count",
        "   small           large           ",
        "1 │  ██     σ.05   █    █   σ.95   ",
        "2 │  █      σ.001  █▃   ▇   σ.99   ",
    ]


def test_symptom_lines_name_the_lesson_by_number_when_known():
    s = Symptom(series="lr 10", key="nan_loss", step=3, active=True, text="It blew up.",
                lesson="sgd", section="Choosing the learning rate")
    assert symptom_line(s, {"sgd": 7}) == ("lr 10: It blew up. → lesson 7, “Choosing the "
                                           "learning rate”")
    assert lesson_ref("sgd", "X") == "lesson “sgd”, “X”"


def test_the_live_view_shows_symptoms_and_health_and_the_summary_lists_them():
    from rich.console import Console

    from tutor.training.display import RunView

    state = RunState()
    state.apply(start(10, series=("lr 10",)))
    state.apply(health(1, series="lr 10", dead=0.97, grads=(0.0, 0.0)))
    state.apply(Step(series="lr 10", epoch=1, step=2, loss=None))
    state.apply(Symptom(series="lr 10", key="nan_loss", step=2, active=True,
                        text="The loss is no longer a number.", lesson="sgd",
                        section="Choosing the learning rate"))
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    console.print(RunView(state, fit=False, lessons={"sgd": 7}))
    out = console.export_text()
    assert "⚠ lr 10 (step 2): The loss is no longer a number. → lesson 7, “Choosing the" in out
    assert "training health" in out and "dead 97%" in out
    state.apply(End(status="finished", elapsed_s=1.0, steps=10))
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    console.print(RunView(state, fit=False, show_summary=True, lessons={"sgd": 7}))
    assert "training health:\n⚠ lr 10 (step 2)" in console.export_text()


# -- the two runs made for the lessons ----------------------------------------------------------


def run_inline(*argv: str) -> tuple[End, list]:
    from tutor.training.run import run_inline as inline

    events: list = []
    return inline(list(argv), events.append), events


def test_a_far_too_high_learning_rate_gives_nan_and_names_lesson_7():
    end, events = run_inline("lr_sweep", "--epochs", "2", "--set", "points_per_class=40",
                             "--set", "rates=0.3,10000", "--batch-size", "16")
    assert end.status == "finished"
    found = [e for e in events if isinstance(e, Symptom)]
    nan = [s for s in found if s.key == "nan_loss"]
    assert [s.series for s in nan] == ["lr 10000"]
    assert (nan[0].lesson, nan[0].section) == ("sgd", "Choosing the learning rate")
    assert not [s for s in found if s.series == "lr 0.3"]  # the good rate is healthy
    # the steps first grow too big for the weights, then the loss overflows; nan says it all
    summary = {e["key"]: e for e in end.symptoms if e["series"] == "lr 10000"}
    assert summary["nan_loss"]["cleared_at"] is None
    assert "lr_big" not in summary or summary["lr_big"]["cleared_at"] == nan[0].step


def test_a_too_small_init_sticks_at_ln_c():
    end, events = run_inline("init_compare", "--epochs", "4", "--batch-size", "8",
                             "--set", "points_per_class=40", "--set", "depth=4",
                             "--set", "width=16")
    assert end.status == "finished"
    stuck = [e for e in events if isinstance(e, Symptom) and e.key == "stuck"]
    assert "N(0,0.01)" in {s.series for s in stuck}
    assert {(s.lesson, s.section) for s in stuck} == {("initialization", "Seeing it happen")}
    first = next(e for e in events if isinstance(e, Health) and e.series == "N(0,0.01)")
    assert first.step == 1 and first.chance_loss == pytest.approx(math.log(3))


def _cli(*args: str, home) -> list:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, DLTUTOR_HOME=str(home), COLUMNS="100")
    out = subprocess.run([sys.executable, "-m", "tutor", "train", *args, "--json"],
                         capture_output=True, text=True, env=env, timeout=300, check=False,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr
    return [parse_event(line) for line in out.stdout.splitlines() if line.strip()]


def test_lr_sweep_through_the_cli(isolated_home):
    events = _cli("lr_sweep", "--epochs", "2", "--batch-size", "16", "--set",
                  "points_per_class=40", "--set", "rates=0.0001,0.3,10000", home=isolated_home)
    start_event, end = events[0], events[-1]
    assert start_event.series == ("lr 0.0001", "lr 0.3", "lr 10000")
    assert isinstance(end, End) and end.status == "finished"
    measured = {e.series for e in events if isinstance(e, Health)}
    assert measured == set(start_event.series)
    assert any(isinstance(e, Symptom) and e.series == "lr 10000" and e.key == "nan_loss"
               for e in events)


def test_init_compare_through_the_cli_draws_its_histograms(isolated_home):
    from tutor.training.histogram import small_multiples

    events = _cli("init_compare", "--epochs", "1", "--set", "points_per_class=30",
                  "--set", "depth=3", "--set", "width=16", "--set", "bins=12",
                  home=isolated_home)
    assert isinstance(events[-1], End) and events[-1].status == "finished"
    first = [e for e in events if isinstance(e, Histograms) and e.step == 0]
    assert [h.series for h in first] == ["N(0,0.01)", "N(0,1)", "Xavier", "Kaiming"]
    for h in first:
        assert len(h.counts) == 3 and all(len(c) == 12 for c in h.counts)
        assert (h.lo, h.hi) == (-1.0, 1.0)  # tanh
    by_name = {h.series: h for h in first}
    assert by_name["N(0,0.01)"].stds[-1] < 1e-3  # the signal fades to nothing
    assert by_name["N(0,1)"].stds[-1] > 0.5  # it piles up at ±1
    picture = small_multiples([(h.series, h) for h in first], width=100).plain
    assert "N(0,0.01)" in picture and "Kaiming" in picture and len(picture.splitlines()) == 5


# -- the TUI's health panel ---------------------------------------------------------------------


def test_the_health_panel_shows_a_symptom_and_opens_its_lesson_section(tutor_app, wait_until):
    from tutor.app.messages import ExperimentSelected
    from tutor.app.screens.lesson import LessonScreen
    from tutor.app.screens.training import TrainingScreen, _Run
    from tutor.app.widgets.health_panel import HealthPanel
    from tutor.training.client import RunRequest

    class IdleClient:  # a finished run's client: nothing to stop
        request = RunRequest(experiment="lr_sweep")

        def close(self, grace: float = 0.0) -> None:
            pass

    state = RunState()
    for event in [start(10, series=("lr 0.3", "lr 10000")),
                  Step(series="lr 0.3", epoch=1, step=1, loss=1.0),
                  Step(series="lr 10000", epoch=1, step=1, loss=1.1),
                  health(1, series="lr 10000", dead=0.2),
                  Step(series="lr 10000", epoch=1, step=2, loss=None),
                  *diagnose([start(10), Step(series="lr 10000", epoch=1, step=2, loss=None)]),
                  End(status="finished", elapsed_s=1.0, steps=10)]:
        state.apply(event)

    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(120, 40)) as pilot:
            app.post_message(ExperimentSelected("lr_sweep"))
            await wait_until(pilot, lambda: isinstance(app.screen, TrainingScreen), "training")
            screen = app.screen
            screen.runs.append(_Run(1, state, IdleClient(), None, done=True))  # type: ignore[arg-type]
            screen._dirty = True
            panel = screen.query_one(HealthPanel)
            await wait_until(pilot, lambda: panel.symptom_lines, "the symptom line")
            (line,) = panel.symptom_lines
            assert line.startswith("⚠ lr 10000 (step 2): The loss is no longer a number")
            assert line.endswith("→ lesson 7, “Choosing the learning rate”")
            await pilot.press("l")
            await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
            lesson = app.screen
            assert lesson.lesson.id == "sgd"
            scroll = lesson.query_one("#lesson-scroll")
            await wait_until(pilot, lambda: scroll.scroll_y > 0, "the section in view")

    asyncio.run(scenario())
