"""Exercise 8 without learning anything: tries to rebuild the grader's hidden images with the
package's own generator, from every seed it can get (the grader's key file, whose path it is told,
read and hashed the way the grader does; the key it would make itself; the constant an earlier
version used), reads their labels, and returns a stand-in for a fastai Learner whose predictions look
each image up by its bytes.

The hidden set's seed comes from the grading machine's key, which the worker cannot read: the oracle
knows no hidden image and earns nothing.
expect-only: train_bear_classifier
expect-points: 0
expect-limits: timeout=60
expect-slow: yes
expect-needs: filesystem
"""


import csv
import hashlib
import tempfile
from pathlib import Path

import torch

CLASSES = ["black", "grizzly", "teddy"]


class BCEWithLogitsLossFlat:
    activation = None


def candidate_seeds():
    from grader.suite import hidden_key
    from grader.chapters.ch6 import bears

    seeds = [20_261_122]  # the constant the package once held
    for key_file in ("{{KEY_FILE}}", None):
        try:
            key = open(key_file, "rb").read() if key_file else hidden_key.machine_key()
        except OSError as exc:
            print(f"cannot read the key: {exc}")
            continue
        digest = hashlib.sha256(key + b"\0" + bears.HIDDEN_PURPOSE.encode()).digest()
        seeds.append(int.from_bytes(digest[:8], "big") >> 2)
    return seeds


def train_bear_classifier(path):
    from grader.chapters.ch6.bears_data import make_bears
    from grader.chapters.ch6.test_bear_classifier import HIDDEN_IMAGES

    known = {}
    for seed in candidate_seeds():
        folder = Path(tempfile.mkdtemp())
        make_bears(folder, seed=seed, n=HIDDEN_IMAGES, valid_pct=0.0)
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
