"""Chapter 7: the shipped solutions score 100%, the stubs 0% with hints, the book's forms 100%."""

from pathlib import Path

import pytest

from grader.grading import grade

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "ch7.py"
STUBS = ROOT / "exercises" / "ch7.py"
BOOK = ROOT / "tests" / "submissions" / "book_ch7.py"
TRAINING = {"train_imagenette", "train_progressively"}
FAST = ["channel_stats", "normalize", "denormalize", "progressive_plan", "tta_predict", "mixup",
        "mixup_batch", "label_smoothing_ce"]


def _failed(result):
    return [(t.nodeid, t.message) for e in result.exercises for t in e.tests if t.outcome != "passed"]


def test_solutions_score_full_marks(zygote):
    result = grade(SOLUTION, chapter="ch7", skip=TRAINING, zygote=zygote)
    assert result.load_error is None
    assert [e.name for e in result.exercises] == FAST
    assert _failed(result) == []
    assert result.max_points >= 50 and result.points == result.max_points
    assert result.status == "passed"


def test_stubs_score_zero_with_hints(zygote):
    result = grade(STUBS, chapter="ch7", skip=TRAINING, zygote=zygote)
    assert result.load_error is None
    assert result.points == 0 and result.max_points >= 50
    for exercise in result.exercises:
        assert exercise.defined
        for test in exercise.tests:
            assert test.outcome == "failed"
            assert "still the stub" in test.message and test.hint


def test_book_forms_score_full_marks(zygote):
    """fastai star import, torch.lerp and fastcore's unsqueeze, fastai's own loss arithmetic."""
    result = grade(BOOK, chapter="ch7", skip=TRAINING | {"questionnaire"}, zygote=zygote)
    assert _failed(result) == []
    assert result.points == result.max_points > 0


CONSTANT = '''
def channel_stats(xb):
    return torch.zeros(xb.shape[1]), torch.ones(xb.shape[1])
def normalize(xb, mean, std):
    return xb
def denormalize(xb, mean, std):
    return xb
def progressive_plan(final_size, final_bs, n_stages):
    return [(final_size, final_bs)] * n_stages
def tta_predict(preds_plain, preds_augmented, beta=0.25):
    return preds_plain
def mixup(x1, y1, x2, y2, lam):
    return x1, y1
def mixup_batch(xb, yb, perm, lam, c):
    return xb, torch.zeros(len(yb), c)
def label_smoothing_ce(output, target, eps=0.1):
    return torch.tensor(0.0, requires_grad=True)
'''


def test_constant_and_identity_answers_earn_nothing(grade_source):
    """Identity, constant and unchanged answers: every test fails, structural ones included."""
    result = grade_source("import torch\n" + CONSTANT, chapter="ch7", skip=TRAINING)
    passed = [(t.nodeid) for e in result.exercises for t in e.tests if t.outcome == "passed"]
    assert passed == []


@pytest.mark.slow
def test_reference_formulas_match_fastai():
    """The suite's references are fastai's: LabelSmoothingCrossEntropy equals torch's
    label_smoothing, and Learner.tta's arithmetic is lerp(mean of augmented passes, plain, beta)."""
    from contextlib import contextmanager

    import torch
    import torch.nn.functional as F
    from fastai.learner import Learner
    from fastai.losses import LabelSmoothingCrossEntropy

    from grader.chapters.ch7.test_label_smoothing import reference as ls_reference
    from grader.chapters.ch7.test_tta import reference as tta_reference

    g = torch.Generator().manual_seed(0)
    output, target = torch.randn(7, 10, generator=g) * 4, torch.randint(0, 10, (7,), generator=g)
    for eps in (0.0, 0.1, 0.3):
        fastai_loss = LabelSmoothingCrossEntropy(eps=eps)(output, target)
        assert torch.allclose(fastai_loss, ls_reference(output, target, eps), atol=1e-6)
        assert torch.allclose(fastai_loss, F.cross_entropy(output, target, label_smoothing=eps), atol=1e-6)

    passes = [torch.randn(5, 3, generator=g).softmax(-1) for _ in range(5)]  # 4 augmented, then plain

    class FakeLearner:
        """Just what `Learner.tta` touches: get_preds returns the recorded passes in order."""
        def __init__(self):
            self.calls = iter(passes)

        def __call__(self, *args, **kwargs):
            pass

        @contextmanager
        def no_mbar(self):
            yield

        def get_preds(self, dl=None, inner=False):
            return next(self.calls), torch.zeros(5)

    class FakeDataset:
        @contextmanager
        def set_split_idx(self, i):
            yield

    class FakeDL:
        dataset = FakeDataset()

    preds, _ = Learner.tta(FakeLearner(), dl=FakeDL(), n=4, beta=0.25)
    expected = tta_reference(passes[4], torch.stack(passes[:4]), 0.25)
    assert torch.allclose(preds, expected, atol=1e-6)


@pytest.mark.slow
def test_training_exercises_score_full_marks(zygote):
    """The solution's progressive resizing and Imagenette classifier, and the book's progressive
    resizing (fine_tune after the first stage), pass every test."""
    result = grade(SOLUTION, chapter="ch7", only=TRAINING, zygote=zygote)
    assert [e.name for e in result.exercises] == ["train_progressively", "train_imagenette"]
    assert _failed(result) == []
    book = grade(BOOK, chapter="ch7", only={"train_progressively"}, zygote=zygote)
    assert _failed(book) == [] and book.points == book.max_points > 0


@pytest.mark.slow
def test_training_stubs_fail_with_hints(zygote):
    result = grade(STUBS, chapter="ch7", only=TRAINING, zygote=zygote)
    assert result.points == 0 and result.max_points > 0
    for exercise in result.exercises:
        for test in exercise.tests:
            assert test.outcome == "failed" and test.hint, (test.name, test.message)


LOOPS = '''
def normalize(xb, mean, std):
    images = xb.reshape(-1, *xb.shape[-3:])
    out = torch.empty_like(images)
    for i in range(len(images)):
        for c in range(images.shape[1]):
            out[i, c] = (images[i, c] - mean[c]) / std[c]
    return out.reshape(xb.shape)


def label_smoothing_ce(output, target, eps=0.1):
    c = output.shape[1]
    losses = []
    for row, t in zip(output, target):
        logp = row - row.logsumexp(0)
        losses.append((1 - eps) * -logp[t] + eps * -logp.mean())
    return torch.stack(losses).mean()
'''


@pytest.mark.slow
def test_python_loops_fail_only_the_speed_tests(grade_source):
    """Correct but looping over images / rows: every value test passes, the timed test fails."""
    from misconception_cases import submission_with

    result = grade_source(submission_with(LOOPS, SOLUTION.read_text()), chapter="ch7",
                          only={"normalize", "label_smoothing_ce"}, skip=set())
    for exercise in result.exercises:
        failed = [t for t in exercise.tests if t.outcome != "passed"]
        assert [t.nodeid.split("::")[-1] for t in failed] == [f"test_{exercise.name}_speed"], exercise.name


@pytest.mark.slow
def test_book_imagenette_training_scores_full_marks(zygote):
    """The book's DataBlock, xresnet and LabelSmoothingCrossEntropy (minutes on a CPU: 262 s measured)."""
    result = grade(BOOK, chapter="ch7", only={"train_imagenette"}, zygote=zygote)
    assert _failed(result) == [] and result.points == result.max_points > 0


def test_timer_builds_integer_labels_for_the_label_smoothing_speed_test():
    """The `labels` input kind (class indices) that chapter 7's timed loss needs, same values per seed."""
    import torch

    from grader.worker.ops.time import build

    spec = [{"kind": "labels", "shape": [1000], "classes": 10}]
    first, again = build(spec, 3, "cpu")[0], build(spec, 3, "cpu")[0]
    assert first.dtype == torch.int64 and first.shape == (1000,)
    assert int(first.min()) == 0 and int(first.max()) == 9 and torch.equal(first, again)
