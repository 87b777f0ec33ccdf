"""Exercise 8 without learning anything: rebuilds the grader's hidden images from the generator and
the seed that ship in the package, reads their labels, and returns a stand-in for a fastai Learner
whose predictions look each image up by its bytes.

Hidden data must not be reproducible by learner code: the hidden set needs a seed drawn in the
trusted process at run time.
expect-only: train_bear_classifier
expect-points: 0
expect-limits: timeout=60
expect-slow: yes
expect-known-hole: exercise 8's hidden set comes from bears.HIDDEN_SEED, a constant in the package
"""

import csv
import hashlib
import tempfile
from pathlib import Path

import torch

CLASSES = ["black", "grizzly", "teddy"]


class BCEWithLogitsLossFlat:
    activation = None


def train_bear_classifier(path):
    from grader.data.bears import make_bears
    from grader.suites.ch6 import bears
    from grader.suites.ch6.test_bear_classifier import HIDDEN_IMAGES

    folder = Path(tempfile.mkdtemp())
    make_bears(folder, seed=bears.HIDDEN_SEED, n=HIDDEN_IMAGES, valid_pct=0.0)
    known = {}
    with open(folder / "labels.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            image = next(folder.rglob(Path(row["fname"]).name))
            known[hashlib.sha256(image.read_bytes()).hexdigest()] = set((row["labels"] or "").split())
    return Oracle(known)


class Oracle:
    loss_func = BCEWithLogitsLossFlat()

    def __init__(self, known):
        self.known = known
        self.dls = self

    vocab = CLASSES

    def test_dl(self, files, **kwargs):
        return files

    def get_preds(self, dl=None, **kwargs):
        rows = []
        for f in dl:
            labels = self.known.get(hashlib.sha256(Path(f).read_bytes()).hexdigest(), set())
            rows.append([1.0 if c in labels else 0.0 for c in CLASSES])
        return torch.tensor(rows), None
