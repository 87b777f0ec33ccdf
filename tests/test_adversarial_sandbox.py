"""The sandbox's own mechanisms: which measures apply, the opt-out, behaviour without root, detection
of changed grader files where nothing prevents it, a time limit that is fair on a busy machine, and
learner text made safe for a terminal."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from grader.worker import linux, sandbox  # imported now: the probe child may not reach them
from grader.worker.client import Worker, Zygote
from grader.worker.limits import Limits
from grader.worker.watch import folder_usage, printable

ROOT = Path(__file__).resolve().parent.parent
PROBES = '''
import os, time
def symlink():
    os.symlink("/etc/passwd", "link")
def whoami(hidden):
    processes = [p for p in os.listdir("/proc") if p.isdigit()]
    return [os.getuid(), os.getgid(), len(processes), os.path.exists(hidden)]
def busy(seconds):
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
    return "done"
'''


@pytest.fixture
def worker(zygote, tmp_path):
    path = tmp_path / "probes.py"
    path.write_text(PROBES)
    w = Worker(zygote, submission=path, workdir=tmp_path, limits=Limits(timeout=1.0))
    assert w.start() is None
    yield w
    w.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="the full set of measures needs root")
def test_every_measure_applies_as_root(worker):
    assert {k: v for k, v in worker.sandbox.items() if v != "on"} == {}
    assert set(worker.sandbox) >= {"network", "filesystem", "read_only", "proc", "user", "capabilities",
                                   "no_new_privs", "links"}
    uid, gid, processes, solutions_visible = worker.call("whoami", str(ROOT / "solutions")).value
    assert uid == gid == sandbox.uid_for(worker.pid)
    assert processes == 1 and not solutions_visible  # its own process only; no instructor files
    out = worker.call("symlink")
    assert out.fault is not None and out.fault.kind == "PermissionError"


def test_opt_out_still_grades_and_detects_changed_grader_files(tmp_path, monkeypatch):
    """GRADER_SANDBOX=off: no confinement; a module planted on the grader's path voids the run."""
    from grader.grading import grade

    watched = tmp_path / "on_the_graders_path"
    watched.mkdir()
    monkeypatch.syspath_prepend(str(watched))
    monkeypatch.setenv("GRADER_SANDBOX", "off")
    submission = tmp_path / "learner" / "ch6.py"
    submission.parent.mkdir()
    submission.write_text("import torch\nimport torch.nn.functional as F\n"
                          "def binary_cross_entropy(i, t):\n"
                          f"    open({str(watched)!r} + '/jinja2.py', 'w').write('x = 1')\n"
                          "    return F.binary_cross_entropy_with_logits(i, t)\n")
    with Zygote() as zygote:
        result = grade(submission, zygote=zygote, only={"binary_cross_entropy"}, timing=False)
    measures = result.options["sandbox"]
    assert measures["sandbox"] == "off: disabled by GRADER_SANDBOX=off"
    # no confinement; accounting by container (like the rlimits) stays
    assert set(measures) - {"sandbox"} <= {"cgroup_memory", "cgroup_pids", "cgroup_cpu", "work_folder"}
    tests = [t for e in result.exercises for t in e.tests]
    assert tests and all(t.points == 0 for t in tests)
    assert all("grader's own files changed" in t.message for t in tests)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user for the probe")
def test_without_root_every_refusal_is_recorded(tmp_path):
    """As a plain user the worker runs as that user; each measure is applied or says why not."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    os.chmod(tmp_path, 0o777)
    os.chmod(workdir, 0o777)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(65534, 65534, 65534)
            os.setresuid(65534, 65534, 65534)
            linux.prctl(linux.PR_SET_DUMPABLE, 1)
            sandbox.confine({"workdir": str(workdir), "limits": {}, "confine": {"enabled": True}})
            os.write(writer, json.dumps(sandbox.MEASURES).encode())
        except BaseException as exc:
            os.write(writer, json.dumps({"raised": repr(exc)}).encode())
        finally:
            os._exit(0)
    os.close(writer)
    measures = json.loads(os.read(reader, 65536).decode())
    os.waitpid(pid, 0)
    assert "raised" not in measures
    assert measures["user"].startswith("off: ")
    assert all(v == "on" or v.startswith("off: ") for v in measures.values())
    assert {"network", "filesystem", "capabilities", "no_new_privs", "links"} <= set(measures)


def test_a_starved_call_is_not_stopped_at_its_time_limit(worker):
    """Stopped by others (here: SIGSTOP for twice its limit), a call still finishes: no timeout."""
    def pause():
        time.sleep(0.05)
        os.kill(worker.pid, signal.SIGSTOP)
        time.sleep(2.0)
        os.kill(worker.pid, signal.SIGCONT)

    thread = threading.Thread(target=pause)
    thread.start()
    out = worker.call("busy", 0.3)
    thread.join()
    assert out.fault is None and out.value == "done"


def test_a_busy_call_is_still_stopped(worker):
    out = worker.call("busy", 60.0)
    assert out.fault is not None and out.fault.kind == "timeout"


def test_learner_text_cannot_drive_the_terminal():
    text = printable("ok\n\tgreen \x1b[32mPASSED\x1b[0m\r\x07\x9b2J")
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text and "\x9b" not in text
    assert text.startswith("ok\n\tgreen ") and "PASSED" in text


def test_folder_usage_counts_bytes_and_entries(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.bin").write_bytes(os.urandom(100_000))
    used, entries = folder_usage(tmp_path, stop_at=10**9)
    assert used >= 100_000 and entries == 2


def test_options_from_env():
    assert sandbox.options_from_env({}) == {"enabled": True}
    assert sandbox.options_from_env({"GRADER_SANDBOX": "off"}) == {"enabled": False}
