"""Choosing where a run trains: `auto` takes CUDA, then Apple's MPS, then the CPU, and says why."""

from __future__ import annotations

import os

import torch


class DeviceError(RuntimeError):
    """The requested device is not available; the message says what was found instead."""


def cpu_threads(requested: int) -> int:
    """Threads for torch on the CPU: `requested`, or half the cores (at most 4) when it is 0.

    Tiny models (the spiral MLP) run fastest on one thread: more threads only add
    synchronisation to matrices of a few thousand elements. And leave cores free: on a busy
    2-core machine LeNet-5 took 0.6 s an epoch on 2 threads when idle but 44 s when another
    process was busy (OpenMP threads wait for each other at every op), against 2-4 s on 1."""
    cores = os.cpu_count() or 1
    return max(1, min(requested, cores) if requested > 0 else min(cores // 2, 4))


def pick_device(requested: str, threads: int) -> tuple[torch.device, str, str]:
    """(device, a name for people, the reason it was chosen). Raises DeviceError."""
    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    if requested == "cuda" and not cuda:
        build = "has no CUDA support" if torch.version.cuda is None else "sees no CUDA device"
        raise DeviceError(f"--device cuda: this torch ({torch.__version__}) {build}. "
                          "Use --device auto or cpu.")
    if requested == "mps" and not mps:
        raise DeviceError("--device mps: Apple's Metal (MPS) backend is not available here. "
                          "Use --device auto or cpu.")
    if requested == "cuda" or (requested == "auto" and cuda):
        dev = torch.device("cuda")
        reason = "auto: CUDA GPU found" if requested == "auto" else "--device cuda"
        return dev, torch.cuda.get_device_name(dev), reason
    if requested == "mps" or (requested == "auto" and mps):
        reason = "auto: no CUDA, Apple MPS found" if requested == "auto" else "--device mps"
        return torch.device("mps"), "Apple GPU (MPS)", reason
    torch.set_num_threads(threads)
    reason = "auto: no CUDA or MPS GPU found" if requested == "auto" else "--device cpu"
    plural = "s" if threads > 1 else ""
    return torch.device("cpu"), f"CPU, {threads} thread{plural}", reason
