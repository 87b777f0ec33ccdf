"""The Imagenette exercise's trusted side: the hidden set, and figures computed from the learner's
predictions alone.

The hidden images are drawn from a seed only the grading machine's key gives
(`grader.suite.hidden_key`), written in a shuffled order under neutral names; their classes stay in
this process. Pass marks come from what the reference (`imagenette_reference`) reaches on the CPU,
with a margin: 0.95 validation accuracy in about 15 s of training on a busy 2-core machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch

from grader.chapters.ch7.imagenette_data import CLASSES, WNIDS, make_hidden_set, make_imagenette

HIDDEN_PURPOSE = "ch7/imagenette/hidden"
TRAIN_SEED = 0
HIDDEN_PER_CLASS = 12
PASS_MARK = 0.70
"""Accuracy on the hidden images that passes (the reference gets 0.9 and more)."""
LEARNED_MARGIN = 0.25
"""How far above always answering one class (0.1) a classifier must be before any check counts."""
TECHNIQUES = {"Normalize": "normalization", "MixUp": "mixup", "CutMix": "CutMix",
              "LabelSmoothingCrossEntropy": "label smoothing",
              "LabelSmoothingCrossEntropyFlat": "label smoothing"}


def make_training_set(dest: Path) -> Path:
    return make_imagenette(dest, seed=TRAIN_SEED)


def make_hidden(dest: Path) -> list[tuple[Path, str]]:
    from grader.suite.hidden_key import hidden_seed

    return make_hidden_set(dest, seed=hidden_seed(HIDDEN_PURPOSE), per_class=HIDDEN_PER_CLASS)


@dataclass
class ImagenetteFigures:
    """What the trusted side computes from the learner's predictions on the hidden set."""

    accuracy: float
    """Share of hidden images whose most probable class is the right one."""
    baseline: float
    """The same for always answering the most common class (chance level)."""
    per_class: dict = field(default_factory=dict)
    """Accuracy per class, as a small table for the report."""


def score(probs: torch.Tensor, vocab: list[str], truth: list[str]) -> ImagenetteFigures:
    """Figures from probabilities whose columns follow the learner's `vocab` (WordNet ids)."""
    columns = torch.full((len(truth), len(WNIDS)), float("-inf"))
    for j, wnid in enumerate(WNIDS):
        if wnid in vocab:
            columns[:, j] = probs[:, vocab.index(wnid)].float()
    predicted = [WNIDS[i] for i in columns.argmax(dim=1).tolist()] if truth else []
    right = [p == t for p, t in zip(predicted, truth)]
    majority = max(truth.count(w) for w in WNIDS) if truth else 0
    rows = []
    for wnid in WNIDS:
        mine = [r for r, t in zip(right, truth) if t == wnid]
        rows.append([f"{wnid} ({CLASSES[wnid]})", len(mine), round(sum(mine) / len(mine), 3) if mine else 0.0])
    return ImagenetteFigures(
        accuracy=sum(right) / len(truth) if truth else 0.0,
        baseline=majority / len(truth) if truth else 0.0,
        per_class={"labels": ["class", "images", "accuracy"], "rows": rows})
