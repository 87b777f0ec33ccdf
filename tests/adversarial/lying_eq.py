"""Lies about results: returns an object whose ==, bool(), float() and every method say "yes".

The trusted side never sees the object, only its type name and repr (an `Opaque`), so nothing it
does can be answered by the learner's methods.
expect-points: 0
expect-message: not a tensor
"""


class Yes:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True

    def __float__(self):
        return 0.6931

    def __lt__(self, other):
        return True

    __le__ = __gt__ = __ge__ = __lt__

    def __abs__(self):
        return 0

    def __getattr__(self, name):
        return lambda *args, **kwargs: self


def binary_cross_entropy(inputs, targets):
    return Yes()
