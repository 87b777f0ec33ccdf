"""Resource limits of a worker, and applying them inside the freshly forked child."""

from __future__ import annotations

import os
import resource
from dataclasses import asdict, dataclass

from grader.errors import UsageError


@dataclass
class Limits:
    """What one worker may use. Validated where it is built, so errors name the option."""

    timeout: float = 5.0
    """Seconds one call of a learner function may take (wall clock)."""
    load_timeout: float = 60.0
    """Seconds loading the submission (running its top level) may take."""
    memory_mb: int = 4096
    """Memory the learner's code may add on top of what the worker uses after importing torch."""
    cpu_seconds: int = 3600
    """CPU seconds for the worker's whole life (a backstop behind the wall-clock timeouts)."""
    file_size_mb: int = 256
    """Largest file the worker may write."""
    max_processes: int = 64
    """Processes the worker may add (its own user's total when it has one, else on top of yours)."""
    disk_mb: int = 2048
    """What the worker's folder may hold in all (checked each second; the worker is stopped past it)."""
    max_files: int = 100_000
    """Files and folders the worker's folder may hold."""
    output_bytes: int = 64_000
    """Bytes of the learner's printed output that are kept (the rest is counted, then dropped)."""

    def validate(self, source: str = "options") -> "Limits":
        for name in ("timeout", "load_timeout", "memory_mb", "cpu_seconds", "file_size_mb", "disk_mb",
                     "max_files", "max_processes"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or value <= 0:
                raise UsageError(f"{source}: {name} must be a positive number, got {value!r}")
        return self

    def to_dict(self) -> dict:
        return asdict(self)


def proc_status_bytes(field: str, pid: int | str = "self") -> int:
    """A memory figure (`VmSize`, `VmRSS`) of a process from /proc, in bytes; 0 when unknown."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def apply_in_child(limits: dict, *, address_space: bool = True) -> None:
    """Set rlimits in the worker child (called right after fork, before learner code runs).

    The memory limit is headroom over the current address space: a torch process already maps about
    3 GB, which is not the learner's doing. With CUDA, the address space is not limited (the driver
    reserves huge ranges); the trusted side's watchdog enforces memory by resident size instead.
    """
    def cap(kind: int, value: int) -> None:
        soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            pass

    if address_space:
        cap(resource.RLIMIT_AS, proc_status_bytes("VmSize") + int(limits["memory_mb"]) * 1024 * 1024)
    cap(resource.RLIMIT_CPU, int(limits["cpu_seconds"]))
    cap(resource.RLIMIT_FSIZE, int(limits["file_size_mb"]) * 1024 * 1024)
    cap(resource.RLIMIT_CORE, 0)
    # RLIMIT_NPROC counts every process of the real uid: with a user of its own that is the worker's;
    # otherwise it is the learner's whole session, so the worker may add max_processes to what runs.
    # Threads count too: leave room for torch's thread pools.
    allowed = int(limits.get("max_processes", 64)) + 2 * (os.cpu_count() or 1)
    if not limits.get("own_user"):
        allowed += processes_of(os.getuid())
    cap(resource.RLIMIT_NPROC, allowed)


def processes_of(uid: int) -> int:
    """How many processes (threads count too, as RLIMIT_NPROC does) the real uid `uid` runs now."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                count += int(fields.get("Threads", "1").strip())
        except (OSError, KeyError, ValueError):
            continue
    return count
