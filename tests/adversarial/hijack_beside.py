"""Hijacks the grader's environment with files beside the submission: torch.py, numpy.py,
conftest.py, pytest.ini, sitecustomize.py and usercustomize.py that would make every comparison
pass, or run code in the grader (each leaves a marker file if it ever runs).

Only the submission file is copied into the worker's folder; pytest runs with the suite's own root
and configuration; torch and numpy were imported before the worker existed.
expect-points: 0
expect-message: wrong value
expect-forged: {{MARKER}}
"""

import torch

BESIDE = {
    "torch.py": "open('{{MARKER}}', 'w').write('torch.py ran')\nallclose = lambda *a, **k: True\n",
    "numpy.py": "open('{{MARKER}}', 'w').write('numpy.py ran')\nallclose = lambda *a, **k: True\n",
    "conftest.py": "open('{{MARKER}}', 'w').write('conftest.py ran')\n"
                   "def pytest_runtest_call(item):\n    pass\n",
    "pytest.ini": "[pytest]\naddopts = -p no:python\n",
    "sitecustomize.py": "open('{{MARKER}}', 'w').write('sitecustomize.py ran')\n",
    "usercustomize.py": "open('{{MARKER}}', 'w').write('usercustomize.py ran')\n",
}


def binary_cross_entropy(inputs, targets):
    return torch.zeros(())
