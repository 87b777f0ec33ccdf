"""Correct values, but sigmoid_range applied one row at a time in a Python loop."""

import torch


def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return -torch.where(targets == 1, inputs, 1 - inputs).log().mean()


def sigmoid_range(x, lo, hi):
    if x.dim() < 2:
        return torch.sigmoid(x) * (hi - lo) + lo
    return torch.stack([torch.sigmoid(row) * (hi - lo) + lo for row in x])


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid:
        inp = inp.sigmoid()
    return ((inp > thresh) == targ.bool()).float().mean()
