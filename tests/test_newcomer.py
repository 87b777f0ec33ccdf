"""A newcomer's first hour (issue 16): the book's own code runs offline in both kinds of submission,
and the README's two commands are the ones the scripts and CI run.

The bear exercise is skipped in the grading tests (`skip={BEAR}`: it trains for about a minute and
is graded by tests/test_bear_grading.py); everything else must score full marks.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import BEAR, ROOT

from grader.grading import grade
from grader.worker import book_env

BOOK_PY = ROOT / "tests" / "submissions" / "book_fastbook_ch6.py"
BOOK_NB = ROOT / "tests" / "notebooks" / "book_fastbook_ch6.ipynb"


def _not_passed(result):
    return [(t.name, t.message) for e in result.exercises for t in e.tests
            if t.outcome != "passed" and not t.stretch]


def test_book_style_py_with_fastbook_and_untar_data_scores_full_marks(zygote):
    """`import fastbook`, `from fastbook import *`, top-level `untar_data` of both data sets and the
    bears beside them, `plot_function`: all at import time of a .py, offline."""
    result = grade(BOOK_PY, skip={BEAR, "questionnaire"}, zygote=zygote)  # a .py has no answer sheet
    assert result.load_error is None, result.load_error
    assert _not_passed(result) == []
    assert result.max_points >= 40 and result.points == result.max_points


@pytest.mark.slow
def test_book_style_notebook_with_fastbook_and_untar_data_scores_full_marks(tmp_path):
    executed = tmp_path / "book.executed.ipynb"
    result = grade(BOOK_NB, skip={BEAR, "questionnaire"}, executed_notebook=executed)
    assert result.notebook["failed_cells"] == []  # the setup cells, untar_data, plot_function
    assert _not_passed(result) == []
    assert result.max_points >= 40 and result.points == result.max_points


WHERE = '''
from fastbook import *
import fastbook
path = untar_data(URLs.PASCAL_2007)

def where():
    return [str(path), str(fastbook.OFFLINE_STAND_IN)]

def mark():
    return (path / "MARK.txt").read_text()
'''


def _where(zygote, tmp_path, data: str):
    """Load WHERE in a worker with `data`: its load fault, what `where()` and `mark()` returned."""
    from grader.worker.client import Worker
    from grader.worker.limits import Limits

    workdir = tmp_path / f"work-{data}"
    workdir.mkdir()
    source = workdir / "where.py"
    source.write_text(WHERE)
    worker = Worker(zygote, submission=source, workdir=workdir, limits=Limits(load_timeout=120),
                    data=data)
    try:
        fault = worker.start()
        if fault is not None:
            return fault, None, None
        return None, worker.call("where").value, worker.call("mark")
    finally:
        worker.close()


def test_py_uses_the_real_data_sets_with_data_real(zygote, tmp_path, monkeypatch):
    """`--data real` for a .py: `untar_data` returns the user's own cached data set (read-only)."""
    from grader.data import fastai_cache

    real_home = tmp_path / "real-fastai"
    made = fastai_cache.populate(real_home, skip={"bears"})
    (made["PASCAL_2007"] / "MARK.txt").write_text("the user's own copy")
    (real_home / ".grader-generated").unlink()  # a user's cache, not a generated one
    monkeypatch.setenv("FASTAI_HOME", str(real_home))

    fault, where, mark = _where(zygote, tmp_path, "real")
    assert fault is None, fault
    assert where == [str(made["PASCAL_2007"].resolve()), "True"]
    assert mark.fault is None and mark.value == "the user's own copy"

    fault, where, mark = _where(zygote, tmp_path, "generated")  # the default: the grader's copies
    assert fault is None, fault
    assert where[0].startswith(str(tmp_path / "work-generated"))
    assert mark.fault is not None and mark.fault.kind == "FileNotFoundError"


def test_data_real_names_the_missing_data_set_in_the_load_error(zygote, tmp_path, monkeypatch):
    monkeypatch.setenv("FASTAI_HOME", str(tmp_path / "empty-fastai"))
    fault, _, _ = _where(zygote, tmp_path, "real")
    assert fault is not None and "--data real: PASCAL_2007" in fault.message


def test_prepare_is_done_once_and_rejects_unknown_data(tmp_path):
    from grader.errors import UsageError

    home = book_env.prepare(tmp_path, "generated")
    assert (home.fastai_home / "data" / "pascal_2007" / "train.csv").is_file()
    assert (home.fastai_home / "data" / "bears" / "labels.csv").is_file()
    assert home.env() == {"FASTAI_HOME": str(home.fastai_home), "TORCH_HOME": str(home.torch_home)}
    with pytest.raises(UsageError, match="--data must be one of generated, real"):
        book_env.prepare(tmp_path, "downloaded")


def test_the_stand_in_gives_the_book_names_and_plot_function(tmp_path):
    """In a plain interpreter with the stand-in's folder on the path (as in .venv and workers)."""
    script = (
        "import sys; sys.path.append(sys.argv[1])\n"
        "import matplotlib; matplotlib.use('Agg')\n"
        "import fastbook; from fastbook import *\n"
        "assert fastbook.OFFLINE_STAND_IN and fastbook.setup_book() is None\n"
        "plot_function(torch.sigmoid, 'x', 'sigmoid(x)', title='t', min=-4, max=4)\n"
        "ax = plt.gca(); line = ax.lines[0]\n"
        "assert len(line.get_xdata()) == 100 and line.get_xdata()[0] == -4 and ax.get_title() == 't'\n"
        "assert ax.get_xlabel() == 'x' and ax.get_ylabel() == 'sigmoid(x)'\n"
        "from PIL import Image\n"
        "assert Image.open(image_bear()).size == (224, 224) and Image.open(image_cat()).mode == 'RGB'\n"
        "for name in ('untar_data', 'URLs', 'DataBlock', 'vision_learner', 'pd', 'np', 'hc',\n"
        "             'CategoricalDtype', 'get_image_files_sorted', 'gv', 'draw_tree', 'cluster_columns'):\n"
        "    assert name in dir(), name\n"
        "try:\n"
        "    search_images_ddg('grizzly bear')\n"
        "except ConnectionError as exc:\n"
        "    assert \"parent/'bears'\" in str(exc)\n"
        "else:\n"
        "    raise AssertionError('image search must say it is offline')\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(book_env.OFFLINE_PACKAGES)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_the_readme_commands_are_the_scripts_ci_runs():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    commands = [line.split("#")[0].strip() for line in
                re.search(r"```bash\n(.*?)```", section, re.S).group(1).splitlines() if line.strip()]
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith("#")]
    assert ci[-1] == "exec bash scripts/test.sh"  # exactly the README's second command
    for script in ("demo.sh", "setup.sh", "test.sh", "lab.sh"):
        assert subprocess.run(["bash", "-n", str(ROOT / "scripts" / script)]).returncode == 0


def test_setup_refuses_an_unknown_option_before_installing_anything():
    done = subprocess.run(["bash", str(ROOT / "scripts" / "setup.sh"), "--jupyterlab"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "--jupyter" in done.stderr
