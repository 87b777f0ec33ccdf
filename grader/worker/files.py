"""Reading a file in a folder that learner code could write (a kernel's folder, a worker's folder).

Such a file may have been replaced by a link (to an instructor's file), a named pipe (an `open()`
that never returns), a device, or a huge file. `read_capped` opens it without following a link and
without blocking, accepts only a regular file, and reads at most `limit` bytes: the trusted process
neither hangs nor reads what it did not mean to.
"""

from __future__ import annotations

import os
import stat

FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)


class NotARegularFile(OSError):
    """The path is a link, a pipe, a device or a folder: never read by the trusted side."""


def read_capped(path: str | os.PathLike, limit: int) -> tuple[bytes, bool]:
    """The first `limit` bytes of the regular file at `path`, and whether there was more.

    Raises OSError (NotARegularFile for anything but a regular file) instead of following or waiting.
    """
    fd = os.open(path, FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFile(f"{os.fspath(path)} is not a regular file")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    return data[:limit], len(data) > limit
