"""Raises what a test runner might take for "stop" or "pass": KeyboardInterrupt, SystemExit(0), and
a BaseException subclass whose message carries terminal escape sequences (clear the screen, print a
green PASSED) and whose repr raises.

Every one is caught in the worker and reported as a fault of that call; escape sequences are made
visible, never sent to the terminal.
expect-only: binary_cross_entropy, sigmoid_range, accuracy_multi
expect-points: 0
expect-message: KeyboardInterrupt
"""


class Escape(BaseException):
    def __repr__(self):
        raise RuntimeError("no repr for you")


def binary_cross_entropy(inputs, targets):
    raise KeyboardInterrupt


def sigmoid_range(x, lo, hi):
    raise SystemExit(0)


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    raise Escape("\x1b[2J\x1b[H\x1b[32mAll tests PASSED\x1b[0m")
