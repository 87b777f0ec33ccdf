"""The suite's handle on the learner's code: every call goes to the worker, results come back as data."""

from __future__ import annotations

import re
from typing import Any, Iterable

from grader.results import Fault
from grader.suite.feedback import Feedback, Misconception
from grader.worker.client import CallOutcome, Worker

FAULT_WORDS = {
    "timeout": "took too long",
    "memory": "ran out of memory",
    "exit": "ended the worker process",
    "crash": "crashed the worker",
}


class Learner:
    """Calls into the learner's loaded submission. Raises `Feedback` for anything the learner should fix."""

    def __init__(self, worker: Worker):
        self.worker = worker
        self._info: dict[str, dict] = {}
        self.timed_out: dict[str, Fault] = {}
        """Functions that hung once: not called again (one timeout per function, not per test)."""

    @property
    def load_fault(self) -> Fault | None:
        return self.worker.load_fault

    def info(self, name: str) -> dict:
        if name not in self._info:
            self._info[name] = self.worker.info(name)
        return self._info[name]

    def require(self, name: str) -> dict:
        """Fail the test with a clear message unless the submission defines function `name`."""
        fault = self.worker.load_fault
        if fault is not None and not self.worker.alive:
            where = f" (line {fault.line})" if fault.line else ""
            raise Feedback(f"your file could not be loaded{where}: {fault.kind}: {fault.message}",
                           hint=load_hint(fault) or "Fix this error first: no exercise can be graded "
                                                    "until the file runs.", fault=fault)
        info = self.info(name)
        if not info.get("defined"):
            raise Feedback(f"`{name}` is not defined", hint=f"Define a function named `{name}` in your "
                           "submission (check the spelling and that it is at the top level).",
                           misconception="not_defined")
        if not info.get("callable"):
            raise Feedback(f"`{name}` is a {info.get('type')}, not a function",
                           hint=f"`{name}` must be a function (def {name}(...): ...).")
        return info

    def outcome(self, name: str, *args, **options) -> CallOutcome:
        self.require(name)
        if name in self.timed_out:
            earlier = self.timed_out[name]
            return CallOutcome(fault=Fault("timeout", f"it did not finish in an earlier test, so it was "
                                                      f"not called again ({earlier.message})"))
        result = self.worker.call(name, *args, **options)
        if result.fault is not None and result.fault.kind == "timeout":
            self.timed_out[name] = result.fault
        return result

    def call(self, name: str, *args, misconceptions: Iterable[Misconception] = (),
             **options) -> Any:
        """Call `name` and return its value; a raise, hang or crash becomes `Feedback`."""
        result = self.outcome(name, *args, **options)
        if result.fault is not None:
            raise fault_feedback(name, result.fault, misconceptions)
        return result.value


LOAD_HINTS = {
    "ModuleNotFoundError": "The grader runs your file offline with the packages of its own environment "
                           "(torch, fastai, numpy, pandas and the standard library): import only those, "
                           "and check the module's spelling.",
    "SyntaxError": "Python could not read the file: look at the line shown (and the one before it) for "
                   "an unclosed bracket or quote, or a missing colon.",
    "IndentationError": "The indentation of the line shown does not match the lines around it: indent "
                        "with 4 spaces, consistently.",
    "NameError": "A name is used at the top level of your file before it is defined (or never is): "
                 "define or import it first.",
    "FileNotFoundError": "Your file reads a file when it loads: paths of your machine do not exist where "
                         "the grader runs it; read data inside your functions, from their arguments.",
}


def load_hint(fault: Fault | None) -> str | None:
    """What to try for an error raised while the learner's file loaded (None when nothing specific)."""
    if fault is None:
        return None
    return LOAD_HINTS.get(fault.kind)


def fault_feedback(name: str, fault: Fault, misconceptions: Iterable[Misconception] = ()) -> Feedback:
    """Feedback for a call that raised or died, with a misconception hint when the message shows one."""
    if fault.kind == "NotImplementedError":
        return Feedback(f"`{name}` is still the stub: it raises NotImplementedError",
                        hint="Replace the `raise NotImplementedError` with your implementation.",
                        misconception="not_implemented", fault=fault)
    if fault.kind in FAULT_WORDS:
        message = f"`{name}` {FAULT_WORDS[fault.kind]}: {fault.message}"
    else:
        where = f" (line {fault.line})" if fault.line else ""
        message = f"`{name}` raised {fault.kind}{where}: {fault.message}"
    for m in misconceptions:
        if m.fault_pattern and re.search(m.fault_pattern, f"{fault.kind}: {fault.message}", re.I):
            return Feedback(message, hint=m.hint, misconception=m.id, fault=fault, fix=m.fix)
    return Feedback(message, fault=fault)
