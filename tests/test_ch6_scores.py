"""The shipped solutions score 100%, the stubs 0%, and the book's own code 100% (exercises 1-7)."""

from pathlib import Path

from conftest import BEAR, SOLUTION, STUBS, ROOT

from grader.grading import grade


def test_solutions_score_full_marks(zygote):
    result = grade(SOLUTION, skip={BEAR}, zygote=zygote)
    assert result.load_error is None
    assert [e.name for e in result.exercises] == ["binary_cross_entropy", "sigmoid_range",
                                                  "accuracy_multi", "splitter", "is_valid_person",
                                                  "img2pose", "get_ctr"]
    failed = [(t.nodeid, t.message) for e in result.exercises for t in e.tests if t.outcome != "passed"]
    assert failed == []
    assert result.max_points >= 40 and result.points == result.max_points
    assert result.status == "passed"


def test_stubs_score_zero(zygote):
    result = grade(STUBS, skip={BEAR}, zygote=zygote)
    assert result.load_error is None
    assert result.points == 0 and result.max_points >= 40
    for exercise in result.exercises:
        assert exercise.defined
        for test in exercise.tests:
            assert test.outcome == "failed"
            assert "still the stub" in test.message


def test_book_code_scores_full_marks(zygote):
    """Book-verbatim code: fastai star import, a lambda predicate, one-argument get_ctr with global cal."""
    result = grade(ROOT / "tests" / "submissions" / "book_ch6.py", skip={BEAR}, zygote=zygote,
                   limits=None)
    failed = [(t.name, t.message) for e in result.exercises for t in e.tests
              if t.outcome != "passed" and not t.stretch]
    assert failed == []
    assert result.points == result.max_points
    bce = next(e for e in result.exercises if e.name == "binary_cross_entropy")
    stretch = [t for t in bce.tests if t.stretch]
    assert stretch and stretch[0].outcome == "failed", "the book's BCE is not stable at |x| = 100"


def test_same_score_on_every_run(zygote, tmp_path):
    """A submission that uses randomness still gets the same result twice (everything is seeded)."""
    source = SOLUTION.read_text() + "\nimport random\ndef is_valid_person(o):\n    return random.random() < 0.5\n"
    path = tmp_path / "random_person.py"
    path.write_text(source)
    first = grade(path, only={"is_valid_person"}, zygote=zygote)
    second = grade(path, only={"is_valid_person"}, zygote=zygote)
    assert [t.outcome for t in first.exercises[0].tests] == [t.outcome for t in second.exercises[0].tests]
