"""Warm grading kernels: a template process that has imported what kernels need forks one per notebook.

A cold grading kernel is a new interpreter that imports torch, ipykernel (and, for notebooks copied
from the book, fastai) before the learner's first cell: seconds of CPU per notebook, the same work
every time. A batch slot instead starts one template (`start`, a `grader.worker.zygote` with those
modules preloaded) and gives each grading child its own channel to it (`Zygote.attach`). The child's
`start_kernel` then asks the template to fork a child that runs `grader.notebook.launch` exactly as
the cold kernel would (its own session, cgroup, namespaces, folder, environment, limits: the same
code), so a learner's own `import torch` finds the module loaded and costs nothing.

Nothing of one learner reaches the next: the template never runs learner code, and every kernel is a
fresh fork of it; a kernel's files are in its own folder, removed after grading.

`ForkingKernelManager` is jupyter_client's manager with the launch replaced (nbclient drives it as
usual); `ForkedKernel` is the `Popen`-like view of a kernel that is the template's child, not ours.
"""

from __future__ import annotations

import ast
import os
import select
import signal
import subprocess
import time

from jupyter_client.manager import AsyncKernelManager

LAUNCHER = "grader.notebook.launch"
PRELOAD = ("torch", "numpy", "pandas", "matplotlib_inline.backend_inline", "ipykernel.kernelapp",
           # what ipykernel imports as it starts (its kernel and shell classes, the debugger's
           # debugpy, tornado's asyncio loop, the history's sqlite3), torch's first backward pass,
           # and the grader's launcher and server: imported once here, never per kernel
           "ipykernel.ipkernel", "ipykernel.debugger", "ipykernel.zmqshell", "ipykernel.comm", "IPython.core.completerlib",
           "IPython.core.debugger", "IPython.core.oinspect", "IPython.core.logger",
           "IPython.extensions.storemagic", "tornado.platform.asyncio", "tornado.queues", "psutil",
           "sqlite3", "torch.fx.experimental.symbolic_shapes",
           "grader.notebook.launch", "grader.notebook.serve", "grader.notebook.kernel_hooks",
           "grader.worker.server", "grader.worker.sandbox", "grader.worker.limits")
"""What every grading kernel imports before the learner's first cell."""
BOOK_PRELOADS = ("fastai", "fastbook")
"""Top-level packages of a notebook that make the template import fastai.vision.all (once)."""

_TEMPLATE = None


def use(template) -> None:
    """Make `start_kernel` in this process fork its kernels from `template` (None: cold kernels)."""
    global _TEMPLATE
    _TEMPLATE = template


def current():
    """The template kernels of this process fork from, or None (cold kernels)."""
    return _TEMPLATE


def start(env: dict | None = None):
    """Start a kernel template (a zygote importing `PRELOAD` in the background) and return it."""
    from grader.notebook.kernel import kernel_env_base
    from grader.worker.client import Zygote

    return Zygote(preload=PRELOAD, env={**kernel_env_base(), **(env or {})})


def notebook_preloads(nb) -> list[str]:
    """Modules to import in the template before forking a kernel for `nb` (fastai for book notebooks)."""
    if nb is None:
        return []
    for cell in getattr(nb, "cells", []) or []:
        if getattr(cell, "cell_type", "") != "code":
            continue
        source = "\n".join(line for line in str(cell.get("source", "")).splitlines()
                           if not line.lstrip().startswith(("!", "%")))
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            if any(str(name).split(".")[0] in BOOK_PRELOADS for name in names):
                return ["fastai.vision.all"]
    return []


class ForkedKernel:
    """`subprocess.Popen`'s interface for a kernel the template forked (its exit status comes from
    the template, which is its parent; a pidfd says when it has ended, without polling)."""

    stdin = stdout = stderr = None

    def __init__(self, template, pid: int):
        self.template, self.pid = template, pid
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None

    def _ended(self, timeout: float) -> bool:
        if self._pidfd is not None:
            ready, _, _ = select.select([self._pidfd], [], [], max(timeout, 0))
            return bool(ready)
        deadline = time.monotonic() + timeout
        while True:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return True
            except OSError:
                return False
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)

    def poll(self) -> int | None:
        return self.wait(0) if self.returncode is None and self._ended(0) else self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is not None:
            return self.returncode
        if not self._ended(3600.0 if timeout is None else timeout):
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
        status = self.template.exit_status(self.pid, timeout=2.0)
        # not reported (the template went first): killed, as the template's end kills its children
        self.returncode = -signal.SIGKILL if status is None else os.waitstatus_to_exitcode(status)
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkingKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel is forked by a template instead of spawned."""

    template = None
    """The zygote (channel) that forks the kernel; set before `start_kernel`."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        at = kernel_cmd.index("-m")
        module, argv = kernel_cmd[at + 1], kernel_cmd[at + 2:]
        output = kw.get("stdout")
        pid = self.template.run(module, argv, env=kw.get("env") or {}, cwd=str(kw.get("cwd")),
                                output=output.fileno())
        provisioner = self.provisioner
        provisioner.process = ForkedKernel(self.template, pid)
        provisioner.pid, provisioner.pgid, provisioner.cwd = pid, pid, kw.get("cwd")
        self._reconcile_connection_info(provisioner.connection_info)
