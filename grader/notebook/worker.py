"""The trusted side's handle on a graded notebook: a `Worker` whose process is a Jupyter kernel.

`start()` executes the notebook in a grading kernel (`execute.execute_notebook`), then has the kernel
serve the grader's protocol from its own namespace (`serve.serve`) over a Unix socket. Everything
else is `grader.worker.client.Worker`: per-call timeouts, the memory watchdog, plain-data replies,
and a restart on the next request after a fault, which here means a fresh kernel running the
notebook again (without the cells that hung or killed a kernel). As for a `.py`, a crash costs the
test whose call caused it only: kernels are replaced as often as the tests need, for as long as the
time spent (re)starting kernels and running the notebook stays within the submission's time budget
(`budget`); `MAX_STARTS` is a backstop far above what a budget allows.

A call that times out is first interrupted (SIGINT, as Jupyter's interrupt button): when the kernel
answers again within `RECOVER_SECONDS`, it keeps serving and no re-execution is needed.
"""

from __future__ import annotations

import secrets
import signal
import socket
import time
from pathlib import Path
from typing import Callable

from grader.notebook import execute, template
from grader.notebook.kernel import KernelHandle, start_kernel
from grader.results import Fault
from grader.worker import wire
from grader.worker.client import Worker, WorkerFault
from grader.worker.limits import Limits, proc_status_bytes

RESTART_NOTE = "a test stopped the kernel"
SERVE = "__import__('grader.notebook.serve', fromlist=['serve']).serve({path!r})"
CONNECT_SECONDS = 60.0
RECOVER_SECONDS = 5.0


class KernelOutput:
    """What the kernels printed outside the notebook's outputs (calls made while grading)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[str] = []
        self.current: KernelHandle | None = None

    def keep(self, kernel: KernelHandle) -> None:
        """Save a kernel's log before the kernel (and perhaps its folder) goes away."""
        text = kernel.output_text(self.limit)
        if text.strip():
            self.parts.append(text)
        if self.current is kernel:
            self.current = None

    def text(self) -> str:
        parts = self.parts + ([self.current.output_text(self.limit)] if self.current else [])
        text = "\n".join(p for p in parts if p.strip())
        return text if len(text) <= self.limit else text[: self.limit] + "\n... (more output not kept)"


def kernel_in(workdir: Path, number: int, *, nb, limits: Limits, data: str = "generated",
              cuda: bool | None = None) -> KernelHandle:
    """Start kernel `number` of a grading in its work folder (`kernel-N`, seeing the whole folder),
    having the template import what `nb` needs first (fastai for book notebooks)."""
    mode = workdir.stat().st_mode
    if mode & 0o005 != 0o005:  # a sandboxed kernel runs as another user: let it reach its folder
        workdir.chmod(mode | 0o005)
    return start_kernel(home=workdir / f"kernel-{number}", limits=limits, data=data, cuda=cuda,
                        readable=[workdir], preload=template.notebook_preloads(nb))


class NotebookWorker(Worker):
    """A notebook executed in a grading kernel that serves the suite's requests."""

    MAX_STARTS = 200

    def __init__(self, nb, *, workdir: Path, limits: Limits, data: str = "generated",
                 cell_timeout: float = 120.0, budget: float = 900.0, kernel: KernelHandle | None = None,
                 cuda: bool | None = None, progress: Callable[[str], None] = lambda message: None):
        super().__init__(None, submission=Path(workdir) / "notebook.ipynb", workdir=Path(workdir),
                         limits=limits)
        self.source_nb = nb
        self.data, self.cell_timeout, self.budget, self.cuda = data, cell_timeout, budget, cuda
        self.progress = progress
        self.kernel: KernelHandle | None = None
        self._next_kernel = kernel
        self.first: execute.Execution | None = None
        """The first execution of the notebook (what the saved notebook shows)."""
        self.bad_cells: dict[int, execute.BadCell] = {}
        self.notes: list[str] = []
        """Restarts while grading, and other things the learner should know."""
        self.output = KernelOutput(limits.output_bytes)
        self.timings: dict[str, float] = {}
        """Seconds of the first start: `kernel_start` (launch until ready; it overlaps the work
        before `execute` when the kernel was started ahead), `execute` (the cells), `connect`
        (serving the namespace), `total` (all of `start()`)."""
        self._kernels = 0 if kernel is None else 1
        """Kernels started in the work folder so far (a kernel started ahead is `kernel-1`)."""
        self._spare = False
        self._start_seconds = 0.0
        """Seconds spent in every start so far (kernels launched, the notebook run): the budget's use."""

    # -- life cycle ---------------------------------------------------------------------------
    def _new_kernel(self) -> KernelHandle:
        self._kernels += 1
        return kernel_in(self.workdir, self._kernels, nb=self.source_nb, limits=self.limits,
                         data=self.data, cuda=self.cuda)

    def start(self) -> Fault | None:
        """Run the notebook in a fresh kernel and connect to it; returns the fault, None when ready."""
        if self.source_nb is None:  # the file is not a notebook: nothing to run, ever
            return self.load_fault
        if self.starts >= self.MAX_STARTS or (self.starts and self._start_seconds >= self.budget):
            self.load_fault = Fault("crash", f"your notebook's code stopped the kernel {self.starts - 1} "
                                             f"times, and running the notebook again after each took "
                                             f"its whole time budget ({self.budget:g} s); remaining "
                                             "tests were not run")
            return self.load_fault
        self.starts += 1
        began = time.monotonic()
        try:
            return self._start_kernel()
        finally:
            self._start_seconds += time.monotonic() - began

    def _start_kernel(self) -> Fault | None:
        if self.starts > 1:
            self.progress("running the notebook again in a fresh kernel")
            restarts = self.starts - 1
            self.notes[:] = [n for n in self.notes if not n.startswith(RESTART_NOTE)]
            self.notes.append(f"{RESTART_NOTE}, so the notebook ran again in a fresh kernel "
                              f"(restart {restarts})")
        t0 = time.monotonic()
        kernel, self._next_kernel = self._next_kernel or self._new_kernel(), None
        try:
            kernel, record = execute.execute_notebook(
                self.source_nb, kernel, self._new_kernel, cell_timeout=self.cell_timeout,
                budget=self.budget, bad_cells=self.bad_cells, progress=self.progress)
        except execute.KernelStartError as exc:
            self.output.keep(kernel)
            kernel.close()
            self.load_fault = Fault("crash", exc.args[0])
            self.source_nb = None  # a kernel that cannot start here will not start on a retry
            return self.load_fault
        self.bad_cells = record.bad_cells
        if self.first is None:
            self.first = record
            self.timings.update(kernel_start=record.kernel_start, execute=record.seconds)
        else:
            self.notes += [n for n in record.notes if n not in self.notes and n not in self.first.notes]
        if kernel is None:
            self.load_fault = Fault("crash", "the notebook kept stopping its kernel, so nothing in it "
                                             "could be graded: " + "; ".join(record.notes[-1:]))
            return self.load_fault
        self.kernel = kernel
        self.output.current = kernel
        t1 = time.monotonic()
        fault = self._connect()
        self.timings.setdefault("connect", time.monotonic() - t1)
        self.timings.setdefault("total", time.monotonic() - t0)
        self.load_fault = fault
        return fault

    def _connect(self) -> Fault | None:
        """Ask the kernel to serve its namespace on a fresh Unix socket, and adopt it."""
        assert self.kernel is not None
        path = self.kernel.home / f".grader-{secrets.token_hex(8)}.sock"  # where the kernel can reach
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        kc = None
        try:
            listener.bind(str(path))
            path.chmod(0o777)  # the kernel may run as a user of its own
            listener.listen(1)
            listener.settimeout(CONNECT_SECONDS)
            kc = self.kernel.km.client()
            # the shell channel only: a heartbeat thread started and stopped within milliseconds
            # races the context's end and prints a ZMQError (jupyter_client issue 988)
            kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
            kc.execute(SERVE.format(path=str(path)), silent=True, store_history=False,
                       allow_stdin=False, stop_on_error=False)
            try:
                conn, _ = listener.accept()
            except OSError:
                self.kill()
                return Fault("crash", "after running your notebook, its kernel did not answer the "
                                      "grader (a cell may have left it busy)")
        finally:
            listener.close()
            path.unlink(missing_ok=True)
            if kc is not None:
                kc.stop_channels()
        self.sock, self.pid = conn, self.kernel.pid
        self.container = self.kernel.group  # timing reads it; the kernel's handle removes it
        self.sandbox = self.kernel.measures()
        self._rss_base = proc_status_bytes("VmRSS", self.pid)
        try:
            reply = self._exchange({"op": "adopt"}, CONNECT_SECONDS, during="reading your notebook")
        except WorkerFault as exc:
            return exc.fault
        if not reply.get("ok"):
            self.kill()
            return Fault("crash", "the kernel could not list your notebook's names")
        self.names = list(reply.get("names", []))
        return None

    def kill(self) -> None:
        if self._spare:  # an interrupted call came back: the kernel keeps serving
            self._spare = False
            return
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.container = None
        if self.kernel is not None:
            self.kernel.kill()
            self.output.keep(self.kernel)
            self.kernel.close()
            self.kernel = None

    def close(self) -> None:
        self._spare = False
        self.kill()
        if self._next_kernel is not None:
            self._next_kernel.close()
            self._next_kernel = None

    # -- faults -------------------------------------------------------------------------------
    def _wait_reply(self, timeout: float) -> dict:
        try:
            return super()._wait_reply(timeout)
        except wire.ChannelTimeout:
            self._spare = self._recover()
            raise

    def _recover(self) -> bool:
        """Interrupt the call that timed out; True when the kernel answers again in time."""
        if self.kernel is None or self.sock is None:
            return False
        self.kernel.interrupt()
        deadline = time.monotonic() + RECOVER_SECONDS
        late = f"{self._ids}-"  # the id of the request that timed out starts so
        try:
            while not str(wire.recv(self.sock, timeout=max(0.01, deadline - time.monotonic()))
                          .get("id", "")).startswith(late):
                pass
            self._ids += 1
            ping = f"{self._ids}-{secrets.token_hex(8)}"
            wire.send(self.sock, {"op": "ping", "id": ping})
            reply = wire.recv(self.sock, timeout=max(0.5, deadline - time.monotonic()))
            return reply.get("id") == ping and bool(reply.get("ok"))
        except (wire.ChannelTimeout, wire.ChannelClosed, wire.BadMessage, OSError):
            return False

    def _death(self, during: str) -> Fault:
        """Why the kernel went away, from its exit status."""
        kernel = self.kernel
        status = kernel.exit_status(2.0) if kernel is not None else None
        over_memory = kernel is not None and kernel.oom_kills() > 0
        self.kill()
        if over_memory:
            return Fault("memory", f"{during} used more memory than the limit "
                                   f"({self.limits.memory_mb} MB) and the kernel was stopped")
        if status is None:
            return Fault("crash", f"the notebook's kernel stopped while {during}")
        if status < 0:
            sig = -status
            if sig == signal.SIGXCPU:
                return Fault("timeout", f"{during} used up the kernel's CPU time limit")
            if sig == signal.SIGKILL:
                return Fault("memory", f"{during} used more memory than the limit "
                                       f"({self.limits.memory_mb} MB) and the kernel was stopped")
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = f"signal {sig}"
            return Fault("crash", f"the kernel crashed while {during} ({name})")
        return Fault("exit", f"the kernel exited with code {status} while {during}: your code "
                             "called os._exit() or sys.exit(), or otherwise ended the process. "
                             "Functions should return their result.")
