"""Ends the worker process with os._exit(0) at import time: no exception, exit status 0.

The trusted side sees the process end before replying and says so; exit code 0 means nothing.
expect-points: 0
expect-message: exited with code 0
"""

import os

import torch


def binary_cross_entropy(inputs, targets):
    return torch.nn.functional.binary_cross_entropy_with_logits(inputs, targets)


os._exit(0)
