"""Speed: the learner's softmax, log_softmax, nll_loss and cross_entropy against the chapter's own
vectorised formulations, on batches large enough to time (see `grader.suite.timing`).

Budgets are wide on purpose: on the shared 2-core machine (load 10-18) the shipped solution (a stable
softmax, subtracting each row's maximum) measured 0.9-1.1x, while a Python loop over the rows took
at least 39x (cross_entropy), 51x (softmax) and 68x (log_softmax) at 65536 x 37 (or stopped early).
nll_loss's budget is 5x: its loop took only 14-18x the chapter's `range` indexing (itself slow),
while one-hot products, `gather` and `arange` take 0.5-1x. The inputs start large (2.4M elements):
at 8192 rows the reference took under 1 ms, and a busy machine made the same code measure 11x.
"""

import pytest

from grader.suite.timing import TimedCase
from grader.suite.timing_check import check_speed
from grader.chapters.ch5.misconceptions import CROSS_ENTROPY, LOG_SOFTMAX, NLL, SOFTMAX_ALL

SIZES = {"cpu": (65536, 37), "cuda": (262144, 256)}
"""Starting (rows, classes): 37 classes as in the pets data set; a row loop costs per row."""


def activations(rows, cols):
    return {"kind": "uniform", "shape": [rows, cols], "low": -4, "high": 4, "vary": True}


def classes(rows, cols):
    return {"kind": "labels", "shape": [rows], "classes": cols}


def softmax_reference(x):
    return x.exp() / x.exp().sum(dim=1, keepdim=True)


def log_softmax_reference(x):
    return x - x.exp().sum(dim=1, keepdim=True).log()


def nll_reference(inputs, targets):
    """The chapter indexes with a Python `range` (converted to a tensor on every call, which costs
    about as much as the loss itself): `torch.arange` is faster, and the chapter's code must pass."""
    return -inputs[range(len(targets)), targets].mean()


def cross_entropy_reference(acts, targets):
    return nll_reference(log_softmax_reference(acts), targets)


CASES = {
    "softmax": TimedCase(name="softmax", reference=softmax_reference, budget=10.0, sizes=SIZES,
                         inputs=lambda r, c: [activations(r, c)], misconceptions=SOFTMAX_ALL),
    "log_softmax": TimedCase(name="log_softmax", reference=log_softmax_reference, budget=10.0, sizes=SIZES,
                             inputs=lambda r, c: [activations(r, c)], misconceptions=LOG_SOFTMAX),
    "nll_loss": TimedCase(name="nll_loss", reference=nll_reference, budget=5.0, sizes=SIZES,
                          inputs=lambda r, c: [activations(r, c), classes(r, c)], misconceptions=NLL),
    "cross_entropy": TimedCase(name="cross_entropy", reference=cross_entropy_reference, budget=10.0,
                               sizes=SIZES, inputs=lambda r, c: [activations(r, c), classes(r, c)],
                               misconceptions=CROSS_ENTROPY),
}


@pytest.mark.timed
@pytest.mark.points(1)
@pytest.mark.exercise("softmax")
def test_softmax_speed(learner, grading, request):
    """Is vectorised: runs within 10x the chapter's version on a large batch"""
    check_speed(learner, grading, request.node, CASES["softmax"])


@pytest.mark.timed
@pytest.mark.points(1)
@pytest.mark.exercise("log_softmax")
def test_log_softmax_speed(learner, grading, request):
    """Is vectorised: runs within 10x the chapter's version on a large batch"""
    check_speed(learner, grading, request.node, CASES["log_softmax"])


@pytest.mark.timed
@pytest.mark.points(1)
@pytest.mark.exercise("nll_loss")
def test_nll_loss_speed(learner, grading, request):
    """Is vectorised: runs within 5x the chapter's version on a large batch"""
    check_speed(learner, grading, request.node, CASES["nll_loss"])


@pytest.mark.timed
@pytest.mark.points(1)
@pytest.mark.exercise("cross_entropy")
def test_cross_entropy_speed(learner, grading, request):
    """Is vectorised: runs within 10x the chapter's version on a large batch"""
    check_speed(learner, grading, request.node, CASES["cross_entropy"])
