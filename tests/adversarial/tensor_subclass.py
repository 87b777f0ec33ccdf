"""Lies about results with a tensor subclass: == , allclose, equal and isclose say yes (via
`__torch_function__` and `__eq__`), while the values are zeros.

Only the values cross the boundary, as a plain tensor; the subclass is named in the feedback.
expect-points: 0
expect-message: tensor subclass|wrong value
"""

import torch


class Liar(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.allclose, torch.equal):
            return True
        if func in (torch.isclose, torch.eq, torch.Tensor.__eq__):
            return torch.ones(torch.broadcast_shapes(args[0].shape, torch.as_tensor(args[1]).shape),
                              dtype=torch.bool)
        return super().__torch_function__(func, types, args, kwargs or {})

    def __eq__(self, other):
        return True


def binary_cross_entropy(inputs, targets):
    return torch.zeros((), requires_grad=True).as_subclass(Liar)
