"""Loops forever inside the call.

The trusted side stops waiting at the per-call limit and kills the worker's process group.
expect-points: 0
expect-limits: timeout=1
expect-message: did not finish
"""


def binary_cross_entropy(inputs, targets):
    while True:
        pass
