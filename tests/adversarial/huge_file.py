"""Writes one file bigger than the per-file size limit.

RLIMIT_FSIZE stops the write (EFBIG, as Python ignores SIGXFSZ; or SIGXFSZ), and the fault says why.
expect-points: 0
expect-limits: file_size_mb=2
expect-message: larger than the limit|File too large
"""

import os


def binary_cross_entropy(inputs, targets):
    with open("huge.bin", "wb") as handle:
        for _ in range(10):
            handle.write(os.urandom(1 << 20))
