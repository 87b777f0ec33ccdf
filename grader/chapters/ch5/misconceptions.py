"""Chapter 5's misconceptions, each a wrong implementation computed here, in the trusted process."""

from __future__ import annotations

import re

import torch

from grader.suite.feedback import Misconception as M

# -- exercise 1: label_from_name, species ---------------------------------------------------------

_LABEL_FIX = "`re.match(r'^(.+)_\\d+\\.jpg$', fname).group(1)`"

LABEL = (
    M("greedy_keeps_number", "Your pattern keeps the image number: the breed is everything before the "
      "LAST `_` followed by digits. Match the number explicitly, so the group stops before `_157.jpg`.",
      lambda f: re.sub(r"\.jpg$", "", f), fix=_LABEL_FIX),
    M("first_underscore", "You cut at the FIRST `_`, but breed names contain underscores themselves "
      "(`Maine_Coon`, `great_pyrenees`). Only the last `_` separates the breed from the number.",
      lambda f: f.split("_")[0], fix=_LABEL_FIX + " (or `rsplit('_', 1)`)"),
    M("lowercased", "You changed the case of the breed. The capital letter is information: in this "
      "data set it says whether the pet is a cat (capitalised) or a dog (lower case). Return the breed "
      "exactly as written in the file name.",
      lambda f: re.match(r"^(.+)_\d+\.jpg$", f).group(1).lower()),
)
LABEL_FINDALL = M("findall_list", "You return the list that `re.findall` gives; the label is the "
                  "breed itself, a str: take the match, not the list of matches.",
                  fix="`re.findall(pat, fname)[0]` or `re.match(pat, fname).group(1)`")

SPECIES = (
    M("inverted", "Cats and dogs are the wrong way round: in the Oxford-IIIT Pet file names, cat breeds "
      "start with a capital letter (`Maine_Coon_157.jpg`) and dog breeds with a lower-case one "
      "(`great_pyrenees_12.jpg`).",
      lambda f: "dog" if f[0].isupper() else "cat"),
    M("whole_name_isupper", "`str.isupper()` on the whole name is True only when EVERY letter is a "
      "capital, so no cat passes. Test the first character only.",
      lambda f: "cat" if f.isupper() else "dog", fix="`fname[0].isupper()`"),
)
SPECIES_BOOL = M("returns_bool", "Return the species as a word, 'cat' or 'dog', not a bool: a label "
                 "function returns the label itself.")

# -- exercise 2: pets_datablock (facts compared in test_datablock.py) ------------------------------

DATABLOCK = {
    "label_from_path": "Your labels contain the folder: the regular expression sees the whole path. Apply "
                       "it to the file name only.",
    "no_seed": "Your split changes from one build to the next: give the splitter a seed, so training and "
               "validation sets stay the same across runs.",
    "no_presizing": "Presizing resizes every item to a LARGE size first, and crops to the final 224 pixels "
                    "only on the batch, after augmentation. Your items are already small, so the "
                    "augmentations work on fewer pixels and leave empty borders.",
    "batch_size_missing": "Your batches are not 224 x 224: pass the final size to the batch augmentations, "
                          "which crop on the GPU after augmenting.",
    "min_scale": "Pass a minimum scale too: the batch augmentations then pick a random crop keeping "
                 "75-100% of each image on every batch; with the default (1.0) every batch is only "
                 "resized, the same crop every epoch.",
    "no_augmentation": "The batch transforms must augment (flip, rotate, zoom, warp, lighting) and crop.",
}
"""Misconception id -> hint."""

DATABLOCK_FIXES = {
    "label_from_path": "`get_y=using_attr(RegexLabeller(pat), 'name')`",
    "no_seed": "`RandomSplitter(seed=42)`",
    "no_presizing": "`item_tfms=Resize(460)`",
    "batch_size_missing": "`batch_tfms=aug_transforms(size=224, min_scale=0.75)`",
    "min_scale": "`batch_tfms=aug_transforms(size=224, min_scale=0.75)`",
    "no_augmentation": "`batch_tfms=aug_transforms(size=224, min_scale=0.75)`",
}
"""Misconception id -> the literal fix, shown only with --reveal."""

# -- exercise 3: softmax, log_softmax, nll_loss, cross_entropy --------------------------------------


def _idx(x, t):
    return x[torch.arange(x.shape[0]), t]


_SOFTMAX_FIX = "`x.exp() / x.exp().sum(dim=1, keepdim=True)`"

SOFTMAX = (
    M("wrong_dim", "You normalise over the wrong dimension: each ROW (one item's activations, one per "
      "class) must sum to 1, so sum over the classes, not over the batch.",
      lambda x: x.exp() / x.exp().sum(dim=0, keepdim=True), fix=_SOFTMAX_FIX),
    M("no_exp", "You divide the activations by their sum without taking `exp` first: activations can "
      "be negative, so these are not probabilities.",
      lambda x: x / x.sum(dim=1, keepdim=True), fix=_SOFTMAX_FIX),
    M("global_sum", "You divide by the sum over the whole tensor; each row (item) must be normalised on "
      "its own.",
      lambda x: x.exp() / x.exp().sum(), fix=_SOFTMAX_FIX),
)
SOFTMAX_KEEPDIM = M("no_keepdim", "The row sums must keep their dimension to broadcast against the "
                    "activations: with the summed dimension kept they have shape (bs, 1); without "
                    "it, shape (bs,), which lines up with the wrong axis.",
                    lambda x: x.exp() / x.exp().sum(dim=1) if x.shape[0] == x.shape[1] else None,
                    fault_pattern=r"must match the size|size of tensor a", fix=_SOFTMAX_FIX)
SOFTMAX_ALL = SOFTMAX + (SOFTMAX_KEEPDIM,)

_LOG_SOFTMAX_FIX = "`x - x.logsumexp(dim=1, keepdim=True)`"

LOG_SOFTMAX = (
    M("wrong_dim", "You normalise over the wrong dimension: the log-probabilities of each ROW must "
      "satisfy logsumexp = 0, so reduce over the classes, not over the batch.",
      lambda x: x - x.exp().sum(dim=0, keepdim=True).log(), fix=_LOG_SOFTMAX_FIX),
    M("forgot_log", "You return the softmax itself; log_softmax is its logarithm.",
      lambda x: x.softmax(dim=1), fix=_LOG_SOFTMAX_FIX),
    M("log_of_sum_of_x", "You subtract log(sum(x)); the normaliser is the log of the sum of the exponentials.",
      lambda x: x - x.sum(dim=1, keepdim=True).log(), fix=_LOG_SOFTMAX_FIX),
)
UNSTABLE_HINT = ("exp overflows to inf for large activations (exp(100) is about 1e43, exp(1000) is inf "
                 "in float32), and inf / inf is NaN. Subtract each row's maximum first: softmax(x) = "
                 "softmax(x - max), and log_softmax(x) = x - max - log(sum(exp(x - max))); or use "
                 "`x.logsumexp(dim=1, keepdim=True)`, which does it for you.")

_NLL_FIX = "`-log_probs[range(len(targets)), targets].mean()`"

NLL = (
    M("missing_minus", "The minus sign is missing: the log-probability of the right class is negative "
      "(or zero), and the loss is its NEGATIVE mean, so that a better prediction gives a smaller loss.",
      lambda x, t: _idx(x, t).mean()),
    M("column_index", "`log_probs[:, targets]` picks the target columns for EVERY row (a bs x bs "
      "table). Pair each row with its own target.",
      lambda x, t: -x[:, t].mean(), fix=_NLL_FIX),
    M("row_index", "`log_probs[targets]` uses the targets to pick ROWS (items), not columns (classes). "
      "Pair each row with its own target.",
      lambda x, t: -x[t].mean() if int(t.max()) < x.shape[0] else None, fix=_NLL_FIX,
      fault_pattern=r"index \d+ is out of bounds for dimension 0"),
    M("sum_not_mean", "You return the sum over the batch; the loss is the mean, so it does not grow "
      "with the batch size (and the learning rate means the same thing for any batch).",
      lambda x, t: -_idx(x, t).sum()),
    M("applies_log_softmax", "`nll_loss` takes log-probabilities that are already computed: it only picks "
      "the target's value and negates it. Applying (log_)softmax inside is the job of `cross_entropy`.",
      lambda x, t: -_idx(x.log_softmax(dim=1), t).mean()),
)
NLL_ONE_HOT = ("`nll_loss` takes the targets as class indices (an int64 tensor of shape (bs,)), not "
               "one-hot rows; pick each row's value at its target: `log_probs[range(bs), targets]`.")

CROSS_ENTROPY = (
    M("missing_minus", "The minus sign is missing: the log-probability of the right class is negative, "
      "and the loss is its NEGATIVE mean.",
      lambda x, t: _idx(x.log_softmax(dim=1), t).mean()),
    M("no_log", "You take the softmax probability of the right class without its log. The log makes "
      "0.99 and 0.999 differ as they should (a tenfold smaller error) and gives the loss its steep "
      "gradient for confident mistakes: use log_softmax, then nll.",
      lambda x, t: -_idx(x.softmax(dim=1), t).mean()),
    M("no_softmax", "You apply nll directly to the raw activations: they are not log-probabilities. "
      "Apply log_softmax first (cross-entropy = log_softmax + nll_loss).",
      lambda x, t: -_idx(x, t).mean()),
    M("wrong_dim", "Your softmax runs over the wrong dimension: each row (item) is a distribution over "
      "the classes, so normalise over `dim=1`.",
      lambda x, t: -_idx(x.log_softmax(dim=0), t).mean()),
    M("sum_not_mean", "You return the sum over the batch; take the mean, so the loss does not grow with "
      "the batch size.",
      lambda x, t: -_idx(x.log_softmax(dim=1), t).sum()),
    M("sigmoid_not_softmax", "You use sigmoid on each activation (a multi-label loss); single-label "
      "classification uses softmax, so that the classes compete for one probability mass.",
      lambda x, t: -_idx(x.sigmoid().log(), t).mean()),
)
CE_NOT_DIFFERENTIABLE = ("Your loss is not connected to autograd: `.item()`, `float(...)`, `.numpy()` or "
                         "`torch.tensor(...)` on a computed value cuts the graph, so no gradient reaches "
                         "the model. Keep everything as torch operations on the input tensors.")

# -- exercise 4: suggest_lr ----------------------------------------------------------------------


def _steep(lrs, losses, *, log=True, offset=0, ascent=False):
    step = (lrs[1:].log() - lrs[:-1].log()) if log else (lrs[1:] - lrs[:-1])
    grads = (losses[1:] - losses[:-1]) / step
    i = int(grads.argmax() if ascent else grads.argmin()) + offset
    return float(lrs[min(i, len(lrs) - 1)])


def _minimum(lrs, losses, div=10.0):
    return float(lrs[losses.argmin()]) / div


def _pair(first, second):
    return lambda lrs, losses: (first(lrs, losses), second(lrs, losses))


SUGGEST_LR = (
    M("minimum_not_divided", "Your first suggestion is the learning rate at the lowest loss itself. At "
      "the minimum, training is already about to diverge: fastai suggests a tenth of it.",
      _pair(lambda a, b: _minimum(a, b, 1.0), _steep), fix="`lrs[losses.argmin()] / 10`"),
    M("steep_in_linear_lr", "The slope must be taken against log(lr): the learning-rate finder grows the "
      "rate exponentially, and the curve is read on a log scale.",
      _pair(_minimum, lambda a, b: _steep(a, b, log=False)),
      fix="divide the loss differences by `lrs[1:].log() - lrs[:-1].log()`"),
    M("steepest_ascent", "You picked where the loss RISES fastest (argmax of the slope); the steepest "
      "descent is where it FALLS fastest: the argmin of the slope.",
      _pair(_minimum, lambda a, b: _steep(a, b, ascent=True))),
    M("steep_one_after", "Off by one: the slope between points i and i+1 belongs to point i, not to "
      "point i + 1.", _pair(_minimum, lambda a, b: _steep(a, b, offset=1)), fix="`lrs[grads.argmin()]`"),
)

# -- exercise 5: lr_groups ----------------------------------------------------------------------


def _lr_variant(kind):
    def compute(lr, n):
        if not isinstance(lr, slice):
            return [float(lr)] * n
        lo, hi = lr.start, lr.stop
        if kind == "linear" and lo:
            return [lo + (hi - lo) * i / (n - 1) for i in range(n)] if n > 1 else [float(hi)]
        if kind == "reversed" and lo:
            step = (hi / lo) ** (1 / (n - 1)) if n > 1 else 1.0
            return [hi / step ** i for i in range(n)]
        if kind == "stop_everywhere" and not lo:
            return [float(hi)] * n
        if kind == "tenth_first_only" and not lo:
            return [hi / 10] + [float(hi)] * (n - 1)
        return None
    return compute


LR_GROUPS = (
    M("linear_spacing", "You space the rates evenly (linearly); fastai spaces them evenly on a LOG "
      "scale: each group's rate is the previous one times the same factor, "
      "(hi / lo) ** (1 / (n_groups - 1)).", _lr_variant("linear")),
    M("reversed", "Your rates run the wrong way: the FIRST group (the earliest, pretrained layers) gets "
      "the smallest rate `lo`, the last group (the new head) the largest, `hi`.", _lr_variant("reversed")),
    M("stop_everywhere", "`slice(hi)` (no start) does not give every group `hi`: fastai gives the last "
      "group `hi` and every other group `hi / 10`.", _lr_variant("stop_everywhere")),
    M("tenth_first_only", "`slice(hi)` gives `hi / 10` to EVERY group but the last (which gets `hi`), "
      "not only to the first.", _lr_variant("tenth_first_only")),
)
LR_GROUPS_TYPES = ("Return a list of floats, one learning rate per parameter group, first group first "
                   "(for example `[1e-5, 1e-4, 1e-3]`).")

# -- exercise 6: fine_tune_by_hand (schedules, compared in test_fine_tune.py) -------------------------

FINE_TUNE_HINTS = {
    "not_frozen": "During the first phase only the last parameter group (the new head) may train: freeze "
                  "the pretrained body before the first phase.",
    "not_unfrozen": "During the second phase every parameter group must train: unfreeze the model before "
                    "the second phase.",
    "not_one_cycle": "Use `fit_one_cycle` for both phases: the learning rate warms up and then anneals, "
                     "which plain `fit` (a constant rate) does not do.",
    "no_discriminative_lr": "In the second phase, give the groups different rates, a hundredfold apart: the "
                            "early, pretrained layers need smaller steps than the head.",
    "base_lr_not_halved": "fine_tune halves `base_lr` after the frozen phase, before the unfrozen one.",
    "epochs_swapped": "`freeze_epochs` is the length of the frozen phase and `epochs` of the unfrozen "
                      "one; yours are the other way round.",
    "wrong_pct_start": "fine_tune's frozen phase is nearly all warm-up, and its unfrozen phase warms up "
                       "for 30% of the steps from a higher starting rate than the default.",
    "calls_fine_tune": "The exercise is to write what `fine_tune` does, not to call it: freeze, train, "
                       "unfreeze and train again yourself.",
    "phases": "fine_tune runs exactly two phases: one while frozen, then one after unfreezing.",
}

FINE_TUNE_FIXES = {
    "not_frozen": "`learn.freeze()` before the first `fit_one_cycle`",
    "not_unfrozen": "`learn.unfreeze()` before the second `fit_one_cycle`",
    "no_discriminative_lr": "`slice(base_lr / 100, base_lr)`",
    "base_lr_not_halved": "`slice(base_lr / 2 / 100, base_lr / 2)`",
    "wrong_pct_start": "`pct_start=0.99` for the frozen phase; `pct_start=0.3, div=5.0` for the unfrozen one",
    "calls_fine_tune": "`learn.freeze()`, `learn.fit_one_cycle(...)`, `learn.unfreeze()`",
    "phases": "`fit_one_cycle(freeze_epochs, ...)` while frozen, then `fit_one_cycle(epochs, ...)` after "
              "`unfreeze()`",
}
"""Misconception id -> the literal fix, shown only with --reveal."""
