"""The events a training run streams, one JSON object per line, and nothing else.

A run process (`python -m tutor.training.run`) writes them on stdout; `dltutor train --json` passes
them through unchanged; the Rich display and the TUI screen are pure functions of the events seen
so far (`tutor.training.state.RunState`). So this module is the whole contract between the run and
its viewers: frozen dataclasses, `to_dict()` / `event_from_dict()`, strict JSON (a NaN or infinite
loss is written as null, never as the non-standard `NaN` token).

Every run emits `start` first and `end` last (the client invents an `end` if the process dies
without one); in between come `step`, `epoch`, `grad_norms`, `health`, `histograms`, `symptom`, `compare` and
`note`, in step order; a finished run may send `picture`s just before its `end`.
Imports nothing heavy: the TUI process reads these without ever loading torch.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

EVENT_VERSION = 1


def _clean(value: Any) -> Any:
    """JSON-safe copy: tuples to lists, non-finite floats to None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    return value


class _Event:
    type: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        for f in fields(self):  # type: ignore[arg-type]
            out[f.name] = _clean(getattr(self, f.name))
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), allow_nan=False, separators=(",", ":"))


@dataclass(frozen=True)
class Start(_Event):
    """The run is set up (data built, models on the device) and about to take its first step."""

    experiment: str
    title: str
    device: str  #: "cpu", "cuda" or "mps"
    device_name: str  #: "CPU, 2 threads", "NVIDIA H100 80GB HBM3"
    device_reason: str  #: why this device: "auto: no CUDA or MPS GPU found"
    series: tuple[str, ...]  #: the curves this run draws, in legend order
    epochs: int
    steps_per_epoch: int
    total_steps: int
    batch_size: int
    lr: float | None  #: None where each series has its own (optimizer_race)
    seed: int
    task: str  #: "classification" (loss and accuracy) or "regression" (loss only)
    description: str = ""
    mine: tuple[str, ...] = ()  #: the learner's exercises swapped into the run
    grad_layers: tuple[str, ...] = ()  #: layer names of the grad_norms events, if any
    config: dict[str, Any] = field(default_factory=dict)
    pid: int = 0  #: the run process, so a script can check it is gone after `end`
    version: int = EVENT_VERSION
    type: ClassVar[str] = "start"


@dataclass(frozen=True)
class Step(_Event):
    """Training progress of one series, averaged over the steps since its previous Step event.

    `step` counts optimizer steps from 1 across epochs. `samples_per_s` is the run's throughput
    over that window: training examples through all series together."""

    series: str
    epoch: int
    step: int
    loss: float | None
    acc: float | None = None  #: training accuracy over the window (classification)
    samples_per_s: float = 0.0
    elapsed_s: float = 0.0
    eta_s: float | None = None
    type: ClassVar[str] = "step"


@dataclass(frozen=True)
class Epoch(_Event):
    """End of an epoch (or of a run cut short mid-epoch): full passes over train and held-out data."""

    series: str
    epoch: int
    step: int
    train_loss: float | None
    train_acc: float | None = None
    val_loss: float | None = None
    val_acc: float | None = None
    elapsed_s: float = 0.0
    type: ClassVar[str] = "epoch"


@dataclass(frozen=True)
class GradNorms(_Event):
    """The L2 norm of each layer's weight gradient at one step: vanishing gradients, made visible."""

    series: str
    step: int
    layers: tuple[str, ...]
    norms: tuple[float | None, ...]
    type: ClassVar[str] = "grad_norms"


@dataclass(frozen=True)
class Compare(_Event):
    """The learner's series next to PyTorch's, started from the same weights on the same batches.

    `max_abs_diff` is the largest |loss(series) − loss(reference)| of any single step so far;
    `diverged_at` the first step where it exceeded `tolerance` (None while they agree)."""

    reference: str
    series: str
    step: int
    abs_diff: float | None  #: at this step
    max_abs_diff: float | None
    tolerance: float
    diverged_at: int | None = None
    type: ClassVar[str] = "compare"


@dataclass(frozen=True)
class Note(_Event):
    """A sentence for the learner (a baseline to beat, a warning, what the mine run swapped in)."""

    text: str
    level: str = "info"  #: "info" or "warning"
    type: ClassVar[str] = "note"


@dataclass(frozen=True)
class Health(_Event):
    """Training-health numbers of one series at one step, measured every few steps
    (`tutor.training.health`): what the symptoms (`tutor.training.symptoms`) are decided from.

    `layers` are the weight tensors, input to output; `grad_norms` their gradients' L2 norms and
    `update_ratios` log10(‖Δθ‖/‖θ‖) of this step's update (about -3 is healthy; None: the
    optimizer did not move them). `activations` are the activation modules that were hooked,
    `act_kinds` "relu", "tanh" or "sigmoid", and `act_values` per module the fraction of dead
    units (ReLU: 0 for every example of the batch) or of saturated outputs (tanh |y| > 0.97,
    sigmoid y < 0.03 or > 0.97); `dead_relu` and `saturation` are those over the whole model
    (None: it has no such activation)."""

    series: str
    step: int
    loss: float | None  #: the batch's loss at this step (at step 1: the initial weights')
    chance_loss: float | None = None  #: ln C for C classes: what guessing uniformly scores
    layers: tuple[str, ...] = ()
    grad_norms: tuple[float | None, ...] = ()
    update_ratios: tuple[float | None, ...] = ()
    dead_relu: float | None = None
    saturation: float | None = None
    activations: tuple[str, ...] = ()
    act_kinds: tuple[str, ...] = ()
    act_values: tuple[float | None, ...] = ()
    type: ClassVar[str] = "health"


@dataclass(frozen=True)
class Histograms(_Event):
    """Histograms of one series' activations, one per activation layer (input to output), on a
    probe batch: `counts[i]` has one count per bin of equal width on [lo, hi] (values outside
    fall in the end bins); `stds[i]` is the layer's standard deviation, as in the lessons'
    tables. Drawn by `tutor.training.histogram`."""

    series: str
    step: int  #: 0: the initial weights, before any update
    layers: tuple[str, ...]
    lo: float
    hi: float
    counts: tuple[tuple[int, ...], ...]
    stds: tuple[float | None, ...] = ()
    type: ClassVar[str] = "histograms"


@dataclass(frozen=True)
class Symptom(_Event):
    """A training-health symptom of one series appeared (`active`) or went away, decided by
    `tutor.training.symptoms`: `text` names the likely cause in one sentence, and `lesson` (an
    id) and `section` (a heading of it) say where the course teaches it."""

    series: str
    key: str  #: which rule: "nan_loss", "stuck", "dead_relu", ... (`symptoms.RULES`)
    step: int
    active: bool
    text: str
    lesson: str
    section: str
    value: float | None = None  #: the measure that decided it, at `step`
    type: ClassVar[str] = "symptom"


@dataclass(frozen=True)
class Picture(_Event):
    """A picture of the trained model, sent once training has finished, before `end`
    (`digits_lenet`: occlusion maps, first-layer filter responses): panels drawn side by side
    under a title, a caption below. Each panel is a `tutor.pictures.Panel.to_dict()`: its
    values quantised to 64 levels, one character each, with its colour ramp and scale; the
    viewers draw it (`tutor.pictures.Figure.from_dict`)."""

    title: str
    panels: tuple[dict[str, Any], ...]
    caption: str = ""
    group: int = 1  #: panels that stay side by side (an image and its map: 2)
    type: ClassVar[str] = "picture"


@dataclass(frozen=True)
class End(_Event):
    """The run is over. `status`: "finished", "stopped" (Ctrl+C or stop), "error", or "refused"
    (`dltutor train --use-mine` with a file that fails its check: `check` holds the verdict).

    `summary` maps each series to its last figures (loss, train_acc, val_loss, val_acc, steps);
    `comparisons` holds the final Compare of each learner-vs-PyTorch pair as a dict."""

    status: str
    elapsed_s: float  #: since the run process started (torch import and data included)
    steps: int = 0
    train_s: float = 0.0  #: in the training loop itself (evaluation passes included)
    train_cpu_s: float = 0.0  #: CPU time of the run process in the loop (all its threads)
    summary: dict[str, dict[str, Any]] = field(default_factory=dict)
    comparisons: tuple[dict[str, Any], ...] = ()
    #: every training-health symptom that appeared (`Symptom.to_dict()` of its first appearance,
    #: plus `cleared_at`: the step it went away, None if it lasted to the end)
    symptoms: tuple[dict[str, Any], ...] = ()
    message: str = ""
    traceback: str = ""
    exit_code: int | None = None  #: the run process's exit status, where known (2: bad request)
    check: dict[str, Any] | None = None  #: status "refused": exercise, verdict, message, file
    type: ClassVar[str] = "end"


Event = (Start | Step | Epoch | GradNorms | Health | Histograms | Symptom | Compare | Note
         | Picture | End)
EVENT_TYPES: dict[str, type[_Event]] = {
    cls.type: cls for cls in (Start, Step, Epoch, GradNorms, Health, Histograms, Symptom, Compare,
                              Note, Picture, End)
}
_TUPLE_FIELDS = {"series", "mine", "grad_layers", "layers", "norms", "comparisons", "grad_norms",
                 "update_ratios", "activations", "act_kinds", "act_values", "stds", "symptoms",
                 "panels"}
_NESTED_TUPLE_FIELDS = {"counts"}  #: lists of lists: tuples of tuples again


class EventError(ValueError):
    """A line that is not a well-formed event: not JSON, unknown type, missing field."""


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event; unknown keys are ignored (a newer run talking to an older viewer)."""
    if not isinstance(data, dict):
        raise EventError(f"an event is a JSON object, not {type(data).__name__}")
    cls = EVENT_TYPES.get(str(data.get("type")))
    if cls is None:
        raise EventError(f"unknown event type {data.get('type')!r}")
    kwargs: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            value = data[f.name]
            if f.name in _TUPLE_FIELDS and isinstance(value, list):
                value = tuple(value)
            elif f.name in _NESTED_TUPLE_FIELDS and isinstance(value, list):
                value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
            kwargs[f.name] = value
    try:
        return cls(**kwargs)  # type: ignore[return-value]
    except TypeError as exc:
        raise EventError(f"{cls.type} event: {exc}") from None


def parse_event(line: str | bytes) -> Event:
    """One line of a run's stdout as an event; raises EventError when it is not one."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise EventError(f"not JSON: {exc}") from None
    return event_from_dict(data)
