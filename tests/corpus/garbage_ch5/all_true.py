"""Chapter 5, True (or all-True bool tensors of the expected shapes) from every exercise: a bool is not
a label, a probability, a loss or a learning rate, so 0 on every exercise."""

import torch


def label_from_name(fname):
    return True


def species(fname):
    return True


def pets_datablock():
    return True


def softmax(x):
    return torch.ones_like(x, dtype=torch.bool)


def log_softmax(x):
    return torch.ones_like(x, dtype=torch.bool)


def nll_loss(inputs, targets):
    return torch.tensor(True)


def cross_entropy(acts, targets):
    return torch.tensor(True)


def suggest_lr(lrs, losses):
    return (True, True)


def lr_groups(lr, n_groups):
    return [True] * n_groups


def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    return True
