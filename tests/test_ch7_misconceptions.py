"""Every chapter-7 misconception is caught, with its own hint, and no other mistake is named."""

from pathlib import Path

import pytest
from ch7_misconception_cases import CASES
from conftest import failing
from misconception_cases import submission_with

from grader.suites.ch7 import misconceptions as mc

SOLUTION = Path(__file__).resolve().parent.parent / "solutions" / "ch7.py"


def _hints(*groups):
    return {m.id: m.hint for group in groups for m in group}


HINTS = {
    "channel_stats": _hints(mc.CHANNEL_MEAN, mc.CHANNEL_STD),
    "normalize": _hints(mc.NORMALIZE),
    "denormalize": _hints(mc.DENORMALIZE),
    "progressive_plan": _hints(mc.PLAN),
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
    have = {}
    for exercise, mid in CASES:
        have.setdefault(exercise, set()).add(mid)
    assert have == listed


@pytest.mark.parametrize("exercise,misconception", list(CASES), ids=[f"{e}-{m}" for e, m in CASES])
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
