"""Every exercise still raises NotImplementedError (the stubs): 0 on every exercise."""


def binary_cross_entropy(inputs, targets):
    raise NotImplementedError


def sigmoid_range(x, lo, hi):
    raise NotImplementedError


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    raise NotImplementedError


def splitter(df):
    raise NotImplementedError


def is_valid_person(o):
    raise NotImplementedError


def img2pose(x):
    raise NotImplementedError


def get_ctr(f, cal):
    raise NotImplementedError
