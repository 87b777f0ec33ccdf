"""The measuring loop of a timed test: requests to the worker timed here, the reference timed here.

Each repetition: an empty request (the overhead: same preparation, no learner code), a new variant of
the inputs prepared here and the reference timed on it, then the learner's function timed on the same
variant in the worker, its checksum checked. The three are interleaved so that a busy machine slows
them alike; medians are kept. Nothing the worker says about time is used, only what this process
measures around its requests; the CPU its processes use between requests is counted (`_Background`).

The reference is timed only on a quiet worker: where the worker has a cgroup (`worker.container`),
before and after each timing of the reference no process of the learner but the worker itself may be
alive, and the group's CPU since the worker's last reply (which counts processes that already exited
and threads of the worker) must stay within `QUIET_ALLOWANCE`. Otherwise the measurement stops and the
timed test fails, saying why: a learner who keeps the machine busy never makes the reference slow.
"""

from __future__ import annotations

import math
import os
import secrets
import statistics
import time
from typing import Any

from grader.suite.timing import (BACKGROUND_ALLOWANCE, CUTOFF, MIN_CALL_TIMEOUT, OVERHEAD_ALLOWANCE,
                                 PLANS, QUIET_ALLOWANCE, QUIET_SETTLE_S, STOP_FLOOR_S, THREADS,
                                 DevicePlan, Measurement, TimedCase, clock_for, device_label,
                                 grown_rows, max_elements, one_thread)
from grader.worker.ops.time import build, checksum, steady_allocator, variant


def session_cpu_seconds(pid: int) -> float | None:
    """CPU seconds used by every process of the worker: its session (threads, children, their reaped
    children) and, when the sandbox gave it a uid of its own, every process of that uid."""
    try:
        uid = os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None
    own_uid = uid != os.getuid()
    ticks = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            mine = int(fields[3]) == pid or (own_uid and os.stat(f"/proc/{name}").st_uid == uid)
        except (OSError, IndexError, ValueError):
            continue
        if mine:
            ticks += sum(int(f) for f in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def same_result(got: Any, want: dict, scale: float) -> bool:
    """Whether the worker's checksum (untrusted data) matches the reference's."""
    if not isinstance(got, dict) or got.get("type") != "Tensor" or got.get("shape") != want["shape"]:
        return False
    value = got.get("sum")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return False
    return abs(value - want["sum"]) <= 1e-5 * scale + 1e-6


def measure(worker, case: TimedCase, *, device: str, timeout: float, stage_timeout: float = 60.0
            ) -> Measurement:
    """Time `case.name` in `worker` against `case.reference` here, interleaved, on `device`."""
    from grader.worker.client import WorkerFault

    plan, clock = PLANS[device], clock_for(device)
    steady_allocator()
    with one_thread():
        rows, cols = case.sizes[device]
        seed = secrets.randbits(62)
        base = build(case.inputs(rows, cols), seed, device)
        for _ in range(max(1, plan.warmup)):
            once_s, _ = _time_reference(case, variant(base, case.inputs(rows, cols), 1), clock)
        grown = grown_rows(rows, cols, once_s, target_s=plan.target_s,
                           max_elements=max_elements(device, plan))
        if grown != rows:
            rows, base = grown, build(case.inputs(grown, cols), seed, device)
        specs = case.inputs(rows, cols)
        m = Measurement(budget=case.budget, device=device_label(device), sizes=f"{rows}x{cols}")
        try:
            _request(worker, {"action": "stage", "specs": specs, "seed": seed, "device": device},
                     stage_timeout, "preparing the timed inputs")
            with _Background(worker, m) as background:
                _measure_loop(worker, case, m, plan, clock, base, specs, timeout, background)
        except WorkerFault as exc:
            m.fault = exc.fault
        except _Busy as busy:
            m.background, m.busy = True, str(busy)
        except _Stop as stop:
            m.stopped = str(stop)
    return m


class _Background:
    """Counts the CPU the worker's processes use outside its requests while the loop runs.

    Between requests the worker only waits; CPU used then (a thread or child process left spinning)
    would slow the reference timed here and flatter the ratio, so past the allowance it voids it.
    With a cgroup, the count is the group's (exited processes included) and `check_quiet` is exact;
    without one, the worker's session and uid are sampled at the start and the end only.
    """

    def __init__(self, worker, m: Measurement):
        self.pid, self.m = getattr(worker, "pid", None), m
        container = getattr(worker, "container", None)
        self.container = container if container is not None and container.cpu_seconds() is not None \
            else None
        self.inside = 0.0
        self.last_reply: tuple[float, float] | None = None
        """(group CPU seconds, perf_counter) when the worker last replied."""

    def _total(self) -> float | None:
        if self.container is not None:
            return self.container.cpu_seconds()
        return session_cpu_seconds(self.pid) if self.pid else None

    def __enter__(self) -> "_Background":
        self.start_cpu = self._total()
        self.start = time.perf_counter()
        return self

    def request_cpu(self) -> float | None:
        if self.start_cpu is None:
            return None
        if self.container is not None:
            return self.container.cpu_seconds()
        from grader.worker.client import process_cpu_seconds

        return process_cpu_seconds(self.pid) if self.pid else None

    def replied(self, cpu: float | None) -> None:
        """The worker just answered; `cpu`: the group's CPU seconds then."""
        if self.container is not None and cpu is not None:
            self.last_reply = (cpu, time.perf_counter())

    def check_quiet(self, *, settle: bool = False) -> None:
        """Raise _Busy unless the worker is alone in its group and idle since its last reply.

        `settle`: first let QUIET_SETTLE_S pass since the reply: the kernel adds a running thread's
        CPU to the group's account at scheduler ticks, so a shorter window could miss it."""
        if self.container is None or self.pid is None:
            return
        if settle and self.last_reply is not None:
            left = QUIET_SETTLE_S - (time.perf_counter() - self.last_reply[1])
            if left > 0:
                time.sleep(left)
        others = set(self.container.processes()) - {self.pid}
        if others:
            raise _Busy(f"{len(others)} process{'es' if len(others) > 1 else ''} started by your code "
                        "kept running between calls")
        if self.last_reply is None:
            return
        used, wall = self._since_reply()
        if used > self._allowed(wall) and settle:
            # The CPU the call itself used can reach the group's account a tick late, once per thread
            # that ran it (a GPU worker's driver threads, many cores): an honest worker then looks busy
            # right after its reply. A second window, begun after that lag, tells a late account from
            # a thread left running, which keeps using CPU in it too.
            self.last_reply = (self.container.cpu_seconds() or 0.0, time.perf_counter())
            time.sleep(QUIET_SETTLE_S)
            used, wall = self._since_reply()
        if used > self._allowed(wall):
            self.m.background_s = max(self.m.background_s, used)
            raise _Busy(f"your code used {used * 1e3:.0f} ms of CPU between calls (in "
                        f"{wall * 1e3:.0f} ms after its function had returned)")

    def _since_reply(self) -> tuple[float, float]:
        """CPU seconds the group used, and wall seconds, since the last reply (or re-baseline)."""
        cpu = self.container.cpu_seconds()
        return (cpu or 0.0) - self.last_reply[0], time.perf_counter() - self.last_reply[1]

    @staticmethod
    def _allowed(wall: float) -> float:
        constant, fraction = QUIET_ALLOWANCE
        return constant + fraction * wall

    def __exit__(self, *exc) -> None:
        end = self._total() if self.start_cpu is not None else None
        if end is None:
            return
        self.m.background_s = max(self.m.background_s, end - self.start_cpu - self.inside, 0.0)
        if self.container is not None:
            # With a cgroup, every timing of the reference was checked quiet before and after
            # (`check_quiet`): that is the verdict. This sum would only add the CPU of each call that
            # reached the group's account after its reply was read (a tick per thread: many on a GPU),
            # and once voided the shipped solution's timing on an H200.
            return
        constant, fraction = BACKGROUND_ALLOWANCE
        over = self.m.background_s > constant + fraction * (time.perf_counter() - self.start)
        self.m.background = self.m.background or over


class _Stop(Exception):
    """The measurement ended early; the verdict is already decided (too slow)."""


class _Busy(Exception):
    """The worker was not quiet when the reference was to be timed; the timing cannot be believed."""


def _measure_loop(worker, case, m: Measurement, plan: DevicePlan, clock, base, specs, timeout,
                  background: "_Background") -> None:
    from grader.worker.client import WorkerFault

    med = statistics.median
    raws, empties, preps, refs = [], [], [], []
    previous_s = math.inf  # the call before this one: two slow calls in a row end the measurement
    count, planned = 0, plan.warmup + plan.repeats
    while count < planned:
        warm = count < plan.warmup
        empty_s, _ = _request(worker, _run_message(case, None), timeout, "timing the empty request",
                              background)
        seed = secrets.randbits(62)
        start = clock()
        args = variant(base, specs, seed)
        prep_s = clock() - start
        background.check_quiet(settle=True)
        ref_s, want = _time_reference(case, args, clock)
        background.check_quiet()
        scale = float(want.pop("scale"))
        budget_s = case.budget * ref_s * CUTOFF
        call_timeout = min(timeout, max(MIN_CALL_TIMEOUT, 2 * budget_s))
        start = time.perf_counter()
        try:
            raw_s, reply = _request(worker, _run_message(case, seed), call_timeout,
                                    f"timing `{case.name}`", background)
        except WorkerFault as exc:
            if exc.fault.kind != "timeout":
                raise
            m.overhead_s = min(med(empties or [empty_s]), prep_s + OVERHEAD_ALLOWANCE * ref_s)
            m.learner_s = [time.perf_counter() - start - m.overhead_s]
            m.reference_s = refs or [ref_s]
            raise _Stop(f"it did not finish within {call_timeout:.1f} s and was stopped") from None
        if not same_result(reply.get("checksum"), want, scale):
            m.wrong = _difference(reply.get("checksum"), want)
            return
        if not warm:
            raws.append(raw_s), empties.append(empty_s), preps.append(prep_s), refs.append(ref_s)
        overhead = min(med(empties or [empty_s]),
                       med(preps or [prep_s]) + OVERHEAD_ALLOWANCE * med(refs or [ref_s]))
        slowest = min(raw_s, previous_s) - overhead
        if not warm and slowest > max(CUTOFF * case.budget * med(refs), STOP_FLOOR_S):
            m.learner_s, m.reference_s = [raw_s - overhead], refs
            m.overhead_s = overhead
            raise _Stop("far over budget, so the measurement stopped there")
        previous_s = raw_s
        count += 1
        if count == planned and planned < plan.warmup + 3 * plan.repeats:
            ratio = (med(raws) - overhead) / med(refs)
            if 2 / 3 <= ratio / case.budget <= 3 / 2:  # close to the line: measure more
                planned += plan.repeats
    m.overhead_s = overhead
    m.learner_s = [max(raw - overhead, 1e-9) for raw in raws]
    m.reference_s = refs


def _run_message(case: TimedCase, seed: int | None) -> dict:
    """A `run` request: the learner's function on variant `seed`, or the empty request (no seed)."""
    return {"action": "run", "name": case.name if seed is not None else None,
            "seed": seed if seed is not None else secrets.randbits(62), "kwargs": case.kwargs}


def _request(worker, message: dict, timeout: float, during: str,
             background: "_Background | None" = None) -> tuple[float, dict]:
    """Send one `time` request; its wall-clock seconds measured here, and the reply."""
    from grader.worker.client import WorkerFault, _fault_from_error

    message = {"op": "time", "threads": THREADS, **message}
    cpu = background.request_cpu() if background else None
    start = time.perf_counter()
    try:
        reply = worker.request(message, timeout, during=during)
        seconds = time.perf_counter() - start
    finally:
        after = background.request_cpu() if cpu is not None else None
        if after is not None:
            background.inside += after - cpu
            background.replied(after)
    if not reply.get("ok"):
        raise WorkerFault(_fault_from_error(reply.get("error") or {}))
    return seconds, reply


def _time_reference(case: TimedCase, args: list, clock) -> tuple[float, dict]:
    """The reference's time on `args` (its checksum included, as in the worker) and that checksum."""
    start = clock()
    out = case.reference(*args, **case.kwargs)
    want = checksum(out)
    seconds = clock() - start
    import torch

    want["scale"] = float(out.detach().abs().sum(dtype=torch.float64).item())
    return seconds, want


def _difference(got: Any, want: dict) -> str:
    if not isinstance(got, dict) or got.get("type") != "Tensor":
        kind = got.get("type") if isinstance(got, dict) else None
        return f"it returned a {kind or 'value that is not a tensor'} on the timed inputs"
    if got.get("shape") != want["shape"]:
        return (f"on the timed inputs it returned shape {tuple(got.get('shape') or ())}, "
                f"the reference {tuple(want['shape'])}")
    return "on the timed inputs its result differs from the reference's"


