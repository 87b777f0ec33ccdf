"""Exercise 8's trusted side: hidden images, and the figures computed from the learner's predictions.

The hidden set is generated from a seed that only the trusted side can derive (the grading machine's
key, `grader.suite.hidden_key`: nothing in the package gives it, so learner code cannot regenerate
the set); its labels are read into memory and the labels file is deleted before any learner code
runs, and the images are renamed in a shuffled order, so nothing on disk says what they show.
"""

from __future__ import annotations

import csv
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import torch

HIDDEN_PURPOSE = "ch6/bears/hidden"
"""What the hidden set's seed is derived for, with the machine's key."""
TRAIN_SEED = 0
CLASSES = ("black", "grizzly", "teddy")

PASS_MARKS = {
    "elementwise": 0.85,
    "no_bear": 0.70,
    "two_bears": 0.60,
}
"""Pass marks, set from what the reference reaches on the CPU with a margin (see the closing note of
issue 7 and benchmarks/bear_training.py)."""
LEARNED_MARGIN = 0.2
"""How far a classifier's top-1 accuracy on single-bear images must beat always answering the most
common kind before any of its checks count: answering "none" (or "all three") everywhere says
"none" on no-bear images without having learned anything."""


@dataclass
class HiddenSet:
    """Hidden images (paths the worker may read) and their labels (trusted process only)."""

    files: list[Path]
    labels: list[frozenset[str]]

    def targets(self) -> torch.Tensor:
        return torch.tensor([[float(c in labels) for c in CLASSES] for labels in self.labels])


def make_training_set(dest: Path, n: int) -> Path:
    from grader.chapters.ch6.bears_data import make_bears

    return make_bears(dest, seed=TRAIN_SEED, n=n)


def make_hidden_set(dest: Path, n: int) -> HiddenSet:
    """Generate hidden images into `dest` (inside the worker's folder) with labels kept in memory."""
    from grader.chapters.ch6.bears_data import make_bears
    from grader.suite.hidden_key import hidden_seed

    seed = hidden_seed(HIDDEN_PURPOSE)
    staging = Path(tempfile.mkdtemp(prefix="grader-hidden-"))
    try:
        make_bears(staging, seed=seed, n=n, valid_pct=0.0)
        with open(staging / "labels.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        dest.mkdir(parents=True, exist_ok=True)
        order = random.Random(seed).sample(range(len(rows)), len(rows))
        files, labels = [], []
        for i, index in enumerate(order):
            row = rows[index]
            source = _find_image(staging, row["fname"])
            target = dest / f"hidden_{i:04d}{source.suffix}"
            shutil.copyfile(source, target)
            files.append(target)
            labels.append(frozenset((row.get("labels") or "").split()))
        return HiddenSet(files, labels)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _find_image(root: Path, fname: str) -> Path:
    for candidate in (root / fname, root / "images" / fname):
        if candidate.is_file():
            return candidate
    matches = list(root.rglob(Path(fname).name))
    if not matches:
        raise FileNotFoundError(f"generated image {fname} not found")
    return matches[0]


@dataclass
class BearFigures:
    """What the trusted side computes from the learner's predictions on the hidden set."""

    elementwise: float
    """accuracy_multi at the learner's threshold, over every (image, class)."""
    no_bear: float
    """Share of no-bear images with an empty prediction."""
    two_bears: float
    """Share of two-bear images predicted with exactly both kinds."""
    single_label: float
    """Top-1 accuracy on single-bear images (what a single-label classifier is judged on)."""
    single_label_baseline: float
    """The same for always answering the most common kind (chance level)."""
    confusion: dict = field(default_factory=dict)
    """Per-class true/false positives and negatives, as a small table."""


def score(probs: torch.Tensor, vocab: list[str], hidden: HiddenSet, threshold: float) -> BearFigures:
    """Figures from probabilities whose columns follow the learner's `vocab`."""
    if probs.min() < 0 or probs.max() > 1:
        probs = probs.sigmoid()  # a loss without an activation: get_preds returned raw logits
    columns = torch.zeros(len(hidden.files), len(CLASSES))
    for j, name in enumerate(CLASSES):
        if name in vocab:
            columns[:, j] = probs[:, vocab.index(name)]
    predicted = columns > threshold
    targets = hidden.targets().bool()
    counts = [len(labels) for labels in hidden.labels]
    rows_of = lambda k: [i for i, c in enumerate(counts) if c == k]  # noqa: E731
    exact = (predicted == targets).all(dim=1)
    none_rows, two_rows, one_rows = rows_of(0), rows_of(2), rows_of(1)
    truth = [CLASSES.index(next(iter(hidden.labels[i]))) for i in one_rows]
    top1 = columns[one_rows].argmax(dim=1).tolist() if one_rows else []
    majority = max(truth.count(c) for c in range(len(CLASSES))) if truth else 0
    table = [[name, int((predicted[:, j] & targets[:, j]).sum()), int((predicted[:, j] & ~targets[:, j]).sum()),
              int((~predicted[:, j] & targets[:, j]).sum()), int((~predicted[:, j] & ~targets[:, j]).sum())]
             for j, name in enumerate(CLASSES)]
    share = lambda rows: float(exact[rows].float().mean()) if rows else 0.0  # noqa: E731
    return BearFigures(
        elementwise=float((predicted == targets).float().mean()),
        no_bear=share(none_rows), two_bears=share(two_rows),
        single_label=sum(a == b for a, b in zip(top1, truth)) / len(truth) if truth else 0.0,
        single_label_baseline=majority / len(truth) if truth else 0.0,
        confusion={"labels": ["kind", "true pos.", "false pos.", "false neg.", "true neg."], "rows": table},
    )


SINGLE_LABEL_LOSSES = ("CrossEntropyLossFlat", "CrossEntropyLoss", "NLLLoss", "LabelSmoothingCrossEntropy",
                       "LabelSmoothingCrossEntropyFlat", "FocalLossFlat")
MULTI_LABEL_HINT = ("Your model uses a single-label loss ({loss}): softmax makes the probabilities of the "
                    "classes sum to 1, so it always picks a bear and cannot say 'none', nor 'two kinds'. "
                    "Use MultiCategoryBlock, whose loss is BCEWithLogitsLossFlat (a sigmoid per class).")
