"""Chapter 6 exercises: multi-label classification and image regression.

Implement each function below, then run `grader check ch6` to see your score and feedback.
Points come from the values your functions return: properties such as the type or the shape of a
result only pay as far as the values are right.
Run `grader check ch6 --only NAME` to grade one exercise. Your questionnaire answers go in
`ch6_questionnaire.md` beside this file.
"""

import numpy as np
import torch
from pathlib import Path


def binary_cross_entropy(inputs, targets):
    """Binary cross-entropy loss for multi-label classification.

    inputs:  activations (logits) of shape (bs, n_classes); any shape must work.
    targets: one-hot floats (1. where a label is present, 0. elsewhere), same shape as inputs.
    Returns: the mean over all elements of -[t*log(sigmoid(x)) + (1-t)*log(1-sigmoid(x))],
             as a 0-dim tensor that autograd can differentiate. Do not modify `inputs`.
    """
    raise NotImplementedError


def sigmoid_range(x, lo, hi):
    """Squash activations `x` into the open range (lo, hi), smoothly (how fastai's y_range works).

    Returns a tensor of the same shape as x, every value strictly between lo and hi, with a gradient
    everywhere (no clamping).
    """
    raise NotImplementedError


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    """Multi-label accuracy.

    Apply a sigmoid to `inp` only when `sigmoid` is True; a prediction is positive when strictly
    greater than `thresh`; compare element-wise with `targ.bool()`.
    Returns: the mean over all elements, as a 0-dim float tensor (a Python float or a fastai
    TensorBase is accepted too, as fastai's metrics accept them).
    """
    raise NotImplementedError


def splitter(df):
    """Split the PASCAL 2007 DataFrame (columns fname, labels, is_valid) by its `is_valid` column.

    Returns: (train_indices, valid_indices), two collections of integer row indices: the rows with
    is_valid False first, then those with is_valid True.
    """
    raise NotImplementedError


def is_valid_person(o):
    """Validation predicate for FuncSplitter on BIWI: True exactly for images of person 13.

    `o` is a Path like `.../13/frame_00003_rgb.jpg`; person = the folder the image is in.
    """
    raise NotImplementedError


def img2pose(x):
    """Map `.../frame_00003_rgb.jpg` to `.../frame_00003_pose.txt` in the same folder (a Path)."""
    raise NotImplementedError


def get_ctr(f, cal):
    """Head centre of BIWI image `f`, in pixels.

    cal: the 3x3 camera intrinsics, `np.genfromtxt(folder/'rgb.cal', skip_footer=6)`.
    Read the centre (x, y, z) with `np.genfromtxt(img2pose(f), skip_header=3)` and project it:
    c1 = x*cal[0][0]/z + cal[0][2], c2 = y*cal[1][1]/z + cal[1][2]. Returns tensor([c1, c2]) (a list,
    tuple or array of the two numbers is accepted too: fastai's PointBlock makes a point of them).
    """
    raise NotImplementedError


BEAR_THRESHOLD = 0.5
"""Decision threshold of your bear classifier (change it if you tuned another)."""


def train_bear_classifier(path):
    """Train a multi-label bear classifier (black, grizzly, teddy; none or several per image).

    path: a folder with images and `labels.csv` (columns fname, relative to `path`; labels:
    space-separated, empty for no bear; is_valid). Read it with
    `pd.read_csv(path/'labels.csv', keep_default_na=False)` so empty labels stay '' (not NaN).
    Build a DataBlock with MultiCategoryBlock, train (pretrained=False: no downloads here), and
    return the fastai Learner.
    """
    raise NotImplementedError
