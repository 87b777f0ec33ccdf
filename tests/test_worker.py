"""The worker boundary: learner code in a forked, limited process; faults become Fault records."""

import os
import signal
import time

import pytest
import torch

from grader.worker import codec
from grader.worker.client import Worker
from grader.worker.limits import Limits

SOURCE = '''
import os, sys, torch
STATE = []
def double(x): return x * 2
def hang():
    while True: pass
def die(): os._exit(7)
def leave(): sys.exit(2)
def keyboard(): raise KeyboardInterrupt
class Weird(BaseException): pass
def weird(): raise Weird("boom")
def pid(): return os.getpid()
def cwd(): return os.getcwd()
def env(): return dict(os.environ)
def remember(x):
    STATE.append(x)
    return len(STATE)
def threads(): return torch.get_num_threads()
def open_files():
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            held.append(os.readlink(f"/proc/self/fd/{fd}") if int(fd) > 2 else "")
        except OSError:
            pass
    return held
def lying():
    class Yes:
        def __eq__(self, other): return True
        def __bool__(self): return True
    return Yes()
'''


def running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def gone(pid: int, polls: int = 200) -> bool:
    """Wait (bounded) for a SIGKILLed process to die: delivery is asynchronous on a busy machine."""
    for _ in range(polls):
        if not running(pid):
            return True
        time.sleep(0.025)
    return False


@pytest.fixture
def worker(zygote, tmp_path):
    path = tmp_path / "learner.py"
    path.write_text(SOURCE)
    w = Worker(zygote, submission=path, workdir=tmp_path, limits=Limits(timeout=1.5))
    assert w.start() is None
    yield w
    w.close()


def test_calls_return_plain_tensors(worker):
    out = worker.call("double", torch.arange(4.0))
    assert out.fault is None and torch.equal(out.value, torch.tensor([0.0, 2.0, 4.0, 6.0]))
    assert type(out.value) is torch.Tensor


def test_runs_in_another_process_in_its_workdir(worker, tmp_path):
    assert worker.call("pid").value != os.getpid()
    assert worker.call("cwd").value == str(tmp_path)


def test_environment_is_stripped(tmp_path, monkeypatch):
    """Secrets in the grader's environment when its zygote starts never reach a worker."""
    from grader.worker.client import Zygote

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "SECRET-aws")
    monkeypatch.setenv("GITHUB_TOKEN", "SECRET-gh")
    monkeypatch.setenv("GRADER_HIDDEN_KEY", "SECRET-hidden")
    path = tmp_path / "learner.py"
    path.write_text(SOURCE)
    with Zygote() as zygote:
        w = Worker(zygote, submission=path, workdir=tmp_path, limits=Limits(timeout=5))
        assert w.start() is None
        try:
            env = w.call("env").value
        finally:
            w.close()
    assert "PATH" in env and "HOME" in env
    assert not any("TOKEN" in k or "SECRET" in k or "KEY" in k for k in env)
    assert not any("SECRET-" in str(v) for v in env.values())


def test_temporary_files_go_to_the_workers_own_folder_whatever_the_zygote_preloaded(tmp_path):
    """torchvision (and fastai) ask `tempfile` for the temporary folder when imported; preloaded in
    the zygote, the answer named the zygote's own folder, which a worker cannot see, so a book-style
    submission's `tempfile.mkdtemp()` failed with FileNotFoundError."""
    from grader.worker.client import Zygote

    path = tmp_path / "learner.py"
    path.write_text("import os, tempfile\ndef scratch():\n    folder = tempfile.mkdtemp()\n"
                    "    open(os.path.join(folder, 'x'), 'w').close()\n    return folder\n")
    with Zygote() as zygote:
        assert "torchvision" in zygote.preload(["torchvision"])
        w = Worker(zygote, submission=path, workdir=tmp_path, limits=Limits(timeout=30))
        assert w.start() is None
        try:
            out = w.call("scratch")
        finally:
            w.close()
    assert out.fault is None, out.fault
    assert not str(out.value).startswith(zygote.home)


def test_calls_run_on_one_intra_op_thread_and_put_the_count_back(worker):
    """The suites' small inputs gain nothing from a second thread, and on a busy machine every parallel
    region (log_sigmoid opens one for a dozen numbers) waits a time slice: calls use one thread."""
    assert worker.call("threads").value == 1
    saved = torch.get_num_threads()
    from grader.worker.threads import intra_op_threads

    with intra_op_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == saved


def test_an_idle_zygote_waits_instead_of_polling(zygote, tmp_path):
    """The fork server sleeps until a request or a child's exit wakes it (SIGCHLD through a self-pipe),
    looking for adopted orphans twice a second: no longer twenty wake-ups a second. A worker's exit
    is still reported (the worker is restarted on the next call)."""
    def wakeups() -> int:
        with open(f"/proc/{zygote.proc.pid}/status") as status:
            return sum(int(line.split()[1]) for line in status
                       if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))

    zygote.ready()
    with open(f"/proc/{zygote.proc.pid}/status") as status:
        assert "SigCgt" in status.read()
    before = wakeups()
    time.sleep(2.0)
    assert wakeups() - before <= 10  # 4 sweeps in 2 s; polling every 50 ms gave 40 and more
    path = tmp_path / "learner.py"
    path.write_text(SOURCE)
    w = Worker(zygote, submission=path, workdir=tmp_path, limits=Limits(timeout=5))
    assert w.start() is None
    try:
        held = w.call("open_files")
        assert held.fault is None, held.fault
        held = held.value
        assert not any(name.startswith("pipe:") for name in held), held  # not the zygote's self-pipe
        assert w.call("die").fault is not None
        assert w.call("double", torch.tensor(2.0)).value == 4.0
    finally:
        w.close()


def test_hang_is_killed_and_worker_restarts(worker):
    first_pid = worker.call("pid").value
    out = worker.call("hang")
    assert out.fault.kind == "timeout" and "did not finish within 1.5 s" in out.fault.message
    assert gone(first_pid)
    assert worker.call("pid").value != first_pid
    assert torch.equal(worker.call("double", torch.ones(1)).value, torch.tensor([2.0]))


def test_os_exit_is_reported_with_its_code(worker):
    out = worker.call("die")
    assert out.fault.kind == "exit" and "code 7" in out.fault.message
    assert worker.call("double", 2).value == 4


@pytest.mark.parametrize("name,kind", [("leave", "SystemExit"), ("keyboard", "KeyboardInterrupt"),
                                       ("weird", "Weird")])
def test_base_exceptions_are_faults(worker, name, kind):
    out = worker.call(name)
    assert out.fault.kind == kind
    assert worker.call("double", 3).value == 6


def test_restart_reloads_fresh_state(worker):
    assert worker.call("remember", 1).value == 1
    assert worker.call("remember", 1).value == 2
    worker.call("die")
    assert worker.call("remember", 1).value == 1


def test_lying_object_crosses_as_opaque(worker):
    value = worker.call("lying").value
    assert isinstance(value, codec.Opaque) and value != torch.tensor(1.0)


def test_killed_worker_is_reported(worker):
    pid = worker.call("pid").value
    os.kill(pid, signal.SIGSEGV)
    out = worker.call("double", 1)
    assert out.fault.kind == "crash" and "SIGSEGV" in out.fault.message


def test_syntax_error_is_a_load_fault(zygote, tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("x = 1\ndef f(:\n    pass\n")
    w = Worker(zygote, submission=path, workdir=tmp_path, limits=Limits())
    fault = w.start()
    w.close()
    assert fault.kind == "SyntaxError" and fault.line == 2
