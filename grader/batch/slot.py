"""A warm grading slot: pays for torch, pytest and the grader once, then grades one submission at a time.

Run as `python -m grader.batch.slot --options JSON` by `grader.batch.pool`. It reads tasks as JSON
lines on stdin and answers each with one JSON line on stdout. Every submission is graded by a child
forked from this warm process (so nothing of one grading, in pytest or in the grader, reaches the
next), and the learner's code runs in a worker that the slot's own zygote forks for that child. The
child writes the learner's record to the task's staging folder the moment grading ends; the batch
process commits it.

This process must fork while it has a single thread and has done no torch computation, so it only
imports here; all grading happens in the children.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import select
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from grader.batch.warm import warm_up

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to kill this process when the process that started it dies (a kill -9 of the batch)."""
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def grade_in_child(task: dict, options: dict, zygote, kernel=None, run_folder=None) -> None:
    """In the forked child: grade one learner's unit and write its output to the task's staging
    folder (the batch process commits it into the output folder: `grader.batch.unit`)."""
    from grader.batch.unit import grade_unit, write_unit

    try:
        record = grade_unit(task, options, zygote=zygote, kernel=kernel, run_folder=run_folder)
    finally:
        if kernel is not None:
            kernel.close()  # normally closed by the grading already; closing twice is harmless
    write_unit(Path(task["staging"]), record)


def start_ahead(task: dict, options: dict):
    """For a notebook queued behind another: its grading's folder, and its kernel started in it now
    (the kernel must see the work folder its grading will use). Returns `(run_folder, kernel)`."""
    from grader.notebook.reading import read_notebook
    from grader.notebook.worker import kernel_in
    from grader.options import GradingOptions
    from grader.worker import reaper, workspace

    grading = GradingOptions.from_dict(options)
    run = workspace.make_run_folder(grading.limits, reaper.current())
    try:
        nb = read_notebook(Path(task["file"]))[0]
    except Exception:  # an unreadable notebook is reported by its grading, not here
        nb = None
    return run, kernel_in(run.work, 1, nb=nb, limits=grading.limits, data=grading.data)


def child_main(task: dict, options: dict, zygote, go: int | None, kernels=None) -> None:
    """The forked child. With `go`, the task is a notebook queued behind another: start its kernel
    now, then wait for the word to grade (end of stream: the slot gave it up). `kernels`: this
    child's channel to the slot's kernel template (its kernels are forked warm)."""
    code = 0
    try:
        die_with_parent()
        if kernels is not None:
            from grader.notebook import template

            template.use(kernels)
        kernel = run = None
        if go is not None:
            run, kernel = start_ahead(task, options)
            print(f"kernel started ahead for {task['safe']}", file=sys.stderr, flush=True)
            if os.read(go, 1) != b"g":
                from grader.worker import reaper, workspace

                kernel.close()
                workspace.remove_run_folder(run, reaper.current())
                os._exit(0)
        grade_in_child(task, options, zygote, kernel, run)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


@dataclass
class Child:
    """A forked grading child and the task it grades."""

    task: dict
    pid: int
    go: int | None = None
    """Write end of the pipe a child started ahead waits on (None once told to go)."""
    since: float = field(default_factory=time.monotonic)


class Slot:
    """One task graded at a time; at most one more queued, whose notebook kernel starts ahead."""

    def __init__(self, options: dict, replies):
        self.options, self.replies = options, replies
        self.zygote = None
        self.kernels = None
        """The kernel template (`grader.notebook.template`), started with the first notebook."""
        self.current: Child | None = None
        self.queued: list[dict | Child] = []

    def start_zygote(self) -> None:
        from grader.worker.client import Zygote

        if self.zygote is not None:
            self.zygote.close()
        self.zygote = Zygote()

    def fresh_zygote(self) -> None:
        self.start_zygote()
        self.zygote.ready()

    def fork(self, task: dict, *, ahead: bool = False) -> Child:
        notebook = task["file"].endswith(".ipynb")
        if not notebook and (self.zygote is None or self.zygote.proc.poll() is not None):
            self.fresh_zygote()  # notebooks run in kernels: only a `.py` needs the zygote
        channel = self.kernel_channel() if notebook else None
        go_r, go_w = os.pipe() if ahead else (None, None)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            for other in [go_w] + [c.go for c in self.queued if isinstance(c, Child)]:
                if other is not None:
                    os.close(other)  # another child's go signal must end when the slot closes it
            child_main(task, self.options, self.zygote, go_r, channel)
        if go_r is not None:
            os.close(go_r)
        if channel is not None:
            channel.close()  # the child's alone: the template ends its kernels when the child ends
        return Child(task=task, pid=pid, go=go_w)

    def kernel_channel(self):
        """A channel of its own to the kernel template for a notebook's child (None: cold kernels)."""
        if os.environ.get("GRADER_WARM_KERNELS", "on") == "off":
            return None
        try:
            if self.kernels is None or self.kernels.proc.poll() is not None:
                from grader.notebook import template

                if self.kernels is not None:
                    self.kernels.close()
                self.kernels = template.start()
                began = time.monotonic()
                self.kernels.ready()
                print(f"kernel template {self.kernels.proc.pid} ready in {time.monotonic() - began:.1f} s "
                      f"({len(self.kernels.preloaded)} modules preloaded)", file=sys.stderr, flush=True)
            return self.kernels.attach()
        except Exception as exc:  # grading goes on with cold kernels; the slot's log says why
            print(f"kernel template unavailable ({type(exc).__name__}: {exc})", file=sys.stderr,
                  flush=True)
            self.kernels = None
            return None

    def receive(self, task: dict) -> None:
        if self.current is None:
            self.current = self.fork(task)
        elif task["file"].endswith(".ipynb"):
            self.queued.append(self.fork(task, ahead=True))
        else:
            self.queued.append(task)

    def next(self) -> None:
        """The current child is done: start the queued task (or let its started child go on)."""
        self.current = None
        if not self.queued:
            return
        waiting = self.queued.pop(0)
        if isinstance(waiting, Child):
            try:
                os.write(waiting.go, b"g")
            except BrokenPipeError:
                pass  # it died while waiting: its exit status is read like any other's
            os.close(waiting.go)
            waiting.go, waiting.since = None, time.monotonic()
            self.current = waiting
        else:
            self.current = self.fork(waiting)

    def finish(self, status: int | None) -> None:
        """Reply for the current child (None: it ran out of time and is killed here)."""
        child = self.current
        reply = {"id": child.task["id"], "seconds": round(time.monotonic() - child.since, 3)}
        if status is None:
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
            reply.update(state="timeout", message=f"grading took longer than "
                                                  f"{self.options['max_time']:g} s and was stopped")
        elif os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            reply.update(state="done")
        else:
            how = (f"signal {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status)
                   else f"exit code {os.WEXITSTATUS(status)}")
            reply.update(state="crashed", message=f"the grading process died ({how})")
        if reply["state"] != "done" and self.zygote is not None:
            self.zygote.close()  # the dead child's workers, and its end of the channel, go with it
            self.zygote = None  # a new one is started for the next `.py`
        self.replies.write(json.dumps(reply) + "\n")
        self.next()

    def serve(self, stdin: int) -> None:
        """Take tasks from `stdin` (JSON lines) until it ends and every task has its reply."""
        buffer, open_input = b"", True
        while open_input or self.current is not None:
            pidfd = _pidfd(self.current.pid) if self.current is not None else None
            watch = ([stdin] if open_input else []) + ([pidfd] if pidfd is not None else [])
            timeout = None
            if self.current is not None:
                left = max(self.options["max_time"] - (time.monotonic() - self.current.since), 0)
                timeout = left if pidfd is not None else min(left, 0.05)
            try:
                ready, _, _ = select.select(watch, [], [], timeout)
            finally:
                if pidfd is not None:
                    os.close(pidfd)
            if stdin in ready:
                data = os.read(stdin, 65536)
                open_input = bool(data)
                buffer += data
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        self.receive(json.loads(line))
            if self.current is not None:
                done, status = os.waitpid(self.current.pid, os.WNOHANG)
                if done:
                    self.finish(status)
                elif time.monotonic() - self.current.since >= self.options["max_time"]:
                    self.finish(None)


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="grader.batch.slot")
    parser.add_argument("--options", required=True, help="the batch's grading options, as JSON")
    parser.add_argument("--notebooks-only", action="store_true",
                        help="no `.py` is coming: start the worker zygote only if one does")
    args = parser.parse_args(argv)
    options = json.loads(args.options)
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch process decides what Ctrl-C stops
    replies = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # whatever else is printed goes to the slot's log, never into the replies
    started = time.monotonic()
    slot = Slot(options, replies)
    if not args.notebooks_only:
        slot.start_zygote()  # the zygote imports torch while this process imports the rest
    warm_up(options["chapter"])  # grader.batch.warm
    if slot.zygote is not None:
        slot.zygote.ready()
    gc.freeze()  # what is loaded now is never collected: children's collections skip it (no copy-on-write)
    print(f"slot {os.getpid()} ready in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    replies.write(json.dumps({"state": "ready", "pid": os.getpid()}) + "\n")
    try:
        slot.serve(sys.stdin.fileno())
    finally:
        for zygote in (slot.zygote, slot.kernels):
            if zygote is not None:
                zygote.close()


if __name__ == "__main__":
    main()
