"""Exercise 7's trusted side: the training images, the hidden images, and the figures computed from
the learner's predictions.

As for chapter 6's bears (`grader.chapters.ch6.bears`), the hidden set is drawn from a seed only the
trusted side can derive (`grader.suite.hidden_key`), its breeds stay in memory here, and its images are
copied under shuffled names (`hidden_0000.jpg`...), so nothing on disk says which breed they show.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

from grader.chapters.ch5.pets_data import TRAINING_BREEDS, is_cat, make_pets, pet_names

HIDDEN_PURPOSE = "ch5/pets/hidden"
TRAIN_SEED = 0
TRAIN_PER_BREED, HIDDEN_PER_BREED = 30, 8
PASS_MARKS = {"accuracy": 0.75, "species": 0.9}
"""Pass marks, below what the reference reaches on the CPU (see `tests/test_ch5_pets.py`)."""
LEARNED_MARGIN = 0.3
"""How far top-1 accuracy must beat always answering one breed (1/10) before any check counts."""


@dataclass
class HiddenPets:
    """Hidden images (paths the worker may read) and their breeds (trusted process only)."""

    files: list[Path]
    breeds: list[str]


def make_training_set(dest: Path) -> Path:
    return make_pets(dest, seed=TRAIN_SEED, per_breed=TRAIN_PER_BREED, breeds=TRAINING_BREEDS)


def make_hidden_set(dest: Path, per_breed: int = HIDDEN_PER_BREED) -> HiddenPets:
    from grader.suite.hidden_key import hidden_seed

    seed = hidden_seed(HIDDEN_PURPOSE)
    staging = Path(tempfile.mkdtemp(prefix="grader-hidden-"))
    try:
        make_pets(staging, seed=seed, per_breed=per_breed, breeds=TRAINING_BREEDS)
        rows = pet_names(seed=seed, per_breed=per_breed, breeds=TRAINING_BREEDS)
        order = random.Random(seed).sample(range(len(rows)), len(rows))
        dest.mkdir(parents=True, exist_ok=True)
        files, breeds = [], []
        for i, index in enumerate(order):
            fname, breed = rows[index]
            target = dest / f"hidden_{i:04d}.jpg"
            shutil.copyfile(staging / "images" / fname, target)
            files.append(target)
            breeds.append(breed)
        return HiddenPets(files, breeds)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@dataclass
class PetFigures:
    """What the trusted side computes from the learner's predictions on the hidden set."""

    accuracy: float
    """Share of hidden images whose most probable breed is right."""
    species: float
    """Share whose most probable breed is of the right species (cat or dog)."""
    baseline: float
    """The accuracy of always answering the most common breed."""
    confusion: dict
    """Per-breed counts of right answers and of the most frequent wrong one."""


def score(probs: torch.Tensor, vocab: list[str], hidden: HiddenPets) -> PetFigures:
    """Figures from probabilities whose columns follow the learner's `vocab`."""
    top = probs.argmax(dim=1).tolist()
    predicted = [vocab[i] if 0 <= i < len(vocab) else "" for i in top]
    n = len(hidden.breeds)
    right = sum(p == b for p, b in zip(predicted, hidden.breeds))
    same_species = sum(bool(p) and is_cat(p) == is_cat(b) for p, b in zip(predicted, hidden.breeds))
    counts = {b: hidden.breeds.count(b) for b in TRAINING_BREEDS}
    rows = []
    for breed in TRAINING_BREEDS:
        mine = [p for p, b in zip(predicted, hidden.breeds) if b == breed]
        wrong = [p for p in mine if p != breed]
        common = max(set(wrong), key=wrong.count) if wrong else ""
        rows.append([breed, counts[breed], sum(p == breed for p in mine), common])
    return PetFigures(accuracy=right / n if n else 0.0, species=same_species / n if n else 0.0,
                      baseline=max(counts.values()) / n if n else 0.0,
                      confusion={"labels": ["breed", "images", "right", "most often taken for"], "rows": rows})
