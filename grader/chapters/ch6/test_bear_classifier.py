"""Exercise 8: retrain the bear classifier as multi-label, graded on hidden images.

The worker trains the learner's classifier once (module fixture) and predicts on hidden images; the
figures are computed here, in the trusted process, from the predictions alone.
"""

import math

import pytest

from grader.chapters.ch6 import CHAPTER, bears
from grader.suite.feedback import Feedback
from grader.suite.training import Training, train_and_predict

pytestmark = pytest.mark.exercise("train_bear_classifier")
NAME = "train_bear_classifier"
TRAIN_IMAGES, HIDDEN_IMAGES = 300, 120
PRETRAINED_HINT = ("Pretrained weights cannot be downloaded here: pass `pretrained=False` (train from "
                   "scratch); the grader's images are small and simple enough for that.")


TRAINING = Training(
    name=NAME, what="the bear classifier", op=CHAPTER.op("train_bears"),
    too_slow_hint="Train for fewer epochs or on smaller images (Resize(64) is enough here), or raise the "
                  "budget with --training-budget.",
    pretrained_hint=PRETRAINED_HINT)


@pytest.fixture(scope="module")
def run(learner, grading):
    """Train once and predict the hidden set; returns figures, or the Feedback every test reports."""
    learner.require(NAME)
    train_dir = bears.make_training_set(grading.workdir / "bears", TRAIN_IMAGES)
    hidden = bears.make_hidden_set(grading.workdir / "hidden", HIDDEN_IMAGES)
    reply, feedback = train_and_predict(learner, grading, TRAINING, {
        "path": str(train_dir), "hidden": [str(f) for f in hidden.files]}, len(hidden.files))
    if feedback is not None:
        return {"feedback": feedback}
    threshold = reply.get("threshold")
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or not math.isfinite(threshold):
        threshold = 0.5  # the module has no usable BEAR_THRESHOLD
    figures = bears.score(reply["probs"], reply["vocab"], hidden, threshold)
    return {"figures": figures, "loss": str(reply.get("loss"))[:100], "vocab": reply["vocab"],
            "threshold": threshold, "train_seconds": reply.get("train_seconds")}


def figures_of(run, request):
    if "feedback" in run:
        raise run["feedback"]
    f = run["figures"]
    request.node.grader_details = {
        "figures": [
            {"label": "element-wise accuracy (accuracy_multi)", "value": round(f.elementwise, 3),
             "pass_mark": bears.PASS_MARKS["elementwise"]},
            {"label": "no-bear images predicted empty", "value": round(f.no_bear, 3),
             "pass_mark": bears.PASS_MARKS["no_bear"]},
            {"label": "two-bear images predicted with both kinds", "value": round(f.two_bears, 3),
             "pass_mark": bears.PASS_MARKS["two_bears"]},
            {"label": "single-bear images, top-1 (single-label accuracy)", "value": round(f.single_label, 3),
             "pass_mark": None},
            {"label": "single-label baseline (always the most common kind)",
             "value": round(f.single_label_baseline, 3), "pass_mark": None},
        ],
        "confusion": f.confusion,
        "note": f"threshold {run['threshold']:g}, loss {run['loss']}, trained in "
                f"{run['train_seconds'] or 0:.0f} s",
    }
    return f


def learned(f: bears.BearFigures) -> None:
    """No check of this exercise counts for predictions that are no better than a constant answer."""
    if f.single_label <= f.single_label_baseline + bears.LEARNED_MARGIN:
        raise Feedback(f"the predictions on the hidden images are no better than a constant answer: on "
                       f"single-bear images the most probable kind is right {f.single_label:.2f} of the "
                       f"time, and always answering the most common kind gets {f.single_label_baseline:.2f}",
                       hint="The model did not learn from the images: check that the DataBlock reads the "
                            "images and the labels (get_x, get_y splitting on spaces), and that the loss "
                            "goes down while it trains.", misconception="did_not_learn", public=True)


def single_label(run) -> bool:
    loss = run["loss"]
    return loss in bears.SINGLE_LABEL_LOSSES or ("CrossEntropyLoss" in loss and "Binary" not in loss)


def _at_least(value, mark, what, hint=None, misconception=None):
    if value < mark:
        raise Feedback(f"{what}: {value:.2f}, required {mark:.2f}", hint=hint,
                       misconception=misconception, public=True)


def _single_label_fails(run, value, mark, what):
    """A single-label model is told why it cannot do this, before anything else."""
    if single_label(run):
        _at_least(value, mark, what, hint=bears.MULTI_LABEL_HINT.format(loss=run["loss"]),
                  misconception="single_label_loss")


@pytest.mark.points(1)
def test_trains_and_predicts(run, request):
    """Trains, returns a Learner, and predicts on new images"""
    learned(figures_of(run, request))


@pytest.mark.points(1)
def test_multi_label_loss(run, request):
    """Uses a multi-label loss (sigmoid per class), so it can say 'none' or 'two kinds'"""
    f = figures_of(run, request)
    if single_label(run):
        raise Feedback(f"the loss is {run['loss']}, a single-label loss",
                       hint=bears.MULTI_LABEL_HINT.format(loss=run["loss"]), misconception="single_label_loss")
    learned(f)


@pytest.mark.hidden
@pytest.mark.points(2)
def test_elementwise_accuracy(run, request):
    """Element-wise accuracy on hidden images, at your BEAR_THRESHOLD"""
    f = figures_of(run, request)
    what = "element-wise accuracy on hidden images"
    _single_label_fails(run, f.elementwise, bears.PASS_MARKS["elementwise"], what)
    learned(f)
    _at_least(f.elementwise, bears.PASS_MARKS["elementwise"], what,
              hint="Train longer or check your DataBlock (MultiCategoryBlock, get_y splitting the labels "
                   "on spaces).")


@pytest.mark.hidden
@pytest.mark.points(2)
def test_no_bear_predicts_nothing(run, request):
    """Images with no bear get an empty prediction"""
    f = figures_of(run, request)
    what = "share of no-bear images predicted empty"
    _single_label_fails(run, f.no_bear, bears.PASS_MARKS["no_bear"], what)
    learned(f)
    _at_least(f.no_bear, bears.PASS_MARKS["no_bear"], what,
              hint="Images without a bear must get no label: with a sigmoid per class, each probability "
                   "can stay below the threshold. Check your threshold and that no-bear rows are in "
                   "training.", misconception="cannot_say_none")


@pytest.mark.hidden
@pytest.mark.points(2)
def test_two_bears_predict_both(run, request):
    """Images with two kinds of bear get both labels"""
    f = figures_of(run, request)
    what = "share of two-bear images with both kinds"
    _single_label_fails(run, f.two_bears, bears.PASS_MARKS["two_bears"], what)
    learned(f)
    _at_least(f.two_bears, bears.PASS_MARKS["two_bears"], what)
