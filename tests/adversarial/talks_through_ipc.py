"""Tries to pass a message to another worker through a System V message queue with a key known to
both: at load it reads whatever is waiting there and prints it, then posts a message of its own;
its function then kills the worker (os._exit), so that the next test's fresh worker (as another
learner's worker in a batch would) reads the queue.

Each worker has an IPC namespace of its own: the queue a worker made is not there for the next one,
and nothing posted by one worker is ever printed by another.
expect-points: 0
expect-message: os._exit
expect-needs: ipc
expect-absent-text: RECEIVED-FROM-ANOTHER-WORKER
"""

import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)
KEY, IPC_CREAT, IPC_NOWAIT = 0x5A5C0001, 0o1000, 0o4000


class _Message(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 200)]


def _exchange():
    queue = _libc.msgget(KEY, IPC_CREAT | 0o666)
    if queue < 0:
        return
    incoming = _Message()
    size = _libc.msgrcv(queue, ctypes.byref(incoming), 200, 0, IPC_NOWAIT)
    if size > 0:
        print("RECEIVED-" + incoming.mtext[:size].decode(errors="replace"), flush=True)
    outgoing = _Message(1, b"FROM-ANOTHER-WORKER " + str(os.getpid()).encode())
    _libc.msgsnd(queue, ctypes.byref(outgoing), 200, IPC_NOWAIT)


_exchange()


def binary_cross_entropy(inputs, targets):
    os._exit(3)
