"""Starting a grading kernel, and the trusted side's handle on it.

`start_kernel` launches `grader.notebook.launch` (an IPython kernel under the worker's limits) with
jupyter_client, in a private folder with a stripped environment, and returns at once: the kernel
imports torch and gets ready while the caller does other work (batch grading starts the next
submission's kernel while the current one is graded). Its fastai home holds the generated data sets
(`--data generated`, the default) or points at the user's own fastai cache (`--data real`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from grader.notebook import kernel_home
from grader.worker.limits import Limits
from grader.worker.workspace import private_tempdir

DATA_CHOICES = ("generated", "real")
KERNEL_LABEL = "the grader's Python {major}.{minor} kernel (python3)"
NO_NETWORK_PROXY = "http://127.0.0.1:9"
"""Downloads fail at once (connection refused) instead of hanging: nothing is fetched while grading."""
LOG_BYTES = 64_000
KERNEL_BASE_MB = 1536
"""Memory a kernel's cgroup allows beyond the limit: what the kernel itself uses (torch, ipykernel,
fastai imported by the notebook), which is not the learner's doing."""
MEASURES_BYTES = 16_000
"""Largest `.sandbox.json` read back from a kernel's folder."""


def kernel_label() -> str:
    return KERNEL_LABEL.format(major=sys.version_info.major, minor=sys.version_info.minor)


class KernelHandle:
    """One started grading kernel: its manager, folder, fastai home and output log."""

    def __init__(self, km, home: Path, fastai_home: Path, log_path: Path, *, data: str,
                 own_home: bool, notes: list[str], preparing: threading.Thread | None):
        self.km = km
        """The jupyter_client AsyncKernelManager (nbclient drives it)."""
        self.home = home
        """The kernel's working folder and HOME."""
        self.fastai_home = fastai_home
        """Where `untar_data` looks (FASTAI_HOME in the kernel)."""
        self.log_path = log_path
        """The kernel process's own stdout/stderr (what bypasses the notebook's outputs)."""
        self.data = data
        self.own_home = own_home
        self.notes = notes
        """Things the learner should know about this kernel (data missing, ...)."""
        self.started = time.monotonic()
        self.readable: list[Path] = []
        """Folders the kernel may read besides its own (with the sandbox on)."""
        self.sandboxed = True
        """Whether the sandbox was asked for (GRADER_SANDBOX is not `off`)."""
        self._preparing = preparing
        self._closed = False
        self.group = None
        """The kernel's cgroup (grader.worker.cgroup.Group), when the machine has cgroups."""

    def can_read(self, path: Path) -> bool:
        """Whether the kernel sees `path` (inside its folder or a readable one, or no sandbox)."""
        path = Path(path).resolve()
        folders = [self.home, *self.readable]
        return not self.sandboxed or any(path == f or f in path.parents for f in folders)

    def measures(self) -> dict[str, str]:
        """The sandbox measures the kernel applied before any learner code ran ({} if unknown)."""
        from grader.worker.files import read_capped

        try:  # the kernel's folder is the learner's: the file may be a pipe or a link by now
            raw, more = read_capped(self.home / ".sandbox.json", MEASURES_BYTES)
            data = json.loads(raw) if not more else None
        except (OSError, ValueError, RecursionError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None)

    @property
    def process(self) -> subprocess.Popen | None:
        return getattr(getattr(self.km, "provisioner", None), "process", None)

    @property
    def alive(self) -> bool:
        process = self.process
        return process is not None and process.poll() is None

    def wait_data(self) -> None:
        """Block until the kernel's data sets are in place (copied in a background thread)."""
        if self._preparing is not None:
            self._preparing.join()
            self._preparing = None

    def interrupt(self) -> None:
        """SIGINT to the kernel's process group (what Jupyter's "interrupt" does)."""
        if self.pid is not None:
            try:
                os.killpg(self.pid, signal.SIGINT)
            except OSError:
                pass

    def exit_status(self, timeout: float = 2.0) -> int | None:
        """The kernel's return code once it has ended (negative: killed by that signal), else None."""
        process = self.process
        if process is None:
            return None
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def oom_kills(self) -> int:
        """Processes of the kernel's cgroup the kernel killed for memory (0 without a cgroup)."""
        return self.group.oom_kills() if self.group is not None else 0

    def kill(self) -> None:
        """Kill the kernel and everything it started (its cgroup, its session, its own user's)."""
        if self.pid is not None:
            from grader.worker import sandbox

            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass
            sandbox.sweep_user(sandbox.uid_for(self.pid))
        if self.group is not None:
            self.group.remove()
            self.group = None
        process = self.process
        if process is not None:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def close(self) -> None:
        """Kill the kernel, release its connection files, and remove its folder if it made it."""
        if self._closed:
            return
        self._closed = True
        self.kill()
        self.wait_data()
        try:
            from jupyter_core.utils import run_sync

            run_sync(self.km.cleanup_resources)()
        except Exception:  # the kernel is dead anyway; leftover files are in its folder
            pass
        if self.own_home:
            shutil.rmtree(self.home, ignore_errors=True)
            from grader.worker import reaper

            owner = reaper.active()
            if owner is not None:
                owner.forget(self.home)

    def output_text(self, limit: int = LOG_BYTES) -> str:
        """The start of the kernel's own log (C-level output, crashes), at most `limit` bytes."""
        from grader.worker.files import read_capped

        try:  # in the kernel's folder: replaced by a named pipe, plain open() would block forever
            data, more = read_capped(self.log_path, limit)
        except OSError:
            return ""
        text = data.decode("utf-8", errors="replace")
        return text + ("\n... (more output not kept)" if more else "")


def kernel_env_base() -> dict[str, str]:
    """The environment every grading kernel has, whatever its folder (what a template imports under)."""
    return {
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "http_proxy": NO_NETWORK_PROXY, "https_proxy": NO_NETWORK_PROXY,
        "HTTP_PROXY": NO_NETWORK_PROXY, "HTTPS_PROXY": NO_NETWORK_PROXY,
        "no_proxy": "", "NO_PROXY": "",
    }


def start_kernel(*, home: Path | None = None, limits: Limits | None = None, data: str = "generated",
                 cuda: bool | None = None, readable: list[Path] | tuple = (),
                 preload: list[str] | tuple = ()) -> KernelHandle:
    """Launch a grading kernel and return its handle without waiting for it to be ready.

    `home` is the kernel's private working folder (made, and removed on close, when None): with the
    sandbox on, the only folder it may write, and with `readable` (read-only) the only ones it sees
    besides the Python environment. `data`: `generated` (the grader's data sets, no download) or
    `real` (the data sets in the user's own fastai cache, read-only).

    Where this process has a kernel template (`grader.notebook.template.use`), the kernel is forked
    from it, after it imported `preload` (e.g. fastai.vision.all) once; otherwise it is a new process.
    """
    if data not in DATA_CHOICES:
        from grader.errors import UsageError

        raise UsageError(f"--data must be one of {', '.join(DATA_CHOICES)}, not {data!r}")
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    from grader.worker import sandbox
    from grader.worker.client import worker_env

    limits = (limits or Limits()).validate()
    if cuda is None:
        cuda = _cuda_available()
    own_home = home is None
    home = private_tempdir("grader-kernel-") if home is None else Path(home)
    home.mkdir(parents=True, exist_ok=True)
    home = home.resolve()
    fastai_home = home / ".fastai"
    readable = [Path(p).resolve() for p in readable]
    notes: list[str] = []
    preparing = None
    if data == "generated":
        preparing = threading.Thread(target=kernel_home.copy_generated, args=(fastai_home,), daemon=True)
        preparing.start()
    else:
        real, note = kernel_home.point_at_real_data(fastai_home)
        readable += real
        notes += note
    torch_home, cached = kernel_home.private_torch_home(home)
    readable += cached
    env = worker_env(str(home), {
        "FASTAI_HOME": str(fastai_home),
        "TORCH_HOME": str(torch_home),
        "IPYTHONDIR": str(home / ".ipython"),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".jupyter" / "data"),
        "MPLCONFIGDIR": str(home / ".matplotlib"),
        **kernel_env_base(),
    })
    confine = {**sandbox.options_from_env(), "readable": [str(p) for p in readable]}
    from grader.worker import reaper
    from grader.worker.container import container_request

    owner = reaper.current()  # removes the kernel's folder and cgroup if this process is killed
    if own_home:
        owner.tell("folder", home)
    group, cgroup_request = container_request("kernel", limits, KERNEL_BASE_MB * 1024 * 1024)
    argv = [sys.executable, "-P", "-s", "-Xfrozen_modules=off", "-m", "grader.notebook.launch",
            "--limits", json.dumps(limits.to_dict()), "--confine", json.dumps(confine),
            "--cgroup", json.dumps(cgroup_request),
            *(["--cuda"] if cuda else []), "-f", "{connection_file}",
            "--HistoryManager.hist_file=:memory:"]
    # IPC (Unix sockets in the kernel's folder), not TCP: the sandboxed kernel has no network at all.
    from grader.notebook import template

    warm = template.current()
    if warm is not None:
        warm.ready()
        wanted = [m for m in preload if m not in warm.preloaded]
        if wanted:  # once per template: tried and failed is not tried again
            warm.preload(wanted)
            warm.preloaded += wanted
        km = template.ForkingKernelManager(connection_file=str(home / ".kernel.json"), transport="ipc",
                                           ip=str(home / ".kernel-ipc"))
        km.template = warm
    else:
        km = AsyncKernelManager(connection_file=str(home / ".kernel.json"), transport="ipc",
                                ip=str(home / ".kernel-ipc"))
    km._kernel_spec = KernelSpec(argv=argv, display_name="grader python3", language="python",
                                 env={}, metadata={})
    log_path = home / ".kernel.log"
    launched = time.monotonic()
    with open(log_path, "wb") as log:
        run_sync(km.start_kernel)(env=env, cwd=str(home), stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
    handle = KernelHandle(km, home, fastai_home, log_path, data=data, own_home=own_home, notes=notes,
                          preparing=preparing)
    handle.started, handle.readable, handle.sandboxed = launched, readable, confine.get("enabled", True)
    handle.group = group
    if handle.pid is not None and os.geteuid() == 0:
        owner.tell("uid", sandbox.uid_for(handle.pid))
    return handle


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()
