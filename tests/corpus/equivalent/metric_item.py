"""An `accuracy_multi` that ends in `.mean().item()` (a Python float, as fastai's metrics accept):
full marks, with a note.
expect-only: accuracy_multi
"""


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid:
        inp = inp.sigmoid()
    return ((inp > thresh) == targ.bool()).float().mean().item()
