"""Run a grading suite with pytest in this (trusted) process, isolated from the caller's pytest setup."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from grader.errors import GraderError
from grader.suite.plugin import GradingPlugin
from grader.worker.threads import intra_op_threads

_ENV_CLEARED = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")


@contextlib.contextmanager
def _clean_pytest_env():
    saved = {k: os.environ.get(k) for k in (*_ENV_CLEARED, "PYTEST_DISABLE_PLUGIN_AUTOLOAD")}
    for key in _ENV_CLEARED:
        os.environ.pop(key, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


UNUSED_PLUGINS = ("cacheprovider", "stepwise", "unraisableexception", "threadexception", "logging",
                  "junitxml", "doctest", "pastebin", "faulthandler", "legacypath", "setuponly",
                  "setupplan")
"""pytest plugins the suites never use. Left on, they cost every grading time: `unraisableexception`
collects garbage twice at the end of a session (0.1-0.6 s), `logging` swaps handlers around every
test phase."""


def _suite_args(suite: Path) -> list[str]:
    """The suite's own folder is the root and config: an ini file, conftest.py or plugin near the
    submission or the current directory has no say. Failures are one line each (`--tb=line`): the
    plugin reads outcomes from the exceptions, and pytest's long form parses every test's source."""
    return [str(suite), "-q", "--capture=no", "--tb=line",
            *(arg for plugin in UNUSED_PLUGINS for arg in ("-p", f"no:{plugin}")),
            f"--rootdir={suite}", f"--confcutdir={suite}", "-c", str(suite / "suite.ini"),
            "-W", "ignore::DeprecationWarning", "-W", "ignore::FutureWarning"]


class _Markers:
    def pytest_configure(self, config) -> None:
        from grader.suite.plugin import MARKERS

        for line in MARKERS:
            config.addinivalue_line("markers", line)


def collect_suite(suite: Path) -> None:
    """Import the suite's test modules (assertion rewriting included) without running a test.

    For a process that forks one grading child per submission (batch grading): called once before
    forking, so that no child pays for importing them; each child starts from the same fresh copy.
    """
    with _clean_pytest_env(), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        pytest.main([*_suite_args(suite), "--collect-only"], plugins=[_Markers()])


def run_suite(suite: Path, plugin: GradingPlugin) -> None:
    """Run every test file of `suite` with `plugin` collecting results (see `_suite_args`).

    pytest's own output is discarded.
    """
    args = _suite_args(suite)
    sink = io.StringIO()
    with _clean_pytest_env(), intra_op_threads(1), contextlib.redirect_stdout(sink), \
            contextlib.redirect_stderr(sink):
        code = pytest.main(args, plugins=[plugin])
    if not plugin.results and code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED,
                                           pytest.ExitCode.NO_TESTS_COLLECTED):
        tail = sink.getvalue().strip().splitlines()[-5:]
        raise GraderError("the grading suite itself failed to run (a bug in the grader, not in your "
                          "code)", hint="\n".join(tail))
