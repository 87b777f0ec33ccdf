"""Objects whose `==`, comparisons and conversions all say "yes": 0 on every exercise (the trusted
side only ever sees their type name and repr)."""


class Yes:
    shape = ()

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True

    def __float__(self):
        return 0.5

    def __len__(self):
        return 2

    def __iter__(self):
        return iter([Yes(), Yes()])

    def __getattr__(self, name):
        return lambda *args, **kwargs: self


def binary_cross_entropy(inputs, targets):
    return Yes()


def sigmoid_range(x, lo, hi):
    return Yes()


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    return Yes()


def splitter(df):
    return Yes(), Yes()


def is_valid_person(o):
    return Yes()


def img2pose(x):
    return Yes()


def get_ctr(f, cal):
    return Yes()
