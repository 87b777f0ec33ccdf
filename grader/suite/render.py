"""Short, safe text renderings of values for feedback: small tensors in full, large ones summarised."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from grader.worker.codec import Opaque

SMALL = 12


def render(value: Any) -> str:
    import torch

    if isinstance(value, Opaque):
        return f"<{value.type}> {value.repr}"
    if isinstance(value, torch.Tensor):
        if value.numel() <= SMALL:
            body = repr(value.tolist())
            return f"tensor({body}, dtype={str(value.dtype).replace('torch.', '')})"
        finite = value[torch.isfinite(value)] if value.is_floating_point() else value
        stats = ""
        if finite.numel() and value.dtype != torch.bool:
            stats = f", min={finite.min().item():.4g}, max={finite.max().item():.4g}"
        return f"tensor of shape {tuple(value.shape)}, dtype={str(value.dtype).replace('torch.', '')}{stats}"
    if isinstance(value, PurePath):  # not repr(): fastcore, once imported, changes Path's repr
        return f"Path({value.as_posix()!r})"
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"array of shape {tuple(value.shape)}, dtype={value.dtype}"
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def type_name(value: Any) -> str:
    if isinstance(value, Opaque):
        return value.type.rsplit(".", 1)[-1]
    return type(value).__name__


def compare_summary(got: Any, expected: Any) -> str:
    """One line on how far apart two tensors are (used when both are large)."""
    import torch

    if isinstance(got, torch.Tensor) and isinstance(expected, torch.Tensor) and got.shape == expected.shape:
        diff = (got.double() - expected.double()).abs()
        return f"max abs difference {diff.max().item():.4g}"
    return ""
