"""Floods standard output: 20 MB of text in every call, then a wrong answer.

The trusted side drains the pipe, keeps the first 64 kB and counts the rest; the run goes on.
expect-points: 0
expect-limits: timeout=60
expect-message: wrong value
expect-check: output_truncated
"""

import sys

import torch

LINE = "x" * 999 + "\n"


def binary_cross_entropy(inputs, targets):
    for _ in range(20_000):
        sys.stdout.write(LINE)
    sys.stdout.flush()
    return torch.zeros(())
