"""Benchmark: `grader batch` on a Dask cluster against the local pool (issue 20).

The same class of generated chapter-6 `.py` submissions as `batch_speed.py` (`--skip bear`) is graded,
each into a fresh output folder, by:
  - the local pool, `--jobs 2`,
  - `--scheduler local:2` (a LocalCluster of 2 worker processes, started by the batch),
  - `--scheduler local:1`,
and the bytes the cluster runs shipped per submission (to the workers, and back) are read from the
batch's own progress line. Figures: overhead = local:2 / pool -j 2 (target <= 1.15x: the cluster's
start-up, the per-task round trips and the shipping), scaling = local:1 / local:2 (on a 2-core
machine, at most 2x). Wall times include each run's start-up (the pool's slots, or the cluster and
its workers' warm slots), as an instructor waits for it.
Run: .venv/bin/python benchmarks/distributed_batch.py [--n 40] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_speed import GRADER, ROOT, make_class  # noqa: E402

SHIPPED = re.compile(r"shipped ([\d.]+) kB per submission to the workers and ([\d.]+) kB back")


def batch(folder: Path, out: Path, flags: list[str], n: int) -> tuple[float, str]:
    """Seconds of one `grader batch` and its progress output; stops if it did not grade all n."""
    cmd = GRADER + ["batch", str(folder), "--out", str(out), "--skip", "bear", *flags]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"command failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    graded = int(done.stdout.split("Graded ", 1)[1].split(",")[0])
    if graded != n:
        sys.exit(f"grader batch graded {graded}, not {n}")
    return seconds, done.stderr


def same_gradebook(a: Path, b: Path) -> bool:
    def rows(path):
        book = json.loads((path / "gradebook.json").read_text())
        return [(r["learner"], r["status"], r["points"]) for r in book["learners"]]

    return rows(a) == rows(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="submissions (default %(default)s)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="distributed-batch-"))
    figures: dict = {"n": args.n, "cores": len(os.sched_getaffinity(0)),
                     "load_before": os.getloadavg()[0]}
    try:
        make_class(work / "class", args.n)
        figures["pool_j2_s"], _ = batch(work / "class", work / "pool", ["--jobs", "2"], args.n)
        figures["dask_local2_s"], log = batch(work / "class", work / "dask2", ["--scheduler", "local:2"],
                                              args.n)
        figures["dask_local1_s"], _ = batch(work / "class", work / "dask1", ["--scheduler", "local:1"],
                                            args.n)
        shipped = SHIPPED.search(log)
        figures["kb_sent_per_submission"] = float(shipped.group(1)) if shipped else None
        figures["kb_back_per_submission"] = float(shipped.group(2)) if shipped else None
        figures["same_gradebook"] = same_gradebook(work / "pool", work / "dask2")
        figures["overhead"] = figures["dask_local2_s"] / figures["pool_j2_s"]
        figures["scaling"] = figures["dask_local1_s"] / figures["dask_local2_s"]
        figures["load_after"] = os.getloadavg()[0]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def report(f: dict) -> None:
    print(f"{f['n']} .py submissions of ch6, --skip bear, {f['cores']} cores "
          f"(load average {f['load_before']:.1f} before, {f['load_after']:.1f} after)")
    print(f"local pool --jobs 2:             {f['pool_j2_s']:7.1f} s")
    print(f"--scheduler local:2:             {f['dask_local2_s']:7.1f} s")
    print(f"--scheduler local:1:             {f['dask_local1_s']:7.1f} s")
    print(f"overhead local:2 / pool -j 2:    {f['overhead']:7.2f} x   (target <= 1.15x)")
    print(f"scaling local:1 / local:2:       {f['scaling']:7.2f} x   (2 cores: at most 2x)")
    print(f"shipped per submission:          {f['kb_sent_per_submission']} kB to the workers, "
          f"{f['kb_back_per_submission']} kB back")
    print(f"same gradebook as the pool:      {f['same_gradebook']}")


if __name__ == "__main__":
    main()
