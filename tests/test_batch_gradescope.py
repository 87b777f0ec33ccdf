"""Gradescope's results.json, checked against a JSON Schema written from Gradescope's documented
format ("Autograder Specifications": top-level score/output/output_format/visibility/tests; each test
name, score, max_score, status passed|failed, output, visibility, tags), and the autograder zip."""

from __future__ import annotations

import stat
import zipfile

import jsonschema

from grader.batch.gradescope import to_gradescope
from grader.results import ExerciseResult, RunResult
from grader.results import TestResult as Outcome

VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMATS = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
SCHEMA = {
    "type": "object",
    "required": ["tests"],
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": FORMATS,
        "test_output_format": FORMATS,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "score", "max_score", "status", "output", "visibility"],
            "properties": {
                "name": {"type": "string"}, "score": {"type": "number"},
                "max_score": {"type": "number"}, "status": {"enum": ["passed", "failed"]},
                "output": {"type": "string"}, "output_format": FORMATS, "visibility": VISIBILITY,
                "tags": {"type": "array", "items": {"type": "string"}},
                "extra_data": {"type": "object"}, "number": {"type": "string"},
            },
            "additionalProperties": False,
        }},
    },
}


def schema_problems(document) -> list[str]:
    """Every way `document` departs from the schema (empty: it conforms)."""
    validator = jsonschema.Draft7Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]


def result_with_stretch_and_questionnaire() -> RunResult:
    tests = [Outcome(nodeid="t1", name="values", exercise="accuracy_multi", outcome="failed",
                        points=0.0, max_points=2.0, message="`accuracy_multi` applies no sigmoid",
                        hint="Call `inp.sigmoid()` first.", expected="0.5", got="0.25"),
             Outcome(nodeid="t2", name="a 10x faster version", exercise="accuracy_multi",
                        outcome="failed", points=0.0, max_points=1.0, stretch=True, message="slow")]
    return RunResult(submission="a.py", learner="a", chapter="ch6", grader_version="0", started="",
                     device="CPU", exercises=[ExerciseResult("accuracy_multi", "acc", tests=tests)],
                     questionnaire={"points": 2.0, "max_points": 4.0, "questions": [
                         {"number": 1, "points": 2.0, "max_points": 2.0, "status": "correct"},
                         {"number": 2, "points": 0.0, "max_points": 2.0, "status": "wrong",
                          "needs_review": True, "review_reason": "a keyword list"}]})


def test_results_json_follows_the_documented_schema_in_markdown():
    doc = to_gradescope(result_with_stretch_and_questionnaire(), status="failed")
    assert schema_problems(doc) == []
    assert doc["output_format"] == doc["test_output_format"] == "md"
    failed = doc["tests"][0]
    assert "**Hint:** Call `inp.sigmoid()` first." in failed["output"]
    assert "Expected:\n```\n0.5\n```" in failed["output"]


def test_stretch_goals_show_as_stretch_goals_worth_nothing():
    stretch = to_gradescope(result_with_stretch_and_questionnaire(), status="failed")["tests"][1]
    assert stretch["name"].endswith("(stretch goal)") and "stretch" in stretch["tags"]
    assert stretch["score"] == stretch["max_score"] == 0 and stretch["status"] == "failed"
    assert "worth no points" in stretch["output"]


def test_questionnaire_entries_have_a_status():
    tests = to_gradescope(result_with_stretch_and_questionnaire(), status="failed")["tests"][2:]
    assert [t["status"] for t in tests] == ["passed", "failed"]
    assert "To be reviewed by a person: a keyword list" in tests[1]["output"]


def test_schema_catches_what_gradescope_would_reject():
    assert schema_problems({"tests": [{"name": "x", "score": 1, "max_score": 1, "status": "ok",
                                       "output": "", "visibility": "visible"}]})
    assert schema_problems({"tests": [], "output_format": "markdown"})


def test_autograder_zip_layout(tmp_path):
    from grader.batch.autograder import build_autograder

    path = build_autograder(tmp_path / "a.zip", settings={"chapter": "ch6", "only": [], "skip": []})
    with zipfile.ZipFile(path) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        assert stat.S_IMODE(infos["run_autograder"].external_attr >> 16) == 0o755
        assert stat.S_IMODE(infos["setup.sh"].external_attr >> 16) == 0o755
        setup = zf.read("setup.sh").decode()
        assert "pip install --quiet ./fastbook-grader" in setup and "generated_home" in setup
        assert "machine_key()" in setup
        run = zf.read("run_autograder").decode()
        assert "GRADER_AUTOGRADER_ROOT:-/autograder" in run
        assert not any("__pycache__" in name for name in infos)


def test_gradescope_command_errors_are_sentences(tmp_path, capsys):
    from grader.cli import run

    assert run(["gradescope", "ch99", "-o", str(tmp_path / "a.zip")]) == 2
    assert "unknown chapter 'ch99'" in capsys.readouterr().err
    assert run(["gradescope", "ch6", "-o", str(tmp_path / "b.zip"), "--skip", "nope"]) == 2
    assert "no exercise named 'nope'" in capsys.readouterr().err
    assert run(["gradescope", "ch6", "-o", str(tmp_path / "c.zip"), "--skip", "bear"]) == 0
    out = capsys.readouterr().out
    assert "c.zip" in out and "upload it" in out and (tmp_path / "c.zip").is_file()


def test_an_installed_grader_without_a_checkout_describes_its_project_from_its_metadata(tmp_path):
    """In an install from a wheel (tox, a course server) no pyproject.toml lies beside the package:
    the zip's project file is written from the installed distribution (name, version, dependencies)."""
    import tomllib

    from grader.batch.autograder import _pyproject_text

    project = tomllib.loads(_pyproject_text(tmp_path))
    assert project["project"]["name"] == "fastbook-grader"
    assert any(d.startswith("torch") for d in project["project"]["dependencies"])
    assert project["project"]["scripts"]["grader"] == "grader.cli:run"
