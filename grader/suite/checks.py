"""Comparisons used by suites: types, shapes, values, autograd and untouched inputs, with diagnosis."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from grader.suite.feedback import Feedback, Misconception
from grader.suite.render import compare_summary, render, type_name


def is_tensor(value: Any) -> bool:
    import torch

    return isinstance(value, torch.Tensor)


def close(a: Any, b: Any, *, atol: float = 1e-5, rtol: float = 1e-4) -> bool:
    """Same shape and values (NaN equal to NaN), for tensors; `==` for anything else."""
    import torch

    if is_tensor(a) and is_tensor(b):
        if a.shape != b.shape:
            return False
        if a.dtype == torch.bool or b.dtype == torch.bool:
            return bool(torch.equal(a.bool(), b.bool()))
        return bool(torch.allclose(a.double(), b.double(), atol=atol, rtol=rtol, equal_nan=True))
    try:
        return bool(a == b) if type(a) is type(b) else False
    except Exception:
        return False


def diagnose(got: Any, misconceptions: Iterable[Misconception], *inputs, **kwargs) -> Misconception | None:
    """The misconception whose output, on the same inputs, equals what the learner returned.

    Only an unambiguous match is named: when two wrong implementations give the same value on these
    inputs, a wrong hint would mislead, so none is given (other tests' inputs tell them apart).
    """
    matches = []
    for m in misconceptions:
        if m.compute is None:
            continue
        try:
            wrong = m.compute(*inputs, **kwargs)
        except Exception:
            continue
        if wrong is not None and close(got, wrong, atol=1e-4, rtol=1e-3):
            matches.append(m)
    return matches[0] if len(matches) == 1 else None


def expect_tensor(got: Any, *, name: str, shape: Sequence[int] | None = None, hint: str | None = None,
                  misconception: str | None = None) -> None:
    """Fail unless `got` is a tensor (of `shape`, when given)."""
    if not is_tensor(got):
        raise Feedback(f"`{name}` returned a {type_name(got)}, not a tensor",
                       hint=hint, misconception=misconception, got=render(got))
    subclass = getattr(getattr(got, "grader_info", None), "subclass", None)
    if subclass:
        raise Feedback(f"`{name}` returned a tensor subclass ({subclass}); return a plain torch.Tensor",
                       got=render(got))
    if shape is not None and tuple(got.shape) != tuple(shape):
        raise Feedback(f"`{name}` returned shape {tuple(got.shape)}, expected {tuple(shape)}",
                       hint=hint, misconception=misconception, got=render(got),
                       expected=f"shape {tuple(shape)}")


def expect_close(got: Any, expected: Any, *, name: str, inputs: Sequence = (), kwargs: dict | None = None,
                 misconceptions: Iterable[Misconception] = (), atol: float = 1e-5, rtol: float = 1e-4,
                 hidden: bool = False, what: str = "value") -> None:
    """Fail unless `got` equals `expected`; name the misconception the wrong value reveals."""
    if close(got, expected, atol=atol, rtol=rtol):
        return
    found = diagnose(got, misconceptions, *inputs, **(kwargs or {}))
    summary = compare_summary(got, expected)
    message = f"`{name}` returned the wrong {what}" + (f" ({summary})" if summary and not hidden else "")
    raise Feedback(message, hint=found.hint if found else None, misconception=found.id if found else None,
                   expected=None if hidden else render(expected), got=None if hidden else render(got))


def expect_unchanged(before: Sequence, after: Sequence | None, *, name: str, labels: Sequence[str]) -> None:
    """Fail if the learner's function changed its arguments in place."""
    if after is None:
        return
    for label, b, a in zip(labels, before, after):
        if not close(a, b, atol=0, rtol=0):
            raise Feedback(f"`{name}` changed its argument `{label}` in place",
                           hint="Do not modify the inputs (avoid in-place ops such as `x.sigmoid_()`, "
                                "`x[...] = ...` or `+=` on an argument); compute new tensors instead.",
                           misconception="modifies_inputs")
