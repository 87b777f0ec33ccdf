"""The plugin chapter's one exercise: `clip_scores(xs, lo, hi)` clips every score into [lo, hi]."""

import pytest
import torch

from grader.suite.checks import expect_close

pytestmark = pytest.mark.exercise("clip_scores")
NAME = "clip_scores"


@pytest.mark.points(2)
def test_clips_both_ends(learner):
    """Values below `lo` become `lo`, above `hi` become `hi`"""
    xs = torch.tensor([-3.0, 0.25, 0.5, 7.0])
    got = learner.call(NAME, xs, 0.0, 1.0)
    expect_close(got, xs.clamp(0.0, 1.0), name=NAME, inputs=(xs, 0.0, 1.0))


@pytest.mark.points(1)
def test_keeps_values_inside(learner):
    """Values inside the range are unchanged"""
    xs = torch.linspace(-1, 1, 9)
    got = learner.call(NAME, xs, -2.0, 2.0)
    expect_close(got, xs, name=NAME, inputs=(xs, -2.0, 2.0))
