"""Reading a learner's files in the trusted process: never through a link, never blocking on a pipe
or a device, never more than a submission may be.

What was swapped in since discovery (a link, a FIFO) cannot make the grader read elsewhere or hang.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from grader.grading import MAX_SUBMISSION_BYTES

if TYPE_CHECKING:
    from grader.batch.discovery import Submission

DEFS_BYTES = 2 * 2**20
"""Bytes of a code file read to count the chapter's functions it defines."""


class Ungradable(Exception):
    """A submission that cannot be graded at all; `kind` is a word, the message says why."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


def read_submission(sub: Submission) -> tuple[bytes, bytes | None]:
    """The bytes of the submission (and its sheet), checked; raises Ungradable.

    Opened without following links and without blocking, then checked to be a regular file: what
    was swapped in since discovery cannot make the grader read elsewhere or hang."""
    assert sub.file is not None
    data = _read_regular(sub.file, sub.entry)
    sheet = _read_regular(sub.sheet, sub.entry) if sub.sheet is not None else None
    if b"\0" in data[:4096]:
        raise Ungradable("not_text", f"{sub.entry} is not a text file: submit the source file itself")
    return data, sheet


def _read_regular(path: Path, entry: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise Ungradable("unreadable", f"{entry} cannot be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Ungradable("unreadable", f"{entry} is not a regular file")
        if info.st_size > MAX_SUBMISSION_BYTES:
            raise Ungradable("too_large", f"{entry} is {info.st_size / 1e6:.0f} MB, more than the "
                                          f"{MAX_SUBMISSION_BYTES / 1e6:.0f} MB a submission may be")
        try:
            data = handle.read(MAX_SUBMISSION_BYTES + 1)
        except OSError as exc:
            raise Ungradable("unreadable", f"{entry} cannot be read: {exc.strerror}") from None
    if len(data) > MAX_SUBMISSION_BYTES:
        raise Ungradable("too_large", f"{entry} is more than the "
                                      f"{MAX_SUBMISSION_BYTES / 1e6:.0f} MB a submission may be")
    return data


DEF = re.compile(rb"\bdef[ \t]+([A-Za-z_][A-Za-z0-9_]{0,99})[ \t]*\(")


def _defined(path: Path) -> set[str]:
    """Names of the functions a file defines (a bounded scan of its text; notebooks' JSON too)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return set()
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return set()
        data = handle.read(DEFS_BYTES)
    return {m.decode() for m in DEF.findall(data)}
