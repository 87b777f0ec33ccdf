"""`check(chapter="ch7")` in a kernel: the solution's functions pass, the stubs fail with hints."""

import runpy
from pathlib import Path

import pytest

from grader.selfcheck import check

# The self-check serves from a thread of the learner's own kernel: an exception escaping that thread
# would print a traceback into the learner's notebook.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")

ROOT = Path(__file__).resolve().parent.parent


def test_selfcheck_passes_the_solutions_and_fails_the_stubs():
    solved = check(chapter="ch7", namespace=runpy.run_path(str(ROOT / "solutions" / "ch7.py")))
    assert solved.error is None and solved.exercises
    assert solved.points == solved.max_points > 0
    assert any("train_imagenette" in n for n in solved.notes)  # slow ones are left out unless named
    stubs = check("mixup", "label_smoothing_ce", chapter="ch7",
                  namespace=runpy.run_path(str(ROOT / "exercises" / "ch7.py")))
    assert [e.name for e in stubs.exercises] == ["mixup", "label_smoothing_ce"]
    assert stubs.points == 0 and "Replace the `raise NotImplementedError`" in str(stubs)
