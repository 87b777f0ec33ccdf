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

Measured on the 2-core CI-like machine (shared, loaded), issue 13's isolation: see the report of
the change for the figures; before it, confinement added 6.1 ms per start and 0.47 ms per call.
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


if __name__ == "__main__":
    main()
