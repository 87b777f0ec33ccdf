"""Fork server: imports torch (and what else is asked) once, then forks a fresh worker per request.

Run as `python -I -m grader.worker.zygote --fd N`. It never runs learner code itself; each forked
child detaches into its own session (so the trusted side can kill its whole process group), applies
its limits, moves into a private working directory, and serves requests on the socket it was sent.
Messages on the control socket: `spawn` (with two fds: the request socket and the output pipe) is
answered by `spawned`; every reaped child is announced by `exited` with its wait status.

`run` (with one fd: the output file) forks a child that runs a grader program as `python -m MODULE
ARGV` would (`MODULE.main(ARGV)`, in its own session, folder and environment), so that a program
such as a grading kernel (`grader.notebook.launch`) starts with torch and the rest already imported;
it is answered by `spawned` too. `attach` (with one fd: a socket) opens another control channel: a
batch slot gives one to each grading child, so that two children never read each other's replies;
what was started through a channel is killed when that channel closes.
"""

from __future__ import annotations

import argparse
import array
import gc
import importlib
import json
import os
import select
import signal
import socket
import struct
import sys
import time

from grader.worker import wakeup

# Preloads must be modules from the environment, never from a submission's folder.
ALLOWED_PRELOADS = ("torch", "numpy", "pandas", "PIL", "torchvision", "fastai", "matplotlib", "scipy",
                    "sklearn", "fastcore", "ipykernel", "IPython", "matplotlib_inline", "zmq",
                    "jupyter_client", "tornado", "psutil", "sqlite3")
RUNNABLE = ("grader.notebook.launch",)
"""Programs `run` may start (each module has `main(argv)`)."""
TRUSTED_PRELOADS = (*RUNNABLE, "grader.notebook.serve", "grader.notebook.kernel_hooks",
                    "grader.worker.server", "grader.worker.sandbox", "grader.worker.limits")
"""The grader's own modules a forked child imports (the worker's server, the kernel's launcher):
preloaded, so no child imports them again."""

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
        if name.split(".")[0] not in ALLOWED_PRELOADS and name not in TRUSTED_PRELOADS:
            continue
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception:
            pass
    gc.freeze()  # never collected, so a forked child's collections do not copy these pages
    return loaded


def _take_environment(env: dict) -> None:
    """In a forked child: exactly `env`, and nothing the zygote derived from its own environment.
    A preloaded library may have asked `tempfile` for the temporary folder (torchvision and fastai
    do, at import): cached, it would still name the zygote's folder, which the child cannot see."""
    os.environ.clear()
    os.environ.update(env)
    tempfile = sys.modules.get("tempfile")
    if tempfile is not None:
        tempfile.tempdir = None  # found again from the child's TMPDIR on the next use


def _become_worker(request: dict, chan_fd: int, out_fd: int, control: socket.socket) -> None:
    """In the forked child: detach, limit, confine, then serve. Never returns."""
    try:
        control.close()
        os.setsid()
        wakeup.forget()
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
        _take_environment(request.get("env", {}))
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


def _become_program(request: dict, out_fd: int, controls: list[socket.socket]) -> None:
    """In the forked child: a session, folder and environment of its own, then `MODULE.main(argv)`."""
    code = 0
    try:
        for sock in controls:
            sock.close()
        os.setsid()
        wakeup.forget()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.close(out_fd)
        os.chdir(request["cwd"])
        _take_environment({str(k): str(v) for k, v in request.get("env", {}).items()})
        argv = [str(a) for a in request.get("argv", [])]
        sys.argv = [request["module"], *argv]
        importlib.import_module(request["module"]).main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


SWEEP_SECONDS = 0.5
"""How often adopted orphans are looked for (their adoption sends no signal); child exits wake the
loop at once (SIGCHLD, `grader.worker.wakeup`), and requests are waited for, not polled."""
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
    owners: dict[int, socket.socket] = {}
    """Child pid -> the control channel that started it (told when it ends)."""
    channels = [control]
    wake = wakeup.on_child_exit()
    last_sweep = time.monotonic()
    while True:
        ready, _, _ = select.select([*channels, wake], [], [], SWEEP_SECONDS)
        if wake in ready:
            ready.remove(wake)
            wakeup.drain(wake)
        _reap(owners, children)
        if time.monotonic() - last_sweep >= SWEEP_SECONDS:
            sandbox.kill_orphans(children)
            last_sweep = time.monotonic()
        if control in ready:  # the main channel first: its end ends everything
            ready.remove(control)
            ready.insert(0, control)
        for channel in ready:
            received = _recv_with_fds(channel)
            if received is None:
                if channel is control:
                    for pid in list(children):
                        _end_worker(pid, children)
                    os._exit(0)
                channels.remove(channel)
                for pid in [p for p, owner in owners.items() if owner is channel]:
                    del owners[pid]
                    _end_worker(pid, children)
                channel.close()
                continue
            _handle(channel, *received, channels=channels, children=children, owners=owners)


def _handle(channel: socket.socket, request: dict, fds: list[int], *, channels: list[socket.socket],
            children: set[int], owners: dict[int, socket.socket]) -> None:
    op = request.get("op")
    if op == "preload":
        for fd in fds:
            os.close(fd)
        _send(channel, {"op": "preloaded", "modules": preload(request.get("modules", []))})
        return
    if op == "attach" and len(fds) == 1:
        channels.append(socket.socket(fileno=fds[0]))
        return
    if op == "run" and len(fds) == 1 and request.get("module") in RUNNABLE:
        pid = os.fork()
        if pid == 0:
            _become_program(request, fds[0], channels)
        os.close(fds[0])
    elif op == "spawn" and len(fds) == 2:
        chan_fd, out_fd = fds
        pid = os.fork()
        if pid == 0:
            for other in channels:
                if other is not channel:
                    other.close()
            _become_worker(request, chan_fd, out_fd, channel)
        os.close(chan_fd)
        os.close(out_fd)
    else:
        for fd in fds:
            os.close(fd)
        _send(channel, {"op": "error", "message": "bad request"})
        return
    children.add(pid)
    owners[pid] = channel
    _send(channel, {"op": "spawned", "pid": pid, "token": request.get("token")})


def _reap(owners: dict[int, socket.socket], children: set[int]) -> None:
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
        owner = owners.pop(pid, None)
        if owner is None:
            continue
        try:
            _send(owner, {"op": "exited", "pid": pid, "status": status})
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
