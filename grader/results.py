"""Result records of a grading run: one source for the console, `--json`, and the HTML report.

Everything here is plain data (str, numbers, lists, dicts), so `to_dict` is JSON as it stands and a
report rendered from these objects always agrees with the JSON written from them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class Fault:
    """An error raised by learner code (or the worker running it), shown to the learner."""

    kind: str
    """Exception type name (`ZeroDivisionError`), or a grader word: `timeout`, `memory`, `exit`, `crash`."""
    message: str
    """What happened, in a sentence a learner can read."""
    line: int | None = None
    """Line in the learner's file where it happened, when known."""
    traceback: list[str] = field(default_factory=list)
    """The learner's own traceback lines only (never the grader's frames)."""


@dataclass
class TestResult:
    """The outcome of one test of the grading suite."""

    nodeid: str
    """pytest's id of the test inside the suite (stable across runs)."""
    name: str
    """What the test checks, in words."""
    exercise: str
    """Name of the exercise (the learner's function) this test belongs to."""
    outcome: str
    """`passed`, `failed`, `error`, `skipped` or `missing` (only `passed` earns points)."""
    points: float
    """Points earned."""
    max_points: float
    """Points this test is worth."""
    message: str = ""
    """What went wrong (empty when passed)."""
    hint: str | None = None
    """Feedback that names the learner's misconception, when one was recognised (never the answer)."""
    fix: str | None = None
    """The literal fix for the recognised misconception: shown only with `--reveal`, or folded in the
    report."""
    misconception: str | None = None
    """Identifier of the recognised misconception (for class statistics)."""
    expected: str | None = None
    """Rendering of the expected value (None when hidden or not applicable)."""
    got: str | None = None
    """Rendering of what the learner's code returned (None when hidden or not applicable)."""
    inputs: str | None = None
    """Rendering of the inputs the test gave the learner's function (None when hidden or unknown)."""
    hidden: bool = False
    """A hidden test: its inputs and expected values are never shown."""
    stretch: bool = False
    """A stretch goal: shown with its outcome, never scored (0 of 0 points, outside every total)."""
    kind: str = "value"
    """`value` (checks values the learner's function returned), `property` (a structural or speed
    property: pays only in proportion to the exercise's value tests), or `feedback` (a property only
    the learner's own process could report: shown, worth no points)."""
    notes: list[str] = field(default_factory=list)
    """Remarks that cost no points (an accepted equivalent form, how a property test was paid)."""
    fault: Fault | None = None
    """The learner code's error, when the test failed because the code raised, hung or crashed."""
    timing: dict[str, Any] | None = None
    """Timing figures of a timed test (ratio, budget, device, sizes), else None."""
    details: dict[str, Any] = field(default_factory=dict)
    """Further plain figures a test chose to report (accuracy tables, notes)."""
    duration: float = 0.0
    """Seconds the test took in the trusted process."""


@dataclass
class ExerciseResult:
    """All tests of one exercise, with its score."""

    name: str
    """The function the learner writes (`binary_cross_entropy`)."""
    title: str
    """A short human title."""
    tests: list[TestResult] = field(default_factory=list)
    """Every expected test of the exercise, in suite order (missing ones included, at 0)."""
    defined: bool = True
    """False when the submission does not define the function."""
    notes: list[str] = field(default_factory=list)
    """Remarks that cost no points (e.g. the function is the library's own, not the learner's)."""

    @property
    def points(self) -> float:
        return round(sum(t.points for t in self.tests if not t.stretch), 4)

    @property
    def max_points(self) -> float:
        return sum(t.max_points for t in self.tests if not t.stretch)

    @property
    def passed(self) -> bool:
        return all(t.outcome == "passed" for t in self.tests if not t.stretch and t.max_points > 0)

    @property
    def first_failure(self) -> "TestResult | None":
        """The first failed test worth showing on the exercise's console line: scored tests first,
        then feedback-only ones."""
        failed = [t for t in self.tests if t.outcome != "passed" and not t.stretch and t.outcome != "skipped"]
        scored = [t for t in failed if t.max_points > 0]
        return (scored or [t for t in failed if t.kind == "feedback"] or [None])[0]

    @property
    def first_hint(self) -> str | None:
        """The first piece of feedback worth showing on the exercise's one console line."""
        t = self.first_failure
        return (t.hint or t.message) if t is not None else None


@dataclass
class RunResult:
    """One grading run of one submission."""

    submission: str
    """Path of the graded file, as given."""
    learner: str
    """Who submitted (file or folder name)."""
    chapter: str
    """Chapter graded (`ch6`)."""
    grader_version: str
    """Version of fastbook-grader that graded it."""
    started: str
    """When grading started (ISO 8601, local time)."""
    device: str
    """Where learner code ran: `CPU` or the GPU's name."""
    exercises: list[ExerciseResult] = field(default_factory=list)
    """One entry per exercise graded."""
    load_error: Fault | None = None
    """Why the submission could not be loaded at all (syntax error, import error...), else None."""
    output: str = ""
    """What the learner's code printed (truncated)."""
    duration: float = 0.0
    """Seconds the whole run took."""
    questionnaire: dict[str, Any] | None = None
    """The questionnaire's result (`QuestionnaireResult.to_dict()`), when answers were graded."""
    notebook: dict[str, Any] | None = None
    """For notebooks: executed path, failed cells and kernel notes."""
    options: dict[str, Any] = field(default_factory=dict)
    """Options the run used (timeout, memory limit, only, timing) for the record."""
    skipped: list[str] = field(default_factory=list)
    """Exercises this run's options left out (`--skip`, `--only`): outside the total, and named in
    the headline and the total's wording."""

    @property
    def points(self) -> float:
        q = self.questionnaire["points"] if self.questionnaire else 0.0
        return round(sum(e.points for e in self.exercises) + q, 4)

    @property
    def max_points(self) -> float:
        q = self.questionnaire["max_points"] if self.questionnaire else 0.0
        return sum(e.max_points for e in self.exercises) + q

    @property
    def score(self) -> float:
        """Percentage of points earned (0 to 100)."""
        return 100.0 * self.points / self.max_points if self.max_points else 0.0

    @property
    def questionnaire_submitted(self) -> bool | None:
        """None when the run does not grade the questionnaire; False when no answers were found (it
        then scores 0 of its full points, "not submitted")."""
        if not self.questionnaire:
            return None
        return self.questionnaire.get("submitted", True) is not False

    @property
    def total_wording(self) -> str:
        """What the total covers, in words: `exercises 1-7 and the questionnaire; skipped: ...`."""
        parts = [f"{len(self.exercises)} exercise{'s' if len(self.exercises) != 1 else ''}"]
        if self.questionnaire:
            parts.append("the questionnaire" + ("" if self.questionnaire_submitted else " (not submitted)"))
        text = " and ".join(parts)
        if self.skipped:
            text += f"; not graded in this run: {', '.join(self.skipped)}"
        return text

    @property
    def status(self) -> str:
        """`passed`, `failed`, or `ungradable` (nothing could be graded)."""
        if self.load_error is not None and not any(e.defined for e in self.exercises):
            return "ungradable"
        return "passed" if self.max_points and self.points >= self.max_points else "failed"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for ex, ex_data in zip(self.exercises, data["exercises"]):
            ex_data.update(points=ex.points, max_points=ex.max_points, passed=ex.passed)
        data.update(points=self.points, max_points=self.max_points, score=round(self.score, 2),
                    status=self.status, total_covers=self.total_wording)
        return data

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunResult":
        names = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in names}
        kwargs["exercises"] = [_exercise_from_dict(e) for e in data.get("exercises", [])]
        kwargs["load_error"] = Fault(**data["load_error"]) if data.get("load_error") else None
        return cls(**kwargs)


def _exercise_from_dict(data: dict[str, Any]) -> ExerciseResult:
    names = {f.name for f in fields(ExerciseResult)}
    kwargs = {k: v for k, v in data.items() if k in names}
    kwargs["tests"] = [_test_from_dict(t) for t in data.get("tests", [])]
    return ExerciseResult(**kwargs)


def _test_from_dict(data: dict[str, Any]) -> TestResult:
    names = {f.name for f in fields(TestResult)}
    kwargs = {k: v for k, v in data.items() if k in names}
    kwargs["fault"] = Fault(**data["fault"]) if data.get("fault") else None
    return TestResult(**kwargs)
