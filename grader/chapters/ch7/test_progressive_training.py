"""Exercise 3b: progressive resizing on a Learner, graded by what the Learner actually trained on.

The worker hands the learner's `train_progressively` a tiny Learner of the grader's, a
`get_dls(bs, size)` and a plan; a hook on the model records the batch size and image size of every
training batch (`ops/train_progressively.py`). Here the records become stages (runs of
the same size and batch size) and epochs (batches / batches per epoch), compared with the plan. A
stage trained with `fine_tune(epochs)` shows one extra (frozen) epoch: accepted, as in the book.
"""

import pytest

from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.chapters.ch7.misconceptions import (PROGRESSIVE_ARGS_SWAPPED, PROGRESSIVE_EPOCHS,
                                              PROGRESSIVE_NEW_LEARNER, PROGRESSIVE_ONE_SIZE)
from grader.worker.client import WorkerFault
from grader.chapters.ch7 import CHAPTER

pytestmark = pytest.mark.exercise("train_progressively")
NAME = "train_progressively"
ITEMS = 16
PLAN_SECONDS = 120.0
"""Time for one plan's request, the worker's first fastai import included (seconds of training)."""
MAX_RECORDS = 10_000
"""Most training batches read from the reply (the plans train a few dozen)."""
INITIAL_SIZE = 6
PLANS = {
    "three stages, 8 -> 12 -> 16 px": [(8, 8, 2), (12, 4, 1), (16, 2, 1)],
    "two stages, 10 -> 20 px": [(10, 4, 1), (20, 2, 2)],
}


def _fault(reply):
    from grader.worker.client import _fault_from_error

    return _fault_from_error(reply.get("error") or {})


@pytest.fixture(scope="module")
def runs(learner, grading):
    """Each plan's records, or the Feedback its tests report."""
    learner.require(NAME)
    budget = min(float(grading.options["training_budget"]), PLAN_SECONDS)
    out = {}
    for case, plan in PLANS.items():
        hung = next((f for f in out.values() if isinstance(f, Feedback) and f.misconception == "too_slow"), None)
        if hung is not None:  # one hang is enough: the next plan would wait as long again
            out[case] = hung
            continue
        try:
            reply = learner.worker.request({"op": CHAPTER.op("train_progressively"), "stages": [list(s) for s in plan],
                                            "lr": 1e-3, "items": ITEMS}, timeout=budget,
                                           during=f"training with `{NAME}`")
        except WorkerFault as exc:
            timeout = exc.fault.kind == "timeout"
            out[case] = Feedback(f"`{NAME}` did not finish: {exc.fault.message}", fault=exc.fault,
                                 misconception="too_slow" if timeout else None,
                                 hint=f"Each plan here trains a tiny model for a few epochs: it takes "
                                      f"seconds. Make sure every stage ends (at most {PLAN_SECONDS:.0f} s "
                                      f"for a plan)." if timeout else None)
            continue
        if not reply.get("ok"):
            out[case] = fault_feedback(NAME, _fault(reply))
            continue
        out[case] = stages_of(reply.get("records"))
    return out


def stages_of(records) -> list[tuple[int, int, float]]:
    """Consecutive training batches of one (size, bs) as (size, bs, epochs); the last batch of an epoch
    is never short (drop_last), so epochs = batches * bs / ITEMS."""
    stages: list[list] = []
    for rec in records[:MAX_RECORDS] if isinstance(records, list) else []:
        if not (isinstance(rec, list) and len(rec) == 3 and all(type(v) is int for v in rec)):
            continue
        bs, h, w = rec
        size = h if h == w else (h, w)
        if stages and stages[-1][0] == size and stages[-1][1] == bs:
            stages[-1][2] += 1
        else:
            stages.append([size, bs, 1])
    return [(s, b, n * b / ITEMS) for s, b, n in stages]


def _stages(runs, case, request):
    got = runs[case]
    if isinstance(got, Feedback):
        raise got
    request.node.grader_details = {"note": "trained on (size, bs, epochs): " + ", ".join(
        f"({s}, {b}, {e:g})" for s, b, e in got[:10]) if got else "no training batch at all"}
    return got


def check_sizes(got, plan) -> None:
    """The stages' (size, bs) in order, naming the mistake the records show."""
    want = [(s, b) for s, b, _ in plan]
    have = [(s, b) for s, b, _ in got]
    if have == want:
        return
    if not have:
        raise Feedback("the model of the Learner you were given never trained",
                       hint="Train the Learner you were given, stage by stage, swapping its data for each "
                            "stage (a new Learner with a new model trains something else).",
                       misconception="did_not_train",
                       fix="`learn.dls = get_dls(bs, size)`, then `learn.fit_one_cycle(epochs, lr)`")
    if have == want[:len(have)]:
        raise Feedback(f"the model trained on {len(have)} of the plan's {len(want)} stages",
                       hint=PROGRESSIVE_NEW_LEARNER.hint, misconception=PROGRESSIVE_NEW_LEARNER.id,
                       fix=PROGRESSIVE_NEW_LEARNER.fix)
    if all(s == INITIAL_SIZE for s, _ in have):
        raise Feedback("every epoch trained on the Learner's original DataLoaders",
                       hint=PROGRESSIVE_ONE_SIZE.hint, misconception=PROGRESSIVE_ONE_SIZE.id,
                       fix=PROGRESSIVE_ONE_SIZE.fix)
    if have == [(b, s) for s, b in want]:
        raise Feedback("the stages trained with image size and batch size swapped",
                       hint=PROGRESSIVE_ARGS_SWAPPED.hint, misconception=PROGRESSIVE_ARGS_SWAPPED.id)
    raise Feedback(f"the stages trained on (size, bs) {have[:8]}, the plan is {want}",
                   hint="Train the stages in the plan's order, each on its own size and batch size.",
                   fix="for each (size, bs, epochs): `learn.dls = get_dls(bs, size)`, then train")


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(PLANS))
def test_stage_sizes(runs, request, case):
    """Trains the same model at each stage's image size and batch size, in order"""
    check_sizes(_stages(runs, case, request), PLANS[case])


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(PLANS))
def test_stage_epochs(runs, request, case):
    """Trains each stage for its number of epochs (checked once the sizes are right)"""
    got = _stages(runs, case, request)
    plan = PLANS[case]
    check_sizes(got, plan)
    for (size, bs, epochs), (_, _, trained) in zip(plan, got):
        if trained not in (epochs, epochs + 1):
            raise Feedback(f"the stage at {size} px trained {trained:g} epochs; the plan gives it {epochs}",
                           hint=PROGRESSIVE_EPOCHS.hint, misconception=PROGRESSIVE_EPOCHS.id,
                           fix=PROGRESSIVE_EPOCHS.fix)
