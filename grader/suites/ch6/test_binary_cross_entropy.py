"""Exercise 1: binary cross-entropy on logits, the loss of multi-label classification."""

import pytest
import torch
import torch.nn.functional as F

from grader.suite.checks import expect_close, expect_unchanged, is_tensor
from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.suite.render import render, type_name
from grader.suites.ch6.misconceptions import BCE, BCE_NOT_DIFFERENTIABLE
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


def not_a_tensor(got):
    hint = BCE_NOT_DIFFERENTIABLE if isinstance(got, (float, int)) or type_name(got) == "ndarray" else None
    return Feedback(f"`{NAME}` returned a {type_name(got)}, not a tensor", got=render(got), hint=hint,
                    misconception="breaks_autograd" if hint else None)


@pytest.mark.points(1)
def test_returns_a_single_number(learner):
    """Returns a 0-dim tensor: the mean loss"""
    x, t = make_case(*CASES["batch of 4 x 3"])
    got = learner.call(NAME, x, t, misconceptions=BCE)
    if not is_tensor(got):
        raise not_a_tensor(got)
    if got.dim() != 0:
        expect_close(got, reference(x, t), name=NAME, inputs=(x, t), misconceptions=BCE, what="shape")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_values(learner, case):
    """Matches binary_cross_entropy_with_logits"""
    x, t = make_case(*CASES[case])
    got = learner.call(NAME, x, t, misconceptions=BCE)
    if not is_tensor(got):
        raise not_a_tensor(got)
    expect_close(got, reference(x, t), name=NAME, inputs=(x, t), misconceptions=BCE, atol=1e-5, rtol=1e-4)


@pytest.mark.points(2)
def test_gradient_flows_to_inputs(learner):
    """Is differentiable: the gradient reaches the activations and is right"""
    x, t = make_case(*CASES["batch of 4 x 3"])
    out = learner.outcome(NAME, x, t, grad_args=[0])
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, BCE)
    info = tensor_info(out.value)
    if not is_tensor(out.value) or info is None or not info.requires_grad:
        raise Feedback(f"`{NAME}`'s result carries no gradient back to `inputs`",
                       hint=BCE_NOT_DIFFERENTIABLE, misconception="breaks_autograd")
    if out.grads is None:
        raise Feedback(f"the gradient could not be computed: {out.grad_error}", hint=BCE_NOT_DIFFERENTIABLE,
                       misconception="breaks_autograd")
    leaf = x.clone().requires_grad_(True)
    reference(leaf, t).backward()
    expect_close(out.grads[0], leaf.grad, name=NAME, what="gradient", atol=1e-6, rtol=1e-4)


@pytest.mark.points(1)
def test_inputs_unchanged(learner):
    """Leaves `inputs` and `targets` unchanged"""
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
    if not is_tensor(got):
        raise not_a_tensor(got)
    if not bool(torch.isfinite(got).all()):
        raise Feedback(f"`{NAME}` returned {render(got)} for large activations",
                       hint="log(sigmoid(x)) underflows for large |x|: use `F.logsigmoid(x)` and "
                            "`F.logsigmoid(-x)` (log(1 - sigmoid(x)) = logsigmoid(-x)).")
    expect_close(got, reference(x, t), name=NAME, inputs=(x, t), misconceptions=BCE, atol=1e-4)
