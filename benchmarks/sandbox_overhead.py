"""What the sandbox costs: starting a worker (fork, confinement, loading a file) and one call,
with GRADER_SANDBOX on and off, in the same run, on one warm zygote.

    .venv/bin/python benchmarks/sandbox_overhead.py [--starts 20] [--calls 200]

Prints medians; the measures applied are listed so the figures say what they include.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from grader.worker.client import Worker, Zygote
from grader.worker.limits import Limits

SOURCE = "import torch\n\ndef double(x):\n    return x * 2\n"


def measure(zygote: Zygote, folder: Path, mode: str, starts: int, calls: int) -> dict:
    os.environ["GRADER_SANDBOX"] = mode
    path = folder / "sub.py"
    path.write_text(SOURCE)
    start_times, call_times, measures = [], [], {}
    for _ in range(starts):
        worker = Worker(zygote, submission=path, workdir=folder, limits=Limits())
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
        worker.close()
    return {"start_ms": 1000 * statistics.median(start_times),
            "call_ms": 1000 * statistics.median(call_times), "measures": measures}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    with Zygote() as zygote, tempfile.TemporaryDirectory() as tmp:
        zygote.ready()
        results = {}
        for mode in ("off", "on", "off", "on"):  # interleaved: a busy machine drifts
            folder = Path(tmp) / f"{mode}-{len(results)}"
            folder.mkdir()
            results.setdefault(mode, []).append(measure(zygote, folder, mode, args.starts, args.calls))
    for mode, runs in results.items():
        start = statistics.median(r["start_ms"] for r in runs)
        call = statistics.median(r["call_ms"] for r in runs)
        print(f"sandbox {mode:3}: worker start + load {start:7.1f} ms   call {call:6.2f} ms")
        print(f"             measures: {runs[-1]['measures']}")
    off, on = (statistics.median(r["start_ms"] for r in results[m]) for m in ("off", "on"))
    print(f"confinement adds {on - off:.1f} ms per worker start "
          f"(a run starts one worker, plus one per crash)")


if __name__ == "__main__":
    main()
