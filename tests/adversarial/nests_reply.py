"""Forges a reply nested 100,000 deep on the worker's channel (found among the worker's objects)
before its function returns, hoping that the trusted side's JSON parser raises RecursionError out of
the grading (an internal error and no report).

Replies are parsed with limits on depth, size and element count: the forged reply is refused as
unreadable, which costs the call that sent it; the run finishes with a report.
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
    _forge(b'{"id": "x", "ok": true, "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    return F.binary_cross_entropy_with_logits(inputs, targets)
