"""Forges the result channel with files: writes a fake report and fake results where the grader
writes them (the checkout's reports/, the submission's folder), and writes fake JSON into the
standard output of its ancestors (the zygote, the trusted grader) through /proc.

The worker sees neither folder (and could not write there), nor other processes.
expect-points: 0
expect-message: wrong value
expect-forged: {{CHECKOUT}}/reports/writes_report_files-ch6.html, {{FOLDER}}/reports/writes_report_files-ch6.html, {{FOLDER}}/results.json
expect-cli: json
"""

import os
from pathlib import Path

import torch

FAKE_REPORT = "<html><body><h1>100%: passed</h1></body></html>"
FAKE_JSON = '{"points": 44, "max_points": 44, "score": 100.0, "status": "passed"}'


def forge():
    for target in ("{{CHECKOUT}}/reports/writes_report_files-ch6.html",
                   "{{FOLDER}}/reports/writes_report_files-ch6.html", "{{FOLDER}}/results.json"):
        try:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            Path(target).write_text(FAKE_JSON if target.endswith(".json") else FAKE_REPORT)
        except OSError:
            pass
    for pid in ancestors():
        try:
            with open(f"/proc/{pid}/fd/1", "w") as out:
                out.write(FAKE_JSON + "\n")
        except OSError:
            pass


def ancestors(levels=3):
    """The zygote and the trusted process above it (found through /proc, where it is visible)."""
    found, pid = [], os.getppid()
    for _ in range(levels):
        if pid <= 1:
            break
        found.append(pid)
        try:
            with open(f"/proc/{pid}/status") as status:
                pid = int(next(line for line in status if line.startswith("PPid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            break
    return found


forge()


def binary_cross_entropy(inputs, targets):
    return torch.zeros(())
