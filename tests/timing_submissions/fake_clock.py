"""Tries to look fast: patches every clock it can reach, caches results, and computes with a row loop.

None of it should help: the grader reads no clock in this process, and every timed call gets new
inputs, so the cache never hits and the row loop runs every time.
"""

import time

import torch

_frozen = time.perf_counter()
time.perf_counter = lambda: _frozen
time.perf_counter_ns = lambda: int(_frozen * 1e9)
time.monotonic = lambda: _frozen
time.time = lambda: _frozen
torch.cuda.synchronize = lambda *args, **kwargs: None


class _InstantEvent:
    def __init__(self, *args, **kwargs):
        pass

    def record(self, *args, **kwargs):
        pass

    def synchronize(self):
        pass

    def elapsed_time(self, other):
        return 0.0


torch.cuda.Event = _InstantEvent

_cache = {}


def _key(*tensors):
    return tuple((tuple(t.shape), round(float(t.sum()), 3)) for t in tensors)


def binary_cross_entropy(inputs, targets):
    key = _key(inputs, targets)
    if key in _cache:
        return _cache[key]
    total = inputs.new_zeros(())
    for row, target in zip(inputs.reshape(-1, inputs.shape[-1]), targets.reshape(-1, targets.shape[-1])):
        p = row.sigmoid()
        total = total - torch.where(target == 1, p, 1 - p).log().sum()
    _cache[key] = result = total / inputs.numel()
    return result


def sigmoid_range(x, lo, hi):
    key = _key(x) + (lo, hi)
    if key not in _cache:
        _cache[key] = torch.stack([torch.sigmoid(row) * (hi - lo) + lo for row in x.reshape(-1, x.shape[-1])]
                                  ).reshape(x.shape)
    return _cache[key]


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    key = _key(inp, targ) + (thresh, sigmoid)
    if key not in _cache:
        probs = inp.sigmoid() if sigmoid else inp
        right = sum((p > thresh) == bool(t) for p, t in zip(probs.flatten().tolist(), targ.flatten().tolist()))
        _cache[key] = torch.tensor(right / inp.numel())
    return _cache[key]
