"""The grading worker: `python -m tutor.grading.worker`, a long-lived trusted process.

Start-up (once, ~2-3 s): pin every thread pool to one thread, import numpy and fork the light
**zygote**; then import torch, run a few small torch ops and one optimizer step of the kinds
checks use (so forked children skip ~0.5-1.8 s of lazy imports; the optimizer no longer imports
`torch._dynamo`, see `tutor.lazy_torch`), and fork the torch zygote (see `Zygotes`: a check
whose code never mentions torch runs in a child of the light one, half the cost). Both zygotes
are forked before this process computes any reference, so a child forked from them has no
expected value anywhere in its memory; a zygote receives only case inputs, forks one child per
check (see `sandbox.py`) and returns raw frames. This process computes cases and PyTorch
references, compares, diagnoses and replies.

Never fork after a parallel torch op (measured: the child deadlocks); the zygote never runs torch
compute, and this process is pinned to one thread before it does.

Protocol on the original stdout/stdin: one JSON object per line each way. Our own stdout is
pointed at stderr so a stray print (ours or a library's) cannot corrupt the protocol.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any, BinaryIO

THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def pin_threads() -> None:
    for var in THREAD_VARS:
        os.environ[var] = "1"


def warm_up() -> None:
    """Run one small op of each kind checks use, single-threaded, so children start warm."""
    import torch
    import torch.nn.functional as F

    from tutor.lazy_torch import install

    install()  # the optimizer references need no torch._dynamo (1.4 s to import)
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    (torch.relu(x) * torch.sigmoid(x) + torch.tanh(x)).sum().backward()
    F.conv2d(torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3), padding=1, stride=2)
    F.max_pool2d(torch.randn(1, 1, 4, 4), 2)
    F.softmax(torch.randn(2, 3), dim=1)
    F.cross_entropy(torch.randn(2, 3), torch.tensor([0, 2]))
    cell = torch.nn.LSTMCell(3, 2).double()
    cell(torch.randn(1, 3, dtype=torch.float64))
    torch.nn.GRUCell(3, 2)(torch.randn(1, 3))
    # An optimizer step imports what step() imports lazily (the profiler's hooks among them),
    # so lesson code and optimizer checks that step one find it loaded in their child.
    param = torch.nn.Parameter(torch.zeros(2))
    for opt in (torch.optim.SGD([param], lr=0.1, momentum=0.9),
                torch.optim.Adam([param], lr=0.1)):
        param.grad = torch.ones(2)
        opt.step()
    warm_up_numpy()


def zygote_main(requests: BinaryIO, replies: BinaryIO) -> None:
    """The zygote: decide the jail once (its isolation report is the first reply), then one
    jailed child per request."""
    from tutor.grading import sandbox
    from tutor.grading.isolation import decide
    from tutor.grading.privileges import become_subreaper, make_undumpable
    from tutor.grading.protocol import SandboxRequest, receive, send

    become_subreaper()
    make_undumpable()
    plan, isolation = decide()
    send(replies, json.dumps(isolation.to_dict()).encode())
    prefork = os.environ.get("DLTUTOR_JAIL_PREFORK", "1") != "0"
    standby = sandbox.prepare(plan) if prefork else None
    teardown = sandbox.Teardown()
    while True:
        blob = receive(requests)
        if blob is None:
            sandbox.kill_descendants()
            os._exit(0)
        request = SandboxRequest.decode(blob)
        ahead: list[sandbox.Standby] = []

        def fork_next(ahead: list[sandbox.Standby] = ahead) -> None:
            # the next check's child builds its jail while this one runs, so checks that come
            # back to back (a class graded, `validate --mutants`) do not wait for it; not in the
            # fallback jail, whose permission sweep needs every process gone first
            if prefork and plan.mount:
                ahead.append(sandbox.prepare(plan))

        used = standby.pid if standby is not None and standby.covers(request) else None
        send(replies, sandbox.run(request, plan, standby=standby, cleanup=False,
                                  on_started=fork_next).encode())
        # After replying (the learner need not wait for it): in a PID namespace the check is
        # already dead and only the kernel's teardown is left (see `sandbox.Teardown`);
        # otherwise the child's whole tree is swept before the next request is read. Then the
        # next standby child builds its jail (if it is not built already) while the learner
        # reads the result and types.
        spare = ahead[0].pid if ahead else None
        if plan.pid and used is not None:
            teardown.release(used, spare)
        else:
            sandbox.kill_descendants(spare=spare)
        standby = ahead[0] if ahead else (sandbox.prepare(plan) if prefork else None)


class ZygoteClient:
    """The worker's handle on its zygote."""

    def __init__(self, close_in_child: tuple[int, ...] = ()) -> None:
        """Fork the zygote. `close_in_child`: descriptors the zygote must not keep (another
        process's pipe ends: held here, they would hide that process's EOF)."""
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(req_w)
            os.close(rep_r)
            for fd in close_in_child:
                try:
                    os.close(fd)
                except OSError:
                    pass
            try:
                zygote_main(os.fdopen(req_r, "rb"), os.fdopen(rep_w, "wb"))
            finally:
                os._exit(0)
        os.close(req_r)
        os.close(rep_w)
        self.pid = pid
        self.dead = False
        self.fds = (req_w, rep_r)  #: this side's ends, for `close_in_child` of later forks
        self._requests = os.fdopen(req_w, "wb")
        self._replies = os.fdopen(rep_r, "rb")
        from tutor.grading.protocol import receive

        first = receive(self._replies)
        self.isolation: dict[str, Any] = json.loads(first) if first else {}

    def run(self, request: Any) -> Any:
        from tutor.grading.protocol import SandboxResult, receive, send
        from tutor.grading.sandbox import SandboxLost

        try:
            send(self._requests, request.encode())
        except OSError:
            self.dead = True
            raise SandboxLost("the grading zygote is gone") from None
        try:
            blob = receive(self._replies)
        except OSError:
            blob = None
        if blob is None:
            self.dead = True
            raise SandboxLost("the grading zygote died")
        return SandboxResult.decode(blob)


_EXERCISES: dict[tuple[str, str], tuple[tuple[int, ...], Any]] = {}


def load_exercise(folder: Path, solutions: Path) -> Any:
    """The exercise in `folder`, parsed once: again only when its `exercise.toml` or the folder's
    entries change (an instructor editing a pack while the app runs), not on every check."""
    from tutor.course.loader import load_exercise as load

    key = (str(folder), str(solutions))
    stamp: tuple[int, ...] = ()
    for path in (folder / "exercise.toml", folder, folder / "mistakes"):
        try:
            st = path.stat()
            stamp += (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            stamp += (-1,)
    cached = _EXERCISES.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    exercise = load(folder, solutions)
    _EXERCISES[key] = (stamp, exercise)
    return exercise


def handle(checker: Any, request: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op == "ping":
        return {"ok": True, "pid": os.getpid()}
    if op in ("check", "audit"):
        folder = Path(request["exercise_dir"])
        solutions = Path(request.get("solutions_dir") or folder.parent.parent / "solutions")
        exercise = load_exercise(folder, solutions)
        if op == "audit":
            return {"ok": True, "audit": audit(checker, exercise, request.get("seed"))}
        confine = request.get("confine")
        result = checker.check(exercise, Path(request["file"]), seed=request.get("seed"),
                               hidden=bool(request.get("hidden")),
                               timeout=request.get("timeout"),
                               confine=Path(confine) if confine else None)
        return {"ok": True, "result": result.to_dict()}
    if op == "case":
        folder = Path(request["exercise_dir"])
        solutions = Path(request.get("solutions_dir") or folder.parent.parent / "solutions")
        return public_case(checker, load_exercise(folder, solutions), request.get("number"))
    if op == "run_snippet":  # a lesson's code block or checkpoint, in the same jail
        from tutor.grading import snippet

        return snippet.run(checker.run_sandbox, request)  # the checker's own jail
    return {"ok": False, "error": f"unknown op {op!r}"}


def public_case(checker: Any, exercise: Any, number: Any) -> dict[str, Any]:
    """One *public* case (1-based `number`, default seed) as `dltutor check` runs it: its
    inputs and expected value, codec-encoded in base64, for `check --case N --save DIR`.

    Public only, whatever the request says: no seed and no `hidden` are read, so this op can
    never hand out an instructor's hidden cases (or the public cases of a secret seed)."""
    import base64

    from tutor.grading import codec
    from tutor.grading.compare import Raised

    cases = checker.prepare(exercise, None, False)
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= len(cases):
        return {"ok": True, "cases_total": len(cases), "case": None}
    case = cases[number - 1]
    expected = case.expected
    reply: dict[str, Any] = {
        "number": number, "label": case.label, "rtol": case.rtol, "atol": case.atol,
        "inputs": base64.b64encode(case.inputs).decode("ascii")}
    if isinstance(expected, Raised):
        reply["raises"] = expected.type_name
    else:
        reply["expected"] = base64.b64encode(codec.encode(expected)).decode("ascii")
    return {"ok": True, "cases_total": len(cases), "case": reply}


def audit(checker: Any, exercise: Any, seed: int | None) -> dict[str, Any]:
    """Facts `dltutor validate` needs about the cases: how many, and which references are bad."""
    import numpy as np

    from tutor.grading.compare import Raised

    report: dict[str, Any] = {}
    for hidden in (False, True):
        cases = checker.prepare(exercise, seed, hidden)
        nonfinite = []
        raises = 0
        for i, case in enumerate(cases):
            if isinstance(case.expected, Raised):
                raises += 1
                continue
            leaves = [case.expected]
            while leaves:
                leaf = leaves.pop()
                if isinstance(leaf, (list, tuple)):
                    leaves.extend(leaf)
                elif isinstance(leaf, dict):
                    leaves.extend(leaf.values())
                elif isinstance(leaf, (float, np.ndarray)) and not np.all(
                        np.isfinite(np.asarray(leaf, dtype=np.float64))):
                    nonfinite.append(i + 1)
                    break
        report["hidden" if hidden else "public"] = {
            "cases": len(cases), "nonfinite_references": nonfinite, "raising_cases": raises}
    return report


def warm_up_numpy() -> None:
    """What every check's child needs: numpy, its lazy submodules and a linear-algebra call."""
    import numpy as np

    np.linalg.norm(np.ones((3, 3)) @ np.ones(3))
    np.random.default_rng(0).standard_normal(3)
    # Lesson blocks draw pictures of drawn digits (numpy only). Loaded here, so that a child
    # finds them even where the jail cannot see this package (a source checkout: only
    # site-packages is visible inside), and told that the viewer draws what they print.
    import tutor.training.digits  # noqa: F401
    from tutor import pictures

    pictures.for_viewer()


class Zygotes:
    """Two zygotes: a light one, forked before torch is imported (numpy only: forking it and
    tearing its child down costs a third as much), and one forked after (for a check whose code
    uses torch: the learner's file or the exercise's drive.py; its child finds torch already
    loaded). Which one runs a check changes its speed, never its verdict (see
    `tutor.grading.routing`)."""

    def __init__(self, light: ZygoteClient, torch: ZygoteClient) -> None:
        self.light, self.torch = light, torch
        self.isolation = light.isolation

    @property
    def dead(self) -> bool:
        return self.light.dead or self.torch.dead

    @staticmethod
    def needs_torch(request: Any) -> bool:
        from tutor.grading.routing import driver_uses_torch, uses_torch

        # a prerequisite module runs there too: the learner's own file, or a reference's code
        return uses_torch(request.source) or driver_uses_torch(request.driver_source) or any(
            uses_torch(m.source) or b"torch" in m.code for m in request.prerequisites)

    def run(self, request: Any) -> Any:
        return (self.torch if self.needs_torch(request) else self.light).run(request)


def main() -> int:
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed from here on goes to stderr, never into the protocol
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    pin_threads()
    warm_up_numpy()
    light = ZygoteClient()  # before torch, and before any reference exists in this process
    warm_up()
    return serve(proto_in, proto_out, Zygotes(light, ZygoteClient()))


def serve(proto_in: BinaryIO, proto_out: BinaryIO, zygote: Zygotes) -> int:
    """Answer requests, one JSON line each way, until EOF or `shutdown` (a worker, or one lane
    of `tutor.grading.lanes`). The zygotes exist already: from here on this process computes
    references."""
    from tutor.grading.privileges import make_undumpable

    make_undumpable()  # learner children cannot read our memory through /proc/PID/mem
    from tutor.grading.checker import Checker

    checker = Checker(zygote.run)
    proto_out.write(json.dumps({"ready": True, "pid": os.getpid(),
                                "zygotes": [zygote.light.pid, zygote.torch.pid],
                                "isolation": zygote.isolation}).encode() + b"\n")
    proto_out.flush()
    for line in proto_in:
        try:
            request = json.loads(line)
        except ValueError:
            continue
        if request.get("op") == "shutdown":
            break
        try:
            reply = handle(checker, request)
        except Exception as exc:  # noqa: BLE001 - the worker must outlive a broken exercise
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                     "traceback": traceback.format_exc()[-4000:]}
        reply["id"] = request.get("id")
        proto_out.write(json.dumps(reply).encode() + b"\n")
        proto_out.flush()
        if zygote.dead:
            return 3  # the client starts a fresh worker (and so a fresh zygote) on its next call
    return 0


if __name__ == "__main__":
    sys.exit(main())
