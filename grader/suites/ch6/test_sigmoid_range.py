"""Exercise 2: sigmoid_range, how fastai implements y_range."""

import pytest
import torch

from grader.suite.checks import expect_close, expect_tensor, expect_unchanged, diagnose
from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.suite.render import render
from grader.suites.ch6.misconceptions import SIGMOID_RANGE, SIGMOID_RANGE_FLAT_GRADIENT

pytestmark = pytest.mark.exercise("sigmoid_range")
NAME = "sigmoid_range"

RANGES = {"(-1, 1)": (-1.0, 1.0), "(0, 5.5)": (0.0, 5.5), "(10, 20)": (10.0, 20.0),
          "(-3.5, -0.5)": (-3.5, -0.5), "integer bounds (0, 5)": (0, 5)}


def reference(x, lo, hi):
    return torch.sigmoid(x) * (hi - lo) + lo


def inputs(seed=0, shape=(4, 3)):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g) * 12 - 6


@pytest.mark.points(1)
@pytest.mark.parametrize("bounds", list(RANGES))
def test_values(learner, bounds):
    """Equals sigmoid(x) * (hi - lo) + lo"""
    lo, hi = RANGES[bounds]
    x = inputs(len(bounds))
    got = learner.call(NAME, x, lo, hi, misconceptions=SIGMOID_RANGE)
    expect_tensor(got, name=NAME, shape=x.shape)
    expect_close(got, reference(x, lo, hi), name=NAME, inputs=(x, lo, hi), misconceptions=SIGMOID_RANGE)


@pytest.mark.points(1)
def test_strictly_inside_range(learner):
    """Stays strictly inside (lo, hi), however large the activations"""
    lo, hi = 2.0, 4.0
    x = torch.linspace(-8, 8, 33)
    got = learner.call(NAME, x, lo, hi, misconceptions=SIGMOID_RANGE)
    expect_tensor(got, name=NAME, shape=x.shape)
    if not bool(((got > lo) & (got < hi)).all()):
        found = diagnose(got, SIGMOID_RANGE, x, lo, hi)
        raise Feedback(f"some outputs are outside ({lo}, {hi}): min {got.min().item():.4g}, "
                       f"max {got.max().item():.4g}", hint=found.hint if found else None,
                       misconception=found.id if found else None, got=render(got))


@pytest.mark.points(2)
def test_gradient_everywhere(learner):
    """Is differentiable everywhere, also far outside the range"""
    lo, hi = 0.0, 1.0
    x = torch.tensor([-6.0, -2.0, -0.5, 0.0, 0.3, 0.9, 2.0, 6.0])
    out = learner.outcome(NAME, x, lo, hi, grad_args=[0])
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, SIGMOID_RANGE)
    if out.grads is None or out.grads[0] is None:
        raise Feedback(f"no gradient flows back through `{NAME}`: {out.grad_error}",
                       hint="Use torch operations on `x` only (no .item(), no numpy).")
    leaf = x.clone().requires_grad_(True)
    reference(leaf, lo, hi).sum().backward()
    grad = out.grads[0]
    if bool((grad[(x < lo) | (x > hi)] == 0).any()):
        raise Feedback("the gradient is zero for inputs outside the range",
                       hint=SIGMOID_RANGE_FLAT_GRADIENT.hint, misconception=SIGMOID_RANGE_FLAT_GRADIENT.id)
    expect_close(grad, leaf.grad, name=NAME, what="gradient", atol=1e-6)


@pytest.mark.points(1)
def test_input_unchanged(learner):
    """Leaves `x` unchanged"""
    x = inputs(3)
    out = learner.outcome(NAME, x, -1.0, 1.0, return_args=True)
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, SIGMOID_RANGE)
    expect_unchanged([x], out.args_after, name=NAME, labels=["x"])
