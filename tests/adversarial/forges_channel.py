"""Forges the result channel itself: finds the worker's socket among its file descriptors and
writes well-formed fake replies on it ({"ok": true} with a plausible value) for the next request
ids, ahead of the real replies.

Request ids are unguessable and bytes that arrive before a request are refused: the worker is
stopped with a message.
expect-points: 0
expect-message: channel
"""

import json
import os
import stat
import struct

import torch


def forge():
    fake = {"ok": True, "value": 0.6931, "names": ["binary_cross_entropy"]}
    for fd in range(3, 64):
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            for guess in range(1, 40):
                data = json.dumps({**fake, "id": guess}).encode()
                os.write(fd, struct.pack(">Q", len(data)) + data)
        except OSError:
            continue


def binary_cross_entropy(inputs, targets):
    forge()
    return torch.zeros(())


forge()
