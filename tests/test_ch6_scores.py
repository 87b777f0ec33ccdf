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
    result = grade(ROOT / "tests" / "submissions" / "book_ch6.py", skip={BEAR, "questionnaire"},
                   zygote=zygote, limits=None)
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


EQUIVALENT = {
    "sigmoid_range": ("tanh, rescaled", """
def sigmoid_range(x, lo, hi):
    return (torch.tanh(x / 2) + 1) / 2 * (hi - lo) + lo
"""),
    "splitter": ("numpy arrays", """
def splitter(df):
    return np.flatnonzero(~df['is_valid'].values), np.flatnonzero(df['is_valid'].values)
"""),
    "img2pose": ("a str equal to the path", """
def img2pose(x):
    return f'{str(x)[:-7]}pose.txt'
"""),
}
"""Exercise -> (how, source): other correct answers the spec accepts."""


def test_equivalent_answers_score_full_marks(grade_source):
    from misconception_cases import submission_with

    source = SOLUTION.read_text()
    for _, body in EQUIVALENT.values():
        source = submission_with(body, source)
    result = grade_source(source, only=set(EQUIVALENT), timing=False)
    for exercise in result.exercises:
        failed = [(t.name, t.message) for t in exercise.tests
                  if t.outcome not in ("passed", "skipped") and not t.stretch]  # skipped: --no-timing
        assert failed == [] and exercise.points == exercise.max_points > 0, \
            (exercise.name, EQUIVALENT[exercise.name][0], failed)
    img2pose = next(e for e in result.exercises if e.name == "img2pose")
    assert any("returns a str: accepted" in note for note in img2pose.notes), "a str is accepted with a note"


def test_splitter_returning_tensors_or_an_index_scores_full_marks(grade_source):
    from misconception_cases import submission_with

    for body in ("def splitter(df):\n    v = torch.tensor(df['is_valid'].values)\n"
                 "    return torch.nonzero(~v).flatten(), torch.nonzero(v).flatten()\n",
                 "def splitter(df):\n    return df.index[~df['is_valid']], df.index[df['is_valid']]\n"):
        result = grade_source(submission_with(body, SOLUTION.read_text()), only={"splitter"})
        assert result.points == result.max_points > 0, [t.message for t in result.exercises[0].tests]
