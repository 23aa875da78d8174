"""Grading a class on a Dask cluster: `grade_batch`'s tasks run by Dask workers, not threads.

When a class outgrows one machine, Dask distributed does the distributing (scheduling, worker
loss, SLURM/PBS through dask-jobqueue, Kubernetes through dask-kubernetes); dltutor adds only
what grading needs:

* every Dask worker hosts ONE warm jailed grading engine (`GraderPlugin`: a `Grader`, started by
  the worker's first task, closed when the worker closes), so a check costs what it costs locally;
* a task carries the learner's file itself (read here, with the same checks as a local run), the
  set entry and the seed, never a path: workers need dltutor (the same version, which `start`
  checks) and the course packs at the same path, not the submissions;
* the worker grades the file in a temporary folder and cleans its paths out of the result, as a
  local run cleans the submission folder's, so the reports are the same, byte for byte;
* a worker that dies mid-task is Dask's business: the scheduler runs its tasks on another worker
  (up to `distributed.scheduler.allowed-failures` deaths per task, then the task is put down to
  the file: verdict crash, 0 points). Each task is one future, delivered once.

Importing this module imports dask; only `dltutor grade --scheduler` does."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import distributed
from distributed import WorkerPlugin

import tutor
from tutor.course.model import Exercise
from tutor.grading.batch import (
    BatchError,
    Deliver,
    Submission,
    Task,
    _check,
    _clean,
    _grade,
    _grader_failed,
    preflight,
)
from tutor.grading.chain import sibling_files
from tutor.grading.client import Grader, GraderError, missing_result
from tutor.grading.gradebook import ExerciseGrade
from tutor.grading.isolation import Isolation
from tutor.grading.results import CheckResult, Verdict
from tutor.grading.sets import GradeItem
from tutor.grading.submission import SubmissionError, read_submission

CONNECT_TIMEOUT = 10.0  #: seconds to reach a scheduler
WORKERS_TIMEOUT = 120.0  #: seconds for a first worker to join it
WARM_TIMEOUT = 300.0  #: seconds for every worker's grading engine to start (and the preflight)
STALL_TIMEOUT = 300.0  #: seconds with tasks waiting and no worker at all before giving up
PROBE_EVERY = 5.0  #: seconds between looks at the worker count while no result arrives
INSTALL = "pip install 'dltutor[dask]'"


class ClusterError(BatchError):
    """The cluster cannot be reached or used; the message says why and what to do."""


# -- on the workers ----------------------------------------------------------------------------


class GraderPlugin(WorkerPlugin):
    """One warm `Grader` per Dask worker: started by the worker's first task, closed with it.

    Each `dltutor grade` run registers its own (a unique name), so two runs sharing a cluster
    never close each other's engines."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._grader: Grader | None = None
        self._lock: threading.Lock | None = None  # made on the worker (a lock does not pickle)

    def setup(self, worker: Any) -> None:
        from tutor.grading.privileges import make_undumpable

        # This process holds the seed and every report it produced: like `dltutor grade`, keep
        # it out of /proc/PID/mem for anything not allowed to ptrace it.
        make_undumpable()
        self._lock = threading.Lock()

    def teardown(self, worker: Any) -> None:
        if self._grader is not None:
            self._grader.close()

    def grader(self) -> Grader:
        assert self._lock is not None, "setup() has not run"
        with self._lock:
            if self._grader is None:
                self._grader = Grader()
                self._grader.start()
            return self._grader


@dataclass(frozen=True)
class Check:
    """One task as it travels to a worker: the learner's file itself, never a path to it."""

    index: int  #: its place in the report
    submission: str
    relpath: str  #: the file inside its submission folder, POSIX style (`hw/relu_backward.py`)
    source: bytes | None  #: None: the file could not be read here, and `unreadable` says why
    unreadable: str
    item: GradeItem
    seed: int | None
    #: the learner's own files of the exercise's prerequisites (`requires`), by name, read here
    #: like the file: the chained run reads them beside it, as a local run does
    siblings: tuple[tuple[str, bytes], ...] = ()


def _plugin(name: str) -> GraderPlugin:
    plugin = distributed.get_worker().plugins.get(name)
    if plugin is None:
        raise LookupError(f"the dltutor grading plugin {name} is not on this worker")
    assert isinstance(plugin, GraderPlugin)
    return plugin


@functools.cache
def _builtin_exercises() -> dict[str, Exercise]:
    from tutor.course import load_course

    return dict(load_course().exercises)


def _here(item: GradeItem) -> GradeItem:
    """The set entry with its exercise found on this worker: at the same path (a shared
    filesystem, or the same install), else a built-in exercise in this worker's dltutor."""
    ex = item.exercise
    if ex.directory.is_dir():
        return item
    local = _builtin_exercises().get(ex.id) if ex.pack is None else None
    if local is None:
        where = distributed.get_worker().address
        raise BatchError(f"exercise {ex.id}: {ex.directory} is not readable on Dask worker "
                         f"{where}; put packs on a filesystem every worker mounts at the same "
                         "path")
    return replace(item, exercise=replace(ex, directory=local.directory,
                                          solution_path=local.solution_path))


def warm_task(plugin: str) -> dict[str, Any]:
    """Start this worker's engine; say which dltutor it runs and how its checks are jailed."""
    grader = _plugin(plugin).grader()
    return {"version": tutor.__version__, "isolation": grader.isolation().to_dict(),
            "worker": distributed.get_worker().address}


def preflight_task(items: Sequence[GradeItem], seed: int | None, plugin: str) -> None:
    """`batch.preflight` on one worker: a broken exercise stops the batch before anyone."""
    preflight(_plugin(plugin).grader(), [_here(i) for i in items], seed)


def grade_task(check: Check, plugin: str) -> tuple[int, ExerciseGrade, str]:
    """Grade one file on this worker: (its index, the grade, the isolation it was graded in)."""
    grader = _plugin(plugin).grader()
    isolation = grader.isolation().summary()
    item = _here(check.item)
    hidden = check.seed is not None
    if check.source is None:  # what the checker says of a file it cannot read, cases counted
        try:
            audit = grader.audit(item.exercise, check.seed)
        except GraderError as exc:
            grader.close()
            return check.index, _grader_failed(item, exc), isolation
        total = audit["hidden" if hidden else "public"]["cases"]
        return check.index, _grade(item, CheckResult(
            exercise=item.id, verdict=Verdict.ERROR, score=0.0, cases_passed=0,
            cases_total=total, duration_ms=0.0, message=check.unreadable,
            loaded=False)), isolation
    parts = PurePosixPath(check.relpath).parts
    if not parts or ".." in parts or PurePosixPath(check.relpath).is_absolute():
        raise ValueError(f"not a path inside a submission: {check.relpath!r}")
    with tempfile.TemporaryDirectory(prefix="dltutor-dask-") as tmp:
        folder = Path(tmp).resolve()
        path = folder.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(check.source)
        for name, data in check.siblings:
            if PurePosixPath(name).name == name and name.endswith(".py") and name != path.name:
                path.with_name(name).write_bytes(data)
        grade = _check(grader, Submission(check.submission, folder), item, path, check.seed,
                       hidden)
    return check.index, grade, isolation


# -- on this machine ---------------------------------------------------------------------------


def pack(task: Task, seed: int | None) -> Check | ExerciseGrade:
    """The task as a worker gets it, or its grade when there is nothing to send (what
    `Grader.check` answers for a path that is not a file)."""
    index, sub, item, path = task
    file = Path(os.path.abspath(path))
    if not file.is_file():
        return _grade(item, _clean(missing_result(item.exercise, file), sub.path))
    try:
        source, why = read_submission(file, sub.path), ""
    except SubmissionError as exc:
        source, why = None, str(exc)
    siblings = []
    for sibling in sibling_files(item.exercise, file.parent):
        try:
            siblings.append((sibling.name, read_submission(sibling, sub.path)))
        except SubmissionError:
            continue  # the worker finds it missing and says so, as a local run would
    return Check(index, sub.name, file.relative_to(sub.path).as_posix(), source, why, item, seed,
                 tuple(siblings))


def _probe(address: str, timeout: float) -> None:
    """Fail fast, and say why, unless a Dask scheduler answers at `address`. (A `Client` that
    fails to connect retries until its timeout, says only "timed out", and then spends as long
    again failing to close in its finaliser.)"""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme in ("tcp", "tls") and parts.hostname and parts.port is not None:
        try:  # nothing listening: the kernel says so at once
            socket.create_connection((parts.hostname, parts.port), timeout=timeout).close()
        except OSError as exc:
            reason = exc.strerror or str(exc) or type(exc).__name__
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {reason}. Is "
                               "`dask scheduler` running there, and the port open?") from None
    from distributed.core import rpc
    from distributed.security import Security

    tls = Security().get_connection_args("client")  # from Dask's config, as `Client` reads it

    async def identity() -> dict[str, Any]:
        peer = rpc(address, timeout=timeout, connection_args=tls)
        try:
            return await asyncio.wait_for(peer.identity(), timeout)
        finally:
            await peer.close_rpc()

    try:
        kind = asyncio.run(identity()).get("type")
    except Exception as exc:  # noqa: BLE001 - whatever answered, it was not a scheduler
        kind = (str(exc)[:200] if isinstance(exc, OSError)
                else f"a garbled answer ({type(exc).__name__})")
    if kind != "Scheduler":
        raise ClusterError(f"{address} did not answer as a Dask scheduler within {timeout:g} s "
                           f"(got {kind}); give the scheduler's address, tcp://HOST:8786")


class DaskCluster:
    """A Dask cluster to grade on: `local:N` (a LocalCluster of N single-threaded worker
    processes on this machine, closed with this object) or a scheduler's address.

    Connecting is lazy (`start`, called by `isolation` and `run_tasks`); `run_tasks` is
    `grade_batch`'s executor seam. Close it (or use `with`)."""

    def __init__(self, scheduler: str, *, connect_timeout: float = CONNECT_TIMEOUT,
                 workers_timeout: float = WORKERS_TIMEOUT) -> None:
        self.scheduler = scheduler
        self.connect_timeout = connect_timeout
        self.workers_timeout = workers_timeout
        self.plugin = f"dltutor-grader-{uuid.uuid4().hex[:12]}"
        self.client: distributed.Client | None = None
        self._local: distributed.LocalCluster | None = None
        self._isolations: dict[str, Isolation] = {}  #: summary -> isolation, from every worker
        self.workers = 0

    @property
    def local_workers(self) -> int | None:
        head, _, count = self.scheduler.partition(":")
        return int(count) if head == "local" else None

    def describe(self) -> str:
        n = self.workers
        if self.local_workers is not None:
            return f"a local Dask cluster of {n} worker{'s' if n != 1 else ''}"
        return f"the Dask cluster at {self.scheduler} ({n} worker{'s' if n != 1 else ''})"

    # -- life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Connect (or start the LocalCluster), wait for a worker, start every worker's engine
        and check it runs this dltutor. Raises `ClusterError` saying what is wrong."""
        if self.client is not None:
            return
        n = self.local_workers
        try:
            if n is not None:
                self._local = distributed.LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                    # its own chatter (a heartbeat racing the shutdown) is not the instructor's
                    # business: what goes wrong reaches `grade` as an error, with its reason
                    silence_logs=logging.CRITICAL)
                self.client = distributed.Client(self._local, set_as_default=False)
            else:
                _probe(self.scheduler, self.connect_timeout)
                self.client = distributed.Client(self.scheduler, timeout=self.connect_timeout,
                                                 set_as_default=False)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise ClusterError(f"cannot connect to the Dask scheduler at {self.scheduler} "
                               f"within {self.connect_timeout:g} s ({exc})") from None
        try:
            self.client.wait_for_workers(1, timeout=self.workers_timeout)
        except TimeoutError:
            self.close()
            raise ClusterError(f"no Dask worker joined {self.scheduler} within "
                               f"{self.workers_timeout:g} s: start some (`dask worker "
                               f"{self.scheduler} --nthreads 1`, or scale your cluster)") from None
        try:
            self.client.register_plugin(GraderPlugin(self.plugin), name=self.plugin)
        except Exception as exc:  # noqa: BLE001 - a worker could not load it: say what to do
            self.close()
            raise ClusterError(f"the Dask workers cannot load dltutor ({type(exc).__name__}: "
                               f"{exc}): install it on every worker ({INSTALL}, the same "
                               "version)") from None
        try:
            self._warm()
        except BaseException:
            self.close()
            raise

    def _warm(self) -> None:
        assert self.client is not None
        addresses = list(self.client.scheduler_info(n_workers=-1)["workers"])
        futures = [self.client.submit(warm_task, self.plugin, workers=[a], pure=False,
                                      allow_other_workers=True) for a in addresses]
        for future, outcome in self._wait(futures, WARM_TIMEOUT, "start the grading engines"):
            if future.status != "finished":
                exc = outcome[1] if isinstance(outcome, tuple) else outcome
                if isinstance(exc, ModuleNotFoundError):
                    raise ClusterError(f"a Dask worker cannot import dltutor ({exc}): install "
                                       f"it on every worker ({INSTALL}, the same version)")
                raise ClusterError(f"the grading engine could not start on a Dask worker: "
                                   f"{type(exc).__name__}: {exc}")
            if outcome["version"] != tutor.__version__:
                raise ClusterError(f"Dask worker {outcome['worker']} runs dltutor "
                                   f"{outcome['version']}, this machine {tutor.__version__}: "
                                   "install the same version on every worker")
            isolation = Isolation.from_dict(outcome["isolation"])
            self._isolations[isolation.summary()] = isolation
        self.workers = len(addresses)

    def isolation(self) -> Isolation:
        """How the checks are jailed: the weakest jail of any worker."""
        self.start()
        return max(self._isolations.values(), key=lambda i: (len(i.missing), i.summary()))

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                if self._local is None:  # a shared cluster: end our engines, leave the workers
                    client.unregister_worker_plugin(self.plugin)
            except Exception:  # noqa: BLE001, S110 - closing: the workers may be gone already
                pass
            client.close()
        local, self._local = self._local, None
        if local is not None:
            local.close()

    def __enter__(self) -> DaskCluster:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- grading --------------------------------------------------------------------------------

    def run_tasks(self, tasks: Sequence[Task], items: Sequence[GradeItem], seed: int | None,
                  check_preflight: bool, deliver: Deliver) -> None:
        """`batch.RunTasks` on the cluster: the preflight on one worker, then every task."""
        self.start()
        client = self.client
        assert client is not None
        if check_preflight:
            future = client.submit(preflight_task, list(items), seed, plugin=self.plugin,
                                   pure=False)
            for done, outcome in self._wait([future], WARM_TIMEOUT, "check the exercises"):
                if done.status != "finished":
                    exc = outcome[1] if isinstance(outcome, tuple) else outcome
                    if isinstance(exc, BatchError):  # a broken exercise, or a pack not there
                        raise exc
                    raise ClusterError(f"the exercises could not be checked on a Dask worker: "
                                       f"{type(exc).__name__}: {exc}")
        checks: list[Check] = []
        by_index: dict[int, Task] = {}
        for task in tasks:
            packed = pack(task, seed)
            if isinstance(packed, Check):
                checks.append(packed)
                by_index[task[0]] = task
            else:
                deliver(task, packed)
        futures = client.map(grade_task, checks, plugin=self.plugin, pure=False)
        task_of = {f.key: by_index[c.index] for f, c in zip(futures, checks)}
        try:
            for future, outcome in self._wait(futures, None, "grade"):
                task = task_of[future.key]
                if future.status == "finished":
                    index, grade, isolation = outcome
                    assert index == task[0]
                    if isolation not in self._isolations:
                        raise ClusterError(f"a Dask worker joined with a different jail "
                                           f"({isolation}) than the others "
                                           f"({', '.join(self._isolations)}); grading stopped")
                else:
                    grade = self._failed(task[2], outcome)
                deliver(task, grade)
        finally:
            left = [f for f in futures if not f.done()]
            if left:  # stopped early (an error, Ctrl+C): the workers need not finish the class
                try:
                    client.cancel(left)
                except Exception:  # noqa: BLE001, S110 - the scheduler may be gone already
                    pass

    @staticmethod
    def _failed(item: GradeItem, outcome: Any) -> ExerciseGrade:
        exc = outcome[1] if isinstance(outcome, tuple) else outcome
        if isinstance(exc, distributed.KilledWorker):  # every worker that ran it died
            return _grader_failed(item, RuntimeError(
                "every Dask worker that ran this check died while running it"))
        return _grade(item, CheckResult(
            exercise=item.id, verdict=Verdict.ERROR, score=0.0, cases_passed=0, cases_total=0,
            duration_ms=0.0,
            message=f"dltutor failed while grading this file: {type(exc).__name__}: {exc}"))

    def _wait(self, futures: list[distributed.Future], timeout: float | None,
              doing: str) -> Any:
        """Yield (future, result or error triple) as each finishes. Raises `ClusterError` after
        `timeout`, when the scheduler cancels the work, or when no worker is left for
        `STALL_TIMEOUT` seconds (the cluster was scaled to nothing): never waits forever."""
        client = self.client
        assert client is not None
        results = distributed.as_completed(futures, loop=client.loop, with_results=True,
                                           raise_errors=False)
        start = last_probe = time.monotonic()
        no_workers_since: float | None = None
        while not results.is_empty():
            if not results.has_ready():
                now = time.monotonic()
                if timeout is not None and now - start > timeout:
                    raise ClusterError(f"the Dask cluster did not {doing} within {timeout:g} s")
                if now - last_probe >= PROBE_EVERY:
                    last_probe = now
                    if client.nthreads():
                        no_workers_since = None
                    elif no_workers_since is None:
                        no_workers_since = now
                    elif now - no_workers_since > STALL_TIMEOUT:
                        raise ClusterError(f"no Dask worker left at {self.scheduler} for "
                                           f"{STALL_TIMEOUT:g} s; grading stopped")
                time.sleep(0.02)
                continue
            future, outcome = next(results)
            if future.status == "cancelled":
                raise ClusterError(f"the Dask scheduler at {self.scheduler} dropped the work "
                                   "(was it restarted or lost?); grading stopped")
            yield future, outcome
