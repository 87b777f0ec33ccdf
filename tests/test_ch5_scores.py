"""Chapter 5: the shipped solutions score 100%, the stubs 0% with hints, the book's own code 100%."""

from conftest import ROOT

from grader.grading import grade

SOLUTION5 = ROOT / "solutions" / "ch5.py"
STUBS5 = ROOT / "exercises" / "ch5.py"
BOOK5 = ROOT / "tests" / "submissions" / "book_ch5.py"
PETS = "train_pet_classifier"
FAST = ["label_from_name", "species", "pets_datablock", "softmax", "log_softmax", "nll_loss",
        "cross_entropy", "suggest_lr", "lr_groups", "fine_tune_by_hand"]


def test_solutions_score_full_marks(zygote):
    result = grade(SOLUTION5, chapter="ch5", skip={PETS}, zygote=zygote)
    assert result.load_error is None
    assert [e.name for e in result.exercises] == FAST
    failed = [(t.nodeid, t.message) for e in result.exercises for t in e.tests
              if t.outcome not in ("passed", "skipped")]
    assert failed == []
    assert result.max_points >= 40 and result.points == result.max_points
    stretch = [t for e in result.exercises for t in e.tests if t.stretch]
    assert stretch and all(t.outcome == "passed" for t in stretch), "the solution is stable too"


def test_stubs_score_zero_with_hints(zygote):
    result = grade(STUBS5, chapter="ch5", skip={PETS}, zygote=zygote)
    assert result.load_error is None
    assert result.points == 0 and result.max_points >= 40
    for exercise in result.exercises:
        assert exercise.defined
        for test in exercise.tests:
            assert test.outcome == "failed", test.nodeid
            assert "still the stub" in test.message and test.hint, test.nodeid


def test_book_code_scores_full_marks(zygote):
    """The chapter's own code: fastai star import, the unstable softmax (stretch only), fastai helpers."""
    result = grade(BOOK5, chapter="ch5", skip={PETS, "questionnaire"}, zygote=zygote, limits=None)
    failed = [(t.name, t.message) for e in result.exercises for t in e.tests
              if t.outcome not in ("passed", "skipped") and not t.stretch]
    assert failed == []
    assert result.points == result.max_points
    softmax = next(e for e in result.exercises if e.name == "softmax")
    stretch = [t for t in softmax.tests if t.stretch]
    assert stretch and stretch[0].outcome == "failed" and stretch[0].misconception == "overflow"


def test_constant_answers_score_nothing(grade_source):
    """A function that returns the same thing whatever it is given earns no point."""
    source = """
import torch
def label_from_name(fname): return 'Maine_Coon'
def species(fname): return 'cat'
def softmax(x): return torch.full_like(x, 1 / x.shape[1])
def log_softmax(x): return torch.zeros_like(x)
def nll_loss(inputs, targets): return torch.tensor(1.0)
def cross_entropy(acts, targets): return torch.tensor(2.0, requires_grad=True)
def suggest_lr(lrs, losses): return (1e-3, 1e-3)
def lr_groups(lr, n_groups): return [1e-3] * n_groups
def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1): learn.fit_one_cycle(1, 1e-3)
"""
    result = grade_source(source, chapter="ch5", only={"label_from_name", "species", "softmax", "log_softmax",
                                                        "nll_loss", "cross_entropy", "suggest_lr",
                                                        "lr_groups", "fine_tune_by_hand"}, timing=False)
    earned = [(t.nodeid, t.points) for e in result.exercises for t in e.tests if t.points]
    assert earned == []


def test_a_loop_over_rows_fails_the_speed_test_only(grade_source):
    """Right values, Python loop: every value test passes, the timed test fails with the vectorise hint."""
    source = """
import torch
def softmax(x):
    return torch.stack([r.exp() / r.exp().sum() for r in x])
"""
    result = grade_source(source, chapter="ch5", only={"softmax"})
    tests = result.exercises[0].tests
    timed = [t for t in tests if "vectorised" in t.name]
    assert timed and timed[0].outcome == "failed" and "vectorise" in timed[0].hint
    assert all(t.outcome == "passed" for t in tests if t not in timed and not t.stretch)
