"""The batch side of a Dask cluster: `ClusterPool`, which grades the batch's tasks on Dask workers.

It has the local pool's interface (`run(tasks, on_reply, on_tick)`), so the batch around it (the
store, the gradebook, resume, --force, --learner, Ctrl-C) is the same code. Per task it packs the
snapshot folder the batch made (`grader.batch.unit.pack`), submits it to the cluster, and when the
reply comes back writes the unit's output files into the task's staging folder before handing the
reply to the batch, which commits it. Only this process writes the output folder.

Faults: when a Dask worker dies, the scheduler gives its tasks to another worker; a task whose
workers died `allowed-failures` times (the scheduler's setting; `local:N` sets it to
`ALLOWED_FAILURES`) comes back as `KilledWorker` and becomes the learner's `error` row, with why,
which a rerun retries. A scheduler that goes away ends the batch with the rest recorded as errors.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import CancelledError
import uuid
from pathlib import Path
from typing import Callable, Iterable

from grader.batch.pool import Task
from grader.batch.unit import pack, unpack
from grader.errors import UsageError

ALLOWED_FAILURES = 2
"""Worker deaths a task may cause before it is recorded as an error (for clusters we start)."""
TICK = 0.5


def trains(options: dict) -> bool:
    """This batch grades one of the chapter's training exercises."""
    from grader.options import GradingOptions

    return GradingOptions.from_dict(options).trains()


def placement(workers: dict[str, dict], options: dict) -> tuple[int, dict]:
    """Where this batch's tasks go, and how many may be in flight at once (one per free seat).

    With workers started with `--resources GPU=N`: a batch that trains (a chapter's training exercise) or times (the
    timed tests, which on a GPU time the CUDA runs) goes to them only, one task per GPU, so every
    learner is timed and trained on the same kind of device; any other batch prefers the CPU-only
    workers and spills onto the GPU ones. Without GPU workers, every worker thread takes a task."""
    threads = sum(int(w.get("nthreads", 1)) for w in workers.values())
    gpus = {a: int(w.get("resources", {}).get("GPU", 0)) for a, w in workers.items()}
    gpus = {a: n for a, n in gpus.items() if n > 0}
    if not gpus:
        return threads, {}
    if trains(options) or options.get("timing", True):
        seats = sum(min(n, int(workers[a].get("nthreads", 1))) for a, n in gpus.items())
        return seats, {"resources": {"GPU": 1}}
    cpu = [a for a in workers if a not in gpus]
    return threads, ({"workers": cpu, "allow_other_workers": True} if cpu else {})


class ClusterPool:
    """Grades tasks on the Dask cluster at `scheduler` (`tcp://HOST:PORT`, or `local:N`); like the
    local pool, `run` connects (or starts the local cluster) and disconnects (or stops it)."""

    def __init__(self, scheduler: str, *, options: dict, say: Callable[[str], None] = print):
        self.scheduler, self.options, self.say = scheduler, options, say
        self.client = self.cluster = None
        self.sent = self.received = 0
        """Bytes of unit files shipped to workers, and back."""
        self.graded = 0
        self.by_worker: dict[str, int] = {}
        """Replies per worker, for the closing line."""

    @property
    def lost_message(self) -> str:
        return (f"the connection to the Dask scheduler at {self.scheduler} was lost before it was "
                "graded; rerun to grade it")

    # -- connecting --------------------------------------------------------------------------------
    def connect(self) -> None:
        from distributed import Client, LocalCluster
        import dask

        from grader.batch.cluster import LOCAL

        local = LOCAL.fullmatch(self.scheduler)
        try:
            if local:
                with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                    self.cluster = LocalCluster(n_workers=int(local.group(1)), threads_per_worker=1,
                                                processes=True, host="127.0.0.1",
                                                dashboard_address=":0", memory_limit=0,
                                                silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
            else:
                self.client = Client(self.scheduler, timeout=30)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise UsageError(f"--scheduler: cannot reach the Dask scheduler at {self.scheduler} ({exc})",
                             hint="Start it with `dask scheduler` on that machine and check the address "
                                  "and that its port (8786) is open to this machine.") from None
        self._register()

    def _register(self) -> None:
        import grader
        from grader.batch.cluster.worker import GraderPlugin
        from grader.batch.store import grader_fingerprint
        from grader.suite.hidden_key import machine_key

        plugin = GraderPlugin(self.options, key=machine_key(), version=grader.__version__,
                              fingerprint=grader_fingerprint())
        self.client.register_plugin(plugin, name=plugin.name)

    def workers(self) -> dict[str, dict]:
        return self.client.scheduler_info().get("workers", {})

    def _describe(self) -> None:
        workers = self.workers()
        gpus = sum(1 for w in workers.values() if w.get("resources", {}).get("GPU"))
        plural = "es" if len(workers) != 1 else ""
        where = (f"started a local Dask cluster: {len(workers)} worker process{plural}" if self.cluster
                 else f"connected to the Dask cluster at {self.scheduler}: {len(workers)} "
                      f"worker{'s' if len(workers) != 1 else ''}")
        self.say(where + (f", {gpus} with a GPU" if gpus else ""))
        if _answers(self.client.dashboard_link):
            self.say(f"Dask dashboard: {self.client.dashboard_link}")
        if not workers:
            self.say("no worker is connected yet: grading starts when one joins "
                     "(`dask worker " + self.scheduler + "`)")

    # -- grading -------------------------------------------------------------------------------------
    def run(self, tasks: Iterable[Task], on_reply: Callable[[Task, dict], None],
            on_tick: Callable[[], None] | None = None) -> None:
        from distributed import wait

        pending = list(tasks)
        if not pending:
            return
        pending.reverse()  # pop() from the end keeps the planned order
        running: dict = {}
        try:
            if self.client is None:
                self.connect()
            self._describe()
            while pending or running:
                if self.client.status not in ("running", "connecting", "newly-created"):
                    self._lost(pending, running, on_reply)
                    break
                finished = [(running.pop(f), f) for f in [f for f in running if f.done()]]
                for task, reply in self._fill(pending, running):  # freed workers first, then
                    on_reply(task, reply)                          # the batch's bookkeeping
                for task, future in finished:
                    on_reply(task, self._reply(task, future))
                    future.release()
                if on_tick:
                    on_tick()
                if running:
                    try:
                        wait(list(running), timeout=TICK, return_when="FIRST_COMPLETED")
                    except TimeoutError:  # none finished: tick, and look for free workers again
                        pass
                    except Exception:  # the scheduler is lost (futures cancelled, client closed):
                        time.sleep(TICK)  # each reply, or the check above, says so
                elif pending:
                    time.sleep(TICK)  # no worker yet
        finally:
            if running and self.client is not None and self.client.status == "running":
                try:
                    self.client.cancel(list(running))  # interrupted: what finished is committed
                except Exception:  # stopping must not hide why the batch stopped
                    pass
            if self.by_worker:
                self.say("graded per worker: " + ", ".join(f"worker {name}: {count}" for name, count
                                                           in sorted(self.by_worker.items())))
            if self.graded:
                self.say(f"shipped {self.sent / self.graded / 1024:.1f} kB per submission to the "
                         f"workers and {self.received / self.graded / 1024:.1f} kB back")
            self.close()

    def _lost(self, pending: list[Task], running: dict, on_reply) -> None:
        """The scheduler is gone for good: every learner not yet graded gets an `error` row."""
        message = self.lost_message
        self.say(f"lost the Dask scheduler at {self.scheduler}: {len(pending) + len(running)} "
                 "submissions not graded (rerun to grade them)")
        for task in [*running.values(), *reversed(pending)]:
            on_reply(task, {"state": "crashed", "message": message})
        running.clear()
        pending.clear()

    def _fill(self, pending: list[Task], running: dict) -> list[tuple[Task, dict]]:
        """One task in flight per live worker thread. A task never waits on a worker behind another
        one, so a worker that dies (a submission that brings it down, say) takes only the task it was
        running with it, never a bystander's, and the class's files stay here until a thread is free."""
        from grader.batch.cluster.worker import grade_remote

        try:
            workers = self.workers()
        except Exception:  # the scheduler is away: the client reconnects, or closes (see `run`)
            return []
        seats, where = placement(workers, self.options)
        unsent = []
        while pending and len(running) < seats:
            task = pending.pop()
            try:
                files = pack(Path(task.file).parent)
            except (OSError, ValueError) as exc:
                unsent.append((task, {"state": "crashed", "message": f"its files could not be sent "
                                                                     f"to the cluster ({exc})"}))
                continue
            self.sent += sum(len(b) for b in files.values())
            future = self.client.submit(grade_remote, dict(task.__dict__), files, pure=False,
                                        key=f"grade-{task.safe}-{uuid.uuid4().hex[:8]}", **where)
            running[future] = task
        return unsent

    def _reply(self, task: Task, future) -> dict:
        """The worker's reply with its files written to the task's staging folder; a lost task is a
        `crashed` reply saying why."""
        from distributed.scheduler import KilledWorker

        try:
            reply = future.result()
        except CancelledError:
            return {"state": "crashed", "message": self.lost_message}
        except KilledWorker:
            return {"state": "crashed",
                    "message": "the Dask worker grading it died each time it was tried (the submission "
                               "may kill its grading process, or the machine ran out of memory); "
                               "rerun to retry"}
        except Exception as exc:  # cancelled (scheduler lost), or a fault of the cluster itself
            return {"state": "crashed", "message": f"the cluster could not grade it "
                                                   f"({type(exc).__name__}: {str(exc)[:200]})"}
        if not isinstance(reply, dict):
            return {"state": "crashed", "message": "the worker sent no reply"}
        self.graded += 1
        worker = str(reply.get("worker") or "?")
        self.by_worker[worker] = self.by_worker.get(worker, 0) + 1
        files = reply.pop("files", None) or {}
        try:
            self.received += sum(len(b) for b in files.values())
            if reply.get("state") == "done":
                unpack(files, Path(task.staging))
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            return {"state": "crashed", "message": f"the worker's files could not be kept ({exc})",
                    "worker": reply.get("worker")}
        return reply

    def close(self) -> None:
        """Unregister the plugin (its slots stop; the key leaves the scheduler) and disconnect."""
        if self.client is not None and self.cluster is None:
            from grader.batch.cluster.worker import PLUGIN

            try:
                self.client.unregister_worker_plugin(PLUGIN)
            except Exception:  # a scheduler already gone has nothing left to forget
                pass
        for closable in (self.client, self.cluster):
            if closable is not None:
                try:
                    closable.close()
                except Exception:  # closing must never hide the batch's own outcome
                    pass
        self.client = self.cluster = None


def _answers(link: str | None) -> bool:
    """The dashboard's page is served (the scheduler names a port even when it serves no page)."""
    import urllib.request

    if not link:
        return False
    try:
        with urllib.request.urlopen(link, timeout=2) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False
