"""The generic glue chapter 5 needed: slices cross the worker boundary (lr_groups' inputs), only
with numbers inside; the timing op builds class-index targets (nll_loss, cross_entropy)."""

import pytest
import torch

from grader.worker import codec
from grader.worker.ops.time import build


def test_slices_cross_the_codec():
    values = [slice(1e-5, 1e-3), slice(None, 3e-3), slice(1, 5, 2)]
    assert codec.decode(codec.encode(values)) == values


@pytest.mark.parametrize("payload", [[1, 2], ["a", None, None], [True, 1.0, None], [{"__opaque__": {}}, 1, 2],
                                     "1:2"])
def test_a_malformed_slice_is_refused(payload):
    with pytest.raises(ValueError):
        codec.decode({"__slice__": payload})


def test_class_targets_are_int64_indices_below_the_class_count():
    x, t = build([{"kind": "uniform", "shape": [50, 7], "low": -1, "high": 1},
                  {"kind": "labels", "shape": [50], "classes": 7}], seed=3, device="cpu")
    assert t.dtype == torch.int64 and t.shape == (50,) and 0 <= int(t.min()) and int(t.max()) < 7
    _, again = build([{"kind": "uniform", "shape": [50, 7], "low": -1, "high": 1},
                      {"kind": "labels", "shape": [50], "classes": 7}], seed=3, device="cpu")
    assert torch.equal(t, again)
