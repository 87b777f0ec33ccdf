"""All-True bool tensors (and True) of the expected shapes: a bool is not a loss, an accuracy or a
centre, so 0 on every exercise."""

from pathlib import Path

import torch


def binary_cross_entropy(inputs, targets):
    return torch.tensor(True)


def sigmoid_range(x, lo, hi):
    return torch.ones_like(x, dtype=torch.bool)


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    return torch.tensor(True)


def splitter(df):
    return [True] * len(df), [True] * len(df)


def is_valid_person(o):
    return True


def img2pose(x):
    return Path(str(x) + "_pose.txt")


def get_ctr(f, cal):
    return torch.ones(2, dtype=torch.bool)
