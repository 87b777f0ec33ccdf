"""A binary cross-entropy that returns fastai's `TensorBase` subclass, as fastai's own losses do
(still a differentiable tensor): full marks, with a note.
expect-only: binary_cross_entropy
"""

import torch
from fastai.torch_core import TensorBase


def binary_cross_entropy(inputs, targets):
    p = inputs.sigmoid()
    return TensorBase(-torch.where(targets == 1, p, 1 - p).log().mean())
