"""Answers at random: right or wrong depending on `random`, numpy, torch and `hash()` draws, so that
an unseeded grader would give a different score on every run.

Every load and call is seeded the same way (and string hashing is fixed), so the score is the same
on every run.
expect-only: binary_cross_entropy, sigmoid_range
expect-check: deterministic
"""

import random

import numpy as np
import torch
import torch.nn.functional as F


def lucky():
    draws = (random.random(), float(np.random.rand()), float(torch.rand(())), hash("ch6") % 1000 / 1000)
    return sum(draws) / 4 > 0.5


def binary_cross_entropy(inputs, targets):
    loss = F.binary_cross_entropy_with_logits(inputs, targets)
    return loss if lucky() else loss * 1.5


def sigmoid_range(x, lo, hi):
    good = torch.sigmoid(x) * (hi - lo) + lo
    return good if lucky() else good + 0.1
