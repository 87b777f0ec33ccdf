"""Speed: the learner's vectorised code against a reference, on inputs large enough to time.

Each budget is the largest passing ratio learner_time / reference_time, measured in the same run on
the same inputs (see `grader.suite.timing`). The references are plain element-wise PyTorch (fastai's
own formula for label smoothing), not fused kernels whose relative speed varies from run to run; a
Python loop over items or channels fails by far more.
"""

import pytest
import torch.nn.functional as F

from grader.suite.timing import TimedCase
from grader.suite.timing_check import check_speed
from grader.chapters.ch7.misconceptions import LABEL_SMOOTHING, NORMALIZE


def label_smoothing_reference(output, target, eps=0.1):
    """fastai's LabelSmoothingCrossEntropy.forward, reduction 'mean'."""
    c = output.size()[1]
    log_preds = F.log_softmax(output, dim=1)
    loss = -log_preds.sum(dim=1).mean()
    return loss * eps / c + (1 - eps) * F.nll_loss(log_preds, target.long())


def normalize_reference(xb, mean, std):
    return (xb - mean[:, None, None]) / std[:, None, None]


LABEL_SMOOTHING_TIMED = TimedCase(
    name="label_smoothing_ce", reference=label_smoothing_reference, budget=10.0,
    sizes={"cpu": (16384, 10), "cuda": (65536, 100)},
    inputs=lambda r, c: [{"kind": "uniform", "shape": [r, c], "low": -4, "high": 4, "vary": True},
                         {"kind": "labels", "shape": [r], "classes": c}],
    misconceptions=LABEL_SMOOTHING)
"""Timed on a batch of many items with Imagenette's 10 classes (100 on a GPU)."""

NORMALIZE_TIMED = TimedCase(
    name="normalize", reference=normalize_reference, budget=10.0,
    sizes={"cpu": (2048, 8), "cuda": (8192, 16)},
    inputs=lambda r, c: [{"kind": "uniform", "shape": [r, 3, c, c], "low": 0, "high": 1, "vary": True},
                         {"kind": "uniform", "shape": [3], "low": 0.3, "high": 0.6},
                         {"kind": "uniform", "shape": [3], "low": 0.2, "high": 0.3}],
    misconceptions=NORMALIZE)
"""Timed on many small RGB images (8 x 8): a loop over images or channels costs per image."""


@pytest.mark.timed
@pytest.mark.points(1)
@pytest.mark.exercise("label_smoothing_ce")
def test_label_smoothing_ce_speed(learner, grading, request):
    """Is vectorised: runs within 10x fastai's formula's time on a large batch"""
    check_speed(learner, grading, request.node, LABEL_SMOOTHING_TIMED)


@pytest.mark.timed
@pytest.mark.points(1)
@pytest.mark.exercise("normalize")
def test_normalize_speed(learner, grading, request):
    """Is vectorised: runs within 10x the reference's time on a batch of images"""
    check_speed(learner, grading, request.node, NORMALIZE_TIMED)
