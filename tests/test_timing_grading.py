"""Timed tests in real gradings: the reference and the book's code pass, loops fail with the
vectorising hint, a clock-faking and caching submission does not pass, `--no-timing` skips them."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT, SOLUTION

from grader.grading import grade

SUBMISSIONS = ROOT / "tests" / "timing_submissions"
TIMED = ("binary_cross_entropy", "sigmoid_range", "accuracy_multi")
BUDGETS = {"binary_cross_entropy": 10.0, "sigmoid_range": 8.0, "accuracy_multi": 8.0}


def timed_tests(result) -> dict:
    """The timed test of each exercise in a RunResult, by exercise name."""
    return {e.name: t for e in result.exercises for t in e.tests if t.nodeid.endswith("_speed")}


def assert_passed_with_figures(test, exercise: str) -> None:
    assert test.outcome == "passed", (exercise, test.message)
    t = test.timing
    assert t["ratio"] <= t["budget"] == BUDGETS[exercise]
    assert t["device"] == "CPU, 1 thread" and t["complete"]
    rows, cols = map(int, t["sizes"].split("x"))
    assert cols == 64 and rows >= 16384, "rows only grow, on a machine where the reference is quick"
    assert t["repeats"] >= 7 and t["learner_s"] > 0 and t["reference_s"] > 0
    assert t["background_s"] <= 0.03, "honest code does nothing between calls"
    assert test.points == test.max_points == 1


@pytest.mark.parametrize("submission", [SOLUTION, SUBMISSIONS / "book_code.py"], ids=["reference", "book"])
def test_reference_and_book_code_pass_every_timed_test(zygote, submission):
    result = grade(submission, zygote=zygote, only=set(TIMED))
    tests = timed_tests(result)
    assert sorted(tests) == sorted(TIMED)
    for exercise, test in tests.items():
        assert_passed_with_figures(test, exercise)


@pytest.mark.parametrize("submission, exercise", [
    ("row_loop_bce.py", "binary_cross_entropy"),
    ("element_loop_accuracy.py", "accuracy_multi"),
    ("list_loop_accuracy.py", "accuracy_multi"),
    ("row_loop_sigmoid_range.py", "sigmoid_range"),
])
def test_a_python_loop_fails_its_timed_test_with_the_vectorising_hint(zygote, submission, exercise):
    result = grade(SUBMISSIONS / submission, zygote=zygote, only={exercise})
    entry = result.exercises[0]
    others = [t for t in entry.tests if not t.nodeid.endswith("_speed") and not t.stretch]
    assert all(t.outcome == "passed" for t in others), "the loop computes the right values"
    test = timed_tests(result)[exercise]
    assert test.outcome == "failed" and test.points == 0
    assert test.misconception == "python_loop"
    assert "vectorise" in test.hint and "Python loop over rows" in test.hint
    assert "the budget is" in test.message
    assert test.timing["ratio"] > 2 * test.timing["budget"], "fails by a wide margin"
    assert test.duration < 30, "a far-too-slow function does not make the suite slow"


def test_faking_the_clock_and_caching_does_not_pass(zygote):
    """The submission freezes time.perf_counter/monotonic/time, stubs torch.cuda.synchronize and
    torch.cuda.Event, and caches its results: its loops are still measured as they are."""
    result = grade(SUBMISSIONS / "fake_clock.py", zygote=zygote, only=set(TIMED))
    for exercise, test in timed_tests(result).items():
        assert test.outcome == "failed", exercise
        assert test.misconception == "python_loop", (exercise, test.message)
        assert test.timing["ratio"] > test.timing["budget"]


def test_a_wrong_function_fails_its_timed_test_as_not_graded_for_speed(grade_source):
    source = SOLUTION.read_text() + (
        "\ndef binary_cross_entropy(inputs, targets):\n"
        "    p = inputs.sigmoid()\n"
        "    return -torch.where(targets == 1, p, 1 - p).log().sum()\n")
    result = grade_source(source, only={"binary_cross_entropy"})
    test = timed_tests(result)["binary_cross_entropy"]
    assert test.outcome == "failed" and test.points == 0
    assert test.message.startswith("speed is only graded for correct results")
    assert test.misconception == "sum_not_mean", "the wrong value is still diagnosed"
    assert test.timing is None, "nothing was timed"


def test_a_function_correct_on_small_inputs_only_fails_as_not_graded_for_speed(grade_source):
    source = SOLUTION.read_text() + (
        "\n_reference = sigmoid_range\n"
        "def sigmoid_range(x, lo, hi):\n"
        "    out = _reference(x, lo, hi)\n"
        "    return out if x.numel() < 1000 else out * 1.5\n")
    result = grade_source(source, only={"sigmoid_range"})
    test = timed_tests(result)["sigmoid_range"]
    assert test.outcome == "failed"
    assert test.message.startswith("speed is only graded for correct results")
    assert "differs from the reference" in test.message


def test_stubs_fail_the_timed_tests_as_stubs(zygote):
    result = grade(ROOT / "exercises" / "ch6.py", zygote=zygote, only=set(TIMED))
    for test in timed_tests(result).values():
        assert test.outcome == "failed" and "still the stub" in test.message


def test_no_timing_skips_the_timed_tests_at_no_points(zygote):
    result = grade(SUBMISSIONS / "row_loop_bce.py", zygote=zygote, only=set(TIMED), timing=False)
    tests = timed_tests(result)
    assert sorted(tests) == sorted(TIMED)
    for test in tests.values():
        assert test.outcome == "skipped" and test.points == test.max_points == 0
        assert test.message == "timing is off (--no-timing)"
    assert result.points == result.max_points, "without timing the loop loses nothing"


def test_console_shows_ratio_device_and_sizes():
    """Without -v: a learner sees how fast their code is, passing or not."""
    out = subprocess.run([sys.executable, "-m", "grader", "check", "ch6", str(SUBMISSIONS / "book_code.py"),
                          "--only", "sigmoid_range", "--no-report"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    line = next(line for line in out.stdout.splitlines() if "speed:" in line)
    assert re.search(r"\dx the reference's time \(budget 8.0x\) on CPU, 1 thread, inputs \d+x64$", line), line


def test_processes_spinning_between_calls_void_the_timing(zygote):
    """Children that burn CPU while the worker waits (when the reference is timed here) would flatter
    the ratio: their CPU is counted and the timed test fails, saying why."""
    result = grade(SUBMISSIONS / "background_spinner.py", zygote=zygote, only={"binary_cross_entropy"})
    test = timed_tests(result)["binary_cross_entropy"]
    assert test.outcome == "failed" and test.misconception == "background_work"
    assert "between calls" in test.message
    # the reference is not even timed while they run (none of them may be alive then)
    assert test.timing is None or test.timing["background_s"] > 0.03
    others = [t for t in result.exercises[0].tests if not t.nodeid.endswith("_speed") and not t.stretch]
    assert all(t.outcome == "passed" for t in others), "its values are right"
