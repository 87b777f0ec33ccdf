"""Patches the worker's `info` reply to claim that every function is the learner's own code, and
answers with zeros. "Own code" is a claim of the learner's process: it only decides whether a note
says the function comes from a library, and earns nothing (issue 13, item 2).
expect-only: accuracy_multi
expect-points: 0
expect-message: wrong value
"""

import torch

import grader.worker.server as server

_info = server.Server.op_info


def _claims(self, request):
    reply = _info(self, request)
    reply["own_code"] = True
    return reply


server.Server.op_info = _claims


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    return torch.zeros(())
