"""Exercise 3: accuracy_multi, element-wise accuracy at a threshold."""

import pytest
import torch

from grader.suite.checks import expect_close, expect_unchanged, expect_value, readable_tensor
from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.suite.render import render
from grader.chapters.ch6.misconceptions import ACCURACY

pytestmark = pytest.mark.exercise("accuracy_multi")
NAME = "accuracy_multi"


def reference(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid:
        inp = inp.sigmoid()
    return ((inp > thresh) == targ.bool()).float().mean()


def logits(seed=0, shape=(8, 5)):
    g = torch.Generator().manual_seed(seed)
    inp = torch.randn(shape, generator=g) * 2
    targ = (torch.rand(shape, generator=g) < 0.35).float()
    return inp, targ


ACCEPTED = "as fastai's Learner accepts a metric's Python number or tensor subclass"


def check(learner, inp, targ, **kwargs):
    got = learner.call(NAME, inp, targ, kwargs=kwargs, misconceptions=ACCURACY)
    expect_value(got, reference(inp, targ, **kwargs), name=NAME, inputs=(inp, targ), kwargs=kwargs,
                 misconceptions=ACCURACY, atol=1e-6, accept=ACCEPTED)
    return got


@pytest.mark.points(2)
def test_default_arguments(learner):
    """Default threshold 0.5 after a sigmoid, averaged over every element"""
    check(learner, *logits(1))


@pytest.mark.points(1)
def test_every_label_counts(learner):
    """Counts each label of each item, not whole items"""
    check(learner, *logits(8, shape=(12, 2)))


@pytest.mark.points(1)
@pytest.mark.parametrize("thresh", [0.2, 0.8])
def test_threshold(learner, thresh):
    """Uses `thresh`"""
    check(learner, *logits(2), thresh=thresh)


@pytest.mark.points(1)
def test_no_sigmoid(learner):
    """With `sigmoid=False` the inputs are probabilities, compared as they are"""
    g = torch.Generator().manual_seed(3)
    probs = torch.rand(8, 5, generator=g)
    check(learner, probs, (torch.rand(8, 5, generator=g) < 0.5).float(), sigmoid=False)


@pytest.mark.points(1)
def test_strictly_greater(learner):
    """A prediction exactly at the threshold is negative (strictly `>`)"""
    probs = torch.tensor([[0.5, 0.7, 0.5, 0.1], [0.5, 0.2, 0.9, 0.5]])
    targ = torch.tensor([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    check(learner, probs, targ, thresh=0.5, sigmoid=False)


@pytest.mark.points(1)
def test_integer_targets(learner):
    """Accepts integer 0/1 targets"""
    inp, targ = logits(4)
    got = learner.call(NAME, inp, targ.long(), misconceptions=ACCURACY)
    expect_value(got, reference(inp, targ), name=NAME, inputs=(inp, targ), misconceptions=ACCURACY,
                 accept=ACCEPTED)


@pytest.mark.property
@pytest.mark.points(1)
def test_returns_float_scalar(learner):
    """Returns a single floating-point number"""
    inp, targ = logits(5)
    got = learner.call(NAME, inp, targ, misconceptions=ACCURACY)
    value, _ = readable_tensor(got)
    if value is None:
        check(learner, inp, targ)
    if not value.is_floating_point():
        raise Feedback(f"`{NAME}` returned a {str(value.dtype).replace('torch.', '')} value", got=render(got),
                       hint="An accuracy is a fraction: convert the boolean comparison to floats before "
                            "averaging.", misconception="wrong_dtype")
    if value.dim() != 0:
        expect_close(value, reference(inp, targ), name=NAME, inputs=(inp, targ), misconceptions=ACCURACY,
                     what="shape")


@pytest.mark.feedback_only
def test_inputs_unchanged(learner):
    """Leaves `inp` and `targ` unchanged (reported by your own process: feedback only)"""
    inp, targ = logits(6)
    out = learner.outcome(NAME, inp, targ, return_args=True)
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault, ACCURACY)
    expect_unchanged([inp, targ], out.args_after, name=NAME, labels=["inp", "targ"])
