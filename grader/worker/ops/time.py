"""Worker op `time`: inputs for a timed test, and the learner's function run on a fresh variant of them.

The trusted side measures the wall-clock time of each request from its own process; nothing this op
says about time is believed (it reports none). Two actions:

- `stage`: build the base inputs from a seed (untimed), on the device, and keep them for this test.
- `run`: make the variant of the base inputs named by the request's seed (rows rolled, activations
  rescaled: every repetition sees new values, so nothing can be cached or prepared ahead), call the
  learner's function on it (or nothing, for the empty request that measures the overhead), and reply
  with a checksum of the result. Producing the checksum forces the computation to have finished
  (`.item()` waits for the GPU), and the trusted side checks it against the reference's result on the
  same variant: a wrong or missing checksum fails the test.

The pure functions (`build`, `variant`, `checksum`) are also what the trusted side runs to make the
reference's identical inputs, so both sides hold the same tensors bit for bit.
"""

from __future__ import annotations

import random
from typing import Any

from grader.worker.threads import intra_op_threads

_STAGED: dict[str, Any] = {}
"""The current timed test's base inputs (one test at a time)."""


def handle(server, request: dict) -> dict:
    action = request.get("action")
    if action == "stage":
        return _stage(request)
    if action == "run":
        return _run(server, request)
    raise ValueError(f"unknown timing action {action!r}")


def _stage(request: dict) -> dict:
    import torch

    _STAGED.clear()
    steady_allocator()
    device = str(request.get("device", "cpu"))
    with intra_op_threads(int(request.get("threads", 1))):
        _STAGED.update(specs=request["specs"], device=device,
                       base=build(request["specs"], int(request["seed"]), device))
        if device.startswith("cuda"):
            torch.cuda.synchronize()
    return {"threads": int(request.get("threads", 1)), "device": device}


def _run(server, request: dict) -> dict:
    """Run the learner's function on this request's variant; reply with a checksum of its result.

    Which function ran is a claim of this (the learner's) process, never believed: the trusted side
    checks the checksum against the reference on the same variant, measures the time itself, and a
    timed test pays only in proportion to the exercise's value tests (docs/SANDBOX.md)."""
    import torch

    if not _STAGED:
        raise RuntimeError("no inputs were staged for this timed test")
    fn = server._function(request["name"]) if request.get("name") else None
    kwargs = {str(k): v for k, v in (request.get("kwargs") or {}).items()}
    with intra_op_threads(int(request.get("threads", 1))) as threads:
        args = variant(_STAGED["base"], _STAGED["specs"], int(request["seed"]))
        if fn is None:  # the empty request: same preparation, same kind of reply, no learner code
            first = next(a for a in args if isinstance(a, torch.Tensor))
            return {"checksum": checksum(first[:1]), "threads": threads}
        result = fn(*args, **kwargs)
        if isinstance(result, (int, float)) and not isinstance(result, bool):
            result = torch.tensor(float(result), dtype=torch.float64)  # a metric's Python number
        return {"checksum": checksum(result), "threads": threads}


# -- shared by both sides ---------------------------------------------------------------------
TRIM_THRESHOLD = 256 << 20
"""Free heap memory glibc keeps instead of giving it back to the system (bytes)."""
MMAP_THRESHOLD = 32 << 20
"""Allocations below this come from the heap, not from a fresh mapping (glibc's largest setting)."""
_steady = False


def steady_allocator() -> bool:
    """Make glibc reuse freed memory for tensors of the timed sizes (both sides call it once).

    By default a tensor of a few MB is a fresh mapping whose pages fault in on first touch, and
    glibc moves that threshold as it goes: the cost of those faults varies tenfold from process to
    process on a virtual machine, and dwarfs cheap operations such as `sigmoid_range`. With fixed
    thresholds, after the warm-up calls every allocation reuses pages that are already there, in the
    trusted process and in the worker alike. No-op where the C library is not glibc.
    """
    global _steady
    if not _steady:
        try:
            import ctypes

            libc = ctypes.CDLL(None)
            M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
            _steady = bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
                           and libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
        except (OSError, AttributeError):
            _steady = False
    return _steady


def build(specs: list[dict], seed: int, device: str) -> list:
    """The base inputs described by `specs`, from `seed` (the same values in any process).

    A spec is `{"kind": "uniform", "shape": [r, c], "low": -4, "high": 4, "vary": True}` (floats),
    `{"kind": "binary", "shape": [r, c], "p": 0.4}` (0./1. floats), `{"kind": "labels", "shape": [r],
    "classes": c}` (int64 class indices in [0, c)), or `{"kind": "value", "value": 2.0}`.
    Values are drawn on the device by its own generator (the same seed gives the same values in any
    process on the same device), so large GPU inputs need no copy from the CPU.
    """
    import torch

    g = torch.Generator(device=device).manual_seed(seed)
    out = []
    for spec in specs:
        kind = spec["kind"]
        if kind == "value":
            out.append(spec["value"])
            continue
        shape = tuple(int(n) for n in spec["shape"])
        if kind == "uniform":
            low, high = float(spec["low"]), float(spec["high"])
            tensor = torch.rand(shape, generator=g, device=device) * (high - low) + low
        elif kind == "binary":
            tensor = (torch.rand(shape, generator=g, device=device) < float(spec["p"])).float()
        elif kind == "labels":
            tensor = torch.randint(0, int(spec["classes"]), shape, generator=g, device=device)
        else:
            raise ValueError(f"unknown input kind {kind!r}")
        out.append(tensor)
    return out


def variant_params(seed: int, rows: int) -> tuple[int, float, float]:
    """Roll, scale and shift of the variant named by `seed`."""
    rng = random.Random(seed)
    return rng.randrange(rows), rng.uniform(0.75, 1.25), rng.uniform(-1.0, 1.0)


def variant(base: list, specs: list[dict], seed: int) -> list:
    """New inputs for one repetition: every `vary` tensor rolled along its rows, rescaled and shifted.

    Rolling pairs each row with other targets; the scale and shift change every value: a result cannot
    be looked up from an earlier call, nor computed ahead from the staged inputs.
    """
    import torch

    out = []
    for value, spec in zip(base, specs):
        if spec.get("vary"):
            shift, scale, offset = variant_params(seed, value.shape[0])
            value = torch.roll(value, shifts=shift, dims=0).mul_(scale).add_(offset)
        out.append(value)
    return out


def checksum(result: Any) -> dict:
    """What the trusted side compares: the result's type, shape, and sum (float64)."""
    import torch

    if not isinstance(result, torch.Tensor) or result.is_complex():
        return {"type": type(result).__name__}
    total = result.detach().sum(dtype=torch.float64).item()  # waits for the device to finish
    return {"type": "Tensor", "shape": list(result.shape), "sum": float(total)}
