"""Confinement of a worker child beyond rlimits (run right after fork, before any learner code).

Each measure is best effort: where the system refuses (no namespaces in a container, not root on a
laptop), the worker still runs and `MEASURES` says what was not applied and why. What the measures
guarantee, and what they do not, is written down in docs/SANDBOX.md.

Measures, in the order they are applied:
- `network`: a network namespace of its own (no interfaces but a downed loopback): nothing to reach.
- `ipc`: an IPC namespace of its own: System V shared memory, semaphores and message queues made by
  the worker are visible to no other worker (no talking between learners of a batch) and are
  removed by the kernel when the worker's last process ends (nothing survives the grading).
- `filesystem`: a mount namespace where every top-level folder that is not the system's
  (/home, /root, /tmp, /work, /srv, /var...) is replaced by an empty tmpfs, except the paths the
  worker needs (the Python environment, the grader package, its own working directory) which are
  bound back; then everything is read-only except the working directory, a small /tmp and /dev/shm.
- `proc`: /proc remounted so that the worker sees only its own processes (root only).
- `user`: when the grader runs as root, the worker switches to a uid/gid of its own
  (`SANDBOX_UID_BASE + pid`): instructor files and other workers are out of reach, the process-count
  limit applies to it alone, and everything it leaves behind can be killed by uid.
- `capabilities`, `no_new_privs`: no privileges left, and no way to regain them through set-uid files.
- `links`: creating links is refused (seccomp), so that no path the trusted side later uses in the
  working directory can be made to point elsewhere.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import sys
from pathlib import Path

SANDBOX_UID_BASE = 1_500_000_000
"""Workers run as uid/gid SANDBOX_UID_BASE + their pid (when the grader runs as root)."""

VISIBLE_TOP_LEVEL = frozenset({"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "dev",
                               "proc", "sys", "opt", "nix", "gnu"})
"""Top-level folders a worker sees as they are (read-only); every other one is hidden."""

SCRATCH_TMP_MB = 64
"""Size of the private /tmp a worker gets where /tmp had to be hidden (TMPDIR is its own folder)."""

MEASURES: dict[str, str] = {}
"""What `confine` applied in this worker: measure name -> "on", or "off: <why>"."""


GUARANTEES = {
    "network": "the learner's code could reach the network",
    "filesystem": "the learner's code could read files outside its folder (other learners', yours)",
    "user": "the learner's code ran as the grader's user (it could signal the grader's processes)",
    "ipc": "learners' code could exchange System V messages and shared memory, which outlive the run",
    "cgroup_memory": "memory held in shared memory or memfds was not counted against the limit",
    "cgroup_pids": "processes were limited per user, not per worker",
    "cgroup_cpu": "timing could not verify that the worker was idle while the reference was timed",
    "work_folder": "the disk limit was checked once a second during calls, not enforced by the system",
}
"""Measure -> what is not guaranteed when it is off (shown in reports; see docs/SANDBOX.md)."""


def dropped_guarantees(measures: dict[str, str]) -> list[str]:
    """The guarantees lost in a run, from the measures its worker recorded ("off: ..." ones)."""
    if any(v.startswith("off") for k, v in measures.items() if k == "sandbox"):
        return ["the sandbox was off (GRADER_SANDBOX=off): none of its guarantees held"]
    return [text for name, text in GUARANTEES.items() if str(measures.get(name, "on")).startswith("off")]


def options_from_env(environ: dict | None = None) -> dict:
    """The trusted side's sandbox settings; GRADER_SANDBOX=off disables confinement (debugging only)."""
    value = (environ if environ is not None else os.environ).get("GRADER_SANDBOX", "on").strip().lower()
    return {"enabled": value not in ("off", "0", "no", "false")}


def uid_for(pid: int) -> int:
    """The uid (and gid) a worker with this pid runs as, when workers get a user of their own."""
    return SANDBOX_UID_BASE + pid


def confine(request: dict) -> None:
    """Apply the confinement the spawn request asks for, recording each measure in `MEASURES`."""
    from grader.worker import linux

    MEASURES.clear()
    options = request.get("confine") or {}
    if not options.get("enabled", True):
        MEASURES["sandbox"] = "off: disabled by GRADER_SANDBOX=off"
        return
    if not sys.platform.startswith("linux"):
        MEASURES["sandbox"] = f"off: no sandbox on {sys.platform} (limits only)"
        return
    workdir = os.path.realpath(request["workdir"])
    root = os.geteuid() == 0
    if not root:
        MEASURES["user"] = "off: the grader does not run as root, so the worker runs as you"
        _record("user_namespace", lambda: _enter_user_namespace(linux))
    _record("network", lambda: linux.unshare(linux.CLONE_NEWNET))
    if options.get("ipc", True):
        _record("ipc", lambda: linux.unshare(linux.CLONE_NEWIPC))
    else:
        MEASURES["ipc"] = "off: not asked for"
    own_mounts = _record("filesystem", lambda: linux.unshare(linux.CLONE_NEWNS))
    if own_mounts and _record("filesystem", lambda: _build_view(linux, workdir, options,
                                                                  request.get("limits") or {})):
        _record("read_only", lambda: _read_only(linux, workdir))
    else:
        MEASURES["read_only"] = "off: no mount namespace"
    if root and own_mounts:  # never on the host's /proc: only inside a mount namespace of our own
        _record("proc", lambda: linux.mount("proc", "/proc", "proc",
                                            linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC,
                                            "hidepid=invisible"))
    elif root:
        MEASURES["proc"] = "off: no mount namespace"
    if root and _record("user", lambda: _switch_user(workdir)):
        request.setdefault("limits", {})["own_user"] = True
    _record("no_new_privs", lambda: linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1))
    _record("capabilities", linux.drop_capabilities)
    _record("links", linux.forbid_links)


def join_container(request: dict, pid: int = 0) -> dict[str, str]:
    """Move process `pid` (0: this one) into the cgroup the trusted side made for it, before it runs
    any learner code; returns the cgroup measures ("on", or "off: why") to record."""
    measures = {str(k): str(v) for k, v in (request.get("measures") or {}).items()}
    paths = request.get("paths") or []
    if paths:
        from grader.worker import cgroup

        try:
            cgroup.join(paths, pid)
        except OSError as exc:
            measures = {name: f"off: could not join the cgroup ({exc})" for name in measures}
    return measures


def _record(name: str, action) -> bool:
    """Run one measure; remember "on", or "off: why" (a later refusal of the same measure wins)."""
    try:
        action()
    except Exception as exc:  # whatever the system says, the worker runs; the refusal is recorded
        MEASURES[name] = f"off: {exc}"
        return False
    MEASURES.setdefault(name, "on")
    return not MEASURES[name].startswith("off")


def _enter_user_namespace(linux) -> None:
    """Not root: a user namespace of our own gives the right to make the other namespaces."""
    uid, gid = os.getuid(), os.getgid()
    linux.unshare(linux.CLONE_NEWUSER)
    linux.write_id_maps(uid, gid)


# -- the file-system view ------------------------------------------------------------------------
def needed_paths(extra: list[str] = ()) -> list[str]:
    """Paths a worker must read: its Python, the environment's packages, the grader, what it maps.

    A source checkout on `sys.path` (an editable install) is not needed whole: only its `grader`
    package is, so solutions, tests and the rest of the checkout stay hidden.
    """
    import grader

    package = os.path.dirname(os.path.realpath(grader.__file__))
    checkout = os.path.dirname(package)
    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                  os.path.dirname(sys.executable), package, *sys.path, *extra, *_mapped_folders()]
    found = set()
    for path in candidates:
        if not path or not os.path.isabs(path):
            continue
        for form in {os.path.abspath(path), os.path.realpath(path)}:
            if form == checkout and os.path.basename(form) not in ("site-packages", "dist-packages"):
                continue
            if os.path.exists(form) and form != "/":
                found.add(form)
    return _outermost(found)


def _mapped_folders() -> set[str]:
    """Folders of the files this process has mapped (shared libraries loaded by the imports)."""
    folders = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split(None, 5)
                if len(fields) == 6 and fields[5].startswith("/"):
                    folders.add(os.path.dirname(fields[5].rstrip("\n").removesuffix(" (deleted)")))
    except OSError:
        pass
    return folders


def _outermost(paths) -> list[str]:
    """Drop every path that lies inside another one of the set."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def _build_view(linux, workdir: str, options: dict, limits: dict) -> None:
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    keep = _outermost([*needed_paths(options.get("readable", [])), workdir])
    fds = {path: os.open(path, os.O_PATH) for path in keep}  # opened in this namespace, before hiding
    bound: set[str] = set()
    try:
        for top in sorted(os.listdir("/")):
            path = "/" + top
            if (top in VISIBLE_TOP_LEVEL or path in keep or os.path.islink(path)
                    or not os.path.isdir(path)):
                continue
            inside = [k for k in keep if k.startswith(path + "/")]
            _hide(linux, path, inside, fds, scratch=(top == "tmp"))
            bound.update(inside)
        if workdir not in bound:
            linux.mount(workdir, workdir, None, linux.MS_BIND | linux.MS_REC)  # a mount of its own
        if os.path.isdir("/dev/shm"):
            shm_mb = max(16, min(int(limits.get("memory_mb", 1024)), 1024))
            linux.mount("tmpfs", "/dev/shm", "tmpfs", linux.MS_NOSUID | linux.MS_NODEV,
                        f"size={shm_mb}m,mode=1777")
    finally:
        for fd in fds.values():
            os.close(fd)


def _read_only(linux, workdir: str) -> None:
    """Every mount read-only (and no set-uid), except the worker's folder and its scratch space."""
    linux.mount_setattr("/", set_flags=linux.MOUNT_ATTR_RDONLY | linux.MOUNT_ATTR_NOSUID, recursive=True)
    for path in (workdir, "/dev/shm", "/tmp"):
        if os.path.ismount(path) or path == workdir:
            linux.mount_setattr(path, clear_flags=linux.MOUNT_ATTR_RDONLY)


def _hide(linux, folder: str, keep: list[str], fds: dict[str, int], *, scratch: bool) -> None:
    """Cover `folder` with an empty tmpfs, then bind each kept path back at its place."""
    size, mode = (f"{SCRATCH_TMP_MB}m", "1777") if scratch else ("1m", "755")
    linux.mount("tmpfs", folder, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, f"size={size},mode={mode}")
    for path in keep:
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        if os.path.isdir(f"/proc/self/fd/{fds[path]}"):
            os.makedirs(path, mode=0o755, exist_ok=True)
        else:
            open(path, "a").close()
        linux.mount(f"/proc/self/fd/{fds[path]}", path, None, linux.MS_BIND | linux.MS_REC)


# -- the user ------------------------------------------------------------------------------------
def _switch_user(workdir: str) -> None:
    """As root: become a user of our own that can read the environment and write only its folder."""
    uid = gid = uid_for(os.getpid())
    unreadable = [p for p in needed_paths() if not _readable_by_others(p)]
    if unreadable:
        raise OSError(errno.EACCES, f"{unreadable[0]} is not readable by other users")
    if not _readable_by_others(os.path.dirname(workdir)):
        raise OSError(errno.EACCES, f"the worker's folder {workdir} is not reachable by other users")
    os.chown(workdir, uid, gid)
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    from grader.worker import linux

    linux.prctl(linux.PR_SET_DUMPABLE, 1)  # keeps /proc/self readable by itself (subprocess uses it)


def _readable_by_others(path: str) -> bool:
    """Whether a user with no relation to the owner can reach and read `path` (mode bits only)."""
    current = Path(path)
    try:
        for folder in [current, *current.parents]:
            mode = folder.stat().st_mode
            if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
                return False
        return bool(current.stat().st_mode & stat.S_IROTH)
    except OSError:
        return False


# -- after a worker ends (run by the zygote) -----------------------------------------------------
def sweep_user(uid: int, rounds: int = 50) -> None:
    """Kill every process of `uid` (daemons and setsid escapers of a dead worker). Root only.

    A short-lived helper takes the uid and signals everything it may (`kill(-1)`), so that nothing
    of another uid can be hit by mistake.
    """
    if os.geteuid() != 0 or uid < SANDBOX_UID_BASE:
        return
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for _ in range(rounds):
                os.kill(-1, signal.SIGKILL)
        except BaseException:
            pass
        finally:
            os._exit(0)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def adopted_orphans(known: set[int]) -> list[int]:
    """Children of this (subreaper) process that it did not fork itself: escapers of dead workers."""
    found = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children") as handle:
                found += [int(p) for p in handle.read().split()]
        except OSError:
            continue
    return [pid for pid in found if pid not in known]


def kill_orphans(known: set[int]) -> int:
    """SIGKILL adopted orphans and their process groups; returns how many were found."""
    orphans = adopted_orphans(known)
    own_group = os.getpgrp()
    for pid in orphans:
        try:
            group = os.getpgid(pid)
            if group != own_group:
                os.killpg(group, signal.SIGKILL)
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return len(orphans)
