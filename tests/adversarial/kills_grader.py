"""Attacks the grader's processes: sends SIGKILL to its parent (the zygote) and to the trusted
grader above it (found through /proc), so that no report is ever written.

Workers run as a user of their own and cannot signal the grader; the run ends with a report.
expect-points: 0
expect-needs: user
expect-cli: json
"""

import os
import signal

import torch


def attack():
    pid = os.getppid()
    for _ in range(2):
        if pid <= 1:
            break
        try:
            os.kill(pid, signal.SIGKILL)
            print("killed", pid, flush=True)
        except OSError as exc:
            print("could not kill", pid, exc, flush=True)
        try:
            with open(f"/proc/{pid}/status") as status:
                pid = int(next(line for line in status if line.startswith("PPid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            break


attack()


def binary_cross_entropy(inputs, targets):
    attack()
    return torch.zeros(())
