"""Exercise 2: sigmoid_range, how fastai implements y_range."""

import pytest
import torch

from grader.suite.checks import (diagnose, expect_close, expect_tensor, expect_unchanged, expect_value,
                                 readable_tensor)
from grader.suite.slopes import finite_difference_gradient
from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.suite.render import render
from grader.chapters.ch6.misconceptions import SIGMOID_RANGE, SIGMOID_RANGE_FLAT_GRADIENT

pytestmark = pytest.mark.exercise("sigmoid_range")
NAME = "sigmoid_range"

RANGES = {"(-1, 1)": (-1.0, 1.0), "(0, 5.5)": (0.0, 5.5), "(10, 20)": (10.0, 20.0),
          "(-3.5, -0.5)": (-3.5, -0.5), "integer bounds (0, 5)": (0, 5)}


def reference(x, lo, hi):
    return torch.sigmoid(x) * (hi - lo) + lo


def inputs(seed=0, shape=(4, 3)):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g) * 12 - 6


def check_values(got, x, lo, hi, what="value"):
    expect_value(got, reference(x, lo, hi), name=NAME, inputs=(x, lo, hi), misconceptions=SIGMOID_RANGE,
                 what=what, refuse_hint="Return a tensor of the same shape as `x`, computed with torch "
                                        "operations on `x` (a model's activations stay tensors).")


@pytest.mark.points(1)
@pytest.mark.parametrize("bounds", list(RANGES))
def test_values(learner, bounds):
    """Maps each activation smoothly into (lo, hi), the way fastai's y_range does"""
    lo, hi = RANGES[bounds]
    x = inputs(len(bounds))
    check_values(learner.call(NAME, x, lo, hi, misconceptions=SIGMOID_RANGE), x, lo, hi)


@pytest.mark.property
@pytest.mark.points(1)
def test_strictly_inside_range(learner):
    """Stays strictly inside (lo, hi), however large the activations"""
    lo, hi = 2.0, 4.0
    x = torch.linspace(-8, 8, 33)
    got = learner.call(NAME, x, lo, hi, misconceptions=SIGMOID_RANGE)
    expect_tensor(got, name=NAME, shape=x.shape, dtype="floating-point")
    if not bool(torch.isfinite(got).all()) or not bool(((got > lo) & (got < hi)).all()):
        found = diagnose(got, SIGMOID_RANGE, x, lo, hi)
        raise Feedback(f"some outputs are outside ({lo}, {hi}): min {got.min().item():.4g}, "
                       f"max {got.max().item():.4g}", hint=found.hint if found else None,
                       misconception=found.id if found else None, fix=found.fix if found else None,
                       got=render(got))


@pytest.mark.points(2)
def test_gradient_everywhere(learner):
    """Is differentiable everywhere, also far outside the range"""
    lo, hi = 0.0, 1.0
    x = torch.tensor([-6.0, -2.0, -0.5, 0.0, 0.3, 0.9, 2.0, 6.0])
    check_values(learner.call(NAME, x, lo, hi, misconceptions=SIGMOID_RANGE), x, lo, hi)

    def total_at(shifted):
        value = readable_tensor(learner.call(NAME, shifted, lo, hi, misconceptions=SIGMOID_RANGE))[0]
        return float(value.double().sum()) if value is not None and value.is_floating_point() else None

    slopes = finite_difference_gradient(total_at, x, eps=1e-2)
    if slopes is None:
        raise Feedback(f"`{NAME}` did not return numbers for slightly changed inputs")
    leaf = x.clone().requires_grad_(True)
    reference(leaf, lo, hi).sum().backward()
    if bool((slopes[(x < lo) | (x > hi)].abs() < 1e-6).any()):
        m = SIGMOID_RANGE_FLAT_GRADIENT
        raise Feedback("the slope is zero for inputs outside the range", hint=m.hint, misconception=m.id,
                       fix=m.fix)
    expect_close(slopes.float(), leaf.grad, name=NAME, what="slope (measured from your values)",
                 atol=2e-4, rtol=1e-2)


@pytest.mark.feedback_only
def test_input_unchanged(learner):
    """Leaves `x` unchanged (reported by your own process: feedback only)"""
    x = inputs(3)
    out = learner.outcome(NAME, x, -1.0, 1.0, return_args=True)
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, SIGMOID_RANGE)
    expect_unchanged([x], out.args_after, name=NAME, labels=["x"])
