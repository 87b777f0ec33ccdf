"""Keeps the worker busy inside one long C call (big matrix products in torch), where Python
signal handlers never run.

SIGKILL of the process group does not need the worker's cooperation.
expect-points: 0
expect-limits: timeout=1
expect-message: did not finish
"""

import torch


def binary_cross_entropy(inputs, targets):
    big = torch.ones(3000, 3000)
    while True:
        big = torch.mm(big, big).clamp_(max=1.0)
