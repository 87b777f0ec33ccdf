"""Every listed misconception of exercises 1-7 is caught, with its own hint."""

import pytest
from conftest import SOLUTION, failing
from misconception_cases import CASES, VARIANTS, submission_with

from grader.chapters.ch6 import misconceptions as mc

HINTS = {
    "binary_cross_entropy": {**{m.id: m.hint for m in mc.BCE}, "breaks_autograd": mc.BCE_NOT_DIFFERENTIABLE},
    "sigmoid_range": {m.id: m.hint for m in mc.SIGMOID_RANGE},
    "accuracy_multi": {m.id: m.hint for m in mc.ACCURACY},
    "splitter": {m.id: m.hint for m in (mc.SPLIT_SWAPPED, mc.SPLIT_MASKS, mc.SPLIT_RANDOM)},
    "is_valid_person": {m.id: m.hint for m in (mc.PERSON_ANYWHERE, mc.PERSON_RANDOM, mc.PERSON_INT)},
    "img2pose": {m.id: m.hint for m in mc.IMG2POSE},
    "get_ctr": {m.id: m.hint for m in mc.GET_CTR},
}
ACCEPTED_WITH_A_NOTE = {("get_ctr", "returns_list")}
"""Cases of the spec's list that issue 12 turned into accepted equivalents: full marks, named in a note."""


def test_every_spec_misconception_has_a_case():
    listed = {
        "binary_cross_entropy": {"no_sigmoid", "softmax", "sum_not_mean", "where_swapped", "missing_minus",
                                 "per_element", "breaks_autograd", "single_label_ce"},
        "sigmoid_range": {"hi_plus_lo", "missing_lo", "clamp", "tanh_unscaled"},
        "accuracy_multi": {"argmax", "ignores_sigmoid_flag", "ignores_thresh", "greater_equal",
                           "subset_accuracy"},
        "splitter": {"swapped", "boolean_masks", "random_split"},
        "is_valid_person": {"13_anywhere", "random_split", "int_not_str"},
        "img2pose": {"replace_whole_path", "slice_8", "slice_6"},
        "get_ctr": {"axes_swapped", "no_divide_by_z", "offsets_swapped", "returns_list"},
    }
    have = {}
    for exercise, mid in CASES:
        have.setdefault(exercise, set()).add(mid)
    assert have == listed


@pytest.mark.parametrize("exercise,misconception", list(CASES), ids=[f"{e}-{m}" for e, m in CASES])
def test_misconception_is_named(grade_source, exercise, misconception):
    if (exercise, misconception) in ACCEPTED_WITH_A_NOTE:
        result = grade_source(submission_with(CASES[exercise, misconception], SOLUTION.read_text()),
                              only={exercise})
        entry = result.exercises[0]
        assert entry.points == entry.max_points > 0
        assert any("accepted" in note for note in entry.notes), entry.notes
        return
    assert_named(grade_source, CASES[exercise, misconception], exercise, misconception)


@pytest.mark.parametrize("exercise,misconception,how", list(VARIANTS),
                         ids=[f"{e}-{m}-{h}" for e, m, h in VARIANTS])
def test_another_way_of_writing_it_is_named_too(grade_source, exercise, misconception, how):
    """An input on which an nll variant raises (a 3-d batch) is named as the family's first member."""
    family = SINGLE_LABEL if misconception in SINGLE_LABEL else set()
    assert_named(grade_source, VARIANTS[exercise, misconception, how], exercise, misconception, also=family)


def test_13_anywhere_is_named_when_the_runs_own_folder_holds_13(grade_source, tmp_path, monkeypatch):
    """`'13' in str(o)` then says True for every image: still that mistake, not a random split."""
    import tempfile

    runs = tmp_path / "term13"
    runs.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(runs))
    assert_named(grade_source, CASES["is_valid_person", "13_anywhere"], "is_valid_person", "13_anywhere")


SINGLE_LABEL = {"single_label_ce", "single_label_nll", "single_label_nll_log_softmax"}
"""One misconception of the spec (nll_loss / cross_entropy), named by the form the learner wrote."""


def assert_named(grade_source, wrong: str, exercise: str, misconception: str, also=frozenset()) -> None:
    result = grade_source(submission_with(wrong, SOLUTION.read_text()), only={exercise})
    assert [e.name for e in result.exercises] == [exercise]
    failed = failing(result, exercise)
    assert failed, "a wrong implementation must not pass"
    named = [t for t in failed if t.misconception == misconception]
    assert named, f"expected {misconception!r}, got {[(t.misconception, t.message) for t in failed]}"
    if misconception in HINTS[exercise]:
        assert named[0].hint == HINTS[exercise][misconception]
    else:
        assert named[0].hint and len(named[0].hint) > 30
    assert {t.misconception for t in failed} - {None} - set(also) == {misconception} - set(also), \
        "no other mistake is named"
