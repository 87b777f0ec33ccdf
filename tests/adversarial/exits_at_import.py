r"""Ends the worker "successfully" at import time with sys.exit(0).

SystemExit is caught in the worker: the load fails with a message that names the call.
expect-points: 0
expect-message: sys\.exit\(0\)
"""

import sys

import torch


def binary_cross_entropy(inputs, targets):
    return torch.nn.functional.binary_cross_entropy_with_logits(inputs, targets)


sys.exit(0)
