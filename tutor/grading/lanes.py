"""Several grading workers forked from one warm parent: `dltutor grade --jobs N` (N ≥ 2).

A worker (`worker.py`) pays its own Python start, numpy, torch import and warm-up, ~1 CPU-s
each; N of them paid it N times. Here one **template** process pays it once and forks N
**lanes**, each a whole worker (its own light and torch zygotes, its own references, its own
protocol stream), so an extra worker costs a fork.

The trust boundary is the worker's, kept by the same order of events:
- the template never computes a reference or touches a submission: it only imports and warms up;
- the N light zygotes are forked before torch is imported (numpy only, as a worker's is);
- each lane forks its torch zygote before it reads its first request, so no zygote, and no check
  forked from one, holds an expected value in its memory.

A lane is a separate process with its own session: a file that kills its lane's zygote costs
that lane (its client replaces it with a standalone worker, see `pool.py`), never the others.

Descriptors come from the client at exec (`pass_fds`): per lane, one end of a socketpair (the
protocol, JSON lines both ways, as a worker's stdin/stdout) and a file for its stderr. Every fork
closes what belongs to another process, so each process's EOF is seen where it should be.
"""

from __future__ import annotations

import os
import sys

from tutor.grading.worker import ZygoteClient, Zygotes, pin_threads, serve, warm_up, warm_up_numpy

BOOTSTRAP = ("import sys; sys.path.append(sys.argv[1]); "
             "from tutor.grading.lanes import main; sys.exit(main(sys.argv[2]))")


def parse(spec: str) -> list[tuple[int, int]]:
    """`"5:6,7:8"` → [(socket fd, log fd), ...], one pair per lane."""
    lanes = []
    for part in spec.split(","):
        sock, _, log = part.partition(":")
        lanes.append((int(sock), int(log)))
    return lanes


def _close(fds: list[int] | tuple[int, ...]) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def main(spec: str) -> int:
    lanes = parse(spec)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # a stray print goes to the template's log, never into a lane's stream
    own = [fd for pair in lanes for fd in pair]
    from tutor.grading.privileges import make_undumpable

    make_undumpable()  # as a worker is: no check can read or trace it through /proc
    pin_threads()
    warm_up_numpy()
    lights: list[ZygoteClient] = []
    for _ in lanes:  # before torch, and before any reference exists anywhere
        lights.append(ZygoteClient(close_in_child=tuple(own) + _fds(lights)))
    warm_up()
    pids = []
    for i, (sock, log) in enumerate(lanes):
        pid = os.fork()
        if pid == 0:  # never returns
            _lane(sock, log, lights[i], others=[fd for j, pair in enumerate(lanes) if j != i
                                                for fd in pair]
                  + [fd for j, z in enumerate(lights) if j != i for fd in z.fds])
        pids.append(pid)
    _close(own)
    for light in lights:
        _close(light.fds)
    del lights
    # Reap lanes and light zygotes as they end; leave when none is left.
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return 0
        except InterruptedError:
            continue


def _fds(zygotes: list[ZygoteClient]) -> tuple[int, ...]:
    return tuple(fd for z in zygotes for fd in z.fds)


def _lane(sock: int, log: int, light: ZygoteClient, others: list[int]) -> None:
    """One lane: a worker on its socket. Never returns."""
    code = 70
    try:
        _close(others)
        os.setsid()  # its own group: the client kills a lane's tree without touching another's
        os.dup2(log, 2)
        os.dup2(log, 1)
        os.close(log)
        proto_in = os.fdopen(sock, "rb", closefd=False)
        proto_out = os.fdopen(os.dup(sock), "wb")
        torch = ZygoteClient(close_in_child=(sock, proto_out.fileno(), *light.fds))
        code = serve(proto_in, proto_out, Zygotes(light, torch))
    except BaseException:  # noqa: BLE001 - say what happened in the lane's log
        import traceback

        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)
