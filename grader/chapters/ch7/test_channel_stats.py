"""Exercise 1: channel_stats, the per-channel mean and standard deviation that Normalize uses.

The reference is torch on dims (0, 2, 3) with the unbiased standard deviation (divides by n - 1):
torch's default `std()`, and what fastai's `Normalize` computes when it takes its statistics from a
batch. The small case (8 values per channel) is where n and n - 1 differ by 7%.
"""

import pytest
import torch

from grader.suite.checks import expect_unchanged
from grader.suite.learner import fault_feedback
from grader.chapters.ch7.misconceptions import CHANNEL_MEAN, CHANNEL_STD
from grader.chapters.ch7.pairs import expect_pair, expect_part

pytestmark = pytest.mark.exercise("channel_stats")
NAME = "channel_stats"
WHAT = "the per-channel mean and the per-channel standard deviation"

CASES = {
    "4 RGB images of 5 x 7": (4, 3, 5, 7),
    "one channel": (5, 1, 6, 4),
    "four channels": (3, 4, 6, 5),
    "2 images of 2 x 2 (n = 8 per channel)": (2, 3, 2, 2),
}


def batch(shape, seed=0):
    """Images whose channels differ in mean and spread, so any mixing of channels shows."""
    g = torch.Generator().manual_seed(seed)
    n, c, h, w = shape
    centres = torch.linspace(0.2, 0.8, c).view(1, c, 1, 1)
    spreads = torch.linspace(0.05, 0.3, c).view(1, c, 1, 1)
    per_image = torch.rand(n, 1, 1, 1, generator=g) * 0.2
    return centres + per_image + spreads * torch.randn(shape, generator=g)


def reference(xb):
    return xb.mean(dim=(0, 2, 3)), xb.std(dim=(0, 2, 3))


def stats(learner, xb):
    got = learner.call(NAME, xb, misconceptions=CHANNEL_MEAN)
    return expect_pair(got, name=NAME, what=WHAT)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_mean(learner, case):
    """The first result is the mean of each channel over the batch, height and width"""
    xb = batch(CASES[case], len(case))
    mean, _ = stats(learner, xb)
    expect_part(mean, reference(xb)[0], name=NAME, part="mean", inputs=(xb,), misconceptions=CHANNEL_MEAN)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_std(learner, case):
    """The second result is the (unbiased) standard deviation of each channel"""
    xb = batch(CASES[case], len(case))
    _, std = stats(learner, xb)
    expect_part(std, reference(xb)[1], name=NAME, part="standard deviation", inputs=(xb,),
                misconceptions=CHANNEL_STD)


@pytest.mark.feedback_only
def test_input_unchanged(learner):
    """Leaves the batch unchanged (reported by your own process: feedback only)"""
    xb = batch(CASES["4 RGB images of 5 x 7"], 9)
    out = learner.outcome(NAME, xb, return_args=True)
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, CHANNEL_MEAN)
    mean, std = expect_pair(out.value, name=NAME, what=WHAT)
    expect_part(mean, reference(xb)[0], name=NAME, part="mean", inputs=(xb,), misconceptions=CHANNEL_MEAN)
    expect_part(std, reference(xb)[1], name=NAME, part="standard deviation", inputs=(xb,),
                misconceptions=CHANNEL_STD)
    expect_unchanged([xb], out.args_after, name=NAME, labels=["xb"])
