"""Reading a submitted notebook: every kind of bad file gets its own clear message; old formats convert."""

import json
from pathlib import Path

import nbformat
import pytest

from conftest import BEAR, ROOT
from notebooks.build import SIGMOID_RANGE, code, write_notebook

from grader.notebook import outputs
from grader.notebook.reading import NotebookProblem, kernel_note, read_notebook


def problem_of(path: Path) -> NotebookProblem:
    with pytest.raises(NotebookProblem) as caught:
        read_notebook(path)
    return caught.value


def test_not_json_says_so_with_the_place(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [\n  {"cell_type": "code",, }\n')
    problem = problem_of(path)
    assert problem.kind == "NotJSON"
    assert "not valid JSON" in problem.message and "line 2" in problem.message
    assert "save it from Jupyter" in problem.hint


def test_python_source_named_ipynb_gets_a_python_hint(tmp_path):
    path = tmp_path / "script.ipynb"
    path.write_text("import torch\n\ndef sigmoid_range(x, lo, hi):\n    return x\n")
    problem = problem_of(path)
    assert problem.kind == "NotJSON" and ".py suffix" in problem.hint


@pytest.mark.parametrize("content, what", [("[1, 2, 3]", "a list"), ('{"name": "x"}', "without `cells`"),
                                           ('"text"', "a str")])
def test_json_that_is_not_a_notebook(tmp_path, content, what):
    path = tmp_path / "data.ipynb"
    path.write_text(content)
    problem = problem_of(path)
    assert problem.kind == "NotANotebook"
    assert "JSON but not a notebook" in problem.message and what in problem.message


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.ipynb"
    path.write_bytes(b'{"cells": [], "x": "\xe9t\xe9"}')
    assert problem_of(path).kind == "NotANotebook"


def test_nbformat_3_is_converted():
    nb, notes = read_notebook(ROOT / "tests" / "notebooks" / "nbformat3.ipynb")
    assert nb.nbformat == 4
    assert any("converted from nbformat 3 to 4" in n for n in notes)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert sources and "def sigmoid_range" in sources[0]


def test_missing_version_and_broken_cells_are_repaired(tmp_path):
    path = tmp_path / "handmade.ipynb"
    path.write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": ["x = ", "1\n"]},  # no metadata, outputs, execution_count
        "not a cell",
        {"cell_type": "markdown", "source": "# title", "outputs": []},
    ], "metadata": {}}))
    nb, notes = read_notebook(path)
    assert [c.cell_type for c in nb.cells] == ["code", "markdown"]
    assert nb.cells[0].source == "x = 1\n" and nb.cells[0].outputs == []
    assert any("does not say which nbformat" in n for n in notes)
    assert any("repaired" in n and "cell 1" in n for n in notes)
    nbformat.validate(nb)


def spec(name: str, language: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(metadata={"kernelspec": {"name": name, "language": language,
                                                             "display_name": name}})


def test_kernel_notes():
    label = "the grader's kernel"
    missing = spec("conda-env-fastai-py", "python")
    assert "`conda-env-fastai-py`, which does not exist here" in kernel_note(missing, label)
    assert label in kernel_note(missing, label)
    assert kernel_note(spec("python3", "python"), label) is None
    assert "written for r" in kernel_note(spec("ir", "R"), label)


def test_traceback_keeps_the_learners_cells_without_colours():
    ipython_traceback = [
        "\x1b[31m---------------------------------------------------------------------------\x1b[39m",
        "\x1b[31mZeroDivisionError\x1b[39m   Traceback (most recent call last)",
        "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[3]\x1b[39m\x1b[32m, line 2\x1b[39m\n----> 2 f(0)",
        "\x1b[36mFile \x1b[39m\x1b[32m/usr/lib/python3/site-packages/lib.py:10\x1b[39m, in g(x)\n---> 10 1/x",
        "\x1b[31mZeroDivisionError\x1b[39m: division by zero",
    ]
    kept = outputs.learner_traceback(ipython_traceback, "ZeroDivisionError", "division by zero")
    assert kept == ["Cell In[3], line 2\n----> 2 f(0)", "ZeroDivisionError: division by zero"]


def test_download_failures_get_hints():
    weights = ["File .../torch/hub.py:870, in load_state_dict_from_url(url)", "URLError: refused"]
    assert outputs.diagnose("URLError", "<urlopen error [Errno 111] Connection refused>", weights) == \
        outputs.PRETRAINED_HINT
    data = ["File .../fastai/data/external.py:145, in untar_data(url)", "File .../fastdownload/core.py"]
    assert outputs.diagnose("URLError", "<urlopen error refused>", data) == outputs.DATASET_HINT
    assert outputs.diagnose("ZeroDivisionError", "division by zero", []) is None


def test_long_outputs_are_clipped():
    out = nbformat.v4.new_output("stream", name="stdout", text="x" * 100_000)
    image = nbformat.v4.new_output("display_data", data={"image/png": "A" * (outputs.DATA_BYTES + 1),
                                                         "text/plain": "<Figure>"})
    outputs.trim_output(out)
    outputs.trim_output(image)
    assert len(out.text) < outputs.TEXT_CHARS + 200 and "characters not kept" in out.text
    assert "image/png" not in image.data and image.data["text/plain"] == "<Figure>"


def test_an_old_notebook_that_cannot_be_converted_says_why_and_what_to_do(tmp_path):
    path = tmp_path / "old.ipynb"  # says nbformat 3, but holds no worksheets to convert
    path.write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                                "cells": [{"cell_type": "code", "input": "x = 1"}]}))
    problem = problem_of(path)
    assert problem.kind == "OldFormat" and "nbformat 3, which could not be converted" in problem.message
    assert "save it again" in problem.hint


def test_a_newer_nbformat_is_read_as_the_current_one_with_a_note(tmp_path):
    path = write_notebook(tmp_path / "new.ipynb", [code(SIGMOID_RANGE)])
    data = json.loads(path.read_text())
    data["nbformat"] = 5
    path.write_text(json.dumps(data))
    nb, notes = read_notebook(path)
    assert nb.nbformat == 4 and "def sigmoid_range" in nb.cells[0].source
    assert any("nbformat 5, newer than this grader knows" in n for n in notes)


def test_grader_check_on_a_bad_notebook_exits_2_with_one_paragraph(tmp_path, capsys):
    from grader.cli import run

    path = tmp_path / "homework.ipynb"
    path.write_text("[1, 2]")
    assert run(["check", "ch6", str(path), "--skip", "bear", "--no-report"]) == 2
    captured = capsys.readouterr()
    assert "JSON but not a notebook" in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err

def test_grading_a_file_that_is_not_json_is_ungradable_with_the_reason(tmp_path):
    from grader.grading import grade

    path = tmp_path / "homework.ipynb"
    path.write_text("this is not a notebook")
    result = grade(path, skip={BEAR})
    assert result.status == "ungradable"
    assert result.load_error.kind == "NotJSON"
    assert "not valid JSON" in result.notebook["notes"][0]
    assert all(t.outcome == "failed" and "could not be loaded" in t.message
               for e in result.exercises for t in e.tests)


def test_builder_writes_valid_notebooks(tmp_path):
    path = write_notebook(tmp_path / "x.ipynb", [code(SIGMOID_RANGE, "raises-exception")])
    nb = nbformat.read(path, 4)
    assert nb.cells[0].metadata.tags == ["raises-exception"]


def test_control_characters_are_removed_from_what_the_learner_sees():
    kept = outputs.learner_traceback(["Cell In[2], line 1\n----> 1 boom()\x07\x1b]0;title\x07"],
                                     "RuntimeError", "bad\x1b[2J\x08 news")
    assert kept == ["Cell In[2], line 1\n----> 1 boom()", "RuntimeError: bad news"]


def test_console_summary_names_failed_cells_and_hints():
    from grader.notebook import summary_lines

    record = {"notes": ["ran with the grader's kernel"], "failed_cells": [
        {"index": 4, "execution_count": 3, "ename": "URLError", "evalue": "refused",
         "hint": outputs.PRETRAINED_HINT},
        {"index": 6, "execution_count": None, "ename": "KernelDied", "evalue": "cell 6 stopped the kernel"},
        {"index": 9, "execution_count": 7, "ename": "NameError", "evalue": "name 'x' is not defined"}]}
    lines = summary_lines(record, limit=2)
    assert lines[0] == "Note: ran with the grader's kernel"
    assert lines[1] == "Notebook In [3] failed: URLError: refused"
    assert lines[2] == f"  hint: {outputs.PRETRAINED_HINT}"
    assert lines[3].startswith("Notebook cell 6 failed: KernelDied")
    assert lines[4] == "... and 1 more failed cells (see the executed notebook)"
    assert summary_lines(None) == []
