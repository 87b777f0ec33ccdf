"""In-notebook self-check: `from grader import check`, then `check("binary_cross_entropy")` or `check()`.

Runs a chapter's grading suite against the functions defined in the live Jupyter kernel and returns a
result that Jupyter shows inline as a small table (and prints as text elsewhere), in seconds.

It is a self-check, not the official grade. The suite runs in the kernel's own process, next to the
learner's code, which could change what the tests see; and the kernel holds whatever state its cells
left, in whatever order they ran. The official grade is always the isolated run,
`grader check ch6 notebook.ipynb`: a fresh, sandboxed kernel runs the notebook top to bottom.

How: the kernel's namespace is served by `grader.notebook.serve.NotebookServer` from a thread of this
process, over a socket pair, to an ordinary `Learner` -- the same plain-data protocol as a graded
submission. Each call leaves the namespace and the random generators as it found them. A function
that hangs is interrupted (an exception raised in the serving thread, which stops Python code but
not a long C call) and reported as too slow.
"""

from __future__ import annotations

import ctypes
import html
import random
import shutil
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.results import ExerciseResult, Fault
from grader.worker.client import Worker, WorkerFault
from grader.worker.limits import Limits
from grader.worker.workspace import private_tempdir

OFFICIAL = "grader check {chapter} your_notebook.ipynb"


@dataclass
class SelfCheck:
    """The outcome of one self-check, shown inline by Jupyter."""

    chapter: str
    """Chapter whose suite ran (`ch6`)."""
    exercises: list[ExerciseResult] = field(default_factory=list)
    """One entry per exercise checked."""
    error: str | None = None
    """Why nothing could be checked (an unknown exercise name...), else None."""
    notes: list[str] = field(default_factory=list)
    """Things to know (exercises left out, a function that hung)."""
    seconds: float = 0.0
    """How long the check took."""

    @property
    def points(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_points(self) -> float:
        return sum(e.max_points for e in self.exercises)

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.exercises) and all(e.passed for e in self.exercises)

    def problems(self, exercise: ExerciseResult) -> list[str]:
        """The first failed test's message and hint, for one exercise."""
        for test in exercise.tests:
            if test.outcome in ("failed", "error", "missing") and not test.stretch:
                return [test.message] + ([test.hint] if test.hint else [])
        return []

    def __repr__(self) -> str:
        lines = [f"Self-check ({self.chapter}, in this kernel; not the official grade: run "
                 f"`{OFFICIAL.format(chapter=self.chapter)}`)"]
        if self.error:
            return "\n".join(lines + [f"  could not check: {self.error}"])
        for e in self.exercises:
            mark = "PASS" if e.passed else "FAIL"
            lines.append(f"  {mark} {e.name:<22} {e.points:g}/{e.max_points:g}")
            lines += [f"       {text}" for text in self.problems(e)]
        lines += [f"  note: {n}" for n in self.notes]
        lines.append(f"  {self.points:g}/{self.max_points:g} points in {self.seconds:.1f} s")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = (f"<div style='font-family:sans-serif;font-size:13px'><b>Self-check</b> "
                f"<span style='color:#666'>({esc(self.chapter)}, run in this kernel next to your code: "
                f"not the official grade; that is <code>{esc(OFFICIAL.format(chapter=self.chapter))}"
                f"</code>, in a fresh kernel)</span>")
        if self.error:
            return head + f"<p style='color:#b00'>Could not check: {esc(self.error)}</p></div>"
        rows = []
        for e in self.exercises:
            mark = "<span style='color:#080'>&#10004; pass</span>" if e.passed else \
                "<span style='color:#b00'>&#10008; fail</span>"
            problems = self.problems(e)
            detail = esc(problems[0]) if problems else ""
            if len(problems) > 1:
                detail += f"<br><i>Hint: {esc(problems[1])}</i>"
            rows.append(f"<tr><td><code>{esc(e.name)}</code></td><td>{mark}</td>"
                        f"<td style='text-align:right'>{e.points:g}/{e.max_points:g}</td>"
                        f"<td>{detail}</td></tr>")
        notes = "".join(f"<li>{esc(n)}</li>" for n in self.notes)
        return (head + "<table style='border-collapse:collapse;margin-top:4px'>" + "".join(rows) +
                "</table>" + (f"<ul style='color:#666'>{notes}</ul>" if notes else "") +
                f"<div style='color:#666'>{self.points:g}/{self.max_points:g} points, "
                f"{self.seconds:.1f} s</div></div>")


def check(*names: str, chapter: str | None = None, namespace: dict | None = None, timing: bool = True,
          timeout: float = 10.0) -> SelfCheck:
    """Check the named exercises (all but the slow ones when none is named) in this kernel.

    `namespace`: where the functions are (default: the notebook's, or the caller's globals).
    `timing`: run the timed tests, as `grader check` does (on by default, so that both give the same
    points for the same code; a few seconds). `timeout`: seconds one call may take.
    """
    from grader.chapters import get_chapter
    from grader.errors import GraderError

    started = time.perf_counter()
    chapter = chapter or get_chapter(None).name  # the registry's default chapter
    try:
        ch = get_chapter(chapter)
        only = ch.resolve(names, option="check()", questionnaire=False) or None
    except GraderError as exc:
        return SelfCheck(chapter=chapter, error=str(exc))
    slow = {e.name for e in ch.exercises if e.slow}
    skip = slow - (only or set())
    result = SelfCheck(chapter=ch.name)
    if only is None and skip:
        result.notes.append(f"left out (slow): {', '.join(sorted(skip))}; name it to check it, "
                            f"e.g. check({sorted(skip)[0]!r}). The points are those `grader check` gives "
                            f"the same code with --skip {' --skip '.join(sorted(skip))}, questionnaire aside")
    if not timing:
        result.notes.append("timed tests left out (timing=False): they count 0 of 0 here, unlike in "
                            "`grader check`")
    namespace, shell = _namespace(namespace)
    workdir = private_tempdir("grader-selfcheck-")
    worker = InKernelWorker(namespace, shell, workdir=workdir, limits=Limits(timeout=timeout))
    states = _random_states()  # the suite draws its inputs in this very process
    try:
        result.exercises = _run(ch, worker, workdir, only=only, skip=skip, timing=timing)
    finally:
        worker.close()
        shutil.rmtree(workdir, ignore_errors=True)
        _restore_random(states)
    if worker.stuck:
        result.notes.append("a function did not stop when interrupted and may still be running in "
                            "this kernel: restart the kernel if it stays busy")
    result.seconds = time.perf_counter() - started
    return result


def _run(ch, worker: "InKernelWorker", workdir: Path, *, only, skip, timing: bool):
    import torch

    from grader.grading import _exercises
    from grader.suite.context import GradingContext
    from grader.suite.learner import Learner
    from grader.suite.plugin import GradingPlugin
    from grader.suite.runner import run_suite
    from grader.tidy import relative_in_exercises

    worker.start()
    context = GradingContext(Learner(worker), workdir, options={
        "timing": timing, "device": "cuda" if torch.cuda.is_available() else "cpu",
        "limits": worker.limits, "progress": None,
        **{option.name: option.default for option in ch.options}})  # the chapter's own, as `grader check`
    plugin = GradingPlugin(context, only=only, skip=skip)
    run_suite(ch.suite, plugin)
    exercises = _exercises(ch, plugin, context.learner, only, skip)
    relative_in_exercises(exercises, workdir)  # no temporary folder in what the learner reads
    return exercises


def _namespace(namespace: dict | None):
    """The namespace to check and the IPython shell, if there is one."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if namespace is not None:
        return namespace, shell
    if shell is not None:
        return shell.user_ns, shell
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("grader"):
        frame = frame.f_back
    return (frame.f_globals if frame is not None else {}), None


def _random_states() -> tuple:
    import numpy as np
    import torch

    return random.getstate(), np.random.get_state(), torch.get_rng_state()


def _restore_random(states: tuple) -> None:
    import numpy as np
    import torch

    random.setstate(states[0])
    np.random.set_state(states[1])
    torch.set_rng_state(states[2])


class _Interrupted(BaseException):
    """Raised in the serving thread when a call took too long."""


def _selfcheck_server():
    from grader.notebook.serve import NotebookServer
    from grader.worker.server import _decode_globals

    class SelfCheckServer(NotebookServer):
        """Leaves the learner's namespace and random generators as each call found them."""

        def op_call(self, request: dict) -> dict:
            names = list(_decode_globals(request.get("globals")))
            missing = object()
            saved = {n: self.namespace.get(n, missing) for n in names}
            states = _random_states()
            try:
                return super().op_call(request)
            finally:
                for n, value in saved.items():
                    if value is missing:
                        self.namespace.pop(n, None)
                    else:
                        self.namespace[n] = value
                _restore_random(states)

    return SelfCheckServer


class InKernelWorker(Worker):
    """The suite's `Worker`, served from a thread of this process (see the module docstring)."""

    MAX_STARTS = 5

    def __init__(self, namespace: dict, shell, *, workdir: Path, limits: Limits):
        super().__init__(None, submission=workdir / "kernel", workdir=workdir, limits=limits)
        self.namespace, self.shell = namespace, shell
        self.thread: threading.Thread | None = None
        self.stuck = False

    def start(self) -> Fault | None:
        if self.starts >= self.MAX_STARTS:
            self.load_fault = Fault("crash", "the self-check lost its connection too many times")
            return self.load_fault
        self.starts += 1
        ours, theirs = socket.socketpair()
        server = _selfcheck_server()(theirs, self.namespace, self.shell)
        self.thread = threading.Thread(target=_serve, args=(server, theirs), daemon=True,
                                       name="grader-selfcheck")
        self.thread.start()
        self.sock, self.pid = ours, None
        try:
            reply = self._exchange({"op": "adopt"}, 30, during="reading this kernel's names")
        except WorkerFault as exc:
            self.load_fault = exc.fault
            return exc.fault
        self.names = list(reply.get("names", []))
        self.load_fault = None
        return None

    def kill(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        thread, self.thread = self.thread, None
        if thread is not None and thread.is_alive():
            thread.join(timeout=0.2)  # an idle server ends by itself once our end is closed
        if thread is not None and thread.is_alive():  # busy in the learner's code: interrupt it
            _raise_in(thread, _Interrupted)
            thread.join(timeout=2.0)
            self.stuck = self.stuck or thread.is_alive()

    def close(self) -> None:
        self.kill()

    def _death(self, during: str) -> Fault:
        self.kill()
        return Fault("crash", f"the self-check's connection closed while {during}")


def _serve(server, sock: socket.socket) -> None:
    try:
        try:
            server.serve()
        finally:
            sock.close()
    except BaseException:  # interrupted (while serving or while closing), or the socket went away:
        pass  # nothing of it may reach the learner's notebook as a thread's traceback


def _raise_in(thread: threading.Thread, exc_type: type) -> None:
    """Ask Python to raise `exc_type` in `thread` at its next bytecode (C calls finish first)."""
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(exc_type))
