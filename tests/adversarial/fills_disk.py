"""Fills the disk with many files, each below the per-file size limit.

The trusted side measures the worker's folder while it waits and stops the worker past the limit.
expect-points: 0
expect-limits: timeout=30, disk_mb=40
expect-message: more than the limit
"""

import os
import time

CHUNK = os.urandom(1 << 20)


def binary_cross_entropy(inputs, targets):
    os.makedirs("filler", exist_ok=True)
    for i in range(100_000):
        with open(f"filler/{i}.bin", "wb") as handle:
            handle.write(CHUNK)
        time.sleep(0.01)
