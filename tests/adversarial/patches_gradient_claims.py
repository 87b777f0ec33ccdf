"""Patches the worker's report of gradients and `requires_grad` so that a constant loss claims to be
differentiable with the right gradient. No point depends on what the worker reports about autograd:
slopes are measured in the trusted process by finite differences of returned values (issue 13,
item 2), and a constant has slope 0.
expect-points: 0
expect-message: wrong value
"""

import torch
import torch.nn.functional as F

import grader.worker.codec as codec
import grader.worker.server as server

_payload = codec._tensor_payload


def _claims(t):
    payload = _payload(t)
    payload["info"]["requires_grad"] = True
    payload["info"]["grad_fn"] = "MeanBackward0"
    return payload


def _grads(result, leaves):
    targets = torch.zeros_like(leaves[0])
    x = leaves[0].detach().clone().requires_grad_(True)
    F.binary_cross_entropy_with_logits(x, targets).backward()
    return {"grads": codec.encode([x.grad])}


codec._tensor_payload = _claims
server._gradients = _grads


def binary_cross_entropy(inputs, targets):
    return torch.tensor(0.6931)
