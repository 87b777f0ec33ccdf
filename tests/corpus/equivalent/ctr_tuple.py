"""A correct `get_ctr` that returns its two numbers as a tuple (fastai's PointBlock makes a point of
it): full marks, with a note.
expect-only: get_ctr
"""

from pathlib import Path

import numpy as np


def img2pose(x):
    return Path(f'{str(x)[:-7]}pose.txt')


def get_ctr(f, cal):
    ctr = np.genfromtxt(img2pose(f), skip_header=3)
    c1 = ctr[0] * cal[0][0] / ctr[2] + cal[0][2]
    c2 = ctr[1] * cal[1][1] / ctr[2] + cal[1][2]
    return (c1, c2)
