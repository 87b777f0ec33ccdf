"""Benchmark: the grader's own overhead on `grader check ch6 solutions/ch6.py` (issue 2).

Overhead = wall time of the whole command minus the time to import what the submission itself
imports (torch and numpy for the shipped solutions), both as the median of several runs measured in
this same script. Target: at most 3 s on a 2-core machine.
Run: .venv/bin/python benchmarks/check_overhead.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRADER = [sys.executable, "-m", "grader"]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"command failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    imports = [timed([sys.executable, "-c", "import torch, numpy"]) for _ in range(args.runs)]
    checks = [timed(GRADER + ["check", "ch6", "solutions/ch6.py", "--skip", "bear", "--no-report",
                              "--no-timing"]) for _ in range(args.runs)]
    full = [timed(GRADER + ["check", "ch6", "solutions/ch6.py", "--skip", "bear", "--no-report"])
            for _ in range(args.runs)]
    imp, chk, ful = statistics.median(imports), statistics.median(checks), statistics.median(full)
    print(f"runs per figure: {args.runs}")
    print(f"import torch, numpy (what the submission imports): median {imp:.2f} s "
          f"(min {min(imports):.2f}, max {max(imports):.2f})")
    print(f"grader check ch6 solutions/ch6.py --skip bear --no-timing: median {chk:.2f} s "
          f"(min {min(checks):.2f}, max {max(checks):.2f})")
    print(f"grader's own overhead (no timed tests): {chk - imp:.2f} s (target <= 3 s)")
    print(f"with timed tests and report off: median {ful:.2f} s; overhead {ful - imp:.2f} s")


if __name__ == "__main__":
    main()
