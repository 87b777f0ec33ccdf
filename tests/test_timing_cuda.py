"""The CUDA timing path: exercised where a GPU is present, skipped with the reason elsewhere; and a
timed case declared for the GPU only is not applicable (no points either way) on a CPU-only run."""

from __future__ import annotations

import pytest
import torch
from conftest import ROOT, SOLUTION

from grader.suite import timing
from grader.suite.context import GradingContext, NotApplicable
from grader.suite.timing import TimedCase, clock_for, select_device
from grader.suite.timing_check import check_speed

NO_GPU = "no CUDA GPU on this machine: the CUDA timing path runs only where one is present"
needs_gpu = pytest.mark.skipif(not torch.cuda.is_available(), reason=NO_GPU)
TIMED = {"binary_cross_entropy", "sigmoid_range", "accuracy_multi"}


class Node:
    """Stands in for `request.node`: where a timed test leaves its figures."""


def gpu_only_case():
    return TimedCase(name="f", reference=lambda x: x, budget=2.0, sizes={"cuda": (1024, 64)},
                     inputs=lambda r, c: [{"kind": "uniform", "shape": [r, c], "low": 0, "high": 1}])


class NoLearner:
    def require(self, name):
        raise AssertionError("a test that is not applicable never reaches the learner")


def test_a_gpu_only_timed_case_is_not_applicable_on_the_cpu(tmp_path):
    grading = GradingContext(NoLearner(), tmp_path, options={"timing": True, "device": "cpu"})
    with pytest.raises(NotApplicable, match="timed on cuda only; this run has cpu"):
        check_speed(NoLearner(), grading, Node(), gpu_only_case())


def test_timing_off_is_not_applicable_before_anything_runs(tmp_path):
    grading = GradingContext(NoLearner(), tmp_path, options={"timing": False, "device": "cuda"})
    with pytest.raises(NotApplicable, match=r"timing is off \(--no-timing\)"):
        check_speed(NoLearner(), grading, Node(), gpu_only_case())


@needs_gpu
def test_cuda_is_selected_and_its_clock_synchronises():
    assert select_device("cuda", torch.cuda.is_available()) == "cuda"
    x = torch.rand(4096, 4096, device="cuda")
    clock = clock_for("cuda")
    start = clock()
    y = x @ x
    elapsed = clock() - start
    assert y.is_cuda and elapsed > 0
    assert timing.max_elements("cuda", timing.PLANS["cuda"]) > 1 << 20
    assert timing.device_label("cuda").endswith("(CUDA)")


@needs_gpu
def test_inputs_on_the_gpu_are_the_same_in_every_build():
    from grader.worker.ops.time import build, variant

    specs = [{"kind": "uniform", "shape": [1024, 64], "low": -4, "high": 4, "vary": True}]
    a, b = build(specs, 5, "cuda"), build(specs, 5, "cuda")
    assert a[0].is_cuda and torch.equal(a[0], b[0])
    assert torch.equal(variant(a, specs, 9)[0], variant(b, specs, 9)[0])


@needs_gpu
def test_the_reference_passes_and_a_row_loop_fails_on_the_gpu(zygote):
    from grader.grading import grade

    result = grade(SOLUTION, zygote=zygote, only=TIMED)
    timed = [t for e in result.exercises for t in e.tests if t.nodeid.endswith("_speed")]
    assert len(timed) == 3
    for test in timed:
        assert test.outcome == "passed", test.message
        assert test.timing["device"].endswith("(CUDA)") and test.timing["ratio"] <= test.timing["budget"]
    slow = grade(ROOT / "tests" / "timing_submissions" / "row_loop_bce.py", zygote=zygote,
                 only={"binary_cross_entropy"})
    test = next(t for t in slow.exercises[0].tests if t.nodeid.endswith("_speed"))
    assert test.outcome == "failed" and test.misconception == "python_loop"
