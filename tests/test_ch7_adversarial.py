"""Chapter 7's training exercises against cheats and broken returns: no points, a clear message, a
finished run.

(The suite-wide cases in tests/adversarial/ grade chapter 6; these are chapter 7's own.)
"""

import pytest

from conftest import failing

ORACLE = '''
import hashlib, tempfile
from pathlib import Path
import torch

WNIDS = None


def train_imagenette(path):
    """Regenerates the hidden set from every seed it can think of and looks images up by their bytes."""
    from grader.suite import hidden_key
    from grader.chapters.ch7 import imagenette
    from grader.chapters.ch7.imagenette_data import WNIDS as wnids, make_hidden_set

    known = {}
    seeds = [0, 1, 12345]
    try:
        seeds.append(hidden_key.hidden_seed(imagenette.HIDDEN_PURPOSE))
    except Exception:
        pass
    for seed in seeds:
        for f, wnid in make_hidden_set(Path(tempfile.mkdtemp()), seed=seed, per_class=imagenette.HIDDEN_PER_CLASS):
            known[hashlib.sha256(f.read_bytes()).hexdigest()] = wnid
    return Oracle(known, list(wnids))


class LabelSmoothingCrossEntropy:
    pass


class Oracle:
    loss_func = LabelSmoothingCrossEntropy()

    def __init__(self, known, vocab):
        self.known, self.vocab, self.dls, self.train = known, vocab, self, self
        self.after_batch = []

    def test_dl(self, files, **kwargs):
        return files

    def get_preds(self, dl=None, **kwargs):
        rows = []
        for f in dl:
            wnid = self.known.get(hashlib.sha256(Path(f).read_bytes()).hexdigest())
            rows.append([1.0 if w == wnid else 0.0 for w in self.vocab])
        return torch.tensor(rows), None
'''


@pytest.mark.slow
def test_regenerating_the_hidden_set_earns_nothing(grade_source, monkeypatch):
    """The hidden images come from the grading machine's key, which the worker never sees."""
    monkeypatch.setenv("GRADER_HIDDEN_KEY", "a key only the trusted side holds")
    result = grade_source(ORACLE, chapter="ch7", only={"train_imagenette"}, skip=set())
    assert result.points == 0 and result.max_points > 0
    failed = failing(result, "train_imagenette")
    assert any(t.misconception == "did_not_learn" for t in failed), [(t.misconception, t.message) for t in failed]


@pytest.mark.parametrize("body,message", [
    ("def train_imagenette(path):\n    return 42\n", "not a fastai Learner"),
    ("class L:\n    loss_func = None\n    def __init__(self):\n        self.dls = self\n        self.vocab = ['a'] * 5000\n"
     "    def test_dl(self, files, **kw):\n        return files\n"
     "    def get_preds(self, dl=None, **kw):\n        import torch\n        return torch.zeros(3, 2), None\n"
     "def train_imagenette(path):\n    return L()\n", "wrong shape"),
])
def test_broken_returns_fail_with_a_message(grade_source, body, message):
    result = grade_source(body, chapter="ch7", only={"train_imagenette"}, skip=set())
    failed = failing(result, "train_imagenette")
    assert result.points == 0 and failed
    assert any(message in t.message for t in failed if not t.hidden), [t.message for t in failed]


def test_progressive_training_that_raises_is_a_message_not_a_crash(grade_source):
    body = "def train_progressively(learn, get_dls, stages, lr):\n    raise ValueError('nope')\n"
    result = grade_source(body, chapter="ch7", only={"train_progressively"}, skip=set())
    failed = failing(result, "train_progressively")
    assert result.points == 0 and len(failed) == 4
    assert all("ValueError" in t.message for t in failed)


@pytest.mark.slow
def test_a_hanging_progressive_training_is_stopped_once(grade_source):
    """A plan that never ends is stopped at the plan's limit, and the second plan is not tried."""
    import time

    body = "def train_progressively(learn, get_dls, stages, lr):\n    while True:\n        pass\n"
    started = time.monotonic()
    result = grade_source(body, chapter="ch7", only={"train_progressively"}, skip=set(), timing=False)
    failed = failing(result, "train_progressively")
    assert result.points == 0 and len(failed) == 4
    assert all(t.misconception == "too_slow" for t in failed)
    from grader.chapters.ch7.test_progressive_training import PLAN_SECONDS
    assert time.monotonic() - started < 2 * PLAN_SECONDS
