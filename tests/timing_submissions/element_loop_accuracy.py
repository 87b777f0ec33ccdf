"""Correct values, but accuracy_multi compares one element at a time in a Python loop."""

import torch


def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return -torch.where(targets == 1, inputs, 1 - inputs).log().mean()


def sigmoid_range(x, lo, hi):
    return torch.sigmoid(x) * (hi - lo) + lo


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    probs = inp.sigmoid() if sigmoid else inp
    probs, targ = probs.reshape(-1, probs.shape[-1]), targ.reshape(-1, targ.shape[-1])
    right = 0
    for i in range(probs.shape[0]):
        for j in range(probs.shape[1]):
            if (probs[i, j] > thresh) == bool(targ[i, j]):
                right += 1
    return torch.tensor(right / probs.numel())
