"""Exercise 6: label smoothing cross-entropy.

The reference is torch's `F.cross_entropy(output, target, label_smoothing=eps)`, which equals fastai's
`LabelSmoothingCrossEntropy(eps)` (mean reduction): `(1 - eps) * nll + eps * mean_c(-log_softmax)`
(tests/test_ch7_reference.py checks the two agree). Target class indices are int64, as a
DataLoader gives them.
"""

import pytest
import torch
import torch.nn.functional as F

from grader.suite.checks import expect_close, expect_tensor, expect_unchanged, readable_tensor
from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.suite.render import render
from grader.suite.slopes import finite_difference_gradient
from grader.chapters.ch7.misconceptions import LABEL_SMOOTHING, LABEL_SMOOTHING_UNSTABLE

pytestmark = pytest.mark.exercise("label_smoothing_ce")
NAME = "label_smoothing_ce"

CASES = {
    "8 items, 10 classes, eps 0.1": (8, 10, 0.1, 3.0),
    "5 items, 3 classes, eps 0.2": (5, 3, 0.2, 2.0),
    "16 items, 4 classes, eps 0.05": (16, 4, 0.05, 5.0),
    "6 items, 10 classes, eps 0.3": (6, 10, 0.3, 4.0),
}


def make_case(n, c, scale, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, c, generator=g) * scale, torch.randint(0, c, (n,), generator=g)


def reference(output, target, eps=0.1):
    return F.cross_entropy(output, target, label_smoothing=eps)


def _check(got, output, target, eps, **kw):
    expect_tensor(got, name=NAME)
    expect_close(got, reference(output, target, eps), name=NAME, inputs=(output, target, eps),
                 misconceptions=LABEL_SMOOTHING, **kw)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_values(learner, case):
    """Gives the label-smoothed cross-entropy fastai's loss gives"""
    n, c, eps, scale = CASES[case]
    output, target = make_case(n, c, scale, len(case))
    got = learner.call(NAME, output, target, eps, misconceptions=LABEL_SMOOTHING)
    _check(got, output, target, eps)


@pytest.mark.points(1)
def test_default_eps(learner):
    """Without `eps`, smooths by 0.1 (fastai's default)"""
    output, target = make_case(6, 5, 3.0, 31)
    got = learner.call(NAME, output, target, misconceptions=LABEL_SMOOTHING)
    _check(got, output, target, 0.1)


@pytest.mark.points(1)
def test_eps_zero_is_cross_entropy(learner):
    """With eps = 0 it is plain cross-entropy (checked once a smoothed case is right)"""
    output, target = make_case(6, 5, 3.0, 32)
    _check(learner.call(NAME, output, target, 0.2, misconceptions=LABEL_SMOOTHING), output, target, 0.2)
    _check(learner.call(NAME, output, target, 0.0, misconceptions=LABEL_SMOOTHING), output, target, 0.0)


@pytest.mark.points(2)
def test_gradient(learner):
    """Is differentiable: its slope with respect to each activation is right"""
    output, target = make_case(5, 4, 2.0, 33)
    _check(learner.call(NAME, output, target, 0.1, misconceptions=LABEL_SMOOTHING), output, target, 0.1)

    def loss_at(shifted):
        value = readable_tensor(learner.call(NAME, shifted, target, 0.1, misconceptions=LABEL_SMOOTHING))[0]
        return float(value) if value is not None and value.numel() == 1 else None

    slopes = finite_difference_gradient(loss_at, output, eps=1e-2)  # measured from values, in this process
    if slopes is None:
        raise Feedback(f"`{NAME}` did not return a number for slightly changed activations")
    leaf = output.clone().requires_grad_(True)
    reference(leaf, target, 0.1).backward()
    expect_close(slopes.float(), leaf.grad, name=NAME, what="gradient (measured from your loss's values)",
                 atol=2e-4, rtol=1e-2)


@pytest.mark.feedback_only
def test_connected_to_autograd(learner):
    """Keeps the loss connected to autograd (reported by your own process: feedback only)"""
    output, target = make_case(5, 4, 2.0, 33)
    out = learner.outcome(NAME, output, target, 0.1, grad_args=[0])
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, LABEL_SMOOTHING)
    if out.grads is None or out.grads[0] is None:
        raise Feedback(f"no gradient flows back through `{NAME}`: {out.grad_error}",
                       hint="Keep every step a torch operation on `output`: converting a computed value "
                            "to a Python number or a new tensor cuts it off from autograd.",
                       misconception="breaks_autograd")


@pytest.mark.points(1)
def test_large_activations(learner):
    """Stays finite and exact for activations as large as 1000"""
    output = torch.tensor([[1000.0, -1000.0, 0.0, 500.0], [-800.0, 900.0, 10.0, -5.0],
                           [0.0, 0.0, 1000.0, -1000.0]])
    target = torch.tensor([1, 1, 3])
    got = learner.call(NAME, output, target, 0.1, misconceptions=LABEL_SMOOTHING)
    expect_tensor(got, name=NAME)
    if got.dim() == 0 and not bool(torch.isfinite(got)):
        raise Feedback(f"`{NAME}` returned {render(got)} for large activations", hint=LABEL_SMOOTHING_UNSTABLE,
                       misconception="unstable")
    _check(got, output, target, 0.1, atol=1e-3)


@pytest.mark.feedback_only
def test_inputs_unchanged(learner):
    """Leaves `output` and `target` unchanged (reported by your own process: feedback only)"""
    output, target = make_case(6, 5, 3.0, 34)
    out = learner.outcome(NAME, output, target, 0.1, return_args=True)
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, LABEL_SMOOTHING)
    _check(out.value, output, target, 0.1)
    expect_unchanged([output, target], out.args_after, name=NAME, labels=["output", "target"])
