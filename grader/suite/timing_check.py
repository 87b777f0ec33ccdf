"""The timed test a suite calls: `check_speed` checks the result on small inputs, then has
`timing_measure` time the learner's function against the reference (the model, its constants and
plans are in `timing`)."""

from __future__ import annotations

import math
import statistics

from grader.suite.checks import expect_value
from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.suite.timing import VECTORISE, Measurement, TimedCase, select_device
from grader.suite.timing_measure import measure
from grader.worker.limits import Limits
from grader.worker.ops.time import build

SMALL = (6, 5)
"""Rows and columns of the correctness check that comes before any timing."""


def check_speed(learner, grading, node, case: TimedCase) -> Measurement:
    """The body of a timed test: not applicable, correct first, then timed; raises `Feedback` on a fail.

    `node` is the pytest item (`request.node`): the figures go to `node.grader_timing`, for a pass and
    for a fail alike.
    """
    if not grading.options.get("timing", True):
        grading.not_applicable("timing is off (--no-timing)")
    import torch

    device = select_device(grading.device, torch.cuda.is_available())
    if device not in case.sizes:
        grading.not_applicable(f"timed on {' or '.join(case.sizes)} only; this run has {device}")
    learner.require(case.name)
    args = build(case.inputs(*SMALL), 0, "cpu")
    try:
        got = learner.call(case.name, *args, kwargs=case.kwargs, misconceptions=case.misconceptions)
        # the forms the exercise's value tests accept are accepted here too (this test pays only as
        # far as those pass: a form they refuse earns no speed points either)
        expect_value(got, case.reference(*args, **case.kwargs), name=case.name, inputs=args,
                     kwargs=case.kwargs, misconceptions=case.misconceptions,
                     accept="as in the value tests", note=False)
    except Feedback as exc:
        if exc.misconception == "not_implemented":  # a stub: the same feedback as its other tests
            raise
        exc.message = f"speed is only graded for correct results: {exc.message}"
        exc.args = (exc.message,)
        raise
    limits = grading.options.get("limits") or Limits()

    m = measure(learner.worker, case, device=device, timeout=limits.timeout,
                stage_timeout=limits.load_timeout)
    if m.learner_s and m.reference_s:
        node.grader_timing = m.timing()
    if m.fault is not None:
        feedback = fault_feedback(case.name, m.fault, case.misconceptions)
        feedback.message = f"while timed on {m.sizes} inputs, {feedback.message}"
        raise feedback
    if m.background:
        why = m.busy or (f"your code used {m.background_s:.2f} s of CPU between calls (a thread or "
                         "process kept working in the background)")
        raise Feedback(f"`{case.name}` cannot be timed: {why} while the grader timed the reference",
                       hint="Do not leave threads or processes running: a function should do its work "
                            "when called, and return.", misconception="background_work")
    if m.wrong is not None:
        raise Feedback(f"speed is only graded for correct results: {m.wrong}",
                       hint="Make the function return the right value first (see its other tests).")
    if not m.passed:
        raise Feedback(_too_slow(case.name, m), hint=VECTORISE, misconception="python_loop")
    return m


def _too_slow(name: str, m: Measurement) -> str:
    ref = statistics.median(m.reference_s) if m.reference_s else math.nan
    at_least = "at least " if m.stopped else ""
    text = (f"`{name}` took {at_least}{m.ratio:.0f}x the reference's time ({m.device}, inputs "
            f"{m.sizes}: the reference takes {ref * 1e3:.1f} ms); the budget is {m.budget:g}x")
    return text + (f" ({m.stopped})" if m.stopped else "")
