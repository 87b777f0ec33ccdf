"""Training exercises: the worker trains the learner's model within the run's training budget and
predicts on hidden images; what comes back is checked here, before a chapter scores it.

Every chapter's training exercise has the same shape (a module fixture trains once, its tests read the
figures), so the parts that do not depend on the chapter live here: the budget and its progress lines,
faults and time-outs turned into feedback, the "pretrained weights cannot be downloaded" hint, and a
reply whose predictions are read strictly (a list of class names, one row of probabilities per hidden
image), since the worker runs the learner's code and its reply is untrusted.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback

TICK_S = 15.0
"""Seconds between progress lines while a model trains."""
MAX_CLASSES = 1000
PRETRAINED_WORDS = ("pretrained", "download", "urlopen")


@dataclass(frozen=True)
class Training:
    """One chapter's training exercise, as the worker is asked to run it."""

    name: str
    """The learner's function (`train_bear_classifier`)."""
    what: str
    """What is trained, for progress lines (`the bear classifier`)."""
    op: str
    """The chapter's worker operation (`CHAPTER.op("train_bears")`)."""
    too_slow_hint: str
    """What to try when training outlasts the budget."""
    pretrained_hint: str
    """What to do instead of downloading pretrained weights."""


def train_and_predict(learner, grading, training: Training, request: dict[str, Any],
                      n_hidden: int) -> tuple[dict | None, Feedback | None]:
    """Run `training.op` with `request` (paths of the training and hidden sets) within the training
    budget. Returns `(reply, None)`, the reply's `probs` decoded to an `(n_hidden, len(vocab))` tensor and
    its `vocab` a list of class names, or `(None, feedback)` that every test of the exercise reports."""
    from grader.worker import codec
    from grader.worker.client import WorkerFault, _fault_from_error

    budget = float(grading.options["training_budget"])
    say = grading.options.get("progress") or (lambda message: None)
    say(f"training {training.what} (time budget {budget:.0f} s)")
    stop = threading.Event()
    threading.Thread(target=_ticker, args=(say, training.what, budget, stop), daemon=True).start()
    try:
        reply = learner.worker.request({"op": training.op, **request}, timeout=budget,
                                       during=f"training with `{training.name}`")
    except WorkerFault as exc:
        if exc.fault.kind == "timeout":
            return None, Feedback(f"training took longer than the time budget ({budget:.0f} s) and was "
                                  "stopped", hint=training.too_slow_hint, misconception="too_slow",
                                  fault=exc.fault)
        return None, fault_feedback(training.name, exc.fault)
    finally:
        stop.set()
    if not isinstance(reply, dict) or not reply.get("ok"):
        fault = _fault_from_error((reply.get("error") if isinstance(reply, dict) else None) or {})
        feedback = fault_feedback(training.name, fault)
        if any(word in fault.message.lower() for word in PRETRAINED_WORDS):
            feedback.hint = training.pretrained_hint
        return None, feedback
    vocab = reply.get("vocab")
    try:
        probs = codec.decode(reply.get("probs"))
    except (ValueError, TypeError, KeyError):
        probs = None
    if not isinstance(vocab, list):
        return None, Feedback("the model's classes could not be read (a list of class names)")
    if not hasattr(probs, "shape") or tuple(probs.shape) != (n_hidden, len(vocab)) or \
            not probs.is_floating_point():
        return None, Feedback("the predictions on the hidden images have the wrong shape")
    if not 0 < len(vocab) <= MAX_CLASSES or not all(isinstance(v, str) for v in vocab):
        return None, Feedback("the model's classes could not be read (a list of class names)")
    return {**reply, "probs": probs.float(), "vocab": [v[:100] for v in vocab]}, None


def _ticker(say, what: str, budget: float, stop: threading.Event) -> None:
    started = time.monotonic()
    while not stop.wait(TICK_S):
        say(f"training {what}: {time.monotonic() - started:.0f} s of at most {budget:.0f} s")
