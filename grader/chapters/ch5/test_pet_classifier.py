"""Exercise 7: a pet-breed classifier trained on generated Oxford-IIIT images, graded on hidden images.

The worker trains the learner's classifier once (module fixture, op `ch5/train_pets`) and predicts on
hidden images; the figures are computed here, in the trusted process, from the predictions alone.
The time budget is the chapter's training budget (`--training-budget`).
"""

import pytest

from grader.chapters.ch5 import CHAPTER, pets
from grader.suite.feedback import Feedback
from grader.suite.training import Training, train_and_predict

NAME = "train_pet_classifier"
PRETRAINED_HINT = ("Pretrained weights cannot be downloaded here: pass `pretrained=False` (train from "
                   "scratch); the grader's pets are small and simple enough for that.")


TRAINING = Training(
    name=NAME, what="the pet classifier", op=CHAPTER.op("train_pets"),
    too_slow_hint="Train for fewer epochs or on smaller images (Resize(48) is enough here), with a small "
                  "architecture and `num_workers=0`, or raise the budget with --training-budget.",
    pretrained_hint=PRETRAINED_HINT)


@pytest.fixture(scope="module")
def run(learner, grading):
    """Train once and predict the hidden set; returns figures, or the Feedback every test reports."""
    learner.require(NAME)
    train_dir = pets.make_training_set(grading.workdir / "oxford-iiit-pet")
    hidden = pets.make_hidden_set(grading.workdir / "hidden-pets")
    reply, feedback = train_and_predict(learner, grading, TRAINING, {
        "path": str(train_dir), "hidden": [str(f) for f in hidden.files]}, len(hidden.files))
    if feedback is not None:
        return {"feedback": feedback}
    return {"figures": pets.score(reply["probs"], reply["vocab"], hidden),
            "loss": str(reply.get("loss"))[:100], "train_seconds": reply.get("train_seconds")}


def figures_of(run, request) -> pets.PetFigures:
    if "feedback" in run:
        raise run["feedback"]
    f = run["figures"]
    seconds = run["train_seconds"] if isinstance(run["train_seconds"], (int, float)) else 0
    request.node.grader_details = {
        "figures": [
            {"label": "breed accuracy (top-1)", "value": round(f.accuracy, 3),
             "pass_mark": pets.PASS_MARKS["accuracy"]},
            {"label": "species right (cat or dog)", "value": round(f.species, 3),
             "pass_mark": pets.PASS_MARKS["species"]},
            {"label": "baseline (always the most common breed)", "value": round(f.baseline, 3),
             "pass_mark": None},
        ],
        "confusion": f.confusion,
        "note": f"loss {run['loss']}, trained in {seconds:.0f} s",
    }
    return f


def learned(f: pets.PetFigures) -> None:
    """No check counts for predictions no better than always answering one breed."""
    if f.accuracy <= f.baseline + pets.LEARNED_MARGIN:
        raise Feedback(f"the predictions on the hidden images are little better than a constant answer: "
                       f"{f.accuracy:.2f} right, against {f.baseline:.2f} for always the same breed",
                       hint="The model did not learn the breeds: check that the labels come from the file "
                            "names (`using_attr(RegexLabeller(r'(.+)_\\d+.jpg$'), 'name')`), and that the loss "
                            "goes down while it trains.", misconception="did_not_learn")


@pytest.mark.points(2)
@pytest.mark.exercise(NAME)
def test_trains_and_predicts(run, request):
    """Trains, returns a Learner, and predicts breeds of new images better than chance"""
    learned(figures_of(run, request))


@pytest.mark.hidden
@pytest.mark.points(3)
@pytest.mark.exercise(NAME)
def test_breed_accuracy(run, request):
    """Breed accuracy on hidden images"""
    f = figures_of(run, request)
    learned(f)
    if f.accuracy < pets.PASS_MARKS["accuracy"]:
        raise Feedback(f"breed accuracy on hidden images: {f.accuracy:.2f}, below the pass mark "
                       f"{pets.PASS_MARKS['accuracy']:.2f}",
                       hint="Train a few more epochs, or check the learning rate with `lr_find`.")


@pytest.mark.hidden
@pytest.mark.points(1)
@pytest.mark.exercise(NAME)
def test_species_accuracy(run, request):
    """Tells cats from dogs on hidden images"""
    f = figures_of(run, request)
    learned(f)
    if f.species < pets.PASS_MARKS["species"]:
        raise Feedback(f"species right on hidden images: {f.species:.2f}, below the pass mark "
                       f"{pets.PASS_MARKS['species']:.2f}")
