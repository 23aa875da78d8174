"""The training-health panel as Rich text: per series a line of tiny bars and figures (gradient
norm per layer, the update/weight ratio and its trend, dead ReLUs, saturation), then the symptoms
showing now, each with its cause and the lesson section that teaches it. Pure functions of a
`RunState`, shared by `dltutor train` (`tutor.training.display`) and the TUI's health panel.
No torch, no textual.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rich.text import Text

from tutor.training.chart import sparkline
from tutor.training.events import Health, Symptom
from tutor.training.state import RunState
from tutor.training.symptoms import lesson_ref

_BLOCKS = "▁▂▃▄▅▆▇█"
MAX_BARS = 24  #: per-layer gradient bars shown per series (deeper nets are resampled)


def grad_bars(norms: Sequence[float | None], lo: float, hi: float, width: int = MAX_BARS) -> str:
    """One block per layer (input to output), height ∝ log10 of the gradient norm on [lo, hi];
    "·" for a layer with no (or a zero, or a non-finite) gradient."""
    values = list(norms)
    if len(values) > width:  # keep the first and the last layer, sample between
        idx = [round(i * (len(values) - 1) / (width - 1)) for i in range(width)]
        values = [values[i] for i in idx]
    a, b = math.log10(lo), math.log10(hi)
    out = []
    for v in values:
        if v is None or not math.isfinite(v) or v <= 0:
            out.append("·")
            continue
        frac = (min(max(math.log10(v), a), b) - a) / max(b - a, 1e-12)
        out.append(_BLOCKS[round(frac * (len(_BLOCKS) - 1))])
    return "".join(out)


def median_ratio(health: Health) -> float | None:
    values = sorted(v for v in health.update_ratios if v is not None and math.isfinite(v))
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.0%}"


def health_lines(state: RunState, styles: Mapping[str, str]) -> Text | None:
    """Per series its latest measurements; None before the first Health event."""
    measured = {name: s.health for name, s in state.series.items() if s.health}
    if not measured:
        return None
    grads = [v for hs in measured.values() for v in hs[-1].grad_norms
             if v is not None and math.isfinite(v) and v > 0]
    lo, hi = (min(grads), max(grads)) if grads else (1e-8, 1.0)
    lo, hi = (lo / 10, hi * 10) if lo == hi else (lo, hi)
    relu = any(hs[-1].dead_relu is not None for hs in measured.values())
    squash = any(hs[-1].saturation is not None for hs in measured.values())
    width = max(len(n) for n in measured)
    t = Text()
    t.append("training health", style="bold")
    t.append(f" · gradient per layer in→out, log {lo:.0e}…{hi:.0e} · Δθ/θ: update/weight, "
             "≈10^-3 is healthy", style="dim")
    if relu:
        t.append(" · dead: ReLUs", style="dim")
    if squash:
        t.append(" · sat: tanh/sigmoid at ±1", style="dim")
    for name, hs in measured.items():
        h = hs[-1]
        t.append("\n")
        t.append(f"{name:<{width}} ", style=styles.get(name, "bold"))
        t.append(grad_bars(h.grad_norms, lo, hi), style=styles.get(name, "cyan"))
        ratio = median_ratio(h)
        t.append("  Δθ/θ ", style="dim")
        t.append("–" if ratio is None else f"10^{ratio:.1f}",
                 style="bold red" if ratio is not None and not -5 <= ratio <= -1 else "")
        trend = sparkline([median_ratio(x) for x in hs], 8)
        if trend:
            t.append(f" {trend}", style="dim")
        if relu:
            t.append("  dead ", style="dim")
            t.append(_pct(h.dead_relu), style="bold red" if (h.dead_relu or 0) > 0.5 else "")
        if squash:
            t.append("  sat ", style="dim")
            t.append(_pct(h.saturation), style="bold red" if (h.saturation or 0) > 0.5 else "")
        if h.loss is None:
            t.append("  loss nan", style="bold red")
    return t


def symptom_text(symptoms: Sequence[Symptom], numbers: Mapping[str, int] | None = None, *,
                 cleared: Sequence[int | None] = ()) -> Text:
    """One "⚠ series (step N): cause → lesson N, “section”" entry per symptom; `cleared[i]`: the
    step symptom i went away (the end summary marks those ✓)."""
    t = Text()
    for i, s in enumerate(symptoms):
        if i:
            t.append("\n")
        gone = cleared[i] if i < len(cleared) else None
        t.append("✓ " if gone is not None else "⚠ ",
                 style="bold green" if gone is not None else "bold yellow")
        t.append(f"{s.series}", style="bold")
        t.append(f" (step {s.step}" + (f", gone by step {gone})" if gone is not None else ")")
                 + f": {s.text} ")
        t.append(f"→ {lesson_ref(s.lesson, s.section, numbers)}", style="italic cyan")
    return t


def symptoms_now(state: RunState, numbers: Mapping[str, int] | None = None) -> Text | None:
    """The symptoms showing now, or None when there are none."""
    if not state.symptoms:
        return None
    return symptom_text(list(state.symptoms.values()), numbers)


def appeared(state: RunState) -> list[tuple[Symptom, int | None]]:
    """Every symptom that appeared in the run, in order, each with the step it went away at
    (None: it lasted)."""
    out: list[tuple[Symptom, int | None]] = []
    open_at: dict[tuple[str, str], int] = {}
    for s in state.symptom_log:
        if s.active:
            open_at[(s.series, s.key)] = len(out)
            out.append((s, None))
        elif (s.series, s.key) in open_at:
            i = open_at.pop((s.series, s.key))
            out[i] = (out[i][0], s.step)
    return out


def symptoms_summary(state: RunState, numbers: Mapping[str, int] | None = None) -> Text | None:
    """For the end of a run: every symptom that appeared (and when it went away), or one line
    saying there was none; None when the run measured no health at all."""
    entries = appeared(state)
    if not entries:
        if not any(s.health for s in state.series.values()):
            return None
        return Text("training health: no symptoms", style="green")
    head = Text("training health:\n", style="bold")
    head.append_text(symptom_text([s for s, _ in entries], numbers,
                                  cleared=[gone for _, gone in entries]))
    return head
