"""A grading's work folder as a size-limited tmpfs of its own, where the machine permits a mount.

The trusted side polls the folder's size while it waits for a reply (`Worker._check_disk`); a
background writer that fills the disk while the trusted side is busy elsewhere would escape the poll.
A tmpfs mounted on the work folder bounds what can ever be written there, by the kernel: its size is
the disk limit plus room for the data sets the grader itself places in the folder, and its inode
count the file limit plus the same kind of room. Its pages are memory: a worker's writes there count
against the worker's memory cgroup as well. When the grading ends, or its reaper finds it killed, the
tmpfs is unmounted and everything in it is gone at once.

Where mounting is refused (not root, a container without CAP_SYS_ADMIN), the folder stays on the
disk and only the poll limits it (docs/SANDBOX.md, "Disk").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from grader.worker.limits import Limits

TRUSTED_ROOM_MB = 512
"""Room beyond the disk limit for the grader's own files in the folder (data sets, reports)."""
TRUSTED_ROOM_FILES = 20_000


def mount_private(folder: Path, limits: Limits) -> str:
    """Mount a fresh tmpfs on the (empty) `folder`; "on", or "off: why" when the system refuses."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "off: mounting needs root"
    from grader.worker import linux

    size_mb = int(limits.disk_mb) + TRUSTED_ROOM_MB
    inodes = int(limits.max_files) + TRUSTED_ROOM_FILES
    try:
        linux.mount("tmpfs", str(folder), "tmpfs", linux.MS_NOSUID | linux.MS_NODEV,
                    f"size={size_mb}m,nr_inodes={inodes},mode=0755")
    except OSError as exc:
        return f"off: {exc}"
    return "on"


def unmount(folder: Path) -> None:
    """Unmount the folder's tmpfs (lazily: a process still inside cannot keep it)."""
    from grader.worker import linux

    try:
        linux.umount(str(folder), detach=True)
    except OSError:
        pass


def private_tempdir(prefix: str) -> "Path":
    """A new private (0700) temporary folder whose name has no digits.

    Learner code sees paths under it (the data sets the tests hand out), so a path check such as
    `'13' in str(path)` must not pass or fail by the luck of a random folder name."""
    import secrets
    import string
    import tempfile
    from pathlib import Path

    base = Path(tempfile.gettempdir())
    for _ in range(100):
        path = base / (prefix + "".join(secrets.choice(string.ascii_lowercase) for _ in range(12)))
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free temporary folder named {prefix}… in {base}")



@dataclass(frozen=True)
class RunFolder:
    """One grading's folders. Made before the grading when a batch starts a notebook's kernel
    ahead (the kernel must live in, and see, the work folder its grading will use)."""

    root: Path
    """The private folder of the run, removed when the grading ends."""
    work: Path
    """`root/work`: the folder learner code sees and writes (a tmpfs of its own where permitted)."""
    mounted: str
    """`on`, or `off: why` (`mount_private`)."""


def make_run_folder(limits: Limits, owner) -> RunFolder:
    """Make a grading's folders; `owner` (the process's reaper) removes them if the process is killed."""
    root = private_tempdir("grader-run-")
    owner.tell("folder", root)
    work = root / "work"
    work.mkdir()
    owner.tell("mount", work)
    return RunFolder(root=root, work=work, mounted=mount_private(work, limits))


def remove_run_folder(run: RunFolder, owner) -> None:
    import shutil

    if run.mounted == "on":
        unmount(run.work)
    shutil.rmtree(run.root, ignore_errors=True)
    owner.forget(run.work)
    owner.forget(run.root)
