"""Issue 18: a chapter is a plugin. A chapter package outside the grader (`tests/chapter_plugin/
demo_chapter`: one exercise, its own suite) is discovered through `GRADER_CHAPTER_PATH` and graded by
`grader check`, with no change to any generic file (`test_chapter_boundary.py` keeps those free of
chapter names)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "tests" / "chapter_plugin"


def grader(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GRADER_CHAPTER_PATH": str(PLUGIN / "demo_chapter"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_plugin_chapter_is_listed(tmp_path):
    done = grader("list", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "demo: A plugin chapter (tests only)" in done.stdout and "clip_scores" in done.stdout
    assert "ch6:" in done.stdout  # the shipped chapters are still there


def test_the_plugin_chapter_is_graded_by_grader_check(tmp_path):
    solved = grader("check", "demo", str(PLUGIN / "solution.py"), "--json", "--no-report",
                    tmp_path=tmp_path)
    assert solved.returncode == 0, solved.stderr
    result = json.loads(solved.stdout)
    assert result["chapter"] == "demo"
    assert [e["name"] for e in result["exercises"]] == ["clip_scores"]
    assert all(t["outcome"] == "passed" for e in result["exercises"] for t in e["tests"])
    stub = grader("check", "demo", str(PLUGIN / "stub.py"), "--only", "clip", "--json", "--no-report",
                  tmp_path=tmp_path)
    assert stub.returncode == 1, stub.stderr
    failed = [t for e in json.loads(stub.stdout)["exercises"] for t in e["tests"] if t["outcome"] != "passed"]
    assert len(failed) == 1 and "below `lo`" in failed[0]["name"]


def test_without_the_hook_the_chapter_is_unknown(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "GRADER_CHAPTER_PATH"}
    done = subprocess.run([sys.executable, "-m", "grader", "list", "demo"], cwd=tmp_path, capture_output=True,
                          text=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 2 and "unknown chapter 'demo'" in done.stderr
