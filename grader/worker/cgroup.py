"""Control groups: each worker, and every process it starts, accounted and limited as one container.

Per-process limits (rlimits) and sampling from /proc miss what a worker hides from them: memory held
in memfds, shared memory or tmpfs files that no process maps; CPU of child processes that already
exited; processes that left the worker's session. A cgroup sees all of it: the kernel charges every
page (shmem included) and every CPU cycle of every process inside to it, whatever the process does,
and a worker cannot leave it (its files belong to root; the worker has no capabilities).

What is used, per controller, where the machine has it:
- `memory`: a hard limit (memory.limit_in_bytes / memory.max, swap included), which the kernel enforces
  with its OOM killer inside the group only;
- `pids`: a limit on the processes and threads of the group (fork bombs stop there);
- `cpu`: the group's CPU time (cpuacct.usage / cpu.stat), which keeps the time of exited processes;
- `kill`: every process of the group, killed at once (cgroup.kill) or one by one until none is left.

cgroup v1 hierarchies (one mount per controller) and v2 (one unified mount) are both read from
/proc/self/mountinfo and /proc/self/cgroup; a controller found in neither, or whose folder this
process cannot write (not root, a read-only /sys), is listed in `missing()` with the reason, and
docs/SANDBOX.md says which guarantee drops then.
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import time
from pathlib import Path

ROLES = ("memory", "pids", "cpu")
_V1_NAMES = {"memory": "memory", "pids": "pids", "cpu": "cpuacct"}


def _mounts() -> tuple[dict[str, Path], Path | None]:
    """v1 mount point per controller name, and the v2 (unified) mount point."""
    v1, v2 = {}, None
    try:
        with open("/proc/self/mountinfo") as info:
            lines = info.read().splitlines()
    except OSError:
        return v1, v2
    for line in lines:
        left, _, right = line.partition(" - ")
        fields, rest = left.split(), right.split()
        if len(fields) < 5 or len(rest) < 3:
            continue
        point = Path(fields[4].replace("\\040", " "))
        if rest[0] == "cgroup2" and v2 is None:
            v2 = point
        elif rest[0] == "cgroup":
            for option in rest[2].split(","):
                v1.setdefault(option, point)
    return v1, v2


def _own_paths() -> tuple[dict[str, str], str | None]:
    """This process's cgroup path per v1 controller name, and its v2 path."""
    v1, v2 = {}, None
    try:
        with open("/proc/self/cgroup") as own:
            lines = own.read().splitlines()
    except OSError:
        return v1, v2
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            v2 = parts[2]
        for name in parts[1].split(","):
            if name:
                v1[name] = parts[2]
    return v1, v2


def _writable_base(folder: Path) -> str | None:
    """Why a group cannot be made under `folder`, or None when it can."""
    probe = folder / f"grader-probe-{os.getpid()}-{secrets.token_hex(3)}"
    try:
        probe.mkdir()
    except OSError as exc:
        return f"cannot create a cgroup in {folder} ({os.strerror(exc.errno or errno.EACCES)})"
    try:
        probe.rmdir()
    except OSError:
        pass
    return None


_FOUND: tuple[int, dict[str, Path], dict[str, str], Path | None] | None = None


def _discover() -> tuple[dict[str, Path], dict[str, str], Path | None]:
    """Base folder (this process's own cgroup) per role, reasons for the missing roles, and the v2
    folder (for cgroup.kill and cpu.stat, which v2 has without any controller)."""
    global _FOUND
    if _FOUND is not None and _FOUND[0] == os.getpid():
        return _FOUND[1], _FOUND[2], _FOUND[3]
    bases: dict[str, Path] = {}
    missing: dict[str, str] = {}
    mounts, unified = _mounts()
    own, own_v2 = _own_paths()
    v2_base = unified / own_v2.lstrip("/") if unified is not None and own_v2 is not None else None
    if v2_base is not None and (not v2_base.is_dir() or _writable_base(v2_base)):
        v2_base = None
    v2_controllers: set[str] = set()
    if v2_base is not None:
        try:
            v2_controllers = set((v2_base / "cgroup.controllers").read_text().split())
        except OSError:
            pass
    for role in ROLES:
        name = _V1_NAMES[role]
        if name in mounts and name in own:
            base = mounts[name] / own[name].lstrip("/")
            why = _writable_base(base) if base.is_dir() else f"{base} is not visible here"
            if why is None:
                bases[role] = base
                continue
            missing[role] = why
        elif v2_base is not None and (role == "cpu" or role in v2_controllers):
            bases[role] = v2_base
            missing.pop(role, None)
        else:
            missing.setdefault(role, f"no {name} controller is mounted (cgroup v1) or enabled (v2)")
    if os.geteuid() != 0 and not bases:
        missing = {role: "the grader does not run as root" for role in ROLES}
    _FOUND = (os.getpid(), bases, missing, v2_base)
    return bases, missing, v2_base


def missing() -> dict[str, str]:
    """Roles (memory, pids, cpu) that no group of this machine can have, with the reason."""
    return dict(_discover()[1])


class Group:
    """One cgroup, as a folder in each hierarchy used (a v1 machine has one per controller)."""

    def __init__(self, folders: dict[str, Path], kill_folder: Path | None):
        self.folders = folders
        """Role -> the group's folder in the hierarchy that serves that role."""
        self.kill_folder = kill_folder
        """The group's folder in the v2 hierarchy (cgroup.kill), when there is one."""
        self._cpu_file: tuple[str, bool] | None = None

    # -- making and removing -----------------------------------------------------------------
    @classmethod
    def create(cls, name: str, parent: "Group | None" = None) -> "Group | None":
        """A new group `name` under `parent` (else under this process's own cgroup); None if none can be
        made here at all."""
        if parent is None:
            bases, _, v2 = _discover()
            kill_base = v2
        else:
            bases, kill_base = parent.folders, parent.kill_folder
        folders: dict[str, Path] = {}
        for role, base in bases.items():
            folder = base / name
            if folder not in folders.values():
                try:
                    folder.mkdir(exist_ok=True)
                except OSError:
                    continue
            folders[role] = folder
        kill_folder = None
        if kill_base is not None:
            candidate = kill_base / name
            try:
                candidate.mkdir(exist_ok=True)
                kill_folder = candidate if (candidate / "cgroup.procs").exists() else None
            except OSError:
                kill_folder = None
        if not folders and kill_folder is None:
            return None
        if parent is None and bases.get("memory") is not None and "memory" in folders:
            _enable_v2_controllers(folders)
        return cls(folders, kill_folder)

    def child(self, prefix: str) -> "Group | None":
        return Group.create(f"{prefix}-{secrets.token_hex(4)}", self)

    def paths(self) -> list[str]:
        """Every folder of the group (what a process writes its pid into to join it)."""
        out = [str(f) for f in self.folders.values()]
        if self.kill_folder is not None and str(self.kill_folder) not in out:
            out.append(str(self.kill_folder))
        return sorted(set(out))

    def remove(self, rounds: int = 100) -> bool:
        """Kill every process in the group (and its sub-groups), then remove its folders."""
        folders = [Path(p) for p in self.paths()]
        return remove_tree(folders, rounds)

    # -- limits ---------------------------------------------------------------------------------
    def limit(self, *, memory_bytes: int | None = None, pids: int | None = None) -> dict[str, str]:
        """Set the limits the group's hierarchies support; returns role -> "on" or "off: why"."""
        applied = {}
        folder = self.folders.get("memory")
        if memory_bytes is not None:
            if folder is None:
                applied["memory"] = "off: " + missing().get("memory", "no memory controller")
            else:
                applied["memory"] = _attempt(lambda: _memory_limit(folder, memory_bytes))
        folder = self.folders.get("pids")
        if pids is not None:
            if folder is None:
                applied["pids"] = "off: " + missing().get("pids", "no pids controller")
            else:
                applied["pids"] = _attempt(lambda: _write(folder / "pids.max", str(pids)))
        return applied

    # -- reading ------------------------------------------------------------------------------------
    def cpu_seconds(self) -> float | None:
        """CPU time of every process that ever ran in the group (exited ones included).

        Read on every timed request: one open and read of one small file."""
        folder = self.folders.get("cpu")
        if folder is None:
            return None
        if self._cpu_file is None:
            v1 = folder / "cpuacct.usage"
            self._cpu_file = (str(v1), True) if v1.exists() else (str(folder / "cpu.stat"), False)
        path, v1 = self._cpu_file
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                data = os.read(fd, 4096)
            finally:
                os.close(fd)
            if v1:
                return int(data) / 1e9
            for line in data.split(b"\n"):
                if line.startswith(b"usage_usec "):
                    return int(line.split()[1]) / 1e6
        except (OSError, ValueError):
            return None
        return None

    def processes(self) -> list[int]:
        """Pids of the processes in the group now (sub-groups included)."""
        found: set[int] = set()
        for folder in self.paths():
            found.update(_procs_below(Path(folder)))
        return sorted(found)

    def oom_kills(self) -> int:
        """How many processes the kernel killed in the group for going over its memory limit."""
        folder = self.folders.get("memory")
        if folder is None:
            return 0
        for name in ("memory.oom_control", "memory.events"):
            try:
                for line in (folder / name).read_text().splitlines():
                    if line.startswith("oom_kill "):
                        return int(line.split()[1])
            except (OSError, ValueError):
                continue
        return 0


def join(paths: list[str], pid: int = 0) -> None:
    """Move process `pid` (0: the caller) into the group whose folders are `paths`; raises OSError."""
    pid = pid or os.getpid()
    for folder in paths:
        _write(Path(folder) / "cgroup.procs", str(pid))


def _enable_v2_controllers(folders: dict[str, Path]) -> None:
    """On v2, the controllers must be enabled for the group's children (refused if it holds processes)."""
    for role in ("memory", "pids"):
        folder = folders.get(role)
        if folder is not None and (folder / "cgroup.subtree_control").exists():
            try:
                _write(folder / "cgroup.subtree_control", f"+{role}")
            except OSError:
                pass


def _memory_limit(folder: Path, limit: int) -> None:
    if (folder / "memory.limit_in_bytes").exists():  # v1: the limit first, then memory + swap
        _write(folder / "memory.limit_in_bytes", str(limit))
        if (folder / "memory.memsw.limit_in_bytes").exists():
            _write(folder / "memory.memsw.limit_in_bytes", str(limit))
    else:
        _write(folder / "memory.max", str(limit))
        if (folder / "memory.swap.max").exists():
            _write(folder / "memory.swap.max", "0")


def _attempt(action) -> str:
    try:
        action()
    except OSError as exc:
        return f"off: {exc}"
    return "on"


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _procs_below(folder: Path) -> set[int]:
    found: set[int] = set()
    for current, subfolders, _files in os.walk(folder):
        try:
            found.update(int(p) for p in Path(current, "cgroup.procs").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def remove_tree(folders: list[Path], rounds: int = 100) -> bool:
    """Kill everything in these group folders (sub-groups included) and remove them, deepest first.

    Used in the trusted process and by the reaper. A fork bomb is bounded by the group's pid limit,
    so repeated rounds of SIGKILL empty it. Returns whether every folder is gone.
    """
    folders = [f for f in folders if f.is_dir()]
    for folder in folders:
        if (folder / "cgroup.kill").exists():
            try:
                _write(folder / "cgroup.kill", "1")
            except OSError:
                pass
    for attempt in range(rounds):
        alive: set[int] = set()
        for folder in folders:
            alive.update(_procs_below(folder))
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if _rmdir_all(folders):
            return True
        time.sleep(0.002 if attempt < 10 else 0.02)
    return False


def _rmdir_all(folders: list[Path]) -> bool:
    done = True
    for folder in folders:
        if not folder.is_dir():
            continue
        subfolders = sorted((Path(c) for c, _s, _f in os.walk(folder)), key=lambda p: -len(p.parts))
        for sub in subfolders:
            try:
                sub.rmdir()
            except FileNotFoundError:
                pass
            except OSError:
                done = False
    return done
