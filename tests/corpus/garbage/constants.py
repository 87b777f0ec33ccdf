"""Seven constant answers, each of the right type and shape, computing nothing: 0 on every exercise."""

from pathlib import Path

import torch


def binary_cross_entropy(inputs, targets):
    return inputs.sum() * 0


def sigmoid_range(x, lo, hi):
    return torch.zeros_like(x)


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    return torch.tensor(0.)


def splitter(df):
    return [], []


def is_valid_person(o):
    return False


def img2pose(x):
    return Path(x)


def get_ctr(f, cal):
    return torch.zeros(2)
