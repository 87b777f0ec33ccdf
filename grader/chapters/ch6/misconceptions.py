"""Chapter 6's misconceptions, each a wrong implementation computed here, in the trusted process."""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from grader.suite.feedback import Misconception as M


def _bce_with(p, t, *, swap=False):
    chosen = torch.where(t == 1, 1 - p, p) if swap else torch.where(t == 1, p, 1 - p)
    return chosen.log()


BCE = (
    M("no_sigmoid", "Your loss uses the raw activations as probabilities: apply `sigmoid` first "
      "(activations are logits and can be any number, so log(1 - x) breaks).",
      lambda x, t: -_bce_with(x, t).mean(),
      fault_pattern=r"between 0 and 1"),
    M("softmax", "Your loss applies softmax across classes; in multi-label each class is independent: "
      "use sigmoid on each activation instead.",
      lambda x, t: -_bce_with(x.softmax(dim=-1), t).mean()),
    M("sum_not_mean", "You return the sum of the per-element losses; take the mean, so the loss does not "
      "grow with the batch size or the number of classes.",
      lambda x, t: -_bce_with(x.sigmoid(), t).sum()),
    M("where_swapped", "The branches of `torch.where` are swapped: where the target is 1 the loss must "
      "use p = sigmoid(x), and 1 - p where it is 0.",
      lambda x, t: -_bce_with(x.sigmoid(), t, swap=True).mean()),
    M("missing_minus", "The minus sign is missing: log of a probability is negative, so the loss is "
      "-log(...); yours is negative and would be maximised by training.",
      lambda x, t: _bce_with(x.sigmoid(), t).mean()),
    M("per_element", "You return one loss per element; the loss must be a single number (the mean over "
      "all elements), as a 0-dim tensor.",
      lambda x, t: -_bce_with(x.sigmoid(), t)),
    M("mean_one_axis", "You average over one axis only (one loss per item or per class): the loss is a "
      "single number, the mean over every element.",
      lambda x, t: -_bce_with(x.sigmoid(), t).mean(dim=-1) if x.dim() >= 2 else None),
    M("single_label_ce", "This is a single-label loss (cross_entropy / softmax + nll): it assumes exactly "
      "one class per item. Multi-label needs binary cross-entropy on each activation independently.",
      lambda x, t: F.cross_entropy(x, t) if x.dim() == 2 else None,
      fault_pattern=r"nll_loss|expected scalar type Long|multi-target not supported|Expected target size|"
                    r"0D or 1D target"),
    M("single_label_nll", "This is `nll_loss` on the argmax of the targets: it picks one class per item, "
      "but multi-label items have several labels (or none). Use binary cross-entropy.",
      lambda x, t: F.nll_loss(x, t.argmax(dim=-1)) if x.dim() == 2 else None),
    M("single_label_nll_log_softmax", "This is softmax + nll_loss on one target class per row: a "
      "single-label loss. Multi-label needs binary cross-entropy on each activation.",
      lambda x, t: F.nll_loss(x.log_softmax(-1), t.argmax(dim=-1)) if x.dim() == 2 else None),
)

BCE_NOT_DIFFERENTIABLE = ("Your loss is not connected to autograd: `.item()`, `float(...)`, `.numpy()` or "
                          "`torch.tensor(...)` on a computed value cuts the graph, so no gradient reaches "
                          "the model. Keep everything as torch operations on the input tensors.")


SIGMOID_RANGE_FIX = "`torch.sigmoid(x) * (hi - lo) + lo`"


def _sig_range(x, lo, hi):
    return torch.sigmoid(x) * (hi - lo) + lo


SIGMOID_RANGE = (
    M("hi_plus_lo", "You scale by (hi + lo); the sigmoid's (0, 1) must be stretched to the width of "
      "the range, which is not hi + lo.", lambda x, lo, hi: torch.sigmoid(x) * (hi + lo) + lo,
      fix=SIGMOID_RANGE_FIX),
    M("missing_lo", "Your outputs start at 0 instead of at `lo`: after scaling, shift them to where the "
      "range starts.", lambda x, lo, hi: torch.sigmoid(x) * (hi - lo), fix=SIGMOID_RANGE_FIX),
    M("scale_by_hi", "You scale by `hi` and then shift by `lo`, so the outputs end at hi + lo, past the "
      "range: the stretch must be the range's width.", lambda x, lo, hi: torch.sigmoid(x) * hi + lo,
      fix=SIGMOID_RANGE_FIX),
    M("shift_by_hi", "You shift by `hi`, so the outputs start at the top of the range and go past it: "
      "the shift must move 0 to the bottom of the range.",
      lambda x, lo, hi: torch.sigmoid(x) * (hi - lo) + hi, fix=SIGMOID_RANGE_FIX),
    M("clamp", "A hard `clamp` has zero gradient outside the range, so a model stuck there never learns "
      "back; the squashing must be smooth everywhere.", lambda x, lo, hi: x.clamp(lo, hi),
      fix=SIGMOID_RANGE_FIX),
    M("tanh_unscaled", "`tanh` alone lies in (-1, 1) whatever lo and hi are; the output must be rescaled "
      "to (lo, hi).", lambda x, lo, hi: torch.tanh(x), fix=SIGMOID_RANGE_FIX),
    M("sigmoid_unscaled", "Your outputs lie in (0, 1) whatever lo and hi are: the sigmoid's output must "
      "be stretched and shifted to (lo, hi).", lambda x, lo, hi: torch.sigmoid(x), fix=SIGMOID_RANGE_FIX),
)

SIGMOID_RANGE_FLAT_GRADIENT = next(m for m in SIGMOID_RANGE if m.id == "clamp")


def _acc(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid:
        inp = inp.sigmoid()
    return ((inp > thresh) == targ.bool()).float().mean()


ACCURACY = (
    M("argmax", "You use argmax (single-label accuracy): it picks one class per item. In multi-label, "
      "threshold every activation and compare element-wise with the targets.",
      lambda inp, targ, thresh=0.5, sigmoid=True: (inp.argmax(dim=-1) == targ.argmax(dim=-1)).float().mean()),
    M("ignores_sigmoid_flag", "You apply sigmoid even when `sigmoid=False`; then the inputs are already "
      "probabilities and must be compared with the threshold as they are.",
      lambda inp, targ, thresh=0.5, sigmoid=True: _acc(inp, targ, thresh, True)),
    M("ignores_thresh", "You ignore the `thresh` argument (comparing with 0.5 or 0 always); use "
      "`inp > thresh`.",
      lambda inp, targ, thresh=0.5, sigmoid=True: _acc(inp, targ, 0.5, sigmoid)),
    M("greater_equal", "A prediction is positive only when strictly greater than the threshold: use `>` "
      "rather than `>=`.",
      lambda inp, targ, thresh=0.5, sigmoid=True:
          (((inp.sigmoid() if sigmoid else inp) >= thresh) == targ.bool()).float().mean()),
    M("subset_accuracy", "You count an item as right only when all its labels are right (subset "
      "accuracy); accuracy_multi averages over every element (each label of each item).",
      lambda inp, targ, thresh=0.5, sigmoid=True:
          (((inp.sigmoid() if sigmoid else inp) > thresh) == targ.bool()).all(dim=-1).float().mean()),
    M("never_sigmoid", "You never apply the sigmoid, even when `sigmoid=True`: then the inputs are "
      "activations (logits), not probabilities, and must go through a sigmoid before the threshold.",
      lambda inp, targ, thresh=0.5, sigmoid=True: _acc(inp, targ, thresh, False) if sigmoid else None),
    M("mean_per_item", "You average over one axis only (one accuracy per item or per label): the metric "
      "is a single number, the mean over every element.",
      lambda inp, targ, thresh=0.5, sigmoid=True:
          (((inp.sigmoid() if sigmoid else inp) > thresh) == targ.bool()).float().mean(dim=-1)),
    M("mean_per_label", "You average over one axis only (one accuracy per label): the metric is a single "
      "number, the mean over every element.",
      lambda inp, targ, thresh=0.5, sigmoid=True:
          (((inp.sigmoid() if sigmoid else inp) > thresh) == targ.bool()).float().mean(dim=0)),
)

SPLIT_SWAPPED = M("swapped", "Your training and validation sets are swapped: return the rows with "
                  "`is_valid == False` first (training), then those with `is_valid == True`.")
SPLIT_MASKS = M("boolean_masks", "You return boolean masks; a splitter returns row indices (the "
                "positions of the rows in each set).", fix="`df.index[~df['is_valid']].tolist()`")
SPLIT_RANDOM = M("random_split", "Your split ignores the `is_valid` column (a random split?); PASCAL "
                 "2007 already says which rows are validation rows: use `df['is_valid']`.")

PERSON_FIX = "`o.parent.name == '13'`"
PERSON_ANYWHERE = M("13_anywhere", "You match '13' anywhere in the path, so `01/frame_00013_rgb.jpg` "
                    "counts as person 13. Test the name of the folder the image is in, and only that.",
                    fix=PERSON_FIX)
PERSON_RANDOM = M("random_split", "Your predicate does not depend on the person (a random split, or a "
                  "constant answer?): the same person would appear in training and validation. Decide "
                  "from the folder the image is in.", fix=PERSON_FIX)
PERSON_INT = M("int_not_str", "Your predicate says False for every image, person 13's included. A "
               "folder name is a string: compared with the number 13 it is never equal.", fix=PERSON_FIX)


def _pose_variant(cut: int):
    return lambda f: Path(f"{str(f)[:-cut]}pose.txt")


IMG2POSE_FIX = "`Path(f'{str(x)[:-7]}pose.txt')`"
IMG2POSE = (
    M("replace_whole_path", "`str.replace('rgb', 'pose')` changes every 'rgb' in the path, folder names "
      "included. Change only the ending of the file name.",
      lambda f: Path(str(f).replace("rgb", "pose").replace(".jpg", ".txt")), fix=IMG2POSE_FIX),
    M("slice_8", "Off by one: your slice also cuts the '_' before 'rgb.jpg'. Count the characters of "
      "the ending you replace.", _pose_variant(8), fix=IMG2POSE_FIX),
    M("slice_6", "Off by one: your slice leaves the 'r' of 'rgb.jpg'. Count the characters of the "
      "ending you replace.", _pose_variant(6), fix=IMG2POSE_FIX),
)


def _ctr(ctr, cal, swap_axes=False, no_z=False, swap_offsets=False):
    x, y, z = (float(v) for v in ctr)
    z = 1.0 if no_z else z
    ox, oy = (cal[1][2], cal[0][2]) if swap_offsets else (cal[0][2], cal[1][2])
    c1, c2 = x * cal[0][0] / z + ox, y * cal[1][1] / z + oy
    return torch.tensor([c2, c1] if swap_axes else [c1, c2])


GET_CTR = (
    M("axes_swapped", "Your x and y are swapped: c1 = x·cal[0][0]/z + cal[0][2] comes first, then "
      "c2 = y·cal[1][1]/z + cal[1][2].", lambda ctr, cal: _ctr(ctr, cal, swap_axes=True)),
    M("no_divide_by_z", "You do not divide by z (the depth): the projection is x·f/z + c, so farther "
      "heads move less on the image.", lambda ctr, cal: _ctr(ctr, cal, no_z=True)),
    M("offsets_swapped", "`cal[0][2]` and `cal[1][2]` are swapped: the x coordinate's offset is "
      "cal[0][2], the y coordinate's is cal[1][2].", lambda ctr, cal: _ctr(ctr, cal, swap_offsets=True)),
    M("times_z", "You multiply by z (the depth) where the projection divides by it: farther heads must "
      "move less on the image, not more.", lambda ctr, cal: _ctr_times_z(ctr, cal)),
)


def _ctr_times_z(ctr, cal):
    x, y, z = (float(v) for v in ctr)
    return torch.tensor([x * cal[0][0] * z + cal[0][2], y * cal[1][1] * z + cal[1][2]])
GET_CTR_LIST = ("since fastai's PointBlock makes a point of two numbers in a list, tuple or array too (the "
                "book returns a tensor of the two)")
