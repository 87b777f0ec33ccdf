"""Speed (issue 5): the learner's vectorised code against the reference, on inputs large enough to time.

Each budget is the largest passing ratio learner_time / reference_time, measured in the same run on
the same inputs (see `grader.suite.timing`). They are wide on purpose: the book's own code passes
with room to spare, and a Python loop over rows or elements fails by far more (figures in
`benchmarks/timing_stability.py`).
"""

import pytest
import torch

from grader.suite.timing import TimedCase
from grader.suite.timing_check import check_speed
from grader.chapters.ch6.misconceptions import ACCURACY, BCE, SIGMOID_RANGE

SIZES = {"cpu": (16384, 64), "cuda": (65536, 256)}
"""Starting (rows, cols): a row loop costs per row, so many rows of a typical width."""


def activations(low, high):
    return lambda rows, cols: {"kind": "uniform", "shape": [rows, cols], "low": low, "high": high,
                               "vary": True}


def targets(rows, cols):
    return {"kind": "binary", "shape": [rows, cols], "p": 0.4}


def bce_reference(inputs, targets):
    """The book's vectorised formulation, not `binary_cross_entropy_with_logits`: speed is judged
    against plain element-wise PyTorch. The fused kernel's speed relative to element-wise operations
    swings sixfold on one machine from one process to the next (its `log1p` path: 2 to 19 ms where
    `torch.where` takes 6 to 11 ms, measured for issue 5), which would decide a verdict by luck."""
    p = inputs.sigmoid()
    return -torch.where(targets == 1, p, 1 - p).log().mean()


def sigmoid_range_reference(x, lo, hi):
    return x.sigmoid() * (hi - lo) + lo


def accuracy_reference(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid:
        inp = inp.sigmoid()
    return ((inp > thresh) == targ.bool()).float().mean()


BCE_TIMED = TimedCase(
    name="binary_cross_entropy", reference=bce_reference, budget=10.0, sizes=SIZES,
    inputs=lambda r, c: [activations(-4, 4)(r, c), targets(r, c)], misconceptions=BCE)
"""Timed against the book's formulation on inputs |x| <= 4 (where it is exact); other vectorised
formulations (logsigmoid, BCE on probabilities) take up to a few times as long."""

SIGMOID_RANGE_TIMED = TimedCase(
    name="sigmoid_range", reference=sigmoid_range_reference, budget=8.0, sizes=SIZES,
    inputs=lambda r, c: [activations(-4, 4)(r, c), {"kind": "value", "value": -1.0},
                         {"kind": "value", "value": 3.0}], misconceptions=SIGMOID_RANGE)

ACCURACY_TIMED = TimedCase(
    name="accuracy_multi", reference=accuracy_reference, budget=8.0, sizes=SIZES,
    inputs=lambda r, c: [activations(-3, 3)(r, c), targets(r, c)], misconceptions=ACCURACY)


@pytest.mark.timed
@pytest.mark.points(1)
@pytest.mark.exercise("binary_cross_entropy")
def test_binary_cross_entropy_speed(learner, grading, request):
    """Is vectorised: runs within 10x the reference's time on a large batch"""
    check_speed(learner, grading, request.node, BCE_TIMED)


@pytest.mark.timed
@pytest.mark.points(1)
@pytest.mark.exercise("sigmoid_range")
def test_sigmoid_range_speed(learner, grading, request):
    """Is vectorised: runs within 8x the reference's time on a large tensor"""
    check_speed(learner, grading, request.node, SIGMOID_RANGE_TIMED)


@pytest.mark.timed
@pytest.mark.points(1)
@pytest.mark.exercise("accuracy_multi")
def test_accuracy_multi_speed(learner, grading, request):
    """Is vectorised: runs within 8x the reference's time on a large batch"""
    check_speed(learner, grading, request.node, ACCURACY_TIMED)
