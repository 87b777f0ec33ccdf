"""Plain-data encoding of values that cross the worker boundary.

Only JSON crosses: tensors and arrays travel as dtype + shape + base64 bytes, paths and data frames as
tagged JSON, anything else as an `Opaque` (type name and a short repr). Decoding never runs code from
the other side: there is no pickle anywhere, so a learner's object cannot execute in the trusted process.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import numpy as np

MAX_ELEMENTS = 8_000_000
"""Largest tensor (in elements) that may cross; larger ones are refused with a clear message."""

_NUMPY_DTYPES = {
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool", "complex64",
    "complex128",
}


@dataclass(frozen=True)
class Opaque:
    """Stand-in for an object the codec does not carry (a learner's custom class, a function...)."""

    type: str
    """Qualified type name of the original object."""
    repr: str
    """Its repr, truncated, for feedback."""


@dataclass(frozen=True)
class TensorInfo:
    """Facts about a returned tensor that the values alone do not say.

    These are claims of the learner's process (it builds the payload): no point may depend on them.
    `requires_grad` and `grad_fn` are shown as feedback only; `subclass` only names what was returned
    (see docs/SANDBOX.md, "Claims the grader does not believe")."""

    requires_grad: bool
    grad_fn: str | None
    device: str
    subclass: str | None
    dtype: str


def _torch():
    import torch

    return torch


def encode(value: Any, _depth: int = 0) -> Any:
    """Turn a value into JSON-able plain data (tagged dicts for non-JSON types)."""
    if _depth > 20:
        return _opaque(value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else {"__bigint__": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, PurePath):
        return {"__path__": str(value)}
    if isinstance(value, (list, tuple)):
        items = [encode(v, _depth + 1) for v in value]
        return items if type(value) is list else {"__tuple__": items}
    if isinstance(value, dict):
        return {"__dict__": [[encode(k, _depth + 1), encode(v, _depth + 1)] for k, v in value.items()]}
    if isinstance(value, range):
        return list(value)
    if isinstance(value, slice):
        return {"__slice__": [encode(v, _depth + 1) for v in (value.start, value.stop, value.step)]}
    if isinstance(value, np.ndarray):
        return {"__ndarray__": _array_payload(value)}
    if isinstance(value, np.generic):
        return {"__npscalar__": _array_payload(np.asarray(value))}
    torch = _torch()
    if isinstance(value, torch.Tensor):
        return {"__tensor__": _tensor_payload(value)}
    kind = type(value).__module__ + "." + type(value).__qualname__
    if kind.startswith("pandas.") and kind.endswith("DataFrame"):
        return {"__dataframe__": {c: encode(value[c].tolist(), _depth + 1) for c in value.columns}}
    if kind.startswith("pandas.") and (kind.endswith("Index") or kind.endswith("Series")):
        return {"__index__": encode(value.tolist(), _depth + 1)}
    return _opaque(value)


def _opaque(value: Any) -> dict:
    try:
        text = repr(value)[:300]
    except BaseException:  # a learner's __repr__ may raise anything
        text = "<unprintable>"
    return {"__opaque__": {"type": type(value).__module__ + "." + type(value).__qualname__, "repr": text}}


def _array_payload(arr: np.ndarray) -> dict:
    if arr.size > MAX_ELEMENTS:
        raise ValueError(f"array of {arr.size} elements is too large to return (limit {MAX_ELEMENTS})")
    dtype = str(arr.dtype)
    if dtype not in _NUMPY_DTYPES:
        arr = arr.astype(np.float64) if arr.dtype.kind in "fc" else np.asarray(arr.tolist(), dtype=object)
        if arr.dtype == object:
            raise ValueError(f"arrays of dtype {dtype} cannot be returned")
        dtype = str(arr.dtype)
    data = np.ascontiguousarray(arr).tobytes()
    return {"dtype": dtype, "shape": list(arr.shape), "data": base64.b64encode(data).decode("ascii")}


def _tensor_payload(t) -> dict:
    torch = _torch()
    if t.is_meta:
        raise ValueError("a meta tensor has a shape but no values, so it cannot be returned")
    if t.layout != torch.strided:
        raise ValueError(f"a {str(t.layout).replace('torch.', '')} tensor cannot be returned: return an "
                         "ordinary (dense) tensor")
    info = {
        "requires_grad": bool(t.requires_grad),
        "grad_fn": type(t.grad_fn).__name__ if t.grad_fn is not None else None,
        "device": str(t.device),
        "subclass": None if type(t) is torch.Tensor else type(t).__qualname__,
        "dtype": str(t.dtype).replace("torch.", ""),
    }
    with torch._C.DisableTorchFunctionSubclass():
        plain = torch.Tensor.detach(t).to("cpu")
        if plain.dtype == torch.bfloat16:
            plain = plain.float()
        arr = plain.contiguous().numpy()
    return {**_array_payload(arr), "info": info}


def decode(data: Any) -> Any:
    """Inverse of `encode`. Tensors come back as plain CPU tensors, unknown objects as `Opaque`."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if len(data) != 1:
        raise ValueError("malformed value from the worker")
    (tag, payload), = data.items()
    if tag == "__tuple__":
        return tuple(decode(v) for v in payload)
    if tag == "__dict__":
        return {_hashable(decode(k)): decode(v) for k, v in payload}
    if tag == "__path__":
        return Path(payload)
    if tag == "__float__":
        return float(payload)
    if tag == "__bigint__":
        return int(payload)
    if tag == "__ndarray__":
        return _array_from(payload)
    if tag == "__npscalar__":
        return _array_from(payload)[()]
    if tag == "__tensor__":
        return tensor_from_payload(payload)
    if tag == "__dataframe__":
        import pandas as pd

        return pd.DataFrame({k: decode(v) for k, v in payload.items()})
    if tag == "__index__":
        return decode(payload)
    if tag == "__slice__":
        parts = [decode(v) for v in payload] if isinstance(payload, list) else []
        if len(parts) != 3 or not all(p is None or (isinstance(p, (int, float)) and not isinstance(p, bool))
                                      for p in parts):
            raise ValueError("malformed slice from the worker")
        return slice(*parts)
    if tag == "__opaque__":
        return Opaque(str(payload.get("type", "?")), str(payload.get("repr", ""))[:300])
    raise ValueError(f"unknown value tag {tag!r} from the worker")


def _hashable(key: Any) -> Any:
    return key if isinstance(key, (str, int, float, bool, tuple, type(None))) else repr(key)


def _array_from(payload: dict) -> np.ndarray:
    dtype = payload["dtype"]
    if dtype not in _NUMPY_DTYPES:
        raise ValueError(f"dtype {dtype!r} not accepted from the worker")
    shape = [int(s) for s in payload["shape"]]
    raw = base64.b64decode(payload["data"])
    count = math.prod(shape)
    if count > MAX_ELEMENTS or count * np.dtype(dtype).itemsize != len(raw):
        raise ValueError("array payload does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def tensor_from_payload(payload: dict):
    """A plain CPU tensor from a tensor payload; its `TensorInfo` is attached as `.grader_info`."""
    torch = _torch()
    tensor = torch.from_numpy(_array_from(payload))
    info = payload.get("info") or {}
    tensor.grader_info = TensorInfo(
        requires_grad=bool(info.get("requires_grad")), grad_fn=info.get("grad_fn"),
        device=str(info.get("device", "cpu")), subclass=info.get("subclass"),
        dtype=str(info.get("dtype", payload["dtype"])),
    )
    return tensor


def tensor_info(value: Any) -> TensorInfo | None:
    """The `TensorInfo` of a decoded tensor (None for anything else)."""
    return getattr(value, "grader_info", None)
