"""Zeros of the input's own shape and dtype everywhere a tensor is expected: 0 on every exercise."""

import torch


def binary_cross_entropy(inputs, targets):
    return torch.zeros((), requires_grad=True)


def sigmoid_range(x, lo, hi):
    return x * 0 + lo


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    return (inp * 0).mean()


def splitter(df):
    return [0], [1]


def is_valid_person(o):
    return True


def img2pose(x):
    return x


def get_ctr(f, cal):
    return torch.tensor([0.0, 0.0])
