"""Returns its first argument unchanged (the identity) from every exercise: 0 on every exercise."""


def binary_cross_entropy(inputs, targets):
    return inputs


def sigmoid_range(x, lo, hi):
    return x


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    return inp


def splitter(df):
    return df


def is_valid_person(o):
    return o


def img2pose(x):
    return x


def get_ctr(f, cal):
    return f
