"""Warm grading kernels: forked from a template that imported torch and ipykernel once, yet nothing of
one learner's kernel reaches the next (files, modules, globals, environment), the sandbox is the cold
kernel's, a crash is still repaired by running the notebook again, and every adversarial notebook
gets the same outcome as in a cold kernel."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import torch

from notebooks.build import SIGMOID_RANGE, code, write_notebook
from test_adversarial import NOTEBOOK_CASES, baseline, measures, params, require_measures, stage, verify  # noqa: F401

from grader.grading import grade
from grader.notebook import load_notebook_worker, template
from grader.notebook.template import ForkedKernel
from grader.worker.limits import Limits

pytestmark = pytest.mark.slow  # kernels and notebooks (seconds each)


@pytest.fixture(scope="module")
def warm():
    """A kernel template, used by every kernel this module starts (as in a batch slot's child)."""
    started = template.start()
    started.ready()
    channel = started.attach()
    template.use(channel)
    yield started
    template.use(None)
    channel.close()
    started.close()


@pytest.fixture
def short():
    """A folder with a short path (kernels' Unix sockets live in it: 108 bytes at most)."""
    folder = Path(tempfile.mkdtemp(prefix="warm-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


LEAVE = code('''import builtins, os, sys, types
import torch
os.environ["LEFT_BY_A"] = "1"
torch._left_by_a = True
sys.modules["left_by_a"] = types.ModuleType("left_by_a")
builtins.left_by_a = True
secret_of_a = 42
with open("left-by-a.txt", "w") as handle:
    handle.write("a")
for where in ("/tmp/left-by-a.txt", "/dev/shm/left-by-a"):
    try:
        open(where, "w").close()
    except OSError:
        pass
def home():
    return os.getcwd()''')
PROBES = code('''import builtins, glob, os, sys
import torch
def traces(previous_home):
    return {"environment": os.environ.get("LEFT_BY_A"), "torch": hasattr(torch, "_left_by_a"),
            "modules": "left_by_a" in sys.modules, "builtins": hasattr(builtins, "left_by_a"),
            "globals": "secret_of_a" in globals(),
            "files": os.path.exists(os.path.join(previous_home, "left-by-a.txt"))
                     or bool(glob.glob("/tmp/left-by-a*") + glob.glob("/dev/shm/left-by-a*"))}''')
NOTHING = {"environment": None, "torch": False, "modules": False, "builtins": False, "globals": False,
           "files": False}


def load(base, name, cells, **limits):
    folder = base / name
    folder.mkdir()
    work = folder / "work"
    work.mkdir()
    return load_notebook_worker(write_notebook(folder / f"{name}.ipynb", cells), workdir=work,
                                limits=Limits(**{"timeout": 5.0, **limits}))


def test_a_forked_kernel_sees_nothing_of_the_previous_learners_kernel(warm, short):
    a, _ = load(short, "a", [LEAVE, PROBES])
    try:
        assert isinstance(a.kernel.process, ForkedKernel)  # forked warm, not a new interpreter
        a_home = a.call("home").value
        mine = a.call("traces", a_home).value
        assert mine["environment"] == "1" and mine["torch"] and mine["modules"] and mine["builtins"] \
            and mine["globals"] and mine["files"], "the probes see traces where there are some"
        b, _ = load(short, "b", [PROBES])  # while A's kernel is still alive
        try:
            assert b.call("traces", a_home).value == NOTHING
        finally:
            b.close()
    finally:
        a.close()
    c, _ = load(short, "c", [PROBES])  # after A's kernel is gone
    try:
        assert c.call("traces", a_home).value == NOTHING
    finally:
        c.close()
    assert not hasattr(torch, "_left_by_a") and "LEFT_BY_A" not in os.environ


def test_a_forked_kernel_is_sandboxed_like_a_cold_one(warm, short, measures):  # noqa: F811
    worker, _ = load(short, "sandboxed", [code(SIGMOID_RANGE)])
    try:
        assert worker.kernel.process.pid == worker.pid
        with open(f"/proc/{worker.pid}/stat") as handle:
            parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        assert parent == warm.proc.pid  # the template's child
        cold = {k for k, v in measures.items() if v == "on"}
        assert {k for k, v in worker.sandbox.items() if v == "on"} >= cold - {"work_folder"}  # (the grading mounts that)
        assert worker.sandbox.get("network") == measures.get("network")
        assert worker.sandbox.get("filesystem") == measures.get("filesystem")
    finally:
        worker.close()


def test_a_crash_is_repaired_by_a_fresh_forked_kernel(warm, short):
    worker, record = load(short, "crash", [
        code(SIGMOID_RANGE),
        code("import os\ndef die(x):\n    os._exit(3)"),
        code("counter = 0\ndef count(x):\n    global counter\n    counter += 1\n    return counter")])
    try:
        assert worker.call("count", 0).value == 1 and worker.call("count", 0).value == 2
        outcome = worker.call("die", 0)
        assert outcome.fault.kind == "exit" and "code 3" in outcome.fault.message
        assert worker.call("sigmoid_range", torch.tensor([0.0]), -1, 1).value.tolist() == [0.0]
        assert isinstance(worker.kernel.process, ForkedKernel) and worker.starts == 2
        assert worker.call("count", 0).value == 1  # a fresh kernel ran the notebook again
    finally:
        worker.close()


@pytest.mark.parametrize("case", params(NOTEBOOK_CASES))
def test_adversarial_notebooks_in_warm_kernels(case, stage, baseline, measures, warm):  # noqa: F811
    """Each adversarial notebook gets its expected outcome in a warm kernel; one that leaves traces
    for the next learner is graded twice in a row from the same template."""
    require_measures(case, measures)
    path = stage.write(case)
    rounds = 2 if case.name == "leaves_traces_for_next_learner" else 1
    for _ in range(rounds):
        result = grade(path, only=case.only, timing=False,
                       limits=Limits(**{"timeout": 5.0, **case.limits}))
        verify(case, stage, result, baseline)


def test_a_batch_forks_its_notebook_kernels_from_one_warm_template(tmp_path):
    """`grader batch`: one template per slot, and the second learner's kernel does not see the
    environment the first one's changed (its cell would fail, and its functions go undefined)."""
    from test_batch_run import SOLVED, notebook_of, options_of, read_csv

    from grader.batch import run_batch
    from grader.batch.progress import Progress

    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    (root / "ann.ipynb").write_text(notebook_of("import os\nos.environ['LEFT_BY_ANN'] = '1'\n" + SOLVED))
    (root / "ben.ipynb").write_text(notebook_of(
        "import os\nassert 'LEFT_BY_ANN' not in os.environ\n" + SOLVED))
    options = options_of(jobs=1, memory_mb=4096, only=["splitter", "img2pose"])
    outcome = run_batch(root, out=out, options=options, progress=Progress(0, quiet=True))
    assert outcome.graded == 2 and outcome.counts["error"] == 0
    rows = read_csv(out / "gradebook.csv")
    assert (rows["ann"]["splitter"], rows["ben"]["splitter"]) == ("5", "5")
    log = (out / ".batch" / "slot-0.log").read_text()
    assert log.count("kernel template") == 1, log[-2000:]


def test_a_kernel_started_ahead_is_the_one_that_grades(tmp_path):
    """`grader batch` starts the next notebook's kernel while the current one is graded, in the work
    folder that notebook's grading then uses: the kernel that runs ben's cells was started before
    ann's slow cell ended (had it been replaced by a fresh one, it would be younger than that cell)."""
    from test_batch_run import SOLVED, notebook_of, options_of, read_csv

    from grader.batch import run_batch
    from grader.batch.progress import Progress

    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    (root / "ann.ipynb").write_text(notebook_of("import time\ntime.sleep(6)\n" + SOLVED))
    (root / "ben.ipynb").write_text(notebook_of(
        "import os\nwith open('/proc/self/stat') as f:\n    started = int(f.read().rsplit(')', 1)[1].split()[19])\n"
        "with open('/proc/uptime') as f:\n    age = float(f.read().split()[0]) - started / os.sysconf('SC_CLK_TCK')\n"
        "assert age > 5, f'kernel started {age:.1f} s ago'\n" + SOLVED))
    options = options_of(jobs=1, memory_mb=4096, only=["splitter"])
    outcome = run_batch(root, out=out, options=options, progress=Progress(0, quiet=True))
    assert outcome.graded == 2 and outcome.counts["error"] == 0
    rows = read_csv(out / "gradebook.csv")
    assert (rows["ann"]["splitter"], rows["ben"]["splitter"]) == ("5", "5"), rows["ben"]
