"""The pytest plugin object that runs a grading suite and collects one `TestResult` per test.

Passed to `pytest.main(plugins=[...])` (pytest-html style): outcomes come from hooks, never from
parsing terminal output. Every collected test is expected; one that never reports scores 0 as `missing`.
"""

from __future__ import annotations

import time

import pytest

from grader.results import TestResult
from grader.suite.context import GradingContext, NotApplicable
from grader.suite.feedback import Feedback, take_notes

MARKERS = (
    "exercise(name): the exercise (learner function) a test grades",
    "points(n): what the test is worth (default 1)",
    "hidden: inputs and expected values are never shown",
    "stretch: a stretch goal, shown with its outcome and never scored",
    "timed: compares the learner's speed against the reference (a property test)",
    "property: a structural property (type, shape, range...): pays in proportion to the exercise's "
    "value tests",
    "feedback_only: a property only the learner's own process can report: shown, worth no points",
)


HIDDEN_MESSAGE = "a hidden check failed (its inputs and expected values are not shown)"


class GradingPlugin:
    """Fixtures `learner` and `grading`, test selection, and result collection."""

    def __init__(self, context: GradingContext, *, only: set[str] | None = None,
                 skip: set[str] | None = None):
        self.context = context
        self.only = only
        self.skip = skip or set()
        self.results: dict[str, TestResult] = {}
        self._started: dict[str, float] = {}
        self.tampered: list[str] = []
        """Grader files that changed while learner code ran (only checked without a read-only view)."""

    @pytest.fixture(scope="session")
    def learner(self):
        return self.context.learner

    @pytest.fixture(scope="session")
    def grading(self):
        return self.context

    def pytest_configure(self, config) -> None:
        for line in MARKERS:
            config.addinivalue_line("markers", line)

    def pytest_collection_modifyitems(self, session, config, items) -> None:
        keep, dropped = [], []
        for item in items:
            exercise = _marker_arg(item, "exercise", "?")
            selected = (self.only is None or exercise in self.only) and exercise not in self.skip
            (keep if selected else dropped).append(item)
        items[:] = keep
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        for item in keep:
            stretch = item.get_closest_marker("stretch") is not None
            kind = _kind(item)
            worth = 0.0 if stretch or kind == "feedback" else float(_marker_arg(item, "points", 1))
            self.results[item.nodeid] = TestResult(
                nodeid=item.nodeid, name=_describe(item), exercise=_marker_arg(item, "exercise", "?"),
                outcome="missing", points=0.0, max_points=worth,
                message="this test did not run", hidden=item.get_closest_marker("hidden") is not None,
                stretch=stretch, kind=kind)

    def pytest_collection_finish(self, session) -> None:
        self._check_integrity()

    def pytest_sessionfinish(self, session, exitstatus) -> None:
        self._check_integrity()
        pay_properties(self.results.values())
        if self.tampered:
            shown = ", ".join(self.tampered[:3]) + (" ..." if len(self.tampered) > 3 else "")
            for result in self.results.values():
                result.outcome, result.points = "failed", 0.0
                result.message = (f"the grader's own files changed while your code ran ({shown}): "
                                  "this run cannot be trusted and scores 0")
                result.hint = "Do not write outside your own working folder."

    def _check_integrity(self) -> None:
        """Where workers could write the grader's files (no read-only view), compare fingerprints."""
        worker = self.context.learner.worker
        baseline = getattr(getattr(worker, "zygote", None), "fingerprint", None)
        if baseline is None or getattr(worker, "sandbox", {}).get("read_only") == "on":
            return
        from grader.worker.integrity import changes, fingerprint

        self.tampered = sorted(set(self.tampered) | set(changes(baseline, fingerprint())))

    def pytest_runtest_setup(self, item) -> None:
        self._started[item.nodeid] = time.perf_counter()
        take_notes()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        result = self.results.get(item.nodeid)
        if result is None or (report.when == "teardown" and report.passed):
            return
        if report.when != "call" and report.passed:
            return
        result.duration = time.perf_counter() - self._started.get(item.nodeid, time.perf_counter())
        exc = call.excinfo.value if call.excinfo is not None else None
        result.notes = take_notes() if report.passed else []
        if report.passed:
            result.outcome, result.points, result.message = "passed", result.max_points, ""
            details = getattr(item, "grader_details", None)
            if details:
                result.details.update(details)
            timing = getattr(item, "grader_timing", None)
            if timing:
                result.timing = timing
        elif isinstance(exc, NotApplicable):
            result.outcome, result.points, result.max_points = "skipped", 0.0, 0.0
            result.message = str(exc.msg if hasattr(exc, "msg") else exc)
        elif report.skipped:
            result.outcome, result.points, result.message = "skipped", 0.0, "skipped: scores 0"
        elif isinstance(exc, Feedback):
            result.outcome, result.points = "failed", 0.0
            result.message, result.hint, result.misconception = exc.message, exc.hint, exc.misconception
            result.fix, result.inputs = exc.fix, exc.inputs
            result.expected, result.got, result.fault = exc.expected, exc.got, exc.fault
            result.details.update(getattr(item, "grader_details", None) or {})
            result.details.update(exc.details)
            timing = getattr(item, "grader_timing", None)
            if timing:
                result.timing = timing
        elif isinstance(exc, AssertionError):
            result.outcome, result.points = "failed", 0.0
            result.message = str(exc).split("\nassert ")[0][:500] or "a check failed"
        else:
            result.outcome, result.points = "error", 0.0
            kind = type(exc).__name__ if exc is not None else "error"
            result.message = f"the grader could not check this test ({kind}: {str(exc)[:300]})"
        if result.hidden:
            _conceal(result, keep_message=isinstance(exc, Feedback) and exc.public)


def pay_properties(results) -> None:
    """Property tests pay in proportion to their exercise's value tests: a constant, an identity or
    a stub that has the right type, shape or speed earns nothing; correct values earn them all.

    The learner still sees which properties hold: a passed property test keeps `passed`, with a
    note saying what it paid and why."""
    by_exercise: dict[str, list[TestResult]] = {}
    for result in results:
        by_exercise.setdefault(result.exercise, []).append(result)
    for tests in by_exercise.values():
        values = [t for t in tests if t.kind == "value" and not t.stretch and t.max_points > 0]
        worth = sum(t.max_points for t in values)
        share = sum(t.points for t in values) / worth if worth else 0.0
        for t in tests:
            if t.kind != "property" or t.outcome != "passed" or not t.max_points:
                continue
            t.points = round(t.max_points * share, 4)
            if share < 1:
                t.notes.append(f"this property holds, but it pays only as far as the exercise's values "
                               f"are right ({share:.0%} of its value tests' points): "
                               f"{t.points:g} of {t.max_points:g}")


def _kind(item) -> str:
    if item.get_closest_marker("feedback_only") is not None:
        return "feedback"
    if item.get_closest_marker("property") is not None or item.get_closest_marker("timed") is not None:
        return "property"
    return "value"


def _conceal(result: TestResult, keep_message: bool = False) -> None:
    """A hidden test keeps its outcome, points, hint and misconception, and nothing that could carry
    its inputs or expected values: the console, `--json`, the gradebook and the report agree."""
    result.expected = result.got = result.fault = result.timing = result.inputs = None
    result.details, result.notes = {}, []
    if result.outcome != "passed" and not keep_message:
        result.message = HIDDEN_MESSAGE


def _marker_arg(item, name: str, default):
    marker = item.get_closest_marker(name)
    return marker.args[0] if marker is not None and marker.args else default


def _describe(item) -> str:
    doc = (getattr(item.function, "__doc__", None) or "").strip().splitlines()
    text = doc[0].strip() if doc else item.name.replace("_", " ")
    callspec = getattr(item, "callspec", None)
    return f"{text} [{callspec.id}]" if callspec is not None else text
