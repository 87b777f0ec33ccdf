"""Leaves processes behind: a `sleep` in a session of its own (subprocess with start_new_session),
and a double-forked daemon that ignores SIGTERM and SIGHUP; prints their pids and returns zeros.

When the worker ends, its process group, its uid's processes and the orphans that came to the
zygote are killed.
expect-points: 0
expect-message: wrong value
expect-check: printed_pids_gone
"""

import os
import signal
import subprocess
import time

import torch

SPAWNED = []


def spawn():
    if SPAWNED:
        return
    sleeper = subprocess.Popen(["sleep", "1000"], start_new_session=True)
    print(f"PID {sleeper.pid}", flush=True)
    reader, writer = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            os.write(writer, f"PID {os.getpid()}\n".encode())
            while True:
                time.sleep(1)
        os._exit(0)
    print(os.read(reader, 100).decode().strip(), flush=True)
    SPAWNED.append(sleeper)


def binary_cross_entropy(inputs, targets):
    spawn()
    return torch.zeros(())
