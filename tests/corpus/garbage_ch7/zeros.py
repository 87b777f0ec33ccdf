"""Chapter 7, zeros of the expected shapes: 0 on every exercise."""

import torch


def channel_stats(xb):
    return torch.zeros(xb.shape[1]), torch.zeros(xb.shape[1])


def normalize(xb, mean, std):
    return torch.zeros_like(xb)


def denormalize(xb, mean, std):
    return torch.zeros_like(xb)


def progressive_plan(final_size, final_bs, n_stages):
    return [(0, 0)] * n_stages


def tta_predict(preds_plain, preds_augmented, beta=0.25):
    return torch.zeros_like(preds_plain)


def mixup(x1, y1, x2, y2, lam):
    return torch.zeros_like(x1), torch.zeros_like(y1, dtype=torch.float)


def mixup_batch(xb, yb, perm, lam, c):
    return torch.zeros_like(xb), torch.zeros(len(yb), c)


def label_smoothing_ce(output, target, eps=0.1):
    return (output * 0).sum()
