"""Chapter 7's functions that return two tensors (`channel_stats`, `mixup`, `mixup_batch`)."""

from __future__ import annotations

from typing import Any

from grader.suite.checks import expect_close, expect_tensor
from grader.suite.feedback import Feedback
from grader.suite.render import render, type_name


def expect_pair(got: Any, *, name: str, what: str) -> tuple:
    """`got` as a 2-tuple of plain tensors (a tuple or a list of two); anything else fails."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise Feedback(f"`{name}` returned a {type_name(got)}; it must return two tensors, {what}",
                       hint=f"End with `return a, b` ({what}).", got=render(got))
    for item in got:
        expect_tensor(item, name=name)
    return tuple(got)


def expect_part(got, expected, *, name: str, part: str, inputs, misconceptions, atol=1e-5, rtol=1e-4):
    """One of the two results, compared with its reference, naming the mistake its value shows."""
    expect_close(got, expected, name=name, inputs=inputs, misconceptions=misconceptions, what=part,
                 atol=atol, rtol=rtol)
