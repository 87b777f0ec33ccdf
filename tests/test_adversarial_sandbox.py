"""The sandbox's own mechanisms: which measures apply, the opt-out, behaviour without root, detection
of changed grader files where nothing prevents it, a time limit that is fair on a busy machine, and
learner text made safe for a terminal."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from adversarial._harness import Stage, all_cases
from test_adversarial import host_ipc_keys

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
def spin_child(seconds):
    if os.fork() == 0:
        busy(seconds)
        os._exit(0)
    return "started"
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


# -- round two: containers, bounded parsing, cleanup tied to lifetimes ------------------------------
LEFTOVER_CASES = [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.get("slow") else [])
                  for c in all_cases() + all_cases(".ipynb") if c.get("leftovers") == "none"]


@pytest.mark.skipif(os.geteuid() != 0, reason="the grading's cgroups, mounts and users need root")
@pytest.mark.parametrize("case", LEFTOVER_CASES)
def test_a_grading_killed_mid_run_leaves_nothing(case, tmp_path):
    """`grader check` killed with SIGKILL while the learner's call runs (no `finally` of the grader
    runs): its reaper removes the work folder and the zygote's, the cgroups, the tmpfs mount, the
    worker and the daemon it started; the worker's System V segment never reached the machine."""
    from grader.worker import cgroup

    stage = Stage(tmp_path)
    path = stage.write(case)
    scratch = Path(tempfile.mkdtemp(prefix="grader-killtest-"))
    scratch.chmod(0o755)  # where the grading makes its folders (a worker's user must reach them)
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "check", "ch6", str(path), "--no-timing", "--no-report",
         "--only", "binary_cross_entropy", "--timeout", "300"],
        env={**os.environ, "TMPDIR": str(scratch)}, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        mess = _wait_for_mess(scratch, proc)
        bases, _, _ = cgroup._discover()
        groups = [g for base in bases.values() for g in base.glob(f"grader-{proc.pid}-*")]
        assert groups or cgroup.missing(), "the grading made its cgroups"
        proc.kill()  # SIGKILL: as the batch slot at --max-time
        proc.wait()
        worker_pid, daemon_pid, _segment = (int(x) for x in mess)
        left = None
        for _ in range(300):
            left = {"files": sorted(p.name for p in scratch.iterdir()),
                    "processes": _alive([worker_pid, daemon_pid]),
                    "cgroups": [str(g) for g in groups if g.exists()],
                    "mounts": [m for m in _mount_points() if m.startswith(str(scratch))]}
            if not any(left.values()):
                break
            time.sleep(0.1)
        assert not any(left.values()), f"left behind after SIGKILL: {left}"
        assert 0x5A5D0001 not in host_ipc_keys()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(scratch, ignore_errors=True)
        stage.close()


def _wait_for_mess(scratch: Path, proc, seconds: float = 300) -> list[str]:
    """The pids the case wrote to `mess.txt` in its work folder, once it is in the middle of its call."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the grading ended before it could be killed"
        for found in scratch.glob("grader-run-*/work/**/mess.txt"):  # a kernel's is in its folder
            try:
                text = found.read_text()
            except OSError:
                continue
            if text.endswith("\n"):
                return text.split()
        time.sleep(0.1)
    raise AssertionError("the case never reached its call")


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.append(pid)
        except OSError:
            continue
    return alive


def _mount_points() -> list[str]:
    with open("/proc/self/mountinfo") as info:
        return [line.split()[4] for line in info]


def test_replies_are_parsed_within_limits():
    """Depth, lists and values are bounded before and during parsing; a bad reply is a BadMessage,
    never a RecursionError or a memory blow-up."""
    from grader.worker import wire

    assert wire.parse(b'{"id": 1, "v": [[1, 2], {"a": [3]}]}')["v"][1] == {"a": [3]}
    deep = wire.MAX_DEPTH + 1
    for body in (b'{"v": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                 b'{"v": ' + b"[" * deep + b"]" * deep + b"}",
                 b'{"v": [' + b"[]," * (wire.MAX_CONTAINERS + 1) + b"[]]}",
                 b'{"v": [' + b"0," * (wire.MAX_VALUES + 1) + b"0]}",
                 b"[1, 2]", b'{"v": "\xff"}', b"{"):
        with pytest.raises(wire.BadMessage):
            wire.parse(body)
    ok = wire.MAX_DEPTH - 1
    assert wire.depth(wire.parse(b'{"v": ' + b"[" * ok + b"]" * ok + b"}")) == wire.MAX_DEPTH


def test_kernel_files_are_read_without_following_or_blocking(tmp_path):
    """A kernel's log replaced by a named pipe, a link or a folder reads as nothing, at once; a big
    regular file is read up to the cap."""
    from grader.worker.files import NotARegularFile, read_capped

    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link").symlink_to("/etc/passwd")
    (tmp_path / "folder").mkdir()
    for name in ("pipe", "link", "folder"):
        with pytest.raises(OSError):
            read_capped(tmp_path / name, 100)
    with pytest.raises(NotARegularFile):
        read_capped(tmp_path / "pipe", 100)
    (tmp_path / "big").write_bytes(b"x" * 1000)
    assert read_capped(tmp_path / "big", 100) == (b"x" * 100, True)
    assert read_capped(tmp_path / "big", 1000) == (b"x" * 1000, False)


@pytest.mark.skipif(os.geteuid() != 0, reason="cgroups and namespaces need root here")
def test_a_worker_is_accounted_as_a_container(worker):
    """The worker and its children are in one cgroup with memory and pid limits; its CPU there keeps
    the CPU of children that already exited; when the worker is killed the group is removed."""
    from grader.worker import cgroup

    missing = cgroup.missing()
    if set(missing) >= {"memory", "pids", "cpu"}:
        pytest.skip(f"no cgroups on this machine: {missing}")
    group = worker.container
    assert group is not None and worker.pid in group.processes()
    assert worker.sandbox["ipc"] == "on"
    before = group.cpu_seconds()
    assert worker.call("spin_child", 0.3).fault is None  # a child spins 0.3 s, then exits
    for _ in range(200):  # it spins 0.3 s of CPU: longer on a loaded machine
        if group.processes() == [worker.pid]:
            break
        time.sleep(0.05)
    assert group.processes() == [worker.pid], "the child is gone"
    assert group.cpu_seconds() - before >= 0.25, "its CPU stays in the group's account"
    folders = [Path(p) for p in group.paths()]
    worker.kill()
    assert not any(f.exists() for f in folders), "the group went with the worker"


def test_without_cgroups_each_dropped_guarantee_is_named(monkeypatch):
    """A machine with no cgroup mounted: no group is made, each cgroup measure says why it is off,
    and the report's list of dropped guarantees names what is lost."""
    from grader.worker import cgroup, client, reaper

    monkeypatch.setattr(cgroup, "_mounts", lambda: ({}, None))
    monkeypatch.setattr(cgroup, "_FOUND", None)
    missing = cgroup.missing()
    assert set(missing) == {"memory", "pids", "cpu"} and all(missing.values())
    assert cgroup.Group.create("grader-test-none") is None
    monkeypatch.setattr(reaper.current(), "group", None)
    group, request = client.container_request("worker", Limits(), 0)
    assert group is None and "paths" not in request
    measures = request["measures"]
    assert set(measures) == {"cgroup_memory", "cgroup_pids", "cgroup_cpu"}
    assert all(v.startswith("off: ") for v in measures.values())
    assert sandbox.join_container(request) == measures
    dropped = sandbox.dropped_guarantees({**measures, "ipc": "on", "network": "on"})
    assert len(dropped) == 3 and any("memfd" in text for text in dropped)
    monkeypatch.setattr(cgroup, "_FOUND", None)  # rediscovered for the tests that follow
