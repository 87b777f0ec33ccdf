"""Chapter 7, constants whatever the input: 0 on every exercise."""

import torch


def channel_stats(xb):
    return torch.full((3,), 0.5), torch.full((3,), 0.25)


def normalize(xb, mean, std):
    return torch.full_like(xb, 0.5)


def denormalize(xb, mean, std):
    return torch.full_like(xb, 0.5)


def progressive_plan(final_size, final_bs, n_stages):
    return [(128, 64)] * n_stages


def tta_predict(preds_plain, preds_augmented, beta=0.25):
    return torch.full_like(preds_plain, 0.1)


def mixup(x1, y1, x2, y2, lam):
    return torch.full_like(x1, 0.5), torch.full_like(y1, 0.5)


def mixup_batch(xb, yb, perm, lam, c):
    return torch.full_like(xb, 0.5), torch.full((len(yb), c), 1 / c)


def label_smoothing_ce(output, target, eps=0.1):
    return torch.tensor(1.0, requires_grad=True)
