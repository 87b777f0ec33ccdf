"""Timed tests: the learner's speed as a ratio against the reference, measured by the trusted side.

A suite declares a `TimedCase` (function, reference, budget, inputs, sizes per device) and calls
`check_speed` from a test marked `@pytest.mark.timed`. The learner's function runs in the worker (op
`time`, `grader/worker/ops/time.py`); this process measures the wall-clock time of each synchronous
request, minus the overhead of an empty request, and times the reference on the same inputs itself
(`grader/suite/timing_measure.py`). This module holds the declarations, the device and size choices,
and the verdict.

Why it can be trusted: no clock of the worker is read (patching `time.perf_counter` or
`torch.cuda.synchronize` there changes nothing); every repetition uses a new variant of the inputs
named by an unguessable seed (nothing to cache); each reply carries a checksum of the result, which
cannot be produced before the computation finished and is checked against the reference's result; the
overhead subtracted is capped by what this process measures for the same preparation; CPU used by the
worker's processes between requests (to slow the reference down) voids the timing. Repetitions of
the empty request, the learner and the reference are interleaved, so a busy machine slows all three.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from grader.results import Fault
from grader.worker.threads import intra_op_threads

VECTORISE = ("Your function is correct but far slower than the reference: vectorise: use whole-tensor "
             "operations instead of a Python loop over rows or elements (e.g. `torch.where`, "
             "comparisons and `.mean()` on the whole tensor).")

CUTOFF = 3.0
"""A timed call slower than CUTOFF x budget x reference, right after a call as slow, ends the
measurement: the verdict is decided. (A warm-up call alone never does: it may pay for lazy
initialisation; nor does one call alone: a loaded machine can pause any process.)"""
STOP_FLOOR_S = 0.2
"""...and longer than this: a loaded machine can pause any process for tens of milliseconds."""
OVERHEAD_ALLOWANCE = 0.25
"""The empty request's time subtracted is at most the preparation this process measured plus this
fraction of the reference's time (so a worker that slows its empty requests gains almost nothing)."""
BACKGROUND_ALLOWANCE = (0.03, 0.05)
"""CPU seconds the worker's processes may use outside its requests: a constant plus a fraction of the
measurement's wall time. Honest code uses none: it only waits for the next request."""
QUIET_ALLOWANCE = (0.002, 0.2)
"""CPU seconds the worker's cgroup may use between its last reply and the end of a timing of the
reference (a constant plus a fraction of that time): a process or thread left working uses about all
of it; an idle worker, none."""
QUIET_SETTLE_S = 0.012
"""Seconds since the worker's reply before the quiet check (CPU is accounted at scheduler ticks)."""
MIN_CALL_TIMEOUT = 2.0
"""Seconds a timed call may always take, however fast the reference (first calls, a loaded machine)."""
GPU_TENSORS = 24
"""Input-sized float tensors the GPU must hold at once (inputs, variants and intermediates, both sides)."""
THREADS = 1
"""Intra-op CPU threads on both sides while timing: on a shared machine, OpenMP threads waiting for
each other make times swing tenfold; one thread each measures the work itself."""


@dataclass(frozen=True)
class DevicePlan:
    """How to time on one kind of device."""

    target_s: float
    """The reference should take at least this long (well above timer and request overhead)."""
    max_elements: int
    """Largest input (elements per tensor) the sizes may grow to, to reach `target_s`."""
    warmup: int
    """Untimed calls of each side first (lazy initialisation, caches, kernel selection)."""
    repeats: int
    """Timed repetitions; the median of each side is kept."""


PLANS = {
    "cpu": DevicePlan(target_s=0.002, max_elements=1 << 22, warmup=1, repeats=7),
    "cuda": DevicePlan(target_s=0.001, max_elements=1 << 26, warmup=3, repeats=15),
}


@dataclass(frozen=True)
class TimedCase:
    """One function's timed test: what to call, on what, and how much slower than the reference is fine."""

    name: str
    """The learner's function."""
    reference: Callable[..., Any]
    """The reference implementation, timed in this process."""
    budget: float
    """Largest passing ratio learner_time / reference_time."""
    inputs: Callable[[int, int], list[dict]]
    """Input specs (see `grader.worker.ops.time.build`) for `rows` x `cols`."""
    sizes: dict[str, tuple[int, int]]
    """Starting (rows, cols) per device (`cpu`, `cuda`); rows double until the reference is measurable."""
    kwargs: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments of every call (plain JSON values)."""
    misconceptions: tuple = ()
    """Misconceptions named when the correctness check before timing fails."""


@dataclass
class Measurement:
    """What one timed test measured, and its verdict."""

    budget: float
    """Largest passing ratio (the case's)."""
    device: str
    """Where both sides ran, for people (`CPU, 1 thread` or the GPU's name)."""
    sizes: str
    """Shape of the timed inputs."""
    learner_s: list[float] = field(default_factory=list)
    """The learner's times, overhead subtracted (one per timed repetition)."""
    reference_s: list[float] = field(default_factory=list)
    """The reference's times on the same inputs."""
    overhead_s: float = 0.0
    """Time subtracted from each learner request (the empty request's, capped)."""
    stopped: str | None = None
    """Why the measurement ended early (far over budget, or a timeout), else None."""
    wrong: str | None = None
    """Set when a result's checksum did not match the reference's."""
    fault: Fault | None = None
    """Set when the learner's function raised or died while timed."""
    background_s: float = 0.0
    """CPU seconds the worker's processes used between requests (slowing this process's reference)."""
    background: bool = False
    """Set when `background_s` is over the allowance: the ratio cannot be believed."""
    busy: str | None = None
    """Why the worker was not quiet when the reference was to be timed (the measurement stopped)."""

    @property
    def ratio(self) -> float:
        ref = statistics.median(self.reference_s) if self.reference_s else math.nan
        mine = statistics.median(self.learner_s) if self.learner_s else math.nan
        return mine / ref if ref > 0 else math.inf

    @property
    def passed(self) -> bool:
        return self.wrong is None and self.fault is None and self.stopped is None and \
            not self.background and self.ratio <= self.budget

    def timing(self) -> dict[str, Any]:
        """The figures a test attaches as `grader_timing` (plain data, for the console and reports)."""
        med = statistics.median
        return {"ratio": round(self.ratio, 3) if math.isfinite(self.ratio) else None,
                "budget": self.budget, "device": self.device, "sizes": self.sizes,
                "learner_s": med(self.learner_s) if self.learner_s else None,
                "reference_s": med(self.reference_s) if self.reference_s else None,
                "repeats": len(self.learner_s), "overhead_s": self.overhead_s, "threads": THREADS,
                "background_s": round(self.background_s, 3),
                "complete": self.stopped is None, **({"stopped": self.stopped} if self.stopped else {})}


# -- device, clock, sizes ------------------------------------------------------------------------
def select_device(requested: str, cuda_available: bool) -> str:
    """`cuda` when the run grades on a GPU and one is usable here, else `cpu`."""
    return "cuda" if requested == "cuda" and cuda_available else "cpu"


def clock_for(device: str, *, synchronize: Callable[[], None] | None = None) -> Callable[[], float]:
    """A clock reading that first waits for the device's queued work (CUDA runs asynchronously)."""
    if device == "cpu":
        return time.perf_counter
    if synchronize is None:
        import torch

        synchronize = torch.cuda.synchronize

    def cuda_clock() -> float:
        synchronize()
        return time.perf_counter()

    return cuda_clock


def device_label(device: str) -> str:
    if device == "cpu":
        return f"CPU, {THREADS} thread" + ("s" if THREADS > 1 else "")
    import torch

    return f"{torch.cuda.get_device_name(0)} (CUDA)"


def grown_rows(rows: int, cols: int, seconds: float, *, target_s: float, max_elements: int) -> int:
    """Rows (doubled as needed) so the reference takes about `target_s`, within `max_elements`."""
    while seconds < target_s and rows * 2 * cols <= max_elements:
        rows, seconds = rows * 2, seconds * 2
    return rows


def max_elements(device: str, plan: DevicePlan) -> int:
    """Elements per input tensor that fit: on a GPU, both processes hold inputs and intermediates."""
    if device == "cpu":
        return plan.max_elements
    import torch

    free, _ = torch.cuda.mem_get_info()
    return min(plan.max_elements, free // (4 * GPU_TENSORS))


def one_thread() -> intra_op_threads:
    """Intra-op threads of this process set to THREADS while timing (put back afterwards)."""
    return intra_op_threads(THREADS)


# -- the test's side ---------------------------------------------------------------------------------
