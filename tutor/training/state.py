"""`RunState`: everything a viewer draws, folded from a run's events (no torch, no textual, no
Rich). The CLI's live display and the TUI's training screen both render a RunState; a viewer that
shows several runs overlaid keeps one RunState per run."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tutor.training.events import (
    Compare,
    End,
    Epoch,
    Event,
    GradNorms,
    Health,
    Histograms,
    Note,
    Picture,
    Start,
    Step,
    Symptom,
)

HEALTH_KEPT = 120  #: Health events kept per series for the sparklines (the latest ones)


@dataclass
class SeriesState:
    name: str
    steps: list[int] = field(default_factory=list)
    losses: list[float | None] = field(default_factory=list)
    accs: list[float | None] = field(default_factory=list)
    epochs: list[Epoch] = field(default_factory=list)
    grad_norms: GradNorms | None = None
    health: list[Health] = field(default_factory=list)  #: the latest HEALTH_KEPT, oldest first
    histograms: Histograms | None = None  #: the latest
    first_histograms: Histograms | None = None  #: the first (before any step, for init_compare)

    @property
    def last_loss(self) -> float | None:
        return next((v for v in reversed(self.losses) if v is not None), None)


@dataclass
class RunState:
    label: str = ""  #: how a viewer names this run when several are overlaid
    start: Start | None = None
    end: End | None = None
    series: dict[str, SeriesState] = field(default_factory=dict)
    compares: dict[str, Compare] = field(default_factory=dict)  #: by learner's series name
    notes: list[Note] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)  #: of the trained model, at the end
    #: the training-health symptoms showing now, by (series, key), in the order they appeared
    symptoms: dict[tuple[str, str], Symptom] = field(default_factory=dict)
    symptom_log: list[Symptom] = field(default_factory=list)  #: every appearance and clearance
    step: int = 0
    epoch: int = 0
    samples_per_s: float = 0.0
    elapsed_s: float = 0.0
    eta_s: float | None = None
    events_seen: int = 0
    created: float = field(default_factory=time.monotonic)
    _last_update: float = field(default_factory=time.monotonic)

    def apply(self, event: Event) -> None:
        self.events_seen += 1
        self._last_update = time.monotonic()
        if isinstance(event, Start):
            self.start = event
            for name in event.series:
                self.series.setdefault(name, SeriesState(name))
        elif isinstance(event, Step):
            s = self._series(event.series)
            s.steps.append(event.step)
            s.losses.append(event.loss)
            s.accs.append(event.acc)
            self.step, self.epoch = max(self.step, event.step), max(self.epoch, event.epoch)
            self.samples_per_s, self.elapsed_s, self.eta_s = (event.samples_per_s,
                                                              event.elapsed_s, event.eta_s)
        elif isinstance(event, Epoch):
            self._series(event.series).epochs.append(event)
            self.elapsed_s = max(self.elapsed_s, event.elapsed_s)
        elif isinstance(event, GradNorms):
            self._series(event.series).grad_norms = event
        elif isinstance(event, Compare):
            self.compares[event.series] = event
        elif isinstance(event, Note):
            self.notes.append(event)
        elif isinstance(event, Picture):
            self.pictures.append(event)
        elif isinstance(event, Health):
            kept = self._series(event.series).health
            kept.append(event)
            del kept[:-HEALTH_KEPT]
        elif isinstance(event, Histograms):
            s = self._series(event.series)
            s.histograms = event
            s.first_histograms = s.first_histograms or event
        elif isinstance(event, Symptom):
            self.symptom_log.append(event)
            if event.active:
                self.symptoms[(event.series, event.key)] = event
            else:
                self.symptoms.pop((event.series, event.key), None)
        elif isinstance(event, End):
            self.end = event
            self.elapsed_s = max(self.elapsed_s, event.elapsed_s)
            self.eta_s = 0.0 if event.status == "finished" else None

    def _series(self, name: str) -> SeriesState:
        return self.series.setdefault(name, SeriesState(name))

    @property
    def running(self) -> bool:
        return self.end is None

    @property
    def title(self) -> str:
        return self.start.title if self.start else (self.label or "starting…")

    @property
    def progress(self) -> float:
        total = self.start.total_steps if self.start else 0
        return min(1.0, self.step / total) if total else 0.0

    @property
    def classification(self) -> bool:
        return self.start is None or self.start.task == "classification"

    def live_elapsed(self) -> float:
        """Elapsed seconds, ticking between events while the run is alive."""
        if self.end is not None:
            return self.elapsed_s
        if self.start is None:
            return time.monotonic() - self.created
        return self.elapsed_s + (time.monotonic() - self._last_update)

    def final(self, series: str) -> dict[str, float | None]:
        """The last figures of one series: the End summary if there is one, else the latest."""
        if self.end and series in self.end.summary:
            return dict(self.end.summary[series])
        s = self.series.get(series)
        if s is None:
            return {}
        out: dict[str, float | None] = {"loss": s.last_loss}
        if s.epochs:
            e = s.epochs[-1]
            out.update(train_loss=e.train_loss, train_acc=e.train_acc, val_loss=e.val_loss,
                       val_acc=e.val_acc)
        return out
