"""Chapter 5, zeros of the expected shapes (and empty strings): 0 on every exercise."""

import torch


def label_from_name(fname):
    return ""


def species(fname):
    return ""


def pets_datablock():
    return 0


def softmax(x):
    return torch.zeros_like(x)


def log_softmax(x):
    return torch.zeros_like(x)


def nll_loss(inputs, targets):
    return torch.tensor(0.0)


def cross_entropy(acts, targets):
    return (acts * 0).sum()


def suggest_lr(lrs, losses):
    return (0.0, 0.0)


def lr_groups(lr, n_groups):
    return [0.0] * n_groups


def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.fit_one_cycle(0, 0.0)
