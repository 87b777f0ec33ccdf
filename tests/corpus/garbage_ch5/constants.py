"""Chapter 5, constants whatever the input: 0 on every exercise."""

import torch


def label_from_name(fname):
    return "Maine_Coon"


def species(fname):
    return "cat"


def pets_datablock():
    return None


def softmax(x):
    return torch.full_like(x, 0.5)


def log_softmax(x):
    return torch.full_like(x, -1.0)


def nll_loss(inputs, targets):
    return torch.tensor(1.0)


def cross_entropy(acts, targets):
    return torch.tensor(2.0, requires_grad=True)


def suggest_lr(lrs, losses):
    return (1e-3, 1e-3)


def lr_groups(lr, n_groups):
    return [1e-3] * n_groups


def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    return None
