"""Slopes of a learner's function measured from its values, in the trusted process.

Autograd's gradients exist only inside the learner's process, which could report anything; central
finite differences of values the function returned for inputs the test shifted are facts this
process measured itself (issue 13: trust only values).
"""

from __future__ import annotations


def finite_difference_gradient(f, x, *, eps: float):
    """Central differences of the scalar function `f` at `x`, one element at a time (trusted side).

    `f(x)` returns a float or None (the learner's call failed); None here when any call failed.
    """
    import torch

    grad = torch.zeros_like(x, dtype=torch.float64)
    flat = grad.view(-1)
    for i in range(x.numel()):
        values = []
        for sign in (1.0, -1.0):
            shifted = x.clone()
            shifted.view(-1)[i] += sign * eps
            value = f(shifted)
            if value is None:
                return None
            values.append(value)
        flat[i] = (values[0] - values[1]) / (2 * eps)
    return grad
