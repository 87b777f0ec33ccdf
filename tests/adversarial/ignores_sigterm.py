"""Ignores SIGTERM, SIGINT and SIGHUP, then loops.

The grader stops workers with SIGKILL, which cannot be ignored.
expect-points: 0
expect-limits: timeout=1
expect-message: did not finish
"""

import signal

for name in ("SIGTERM", "SIGINT", "SIGHUP"):
    signal.signal(getattr(signal, name), signal.SIG_IGN)


def binary_cross_entropy(inputs, targets):
    while True:
        pass
