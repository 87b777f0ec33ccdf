"""Bad submissions get a clear message each (never a grader traceback) and the right exit code."""

import pytest
from conftest import SOLUTION, STUBS, failing

from grader.cli import run

SOLVED = SOLUTION.read_text()


def replace(name: str, body: str) -> str:
    """The solution with function `name` redefined (appended, so it wins)."""
    return SOLVED + f"\n\n{body}\n"


# -- files that cannot be graded at all: exit code 2 and one paragraph on stderr --------------------
def test_missing_path(capsys):
    assert run(["check", "ch6", "no/such/file.py", "--no-report"]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err


def test_directory(tmp_path, capsys):
    assert run(["check", "ch6", str(tmp_path), "--no-report"]) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and "Traceback" not in err


def test_wrong_file_type(tmp_path, capsys):
    path = tmp_path / "answers.txt"
    path.write_text("hello")
    assert run(["check", "ch6", str(path), "--no-report"]) == 2
    assert "cannot be graded" in capsys.readouterr().err


def test_binary_file(tmp_path, capsys):
    path = tmp_path / "ch6.py"
    path.write_bytes(b"\x7fELF\0\0\0")
    assert run(["check", "ch6", str(path), "--no-report"]) == 2
    assert "not a text file" in capsys.readouterr().err


def test_unknown_exercise_in_only(capsys):
    assert run(["check", "ch6", str(SOLUTION), "--only", "nope", "--no-report"]) == 2
    err = capsys.readouterr().err
    assert "--only: no exercise named 'nope'" in err


def test_bad_timeout_value(capsys):
    assert run(["check", "ch6", str(SOLUTION), "--timeout", "-1", "--no-report"]) == 2
    assert "timeout must be a positive number" in capsys.readouterr().err


def test_syntax_error_names_the_line(tmp_path, capsys):
    path = tmp_path / "ch6.py"
    path.write_text("import torch\n\ndef binary_cross_entropy(inputs, targets)\n    return 1\n")
    assert run(["check", "ch6", str(path), "--skip", "bear", "--no-report"]) == 2
    out = capsys.readouterr().out
    assert "could not be loaded (line 3): SyntaxError" in out
    assert "Traceback" not in out


def test_import_error_names_the_package(tmp_path, capsys):
    path = tmp_path / "ch6.py"
    path.write_text("import torch\nimport fancy_missing_package\n")
    assert run(["check", "ch6", str(path), "--skip", "bear", "--no-report"]) == 2
    out = capsys.readouterr().out
    assert "ModuleNotFoundError" in out and "fancy_missing_package" in out and "(line 2)" in out


def test_exit_codes_pass_and_fail(capsys):
    assert run(["check", "ch6", str(SOLUTION), "--skip", "bear", "--no-report"]) == 0
    assert "(100%): passed" in capsys.readouterr().out
    assert run(["check", "ch6", str(STUBS), "--skip", "bear", "--no-report"]) == 1


@pytest.mark.parametrize("code,expected", [
    ("import sys\nsys.exit(0)\n", "SystemExit: your code called sys.exit(0)"),
    ("import os\nos._exit(0)\n", "exited with code 0"),
])
def test_exit_at_import(grade_source, code, expected):
    result = grade_source(code + SOLVED)
    assert result.status == "ungradable"
    assert expected in f"{result.load_error.kind}: {result.load_error.message}"
    assert result.points == 0


# -- faults inside one function cost that exercise only ---------------------------------------------
def others_all_pass(result, broken: str) -> bool:
    return all(e.passed for e in result.exercises if e.name != broken)


def test_missing_function(grade_source):
    source = SOLVED.replace("def img2pose(x):", "def img2pose_renamed(x):").replace(
        "ctr = np.genfromtxt(img2pose(f)", "ctr = np.genfromtxt(img2pose_renamed(f)")
    result = grade_source(source)
    entry = next(e for e in result.exercises if e.name == "img2pose")
    assert not entry.defined and entry.points == 0
    assert all("`img2pose` is not defined" in t.message for t in entry.tests)
    assert others_all_pass(result, "img2pose")


def test_function_that_raises(grade_source):
    result = grade_source(replace("sigmoid_range", "def sigmoid_range(x, lo, hi):\n"
                                                   "    raise ValueError('lo must be below hi')"))
    messages = [t.message for t in failing(result, "sigmoid_range")]
    assert messages and all("raised ValueError" in m and "lo must be below hi" in m for m in messages)
    test = failing(result, "sigmoid_range")[0]
    assert test.fault.traceback and "submission.py" in test.fault.traceback[-1]
    assert "grader/" not in "".join(test.fault.traceback)
    assert others_all_pass(result, "sigmoid_range")


def test_wrong_return_type(grade_source):
    result = grade_source(replace("accuracy_multi", "def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):\n"
                                                    "    return 'about 80%'"))
    assert all("returned a str, not a tensor" in t.message for t in failing(result, "accuracy_multi"))
    assert others_all_pass(result, "accuracy_multi")


def test_infinite_loop_times_out_once(grade_source):
    from grader.worker.limits import Limits

    result = grade_source(replace("sigmoid_range", "def sigmoid_range(x, lo, hi):\n    while True: pass"),
                          limits=Limits(timeout=4.0))
    tests = failing(result, "sigmoid_range")
    assert len(tests) == len(next(e for e in result.exercises if e.name == "sigmoid_range").tests)
    assert all(t.fault is not None and t.fault.kind == "timeout" for t in tests)
    assert "did not finish within 4 s" in tests[0].message
    assert "not called again" in tests[1].message
    assert others_all_pass(result, "sigmoid_range")


def test_memory_bomb(grade_source):
    from grader.worker.limits import Limits

    bomb = "def binary_cross_entropy(inputs, targets):\n    hog = [bytearray(2**26) for _ in range(10**4)]\n"
    result = grade_source(replace("binary_cross_entropy", bomb), limits=Limits(memory_mb=512),
                          only={"binary_cross_entropy", "accuracy_multi"})
    tests = failing(result, "binary_cross_entropy")
    assert tests and all("memory" in t.message for t in tests)
    assert others_all_pass(result, "binary_cross_entropy")


@pytest.mark.parametrize("body,expected", [
    ("import sys\n    sys.exit(3)", "your code called sys.exit(3)"),
    ("import os\n    os._exit(0)", "exited with code 0"),
])
def test_exit_inside_a_call(grade_source, body, expected):
    result = grade_source(replace("img2pose", f"def img2pose(x):\n    {body}"))
    tests = failing(result, "img2pose")
    assert tests and all(expected in t.message for t in tests)
    assert others_all_pass(result, "img2pose") or all(
        e.passed for e in result.exercises if e.name not in ("img2pose", "get_ctr"))


def test_output_flood_is_truncated(grade_source):
    source = SOLVED.replace("def sigmoid_range(x, lo, hi):\n",
                            "def sigmoid_range(x, lo, hi):\n    print('spam' * 10000)\n")
    result = grade_source(source, skip={"train_bear_classifier", "questionnaire"})
    assert result.status == "passed"
    assert len(result.output) < 70_000 and "more bytes of output not kept" in result.output


def test_unwritable_report_still_shows_the_results(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = run(["check", "ch6", str(SOLUTION), "--only", "img2pose", "--report", str(blocker / "r.html")])
    captured = capsys.readouterr()
    assert code == 2
    assert "(100%): passed" in captured.out
    assert "grader: error:" in captured.err and "Traceback" not in captured.err
