"""Grading a batch on a Dask distributed cluster (`grader batch --scheduler`), an optional extra.

The batch process stays the only writer of the output folder: it plans as with the local pool,
ships each learner's unit input as bytes (`grader.batch.unit.pack`) with the task, and commits the
unit output a worker sends back, exactly as it commits a local slot's. `client` is the batch side
(`ClusterPool`, a drop-in for `grader.batch.pool.Pool`); `worker` runs inside each Dask worker
process (a worker plugin that keeps a warm grading slot, and the task function). Nothing here imports
`distributed` until a cluster is asked for, so the default install and the default batch never need it.
"""

from __future__ import annotations

import re

from grader.errors import UsageError

LOCAL = re.compile(r"local:(\d+)")
ADDRESS = re.compile(r"(tcp|tls|ws|wss|ucx|inproc)://\S+")
INSTALL_HINT = ("Install the cluster extra, `pip install 'fastbook-grader[cluster]'` (it adds Dask's "
                "`distributed`), on this machine and on every worker machine, then run the same command "
                "again; without --scheduler, `grader batch` grades on this machine's own worker pool.")


def check_scheduler(scheduler: str, *, jobs: int | None = None) -> None:
    """Fail early, before any planning, on an address we cannot use or a missing `distributed`."""
    if not (LOCAL.fullmatch(scheduler) or ADDRESS.fullmatch(scheduler)):
        raise UsageError(f"--scheduler: {scheduler!r} is not a Dask scheduler address",
                         hint="Give the address `dask scheduler` printed (tcp://HOST:8786), or local:N "
                              "to start N worker processes on this machine.")
    match = LOCAL.fullmatch(scheduler)
    if match and int(match.group(1)) < 1:
        raise UsageError("--scheduler local:N needs at least one worker (local:1 or more)")
    if jobs is not None:
        raise UsageError("--jobs does not apply with --scheduler: the cluster's workers grade",
                         hint="Drop --jobs; use --scheduler local:N for N worker processes here, or "
                              "start more `dask worker` processes for a remote scheduler.")
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError("--scheduler needs Dask distributed, which is not installed here.",
                         hint=INSTALL_HINT) from None
