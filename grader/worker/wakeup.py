"""A select loop's wake-up on child exit: SIGCHLD writes a byte to a self-pipe the loop waits on.

The fork server (`grader.worker.zygote`) waits for requests on its channels and must also notice at
once when a worker or kernel it forked has ended; a self-pipe makes that a wait instead of a poll.
Every forked child forgets it first (`forget`): the pipe and the handler are the server's, and
learner code must hold none of the server's descriptors.
"""

from __future__ import annotations

import os
import signal

_PIPE: list[int] = []
"""The self-pipe SIGCHLD writes to (read end, write end): closed in every forked child."""


def on_child_exit() -> int:
    """A file descriptor that becomes readable when a child exits (a self-pipe for SIGCHLD)."""
    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)
    _PIPE[:] = [read, write]
    signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # a handler, so the byte is written
    return read


def drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


def forget() -> None:
    """In a forked child: the zygote's SIGCHLD handling is not the child's (nor its pipe)."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for fd in _PIPE:
        try:
            os.close(fd)
        except OSError:
            pass
    _PIPE.clear()
