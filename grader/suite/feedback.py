"""Structured test failures: what went wrong, and the misconception it shows, for a person to read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from grader.results import Fault


class Feedback(AssertionError):
    """A failed check with a message for the learner (and optionally a misconception hint).

    Raised by suites instead of a bare `assert`, so the report says what to fix, not an assert diff.
    `hint` names the mistake without giving the answer away; `fix` is the literal fix, shown only on
    request (`grader check --reveal`, or folded in the report).
    """

    def __init__(self, message: str, *, hint: str | None = None, misconception: str | None = None,
                 expected: str | None = None, got: str | None = None, fault: Fault | None = None,
                 details: dict | None = None, fix: str | None = None, public: bool = False,
                 inputs: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.misconception = misconception
        self.expected = expected
        self.got = got
        self.fault = fault
        self.details = details or {}
        self.fix = fix
        self.inputs = inputs
        self.public = public
        """The message carries no hidden input or expected value (an aggregate figure against its pass
        mark): a hidden test keeps it."""


@dataclass(frozen=True)
class Misconception:
    """A wrong answer learners really write, as a function computed in the trusted process."""

    id: str
    """Short identifier (`softmax`, `sum_not_mean`), used in class statistics."""
    hint: str
    """What the learner sees: names the mistake and what to look at, without the answer."""
    compute: Callable[..., Any] | None = None
    """The wrong implementation, called with the test's inputs; None for misconceptions detected by
    other means (a fault message, a type)."""
    fault_pattern: str | None = None
    """A regular expression over a fault's message that also reveals this misconception."""
    fix: str | None = None
    """The literal fix (code), shown only with `--reveal` or behind a fold in the report."""


_NOTES: list[str] = []
"""Notes of the test now running (collected by the grading plugin around each test)."""


def add_note(text: str) -> None:
    """Record a remark about the running test that costs no points (an accepted equivalent form...)."""
    if text not in _NOTES:
        _NOTES.append(text)


def take_notes() -> list[str]:
    """The notes recorded since the last call, and a fresh list for the next test."""
    notes = list(_NOTES)
    _NOTES.clear()
    return notes
