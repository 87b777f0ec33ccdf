"""Loads slowly (1.5 s at import) and then kills its worker on every call, so that each test pays
for a restart and a reload: a run that would stretch far past its limits.

Reloading has a budget over the whole run (three times the load limit); past it, the remaining
tests are not run and say why.
expect-points: 0
expect-limits: load_timeout=2
expect-message: too many times
"""

import os
import time

time.sleep(1.5)


def binary_cross_entropy(inputs, targets):
    os._exit(3)
