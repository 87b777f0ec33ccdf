"""Chapter 5 exercises: image classification of pet breeds.

Implement each function below, then run `grader check ch5` to see your score and feedback.
Run `grader check ch5 --only NAME` to grade one exercise (`--skip pets` leaves out the slow training).
Your questionnaire answers go in `ch5_questionnaire.md` beside this file.

The Oxford-IIIT Pet images are named `<breed>_<number>.jpg`: `Maine_Coon_157.jpg`, `great_pyrenees_12.jpg`.
Cat breeds are capitalised, dog breeds are lower case; breed names may contain underscores.
"""

import re

import torch


def label_from_name(fname):
    """The breed in an Oxford-IIIT Pet file name, found with a regular expression.

    fname: the file's name as a str (no folder), e.g. 'Maine_Coon_157.jpg'.
    Returns the breed exactly as written, as a str: 'Maine_Coon' ('great_pyrenees_12.jpg' -> 'great_pyrenees').
    """
    raise NotImplementedError


def species(fname):
    """'cat' or 'dog' for an Oxford-IIIT Pet file name (cat breeds start with a capital letter)."""
    raise NotImplementedError


def pets_datablock():
    """The chapter's DataBlock for the pets, with presizing.

    Images (ImageBlock) labelled with their breed (CategoryBlock), found with `get_image_files`, split at
    random with seed 42 (20% validation), labelled from the file name with a regular expression; every
    item resized to 460 pixels (on the CPU), then each batch augmented and cropped to 224 pixels with
    `aug_transforms(size=224, min_scale=0.75)`. Import what you need from `fastai.vision.all` inside
    the function. Returns the DataBlock (not the DataLoaders): the grader builds it on its own images,
    as the chapter does, with `dblock.dataloaders(path/'images')`.
    """
    raise NotImplementedError


def softmax(x):
    """Softmax over the classes of a batch of activations.

    x: float tensor of shape (bs, n_classes). Returns a tensor of the same shape whose rows are
    positive and sum to 1. Use torch operations on whole tensors (no Python loops, no torch.softmax).
    """
    raise NotImplementedError


def log_softmax(x):
    """The logarithm of `softmax(x)` (same shape), computed without taking log of a softmax.

    Stretch goal: stay exact for activations as large as 1000 (hint: logsumexp).
    """
    raise NotImplementedError


def nll_loss(inputs, targets):
    """Negative log-likelihood, as `F.nll_loss` computes it.

    inputs: float tensor (bs, n_classes), usually log-probabilities; targets: int64 class indices (bs,).
    Returns the mean over the batch of -inputs[i, targets[i]], as a 0-dim tensor.
    """
    raise NotImplementedError


def cross_entropy(acts, targets):
    """Cross-entropy loss from raw activations (bs, n_classes) and int64 targets (bs,).

    Build it from your own log_softmax and nll_loss; returns a 0-dim tensor that autograd can
    differentiate, equal to `F.cross_entropy(acts, targets)`.
    """
    raise NotImplementedError


def suggest_lr(lrs, losses):
    """Two learning rates read from a learning-rate-finder curve, as fastai suggests them.

    lrs, losses: 1-d float tensors of the same length (lrs increasing), what `lr_find` recorded.
    Returns a tuple of two floats `(lr_min, lr_steep)`:
      lr_min:   a tenth of the learning rate where the loss is lowest;
      lr_steep: the learning rate where the loss falls fastest against log(lr): with the slope between
                points i and i+1, (losses[i+1] - losses[i]) / (log lrs[i+1] - log lrs[i]), the lrs[i]
                of the most negative slope.
    """
    raise NotImplementedError


def lr_groups(lr, n_groups):
    """The learning rate of each parameter group when a Learner trains with `lr`.

    lr: a float (every group gets it), `slice(lo, hi)` (from lo for the first group to hi for the last,
    evenly spaced on a log scale) or `slice(hi)` (hi for the last group, hi / 10 for every other one).
    Returns a list of `n_groups` floats, first group first.
    """
    raise NotImplementedError


def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    """Do what `learn.fine_tune(epochs, base_lr, freeze_epochs)` does, with its default settings.

    Freeze the pretrained body, train `freeze_epochs` with one cycle (pct_start=0.99) at slice(base_lr);
    then halve base_lr, unfreeze, and train `epochs` with one cycle (pct_start=0.3, div=5.0) at
    discriminative rates from base_lr / 100 to base_lr. Returns nothing.
    """
    raise NotImplementedError


def train_pet_classifier(path):
    """Train a pet-breed classifier on `path` (what `untar_data(URLs.PETS)` returns; images in
    `path/'images'`) and return the fastai Learner.

    No pretrained weights can be downloaded while grading: use `pretrained=False` and a small
    architecture (or your own), small images (e.g. Resize(64)) and `num_workers=0`. The grader predicts
    on hidden images it drew itself and compares with their breeds; training must fit the time budget.
    """
    raise NotImplementedError
