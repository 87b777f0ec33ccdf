"""The grader inside a Dask worker process: a worker plugin that keeps warm grading slots, and the task.

A Dask worker process is multi-threaded (its event loop, its task threads), so it must never fork
learner code itself. The plugin starts, per task thread, the same warm slot the local pool uses
(`python -m grader.batch.slot`: single-threaded, torch imported once, a zygote of its own), at
registration, so the first task finds it warm and every later one pays no import. A task unpacks the
learner's files into a private folder, hands the slot that folder's task line, waits for its reply,
and returns the reply with the unit's output files as bytes; the worker never writes anything the
batch reads.

The hidden-set key (`grader.suite.hidden_key`) comes with the plugin, not with any task: the task
graph holds only learner files and grading options. The plugin keeps it in this trusted process's
memory and gives it to its slots only (their environment, or a private key file for a key that is
not text); the slots' zygotes and kernels get a stripped environment, as on one machine.
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from grader.batch.unit import pack, unpack

PLUGIN = "fastbook-grader"
START_GRACE = 300.0
"""Seconds a slot may take to become warm (torch on a busy machine) before its task is failed."""
BACKSTOP = 60.0
"""Seconds past the grading's own time limit before a silent slot is replaced."""
PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])


def crashed(message: str, **extra) -> dict:
    return {"state": "crashed", "message": message, **extra}


class SlotProcess:
    """One warm slot subprocess, driven over its JSON-lines stdin/stdout (`grader.batch.slot`)."""

    def __init__(self, options: dict, env: dict[str, str], log: Path):
        self.options, self.env, self.log = options, env, log
        self.proc: subprocess.Popen | None = None
        self.ready = False
        self.buffer = b""

    def start(self) -> None:
        self.close()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "grader.batch.slot", "--options", json.dumps(self.options)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=self.env,
                start_new_session=True)
        self.ready, self.buffer = False, b""

    def grade(self, task: dict) -> dict:
        """The slot's reply for `task` (a crash or silence of the slot itself is a `crashed` reply)."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        try:
            self.proc.stdin.write((json.dumps(task) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            pass  # dead: its end of stream is read below
        since = time.monotonic()
        while True:
            limit = self.options["max_time"] + BACKSTOP if self.ready else START_GRACE
            left = limit - (time.monotonic() - since)
            if left <= 0:
                self.close()
                return crashed("the grading process stopped answering and was stopped")
            ready, _, _ = select.select([self.proc.stdout], [], [], min(left, 5.0))
            if not ready:
                continue
            data = os.read(self.proc.stdout.fileno(), 65536)
            if not data:
                started = self.ready
                self.close()
                return crashed("the grading process died" if started else
                               "the grader could not start on this worker" + self._log_tail())
            self.buffer += data
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                try:
                    reply = json.loads(line)
                except ValueError:
                    continue
                if reply.get("state") == "ready":
                    self.ready, since = True, time.monotonic()
                elif reply.get("id") == task["id"]:
                    return reply

    def _log_tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return f" ({lines[-1][:300]})" if lines else ""

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the slot and its grading child
        except OSError:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.proc.wait()
        self.proc = None


class GraderPlugin(WorkerPlugin):
    """Registered by the batch (`client.register_plugin`) on every worker, present and future.

    `options` are the batch's grading settings; `key` is the batch machine's hidden-set key, so that
    every worker draws the same hidden set as the batch machine would; `fingerprint` and `version`
    are the batch's grader, which a worker must run too (a learner graded by other code would get
    another grade)."""

    name = PLUGIN

    def __init__(self, options: dict, *, key: bytes, version: str, fingerprint: str):
        self.options, self.version, self.fingerprint = options, version, fingerprint
        self._key = key

    def __getstate__(self) -> dict:
        """What travels to the scheduler and the workers: the settings and the key, no slots."""
        return {k: self.__dict__[k] for k in ("options", "version", "fingerprint", "_key")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.slots: queue.Queue[SlotProcess] = queue.Queue()
        """The free slots (a task takes one, and gives it back)."""
        self.every_slot: list[SlotProcess] = []
        self.problem = self.private = self.worker_name = ""
        self.env: dict[str, str] = {}

    def setup(self, worker) -> None:
        import grader
        from grader.batch.store import grader_fingerprint

        if not hasattr(self, "slots"):  # set up without a trip through pickle
            self.__setstate__(self.__getstate__())
        self.worker_name = str(worker.name)
        if (grader.__version__, grader_fingerprint()) != (self.version, self.fingerprint):
            self.problem = (f"worker {worker.name} runs another grader (version {grader.__version__}, "
                            f"suites {grader_fingerprint()}) than the batch ({self.version}, "
                            f"{self.fingerprint}); install the same version on every machine")
            return
        self.private = tempfile.mkdtemp(prefix="grader-dask-")  # 0700, hidden from learner code
        self.env = slot_env(self._key, Path(self.private))
        env = self.env
        threads = max(1, int(getattr(worker.state, "nthreads", 1) or 1))
        for index in range(threads):
            slot = SlotProcess(self.options, env, Path(self.private) / f"slot-{index}.log")
            slot.start()  # warms up now, while the worker waits for its first task
            self.every_slot.append(slot)
            self.slots.put(slot)

    def teardown(self, worker) -> None:
        """The batch is over (or the worker closes): the slots stop, busy ones included."""
        for slot in self.every_slot:
            slot.close()
        if self.private:
            shutil.rmtree(self.private, ignore_errors=True)

    def grade(self, task: dict, files: dict[str, bytes]) -> dict:
        """Grade one unit in a free slot; the reply carries the unit's output files as bytes."""
        if self.problem:
            return crashed(self.problem, worker=self.worker_name)
        slot = self.slots.get()
        work = Path(tempfile.mkdtemp(prefix="unit-", dir=self.private))
        try:
            try:
                inbox = unpack(files, work / "in")
            except (OSError, ValueError) as exc:
                reply = crashed(f"the worker could not write the unit's files ({exc})")
            else:
                local = {**task, "file": str(inbox / Path(task["file"]).name),
                         "staging": str(work / "out"), "out": str(work)}
                reply = slot.grade(local)
                reply["slot"] = slot.proc.pid if slot.proc is not None else None  # the warm one
                reply["files"] = pack(work / "out") if (work / "out").is_dir() else {}
        except Exception as exc:  # the slot stopped under it (the worker closing), or the output
            reply = crashed(f"the worker failed while grading it ({type(exc).__name__}: {exc})")
        finally:
            self.slots.put(slot)
            shutil.rmtree(work, ignore_errors=True)
        reply["worker"] = self.worker_name
        return reply


def slot_env(key: bytes, private: Path) -> dict[str, str]:
    """The slots' environment: this worker's, with the batch's key (as `GRADER_HIDDEN_KEY` when it
    is text, else as the key file of a state folder inside `private`), so that the grading children
    forked from the slots draw the batch machine's hidden set. The slots' zygotes and kernels get a
    stripped environment, as on one machine; `private` is a 0700 folder under the temp folder, which
    the sandbox hides from learner code like the default key file."""
    from grader.suite.hidden_key import KEY_ENV, KEY_FILE, STATE_ENV

    env = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, STATE_ENV)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p)
    if key and b"\0" not in key:
        try:
            env[KEY_ENV] = key.decode()
            return env
        except UnicodeDecodeError:
            pass
    state = Path(private) / "state"
    state.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(state / KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key)
    finally:
        os.close(fd)
    env[STATE_ENV] = str(state)
    return env


def grade_remote(task: dict, files: dict[str, bytes]) -> dict:
    """The Dask task: one learner's unit in, its reply and output files out (never raises)."""
    plugin = get_worker().plugins.get(PLUGIN)
    if plugin is None:
        return crashed("the Dask worker has no grader plugin (it joined without registration)")
    return plugin.grade(task, files)


def slot_seed(purpose: str, dask_worker=None) -> int | None:
    """The hidden seed for `purpose` as this worker's slots draw it (a check that every worker draws
    the batch machine's hidden set; run with `client.run`, which passes `dask_worker`)."""
    plugin = (dask_worker or get_worker()).plugins.get(PLUGIN)
    if plugin is None or not getattr(plugin, "env", None):
        return None
    code = f"from grader.suite.hidden_key import hidden_seed; print(hidden_seed({purpose!r}))"
    done = subprocess.run([sys.executable, "-c", code], env=plugin.env, capture_output=True, text=True,
                          timeout=120)
    return int(done.stdout) if done.returncode == 0 else None
