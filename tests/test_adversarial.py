"""Buggy and adversarial submissions under `grader check`: each case in tests/adversarial/ gets the
outcome its docstring states (0 points for cheats, a clear message for each fault, a finished run with
a report), in process through `grade()` and, for the cases marked `expect-cli`, through the real CLI.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time

import pytest

from grader.chapters import QUESTIONNAIRE
from adversarial._harness import CASES_DIR, ROOT, Case, Stage, all_cases, leftover, printed_pids
from grader.errors import EXIT_FAILED, SubmissionError
from grader.grading import grade
from grader.results import RunResult
from grader.worker.limits import Limits

CASES = all_cases()


def params(cases: list[Case]) -> list:
    """Cases as pytest parameters: `expect-slow` marks slow, `expect-known-hole` a strict xfail
    (a hole reported to the owner of that part: the test fails as soon as the hole is closed, so
    that the mark is removed)."""
    out = []
    for case in cases:
        marks = [pytest.mark.slow] if case.get("slow") else []
        if case.get("known-hole"):
            marks.append(pytest.mark.xfail(strict=True, reason=f"known hole: {case.get('known-hole')}"))
        out.append(pytest.param(case, marks=marks, id=case.name))
    return out


@pytest.fixture(scope="module")
def measures(zygote, tmp_path_factory) -> dict[str, str]:
    """The sandbox measures a worker gets on this machine ("on" or "off: why")."""
    from grader.worker.client import Worker

    folder = tmp_path_factory.mktemp("probe")
    path = folder / "probe.py"
    path.write_text("x = 1\n")
    worker = Worker(zygote, submission=path, workdir=folder, limits=Limits())
    assert worker.start() is None
    found = dict(worker.sandbox)
    worker.close()
    from grader.worker import workspace

    scratch = tmp_path_factory.mktemp("mount-probe")
    found["work_folder"] = workspace.mount_private(scratch, Limits())  # as grade() does
    if found["work_folder"] == "on":
        workspace.unmount(scratch)
    return found


def require_measures(case: Case, measures: dict[str, str]) -> None:
    missing = {m: measures.get(m, "off: not reported") for m in case.items("needs")
               if measures.get(m) != "on"}
    if missing:
        pytest.skip(f"the sandbox cannot apply {missing} on this machine, and this case relies on it")


@pytest.fixture(scope="module")
def baseline(zygote, tmp_path_factory) -> set[str]:
    """Tests that honest constant answers (`adversarial/_baseline.py`) pass: the most a cheat may."""
    folder = tmp_path_factory.mktemp("baseline")
    path = folder / "baseline.py"
    path.write_text((CASES_DIR / "_baseline.py").read_text())
    result = grade(path, zygote=zygote, skip={"train_bear_classifier"}, timing=False)
    return {t.nodeid for e in result.exercises for t in e.tests if t.outcome == "passed"}


@pytest.fixture
def stage(tmp_path):
    s = Stage(tmp_path)
    yield s
    s.close()


def grade_case(case: Case, stage: Stage, zygote, path=None) -> RunResult:
    path = path or stage.write(case)
    limits = Limits(**{"timeout": 5.0, **case.limits})
    return grade(path, zygote=zygote, only=case.only, timing=case.get("timing") == "on", limits=limits)


@pytest.mark.parametrize("case", params(CASES))
def test_check(case, stage, zygote, measures, baseline):
    require_measures(case, measures)
    if case.get("submit-link"):
        with pytest.raises(SubmissionError, match=case.get("error")):
            grade_case(case, stage, zygote)
        return
    planted = []
    try:
        path = stage.write(case)
        result = grade_case(case, stage, zygote, path)
    finally:
        planted = [ROOT / p for p in case.items("planted") if (ROOT / p).exists()]
        for p in planted:
            p.unlink()
    assert not planted, f"the worker planted {planted} in the grader's files"
    verify(case, stage, result, baseline)
    if case.get("check") == "deterministic":
        again = grade_case(case, stage, zygote, path)
        assert outcomes(again) == outcomes(result)


def outcomes(result: RunResult) -> list[tuple[str, str, float]]:
    return [(t.nodeid, t.outcome, t.points) for e in result.exercises for t in e.tests]


def verify(case: Case, stage: Stage, result: RunResult, baseline: set[str]) -> None:
    """Everything a case's docstring promises, plus what every run must show."""
    tests = [t for e in result.exercises for t in e.tests]
    assert {e.name for e in result.exercises} == case.only - {QUESTIONNAIRE}, \
        "every exercise asked for was graded"
    if case.only == {QUESTIONNAIRE}:
        verify_questionnaire(case, stage, result)
        return
    assert tests and all(t.outcome in ("passed", "failed", "skipped") for t in tests), \
        [(t.name, t.outcome, t.message) for t in tests if t.outcome not in ("passed", "failed", "skipped")]
    assert all(t.outcome != "skipped" or t.max_points == 0 for t in tests), "skips never score"
    if case.get("points") == "0":
        honest = case.get("honest")
        unearned = [t.name for t in tests if t.points and t.nodeid not in baseline
                    and not (honest and re.search(honest, t.name))]
        assert unearned == [], "a cheat or a fault earned points that honest constant answers do not"
    elif case.get("points") == ">0":
        assert sum(t.points for t in tests if not t.stretch) > 0
    texts = [f"{t.message} {t.hint or ''}" for t in tests if t.outcome != "passed"]
    if result.load_error is not None:
        texts.append(result.load_error.message)
    if case.get("message"):
        assert any(re.search(case.get("message"), text, re.I) for text in texts), texts[:5]
    if case.get("note"):
        assert any(case.get("note") in note for e in result.exercises for note in e.notes)
    dump = json.dumps(result.to_dict())
    assert not CONTROL.search(console_text(result)), "terminal control characters reached the console"
    if case.get("absent"):
        assert stage.values[case.get("absent")] not in dump, "the secret reached the worker"
    if case.get("absent-text"):
        assert case.get("absent-text") not in dump, "instructor files reached the worker"
    for forged in case.items("forged"):
        assert not os.path.exists(stage.fill(forged)), f"the worker wrote {stage.fill(forged)}"
    check = case.get("check")
    if check == "no_connection":
        assert stage.connections() == [], "the worker reached the test's port"
    elif check == "printed_pids_gone":
        pids = printed_pids(result.output)
        assert pids, "the case printed the pids it spawned"
        for _ in range(200):  # SIGKILL delivery is asynchronous on a busy machine
            if not leftover(pids):
                break
            time.sleep(0.025)
        assert leftover(pids) == [], "processes of the worker outlived it"
    elif check == "crash_costs_one_test":
        for entry in result.exercises:
            scored = [t for t in entry.tests if not t.stretch and t.outcome != "skipped"]
            if entry.name == "binary_cross_entropy":
                assert all(t.outcome == "failed" and "exited" in t.message for t in scored), \
                    [(t.name, t.message) for t in scored if "exited" not in t.message]
            else:
                assert all(t.outcome == "passed" for t in scored), \
                    [(t.name, t.message) for t in scored if t.outcome != "passed"]
    elif check == "wrote_within_folder_size":
        from grader.worker.workspace import TRUSTED_ROOM_MB

        room = case.limits.get("disk_mb", Limits().disk_mb) + TRUSTED_ROOM_MB
        wrote = [int(n) for n in re.findall(r"^WROTE (\d+) MB", result.output, re.M)]
        assert all(n <= room for n in wrote), f"wrote {wrote} MB into a folder of {room} MB"
    elif check == "no_ipc_left":
        assert host_ipc_keys() & CASE_IPC_KEYS == set(), "System V objects of the worker reached the machine"
    elif check == "output_truncated":
        assert "more bytes of output not kept" in result.output and len(result.output) < 100_000
    report = write_report(result, stage.root / "report.html")
    if report is not None:
        assert report.exists() and report.stat().st_size > 0
        if case.get("no-raw-html"):
            assert case.get("no-raw-html") not in report.read_text(), "learner HTML reached the report"


def verify_questionnaire(case: Case, stage: Stage, result: RunResult) -> None:
    """The promises of a case that attacks the questionnaire (graded alone, `--only questionnaire`)."""
    q = result.questionnaire
    assert q is not None, "the questionnaire was graded"
    questions = q.get("questions") or []
    check = case.get("check")
    if check == "questionnaire_capped":
        assert q["max_points"] > 0 and q["points"] <= q["max_points"] / 2, (q["points"], q["max_points"])
        answered = [item for item in questions if item.get("status") != "not answered"]
        assert answered and all(item.get("needs_review") for item in answered), \
            [item["number"] for item in answered if not item.get("needs_review")]
    elif check == "sheet_refused":
        assert q["points"] == 0 and q.get("problem") and "link" in q["problem"], q.get("problem")
        assert all(item.get("status") == "not answered" for item in questions)
        neighbour = stage.neighbour_sheet.read_text()
        borrowed = [line for line in neighbour.splitlines() if len(line) > 40 and not line.startswith("#")]
        dump = json.dumps(result.to_dict())
        assert not any(line in dump for line in borrowed), "the neighbour's answers reached the result"
    else:
        raise AssertionError(f"{case.name}: a questionnaire case names its check")
    assert not CONTROL.search(console_text(result)), "terminal control characters reached the console"
    report = write_report(result, stage.root / "report.html")
    assert report is None or report.stat().st_size > 0


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CASE_IPC_KEYS = set(range(0x5A5B0000, 0x5A5E0000))
"""The System V keys the adversarial cases use (0x5A5B...., 0x5A5C...., 0x5A5D....)."""


def host_ipc_keys() -> set[int]:
    """Keys of the System V objects this process's IPC namespace (the machine's) holds."""
    keys = set()
    for kind in ("shm", "msg", "sem"):
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                next(table)
                keys.update(int(line.split()[0]) for line in table if line.strip())
        except (OSError, StopIteration, ValueError):
            continue
    return keys


def console_text(result: RunResult) -> str:
    """What `grader check -vv` prints for this result."""
    from grader.console import print_summary

    out = io.StringIO()
    print_summary(result, verbose=2, stream=out)
    return out.getvalue()


def write_report(result: RunResult, path):
    from grader.commands.check import write_html_report

    return write_html_report(result, path)


CLI_CASES = [c for c in CASES if c.get("cli")]


@pytest.mark.slow
@pytest.mark.parametrize("case", params(CLI_CASES))
def test_cli(case, stage, measures, baseline):
    """The real `grader check --json`: exit code 1, stdout is exactly the grader's JSON, report written."""
    require_measures(case, measures)
    path = stage.write(case)
    report = stage.root / "out" / "report.html"
    env = {**os.environ, "GRADER_TEST_SECRET": stage.secret}
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "check", "ch6", str(path), "--json", "--no-timing",
         "--report", str(report), *[f"--only={name}" for name in sorted(case.only)]],
        cwd=stage.root, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == EXIT_FAILED, proc.stderr[-2000:]
    data = json.loads(proc.stdout)  # nothing but the grader's own JSON on stdout
    result = RunResult.from_dict(data)
    assert result.max_points > 0
    assert stage.secret not in proc.stdout + proc.stderr
    verify(case, stage, result, baseline)
    if report.parent.exists() or write_report(result, stage.root / "probe.html") is not None:
        assert report.exists(), "the report was written"


NOTEBOOK_CASES = all_cases(".ipynb")


@pytest.mark.slow
@pytest.mark.parametrize("case", params(NOTEBOOK_CASES))
def test_notebook(case, stage, baseline, measures):
    """Notebook submissions: executed in a sandboxed kernel, graded like .py files."""
    pytest.importorskip("grader.notebook", reason="notebook grading (issue 3) is not in this checkout")
    require_measures(case, measures)
    path = stage.write(case)
    result = grade(path, only=case.only, timing=False, limits=Limits(**{"timeout": 5.0, **case.limits}))
    verify(case, stage, result, baseline)
