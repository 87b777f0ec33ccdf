"""Exercise 2: normalize a batch with per-channel statistics, and undo it (denormalize, for showing).

`mean` and `std` have one value per channel (shape C); they must act on dimension 1 of an N x C x H x W
batch (dimension 0 of a single C x H x W image). The cases with width == channels are the ones where
broadcasting along the last dimension runs without an error, and gives a wrong value.
"""

import pytest
import torch

from grader.suite.checks import expect_close, expect_tensor, expect_unchanged
from grader.suite.learner import fault_feedback
from grader.chapters.ch7.misconceptions import DENORMALIZE, NORMALIZE

IMAGENET = (torch.tensor([0.485, 0.456, 0.406]), torch.tensor([0.229, 0.224, 0.225]))

CASES = {
    "4 RGB images of 5 x 7, ImageNet stats": ((4, 3, 5, 7), "imagenet"),
    "2 RGB images of 4 x 3 (width = channels)": ((2, 3, 4, 3), "imagenet"),
    "one RGB image 3 x 6 x 5": ((3, 6, 5), "imagenet"),
    "3 images of 2 channels, 4 x 2 (width = channels)": ((3, 2, 4, 2), "random"),
    "2 images of 4 channels, 3 x 5": ((2, 4, 3, 5), "random"),
}


def make_case(shape, stats, seed):
    g = torch.Generator().manual_seed(seed)
    xb = torch.rand(shape, generator=g)
    c = shape[-3]
    if stats == "imagenet":
        mean, std = IMAGENET[0].clone(), IMAGENET[1].clone()
    else:
        mean = torch.rand(c, generator=g) * 0.6 + 0.2
        std = torch.rand(c, generator=g) * 0.3 + 0.1
    return xb, mean, std


def _c(v, xb):
    return v.view(-1, 1, 1)


def normalize_ref(xb, mean, std):
    return (xb - _c(mean, xb)) / _c(std, xb)


def denormalize_ref(xb, mean, std):
    return xb * _c(std, xb) + _c(mean, xb)


def _values(learner, name, ref, misconceptions, case):
    xb, mean, std = make_case(*CASES[case], seed=len(case))
    if ref is denormalize_ref:
        xb = (xb - 0.5) * 4  # normalized-looking values
    got = learner.call(name, xb, mean, std, misconceptions=misconceptions)
    expect_tensor(got, name=name, shape=xb.shape)
    expect_close(got, ref(xb, mean, std), name=name, inputs=(xb, mean, std), misconceptions=misconceptions)


def _unchanged(learner, name, ref, misconceptions):
    xb, mean, std = make_case((2, 3, 4, 5), "imagenet", 11)
    out = learner.outcome(name, xb, mean, std, return_args=True)
    if out.fault is not None:
        raise fault_feedback(name, out.fault, misconceptions)
    expect_tensor(out.value, name=name, shape=xb.shape)
    expect_close(out.value, ref(xb, mean, std), name=name, inputs=(xb, mean, std),
                 misconceptions=misconceptions)
    expect_unchanged([xb, mean, std], out.args_after, name=name, labels=["xb", "mean", "std"])


@pytest.mark.exercise("normalize")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_normalize_values(learner, case):
    """Gives each channel mean 0 and std 1 using the given statistics"""
    _values(learner, "normalize", normalize_ref, NORMALIZE, case)


@pytest.mark.exercise("normalize")
@pytest.mark.feedback_only
def test_normalize_inputs_unchanged(learner):
    """Leaves the batch and the statistics unchanged (reported by your own process: feedback only)"""
    _unchanged(learner, "normalize", normalize_ref, NORMALIZE)


@pytest.mark.exercise("denormalize")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_denormalize_values(learner, case):
    """Undoes normalize: restores each channel's original values"""
    _values(learner, "denormalize", denormalize_ref, DENORMALIZE, case)


@pytest.mark.exercise("denormalize")
@pytest.mark.feedback_only
def test_denormalize_inputs_unchanged(learner):
    """Leaves the batch and the statistics unchanged (reported by your own process: feedback only)"""
    _unchanged(learner, "denormalize", denormalize_ref, DENORMALIZE)
