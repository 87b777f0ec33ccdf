"""Exercise 3a: a progressive-resizing plan, the (size, batch size) of each training stage.

The rule (the exercise's docstring): the last stage is at the final size and batch size; each
earlier stage halves the side and keeps the pixels per batch (size * size * bs) constant, so stage k
from the end is (final_size // 2**k, final_bs * 4**k). Compared as a list of (int, int) pairs.
"""

import pytest

from grader.suite.feedback import Feedback
from grader.suite.render import render, type_name
from grader.chapters.ch7.misconceptions import PLAN

pytestmark = pytest.mark.exercise("progressive_plan")
NAME = "progressive_plan"

CASES = {
    "128 px, bs 32, 3 stages": (128, 32, 3),
    "224 px, bs 64, 2 stages": (224, 64, 2),
    "160 px, bs 16, 4 stages": (160, 16, 4),
    "96 px, bs 4, 5 stages": (96, 4, 5),
}


def reference(final_size, final_bs, n_stages):
    return [(final_size // 2**k, final_bs * 4**k) for k in range(n_stages - 1, -1, -1)]


def diagnose_plan(pairs, *args):
    """The one plan misconception whose plan, on these inputs, is exactly the learner's (else None).

    A plan is a list of int pairs, not a tensor: compared as such (the generic `diagnose` reads
    tensors). A wrong plan that the right one also equals on these inputs explains nothing.
    """
    expected = reference(*args)
    matches = [m for m in PLAN if m.compute is not None and m.compute(*args) == pairs != expected]
    return matches[0] if len(matches) == 1 else None


def as_pairs(got):
    """The plan as a list of (int, int), or None when it is not a sequence of integer pairs."""
    if not isinstance(got, (list, tuple)):
        return None
    out = []
    for stage in got:
        if not isinstance(stage, (list, tuple)) or len(stage) != 2:
            return None
        if not all(type(v) is int for v in stage):
            return None
        out.append((stage[0], stage[1]))
    return out


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_plan(learner, case):
    """Stages from small images to the final size, batch sizes growing as images shrink to keep memory per batch constant"""
    args = CASES[case]
    got = learner.call(NAME, *args, misconceptions=PLAN)
    pairs = as_pairs(got)
    if pairs is None:
        raise Feedback(f"`{NAME}` returned a {type_name(got)}; it must return a list of (size, bs) "
                       "pairs of ints", got=render(got),
                       hint="Return a list with one (size, bs) tuple of ints per stage, smallest images "
                            "first; integer division keeps the sizes ints.")
    expected = reference(*args)
    if pairs != expected:
        found = diagnose_plan(pairs, *args)
        raise Feedback(f"`{NAME}` returned the wrong plan", hint=found.hint if found else None,
                       misconception=found.id if found else None, fix=found.fix if found else None,
                       expected=render(expected),
                       got=render(pairs))
