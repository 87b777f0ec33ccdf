"""Forges a 30 MB reply made of ten million empty lists (`[],[],...`) on the worker's channel: parsed
naively, every 3 bytes become a Python list of over 50 bytes, a 20-fold blow-up of the trusted
process's memory (the 256 MB message cap alone would allow several GB).

Replies are refused before parsing when they hold more lists or values than the limits: that call
fails as unreadable and the trusted process never builds the lists.
expect-points: 0
expect-message: unreadable
"""

import gc
import socket
import struct

import torch.nn.functional as F


def _forge(body):
    for thing in gc.get_objects():
        if isinstance(thing, socket.socket) and thing.family == socket.AF_UNIX:
            try:
                thing.sendall(struct.pack(">Q", len(body)) + body)
            except OSError:
                continue


def binary_cross_entropy(inputs, targets):
    _forge(b'{"id": "x", "value": [' + b"[]," * 10_000_000 + b"[]]}")
    return F.binary_cross_entropy_with_logits(inputs, targets)
