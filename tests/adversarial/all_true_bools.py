"""Returns all-True bool tensors of the expected shapes and computes nothing. A bool is not a loss,
an accuracy, a range or a centre: the comparison checks the dtype family before any value, so
`tensor(True)` never "equals" 0.69 (issue 13, item 1).
expect-only: binary_cross_entropy, sigmoid_range, accuracy_multi, get_ctr
expect-points: 0
expect-message: bool tensor
"""

import torch


def binary_cross_entropy(inputs, targets):
    return torch.tensor(True)


def sigmoid_range(x, lo, hi):
    return torch.ones_like(x, dtype=torch.bool)


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    return torch.tensor(True)


def get_ctr(f, cal):
    return torch.ones(2, dtype=torch.bool)
