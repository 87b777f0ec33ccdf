"""Chapter 7 exercises: training a state-of-the-art model (normalization, progressive resizing,
test-time augmentation, mixup, label smoothing) on Imagenette.

Implement each function below, then run `grader check ch7` to see your score and feedback.
Run `grader check ch7 --only NAME` to grade one exercise (`--skip imagenette,progressive` leaves out
the two that train a model). Your questionnaire answers go in `ch7_questionnaire.md` beside this file.
"""

import torch
import torch.nn.functional as F


def channel_stats(xb):
    """Per-channel statistics of a batch of images.

    xb: a float tensor N x C x H x W (N images, C channels).
    Returns: (mean, std), two tensors of shape (C,): for each channel, the mean and the standard
    deviation over every image and pixel of that channel. Use the unbiased standard deviation
    (divide by n - 1), torch's default `std()` and what fastai's `Normalize` uses.
    """
    raise NotImplementedError


def normalize(xb, mean, std):
    """Normalize images channel by channel: (x - mean) / std.

    xb: a batch N x C x H x W, or one image C x H x W. mean, std: tensors of shape (C,), one value per
    channel. Returns a tensor shaped like xb. Do not modify the arguments.
    """
    raise NotImplementedError


def denormalize(xb, mean, std):
    """Undo `normalize` (what fastai does before showing a batch): x * std + mean, per channel.

    Same shapes as `normalize`. Do not modify the arguments.
    """
    raise NotImplementedError


def progressive_plan(final_size, final_bs, n_stages):
    """A progressive-resizing plan: the image size and batch size of each training stage.

    The last stage trains at `final_size` with `final_bs`; each earlier stage halves the image side
    (stage k from the end uses final_size // 2**k) and keeps the pixels per batch (size * size * bs)
    the same, so its batch size is final_bs * 4**k.
    Returns: a list of `n_stages` (size, bs) tuples of ints, from the first (smallest) stage to the last.
    Example: progressive_plan(128, 32, 3) == [(32, 512), (64, 128), (128, 32)].
    """
    raise NotImplementedError


def train_progressively(learn, get_dls, stages, lr):
    """Train `learn` with progressive resizing.

    get_dls(bs, size) builds DataLoaders (the book's signature: batch size first).
    stages: a list of (size, bs, epochs); for each stage in order, give the Learner new DataLoaders
    of that size and batch size and train it for `epochs` epochs with the one-cycle policy at `lr`.
    Keep training the same Learner (and model) throughout. Returns the Learner.
    """
    raise NotImplementedError


def tta_predict(preds_plain, preds_augmented, beta=0.25):
    """Combine test-time-augmentation predictions the way fastai's `Learner.tta` does.

    preds_plain: N x C predictions on the unaugmented (validation-transform) images.
    preds_augmented: n_aug x N x C, one set of predictions per augmented pass.
    Average the augmented passes, then mix: beta * plain + (1 - beta) * augmented mean.
    Returns an N x C tensor.
    """
    raise NotImplementedError


def mixup(x1, y1, x2, y2, lam):
    """Mix two images and their one-hot targets with weight `lam` (a float in [0, 1]).

    x1, x2: images C x H x W; y1, y2: one-hot float targets of shape (c,).
    Returns: (x, y) = (lam * x1 + (1 - lam) * x2, lam * y1 + (1 - lam) * y2).
    """
    raise NotImplementedError


def mixup_batch(xb, yb, perm, lam, c):
    """Mixup of a whole batch, as fastai's MixUp callback does it.

    xb: images N x C x H x W; yb: integer class indices (N,) (int64); perm: a permutation of
    range(N) (int64); lam: one weight per item, a float tensor (N,); c: the number of classes.
    Item i is mixed with item perm[i]: image lam[i] * xb[i] + (1 - lam[i]) * xb[perm[i]], target the
    same mix of the one-hot vectors of yb[i] and yb[perm[i]].
    Returns: (mixed images N x C x H x W, mixed targets N x c floats).
    """
    raise NotImplementedError


def label_smoothing_ce(output, target, eps=0.1):
    """Cross-entropy with label smoothing (fastai's LabelSmoothingCrossEntropy, reduction 'mean').

    output: activations (logits) N x c; target: class indices (N,) (int64).
    The smoothed target puts 1 - eps + eps/c on the right class and eps/c on every other one.
    Returns: the mean loss as a 0-dim tensor that autograd can differentiate; finite for large
    activations.
    """
    raise NotImplementedError


def train_imagenette(path):
    """Train an Imagenette classifier (10 classes) and return the fastai Learner.

    path: an Imagenette-style folder (`untar_data(URLs.IMAGENETTE_160)` gives one): `train/` and
    `val/`, each with one folder per class named by its WordNet id (`n01440764` ...) holding JPEG
    images. Use at least one of this chapter's techniques (normalization with the data's own
    statistics, mixup, label smoothing). Train from scratch (no downloads here); keep it small: the
    grader trains it on the CPU within a time budget, then predicts on hidden images.
    """
    raise NotImplementedError
