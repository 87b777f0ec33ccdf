"""An `accuracy_multi` that wraps its result in fastai's `TensorBase` subclass: full marks, with a
note.
expect-only: accuracy_multi
"""

from fastai.torch_core import TensorBase


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid:
        inp = inp.sigmoid()
    return TensorBase(((inp > thresh) == targ.bool()).float().mean())
