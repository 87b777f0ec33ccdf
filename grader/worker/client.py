"""Trusted-side handles on the zygote and on one learner's worker.

`Zygote` starts the fork server once per grading process. `Worker` is one submission loaded in a
forked child: it sends requests, enforces the per-call time limit and the memory limit, turns every
way the child can die into a `Fault`, and restarts the child (re-loading the submission) on the next
request, so a crash costs the learner that test only.
"""

from __future__ import annotations

import array
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grader
from grader.errors import WorkerError
from grader.results import Fault
from grader.worker import book_env, codec, reaper, sandbox, wire
from grader.worker.cgroup import Group
from grader.worker.container import container_request
from grader.worker.watch import (CPU_SHARE, WALL_BACKSTOP, folder_usage, printable,
                                 process_cpu_seconds)
from grader.chapters.registry import PATH_ENV
from grader.worker.limits import Limits, proc_status_bytes

PACKAGE_ROOT = str(Path(grader.__file__).resolve().parent.parent)


def worker_env(home: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the zygote and its workers: nothing inherited but what they need."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        # Workers run as a uid of their own that /etc/passwd does not list: libraries that ask who
        # the user is (getpass.getuser(), for torch's and Triton's caches on a GPU) read these first.
        "USER": "learner",
        "LOGNAME": "learner",
        "PYTHONHASHSEED": "0",
        "PYTHONPATH": PACKAGE_ROOT,
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTORCH_NVML_BASED_CUDA_CHECK": "1",
        "MPLBACKEND": "Agg",
        "TQDM_DISABLE": "1",
        "CUBLAS_WORKSPACE_CONFIG": ":4096:8",  # deterministic cuBLAS, so a score does not vary
    }
    # GRADER_CHAPTER_PATH: the worker resolves a plugin chapter's operations (`<chapter>/<op>`) too
    for name in ("CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS", "MKL_NUM_THREADS", PATH_ENV):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(extra or {})
    return env


WORKER_PRELOAD = ("torch", "numpy", "pandas", "torch.fx.experimental.symbolic_shapes",
                  "grader.worker.server", "grader.worker.sandbox", "grader.worker.limits")
"""What a worker imports whatever the submission: torch, pandas (the suites' data frames arrive as
such), what torch's first backward pass imports (sympy among it), and the worker's own server."""


class Zygote:
    """The fork server process; one per grading process, shared by its workers."""

    def __init__(self, *, preload: tuple[str, ...] = WORKER_PRELOAD, env: dict | None = None,
                 start_timeout: float = 180.0):
        self.home = tempfile.mkdtemp(prefix="grader-zygote-")
        self.env = worker_env(self.home, env)
        parent, child = socket.socketpair()
        self.control = parent
        self.exits: dict[int, int] = {}
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, "-P", "-s", "-m", "grader.worker.zygote", "--fd", str(child.fileno()),
             "--preload", ",".join(preload)],
            pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, cwd=self.home, env=self.env, start_new_session=True,
        )
        child.close()
        self._start_timeout = start_timeout
        self.preloaded: list[str] | None = None
        self.confinement: dict[int, dict[str, str]] = {}
        """Per worker pid: the sandbox measures it announced before running learner code."""
        from grader.worker.integrity import fingerprint

        self.fingerprint = fingerprint()
        """The grader's files before any learner code ran (compared where workers could write them)."""

    def ready(self) -> None:
        """Wait until the zygote has imported torch (started in the background by __init__)."""
        if self.preloaded is None:
            self.preloaded = self._read_until("ready", self._start_timeout).get("preloaded", [])

    def _read_until(self, op: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = wire.recv(self.control, timeout=max(0.01, deadline - time.monotonic()))
            except (wire.ChannelClosed, wire.ChannelTimeout, wire.BadMessage) as exc:
                raise WorkerError(f"the grader's worker process did not start ({type(exc).__name__})",
                                  hint="Check that torch imports in this environment.") from None
            if message.get("op") == "exited":
                self.exits[int(message["pid"])] = int(message["status"])
            elif message.get("op") == op:
                return message

    def preload(self, modules: list[str]) -> list[str]:
        """Import more modules in the zygote, so each forked worker gets them for free."""
        self.ready()
        with self._lock:
            self._send({"op": "preload", "modules": modules}, [])
            return self._read_until("preloaded", 300).get("modules", [])

    def attach(self) -> "Zygote":
        """Another control channel to this zygote, for a process forked from this one (a batch slot's
        grading child): its requests and replies never mix with another process's, and what it
        started ends when it closes the channel (or dies). Closing it leaves the zygote running."""
        self.ready()
        mine, theirs = socket.socketpair()
        with self._lock:
            try:
                self._send({"op": "attach"}, [theirs.fileno()])
            finally:
                theirs.close()
        other = object.__new__(Zygote)
        other.__dict__.update(self.__dict__)
        other.control, other.exits, other._lock = mine, {}, threading.Lock()
        other.confinement, other.attached = {}, True
        return other

    def run(self, module: str, argv: list[str], *, env: dict, cwd: str, output: int) -> int:
        """Fork a child that runs `module.main(argv)` in its own session, in `cwd` with exactly `env`,
        its stdin empty and its stdout and stderr on the file descriptor `output`; returns its pid."""
        self.ready()
        with self._lock:
            self._send({"op": "run", "module": module, "argv": list(argv), "env": dict(env),
                        "cwd": cwd}, [output])
            reply = self._read_until("spawned", 30)
        return int(reply["pid"])

    def _send(self, message: dict, fds: list[int]) -> None:
        data = json.dumps(message).encode()
        payload = wire.HEADER.pack(len(data)) + data
        ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
        self.control.settimeout(None)
        sent = self.control.sendmsg([payload], ancillary)
        if sent < len(payload):
            self.control.sendall(payload[sent:])

    def spawn(self, *, workdir: str, limits: Limits, cuda: bool, env: dict | None = None,
              confine: dict | None = None, cgroup: dict | None = None) -> tuple[int, socket.socket, int]:
        """Fork a worker; returns its pid, the request socket, and the read end of its output pipe.

        `cgroup`: the container (`container_request`) this process moves the child into while the
        child confines itself (moving a process waits for the kernel, tens of ms on a busy machine:
        done here, it overlaps the child's own work). No learner code runs before: the child runs
        only what it is sent, and the load is sent once `spawn` has returned."""
        chan_parent, chan_child = socket.socketpair()
        out_r, out_w = os.pipe()
        request = {"op": "spawn", "workdir": workdir, "limits": limits.to_dict(), "cuda": cuda,
                   "env": {**self.env, "HOME": workdir, "TMPDIR": workdir, **(env or {})},
                   "confine": {**sandbox.options_from_env(), **(confine or {})},
                   "cgroup": {}}
        self.ready()
        with self._lock:
            try:
                self._send(request, [chan_child.fileno(), out_w])
            finally:
                chan_child.close()
                os.close(out_w)
            reply = self._read_until("spawned", 30)
        pid = int(reply["pid"])
        joined = sandbox.join_container(cgroup or {}, pid)
        self.confinement[pid] = {**_read_announcement(chan_parent), **joined}
        return pid, chan_parent, out_r

    def exit_status(self, pid: int, timeout: float = 2.0) -> int | None:
        """The wait status of a worker that ended (None if the zygote did not report it in time)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while pid not in self.exits and time.monotonic() < deadline:
                try:
                    message = wire.recv(self.control, timeout=max(0.01, deadline - time.monotonic()))
                except (wire.ChannelTimeout, wire.ChannelClosed, wire.BadMessage):
                    break
                if message.get("op") == "exited":
                    self.exits[int(message["pid"])] = int(message["status"])
        return self.exits.pop(pid, None)

    attached = False
    """Whether this handle is a channel `attach` opened (closing it leaves the zygote running)."""

    def close(self) -> None:
        if self.attached:
            self.control.close()
            return
        try:
            self.control.close()
        finally:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> "Zygote":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class OutputCollector(threading.Thread):
    """Drains a worker's stdout/stderr pipe, keeping the first `limit` bytes."""

    def __init__(self, fd: int, limit: int, sink: "OutputCollector | None" = None):
        super().__init__(daemon=True)
        self.fd, self.limit = fd, limit
        self.kept = bytearray() if sink is None else sink.kept
        self.dropped = [0] if sink is None else sink.dropped

    def run(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            room = self.limit - len(self.kept)
            self.kept += chunk[: max(room, 0)]
            self.dropped[0] += max(len(chunk) - max(room, 0), 0)
        os.close(self.fd)

    def text(self) -> str:
        text = printable(self.kept.decode("utf-8", errors="replace"))
        if self.dropped[0]:
            text += f"\n... ({self.dropped[0]} more bytes of output not kept)"
        return text


@dataclass
class CallOutcome:
    """What one call of a learner function produced, decoded in the trusted process."""

    value: Any = None
    """The returned value (plain data; tensors as plain CPU tensors)."""
    fault: Fault | None = None
    """Set when the call raised, timed out or killed the worker; then `value` is None."""
    args_after: list | None = None
    """The arguments as they were after the call (to detect in-place changes), when asked for."""
    grads: list | None = None
    """Gradients of the result's sum with respect to the arguments asked for."""
    grad_error: str | None = None
    """Why gradients could not be computed, when they could not."""
    extra: dict = field(default_factory=dict)
    """Other fields of the worker's reply."""


class WorkerFault(Exception):
    """A request failed because of the learner's code (raised, hung, crashed). Carries the Fault."""

    def __init__(self, fault: Fault):
        super().__init__(fault.message)
        self.fault = fault


class Worker:
    """One submission loaded in a forked worker, restarted on demand after a fault."""

    MAX_STARTS = 40
    LOAD_BUDGET = 3.0
    """Loading may take this many times `load_timeout` in all, over every restart of a submission:
    a file that loads slowly and then kills its worker on every call cannot stretch a run without end."""

    def __init__(self, zygote: Zygote, *, submission: Path, workdir: Path, limits: Limits,
                 cuda: bool = False, globals_: dict | None = None, confine: dict | None = None,
                 data: str = "generated"):
        self.zygote, self.submission, self.workdir = zygote, submission, workdir
        self.limits, self.cuda, self.confine = limits, cuda, confine
        self.data = data
        """Data sets `untar_data` finds: `generated` or `real` (`grader.worker.book_env`)."""
        self.book: book_env.BookHome | None = None
        self.globals = globals_ or {}
        self.pid: int | None = None
        self.sock: socket.socket | None = None
        self.output: OutputCollector | None = None
        self.names: list[str] | None = None
        self.load_fault: Fault | None = None
        self.starts = 0
        self._ids = 0
        self._rss_base = 0
        self._disk_checked = 0.0
        self._load_seconds = 0.0
        self.container: Group | None = None
        """The current worker process's cgroup (all it starts is in it), when the machine has cgroups."""
        self.sandbox: dict[str, str] = {}
        """The sandbox measures of the current worker process ("on" or "off: why")."""

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> Fault | None:
        """Fork a worker and load the submission; returns the load fault (None when it loaded)."""
        budget = self.LOAD_BUDGET * self.limits.load_timeout
        if self.starts >= self.MAX_STARTS or self._load_seconds > budget:
            why = "" if self.starts >= self.MAX_STARTS else \
                f" (reloading your file after each crash took over {budget:g} s in all)"
            self.load_fault = Fault("crash", f"your code crashed the worker too many times{why}; "
                                             "remaining tests were not run")
            return self.load_fault
        self.starts += 1
        started = time.monotonic()
        try:
            return self._start()
        finally:
            self._load_seconds += time.monotonic() - started

    def _start(self) -> Fault | None:
        if self.book is None:  # the book's data and caches in the worker's folder, once per run
            self.book = book_env.prepare(self.workdir, self.data)
        confine = {**(self.confine or {}),
                   "readable": [str(self.submission), *map(str, self.book.readable)]}
        base = proc_status_bytes("VmRSS", self.zygote.proc.pid)  # shared with the child, copied on write
        self.container, cgroup_request = container_request("worker", self.limits, base)
        self.pid, self.sock, out_fd = self.zygote.spawn(
            workdir=str(self.workdir), limits=self.limits, cuda=self.cuda, confine=confine,
            env=self.book.env(), cgroup=cgroup_request)
        if os.geteuid() == 0:
            reaper.current().tell("uid", sandbox.uid_for(self.pid))
        self.sandbox = self.zygote.confinement.pop(self.pid, {})
        self.output = OutputCollector(out_fd, self.limits.output_bytes, self.output)
        self.output.start()
        self._rss_base = proc_status_bytes("VmRSS", self.pid)
        try:
            reply = self._exchange({"op": "load", "path": str(self.submission),
                                    "globals": codec.encode(self.globals)}, self.limits.load_timeout,
                                   during="loading your file")
        except WorkerFault as exc:
            self.load_fault = exc.fault
            return self.load_fault
        if not reply.get("ok"):
            self.load_fault = _fault_from_error(reply.get("error") or {})
            if self.book.notes:  # `--data real` with a data set missing: say so beside the error
                self.load_fault.message += "\n" + "\n".join(self.book.notes)
            self.kill()
            return self.load_fault
        self.names = list(reply.get("names", []))
        self.load_fault = None
        return None

    @property
    def alive(self) -> bool:
        return self.sock is not None

    def kill(self) -> None:
        if self.pid is not None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass
        if self.container is not None:  # everything the worker started, wherever it went
            if self.container.remove() and self.pid is not None and reaper.active() is not None:
                reaper.active().forget(sandbox.uid_for(self.pid))  # nothing of it is left
            self.container = None
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def close(self) -> None:
        self.kill()
        if self.output is not None:
            self.output.join(timeout=1)

    # -- requests -----------------------------------------------------------------------------
    def request(self, message: dict, timeout: float | None = None, during: str = "running your code"
                ) -> dict:
        """Send one request (restarting the worker first if needed); raises WorkerFault."""
        if not self.alive:
            fault = self.start()
            if fault is not None:
                raise WorkerFault(fault)
        return self._exchange(message, timeout or self.limits.timeout, during)

    def call(self, name: str, *args, kwargs: dict | None = None, grad_args=(), return_args=False,
             globals_: dict | None = None, timeout: float | None = None) -> CallOutcome:
        message = {"op": "call", "name": name, "args": codec.encode(list(args)),
                   "kwargs": codec.encode(kwargs or {}), "grad_args": list(grad_args),
                   "return_args": return_args, "globals": codec.encode(globals_ or {})}
        try:
            reply = self.request(message, timeout, during=f"calling `{name}`")
        except WorkerFault as exc:
            return CallOutcome(fault=exc.fault)
        if not reply.get("ok"):
            return CallOutcome(fault=_fault_from_error(reply.get("error") or {}))
        try:
            return CallOutcome(
                value=codec.decode(reply.get("value")),
                args_after=codec.decode(reply["args_after"]) if "args_after" in reply else None,
                grads=codec.decode(reply["grads"]) if reply.get("grads") is not None else None,
                grad_error=reply.get("grad_error"),
                extra={k: v for k, v in reply.items() if k not in {"value", "args_after", "grads"}},
            )
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            return CallOutcome(fault=Fault("BadReturn", f"the value returned could not be read: {exc}"))

    def info(self, name: str) -> dict:
        """What the submission's `name` is (defined, callable, parameters, own code or not)."""
        try:
            reply = self.request({"op": "info", "name": name})
        except WorkerFault:
            return {"defined": False}
        return reply if reply.get("ok") else {"defined": False}

    def _exchange(self, message: dict, timeout: float, during: str) -> dict:
        self._ids += 1
        request_id = f"{self._ids}-{secrets.token_hex(8)}"  # unguessable: no reply can be sent ahead
        message = {**message, "id": request_id}
        assert self.sock is not None
        try:
            if self._unsolicited():
                self.kill()
                raise WorkerFault(Fault("crash", "something in your code wrote on the grader's channel "
                                                 "before it was asked anything; the worker was stopped"))
            wire.send(self.sock, message)
            reply = self._wait_reply(timeout)
        except wire.ChannelTimeout:
            self.kill()
            raise WorkerFault(Fault("timeout", f"{during} did not finish within {timeout:g} s "
                                    "(an infinite loop, or far too slow); it was stopped")) from None
        except (wire.ChannelClosed, OSError):
            raise WorkerFault(self._death(during)) from None
        except wire.BadMessage as exc:
            self.kill()
            raise WorkerFault(Fault("crash", f"the worker's reply was unreadable ({exc})")) from None
        except _MemoryExceeded:
            self.kill()
            raise WorkerFault(_memory_fault(self.limits, during)) from None
        except _DiskExceeded as exc:
            self.kill()
            raise WorkerFault(Fault("disk", f"{during} wrote {exc} into its folder, more than the "
                                    f"limit ({self.limits.disk_mb} MB); it was stopped")) from None
        if reply.get("id") != request_id:
            self.kill()
            raise WorkerFault(Fault("crash", "the worker's reply did not match the request "
                                             "(something wrote on the grader's channel)"))
        return reply

    def _wait_reply(self, timeout: float) -> dict:
        """Wait for the reply in slices, checking resident memory (and, each second, disk) between.

        The time limit is fair on a busy machine (a batch's other workers, or anything else): past
        `timeout` seconds the call is stopped only if it had at least CPU_SHARE of that time on the
        CPU; a call starved by others gets up to WALL_BACKSTOP times the limit.
        """
        start = time.monotonic()
        deadline, backstop = start + timeout, start + timeout * WALL_BACKSTOP
        cpu_start = self._cpu_seconds()
        limit = self._rss_base + self.limits.memory_mb * 1024 * 1024
        assert self.sock is not None
        while True:
            now = time.monotonic()
            if now >= deadline:
                cpu = self._cpu_seconds()
                starved = cpu is not None and cpu_start is not None and cpu - cpu_start < CPU_SHARE * timeout
                if not starved or now >= backstop:
                    raise wire.ChannelTimeout()
            left = (backstop if now >= deadline else deadline) - now
            self.sock.settimeout(min(left, 0.1))
            try:
                peek = self.sock.recv(1, socket.MSG_PEEK)
            except socket.timeout:
                if self.pid and proc_status_bytes("VmRSS", self.pid) > limit:
                    raise _MemoryExceeded() from None
                self._check_disk()
                continue
            if not peek:
                raise wire.ChannelClosed("end of stream")
            reply = wire.recv(self.sock, timeout=max(left, 1.0))
            self._check_disk()
            return reply

    def _cpu_seconds(self) -> float | None:
        """CPU used by the worker: by all its processes (its cgroup) where it has one."""
        if self.container is not None:
            used = self.container.cpu_seconds()
            if used is not None:
                return used
        return process_cpu_seconds(self.pid) if self.pid else None

    def _unsolicited(self) -> bool:
        """Whether bytes are waiting on the channel before a request was even sent."""
        assert self.sock is not None
        self.sock.setblocking(False)
        try:
            return bool(self.sock.recv(1, socket.MSG_PEEK))
        except (BlockingIOError, InterruptedError):
            return False
        finally:
            self.sock.setblocking(True)

    def _check_disk(self) -> None:
        """At most once a second: raise _DiskExceeded when the worker's folder grew past the limit."""
        now = time.monotonic()
        if now - self._disk_checked < 1.0:
            return
        self._disk_checked = now
        used, files = folder_usage(self.workdir, stop_at=self.limits.disk_mb * 1024 * 1024)
        if used > self.limits.disk_mb * 1024 * 1024:
            raise _DiskExceeded(f"over {used / 1e6:.0f} MB")
        if files > self.limits.max_files:
            raise _DiskExceeded(f"over {files} files")

    def _death(self, during: str) -> Fault:
        """Explain why the worker went away, from the wait status the zygote reports."""
        pid = self.pid
        over_memory = self.container is not None and self.container.oom_kills() > 0
        self.kill()
        if over_memory:
            return _memory_fault(self.limits, during)
        status = self.zygote.exit_status(pid) if pid else None
        if status is None:
            return Fault("crash", f"the worker stopped while {during}")
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == signal.SIGXCPU:
                return Fault("timeout", f"{during} used up the worker's CPU time limit")
            if sig == signal.SIGXFSZ:
                return Fault("crash", f"{during} wrote a file larger than the limit "
                                      f"({self.limits.file_size_mb} MB)")
            if sig == signal.SIGKILL:
                return _memory_fault(self.limits, during)
            return Fault("crash", f"the worker crashed while {during} ({signal.Signals(sig).name})")
        code = os.WEXITSTATUS(status)
        return Fault("exit", f"the worker exited with code {code} while {during}: your code called "
                             "os._exit() or otherwise ended the process. Remove that call; "
                             "functions should return their result.")


class _MemoryExceeded(Exception):
    pass


class _DiskExceeded(Exception):
    pass


def _read_announcement(sock: socket.socket, timeout: float = 30.0) -> dict[str, str]:
    """The worker's first message: the sandbox measures it applied (empty if it died first)."""
    try:
        message = wire.recv(sock, timeout=timeout, max_size=1 << 16)
    except (wire.ChannelClosed, wire.ChannelTimeout, wire.BadMessage, RecursionError):
        return {}
    measures = message.get("measures") if message.get("op") == "confined" else None
    if not isinstance(measures, dict):
        return {}
    return {str(k): str(v)[:300] for k, v in measures.items()}


def _memory_fault(limits: Limits, during: str) -> Fault:
    return Fault("memory", f"{during} used more memory than the limit ({limits.memory_mb} MB) and was "
                           "stopped. Look for tensors that grow without bound.")


def _fault_from_error(error: dict) -> Fault:
    kind = printable(str(error.get("kind", "Error")))[:100]
    message = printable(str(error.get("message", "")))
    if kind == "memory":
        message = f"out of memory: {message}"
    frames = error.get("traceback", [])
    return Fault(kind, message, error.get("line") if isinstance(error.get("line"), int) else None,
                 [printable(str(x)) for x in (frames if isinstance(frames, list) else [])][:8])
