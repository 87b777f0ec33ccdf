"""Benchmark: grading the solutions notebook, split into kernel start, notebook execution and grading.

`grader check ch6 solutions/ch6.ipynb --skip bear` in figures (issue 3), each the median of several
runs of `grade()` in this process:
- kernel start: from launching the sandboxed kernel until it answers (torch import, ipykernel);
- notebook execution: running its cells (fastai import, data blocks, two one-epoch trainings);
- grading: the suite against the kernel's namespace (timed tests included unless --no-timing);
- total: the whole `grade()` call; and the same command end to end, as a learner runs it.
Run: .venv/bin/python benchmarks/notebook_grading.py [--runs 3] [--no-timing]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "solutions" / "ch6.ipynb"


def one_run(timing: bool) -> dict[str, float]:
    from grader.grading import grade

    started = time.perf_counter()
    result = grade(NOTEBOOK, skip={"train_bear_classifier"}, timing=timing)
    total = time.perf_counter() - started
    if result.notebook["failed_cells"] or sum(e.points for e in result.exercises) != \
            sum(e.max_points for e in result.exercises):
        sys.exit("the solutions notebook did not grade at 100%: " + repr(result.notebook["failed_cells"]))
    t = result.notebook["timings"]
    return {"kernel start": t["kernel_start"], "notebook execution": t["execute"],
            "connect": t["connect"], "grading": total - t["total"], "total grade()": total}


def command(timing: bool) -> float:
    cmd = [sys.executable, "-m", "grader", "check", "ch6", str(NOTEBOOK), "--skip", "bear", "--no-report",
           *([] if timing else ["--no-timing"])]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"command failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-timing", dest="timing", action="store_false",
                        help="leave the timed tests out of the grading figure")
    args = parser.parse_args()
    runs = [one_run(args.timing) for _ in range(args.runs)]
    commands = [command(args.timing) for _ in range(args.runs)]
    print(f"solutions/ch6.ipynb, --skip bear, timed tests {'on' if args.timing else 'off'}, "
          f"{args.runs} run(s), median (min-max) in seconds:")
    for name in runs[0]:
        values = [r[name] for r in runs]
        print(f"  {name:<20} {statistics.median(values):6.1f}  ({min(values):.1f}-{max(values):.1f})")
    print(f"  {'grader check (CLI)':<20} {statistics.median(commands):6.1f}  "
          f"({min(commands):.1f}-{max(commands):.1f})")


if __name__ == "__main__":
    main()
