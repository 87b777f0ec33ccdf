"""Games the timed test from inside the worker: binary cross-entropy in a Python loop over rows (far
too slow), plus a thread of the worker process itself that spins whenever the function is not
running (no extra process to find), to slow the reference the grader times between calls.

The worker's cgroup counts the CPU of its threads too: CPU used after the function returned, while
the reference is timed, stops the measurement and the timed test fails as "cannot be timed". (On a
machine so loaded that the thread hardly gets a CPU, it may not be caught, but then it cannot slow
the reference either: the loop fails as too slow.) Its values are right, so the other tests of the
exercise pass honestly.
expect-timing: on
expect-points: 0
expect-honest: ^(?!Is vectorised)
expect-message: cannot be timed|the reference's time
expect-needs: cgroup_cpu
"""

import threading

import torch

_calling = threading.Event()


def _spin():
    while True:
        if _calling.is_set():
            _calling.wait(0.001)
            continue
        for _ in range(5000):  # busy while the worker waits for the next request
            pass


threading.Thread(target=_spin, daemon=True).start()


def binary_cross_entropy(inputs, targets):
    _calling.set()
    try:
        total = inputs.new_zeros(())
        rows = zip(inputs.reshape(-1, inputs.shape[-1]), targets.reshape(-1, targets.shape[-1]))
        for row, target in rows:
            p = row.sigmoid()
            total = total - torch.where(target == 1, p, 1 - p).log().sum()
        return total / inputs.numel()
    finally:
        _calling.clear()
