"""Chapter 5's notebooks grade as their .py twins: solutions 100%, stubs 0%, the book's way 100%."""

import nbformat
import pytest
from conftest import ROOT

from grader.grading import grade

pytestmark = pytest.mark.slow
PETS = "train_pet_classifier"


def exercise_points(result):
    return sum(e.points for e in result.exercises), sum(e.max_points for e in result.exercises)


def test_solutions_notebook_scores_full_marks(tmp_path):
    executed = tmp_path / "solutions.executed.ipynb"
    result = grade(ROOT / "solutions" / "ch5.ipynb", chapter="ch5", skip={PETS}, executed_notebook=executed)
    assert result.load_error is None
    failed = [(t.nodeid, t.message) for e in result.exercises for t in e.tests if t.outcome != "passed"]
    assert failed == []
    points, max_points = exercise_points(result)
    assert max_points >= 50 and points == max_points
    assert result.notebook["failed_cells"] == [] and result.notebook["timed_out_cells"] == []
    assert len(result.notebook["answers"]) == 20
    assert result.questionnaire["points"] == result.questionnaire["max_points"] == 38
    nb = nbformat.read(str(executed), 4)
    assert not [i for i, c in enumerate(nb.cells) if "raises-exception" in c.metadata.get("tags", [])]


def test_exercises_notebook_scores_zero():
    result = grade(ROOT / "exercises" / "ch5.ipynb", chapter="ch5", skip={PETS}, timing=False)
    assert result.load_error is None
    points, max_points = exercise_points(result)
    assert points == 0 and max_points >= 50
    for exercise in result.exercises:
        assert exercise.defined
        assert all(t.outcome == "failed" and "still the stub" in t.message for t in exercise.tests
                   if t.outcome != "skipped")  # skipped: the timed tests, with timing off
    assert result.notebook["failed_cells"] == []
    assert result.questionnaire is not None and result.questionnaire["points"] == 0


def test_book_style_notebook_scores_full_marks_offline():
    """fastbook's setup cells fail (no fastbook, no shell), `untar_data(URLs.PETS)` finds the generated pets."""
    result = grade(ROOT / "tests" / "notebooks" / "book_ch5.ipynb", chapter="ch5", skip={PETS}, timing=False)
    core = [(t.name, t.message) for e in result.exercises for t in e.tests
            if t.outcome not in ("passed", "skipped") and not t.stretch]
    assert core == []
    points, max_points = exercise_points(result)
    assert points == max_points >= 50
    failed = {c["index"] for c in result.notebook["failed_cells"]}
    assert failed <= {1, 2}  # the fastbook setup cells only
