"""The batch side of the slots: start N warm slot processes, feed them tasks, collect their replies.

Each slot (`grader.batch.slot`) is a subprocess in a session of its own, so Ctrl-C on the terminal
reaches only the batch process, which then stops the slots itself; they also die with it on a kill.
A slot that dies is restarted (a few times); its task is reported as failed by the grader, and the
batch goes on.
"""

from __future__ import annotations

import collections
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

MAX_RESTARTS = 3
START_GRACE = 300.0
"""Seconds a slot may take to start (importing torch on a busy machine) before its task is lost."""


@dataclass
class Task:
    """One submission to grade, as sent to a slot."""

    id: int
    learner: str
    entry: str
    safe: str
    key: str
    file: str
    """The snapshot of the submission that the slot grades."""
    out: str
    """The batch's output folder (read only by the slot)."""
    staging: str = ""
    """Where the slot's child writes the unit's output (`grader.batch.unit`)."""
    helpers: list[str] = field(default_factory=list)
    """File names of the learner's helper files, beside `file`."""

    def message(self) -> str:
        return json.dumps(self.__dict__) + "\n"

    @property
    def notebook(self) -> bool:
        return self.file.endswith(".ipynb")


@dataclass
class _Slot:
    index: int
    proc: subprocess.Popen
    task: Task | None = None
    queued: Task | None = None
    """A notebook sent while `task` grades, so that its kernel starts ahead."""
    since: float = 0.0
    ready: bool = False
    buffer: bytes = b""
    restarts: int = 0


class Pool:
    """N slot processes grading tasks; `run` returns once every task has a reply."""

    def __init__(self, *, jobs: int, options: dict, log_dir: Path):
        self.jobs, self.options, self.log_dir = jobs, options, log_dir
        self.selector = selectors.DefaultSelector()
        self.slots: list[_Slot] = []
        self.pending: collections.deque[Task] = collections.deque()

    def _start(self, index: int, restarts: int = 0) -> _Slot:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"slot-{index}.log", "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "grader.batch.slot", "--options", json.dumps(self.options),
                 *([] if any(not t.notebook for t in self.pending) else ["--notebooks-only"])],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, start_new_session=True)
        slot = _Slot(index=index, proc=proc, since=time.monotonic(), restarts=restarts)
        self.selector.register(proc.stdout, selectors.EVENT_READ, slot)
        return slot

    def run(self, tasks: Iterable[Task], on_reply: Callable[[Task, dict], None],
            on_tick: Callable[[], None] | None = None) -> None:
        self.pending = pending = collections.deque(tasks)
        if not pending:
            return
        self.slots = [self._start(i) for i in range(min(self.jobs, len(pending)))]
        try:
            while pending or any(s.task for s in self.slots):
                for slot in self.slots:
                    if not pending or slot.proc.poll() is not None:
                        continue
                    if slot.task is None:
                        self._assign(slot, pending.popleft())
                    elif slot.queued is None and pending[0].notebook:
                        slot.queued = pending[0]  # its kernel starts while the current one grades
                        self._send(slot, pending.popleft())
                if not any(s.proc.poll() is None or s.task for s in self.slots):
                    for task in pending:  # no slot can run: every one of them failed to start
                        on_reply(task, {"state": "crashed", "message": self._why_dead()})
                    pending.clear()
                for key, _ in self.selector.select(timeout=0.5):
                    self._read(key.data, on_reply)
                self._check_overdue(on_reply)
                if on_tick:
                    on_tick()
        finally:
            self.close()

    def _assign(self, slot: _Slot, task: Task) -> None:
        slot.task, slot.since = task, time.monotonic()
        self._send(slot, task)

    def _send(self, slot: _Slot, task: Task) -> None:
        try:
            slot.proc.stdin.write(task.message().encode())
            slot.proc.stdin.flush()
        except OSError:
            pass  # the slot is dead: its end of stream is read below and the task reported

    def _read(self, slot: _Slot, on_reply) -> None:
        data = os.read(slot.proc.stdout.fileno(), 65536)
        if not data:
            self._lost(slot, on_reply, "the grading process died")
            return
        slot.buffer += data
        while b"\n" in slot.buffer:
            line, slot.buffer = slot.buffer.split(b"\n", 1)
            try:
                reply = json.loads(line)
            except ValueError:
                continue
            if reply.get("state") == "ready":
                slot.ready = True
                if slot.task is not None:
                    slot.since = time.monotonic()
            elif slot.task is not None and reply.get("id") == slot.task.id:
                task, slot.task, slot.queued = slot.task, slot.queued, None
                slot.since = time.monotonic()
                on_reply(task, reply)

    def _check_overdue(self, on_reply) -> None:
        """A backstop behind the slot's own time limit: a slot that stops answering is replaced."""
        now = time.monotonic()
        for slot in self.slots:
            limit = self.options["max_time"] + 60 if slot.ready else START_GRACE
            if slot.task is not None and now - slot.since > limit:
                self._lost(slot, on_reply, "the grading process stopped answering and was stopped")

    def _lost(self, slot: _Slot, on_reply, message: str) -> None:
        self.selector.unregister(slot.proc.stdout)
        _kill(slot.proc)
        task, slot.task = slot.task, None
        if slot.queued is not None:  # never started: another slot grades it
            self.pending.appendleft(slot.queued)
            slot.queued = None
        if task is not None:
            on_reply(task, {"id": task.id, "state": "crashed", "message": message})
        if slot.restarts < MAX_RESTARTS and slot.ready:
            self.slots[self.slots.index(slot)] = self._start(slot.index, slot.restarts + 1)

    def _why_dead(self) -> str:
        tail = ""
        for slot in self.slots:
            try:
                lines = (self.log_dir / f"slot-{slot.index}.log").read_text(errors="replace")
                tail = lines.strip().splitlines()[-1] if lines.strip() else tail
            except OSError:
                pass
        return "the grader's grading processes could not start" + (f" ({tail})" if tail else "")

    def close(self) -> None:
        for slot in self.slots:
            _kill(slot.proc)
        self.selector.close()


def _kill(proc: subprocess.Popen) -> None:
    """Stop a slot and everything in its session (its grading child); its zygote follows on EOF."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    for stream in (proc.stdin, proc.stdout):
        try:
            stream.close()
        except OSError:
            pass
    proc.wait()
