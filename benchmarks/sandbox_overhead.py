"""What the sandbox costs: starting a worker (fork, confinement, loading a file), one call, and
closing it, in the same run, on one warm zygote, in three modes:

- `off`: GRADER_SANDBOX=off (no confinement; containers are still made);
- `round one`: confinement as before issue 13 (namespaces, user, seccomp), without the worker's
  cgroup and IPC namespace;
- `on`: everything (round one, plus a cgroup per worker: memory, pids and CPU accounting, and a
  private IPC namespace).

    .venv/bin/python benchmarks/sandbox_overhead.py [--starts 20] [--calls 200]

Prints medians; the measures applied are listed so the figures say what they include. The reaper
(one per grading process) is started once, before the measurements; its start is printed apart.

Figures on the 2-core CI-like machine (shared by seven people; load average 9-13 during the runs, so
the end-to-end medians swing by tens of ms between modes and runs): issue 13's isolation added
8.9 ms per start, 5.3 ms per close and -0.03 ms per call (no change) in the calmest run. Its parts,
timed alone: 0.15 ms (make and limit the cgroup) + 0.45 ms (move the process in; on a loaded machine
the kernel's wait for a grace period makes it tens of ms, which now overlaps the child's own
confinement) + 0.2 ms (IPC namespace) per start, 0.3 ms per close, and 0.015 ms (read the group's
CPU) + 0.005 ms (bounded parsing) per call.
The reaper starts once per grading process (13-33 ms, overlapping torch's import in the zygote).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

from grader.worker import client, reaper
from grader.worker.client import Worker, Zygote
from grader.worker.limits import Limits

SOURCE = "import torch\n\ndef double(x):\n    return x * 2\n"
MODES = {"off": ("off", True), "round one": ("on", False), "on": ("on", True)}
"""Mode -> (GRADER_SANDBOX, containers and IPC namespace)."""


def measure(zygote: Zygote, folder: Path, mode: str, starts: int, calls: int) -> dict:
    sandbox_env, containers = MODES[mode]
    os.environ["GRADER_SANDBOX"] = sandbox_env
    path = folder / "sub.py"
    path.write_text(SOURCE)
    start_times, call_times, close_times, measures = [], [], [], {}
    without = mock.patch.object(client, "container_request", lambda *a, **k: (None, {}))
    if containers:
        without = mock.patch.object(client, "container_request", client.container_request)
    with without:
        for _ in range(starts):
            worker = Worker(zygote, submission=path, workdir=folder, limits=Limits(),
                            confine={"ipc": containers})
            t0 = time.perf_counter()
            fault = worker.start()
            t1 = time.perf_counter()
            assert fault is None, fault
            measures = worker.sandbox
            start_times.append(t1 - t0)
            for _ in range(calls // starts):
                c0 = time.perf_counter()
                worker.call("double", 3)
                call_times.append(time.perf_counter() - c0)
            c0 = time.perf_counter()
            worker.close()
            close_times.append(time.perf_counter() - c0)
    return {"start_ms": 1000 * statistics.median(start_times),
            "call_ms": 1000 * statistics.median(call_times),
            "close_ms": 1000 * statistics.median(close_times), "measures": measures}


def components(rounds: int = 50) -> dict[str, float]:
    """The trusted side's share of the new isolation, timed alone (a loaded machine disturbs the
    end-to-end figures far more than these): making and limiting a worker's cgroup and removing it,
    reading its CPU, and parsing a typical reply with limits instead of plain json.loads."""
    import json

    from grader.worker import codec, wire

    out: dict[str, list[float]] = {"trusted side: make and limit the cgroup": [],
                                   "trusted side: remove it": [], "trusted side: read its CPU": [],
                                   "trusted side: bounded parse minus json.loads": []}
    reply = json.dumps({"id": "1-ab", "ok": True, "value": codec.encode(6)}).encode()
    for _ in range(rounds):
        t0 = time.perf_counter()
        group, _ = client.container_request("worker", Limits(), 300 << 20)
        t1 = time.perf_counter()
        if group is not None:
            group.cpu_seconds()
            t2 = time.perf_counter()
            group.remove()
            t3 = time.perf_counter()
            out["trusted side: make and limit the cgroup"].append(t1 - t0)
            out["trusted side: read its CPU"].append(t2 - t1)
            out["trusted side: remove it"].append(t3 - t2)
        t0 = time.perf_counter()
        wire.parse(reply)
        t1 = time.perf_counter()
        json.loads(reply.decode())
        t2 = time.perf_counter()
        out["trusted side: bounded parse minus json.loads"].append((t1 - t0) - (t2 - t1))
    out["a new process: moved into the cgroup"], out["a new process: unshare IPC"] = _child_side(rounds)
    return {k: 1000 * statistics.median(v) for k, v in out.items() if v}


def _child_side(rounds: int) -> tuple[list[float], list[float]]:
    """What a freshly forked worker pays: joining its cgroup, and an IPC namespace of its own."""
    import struct

    from grader.worker import cgroup, linux

    joins, ipcs = [], []
    for _ in range(rounds):
        group, request = client.container_request("worker", Limits(), 300 << 20)
        if group is None:
            break
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                a = time.perf_counter()
                cgroup.join(request["paths"])
                b = time.perf_counter()
                linux.unshare(linux.CLONE_NEWIPC)
                os.write(write, struct.pack("dd", b - a, time.perf_counter() - b))
            finally:
                os._exit(0)
        join_s, ipc_s = struct.unpack("dd", os.read(read, 16))
        os.close(read)
        os.close(write)
        os.waitpid(pid, 0)
        group.remove()
        joins.append(join_s)
        ipcs.append(ipc_s)
    return joins, ipcs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    t0 = time.perf_counter()
    reaper.current()
    reaper_ms = 1000 * (time.perf_counter() - t0)
    with Zygote() as zygote, tempfile.TemporaryDirectory() as tmp:
        zygote.ready()
        results: dict[str, list] = {}
        for _ in range(2):  # interleaved: a busy machine drifts
            for mode in MODES:
                folder = Path(tmp) / f"{mode.replace(' ', '-')}-{len(results.get(mode, []))}"
                folder.mkdir()
                folder.chmod(0o755)
                results.setdefault(mode, []).append(measure(zygote, folder, mode, args.starts, args.calls))
    figures = {}
    for mode, runs in results.items():
        figures[mode] = {key: statistics.median(r[key] for r in runs)
                         for key in ("start_ms", "call_ms", "close_ms")}
        f = figures[mode]
        print(f"sandbox {mode:9}: worker start + load {f['start_ms']:7.1f} ms   call {f['call_ms']:6.2f} ms"
              f"   close {f['close_ms']:6.1f} ms")
        print(f"             measures: {runs[-1]['measures']}")
    off, one, on = figures["off"], figures["round one"], figures["on"]
    print(f"confinement (round one) adds {one['start_ms'] - off['start_ms']:.1f} ms per worker start")
    print(f"issue 13's isolation (cgroup, IPC namespace) adds {on['start_ms'] - one['start_ms']:.1f} ms "
          f"per start, {on['close_ms'] - one['close_ms']:.1f} ms per close, "
          f"{on['call_ms'] - one['call_ms']:+.2f} ms per call")
    print(f"the reaper (once per grading process) started in {reaper_ms:.1f} ms")
    for name, ms in components().items():
        print(f"  {name}: {ms:.3f} ms")


if __name__ == "__main__":
    main()
