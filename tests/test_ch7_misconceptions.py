"""Every chapter-7 misconception is caught, with its own hint, and no other mistake is named."""

from pathlib import Path

import pytest
from ch7_misconception_cases import CASES
from conftest import failing
from misconception_cases import submission_with

from grader.chapters.ch7 import misconceptions as mc

SOLUTION = Path(__file__).resolve().parent.parent / "solutions" / "ch7.py"


def _hints(*groups):
    return {m.id: m.hint for group in groups for m in group}


HINTS = {
    "channel_stats": _hints(mc.CHANNEL_MEAN, mc.CHANNEL_STD),
    "normalize": _hints(mc.NORMALIZE),
    "denormalize": _hints(mc.DENORMALIZE),
    "progressive_plan": _hints(mc.PLAN),
    "train_progressively": _hints((mc.PROGRESSIVE_NEW_LEARNER, mc.PROGRESSIVE_ONE_SIZE,
                                   mc.PROGRESSIVE_ARGS_SWAPPED, mc.PROGRESSIVE_EPOCHS)),
    "tta_predict": _hints(mc.TTA),
    "mixup": _hints(mc.MIXUP_X, mc.MIXUP_Y),
    "mixup_batch": _hints(mc.MIXUP_BATCH_X, mc.MIXUP_BATCH_Y),
    "label_smoothing_ce": {**_hints(mc.LABEL_SMOOTHING), "unstable": mc.LABEL_SMOOTHING_UNSTABLE},
}


def test_every_listed_misconception_has_a_case():
    listed = {}
    for exercise, hints in HINTS.items():
        listed[exercise] = set(hints)
    listed["normalize"].add("modifies_inputs")
    listed["label_smoothing_ce"].add("breaks_autograd")
    listed["train_progressively"].add("did_not_train")
    have = {}
    for exercise, mid in CASES:
        have.setdefault(exercise, set()).add(mid)
    assert have == listed


SLOW = {"train_progressively"}
"""Exercises whose grading trains a Learner in the worker (imports fastai: seconds)."""


@pytest.mark.parametrize("exercise,misconception", [
    pytest.param(e, m, id=f"{e}-{m}", marks=[pytest.mark.slow] if e in SLOW else []) for e, m in CASES])
def test_misconception_is_named(grade_source, exercise, misconception):
    result = grade_source(submission_with(CASES[exercise, misconception], SOLUTION.read_text()),
                          chapter="ch7", only={exercise}, skip=set(), timing=False)
    assert [e.name for e in result.exercises] == [exercise]
    failed = failing(result, exercise)
    assert failed, "a wrong implementation must not pass"
    named = [t for t in failed if t.misconception == misconception]
    assert named, f"expected {misconception!r}, got {[(t.misconception, t.message) for t in failed]}"
    if misconception in HINTS[exercise]:
        assert named[0].hint == HINTS[exercise][misconception]
    else:
        assert named[0].hint and len(named[0].hint) > 30
    assert {t.misconception for t in failed} - {None} == {misconception}, "no other mistake is named"


def _code_of(fix):
    """The backticked code spans of a fix (what a hint must not paste)."""
    return [span for span in fix.split("`")[1::2] if len(span) > 8]


def test_hints_do_not_paste_the_fix():
    """A hint names the mistake; the literal fix lives apart (`Misconception.fix`, shown with --reveal)."""
    groups = (mc.CHANNEL_MEAN, mc.CHANNEL_STD, mc.NORMALIZE, mc.DENORMALIZE, mc.PLAN, mc.TTA, mc.MIXUP_X,
              mc.MIXUP_Y, mc.MIXUP_BATCH_X, mc.MIXUP_BATCH_Y, mc.LABEL_SMOOTHING,
              (mc.PROGRESSIVE_NEW_LEARNER, mc.PROGRESSIVE_ONE_SIZE, mc.PROGRESSIVE_EPOCHS))
    with_fix = [m for group in groups for m in group if m.fix]
    assert len(with_fix) >= 20
    pasted = [(m.id, span) for m in with_fix for span in _code_of(m.fix) if span in m.hint]
    assert pasted == []
