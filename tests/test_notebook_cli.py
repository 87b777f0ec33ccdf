"""`grader check` on a notebook: its options, and the executed notebook saved beside the report."""

import json

import nbformat
import pytest

from notebooks.build import SIGMOID_RANGE, code, write_notebook

from grader.cli import run


@pytest.mark.parametrize("option, message", [(["--cell-timeout", "0"], "--cell-timeout must be a positive"),
                                             (["--cell-timeout", "-3"], "--cell-timeout must be a positive")])
def test_bad_cell_timeout_is_a_usage_error(tmp_path, capsys, option, message):
    path = write_notebook(tmp_path / "nb.ipynb", [code(SIGMOID_RANGE)])
    assert run(["check", "ch6", str(path), *option]) == 2
    assert message in capsys.readouterr().err


def test_unknown_data_choice_is_refused(tmp_path, capsys):
    path = write_notebook(tmp_path / "nb.ipynb", [code(SIGMOID_RANGE)])
    with pytest.raises(SystemExit) as exc:
        run(["check", "ch6", str(path), "--data", "downloaded"])
    assert exc.value.code == 2
    assert "invalid choice: 'downloaded'" in capsys.readouterr().err


@pytest.mark.slow
def test_executed_notebook_lands_beside_the_report(tmp_path, capsys):
    path = write_notebook(tmp_path / "homework.ipynb", [
        code(SIGMOID_RANGE), code("print('hello from the notebook')"), code("1/0")])
    report = tmp_path / "out" / "homework.html"
    code_ = run(["check", "ch6", str(path), "--only", "sigmoid_range", "--cell-timeout", "30",
                 "--report", str(report), "--json"])
    assert code_ == 0
    result = json.loads(capsys.readouterr().out)
    executed = tmp_path / "out" / "homework.executed.ipynb"
    assert result["notebook"]["executed_path"] == str(executed)
    nb = nbformat.read(str(executed), 4)
    assert nb.cells[1].outputs[0]["text"] == "hello from the notebook\n"
    assert nb.cells[2].outputs[0]["ename"] == "ZeroDivisionError"
    assert [c["index"] for c in result["notebook"]["failed_cells"]] == [2]
    assert result["exercises"][0]["passed"] is True
