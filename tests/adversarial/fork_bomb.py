"""A fork bomb inside the call: every process forks as fast as it can, forever (each new process
prints its pid first, so the test can check that none survives).

The process-count limit stops the growth; at the time limit the whole process group is killed, and
everything left of the worker's uid (or orphaned to the zygote) goes with it.
expect-points: 0
expect-limits: timeout=2
expect-message: did not finish|crashed
expect-check: printed_pids_gone
"""

import os


def binary_cross_entropy(inputs, targets):
    print(f"PID {os.getpid()}", flush=True)
    while True:
        try:
            if os.fork() == 0:
                print(f"PID {os.getpid()}", flush=True)
        except OSError:
            pass
