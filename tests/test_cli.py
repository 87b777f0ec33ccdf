"""The CLI: every command has help, usage errors exit 2, `list` and `--json` say what they should."""

import json
import subprocess
import sys

import pytest
from conftest import SOLUTION

from grader.cli import build_parser, run, verb_modules


def test_every_command_is_listed_in_help(capsys):
    with pytest.raises(SystemExit) as exc:
        run(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for module in verb_modules():
        assert module.NAME in out


@pytest.mark.parametrize("verb", [m.NAME for m in verb_modules()])
def test_every_command_has_help(verb, capsys):
    with pytest.raises(SystemExit) as exc:
        run([verb, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: grader " + verb)
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[verb]
    for action in sub._actions:
        assert action.help, f"option {action.option_strings or action.dest} of {verb} has no help"


def test_no_command_prints_help_and_exits_2(capsys):
    assert run([]) == 2
    assert "usage: grader" in capsys.readouterr().out


def test_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        run(["check", "ch6", "--frobnicate"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


def test_list_names_every_exercise(capsys):
    assert run(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("binary_cross_entropy", "sigmoid_range", "accuracy_multi", "splitter",
                 "is_valid_person", "img2pose", "get_ctr", "train_bear_classifier"):
        assert name in out


def test_unknown_chapter(capsys):
    assert run(["list", "ch99"]) == 2
    assert "unknown chapter 'ch99'" in capsys.readouterr().err


def test_json_output_is_the_result(capsys):
    code = run(["check", "ch6", str(SOLUTION), "--only", "img2pose", "--json", "--no-report"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["status"] == "passed" and data["points"] == data["max_points"] == 3
    assert [e["name"] for e in data["exercises"]] == ["img2pose"]
    assert all(t["outcome"] == "passed" for t in data["exercises"][0]["tests"])


def test_only_an_exercise_leaves_the_questionnaire_out_and_only_questionnaire_grades_it(capsys):
    """The solutions' answer sheet lies beside them: `--only` decides whether it is graded."""
    assert run(["check", "ch6", str(SOLUTION), "--only", "img2pose", "--json", "--no-report"]) == 0
    assert json.loads(capsys.readouterr().out)["questionnaire"] is None
    assert run(["check", "ch6", str(SOLUTION), "--only", "questionnaire", "--json", "--no-report"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exercises"] == [] and data["questionnaire"]["points"] == data["points"] > 0


def test_skip_questionnaire_grades_the_exercises_without_it(capsys):
    assert run(["check", "ch6", str(SOLUTION), "--only", "img2pose", "--only", "questionnaire",
                "--skip", "questionnaire", "--json", "--no-report"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["questionnaire"] is None and [e["name"] for e in data["exercises"]] == ["img2pose"]


def test_unknown_only_name_lists_the_questionnaire_among_the_known(capsys):
    assert run(["check", "ch6", str(SOLUTION), "--only", "sigmoid_rnage", "--no-report"]) == 2
    err = capsys.readouterr().err
    assert "no exercise named 'sigmoid_rnage'" in err and "get_ctr" in err and "questionnaire" in err


def test_console_script_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "grader", "list", "ch6"], capture_output=True, text=True)
    assert done.returncode == 0 and "get_ctr" in done.stdout


def test_check_without_a_path_grades_the_exercises_file(capsys, monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    assert run(["check", "ch6", "--only", "img2pose", "--json", "--no-report"]) == 1  # the stubs
    data = json.loads(capsys.readouterr().out)
    assert data["submission"] == "exercises/ch6.py" and data["points"] == 0


def test_verbose_lists_each_failed_test_with_its_hint(capsys):
    from conftest import STUBS

    assert run(["check", "ch6", str(STUBS), "--only", "img2pose", "--no-report", "-v"]) == 1
    out = capsys.readouterr().out
    assert out.count("failed: ") >= 2 and "still the stub" in out
    assert "hint: Replace the `raise NotImplementedError` with your implementation." in out


def test_timeout_option_is_the_limit_of_one_call(tmp_path, capsys):
    slow = tmp_path / "slow.py"
    slow.write_text(SOLUTION.read_text() + "\nimport time\n\ndef img2pose(x):\n    time.sleep(30)\n")
    assert run(["check", "ch6", str(slow), "--only", "img2pose", "--no-report", "-v",
                "--timeout", "1.5"]) == 1
    out = capsys.readouterr().out
    assert "did not finish within 1.5 s" in out
