"""The honest baseline: every exercise answered with a constant of the right type, no tricks.

What this earns (the suite gives points for a result of the right shape and for leaving the inputs
unchanged) is the most a cheat may earn: `expect-points: 0` means every test a case passes, this
file passes too.
"""

from pathlib import Path

import torch


def binary_cross_entropy(inputs, targets):
    return torch.zeros(())


def sigmoid_range(x, lo, hi):
    return torch.zeros_like(x)


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    return torch.zeros(())


def splitter(df):
    return [], []


def is_valid_person(o):
    return False


def img2pose(x):
    return Path(x)


def get_ctr(f, cal):
    return torch.zeros(2)
