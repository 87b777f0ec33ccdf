"""Issue 12's public corpora: garbage answers score 0 on every exercise; right answers in another type
the book's pipeline accepts score full marks, with a note saying what was accepted.

`tests/corpus/garbage/`: constants, zeros, identity, always-equal objects, patched comparisons,
all-True bools, `NotImplementedError`, an empty file (every exercise 1-7 each).
`tests/corpus/garbage_ch5/`, `tests/corpus/garbage_ch7/`: constants, zeros, identity, always-equal
objects, all-True bools, `NotImplementedError`, an empty file, for every chapter 5 and 7 exercise that
trains nothing (the training exercises are graded by slow tests).
`tests/corpus/equivalent/`: fastai's own metric, `.item()`, a tensor subclass, list/tuple/ndarray
centres; each file grades the exercises its docstring's `expect-only:` names.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import BEAR

from grader.grading import grade

CORPUS = Path(__file__).resolve().parent / "corpus"
GARBAGE = sorted((CORPUS / "garbage").glob("*.py"))
GARBAGE_BY_CHAPTER = [(chapter, path) for chapter in ("ch5", "ch7")
                      for path in sorted((CORPUS / f"garbage_{chapter}").glob("*.py"))]
TRAINING = {"ch5": {"train_pet_classifier"}, "ch7": {"train_progressively", "train_imagenette"}}
EXERCISES = {"ch5": 10, "ch7": 8}
"""Chapter -> how many of its exercises are graded without training."""
EQUIVALENT = sorted((CORPUS / "equivalent").glob("*.py"))


def only_of(path: Path) -> set[str] | None:
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    found = re.search(r"expect-only: (.*)", doc)
    return {name.strip() for name in found.group(1).split(",")} if found else None


@pytest.mark.parametrize("path", GARBAGE, ids=[p.stem for p in GARBAGE])
def test_garbage_scores_zero_on_every_exercise(zygote, path):
    result = grade(path, zygote=zygote, skip={BEAR, "questionnaire"}, timing=False)
    assert len(result.exercises) == 7
    earned = {e.name: e.points for e in result.exercises if e.points}
    assert earned == {}, [(t.name, t.points) for e in result.exercises for t in e.tests if t.points]
    assert result.points == 0 and result.max_points > 0


@pytest.mark.parametrize("chapter,path", GARBAGE_BY_CHAPTER,
                         ids=[f"{chapter}-{p.stem}" for chapter, p in GARBAGE_BY_CHAPTER])
def test_garbage_scores_zero_on_every_exercise_of_chapters_5_and_7(zygote, chapter, path):
    result = grade(path, chapter=chapter, zygote=zygote, skip=TRAINING[chapter] | {"questionnaire"},
                   timing=False)
    assert len(result.exercises) == EXERCISES[chapter]
    earned = [(e.name, t.name, t.points) for e in result.exercises for t in e.tests if t.points]
    assert earned == []
    assert result.points == 0 and result.max_points > 0


@pytest.mark.parametrize("path", EQUIVALENT, ids=[p.stem for p in EQUIVALENT])
def test_right_in_another_type_scores_full_marks_with_a_note(zygote, path):
    result = grade(path, zygote=zygote, only=only_of(path))  # timed tests included: same forms accepted
    for exercise in result.exercises:
        failed = [(t.name, t.message) for t in exercise.tests
                  if t.outcome not in ("passed", "skipped") and t.max_points]
        assert failed == [] and exercise.points == exercise.max_points > 0, (exercise.name, failed)
    if path.stem != "ctr_float64":  # a float64 tensor is a plain tensor: nothing to note
        notes = [n for e in result.exercises for n in e.notes]
        assert any("accepted" in n for n in notes), notes
