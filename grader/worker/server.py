"""The request loop inside a worker: loads the learner's code and calls it on request.

Everything here runs in the untrusted process, so nothing it says is believed by the trusted side
beyond being plain data: replies are decoded safely and compared there.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import io
import linecache
import os
import random
import socket
import sys
import traceback
import types
from pathlib import Path
from typing import Any

from grader.worker import book_env, codec, wire
from grader.worker.threads import intra_op_threads


class Server:
    """Serves requests on `sock` against the learner's namespace."""

    def __init__(self, sock: socket.socket, namespace: dict | None = None, source_files=()):
        self.sock = sock
        self.namespace: dict[str, Any] = namespace if namespace is not None else {}
        self.source_files = set(source_files)
        """Files whose traceback lines are the learner's own."""

    # -- loop -------------------------------------------------------------------------------
    def serve(self) -> None:
        while True:
            try:
                request = wire.recv(self.sock)
            except (wire.ChannelClosed, wire.BadMessage):
                return
            reply = self.handle(request)
            try:
                wire.send(self.sock, reply)
            except (TypeError, ValueError, OverflowError) as exc:
                wire.send(self.sock, {"id": request.get("id"), "ok": False,
                                      "error": {"kind": "BadReturn", "message": str(exc)[:500]}})
            except OSError:
                return

    def handle(self, request: dict) -> dict:
        op = str(request.get("op", ""))
        try:
            handler = getattr(self, "op_" + op, None) or _extra_op(op)
            result = handler(self, request) if not hasattr(handler, "__self__") else handler(request)
            return {"id": request.get("id"), "ok": True, **result}
        except BaseException as exc:  # the learner may raise SystemExit, KeyboardInterrupt, anything
            return {"id": request.get("id"), "ok": False, "error": self.describe(exc)}

    # -- operations -------------------------------------------------------------------------
    def op_ping(self, request: dict) -> dict:
        return {"pid": os.getpid()}

    def op_load(self, request: dict) -> dict:
        """Run the submission's top level as module `submission` (its `__main__` block stays off)."""
        path = Path(request["path"])
        self.source_files.add(str(path))
        # the learner's other files, copied beside it (a batch learner's helpers): their own code too
        self.source_files.update(str(p) for p in path.parent.glob("*.py") if p.is_file())
        module = types.ModuleType(request.get("module", "submission"))
        module.__file__ = str(path)
        sys.modules[module.__name__] = module
        self.namespace = module.__dict__
        self.namespace.update(_decode_globals(request.get("globals")))
        book_env.enter()  # `from fastbook import *` and `untar_data` work offline, as in notebooks
        source = path.read_text(encoding="utf-8", errors="replace")
        code = compile(source, str(path), "exec")
        linecache.updatecache(str(path))
        _seed()
        exec(code, self.namespace)
        return {"names": self.public_names()}

    def op_adopt(self, request: dict) -> dict:
        """Serve an already populated namespace (a notebook kernel's); nothing to load."""
        return {"names": self.public_names()}

    def op_info(self, request: dict) -> dict:
        name = request["name"]
        if name not in self.namespace:
            return {"defined": False}
        fn = self.namespace[name]
        info: dict[str, Any] = {"defined": True, "callable": callable(fn), "type": type(fn).__name__}
        if callable(fn):
            try:
                info["params"] = list(inspect.signature(fn).parameters)
            except (TypeError, ValueError):
                info["params"] = None
            info["module"] = getattr(fn, "__module__", None)
            code = getattr(fn, "__code__", None)
            info["source_file"] = getattr(code, "co_filename", None)
            info["own_code"] = bool(code) and code.co_filename in self.source_files
        else:
            info["value"] = codec.encode(fn)
        return info

    def op_call(self, request: dict) -> dict:
        """Call a learner function on decoded arguments; report the result and what it did."""
        fn = self._function(request["name"])
        self.namespace.update(_decode_globals(request.get("globals")))
        args = list(codec.decode(request.get("args", [])))
        kwargs = {str(k): v for k, v in codec.decode(request.get("kwargs", {"__dict__": []})).items()}
        grad_args = [int(i) for i in request.get("grad_args", [])]
        for i in grad_args:
            args[i] = args[i].detach().clone().requires_grad_(True)
        _seed()
        with intra_op_threads(1):  # small inputs: a second thread only costs (grader.worker.threads)
            result = fn(*args, **kwargs)
            reply: dict[str, Any] = {"value": codec.encode(result)}
            if request.get("return_args"):
                reply["args_after"] = codec.encode(args)
            if grad_args:
                reply.update(_gradients(result, [args[i] for i in grad_args]))
        return reply

    # -- helpers ----------------------------------------------------------------------------
    def _function(self, name: str):
        if name not in self.namespace:
            raise _NotDefined(name)
        fn = self.namespace[name]
        if not callable(fn):
            raise _NotCallable(name, fn)
        return fn

    def public_names(self) -> list[str]:
        return sorted(n for n in self.namespace if not n.startswith("_"))

    def describe(self, exc: BaseException) -> dict:
        """A learner-facing description of an exception: type, message, the learner's lines only."""
        kind = type(exc).__name__
        try:
            message = str(exc)[:2000]
        except BaseException:
            message = "<the exception's message could not be printed>"
        if isinstance(exc, _NotDefined):
            return {"kind": "NotDefined", "message": message}
        if isinstance(exc, _NotCallable):
            return {"kind": "NotCallable", "message": message}
        line, frames = None, []
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename in self.source_files or frame.filename.startswith("<ipython-input") \
                    or "/ipykernel_" in frame.filename:
                line = frame.lineno
                frames.append(f'  File "{Path(frame.filename).name}", line {frame.lineno}, in {frame.name}'
                              + (f"\n    {frame.line}" if frame.line else ""))
        if isinstance(exc, SyntaxError) and exc.filename in self.source_files:
            line = exc.lineno
            frames = [f'  File "{Path(exc.filename).name}", line {exc.lineno}'
                      + (f"\n    {exc.text.rstrip()}" if exc.text else "")]
            message = exc.msg
        if isinstance(exc, SystemExit):
            message = f"your code called sys.exit({exc.code!r})"
        if isinstance(exc, MemoryError) or "can't allocate memory" in message:
            kind = "memory"
        return {"kind": kind, "message": message, "line": line, "traceback": frames[-8:]}


class _NotDefined(Exception):
    def __init__(self, name: str):
        super().__init__(f"`{name}` is not defined in your submission")


class _NotCallable(Exception):
    def __init__(self, name: str, value: Any):
        super().__init__(f"`{name}` is a {type(value).__name__}, not a function")


def _extra_op(op: str):
    """Operations beyond the core: the generic ones in `grader.worker.ops.<op>`, a chapter's (`<chapter>/
    <op>`, a registered chapter only) in its package's `ops/<op>.py`; each module has `handle`."""
    if "/" in op:
        from grader.chapters.registry import chapter_of_op

        chapter, name = chapter_of_op(op)
        module_name = f"{chapter.package}.ops.{name}"
    elif op.isidentifier():
        module_name = f"grader.worker.ops.{op}"
    else:
        raise ValueError(f"unknown operation {op!r}")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise ValueError(f"unknown operation {op!r}") from None
    return module.handle


def _decode_globals(data) -> dict:
    if not data:
        return {}
    return {str(k): v for k, v in codec.decode(data).items()}


@functools.lru_cache(maxsize=1)
def _cuda() -> bool:
    """Whether torch sees a GPU (asked once: each ask loads NVML again)."""
    import torch

    return torch.cuda.is_available()


def _seed(seed: int = 0) -> None:
    """Same seeds before every load and call, so a submission scores the same on every run."""
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed)
    except ImportError:
        pass
    import torch

    if _cuda():
        torch.manual_seed(seed)
    else:  # torch.manual_seed would also queue a CUDA seeding, with a stack trace, on every call
        torch.default_generator.manual_seed(seed)
    torch.backends.cudnn.deterministic = True  # the same kernels on every run (no CUDA init here)
    torch.backends.cudnn.benchmark = False


def _gradients(result: Any, leaves: list) -> dict:
    """The gradients autograd computes here, in the learner's process: a claim, shown as feedback only.

    Suites earn no point from these figures (they measure slopes by finite differences of returned
    values in the trusted process); code that patches this function changes only a feedback line."""
    import torch

    if not isinstance(result, torch.Tensor) or not result.requires_grad:
        return {"grads": None, "grad_error": "the result is not connected to the inputs' autograd graph"}
    try:
        result.backward(torch.ones_like(result))
    except BaseException as exc:
        return {"grads": None, "grad_error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    return {"grads": codec.encode([leaf.grad for leaf in leaves])}


def serve_fd(fd: int, namespace: dict | None = None) -> None:
    """Entry point of a forked worker: serve on the inherited socket until it closes."""
    sock = socket.socket(fileno=fd)
    sys.stdin = io.StringIO("")
    Server(sock, namespace).serve()
