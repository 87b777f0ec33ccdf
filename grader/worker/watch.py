"""What the trusted side watches while a worker runs, and how it makes the worker's text safe.

Read from /proc and the file system by the trusted process: nothing here asks the worker anything.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

CPU_SHARE = 0.5
"""Fraction of a call's time limit it must have spent on the CPU before it is stopped."""
WALL_BACKSTOP = 4.0
"""A call is stopped after this many times its time limit in any case (starved, sleeping, blocked)."""


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system, all threads) a process has used, from /proc; None when unknown."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def folder_usage(folder: Path, stop_at: int) -> tuple[int, int]:
    """Bytes and entries under `folder` (links not followed); stops counting past `stop_at` bytes."""
    used, entries, stack = 0, 0, [str(folder)]
    while stack and used <= stop_at:
        try:
            with os.scandir(stack.pop()) as listing:
                for entry in listing:
                    entries += 1
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        else:
                            used += entry.stat(follow_symlinks=False).st_blocks * 512
                    except OSError:
                        continue
        except OSError:
            continue
    return used, entries


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text from the worker with terminal control characters (escape sequences...) made visible."""
    return _CONTROL.sub("\ufffd", text)
