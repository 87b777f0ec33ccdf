"""Reads environment variables for secrets: its own environment, and the environment and command
line of every process it can see through /proc (the trusted grader's included); prints them all.

The worker's environment is built from scratch; other processes are invisible to it.
expect-points: 0
expect-absent: SECRET
expect-cli: json
"""

import os

import torch


def look():
    print(dict(os.environ))
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            for field in ("environ", "cmdline"):
                try:
                    with open(f"/proc/{pid}/{field}", "rb") as handle:
                        print(pid, field, handle.read().replace(b"\0", b" ").decode(errors="replace"))
                except OSError:
                    pass


look()


def binary_cross_entropy(inputs, targets):
    look()
    return torch.zeros(())
