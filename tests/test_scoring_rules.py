"""Issue 12's scoring rules on whole submissions: property tests pay in proportion to value tests,
dependent exercises are graded on their own, one fixed total (a missing questionnaire scores 0,
"not submitted"), feedback in tiers (full line, -v, --reveal), and the diagnoses added with them."""

from __future__ import annotations

import io
import json

import pytest
from conftest import BEAR, SOLUTION
from misconception_cases import submission_with

from grader.console import print_summary
from grader.suite.checks import NOT_FINITE_HINT
from grader.chapters.ch6 import misconceptions as mc

MIXED = """
def binary_cross_entropy(inputs, targets):
    return (inputs - inputs).mean() / 0 * 0

def sigmoid_range(x, lo, hi):
    return torch.sigmoid(x) * hi + lo

def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid: inp = inp.sigmoid()
    return ((inp >= thresh) == targ.bool()).float().mean()

def is_valid_person(o):
    return o.parent.name == 13

def img2pose(x):
    return Path(f'{str(x)[:-8]}pose.txt')
"""

OTHERS = """
def sigmoid_range(x, lo, hi):
    return torch.sigmoid(x) * (hi - lo) + hi

def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid: inp = inp.sigmoid()
    return ((inp > thresh) == targ.bool()).float().mean(dim=-1)
"""


@pytest.fixture(scope="module")
def mixed(zygote, tmp_path_factory):
    from grader.grading import grade

    path = tmp_path_factory.mktemp("mixed") / "mixed.py"
    path.write_text(submission_with(MIXED, SOLUTION.read_text()))
    return grade(path, zygote=zygote, skip={BEAR}, timing=False)


def exercise(result, name):
    return next(e for e in result.exercises if e.name == name)


def named(result, name):
    return {t.misconception for t in exercise(result, name).tests} - {None}


def test_property_tests_pay_in_proportion_to_value_tests(mixed):
    acc = exercise(mixed, "accuracy_multi")
    values = [t for t in acc.tests if t.kind == "value" and t.max_points]
    share = sum(t.points for t in values) / sum(t.max_points for t in values)
    assert 0 < share < 1
    prop = next(t for t in acc.tests if t.kind == "property" and t.outcome == "passed")
    assert prop.points == pytest.approx(prop.max_points * share, abs=1e-3)
    assert any("pays only as far as the exercise's values are right" in n for n in prop.notes)
    assert "greater_equal" in named(mixed, "accuracy_multi")


def test_get_ctr_is_graded_with_the_right_pose_file_when_img2pose_is_wrong(mixed):
    img2pose, get_ctr = exercise(mixed, "img2pose"), exercise(mixed, "get_ctr")
    assert img2pose.points == 0 and "slice_8" in named(mixed, "img2pose")
    assert get_ctr.points == get_ctr.max_points > 0
    assert any("graded on its own" in note for note in get_ctr.notes)


def test_new_diagnoses(mixed):
    assert "scale_by_hi" in named(mixed, "sigmoid_range")
    assert "int_not_str" in named(mixed, "is_valid_person")
    bce = exercise(mixed, "binary_cross_entropy").tests
    messages = " ".join(t.message for t in bce)
    assert "NaN or infinity" in messages and "difference nan" not in messages
    assert any(t.hint == NOT_FINITE_HINT for t in bce)
    assert named(mixed, "binary_cross_entropy") == set(), "a NaN explains no particular mistake"


def test_more_diagnoses(grade_source):
    result = grade_source(submission_with(OTHERS, SOLUTION.read_text()),
                          only={"sigmoid_range", "accuracy_multi"}, timing=False)
    assert "shift_by_hi" in named(result, "sigmoid_range")
    assert "mean_per_item" in named(result, "accuracy_multi")


def test_garbage_is_not_given_a_misconception_it_does_not_show(grade_source):
    result = grade_source("import torch\ndef accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):\n"
                          "    return torch.tensor(0.)\n", only={"accuracy_multi"}, timing=False)
    assert named(result, "accuracy_multi") == set()


def test_a_missing_questionnaire_scores_zero_and_says_not_submitted(mixed):
    q = mixed.questionnaire
    assert q["submitted"] is False and q["points"] == 0 and q["max_points"] > 0
    assert mixed.max_points == sum(e.max_points for e in mixed.exercises) + q["max_points"]
    data = json.loads(mixed.to_json())
    assert data["questionnaire"]["status"] == "not submitted"
    assert "questionnaire (not submitted)" in data["total_covers"] and BEAR in data["total_covers"]
    out = io.StringIO()
    print_summary(mixed, stream=out)
    assert "not submitted" in out.getvalue() and f"Not graded in this run (outside the total): {BEAR}" \
        in out.getvalue()


def test_feedback_tiers(mixed):
    short, verbose, reveal = io.StringIO(), io.StringIO(), io.StringIO()
    print_summary(mixed, stream=short)
    print_summary(mixed, stream=verbose, verbose=1)
    print_summary(mixed, stream=reveal, reveal=True)
    hint = mc.PERSON_INT.hint
    assert hint in short.getvalue() and "…" not in short.getvalue()
    assert mc.PERSON_FIX not in short.getvalue() and mc.PERSON_FIX not in verbose.getvalue()
    assert f"fix: {mc.PERSON_FIX}" in reveal.getvalue()
    assert "expected: " in verbose.getvalue() and "got: " in verbose.getvalue()


def test_titles_state_behaviour_not_the_formula(mixed):
    for e in mixed.exercises:
        for t in e.tests:
            assert "sigmoid(x) *" not in t.name and "(hi - lo)" not in t.name, t.name


def test_selfcheck_gives_the_points_grader_check_gives(zygote, tmp_path):
    from grader.grading import grade
    from grader.selfcheck import check

    source = submission_with(OTHERS, SOLUTION.read_text())
    path = tmp_path / "others.py"
    path.write_text(source)
    graded = grade(path, zygote=zygote, skip={BEAR, "questionnaire"})
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)
    inline = check(namespace=namespace)
    assert [(e.name, e.points, e.max_points) for e in inline.exercises] == \
        [(e.name, e.points, e.max_points) for e in graded.exercises]


def test_a_load_error_is_shown_once_with_its_hint(grade_source):
    result = grade_source("from fastbook_missing_module import *\n", timing=False)
    out = io.StringIO()
    print_summary(result, stream=out, verbose=1)
    text = out.getvalue()
    assert text.count("No module named") == 1, text
    assert "hint: The grader runs your file offline" in text
