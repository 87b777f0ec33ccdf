"""Exercise 1: binary cross-entropy on logits, the loss of multi-label classification."""

import pytest
import torch
import torch.nn.functional as F

from grader.suite.checks import (expect_close, is_tensor, expect_tensor, expect_unchanged, expect_value,
                                 readable_tensor)
from grader.suite.slopes import finite_difference_gradient
from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.suite.render import render
from grader.chapters.ch6.misconceptions import BCE, BCE_NOT_DIFFERENTIABLE
from grader.worker.codec import tensor_info

pytestmark = pytest.mark.exercise("binary_cross_entropy")
NAME = "binary_cross_entropy"

CASES = {
    "batch of 4 x 3": ((4, 3), 1, (-4, 4), "random"),
    "batch of 64 x 20, |x| up to 10": ((64, 20), 2, (-10, 10), "random"),
    "no label present": ((5, 6), 3, (-3, 3), "zeros"),
    "every label present": ((5, 6), 4, (-3, 3), "ones"),
    "activations between 0 and 1": ((6, 4), 5, (0.05, 0.95), "random"),
    "3-d input": ((2, 3, 4), 6, (-5, 5), "random"),
    "1-d input": ((10,), 7, (-5, 5), "random"),
}


def make_case(shape, seed, bounds, targets):
    g = torch.Generator().manual_seed(seed)
    lo, hi = bounds
    x = torch.rand(shape, generator=g) * (hi - lo) + lo
    if targets == "zeros":
        t = torch.zeros(shape)
    elif targets == "ones":
        t = torch.ones(shape)
    else:
        t = (torch.rand(shape, generator=g) < 0.4).float()
    return x, t


def reference(x, t):
    return F.binary_cross_entropy_with_logits(x, t)


def check_values(got, x, t, **tolerance):
    """The loss's value first (read even from a float or an array, so its mistake is named), then
    its type: a loss must stay a tensor autograd can differentiate."""
    expect_value(got, reference(x, t), name=NAME, inputs=(x, t), misconceptions=BCE,
                 refuse_hint=BCE_NOT_DIFFERENTIABLE, refuse_misconception="breaks_autograd",
                 accept_subclass="as fastai's own losses return its TensorBase subclass", **tolerance)


@pytest.mark.property
@pytest.mark.points(1)
def test_returns_a_single_number(learner):
    """Returns a single number: a 0-dim floating-point tensor"""
    x, t = make_case(*CASES["batch of 4 x 3"])
    got = learner.call(NAME, x, t, misconceptions=BCE)
    value, form = readable_tensor(got)
    if value is None or not is_tensor(got):
        check_values(got, x, t)  # a loss must stay a tensor: says why, naming the value's mistake
    expect_tensor(value.clone(), name=NAME, dtype="floating-point")  # a subclass's values (noted above)
    if value.dim() != 0:
        expect_close(value, reference(x, t), name=NAME, inputs=(x, t), misconceptions=BCE, what="shape")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_values(learner, case):
    """Gives the mean binary cross-entropy of the activations and targets"""
    x, t = make_case(*CASES[case])
    check_values(learner.call(NAME, x, t, misconceptions=BCE), x, t, atol=1e-5, rtol=1e-4)


@pytest.mark.points(2)
def test_gradient_flows_to_inputs(learner):
    """Is differentiable: its slope with respect to each activation is right"""
    x, t = make_case(*CASES["batch of 4 x 3"])
    check_values(learner.call(NAME, x, t, misconceptions=BCE), x, t)

    def loss_at(shifted):
        value = readable_tensor(learner.call(NAME, shifted, t, misconceptions=BCE))[0]
        return float(value) if value is not None and value.numel() == 1 else None

    slopes = finite_difference_gradient(loss_at, x, eps=1e-2)  # from values, in this process
    if slopes is None:
        raise Feedback(f"`{NAME}` did not return a number for slightly changed activations")
    leaf = x.clone().requires_grad_(True)
    reference(leaf, t).backward()
    expect_close(slopes.float(), leaf.grad, name=NAME, what="gradient (measured from your loss's values)",
                 atol=2e-4, rtol=1e-2)


@pytest.mark.feedback_only
def test_connected_to_autograd(learner):
    """Keeps the loss connected to autograd (reported by your own process: feedback only)"""
    x, t = make_case(*CASES["batch of 4 x 3"])
    out = learner.outcome(NAME, x, t, grad_args=[0])  # `x` requires grad in the worker, as in training
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, BCE)
    info = tensor_info(out.value)
    if not is_tensor(out.value) or info is None or not info.requires_grad or out.grads is None:
        raise Feedback(f"`{NAME}`'s result carries no gradient back to `inputs`",
                       hint=BCE_NOT_DIFFERENTIABLE, misconception="breaks_autograd")


@pytest.mark.feedback_only
def test_inputs_unchanged(learner):
    """Leaves `inputs` and `targets` unchanged (reported by your own process: feedback only)"""
    x, t = make_case(*CASES["batch of 4 x 3"])
    out = learner.outcome(NAME, x, t, return_args=True)
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, BCE)
    expect_unchanged([x, t], out.args_after, name=NAME, labels=["inputs", "targets"])


@pytest.mark.stretch
@pytest.mark.points(1)
def test_numerically_stable(learner):
    """Stretch: stays finite and exact for activations as large as |x| = 100"""
    x = torch.tensor([[-100.0, -30.0, 0.0, 30.0, 100.0]] * 2)
    t = torch.tensor([[1.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0, 1.0]])
    got = learner.call(NAME, x, t, misconceptions=BCE)
    value = readable_tensor(got)[0]
    if value is not None and value.is_floating_point() and not bool(torch.isfinite(value).all()):
        raise Feedback(f"`{NAME}` returned {render(got)} for large activations",
                       hint="log(sigmoid(x)) underflows for large |x|: look for a log-sigmoid that "
                            "stays finite for large negative arguments.",
                       fix="`F.logsigmoid(x)` and `F.logsigmoid(-x)` (log(1 - sigmoid(x)) = "
                           "logsigmoid(-x))")
    check_values(got, x, t, atol=1e-4)
