"""A learner half way through chapter 6: some exercises right, some with the misconceptions learners
really have (the report must name them), one printing as it goes."""

from pathlib import Path

import numpy as np
import torch
from torch import tensor

print("loading my chapter 6 answers")


def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return -torch.where(targets == 1, inputs, 1 - inputs).log().sum()  # sum, not mean


def sigmoid_range(x, lo, hi):
    return torch.sigmoid(x) * (hi - lo) + lo


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid:
        inp = inp.sigmoid()
    return ((inp >= thresh) == targ.bool()).float().mean()  # >= instead of >


def splitter(df):
    return df.index[~df['is_valid']].tolist(), df.index[df['is_valid']].tolist()


def is_valid_person(o):
    return '13' in str(o)  # also matches frame_00013 in another person's folder


def img2pose(x):
    return Path(f'{str(x)[:-7]}pose.txt')


def get_ctr(f, cal):
    ctr = np.genfromtxt(img2pose(f), skip_header=3)
    return [ctr[0] * cal[0][0] / ctr[2] + cal[0][2], ctr[1] * cal[1][1] / ctr[2] + cal[1][2]]
