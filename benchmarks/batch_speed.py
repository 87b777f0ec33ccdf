"""Benchmark: `grader batch` against a loop of `grader check` processes (issue 8).

A class of generated chapter-6 `.py` submissions (solutions, stubs, one wrong function each; no bear
training: `--skip bear`) is graded, in this one run, by:
  - `grader batch` on the first 10 and on all N (marginal cost per submission = the difference / (N-10)),
  - `grader batch` again with nothing changed (resume: grades nothing),
  - a loop of separate `grader check` processes over the same N.
Targets: batch at least 4x faster than the loop; marginal cost at most 1.5 s per submission.
Notebooks (`--notebooks K`, 0 to leave out): K small notebooks graded by `grader batch` (per-notebook
cost = (time for K - time for 1) / (K - 1)) beside the time to execute one such notebook on its own
with nbclient in a plain kernel, and one `grader check` of it.
Run: .venv/bin/python benchmarks/batch_speed.py [--n 40] [--notebooks 4] [--jobs N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRADER = [sys.executable, "-m", "grader"]
SOLVED = (ROOT / "solutions" / "ch6.py").read_text()
STUBS = (ROOT / "exercises" / "ch6.py").read_text()
WRONG = [  # one wrong function each, appended to the solution (the last definition wins)
    "def binary_cross_entropy(inputs, targets):\n"
    "    return -torch.where(targets == 1, inputs, 1 - inputs).log().mean()\n",
    "def sigmoid_range(x, lo, hi):\n    return torch.sigmoid(x) * (hi + lo) + lo\n",
    "def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):\n"
    "    return (inp.argmax(dim=-1) == targ.argmax(dim=-1)).float().mean()\n",
    "def is_valid_person(o):\n    return '13' in str(o)\n",
]


def make_class(folder: Path, n: int) -> list[Path]:
    """n distinct submissions: mostly solutions, some with a wrong function, some stubs."""
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        if i % 8 == 7:
            source = STUBS
        elif i % 3 == 2:
            source = SOLVED + "\n\n" + WRONG[i % len(WRONG)]
        else:
            source = SOLVED
        path = folder / f"learner{i:03d}.py"
        path.write_text(f"# submission {i}\n{source}")
        paths.append(path)
    return paths


def notebook(source: str) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Chapter 6 exercises"), nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(nb)


def run(cmd: list[str], ok=(0, 1)) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        sys.exit(f"command failed ({done.returncode}): {' '.join(map(str, cmd))}\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def timed(cmd: list[str], ok=(0, 1)) -> float:
    return run(cmd, ok)[0]


def batch(folder: Path, out: Path, jobs: int | None, expect_graded: int) -> float:
    """Seconds of one `grader batch`; stops the benchmark if it did not grade what it should (a
    grader edited meanwhile in a shared checkout changes the resume key, and so the figures)."""
    cmd = GRADER + ["batch", str(folder), "--out", str(out), "--skip", "bear", "--quiet"]
    seconds, stdout = run(cmd + (["--jobs", str(jobs)] if jobs else []))
    graded = int(stdout.split("Graded ", 1)[1].split(",")[0])
    if graded != expect_graded:
        sys.exit(f"grader batch graded {graded}, not {expect_graded}: was the grader edited meanwhile?")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="submissions (default %(default)s)")
    parser.add_argument("--notebooks", type=int, default=4, help="notebooks (default %(default)s)")
    parser.add_argument("--jobs", type=int, help="--jobs for grader batch (default: its own)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="batch-speed-"))
    figures: dict[str, float | int | str] = {"n": args.n, "cores": len(os.sched_getaffinity(0)),
                                             "jobs": args.jobs or "default"}
    try:
        paths = make_class(work / "class", args.n)
        first = work / "first10"
        first.mkdir()
        for path in paths[:10]:
            shutil.copy(path, first / path.name)
        figures["batch_10_s"] = batch(first, work / "out10", args.jobs, 10)
        figures["batch_n_s"] = batch(work / "class", work / "out", args.jobs, args.n)
        figures["marginal_s"] = (figures["batch_n_s"] - figures["batch_10_s"]) / (args.n - 10)
        figures["rerun_unchanged_s"] = batch(work / "class", work / "out", args.jobs, 0)
        loop_start = time.perf_counter()
        for path in paths:
            timed(GRADER + ["check", "ch6", str(path), "--skip", "bear", "--no-report"])
        figures["check_loop_s"] = time.perf_counter() - loop_start
        figures["speedup"] = figures["check_loop_s"] / figures["batch_n_s"]
        if args.notebooks >= 2:
            figures.update(notebooks(work, args.notebooks, args.jobs))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def notebooks(work: Path, k: int, jobs: int | None) -> dict[str, float]:
    one, many = work / "nb1", work / "nbk"
    one.mkdir()
    many.mkdir()
    for i in range(k):
        (many / f"nb{i:02d}.ipynb").write_text(notebook(f"# notebook {i}\n{SOLVED}"))
    shutil.copy(many / "nb00.ipynb", one / "nb00.ipynb")
    out = {"notebooks": k}
    out["nb_batch_1_s"] = batch(one, work / "nbout1", jobs, 1)
    out["nb_batch_k_s"] = batch(many, work / "nbout", jobs, k)
    out["nb_marginal_s"] = (out["nb_batch_k_s"] - out["nb_batch_1_s"]) / (k - 1)
    code = ("import sys, nbformat, nbclient; nb = nbformat.read(sys.argv[1], 4); "
            "nbclient.NotebookClient(nb, kernel_name='python3', timeout=600).execute()")
    out["nb_execute_alone_s"] = timed([sys.executable, "-c", code, str(one / "nb00.ipynb")], ok=(0,))
    out["nb_check_s"] = timed(GRADER + ["check", "ch6", str(one / "nb00.ipynb"), "--skip", "bear",
                                        "--no-report"])
    return out


def report(f: dict) -> None:
    print(f"{f['n']} .py submissions of ch6, --skip bear, {f['cores']} cores, jobs {f['jobs']}")
    print(f"grader batch, first 10:            {f['batch_10_s']:7.1f} s")
    print(f"grader batch, all {f['n']}:             {f['batch_n_s']:7.1f} s")
    print(f"marginal cost per submission:      {f['marginal_s']:7.2f} s   (target <= 1.5 s)")
    print(f"rerun, nothing changed:            {f['rerun_unchanged_s']:7.1f} s")
    print(f"loop of {f['n']} `grader check`:        {f['check_loop_s']:7.1f} s "
          f"({f['check_loop_s'] / f['n']:.2f} s each)")
    print(f"batch speed-up over the loop:      {f['speedup']:7.1f} x   (target >= 4x)")
    if "notebooks" in f:
        print(f"notebooks: batch of 1 {f['nb_batch_1_s']:.1f} s, of {f['notebooks']} "
              f"{f['nb_batch_k_s']:.1f} s: {f['nb_marginal_s']:.1f} s per notebook; executing one "
              f"alone (nbclient, plain kernel) {f['nb_execute_alone_s']:.1f} s; `grader check` of one "
              f"{f['nb_check_s']:.1f} s")


if __name__ == "__main__":
    main()
