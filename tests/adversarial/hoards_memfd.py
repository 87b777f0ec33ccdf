"""Holds memory where no per-process measure sees it: anonymous files (memfd) written but never
mapped, each below the file-size limit, 2.4 GB in all with a 512 MB memory limit; then returns the
right loss.

Their pages are charged to the worker's memory cgroup, which the kernel enforces: the worker is
stopped for using more memory than the limit, and every test that ran the hoarding call fails.
expect-points: 0
expect-limits: memory_mb=512
expect-message: more memory than the limit
expect-needs: cgroup_memory
"""

import os

import torch.nn.functional as F

HELD = []
CHUNK = b"\x01" * (1 << 20)


def _hoard(total_mb, piece_mb=150):
    for _ in range(total_mb // piece_mb):
        fd = os.memfd_create("stash")
        for _ in range(piece_mb):
            os.write(fd, CHUNK)
        HELD.append(fd)  # kept open, never mapped: no resident memory in /proc


def binary_cross_entropy(inputs, targets):
    _hoard(2400)
    return F.binary_cross_entropy_with_logits(inputs, targets)
