"""The chapter 7 notebooks grade as their .py twins: solutions 100%, stubs 0% with every cell running."""

from pathlib import Path

import nbformat
import pytest

from grader.grading import grade

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ["channel_stats", "normalize", "denormalize", "progressive_plan", "train_progressively",
             "tta_predict", "mixup", "mixup_batch", "label_smoothing_ce"]
IMAGENETTE = "train_imagenette"


def test_solutions_notebook_scores_full_marks(tmp_path):
    executed = tmp_path / "solutions.executed.ipynb"
    result = grade(ROOT / "solutions" / "ch7.ipynb", chapter="ch7", skip={IMAGENETTE},
                   executed_notebook=executed)
    assert result.load_error is None
    assert [e.name for e in result.exercises] == EXERCISES
    failed = [(t.nodeid, t.message) for e in result.exercises for t in e.tests
              if t.outcome not in ("passed",)]
    assert failed == []
    assert result.notebook["failed_cells"] == [] and result.notebook["timed_out_cells"] == []
    assert len(result.notebook["answers"]) == 15
    assert result.questionnaire["points"] == result.questionnaire["max_points"] > 0
    nb = nbformat.read(str(executed), 4)
    assert not [i for i, c in enumerate(nb.cells) if "raises-exception" in c.metadata.get("tags", [])]


def test_exercises_notebook_scores_zero(tmp_path):
    result = grade(ROOT / "exercises" / "ch7.ipynb", chapter="ch7", skip={IMAGENETTE})
    assert result.load_error is None
    assert sum(e.points for e in result.exercises) == 0
    for exercise in result.exercises:
        assert exercise.defined
        assert all(t.outcome == "failed" and t.hint for t in exercise.tests), exercise.name
    assert result.notebook["failed_cells"] == []  # cells that call a stub are tagged raises-exception
    assert result.notebook["answers"] == {}
