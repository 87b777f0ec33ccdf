"""Benchmark: stability of the timed tests' verdicts (issue 5), on whatever machine runs it.

Runs chapter 6's three timed tests ROUNDS times on each submission (the reference solutions, the
book's code, and the loop versions in tests/timing_submissions/), exactly as a grading runs them:
the submission loaded in a sandboxed worker, `check_speed` measuring from this process. Reports for
every (submission, exercise) the verdicts, the flips (runs whose verdict differs from the expected
one), and the spread of the measured ratios. Target: 0 flips.
Run: .venv/bin/python benchmarks/timing_stability.py [--rounds 20] [--json out.json]

Measured 2026-12-02 on the project's 2-core CPU machine, 20 rounds, 0 flips in 420 verdicts; median
(min-max) ratios: reference BCE 4.0 (3.7-4.6, budget 10), book BCE 1.07 (0.93-1.21), book
sigmoid_range 1.02 (0.73-3.2, budget 8), book accuracy_multi 1.12 (0.60-1.58, budget 8); row-loop
BCE 52 (36-69), row-loop sigmoid_range 150 (89-200), element-loop accuracy 787 (410-1220),
list-loop accuracy 72 (47-115), fake clock + cache 42 / 127 / 47.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = {
    "reference": (ROOT / "solutions" / "ch6.py", None),
    "book": (ROOT / "tests" / "timing_submissions" / "book_code.py", None),
    "row-loop BCE": (ROOT / "tests" / "timing_submissions" / "row_loop_bce.py", "binary_cross_entropy"),
    "row-loop sigmoid_range": (ROOT / "tests" / "timing_submissions" / "row_loop_sigmoid_range.py",
                               "sigmoid_range"),
    "element-loop accuracy": (ROOT / "tests" / "timing_submissions" / "element_loop_accuracy.py",
                              "accuracy_multi"),
    "list-loop accuracy": (ROOT / "tests" / "timing_submissions" / "list_loop_accuracy.py",
                           "accuracy_multi"),
    "fake clock + cache": (ROOT / "tests" / "timing_submissions" / "fake_clock.py", "all"),
}
"""Label -> (file, the exercise expected to fail: None for none, "all" for every one)."""


class Node:
    """Where `check_speed` leaves its figures (a pytest item in a real grading)."""

    grader_timing: dict | None = None


def run_once(learner, grading, case) -> tuple[bool, dict, float, str]:
    from grader.suite.feedback import Feedback
    from grader.suite.timing_check import check_speed

    node, start = Node(), time.perf_counter()
    try:
        check_speed(learner, grading, node, case)
        passed, message = True, ""
    except Feedback as exc:
        passed, message = False, exc.message
    return passed, node.grader_timing or {}, time.perf_counter() - start, message


def bench(label: str, path: Path, expect_fail, rounds: int, zygote) -> list[dict]:
    from grader.suite.context import GradingContext
    from grader.suite.learner import Learner
    from grader.chapters.ch6.test_timing import ACCURACY_TIMED, BCE_TIMED, SIGMOID_RANGE_TIMED
    from grader.worker.client import Worker
    from grader.worker.limits import Limits

    cases = (BCE_TIMED, SIGMOID_RANGE_TIMED, ACCURACY_TIMED)
    workroot = Path(tempfile.mkdtemp(prefix="timing-bench-"))
    copy = workroot / path.name
    shutil.copyfile(path, copy)
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"  # as `grader check` picks it
    limits = Limits()
    worker = Worker(zygote, submission=copy, workdir=workroot, limits=limits, cuda=device == "cuda")
    worker.start()
    grading = GradingContext(Learner(worker), workroot, options={"timing": True, "device": device,
                                                                 "limits": limits})
    runs = {case.name: [] for case in cases}
    try:
        for _ in range(rounds):
            for case in cases:
                runs[case.name].append(run_once(grading.learner, grading, case))
    finally:
        worker.close()
        shutil.rmtree(workroot, ignore_errors=True)
    rows = []
    for case in cases:
        expected = not (expect_fail == "all" or expect_fail == case.name)
        verdicts = [r[0] for r in runs[case.name]]
        ratios = sorted(r[1]["ratio"] for r in runs[case.name] if r[1].get("ratio") is not None)
        rows.append({
            "submission": label, "exercise": case.name, "budget": case.budget,
            "expected": "pass" if expected else "fail", "passed": sum(verdicts),
            "failed": len(verdicts) - sum(verdicts), "flips": sum(v != expected for v in verdicts),
            "ratio_min": ratios[0] if ratios else None, "ratio_median": statistics.median(ratios) if ratios else None,
            "ratio_max": ratios[-1] if ratios else None,
            "ratio_iqr": (ratios[(3 * len(ratios)) // 4] - ratios[len(ratios) // 4]) if ratios else None,
            "seconds_per_test": statistics.mean(r[2] for r in runs[case.name]),
            "sizes": runs[case.name][0][1].get("sizes"), "device": runs[case.name][0][1].get("device"),
            "messages": sorted({r[3] for r in runs[case.name] if r[0] != expected})[:3],
        })
    return rows


def fmt(value, spec=".2f") -> str:
    return "-" if value is None else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--only", action="append", choices=list(SUBMISSIONS), help="submission label")
    parser.add_argument("--json", type=Path, help="also write every row as JSON here")
    args = parser.parse_args()
    from grader.worker.client import Zygote

    rows, started = [], time.perf_counter()
    with Zygote() as zygote:
        for label, (path, expect_fail) in SUBMISSIONS.items():
            if args.only and label not in args.only:
                continue
            rows += bench(label, path, expect_fail, args.rounds, zygote)
            print(f"... {label} done ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"\n{args.rounds} rounds, load average at the end {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores, device {rows[0]['device']}, sizes {rows[0]['sizes']}")
    print(f"{'submission':24} {'exercise':22} {'budget':>6} {'expect':>6} {'pass':>4} {'fail':>4} "
          f"{'flips':>5} {'ratio min':>9} {'median':>7} {'max':>8} {'IQR':>6} {'s/test':>6}")
    for r in rows:
        print(f"{r['submission']:24} {r['exercise']:22} {r['budget']:>6g} {r['expected']:>6} "
              f"{r['passed']:>4} {r['failed']:>4} {r['flips']:>5} {fmt(r['ratio_min']):>9} "
              f"{fmt(r['ratio_median']):>7} {fmt(r['ratio_max']):>8} {fmt(r['ratio_iqr']):>6} "
              f"{r['seconds_per_test']:>6.2f}")
        for message in r["messages"]:
            print(f"    unexpected: {message}")
    print(f"\ntotal flips: {sum(r['flips'] for r in rows)}; "
          f"{time.perf_counter() - started:.0f} s in all")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
