"""Patches the worker's timing op so that a timed test runs the reference instead of the learner's
function (which returns a constant). Which function ran is a claim of the learner's process: a timed
test pays only in proportion to the exercise's value tests, so a wrong answer earns no speed points
however fast "it" ran (issue 13, item 2).
expect-only: sigmoid_range
expect-points: 0
expect-timing: on
expect-message: wrong value
"""

import torch

import grader.worker.ops.time as timing

_run = timing._run


class _Reference:
    def _function(self, name):
        return lambda x, lo, hi: torch.sigmoid(x) * (hi - lo) + lo


def _patched(server, request):
    return _run(_Reference(), request)


timing._run = _patched


def sigmoid_range(x, lo, hi):
    return torch.zeros_like(x)
