"""Chapter 7, all-True bool tensors of the expected shapes (and True): a bool is not a statistic, an
image, a plan or a loss, so 0 on every exercise."""

import torch


def channel_stats(xb):
    return torch.ones(xb.shape[1], dtype=torch.bool), torch.ones(xb.shape[1], dtype=torch.bool)


def normalize(xb, mean, std):
    return torch.ones_like(xb, dtype=torch.bool)


def denormalize(xb, mean, std):
    return torch.ones_like(xb, dtype=torch.bool)


def progressive_plan(final_size, final_bs, n_stages):
    return [(True, True)] * n_stages


def tta_predict(preds_plain, preds_augmented, beta=0.25):
    return torch.ones_like(preds_plain, dtype=torch.bool)


def mixup(x1, y1, x2, y2, lam):
    return torch.ones_like(x1, dtype=torch.bool), torch.ones_like(y1, dtype=torch.bool)


def mixup_batch(xb, yb, perm, lam, c):
    return torch.ones_like(xb, dtype=torch.bool), torch.ones(len(yb), c, dtype=torch.bool)


def label_smoothing_ce(output, target, eps=0.1):
    return torch.tensor(True)
