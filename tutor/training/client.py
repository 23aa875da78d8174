"""`TrainingRun`: start a run process, read its events, stop it cleanly.

Used by `dltutor train` and by the TUI's training screen. Importing it imports neither torch nor
textual: the run's torch lives in its own process, which is what keeps a viewer responsive.

The process gets its own session (so a Ctrl+C in the terminal reaches only the viewer, which then
decides how to stop the run), stdout is the event stream, stderr goes to a bounded temporary file
shown when the run fails. `stop()` sends SIGINT (the run finishes its step and emits `end` with
status "stopped"), waits, then kills the whole process group: no run outlives `close()`.
`events()` always ends with exactly one `End`: if the process dies without one, the client makes
one up from its exit status and stderr.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tutor.course.train_slot import TrainSlot
from tutor.training.events import End, Event, EventError, Note, parse_event

STDERR_SHOWN = 4000  #: characters of the run's stderr kept for an error message
STOP_GRACE = 10.0  #: seconds from SIGINT to SIGKILL


@dataclass(frozen=True)
class RunRequest:
    """What to run; turned into the run process's command line by `argv()`."""

    experiment: str
    device: str = "auto"
    epochs: int | None = None
    steps: int | None = None
    lr: float | None = None
    seed: int = 0
    batch_size: int | None = None
    threads: int | None = None
    settings: tuple[str, ...] = ()  #: KEY=VALUE overrides of the experiment's knobs
    mine: tuple[tuple[str, str, Path], ...] = ()  #: (exercise id, function name, checked file)
    #: (exercise id, its TrainSlot) for the `mine` exercises (default: the built-in exercise's)
    slots: tuple[tuple[str, TrainSlot], ...] = ()
    notes: tuple[str, ...] = ()  #: warnings the run shows after its start (what was left out)
    log_points: int | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def argv(self) -> list[str]:
        out = [self.experiment, "--device", self.device, "--seed", str(self.seed)]
        for flag, value in (("--epochs", self.epochs), ("--steps", self.steps), ("--lr", self.lr),
                            ("--batch-size", self.batch_size), ("--threads", self.threads),
                            ("--log-points", self.log_points)):
            if value is not None:
                out += [flag, str(value)]
        for item in self.settings:
            out += ["--set", item]
        for exercise, function, path in self.mine:
            out += ["--mine", f"{exercise}={function}@{path}"]
        for exercise, slot in self.slots:
            out += ["--slot", f"{exercise}={json.dumps(slot.to_dict())}"]
        for text in self.notes:
            out += ["--note", text]
        return out


class TrainingRun:
    """One run process. Iterate `events()` from one thread; `stop()` may come from any other."""

    def __init__(self, request: RunRequest, python: str | None = None) -> None:
        self.request = request
        self._python = python or sys.executable
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._lock = threading.Lock()
        self._stopping = False
        self.ended: End | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> TrainingRun:
        with self._lock:
            if self._proc is not None:
                return self
            env = dict(os.environ)
            src_root = str(Path(__file__).resolve().parent.parent.parent)
            env["PYTHONPATH"] = src_root + os.pathsep + env.get("PYTHONPATH", "")
            env["PYTHONUNBUFFERED"] = "1"
            env.update(self.request.extra_env)
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
            self._proc = subprocess.Popen(
                [self._python, "-m", "tutor.training.run", *self.request.argv()],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr,
                env=env, start_new_session=True, close_fds=True)
        return self

    def events(self) -> Iterator[Event]:
        """Parsed events until the process ends; the last one is always an `End`."""
        self.start()
        assert self._proc is not None and self._proc.stdout is not None
        for raw in self._proc.stdout:
            try:
                event = parse_event(raw)
            except EventError:
                continue  # not ours (the run routes prints to stderr, so this is rare)
            if isinstance(event, End):
                self.ended = event
            yield event
        code = self._proc.wait()
        if self.ended is None:
            self.ended = End(status="stopped" if self._stopping else "error", elapsed_s=0.0,
                             message=self._failure_message(code), exit_code=code)
            yield self.ended
        self._close_files()

    def _failure_message(self, code: int) -> str:
        if self._stopping:
            return "the run was stopped before it started training"
        how = (f"was killed by signal {-code}" if code < 0 else f"exited with status {code}")
        tail = self.stderr_tail()
        return f"the training process {how}" + (f":\n{tail}" if tail else "")

    def stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(0, size - STDERR_SHOWN))
            return self._stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""

    def stop(self, grace: float = STOP_GRACE) -> None:
        """Ask the run to stop after its current step; kill it if it has not within `grace`."""
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        self._stopping = True
        self._signal(proc, signal.SIGINT)
        timer = threading.Timer(grace, self.kill)
        timer.daemon = True
        timer.start()

    def kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            self._stopping = True
            self._signal(proc, signal.SIGKILL)

    @staticmethod
    def _signal(proc: subprocess.Popen[bytes], sig: int) -> None:
        try:
            os.killpg(proc.pid, sig)  # the run's own session: it and anything it started
        except (ProcessLookupError, PermissionError):
            pass

    def close(self, grace: float = STOP_GRACE) -> None:
        """Stop the run if it still runs and wait for it; safe to call twice."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            self._stopping = True
            self._signal(proc, signal.SIGINT)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                self._signal(proc, signal.SIGKILL)
                proc.wait()
        self._signal(proc, signal.SIGKILL)  # stragglers in its group, if any
        self._close_files()

    def _close_files(self) -> None:
        proc = self._proc
        if proc is not None and proc.stdout is not None and proc.poll() is not None:
            try:
                proc.stdout.close()
            except OSError:
                pass

    def __enter__(self) -> TrainingRun:  # noqa: PYI034 - no typing.Self on 3.10
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


def follow(run: TrainingRun, on_event: Callable[[Event], None], *,
           tick: Callable[[], None] | None = None, interval: float = 0.125) -> End | None:
    """Feed `run`'s events to `on_event` on this thread, calling `tick()` at least every
    `interval` seconds (to redraw a clock). Events are read on a helper thread, so a Ctrl+C here
    never lands inside the reader: the first asks the run to stop (it still sends its `end`), a
    second kills it. Returns the run's End."""
    inbox: queue.Queue[Event | None] = queue.Queue()

    def pump() -> None:
        try:
            for event in run.events():
                inbox.put(event)
        finally:
            inbox.put(None)

    threading.Thread(target=pump, name="training-events", daemon=True).start()
    interrupts = 0
    while True:
        try:
            try:
                event = inbox.get(timeout=interval)
            except queue.Empty:
                event = _IDLE
            if event is None:
                break
            if event is not _IDLE:
                on_event(event)
            if tick is not None:
                tick()
        except KeyboardInterrupt:
            interrupts += 1
            if interrupts == 1:
                run.stop()
            else:
                run.kill()
    return run.ended


_IDLE = Note(text="")  # a marker for "no event this interval"; never passed on


def run_events(request: RunRequest) -> Sequence[Event]:
    """Run to the end and return every event (tests, scripts)."""
    with TrainingRun(request) as run:
        return list(run.events())
