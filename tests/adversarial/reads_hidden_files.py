"""Reads what is not its own: a file of the trusted side outside its folder (hidden data, another
run's staging area), the temporary folders, home folders, /run; prints what it finds.

Only its own folder, the Python environment and the grader package are in the worker's view.
expect-points: 0
expect-absent: SECRET
"""

import glob
import os

import torch

FOUND = []


def look():
    try:
        with open("{{SECRET_FILE}}") as handle:
            FOUND.append(handle.read())
    except OSError as exc:
        FOUND.append(f"secret file: {exc}")
    for pattern in ("/tmp/*", "/tmp/*/*", "/tmp/*/*/*", "/var/tmp/*", "/dev/shm/*", "/root/*",
                    "/home/*/*", "/run/*"):
        for path in glob.glob(pattern)[:200]:
            if os.path.isfile(path):
                try:
                    with open(path, errors="replace") as handle:
                        FOUND.append(f"{path}: {handle.read(200)}")
                except OSError:
                    pass
    print("\n".join(FOUND)[:20000])


look()


def binary_cross_entropy(inputs, targets):
    look()
    return torch.zeros(())
