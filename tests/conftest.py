"""Shared fixtures: one warm zygote for the whole test session, and a helper to grade source text."""

from __future__ import annotations

from pathlib import Path

import pytest


collect_ignore = ["chapter_plugin"]
"""A chapter package a test registers (its suite is graded by the grader, not collected here)."""
ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "ch6.py"
STUBS = ROOT / "exercises" / "ch6.py"
BEAR = "train_bear_classifier"


@pytest.fixture(scope="session")
def zygote():
    """A fork server shared by every grading in the session (torch is imported once)."""
    from grader.worker.client import Zygote

    z = Zygote()
    yield z
    z.close()


@pytest.fixture
def grade_source(zygote, tmp_path):
    """Grade `source` (text) written as `name` in a temp folder; extra keywords go to `grade()`."""
    from grader.grading import grade

    def _grade(source: str, name: str = "submission.py", **kwargs):
        path = tmp_path / name
        path.write_text(source)
        if kwargs.get("chapter", "ch6") == "ch6":  # names are checked against the chapter graded
            kwargs.setdefault("skip", {BEAR})
        return grade(path, zygote=zygote, **kwargs)

    return _grade


def failing(result, exercise: str):
    """The failed tests of one exercise in a RunResult."""
    entry = next(e for e in result.exercises if e.name == exercise)
    return [t for t in entry.tests if t.outcome != "passed" and not t.stretch]
