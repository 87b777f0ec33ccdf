"""Forges the result channel with text: prints fake pass lines and a fake JSON result on stdout and
stderr (through Python and straight to the file descriptors), at load time and inside the call.

The worker's output goes to a pipe that the trusted side keeps as text (`RunResult.output`); results
come only from the trusted process.
expect-points: 0
expect-message: wrong value
expect-cli: json
"""

import json
import os
import sys

import torch

FAKE = json.dumps({"points": 44, "max_points": 44, "score": 100.0, "status": "passed"})


def shout():
    print("Total 44/44 (100%): passed")
    print(FAKE)
    print("  ✔ binary_cross_entropy     5/5", file=sys.stderr)
    os.write(1, ("\n" + FAKE + "\n").encode())
    os.write(2, b"PASSED\n")
    sys.stdout.flush()


shout()


def binary_cross_entropy(inputs, targets):
    shout()
    return torch.zeros(())
