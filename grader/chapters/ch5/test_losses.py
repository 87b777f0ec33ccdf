"""Exercise 3: softmax, log_softmax, nll_loss and cross_entropy from scratch, against torch's own."""

import pytest
import torch
import torch.nn.functional as F

from grader.suite.checks import expect_close, expect_tensor, expect_unchanged, is_tensor, readable_tensor
from grader.suite.feedback import Feedback, Misconception
from grader.suite.learner import fault_feedback
from grader.suite.render import render
from grader.suite.slopes import finite_difference_gradient
from grader.chapters.ch5.misconceptions import (CE_NOT_DIFFERENTIABLE, CROSS_ENTROPY, LOG_SOFTMAX, NLL,
                                              NLL_ONE_HOT, SOFTMAX_ALL, UNSTABLE_HINT)
from grader.worker.codec import tensor_info

CASES = {
    "4 items, 3 classes": (4, 3, 1, 3.0),
    "64 items, 37 breeds": (64, 37, 2, 4.0),
    "5 items, 10 classes, wide range": (5, 10, 3, 8.0),
    "2 items, 2 classes": (2, 2, 4, 2.0),
}
"""(rows, classes, seed, spread): activations uniform in (-spread, spread); rows != classes except
in the 2 x 2 case, so summing over the wrong dimension shows."""

NLL_ONE_HOT_M = Misconception("one_hot_targets", NLL_ONE_HOT,
                              fault_pattern=r"must match the size of tensor b|one_hot|mismatch")
NLL_ALL = NLL + (NLL_ONE_HOT_M,)


def make_case(rows, classes, seed, spread):
    g = torch.Generator().manual_seed(seed)
    x = (torch.rand(rows, classes, generator=g) * 2 - 1) * spread
    t = torch.randint(0, classes, (rows,), generator=g)
    return x, t


LARGE = torch.tensor([[1000.0, 990.0, -50.0], [-1000.0, 0.0, 1000.0], [300.0, 300.0, 299.0],
                      [-400.0, -410.0, -405.0]])
LARGE_TARGETS = torch.tensor([1, 0, 2, 0])


def values_test(learner, name, reference, misconceptions, case, *, with_targets=False, scalar=False):
    x, t = make_case(*CASES[case])
    inputs = (x, t) if with_targets else (x,)
    got = learner.call(name, *inputs, misconceptions=misconceptions)
    expected = reference(*inputs)
    if is_tensor(got) and tuple(got.shape) != tuple(expected.shape):
        expect_close(got, expected, name=name, inputs=inputs, misconceptions=misconceptions, what="shape")
    expect_tensor(got, name=name, shape=expected.shape,
                  hint="The loss is one number for the whole batch: a 0-dim tensor (the mean)." if scalar else None)
    expect_close(got, expected, name=name, inputs=inputs, misconceptions=misconceptions, atol=1e-5, rtol=1e-4)


def stable_test(learner, name, reference, misconceptions, *, with_targets=False):
    inputs = (LARGE, LARGE_TARGETS) if with_targets else (LARGE,)
    got = learner.call(name, *inputs, misconceptions=misconceptions)
    expected = reference(*inputs)
    expect_tensor(got, name=name, shape=expected.shape)
    if not bool(torch.isfinite(got).all()) and bool(torch.isfinite(expected).all()):
        raise Feedback(f"`{name}` returned {render(got)} for activations as large as 1000",
                       hint=UNSTABLE_HINT, misconception="overflow")
    expect_close(got, expected, name=name, inputs=inputs, misconceptions=misconceptions, atol=1e-4, rtol=1e-4)


def unchanged_test(learner, name, reference, misconceptions, *, with_targets=False):
    """Feedback only: the arguments after the call are what the worker reports, so they earn nothing."""
    x, t = make_case(*CASES["4 items, 3 classes"])
    inputs = (x, t) if with_targets else (x,)
    out = learner.outcome(name, *inputs, return_args=True)
    if out.fault is not None:
        raise fault_feedback(name, out.fault, misconceptions)
    expect_unchanged(list(inputs), out.args_after, name=name, labels=["x", "targets"][:len(inputs)])
    expect_tensor(out.value, name=name)
    expect_close(out.value, reference(*inputs), name=name, inputs=inputs, misconceptions=misconceptions)


# -- softmax ---------------------------------------------------------------------------------------

def softmax_reference(x):
    return torch.softmax(x, dim=1)


@pytest.mark.exercise("softmax")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_softmax_values(learner, case):
    """Turns each row of activations into probabilities that sum to 1"""
    values_test(learner, "softmax", softmax_reference, SOFTMAX_ALL, case)


@pytest.mark.exercise("softmax")
@pytest.mark.feedback_only
def test_softmax_input_unchanged(learner):
    """Leaves `x` unchanged (reported by your own process: feedback only)"""
    unchanged_test(learner, "softmax", softmax_reference, SOFTMAX_ALL)


@pytest.mark.exercise("softmax")
@pytest.mark.stretch
@pytest.mark.points(1)
def test_softmax_stable(learner):
    """Stretch: exact for activations as large as 1000 (no overflow)"""
    stable_test(learner, "softmax", softmax_reference, SOFTMAX_ALL)


# -- log_softmax -----------------------------------------------------------------------------------

def log_softmax_reference(x):
    return torch.log_softmax(x, dim=1)


@pytest.mark.exercise("log_softmax")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_log_softmax_values(learner, case):
    """Gives the log of each row's probabilities"""
    values_test(learner, "log_softmax", log_softmax_reference, LOG_SOFTMAX, case)


@pytest.mark.exercise("log_softmax")
@pytest.mark.stretch
@pytest.mark.points(1)
def test_log_softmax_stable(learner):
    """Stretch: exact for activations as large as 1000 (no overflow, no log(0))"""
    stable_test(learner, "log_softmax", log_softmax_reference, LOG_SOFTMAX)


# -- nll_loss --------------------------------------------------------------------------------------

def nll_reference(x, t):
    return F.nll_loss(x, t)


@pytest.mark.exercise("nll_loss")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_nll_loss_values(learner, case):
    """Gives the mean negative input at each row's target (any inputs, not only log-probabilities)"""
    values_test(learner, "nll_loss", nll_reference, NLL_ALL, case, with_targets=True, scalar=True)


@pytest.mark.exercise("nll_loss")
@pytest.mark.points(1)
def test_nll_loss_on_log_probabilities(learner):
    """On real log-probabilities, equals the mean of -log p(right class)"""
    x, t = make_case(*CASES["64 items, 37 breeds"])
    logp = x.log_softmax(dim=1)
    got = learner.call("nll_loss", logp, t, misconceptions=NLL_ALL)
    expect_tensor(got, name="nll_loss", shape=())
    expect_close(got, F.nll_loss(logp, t), name="nll_loss", inputs=(logp, t), misconceptions=NLL_ALL)


@pytest.mark.exercise("nll_loss")
@pytest.mark.feedback_only
def test_nll_loss_inputs_unchanged(learner):
    """Leaves `inputs` and `targets` unchanged (reported by your own process: feedback only)"""
    unchanged_test(learner, "nll_loss", nll_reference, NLL_ALL, with_targets=True)


# -- cross_entropy ---------------------------------------------------------------------------------

def ce_reference(x, t):
    return F.cross_entropy(x, t)


@pytest.mark.exercise("cross_entropy")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_cross_entropy_values(learner, case):
    """Gives the mean cross-entropy of the activations and targets"""
    values_test(learner, "cross_entropy", ce_reference, CROSS_ENTROPY, case, with_targets=True, scalar=True)


@pytest.mark.exercise("cross_entropy")
@pytest.mark.points(2)
def test_cross_entropy_gradient(learner):
    """Is differentiable: its slope with respect to each activation is right"""
    name = "cross_entropy"
    x, t = make_case(*CASES["4 items, 3 classes"])
    values_test(learner, name, ce_reference, CROSS_ENTROPY, "4 items, 3 classes", with_targets=True, scalar=True)

    def loss_at(shifted):
        value = readable_tensor(learner.call(name, shifted, t, misconceptions=CROSS_ENTROPY))[0]
        return float(value) if value is not None and value.numel() == 1 else None

    slopes = finite_difference_gradient(loss_at, x, eps=1e-2)  # measured from values, in this process
    if slopes is None:
        raise Feedback(f"`{name}` did not return a number for slightly changed activations")
    leaf = x.clone().requires_grad_(True)
    ce_reference(leaf, t).backward()
    expect_close(slopes.float(), leaf.grad, name=name, what="gradient (measured from your loss's values)",
                 atol=2e-4, rtol=1e-2)


@pytest.mark.exercise("cross_entropy")
@pytest.mark.feedback_only
def test_cross_entropy_connected_to_autograd(learner):
    """Keeps the loss connected to autograd (reported by your own process: feedback only)"""
    name = "cross_entropy"
    x, t = make_case(*CASES["64 items, 37 breeds"])
    out = learner.outcome(name, x, t, grad_args=[0])
    if out.fault is not None:
        raise fault_feedback(name, out.fault, CROSS_ENTROPY)
    info = tensor_info(out.value)
    if not is_tensor(out.value) or info is None or not info.requires_grad or out.grads is None:
        raise Feedback(f"`{name}`'s result carries no gradient back to the activations",
                       hint=CE_NOT_DIFFERENTIABLE, misconception="breaks_autograd")


@pytest.mark.exercise("cross_entropy")
@pytest.mark.stretch
@pytest.mark.points(1)
def test_cross_entropy_stable(learner):
    """Stretch: exact for activations as large as 1000"""
    stable_test(learner, "cross_entropy", ce_reference, CROSS_ENTROPY, with_targets=True)
