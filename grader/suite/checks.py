"""Strict, typed comparisons used by suites, with diagnosis of the mistake a wrong value reveals.

Every check runs in the trusted process on values decoded from the worker's reply. Before any value
is compared, the dtype family (floating-point, integer, bool, complex), the shape and the finiteness
of the result are checked: nothing is coerced (a bool tensor is not 1.0, a complex number is not its
real part, an integer is not a float), and a wrong dtype is a wrong answer with its own message.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from grader.suite.feedback import Feedback, Misconception, add_note
from grader.suite.render import compare_summary, render, type_name

FAMILIES = ("floating-point", "integer", "bool", "complex")

NOT_FINITE_HINT = ("Your result contains NaN or infinity where the right answer is an ordinary number: "
                   "look for the log of a number that can be 0 or negative, or a division by 0.")
WRONG_DTYPE = "wrong_dtype"


def is_tensor(value: Any) -> bool:
    import torch

    return isinstance(value, torch.Tensor)


def family(t) -> str:
    """The dtype family of a tensor: `floating-point`, `integer`, `bool` or `complex`."""
    import torch

    if t.dtype == torch.bool:
        return "bool"
    if t.is_complex():
        return "complex"
    if t.is_floating_point():
        return "floating-point"
    return "integer"


def _device(t) -> str:
    info = getattr(t, "grader_info", None)
    return getattr(info, "device", None) or str(t.device)


def mismatch(got: Any, expected: Any, *, atol: float = 1e-5, rtol: float = 1e-4) -> str | None:
    """Why `got` is not `expected`: `type`, `dtype`, `shape`, `not_finite`, `value`; None when equal.

    Tensors: same dtype family, same shape, finite wherever the expected value is (NaN equal to NaN
    only where NaN is expected), then values within the tolerances. Anything else: same type and `==`.
    """
    import torch

    if is_tensor(expected):
        if not is_tensor(got):
            return "type"
        if _device(got) == "meta" or got.layout != torch.strided:
            return "type"
        if family(got) != family(expected):
            return "dtype"
        if tuple(got.shape) != tuple(expected.shape):
            return "shape"
        if family(got) in ("bool", "integer"):
            return None if bool(torch.equal(got, expected.to(got.dtype))) else "value"
        g, e = got.double(), expected.double()
        if bool((~torch.isfinite(g) & torch.isfinite(e)).any()):
            return "not_finite"
        ok = torch.isclose(g, e, atol=atol, rtol=rtol, equal_nan=True)
        return None if bool(ok.all()) else "value"
    if type(got) is not type(expected):
        return "type"
    try:
        return None if bool(got == expected) else "value"
    except Exception:
        return "value"


def close(a: Any, b: Any, *, atol: float = 1e-5, rtol: float = 1e-4) -> bool:
    """`a` equals `b` under the strict rules of `mismatch`."""
    return mismatch(a, b, atol=atol, rtol=rtol) is None


def _uninformative(wrong: Any, inputs: Sequence) -> bool:
    """A wrong implementation's value that a constant, the identity or a NaN also gives explains
    nothing."""
    import torch

    if not is_tensor(wrong) or wrong.numel() == 0:
        return False
    if wrong.is_floating_point() and not bool(torch.isfinite(wrong).any()):
        return True  # NaN or infinity everywhere: many mistakes (and garbage) give that
    flat = wrong.double().flatten()
    if bool((flat == flat[0]).all()) and float(flat[0]) in (0.0, 1.0):
        return True
    first = inputs[0] if inputs else None
    return is_tensor(first) and first.shape == wrong.shape and bool(torch.equal(first.double(), wrong.double()))


def diagnose(got: Any, misconceptions: Iterable[Misconception], *inputs, **kwargs) -> Misconception | None:
    """The misconception whose output, on the same inputs, equals what the learner returned.

    Only an unambiguous match that explains the value is named: when two wrong implementations give
    the same value on these inputs, or when a constant answer would give it too (0.0, all zeros, the
    input unchanged), a hint would mislead, so none is given (other tests' inputs tell them apart).
    """
    readable = readable_tensor(got)[0] if not is_tensor(got) else got
    if readable is None:
        return None
    matches = []
    for m in misconceptions:
        if m.compute is None:
            continue
        try:
            wrong = m.compute(*inputs, **kwargs)
        except Exception:
            continue
        if wrong is None:
            continue
        if close(readable, wrong, atol=1e-4, rtol=1e-3) and not _uninformative(wrong, inputs):
            matches.append(m)
    return matches[0] if len(matches) == 1 else None


def readable_tensor(got: Any) -> tuple[Any, str | None]:
    """`got` as a plain tensor when its numbers can be read, and what it was (None: a plain tensor).

    Python numbers, numpy scalars and arrays, and lists or tuples of numbers are read; a bool is read
    as a bool tensor (and then refused by its dtype), never as a number.
    """
    import numpy as np
    import torch

    if is_tensor(got):
        subclass = getattr(getattr(got, "grader_info", None), "subclass", None)
        return got, (f"a tensor subclass ({subclass})" if subclass else None)
    if isinstance(got, bool):
        return torch.tensor(got), "a Python bool"
    if isinstance(got, (int, float, complex)):
        return torch.tensor(got), f"a Python {type(got).__name__}"
    if isinstance(got, (np.ndarray, np.generic)):
        try:
            return torch.from_numpy(np.array(got)), f"a numpy {'array' if isinstance(got, np.ndarray) else type(got).__name__}"
        except (TypeError, ValueError):
            return None, None
    if isinstance(got, (list, tuple)) and 0 < len(got) <= 64:
        items = []
        for item in got:
            if is_tensor(item) and item.dim() == 0:
                item = item.item()
            elif isinstance(item, np.generic):
                item = item.item()
            if not isinstance(item, (int, float, bool)):
                return None, None
            items.append(item)
        kinds = {type(i) for i in items}
        if len(kinds) > 1 and bool in kinds:
            return None, None
        return torch.tensor(items), f"a {type(got).__name__}"
    return None, None


def expect_tensor(got: Any, *, name: str, shape: Sequence[int] | None = None, hint: str | None = None,
                  misconception: str | None = None, dtype: str | None = None) -> None:
    """Fail unless `got` is a plain tensor (of `shape` and dtype family `dtype`, when given)."""
    if not is_tensor(got):
        raise Feedback(f"`{name}` returned a {type_name(got)}, not a tensor",
                       hint=hint, misconception=misconception, got=render(got))
    subclass = getattr(getattr(got, "grader_info", None), "subclass", None)
    if subclass:
        raise Feedback(f"`{name}` returned a tensor subclass ({subclass}); return a plain torch.Tensor",
                       got=render(got))
    _check_kind(got, name=name, dtype=dtype)
    if shape is not None and tuple(got.shape) != tuple(shape):
        raise Feedback(f"`{name}` returned shape {tuple(got.shape)}, expected {tuple(shape)}",
                       hint=hint, misconception=misconception, got=render(got),
                       expected=f"shape {tuple(shape)}")


def _check_kind(got, *, name: str, dtype: str | None) -> None:
    import torch

    if _device(got) == "meta":
        raise Feedback(f"`{name}` returned a meta tensor, which has a shape but no values",
                       hint="Compute real values on the inputs' device; `device='meta'` only describes "
                            "shapes.", misconception=WRONG_DTYPE)
    if got.layout != torch.strided:
        raise Feedback(f"`{name}` returned a sparse tensor", hint="Return an ordinary (dense) tensor.",
                       misconception=WRONG_DTYPE)
    if dtype is not None and family(got) != dtype:
        raise Feedback(f"`{name}` returned a {family(got)} tensor ({str(got.dtype).replace('torch.', '')}); "
                       f"the answer is {_a(dtype)} number", got=render(got), misconception=WRONG_DTYPE,
                       hint=_dtype_hint(family(got), dtype))


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _dtype_hint(got: str, wanted: str) -> str:
    if got == "bool":
        return (f"A comparison gives True/False; the answer is {_a(wanted)} number. Convert with "
                "`.float()` where a number is meant, and check what you compare.")
    if got == "complex":
        return "Complex numbers have no place here: look for a square root or log of a negative number."
    if got == "integer" and wanted == "floating-point":
        return "Integer arithmetic drops the fractions: convert with `.float()` before averaging."
    return f"Return {_a(wanted)} tensor."


def expect_close(got: Any, expected: Any, *, name: str, inputs: Sequence = (), kwargs: dict | None = None,
                 misconceptions: Iterable[Misconception] = (), atol: float = 1e-5, rtol: float = 1e-4,
                 hidden: bool = False, what: str = "value") -> None:
    """Fail unless `got` equals `expected` (see `mismatch`); name the misconception the value reveals."""
    reason = mismatch(got, expected, atol=atol, rtol=rtol)
    if reason is None:
        return
    found = diagnose(got, misconceptions, *inputs, **(kwargs or {}))
    shown = {} if hidden else {"expected": render(expected), "got": render(got),
                               "inputs": render_inputs(inputs, kwargs)}
    if reason == "dtype" and found is None:
        _check_kind(got, name=name, dtype=family(expected))
    if reason == "not_finite" and found is None:
        # a hint, but no misconception: NaN has too many causes to name one
        raise Feedback(f"`{name}` returned NaN or infinity where the right {what} is finite",
                       hint=NOT_FINITE_HINT, **shown)
    if reason == "shape" and found is None:
        raise Feedback(f"`{name}` returned shape {tuple(got.shape)}, expected {tuple(expected.shape)}",
                       hint=_shape_hint(got, expected), misconception="wrong_shape" if _shape_hint(
                           got, expected) else None, **shown)
    summary = compare_summary(got, expected) if reason == "value" else ""
    message = f"`{name}` returned the wrong {what}" + (f" ({summary})" if summary and not hidden else "")
    raise Feedback(message, hint=found.hint if found else None, misconception=found.id if found else None,
                   fix=found.fix if found else None, **shown)


def render_inputs(inputs: Sequence, kwargs: dict | None = None) -> str | None:
    """The arguments a test gave the learner's function, for `-v` and the report."""
    parts = [render(i) for i in inputs] + [f"{k}={render(v)}" for k, v in (kwargs or {}).items()]
    return ", ".join(parts) or None


def _shape_hint(got, expected) -> str | None:
    if expected.dim() == 0 and got.dim() >= 1:
        return ("You reduced over one axis only (or not at all): the answer is a single number, the "
                "mean over every element. `.mean()` with no `dim` averages them all.")
    return None


def expect_value(got: Any, expected: Any, *, name: str, inputs: Sequence = (), kwargs: dict | None = None,
                 misconceptions: Iterable[Misconception] = (), atol: float = 1e-5, rtol: float = 1e-4,
                 what: str = "value", accept: str | None = None, refuse_hint: str | None = None,
                 refuse_misconception: str | None = None, note: bool = True,
                 accept_subclass: str | None = None) -> None:
    """Check a result whose numbers matter more than its container.

    The value is read from whatever the learner returned (a tensor, a Python number, a numpy array, a
    list or tuple of numbers) and checked first, strictly, so a wrong value is named even in a wrong
    container. Then the container: a plain tensor passes; another readable form passes with a note
    when `accept` (why it is accepted) is given (`note=False`: silently), a tensor subclass when
    `accept_subclass` is, and otherwise fails with `refuse_hint`.
    """
    value, form = readable_tensor(got)
    if value is None:
        raise Feedback(f"`{name}` returned a {type_name(got)}, not a tensor", got=render(got),
                       hint=refuse_hint, misconception=refuse_misconception)
    expect_close(value, expected, name=name, inputs=inputs, kwargs=kwargs, misconceptions=misconceptions,
                 atol=atol, rtol=rtol, what=what)
    if form is None:
        return
    if accept_subclass and is_tensor(got):
        accept = accept_subclass
    if accept:
        if note:
            add_note(f"`{name}` returns {form}: accepted, {accept}")
        return
    raise Feedback(f"`{name}` returned the right {what}, but as {form}, not a plain tensor",
                   got=render(got), hint=refuse_hint, misconception=refuse_misconception)


def expect_unchanged(before: Sequence, after: Sequence | None, *, name: str, labels: Sequence[str]) -> None:
    """Fail if the worker reports that the learner's function changed its arguments in place.

    A claim of the learner's process: it may only cost the (feedback-only) test that reports it.
    """
    if after is None:
        return
    for label, b, a in zip(labels, before, after):
        if not close(a, b, atol=0, rtol=0):
            raise Feedback(f"`{name}` changed its argument `{label}` in place",
                           hint="Do not modify the inputs (avoid in-place operations such as methods "
                                "ending in `_`, item assignment or `+=` on an argument); compute new "
                                "tensors instead.",
                           misconception="modifies_inputs")
