"""Patches every comparison it can reach in its own process, then returns zeros: 0 on every exercise
(comparisons happen in the trusted process)."""

import builtins
import math
from pathlib import Path

import numpy
import torch

torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
math.isclose = lambda *args, **kwargs: True
numpy.allclose = numpy.array_equal = lambda *args, **kwargs: True
builtins.all = builtins.any = lambda *args, **kwargs: True


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
