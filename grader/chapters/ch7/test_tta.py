"""Exercise 4: how test-time augmentation combines its predictions (fastai's `Learner.tta`).

fastai's arithmetic (fastai/learner.py, `tta`): the n augmented passes are averaged,
`aug = stack(augmented).mean(0)`, then mixed with the plain (validation-transform) pass as
`torch.lerp(aug, plain, beta)` = `beta * plain + (1 - beta) * aug`, with `beta=0.25` by default.
"""

import pytest
import torch

from grader.suite.checks import expect_close, expect_tensor, expect_unchanged
from grader.suite.learner import fault_feedback
from grader.chapters.ch7.misconceptions import TTA

pytestmark = pytest.mark.exercise("tta_predict")
NAME = "tta_predict"

CASES = {
    "4 passes, 5 images, 3 classes, beta 0.25": (4, 5, 3, 0.25),
    "2 passes, 6 images, 10 classes, beta 0.5": (2, 6, 10, 0.5),
    "4 passes of 4 images, 2 classes, beta 0.1": (4, 4, 2, 0.1),
    "8 passes, 3 images, 4 classes, beta 0.75": (8, 3, 4, 0.75),
}


def make_case(n, items, classes, seed):
    g = torch.Generator().manual_seed(seed)
    plain = torch.randn(items, classes, generator=g).softmax(-1)
    aug = torch.randn(n, items, classes, generator=g).softmax(-1)
    return plain, aug


def reference(plain, aug, beta=0.25):
    return torch.lerp(aug.mean(0), plain, beta)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_values(learner, case):
    """Mixes the plain prediction (weight beta) with the mean of the augmented ones"""
    n, items, classes, beta = CASES[case]
    plain, aug = make_case(n, items, classes, len(case))
    got = learner.call(NAME, plain, aug, beta, misconceptions=TTA)
    expect_tensor(got, name=NAME, shape=plain.shape)
    expect_close(got, reference(plain, aug, beta), name=NAME, inputs=(plain, aug, beta), misconceptions=TTA)


@pytest.mark.points(1)
def test_default_beta(learner):
    """Without `beta`, uses fastai's default, 0.25"""
    plain, aug = make_case(4, 6, 3, 21)
    got = learner.call(NAME, plain, aug, misconceptions=TTA)
    expect_tensor(got, name=NAME, shape=plain.shape)
    expect_close(got, reference(plain, aug), name=NAME, inputs=(plain, aug, 0.25), misconceptions=TTA)


@pytest.mark.feedback_only
def test_inputs_unchanged(learner):
    """Leaves the predictions unchanged (reported by your own process: feedback only)"""
    plain, aug = make_case(4, 5, 3, 22)
    out = learner.outcome(NAME, plain, aug, 0.25, return_args=True)
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, TTA)
    expect_tensor(out.value, name=NAME, shape=plain.shape)
    expect_close(out.value, reference(plain, aug), name=NAME, inputs=(plain, aug, 0.25), misconceptions=TTA)
    expect_unchanged([plain, aug, 0.25], out.args_after, name=NAME, labels=["preds_plain", "preds_augmented",
                                                                           "beta"])
