"""A warm grading slot: pays for torch, pytest and the grader once, then grades one submission at a time.

Run as `python -m grader.batch.slot --options JSON` by `grader.batch.pool`. It reads tasks as JSON
lines on stdin and answers each with one JSON line on stdout. Every submission is graded by a child
forked from this warm process (so nothing of one grading, in pytest or in the grader, reaches the
next), and the learner's code runs in a worker that the slot's own zygote forks for that child. The
child writes the learner's record and files itself, atomically, the moment grading ends.

This process must fork while it has a single thread and has done no torch computation, so it only
imports here; all grading happens in the children.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib
import json
import os
import pkgutil
import select
import signal
import sys
import time
import traceback
from pathlib import Path

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


def warm_up(chapter: str) -> None:
    """Import what every grading needs, so each forked child starts with it loaded."""
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import pytest  # noqa: F401
    import torch  # noqa: F401

    import grader.commands.check  # noqa: F401
    import grader.data.biwi  # noqa: F401
    import grader.data.pascal  # noqa: F401
    import grader.grading  # noqa: F401
    import grader.suite.checks  # noqa: F401
    import grader.suite.render  # noqa: F401

    package = importlib.import_module(f"grader.suites.{chapter}")
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("test_"):  # pytest imports the tests itself (assertion rewriting)
            importlib.import_module(f"{package.__name__}.{info.name}")
    for optional in ("grader.report", "grader.notebook", "grader.questionnaire"):
        try:
            importlib.import_module(optional)
        except ImportError:
            pass


def grade_in_child(task: dict, options: dict, zygote) -> None:
    """In the forked child: grade one submission and write its record and files."""
    from grader.batch.learner_files import write_learner_files
    from grader.batch.store import Store, failed_record, record_for_result
    from grader.errors import GraderError, SubmissionError
    from grader.grading import grade
    from grader.worker.limits import Limits

    store = Store(Path(task["out"]))
    common = dict(learner=task["learner"], entry=task["entry"], safe=task["safe"], key=task["key"],
                  chapter=options["chapter"], options=options)
    try:
        limits = Limits(timeout=options["timeout"], memory_mb=options["memory_mb"],
                        load_timeout=options["load_timeout"])
        result = grade(Path(task["file"]), chapter=options["chapter"],
                       only=set(options["only"]) or None, skip=set(options["skip"]), limits=limits,
                       timing=options["timing"], learner_name=task["learner"], zygote=zygote,
                       bear_budget=options["bear_budget"])
    except SubmissionError as exc:
        record = failed_record(status="ungradable", kind="ungradable", message=exc.message, final=True,
                               **common)
    except GraderError as exc:
        record = failed_record(status="error", kind="grader_error", final=False,
                               message=f"the grader failed: {exc.message}", **common)
    except Exception as exc:  # a bug in the grader: keep the row, retry it on the next run
        traceback.print_exc()
        record = failed_record(status="error", kind="grader_error", final=False,
                               message=f"internal error in the grader ({type(exc).__name__}: "
                                       f"{str(exc)[:300]})", **common)
    else:
        result.submission = task["entry"]
        record = record_for_result(result, entry=task["entry"], safe=task["safe"], key=task["key"])
    store.save(record)
    write_learner_files(store, record)


def wait_child(pid: int, timeout: float) -> int | None:
    """The child's wait status, or None when it is still running after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    try:
        watch = os.pidfd_open(pid)
    except (AttributeError, OSError):
        watch = None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if watch is not None:
                select.select([watch], [], [], left)
            else:
                time.sleep(min(left, 0.05))
    finally:
        if watch is not None:
            os.close(watch)


class Slot:
    """The slot's state: its options and its zygote (restarted after any abnormal child exit)."""

    def __init__(self, options: dict):
        self.options = options
        self.zygote = None

    def start_zygote(self) -> None:
        from grader.worker.client import Zygote

        if self.zygote is not None:
            self.zygote.close()
        self.zygote = Zygote()

    def fresh_zygote(self) -> None:
        self.start_zygote()
        self.zygote.ready()

    def run(self, task: dict) -> dict:
        if self.zygote is None or self.zygote.proc.poll() is not None:
            self.fresh_zygote()
        started = time.monotonic()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                die_with_parent()
                grade_in_child(task, self.options, self.zygote)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        status = wait_child(pid, self.options["max_time"])
        seconds = round(time.monotonic() - started, 3)
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            self.fresh_zygote()  # its workers for that child die with it
            return {"id": task["id"], "state": "timeout", "seconds": seconds,
                    "message": f"grading took longer than {self.options['max_time']:g} s and was "
                               "stopped"}
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            return {"id": task["id"], "state": "done", "seconds": seconds}
        self.fresh_zygote()
        how = (f"signal {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status)
               else f"exit code {os.WEXITSTATUS(status)}")
        return {"id": task["id"], "state": "crashed", "seconds": seconds,
                "message": f"the grading process died ({how})"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="grader.batch.slot")
    parser.add_argument("--options", required=True, help="the batch's grading options, as JSON")
    args = parser.parse_args(argv)
    options = json.loads(args.options)
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch process decides what Ctrl-C stops
    replies = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # whatever else is printed goes to the slot's log, never into the replies
    started = time.monotonic()
    slot = Slot(options)
    slot.start_zygote()  # the zygote imports torch while this process imports the rest
    warm_up(options["chapter"])
    slot.zygote.ready()
    print(f"slot {os.getpid()} ready in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    replies.write(json.dumps({"state": "ready", "pid": os.getpid()}) + "\n")
    try:
        for line in sys.stdin:
            if line.strip():
                replies.write(json.dumps(slot.run(json.loads(line))) + "\n")
    finally:
        if slot.zygote is not None:
            slot.zygote.close()


if __name__ == "__main__":
    main()
