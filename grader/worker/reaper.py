"""Cleanup tied to the grading process's life: a small reaper process that outlives a killed grader.

`grading.grade` removes its work folder, its workers and their cgroups in a `finally`; a grading
process killed with SIGKILL (the batch slot's `--max-time`, the out-of-memory killer, `kill -9`) runs
no `finally`. So the first grading of a process starts a reaper: `python -m grader.worker.reaper`, in
a session of its own (a signal to the grader's process group does not reach it), reading what to
remove from a pipe. Only the grading process holds the pipe's write end; when that process ends, in
whatever way, the pipe reaches end-of-file and the reaper removes everything still registered:

- `cgroup PATH`: the process's group of cgroups: every process in it (workers, kernels, their
  children, the zygote of a `grader check`) is killed, then the folders are removed;
- `uid N`: a worker's own user (where there are no cgroups): its processes are killed;
- `mount PATH`: a size-limited work folder: unmounted;
- `folder PATH`: a work folder, a zygote's or a kernel's home: removed.

The reaper imports nothing heavy (no torch) and starts in tens of milliseconds, once per process.
A grading that ends normally removes what it made itself and says `forget PATH`.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from grader.worker import cgroup

_CURRENT: "Reaper | None" = None


class Reaper:
    """The trusted process's handle: registers what the reaper must remove if this process dies."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        read, self._pipe = os.pipe()
        os.set_inheritable(self._pipe, False)
        from grader.worker.client import PACKAGE_ROOT

        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": PACKAGE_ROOT, "PYTHONDONTWRITEBYTECODE": "1"}
        self.proc = subprocess.Popen([sys.executable, "-P", "-s", "-m", "grader.worker.reaper"],
                                     stdin=read, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=env, cwd="/", start_new_session=True)
        os.close(read)
        self.group = cgroup.Group.create(f"grader-{os.getpid()}-{secrets.token_hex(4)}")
        """This process's cgroup: workers and kernels get groups of their own inside it."""
        if self.group is not None:
            for folder in self.group.paths():
                self.tell("cgroup", folder)

    def tell(self, kind: str, value: str | int) -> None:
        """Register something for removal (kinds: cgroup, uid, mount, folder; `forget`: done with it)."""
        line = f"{kind} {value}\n".encode()
        if b"\n" in line[:-1] or os.getpid() != self.pid:
            return
        try:
            os.write(self._pipe, line)
        except OSError:
            pass

    def forget(self, value: str | int) -> None:
        self.tell("forget", value)


def current() -> Reaper:
    """This process's reaper, started on first use (a forked child gets its own)."""
    global _CURRENT
    if _CURRENT is None or _CURRENT.pid != os.getpid():
        if _CURRENT is not None:  # inherited from the process we were forked from: not ours to use
            try:
                os.close(_CURRENT._pipe)
            except OSError:
                pass
        _CURRENT = Reaper()
    return _CURRENT


def active() -> Reaper | None:
    """This process's reaper if it has one already (never starts one)."""
    return _CURRENT if _CURRENT is not None and _CURRENT.pid == os.getpid() else None


# -- the reaper process ----------------------------------------------------------------------------
def _clean(items: list[tuple[str, str]]) -> None:
    """Remove what is registered: processes first (they hold folders and mounts), then the rest."""
    from pathlib import Path

    groups = [Path(v) for k, v in items if k == "cgroup"]
    if groups:
        cgroup.remove_tree(groups, rounds=200)
    for kind, value in items:
        if kind == "uid" and value.isdigit():
            from grader.worker import sandbox

            sandbox.sweep_user(int(value))
    for kind, value in items:
        if kind == "mount":
            from grader.worker import linux

            try:
                linux.umount(value, detach=True)
            except OSError:
                pass
    import shutil

    for kind, value in items:
        if kind == "folder":
            shutil.rmtree(value, ignore_errors=True)


def main() -> None:
    import signal

    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_IGN)
    items: list[tuple[str, str]] = []
    for raw in sys.stdin.buffer:
        kind, _, value = raw.decode("utf-8", "surrogateescape").rstrip("\n").partition(" ")
        if kind == "forget":
            items = [item for item in items if item[1] != value]
        elif kind in ("cgroup", "uid", "mount", "folder") and value:
            items.append((kind, value))
    _clean(items)


if __name__ == "__main__":
    main()
