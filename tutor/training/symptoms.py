"""Training-health symptoms: from a run's events (losses, held-out losses, `Health` numbers),
which trouble each series shows, its likely cause in one sentence, and the lesson section that
teaches it. Pure and torch-free: the run process feeds its own events through a `Judge` and emits
a `Symptom` event whenever one appears or goes away, so `--json`, the live view, the TUI and the
end summary all say the same; the tests feed it synthetic streams.

The rules are data (`RULES`): a measure taken from one kind of event, a threshold to appear, a
second one to go away (hysteresis: a value hovering at the threshold does not make the line
flicker), how many observations in a row each takes, and which other symptoms explain the same
thing better (`unless`: "stuck at ln C" says nothing more while "learning rate too small" shows).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from tutor.training.events import Epoch, Event, Health, Start, Step, Symptom


@dataclass(frozen=True)
class LessonLink:
    """Where the course teaches a cause: a lesson id and one of its section headings."""

    lesson: str
    section: str


@dataclass(frozen=True)
class Rule:
    """One symptom: `measure` (a name in MEASURES) observed on events; it appears after `patience`
    observations in a row past `on` (above it, or below it when `above` is False) and goes away
    after as many past `off`; `latch`: it never goes away (a NaN loss stays NaN)."""

    key: str
    measure: str
    above: bool
    on: float
    off: float
    patience: int
    text: str  #: one sentence naming the cause; may use {value} and {chance}
    link: LessonLink
    latch: bool = False
    #: not shown while one of these rules (earlier in RULES) shows for the same series: they
    #: explain the same numbers better
    unless: tuple[str, ...] = ()
    recurrent_link: LessonLink | None = None  #: instead of `link` for a recurrent net

    def beyond(self, value: float, threshold: float) -> bool:
        return value > threshold if self.above else value < threshold


LR = LessonLink("sgd", "Choosing the learning rate")
INIT_LARGE = LessonLink("initialization", "Why not large random numbers?")

RULES: tuple[Rule, ...] = (
    Rule("big_start", "start_loss", True, 3.0, 3.0, 1,
         "The loss starts at {value:.3g}× ln C, far above what guessing scores: the initial "
         "weights are too large, so the signal grows at every layer.", INIT_LARGE, latch=True),
    Rule("nan_loss", "nonfinite_loss", True, 0.5, 0.5, 1,
         "The loss is no longer a number (nan or inf): the learning rate is too large, so each "
         "step overshoots further until the numbers overflow.", LR, latch=True,
         unless=("big_start",)),
    Rule("dead_relu", "dead_relu", True, 0.5, 0.4, 2,
         "{value:.0%} of the ReLUs output 0 for every example, so they get no gradient and stop "
         "learning: a too-large learning rate or initialisation pushed them below zero.",
         INIT_LARGE, unless=("nan_loss",)),
    Rule("saturation", "saturation", True, 0.5, 0.4, 2,
         "{value:.0%} of the tanh/sigmoid outputs are pinned at their limits, where the slope is "
         "about 0: the weights (or the inputs) are too large, so the gradient vanishes.",
         INIT_LARGE, unless=("nan_loss",)),
    Rule("vanishing", "grad_first_last", False, -2.0, -1.5, 2,
         "The first layer's gradient is 10^{value:.1f} of the last layer's: the gradient fades "
         "on its way back through the layers, so the early layers barely learn.",
         LessonLink("architectures", "The depth problem"), unless=("nan_loss",),
         recurrent_link=LessonLink("rnn", "Backpropagation through time (BPTT)")),
    Rule("lr_big", "update_ratio", True, -1.0, -1.5, 2,
         "Each step changes the weights by 10^{value:.1f} of their size (about 10^-3 is "
         "healthy): the learning rate is too large.", LR, unless=("nan_loss", "big_start")),
    Rule("lr_small", "update_ratio", False, -5.0, -4.5, 3,
         "Each step changes the weights by only 10^{value:.1f} of their size (about 10^-3 is "
         "healthy): the learning rate is too small, so the loss creeps.", LR,
         unless=("nan_loss", "dead_relu", "saturation", "vanishing")),
    Rule("stuck", "loss_from_chance", False, 0.04, 0.08, 3,
         "The loss sits at ln C = {chance:.2f}, what guessing every class equally scores: the "
         "signal dies out before the output, most often because the weights were initialised "
         "too small.", LessonLink("initialization", "Seeing it happen"),
         unless=("big_start", "nan_loss", "dead_relu", "lr_small")),
    Rule("overfitting", "val_rise", True, 0.2, 0.05, 3,
         "The held-out loss keeps rising from its best while the training loss still falls: "
         "the net is memorising its training set, so regularise it or stop early.",
         LessonLink("regularization", "Overfitting"),
         unless=("big_start", "nan_loss", "dead_relu", "stuck")),
)

STUCK_AFTER = (30, 0.25)  #: "stuck" is judged from step max(30, a quarter of the run) on
VAL_FLOOR = 0.1  #: held-out losses below this count as this much when judging a rise


@dataclass
class _Series:
    """What the judge remembers of one series between events."""

    chance: float | None = None  #: ln C, from its Health events
    recurrent: bool = False
    best_val: float | None = None
    last_train: float | None = None


@dataclass
class _Track:
    """One rule on one series: raw state with hysteresis, before `unless` is applied."""

    active: bool = False
    streak: int = 0  #: observations in a row past the threshold that would flip `active`
    value: float | None = None
    step: int = 0
    since: int = 0  #: the step it appeared at


Measure = Callable[[Event, _Series, int], float | None]


def _nonfinite_loss(event: Event, s: _Series, total: int) -> float | None:
    if not isinstance(event, Step):
        return None
    return 1.0 if event.loss is None or not math.isfinite(event.loss) else 0.0


def _start_loss(event: Event, s: _Series, total: int) -> float | None:
    """The initial weights' loss in units of ln C (Health at step 1 only; inf when not finite)."""
    if not isinstance(event, Health) or event.step != 1 or not event.chance_loss:
        return None
    return math.inf if event.loss is None else event.loss / event.chance_loss


def _loss_from_chance(event: Event, s: _Series, total: int) -> float | None:
    """|loss − ln C| / ln C, once the run is past STUCK_AFTER."""
    if not isinstance(event, Step) or s.chance is None or event.loss is None:
        return None
    if event.step < max(STUCK_AFTER[0], STUCK_AFTER[1] * total) or not math.isfinite(event.loss):
        return None
    return abs(event.loss - s.chance) / s.chance


def _val_rise(event: Event, s: _Series, total: int) -> float | None:
    """How far the held-out loss is above its best, relative to the best (or to VAL_FLOOR when
    smaller: at a loss of 0.01, a rise to 0.015 is noise, not overfitting); observed while the
    training loss falls."""
    if not isinstance(event, Epoch) or event.val_loss is None or event.train_loss is None:
        return None
    if not (math.isfinite(event.val_loss) and math.isfinite(event.train_loss)):
        return None
    falling = s.last_train is not None and event.train_loss < s.last_train
    s.last_train = event.train_loss
    s.best_val = event.val_loss if s.best_val is None else min(s.best_val, event.val_loss)
    rise = (event.val_loss - s.best_val) / max(s.best_val, VAL_FLOOR)
    return rise if falling or rise < 0.01 else None


def _grad_first_last(event: Event, s: _Series, total: int) -> float | None:
    """log10(first layer's gradient norm / last layer's)."""
    if not isinstance(event, Health) or len(event.grad_norms) < 2:
        return None
    first, last = event.grad_norms[0], event.grad_norms[-1]
    if first is None or last is None or first <= 0 or last <= 1e-12:
        return None
    return math.log10(first / last)


def _dead_relu(event: Event, s: _Series, total: int) -> float | None:
    return event.dead_relu if isinstance(event, Health) else None


def _update_ratio(event: Event, s: _Series, total: int) -> float | None:
    """The median over layers of log10 ‖Δθ‖/‖θ‖ (layers that did not move are left out)."""
    if not isinstance(event, Health):
        return None
    values = [v for v in event.update_ratios if v is not None and math.isfinite(v)]
    return statistics.median(values) if values else None


def _saturation(event: Event, s: _Series, total: int) -> float | None:
    return event.saturation if isinstance(event, Health) else None


MEASURES: dict[str, Measure] = {
    "nonfinite_loss": _nonfinite_loss, "start_loss": _start_loss,
    "loss_from_chance": _loss_from_chance, "val_rise": _val_rise,
    "grad_first_last": _grad_first_last, "dead_relu": _dead_relu, "update_ratio": _update_ratio,
    "saturation": _saturation,
}
RECURRENT_HINTS = ("lstm", "gru", "rnn", "weight_hh")


@dataclass
class Judge:
    """Folds a run's events, in order, into Symptom events. `apply(event)` returns the symptoms
    that appeared or went away because of it; `shown` is what shows now; `summary()` is every
    symptom that appeared, for the End event. Same events in, same symptoms out."""

    rules: tuple[Rule, ...] = RULES
    total_steps: int = 0
    _series: dict[str, _Series] = field(default_factory=dict)
    _tracks: dict[tuple[str, str], _Track] = field(default_factory=dict)
    shown: dict[tuple[str, str], Symptom] = field(default_factory=dict)
    _history: list[dict[str, object]] = field(default_factory=list)

    def apply(self, event: Event) -> list[Symptom]:
        if isinstance(event, Start):
            self.total_steps = event.total_steps
            return []
        name = getattr(event, "series", None)
        if not isinstance(name, str) or not isinstance(event, (Step, Epoch, Health)):
            return []
        series = self._series.setdefault(name, _Series())
        if isinstance(event, Health):
            series.chance = event.chance_loss if event.chance_loss else series.chance
            series.recurrent = any(h in layer.lower() for layer in event.layers
                                   for h in RECURRENT_HINTS)
        measured: dict[str, float | None] = {}
        for rule in self.rules:
            if rule.measure not in measured:
                measured[rule.measure] = MEASURES[rule.measure](event, series, self.total_steps)
            value = measured[rule.measure]
            if value is not None:
                self._observe(rule, self._tracks.setdefault((name, rule.key), _Track()), value,
                              event.step)
        return self._changes(name, series, event.step)

    def _observe(self, rule: Rule, track: _Track, value: float, step: int) -> None:
        if track.active and rule.latch:
            return
        flips = (not rule.beyond(value, rule.off)) if track.active else rule.beyond(value,
                                                                                    rule.on)
        track.streak = track.streak + 1 if flips else 0
        if track.active or flips:
            track.value, track.step = value, step
        if track.streak >= rule.patience:
            track.active, track.streak = not track.active, 0
            track.since = step

    def _changes(self, name: str, series: _Series, step: int) -> list[Symptom]:
        raw = {rule.key for rule in self.rules
               if (t := self._tracks.get((name, rule.key))) is not None and t.active}
        showing: set[str] = set()  # in rule order, so `unless` sees the earlier rules' verdicts
        out: list[Symptom] = []
        for rule in self.rules:
            key = (name, rule.key)
            show = rule.key in raw and not (showing & set(rule.unless))
            if show:
                showing.add(rule.key)
            if show and key not in self.shown:
                track = self._tracks[key]
                link = (rule.recurrent_link if series.recurrent and rule.recurrent_link
                        else rule.link)
                symptom = Symptom(series=name, key=rule.key, step=track.since, active=True,
                                  text=_sentence(rule.text, track.value, series.chance),
                                  lesson=link.lesson, section=link.section, value=track.value)
                self.shown[key] = symptom
                self._history.append({**symptom.to_dict(), "cleared_at": None})
                out.append(symptom)
            elif not show and key in self.shown:
                gone = self.shown.pop(key)
                value = self._tracks[key].value
                out.append(Symptom(series=name, key=rule.key, step=step, active=False,
                                   text=gone.text, lesson=gone.lesson, section=gone.section,
                                   value=value))
                for entry in reversed(self._history):
                    if entry["series"] == name and entry["key"] == rule.key:
                        entry["cleared_at"] = step
                        break
        return out

    def summary(self) -> tuple[dict[str, object], ...]:
        """Every symptom that appeared: its first Symptom as a dict, plus `cleared_at`."""
        return tuple(dict(entry) for entry in self._history)


def _sentence(template: str, value: float | None, chance: float | None) -> str:
    try:
        return template.format(value=value if value is not None else math.nan,
                               chance=chance if chance is not None else math.nan)
    except (ValueError, TypeError):
        return template


def diagnose(events: Iterable[Event], rules: tuple[Rule, ...] = RULES) -> list[Symptom]:
    """Every Symptom event the stream gives rise to, in order."""
    judge = Judge(rules)
    return [symptom for event in events for symptom in judge.apply(event)]


# -- pure formatters ---------------------------------------------------------------------------


def lesson_ref(lesson: str, section: str, numbers: Mapping[str, int] | None = None) -> str:
    """"lesson 7, “Choosing the learning rate”", or with the id where its number is unknown."""
    number = (numbers or {}).get(lesson)
    where = f"lesson {number}" if number else f"lesson “{lesson}”"
    return f"{where}, “{section}”"


def symptom_line(symptom: Symptom, numbers: Mapping[str, int] | None = None, *,
                 series: bool = True) -> str:
    """One line: the series, the sentence, and where to read about it."""
    head = f"{symptom.series}: " if series else ""
    return (f"{head}{symptom.text} → {lesson_ref(symptom.lesson, symptom.section, numbers)}")
