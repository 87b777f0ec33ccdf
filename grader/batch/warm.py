"""What a batch slot does once, before it forks a grading child per submission.

Every child starts as a copy of the slot, so whatever the slot has imported, compiled or found is
free in each child: torch, pytest, the grader, the chapter's data generators and test modules,
nbformat's validators, the installed kernels, the kernel provisioners, the questionnaire rubric. The
slot must still fork with a single thread and no torch computation done, so this only imports and
reads.
"""

from __future__ import annotations

import importlib


def warm_up(chapter: str) -> None:
    """Import what every grading needs, so each forked child starts with it loaded."""
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import pytest  # noqa: F401
    import torch  # noqa: F401

    import grader.grading  # noqa: F401
    import grader.report  # noqa: F401

    from grader.chapters import get_chapter
    from grader.suite.runner import collect_suite

    ch = get_chapter(chapter)
    for dataset in ch.datasets:  # the generators the suite calls
        importlib.import_module(dataset.module)
    collect_suite(ch.suite)  # the test modules, and all that they import
    import grader.notebook.loading  # noqa: F401
    import grader.notebook.template  # noqa: F401
    import grader.questionnaire  # noqa: F401

    # done once here rather than once per grading child: nbformat's validators, the installed
    # kernels, the kernel provisioners' entry points, the chapter's questionnaire rubric
    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    from grader.notebook import reading
    from grader.questionnaire.rubric import load_rubric

    reading.warm_up()
    KernelProvisionerFactory.instance()
    if ch.rubric is not None:
        load_rubric(ch.name)
