"""`grader batch --scheduler`: a class graded on a real Dask cluster (a scheduler and two worker
processes on 127.0.0.1) gets the local pool's gradebook; a worker killed mid-batch loses no learner;
a learner whose grading keeps killing its worker is recorded as an error; the hidden-set key reaches
the workers' slots but never the task graph; without `distributed`, one paragraph says what to install.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, SOLUTION, STUBS

from grader.batch.discovery import safe_name
from grader.cli import run
from grader.options import GradingOptions
from grader.worker.limits import Limits

SOLVED = SOLUTION.read_text()
SHEET = (ROOT / "solutions" / "ch6_questionnaire.md").read_text()
# a Jupyter kernel needs more headroom than the 400 MB that is plenty for a .py worker
FLAGS = ["--only", "bce", "--only", "sigmoid_range", "--no-timing", "--timeout", "5", "--memory", "4096",
         "-q"]
HANG = "def sigmoid_range(x, lo, hi):\n    while True:\n        pass\n"
SEGFAULT = "import ctypes\ndef binary_cross_entropy(inputs, targets):\n    return ctypes.string_at(0)\n"
KILLS_PARENT = ("import os, signal\ndef binary_cross_entropy(inputs, targets):\n"
                "    os.kill(os.getppid(), signal.SIGKILL)\n    return inputs.mean()\n")
SLOW = ("import time\n_right = binary_cross_entropy\ndef binary_cross_entropy(inputs, targets):\n"
        "    time.sleep(1)\n    return _right(inputs, targets)\n")


def with_function(source: str) -> str:
    from misconception_cases import submission_with

    return submission_with(source, SOLVED)


# -- without a cluster ---------------------------------------------------------------------------------
def test_without_distributed_the_error_says_to_install_the_extra(tmp_path, monkeypatch, capsys):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "alice.py").write_text(SOLVED)
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now fails
    code = run(["batch", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--scheduler",
                "local:2"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "needs Dask distributed" in err and "pip install 'fastbook-grader[cluster]'" in err
    assert not (tmp_path / "out").exists()  # refused before anything was planned or written


@pytest.mark.parametrize("flags, words", [
    (["--scheduler", "8786"], "not a Dask scheduler address"),
    (["--scheduler", "local:0"], "at least one worker"),
    (["--scheduler", "local:2", "--jobs", "2"], "--jobs does not apply"),
])
def test_bad_scheduler_options_are_usage_errors(tmp_path, capsys, flags, words):
    (tmp_path / "alice.py").write_text(SOLVED)
    assert run(["batch", str(tmp_path), "--out", str(tmp_path / "out"), *flags]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_the_slots_get_the_batch_key_as_text_or_as_a_private_key_file(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    import subprocess

    from grader.batch.cluster.worker import slot_env
    from grader.suite.hidden_key import KEY_ENV, STATE_ENV, hidden_seed

    monkeypatch.setenv(KEY_ENV, "the worker machine's own key")
    code = "from grader.suite.hidden_key import hidden_seed; print(hidden_seed('ch6/bears'))"
    for key in (b"an instructor's text key", bytes(range(32))):  # the second: a key file's raw bytes
        env = slot_env(key, tmp_path)
        drawn = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                               check=True).stdout
        assert int(drawn) == hidden_seed("ch6/bears", environ={KEY_ENV: key.decode()}
                                         if b"\0" not in key else {STATE_ENV: env[STATE_ENV]})
        assert int(drawn) != hidden_seed("ch6/bears")  # not the worker machine's own key
    key_file = tmp_path / "state" / "hidden.key"
    assert key_file.read_bytes() == bytes(range(32)) and key_file.stat().st_mode & 0o077 == 0


def test_training_and_timed_runs_go_to_gpu_workers_the_rest_prefer_cpu_workers():
    pytest.importorskip("distributed")
    from grader.batch.cluster.client import placement

    cpu_only = {"tcp://a:1": {"nthreads": 2}, "tcp://b:1": {"nthreads": 1, "resources": {}}}
    mixed = {**cpu_only, "tcp://g:1": {"nthreads": 4, "resources": {"GPU": 1}}}
    trains = {"only": [], "skip": [], "timing": False}
    times = {"only": [], "skip": ["train_bear_classifier"], "timing": True}
    neither = {"only": [], "skip": ["train_bear_classifier"], "timing": False}
    assert placement(cpu_only, trains) == (3, {}) == placement(cpu_only, times)
    # one task per GPU, on the GPU workers only, so everyone is trained and timed on the same device
    assert placement(mixed, trains) == (1, {"resources": {"GPU": 1}}) == placement(mixed, times)
    assert placement(mixed, neither) == (7, {"workers": ["tcp://a:1", "tcp://b:1"],
                                             "allow_other_workers": True})
    assert placement({}, neither) == (0, {})  # no worker yet: nothing is sent


# -- on a real cluster ---------------------------------------------------------------------------------
def make_class(root: Path) -> Path:
    from test_batch_run import notebook_of

    root.mkdir()
    (root / "solution.py").write_text(SOLVED)
    (root / "stubs.py").write_text(STUBS.read_text())
    (root / "frank").mkdir()  # a folder: the file, a helper and the questionnaire sheet
    (root / "frank" / "ch6.py").write_text("from frank_utils import *\n" + SOLVED)
    (root / "frank" / "frank_utils.py").write_text("SCALE = 1\n")
    (root / "frank" / "ch6_questionnaire.md").write_text(SHEET)
    (root / "nina.ipynb").write_text(notebook_of(SOLVED))
    (root / "segfault.py").write_text(with_function(SEGFAULT))
    (root / "hang.py").write_text(with_function(HANG))
    (root / "kills its parent.py").write_text(with_function(KILLS_PARENT))
    (root / "binary.py").write_bytes(b"\x7fELF\0\0\0")  # never shipped: ungradable on the client
    return root


@pytest.mark.slow
def test_a_mixed_class_on_the_cluster_gets_the_local_pools_gradebook(tmp_path):
    pytest.importorskip("distributed")
    from test_batch_run import comparable

    root = make_class(tmp_path / "class")
    assert run(["batch", str(root), "--out", str(tmp_path / "local"), *FLAGS, "--jobs", "2"]) in (0, 1)
    assert run(["batch", str(root), "--out", str(tmp_path / "dask"), *FLAGS,
                "--scheduler", "local:2"]) in (0, 1)
    local = json.loads((tmp_path / "local" / "gradebook.json").read_text())
    dask = json.loads((tmp_path / "dask" / "gradebook.json").read_text())
    assert comparable(dask) == comparable(local)
    status = {row["learner"]: row["status"] for row in dask["learners"]}
    assert status["solution"] == status["frank"] == status["nina"] == "passed"
    assert status["stubs"] == status["hang"] == status["segfault"] == "failed"
    assert status["binary"] == "ungradable"
    assert status["kills its parent"] == {r["learner"]: r["status"] for r in local["learners"]}[
        "kills its parent"]
    for learner in ("solution", "frank", "nina", "hang"):  # the client wrote each learner's files
        folder = tmp_path / "dask" / "learners" / safe_name(learner)
        assert (folder / "report.html").is_file() and (folder / "results.json").is_file()
    assert (tmp_path / "dask" / "learners" / safe_name("nina") / "notebook.ipynb").is_file()
    assert not (tmp_path / "dask" / ".batch" / "staging").exists()
    # resume: nothing changed, nothing is sent; one learner changed: only they are graded again
    (root / "stubs.py").write_text(SOLVED)
    before = (tmp_path / "dask" / "learners" / safe_name("solution") / "run.json").read_text()
    assert run(["batch", str(root), "--out", str(tmp_path / "dask"), *FLAGS,
                "--scheduler", "local:1"]) in (0, 1)
    again = json.loads((tmp_path / "dask" / "gradebook.json").read_text())
    assert {r["learner"]: r["status"] for r in again["learners"]}["stubs"] == "passed"
    assert (tmp_path / "dask" / "learners" / safe_name("solution") / "run.json").read_text() == before


@pytest.mark.slow
def test_each_worker_keeps_one_warm_grading_process_for_all_its_tasks(tmp_path):
    """Four learners on two workers: two slot processes graded them all (torch imported twice, not
    four times), and what came back committed into the output folder as the local pool's does."""
    pytest.importorskip("distributed")
    from grader.batch.cluster.client import ClusterPool
    from grader.batch.discovery import discover
    from grader.batch.runner import _record_of, plan
    from grader.batch.store import Store
    from grader.chapters import get_chapter

    root = tmp_path / "class"
    root.mkdir()
    for name in ("ann", "ben", "cat", "dan"):
        (root / f"{name}.py").write_text(SOLVED if name != "dan" else STUBS.read_text())
    settings = GradingOptions.build(only=["binary_cross_entropy"], timing=False,
                                    limits=Limits(timeout=10.0, memory_mb=400)).to_dict()
    store = Store(tmp_path / "out")
    (tmp_path / "snapshots").mkdir()
    tasks, _ = plan(discover(root, get_chapter("ch6")), store, settings=settings, records={},
                    snapshots=tmp_path / "snapshots")
    replies = {}
    pool = ClusterPool("local:2", options={**settings, "max_time": 300.0}, say=lambda line: None)
    try:
        pool.run(tasks, lambda task, reply: replies.update({task.learner: reply}))
    finally:
        pool.close()
    assert {r["state"] for r in replies.values()} == {"done"} and len(replies) == 4
    assert len({r["slot"] for r in replies.values()}) == 2  # one warm slot per worker, reused
    assert len({r["worker"] for r in replies.values()}) == 2
    status = {t.learner: _record_of(t, replies[t.learner], store, "ch6", settings).status for t in tasks}
    assert status == {"ann": "passed", "ben": "passed", "cat": "passed", "dan": "failed"}
    assert pool.sent > 0 and pool.received > 0


def _executing(dask_worker) -> tuple[int, list[str]]:
    """On a worker: its process id and the keys of the tasks it is running now."""
    return os.getpid(), [str(ts.key) for ts in dask_worker.state.executing]


def _specs_hold(needle: bytes, dask_scheduler=None) -> bool:
    """On the scheduler: do the arguments of any task (what travels to a worker) contain `needle`?"""
    specs = [ts.run_spec for ts in dask_scheduler.tasks.values() if ts.run_spec is not None]
    assert specs, "no task in the graph to look at"
    return any(needle in pickle.dumps((getattr(spec, "args", ()), getattr(spec, "kwargs", {})))
               for spec in specs)


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_no_learner(tmp_path, monkeypatch):
    """alice's worker is killed once: she is graded on a worker that lives. Every worker that grades
    "killer" is killed (as if the submission brought its worker down each time): after the bounded
    retries they are an `error` row that says why, and the batch finishes everyone else."""
    pytest.importorskip("distributed")
    import dask
    from distributed import Client, LocalCluster

    from grader.batch import BatchOptions, run_batch
    from grader.batch.cluster.client import ClusterPool
    from grader.batch.cluster.worker import slot_seed
    from grader.batch.progress import Progress
    from grader.suite.hidden_key import KEY_ENV, hidden_seed

    root = tmp_path / "class"
    root.mkdir()
    for name in ("alice", "bob", "carol", "killer"):
        (root / f"{name}.py").write_text(with_function(SLOW))
    with dask.config.set({"distributed.scheduler.allowed-failures": 1,
                          "distributed.scheduler.worker-saturation": 1.0}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, memory_limit=0)
    key = "a key only the batch machine holds"
    monkeypatch.setenv(KEY_ENV, key)  # set after the workers started: they do not inherit it
    watcher = Client(cluster.scheduler_address)
    kills: list[str] = []
    leaked: list[bool] = []
    stop = threading.Event()

    def kill_workers() -> None:
        while not stop.is_set():
            try:
                busy = watcher.run(_executing)
                leaked.append(watcher.run_on_scheduler(_specs_hold, key.encode()))
            except Exception:
                time.sleep(0.2)
                continue
            for pid, keys in busy.values():
                for task_key in keys:
                    victim = next((n for n in ("alice", "killer") if safe_name(n) in task_key), None)
                    if victim and (victim == "killer" or "alice" not in kills):
                        os.kill(pid, signal.SIGKILL)  # the Dask worker process, mid-task
                        kills.append(victim)
                        time.sleep(1.0)  # let the scheduler see it go
            time.sleep(0.1)

    thread = threading.Thread(target=kill_workers, daemon=True)
    try:
        thread.start()
        outcome = run_batch(root, out=tmp_path / "out",
                            options=BatchOptions(grading=GradingOptions.build(
                                only=["bce"], timing=False, limits=Limits(timeout=10.0, memory_mb=400)),
                                scheduler=cluster.scheduler_address),
                            progress=Progress(0, quiet=True))
        stop.set()
        thread.join()
        rows = {r["learner"]: r for r in
                json.loads((tmp_path / "out" / "gradebook.json").read_text())["learners"]}
        assert set(rows) == {"alice", "bob", "carol", "killer"} and outcome.graded == 4
        assert kills.count("alice") == 1 and kills.count("killer") == 2
        assert rows["alice"]["status"] == rows["bob"]["status"] == rows["carol"]["status"] == "passed"
        assert rows["killer"]["status"] == "error"
        assert "Dask worker grading it died" in rows["killer"]["error"]
        assert leaked and not any(leaked)  # the key was never in a task's spec
        # the key came with the plugin: every worker's slots draw the batch machine's hidden set
        pool = ClusterPool(cluster.scheduler_address, options={"chapter": "ch6", "max_time": 60,
                                                               "only": [], "skip": []})
        pool.connect()
        try:
            seeds = pool.client.run(slot_seed, "ch6/bears")
        finally:
            pool.close()
        assert len(seeds) == 2 and set(seeds.values()) == {hidden_seed("ch6/bears")}
    finally:
        stop.set()
        watcher.close()
        cluster.close()


@pytest.mark.slow
def test_a_killed_then_interrupted_cluster_batch_resumes_and_leaves_nothing_running(tmp_path):
    """SIGKILL of the batch (its LocalCluster's workers and their slots go with it), then Ctrl-C
    (a clean stop: exit 130, one line), then to the end: only what had not finished is graded."""
    pytest.importorskip("distributed")
    import subprocess

    import psutil
    from test_batch_run import graded_and_reused, graded_records, wait_for

    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    names = ["ann", "ben", "cat", "dan", "eve", "fay"]
    for name in names:
        (root / f"{name}.py").write_text(with_function(SLOW))

    def start() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "grader", "batch", str(root), "--out", str(out),
                                 "--only", "bce", "--no-timing", "--scheduler", "local:2"], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    proc = start()
    wait_for(lambda: graded_records(out) >= 1, proc)
    family = psutil.Process(proc.pid).children(recursive=True)
    assert any("grader.batch.slot" in " ".join(p.cmdline()) for p in family)  # warm, under Dask
    proc.kill()
    proc.wait()
    gone, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, "processes of the cluster outlived the batch"

    proc = start()
    before = graded_records(out)
    wait_for(lambda: graded_records(out) >= before + 1, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode != 0:  # 0 only if it had finished before the signal arrived
        assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    kept = graded_records(out)

    proc = start()
    stdout, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert graded_and_reused(stdout) == (len(names) - kept, kept)
    rows = {r["learner"]: r["status"]
            for r in json.loads((out / "gradebook.json").read_text())["learners"]}
    assert rows == {name: "passed" for name in names}


@pytest.fixture
def dask_cli(tmp_path):
    """A scheduler and two worker processes started with the `dask` CLIs on 127.0.0.1."""
    pytest.importorskip("distributed")
    import shutil
    import subprocess

    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    if dask is None:
        pytest.skip("the `dask` command is not installed")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                                     os.environ.get("PYTHONPATH")]))}
    address_file = tmp_path / "scheduler.json"
    logs = open(tmp_path / "dask.log", "w")
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(address_file)],
                                 env=env, stdout=logs, stderr=logs)
    deadline = time.monotonic() + 120
    while not address_file.exists():
        assert time.monotonic() < deadline and scheduler.poll() is None, "no scheduler"
        time.sleep(0.2)
    time.sleep(0.5)  # the file is written whole, but give it a moment
    address = json.loads(address_file.read_text())["address"]
    workers = [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                 "--no-dashboard", "--name", f"cli-{i}", "--memory-limit", "0"],
                                env=env, stdout=logs, stderr=logs) for i in range(2)]
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=180)
    yield {"address": address, "scheduler": scheduler, "workers": workers}
    for proc in [*workers, scheduler]:
        proc.send_signal(signal.SIGTERM)
    for proc in [*workers, scheduler]:
        try:
            proc.wait(timeout=30)
        except Exception:
            proc.kill()
    logs.close()


@pytest.mark.slow
def test_the_dask_clis_grade_and_a_lost_scheduler_loses_no_learner(tmp_path, dask_cli, capsys):
    """`dask scheduler` and two `dask worker` processes grade the class; then, with the scheduler
    killed mid-batch, every learner still has a row (those not graded: an error row saying why) and
    the batch ends with its summary, exit code 1, no traceback."""
    pytest.importorskip("distributed")
    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    names = ["ann", "ben", "cat", "dan"]
    for name in names:
        (root / f"{name}.py").write_text(with_function(SLOW))
    flags = ["--only", "bce", "--no-timing", "--scheduler", dask_cli["address"]]
    assert run(["batch", str(root), "--out", str(out), *flags]) == 0
    err = capsys.readouterr().err
    assert f"connected to the Dask cluster at {dask_cli['address']}: 2 workers" in err
    assert "worker cli-0: " in err and "worker cli-1: " in err  # both workers graded

    from test_batch_run import graded_records

    for name in names:  # new submissions: all four to grade again
        (root / f"{name}.py").write_text(with_function(SLOW) + "\n# resubmitted\n")

    def kill_when_one_is_graded():
        before = {p: p.stat().st_mtime for p in out.glob("learners/*/run.json")}
        while not any(p.stat().st_mtime != before.get(p) for p in out.glob("learners/*/run.json")):
            time.sleep(0.1)
        dask_cli["scheduler"].kill()

    killer = threading.Thread(target=kill_when_one_is_graded, daemon=True)
    killer.start()
    code = run(["batch", str(root), "--out", str(out), *flags])
    err = capsys.readouterr().err
    rows = {r["learner"]: r for r in json.loads((out / "gradebook.json").read_text())["learners"]}
    assert set(rows) == set(names) and "Traceback" not in err
    lost = [n for n, r in rows.items() if r["status"] == "error"]
    assert code == 1, err
    assert lost and all(rows[n]["status"] == "passed" for n in names if n not in lost)
    assert all("connection to the Dask scheduler" in rows[n]["error"] for n in lost)
    assert graded_records(out) == len(names)
