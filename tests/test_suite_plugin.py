"""The grading plugin on a suite of its own (written with pytester): points per test, what a failure,
a skip, an error and a hidden test record, and selection by exercise. No worker: the tests here do
not call learner code, so the plugin's bookkeeping is all that is checked."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from grader.suite.context import GradingContext
from grader.suite.plugin import HIDDEN_MESSAGE, GradingPlugin
from grader.suite.runner import run_suite

pytest_plugins = ["pytester"]

SUITE = '''
import pytest
from grader.suite.feedback import Feedback

pytestmark = pytest.mark.exercise("demo")


@pytest.mark.points(2)
def test_passes():
    """Passes"""


@pytest.mark.points(3)
def test_feedback():
    """Fails with feedback"""
    raise Feedback("returned 2, not 3", hint="Add one.", misconception="off_by_one", expected="3", got="2",
                   details={"note": "inputs 1 and 2"})


@pytest.mark.hidden
@pytest.mark.points(2)
def test_hidden_failure(request):
    """A hidden check"""
    request.node.grader_details = {"figures": [{"label": "accuracy on hidden_0007.jpg", "value": 0.4}]}
    raise Feedback("SECRET input hidden_0007.jpg gave 0.4", hint="Train longer.", misconception="weak",
                   expected="SECRET-EXPECTED", got="0.4", details={"note": "SECRET-NOTE"})


@pytest.mark.hidden
def test_hidden_pass(request):
    """A hidden check that passes"""
    request.node.grader_details = {"note": "SECRET-PASS-NOTE"}


def test_skipped_by_the_suite():
    """Skipped"""
    pytest.skip("a skip the grader did not decide")


def test_grader_bug():
    """Breaks"""
    raise KeyError("oops")


@pytest.mark.exercise("other")
def test_other_exercise():
    """Another exercise"""
'''


@pytest.fixture
def suite(pytester):
    pytester.makefile(".ini", suite="[pytest]\npython_files = test_*.py\n")
    pytester.makepyfile(test_demo=SUITE)
    return pytester.path


def grade_suite(suite, **selection) -> dict:
    no_worker = SimpleNamespace(worker=None)  # nothing here calls learner code
    plugin = GradingPlugin(GradingContext(learner=no_worker, workdir=suite), **selection)
    run_suite(suite, plugin)
    return {nodeid.split("::")[-1]: result for nodeid, result in plugin.results.items()}


def test_each_outcome_is_recorded_with_its_points(suite):
    results = grade_suite(suite)
    assert {name: (r.outcome, r.points, r.max_points) for name, r in results.items()} == {
        "test_passes": ("passed", 2.0, 2.0),
        "test_feedback": ("failed", 0.0, 3.0),
        "test_hidden_failure": ("failed", 0.0, 2.0),
        "test_hidden_pass": ("passed", 1.0, 1.0),
        "test_skipped_by_the_suite": ("skipped", 0.0, 1.0),  # a skip the grader did not decide scores 0
        "test_grader_bug": ("error", 0.0, 1.0),
        "test_other_exercise": ("passed", 1.0, 1.0),
    }
    assert results["test_other_exercise"].exercise == "other"
    assert "KeyError" in results["test_grader_bug"].message


def test_feedback_carries_message_hint_values_and_details(suite):
    failed = grade_suite(suite)["test_feedback"]
    assert (failed.message, failed.hint, failed.misconception) == ("returned 2, not 3", "Add one.", "off_by_one")
    assert (failed.expected, failed.got, failed.details) == ("3", "2", {"note": "inputs 1 and 2"})
    assert failed.name == "Fails with feedback"


def test_hidden_tests_keep_only_outcome_points_hint_and_misconception(suite):
    results = grade_suite(suite)
    failed, passed = results["test_hidden_failure"], results["test_hidden_pass"]
    assert (failed.hint, failed.misconception, failed.message) == ("Train longer.", "weak", HIDDEN_MESSAGE)
    assert failed.expected is failed.got is failed.fault is failed.timing is None and failed.details == {}
    assert passed.details == {} and passed.message == ""
    everything = repr([r.to_dict() if hasattr(r, "to_dict") else vars(r) for r in results.values()])
    assert "SECRET" not in everything and "hidden_0007" not in everything


def test_only_and_skip_select_by_exercise(suite):
    assert set(grade_suite(suite, only={"other"})) == {"test_other_exercise"}
    assert "test_other_exercise" not in grade_suite(suite, skip={"other"})
