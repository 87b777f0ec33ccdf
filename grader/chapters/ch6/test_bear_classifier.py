"""Exercise 8: retrain the bear classifier as multi-label, graded on hidden images.

The worker trains the learner's classifier once (module fixture) and predicts on hidden images; the
figures are computed here, in the trusted process, from the predictions alone.
"""

import threading
import time

import pytest

from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.chapters.ch6 import bears
from grader.worker import codec
from grader.worker.client import WorkerFault
from grader.chapters.ch6 import CHAPTER

pytestmark = pytest.mark.exercise("train_bear_classifier")
NAME = "train_bear_classifier"
TRAIN_IMAGES, HIDDEN_IMAGES = 300, 120
PRETRAINED_HINT = ("Pretrained weights cannot be downloaded here: pass `pretrained=False` (train from "
                   "scratch); the grader's images are small and simple enough for that.")


def _ticker(say, budget: float, stop: threading.Event) -> None:
    started = time.monotonic()
    while not stop.wait(15):
        say(f"training the bear classifier: {time.monotonic() - started:.0f} s of at most {budget:.0f} s")


@pytest.fixture(scope="module")
def run(learner, grading):
    """Train once and predict the hidden set; returns figures, or the Feedback every test reports."""
    learner.require(NAME)
    budget = float(grading.options["training_budget"])
    say = grading.options.get("progress") or (lambda message: None)
    train_dir = bears.make_training_set(grading.workdir / "bears", TRAIN_IMAGES)
    hidden = bears.make_hidden_set(grading.workdir / "hidden", HIDDEN_IMAGES)
    say(f"training the bear classifier (time budget {budget:.0f} s)")
    stop = threading.Event()
    threading.Thread(target=_ticker, args=(say, budget, stop), daemon=True).start()
    try:
        reply = learner.worker.request({"op": CHAPTER.op("train_bears"), "path": str(train_dir),
                                        "hidden": [str(f) for f in hidden.files]},
                                       timeout=budget, during=f"training with `{NAME}`")
    except WorkerFault as exc:
        if exc.fault.kind == "timeout":
            return {"feedback": Feedback(
                f"training took longer than the time budget ({budget:.0f} s) and was stopped",
                hint="Train for fewer epochs or on smaller images (Resize(64) is enough here), or "
                     "raise the budget with --bear-budget.", misconception="too_slow", fault=exc.fault)}
        return {"feedback": fault_feedback(NAME, exc.fault)}
    finally:
        stop.set()
    if not reply.get("ok"):
        fault = codec_fault(reply)
        feedback = fault_feedback(NAME, fault)
        if "pretrained" in fault.message.lower() or "download" in fault.message.lower() or \
                "urlopen" in fault.message.lower():
            feedback.hint = PRETRAINED_HINT
        return {"feedback": feedback}
    threshold = reply.get("threshold")
    threshold = 0.5 if threshold is None else threshold
    probs = codec.decode(reply["probs"])
    if not hasattr(probs, "shape") or tuple(probs.shape) != (len(hidden.files), len(reply["vocab"])):
        return {"feedback": Feedback("the predictions on the hidden images have the wrong shape")}
    figures = bears.score(probs, reply["vocab"], hidden, threshold)
    return {"figures": figures, "loss": reply["loss"], "vocab": reply["vocab"], "threshold": threshold,
            "train_seconds": reply.get("train_seconds")}


def codec_fault(reply):
    from grader.worker.client import _fault_from_error

    return _fault_from_error(reply.get("error") or {})


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
