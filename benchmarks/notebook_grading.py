"""Benchmark: where one notebook's grading goes, part by part, cold and warm (issues 3 and 17).

Two correct chapter-6 notebooks (`benchmarks/peer_batch.py`'s learner 0): one that imports only torch,
one that starts with `from fastai.vision.all import *`. Each is graded in this process by `grade()`
(`--skip bear --no-timing`) with a cold kernel (a new interpreter, as `grader check` does) and with a
kernel forked from a warm template (as a batch slot does: `grader.notebook.template`), and split into:
- process start-up: a new `python` importing the grader, torch and pytest (what `grader check` pays
  before its first line of work; a batch pays it once per slot);
- kernel imports: a new interpreter importing torch, numpy, pandas and ipykernel (a cold kernel pays
  it per notebook; a warm template once per slot), and fastai.vision.all on top (book notebooks);
- kernel start: from the launch until the kernel answers (for a cold kernel, the imports above plus
  the sandbox and ipykernel; for a warm one, the fork, the sandbox and ipykernel);
- sandbox: confinement and cgroup of one process (`benchmarks/sandbox_overhead.py`: ~10 ms);
- cell execution: the notebook's cells (the learner's own `import torch`/fastai included);
- connect: the kernel serving its namespace to the grader;
- suite: the chapter's tests calling the learner's functions;
- questionnaire: grading the answers (none here: the figure is the check that there are none);
- report: writing the HTML report;
- teardown: closing the kernel, its cgroup and folders (inside `grade()`, after the suite).
CPU figures are this process's and its waited-for children's (the kernels of the warm template are
its children: counted when it closes, so warm CPU is given for the whole set of runs).
Run: .venv/bin/python benchmarks/notebook_grading.py [--runs 3]

Figures (2 runs, 2 shared cores, load average ~9; wall medians in s, cold -> warm):
  process start-up 4.9 (CPU 1.9); kernel imports 7.2 (CPU 2.3), with fastai 15.7 (CPU 5.5);
  torch notebook:  kernel start 4.52 -> 1.42, cells 0.30 -> 0.29, connect 0.02 -> 0.03,
                   suite + teardown 5.1 -> 3.2, report 0.13 -> 0.02; CPU per grading 3.83 -> 2.47
                   (warm CPU includes the template's own start, 1.2 s a run here, once per slot in a batch)
  fastai notebook: kernel start 4.67 -> 0.75, cells 11.40 -> 0.11, suite + teardown 2.5 -> 1.8;
                   CPU per grading 5.56 -> 3.44 (the template's fastai import, once, included)
  Of a warm kernel's start, ~1.3 s wall is copying the generated data sets into its folder (2 000
  files), overlapped in a batch with the previous notebook's grading (kernels start ahead).
After the cuts of the second session (2 runs, a full CI run on the same 2 cores; cold -> warm):
  process start-up 1.70 (CPU 1.67); kernel imports 1.95 (CPU 1.83), with fastai 4.97 (CPU 4.78);
  torch notebook:  kernel start 1.63 -> 0.43, cells 0.06 -> 0.04, suite + teardown 1.31 -> 0.24;
                   grade() 3.00 -> 0.92 s; CPU per grading 2.76 -> 1.59 (the template's start, 2 runs)
  fastai notebook: kernel start 1.83 -> 0.39, cells 4.68 -> 0.08, suite + teardown 0.28 -> 0.33;
                   CPU per grading 4.18 -> 2.32 (the template's fastai import included)
  (`benchmarks/peer_batch.py` gives the per-notebook figures of a whole batch.)
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def python_cost(code: str, flags: tuple = ()) -> tuple[float, float]:
    """Wall and CPU seconds of a new interpreter running `code`."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([sys.executable, *flags, "-c", code], cwd=ROOT, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - start, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def one_run(path: Path) -> dict[str, float]:
    import grader.grading as grading
    from grader.commands.check import write_html_report

    parts: dict[str, float] = {}
    original = grading._questionnaire

    def timed_questionnaire(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            parts["questionnaire"] = time.perf_counter() - start

    grading._questionnaire = timed_questionnaire
    try:
        started = time.perf_counter()
        result = grading.grade(path, skip={"train_bear_classifier"}, timing=False)
        total = time.perf_counter() - started
    finally:
        grading._questionnaire = original
    if sum(e.points for e in result.exercises) != sum(e.max_points for e in result.exercises):
        sys.exit(f"{path.name} did not grade at 100%: {result.notebook.get('failed_cells')}")
    t = result.notebook["timings"]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_html_report(result, Path(folder) / "report.html")
    parts["report"] = time.perf_counter() - start
    parts.setdefault("questionnaire", 0.0)
    return {"kernel start": t["kernel_start"], "cell execution": t["execute"], "connect": t["connect"],
            "suite + teardown": total - t["total"] - parts["questionnaire"],
            "questionnaire": parts["questionnaire"], "report": parts["report"], "grade() total": total}


def measure(path: Path, runs: int, warm: bool) -> tuple[dict[str, list[float]], float]:
    from grader.notebook import template

    started = template.start() if warm else None
    if started is not None:
        started.ready()
        template.use(started)
    before = cpu()
    try:
        results = [one_run(path) for _ in range(runs)]
    finally:
        template.use(None)
        if started is not None:
            started.close()
    return {k: [r[k] for r in results] for k in results[0]}, (cpu() - before) / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import nbformat

    from peer_batch import learner_cells

    start_up = python_cost("import grader.cli, grader.commands.check, grader.grading, pytest, torch")
    imports = python_cost("import torch, numpy, pandas, ipykernel.kernelapp", ("-P", "-s"))
    fastai = python_cost("import torch, numpy, pandas, ipykernel.kernelapp, fastai.vision.all", ("-P", "-s"))
    print(f"process start-up (grader, torch, pytest): wall {start_up[0]:.2f} s, CPU {start_up[1]:.2f} s")
    print(f"kernel imports (torch, numpy, pandas, ipykernel): wall {imports[0]:.2f} s, CPU {imports[1]:.2f} s;"
          f" with fastai.vision.all: wall {fastai[0]:.2f} s, CPU {fastai[1]:.2f} s")
    print("sandbox (confinement + cgroup of one process): ~0.01 s (benchmarks/sandbox_overhead.py)")
    with tempfile.TemporaryDirectory(prefix="nbg-") as folder:
        for kind in ("torch", "fastai"):
            nb = nbformat.v4.new_notebook()
            nb.cells = [nbformat.v4.new_code_cell(c) for c in learner_cells(0, kind)]
            path = Path(folder) / f"{kind}.ipynb"
            path.write_text(nbformat.writes(nb))
            for warm in (False, True):
                figures, cpu_each = measure(path, args.runs, warm)
                print(f"{kind}-only notebook, {'warm (forked)' if warm else 'cold'} kernel, {args.runs} run(s), "
                      f"median (min-max) wall seconds; CPU {cpu_each:.2f} s per grading:"
                      if kind == "torch" else
                      f"`from fastai.vision.all import *` notebook, {'warm (forked)' if warm else 'cold'} kernel, "
                      f"{args.runs} run(s), median (min-max) wall seconds; CPU {cpu_each:.2f} s per grading:")
                for name, values in figures.items():
                    print(f"  {name:<18} {statistics.median(values):6.2f}  ({min(values):.2f}-{max(values):.2f})")


if __name__ == "__main__":
    main()
