"""Makes a mess and keeps the grader waiting, for a grader that is killed meanwhile (SIGKILL, as the
batch slot does at --max-time): a 50 MB file in its folder, a daemon in a session of its own, a
System V segment; it writes their pids to `mess.txt` in its folder, then sleeps.

Graded normally, the call is stopped at its time limit. Killed mid-run (tests/test_adversarial_sandbox.py),
the grading's reaper removes its work folders, its cgroups, its mounts and its processes: nothing is
left.
expect-points: 0
expect-limits: timeout=2
expect-message: did not finish
expect-leftovers: none
"""

import ctypes
import os
import subprocess
import time


def _mess():
    with open("ballast.bin", "wb") as handle:
        handle.write(b"\0" * (50 << 20))
    daemon = subprocess.Popen(["sleep", "1000"], start_new_session=True)
    libc = ctypes.CDLL(None)
    segment = libc.shmget(0x5A5D0001, 1 << 20, 0o1000 | 0o666)
    with open("mess.txt", "w") as handle:
        handle.write(f"{os.getpid()} {daemon.pid} {segment}\n")


def binary_cross_entropy(inputs, targets):
    _mess()
    time.sleep(120)
