"""Every listed chapter-5 misconception is caught, with its own hint."""

import pytest
from ch5_misconception_cases import CASES
from conftest import ROOT, failing
from misconception_cases import submission_with

from grader.chapters.ch5 import misconceptions as mc

SOLUTION5 = ROOT / "solutions" / "ch5.py"


def _ids(*groups):
    return {m.id: m.hint for group in groups for m in group}


HINTS = {
    "label_from_name": _ids(mc.LABEL, (mc.LABEL_FINDALL,)),
    "species": _ids(mc.SPECIES, (mc.SPECIES_BOOL,)),
    "softmax": _ids(mc.SOFTMAX_ALL),
    "log_softmax": _ids(mc.LOG_SOFTMAX),
    "nll_loss": {**_ids(mc.NLL), "one_hot_targets": mc.NLL_ONE_HOT},
    "cross_entropy": {**_ids(mc.CROSS_ENTROPY), "breaks_autograd": mc.CE_NOT_DIFFERENTIABLE},
    "suggest_lr": _ids(mc.SUGGEST_LR),
    "lr_groups": _ids(mc.LR_GROUPS),
    "pets_datablock": mc.DATABLOCK,
    "fine_tune_by_hand": mc.FINE_TUNE_HINTS,
}


def test_every_misconception_has_a_case():
    have = {}
    for exercise, mid in CASES:
        have.setdefault(exercise, set()).add(mid)
    assert have == {exercise: set(hints) for exercise, hints in HINTS.items()}


@pytest.mark.parametrize("exercise,misconception", list(CASES), ids=[f"{e}-{m}" for e, m in CASES])
def test_misconception_is_named(grade_source, exercise, misconception):
    result = grade_source(submission_with(CASES[exercise, misconception], SOLUTION5.read_text()),
                          chapter="ch5", only={exercise}, timing=False)
    assert [e.name for e in result.exercises] == [exercise]
    failed = failing(result, exercise)
    assert failed, "a wrong implementation must not pass"
    named = [t for t in failed if t.misconception == misconception]
    assert named, f"expected {misconception!r}, got {[(t.misconception, t.message) for t in failed]}"
    assert named[0].hint == HINTS[exercise][misconception]
    assert {t.misconception for t in failed} - {None} == {misconception}, "no other mistake is named"


def test_overflow_is_named_in_the_stretch_test(grade_source):
    """The chapter's softmax is right for moderate activations and overflows at 1000."""
    source = "def softmax(x):\n    return x.exp() / x.exp().sum(dim=1, keepdim=True)\n"
    result = grade_source(submission_with(source, SOLUTION5.read_text()), chapter="ch5", only={"softmax"},
                          timing=False)
    tests = result.exercises[0].tests
    assert all(t.outcome in ("passed", "skipped") for t in tests if not t.stretch)
    stretch = [t for t in tests if t.stretch]
    assert stretch[0].outcome == "failed" and stretch[0].misconception == "overflow"


def _code_of(fix):
    """The backticked code spans of a fix (what a hint must not paste)."""
    return [span for span in fix.split("`")[1::2] if len(span) > 8]


def test_hints_do_not_paste_the_fix():
    """A hint names the mistake; the literal fix lives apart (shown only with --reveal)."""
    pairs = [(m.id, m.hint, m.fix) for group in (mc.LABEL, (mc.LABEL_FINDALL,), mc.SPECIES, mc.SOFTMAX_ALL,
                                                 mc.LOG_SOFTMAX, mc.NLL, mc.CROSS_ENTROPY, mc.SUGGEST_LR,
                                                 mc.LR_GROUPS)
             for m in group if m.fix]
    pairs += [(mid, mc.DATABLOCK[mid], fix) for mid, fix in mc.DATABLOCK_FIXES.items()]
    pairs += [(mid, mc.FINE_TUNE_HINTS[mid], fix) for mid, fix in mc.FINE_TUNE_FIXES.items()]
    assert len(pairs) >= 25
    pasted = [(mid, span) for mid, hint, fix in pairs for span in _code_of(fix) if span in hint]
    assert pasted == []
