"""Fork server: imports torch (and what else is asked) once, then forks a fresh worker per request.

Run as `python -I -m grader.worker.zygote --fd N`. It never runs learner code itself; each forked
child detaches into its own session (so the trusted side can kill its whole process group), applies
its limits, moves into a private working directory, and serves requests on the socket it was sent.
Messages on the control socket: `spawn` (with two fds: the request socket and the output pipe) is
answered by `spawned`; every reaped child is announced by `exited` with its wait status.
"""

from __future__ import annotations

import argparse
import array
import importlib
import json
import os
import select
import signal
import socket
import struct
import sys
import time

# Preloads must be modules from the environment, never from a submission's folder.
ALLOWED_PRELOADS = ("torch", "numpy", "pandas", "PIL", "torchvision", "fastai", "matplotlib", "scipy",
                    "sklearn", "fastcore")

_HEADER = struct.Struct(">Q")


def _send(sock: socket.socket, message: dict) -> None:
    data = json.dumps(message).encode()
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_with_fds(sock: socket.socket) -> tuple[dict, list[int]] | None:
    header, fds = b"", []
    while len(header) < _HEADER.size:
        msg, ancdata, _flags, _addr = sock.recvmsg(_HEADER.size - len(header), socket.CMSG_LEN(16))
        if not msg:
            return None
        header += msg
        for level, kind, data in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds += array.array("i", data[: len(data) - len(data) % 4]).tolist()
    (size,) = _HEADER.unpack(header)
    body = b""
    while len(body) < size:
        chunk = sock.recv(size - len(body))
        if not chunk:
            return None
        body += chunk
    return json.loads(body), fds


def preload(modules: list[str]) -> list[str]:
    loaded = []
    for name in modules:
        if name.split(".")[0] not in ALLOWED_PRELOADS:
            continue
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception:
            pass
    return loaded


def _become_worker(request: dict, chan_fd: int, out_fd: int, control: socket.socket) -> None:
    """In the forked child: detach, limit, confine, then serve. Never returns."""
    try:
        control.close()
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.close(out_fd)
        sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
        sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
        from grader.worker import limits, sandbox, wire

        joined = sandbox.join_container(request.get("cgroup") or {})  # first: all it starts is inside
        sandbox.confine(request)
        sandbox.MEASURES.update(joined)
        limits.apply_in_child(request["limits"], address_space=not request.get("cuda", False))
        os.chdir(request["workdir"])
        os.environ.clear()
        os.environ.update(request.get("env", {}))
        sys.path[:0] = [request["workdir"]]
        from grader.worker.server import serve_fd

        # Said before any learner code runs, so the trusted side can believe it.
        announce = socket.socket(fileno=chan_fd)
        wire.send(announce, {"op": "confined", "measures": dict(sandbox.MEASURES)})
        announce.detach()

        serve_fd(chan_fd)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="grader.worker.zygote")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--preload", default="torch,numpy")
    args = parser.parse_args(argv)
    control = socket.socket(fileno=args.fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the trusted side's to handle
    from grader.worker import linux, sandbox

    try:  # orphans of workers (double-forked daemons) come to us, not to init, and can be killed
        linux.prctl(linux.PR_SET_CHILD_SUBREAPER, 1)
    except OSError:
        pass
    loaded = preload([m for m in args.preload.split(",") if m])
    _send(control, {"op": "ready", "pid": os.getpid(), "preloaded": loaded})
    children: set[int] = set()
    last_sweep = time.monotonic()
    while True:
        ready, _, _ = select.select([control], [], [], 0.05)
        _reap(control, children)
        if time.monotonic() - last_sweep > 0.5:
            sandbox.kill_orphans(children)
            last_sweep = time.monotonic()
        if not ready:
            continue
        received = _recv_with_fds(control)
        if received is None:
            break
        request, fds = received
        if request.get("op") == "preload":
            _send(control, {"op": "preloaded", "modules": preload(request.get("modules", []))})
            for fd in fds:
                os.close(fd)
            continue
        if request.get("op") != "spawn" or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            _send(control, {"op": "error", "message": "bad request"})
            continue
        chan_fd, out_fd = fds
        pid = os.fork()
        if pid == 0:
            _become_worker(request, chan_fd, out_fd, control)
        os.close(chan_fd)
        os.close(out_fd)
        children.add(pid)
        _send(control, {"op": "spawned", "pid": pid, "token": request.get("token")})
    for pid in children:
        _end_worker(pid, children)
    os._exit(0)


def _reap(control: socket.socket, children: set[int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid not in children:
            continue  # an adopted orphan that died
        children.discard(pid)
        _end_worker(pid, children)
        try:
            _send(control, {"op": "exited", "pid": pid, "status": status})
        except OSError:
            pass


def _end_worker(pid: int, children: set[int]) -> None:
    """Kill what a worker left behind: its session, its uid's processes, orphans that came to us."""
    from grader.worker import sandbox

    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    sandbox.sweep_user(sandbox.uid_for(pid))
    for _ in range(20):
        if not sandbox.kill_orphans(children):
            break
        time.sleep(0.005)


if __name__ == "__main__":
    main()
