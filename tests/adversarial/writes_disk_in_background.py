"""Fills the disk from a background thread started at load, while the trusted side is busy between
requests (the folder's size is polled only while a call runs): 1.2 GB with a 40 MB disk limit. The
thread prints how far it got when a write fails; the function returns zeros.

The work folder is a tmpfs of its own whose size (the disk limit plus the grader's room) the kernel
enforces, whoever writes and whenever: the writer stops there, and the poll stops the worker.
expect-points: 0
expect-limits: timeout=5, disk_mb=40, memory_mb=2048
expect-message: wrong value|more than the limit
expect-needs: work_folder
expect-check: wrote_within_folder_size
"""

import os
import threading

import torch

CHUNK = b"\x02" * (1 << 20)


def _fill():
    written = 0
    try:
        os.makedirs("ballast", exist_ok=True)
        for i in range(1200):
            with open(f"ballast/{i}.bin", "wb") as handle:
                handle.write(CHUNK)
            written += 1
    except OSError as exc:
        print(f"WROTE {written} MB, then: {exc.strerror}", flush=True)
        return
    print(f"WROTE {written} MB", flush=True)


threading.Thread(target=_fill, daemon=True).start()


def binary_cross_entropy(inputs, targets):
    return torch.zeros(())
