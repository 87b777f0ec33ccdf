"""Exercise 5: mixup of two images and their one-hot targets, and of a whole batch with a permutation.

`mixup(x1, y1, x2, y2, lam)` returns `(lam * x1 + (1 - lam) * x2, lam * y1 + (1 - lam) * y2)`.
`mixup_batch(xb, yb, perm, lam, c)` does it for every item i with its partner perm[i], one weight per
item (as fastai's MixUp callback draws them), from integer labels `yb` that it first one-hot encodes
with `c` classes; it returns the mixed batch and the mixed one-hot targets (N x c floats).
No `lam` of 0.5 is used: there, swapping lam and 1 - lam changes nothing.
"""

import pytest
import torch
import torch.nn.functional as F

from grader.suite.checks import expect_unchanged
from grader.suite.learner import fault_feedback
from grader.chapters.ch7.misconceptions import MIXUP_BATCH_X, MIXUP_BATCH_Y, MIXUP_X, MIXUP_Y
from grader.chapters.ch7.pairs import expect_pair, expect_part

PAIR_CASES = {
    "RGB 4 x 5, 10 classes, lam 0.7": ((3, 4, 5), 10, 0.7),
    "RGB 6 x 6, 3 classes, lam 0.2": ((3, 6, 6), 3, 0.2),
    "one channel 3 x 4, 5 classes, lam 0.95": ((1, 3, 4), 5, 0.95),
}

BATCH_CASES = {
    "6 RGB images of 4 x 5, 10 classes": ((6, 3, 4, 5), 10),
    "4 RGB images of 3 x 4 (width = batch size)": ((4, 3, 3, 4), 3),
    "5 one-channel images of 2 x 3, 4 classes": ((5, 1, 2, 3), 4),
}


def pair_case(shape, c, lam, seed):
    g = torch.Generator().manual_seed(seed)
    x1, x2 = torch.rand(shape, generator=g), torch.rand(shape, generator=g)
    k1, k2 = torch.randperm(c, generator=g)[:2]
    return x1, F.one_hot(k1, c).float(), x2, F.one_hot(k2, c).float(), lam


def mixup_ref(x1, y1, x2, y2, lam):
    return lam * x1 + (1 - lam) * x2, lam * y1 + (1 - lam) * y2


def batch_case(shape, c, seed):
    g = torch.Generator().manual_seed(seed)
    n = shape[0]
    xb = torch.rand(shape, generator=g)
    yb = torch.randint(0, c, (n,), generator=g)
    while True:  # a permutation that moves every item, so "not permuted" always shows
        perm = torch.randperm(n, generator=g)
        if bool((perm != torch.arange(n)).all()):
            break
    lam = torch.rand(n, generator=g) * 0.45 + 0.52  # in (0.52, 0.97): never 0.5
    return xb, yb, perm, lam, c


def mixup_batch_ref(xb, yb, perm, lam, c):
    w = lam.view(-1, *([1] * (xb.dim() - 1)))
    y = F.one_hot(yb, c).float()
    return w * xb + (1 - w) * xb[perm], lam[:, None] * y + (1 - lam[:, None]) * y[perm]


def _pair(learner, name, args, misconceptions, what):
    got = learner.call(name, *args, misconceptions=misconceptions)
    return expect_pair(got, name=name, what=what)


PAIR_WHAT = "the mixed image and the mixed target"
BATCH_WHAT = "the mixed batch and the mixed one-hot targets"


@pytest.mark.exercise("mixup")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(PAIR_CASES))
def test_mixup_image(learner, case):
    """Blends the two images with weight lam on the first"""
    args = pair_case(*PAIR_CASES[case], seed=len(case))
    x, _ = _pair(learner, "mixup", args, MIXUP_X + MIXUP_Y, PAIR_WHAT)
    expect_part(x, mixup_ref(*args)[0], name="mixup", part="image", inputs=args, misconceptions=MIXUP_X)


@pytest.mark.exercise("mixup")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(PAIR_CASES))
def test_mixup_target(learner, case):
    """Blends the two targets with the same weights as the images"""
    args = pair_case(*PAIR_CASES[case], seed=len(case))
    _, y = _pair(learner, "mixup", args, MIXUP_X + MIXUP_Y, PAIR_WHAT)
    expect_part(y, mixup_ref(*args)[1], name="mixup", part="target", inputs=args, misconceptions=MIXUP_Y)


@pytest.mark.exercise("mixup")
@pytest.mark.feedback_only
def test_mixup_inputs_unchanged(learner):
    """Leaves both images and both targets unchanged (reported by your own process: feedback only)"""
    args = pair_case((3, 4, 4), 4, 0.3, 5)
    out = learner.outcome("mixup", *args, return_args=True)
    if out.fault is not None:
        raise fault_feedback("mixup", out.fault, MIXUP_X)
    x, y = expect_pair(out.value, name="mixup", what=PAIR_WHAT)
    expect_part(x, mixup_ref(*args)[0], name="mixup", part="image", inputs=args, misconceptions=MIXUP_X)
    expect_part(y, mixup_ref(*args)[1], name="mixup", part="target", inputs=args, misconceptions=MIXUP_Y)
    expect_unchanged(list(args[:4]), out.args_after, name="mixup", labels=["x1", "y1", "x2", "y2"])


@pytest.mark.exercise("mixup_batch")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(BATCH_CASES))
def test_mixup_batch_images(learner, case):
    """Blends each image with its partner in the permutation, with its own weight"""
    args = batch_case(*BATCH_CASES[case], seed=len(case))
    x, _ = _pair(learner, "mixup_batch", args, MIXUP_BATCH_X + MIXUP_BATCH_Y, BATCH_WHAT)
    expect_part(x, mixup_batch_ref(*args)[0], name="mixup_batch", part="images", inputs=args,
                misconceptions=MIXUP_BATCH_X)


@pytest.mark.exercise("mixup_batch")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(BATCH_CASES))
def test_mixup_batch_targets(learner, case):
    """Blends the one-hot targets with the same weights as the images"""
    args = batch_case(*BATCH_CASES[case], seed=len(case))
    _, y = _pair(learner, "mixup_batch", args, MIXUP_BATCH_X + MIXUP_BATCH_Y, BATCH_WHAT)
    expect_part(y, mixup_batch_ref(*args)[1], name="mixup_batch", part="targets", inputs=args,
                misconceptions=MIXUP_BATCH_Y)


@pytest.mark.exercise("mixup_batch")
@pytest.mark.feedback_only
def test_mixup_batch_inputs_unchanged(learner):
    """Leaves the batch, labels, permutation and weights unchanged (reported by your own process: feedback only)"""
    args = batch_case((6, 3, 4, 5), 10, 7)
    out = learner.outcome("mixup_batch", *args, return_args=True)
    if out.fault is not None:
        raise fault_feedback("mixup_batch", out.fault, MIXUP_BATCH_X)
    x, y = expect_pair(out.value, name="mixup_batch", what=BATCH_WHAT)
    ref = mixup_batch_ref(*args)
    expect_part(x, ref[0], name="mixup_batch", part="images", inputs=args, misconceptions=MIXUP_BATCH_X)
    expect_part(y, ref[1], name="mixup_batch", part="targets", inputs=args, misconceptions=MIXUP_BATCH_Y)
    expect_unchanged(list(args[:4]), out.args_after, name="mixup_batch", labels=["xb", "yb", "perm", "lam"])
