"""The chapter notebooks grade as their .py twins: solutions 100%, stubs 0%, the book's own notebook 100%.

Each test executes a whole chapter notebook (fastai import, data blocks, tiny training) in a fresh
kernel, offline, with the grader's generated data behind `untar_data`.
"""

import nbformat
import pytest

from conftest import BEAR, ROOT

from grader.grading import grade
from grader.notebook import outputs

pytestmark = pytest.mark.slow
EXERCISES = ["binary_cross_entropy", "sigmoid_range", "accuracy_multi", "splitter", "is_valid_person",
             "img2pose", "get_ctr"]


def exercise_points(result) -> tuple[float, float]:
    return sum(e.points for e in result.exercises), sum(e.max_points for e in result.exercises)


def test_solutions_notebook_scores_full_marks(tmp_path):
    executed = tmp_path / "solutions.executed.ipynb"
    result = grade(ROOT / "solutions" / "ch6.ipynb", skip={BEAR}, executed_notebook=executed)
    assert result.load_error is None
    assert [e.name for e in result.exercises] == EXERCISES
    failed = [(t.nodeid, t.message) for e in result.exercises for t in e.tests if t.outcome != "passed"]
    assert failed == []
    points, max_points = exercise_points(result)
    assert max_points >= 40 and points == max_points
    assert result.notebook["failed_cells"] == [] and result.notebook["timed_out_cells"] == []
    assert result.notebook["answers"] and len(result.notebook["answers"]) == 17
    nb = nbformat.read(str(executed), 4)  # saved with its outputs: the training ran
    assert any(o.get("output_type") == "display_data" for c in nb.cells if c.cell_type == "code"
               for o in c.outputs)
    # no cell of the solutions may fail quietly: none is tagged raises-exception, and none has an error
    assert not [i for i, c in enumerate(nb.cells) if "raises-exception" in c.metadata.get("tags", [])]
    assert not [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                for o in c.outputs if o.get("output_type") == "error"]


def test_exercises_notebook_scores_zero(tmp_path):
    result = grade(ROOT / "exercises" / "ch6.ipynb", skip={BEAR})
    assert result.load_error is None
    points, max_points = exercise_points(result)
    assert points == 0 and max_points >= 40
    for exercise in result.exercises:
        assert exercise.defined
        assert all(t.outcome == "failed" and "still the stub" in t.message for t in exercise.tests)
    # The cells that call a stub are tagged raises-exception: the notebook runs top to bottom.
    assert result.notebook["failed_cells"] == []
    assert result.notebook["answers"] == {}  # empty answer cells
    assert result.questionnaire is not None and result.questionnaire["points"] == 0


def test_book_style_notebook_scores_full_marks_offline(tmp_path):
    """fastbook's own chapter-6 cells: `!pip`, fastbook setup, untar_data, pretrained models, global cal."""
    executed = tmp_path / "book.executed.ipynb"
    result = grade(ROOT / "tests" / "notebooks" / "book_ch6.ipynb", skip={BEAR}, executed_notebook=executed)
    core = [(t.name, t.message) for e in result.exercises for t in e.tests
            if t.outcome != "passed" and not t.stretch]
    assert core == []
    points, max_points = exercise_points(result)
    assert points == max_points >= 40
    nb = nbformat.read(str(executed), 4)
    untar = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "untar_data(" in c.source]
    failed = {c["index"]: c for c in result.notebook["failed_cells"]}
    assert len(untar) == 2 and not set(untar) & set(failed)  # both data sets found, nothing downloaded
    pretrained = [c for c in failed.values() if "vision_learner(dls, resnet" in nb.cells[c["index"]].source]
    assert pretrained and all(c.get("hint") == outputs.PRETRAINED_HINT for c in pretrained)
    assert 1 not in failed  # `import fastbook; fastbook.setup_book()`: the offline stand-in
    assert any("shell command" in n for n in result.notebook["notes"])
