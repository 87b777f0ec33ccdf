"""Monkeypatches pytest, unittest and the grader's own modules (it can import them in the worker),
and tries to add a test file and a conftest.py that pass everything to the grader's suite on disk;
then returns a wrong value.

The suite runs in the trusted process, whose modules are not these; the files are read-only to the
worker (the harness removes the planted files if the sandbox ever let them through).
expect-points: 0
expect-message: wrong value
expect-needs: read_only
expect-planted: grader/chapters/ch6/test_zz_planted.py, grader/chapters/ch6/conftest.py
"""

import unittest
from pathlib import Path

import pytest
import torch

import grader
import grader.results
import grader.suite.checks as checks
import grader.suite.plugin as plugin

checks.close = lambda *args, **kwargs: True
checks.expect_close = lambda *args, **kwargs: None
plugin.GradingPlugin.pytest_runtest_makereport = lambda *args, **kwargs: None
grader.results.TestResult.points = property(lambda self: self.max_points)
pytest.fail = pytest.skip = lambda *args, **kwargs: None
unittest.TestCase.assertEqual = lambda *args, **kwargs: None

PLANTED = {
    "test_zz_planted.py": "import pytest\n\n@pytest.mark.exercise('binary_cross_entropy')\n"
                          "@pytest.mark.points(1000)\ndef test_free_points():\n    pass\n",
    "conftest.py": "def pytest_collection_modifyitems(items):\n    items[:] = []\n",
}
for name, text in PLANTED.items():
    try:
        (Path(grader.__file__).parent / "suites" / "ch6" / name).write_text(text)
    except OSError:
        pass


def binary_cross_entropy(inputs, targets):
    return torch.zeros(())
