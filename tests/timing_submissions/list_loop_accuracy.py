"""Correct values, but accuracy_multi compares one element at a time, over Python lists."""

import torch


def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return -torch.where(targets == 1, inputs, 1 - inputs).log().mean()


def sigmoid_range(x, lo, hi):
    return torch.sigmoid(x) * (hi - lo) + lo


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    probs = inp.sigmoid() if sigmoid else inp
    flat_p, flat_t = probs.flatten().tolist(), targ.flatten().tolist()
    right = 0
    for p, t in zip(flat_p, flat_t):
        right += (p > thresh) == bool(t)
    return torch.tensor(right / len(flat_p))
