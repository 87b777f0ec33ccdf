"""Executing a notebook past every kind of trouble, and grading what it defines.

One notebook holds the troubles (an unknown kernel spec, shell and pip lines, a flood of output, a
cell that never finishes, a cell that kills the kernel, an error, nbclient's cell tags) between
exercise definitions; it is graded once and each test checks one behaviour. A second notebook has
functions that misbehave while they are graded.
"""

import nbformat
import pytest
import torch

from conftest import ROOT
from notebooks.build import ACCURACY_MULTI, IMG2POSE, SIGMOID_RANGE, code, markdown, write_notebook

from grader.grading import grade
from grader.worker.limits import Limits

TROUBLES = [
    markdown("# A notebook with every kind of trouble"),
    code("!pip install -Uqq fastbook\n%pip install nothing\nprint('after the shell lines')"),   # 1
    code("%%bash\nrm -rf ~\n"),                                                                # 2
    code(SIGMOID_RANGE),                                                                       # 3
    code("for i in range(2000):\n    print('a long line of output', i, 'x' * 2000)"),         # 4
    code("while True:\n    pass"),                                                             # 5
    code(IMG2POSE),                                                                            # 6
    code("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),                           # 7
    code(ACCURACY_MULTI),                                                                      # 8
    code("1/0"),                                                                               # 9
    code("raise ValueError('this one is expected')", "raises-exception"),                      # 10
    code("raise SystemExit('never run')", "skip-execution"),                                   # 11
]
GRADED = {"sigmoid_range", "img2pose", "accuracy_multi"}
pytestmark = pytest.mark.slow  # each fixture starts kernels and runs the notebook (tens of seconds)


@pytest.fixture(scope="module")
def troubled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("troubled")
    path = write_notebook(folder / "troubled.ipynb", TROUBLES, kernel="conda-env-fastai-py")
    executed = folder / "report" / "troubled.executed.ipynb"
    result = grade(path, only=GRADED, cell_timeout=4, executed_notebook=executed)
    return result, nbformat.read(str(executed), 4)


def test_exercises_defined_around_the_troubles_are_graded(troubled):
    result, _ = troubled
    assert {e.name for e in result.exercises} == GRADED
    failed = [(t.name, t.message) for e in result.exercises for t in e.tests if t.outcome != "passed"]
    assert failed == []
    assert sum(e.points for e in result.exercises) == sum(e.max_points for e in result.exercises) > 0
    assert result.questionnaire is None  # no questionnaire cells in this notebook


def test_missing_kernel_falls_back_to_the_graders_python(troubled):
    result, _ = troubled
    assert any("`conda-env-fastai-py`, which does not exist here" in n and "grader's Python" in n
               for n in result.notebook["notes"])
    assert "Python" in result.notebook["kernel"]


def test_shell_and_pip_lines_are_not_run(troubled):
    result, nb = troubled
    text = "".join(o.get("text", "") for o in nb.cells[1].outputs + nb.cells[2].outputs)
    assert "not run while grading" in text and "pip install -Uqq fastbook" in text
    assert "after the shell lines" in text  # the rest of the cell ran
    assert any("shell command" in n for n in result.notebook["notes"])


def test_cell_that_never_finishes_times_out_and_the_rest_run(troubled):
    result, nb = troubled
    assert result.notebook["timed_out_cells"] == [5]
    entry = next(c for c in result.notebook["failed_cells"] if c["index"] == 5)
    assert entry["ename"] == "CellTimeoutError" and "4 s" in entry["evalue"]
    assert nb.cells[6].execution_count is not None  # the next cell ran


def test_cell_that_kills_the_kernel_is_recorded_and_the_notebook_rerun(troubled):
    result, nb = troubled
    entry = next(c for c in result.notebook["failed_cells"] if c["index"] == 7)
    assert entry["ename"] == "KernelDied"
    assert any("fresh kernel" in n and "without cell 7" in n for n in result.notebook["notes"])
    assert nb.cells[8].execution_count is not None  # accuracy_multi, after the killer, was defined


def test_errors_are_reported_with_the_learners_lines(troubled):
    result, _ = troubled
    entry = next(c for c in result.notebook["failed_cells"] if c["index"] == 9)
    assert entry["ename"] == "ZeroDivisionError"
    assert entry["traceback"][0].startswith("Cell In[") and "1/0" in entry["traceback"][0]
    assert not any("\x1b[" in line for line in entry["traceback"])


def test_cell_tags_are_honoured(troubled):
    result, nb = troubled
    indexes = {c["index"] for c in result.notebook["failed_cells"]}
    assert 10 not in indexes  # raises-exception: an expected error
    assert nb.cells[10].outputs[0]["ename"] == "ValueError"
    assert nb.cells[11].outputs == [] and nb.cells[11].execution_count is None  # skip-execution
    assert indexes == {5, 7, 9}


def test_huge_output_is_truncated_in_what_is_kept(troubled):
    _, nb = troubled
    text = "".join(o.get("text", "") for o in nb.cells[4].outputs)
    assert "a long line of output 0" in text
    assert len(text) < 100_000 and ("not kept" in text)


# -- functions that misbehave while they are graded ------------------------------------------------
FAULTY = [
    code(SIGMOID_RANGE),
    code("def spin(x):\n    while True:\n        pass"),
    code("import os\ndef die(x):\n    os._exit(3)"),
    code("counter = 0\ndef count(x):\n    global counter\n    counter += 1\n    return counter"),
    code("def exists(path):\n    import os\n    return os.path.exists(path)"),
]


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    from grader.notebook import load_notebook_worker

    tmp_path = tmp_path_factory.mktemp("faulty")
    workdir = tmp_path / "work"
    workdir.mkdir()
    worker, record = load_notebook_worker(write_notebook(tmp_path / "faulty.ipynb", FAULTY),
                                          workdir=workdir, limits=Limits(timeout=3))
    yield worker, record
    worker.close()


def test_a_call_that_hangs_is_interrupted_and_the_kernel_keeps_serving(faulty):
    worker, _ = faulty
    starts, before = worker.starts, worker.call("count", 0).value
    outcome = worker.call("spin", 0)
    assert outcome.fault.kind == "timeout"
    assert worker.alive and worker.starts == starts  # interrupted, not restarted
    assert worker.call("count", 0).value == before + 1  # the same kernel: its state is still there


def test_a_call_that_kills_the_kernel_restarts_it_and_reruns_the_notebook(faulty):
    worker, record = faulty
    outcome = worker.call("die", 0)
    assert outcome.fault.kind == "exit" and "code 3" in outcome.fault.message
    starts = worker.starts
    value = worker.call("sigmoid_range", torch.tensor([0.0]), -1, 1).value
    assert value.tolist() == [0.0]
    assert worker.starts == starts + 1
    assert worker.call("count", 0).value == 1  # a fresh kernel ran the notebook again
    assert any(f"restart {starts}" in n for n in record["notes"])


def test_functions_defined_in_cells_are_the_learners_own(faulty):
    worker, _ = faulty
    info = worker.info("sigmoid_range")
    assert info["defined"] and info["own_code"] is True
    assert worker.info("torch")["defined"] and not worker.info("nothing_here")["defined"]


def test_the_kernel_is_sandboxed_like_a_worker(faulty):
    worker, _ = faulty
    assert "network" in worker.sandbox and "filesystem" in worker.sandbox
    solutions = str(ROOT / "solutions" / "ch6.py")
    assert worker.call("exists", solutions).value is (worker.sandbox["filesystem"] != "on")
    assert worker.call("exists", str(worker.workdir)).value is True  # the grading folder is readable


def test_a_kernel_started_ahead_grades_an_old_format_notebook(tmp_path):
    """Batch grading starts the next kernel early; nbformat 3 is converted before it runs."""
    from grader.notebook import load_notebook_worker, start_kernel

    limits = Limits(timeout=5)
    handle = start_kernel(limits=limits, readable=[tmp_path])
    workdir = tmp_path / "work"
    workdir.mkdir()
    worker, record = load_notebook_worker(ROOT / "tests" / "notebooks" / "nbformat3.ipynb",
                                          workdir=workdir, limits=limits, kernel=handle)
    try:
        assert worker.kernel is handle  # the kernel started ahead, not a new one
        assert any("converted from nbformat 3 to 4" in n for n in record["notes"])
        assert worker.call("sigmoid_range", torch.tensor([0.0]), 2, 4).value.tolist() == [3.0]
    finally:
        worker.close()
    assert not handle.home.exists()  # its own folder went with it
