"""Exercise 6: `fine_tune` by hand, graded by the schedule a tiny Learner actually ran.

The worker runs the learner's `fine_tune_by_hand(learn, epochs, base_lr, freeze_epochs)` on a tiny
three-group Learner and records, per `fit` call, its epochs, and per training batch, each group's
learning rate and which groups can train (`grader.chapters.ch5.schedule`). This process records fastai's
own `learn.fine_tune(...)` on an identical Learner, and each misconception's schedule, and compares.
"""

import math

import pytest

from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.chapters.ch5.misconceptions import FINE_TUNE_FIXES, FINE_TUNE_HINTS
from grader.worker.client import WorkerFault
from grader.chapters.ch5 import CHAPTER

NAME = "fine_tune_by_hand"
CASES = {
    "fine_tune(2, 1e-2, freeze_epochs=1)": (2, 1e-2, 1),
    "fine_tune(1, 3e-3, freeze_epochs=2)": (1, 3e-3, 2),
    "fine_tune(3, 2e-3, freeze_epochs=1)": (3, 2e-3, 1),
}


def _variants():
    """Misconception id -> a wrong fine_tune, run here on the trusted tiny Learner."""
    def not_frozen(learn, epochs, base_lr, freeze_epochs):
        learn.fit_one_cycle(freeze_epochs, slice(base_lr), pct_start=0.99)
        learn.unfreeze()
        learn.fit_one_cycle(epochs, slice(base_lr / 200, base_lr / 2), pct_start=0.3, div=5.0)

    def not_unfrozen(learn, epochs, base_lr, freeze_epochs):
        learn.freeze()
        learn.fit_one_cycle(freeze_epochs, slice(base_lr), pct_start=0.99)
        learn.fit_one_cycle(epochs, slice(base_lr / 200, base_lr / 2), pct_start=0.3, div=5.0)

    def not_one_cycle(learn, epochs, base_lr, freeze_epochs):
        learn.freeze()
        learn.fit(freeze_epochs, slice(base_lr))
        learn.unfreeze()
        learn.fit(epochs, slice(base_lr / 200, base_lr / 2))

    def no_discriminative_lr(learn, epochs, base_lr, freeze_epochs):
        learn.freeze()
        learn.fit_one_cycle(freeze_epochs, slice(base_lr), pct_start=0.99)
        learn.unfreeze()
        learn.fit_one_cycle(epochs, base_lr / 2, pct_start=0.3, div=5.0)

    def base_lr_not_halved(learn, epochs, base_lr, freeze_epochs):
        learn.freeze()
        learn.fit_one_cycle(freeze_epochs, slice(base_lr), pct_start=0.99)
        learn.unfreeze()
        learn.fit_one_cycle(epochs, slice(base_lr / 100, base_lr), pct_start=0.3, div=5.0)

    def epochs_swapped(learn, epochs, base_lr, freeze_epochs):
        learn.fine_tune(freeze_epochs, base_lr, epochs)

    def wrong_pct_start(learn, epochs, base_lr, freeze_epochs):
        learn.freeze()
        learn.fit_one_cycle(freeze_epochs, slice(base_lr))
        learn.unfreeze()
        learn.fit_one_cycle(epochs, slice(base_lr / 200, base_lr / 2))

    return {f.__name__: f for f in (not_frozen, not_unfrozen, not_one_cycle, no_discriminative_lr,
                                    base_lr_not_halved, epochs_swapped, wrong_pct_start)}


_CACHE: dict = {}


def expected(args) -> tuple[list, dict]:
    """fastai's schedule for `args`, and each misconception's (recorded once per run)."""
    if args not in _CACHE:
        from grader.chapters.ch5.schedule import record

        reference = record(lambda learn: learn.fine_tune(*args))
        wrong = {}
        for mid, fn in _variants().items():
            if mid == "epochs_swapped" and args[0] == args[2]:
                continue
            wrong[mid] = record(lambda learn: fn(learn, *args))
        _CACHE[args] = reference, wrong
    return _CACHE[args]


def _as_phases(got) -> list[dict]:
    """The worker's reply, checked to be the plain structure `record` makes (anything else: no points)."""
    if not isinstance(got, list) or len(got) > 20:
        raise Feedback("the schedule your function ran could not be read")
    out = []
    for p in got:
        ok = (isinstance(p, dict) and isinstance(p.get("epochs"), int) and isinstance(p.get("lrs"), list)
              and isinstance(p.get("trainable"), list) and len(p["lrs"]) <= 10_000
              and all(isinstance(r, list) and all(isinstance(v, float) for v in r) for r in p["lrs"])
              and all(isinstance(t, (list, tuple)) and all(isinstance(v, bool) for v in t)
                      for t in p["trainable"]))
        if not ok:
            raise Feedback("the schedule your function ran could not be read")
        out.append({"epochs": p["epochs"], "lrs": p["lrs"], "trainable": [tuple(t) for t in p["trainable"]]})
    return out


def same(a: list[dict], b: list[dict]) -> bool:
    if len(a) != len(b):
        return False
    for p, q in zip(a, b):
        if p["epochs"] != q["epochs"] or list(map(tuple, p["trainable"])) != list(map(tuple, q["trainable"])):
            return False
        if len(p["lrs"]) != len(q["lrs"]):
            return False
        for r, s in zip(p["lrs"], q["lrs"]):
            if len(r) != len(s) or not all(math.isclose(x, y, rel_tol=1e-4, abs_tol=1e-12) for x, y in zip(r, s)):
                return False
    return True


def describe(phases: list[dict]) -> str:
    parts = []
    for p in phases:
        trains = " / ".join("".join("T" if t else "-" for t in flags) for flags in p["trainable"])
        peak = max((max(r) for r in p["lrs"]), default=0.0)
        parts.append(f"{p['epochs']} epoch(s), groups training [{trains}], peak lr {peak:.3g}")
    return "; ".join(parts) or "no training at all"


def run_learner(learner, args) -> list[dict]:
    learner.require(NAME)
    try:
        reply = learner.worker.request({"op": CHAPTER.op("fine_tune"), "args": list(args)}, timeout=120,
                                       during=f"running `{NAME}`")
    except WorkerFault as exc:
        raise fault_feedback(NAME, exc.fault) from None
    if not reply.get("ok"):
        from grader.worker.client import _fault_from_error

        raise fault_feedback(NAME, _fault_from_error(reply.get("error") or {}))
    if reply.get("called_fine_tune") is not False:
        raise Feedback(f"`{NAME}` calls `learn.fine_tune` itself",
                       hint=FINE_TUNE_HINTS["calls_fine_tune"], fix=FINE_TUNE_FIXES["calls_fine_tune"],
                       misconception="calls_fine_tune")
    return _as_phases(reply.get("phases"))


@pytest.mark.exercise(NAME)
@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(CASES))
def test_runs_fine_tunes_schedule(learner, case):
    """Runs the schedule `learn.fine_tune` runs: phases, frozen groups, learning rate per batch and group"""
    args = CASES[case]
    got = run_learner(learner, args)
    reference, wrong = expected(args)
    if same(got, reference):
        return
    matches = [mid for mid, phases in wrong.items() if same(got, phases)]
    mid = matches[0] if len(matches) == 1 else None
    if mid is None and len(got) != len(reference):
        mid = "phases"
    elif mid is None and [p["trainable"] for p in got] != [p["trainable"] for p in reference]:
        first, second = got[0]["trainable"], got[-1]["trainable"]
        mid = "not_frozen" if first != reference[0]["trainable"] else \
            "not_unfrozen" if second != reference[-1]["trainable"] else None
    raise Feedback(f"`{NAME}` ran a different schedule from `learn.fine_tune{args}`",
                   expected=describe(reference), got=describe(got),
                   hint=FINE_TUNE_HINTS.get(mid) if mid else None,
                   fix=FINE_TUNE_FIXES.get(mid) if mid else None, misconception=mid)
