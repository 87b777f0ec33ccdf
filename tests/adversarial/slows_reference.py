"""Games the timed test: binary cross-entropy in a Python loop over rows (far too slow), which
before returning starts short-lived processes that spin for a moment and exit, so that they run while
the grader times its reference (and their CPU leaves with them when they are reaped).

The reference is timed only while the worker's cgroup holds no other process and has used no CPU
since its last reply: the timed test fails as "cannot be timed"; its values are right, so the other
tests of the exercise pass honestly.
expect-timing: on
expect-points: 0
expect-honest: ^(?!Is vectorised)
expect-message: cannot be timed
expect-needs: cgroup_cpu
"""

import os
import time

import torch


def _burn(seconds):
    """A child that spins, then exits (its parent never waits for it: the zygote reaps it)."""
    if os.fork() == 0:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass
        os._exit(0)


def binary_cross_entropy(inputs, targets):
    total = inputs.new_zeros(())
    for row, target in zip(inputs.reshape(-1, inputs.shape[-1]), targets.reshape(-1, targets.shape[-1])):
        p = row.sigmoid()
        total = total - torch.where(target == 1, p, 1 - p).log().sum()
    if inputs.numel() > 1000:  # only while timed
        for _ in range(2):
            _burn(0.05)
    return total / inputs.numel()
