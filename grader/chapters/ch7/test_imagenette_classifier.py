"""Exercise 7: an Imagenette classifier trained with the chapter's techniques, graded on hidden images.

The worker trains the learner's classifier once (module fixture) and predicts on hidden images; the
figures are computed here, in the trusted process, from the predictions alone. The time budget is
the run's training budget (`--training-budget`).
"""

import pytest

from grader.chapters.ch7 import CHAPTER, imagenette
from grader.suite.feedback import Feedback
from grader.suite.training import Training, train_and_predict

pytestmark = pytest.mark.exercise("train_imagenette")
NAME = "train_imagenette"
PRETRAINED_HINT = ("Pretrained weights cannot be downloaded here: train from scratch (`pretrained=False`, "
                   "or a plain `Learner` with your own model); the grader's images are simple enough.")


TRAINING = Training(
    name=NAME, what="the Imagenette classifier", op=CHAPTER.op("train_imagenette"),
    too_slow_hint="Train for fewer epochs, on smaller images (Resize(32) is enough here) or with a "
                  "smaller model, or raise the budget with --training-budget.",
    pretrained_hint=PRETRAINED_HINT)


@pytest.fixture(scope="module")
def run(learner, grading):
    """Train once and predict the hidden set; returns figures, or the Feedback every test reports."""
    learner.require(NAME)
    train_dir = imagenette.make_training_set(grading.workdir / "imagenette2-160")
    hidden = imagenette.make_hidden(grading.workdir / "hidden")
    reply, feedback = train_and_predict(learner, grading, TRAINING, {
        "path": str(train_dir), "hidden": [str(f) for f, _ in hidden]}, len(hidden))
    if feedback is not None:
        return {"feedback": feedback}
    figures = imagenette.score(reply["probs"], reply["vocab"], [w for _, w in hidden])
    names = [str(n)[:100] for n in _listed(reply.get("batch_tfms")) + _listed(reply.get("callbacks"))
             + [reply.get("loss")]]
    used = sorted({imagenette.TECHNIQUES[n] for n in names if n in imagenette.TECHNIQUES})
    return {"figures": figures, "loss": str(reply.get("loss"))[:100], "techniques": used,
            "train_seconds": reply.get("train_seconds")}


def _listed(value) -> list:
    """At most 50 names from a reply field that should be a list of class names."""
    return list(value[:50]) if isinstance(value, list) else []


def figures_of(run, request) -> imagenette.ImagenetteFigures:
    if "feedback" in run:
        raise run["feedback"]
    f = run["figures"]
    seconds = run["train_seconds"] if isinstance(run["train_seconds"], (int, float)) else 0
    request.node.grader_details = {
        "figures": [{"label": "accuracy on hidden images", "value": round(f.accuracy, 3),
                     "pass_mark": imagenette.PASS_MARK},
                    {"label": "always answering one class", "value": round(f.baseline, 3), "pass_mark": None}],
        "confusion": f.per_class,
        "note": f"loss {run['loss']}, techniques: {', '.join(run['techniques']) or 'none'}, "
                f"trained in {seconds:.0f} s",
    }
    return f


def learned(f: imagenette.ImagenetteFigures) -> None:
    """No check of this exercise counts for predictions no better than a constant answer."""
    if f.accuracy <= f.baseline + imagenette.LEARNED_MARGIN:
        raise Feedback(f"the predictions on the hidden images are no better than a constant answer: "
                       f"accuracy {f.accuracy:.2f}, and always answering one class gets {f.baseline:.2f}",
                       hint="The model did not learn from the images: check that the DataBlock reads the "
                            "images and labels them by their folder (`parent_label`), and that the loss "
                            "goes down while it trains.", misconception="did_not_learn")


@pytest.mark.points(1)
def test_trains_and_predicts(run, request):
    """Trains, returns a Learner, and predicts on new images better than chance"""
    learned(figures_of(run, request))


@pytest.mark.property
@pytest.mark.points(1)
def test_uses_a_chapter_technique(run, request):
    """Uses normalization, mixup or label smoothing (checked once it has learned)"""
    f = figures_of(run, request)
    learned(f)
    if not run["techniques"]:
        raise Feedback("the Learner uses none of this chapter's techniques",
                       hint="Add `Normalize()` (or `Normalize.from_stats(...)`) to the batch transforms, "
                            "train with `cbs=MixUp()`, or use `loss_func=LabelSmoothingCrossEntropy()`.",
                       misconception="no_technique")


@pytest.mark.hidden
@pytest.mark.points(3)
def test_hidden_accuracy(run, request):
    """Accuracy on hidden images reaches the pass mark"""
    f = figures_of(run, request)
    learned(f)
    if f.accuracy < imagenette.PASS_MARK:
        raise Feedback(f"accuracy on hidden images: {f.accuracy:.2f}, below the pass mark "
                       f"{imagenette.PASS_MARK:.2f}", hint="Train longer, normalize the inputs, or check "
                       "your DataBlock (get_image_files, parent_label).")
