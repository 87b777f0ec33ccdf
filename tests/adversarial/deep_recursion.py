"""Recurses without end after lifting Python's recursion limit, through a C call (map) on every
level, until the C stack overflows.

The worker dies (SIGSEGV, or the time limit where the stack is larger); the fault says which and
the run goes on.
expect-points: 0
expect-message: crashed|recursion|did not finish
"""

import sys


def down(n):
    return list(map(down, [n + 1]))


def binary_cross_entropy(inputs, targets):
    sys.setrecursionlimit(10**8)
    return down(0)
