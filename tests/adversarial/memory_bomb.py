"""Allocates memory without bound (tensors and Python lists).

The worker's address space is limited; where that is not possible the trusted side watches its
resident size and kills it.
expect-points: 0
expect-limits: timeout=20, memory_mb=300
expect-message: memory
"""

import torch


def binary_cross_entropy(inputs, targets):
    hoard = []
    while True:
        hoard.append(torch.ones(10_000_000))
        hoard.append([0.0] * 1_000_000)
