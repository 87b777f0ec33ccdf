"""Patches every comparison it can reach in its own process: torch.allclose/equal/isclose,
torch.testing, torch.Tensor.__eq__, math.isclose, numpy's comparisons and builtins, then returns
zeros. Comparisons happen in the trusted process, which none of this touches.
expect-points: 0
expect-message: wrong value
"""

import builtins
import math

import numpy
import torch
import torch.testing

torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.isclose = lambda a, b, *args, **kwargs: torch.ones_like(torch.as_tensor(a), dtype=torch.bool)
torch.testing.assert_close = lambda *args, **kwargs: None
torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
math.isclose = lambda *args, **kwargs: True
numpy.allclose = numpy.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
builtins.all = builtins.any = lambda *args, **kwargs: True


def binary_cross_entropy(inputs, targets):
    return torch.zeros(())
