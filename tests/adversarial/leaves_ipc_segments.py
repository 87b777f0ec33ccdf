"""Leaves System V shared memory segments behind (made with shmget, touched, never removed), so that
they would outlive the grading and hold the machine's memory after the grader has exited; returns
zeros.

The worker has an IPC namespace of its own: the segments exist only in it and the kernel removes them
when its last process ends; none appears on the machine's own /proc/sysvipc/shm, during or after.
expect-points: 0
expect-message: wrong value
expect-needs: ipc
expect-check: no_ipc_left
"""

import ctypes

import torch

IPC_CREAT = 0o1000
KEYS = (0x5A5B0001, 0x5A5B0002, 0x5A5B0003)  # the test looks for these on the machine
_libc = ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = ctypes.c_void_p


def _leave(key, size=8 << 20):
    segment = _libc.shmget(key, size, IPC_CREAT | 0o666)
    if segment >= 0:
        address = _libc.shmat(segment, None, 0)
        if address not in (None, ctypes.c_void_p(-1).value):
            ctypes.memset(address, 1, size)  # real pages, not just a reservation
            _libc.shmdt(ctypes.c_void_p(address))


for key in KEYS:
    _leave(key)


def binary_cross_entropy(inputs, targets):
    return torch.zeros(())
