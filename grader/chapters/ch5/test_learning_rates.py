"""Exercises 4 and 5: learning rates from an LR-finder curve, and discriminative rates across groups.

Both are graded against fastai's own code, run here in the trusted process: its suggestion functions
`minimum` and `steep` (what `learn.lr_find(suggest_funcs=(minimum, steep))` returns) and its
`Optimizer.set_hyper`, which turns `lr=slice(lo, hi)` into one rate per parameter group.
"""

import math

import pytest
import torch

from grader.suite.feedback import Feedback
from grader.suite.render import render, type_name
from grader.chapters.ch5.misconceptions import LR_GROUPS, LR_GROUPS_TYPES, SUGGEST_LR


def _curve(lrs: torch.Tensor, seed: int, noise: float, centre: float) -> torch.Tensor:
    """A learning-rate-finder loss curve: flat, falling around `centre` (log10), then exploding."""
    g = torch.Generator().manual_seed(seed)
    x = lrs.log10()
    loss = 2.5 - 1.6 * torch.sigmoid((x - centre) * 2.5) + torch.exp((x - centre - 2.2) * 2.0)
    return loss + noise * torch.randn(len(lrs), generator=g)


def _geometric(n=100, start=1e-7, end=10.0):
    """What LRFinder records (an exponential schedule), trimmed as `lr_find` trims it."""
    lrs = start * (end / start) ** (torch.arange(n, dtype=torch.float64) / (n - 1))
    return lrs[n // 10:-5].float()


def _uneven(seed=9, n=80):
    g = torch.Generator().manual_seed(seed)
    logs = torch.sort(torch.rand(n, generator=g, dtype=torch.float64) * 7 - 6).values
    return (10 ** logs).float()


CURVES = {
    "smooth curve": (_geometric(), 1, 0.0, -3.0),
    "noisy recorded curve": (_geometric(), 2, 0.03, -2.5),
    "curve falling early": (_geometric(), 3, 0.01, -4.5),
    "uneven learning-rate steps": (_uneven(), 4, 0.02, -3.0),
}


def curve(case):
    lrs, seed, noise, centre = CURVES[case]
    return lrs, _curve(lrs.double(), seed, noise, centre).float()


def suggest_reference(lrs, losses):
    from fastai.callback.schedule import minimum, steep

    return minimum(lrs, losses, len(lrs))[0], steep(lrs, losses, len(lrs))[0]


def _float(value) -> bool:
    return isinstance(value, float) and not isinstance(value, bool)


def as_floats(got, n: int, name: str, hint: str | None = None) -> list[float]:
    """The learner's sequence of `n` plain floats (a 1-d float array or tensor is accepted too)."""
    if hasattr(got, "tolist") and hasattr(got, "dtype") and getattr(got, "ndim", None) == 1 \
            and "float" in str(got.dtype):
        got = got.tolist()
    if not isinstance(got, (list, tuple)) or len(got) != n or not all(_float(v) for v in got):
        raise Feedback(f"`{name}` must return {n} float(s) in a list or tuple; it returned a "
                       f"{type_name(got)}", got=render(got), hint=hint)
    if not all(math.isfinite(v) for v in got):
        raise Feedback(f"`{name}` returned a value that is not finite", got=render(got), hint=hint)
    return [float(v) for v in got]


def _same(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-5, abs_tol=1e-12) for x, y in zip(a, b))


def _diagnose(got, misconceptions, *inputs):
    matches = []
    for m in misconceptions:
        try:
            wrong = m.compute(*inputs)
        except Exception:
            continue
        if wrong is not None and _same(got, [float(v) for v in wrong]):
            matches.append(m)
    return matches[0] if len(matches) == 1 else None


# -- exercise 4: suggest_lr ------------------------------------------------------------------------

@pytest.mark.exercise("suggest_lr")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CURVES))
def test_suggest_lr(learner, case):
    """Returns (lr_min, lr_steep) as fastai's `minimum` and `steep` suggest them"""
    name = "suggest_lr"
    lrs, losses = curve(case)
    got = as_floats(learner.call(name, lrs, losses, misconceptions=SUGGEST_LR), 2, name,
                    hint="Return a tuple of two floats: (lr_min, lr_steep).")
    expected = [float(v) for v in suggest_reference(lrs, losses)]
    if not _same(got, expected):
        found = _diagnose(got, SUGGEST_LR, lrs, losses)
        which = "lr_min" if not math.isclose(got[0], expected[0], rel_tol=1e-5) else "lr_steep"
        raise Feedback(f"`{name}` returned the wrong {which}", expected=f"({expected[0]:.6g}, {expected[1]:.6g})",
                       got=f"({got[0]:.6g}, {got[1]:.6g})", hint=found.hint if found else None,
                       fix=found.fix if found else None,
                       misconception=found.id if found else None)


# -- exercise 5: lr_groups -------------------------------------------------------------------------

GROUP_CASES = {
    "slice(1e-5, 1e-3), 3 groups": (slice(1e-5, 1e-3), 3),
    "slice(1e-6, 1e-2), 5 groups": (slice(1e-6, 1e-2), 5),
    "slice(2e-4, 2e-2), 2 groups": (slice(2e-4, 2e-2), 2),
    "slice(3e-3), 3 groups": (slice(None, 3e-3), 3),
    "slice(5e-4), 4 groups": (slice(None, 5e-4), 4),
    "a plain 3e-4, 3 groups": (3e-4, 3),
    "slice(1e-5, 6e-3), 1 group": (slice(1e-5, 6e-3), 1),
}
"""Every case ends on a different rate, so no constant answer matches more than one."""


def lr_groups_reference(lr, n_groups: int) -> list[float]:
    """What fastai's optimizer does with `lr` for `n_groups` parameter groups."""
    from fastai.optimizer import SGD

    groups = [[torch.nn.Parameter(torch.zeros(1))] for _ in range(n_groups)]
    opt = SGD(groups, lr=0.1)
    opt.set_hyper("lr", lr)
    return [float(h["lr"]) for h in opt.hypers]


@pytest.mark.exercise("lr_groups")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(GROUP_CASES))
def test_lr_groups(learner, case):
    """Gives each parameter group the rate fastai's optimizer gives it"""
    name = "lr_groups"
    lr, n = GROUP_CASES[case]
    got = as_floats(learner.call(name, lr, n, misconceptions=LR_GROUPS), n, name, hint=LR_GROUPS_TYPES)
    expected = lr_groups_reference(lr, n)
    if not _same(got, expected):
        found = _diagnose(got, LR_GROUPS, lr, n)
        raise Feedback(f"`{name}({render(lr)}, {n})` returned the wrong rates",
                       expected=", ".join(f"{v:.4g}" for v in expected), got=", ".join(f"{v:.4g}" for v in got),
                       hint=found.hint if found else None, fix=found.fix if found else None,
                       misconception=found.id if found else None)
