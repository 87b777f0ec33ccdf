"""The timing machinery piece by piece: inputs and variants, checksums, device and clock selection,
sizes, and the measurement loop against a worker served in this process (with controlled delays)."""

from __future__ import annotations

import time

import pytest
import torch

from grader.results import Fault
from grader.suite import timing
from grader.suite.timing import DevicePlan, Measurement, TimedCase, clock_for, grown_rows, select_device
from grader.suite.timing_measure import measure, same_result
from grader.worker.client import WorkerFault
from grader.worker.ops.time import build, checksum, variant, variant_params
from grader.worker.server import Server

SPECS = [{"kind": "uniform", "shape": [64, 8], "low": -4, "high": 4, "vary": True},
         {"kind": "binary", "shape": [64, 8], "p": 0.4}]


def mean_sigmoid(x, t):
    return (x.sigmoid() * t).mean()


def case(budget=4.0, reference=mean_sigmoid, rows=8192, cols=64):
    return TimedCase(name="f", reference=reference, budget=budget, sizes={"cpu": (rows, cols)},
                     inputs=lambda r, c: [{"kind": "uniform", "shape": [r, c], "low": -4, "high": 4,
                                           "vary": True}, {"kind": "binary", "shape": [r, c], "p": 0.4}])


class LocalWorker:
    """A `Worker` stand-in: the real request handler (and op `time`) served in this process.

    `slow_call`/`slow_empty` add seconds to the learner's requests / the empty ones, as a submission
    that spends time there (or pretends to) would.
    """

    def __init__(self, fn, *, slow_call=0.0, slow_empty=0.0, timeout_after=None):
        self.server = Server(None, {"f": fn})
        self.slow_call, self.slow_empty, self.timeout_after = slow_call, slow_empty, timeout_after
        self.calls = 0

    def request(self, message, timeout=None, during=""):
        if message.get("action") == "run":
            if message.get("name"):
                self.calls += 1
                if self.timeout_after is not None and self.calls > self.timeout_after:
                    time.sleep(0.05)
                    raise WorkerFault(Fault("timeout", f"{during} did not finish"))
                time.sleep(self.slow_call)
            else:
                time.sleep(self.slow_empty)
        return self.server.handle({**message, "id": "1"})


# -- inputs, variants, checksums -----------------------------------------------------------------
def test_build_is_the_same_for_the_same_seed_and_differs_otherwise():
    a, b, c = build(SPECS, 7, "cpu"), build(SPECS, 7, "cpu"), build(SPECS, 8, "cpu")
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])
    assert a[0].min() >= -4 and a[0].max() <= 4
    assert set(a[1].unique().tolist()) == {0.0, 1.0}
    assert build([{"kind": "value", "value": 2.5}], 1, "cpu") == [2.5]
    with pytest.raises(ValueError):
        build([{"kind": "nonsense", "shape": [2]}], 1, "cpu")


def test_every_variant_has_new_values_and_leaves_the_staged_inputs_alone():
    base = build(SPECS, 3, "cpu")
    before = [t.clone() for t in base]
    one, again, other = variant(base, SPECS, 11), variant(base, SPECS, 11), variant(base, SPECS, 12)
    assert torch.equal(one[0], again[0]), "both sides build the same variant from the same seed"
    assert not torch.equal(one[0], other[0]) and not torch.equal(one[0], base[0])
    assert one[1] is base[1], "only `vary` inputs change"
    assert all(torch.equal(b, a) for b, a in zip(before, base))
    shift, scale, offset = variant_params(11, 64)
    assert torch.equal(one[0], torch.roll(base[0], shift, 0) * scale + offset)


def test_the_loss_of_a_variant_cannot_be_looked_up_from_another():
    base = build(SPECS, 3, "cpu")
    losses = {round(float(mean_sigmoid(*variant(base, SPECS, seed))), 6) for seed in range(20)}
    assert len(losses) == 20


def test_checksum_and_its_comparison():
    out = torch.tensor([[1.0, 2.0], [3.0, 4.5]])
    want = checksum(out)
    assert want == {"type": "Tensor", "shape": [2, 2], "sum": 10.5}
    assert checksum([1, 2]) == {"type": "list"}
    assert same_result(checksum(out + 1e-9), want, scale=10.5)
    assert not same_result(checksum(out + 0.01), want, scale=10.5)
    assert not same_result(checksum(out.reshape(4)), want, scale=10.5)
    for junk in (None, "x", [], {"type": "Tensor", "shape": [2, 2], "sum": "10.5"},
                 {"type": "Tensor", "shape": [2, 2], "sum": float("nan")},
                 {"type": "Tensor", "shape": [2, 2], "sum": True}, {"type": "Tensor", "shape": [2, 2]}):
        assert not same_result(junk, want, scale=10.5), junk


# -- device, clock, sizes --------------------------------------------------------------------------
def test_device_selection():
    assert select_device("cuda", True) == "cuda"
    assert select_device("cuda", False) == "cpu", "a CUDA run on a machine without one times on the CPU"
    assert select_device("cpu", True) == "cpu", "a CPU run stays on the CPU even where a GPU exists"


def test_cuda_clock_waits_for_the_device_before_reading_the_time():
    synced = []
    clock = clock_for("cuda", synchronize=lambda: synced.append(time.perf_counter()))
    reading = clock()
    assert len(synced) == 1 and synced[0] <= reading
    assert clock_for("cpu") is time.perf_counter


def test_sizes_grow_until_the_reference_is_measurable_within_the_cap():
    assert grown_rows(1024, 64, 0.0005, target_s=0.002, max_elements=1 << 22) == 4096
    assert grown_rows(1024, 64, 0.01, target_s=0.002, max_elements=1 << 22) == 1024
    assert grown_rows(1024, 64, 1e-7, target_s=0.002, max_elements=1 << 20) == 16384
    assert timing.max_elements("cpu", timing.PLANS["cpu"]) == timing.PLANS["cpu"].max_elements


def test_plans_exist_for_both_devices():
    assert set(timing.PLANS) == {"cpu", "cuda"}
    assert all(p.repeats >= 5 and p.warmup >= 1 for p in timing.PLANS.values())


def test_timing_figures_are_plain_and_complete():
    m = Measurement(budget=10.0, device="CPU, 1 thread", sizes="16x4", learner_s=[0.2, 0.3, 0.1],
                    reference_s=[0.1, 0.1, 0.1], overhead_s=0.01)
    figures = m.timing()
    assert {"ratio", "budget", "device", "sizes", "learner_s", "reference_s", "repeats"} <= set(figures)
    assert figures["ratio"] == pytest.approx(2.0) and figures["repeats"] == 3 and figures["complete"]
    assert m.passed
    assert not Measurement(budget=1.5, device="", sizes="", learner_s=[0.2], reference_s=[0.1]).passed


# -- the measurement loop --------------------------------------------------------------------------
@pytest.fixture
def quick_plan(monkeypatch):
    monkeypatch.setitem(timing.PLANS, "cpu", DevicePlan(target_s=0.0, max_elements=1 << 20, warmup=1,
                                                        repeats=5))


@pytest.mark.usefixtures("quick_plan")
def test_the_reference_itself_passes_with_a_ratio_near_one():
    m = measure(LocalWorker(mean_sigmoid), case(), device="cpu", timeout=5.0)
    assert m.wrong is None and m.fault is None and m.stopped is None
    assert len(m.learner_s) == len(m.reference_s) >= 5
    assert m.passed and m.ratio < 4.0
    assert m.sizes == "8192x64" and m.overhead_s > 0


@pytest.mark.usefixtures("quick_plan")
def test_a_wrong_result_is_caught_by_its_checksum():
    m = measure(LocalWorker(lambda x, t: (x.sigmoid() * t).mean() * 1.01), case(), device="cpu", timeout=5)
    assert m.wrong and "differs" in m.wrong and not m.passed


@pytest.mark.usefixtures("quick_plan")
def test_a_cached_result_is_wrong_for_the_next_variant():
    cache = []

    def cached(x, t):
        if not cache:
            cache.append(mean_sigmoid(x, t))
        return cache[0]

    m = measure(LocalWorker(cached), case(), device="cpu", timeout=5)
    assert m.wrong and not m.passed


@pytest.mark.usefixtures("quick_plan")
def test_a_python_number_is_timed_as_its_value_and_a_wrong_one_is_wrong():
    """The speed test accepts the forms the value tests accept (a metric may be a Python float: the
    exercise's value tests decide whether that form earns anything); its value must still be right."""
    right = measure(LocalWorker(lambda x, t: float(mean_sigmoid(x, t))), case(), device="cpu", timeout=5)
    assert right.wrong is None
    wrong = measure(LocalWorker(lambda x, t: float(mean_sigmoid(x, t)) + 1.0), case(), device="cpu",
                    timeout=5)
    assert wrong.wrong


@pytest.mark.usefixtures("quick_plan")
def test_time_spent_in_the_worker_counts():
    ref_s = measure(LocalWorker(mean_sigmoid), case(), device="cpu", timeout=5).reference_s
    slow = 20 * max(sorted(ref_s)[len(ref_s) // 2], 0.002)
    m = measure(LocalWorker(mean_sigmoid, slow_call=slow), case(budget=4.0), device="cpu", timeout=5)
    assert not m.passed and m.ratio > 4.0


@pytest.mark.usefixtures("quick_plan")
def test_slow_empty_requests_buy_almost_nothing():
    """A worker that makes its empty requests slow, to have more subtracted, gains at most a quarter
    of the reference's time: a learner 20x slower still fails a 4x budget."""
    ref_s = measure(LocalWorker(mean_sigmoid), case(), device="cpu", timeout=5).reference_s
    slow = 20 * max(sorted(ref_s)[len(ref_s) // 2], 0.002)
    m = measure(LocalWorker(mean_sigmoid, slow_call=slow, slow_empty=slow), case(budget=4.0),
                device="cpu", timeout=5)
    assert not m.passed and m.ratio > 4.0
    assert m.overhead_s < slow / 2


@pytest.mark.usefixtures("quick_plan")
def test_far_too_slow_stops_after_one_call():
    worker = LocalWorker(mean_sigmoid, slow_call=0.3)
    m = measure(worker, case(budget=2.0, rows=256, cols=8), device="cpu", timeout=5)
    assert not m.passed and m.stopped and "far over budget" in m.stopped
    assert worker.calls == 2 and len(m.learner_s) == 1, "one warm-up call, then one timed call"


@pytest.mark.usefixtures("quick_plan")
def test_a_timeout_ends_the_measurement_with_a_lower_bound():
    m = measure(LocalWorker(mean_sigmoid, timeout_after=1), case(), device="cpu", timeout=5)
    assert m.stopped and "did not finish" in m.stopped and not m.passed
    assert m.learner_s and m.reference_s


@pytest.mark.usefixtures("quick_plan")
def test_a_raising_function_is_a_fault():
    def broken(x, t):
        raise ValueError("nope")

    m = measure(LocalWorker(broken), case(), device="cpu", timeout=5)
    assert m.fault is not None and m.fault.kind == "ValueError" and not m.passed


@pytest.mark.usefixtures("quick_plan")
def test_the_worker_runs_with_the_same_thread_count_and_restores_its_own():
    worker = LocalWorker(mean_sigmoid)
    saved = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        worker.request({"op": "time", "action": "stage", "specs": SPECS, "seed": 1, "device": "cpu",
                        "threads": 1})
        seen = []
        worker.server.namespace["f"] = lambda x, t: (seen.append(torch.get_num_threads()),
                                                     mean_sigmoid(x, t))[1]
        reply = worker.request({"op": "time", "action": "run", "name": "f", "seed": 5, "threads": 1})
        assert reply["ok"] and reply["threads"] == 1 and seen == [1]
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(saved)


@pytest.mark.usefixtures("quick_plan")
def test_run_before_stage_and_unknown_actions_are_errors():
    from grader.worker.ops import time as op

    op._STAGED.clear()
    worker = LocalWorker(mean_sigmoid)
    assert not worker.request({"op": "time", "action": "run", "name": "f", "seed": 1})["ok"]
    assert not worker.request({"op": "time", "action": "explode"})["ok"]


# -- work between requests -----------------------------------------------------------------------
class CountingWorker:
    """A worker whose CPU figures the test sets: each request uses 0.5 s of the worker's own CPU."""

    pid = 4242

    def __init__(self, cpu):
        self.cpu = cpu

    def request(self, message, timeout=None, during=""):
        self.cpu["worker"] += 0.5
        self.cpu["session"] += 0.5
        return {"ok": True}


@pytest.mark.parametrize("between, voided", [(0.0, False), (0.01, False), (0.2, True)])
def test_cpu_used_between_requests_past_the_allowance_voids_the_timing(monkeypatch, between, voided):
    from grader.suite import timing_measure
    from grader.worker import client

    cpu = {"session": 10.0, "worker": 5.0}
    monkeypatch.setattr(timing_measure, "session_cpu_seconds", lambda pid: cpu["session"])
    monkeypatch.setattr(client, "process_cpu_seconds", lambda pid: cpu["worker"])
    m = Measurement(budget=2.0, device="", sizes="", learner_s=[1.0], reference_s=[1.0])
    worker = CountingWorker(cpu)
    with timing_measure._Background(worker, m) as background:
        for _ in range(3):
            timing_measure._request(worker, {"action": "run"}, 1.0, "x", background)
            cpu["session"] += between  # a child process (or thread) working while the worker waits
    assert m.background_s == pytest.approx(3 * between)
    assert m.background is voided and m.passed is not voided


def test_session_cpu_counts_child_processes(tmp_path):
    import subprocess
    import sys

    from grader.suite.timing_measure import session_cpu_seconds
    from grader.worker.client import process_cpu_seconds

    script = ("import os, sys, time\n"
              "if os.fork() == 0:\n"
              "    while time.process_time() < 0.4:\n"  # /proc counts whole ticks: room above 0.3
              "        pass\n"
              "    os._exit(0)\n"
              "os.wait()\n"
              "print('done', flush=True)\n"
              "time.sleep(30)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "done"
        assert session_cpu_seconds(proc.pid) >= 0.3
        assert process_cpu_seconds(proc.pid) < 0.3, "the parent alone did not do that work"
    finally:
        proc.kill()
        proc.wait()
    assert session_cpu_seconds(proc.pid) is None


FAULTS_PROBE = """
import ctypes, resource, sys, torch
from grader.worker.ops.time import steady_allocator
torch.set_num_threads(1)
ctypes.CDLL(None).mallopt(-3, 128 * 1024)  # glibc's starting point: 4 MB tensors are fresh mappings
if sys.argv[1] == "steady":
    assert steady_allocator() and steady_allocator()  # once is enough; a second call is harmless
x = torch.rand(2048, 512)  # 4 MB, like a timed input
for _ in range(5):  # the warm-up calls
    (x.sigmoid() * 4 - 1).sum()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(40):
    (x.sigmoid() * 4 - 1).sum()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="glibc's allocator only")
def test_steady_allocator_stops_page_faults_on_timed_sizes():
    """From glibc's starting point every 4 MB result is a fresh mapping that faults in page by page
    (40 calls x 2 results x 1024 pages); after steady_allocator() the calls after the warm-up reuse
    pages already there. (Left alone, glibc moves its threshold as it goes: sometimes the faults
    stop, sometimes not, which is the noise this removes.)"""
    import subprocess
    import sys

    def faults(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", FAULTS_PROBE, mode], capture_output=True, text=True,
                              check=True)
        return int(done.stdout.split()[-1])

    default, steady = faults("default"), faults("steady")
    assert default > 40 * 1024 and steady * 20 < default, (default, steady)
