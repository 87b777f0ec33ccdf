"""A cgroup for one worker or kernel, with the limits that make it a container of the learner's code.

`container_request` is what the trusted side does before a worker or kernel process exists: make
its group inside the grading process's own (`reaper.current().group`, which the reaper removes if
the grading dies), set its memory and pid limits from the `Limits`, and say which of the cgroup
measures hold, so that the process records them (or why they are off) with its sandbox measures.
"""

from __future__ import annotations

import os

from grader.worker import reaper
from grader.worker.cgroup import Group
from grader.worker.limits import Limits

MEMORY_SLACK_MB = 256
"""Memory a worker's cgroup allows beyond its limit (the interpreter's own bookkeeping); the watchdog
on resident memory still stops it at the limit."""
SHARED_ALLOWANCE_MB = 512
"""At most this much of what a worker shares with the zygote is allowed for on top (pages it copies
on write are charged to it; the shared libraries, most of the zygote's size, never are)."""


def pids_limit(limits: Limits) -> int:
    """Processes and threads a worker's cgroup may hold (torch's thread pools need room)."""
    return int(limits.max_processes) + 4 * (os.cpu_count() or 1) + 32


def container_request(kind: str, limits: Limits, base_bytes: int) -> tuple[Group | None, dict]:
    """A new cgroup for a worker or kernel, limited, and what its process needs to join it.

    `base_bytes`: memory the process has before the learner's code runs (on top of which the limit
    applies). Returns (None, {"measures": ...}) where the machine has no usable cgroups, so that the
    process records which guarantees dropped.
    """
    from grader.worker import cgroup

    owner = reaper.current().group
    group = owner.child(kind) if owner is not None else None
    if group is None:
        why = cgroup.missing() or {"cgroup": "no cgroup could be created"}
        return None, {"measures": {f"cgroup_{role}": f"off: {why.get(role, next(iter(why.values())))}"
                                   for role in cgroup.ROLES}}
    shared = min(base_bytes, SHARED_ALLOWANCE_MB * 1024 * 1024) if kind == "worker" else base_bytes
    memory = shared + (limits.memory_mb + MEMORY_SLACK_MB) * 1024 * 1024
    applied = group.limit(memory_bytes=memory, pids=pids_limit(limits))
    measures = {"cgroup_memory": applied["memory"], "cgroup_pids": applied["pids"],
                "cgroup_cpu": "on" if "cpu" in group.folders else
                f"off: {cgroup.missing().get('cpu', 'no CPU accounting')}"}
    return group, {"paths": group.paths(), "measures": measures}
