"""Every listed misconception of exercises 1-7 is caught, with its own hint."""

import pytest
from conftest import SOLUTION, failing
from misconception_cases import CASES, submission_with

from grader.suites.ch6 import misconceptions as mc

HINTS = {
    "binary_cross_entropy": {m.id: m.hint for m in mc.BCE},
    "sigmoid_range": {m.id: m.hint for m in mc.SIGMOID_RANGE},
    "accuracy_multi": {m.id: m.hint for m in mc.ACCURACY},
    "splitter": {m.id: m.hint for m in (mc.SPLIT_SWAPPED, mc.SPLIT_MASKS, mc.SPLIT_RANDOM)},
    "is_valid_person": {m.id: m.hint for m in (mc.PERSON_ANYWHERE, mc.PERSON_RANDOM)},
    "img2pose": {m.id: m.hint for m in mc.IMG2POSE},
    "get_ctr": {m.id: m.hint for m in mc.GET_CTR},
}


def test_every_spec_misconception_has_a_case():
    listed = {
        "binary_cross_entropy": {"no_sigmoid", "softmax", "sum_not_mean", "where_swapped", "missing_minus",
                                 "per_element", "breaks_autograd", "single_label_ce"},
        "sigmoid_range": {"hi_plus_lo", "missing_lo", "clamp", "tanh_unscaled"},
        "accuracy_multi": {"argmax", "ignores_sigmoid_flag", "ignores_thresh", "greater_equal",
                           "subset_accuracy"},
        "splitter": {"swapped", "boolean_masks", "random_split"},
        "is_valid_person": {"13_anywhere", "random_split"},
        "img2pose": {"replace_whole_path", "slice_8", "slice_6"},
        "get_ctr": {"axes_swapped", "no_divide_by_z", "offsets_swapped", "returns_list"},
    }
    have = {}
    for exercise, mid in CASES:
        have.setdefault(exercise, set()).add(mid)
    assert have == listed


@pytest.mark.parametrize("exercise,misconception", list(CASES), ids=[f"{e}-{m}" for e, m in CASES])
def test_misconception_is_named(grade_source, exercise, misconception):
    source = submission_with(CASES[exercise, misconception], SOLUTION.read_text())
    result = grade_source(source, only={exercise})
    assert [e.name for e in result.exercises] == [exercise]
    failed = failing(result, exercise)
    assert failed, "a wrong implementation must not pass"
    named = [t for t in failed if t.misconception == misconception]
    assert named, f"expected {misconception!r}, got {[t.misconception for t in failed]}"
    if misconception in HINTS[exercise]:
        assert named[0].hint == HINTS[exercise][misconception]
    else:
        assert named[0].hint and len(named[0].hint) > 30
    assert {t.misconception for t in failed} - {None} == {misconception}, "no other mistake is named"
