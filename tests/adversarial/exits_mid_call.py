"""Ends the worker with os._exit(0) in the middle of a call, after printing a pass line.

expect-points: 0
expect-message: exited with code 0
"""

import os


def binary_cross_entropy(inputs, targets):
    print("PASSED", flush=True)
    os._exit(0)
