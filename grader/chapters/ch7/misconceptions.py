"""Chapter 7's misconceptions, each a wrong implementation computed here, in the trusted process.

A misconception's `compute` takes the test's inputs and returns what the wrong code returns; the
suite names it only when it is the single one matching the learner's value (`checks.diagnose`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from grader.suite.feedback import Misconception as M

# -- exercise 1: channel_stats ---------------------------------------------------------------------
# The reference: mean and *unbiased* std (torch's default, and what fastai's Normalize.setups uses)
# over the batch, height and width: dims (0, 2, 3), one value per channel.

_DIMS = (0, 2, 3)

CHANNEL_MEAN = (
    M("all_channels", "You reduce over every dimension at once, so all channels share one number; "
      "reduce over the batch, height and width only, keeping one value per channel.",
      lambda xb: xb.mean(), fix="`xb.mean(dim=(0, 2, 3))`"),
    M("per_image", "You reduce over height and width only, giving one value per image and channel; "
      "the statistics of a batch also average over the images.",
      lambda xb: xb.mean(dim=(2, 3)), fix="`dim=(0, 2, 3)`"),
    M("wrong_dims", "You reduce over the wrong dimensions: a batch is N x C x H x W, so the channel is "
      "dimension 1; reduce over every other dimension (not over dimension 1, nor treating the last "
      "dimension as the channel).",
      lambda xb: xb.mean(dim=(1, 2, 3)) if xb.dim() == 4 else None, fix="`dim=(0, 2, 3)`"),
    M("channels_last", "You treat the last dimension as the channel (the N x H x W x C layout of PIL "
      "and numpy images); PyTorch batches are N x C x H x W, so the channel is dimension 1.",
      lambda xb: xb.mean(dim=(0, 1, 2)) if xb.dim() == 4 else None),
    M("batch_only", "You reduce over the batch dimension only, giving a C x H x W result; the "
      "per-channel statistics also average over every pixel.",
      lambda xb: xb.mean(dim=0), fix="`dim=(0, 2, 3)`"),
    M("keepdim", "Your statistics keep the reduced dimensions (shape 1 x C x 1 x 1, as fastai's "
      "`Normalize` stores them); return one value per channel, shape (C,).",
      lambda xb: xb.mean(dim=_DIMS, keepdim=True), fix="drop `keepdim=True` or `.flatten()` the result"),
)

CHANNEL_STD = (
    M("all_channels", CHANNEL_MEAN[0].hint, lambda xb: xb.std(), fix="`xb.std(dim=(0, 2, 3))`"),
    M("per_image", CHANNEL_MEAN[1].hint, lambda xb: xb.std(dim=(2, 3)), fix=CHANNEL_MEAN[1].fix),
    M("wrong_dims", CHANNEL_MEAN[2].hint, lambda xb: xb.std(dim=(1, 2, 3)) if xb.dim() == 4 else None,
      fix=CHANNEL_MEAN[2].fix),
    M("channels_last", CHANNEL_MEAN[3].hint, lambda xb: xb.std(dim=(0, 1, 2)) if xb.dim() == 4 else None),
    M("batch_only", CHANNEL_MEAN[4].hint, lambda xb: xb.std(dim=0), fix=CHANNEL_MEAN[4].fix),
    M("keepdim", CHANNEL_MEAN[5].hint, lambda xb: xb.std(dim=_DIMS, keepdim=True), fix=CHANNEL_MEAN[5].fix),
    M("biased_std", "Your standard deviation divides by n (`unbiased=False`, `correction=0`, or "
      "sqrt(mean of squared deviations)); this exercise, like torch's `std()` and fastai's "
      "`Normalize`, uses the unbiased estimate, which divides by n - 1.",
      lambda xb: xb.std(dim=_DIMS, correction=0)),
    M("variance", "You return the variance; the standard deviation is its square root "
      "(taken per channel).", lambda xb: xb.var(dim=_DIMS), fix="`xb.std(dim=(0, 2, 3))`"),
    M("mean_of_image_stds", "You average the per-image standard deviations; the spread of the whole "
      "batch also counts how the images differ from each other: take the std over the batch, height "
      "and width in one go.", lambda xb: xb.std(dim=(2, 3)).mean(dim=0), fix="`xb.std(dim=(0, 2, 3))`"),
)

# -- exercise 2: normalize and denormalize ---------------------------------------------------------


def _c(v):
    return v[:, None, None]


_NORMALIZE_FIX = "`(xb - mean[:, None, None]) / std[:, None, None]`"
_DENORMALIZE_FIX = "`xb * std[:, None, None] + mean[:, None, None]`"

NORMALIZE = (
    M("last_dim", "`mean` and `std` broadcast along the last dimension (the image's width), not the "
      "channels: reshape them to C x 1 x 1 so each channel gets its own statistics.",
      lambda xb, mean, std: (xb - mean) / std, fix="`mean[:, None, None]` or `mean.view(-1, 1, 1)`",
      fault_pattern=r"must match the size of tensor b.*at non-singleton dimension 3|"
                    r"must match the size of tensor b.*at non-singleton dimension 2"),
    M("divide_first", "You divide by `std` before subtracting the mean (operator precedence?); "
      "normalizing first centres each channel, then scales it.",
      lambda xb, mean, std: xb / _c(std) - _c(mean), fix=_NORMALIZE_FIX),
    M("times_std", "You multiply by `std`; normalizing divides by it.",
      lambda xb, mean, std: (xb - _c(mean)) * _c(std), fix=_NORMALIZE_FIX),
    M("plus_mean", "You add the mean; normalizing subtracts it so each channel ends up centred on 0.",
      lambda xb, mean, std: (xb + _c(mean)) / _c(std), fix=_NORMALIZE_FIX),
    M("batch_stats", "You use the batch's own statistics instead of the `mean` and `std` you were "
      "given; at inference a single image must be normalized with the training statistics.",
      lambda xb, mean, std: (xb - xb.mean()) / xb.std()),
)

DENORMALIZE = (
    M("last_dim", NORMALIZE[0].hint, lambda xb, mean, std: xb * std + mean,
      fault_pattern=NORMALIZE[0].fault_pattern, fix=NORMALIZE[0].fix),
    M("wrong_order", "You add the mean before multiplying by `std`; undo normalize's steps in reverse "
      "order.", lambda xb, mean, std: (xb + _c(mean)) * _c(std), fix=_DENORMALIZE_FIX),
    M("normalizes_again", "This normalizes a second time; the inverse multiplies by `std` and adds "
      "the mean back.", lambda xb, mean, std: (xb - _c(mean)) / _c(std), fix=_DENORMALIZE_FIX),
    M("divides_by_std", "You divide by `std`; undoing a division takes the opposite operation.",
      lambda xb, mean, std: xb / _c(std) + _c(mean), fix=_DENORMALIZE_FIX),
)

# -- exercise 3: progressive resizing plan -------------------------------------------------------


def _plan(final_size, final_bs, n_stages, *, bs_rule="square", reverse=False, shift=0):
    out = []
    for k in range(n_stages - 1 + shift, -1 + shift, -1):
        factor = 2 ** k
        bs = final_bs * (factor * factor if bs_rule == "square" else factor if bs_rule == "linear" else 1)
        out.append((final_size // factor, bs))
    return out[::-1] if reverse else out


PLAN = (
    M("constant_bs", "Every stage uses the final batch size; smaller images take less memory per "
      "image, so the early stages can use bigger batches: keep size x size x bs constant.",
      lambda s, b, n: _plan(s, b, n, bs_rule="constant")),
    M("linear_bs", "You scale the batch size with the side of the image; memory grows with the "
      "number of pixels, size x size, so halving the side allows four times the batch size.",
      lambda s, b, n: _plan(s, b, n, bs_rule="linear")),
    M("largest_first", "Your stages go from large images to small ones; progressive resizing starts "
      "small (fast, coarse features) and ends at the final size.",
      lambda s, b, n: _plan(s, b, n, reverse=True)),
    M("never_final_size", "Your last stage is not at `final_size`: the model must finish training on "
      "images of the size it will see at inference.",
      lambda s, b, n: _plan(s, b, n, shift=1),
      fix="stage k from the end has side `final_size // 2**k`, with k = 0 for the last stage"),
)

PROGRESSIVE_NEW_LEARNER = M(
    "new_learner", "The later stages did not train the model you were given: building a new Learner "
    "(or a new model) throws away what the small images taught. Keep the same `learn` and swap its "
    "data for each stage.", fix="`learn.dls = get_dls(bs, size)`")
PROGRESSIVE_ONE_SIZE = M(
    "dls_not_replaced", "Every stage trained on the same images: `get_dls` was not called for each "
    "stage, or its result was not given to the Learner.", fix="`learn.dls = get_dls(bs, size)`")
PROGRESSIVE_ARGS_SWAPPED = M(
    "get_dls_args_swapped", "The image size and batch size are swapped: `get_dls` takes the batch "
    "size first, as in the book's `get_dls(bs, size)`.")
PROGRESSIVE_EPOCHS = M(
    "wrong_epochs", "A stage trained for a different number of epochs than the plan gives it (fine_tune's "
    "extra frozen epoch is accepted).", fix="`learn.fit_one_cycle(epochs, lr)` for each stage")

# -- exercise 4: tta_predict ---------------------------------------------------------------------


def _tta(plain, aug, beta):
    return torch.lerp(aug.mean(0), plain, beta)


TTA = (
    M("beta_swapped", "`beta` weights the prediction on the plain (unaugmented) images, and 1 - beta "
      "the mean of the augmented ones.",
      lambda p, a, beta: torch.lerp(p, a.mean(0), beta),
      fix="`torch.lerp(preds_augmented.mean(0), preds_plain, beta)`"),
    M("mean_of_all", "You average the plain prediction with the augmented ones as equals; TTA first "
      "averages the augmented predictions, then mixes that mean with the plain one using `beta`.",
      lambda p, a, beta: torch.cat([a, p[None]]).mean(0)),
    M("ignores_plain", "You return the mean of the augmented predictions only; the plain prediction "
      "is mixed in with weight `beta`.", lambda p, a, beta: a.mean(0)),
    M("max_not_mean", "You take the maximum over the augmented predictions; the default combines "
      "them by their mean (fastai's `use_max=False`).",
      lambda p, a, beta: torch.lerp(a.max(0)[0], p, beta)),
    M("wrong_axis", "You average over the wrong dimension: `preds_augmented` is n_aug x N x C, one "
      "prediction set per augmented pass, so average over dimension 0.",
      lambda p, a, beta: torch.lerp(a.mean(1), p, beta) if a.shape[1] == a.shape[0] else None),
)

# -- exercise 5: mixup ---------------------------------------------------------------------------

MIXUP_X = (
    M("lam_swapped", "`lam` is on the wrong side: it weights the first image and its target, "
      "not the second.",
      lambda x1, y1, x2, y2, lam: (1 - lam) * x1 + lam * x2,
      fix="`lam * x1 + (1 - lam) * x2` (fastai: `torch.lerp(x2, x1, lam)`)"),
    M("sum_not_blend", "You add the two images (or weight both by `lam`); a mixup is a weighted "
      "average whose weights sum to 1.",
      lambda x1, y1, x2, y2, lam: lam * x1 + lam * x2, fix="`lam * x1 + (1 - lam) * x2`"),
)

_MIX_Y = "`lam * y1 + (1 - lam) * y2`"

MIXUP_Y = (
    M(MIXUP_X[0].id, MIXUP_X[0].hint, lambda x1, y1, x2, y2, lam: (1 - lam) * y1 + lam * y2, fix=_MIX_Y),
    M("images_only", "You mixed the images but not the targets: a picture that is 30% church must "
      "have a target that is 30% church too.",
      lambda x1, y1, x2, y2, lam: y1, fix=_MIX_Y),
    M("sum_not_blend", MIXUP_X[1].hint, lambda x1, y1, x2, y2, lam: lam * y1 + lam * y2, fix=_MIX_Y),
    M("hard_target", "You keep a hard (one-hot) target for the bigger share; mixup's targets are "
      "mixed with the same weight as the images.",
      lambda x1, y1, x2, y2, lam: y1 if lam >= 0.5 else y2, fix=_MIX_Y),
)


def _unsq(lam, n):
    return lam.view(-1, *([1] * (n - 1)))


def _one_hot(yb, c):
    return F.one_hot(yb.long(), c).float()


MIXUP_BATCH_X = (
    M("lam_swapped", MIXUP_X[0].hint,
      lambda xb, yb, perm, lam, c: _unsq(1 - lam, xb.dim()) * xb + _unsq(lam, xb.dim()) * xb[perm]),
    M("lam_last_dim", "`lam` has one weight per item, but `lam * xb` lines it up with the last "
      "dimension (the width); reshape it to N x 1 x 1 x 1 so each image gets its own weight.",
      lambda xb, yb, perm, lam, c: lam * xb + (1 - lam) * xb[perm],
      fix="`lam[:, None, None, None]` or `lam.view(-1, 1, 1, 1)`",
      fault_pattern=r"must match the size of tensor b.*at non-singleton dimension 3"),
)

MIXUP_BATCH_Y = (
    M("integer_labels", "You mixed the integer class indices: 0.3 x class 2 + 0.7 x class 9 is class "
      "6.9, which means nothing. Turn the labels into one-hot vectors first, then mix those.",
      lambda xb, yb, perm, lam, c: lam * yb + (1 - lam) * yb[perm], fix="`F.one_hot(yb, c).float()`"),
    M("lam_swapped", MIXUP_X[0].hint,
      lambda xb, yb, perm, lam, c: _unsq(1 - lam, 2) * _one_hot(yb, c) + _unsq(lam, 2) * _one_hot(yb[perm], c)),
    M("images_only", MIXUP_Y[1].hint, lambda xb, yb, perm, lam, c: _one_hot(yb, c)),
)

# -- exercise 6: label_smoothing_ce --------------------------------------------------------------


def _ls(out, t, eps, *, others_only=False, c_minus_1=False, swapped=False, dim=1, red="mean"):
    logp = F.log_softmax(out, dim=dim)
    c = out.shape[1]
    nll = -logp.gather(1, t.long()[:, None]).squeeze(1)
    if c_minus_1:
        smooth = (-logp.sum(1) - nll) / (c - 1)
        loss = (1 - eps) * nll + eps * smooth
    elif others_only:
        loss = (1 - eps) * nll + eps / c * (-logp.sum(1) - nll)
    elif swapped:
        loss = eps * nll + (1 - eps) * (-logp.sum(1)) / c
    else:
        loss = (1 - eps) * nll + eps * (-logp.sum(1)) / c
    return loss.sum() if red == "sum" else loss.mean()


LABEL_SMOOTHING = (
    M("no_smoothing", "This is plain cross-entropy: `eps` is ignored. Label smoothing mixes it with "
      "the mean of -log p over all classes, with weight `eps`.",
      lambda out, t, eps=0.1: F.cross_entropy(out, t.long()),
      fix="`(1 - eps) * nll + eps * mean_over_classes(-log p)`"),
    M("eps_over_c_minus_1", "You spread `eps` over the c - 1 wrong classes only; label smoothing (as "
      "in fastai and torch) spreads it over all c classes: the target class gets 1 - eps + eps/c.",
      lambda out, t, eps=0.1: _ls(out, t, eps, c_minus_1=True)),
    M("others_only", "You give eps/c to the other classes but only 1 - eps to the target, so the "
      "smoothed target sums to less than 1; the target class gets 1 - eps + eps/c.",
      lambda out, t, eps=0.1: _ls(out, t, eps, others_only=True)),
    M("weights_swapped", "`eps` and `1 - eps` are swapped: most of the weight (1 - eps) stays on the "
      "target's -log p, and eps goes to the average over all classes.",
      lambda out, t, eps=0.1: _ls(out, t, eps, swapped=True)),
    M("sum_not_mean", "You sum the per-item losses; take their mean over the batch (reduction "
      "'mean'), so the loss does not grow with the batch size.",
      lambda out, t, eps=0.1: _ls(out, t, eps, red="sum")),
    M("softmax_dim0", "Your softmax runs over the batch (dimension 0); the classes are dimension 1.",
      lambda out, t, eps=0.1: _ls(out, t, eps, dim=0) if out.shape[0] > 1 else None,
      fix="`F.log_softmax(output, dim=1)`"),
    M("probabilities_not_logs", "You use the probabilities where the loss needs their logarithm: "
      "-log p, with `F.log_softmax`.",
      lambda out, t, eps=0.1: ((1 - eps) * -out.softmax(1).gather(1, t.long()[:, None]).squeeze(1)
                               + eps * -out.softmax(1).mean(1)).mean()),
)

LABEL_SMOOTHING_UNSTABLE = ("Your loss is not finite for large activations: `softmax(x).log()` "
                            "underflows to log(0). Use `F.log_softmax` (which subtracts the maximum "
                            "first) to get -log p directly.")
