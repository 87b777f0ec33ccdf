"""Skips itself at module level with pytest.skip(), hoping a skipped test counts as passed.

Skip exceptions are learner exceptions like any other in the worker; the suite's own list of tests
is what is scored, and every test that did not pass scores 0.
expect-points: 0
expect-message: could not be loaded
"""

import pytest

pytest.skip("nothing to grade here", allow_module_level=True)


def binary_cross_entropy(inputs, targets):
    raise NotImplementedError
